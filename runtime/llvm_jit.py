"""Compile an LLVM module for this CPU and load it: MCJIT at -O3 with the host's features and vector width.

    jit = JitModule(module_text)          # parse, verify, optimize (-O3, vectorizers on), JIT
    jit = JitModule([text_0, text_1])     # parts compiled at once: text_1 in a worker process
    jit = JitModule([render_0, render_1]) # the same, rendered when needed (render_1 first)
    address = jit.address("k0_loop")     # a callable's address, for ctypes
    jit.optimized_ir                      # the IR after optimization (what runs)

A big program's kernels can be rendered as several modules (graphc.codegen.llvm.renderer.split_parts)
and compiled side by side: llvmlite holds one lock around every LLVM call, so threads cannot
help, but other processes can.  The first part is compiled here while up to `COMPILE_WORKERS`
worker processes (graphc.runtime.llvm_compile, started on first need and kept) optimize the others
and emit object code, which the execution engine links in (graphc.runtime.llvm_workers).  A part
whose worker fails is compiled here instead.

BLAS gemm is made available to generated code as the symbols `graphc_sgemm` and
`graphc_dgemm` (Fortran convention): the library graphc.runtime.blas chooses for this host
(numpy's own OpenBLAS by default, ILP64); `blas_int_bits()` says how wide its integers are.
"""

from __future__ import annotations

import ctypes
import functools
import time
from collections.abc import Callable, Sequence

import llvmlite.binding as llvm

from graphc.errors import BackendError
from graphc.runtime import blas
from graphc.runtime.llvm_compile import InvalidModuleError, native_target, optimized, target_machine
from graphc.runtime.llvm_workers import BorrowedWorkers, answer_timeout


@functools.cache
def _initialize() -> tuple[str, str]:
    """The native target, and gemm registered for generated code to call."""
    _register_blas()
    _register_libc()
    return native_target()


def _optimized(text: str, tm, optimize: bool = True) -> llvm.ModuleRef:
    try:
        return optimized(text, tm, optimize)
    except InvalidModuleError as exc:
        raise BackendError(f"internal error: {exc}") from None


BLAS_INT_BITS = 32  # set by _register_blas: the width of gemm's integer arguments


def _register_libc() -> None:
    """malloc and free as `graphc_malloc`/`graphc_free`: the float32 scratch of half-precision
    matmuls (graphc.codegen.llvm.matmul_half)."""
    libc = ctypes.CDLL(None)
    llvm.add_symbol("graphc_malloc", ctypes.cast(libc.malloc, ctypes.c_void_p).value)
    llvm.add_symbol("graphc_free", ctypes.cast(libc.free, ctypes.c_void_p).value)


def _register_blas() -> None:
    """The chosen library's gemm (graphc.runtime.blas) as `graphc_sgemm`/`graphc_dgemm`."""
    global BLAS_INT_BITS
    lib = blas.chosen()
    if lib is None:  # generated code falls back to loops only if gemm is never referenced
        return
    BLAS_INT_BITS = lib.int_bits
    llvm.add_symbol("graphc_sgemm", lib.sgemm)
    llvm.add_symbol("graphc_dgemm", lib.dgemm)


def blas_int_bits() -> int:
    """Width of the BLAS gemm integer arguments the renderer must pass (64 for numpy's ILP64 OpenBLAS)."""
    _initialize()
    return BLAS_INT_BITS


def host_description() -> str:
    tm = target_machine()
    return f"{llvm.get_host_cpu_name()} ({tm.triple})"


class JitModule:
    """One optimized, JIT-compiled module (of one or more parts); keeps the engine alive as long as
    its functions are used.

    A part is its text, or a function that renders it: the parts for workers are rendered
    first and sent off, so they compile while this process renders the first part.
    """

    def __init__(self, parts: str | Sequence[str | Callable[[], str]], optimize: bool = True):
        parts = [parts] if isinstance(parts, str) else list(parts)
        self.texts: list[str] = [""] * len(parts)  # what was compiled, part by part

        def text(i: int) -> str:
            self.texts[i] = parts[i]() if callable(parts[i]) else parts[i]
            return self.texts[i]

        remote = range(1, len(parts)) if optimize else range(0)
        with BorrowedWorkers(len(remote)) as workers:
            for worker, i in zip(workers, remote):
                worker.submit(text(i))
            local_start = time.perf_counter()
            _initialize()
            tm = target_machine()  # the engine takes ownership of it
            mod = _optimized(text(0), tm, optimize)
            self.engine = llvm.create_mcjit_compiler(mod, tm)
            self.engine.finalize_object()  # this part's machine code, while the workers make theirs
            self._optimized: list = [mod]  # modules (printed on demand) or the workers' optimized IR
            timeout = answer_timeout(time.perf_counter() - local_start)
            for i in range(1, len(parts)):
                compiled = workers[i - 1].result(timeout) if i - 1 < len(workers) else None
                if compiled is None:  # no worker, or it died or hangs: compile the part here
                    part_mod = _optimized(self.texts[i] or text(i), target_machine(), optimize)
                    self.engine.add_module(part_mod)
                    self._optimized.append(part_mod)
                else:
                    self.engine.add_object_file(llvm.ObjectFileRef.from_data(compiled[0]))
                    self._optimized.append(compiled[1])
        self.engine.finalize_object()

    @property
    def text(self) -> str:
        """The IR as generated (every part)."""
        return "\n".join(self.texts)

    @property
    def optimized_ir(self) -> str:
        """The IR after optimization (every part): what runs."""
        return "\n".join(str(part) for part in self._optimized)

    def address(self, name: str) -> int:
        return self.engine.get_function_address(name)
