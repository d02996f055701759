"""Scalar expressions: structural hashing and equality that survive deep chains and shared subexpressions.

Kernels with equal expressions share one compiled body, so expressions are hashed and
compared by structure.  A fused elementwise chain can be thousands of nodes deep, and
fusion shares subexpressions (a DAG whose tree expansion is exponential): neither may
hit Python's recursion limit or walk the DAG as a tree.
"""

import time

import numpy as np

from graphc import scalar as S  # noqa: N812 - reads like math, as in graphc.ops

F64 = np.dtype("float64")


def chain(depth: int, start: int = 0) -> S.Scalar:
    e = S.Scalar.arg(start, F64)
    for _ in range(depth):
        e = S.call("add", S.call("tanh", e), S.const(0.5, F64))
    return e


def doubling(depth: int) -> S.Scalar:
    """e_{k+1} = e_k * e_k + e_k: depth 60 is 2^60 nodes as a tree, 181 as a DAG."""
    e = S.Scalar.arg(0, F64)
    for _ in range(depth):
        e = S.call("add", S.call("mul", e, e), e)
    return e


def test_equal_structure_means_equal_and_same_hash():
    assert chain(3) == chain(3) and hash(chain(3)) == hash(chain(3))
    assert chain(3) != chain(4)
    assert chain(3) != chain(3, start=1)
    assert S.const(1.0, F64) != S.const(1.0, np.float32)


def test_a_chain_thousands_deep_hashes_and_compares_without_recursion():
    a, b = chain(5000), chain(5000)
    assert hash(a) == hash(b) and a == b
    assert a != chain(4999)
    assert len(repr(a)) <= S.REPR_LIMIT + 3


def test_shared_subexpressions_are_walked_once():
    start = time.perf_counter()
    a, b = doubling(60), doubling(60)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert len(S.postorder(a)) == 1 + 2 * 60
    assert time.perf_counter() - start < 5  # as trees, these would never finish


def test_postorder_lists_arguments_before_their_users_and_stops_at_known_nodes():
    x = S.Scalar.arg(0, F64)
    y = S.call("exp", x)
    z = S.call("mul", y, y)
    order = S.postorder(z)
    assert order == [x, y, z]
    assert S.postorder(z, known={id(y)}) == [z]


def test_evaluate_and_substitute_handle_deep_chains():
    e = chain(3000)
    value = S.evaluate(e, [np.array([0.25])])
    want = np.array([0.25])
    for _ in range(3000):
        want = np.tanh(want) + 0.5
    np.testing.assert_allclose(value, want)
    shifted = S.substitute(e, [S.Scalar.arg(7, F64)])
    assert shifted == chain(3000, start=7)


def test_body_size_counts_vector_math_as_a_polynomial():
    x = S.Scalar.arg(0, F64)
    assert S.body_size(S.call("add", x, S.const(1.0, F64))) == 1
    assert S.body_size(S.call("tanh", x)) == S.VECTOR_MATH_SIZE
    assert S.body_size(doubling(10)) == 20
