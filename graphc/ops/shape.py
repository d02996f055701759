"""Shape ops: reshape, transpose, broadcast, expand/squeeze, concatenate, slicing, one_hot.

The `*_like` ops take a second input only for its shape.  Derivative rules use
them so that gradients of graphs with None (feed-time) dimensions are still
graphs: the shape is resolved when the executable is specialised, and the
simplifier removes the ones that turn out to be no-ops.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import ShapeError
from graphc.ir import Node, product64
from graphc.ops.common import as_node, as_nodes, broadcast_shapes, normalize_axes, same_static_shape
from graphc.ops.fill import zeros_like
from graphc.ops.layout import (
    Piece,
    Scatter,
    broadcast_strides,
    contiguous_strides,
    regrouped_axes,
    reshape_strides,
    window,
)
from graphc.ops.registry import Op, axes_fit_input, axis_fits_input, input_elements, input_ndim, make_node

# ---- reshape -----------------------------------------------------------------------------------


def _reshape_infer(inputs, attrs):
    (x,), spec = inputs, attrs["shape"]
    if spec.count(-1) > 1 or any(d < -1 for d in spec):
        raise ShapeError(f"bad target shape {spec}: sizes must be >= 0, with at most one -1")
    if not x.is_static:
        return tuple(None if d == -1 else d for d in spec), x.dtype
    size, known = x.size, product64([d for d in spec if d != -1])
    if -1 in spec:
        if known == 0 or size % known:
            raise ShapeError(f"cannot reshape {x.size} elements into {spec}")
        return tuple(size // known if d == -1 else d for d in spec), x.dtype
    if known != size:
        raise ShapeError(f"cannot reshape {size} elements into {spec}")
    return tuple(spec), x.dtype


reshape_op = Op("reshape", "shape", _reshape_infer, lambda attrs, x: x.reshape(attrs["shape"]),
                vjp=lambda y, g: [reshape_like(g, y.inputs[0])],
                jvp=lambda y, t: make_node(reshape_op, (t[0],), y.attrs),
                arity=1, attributes={"shape": "reshape_spec"}, view="whole", view_strides=reshape_strides,
                view_axes=regrouped_axes, infers_from_shapes=True)


def _reshape_like_infer(inputs, attrs):
    x, like = inputs
    if x.is_static and like.is_static and x.size != like.size:
        raise ShapeError(f"cannot reshape {x.size} elements into {like.shape}")
    return like.shape, x.dtype


reshape_like_op = Op("reshape_like", "shape", _reshape_like_infer,
                     lambda attrs, x, like: x.reshape(like.shape),
                     vjp=lambda y, g: [reshape_like(g, y.inputs[0]), None],
                     jvp=lambda y, t: None if t[0] is None else reshape_like(t[0], y.inputs[1]),
                     arity=2, shape_only=(1,), view="whole", view_strides=reshape_strides, view_axes=regrouped_axes,
                     infers_from_shapes=True)


def reshape(x, shape, name: str | None = None) -> Node:
    """Numpy reshape; one dimension may be -1."""
    (x,) = as_nodes(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    return make_node(reshape_op, (x,), {"shape": shape}, name=name)


def reshape_like(x: Node, like: Node) -> Node:
    if same_static_shape(x.shape, like.shape):
        return x
    return make_node(reshape_like_op, (x, like), {})


# ---- transpose ---------------------------------------------------------------------------------


def _transpose_infer(inputs, attrs):
    (x,), perm = inputs, attrs["perm"]
    if sorted(perm) != list(range(x.ndim)):
        raise ShapeError(f"perm {perm} is not a permutation of the {x.ndim} axes")
    return tuple(x.shape[p] for p in perm), x.dtype


transpose_op = Op("transpose", "shape", _transpose_infer, lambda attrs, x: np.transpose(x, attrs["perm"]),
                  vjp=lambda y, g: [transpose(g, tuple(np.argsort(y.attrs["perm"])))],
                  jvp=lambda y, t: transpose(t[0], y.attrs["perm"]),
                  arity=1, attributes={"perm": "axes_any_order"}, view="whole",
                  view_strides=lambda node, offset, st: (offset, tuple(st[p] for p in node.attrs["perm"])),
                  view_axes=lambda node: node.attrs["perm"], infers_from_shapes=True)


def transpose(x, perm=None, name: str | None = None) -> Node:
    """Permute axes; default reverses them (numpy's .T)."""
    (x,) = as_nodes(x)
    perm = tuple(reversed(range(x.ndim))) if perm is None else tuple(int(p) % max(x.ndim, 1) for p in perm)
    if perm == tuple(range(x.ndim)):
        return x
    return make_node(transpose_op, (x,), {"perm": perm}, name=name)


# ---- broadcasting and its adjoint, summing back ------------------------------------------------


def _broadcast_to_infer(inputs, attrs):
    (x,), shape = inputs, attrs["shape"]
    if len(shape) < x.ndim or broadcast_shapes(x.shape, shape) != tuple(shape):
        raise ShapeError(f"cannot broadcast to {shape}")
    return tuple(shape), x.dtype


broadcast_to_op = Op("broadcast_to", "shape", _broadcast_to_infer,
                     lambda attrs, x: np.broadcast_to(x, attrs["shape"]),
                     vjp=lambda y, g: [sum_to_like(g, y.inputs[0])],
                     jvp=lambda y, t: make_node(broadcast_to_op, (t[0],), y.attrs),
                     arity=1, attributes={"shape": "dims_static"}, view="whole", view_strides=broadcast_strides,
                     broadcasts=True, infers_from_shapes=True)


def broadcast_to(x, shape, name: str | None = None) -> Node:
    (x,) = as_nodes(x)
    return make_node(broadcast_to_op, (x,), {"shape": tuple(int(d) for d in shape)}, name=name)


broadcast_like_op = Op("broadcast_like", "shape",
                       lambda inputs, attrs: (_check_broadcastable(inputs[0].shape, inputs[1].shape),
                                              inputs[0].dtype),
                       lambda attrs, x, like: np.broadcast_to(x, like.shape),
                       vjp=lambda y, g: [sum_to_like(g, y.inputs[0]), None],
                       jvp=lambda y, t: None if t[0] is None else broadcast_like(t[0], y.inputs[1]),
                       arity=2, shape_only=(1,), view="whole", view_strides=broadcast_strides, broadcasts=True,
                       infers_from_shapes=True)


def _check_broadcastable(src, dst):
    """`dst` with feed-time sizes taken from `src` where it knows them; `src` must broadcast to it as is."""
    out = broadcast_shapes(src, dst)
    if type(dst) is tuple and out == dst:  # src broadcasts to dst as it is (feed-time sizes too): most calls
        return dst
    if len(src) > len(dst) or any(d is not None and o is not None and d != o for d, o in zip(dst, out)):
        raise ShapeError(f"cannot broadcast {src} to {dst}")
    return tuple(d if d is not None else o for d, o in zip(dst, out))


def broadcast_like(x: Node, like: Node) -> Node:
    if same_static_shape(x.shape, like.shape):
        return x
    return make_node(broadcast_like_op, (x, like), {})


def _summed_axes(x_shape, shape) -> tuple:
    """The axes of `x_shape` that broadcasting to it from `shape` added or stretched."""
    lead = len(x_shape) - len(shape)
    return tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and x_shape[lead + i] != 1)


def _sum_to_like_axes(node: Node) -> tuple[tuple, tuple]:
    """Op.reduce_axes: the broadcast axes are summed; the others keep their place after the leading ones."""
    x = node.inputs[0]
    lead = x.ndim - node.ndim
    return _summed_axes(x.shape, node.shape), tuple(None if i < lead else i - lead for i in range(x.ndim))


def _sum_to_shape(x: np.ndarray, shape) -> np.ndarray:
    axes = _summed_axes(x.shape, shape)
    return np.sum(x, axis=axes, dtype=x.dtype).reshape(shape) if axes else x.reshape(shape)


def _sum_to_like_infer(inputs, attrs):
    x, like = inputs
    _check_broadcastable(like.shape, x.shape)  # only what broadcasting made can be summed back
    return like.shape, x.dtype


sum_to_like_op = Op("sum_to_like", "reduce", _sum_to_like_infer,
                    lambda attrs, x, like: _sum_to_shape(x, like.shape),
                    vjp=lambda y, g: [broadcast_like(g, y.inputs[0]), None],
                    jvp=lambda y, t: None if t[0] is None else sum_to_like(t[0], y.inputs[1]),
                    doc="Sum a broadcast result back to an operand's shape: the adjoint of broadcasting.",
                    arity=2, shape_only=(1,), flops=input_elements, extra={"combine": "add", "identity": 0.0},
                    reduce_axes=_sum_to_like_axes, infers_from_shapes=True)


def sum_to_like(x: Node, like: Node) -> Node:
    if same_static_shape(x.shape, like.shape):
        return x
    return make_node(sum_to_like_op, (x, like), {})


# ---- expand_dims / squeeze ---------------------------------------------------------------------


def _expanded_strides(node: Node, offset: int, strides) -> tuple[int, tuple]:
    out = list(strides)
    for a in node.attrs["axes"]:
        out.insert(a, 0)
    return offset, tuple(out)


def _expand_axes_fit(attrs, inputs) -> str | None:
    ndim = input_ndim(inputs)
    if any(a >= ndim + len(attrs["axes"]) for a in attrs["axes"]):
        return f"axes {list(attrs['axes'])} out of range for a {ndim}-d input"
    return None


def _expand_infer(inputs, attrs):
    shape = list(inputs[0].shape)
    for a in attrs["axes"]:
        shape.insert(a, 1)
    return tuple(shape), inputs[0].dtype


expand_dims_op = Op("expand_dims", "shape", _expand_infer,
                    lambda attrs, x: np.expand_dims(x, attrs["axes"]),
                    vjp=lambda y, g: [make_node(squeeze_op, (g,), y.attrs)],
                    jvp=lambda y, t: make_node(expand_dims_op, (t[0],), y.attrs),
                    arity=1, attributes={"axes": "axes"}, view="whole", view_strides=_expanded_strides,
                    view_axes=regrouped_axes, attrs_fit=_expand_axes_fit, infers_from_shapes=True)


def _squeeze_infer(inputs, attrs):
    x = inputs[0]
    for a in attrs["axes"]:
        if x.shape[a] not in (1, None):
            hint = (" (an integer index past the end of an axis whose size was only known at feed time "
                    "leaves it empty)") if x.shape[a] == 0 else ""
            raise ShapeError(f"cannot squeeze axis {a} of size {x.shape[a]}{hint}")
    return tuple(d for i, d in enumerate(x.shape) if i not in attrs["axes"]), x.dtype


squeeze_op = Op("squeeze", "shape", _squeeze_infer, lambda attrs, x: np.squeeze(x, attrs["axes"]),
                vjp=lambda y, g: [make_node(expand_dims_op, (g,), y.attrs)],
                jvp=lambda y, t: make_node(squeeze_op, (t[0],), y.attrs),
                arity=1, attributes={"axes": "axes"}, view="whole",
                view_strides=lambda node, offset, st: (offset, tuple(s for i, s in enumerate(st)
                                                                     if i not in node.attrs["axes"])),
                view_axes=regrouped_axes, attrs_fit=axes_fit_input, infers_from_shapes=True)


def expand_dims(x, axis, name: str | None = None) -> Node:
    (x,) = as_nodes(x)
    axes = normalize_axes(axis, x.ndim + (1 if isinstance(axis, (int, np.integer)) else len(axis)))
    return make_node(expand_dims_op, (x,), {"axes": axes}, name=name)


def squeeze(x, axis=None, name: str | None = None) -> Node:
    (x,) = as_nodes(x)
    axes = tuple(i for i, d in enumerate(x.shape) if d == 1) if axis is None else normalize_axes(axis, x.ndim)
    return make_node(squeeze_op, (x,), {"axes": axes}, name=name) if axes else x


# ---- concatenate -------------------------------------------------------------------------------


def _concat_infer(inputs, attrs):
    axis = attrs["axis"]
    first = inputs[0]
    if not 0 <= axis < first.ndim:
        raise ShapeError(f"axis {axis} out of range for {first.ndim}-d operands")
    total = 0
    for x in inputs:
        if x.ndim != first.ndim or x.dtype != first.dtype:
            raise ShapeError("all operands need the same rank and dtype")
        for i, (a, b) in enumerate(zip(x.shape, first.shape)):
            if i != axis and a is not None and b is not None and a != b:
                raise ShapeError(f"sizes differ on axis {i} ({a} vs {b}), which is not the concatenation axis")
        total = None if total is None or x.shape[axis] is None else total + x.shape[axis]
    shape = list(first.shape)
    shape[axis] = total
    return tuple(shape), first.dtype


def _concat_pieces(node: Node) -> list[Piece]:
    """Each operand copied, in order, to its place along the axis."""
    axis, out_strides, start, pieces = node.attrs["axis"], contiguous_strides(node.shape), 0, []
    for i, part in enumerate(node.inputs):
        pieces.append(Piece(i, start * out_strides[axis], out_strides, f"part{i}"))
        start += part.shape[axis]
    return pieces


def _concat_vjp(y, g):
    return [make_node(concat_part_op, (g, *y.inputs), {"axis": y.attrs["axis"], "index": i})
            for i in range(len(y.inputs))]


def _concat_jvp(y, tangents):
    if all(t is None for t in tangents):
        return None
    parts = [zeros_like(x) if t is None else t for x, t in zip(y.inputs, tangents)]
    return make_node(concatenate_op, parts, y.attrs)


concatenate_op = Op("concatenate", "shape", _concat_infer,
                    lambda attrs, *xs: np.concatenate(xs, axis=attrs["axis"]),
                    vjp=_concat_vjp, jvp=_concat_jvp, arity=(1, None), attributes={"axis": "count"},
                    scatter=Scatter("concat", _concat_pieces), attrs_fit=axis_fits_input)


def _concat_part(attrs, g, *xs):
    axis, index = attrs["axis"], attrs["index"]
    start = sum(x.shape[axis] for x in xs[:index])
    sl = [slice(None)] * g.ndim
    sl[axis] = slice(start, start + xs[index].shape[axis])
    return g[tuple(sl)]


def _concat_part_vjp(y, ct):
    axis, index = y.attrs["axis"], y.attrs["index"]
    xs = y.inputs[1:]
    parts = [ct if i == index else zeros_like(x) for i, x in enumerate(xs)]
    return [make_node(concatenate_op, parts, {"axis": axis})] + [None] * len(xs)


def _concat_part_infer(inputs, attrs):
    g, xs, index = inputs[0], inputs[1:], attrs["index"]
    if not 0 <= index < len(xs):
        raise ShapeError(f"part {index} of a concatenation of {len(xs)} operands")
    whole, _ = _concat_infer(xs, attrs)
    if not _fits(g.shape, whole):
        raise ShapeError(f"the cotangent's shape {g.shape} is not the concatenation's {whole}")
    return xs[index].shape, g.dtype


def _fits(shape, like) -> bool:
    """Equal shapes, a feed-time (None) size matching any."""
    return len(shape) == len(like) and all(a is None or b is None or a == b for a, b in zip(shape, like))


def _concat_part_strides(node: Node, offset: int, strides) -> tuple[int, tuple]:
    axis, index = node.attrs["axis"], node.attrs["index"]
    parts = node.inputs[1:]
    start = sum(p.shape[axis] for p in parts[:index])
    spec = [(None, None, None)] * node.ndim
    spec[axis] = (start, start + parts[index].shape[axis], 1)
    return window(node.inputs[0].shape, offset, strides, spec)


def _concat_part_fit(attrs, inputs) -> str | None:
    problem = axis_fits_input(attrs, inputs)
    if problem is None and attrs["index"] >= len(inputs) - 1:
        return f"part index {attrs['index']} out of range for {len(inputs) - 1} concatenated operands"
    return problem


concat_part_op = Op("concat_part", "shape", _concat_part_infer,
                    _concat_part, vjp=_concat_part_vjp,
                    jvp=lambda y, t: None if t[0] is None else make_node(concat_part_op, (t[0], *y.inputs[1:]),
                                                                         y.attrs),
                    doc="The piece of a concatenation that came from operand `index`: its adjoint.",
                    arity=(2, None), attributes={"axis": "count", "index": "count"}, view="part",
                    view_strides=_concat_part_strides, attrs_fit=_concat_part_fit)


def concatenate(xs, axis: int = 0, name: str | None = None) -> Node:
    xs = as_nodes(*xs)
    if not xs:
        raise ShapeError("concatenate: needs at least one operand")
    (axis,) = normalize_axes(axis, xs[0].ndim)
    if len(xs) == 1:
        return xs[0]
    return make_node(concatenate_op, xs, {"axis": axis}, name=name)


def stack(xs, axis: int = 0, name: str | None = None) -> Node:
    xs = as_nodes(*xs)
    axis = axis % (xs[0].ndim + 1)
    return concatenate([expand_dims(x, axis) for x in xs], axis=axis, name=name)


# ---- basic slicing -----------------------------------------------------------------------------


def _slice_infer(inputs, attrs):
    x = inputs[0]
    shape = []
    for d, (start, stop, step) in zip(x.shape, attrs["index"]):
        shape.append(None if d is None else len(range(d)[slice(start, stop, step)]))
    return tuple(shape), x.dtype


def _slices(attrs):
    return tuple(slice(*t) for t in attrs["index"])


def _slice_fits(attrs, inputs) -> str | None:
    like = inputs[-1]
    if len(attrs["index"]) != len(like.shape):
        return f"{len(attrs['index'])} slice triples for a {len(like.shape)}-d operand"
    return None


def _slice_grad_pieces(node: Node) -> list[Piece]:
    """The cotangent copied into its window of the zero-filled output."""
    offset, strides = window(node.shape, 0, contiguous_strides(node.shape), node.attrs["index"])
    return [Piece(0, offset, strides, "scatter")]


def _slice_grad(attrs, g, like):
    out = np.zeros(like.shape, g.dtype)
    out[_slices(attrs)] = g
    return out


slice_op = Op("slice", "index", _slice_infer, lambda attrs, x: x[_slices(attrs)],
              vjp=lambda y, g: [make_node(slice_grad_op, (g, y.inputs[0]), y.attrs)],
              jvp=lambda y, t: make_node(slice_op, (t[0],), y.attrs),
              arity=1, attributes={"index": "slices"}, view="part",
              view_strides=lambda node, offset, st: window(node.inputs[0].shape, offset, st, node.attrs["index"]),
              attrs_fit=_slice_fits)


def _slice_grad_infer(inputs, attrs):
    g, like = inputs
    sliced, _ = _slice_infer([like], attrs)
    if len(attrs["index"]) != like.ndim or not _fits(g.shape, sliced):
        raise ShapeError(f"the cotangent's shape {g.shape} is not that of the slice {sliced} of {like.shape}")
    return like.shape, g.dtype


slice_grad_op = Op("slice_grad", "index", _slice_grad_infer, _slice_grad,
                   vjp=lambda y, g: [make_node(slice_op, (g,), y.attrs), None],
                   jvp=lambda y, t: None if t[0] is None else make_node(slice_grad_op, (t[0], y.inputs[1]), y.attrs),
                   doc="Scatter a slice's cotangent into zeros of the sliced operand's shape.",
                   arity=2, attributes={"index": "slices"}, shape_only=(1,), attrs_fit=_slice_fits,
                   scatter=Scatter("slice_grad", _slice_grad_pieces, fill=0))


def getitem(x: Node, key) -> Node:
    """Basic numpy indexing: ints, slices (with steps), None (new axis) and one Ellipsis."""
    key = key if isinstance(key, tuple) else (key,)
    if sum(k is Ellipsis for k in key) > 1:
        raise ShapeError("an index can only have a single ellipsis")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > x.ndim:
        raise ShapeError(f"too many indices ({used}) for a {x.ndim}-d tensor of shape {x.shape}")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (x.ndim - used) + key[i + 1:]
        used = x.ndim  # the ellipsis took up the remaining axes: nothing left to pad
    key = key + (slice(None),) * (x.ndim - used)
    index, squeeze_axes, new_axes, axis = [], [], [], 0
    for k in key:
        if k is None:
            new_axes.append(len(index) - len(squeeze_axes) + len(new_axes))
            continue
        dim = x.shape[axis]
        if isinstance(k, (int, np.integer)):
            k = int(k)
            if dim is not None and not -dim <= k < dim:
                raise ShapeError(f"index {k} is out of bounds for axis {axis} of size {dim}")
            index.append((k, k + 1 if k != -1 else None, 1))
            squeeze_axes.append(axis)
        elif isinstance(k, slice):
            if k.step == 0:
                raise ShapeError("slice step cannot be zero")
            index.append((k.start, k.stop, k.step))
        else:
            raise ShapeError(f"unsupported index {k!r}: graphc supports ints, slices, None and ...")
        axis += 1
    out = x
    if any(t != (None, None, None) for t in index):
        out = make_node(slice_op, (x,), {"index": tuple(index)})
    out = squeeze(out, squeeze_axes) if squeeze_axes else out
    return expand_dims(out, new_axes) if new_axes else out


# ---- one_hot -----------------------------------------------------------------------------------


def _one_hot_infer(inputs, attrs):
    if inputs[0].dtype.kind not in "iu":
        raise ShapeError(f"indices must be integers, got {inputs[0].dtype}")
    return inputs[0].shape + (attrs["depth"],), attrs["dtype"]


def _one_hot_at(node: Node, value_of, index_of) -> S.Scalar:
    """Op.index_scalar: 1 where the index equals the position along the last axis (no table in memory)."""
    indices = value_of(node.inputs[0], tuple(range(node.ndim - 1)))
    return S.cast(S.call("eq", S.cast(indices, np.int64), index_of(node.ndim - 1)), node.dtype)


one_hot_op = Op("one_hot", "index", _one_hot_infer,
                lambda attrs, i: (i[..., None] == np.arange(attrs["depth"])).astype(attrs["dtype"]),
                vjp=lambda y, g: [None], jvp=lambda y, t: None,
                arity=1, attributes={"depth": "count", "dtype": "dtype"}, index_scalar=_one_hot_at)


def one_hot(indices, depth: int, dtype=dtypes.float32, name: str | None = None) -> Node:
    """indices (...,) -> (..., depth); out-of-range indices give an all-zero row (as in TF)."""
    indices = as_node(indices)
    return make_node(one_hot_op, (indices,), {"depth": int(depth), "dtype": dtypes.as_dtype(dtype)}, name=name)


__all__ = ["reshape", "transpose", "broadcast_to", "expand_dims", "squeeze", "concatenate", "stack",
           "getitem", "one_hot"]
