"""graphc.distributed in one process: no MPI needed, one rank, and the schedule of a program with collectives.

The launches of real ranks are in tests/test_distributed.py; here, what holds without
them: importing graphc imports no MPI, a lone process is rank 0 of 1 and its
collectives are copies, a launcher without mpi4py is a clear error, the order in which
collectives start and are waited for, and the batches each rank would take.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import graphc as gc
from graphc.distributed import buckets, world
from graphc.distributed.schedule import Segment, Start, Wait, plan_steps
from graphc.program import specialize

D = gc.distributed
REPO = Path(__file__).resolve().parent.parent


def run_python(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMI_", "PMIX_"))}
    environment.update(env or {}, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env=environment)


@pytest.fixture
def pretend_world(monkeypatch):
    """Make this process believe it is `rank` of `size` (no MPI: for code that only asks)."""
    def pretend(rank: int, size: int):
        monkeypatch.setattr(world, "_world", world.World(rank, size))
    yield pretend


def test_import_needs_no_mpi_and_a_lone_process_is_rank_0_of_1():
    done = run_python("""
        import sys
        import graphc as gc
        print("mpi4py" in sys.modules, gc.distributed.rank(), gc.distributed.size())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "0", "1"]


def test_a_launcher_without_mpi4py_says_what_to_install():
    done = run_python("""
        import sys
        sys.modules["mpi4py"] = None  # as if it were not installed
        import numpy as np
        import graphc as gc
        print(gc.distributed.rank(), gc.distributed.size())
        x = gc.placeholder((2,), gc.float64)
        try:
            gc.function([x], gc.distributed.allreduce(x))(np.ones(2))
        except gc.GraphcError as exc:
            print(type(exc).__name__, exc)
    """, env={"OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"})
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "1 2"  # not rank 0 of 1: it would train alone on all the data
    assert second.startswith("DistributedError a distributed step: this process is rank 1 of 2 started by an MPI "
                             "launcher, but mpi4py does not import")
    assert "pip install 'graphc[distributed]'" in second


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_one_rank_collectives_are_their_input_and_their_gradients_check(backend):
    x = gc.placeholder((2, 3), gc.float64)
    outs = [D.allreduce(x, "sum"), D.allreduce(x, "mean"), D.allreduce(x, "max"), D.broadcast(x), D.reduce_to(x)]
    value = np.arange(6.0).reshape(2, 3)
    for out in gc.function([x], outs, backend=backend)(value):
        np.testing.assert_array_equal(out, value)
    y = gc.sum(gc.sin(D.broadcast(D.allreduce(x * x, "mean"))) * D.allreduce(x, "max"))
    gc.check_grad(y, [x], {x: value + 0.3})


@pytest.mark.parametrize("bad", [lambda x: D.allreduce(x, "product"), lambda x: D.broadcast(x, root=-1),
                                 lambda x: D.allreduce(gc.cast(x, gc.int32), "mean"),
                                 lambda x: D.allreduce(x > 0)])
def test_collectives_refuse_what_they_cannot_reduce(bad):
    with pytest.raises(gc.ShapeError):
        bad(gc.placeholder((2,), gc.float32))


def test_a_root_beyond_the_ranks_is_an_error_when_it_runs():
    x = gc.placeholder((2,), gc.float32)
    with pytest.raises(gc.DistributedError, match="root rank 1 does not exist: there are 1 rank"):
        gc.function([x], D.broadcast(x, root=1))(np.ones(2, np.float32))


def test_distributed_training_on_one_rank_is_ordinary_training():
    results = []
    for distributed in (False, True):
        model = gc.nn.MLP([4, 5, 2], seed=0, dtype=gc.float64)
        xp, yp = gc.placeholder((None, 4), gc.float64), gc.placeholder((None,), gc.int32)
        loss = gc.nn.losses.softmax_cross_entropy(model(xp), yp)
        step = gc.function([xp, yp], loss, updates=gc.optim.Adam(0.1).minimize(loss, distributed=distributed))
        for _ in range(3):
            step(np.linspace(-1, 1, 12).reshape(3, 4), np.array([0, 1, 1], np.int32))
        results.append([v.value for v in model.variables])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def _mlp_step_with_buckets(bucket_bytes: int, pretend_world):
    model = gc.nn.MLP([6, 32, 16, 3], seed=0)
    xp, yp = gc.placeholder((8, 6), gc.float32), gc.placeholder((8,), gc.int32)
    loss = gc.nn.losses.softmax_cross_entropy(model(xp), yp)
    opt = gc.optim.SGD(0.1)
    pretend_world(0, 2)  # average_gradients builds collectives only for more than one rank
    pairs = buckets.average_gradients(opt.compute_gradients(loss), bucket_bytes)
    pretend_world(0, 1)
    train = opt.apply_gradients(pairs)
    return specialize([xp, yp], [loss], list(train), [(8, 6), (8,)]), model


def test_buckets_follow_the_backward_pass_and_their_size(pretend_world):
    pairs = [(gc.placeholder(shape, gc.float32), gc.variable(np.zeros(shape, np.float32)))
             for shape in [(10, 10), (10,), (10, 10), (10,)]]
    assert buckets.buckets(pairs, 0) == [[3], [2], [1], [0]]            # last variable first
    assert buckets.buckets(pairs, 440) == [[3, 2], [1, 0]]             # 40 + 400 bytes fill one
    assert buckets.buckets(pairs, 1 << 30) == [[3, 2, 1, 0]]
    mixed = pairs[:1] + [(gc.placeholder((3,), gc.float64), gc.variable(np.zeros(3)))]
    assert buckets.buckets(mixed, 1 << 30) == [[1], [0]]                # one dtype per flat buffer


def test_collectives_start_as_soon_as_their_bucket_is_ready_and_are_waited_for_at_the_end(pretend_world):
    program, model = _mlp_step_with_buckets(0, pretend_world)
    steps = plan_steps(program)
    kinds = [type(s).__name__ for s in steps]
    starts = [i for i, k in enumerate(kinds) if k == "Start"]
    waits = [i for i, k in enumerate(kinds) if k == "Wait"]
    assert len(starts) == len(waits) == 6                                # one per gradient
    assert max(starts) < min(waits)                                      # every start before any wait
    # the first start (the last layer's bias) comes before the backward pass of the layers below:
    # their matmuls run while it is in flight
    between = [n for s in steps[starts[0]:starts[-1]] if isinstance(s, Segment) for n in s.nodes]
    assert sum(n.op.name == "matmul" for n in between) >= 2
    first_layer_w = model.layers[0].w
    last = steps[-1]
    assert isinstance(last, Segment) and any(first_layer_w in n.inputs for n in last.nodes)  # the update
    assert [s.node.shape for s in steps if isinstance(s, Start)][:2] == [(3,), (16, 3)]
    unwaited = plan_steps(program, overlap=False)
    assert all(isinstance(b, Wait) and b.node is a.node for a, b in zip(unwaited, unwaited[1:]) if isinstance(a, Start))


def test_a_segmented_program_computes_what_the_reference_does(pretend_world):
    program, _ = _mlp_step_with_buckets(200, pretend_world)
    assert sum(isinstance(s, Start) for s in plan_steps(program)) > 1
    from graphc import backends

    rng = np.random.default_rng(0)
    feeds = [rng.normal(size=(8, 6)).astype(np.float32), rng.integers(0, 3, 8).astype(np.int32)]
    values = [v.value for v in program.variables]
    want = backends.builder("numpy")(program, {})(feeds, values)
    got = backends.builder("llvm")(program, {})(feeds, [v.copy() for v in values])
    for a, b in zip(want[0] + want[1], got[0] + got[1]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_each_rank_takes_a_disjoint_share_of_every_global_batch(pretend_world):
    rows = np.arange(23)
    whole = [b[0] for b in gc.nn.minibatches(rows, batch_size=6, seed=1)]
    shares = []
    for r in range(3):
        pretend_world(r, 3)
        shares.append([b[0] for b in gc.nn.minibatches(rows, batch_size=6, seed=1, distributed=True)])
    assert [len(s) for s in shares] == [4, 4, 4]  # the last 5 rows give each rank one
    for step, batch in enumerate(whole[:3]):
        np.testing.assert_array_equal(np.concatenate([s[step] for s in shares]), batch)
    np.testing.assert_array_equal(np.concatenate([s[3] for s in shares]), whole[3][:3])
    with pytest.raises(gc.GraphcError, match="batch_size 8 .* not a multiple of the 3 ranks"):
        next(gc.nn.minibatches(rows, batch_size=8, seed=1, distributed=True))
    with pytest.raises(gc.GraphcError, match="need a seed"):
        next(gc.nn.minibatches(rows, batch_size=6, distributed=True))


def test_only_rank_0_saves_the_loss_plot(pretend_world, tmp_path):
    history = gc.nn.History(step=None, evaluate=None, losses=[1.0, 0.5])
    pretend_world(1, 2)
    gc.nn.plot_losses(history, tmp_path / "one.png")
    assert not (tmp_path / "one.png").exists()
    pretend_world(0, 2)
    gc.nn.plot_losses(history, tmp_path / "zero.png")
    assert (tmp_path / "zero.png").exists()
