"""A params-only lowering (graphc.codegen.lower.lower(fusion, params_only=True)) gives the kernels
the full lowering gives, less their code: the same names, kinds, loop dims and buffer params in
the same order, so the arena placed from them is the same to the byte.  The remat search judges
its candidates by such plans, and `graphc inspect` reports them."""

import numpy as np
import pytest
from test_remat import NETS, specialized

import graphc as gc
from graphc import pipeline
from graphc.codegen.lower import lower
from graphc.passes import run_passes
from graphc.passes.fusion import fuse
from graphc.passes.remat import rematerialize
from graphc.program import specialize


def sgd_step():
    """Softmax cross-entropy of a two-layer net, its SGD updates (accumulated into the weights)."""
    rng = np.random.default_rng(0)
    x, labels = gc.placeholder((None, 12), gc.float32), gc.placeholder((None,), gc.int32)
    w1 = gc.variable(rng.normal(size=(12, 16)).astype(np.float32))
    w2 = gc.variable(rng.normal(size=(16, 5)).astype(np.float32))
    loss = gc.mean(gc.softmax_cross_entropy(gc.tanh(x @ w1) @ w2, labels))
    g1, g2 = gc.grad(loss, [w1, w2])
    return specialize([x, labels], [loss], [(w1, w1 - 0.1 * g1), (w2, w2 - 0.1 * g2)], [(8, 12), (8,)])


def indexing_and_pieces():
    """Scatter kernels (concatenate), an indexed add (scatter_add), a leaf (one_hot), views, phases."""
    x, idx = gc.placeholder((6, 4), gc.float32), gc.placeholder((3,), gc.int32)
    pieces = gc.concatenate([gc.exp(x), gc.transpose(x)[:, :4] * 2.0], axis=0)
    added = gc.scatter_add(x * 0.5, idx, gc.tanh(x[:3]), axis=0)
    hot = gc.one_hot(idx, 4) * gc.sum(x, axis=0)
    soft = gc.exp(x - gc.max(x, axis=1, keepdims=True))
    soft = soft / gc.sum(soft, axis=1, keepdims=True)
    return specialize([x, idx], [pieces, added, hot, soft], [], [(6, 4), (3,)])


def read_back_through_a_value():
    """Layer norm whose centred values another kernel reads: the last phase reads them back through
    tanh, a value stored nowhere that it evaluates again (its params: the centred buffer "inout")."""
    x = gc.placeholder((6, 8), gc.float32)
    centred = x - gc.mean(x, axis=1, keepdims=True)
    scale = gc.sqrt(gc.mean(centred * centred, axis=1, keepdims=True) + 1e-5)
    return specialize([x], [gc.tanh(centred) / scale, gc.sum(centred, axis=0)], [], [(6, 8)])


def rematerialised(net):
    return rematerialize(run_passes(specialized(net, 12)), "sqrt")


PROGRAMS = {"sgd step": sgd_step, "indexing and pieces": indexing_and_pieces,
            "read back through a value": read_back_through_a_value,
            **{f"{net} after sqrt remat": (lambda net=net: rematerialised(net)) for net in NETS}}


def without_code(kernels):
    return [(k.name, k.kind, k.params, k.dims, k.ops) for k in kernels]


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_params_only_kernels_are_the_full_kernels_without_code(name):
    program = run_passes(PROGRAMS[name]())
    fusion = fuse(program)
    full, params = lower(fusion), lower(fusion, params_only=True)
    assert without_code(params) == without_code(full)
    assert any(k.phases or k.matmul for k in full)  # the control: the full lowering has code to leave out
    assert not any(k.phases or k.matmul or k.operands for k in params)


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_the_arena_placed_from_params_only_kernels_is_the_same(name):
    program = run_passes(PROGRAMS[name]())
    fusion = fuse(program)
    plans = [pipeline.place_buffers(program, fusion, lower(fusion, params_only=only), []) for only in (False, True)]
    assert plans[0].arena_bytes == plans[1].arena_bytes > 0
    assert {k: b.offset for k, b in plans[0].memory.buffers.items()} == \
        {k: b.offset for k, b in plans[1].memory.buffers.items()}


@pytest.mark.parametrize("name", ["sgd step", "mlp after sqrt remat"])
@pytest.mark.parametrize("remat", ["none", "sqrt"])
def test_a_plans_only_run_plans_what_a_full_run_plans(name, remat):
    """inspect's runs (Reuse(plans_only=True)) report the arena the backend builds; a full run's kernels
    have their code, also when the remat search judged the chosen program params only."""
    program = run_passes(PROGRAMS[name]())
    options = pipeline.Options.of(None, remat=remat)
    full = pipeline.run(program, options, pipeline.LLVM, simplified=True, reuse=pipeline.Reuse())
    only = pipeline.run(program, options, pipeline.LLVM, simplified=True, reuse=pipeline.Reuse(plans_only=True))
    assert only.plan.arena_bytes == full.plan.arena_bytes
    assert [k.name for k in only.plan.kernels] == [k.name for k in full.plan.kernels]
    assert all(k.phases or k.matmul for k in full.plan.kernels)
    assert len(full.accumulated) == len(only.accumulated)


def test_a_value_read_back_through_another_is_inout():
    """The control of the program above: its normalising kernel reads the centred values back."""
    program = run_passes(read_back_through_a_value())
    (kernel,) = [k for k in lower(fuse(program), params_only=True) if "tanh" in k.ops]
    assert [p.role for p in kernel.params].count("inout") == 1
