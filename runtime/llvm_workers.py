"""Worker processes that compile parts of a big module while the calling process compiles its own.

llvmlite holds one lock around every LLVM call, so threads cannot compile side by side;
processes can.  A worker runs graphc.runtime.llvm_compile as a program (it imports only
llvmlite and never the user's script), started on first need and kept for the next builds.
One build at a time borrows the workers; a build on another thread, or one whose worker
died, stopped answering or took too long, compiles its parts in its own process.

A worker is started isolated (`python -I`): neither the caller's working directory nor
PYTHONPATH nor the user's site directory is on its path, so a `runtime/llvm_compile.py` or
an `llvmlite` in the user's project cannot run in its place.  It is given the exact files
to run: this graphc's llvm_compile.py and the folder this process imported llvmlite from.
Ctrl-C does not reach it (a session of its own, outside the terminal's process group, and
SIGINT ignored): the caller decides what an interrupt means, and a worker ends when its
stdin closes.

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
import selectors
import subprocess
import sys
import threading
import time

import llvmlite

from graphc.errors import BackendError
from graphc.runtime.llvm_compile import write_message

# Worker processes for compiling a big module's parts (GRAPHC_COMPILE_WORKERS=0: all in this process).
# A frozen application's sys.executable is the application, not a Python to run a worker with.
COMPILE_WORKERS = 0 if getattr(sys, "frozen", False) else \
    int(os.environ.get("GRAPHC_COMPILE_WORKERS", min(3, (os.cpu_count() or 1) - 1)))
# Below this code size (graphc.codegen.llvm.renderer.code_size, about an instruction each; LLVM needs
# roughly 0.1 ms apiece) one module compiles faster than parts shipped to workers.
PARALLEL_COMPILE_SIZE = 1500
# How long to wait for a worker's answer once this process has compiled its own part: a part
# is about as big as the local one, so a worker that needs many times longer is stopped or
# starved, and compiling its part here is the faster way out.
ANSWER_TIMEOUT_FACTOR = 4.0
MIN_ANSWER_TIMEOUT_S = 10.0

# Run in the isolated worker: put llvmlite's folder on the path, ignore SIGINT, run the file.
_BOOTSTRAP = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "sys.path.insert(0, sys.argv[1]); runpy.run_path(sys.argv[2], run_name='__main__')"
)


def worker_command() -> list[str]:
    """The command line of an isolated compile worker (see the module docstring)."""
    llvmlite_home = os.path.dirname(os.path.dirname(os.path.abspath(llvmlite.__file__)))
    program = os.path.join(os.path.dirname(os.path.abspath(__file__)), "llvm_compile.py")
    return [sys.executable, "-I", "-c", _BOOTSTRAP, llvmlite_home, program]


def compile_parts(size: int) -> int:
    """How many modules to split kernels of total code size `size` into: 1, or one per process."""
    return 1 + COMPILE_WORKERS if COMPILE_WORKERS > 0 and size >= PARALLEL_COMPILE_SIZE else 1


class Worker:
    """One isolated llvm_compile process and the request it is working on."""

    def __init__(self):
        self.owner = os.getpid()
        self.process = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        cwd=os.path.dirname(os.path.abspath(__file__)), start_new_session=True)
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

    def result(self, timeout: float | None = None) -> tuple[bytes, str] | None:
        """(object code, optimized IR), or None when the worker is gone or gave no answer in `timeout` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._sending.join(timeout)
        answer = None if self._failed or self._sending.is_alive() else _read_answer(self.process.stdout, deadline)
        if answer is None:
            self._failed = True
            return None
        status, *rest = pickle.loads(answer)
        if status == "error":
            raise BackendError(f"internal error: {rest[0]}")
        return rest[0], rest[1]

    @property
    def usable(self) -> bool:
        return not self._failed and self.process.poll() is None

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def _read_answer(stream, deadline: float | None) -> bytes | None:
    """The next message on a worker's stdout, or None at its end or when `deadline` passes first."""
    chunks, needed, header = [], 8, True
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while needed:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and (wait <= 0 or not selector.select(wait)):
                return None
            chunk = os.read(stream.fileno(), min(needed, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            needed -= len(chunk)
            if header and not needed:
                needed, header = int.from_bytes(b"".join(chunks), "little"), False
                chunks = []
    return b"".join(chunks)


def answer_timeout(local_seconds: float) -> float:
    """How long to wait for a worker after this process spent `local_seconds` on its own part."""
    return max(MIN_ANSWER_TIMEOUT_S, ANSWER_TIMEOUT_FACTOR * local_seconds)


_workers: list[Worker] = []
_workers_lock = threading.Lock()  # one build at a time uses the workers; others compile alone


def _ready_workers(n: int) -> list[Worker]:
    """`n` live workers of this process (a forked child starts its own), started on first need."""
    alive = [w for w in _workers if w.owner == os.getpid() and w.usable]
    for w in _workers:
        if w not in alive and w.owner == os.getpid():
            w.process.kill()
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
        for w in self.workers:  # answers may be left unread: these workers cannot be trusted again
            if exc_type is not None or not w.usable:
                w.process.kill()
                _workers.remove(w)
        if self.held:
            _workers_lock.release()
