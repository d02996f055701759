"""The backward pass recomputes cheap forward values from the one value they come from
(graphc/passes/remat_cheap_reads.py): a tanh-gelu's VJP reads x, x², x³, the tanh, 1 + tanh and the
gelu itself, and only x need be kept.  That, with the matmul VJP that folds a shared weight's batch
(tests/test_matmul_shared_gradient.py), is what lets a transformer plan at a quarter of its no-remat
peak; before, no planner got below about half (docs/remat.md, "Optimal against the heuristics")."""

import numpy as np
import pytest

import graphc as gc
from graphc.backends import available_backends
from graphc.passes import run_passes
from graphc.passes.remat import rematerialize
from graphc.passes.remat_analysis import analyse
from graphc.passes.remat_cheap_reads import recompute_cheap_reads
from graphc.program import specialize

SEQ, WIDTH, BATCH, DEPTH = 16, 32, 8, 2
LLVM = pytest.mark.skipif("llvm" not in available_backends(), reason="the llvm backend is not available here")


def gelu_mlp(h, rng):
    """gelu(h W1 + b1) W2, tanh-approximated, 4x width; (value, its variables)."""
    w1 = gc.variable((rng.standard_normal((WIDTH, 4 * WIDTH)) / np.sqrt(WIDTH)).astype(np.float32))
    w2 = gc.variable((rng.standard_normal((4 * WIDTH, WIDTH)) / np.sqrt(4 * WIDTH)).astype(np.float32))
    b1 = gc.variable(np.zeros(4 * WIDTH, np.float32))
    return gc.nn.gelu(h @ w1 + b1, approximate=True) @ w2, [w1, b1, w2]


def gelu_block(seed=0):
    """One MLP block and its weight gradients."""
    x = gc.placeholder((BATCH, SEQ, WIDTH), gc.float32, name="x")
    y, params = gelu_mlp(x, np.random.default_rng(seed))
    loss = gc.mean(gc.tanh(y))
    return x, [loss, *gc.grad(loss, params)]


def transformer(depth=DEPTH, seed=0):
    """Pre-norm blocks as benchmarks/bench_remat.py's transformer workload (causal attention, LayerNorm,
    the gelu MLP), small."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, SEQ, WIDTH), gc.float32, name="x")
    params, h = [], x
    for k in range(depth):
        norms = [gc.nn.LayerNorm(WIDTH, name=f"ln{i}_{k}") for i in (1, 2)]
        mha = gc.nn.MultiHeadAttention(2, WIDTH // 2, causal=True, width=WIDTH, seed=rng, name=f"mha{k}")
        h = h + mha(norms[0](h))
        y, mlp = gelu_mlp(norms[1](h), rng)
        h = h + y
        params += mha.variables + norms[0].variables + norms[1].variables + mlp
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, params)]


def feed(seed=3):
    return np.random.default_rng(seed).standard_normal((BATCH, SEQ, WIDTH)).astype(np.float32)


def gelu_program():
    x, outputs = gelu_block()
    return run_passes(specialize([x], outputs, [], [(BATCH, SEQ, WIDTH)]))


def activation_sized_stash(program) -> list:
    """The stashed forward values of the hidden activation's shape (BATCH, SEQ, 4 WIDTH)."""
    a = analyse(program)
    return [n for n in a.order if n.id in a.stashed and n.shape == (BATCH, SEQ, 4 * WIDTH)]


def test_the_gelu_backward_keeps_one_activation_sized_value_and_recomputes_the_rest():
    program = gelu_program()
    assert len(activation_sized_stash(program)) >= 5  # x, x², x³, tanh, 1 + tanh, gelu: read back one by one
    reread, copies = recompute_cheap_reads(program)
    (kept,) = activation_sized_stash(reread)
    assert kept.op.name == "add" and kept.inputs[0].op.name == "matmul"  # x W1 + b1, the gelu's input
    a = analyse(reread)
    assert copies and all(c.id in a.helpers for c in copies)  # every planner recomputes helpers in the backward pass
    assert {c.op.name for c in copies} >= {"tanh", "mul", "add"}


def test_the_rewrite_changes_no_value():
    program = gelu_program()
    reread, _ = recompute_cheap_reads(program)
    x = program.inputs[0]
    ours = gc.function([reread.inputs[0]], reread.outputs)(feed())
    theirs = gc.function([x], program.outputs)(feed())
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_a_program_with_nothing_cheap_to_recompute_is_returned_as_is():
    x = gc.placeholder((4, 4), gc.float32)
    w = gc.variable(np.eye(4, dtype=np.float32))
    loss = gc.sum(x @ w @ w)
    program = specialize([x], [loss, *gc.grad(loss, [w])], [], [(4, 4)])
    assert recompute_cheap_reads(program) == (program, [])


def test_sqrt_counts_the_recomputed_cheap_values():
    program = gelu_program()
    _, copies = recompute_cheap_reads(program)
    stats = rematerialize(program, "sqrt").remat_stats
    assert stats is not None and stats.recompute_flops > 0
    assert stats.recomputed_ops.get("tanh", 0) >= 1  # the gelu's tanh, computed again for its VJP


@LLVM
def test_a_small_transformer_plans_at_a_quarter_of_its_no_remat_peak_with_bitwise_equal_gradients():
    x, outputs = transformer()
    none = gc.function([x], outputs, backend="llvm")
    expected = none(feed())
    budget = none.memory_plan().peak_bytes // 4
    x, outputs = transformer()
    f = gc.function([x], outputs, backend="llvm", remat=budget)
    got = f(feed())
    assert f.memory_plan().peak_bytes <= budget
    assert f.executable.program.remat_stats.planned_peak_bytes == f.memory_plan().peak_bytes
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


@LLVM
def test_sqrt_on_a_small_transformer_plans_below_a_third_of_none():
    x, outputs = transformer()
    none = gc.function([x], outputs, backend="llvm")
    none(feed())
    x, outputs = transformer()
    f = gc.function([x], outputs, backend="llvm", remat="sqrt")
    f(feed())
    assert f.memory_plan().peak_bytes < none.memory_plan().peak_bytes / 3  # 0.48 before
