"""Elementwise ops: numpy broadcasting, one scalar expression each, derivatives from partials.

Most ops give `partials(node, *inputs)`: the derivative of the output with
respect to each input, as graph nodes.  Both reverse mode (g * ∂y/∂xᵢ, summed
back to the input's shape) and forward mode (Σ tᵢ * ∂y/∂xᵢ) are derived from
that one rule, so the two can never disagree.

Ops whose partials can be infinite or NaN where the cotangent is zero (sqrt at
0, log at 0, division by 0) are marked `singular`: their chain rule uses
`safe_mul`, for which 0 * anything = 0.  That keeps a masked branch from
poisoning the gradient: d/dx where(x > 0, sqrt(x), 0) at x = 0 is 0, not NaN.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

import graphc.ops.shape as shape_ops
from graphc import dtypes
from graphc import scalar as S  # noqa: N812 - reads like math
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops.common import as_nodes, broadcast_shapes, same_static_shape
from graphc.ops.fill import check_representable, fill_like, ones_like, zeros_like  # noqa: F401 - graphc.ops re-exports them
from graphc.ops.registry import Op, make_node, output_elements

ONE = "one"  # a partial derivative that is exactly 1: the chain rule passes the cotangent through


def _infer(out_dtype: Callable):
    def infer(inputs, attrs):
        if len(inputs) == 2:  # most nodes: no lists made
            a, b = inputs
            shape, dtypes_in = broadcast_shapes(a.shape, b.shape), (a.dtype, b.dtype)
        else:
            shape = broadcast_shapes(*[i.shape for i in inputs])  # lists: generators were slower, per node
            dtypes_in = [i.dtype for i in inputs]
        try:
            dtype = out_dtype(attrs, *dtypes_in)
        except TypeError as exc:  # numpy has no such loop, e.g. bool - bool: the user's mistake, said at their line
            kinds = ", ".join(str(i.dtype) for i in inputs)
            raise ShapeError(f"not defined for dtypes {kinds} ({exc}); cast the operands first") from None
        return shape, dtype
    return infer


def _chain(partial, g: Node, singular: bool) -> Node:
    if partial is ONE:
        return g
    return safe_mul(g, partial) if singular else g * partial


def _vjp_from(partials, singular):
    def vjp(node, g):
        return [None if p is None else shape_ops.sum_to_like(_chain(p, g, singular), x)
                for p, x in zip(partials(node, *node.inputs), node.inputs)]
    return vjp


def _jvp_from(partials, singular):
    def jvp(node, tangents):
        ps = partials(node, *node.inputs)
        total = None
        for p, t in zip(ps, tangents):
            if p is None or t is None:
                continue
            term = _chain(p, t, singular)
            total = term if total is None else total + term
        return None if total is None else fit_to(total, node)
    return jvp


def fit_to(value: Node, like: Node) -> Node:
    """Broadcast `value` to `like`'s shape unless it is already statically the same."""
    if same_static_shape(value.shape, like.shape):
        return value
    return shape_ops.broadcast_like(value, like)


def elementwise(name: str, compute, scalar, *, arity: int, out_dtype=None, partials=None, vjp=None, jvp=None,
                singular=False, commutative=False, doc="") -> Op:
    """Register an elementwise op; `out_dtype(attrs, *dtypes)` defaults to numpy's ufunc promotion."""
    if out_dtype is None:
        out_dtype = lambda attrs, *ds: dtypes.ufunc_result(compute, *ds)  # noqa: E731
    if partials is not None:
        vjp, jvp = _vjp_from(partials, singular), _jvp_from(partials, singular)
    return Op(name, "elementwise", _infer(out_dtype), lambda attrs, *xs: compute(*xs), vjp=vjp, jvp=jvp,
              scalar=scalar, doc=doc, extra={"singular": singular}, arity=arity, commutative=commutative,
              flops=output_elements, infers_from_shapes=True)


def _float_out(attrs, *ds):
    return _float_result(*ds)


@functools.cache
def _float_result(*ds: np.dtype) -> np.dtype:
    """A float op's result dtype, once per operand dtypes: np.result_type is a microsecond, asked per node."""
    d = np.result_type(*ds)
    return d if d in dtypes.FLOATS else dtypes.float64 if d == dtypes.int64 else dtypes.float32


def _prim(prim: str):
    """Scalar rule applying primitive `prim` to the operands cast to the output dtype."""
    return lambda attrs, dtype, *xs: S.call(prim, *(S.cast(x, dtype) for x in xs))


def _float_unary(name, np_fn, prim, partial, singular=False, doc=""):
    compute = lambda x: np_fn(x.astype(_float_out({}, x.dtype), copy=False))  # noqa: E731
    return elementwise(name, compute, _prim(prim), arity=1, out_dtype=_float_out,
                       partials=lambda y, x: [partial(y, x)], singular=singular, doc=doc)


# ---- arithmetic -------------------------------------------------------------------------------

add_op = elementwise("add", np.add, _prim("add"), arity=2, commutative=True,
                     partials=lambda y, a, b: [ONE, ONE])
sub_op = elementwise("sub", np.subtract, _prim("sub"), arity=2,
                     vjp=lambda y, g: [shape_ops.sum_to_like(g, y.inputs[0]),
                                       shape_ops.sum_to_like(neg(g), y.inputs[1])],
                     jvp=lambda y, t: _linear_jvp(y, t, [1, -1]))
mul_op = elementwise("mul", np.multiply, _prim("mul"), arity=2, commutative=True,
                     partials=lambda y, a, b: [b, a])
div_op = elementwise("div", np.true_divide, _prim("div"), arity=2, out_dtype=_float_out,
                     partials=lambda y, a, b: [1.0 / b, neg(y) / b], singular=True)
neg_op = elementwise("neg", np.negative, _prim("neg"), arity=1,
                     vjp=lambda y, g: [neg(g)], jvp=lambda y, t: None if t[0] is None else neg(t[0]))
maximum_op = elementwise("maximum", np.maximum, _prim("max"), arity=2, commutative=True,
                         partials=lambda y, a, b: [_tie_share(a, b), _tie_share(b, a)],
                         doc="Ties split the gradient equally, as in JAX.")
minimum_op = elementwise("minimum", np.minimum, _prim("min"), arity=2, commutative=True,
                         partials=lambda y, a, b: [_tie_share(b, a), _tie_share(a, b)])
pow_op = elementwise("pow", lambda a, b: np.power(*(x.astype(_float_out({}, a.dtype, b.dtype)) for x in (a, b))),
                     _prim("pow"), arity=2, out_dtype=_float_out,
                     partials=lambda y, a, b: _pow_partials(y, a, b), singular=True,
                     doc="a ** b for a float tensor exponent; a Python number exponent uses `power`.")


def _pow_partials(y, a, b):
    """b·a^(b−1) and log(a)·y, with the limits at the edges where the formulas give 0·∞.

    a^0 is 1 whatever a is, so its derivative in a is 0, also at a = 0 (where b·a^(b−1) is
    0·∞); 0^b is 0 for every b > 0, so its derivative in b is 0 (where log(0)·0 is −∞·0).
    The exponent and the logarithm's argument are replaced before the formula runs, not
    after, so that no NaN or inf exists to leak into second derivatives (JAX does the same).
    """
    b_or_1 = where(equal(b, 0.0), 1.0, b)
    a_or_1 = where(equal(a, 0.0), 1.0, a)
    return [b * power(a, b_or_1 - 1.0), log(a_or_1) * y]


def _power_compute(x, exponent):
    return np.power(x, x.dtype.type(exponent))


def _power_scalar(attrs, dtype, x):
    e = attrs["exponent"]
    x = S.cast(x, dtype)
    if e == 2:
        return S.call("mul", x, x)
    if e == 0.5:
        return S.call("sqrt", x)
    if e == 1:
        return x
    if e == -1:
        return S.call("div", S.const(1, dtype), x)
    return S.call("pow", x, S.const(e, dtype))


def _power_infer(inputs, attrs):
    dtype = _power_dtype(inputs[0].dtype, attrs["exponent"])
    check_representable(attrs["exponent"], dtype, "exponent")  # an integer power computes in the dtype
    return inputs[0].shape, dtype


power_op = Op("power", "elementwise", _power_infer,
              lambda attrs, x: _power_compute(x.astype(_power_dtype(x.dtype, attrs["exponent"])),
                                              attrs["exponent"]),
              scalar=_power_scalar, extra={"singular": True}, arity=1, attributes={"exponent": "number"},
              flops=output_elements, describe=lambda node: f"power {node.attrs['exponent']:g}", infers_from_shapes=True,
              doc="x ** c for a Python number c (kept as an attribute so codegen can specialise it).")


def _power_dtype(dtype, exponent):
    return dtype if dtypes.is_float(dtype) or float(exponent).is_integer() and exponent >= 0 else _float_out({}, dtype)


def _power_partial(y, x):
    e = y.attrs["exponent"]
    if e == 0:  # x ** 0 is 1 everywhere: 0 * x ** -1 would be NaN at x = 0
        return [zeros_like(x)]
    return [e * x if e == 2 else e * power(x, e - 1)]


power_op.vjp = _vjp_from(_power_partial, singular=True)
power_op.jvp = _jvp_from(_power_partial, singular=True)


def _linear_jvp(node, tangents, coefficients):
    total = None
    for t, c in zip(tangents, coefficients):
        if t is not None:
            term = t if c == 1 else neg(t)
            total = term if total is None else total + term
    return None if total is None else fit_to(total, node)


def _tie_share(a: Node, b: Node) -> Node:
    """∂max(a,b)/∂a: 1 where a wins, 1/2 on ties, 0 where b wins."""
    return where(greater(a, b), 1.0, where(equal(a, b), 0.5, 0.0)) if dtypes.is_float(a.dtype) else None


def _safe_mul_compute(a, b):
    out = np.multiply(a, b)
    return np.where(a == 0, out.dtype.type(0), out)


safe_mul_op = elementwise("safe_mul", _safe_mul_compute,
                          lambda attrs, dtype, a, b: S.call(
                              "select", S.call("eq", S.cast(a, dtype), S.const(0, dtype)), S.const(0, dtype),
                              S.call("mul", S.cast(a, dtype), S.cast(b, dtype))), arity=2,
                          out_dtype=lambda attrs, da, db: dtypes.ufunc_result(np.multiply, da, db),
                          partials=lambda y, a, b: [y.inputs[1], a], singular=True,
                          doc="a * b, except that 0 * anything (inf, nan) is 0: the chain rule of singular ops.")

# ---- unary math --------------------------------------------------------------------------------

exp_op = _float_unary("exp", np.exp, "exp", lambda y, x: y)
log_op = _float_unary("log", np.log, "log", lambda y, x: 1.0 / x, singular=True)
log1p_op = _float_unary("log1p", np.log1p, "log1p", lambda y, x: 1.0 / (x + 1.0), singular=True)
expm1_op = _float_unary("expm1", np.expm1, "expm1", lambda y, x: y + 1.0)
sin_op = _float_unary("sin", np.sin, "sin", lambda y, x: cos(x))
cos_op = _float_unary("cos", np.cos, "cos", lambda y, x: neg(sin(x)))
tanh_op = _float_unary("tanh", np.tanh, "tanh", lambda y, x: 1.0 - y * y)
sqrt_op = _float_unary("sqrt", np.sqrt, "sqrt", lambda y, x: 0.5 / y, singular=True)


def _sigmoid(x):
    # exp of a non-positive number only: no overflow warnings, exact in both tails
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


sigmoid_op = _float_unary("sigmoid", _sigmoid, "sigmoid", lambda y, x: y * (1.0 - y))
abs_op = elementwise("abs", np.abs, _prim("abs"), arity=1, partials=lambda y, x: [sign(x)])


def _sign_scalar(attrs, dtype, x):
    """(x > 0) - (x < 0), or x itself where x is NaN: numpy's sign(NaN) is NaN (the difference alone
    is 0, which also made the gradient of abs, g * sign(x), vanish at NaN and hide it from training)."""
    step = S.call("sub", S.cast(S.call("gt", x, S.const(0, x.dtype)), dtype),
                  S.cast(S.call("lt", x, S.const(0, x.dtype)), dtype))
    return S.call("select", S.call("ne", x, x), S.cast(x, dtype), step) if dtypes.is_float(x.dtype) else step


sign_op = elementwise("sign", np.sign, _sign_scalar, arity=1, partials=lambda y, x: [None])
relu_op = elementwise("relu", lambda x: np.maximum(x, x.dtype.type(0)),
                      lambda attrs, dtype, x: S.call("max", S.cast(x, dtype), S.const(0, dtype)), arity=1,
                      out_dtype=lambda attrs, d: d,
                      partials=lambda y, x: [cast(greater(x, 0.0), x.dtype)])
floor_op = elementwise("floor", np.floor, _prim("floor"), arity=1, partials=lambda y, x: [None])

# ---- comparisons and logic (no derivative) ------------------------------------------------------


def _predicate(name, np_fn, prim, commutative=False):
    return elementwise(name, np_fn, lambda attrs, dtype, *xs: S.call(prim, *xs), arity=2, commutative=commutative,
                       out_dtype=lambda attrs, *ds: dtypes.bool_, partials=lambda y, *xs: [None] * len(xs))


less_op = _predicate("less", np.less, "lt")
less_equal_op = _predicate("less_equal", np.less_equal, "le")
greater_op = _predicate("greater", np.greater, "gt")
greater_equal_op = _predicate("greater_equal", np.greater_equal, "ge")
equal_op = _predicate("equal", np.equal, "eq", commutative=True)
not_equal_op = _predicate("not_equal", np.not_equal, "ne", commutative=True)


def _logical(name, np_fn, prim, arity=2, commutative=True):
    """Like numpy, a non-bool operand is true where nonzero: the scalar rule casts it to bool first."""
    return elementwise(name, np_fn, lambda attrs, dtype, *xs: S.call(prim, *(S.cast(x, dtypes.bool_) for x in xs)),
                       arity=arity, commutative=commutative,
                       out_dtype=lambda attrs, *ds: dtypes.bool_, partials=lambda y, *xs: [None] * len(xs))


logical_and_op = _logical("logical_and", np.logical_and, "and")
logical_or_op = _logical("logical_or", np.logical_or, "or")
logical_not_op = _logical("logical_not", np.logical_not, "not", arity=1, commutative=False)

# ---- selection, casts, fills --------------------------------------------------------------------


def _where_out(attrs, dc, da, db):
    return np.result_type(da, db)


def _where_vjp(y, g):
    c, a, b = y.inputs
    zero = zeros_like(g)
    return [None, shape_ops.sum_to_like(where(c, g, zero), a), shape_ops.sum_to_like(where(c, zero, g), b)]


def _where_jvp(y, tangents):
    c, _, _ = y.inputs
    _, ta, tb = tangents
    if ta is None and tb is None:
        return None
    ta = zeros_like(y) if ta is None else ta
    tb = zeros_like(y) if tb is None else tb
    return fit_to(where(c, ta, tb), y)


def _condition_is_bool(attrs, inputs) -> str | None:
    if inputs[0].dtype != dtypes.bool_:
        return f"where's condition must be bool, got {inputs[0].dtype}"
    return None


where_op = Op("where", "elementwise",
              _infer(_where_out),
              lambda attrs, c, a, b: np.where(c, a, b).astype(np.result_type(a.dtype, b.dtype)),
              vjp=_where_vjp, jvp=_where_jvp,
              scalar=lambda attrs, dtype, c, a, b: S.call("select", c, S.cast(a, dtype), S.cast(b, dtype)),
              extra={"singular": False}, arity=3, flops=output_elements, attrs_fit=_condition_is_bool,
              infers_from_shapes=True)


def _cast_vjp(y, g):
    x = y.inputs[0]
    return [cast(g, x.dtype) if dtypes.is_float(x.dtype) and dtypes.is_float(y.dtype) else None]


cast_op = Op("cast", "elementwise", lambda inputs, attrs: (inputs[0].shape, attrs["dtype"]),
             lambda attrs, x: x.astype(attrs["dtype"]),
             vjp=_cast_vjp,
             jvp=lambda y, t: cast(t[0], y.dtype) if t[0] is not None and dtypes.is_float(y.dtype) else None,
             scalar=lambda attrs, dtype, x: S.cast(x, dtype), extra={"singular": False}, arity=1,
             attributes={"dtype": "dtype"}, flops=output_elements, infers_from_shapes=True)

stop_gradient_op = Op("stop_gradient", "elementwise", lambda inputs, attrs: (inputs[0].shape, inputs[0].dtype),
                      lambda attrs, x: x, vjp=lambda y, g: [None], jvp=lambda y, t: None,
                      scalar=lambda attrs, dtype, x: x, extra={"singular": False}, arity=1, flops=output_elements,
                      infers_from_shapes=True,
                      doc="Identity whose derivative is zero (TF's stop_gradient, PyTorch's detach).")

# ---- the public functions ----------------------------------------------------------------------


def _binary(op: Op):
    def fn(a, b, name: str | None = None) -> Node:
        a, b = as_nodes(a, b)
        return make_node(op, (a, b), {}, name=name)
    fn.__name__ = op.name
    fn.__doc__ = f"Elementwise {op.name} with numpy broadcasting. {op.doc}"
    return fn


def _unary(op: Op):
    def fn(x, name: str | None = None) -> Node:
        (x,) = as_nodes(x)
        return make_node(op, (x,), {}, name=name)
    fn.__name__ = op.name
    fn.__doc__ = f"Elementwise {op.name}. {op.doc}"
    return fn


add, subtract, multiply, divide = _binary(add_op), _binary(sub_op), _binary(mul_op), _binary(div_op)
maximum, minimum, safe_mul = _binary(maximum_op), _binary(minimum_op), _binary(safe_mul_op)
less, less_equal, greater = _binary(less_op), _binary(less_equal_op), _binary(greater_op)
greater_equal, equal, not_equal = _binary(greater_equal_op), _binary(equal_op), _binary(not_equal_op)
logical_and, logical_or, logical_not = _binary(logical_and_op), _binary(logical_or_op), _unary(logical_not_op)
neg, exp, log, log1p, expm1 = _unary(neg_op), _unary(exp_op), _unary(log_op), _unary(log1p_op), _unary(expm1_op)
sin, cos, tanh, sqrt, sigmoid = _unary(sin_op), _unary(cos_op), _unary(tanh_op), _unary(sqrt_op), _unary(sigmoid_op)
abs, sign, relu, floor = _unary(abs_op), _unary(sign_op), _unary(relu_op), _unary(floor_op)  # noqa: A001
stop_gradient = _unary(stop_gradient_op)


def power(x, exponent, name: str | None = None) -> Node:
    """x ** exponent; a Python number exponent stays an attribute, a tensor one uses `pow`."""
    if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(exponent, bool):
        (x,) = as_nodes(x)
        return make_node(power_op, (x,), {"exponent": float(exponent)}, name=name)
    x, exponent = as_nodes(x, exponent)
    return make_node(pow_op, (x, exponent), {}, name=name)


def where(condition, a, b, name: str | None = None) -> Node:
    """Elementwise select: a where condition holds, else b (all three broadcast)."""
    a, b = as_nodes(a, b)
    (condition,) = as_nodes(condition)
    if condition.dtype != dtypes.bool_:
        raise ShapeError(f"where: condition must be bool, got {condition.dtype} (compare it, e.g. x > 0)")
    return make_node(where_op, (condition, a, b), {}, name=name)


def cast(x, dtype, name: str | None = None) -> Node:
    (x,) = as_nodes(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    return make_node(cast_op, (x,), {"dtype": dtype}, name=name)
