"""Data-parallel training across processes and machines, with MPI as the engine (as Horovod does it).

    mpiexec -n 4 python train.py        # every rank runs the same script on its own slice of the data

    import graphc as gc
    gc.distributed.rank(), gc.distributed.size()          # 0..3, 4 (0 and 1 outside mpiexec)
    total = gc.distributed.allreduce(x, op="sum")          # graph ops: "sum", "mean" or "max"
    first = gc.distributed.broadcast(x, root=0)
    train = opt.minimize(loss, distributed=True)           # gradients averaged across ranks, in buckets
    gc.distributed.broadcast_variables(model.variables)    # every rank starts from rank 0's values

mpi4py is imported only when a rank is asked for under a launcher, or a
collective runs: `import graphc` needs no MPI.  `pip install 'graphc[distributed]'`
brings mpi4py and an MPI library.  See docs/distributed.md.
"""

from __future__ import annotations

from graphc.distributed.buckets import DEFAULT_BUCKET_BYTES, average_gradients
from graphc.distributed.world import INSTALL_HINT
from graphc.distributed.world import world as _world
from graphc.ir import Node
from graphc.ops.collective import allreduce, broadcast, reduce_to


def rank() -> int:
    """This process's rank: 0 outside an MPI launcher."""
    return _world().rank


def size() -> int:
    """How many ranks run this program: 1 outside an MPI launcher."""
    return _world().size


def broadcast_variables(variables, root: int = 0) -> None:
    """Give every rank rank `root`'s values of `variables` (a list of variables, or a model's `.variables`).

    Checks first that every rank passes variables of the same shapes and dtypes, in the
    same order: a DistributedError on every rank names the first that differs.
    """
    from graphc.distributed import agreement, engine
    from graphc.errors import GraphcError
    from graphc.ops.collective import mpi_broadcast
    from graphc.ops.source import variable_op

    variables = list(getattr(variables, "variables", variables))
    for v in variables:
        if not isinstance(v, Node) or v.op is not variable_op:
            raise GraphcError(f"broadcast_variables: {v!r} is not a variable")
    if size() == 1:
        return
    agreement.check_same_everywhere([(f"{v.shape} {v.dtype}", f"variable {v.label!r}: shape {v.shape}, {v.dtype}")
                                  for v in variables], "broadcast_variables")
    for v in variables:
        v.assign(engine.run(mpi_broadcast, {"root": root}, v.value, f"broadcast_variables: {v.label}"))


__all__ = ["DEFAULT_BUCKET_BYTES", "INSTALL_HINT", "allreduce", "average_gradients", "broadcast",
           "broadcast_variables", "rank", "reduce_to", "size"]
