"""Time the sgemm of several BLAS libraries on one core, in a fresh process: the measurement
graphc.runtime.blas chooses by.

Run as a program by the caller, with the libraries' thread variables set to 1:

    python -I blas_measure.py '[{"name": "mkl", "path": ".../libmkl_rt.so.2", "sgemm": "sgemm_64",
                                 "int_bits": 64}, ...]'
    -> {"mkl": {"512": 61.2, "1024": 63.8}, ...}     (GFLOP/s: the best call of each size)

One thread each, because on one core the figures measure the library's own kernels: with a
thread per core they measure whatever else the machine runs (a gemm split in two waits for
its slower half, and a shared 2-core machine made that 5 to 10 times slower, at random), and
without pools the libraries can share this process.  The libraries take turns, ROUNDS times,
so a burst of load from elsewhere hits them all alike; each keeps its best call per size.  A
library that fails to load or gives wrong products is left out of the answer.

It imports nothing from graphc (it runs by its path, isolated, like the compile workers of
graphc.runtime.llvm_jit): only ctypes, and numpy for the operands and the check.
"""

from __future__ import annotations

import ctypes
import json
import sys
import time

import numpy as np

SIZES = (512, 1024)  # square float32 products; the chosen gemm serves 512-2048 and beyond
ROUNDS = 4
CALLS = {512: 3, 1024: 1}  # calls of each size per library and round


def sgemm_call(spec: dict):
    """A function (a, b, c) -> None computing c = a @ b (square, C order) with the library's
    Fortran-convention sgemm (row-major c = a @ b is column-major c^T = b^T a^T)."""
    fn = getattr(ctypes.CDLL(spec["path"]), spec["sgemm"])
    fn.restype = None
    integer = ctypes.c_int64 if spec["int_bits"] == 64 else ctypes.c_int32
    no, one, zero = ctypes.c_char(b"N"), ctypes.c_float(1.0), ctypes.c_float(0.0)

    def call(a, b, c):
        n, r = integer(a.shape[0]), ctypes.byref
        fn(r(no), r(no), r(n), r(n), r(n), r(one), b.ctypes.data_as(ctypes.c_void_p), r(n),
           a.ctypes.data_as(ctypes.c_void_p), r(n), r(zero), c.ctypes.data_as(ctypes.c_void_p), r(n))
    return call


def measure(specs: list[dict]) -> dict[str, dict[str, float]]:
    """Each library's best GFLOP/s at each of SIZES, the libraries taking turns ROUNDS times."""
    calls = {}
    for spec in specs:
        try:
            calls[spec["name"]] = sgemm_call(spec)
        except (OSError, AttributeError):
            continue
    rng = np.random.default_rng(0)
    operands = {n: (rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32),
                    np.empty((n, n), np.float32)) for n in SIZES}
    best = {name: {} for name in calls}
    wrong = set()
    for name, call in calls.items():  # a warm-up call of each, checked (a few rows, in float64)
        for n, (a, b, c) in operands.items():
            c.fill(np.nan)
            call(a, b, c)
            if not np.allclose(c[:4], a[:4].astype(np.float64) @ b, rtol=1e-4, atol=1e-4 * n ** 0.5):
                wrong.add(name)
    for _ in range(ROUNDS):
        for name, call in calls.items():
            if name in wrong:
                continue
            for n, (a, b, c) in operands.items():
                for _ in range(CALLS[n]):
                    t = time.perf_counter()
                    call(a, b, c)
                    gflops = 2.0 * n ** 3 / (time.perf_counter() - t) / 1e9
                    best[name][str(n)] = max(best[name].get(str(n), 0.0), gflops)
    return {name: figures for name, figures in best.items() if name not in wrong}


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(sys.argv[1]))))
