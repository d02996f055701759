"""Compile an LLVM module for this CPU and load it: MCJIT at -O3 with the host's features and vector width.

    jit = JitModule(module_text)          # parse, verify, optimize (-O3, vectorizers on), JIT
    jit = JitModule([text_0, text_1])     # parts compiled at once: text_1 in a worker process
    address = jit.address("k0_loop")     # a callable's address, for ctypes
    jit.optimized_ir                      # the IR after optimization (what runs)

A big program's kernels can be rendered as several modules (codegen.llvm.renderer.render_modules)
and compiled side by side: llvmlite holds one lock around every LLVM call, so threads cannot
help, but other processes can.  The first part is compiled here while up to `COMPILE_WORKERS`
worker processes (runtime.llvm_compile, started on first need and kept) optimize the others
and emit object code, which the execution engine links in.  A part whose worker fails is
compiled here instead.  `compile_parts(size)` says how many parts kernels of that size are worth.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence

import llvmlite.binding as llvm

from graphc.errors import BackendError
from runtime.llvm_compile import (
    InvalidModuleError,
    native_target,
    optimized,
    read_message,
    target_machine,
    write_message,
)

# Worker processes for compiling a big module's parts (GRAPHC_COMPILE_WORKERS=0: all in this process).
COMPILE_WORKERS = int(os.environ.get("GRAPHC_COMPILE_WORKERS", min(3, (os.cpu_count() or 1) - 1)))
# Below this kernel code size (codegen.kernel_ir.Kernel.code_size, about an instruction each;
# LLVM needs roughly 0.3 ms apiece) one module compiles faster than parts shipped to workers.
PARALLEL_COMPILE_SIZE = 1500


@functools.cache
def _initialize() -> tuple[str, str]:
    """The native target, and gemm registered for generated code to call."""
    _register_blas()
    return native_target()


def _optimized(text: str, tm, optimize: bool = True) -> llvm.ModuleRef:
    try:
        return optimized(text, tm, optimize)
    except InvalidModuleError as exc:
        raise BackendError(f"internal error: {exc}") from None


def compile_parts(size: int) -> int:
    """How many modules to split kernels of total code size `size` into: 1, or one per process."""
    return 1 + COMPILE_WORKERS if COMPILE_WORKERS > 0 and size >= PARALLEL_COMPILE_SIZE else 1


class _Worker:
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


_workers: list[_Worker] = []
_workers_lock = threading.Lock()  # one build at a time uses the workers; others compile alone


def _ready_workers(n: int) -> list[_Worker]:
    """`n` live workers of this process (a forked child starts its own), started on first need."""
    alive = [w for w in _workers if w.owner == os.getpid() and w.process.poll() is None]
    _workers[:] = alive
    while len(_workers) < n:
        try:
            _workers.append(_Worker())
        except OSError:  # cannot start processes here: compile in this one
            break
    return _workers[:n]


@atexit.register
def _stop_workers() -> None:
    for w in _workers:
        if w.owner == os.getpid():
            w.close()


def _numpy_blas():
    """numpy's own OpenBLAS (ILP64 Fortran gemm), when numpy ships one: the library `a @ b` uses.

    Sharing it means one BLAS thread pool in the process (two OpenBLAS copies whose
    threads spin after each call slow each other down several times over).
    """
    import glob
    import os

    import numpy as np

    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            return {"sgemm": ctypes.cast(lib.scipy_sgemm_64_, ctypes.c_void_p).value,
                    "dgemm": ctypes.cast(lib.scipy_dgemm_64_, ctypes.c_void_p).value}
        except (OSError, AttributeError):
            continue
    return None


BLAS_INT_BITS = 32  # set by _register_blas: the width of gemm's integer arguments


def _register_blas() -> None:
    global BLAS_INT_BITS
    found = _numpy_blas()
    if found is not None:
        BLAS_INT_BITS = 64
        llvm.add_symbol("graphc_sgemm", found["sgemm"])
        llvm.add_symbol("graphc_dgemm", found["dgemm"])
        return
    try:
        from scipy.linalg import cython_blas
    except ImportError:  # generated code falls back to loops only if gemm is never referenced
        return
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    name = ctypes.pythonapi.PyCapsule_GetName
    name.restype = ctypes.c_char_p
    name.argtypes = [ctypes.py_object]
    for blas, symbol in (("sgemm", "graphc_sgemm"), ("dgemm", "graphc_dgemm")):
        capsule = cython_blas.__pyx_capi__[blas]
        llvm.add_symbol(symbol, get(capsule, name(capsule)))


def blas_int_bits() -> int:
    """Width of the BLAS gemm integer arguments the renderer must pass (64 for numpy's ILP64 OpenBLAS)."""
    _initialize()
    return BLAS_INT_BITS


def host_description() -> str:
    tm = target_machine()
    return f"{llvm.get_host_cpu_name()} ({tm.triple})"


class JitModule:
    """One optimized, JIT-compiled module (of one or more parts); keeps the engine alive as long as
    its functions are used."""

    def __init__(self, text: str | Sequence[str], optimize: bool = True):
        texts = [text] if isinstance(text, str) else list(text)
        remote = texts[1:] if optimize else []
        with _BorrowedWorkers(len(remote)) as workers:
            for worker, part in zip(workers, remote):
                worker.submit(part)
            _initialize()
            mod = _optimized(texts[0], target_machine(), optimize)
            self.engine = llvm.create_mcjit_compiler(mod, target_machine())
            self.engine.finalize_object()  # this part's machine code, while the workers make theirs
            irs = [str(mod)]
            for i, part in enumerate(texts[1:]):
                compiled = workers[i].result() if i < len(workers) else None
                if compiled is None:  # no worker, or it died: compile the part here
                    part_mod = _optimized(part, target_machine(), optimize)
                    self.engine.add_module(part_mod)
                    irs.append(str(part_mod))
                else:
                    self.engine.add_object_file(llvm.ObjectFileRef.from_data(compiled[0]))
                    irs.append(compiled[1])
        self.engine.finalize_object()
        self.optimized_ir = "\n".join(irs)

    def address(self, name: str) -> int:
        return self.engine.get_function_address(name)


class _BorrowedWorkers:
    """Up to `n` workers for one build, or none while another thread's build holds them."""

    def __init__(self, n: int):
        self.n = n
        self.held = False

    def __enter__(self) -> list[_Worker]:
        self.workers: list[_Worker] = []
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
