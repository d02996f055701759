"""Collectives across MPI ranks as graph ops: allreduce (sum, mean, max), broadcast, and reduce_to.

Each rank runs the same graph on its own data; a collective node's value is the
same function of every rank's input (the sum over ranks, rank `root`'s value).
Derivatives are those of the global objective Σ_r L_r, the sum of the ranks'
losses, which is what makes them collectives again:

    allreduce_sum   y = Σ_s x_s            x̄_s = Σ_r ȳ_r          = allreduce_sum(ȳ)
    allreduce_mean  y = (1/N) Σ_s x_s      x̄_s = (1/N) Σ_r ȳ_r    = allreduce_mean(ȳ)
    allreduce_max   y = max_s x_s          x̄_s = [x_s = y] Σ_r ȳ_r / #{s: x_s = y}   (ties share)
    broadcast_from  y_r = x_root           x̄_s = [s = root] Σ_r ȳ_r = reduce_to(ȳ, root)
    reduce_to       y_root = Σ_s x_s       x̄_s = ȳ_root             = broadcast_from(ȳ, root)

and each tangent rule is the op applied to the tangents (max: to the winners'
tangents, shared).  The numpy reference semantics call MPI (through the
communication thread of graphc.distributed.engine, imported when first run);
with one rank every collective is a copy.  Compiled backends never see these
nodes: graphc.distributed.executable cuts a program around them and runs each
as a host step between the compiled parts.  `op.extra["mpi"]` is the MPI call
both paths run: `(comm, array, attrs) -> array`, comm None for one rank.
"""

from __future__ import annotations

import time

import numpy as np

import graphc.ops.elementwise as ew
from graphc.errors import ShapeError
from graphc.ops.common import as_nodes
from graphc.ops.registry import Op, make_node, output_elements

SPIN_SECONDS = 2e-4  # how long `finish` polls without sleeping


def mpi_allreduce(comm, x: np.ndarray, attrs: dict) -> np.ndarray:
    """Elementwise sum, mean or max over the ranks; every rank gets the result."""
    if comm is None:
        return x.copy()
    from mpi4py import MPI

    out = np.empty_like(x)
    finish(comm.Iallreduce(x.reshape(-1), out.reshape(-1), op=MPI.MAX if attrs["op"] == "max" else MPI.SUM))
    if attrs["op"] == "mean":
        np.divide(out, comm.Get_size(), out=out)
    return out


def mpi_broadcast(comm, x: np.ndarray, attrs: dict) -> np.ndarray:
    """Rank `root`'s array, on every rank."""
    _check_root(comm, attrs["root"])
    out = x.copy()
    if comm is not None:
        finish(comm.Ibcast(out.reshape(-1), root=attrs["root"]))
    return out


def mpi_reduce_to(comm, x: np.ndarray, attrs: dict) -> np.ndarray:
    """The sum over the ranks on rank `root`, zeros elsewhere (the adjoint of a broadcast)."""
    _check_root(comm, attrs["root"])
    if comm is None:
        return x.copy()
    from mpi4py import MPI

    out = np.zeros_like(x)
    finish(comm.Ireduce(x.reshape(-1), out.reshape(-1), op=MPI.SUM, root=attrs["root"]))
    return out


def finish(request) -> None:
    """Wait for a non-blocking MPI request: poll it for up to SPIN_SECONDS, then with sleeps.

    MPI's blocking calls spin on a core for as long as they wait; with ranks sharing
    cores (loopback, or more ranks than cores) the spinning rank takes the core that a
    computing rank needs, and a step was ten times slower.  A message that arrives soon
    (small ones on loopback take microseconds) is seen by the spin; after it, sleeps of
    20 us growing to 0.5 ms cost that much latency at most, and no core.
    """
    from graphc.distributed.world import collective_timeout, hang

    start = time.perf_counter()
    timeout = collective_timeout()
    delay = 0.0
    while not request.Test():
        now = time.perf_counter()
        if now - start > SPIN_SECONDS:
            delay = min(2 * delay + 2e-5, 5e-4)
            if now - start > timeout:  # the watchdog: never wait forever for a rank that is gone
                raise hang("a collective", timeout)
            time.sleep(delay)


def _check_root(comm, root: int) -> None:
    from graphc.errors import DistributedError

    size = 1 if comm is None else comm.Get_size()
    if not 0 <= root < size:
        raise DistributedError(f"root rank {root} does not exist: there are {size} rank(s)")


def _infer(floats_only: bool):
    def infer(inputs, attrs):
        x = inputs[0]
        if x.dtype.kind not in ("f" if floats_only else "fiu"):
            raise ShapeError(f"a collective of {x.dtype} values: it takes {'floats' if floats_only else 'numbers'}")
        return x.shape, x.dtype
    return infer


def _collective(name: str, mpi_call, mpi_attrs: dict, vjp, jvp, floats_only=False, root=False) -> Op:
    def call(comm, x, attrs):
        return mpi_call(comm, x, {**attrs, **mpi_attrs})

    def compute(attrs, x):
        from graphc.distributed import engine

        return engine.run(call, attrs, x, name)

    return Op(name, "collective", _infer(floats_only), compute, vjp=vjp, jvp=jvp, extra={"mpi": call},
              arity=1, runs_on_host=True, attributes={"root": "count"} if root else {},
              flops=None if root else output_elements)


def _winners(y):
    """Where this rank's input attains the max over ranks (0/1), and on how many ranks in all."""
    hit = ew.cast(ew.equal(y.inputs[0], y), y.dtype)
    return hit, make_node(allreduce_sum_op, (hit,), {})


def _max_vjp(y, g):
    hit, count = _winners(y)
    return [hit * make_node(allreduce_sum_op, (g,), {}) / count]


def _max_jvp(y, t):
    hit, count = _winners(y)
    return make_node(allreduce_sum_op, (t[0] * hit,), {}) / count


allreduce_sum_op = _collective("allreduce_sum", mpi_allreduce, {"op": "sum"},
                               vjp=lambda y, g: [make_node(allreduce_sum_op, (g,), {})],
                               jvp=lambda y, t: make_node(allreduce_sum_op, (t[0],), {}))
allreduce_mean_op = _collective("allreduce_mean", mpi_allreduce, {"op": "mean"},
                                vjp=lambda y, g: [make_node(allreduce_mean_op, (g,), {})],
                                jvp=lambda y, t: make_node(allreduce_mean_op, (t[0],), {}), floats_only=True)
allreduce_max_op = _collective("allreduce_max", mpi_allreduce, {"op": "max"}, vjp=_max_vjp, jvp=_max_jvp)
broadcast_from_op = _collective("broadcast_from", mpi_broadcast, {},
                                vjp=lambda y, g: [make_node(reduce_to_op, (g,), y.attrs)],
                                jvp=lambda y, t: make_node(broadcast_from_op, (t[0],), y.attrs), root=True)
reduce_to_op = _collective("reduce_to", mpi_reduce_to, {},
                           vjp=lambda y, g: [make_node(broadcast_from_op, (g,), y.attrs)],
                           jvp=lambda y, t: make_node(reduce_to_op, (t[0],), y.attrs), root=True)
ALLREDUCE_OPS = {"sum": allreduce_sum_op, "mean": allreduce_mean_op, "max": allreduce_max_op}


def allreduce(x, op: str = "sum", name: str | None = None):
    """The elementwise sum, mean or max of `x` over all ranks, on every rank (a graph node)."""
    if op not in ALLREDUCE_OPS:
        raise ShapeError(f"allreduce: op is one of {', '.join(map(repr, ALLREDUCE_OPS))}, not {op!r}")
    (x,) = as_nodes(x)
    return make_node(ALLREDUCE_OPS[op], (x,), {}, name=name)


def _root(root) -> int:
    if isinstance(root, bool) or not isinstance(root, (int, np.integer)) or root < 0:
        raise ShapeError(f"root must be a rank number (an int >= 0), got {root!r}")
    return int(root)


def broadcast(x, root: int = 0, name: str | None = None):
    """Rank `root`'s value of `x`, on every rank (a graph node)."""
    (x,) = as_nodes(x)
    return make_node(broadcast_from_op, (x,), {"root": _root(root)}, name=name)


def reduce_to(x, root: int = 0, name: str | None = None):
    """The sum of `x` over all ranks on rank `root`, zeros on the others (a graph node)."""
    (x,) = as_nodes(x)
    return make_node(reduce_to_op, (x,), {"root": _root(root)}, name=name)


def is_collective(node) -> bool:
    return node.op.kind == "collective"
