"""Compile CUDA C with nvcc: to PTX (text) or a cubin, per architecture, in a temp dir.

Lives in codegen (not runtime) because compiling needs no GPU: CI checks here
that every generated kernel compiles for sm_80 and sm_90, and
`graphc compile --target cuda --emit ptx` uses `compile_to_ptx`.

    ptx = compile_to_ptx(module.source, "sm_80")
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from graphc.errors import BackendError

NVCC_FLAGS = ["-std=c++17", "-O3"]  # no fast math: results must match numpy


def find_nvcc() -> str | None:
    """$GRAPHC_NVCC when set (None if that is no executable), else nvcc on PATH, else under $CUDA_HOME / $CUDA_PATH /
    /usr/local/cuda.  GRAPHC_NVCC picks one toolkit among several, or (pointing nowhere) acts as if none were there."""
    chosen = os.environ.get("GRAPHC_NVCC")
    if chosen is not None:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    found = shutil.which("nvcc")
    if found:
        return found
    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if root and os.path.isfile(os.path.join(root, "bin", "nvcc")):
            return os.path.join(root, "bin", "nvcc")
    return None


def nvcc_missing() -> str:
    """Why find_nvcc() found nothing, said so that the user knows what to change."""
    chosen = os.environ.get("GRAPHC_NVCC")
    if chosen is not None:
        return f"nvcc not found: GRAPHC_NVCC={chosen!r} is not an executable file"
    return "nvcc not found (put the CUDA toolkit's bin on PATH or set CUDA_HOME)"


def nvcc_compile(source: str, arch: str = "sm_80", output: str = "ptx") -> bytes:
    """Run nvcc on `source`; `output` is "ptx" or "cubin".  Raises BackendError with nvcc's message."""
    nvcc = find_nvcc()
    if nvcc is None:
        raise BackendError(nvcc_missing())
    if output not in ("ptx", "cubin"):
        raise ValueError(f"output must be 'ptx' or 'cubin', not {output!r}")
    with tempfile.TemporaryDirectory(prefix="graphc-cuda-") as tmp:
        src, out = os.path.join(tmp, "kernels.cu"), os.path.join(tmp, f"kernels.{output}")
        with open(src, "w") as f:
            f.write(source)
        cmd = [nvcc, f"-arch={arch}", f"-{output}", *NVCC_FLAGS, "-o", out, src]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BackendError(f"nvcc failed for {arch} ({' '.join(cmd[1:4])}):\n{proc.stderr.strip()}")
        with open(out, "rb") as f:
            return f.read()


def compile_to_ptx(source: str, arch: str = "sm_80") -> str:
    return nvcc_compile(source, arch, "ptx").decode()
