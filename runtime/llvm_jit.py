"""Compile an LLVM module for this CPU and load it: MCJIT at -O3 with the host's features and vector width.

    jit = JitModule(module_text)          # parse, verify, optimize (-O3, vectorizers on), JIT
    address = jit.address("k0_loop")     # a callable's address, for ctypes
    jit.optimized_ir                      # the IR after optimization (what runs)

BLAS gemm is made available to generated code as the symbols `graphc_sgemm` and
`graphc_dgemm` (Fortran convention): numpy's own OpenBLAS when numpy ships one (ILP64),
else scipy's cython_blas function pointers (32-bit integers); `blas_int_bits()` says which.
"""

from __future__ import annotations

import ctypes
import functools

import llvmlite.binding as llvm

from graphc.errors import BackendError


@functools.cache
def _initialize() -> tuple[str, str]:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    _register_blas()
    return llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


def _target_machine():
    """A fresh target machine for the host: an execution engine takes ownership of the one it is given."""
    cpu, features = _initialize()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(cpu=cpu, features=features, opt=3, codemodel="jitdefault", jit=True)


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
    tm = _target_machine()
    return f"{llvm.get_host_cpu_name()} ({tm.triple})"


class JitModule:
    """One optimized, JIT-compiled module; keeps the engine alive as long as its functions are used."""

    def __init__(self, text: str, optimize: bool = True):
        tm = _target_machine()
        try:
            mod = llvm.parse_assembly(text)
            mod.verify()
        except RuntimeError as exc:
            raise BackendError(f"internal error: generated LLVM IR does not verify: {exc}\n{text[:3000]}") from None
        mod.triple = tm.triple
        mod.data_layout = str(tm.target_data)
        if optimize:
            pto = llvm.create_pipeline_tuning_options(speed_level=3)
            pto.loop_vectorization = True
            pto.slp_vectorization = True
            pto.loop_unrolling = True
            pb = llvm.create_pass_builder(tm, pto)
            mpm = pb.getModulePassManager()
            mpm.run(mod, pb)
        self.optimized_ir = str(mod)
        self.engine = llvm.create_mcjit_compiler(mod, tm)
        self.engine.finalize_object()
        self._module = mod

    def address(self, name: str) -> int:
        return self.engine.get_function_address(name)
