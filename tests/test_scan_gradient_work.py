"""What a scan's gradient computes, counted: the forward steps run once (a plain scan reads its recording
twin's results, or the checkpoints' pass), the backward sweep reads each step's new carry from the record
instead of running the body again, and remat_stats counts the steps the checkpointed sweep does run again
(graphc/control/loop_cost.py: steps x body FLOPs, graphc.cost's rule)."""

from __future__ import annotations

import types

import numpy as np
import pytest

import graphc as gc
from graphc.control.loops import scan_op

BACKENDS = [b for b in ("numpy", "llvm") if b in gc.available_backends()]
STEPS, BATCH, WIDTH = 16, 4, 8


def rnn(reverse: bool = False):
    """h' = tanh(h W + x_t U) over STEPS inputs (batch known at feed time), loss mean(h_T²), gradients in W, U."""
    rng = np.random.default_rng(0)
    xs = gc.placeholder((STEPS, None, WIDTH), gc.float32, name="xs")
    w, u = (gc.variable((rng.standard_normal((WIDTH, WIDTH)) / 3).astype(np.float32)) for _ in range(2))
    h, _ = gc.scan(lambda h, x: (gc.tanh(h @ w + x @ u), None), gc.zeros_like(xs[0]), xs, reverse=reverse)
    loss = gc.mean(h * h)
    feed = rng.standard_normal((STEPS, BATCH, WIDTH)).astype(np.float32)
    return xs, [loss, *gc.grad(loss, [w, u])], feed


def body_flops_by_hand() -> int:
    matmuls = 2 * (2 * BATCH * WIDTH * WIDTH)  # h W and x U
    return matmuls + BATCH * WIDTH + BATCH * WIDTH  # the add, tanh


def top_level_scans(f) -> list[str]:
    return [n.attrs["body"].name for n in f.executable.program.nodes() if n.op is scan_op]


@pytest.mark.parametrize("backend", BACKENDS)
def test_remat_stats_count_the_steps_the_checkpointed_sweep_runs_again(backend):
    xs, outputs, feed = rnn()
    f = gc.function([xs], outputs, backend=backend, remat="sqrt")
    f(feed)
    stats = f.executable.program.remat_stats
    assert stats.recompute_flops == STEPS * body_flops_by_hand()  # every step once more, nothing else
    assert stats.recompute_flops < stats.total_flops
    assert 0 < stats.recompute_fraction < 1


def test_graphc_inspect_counts_the_steps_the_checkpointed_sweep_runs_again(tmp_path):
    """The node-by-node judge `graphc inspect` reports takes the one entry for loops the backends take
    (graphc.control.loop_remat): its stats counted nothing of the loops before."""
    from graphc.cli import inspect as inspect_command

    xs, outputs, _ = rnn()
    graph = gc.load(gc.save(tmp_path / "rnn.json", {"loss": outputs[0]}))
    facts = inspect_command.compiled_facts(graph.with_gradients(), True, {"xs": (STEPS, BATCH, WIDTH)}, "sqrt")
    assert facts["memory"]["remat"]["recompute_flops"] == STEPS * body_flops_by_hand()


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("backend", BACKENDS)
def test_gradients_are_bitwise_those_of_remat_none(backend, reverse):
    xs, outputs, feed = rnn(reverse)
    plain, checkpointed = (gc.function([xs], outputs, backend=backend, remat=r) for r in ("none", "sqrt"))
    for a, b in zip(plain(feed), checkpointed(feed)):
        np.testing.assert_array_equal(a, b)
    if backend != "numpy":
        reference = gc.function([xs], outputs, backend="numpy")(feed)
        for a, b in zip(plain(feed), reference):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif("llvm" not in BACKENDS, reason="the llvm backend shares a loop with its twin")
def test_a_scan_and_its_recording_twin_run_the_forward_steps_once():
    xs, outputs, feed = rnn()
    f = gc.function([xs], outputs, backend="llvm")
    f(feed)
    assert sorted(top_level_scans(f)) == ["scan body", "scan body VJP"]  # the twin only, then the sweep


@pytest.mark.parametrize("backend", BACKENDS)
def test_under_remat_the_scan_reads_its_final_carry_from_the_checkpoints_pass(backend):
    xs, outputs, feed = rnn()
    f = gc.function([xs], outputs, backend=backend, remat="sqrt")
    f(feed)
    assert sorted(top_level_scans(f)) == ["scan checkpointed VJP", "scan checkpoints"]


@pytest.mark.skipif("llvm" not in BACKENDS, reason="looks at the compiled body")
def test_the_backward_sweep_does_not_run_the_body_again_for_the_new_carry():
    xs, outputs, feed = rnn()
    f = gc.function([xs], outputs, backend="llvm")
    f(feed)
    (sweep,) = [b for b in f.executable.bodies() if b.body.name == "scan body VJP"]
    ops = [n.op.name for n in sweep.executable.program.nodes()]
    assert ops.count("matmul") == 3  # h's cotangent and W's and U's: tanh's rule reads the recorded h'
    assert "tanh" not in ops


def test_a_loop_of_small_steps_runs_its_gemms_on_one_blas_thread_while_the_cores_are_busy(monkeypatch):
    from graphc.runtime import native_loop
    from graphc.runtime.blas import chosen
    from graphc.runtime.native_loop import ONE_BLAS_THREAD, SMALL_STEP_WORK

    lib = chosen()
    if lib is None or lib.get_threads is None or lib.set_threads is None:
        pytest.skip("no BLAS whose threads can be set")
    monkeypatch.delenv("GRAPHC_BLAS_THREADS", raising=False)
    monkeypatch.setattr(native_loop, "cores_busy", lambda: True)
    before = lib.get_threads()
    lib.set_threads(2)
    try:
        small, large = types.SimpleNamespace(work=SMALL_STEP_WORK - 1), types.SimpleNamespace(work=SMALL_STEP_WORK)
        with ONE_BLAS_THREAD.during(small):
            with ONE_BLAS_THREAD.during(small):  # loops nest: the inner one leaves the count alone
                assert lib.get_threads() == 1
            assert lib.get_threads() == 1
        assert lib.get_threads() == 2
        with ONE_BLAS_THREAD.during(large):
            assert lib.get_threads() == 2
        monkeypatch.setenv("GRAPHC_BLAS_THREADS", "2")  # asked for: left as it is
        with ONE_BLAS_THREAD.during(small):
            assert lib.get_threads() == 2
        monkeypatch.delenv("GRAPHC_BLAS_THREADS")
        monkeypatch.setattr(native_loop, "cores_busy", lambda: False)  # a quiet machine: the BLAS's threads win
        with ONE_BLAS_THREAD.during(small):
            assert lib.get_threads() == 2
    finally:
        lib.set_threads(before)
