"""Python operators on graph nodes, so user code reads like numpy: ``y = gc.log(x1) + x1 * x2``.

`==` and `!=` keep Python's identity meaning (nodes are dict keys everywhere);
use `gc.equal` / `gc.not_equal` for elementwise comparison, as in TensorFlow 1.

The operators are methods of `graphc.ir.Node` (it derives from `TensorOperators`), so they show
in `dir()`, in the docs and to type checkers; they call the op functions of `graphc.ops`.  This
module does not import that package, even lazily: the op modules build on Node, so an import
either way would make the IR and every op module one import circle.  graphc/__init__.py hands
the package over (`use_ops`) once it is loaded, before any user code can build a node.
"""

from __future__ import annotations

from types import ModuleType

_ops: ModuleType | None = None  # graphc.ops, once graphc/__init__.py has called use_ops


def use_ops(ops: ModuleType) -> None:
    """Let the operators call `ops` (the graphc.ops package): called once, by graphc/__init__.py."""
    global _ops
    _ops = ops


class TensorOperators:
    __slots__ = ()
    __array_priority__ = 1000  # numpy arrays on the left defer to our reflected operators

    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.subtract(self, other)

    def __rsub__(self, other):
        return _ops.subtract(other, self)

    def __mul__(self, other):
        return _ops.multiply(self, other)

    def __rmul__(self, other):
        return _ops.multiply(other, self)

    def __truediv__(self, other):
        return _ops.divide(self, other)

    def __rtruediv__(self, other):
        return _ops.divide(other, self)

    def __mod__(self, other):
        return _ops.mod(self, other)

    def __rmod__(self, other):
        return _ops.mod(other, self)

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.floor_divide(other, self)

    def __pow__(self, other):
        return _ops.power(self, other)

    def __rpow__(self, other):
        return _ops.power(_ops.as_node(other, self), self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __lt__(self, other):
        return _ops.less(self, other)

    def __le__(self, other):
        return _ops.less_equal(self, other)

    def __gt__(self, other):
        return _ops.greater(self, other)

    def __ge__(self, other):
        return _ops.greater_equal(self, other)

    def __and__(self, other):
        return _ops.logical_and(self, other)

    def __or__(self, other):
        return _ops.logical_or(self, other)

    def __invert__(self):
        return _ops.logical_not(self)

    def __getitem__(self, key):
        return _ops.getitem(self, key)

    def __bool__(self):
        from graphc.errors import GraphcError

        raise GraphcError("a graph tensor has no truth value before it runs: use gc.where for data-dependent "
                          "choices, or run it first")

    def __iter__(self):
        from graphc.errors import GraphcError

        raise GraphcError("graph tensors are not iterable: index them (x[i]) instead")

    __hash__ = object.__hash__

    # Method spellings numpy users reach for.
    @property
    def T(self):  # noqa: N802 - numpy's name
        return _ops.transpose(self)

    def reshape(self, *shape):
        return _ops.reshape(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)

    def sum(self, axis=None, keepdims=False):
        return _ops.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return _ops.min(self, axis, keepdims)

    def astype(self, dtype):
        return _ops.cast(self, dtype)

    def ravel(self):
        return _ops.ravel(self)

    def flatten(self):  # numpy's copy is the same value here: graph tensors are immutable
        return _ops.ravel(self)

    def squeeze(self, axis=None):
        return _ops.squeeze(self, axis)

    def argmax(self, axis=None, out=None, *, keepdims=False):
        return _ops.argmax(self, axis, out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, *, keepdims=False):
        return _ops.argmin(self, axis, out, keepdims=keepdims)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        return _ops.var(self, axis, dtype, out, ddof, keepdims)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        return _ops.std(self, axis, dtype, out, ddof, keepdims)

    def clip(self, min=None, max=None, out=None):  # noqa: A002 - numpy's ndarray.clip names them so
        return _ops.clip(self, min, max, out)

    def cumsum(self, axis=None, dtype=None, out=None):
        return _ops.cumsum(self, axis, dtype, out)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return _ops.prod(self, axis, dtype, out, keepdims)

    # numpy's dispatch: np.exp(t), np.sum(t, axis=0), ndarray @ t build nodes (graphc/ops/numpy_protocol.py)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _ops.numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _ops.numpy_protocol.array_function(func, args, kwargs)
