"""`gc.blas_info()`: which BLAS library the llvm backend's generated gemm calls, and why that one.

The choice itself (candidates, measurement, the cache file, GRAPHC_BLAS) is graphc.runtime.blas;
this module only asks it, when called, so importing graphc loads no BLAS and measures nothing.

    >>> info = gc.blas_info()
    >>> info.name, info.path, info.ilp64, info.threads, info.how
    ('numpy-openblas', '.../numpy.libs/libscipy_openblas64_-....so', True, 2, 'only candidate')
"""

from __future__ import annotations


def blas_info():
    """A graphc.runtime.blas.BlasInfo: name, path, version, ilp64, threads, how it was chosen
    ("GRAPHC_BLAS", "only candidate", "cached measurement", "measured"), the candidates installed
    here, the measured GFLOP/s of each, and the cache file's path.  Choosing happens here if no
    llvm compile has chosen yet (a measurement of a few seconds, once per host, when several
    libraries are installed)."""
    from graphc.runtime.blas import blas_info as runtime_blas_info

    return runtime_blas_info()
