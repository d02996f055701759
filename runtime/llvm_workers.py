"""Worker processes that compile parts of a big module while the calling process compiles its own.

llvmlite holds one lock around every LLVM call, so threads cannot compile side by side;
processes can.  A worker is `python -m runtime.llvm_compile` (it imports only llvmlite and
never the user's script), started on first need and kept for the next builds.  One build
at a time borrows the workers; a build on another thread, or one whose worker died,
compiles its parts in its own process.

    n = compile_parts(size)                 # 1, or 1 + COMPILE_WORKERS for big kernels
    with BorrowedWorkers(n - 1) as workers:
        workers[0].submit(text)             # returns at once
        ...                                 # compile the first part here
        obj, ir = workers[0].result()       # None: the worker is gone, compile it here
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import threading

from graphc.errors import BackendError
from runtime.llvm_compile import read_message, write_message

# Worker processes for compiling a big module's parts (GRAPHC_COMPILE_WORKERS=0: all in this process).
# A frozen application's sys.executable is the application, not a Python to run a worker with.
COMPILE_WORKERS = 0 if getattr(sys, "frozen", False) else \
    int(os.environ.get("GRAPHC_COMPILE_WORKERS", min(3, (os.cpu_count() or 1) - 1)))
# Below this code size (codegen.llvm.renderer.code_size, about an instruction each; LLVM needs
# roughly 0.1 ms apiece) one module compiles faster than parts shipped to workers.
PARALLEL_COMPILE_SIZE = 1500


def compile_parts(size: int) -> int:
    """How many modules to split kernels of total code size `size` into: 1, or one per process."""
    return 1 + COMPILE_WORKERS if COMPILE_WORKERS > 0 and size >= PARALLEL_COMPILE_SIZE else 1


class Worker:
    """One `python -m runtime.llvm_compile` process and the request it is working on."""

    def __init__(self):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
        self.owner = os.getpid()
        self.process = subprocess.Popen([sys.executable, "-m", "runtime.llvm_compile"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        self._sending: threading.Thread | None = None
        self._failed = False

    def submit(self, text: str) -> None:
        """Send a module (from a thread: a worker still starting reads it only when it is ready)."""
        def send():
            try:
                write_message(self.process.stdin, text.encode("utf-8"))
            except OSError:
                self._failed = True

        self._sending = threading.Thread(target=send, daemon=True)
        self._sending.start()

    def result(self) -> tuple[bytes, str] | None:
        """(object code, optimized IR), or None when the worker is gone."""
        self._sending.join()
        answer = None if self._failed else read_message(self.process.stdout)
        if answer is None:
            return None
        status, *rest = pickle.loads(answer)
        if status == "error":
            raise BackendError(f"internal error: {rest[0]}")
        return rest[0], rest[1]

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


_workers: list[Worker] = []
_workers_lock = threading.Lock()  # one build at a time uses the workers; others compile alone


def _ready_workers(n: int) -> list[Worker]:
    """`n` live workers of this process (a forked child starts its own), started on first need."""
    alive = [w for w in _workers if w.owner == os.getpid() and w.process.poll() is None]
    _workers[:] = alive
    while len(_workers) < n:
        try:
            _workers.append(Worker())
        except OSError:  # cannot start processes here: compile in this one
            break
    return _workers[:n]


@atexit.register
def _stop_workers() -> None:
    for w in _workers:
        if w.owner == os.getpid():
            w.close()


class BorrowedWorkers:
    """Up to `n` workers for one build, or none while another thread's build holds them."""

    def __init__(self, n: int):
        self.n = n
        self.held = False

    def __enter__(self) -> list[Worker]:
        self.workers: list[Worker] = []
        if self.n and COMPILE_WORKERS > 0:
            self.held = _workers_lock.acquire(blocking=False)
            if self.held:
                self.workers = _ready_workers(min(self.n, COMPILE_WORKERS))
        return self.workers

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:  # answers may be left unread: these workers cannot be trusted again
            for w in self.workers:
                w.process.kill()
                _workers.remove(w)
        if self.held:
            _workers_lock.release()
