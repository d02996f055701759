"""The "cuda" backend's entry point: importable only where the CUDA backend can run.

graphc.backends imports a backend's module on first use and reports an
ImportError as "backend 'cuda' is not available here: <reason>" (a BackendError);
checking the driver and a Python binding at import makes the reason that one
line, e.g. "no NVIDIA driver (libcuda.so.1 not found)", and lets tooling that
probes backends (`backends.builder`) skip cuda on machines without a GPU.
The device itself is opened when the first executable is built.  Control flow: graphc/control/cuda.py
(a scan runs as one loop kernel on the device).
"""

from __future__ import annotations

from graphc.runtime.cuda_launch import missing_requirement

if (_missing := missing_requirement()) is not None:
    raise ImportError(_missing)

from graphc.compile import build_cuda as build_kernels  # noqa: E402
from graphc.control.cuda import with_cuda_control_flow  # noqa: E402


def build_cuda(program, options):
    """The backend's factory: graphc.compile's, for programs without control flow."""
    return build_kernels(program, options)


# graphc.backends wraps a factory with this to run control flow: here a scan becomes one loop kernel
build_cuda.control_flow = with_cuda_control_flow

__all__ = ["build_cuda"]
