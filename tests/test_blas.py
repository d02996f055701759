"""The BLAS the llvm backend's gemm calls (graphc.runtime.blas): chosen per host, recorded, overridable.

Whichever library is chosen, products agree with the numpy reference executor (float32 and
float64, every transpose, odd and empty-ish sizes, batches, a gemm that accumulates an SGD
step).  GRAPHC_BLAS names one; a name graphc does not know, or a library not installed, is a
BlasError saying what is installed.  The cache file is only ever trusted when every field
checks out.  The choice is made once per process, so the end-to-end checks run in a fresh
process each, with a cache directory of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import graphc as gc
from graphc.runtime import blas

# Products of every kind the renderer hands to gemm, compared with the numpy reference.
PRODUCTS_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import graphc as gc

    rng = np.random.default_rng(0)
    worst = {}
    for dtype in (np.float32, np.float64):
        feeds, places, products = [], [], {}  # every shape and transpose in one function: one compile
        for m, k, n in [(1, 1, 1), (7, 13, 5), (33, 1, 65), (129, 67, 31), (256, 300, 17)]:
            for ta in (False, True):
                for tb in (False, True):
                    a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
                    b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
                    pa, pb = gc.placeholder(a.shape, dtype), gc.placeholder(b.shape, dtype)
                    feeds += [a, b]
                    places += [pa, pb]
                    products[f"{np.dtype(dtype).name} {m}x{k}x{n} {ta} {tb}"] = \
                        2.0 * ((pa.T if ta else pa) @ (pb.T if tb else pb)) + 1.0
        out = [gc.function(places, list(products.values()), backend=be)(*feeds) for be in ("llvm", "numpy")]
        for case, got, want in zip(products, *out):
            worst[case] = float(np.max(np.abs(got - want)) / (1.0 + np.max(np.abs(want))))
        x = rng.standard_normal((3, 9, 11)).astype(dtype)
        w = rng.standard_normal((11, 6)).astype(dtype)
        px, pw = gc.placeholder(x.shape, dtype), gc.placeholder(w.shape, dtype)
        out = [gc.function([px, pw], px @ pw, backend=be)(x, w) for be in ("llvm", "numpy")]
        worst[f"{np.dtype(dtype).name} batched"] = float(np.max(np.abs(out[0] - out[1])))
        wv = gc.variable(rng.standard_normal((11, 6)).astype(dtype))
        xs, gs = rng.standard_normal((20, 11)).astype(dtype), rng.standard_normal((20, 6)).astype(dtype)
        px, pg = gc.placeholder(xs.shape, dtype), gc.placeholder(gs.shape, dtype)
        start = wv.value.copy()
        gc.function([px, pg], [], updates=[(wv, wv - 0.1 * (px.T @ pg))], backend="llvm")(xs, gs)
        worst[f"{np.dtype(dtype).name} sgd in gemm"] = float(np.max(np.abs(wv.value - (start - 0.1 * xs.T @ gs))))
    info = gc.blas_info()
    print(json.dumps({"worst": worst, "name": info.name, "how": info.how, "ilp64": info.ilp64,
                      "threads": info.threads}))
""")


def run_python(script: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """`script` in a fresh process, with its own cache directory and `env` added."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **env}
    for name in ("GRAPHC_BLAS", "GRAPHC_BLAS_THREADS"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment,
                          timeout=600, check=False)


def products_with(name: str | None, tmp_path) -> dict:
    done = run_python(PRODUCTS_SCRIPT, tmp_path, **({"GRAPHC_BLAS": name} if name else {}))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_agree_with_the_reference(result: dict) -> None:
    for case, error in result["worst"].items():
        bound = 1e-4 if case.startswith("float32") else 1e-11
        assert error < bound, (case, error)


@pytest.mark.parametrize("name", blas.candidates())
def test_every_installed_library_computes_the_references_products(name, tmp_path):
    result = products_with(name, tmp_path)
    assert (result["name"], result["how"]) == (name, "GRAPHC_BLAS")
    assert_agree_with_the_reference(result)


def test_the_default_choice_computes_the_references_products(tmp_path):
    result = products_with(None, tmp_path)
    assert result["name"] in blas.candidates()
    assert_agree_with_the_reference(result)


def test_the_default_is_numpys_openblas_when_nothing_else_is_installed(tmp_path, monkeypatch, fresh_choice):
    if blas.find("numpy-openblas") is None:
        pytest.skip("this numpy ships no OpenBLAS of its own")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GRAPHC_BLAS", raising=False)
    for name in blas.AUTOMATIC[1:]:
        monkeypatch.setitem(blas.FINDERS, name, lambda: None)
    fresh_choice()
    lib, how, gflops = blas._choose()
    assert (lib.name, lib.ilp64, how, gflops) == ("numpy-openblas", True, "only candidate", {})
    assert not os.path.exists(blas.cache_path())  # nothing measured, nothing recorded


def test_graphc_blas_names_the_library_and_blas_info_says_so(tmp_path):
    done = run_python("import json, graphc as gc; i = gc.blas_info(); "
                      "print(json.dumps([i.name, i.how, i.ilp64, i.path]))", tmp_path, GRAPHC_BLAS="scipy")
    name, how, ilp64, path = json.loads(done.stdout)
    assert (name, how, ilp64) == ("scipy", "GRAPHC_BLAS", False)
    assert os.path.exists(path)


def test_an_unknown_graphc_blas_name_is_a_blas_error_naming_the_choices(tmp_path):
    script = textwrap.dedent("""
        import numpy as np
        import graphc as gc
        p = gc.placeholder((2, 2))
        try:
            gc.function([p], p @ p, backend="llvm")(np.ones((2, 2), np.float32))
        except gc.BlasError as e:
            print("BlasError", e)
    """)
    out = run_python(script, tmp_path, GRAPHC_BLAS="openblass").stdout
    assert out.startswith("BlasError") and "'openblass'" in out and "numpy-openblas" in out and "mkl" in out


def test_a_known_library_that_is_not_installed_is_a_blas_error(monkeypatch, fresh_choice):
    monkeypatch.setenv("GRAPHC_BLAS", "mkl")
    monkeypatch.setitem(blas.FINDERS, "mkl", lambda: None)
    fresh_choice()
    with pytest.raises(gc.BlasError, match="not installed here"):
        blas.chosen()


@pytest.mark.parametrize("name", [name for name in blas.candidates() if blas.find(name).set_threads])
def test_each_librarys_pool_follows_graphc_blas_threads(name, tmp_path):
    script = "import graphc as gc; print(gc.blas_info().threads)"
    # (MKL gives no more threads than cores: MKL_DYNAMIC)
    for threads in ("1", str(min(2, os.cpu_count() or 1))):
        done = run_python(script, tmp_path, GRAPHC_BLAS=name, GRAPHC_BLAS_THREADS=threads)
        assert done.stdout.strip() == threads, done.stderr[-2000:]


MKL_BLOCKTIME_SCRIPT = textwrap.dedent("""
    import ctypes, os
    import numpy as np
    import graphc as gc
    p = gc.placeholder((64, 64))
    gc.function([p], p @ p, backend="llvm")(np.ones((64, 64), np.float32))
    iomp = ctypes.CDLL(os.path.join(os.path.dirname(gc.blas_info().path), "libiomp5.so"))
    print(iomp.kmp_get_blocktime())
""")


@pytest.mark.skipif(blas.find("mkl") is None, reason="MKL is not installed here")
@pytest.mark.parametrize("setting, blocktime", [(None, "0"), ("30", "30")])
def test_mkls_idle_threads_sleep_at_once_unless_the_user_says_otherwise(setting, blocktime, tmp_path):
    env = {"GRAPHC_BLAS": "mkl", **({"KMP_BLOCKTIME": setting} if setting else {})}
    if setting is None:
        os.environ.get("KMP_BLOCKTIME") and pytest.skip("KMP_BLOCKTIME is set in this environment")
    done = run_python(MKL_BLOCKTIME_SCRIPT, tmp_path, **env)
    assert done.stdout.strip() == blocktime, done.stderr[-2000:]


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_thread_count_that_is_no_positive_number_is_a_blas_error(value, monkeypatch):
    monkeypatch.setenv("GRAPHC_BLAS_THREADS", value)
    with pytest.raises(gc.BlasError, match="GRAPHC_BLAS_THREADS"):
        blas.requested_threads()


# ---- the record of measurements ------------------------------------------------------------------

GOOD_ENTRY = {"choice": "mkl", "gflops": {"mkl": {"512": 100.0}, "numpy-openblas": {"512": 80.0}}}


@pytest.mark.parametrize("content", [
    b"", b"\x00\xff garbage", b"[1, 2, 3]", b"null", b'{"version": 1}', b'{"version": 2, "entries": {}}',
    b"[" * 100000 + b"]" * 100000,  # nesting that would exhaust the parser's stack
    json.dumps({"version": 1, "entries": {"k": {"choice": "__import__('os').system('x')", "gflops": {}}}}).encode(),
    json.dumps({"version": 1, "entries": {"k": {"choice": "mkl", "gflops": {"mkl": {"512": "fast"}}}}}).encode(),
    json.dumps({"version": 1, "entries": {"k": {"choice": "mkl", "gflops": []}}}).encode(),
    json.dumps({"version": 1, "entries": {"k": GOOD_ENTRY, "j": "not an entry"}}).encode(),
    json.dumps({"version": 1, "entries": {str(i): GOOD_ENTRY for i in range(blas.MAX_CACHE_ENTRIES + 1)}}).encode(),
    b" " * (blas.MAX_CACHE_BYTES + 1),
])
def test_a_corrupt_or_hostile_cache_file_is_ignored(content, tmp_path):
    path = tmp_path / "blas.json"
    path.write_bytes(content)
    assert blas.read_cache(str(path)) == {}


def test_a_recorded_choice_is_read_back(tmp_path):
    path = str(tmp_path / "sub" / "blas.json")
    blas.write_cache(path, "host", GOOD_ENTRY)
    blas.write_cache(path, "other host", {**GOOD_ENTRY, "choice": "numpy-openblas"})
    assert blas.read_cache(path) == {"host": GOOD_ENTRY, "other host": {**GOOD_ENTRY, "choice": "numpy-openblas"}}


def test_writing_over_a_corrupt_cache_file_replaces_it(tmp_path):
    path = tmp_path / "blas.json"
    path.write_bytes(b"{not json")
    blas.write_cache(str(path), "host", GOOD_ENTRY)
    assert blas.read_cache(str(path)) == {"host": GOOD_ENTRY}


def test_an_unwritable_cache_is_no_error(tmp_path):
    (tmp_path / "file").write_text("")
    blas.write_cache(str(tmp_path / "file" / "blas.json"), "host", GOOD_ENTRY)  # a file where a folder should be


# ---- choosing by measurement ------------------------------------------------------------------


@pytest.mark.parametrize("gflops, expected", [
    ({"numpy-openblas": {"512": 90.0, "1024": 90.0}, "mkl": {"512": 120.0, "1024": 130.0}}, "mkl"),
    # faster on average but not MARGIN faster at every size: one thread pool is worth more
    ({"numpy-openblas": {"512": 90.0, "1024": 90.0}, "mkl": {"512": 200.0, "1024": 91.0}}, "numpy-openblas"),
    ({"numpy-openblas": {"512": 90.0}, "mkl": {"512": 80.0}}, "numpy-openblas"),
    ({"mkl": {"512": 80.0}, "scipy-openblas64": {"512": 95.0}}, "scipy-openblas64"),  # no numpy figures
    ({}, "numpy-openblas"),  # nothing measured: the default
])
def test_the_fastest_library_wins_and_only_clearly_against_numpys(gflops, expected):
    assert blas.fastest(gflops, "numpy-openblas") == expected


@pytest.fixture
def fresh_choice():
    """Forget the process's choice before and after a test that changes the candidates."""
    def clear():
        for cached in (blas.find, blas._choose, blas.chosen):
            cached.cache_clear()
    clear()
    yield clear
    clear()


def numpy_openblas_twice(monkeypatch):
    """Two automatic candidates (numpy's OpenBLAS under a second name): what a host with another
    library installed sees, without installing one."""
    numpy_openblas = blas.find("numpy-openblas")
    if numpy_openblas is None:
        pytest.skip("this numpy ships no OpenBLAS of its own")
    twin = blas.Library("scipy-openblas64", numpy_openblas.path, numpy_openblas.version, 64, numpy_openblas.sgemm,
                        numpy_openblas.dgemm, numpy_openblas.sgemm_symbol)
    for name in blas.AUTOMATIC[1:]:
        monkeypatch.setitem(blas.FINDERS, name, lambda: None)
    monkeypatch.setitem(blas.FINDERS, "scipy-openblas64", lambda: twin)


def test_several_libraries_are_measured_once_and_the_choice_recorded(tmp_path, monkeypatch, fresh_choice):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GRAPHC_BLAS", raising=False)
    numpy_openblas_twice(monkeypatch)
    fresh_choice()
    lib, how, gflops = blas._choose()
    assert how == "measured" and set(gflops) == {"numpy-openblas", "scipy-openblas64"}
    assert all(value > 1.0 for figures in gflops.values() for value in figures.values())
    assert lib.name == "numpy-openblas"  # the same library twice: never MARGIN faster than itself
    (entry,) = blas.read_cache(blas.cache_path()).values()
    assert entry["choice"] == "numpy-openblas" and entry["gflops"] == gflops
    fresh_choice()
    assert blas._choose()[1:] == ("cached measurement", gflops)


def test_a_corrupt_cache_file_is_measured_over(tmp_path, monkeypatch, fresh_choice):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GRAPHC_BLAS", raising=False)
    numpy_openblas_twice(monkeypatch)
    os.makedirs(os.path.dirname(blas.cache_path()))
    with open(blas.cache_path(), "w") as f:
        f.write('{"version": 1, "entries": {"x": {"choice": "rm -rf /"')
    fresh_choice()
    assert blas._choose()[1] == "measured"
    assert len(blas.read_cache(blas.cache_path())) == 1


def test_a_library_that_fails_in_the_measuring_process_is_left_out(tmp_path):
    good = blas.find("numpy-openblas") or pytest.skip("this numpy ships no OpenBLAS of its own")
    missing = blas.Library("mkl", str(tmp_path / "libmissing.so"), "0", 64, 0, 0, "sgemm_64")
    assert set(blas.measure([good, missing])) == {"numpy-openblas"}
