"""numpy's shape functions that graphc builds from reshape, transpose, slices, concatenate and where.

split, swapaxes, moveaxis, repeat, tile, roll, flip, pad, tril/triu, diag, diagonal, trace,
ravel, vstack/hstack/column_stack, atleast_1d/2d/3d.  Being compositions, their gradients
are those of views and concatenation: exact, with no arithmetic on the values.  Masks
(tril, triu, diag) select with `where`, never multiply by 0/1, so an inf or NaN outside the
kept part cannot leak in as 0·inf.  Sizes these functions compute with must be static.
"""

from __future__ import annotations

import numbers

import numpy as np

from graphc.errors import GraphcError, ShapeError
from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops import reduce as reduce_ops
from graphc.ops import shape as shape_ops
from graphc.ops.common import as_nodes, normalize_axes
from graphc.ops.numpy_math import no_out
from graphc.ops.source import constant


def _static(x: Node, axes=None) -> None:
    """ShapeError unless the sizes along `axes` (all by default) are known when the graph is built."""
    axes = range(x.ndim) if axes is None else axes
    if any(x.shape[a] is None for a in axes):
        raise ShapeError(f"needs static sizes, got {x.shape}")


def _take_slice(x: Node, axis: int, start, stop, step=None) -> Node:
    return shape_ops.getitem(x, (slice(None),) * axis + (slice(start, stop, step),))


def ravel(a) -> Node:
    """numpy.ravel: the elements in C order, as a 1-d tensor."""
    (a,) = as_nodes(a)
    return a if a.ndim == 1 else shape_ops.reshape(a, (-1,))


def swapaxes(a, axis1: int, axis2: int) -> Node:
    (a,) = as_nodes(a)
    (i,), (j,) = normalize_axes(axis1, a.ndim), normalize_axes(axis2, a.ndim)
    perm = list(range(a.ndim))
    perm[i], perm[j] = j, i
    return shape_ops.transpose(a, perm)


def moveaxis(a, source, destination) -> Node:
    """numpy.moveaxis: the axes `source` moved to the places `destination`, the others keeping their order."""
    (a,) = as_nodes(a)
    source = [source] if isinstance(source, numbers.Integral) else list(source)
    destination = [destination] if isinstance(destination, numbers.Integral) else list(destination)
    if len(source) != len(destination):
        raise ShapeError(f"source {source} and destination {destination} differ in length")
    src = [normalize_axes(s, a.ndim)[0] for s in source]
    dst = [normalize_axes(d, a.ndim)[0] for d in destination]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ShapeError(f"repeated axis in {source} or {destination}")
    rest = iter(i for i in range(a.ndim) if i not in src)
    placed = dict(zip(dst, src))
    return shape_ops.transpose(a, [placed[i] if i in placed else next(rest) for i in range(a.ndim)])


def split(ary, indices_or_sections, axis: int = 0) -> list[Node]:
    """numpy.split: `sections` equal parts (which must divide the axis), or cuts at the given indices."""
    (ary,) = as_nodes(ary)
    (axis,) = normalize_axes(axis, ary.ndim)
    n = ary.shape[axis]
    _static(ary, [axis])
    if isinstance(indices_or_sections, numbers.Integral):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ShapeError(f"array split does not result in an equal division: {n} elements on axis {axis} "
                             f"into {sections} sections")
        cuts = [n // sections * i for i in range(1, sections)]
    else:
        cuts = [int(i) for i in indices_or_sections]
    bounds = [0, *cuts, None]
    return [_take_slice(ary, axis, start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]


def _repeat_each(a: Node, count: int, axis: int) -> Node:
    """Every element along `axis` repeated `count` times in place: a new axis after it, broadcast, merged."""
    spread = shape_ops.expand_dims(a, axis + 1)
    wide = list(spread.shape)
    wide[axis + 1] = count
    merged = list(a.shape)
    merged[axis] *= count
    return shape_ops.reshape(shape_ops.broadcast_to(spread, wide), merged)


def repeat(a, repeats, axis=None) -> Node:
    """numpy.repeat: each element `repeats` times (an int, or one count per element); axis=None flattens."""
    (a,) = as_nodes(a)
    if axis is None:
        a, axis = ravel(a), 0
    (axis,) = normalize_axes(axis, a.ndim)
    _static(a)
    n = a.shape[axis]
    counts = np.asarray(repeats)
    if counts.ndim == 0 or counts.shape == (1,):
        counts = np.full(n, int(counts.reshape(())))
    if counts.shape != (n,) or (counts < 0).any():
        raise ShapeError(f"{counts.size} repeat counts for {n} elements on axis {axis} "
                         "(need one non-negative count per element, or one for all)")
    pieces, start = [], 0
    for stop in [*np.flatnonzero(np.diff(counts)) + 1, n]:  # runs of equal counts: one piece each
        count = int(counts[start])
        if count:
            pieces.append(_repeat_each(_take_slice(a, axis, start, stop), count, axis))
        start = stop
    if not pieces:
        return _take_slice(a, axis, 0, 0)
    return shape_ops.concatenate(pieces, axis)


def tile(A, reps) -> Node:  # noqa: N803 - numpy's argument name
    """numpy.tile: the whole tensor repeated `reps` times along each axis (reps padded to the rank with 1s)."""
    (a,) = as_nodes(A)
    reps = (int(reps),) if isinstance(reps, numbers.Integral) else tuple(int(r) for r in reps)
    ndim = max(a.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    x = shape_ops.reshape(a, (1,) * (ndim - a.ndim) + tuple(a.shape)) if ndim > a.ndim else a
    _static(x)
    if any(r < 0 for r in reps):
        raise ShapeError(f"negative repetitions {reps}")
    interleaved = tuple(v for d in x.shape for v in (1, d))
    wide = tuple(v for r, d in zip(reps, x.shape) for v in (r, d))
    spread = shape_ops.broadcast_to(shape_ops.reshape(x, interleaved), wide)
    return shape_ops.reshape(spread, tuple(r * d for r, d in zip(reps, x.shape)))


def roll(a, shift, axis=None) -> Node:
    """numpy.roll: elements shifted along `axis` (ints or matching tuples), wrapping round; axis=None flattens."""
    (a,) = as_nodes(a)
    if axis is None:
        return shape_ops.reshape(roll(ravel(a), shift, 0), a.shape) if a.ndim != 1 else roll(a, shift, 0)
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    out = a
    for s, ax in zip(shifts.ravel(), axes.ravel()):
        (ax,) = normalize_axes(int(ax), a.ndim)
        _static(a, [ax])
        n = a.shape[ax]
        s = int(s) % n if n else 0
        if s:
            out = shape_ops.concatenate([_take_slice(out, ax, n - s, None), _take_slice(out, ax, 0, n - s)], ax)
    return out


def flip(m, axis=None) -> Node:
    """numpy.flip: the order of elements reversed along `axis` (None: every axis)."""
    (m,) = as_nodes(m)
    axes = normalize_axes(axis, m.ndim)
    if not axes:
        return m
    return shape_ops.getitem(m, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim)))


def _pairs(name: str, value, ndim: int) -> np.ndarray:
    """numpy's pad-width spelling (v, (v,), (before, after), or one pair per axis) as an (ndim, 2) array."""
    try:
        return np.broadcast_to(np.asarray(value), (ndim, 2))
    except ValueError:
        raise ShapeError(f"{name} {value!r} does not give a (before, after) pair for each of {ndim} axes") \
            from None


def pad(array, pad_width, mode: str = "constant", constant_values=0) -> Node:
    """numpy.pad with mode="constant": `constant_values` (spelled like pad_width) added before and after."""
    (array,) = as_nodes(array)
    if mode != "constant":
        raise GraphcError(f"pad: mode {mode!r} is not supported for graph tensors; only mode='constant' "
                          "(with constant_values=) is")
    widths = _pairs("pad_width", pad_width, array.ndim)
    if not np.issubdtype(widths.dtype, np.integer) or (widths < 0).any():
        raise ShapeError(f"pad_width {pad_width!r} must be non-negative integers")
    values = _pairs("constant_values", constant_values, array.ndim)
    _static(array)
    out = array
    for axis, (row_widths, row_fills) in enumerate(zip(widths, values)):
        blocks = []
        for width, fill in zip(row_widths, row_fills):
            shape = list(out.shape)
            shape[axis] = int(width)
            blocks.append(shape_ops.broadcast_to(constant(np.asarray(fill).astype(array.dtype)), shape)
                          if width else None)
        parts = [p for p in (blocks[0], out, blocks[1]) if p is not None]
        out = shape_ops.concatenate(parts, axis) if len(parts) > 1 else out
    return out


def _triangle(name: str, m, k: int, lower: bool) -> Node:
    (m,) = as_nodes(m)
    if m.ndim == 0:
        raise ShapeError("needs at least a 1-d operand")
    _static(m, range(max(m.ndim - 2, 0), m.ndim))
    rows, cols = m.shape[-2:] if m.ndim >= 2 else (m.shape[-1],) * 2
    keep = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1, dtype=bool)
    return ew.where(constant(keep), m, 0)


def tril(m, k: int = 0) -> Node:
    """numpy.tril: the elements on and below diagonal k of the last two axes; zeros above (selected, not
    multiplied, so an inf above the diagonal does not make a NaN)."""
    return _triangle("tril", m, int(k), lower=True)


def triu(m, k: int = 0) -> Node:
    """numpy.triu: the elements on and above diagonal k; zeros below."""
    return _triangle("triu", m, int(k), lower=False)


def diagonal(a, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Node:
    """numpy.diagonal: the diagonal of the (axis1, axis2) planes, as a new last axis.

    The two axes moved last and merged, the diagonal is every (cols + 1)-th element from the offset:
    one strided slice, exact, whose adjoint puts values back in place.
    """
    (a,) = as_nodes(a)
    if a.ndim < 2:
        raise ShapeError(f"needs at least 2 dims, got {a.shape}")
    (i,), (j,) = normalize_axes(axis1, a.ndim), normalize_axes(axis2, a.ndim)
    if i == j:
        raise ShapeError(f"axis1 and axis2 cannot be the same ({axis1}, {axis2})")
    _static(a)
    planes = moveaxis(a, (i, j), (-2, -1))
    rows, cols = planes.shape[-2:]
    offset = int(offset)
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start = offset if offset >= 0 else -offset * cols
    flat = shape_ops.reshape(planes, (*planes.shape[:-2], rows * cols))
    return _take_slice(flat, flat.ndim - 1, start, start + (length - 1) * (cols + 1) + 1 if length else start,
                       cols + 1)


def trace(a, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype=None, out=None) -> Node:
    """numpy.trace: the sum along diagonals."""
    no_out("trace", out)
    d = diagonal(a, offset, axis1, axis2)
    if dtype is not None:
        d = ew.cast(d, dtype)
    return reduce_ops.sum(d, -1)


def diag(v, k: int = 0) -> Node:
    """numpy.diag: a 1-d v laid on diagonal k of a square matrix (zeros elsewhere), or a 2-d v's diagonal k."""
    (v,) = as_nodes(v)
    k = int(k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ShapeError(f"input must be 1-d or 2-d, got {v.shape}")
    _static(v)
    size = v.shape[0] + abs(k)
    # column j of row j - k holds v[j - k]: v padded to the matrix width, then selected by the diagonal mask
    row = pad(v, (k, 0) if k >= 0 else (0, -k))
    return ew.where(constant(np.eye(size, k=k, dtype=bool)), shape_ops.expand_dims(row, 0), 0)


def atleast_1d(*arys):
    """numpy.atleast_1d: scalars become shape (1,); one argument gives one tensor, several a list."""
    return _atleast(arys, lambda x: shape_ops.reshape(x, (1,)) if x.ndim == 0 else x)


def atleast_2d(*arys):
    """numpy.atleast_2d: a scalar is (1, 1), a 1-d (n,) is (1, n)."""
    return _atleast(arys, lambda x: shape_ops.reshape(x, (1,) * (2 - x.ndim)) if x.ndim == 0 else
                    shape_ops.expand_dims(x, 0) if x.ndim == 1 else x)


def atleast_3d(*arys):
    """numpy.atleast_3d: a scalar is (1, 1, 1), (n,) is (1, n, 1), (m, n) is (m, n, 1)."""
    def lift(x):
        if x.ndim == 0:
            return shape_ops.reshape(x, (1, 1, 1))
        if x.ndim == 1:
            return shape_ops.expand_dims(x, (0, 2))
        return shape_ops.expand_dims(x, 2) if x.ndim == 2 else x
    return _atleast(arys, lift)


def _atleast(arys, lift):
    out = [lift(x) for x in as_nodes(*arys)]
    return out[0] if len(out) == 1 else out


def _listed(name: str, tup) -> list[Node]:
    if isinstance(tup, Node):
        raise ShapeError("takes a sequence of tensors (a list or tuple), not one tensor")
    arrays = as_nodes(*tup)
    if not arrays:
        raise ShapeError("needs at least one array to concatenate")
    common = np.result_type(*(x.dtype for x in arrays))  # numpy's promotion: concatenate needs one dtype
    return [ew.cast(x, common) for x in arrays]


def vstack(tup) -> Node:
    """numpy.vstack: concatenated along axis 0 after atleast_2d (1-d arrays become rows)."""
    return shape_ops.concatenate([atleast_2d(x) for x in _listed("vstack", tup)], 0)


def hstack(tup) -> Node:
    """numpy.hstack: along axis 1, or axis 0 for 1-d arrays."""
    arrays = [atleast_1d(x) for x in _listed("hstack", tup)]
    return shape_ops.concatenate(arrays, 0 if arrays[0].ndim == 1 else 1)


def column_stack(tup) -> Node:
    """numpy.column_stack: 1-d arrays become columns, then concatenated along axis 1."""
    arrays = [shape_ops.expand_dims(x, 1) if x.ndim < 2 else x for x in map(atleast_1d, _listed("column_stack", tup))]
    return shape_ops.concatenate(arrays, 1)


__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "column_stack", "diag", "diagonal", "flip", "hstack",
           "moveaxis", "pad", "ravel", "repeat", "roll", "split", "swapaxes", "tile", "trace", "tril", "triu",
           "vstack"]
