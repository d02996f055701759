"""The native runner (graphc.codegen.llvm.runner), JIT-compiled once per process, and its worker threads.

    runner = native_runner()                   # compiled on first use, shared by every executable
    calls = runner.calls([(kernel, slots, start, end, chunk), ...])   # an array of call records
    runner.run(table, calls, len(records))     # one ctypes call, the GIL released throughout
    runner.call(block, arrays)                 # the same, the arrays checked and placed natively first
    runner.scan(table, calls, n, steps, copies, moves, swaps, per_entry)   # a scan: graphc.runtime.native_loop
    runner.while_loop(table, calls, n, holds, limit, copies, moves, swaps, per_entry)   # a while loop: the same

Worker threads are native (pthread_create, not Python threads): they never take the GIL, and they
sleep on a condition variable between split kernels rather than spin, so they leave the cores to
BLAS's threads.  `THREADS` (the cores this process may use, at most 8; GRAPHC_THREADS overrides)
counts the calling thread: THREADS - 1 workers, started when the first executable with a split kernel
is built.  A forked child gets a pool of its own (the parent's workers do not exist there).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import threading

import llvmlite.binding as llvm

from graphc.codegen.llvm.runner import POOL_BYTES, POOL_SYMBOLS, STOP, SYNC_OBJECTS, runner_module
from graphc.runtime.native_entry import OBJECT_LAYOUT


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


THREADS = max(1, int(os.environ.get("GRAPHC_THREADS", min(_usable_cores(), 8))))
# element-ops: a long program (or scan) enters generated code once per about this much work, so that
# Python can handle Ctrl-C between entries (graphc.runtime.plan._entries); a training step enters once
WORK_PER_ENTRY = 1 << 28
PIECES_PER_THREAD = 4  # a split range is cut into THREADS * this pieces: a thread the OS runs late takes fewer
_RUN_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)
_CALL_TYPE = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.py_object)  # releases the GIL too
_SCAN_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                              ctypes.c_int64, *[ctypes.c_void_p, ctypes.c_int64] * 3)
_WHILE_TYPE = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                               ctypes.c_int64, ctypes.c_int64, *[ctypes.c_void_p, ctypes.c_int64] * 3)
_libc = ctypes.CDLL(None, use_errno=True)


def piece_size(extent: int) -> int:
    """The piece a split range of `extent` is cut into (0: not worth splitting, one thread only)."""
    if THREADS < 2 or extent < 2:
        return 0
    return max(1, -(-extent // (THREADS * PIECES_PER_THREAD)))


class NativeRunner:
    """The compiled runner and the pool state it is called with (one per process)."""

    def __init__(self):
        from graphc.runtime.llvm_jit import JitModule  # after the pool's symbols are registered

        for libc_name, symbol in POOL_SYMBOLS.items():
            llvm.add_symbol(symbol, ctypes.cast(getattr(_libc, libc_name), ctypes.c_void_p).value)
        self._jit = JitModule(runner_module(OBJECT_LAYOUT))
        self.run = _RUN_TYPE(self._jit.address("graphc_run"))
        # call(block, arrays) -> 0 when the arrays passed and ran (graphc.runtime.native_entry); None
        # where the object layout could not be confirmed
        self.call = _CALL_TYPE(self._jit.address("graphc_call")) if OBJECT_LAYOUT is not None else None
        self.scan_entry = _SCAN_TYPE(self._jit.address("graphc_scan"))
        self.while_entry = _WHILE_TYPE(self._jit.address("graphc_while"))
        self._state = ctypes.create_string_buffer(POOL_BYTES + 64)
        address = ctypes.addressof(self._state)
        self.pool = address + (-address) % 64
        for offset in SYNC_OBJECTS["mutex"]:
            _check(_libc.pthread_mutex_init(ctypes.c_void_p(self.pool + offset), None), "pthread_mutex_init")
        for offset in SYNC_OBJECTS["cond"]:
            _check(_libc.pthread_cond_init(ctypes.c_void_p(self.pool + offset), None), "pthread_cond_init")
        self._workers: list[ctypes.c_ulong] = []
        self._start_lock = threading.Lock()
        atexit.register(self.stop)

    def stop(self) -> None:
        """Park every other thread's call still running (at its next kernel) for good: the interpreter
        is exiting, and a daemon thread inside a long call (`graphc run` interrupted by Ctrl-C) would
        otherwise keep BLAS's threads busy while the process's exit waits for them to finish.  The
        exiting thread's own calls (an atexit handler may run graphc) go on."""
        ctypes.c_uint64.from_address(self.pool + STOP).value = threading.get_ident()  # its pthread_self

    def start_workers(self) -> None:
        """THREADS - 1 worker threads, once (they live as long as the process)."""
        with self._start_lock:
            worker = ctypes.c_void_p(self._jit.address("graphc_pool_worker"))
            while len(self._workers) < THREADS - 1:
                thread = ctypes.c_ulong()
                _check(_libc.pthread_create(ctypes.byref(thread), None, worker, ctypes.c_void_p(self.pool)),
                       "pthread_create")
                self._workers.append(thread)

    @staticmethod
    def calls(records) -> ctypes.Array:
        """The call records as the runner reads them: (kernel, slots, start, end, chunk) each."""
        flat = [int(v) for record in records for v in record]
        return (ctypes.c_int64 * max(1, len(flat)))(*flat)

    def __call__(self, table: int, calls: int, n: int) -> None:
        self.run(self.pool, table, calls, n)

    def _table_edits(self, copies, moves, swaps) -> tuple[list, list]:
        """The record arrays of a loop's copies, moves and swaps (kept alive by the caller while the loop runs),
        and the (address, count) arguments that pass them."""
        arrays = [self.calls(records) for records in (copies, moves, swaps)]
        return arrays, [v for array, records in zip(arrays, (copies, moves, swaps))
                        for v in (ctypes.addressof(array), len(records))]

    def scan(self, table: int, calls: int, n: int, steps: int, copies, moves, swaps, per_entry: int) -> None:
        """`steps` runs of the calls with, after each, the copies, moves and swaps (records of
        COPY_FIELDS, MOVE_FIELDS and SWAP_FIELDS integers) applied to the table; entered once per
        `per_entry` steps (the table carries the loop's state from one entry to the next), so that
        Python can handle a signal between them."""
        kept_alive, rest = self._table_edits(copies, moves, swaps)
        for start in range(0, steps, per_entry):
            self.scan_entry(self.pool, table, calls, n, min(per_entry, steps - start), *rest)

    def while_loop(self, table: int, calls: int, n: int, holds: int, limit: int | None, copies, moves, swaps,
                   per_entry: int) -> int:
        """Steps of the calls, each followed by the copies, moves and swaps, while the byte table entry
        `holds` points at is nonzero (the caller sets it first; each step writes it again) and fewer than
        `limit` (None: no bound) have run; entered once per `per_entry` steps, as `scan`.  The steps run."""
        kept_alive, rest = self._table_edits(copies, moves, swaps)
        trips = 0
        while limit is None or trips < limit:
            entry = per_entry if limit is None else min(per_entry, limit - trips)
            ran = self.while_entry(self.pool, table, calls, n, entry, holds, *rest)
            trips += ran
            if ran < entry:  # the condition failed
                break
        return trips


def _check(status: int, what: str) -> None:
    if status != 0:
        raise OSError(status, f"{what} failed: {os.strerror(status)}")


_runner: NativeRunner | None = None
_runner_lock = threading.Lock()
_workers_at_start = False  # a forked child whose parent split kernels: its executables will too


def native_runner() -> NativeRunner:
    global _runner
    runner = _runner  # read once: a fork may reset it
    if runner is not None:
        return runner
    with _runner_lock:
        if _runner is None:
            _runner = NativeRunner()
            if _workers_at_start:
                _runner.start_workers()
        return _runner


def _forget_in_child() -> None:
    """A forked child has none of the parent's worker threads (and maybe a mutex a worker held): a new
    pool, with workers from the start if the parent had some (its executables split kernels)."""
    global _runner, _runner_lock, _workers_at_start
    _workers_at_start = _workers_at_start or (_runner is not None and bool(_runner._workers))
    _runner, _runner_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
