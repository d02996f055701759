"""The fusion pass groups what it should, and only that: kernel counts for known graphs."""

import numpy as np

import graphc as gc
from graphc.passes import run_passes
from graphc.passes.fusion import MAX_KERNEL_SIZE, fuse
from graphc.program import specialize


def groups_of(inputs, outputs, feeds_shapes, updates=()):
    program = run_passes(specialize(inputs, outputs, list(updates), feeds_shapes))
    return fuse(program).groups


def test_elementwise_chain_with_siblings_is_one_group():
    x, y = gc.placeholder((100,), gc.float32), gc.placeholder((100,), gc.float32)
    out = gc.tanh(x) * y + gc.exp(-x * x) * 0.5 - gc.sigmoid(y)
    (g,) = groups_of([x, y], [out], [(100,), (100,)])
    assert g.kind == "loop" and not g.reduce


def test_reduction_fuses_with_its_producers_and_consumers():
    x = gc.placeholder((8, 10), gc.float32)
    (g,) = groups_of([x], [gc.log(gc.sum(gc.exp(x) * 2, axis=1)) + 1], [(8, 10)])
    assert {m.op.name for m in g.members} >= {"exp", "sum", "log"} and len(g.reduce) == 1


def test_log_softmax_and_cross_entropy_take_one_kernel_in_phases():
    x = gc.placeholder((8, 10), gc.float32)
    labels = gc.placeholder((8,), gc.int32)
    (g,) = groups_of([x, labels], [gc.softmax_cross_entropy(x, labels)], [(8, 10), (8,)])
    assert g.n_phases == 3  # max | exp-sum | label-weighted sum


def test_matmul_epilogue_joins_the_matmul():
    x, w, b = gc.placeholder((4, 6), gc.float32), gc.placeholder((6, 5), gc.float32), gc.placeholder((5,), gc.float32)
    (g,) = groups_of([x, w, b], [gc.relu(x @ w + b)], [(4, 6), (6, 5), (5,)])
    assert g.kind == "matmul" and [m.op.name for m in g.members] == ["matmul", "add", "relu"]


def test_views_of_inputs_are_strides_not_kernels():
    x = gc.placeholder((6, 4), gc.float32)
    (g,) = groups_of([x], [gc.exp(gc.transpose(x)[1:, ::2])], [(6, 4)])
    assert [m.op.name for m in g.members] == ["exp"]


def test_different_recompute_tags_never_share_a_kernel():
    x = gc.placeholder((10,), gc.float32)
    a = gc.exp(x)
    b = gc.ops.elementwise.exp_op(x)  # a second exp, tagged as a rematerialised copy
    b.attrs["recompute"] = 1
    groups = groups_of([x], [a + 1.0, b * 2.0], [(10,)])
    for g in groups:
        assert len({m.attrs.get("recompute") for m in g.members}) == 1
    assert len(groups) == 3  # exp | tagged exp | the untagged consumer of the tagged exp


def test_a_consumer_that_would_close_a_cycle_starts_a_new_kernel():
    x = gc.placeholder((4, 4), gc.float32)
    a = gc.exp(x)
    b = a @ a          # needs a in memory
    c = a + b          # joining a's group would make it both before and after the matmul
    groups = groups_of([x], [c], [(4, 4)])
    order = {id(g): i for i, g in enumerate(groups)}
    owner = {m.id: g for g in groups for m in g.members}
    assert order[id(owner[a.id])] < order[id(owner[b.id])] <= order[id(owner[c.id])]


def _size_one_reduction_of_a_reduction_consumer(x):
    """max over a size-1 axis of a value computed after a reduction: read from memory, not recomputed."""
    total = gc.broadcast_to(gc.sum(gc.sum(x, 1, keepdims=True), 0, keepdims=True), (x.shape[0], 1))
    return gc.max(total, 1, keepdims=True)


def test_a_size_one_reduction_merged_into_a_sibling_keeps_reading_its_operand():
    # found by the randomized graphs: the merged group lost the operand's map and lowering failed
    x, w = gc.placeholder((4, 5), gc.float32), gc.placeholder((5, 5), gc.float32)
    m = _size_one_reduction_of_a_reduction_consumer(x)
    outputs = [gc.exp(x) + m, x @ w + m]
    xv = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    wv = np.random.default_rng(1).standard_normal((5, 5)).astype(np.float32)
    got = gc.function([x, w], outputs, backend="llvm")(xv, wv)
    want = gc.function([x, w], outputs)(xv, wv)
    for g, r in zip(got, want):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-5)


def test_mlp_training_step_is_a_handful_of_kernels():
    x, y = gc.placeholder((64, 784), gc.float32), gc.placeholder((64,), gc.int32)
    rng = np.random.default_rng(0)
    params = [gc.variable(rng.standard_normal(s).astype(np.float32)) for s in
              [(784, 1024), (1024,), (1024, 1024), (1024,), (1024, 10), (10,)]]
    h = gc.relu(x @ params[0] + params[1])
    h = gc.relu(h @ params[2] + params[3])
    loss = gc.mean(gc.softmax_cross_entropy(h @ params[4] + params[5], y))
    grads = gc.grad(loss, params)
    groups = groups_of([x, y], [loss], [(64, 784), (64,)], [(p, p - 0.1 * g) for p, g in zip(params, grads)])
    kinds = [g.kind for g in groups]
    assert kinds.count("matmul") == 8   # 3 forward, 3 weight gradients (+ update), 2 input gradients
    assert len(groups) <= 15


def test_a_deep_elementwise_chain_is_split_into_kernels_of_bounded_size():
    # one kernel of 300 tanh took LLVM minutes (its vectorizer's cost grows with the body's square)
    x = gc.placeholder((4, 8), gc.float64)
    y = x
    for _ in range(300):
        y = gc.tanh(y) * 0.9 + 0.01
    groups = groups_of([x], [y], [(4, 8)])
    assert len(groups) > 1
    assert all(g.size <= MAX_KERNEL_SIZE for g in groups)
    assert sum(len(g.members) for g in groups) == 900


def test_a_chain_thousands_of_ops_deep_compiles_and_agrees_with_the_reference():
    x = gc.placeholder((3, 5), gc.float64)
    y = x
    for _ in range(1500):
        y = gc.tanh(y) * 0.9 + 0.01
    outputs = [y, gc.grad(gc.sum(y), [x])[0]]
    xv = np.random.default_rng(0).standard_normal((3, 5))
    got = gc.function([x], outputs, backend="llvm")(xv)
    want = gc.function([x], outputs)(xv)
    for g, r in zip(got, want):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-300)
