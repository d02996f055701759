"""The "cuda" backend's entry point: importable only where the CUDA backend can run.

graphc.backends imports a backend's module on first use and reports an
ImportError as "backend 'cuda' is not available here: <reason>" (a BackendError);
checking the driver and a Python binding at import makes the reason that one
line, e.g. "no NVIDIA driver (libcuda.so.1 not found)", and lets tooling that
probes backends (`backends.builder`) skip cuda on machines without a GPU.
The device itself is opened when the first executable is built.
"""

from __future__ import annotations

from graphc.runtime.cuda_launch import missing_requirement

if (_missing := missing_requirement()) is not None:
    raise ImportError(_missing)

from graphc.compile import build_cuda  # noqa: E402

__all__ = ["build_cuda"]
