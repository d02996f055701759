"""2-D convolution and pooling (TensorFlow conventions: NHWC activations, HWIO filters) as compositions.

    y = gc.conv2d(x, w, strides=2, padding="SAME")          # x (N, H, W, C), w (KH, KW, C/groups, C_out)
    p = gc.max_pool2d(y, 2)                                 # 2x2 windows, stride 2

Why compositions and no conv op: each window offset (kh, kw) is a strided slice of
the padded input, a view; the im2col matrix is their concatenation along channels,
and the convolution is ONE matmul of that matrix with the filter reshaped to
(KH*KW*C_in, C_out), so the llvm backend runs one BLAS gemm per convolution (per
group) and the fusion pass folds a following bias and activation into its epilogue.
Gradients of every order, forward mode, and the CUDA renderer come from the slice,
concatenate, reshape and matmul ops, each defined once; the measured speed is in
docs/conv.md.  Pooling reduces the same window slices: max over a stacked axis
(ties share the gradient equally, as gc.max does), sums divided by the count of real
pixels in each window (SAME excludes the padding from the average, as TensorFlow).

Shapes are checked here, at build time, with the user's line in every message: the
height, width and channel sizes must be static; the batch may be None.
"""

from __future__ import annotations

import numpy as np

from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops import shape as shape_ops
from graphc.ops.common import as_nodes
from graphc.ops.linalg import matmul
from graphc.ops.reduce import max as reduce_max
from graphc.ops.registry import user_facing
from graphc.ops.source import constant


def _fail(op: str, message: str) -> ShapeError:
    """A ShapeError; graphc.ops wraps the public functions (user_facing) to add their name, the operand
    shapes and the user's line.  `op` names the public function for readers of this module only."""
    del op
    return ShapeError(message)


def hw_pair(op: str, what: str, value) -> tuple[int, int]:
    """An int or an (h, w) pair of positive ints, as (h, w)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value) if _is_seq(value) else None
    if pair is None or len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise _fail(op, f"{what} must be a positive int or an (h, w) pair of positive ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def _is_seq(value) -> bool:
    return isinstance(value, (tuple, list))


def _same_pads(size: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's SAME: ceil(size / stride) outputs; the odd padded pixel goes after (bottom / right)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _padding(op: str, padding, sizes, windows, strides) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) from "VALID", "SAME" or explicit pairs."""
    if isinstance(padding, str):
        if padding.upper() == "VALID":
            return (0, 0), (0, 0)
        if padding.upper() == "SAME":
            return tuple(_same_pads(n, k, s) for n, k, s in zip(sizes, windows, strides))
        raise _fail(op, f"padding must be 'VALID', 'SAME' or ((top, bottom), (left, right)), got {padding!r}")
    try:
        pads = tuple(tuple(int(p) for p in pair) for pair in padding)
        ok = len(pads) == 2 and all(len(p) == 2 for p in pads) and all(
            p >= 0 and p == q for pair, given in zip(pads, padding) for p, q in zip(pair, given))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise _fail(op, f"padding must be 'VALID', 'SAME' or ((top, bottom), (left, right)) of non-negative "
                        f"ints, got {padding!r}")
    return pads


def _spatial(op: str, x: Node) -> tuple[int, int, int]:
    """(H, W, C) of an NHWC operand, which must be static."""
    if x.ndim != 4:
        raise _fail(op, f"expects NHWC input of rank 4, got shape {x.shape}")
    if any(d is None for d in x.shape[1:]):
        raise _fail(op, f"needs static height, width and channels, got input shape {x.shape}")
    return x.shape[1], x.shape[2], x.shape[3]


def _out_size(op: str, x: Node, axis: str, padded: int, window: int, stride: int) -> int:
    if padded < window:
        raise _fail(op, f"the {axis} window {window} is larger than the padded input ({padded}); "
                        f"input shape {x.shape}")
    return (padded - window) // stride + 1


def _pad_spatial(x: Node, pads, value: float) -> Node:
    """x padded along height and width with `value`; works with an unknown batch size (no static shape needed)."""
    (top, bottom), (left, right) = pads
    out = x
    for axis, (before, after) in ((1, (top, bottom)), (2, (left, right))):
        if not before and not after:
            continue
        index = [slice(None)] * 4
        index[axis] = slice(0, 1)
        edge = ew.fill_like(shape_ops.getitem(out, tuple(index)), value)   # one row (or column) of `value`
        out = shape_ops.concatenate([edge] * before + [out] + [edge] * after, axis)
    return out


def _windows(xp: Node, kernel, dilations, strides, out_hw) -> list[Node]:
    """The strided view of xp under each window offset (kh, kw), in row-major (kh, kw) order: (N, OH, OW, C) each."""
    (kh_n, kw_n), (dh, dw), (sh, sw), (oh, ow) = kernel, dilations, strides, out_hw
    views = []
    for kh in range(kh_n):
        for kw in range(kw_n):
            rows = slice(kh * dh, kh * dh + (oh - 1) * sh + 1, sh)
            cols = slice(kw * dw, kw * dw + (ow - 1) * sw + 1, sw)
            views.append(shape_ops.getitem(xp, (slice(None), rows, cols, slice(None))))
    return views


def _geometry(op: str, x: Node, kernel, strides, padding, dilations):
    """(padding pairs, (OH, OW)) for windows of `kernel` taps spread by `dilations`, checked against x."""
    h, w, _ = _spatial(op, x)
    effective = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilations))
    pads = _padding(op, padding, (h, w), effective, strides)
    out_hw = tuple(_out_size(op, x, axis, n + sum(p), k, s)
                   for axis, n, p, k, s in zip(("height", "width"), (h, w), pads, effective, strides))
    return pads, out_hw


def conv2d(x, w, strides=1, padding="VALID", dilations=1, groups: int = 1) -> Node:
    """TensorFlow's conv2d (cross-correlation): x (N, H, W, C_in), w (KH, KW, C_in/groups, C_out) -> (N, OH, OW, C_out).

    padding: "VALID", "SAME" (the odd pixel at the bottom/right) or ((top, bottom), (left, right)).
    groups splits the channels: output channels [g*C_out/groups, ...) see input channels [g*C_in/groups, ...).
    """
    products, (oh, ow) = conv2d_products(x, w, strides, padding, dilations, groups)
    outs = [shape_ops.reshape(p, (-1, oh, ow, p.shape[1])) for p in products]
    return outs[0] if len(outs) == 1 else shape_ops.concatenate(outs, axis=3)


def conv2d_products(x, w, strides=1, padding="VALID", dilations=1, groups: int = 1):
    """([one (N*OH*OW, C_out/groups) matmul per group], (OH, OW)): conv2d before its reshape to NHWC.

    A layer adds its bias and activation to these rows, before the reshape, so that the fusion
    pass makes them the gemm's epilogue (a reshape between the matmul and them ends the group).
    """
    x, w = as_nodes(x, w)
    strides, dilations = hw_pair("conv2d", "strides", strides), hw_pair("conv2d", "dilations", dilations)
    _, _, c_in = _spatial("conv2d", x)
    if w.ndim != 4 or any(d is None for d in w.shape):
        raise _fail("conv2d", f"expects a static HWIO filter of rank 4, got shape {w.shape} (input {x.shape})")
    kh, kw, c_group, c_out = w.shape
    if not isinstance(groups, (int, np.integer)) or groups < 1 or c_in % groups or c_out % groups:
        raise _fail("conv2d", f"groups={groups!r} must be a positive int dividing the input channels ({c_in}) and "
                              f"the filter's output channels ({c_out}); input {x.shape}, filter {w.shape}")
    if c_group != c_in // groups:
        raise _fail("conv2d", f"the filter {w.shape} has {c_group} input channels; the input {x.shape} with "
                              f"groups={groups} needs {c_in // groups}")
    pads, (oh, ow) = _geometry("conv2d", x, (kh, kw), strides, padding, dilations)
    views = _windows(_pad_spatial(x, pads, 0), (kh, kw), dilations, strides, (oh, ow))
    o_group = c_out // groups
    products = []
    for g in range(groups):
        taps = views if groups == 1 else [v[:, :, :, g * c_group:(g + 1) * c_group] for v in views]
        columns = taps[0] if len(taps) == 1 else shape_ops.concatenate(taps, axis=3)
        filt = w if groups == 1 else w[:, :, :, g * o_group:(g + 1) * o_group]
        products.append(matmul(shape_ops.reshape(columns, (-1, kh * kw * c_group)),
                               shape_ops.reshape(filt, (kh * kw * c_group, o_group))))
    return products, (oh, ow)


# Conv2D calls this directly (not through gc.conv2d): its errors too name conv2d, the shapes and the user's line
conv2d_products = user_facing(conv2d_products, name="conv2d")


def _pool_geometry(op: str, x: Node, window, strides, padding):
    window = hw_pair(op, "window", window)
    strides = window if strides is None else hw_pair(op, "strides", strides)
    pads, out_hw = _geometry(op, x, window, strides, padding, (1, 1))
    if any(p >= k for pair, k in zip(pads, window) for p in pair):
        raise _fail(op, f"padding {pads} must be smaller than the window {window} on every side, so that every "
                        f"window holds at least one input pixel; input shape {x.shape}")
    return window, strides, pads, out_hw


def max_pool2d(x, window, strides=None, padding="VALID") -> Node:
    """The maximum over each window of NHWC x (strides default to the window; padding never wins).

    Ties share the gradient equally among the tied pixels of a window (gc.max's rule, as in JAX);
    TensorFlow and PyTorch give it all to the first.  Either way the gradient's total is the same.
    """
    (x,) = as_nodes(x)
    window, strides, pads, out_hw = _pool_geometry("max_pool2d", x, window, strides, padding)
    lowest = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
    views = _windows(_pad_spatial(x, pads, lowest), window, (1, 1), strides, out_hw)
    return views[0] if len(views) == 1 else reduce_max(shape_ops.stack(views, axis=4), axis=4)


def _window_counts(size_hw, window, strides, pads, out_hw) -> np.ndarray:
    """How many real (unpadded) pixels each output window covers, shaped (1, OH, OW, 1)."""
    counts = []
    for n, k, s, (before, _), out in zip(size_hw, window, strides, pads, out_hw):
        starts = np.arange(out) * s - before
        counts.append(np.minimum(starts + k, n) - np.maximum(starts, 0))
    return np.outer(counts[0], counts[1])[None, :, :, None]


def avg_pool2d(x, window, strides=None, padding="VALID") -> Node:
    """The mean over each window of NHWC x; with padding, the mean of the real pixels only (as TensorFlow)."""
    (x,) = as_nodes(x)
    window, strides, pads, out_hw = _pool_geometry("avg_pool2d", x, window, strides, padding)
    views = _windows(_pad_spatial(x, pads, 0), window, (1, 1), strides, out_hw)
    total = views[0]
    for view in views[1:]:
        total = total + view
    counts = _window_counts(x.shape[1:3], window, strides, pads, out_hw)
    if (counts == counts.flat[0]).all():
        return total / float(counts.flat[0])
    floating = np.issubdtype(x.dtype, np.floating)  # integers average to float64, as numpy's mean
    return total / constant(counts.astype(x.dtype if floating else np.float64))


__all__ = ["avg_pool2d", "conv2d", "max_pool2d"]
