"""Collectives on numpy arrays, run by one communication thread so they can overlap computation.

    pending = start(mpi_allreduce, {"op": "sum"}, array)   # queued at once; MPI runs it in the background
    ...                                                     # compiled kernels run meanwhile (they drop the GIL)
    result = pending.wait("allreduce of bucket 0")          # a DistributedError after the timeout

Why one thread: MPI requires every rank to enter its collectives in the same
order, and a single queue keeps the order of `start` calls whatever the callers
do; it is also how the collective overlaps the kernels that the calling thread
runs next (Horovod's background thread, MPI's own progress being driven only
while it is called).  Every MPI call of graphc goes through this thread.

The wait is the watchdog: a collective that does not finish within
GRAPHC_COLLECTIVE_TIMEOUT seconds (default 300; graphc.distributed.world) means a rank has stopped, hangs
or runs another program, and it is an error rather than a silent hang; raised
on the main thread and uncaught, it aborts every rank (graphc.distributed.world).

With one rank there is no thread and no MPI: a collective of one rank is a copy.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from collections.abc import Callable

import numpy as np

from graphc.distributed import world as world_module

_queue: queue.SimpleQueue | None = None
_queue_lock = threading.Lock()
_mpi_lock = threading.Lock()  # held by whichever thread is inside an MPI call of graphc's
collective_timeout = world_module.collective_timeout


class Pending:
    """A collective started on the communication thread (or finished already, on one rank)."""

    def __init__(self, future: concurrent.futures.Future | None = None, value: np.ndarray | None = None):
        self._future, self._value = future, value

    def done(self) -> bool:
        return self._future is None or self._future.done()

    def wait(self, what: str) -> np.ndarray:
        if self._future is None:
            return self._value
        timeout = collective_timeout()
        try:
            return self._future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise world_module.hang(what, timeout) from None


def start(mpi_call: Callable, attrs: dict, array: np.ndarray, what: str) -> Pending:
    """Start `mpi_call(comm, array, attrs) -> result` on every rank's communication thread.

    On one rank nothing is sent: `mpi_call(None, array, attrs)` gives the one-rank result at once.
    """
    w = world_module.world()
    array = _contiguous(array)
    if w.size == 1:
        return Pending(value=mpi_call(None, array, attrs))
    comm = world_module.communicator(what)
    return Pending(future=_submit(lambda: mpi_call(comm, array, attrs)))


def run(mpi_call: Callable, attrs: dict, array: np.ndarray, what: str) -> np.ndarray:
    """A collective, waited for: the reference semantics of the collective ops.

    When nothing is queued or in flight it runs on the calling thread: nothing can be
    ordered before it, and two thread hand-offs (tens to hundreds of microseconds on a
    busy machine) are saved.  Its wait has the same timeout (graphc.ops.collective.finish).
    """
    w = world_module.world()
    if w.size > 1:
        comm = world_module.communicator(what)
        with _queue_lock:
            inline = world_module.in_flight == 0 and _mpi_lock.acquire(blocking=False)
        if inline:
            try:
                return mpi_call(comm, _contiguous(array), attrs)
            finally:
                _mpi_lock.release()
    return start(mpi_call, attrs, array, what).wait(what)


def run_call(task: Callable, what: str):
    """`task()` (any MPI call of more than one rank) on the communication thread, waited for."""
    return Pending(future=_submit(task)).wait(what)


def _contiguous(array) -> np.ndarray:
    array = np.asarray(array)
    if not array.flags.c_contiguous:  # (np.ascontiguousarray would make a 0-d array 1-d)
        array = array.copy(order="C")
    return array


def _submit(task: Callable) -> concurrent.futures.Future:
    global _queue
    with _queue_lock:
        if _queue is None:
            _queue = queue.SimpleQueue()
            # a daemon: a thread stuck in a collective must not keep a failed process alive
            threading.Thread(target=_serve, args=(_queue,), name="graphc-mpi", daemon=True).start()
        future: concurrent.futures.Future = concurrent.futures.Future()
        world_module.in_flight += 1
        _queue.put((task, future))
    return future


def _serve(tasks: queue.SimpleQueue) -> None:
    while True:
        task, future = tasks.get()
        try:
            with _mpi_lock:
                result = task()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, which raises it
            future.set_exception(exc)
        else:
            future.set_result(result)
        finally:
            with _queue_lock:
                world_module.in_flight -= 1
