"""numpy's dispatch protocols for graph tensors: `np.exp(t)`, `np.sum(t, axis=0)`, `a @ t` build nodes.

numpy hands a call to `__array_ufunc__` (ufuncs: np.exp, np.add, np.matmul...) or to
`__array_function__` (the other functions: np.sum, np.reshape...) of any argument that
defines them.  Without them it made an object array of the tensor: `np.prod(t)` returned
`t` itself, silently wrong.  Here each numpy name that graphc has is translated to the
graphc function, with numpy's signature (an argument graphc cannot honour, such as
`out=` or `where=`, is a TypeError naming it); every other numpy function is a
TypeError naming the function.  Never a silently wrong result.
"""

from __future__ import annotations

import sys

import numpy as np

from graphc.ops import elementwise as ew
from graphc.ops import indexing, linalg
from graphc.ops import integer_division as idiv
from graphc.ops import numpy_linear as nl
from graphc.ops import numpy_math as nm
from graphc.ops import numpy_shape as ns
from graphc.ops import reduce as reduce_ops
from graphc.ops import shape as shape_ops
from graphc.ops import special_math as sm
from graphc.ops.registry import user_facing

_UNSET = object()


def _positive(x):
    return x


# numpy ufunc -> the graphc function of the same meaning (elementwise, with broadcasting)
UFUNCS = {
    np.add: ew.add, np.subtract: ew.subtract, np.multiply: ew.multiply, np.true_divide: ew.divide,
    np.power: ew.power, np.negative: ew.neg, np.positive: _positive, np.absolute: ew.abs,
    np.exp: ew.exp, np.expm1: ew.expm1, np.log: ew.log, np.log1p: ew.log1p, np.sqrt: ew.sqrt,
    np.sin: ew.sin, np.cos: ew.cos, np.tanh: ew.tanh, np.sign: ew.sign, np.floor: ew.floor,
    np.maximum: ew.maximum, np.minimum: ew.minimum, np.square: nm.square, np.reciprocal: nm.reciprocal,
    np.equal: ew.equal, np.not_equal: ew.not_equal, np.less: ew.less, np.less_equal: ew.less_equal,
    np.greater: ew.greater, np.greater_equal: ew.greater_equal, np.logical_and: ew.logical_and,
    np.logical_or: ew.logical_or, np.logical_not: ew.logical_not, np.matmul: linalg.matmul,
    # the numpy surface's ufuncs (graphc/ops/numpy_math.py)
    np.ceil: nm.ceil, np.tan: nm.tan, np.sinh: nm.sinh, np.cosh: nm.cosh, np.arcsinh: nm.arcsinh,
    np.arccosh: nm.arccosh, np.arctanh: nm.arctanh, np.hypot: nm.hypot, np.log2: nm.log2, np.log10: nm.log10,
    np.logaddexp: nm.logaddexp,
    # graphc/ops/special_math.py and integer_division.py (np.mod is np.remainder)
    np.arctan: sm.arctan, np.arcsin: sm.arcsin, np.arccos: sm.arccos, np.arctan2: sm.arctan2,
    np.remainder: idiv.mod, np.floor_divide: idiv.floor_divide,
}
# scipy's ufuncs, by (module, name): graphc does not import scipy.special (a tenth of a second), and
# whoever passes one of them has imported it
SCIPY_UFUNCS = {("scipy.special", "erf"): sm.erf}


def _graphc_function(ufunc):
    fn = UFUNCS.get(ufunc)
    if fn is None:
        fn = next((f for (module, name), f in SCIPY_UFUNCS.items()
                   if getattr(sys.modules.get(module), name, None) is ufunc), None)
    return fn


# ufunc.reduce(x, axis=0, keepdims=False) -> the graphc reduction
UFUNC_REDUCTIONS = {np.add: reduce_ops.sum, np.maximum: reduce_ops.max, np.minimum: reduce_ops.min}


def array_ufunc(ufunc, method: str, inputs, kwargs):
    """`__array_ufunc__` of a graph tensor: a node, or TypeError for what graphc cannot build."""
    name = f"numpy.{ufunc.__name__}"
    if method == "reduce" and ufunc in UFUNC_REDUCTIONS:
        x, = inputs
        axis = kwargs.pop("axis", 0)
        keepdims = kwargs.pop("keepdims", False)
        _refuse(f"{name}.reduce", kwargs)
        return UFUNC_REDUCTIONS[ufunc](x, axis, keepdims)
    if method != "__call__":
        raise TypeError(f"{name}.{method} is not available for graph tensors (graphc builds {name}(...) "
                        f"itself{' and ' + name + '.reduce' if ufunc in UFUNC_REDUCTIONS else ''})")
    fn = _graphc_function(ufunc)
    if fn is None:
        raise TypeError(f"{name} has no graphc equivalent for graph tensors yet")
    out = kwargs.pop("out", None)
    if out is not None and any(o is not None for o in (out if isinstance(out, tuple) else (out,))):
        raise TypeError(f"{name}(..., out=): graph tensors are immutable values; assign the result instead")
    _refuse(name, kwargs)
    return fn(*inputs)


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_UNSET, where=_UNSET):
    _refuse("numpy.sum", {"out": out, "initial": initial, "where": where})
    return reduce_ops.sum(a if dtype is None else ew.cast(a, dtype), axis, keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_UNSET):
    _refuse("numpy.mean", {"out": out, "where": where})
    return reduce_ops.mean(a if dtype is None else ew.cast(a, dtype), axis, keepdims)


def _extremum(reduction, name):
    def extremum(a, axis=None, out=None, keepdims=False, initial=_UNSET, where=_UNSET):
        _refuse(name, {"out": out, "initial": initial, "where": where})
        return reduction(a, axis, keepdims)
    return extremum


def _reshape(a, *args, **kwargs):
    # numpy 2: reshape(a, /, shape=None, order='C', *, newshape=None, copy=None); numpy 1: reshape(a, newshape, order)
    shape = args[0] if args else kwargs.pop("shape", kwargs.pop("newshape", None))
    order = args[1] if len(args) > 1 else kwargs.pop("order", "C")
    if order != "C":
        raise TypeError(f"numpy.reshape(..., order={order!r}): graph tensors are reshaped in C order only")
    _refuse("numpy.reshape", {"copy": kwargs.pop("copy", None), **kwargs})
    return shape_ops.reshape(a, shape)


def _transpose(a, axes=None):
    return shape_ops.transpose(a, axes)


def _where(condition, *xy):
    if len(xy) != 2:
        raise TypeError("numpy.where(condition) (the indices of true elements) has a data-dependent shape; "
                        "graph tensors support the three-argument numpy.where(condition, x, y)")
    return ew.where(condition, *xy)


def _concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    _refuse("numpy.concatenate", {"out": out, "dtype": dtype})
    return shape_ops.concatenate(list(arrays), axis)


def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _refuse("numpy.stack", {"out": out, "dtype": dtype})
    return shape_ops.stack(list(arrays), axis)


def _squeeze(a, axis=None):
    return shape_ops.squeeze(a, axis)


def _expand_dims(a, axis):
    return shape_ops.expand_dims(a, axis)


def _broadcast_to(array, shape, subok=False):
    return shape_ops.broadcast_to(array, shape)


def _shape(a):
    return tuple(a.shape)


def _ndim(a):
    return a.ndim


def _clip(a, a_min=_UNSET, a_max=_UNSET, out=None, *, min=_UNSET, max=_UNSET):  # noqa: A002 - numpy's names
    # numpy 2 takes the bounds as a_min/a_max or min/max; unset (as opposed to None) means "not given"
    low = min if a_min is _UNSET else a_min
    high = max if a_max is _UNSET else a_max
    return nm.clip(a, None if low is _UNSET else low, None if high is _UNSET else high, out)


_clip.__name__ = "clip"


def _spread(reduction, name):
    def spread(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_UNSET, mean=_UNSET,
               correction=_UNSET):
        _refuse(f"numpy.{name}", {"where": where, "mean": mean})
        return reduction(a, axis, dtype, out, ddof if correction is _UNSET else correction, keepdims)
    spread.__name__ = name
    return spread


def _ravel(a, order="C"):
    if order not in ("C", "K", "A"):
        raise TypeError(f"numpy.ravel(..., order={order!r}): graph tensors are flattened in C order only")
    return ns.ravel(a)


_ravel.__name__ = "ravel"


def _stacking(fn, name):
    def stacking(tup, *, dtype=None, casting="same_kind"):
        _refuse(f"numpy.{name}", {"dtype": dtype})
        return fn(tup)
    stacking.__name__ = name
    return stacking


def _take(a, indices, axis=None, out=None, mode="raise"):
    _refuse("numpy.take", {"out": out})
    if mode != "raise":
        raise TypeError(f"numpy.take(..., mode={mode!r}): graph tensors take mode='raise' only (an index out of "
                        f"range is an error when the graph runs)")
    return indexing.take(a, indices, axis)


def _take_along_axis(arr, indices, axis=-1):
    return indexing.take_along_axis(arr, indices, axis)


FUNCTIONS = {
    np.sum: _sum, np.mean: _mean, np.max: _extremum(reduce_ops.max, "numpy.max"),
    np.min: _extremum(reduce_ops.min, "numpy.min"), np.reshape: _reshape, np.transpose: _transpose,
    np.where: _where, np.concatenate: _concatenate, np.stack: _stack, np.squeeze: _squeeze,
    np.expand_dims: _expand_dims, np.broadcast_to: _broadcast_to, np.shape: _shape, np.ndim: _ndim,
}
# the numpy surface: graphc's functions take numpy's signatures already
_SURFACE = {
    # graphc/ops/numpy_math.py
    np.argmax: nm.argmax, np.argmin: nm.argmin, np.cumsum: nm.cumsum, np.prod: nm.prod, np.clip: _clip,
    np.var: _spread(nm.var, "var"), np.std: _spread(nm.std, "std"),
    # graphc/ops/numpy_shape.py
    np.split: ns.split, np.swapaxes: ns.swapaxes, np.moveaxis: ns.moveaxis, np.repeat: ns.repeat,
    np.tile: ns.tile, np.roll: ns.roll, np.flip: ns.flip, np.pad: ns.pad, np.tril: ns.tril, np.triu: ns.triu,
    np.diag: ns.diag, np.diagonal: ns.diagonal, np.trace: ns.trace, np.ravel: _ravel,
    np.vstack: _stacking(ns.vstack, "vstack"), np.hstack: _stacking(ns.hstack, "hstack"),
    np.column_stack: ns.column_stack, np.atleast_1d: ns.atleast_1d, np.atleast_2d: ns.atleast_2d,
    np.atleast_3d: ns.atleast_3d,
    # graphc/ops/numpy_linear.py
    np.dot: nl.dot, np.einsum: nl.einsum, np.tensordot: nl.tensordot, np.outer: nl.outer, np.inner: nl.inner,
    # graphc/ops/indexing.py
    np.take: _take, np.take_along_axis: _take_along_axis,
}
# their argument checks name the function, the operand shapes and the user's line, as gc.<name>'s do
FUNCTIONS.update({func: user_facing(fn) for func, fn in _SURFACE.items()})
for _alias in ("amax", "amin"):  # numpy 1's names of max and min (numpy 2 keeps them as aliases)
    if hasattr(np, _alias):
        FUNCTIONS.setdefault(getattr(np, _alias), FUNCTIONS[np.max if _alias == "amax" else np.min])


def array_function(func, args, kwargs):
    """`__array_function__` of a graph tensor: a node, or TypeError naming what graphc lacks."""
    fn = FUNCTIONS.get(func)
    if fn is None:
        raise TypeError(f"numpy.{func.__name__} has no graphc equivalent for graph tensors yet")
    return fn(*args, **kwargs)


def _refuse(name: str, kwargs: dict) -> None:
    """TypeError for any argument given a value graphc cannot honour (None and unset are no value)."""
    given = [k for k, v in kwargs.items() if v is not None and v is not _UNSET]
    if given:
        raise TypeError(f"{name}: graph tensors do not support the argument{'s' * (len(given) > 1)} "
                        f"{', '.join(given)}")
