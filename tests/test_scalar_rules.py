"""Each elementwise op's `scalar` rule (what the code generators render) agrees with its numpy `compute`,
on random inputs of every dtype the op accepts."""

import itertools

import numpy as np
import pytest

from graphc import scalar as S  # noqa: N812 - reads like math, as in graphc.ops
from graphc.errors import GraphcError
from graphc.ops.registry import REGISTRY, make_node
from graphc.ops.source import placeholder

DTYPES = [np.dtype(d) for d in ("float32", "float64", "int32", "int64", "bool")]
ELEMENTWISE = sorted(name for name, op in REGISTRY.items() if op.kind == "elementwise")
ATTRS = {
    "power": [{"exponent": e} for e in (2, 3, 0.5, -1, -2.5, 0)],
    "cast": [{"dtype": d} for d in DTYPES],
    "fill_like": [{"value": 2.5, "dtype": np.dtype("float64")}, {"value": 3, "dtype": np.dtype("int32")}],
}
# domains that keep both sides defined (the scalar rule need not reproduce numpy's integer-error semantics)
POSITIVE = {"log", "sqrt", "div", "pow", "power", "log1p"}


def _random(dtype, shape, positive, rng):
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        return rng.integers(1 if positive else -5, 6, shape).astype(dtype)
    low = 0.1 if positive else -3.0
    values = rng.uniform(low, 3.0, shape)
    values.flat[:2] = [1.0, 2.0][: values.size]  # exact values too
    return values.astype(dtype)


def _cases(name):
    arity = REGISTRY[name].arity
    for dtypes in itertools.product(DTYPES, repeat=arity):
        if name == "where":
            if dtypes[0].kind != "b":
                continue
        elif len(set(dtypes)) > 1 and arity > 1 and not all(d.kind == "f" for d in dtypes) and \
                not (dtypes[0].kind == "f" and dtypes[1].kind in "iu"):
            continue
        for attrs in ATTRS.get(name, [{}]):
            yield dtypes, attrs


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalar_rule_matches_compute_for_every_accepted_dtype(name):
    op = REGISTRY[name]
    assert op.scalar is not None, f"{name} has no scalar rule: code generators cannot render it"
    rng = np.random.default_rng(abs(hash(name)) % 2 ** 32)
    accepted = 0
    for dtypes, attrs in _cases(name):
        inputs = [placeholder((4, 3), d) for d in dtypes]
        try:
            node = make_node(op, tuple(inputs), dict(attrs))
        except GraphcError:
            continue  # a dtype the op does not accept
        accepted += 1
        arrays = [_random(d, (4, 3), name in POSITIVE, rng) for d in dtypes]
        with np.errstate(all="ignore"):
            # the executors cast what compute returns to the node's dtype (runtime/reference.py)
            expected = np.asarray(op.compute(node.attrs, *arrays)).astype(node.dtype)
        expr = op.scalar(node.attrs, node.dtype, *(S.Scalar.arg(i, d) for i, d in enumerate(dtypes)))
        assert expr.dtype == node.dtype, (name, dtypes, attrs)
        got = np.broadcast_to(S.evaluate(expr, arrays), expected.shape)
        assert got.dtype == expected.dtype == node.dtype, (name, dtypes, attrs)
        if node.dtype.kind == "f":
            tol = 1e-6 if node.dtype == np.float32 else 1e-13
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, equal_nan=True,
                                       err_msg=f"{name} {dtypes} {attrs}")
        else:
            np.testing.assert_array_equal(got, expected, err_msg=f"{name} {dtypes} {attrs}")
    assert accepted > 0, f"{name} accepted no dtype"


def test_every_scalar_rule_uses_only_renderable_primitives():
    def walk(e):
        assert e.op in S.PRIMITIVES, e.op
        for a in e.args:
            walk(a)

    for name in ELEMENTWISE:
        op = REGISTRY[name]
        for dtypes, attrs in _cases(name):
            try:
                node = make_node(op, tuple(placeholder((2,), d) for d in dtypes), dict(attrs))
            except GraphcError:
                continue
            walk(op.scalar(node.attrs, node.dtype, *(S.Scalar.arg(i, d) for i, d in enumerate(dtypes))))


SPECIAL = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.5, 0.5]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalar_rule_keeps_numpys_special_values(name):
    """NaN, infinities and signed zeros in every operand position give numpy's result: NaN where numpy
    has NaN (sign(NaN) is NaN, maximum propagates it), the same infinity, the same sign of a zero."""
    op = REGISTRY[name]
    arity = REGISTRY[name].arity
    for dtype in (np.dtype("float32"), np.dtype("float64")):
        dtypes = ((np.dtype(np.bool_),) if name == "where" else ()) + (dtype,) * (arity - (name == "where"))
        for attrs in ATTRS.get(name, [{}]):
            inputs = [placeholder((), d) for d in dtypes]
            try:
                node = make_node(op, tuple(inputs), dict(attrs))
            except GraphcError:
                continue
            grid = np.meshgrid(*[[True, False] if d.kind == "b" else SPECIAL for d in dtypes], indexing="ij")
            arrays = [g.ravel().astype(d) for g, d in zip(grid, dtypes)]
            with np.errstate(all="ignore"):
                expected = np.asarray(op.compute(node.attrs, *arrays)).astype(node.dtype)
            expr = op.scalar(node.attrs, node.dtype, *(S.Scalar.arg(i, d) for i, d in enumerate(dtypes)))
            with np.errstate(all="ignore"):
                got = np.broadcast_to(S.evaluate(expr, arrays), expected.shape)
            where = f"{name} {dtypes} {attrs} at {[a.tolist() for a in arrays]}"
            if node.dtype.kind != "f":
                np.testing.assert_array_equal(got, expected, err_msg=where)
                continue
            np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=f"NaN: {where}")
            exact = ~np.isnan(expected) & (np.isinf(expected) | (expected == 0))
            np.testing.assert_array_equal(got[exact], expected[exact], err_msg=f"inf/0: {where}")
            np.testing.assert_array_equal(np.signbit(got[exact]), np.signbit(expected[exact]),
                                          err_msg=f"sign of zero: {where}")
