"""The BLAS whose gemm generated code calls: found among the libraries installed here, chosen per
host by measurement, recorded, and overridable.

    info = blas_info()     # which library, its file, ILP64 or not, its threads, how it was chosen
    lib = chosen()         # its sgemm/dgemm addresses (Fortran convention), for graphc.runtime.llvm_jit
    GRAPHC_BLAS=mkl python train.py          # that library, no measurement
    GRAPHC_BLAS_THREADS=1 python train.py    # its thread pool of one thread

The candidates, each skipped when not installed (`candidates()` lists those found):

    numpy-openblas     numpy's own OpenBLAS (ILP64): the library numpy's `@` uses, so a process
                       that runs both keeps one BLAS thread pool.  The default.
    scipy-openblas64   the `scipy-openblas64` wheel: a newer OpenBLAS build (ILP64)
    scipy-openblas32   the `scipy-openblas32` wheel: the same, 32-bit integers
    mkl                Intel MKL's runtime (the `mkl` wheel's libmkl_rt, ILP64 entry points)
    scipy              scipy's BLAS through scipy.linalg.cython_blas (32-bit integers): by name only,
                       and the last resort where numpy ships no OpenBLAS of its own

How the choice is made, once per process, at the first compile:
1. GRAPHC_BLAS=name: that library; an unknown name, or one not installed here, is a BlasError.
2. When no library beyond numpy's is installed: numpy's, with nothing measured (the default
   install behaves exactly as before).
3. A record in the cache file (`cache_path()`) for this CPU, these library versions and this
   thread count: its choice.  The file is JSON, read with a size limit and checked field by
   field; anything else in it (corrupt, hostile, another version) is ignored and rewritten.
4. Otherwise each candidate's sgemm is timed on one core, in a fresh isolated process
   (graphc.runtime.blas_measure says why one core: the per-core kernels are what differ, and a
   timing on all cores of a shared machine measures the neighbours), the libraries taking
   turns; another library replaces numpy's only when it is MARGIN faster at every size (a
   second library means a second thread pool in the process).  The figures and the choice are
   recorded.  This costs one to three seconds, once per host and set of libraries.

Threads: the chosen library's pool gets GRAPHC_BLAS_THREADS threads when that is set; otherwise
the library keeps its own default (its environment variables, OPENBLAS_NUM_THREADS and the like,
are the user's to set), and `blas_info().threads` says what it is.  MKL's idle threads are told
to sleep at once (KMP_BLOCKTIME=0 unless set): they would spin against graphc's kernel threads.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from graphc.errors import BlasError

MARGIN = 1.05  # another library must be this much faster than numpy's at every size measured
MEASURE_TIMEOUT_S = 120.0  # a measuring child that hangs is given up (numpy's library is kept)
CACHE_VERSION = 1
MAX_CACHE_BYTES = 1 << 16  # a bigger cache file is not ours: ignored
MAX_CACHE_ENTRIES = 32  # hosts/library sets remembered (a shared home directory sees several)
# MKL's OpenMP threads (libiomp5) spin 200 ms after each parallel region by default; between two
# gemm calls graphc runs its own kernels on those cores, so they sleep at once (docs/performance.md,
# "The host's BLAS": the transformer block 0.3-0.8x the time).  A user's own setting is kept.
MKL_IDLE_ENV = (("KMP_BLOCKTIME", "0"),)
# the libraries' own thread-count variables: 1 in the measuring child
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


@dataclasses.dataclass(frozen=True)
class Library:
    """One BLAS library found here: where its Fortran sgemm/dgemm are and how to call them."""

    name: str
    path: str  # the shared library file (for "scipy": the cython_blas module that points into it)
    version: str
    int_bits: int  # the width of gemm's integer arguments: 64 for ILP64 builds
    sgemm: int  # addresses of the Fortran-convention functions
    dgemm: int
    sgemm_symbol: str  # the name of sgemm in `path` (what the measuring child calls); "" if none
    get_threads: Callable[[], int] | None = dataclasses.field(default=None, compare=False, repr=False)
    set_threads: Callable[[int], None] | None = dataclasses.field(default=None, compare=False, repr=False)
    # environment defaults set when the library is chosen (before its first call): how long its idle
    # threads spin before they sleep, so that they leave the cores to graphc's kernel threads
    idle_env: tuple[tuple[str, str], ...] = ()

    @property
    def ilp64(self) -> bool:
        return self.int_bits == 64


@dataclasses.dataclass(frozen=True)
class BlasInfo:
    """What `gc.blas_info()` says: the library generated code's gemm calls, and why that one.

    `how` is one of "GRAPHC_BLAS" (the environment named it), "only candidate" (nothing else is
    installed), "cached measurement" (a record in `cache_path`), "measured" (timed in this
    process's first compile).  `gflops` maps each library measured to its sgemm GFLOP/s by
    matrix size (empty when nothing was measured).
    """

    name: str
    path: str
    version: str
    ilp64: bool
    threads: int | None
    how: str
    candidates: tuple[str, ...]
    gflops: dict
    cache_path: str


# ---- the candidates --------------------------------------------------------------------------


def _address(lib: ctypes.CDLL, symbol: str) -> int:
    return ctypes.cast(getattr(lib, symbol), ctypes.c_void_p).value


def _int_function(lib: ctypes.CDLL, symbol: str, argtypes=(), restype=ctypes.c_int):
    fn = getattr(lib, symbol)
    fn.argtypes, fn.restype = list(argtypes), restype
    return fn


def _openblas(name: str, path: str, suffix: str, int_bits: int) -> Library | None:
    """A scipy-openblas build (symbols prefixed `scipy_`, `64_`-suffixed when ILP64) at `path`."""
    try:
        lib = ctypes.CDLL(path)
        config = _int_function(lib, f"scipy_openblas_get_config{suffix}", restype=ctypes.c_char_p)()
        get = _int_function(lib, f"scipy_openblas_get_num_threads{suffix}")
        set_ = _int_function(lib, f"scipy_openblas_set_num_threads{suffix}", [ctypes.c_int], None)
        sym = f"scipy_sgemm_{suffix.rstrip('_')}_" if suffix else "scipy_sgemm_"
        dsym = sym.replace("sgemm", "dgemm")
        return Library(name, path, config.decode(errors="replace").split()[1], int_bits,
                       _address(lib, sym), _address(lib, dsym), sym, get, set_)
    except (OSError, AttributeError, IndexError):
        return None


def _package_file(distribution: str, pattern: str) -> str | None:
    """The first file of an installed distribution whose name matches `pattern` (a glob)."""
    import fnmatch
    from importlib import metadata

    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if fnmatch.fnmatch(f.name, pattern):
            return os.path.realpath(str(f.locate()))
    return None


def _find_numpy_openblas() -> Library | None:
    import numpy as np

    for path in sorted(glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas64*"))):
        found = _openblas("numpy-openblas", os.path.realpath(path), "64_", 64)
        if found is not None:
            return found
    return None


def _find_scipy_openblas64() -> Library | None:
    path = _package_file("scipy-openblas64", "libscipy_openblas64_*.so*")
    return _openblas("scipy-openblas64", path, "64_", 64) if path else None


def _find_scipy_openblas32() -> Library | None:
    path = _package_file("scipy-openblas32", "libscipy_openblas.so*")
    return _openblas("scipy-openblas32", path, "", 32) if path else None


def _find_mkl() -> Library | None:
    """libmkl_rt from the `mkl` wheel (its ILP64 entry points sgemm_64/dgemm_64)."""
    from importlib import metadata

    path = _package_file("mkl", "libmkl_rt.so*")
    if path is None:
        return None
    try:
        lib = ctypes.CDLL(path)
        get = _int_function(lib, "MKL_Get_Max_Threads")
        set_ = _int_function(lib, "MKL_Set_Num_Threads", [ctypes.c_int], None)
        return Library("mkl", path, metadata.version("mkl"), 64, _address(lib, "sgemm_64"),
                       _address(lib, "dgemm_64"), "sgemm_64", get, set_, MKL_IDLE_ENV)
    except (OSError, AttributeError):
        return None


def _find_scipy() -> Library | None:
    """scipy's BLAS through cython_blas's function pointers (32-bit integers)."""
    try:
        import scipy
        from scipy.linalg import cython_blas
    except ImportError:
        return None
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    name = ctypes.pythonapi.PyCapsule_GetName
    name.restype, name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    s, d = (cython_blas.__pyx_capi__[f] for f in ("sgemm", "dgemm"))
    return Library("scipy", cython_blas.__file__, scipy.__version__, 32, get(s, name(s)), get(d, name(d)), "")


# name -> finder, in order of preference when nothing was measured; AUTOMATIC are the ones measured
FINDERS: dict[str, Callable[[], Library | None]] = {
    "numpy-openblas": _find_numpy_openblas,
    "scipy-openblas64": _find_scipy_openblas64,
    "scipy-openblas32": _find_scipy_openblas32,
    "mkl": _find_mkl,
    "scipy": _find_scipy,
}
AUTOMATIC = ("numpy-openblas", "scipy-openblas64", "scipy-openblas32", "mkl")
DEFAULT = "numpy-openblas"


@functools.cache
def find(name: str) -> Library | None:
    """The library `name` as installed here, or None (loaded once per process)."""
    if name not in FINDERS:
        raise BlasError(f"GRAPHC_BLAS={name!r} is not a BLAS graphc knows; choose one of {', '.join(FINDERS)}")
    return FINDERS[name]()


def candidates() -> tuple[str, ...]:
    """The names of the libraries installed here, in order of preference."""
    return tuple(name for name in FINDERS if find(name) is not None)


# ---- the record of measurements ------------------------------------------------------------------


def cache_path() -> str:
    """The JSON file that records each host's measured choice (under XDG_CACHE_HOME or ~/.cache)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "graphc", "blas.json")


def host_key(libraries: list[Library]) -> str:
    """What a measurement holds for: this CPU, these libraries at these versions and places."""
    try:
        import llvmlite.binding as llvm

        cpu = llvm.get_host_cpu_name()
    except (ImportError, OSError):
        cpu = "?"
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    facts = {"cpu": [platform.machine(), cpu, model, os.cpu_count()],
             "libraries": {lib.name: [lib.version, lib.path] for lib in libraries}}
    return json.dumps(facts, sort_keys=True)


def _valid_entry(entry, names: set[str]) -> bool:
    if not isinstance(entry, dict) or entry.get("choice") not in names or not isinstance(entry.get("gflops"), dict):
        return False
    for name, figures in entry["gflops"].items():
        if not isinstance(name, str) or not isinstance(figures, dict):
            return False
        if not all(isinstance(k, str) and type(v) in (int, float) for k, v in figures.items()):
            return False
    return True


def read_cache(path: str) -> dict:
    """The file's entries (host key -> {"choice", "gflops"}), or {} when it is absent, too big,
    not JSON, of another version or malformed anywhere: a file graphc cannot trust is never used."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CACHE_BYTES + 1)
        if len(data) > MAX_CACHE_BYTES:
            return {}
        doc = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(doc, dict) or doc.get("version") != CACHE_VERSION or not isinstance(doc.get("entries"), dict):
        return {}
    entries = doc["entries"]
    if len(entries) > MAX_CACHE_ENTRIES or not all(isinstance(k, str) and _valid_entry(v, set(FINDERS))
                                                   for k, v in entries.items()):
        return {}
    return entries


def write_cache(path: str, key: str, entry: dict) -> None:
    """Record `entry` under `key` (atomically: a reader sees the old file or the new one); a cache
    that cannot be written (read-only home) is no error."""
    entries = read_cache(path)
    entries.pop(key, None)
    entries[key] = entry
    while len(entries) > MAX_CACHE_ENTRIES:
        entries.pop(next(iter(entries)))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".blas-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": CACHE_VERSION, "entries": entries}, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass


# ---- measuring ----------------------------------------------------------------------------------


def measure(libraries: list[Library]) -> dict[str, dict[str, float]]:
    """Each library's best one-thread sgemm GFLOP/s by size (graphc.runtime.blas_measure, in a fresh
    isolated process); libraries that failed there are left out, and all of them if the child did."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "blas_measure.py")
    specs = [{"name": lib.name, "path": lib.path, "sgemm": lib.sgemm_symbol, "int_bits": lib.int_bits}
             for lib in libraries if lib.sgemm_symbol]
    env = {**os.environ, **{v: "1" for v in THREAD_VARIABLES}}
    try:
        out = subprocess.run([sys.executable, "-I", script, json.dumps(specs)], capture_output=True, text=True,
                             timeout=MEASURE_TIMEOUT_S, env=env, check=False)
        figures = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return {}
    names = {lib.name for lib in libraries}
    if not isinstance(figures, dict):
        return {}
    return {name: f for name, f in figures.items() if name in names and isinstance(f, dict)
            and f and all(isinstance(k, str) and type(v) is float for k, v in f.items())}


def fastest(gflops: dict[str, dict[str, float]], default: str) -> str:
    """The library to use: the one with the best geometric-mean GFLOP/s, unless that is `default`'s
    rival and fails to beat `default` by MARGIN at every size (then `default`, one thread pool fewer)."""
    if not gflops:
        return default

    def score(name: str) -> float:
        values = list(gflops[name].values())
        product = 1.0
        for v in values:
            product *= max(v, 1e-9)
        return product ** (1.0 / max(len(values), 1))

    best = max(gflops, key=score)
    if best == default or default not in gflops:
        return best
    beats = all(gflops[best].get(size, 0.0) > MARGIN * value for size, value in gflops[default].items())
    return best if beats else default


# ---- the choice ---------------------------------------------------------------------------------


def requested_threads() -> int | None:
    """GRAPHC_BLAS_THREADS as a positive integer, None when unset (BlasError when it is not one)."""
    raw = os.environ.get("GRAPHC_BLAS_THREADS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise BlasError(f"GRAPHC_BLAS_THREADS={raw!r} is not a positive number of threads")
    return int(raw)


@functools.cache
def _choose() -> tuple[Library | None, str, dict]:
    """(library, how, gflops): the decision, made once per process."""
    requested = os.environ.get("GRAPHC_BLAS", "").strip()
    if requested:
        lib = find(requested)
        if lib is None:
            raise BlasError(f"GRAPHC_BLAS={requested!r}: that library is not installed here "
                            f"(installed: {', '.join(candidates()) or 'none'}); see docs/performance.md, "
                            f"'The host's BLAS', for the pip extras")
        return lib, "GRAPHC_BLAS", {}
    automatic = [lib for lib in map(find, AUTOMATIC) if lib is not None]
    default = automatic[0].name if automatic else None
    if len(automatic) <= 1:
        return (automatic[0] if automatic else find("scipy")), "only candidate", {}
    key, path = host_key(automatic), cache_path()
    entry = read_cache(path).get(key)
    by_name = {lib.name: lib for lib in automatic}
    if entry is not None and entry["choice"] in by_name:
        return by_name[entry["choice"]], "cached measurement", entry["gflops"]
    gflops = measure(automatic)
    choice = fastest(gflops, default)
    write_cache(path, key, {"choice": choice, "gflops": gflops, "measured": time.strftime("%Y-%m-%d %H:%M:%S")})
    return by_name[choice], "measured", gflops


@functools.cache
def chosen() -> Library | None:
    """The library generated code calls (None: no BLAS at all here), its thread count applied."""
    lib = _choose()[0]
    for name, value in lib.idle_env if lib is not None else ():
        os.environ.setdefault(name, value)  # read by the library's thread pool when it starts
    threads = requested_threads()
    if lib is not None and threads is not None and lib.set_threads is not None:
        lib.set_threads(threads)
    return lib


def blas_info() -> BlasInfo:
    """Which BLAS graphc's generated gemm calls, where it lives, ILP64 or not, how it was chosen.

    >>> info = blas_info()
    >>> info.name, info.ilp64, info.how          # e.g. ('numpy-openblas', True, 'only candidate')
    """
    lib = chosen()
    how, gflops = _choose()[1:]
    if lib is None:
        return BlasInfo("none", "", "", False, None, how, candidates(), gflops, cache_path())
    threads = lib.get_threads() if lib.get_threads is not None else None
    return BlasInfo(lib.name, lib.path, lib.version, lib.ilp64, threads, how, candidates(), gflops, cache_path())
