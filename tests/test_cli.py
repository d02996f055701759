"""The `graphc` command through real subprocesses (`python -m graphc ...`) on the example graphs.

Each subcommand runs once end to end; its results are compared with the
library (gc.load(...).run on the numpy oracle, the loaded graph's own op
counts).  Exit codes: 0 success, 1 error, 2 usage error; no traceback unless
--debug.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import graphc as gc
from graphc.cli import main

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "examples" / "models.py"


def graphc(*args, env=None, check_rc: int | None = 0) -> subprocess.CompletedProcess:
    """Run `python -m graphc ARGS` from the repository root; assert its exit code when `check_rc` is set."""
    run_env = dict(os.environ, **(env or {}))
    run_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), run_env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "graphc", *map(str, args)], cwd=REPO, env=run_env,
                          capture_output=True, text=True, timeout=300)
    if check_rc is not None:
        assert proc.returncode == check_rc, f"rc {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The example graphs, exported once by the command itself."""
    folder = tmp_path_factory.mktemp("graphs")
    graphc("export", f"{MODELS}:seeds", "-o", folder / "seeds.json", "--grad")
    graphc("export", f"{MODELS}:tiny_mlp", "-o", folder / "mlp.json", "--grad", "--inline-bytes", "64")
    return folder


def test_version_and_help():
    assert graphc("--version").stdout.strip() == f"graphc {gc.__version__}"
    out = graphc("--help").stdout
    for command in ("export", "inspect", "compile", "dot", "run", "bench"):
        assert command in out


@pytest.mark.parametrize("command", ["export", "inspect", "compile", "dot", "run", "bench"])
def test_each_subcommand_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    assert f"usage: graphc {command}" in capsys.readouterr().out


def test_usage_errors_exit_2_with_a_message():
    proc = graphc(check_rc=2)
    assert "COMMAND" in proc.stderr
    proc = graphc("frobnicate", check_rc=2)
    assert "invalid choice" in proc.stderr
    proc = graphc("inspect", check_rc=2)
    assert "the following arguments are required" in proc.stderr


def test_export_writes_a_loadable_graph_with_gradients(exported):
    seeds = gc.load(exported / "seeds.json")
    assert list(seeds.gradients) == ["dy/dx1", "dy/dx2"]
    mlp = gc.load(exported / "mlp.json")
    assert (exported / "mlp.npz").is_file()  # --inline-bytes 64 sends the weights to the side file
    assert list(mlp.variables) == ["W1", "b1", "W2", "b2"]


def test_export_names_the_functions_when_the_one_asked_for_is_missing(tmp_path):
    proc = graphc("export", f"{MODELS}:nope", "-o", tmp_path / "x.json", check_rc=2)
    assert "has no function 'nope'" in proc.stderr and "tiny_mlp" in proc.stderr
    proc = graphc("export", tmp_path / "missing.py", "-o", tmp_path / "x.json", check_rc=2)
    assert "no such Python file" in proc.stderr


def test_export_reports_a_failing_function_without_traceback(tmp_path):
    module = tmp_path / "broken.py"
    module.write_text("import graphc as gc\n\ndef model():\n    return gc.placeholder((2,)) @ gc.placeholder((3,))\n")
    proc = graphc("export", module, "-o", tmp_path / "x.json", check_rc=1)
    assert "matmul" in proc.stderr and "Traceback" not in proc.stderr


def test_inspect_reports_ops_parameters_flops_kernels_and_memory(exported):
    proc = graphc("inspect", exported / "mlp.json", "--grad", "--shape", "x=32,8", "--shape", "labels=32", "--json")
    facts = json.loads(proc.stdout)
    loaded = gc.load(exported / "mlp.json")
    assert facts["ops"] == dict(Counter(n.op.name for n in loaded.nodes(grads=True)))
    assert facts["parameters"] == 8 * 16 + 16 + 16 * 4 + 4
    assert facts["shapes"] == {"labels": [32], "x": [32, 8]}
    assert facts["flops"]["by_op"]["matmul"] >= 2 * 32 * 8 * 16 + 2 * 32 * 16 * 4  # forward; the backward adds more
    assert facts["flops"]["total"] == sum(facts["flops"]["by_op"].values())
    memory = facts["memory"]
    assert 0 < memory["remat"]["peak_bytes"] <= memory["peak_bytes"]
    assert memory["remat"]["strategy"] == "sqrt"
    assert facts["kernels"] is None or len(facts["kernels"]) >= 1
    assert len(facts["gradients"]) == 4 and facts["adjoint_nodes"] > 0


def test_inspect_tables_and_missing_shapes(exported):
    out = graphc("inspect", exported / "seeds.json", "--grad").stdout
    assert "parameters: 0" in out and "FLOPs" in out and "memory plan" in out
    out = graphc("inspect", exported / "mlp.json").stdout  # feed-time batch size and no --shape: still a report
    assert "need concrete shapes" in out and "--shape labels=64 --shape x=64,8" in out
    proc = graphc("inspect", exported / "mlp.json", "--shape", "y=3", check_rc=2)
    assert "no such placeholder" in proc.stderr


def test_dot_source_colours_adjoint_nodes_and_clusters_fusion_groups(exported, tmp_path):
    from graphc.cli.dot import ADJOINT_COLOR, FORWARD_COLOR

    graphc("dot", exported / "seeds.json", "-o", tmp_path / "fwd.dot")
    forward = (tmp_path / "fwd.dot").read_text()
    assert forward.startswith("digraph") and FORWARD_COLOR in forward and ADJOINT_COLOR not in forward
    graphc("dot", exported / "seeds.json", "--grad", "-o", tmp_path / "grad.dot")
    loaded = gc.load(exported / "seeds.json")
    adjoint_ops = [n for n in loaded.nodes(grads=True) if n.id in loaded.adjoint_ids() and n.op.kind != "source"]
    assert (tmp_path / "grad.dot").read_text().count(ADJOINT_COLOR) == len(adjoint_ops) > 0
    proc = graphc("dot", exported / "mlp.json", "--grad", "--fusion", "--shape", "x=4,8", "--shape", "labels=4",
                  "-o", tmp_path / "fused.dot", check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(f"fusion pass not available: {proc.stderr}")
    assert proc.returncode == 0, proc.stderr
    assert "subgraph cluster_0" in (tmp_path / "fused.dot").read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
@pytest.mark.parametrize("suffix, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_dot_renders_svg_and_png(exported, tmp_path, suffix, magic):
    out = tmp_path / f"graph.{suffix}"
    graphc("dot", exported / "seeds.json", "--grad", "-o", out)
    data = out.read_bytes()
    assert magic in data[:400] and len(data) > 2000


def test_dot_without_graphviz_says_how_to_install_it(exported, tmp_path):
    empty = tmp_path / "no-bin"
    empty.mkdir()
    proc = graphc("dot", exported / "seeds.json", "-o", tmp_path / "g.svg", env={"PATH": str(empty)}, check_rc=1)
    assert "apt-get install graphviz" in proc.stderr and "-o GRAPH.dot" in proc.stderr
    assert not (tmp_path / "g.svg").exists()
    graphc("dot", exported / "seeds.json", "-o", tmp_path / "g.dot", env={"PATH": str(empty)})
    assert (tmp_path / "g.dot").is_file()


def test_run_feeds_npy_files_and_literals_and_matches_the_library(exported, tmp_path):
    x = np.random.default_rng(0).normal(size=(6, 8)).astype(np.float32)
    labels = np.array([0, 1, 2, 3, 0, 1], np.int32)
    np.save(tmp_path / "x.npy", x)
    np.savez(tmp_path / "labels.npz", labels=labels)
    graphc("run", exported / "mlp.json", "--feed", f"x={tmp_path / 'x.npy'}", "--feed",
           f"labels={tmp_path / 'labels.npz'}", "--grad", "-o", tmp_path / "out.npz")
    expected = gc.load(exported / "mlp.json").run({"x": x, "labels": labels}, grads=True)
    with np.load(tmp_path / "out.npz") as got:
        assert sorted(got.files) == sorted(expected)
        for key, value in expected.items():
            np.testing.assert_array_equal(got[key], value)
    out = graphc("run", exported / "seeds.json", "--feed", "x1=2", "--feed", "x2=5.0").stdout
    assert f"y = {np.log(2) + 10 - np.sin(5.0):.6g}"[:10] in out


def test_run_errors(exported, tmp_path):
    proc = graphc("run", exported / "seeds.json", "--feed", "x1=2", check_rc=1)
    assert "missing feed for placeholder(s) 'x2'" in proc.stderr
    proc = graphc("run", exported / "seeds.json", "--feed", "x1", check_rc=2)
    assert "expected NAME=" in proc.stderr
    proc = graphc("run", exported / "seeds.json", "--feed", "x1=1", "--feed", "x2=1", "--backend", "tpu", check_rc=1)
    assert "unknown backend 'tpu'" in proc.stderr


@pytest.mark.parametrize("backend", gc.backends.available_backends())
def test_run_on_every_backend_matches_the_oracle(exported, backend):
    proc = graphc("run", exported / "seeds.json", "--feed", "x1=2", "--feed", "x2=5", "--grad", "--backend", backend,
                  check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(proc.stderr)
    assert proc.returncode == 0, proc.stderr
    assert "dy/dx1 = 5.5" in proc.stdout


def test_malformed_graph_is_one_line_on_stderr_and_a_traceback_only_with_debug(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "graphc-graph", "version": 1, "nodes": [{"op": "frobnicate"}]')
    proc = graphc("inspect", bad, check_rc=1)
    assert proc.stderr.startswith("graphc inspect: error:") and "truncated" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    proc = graphc("inspect", bad, "--debug", check_rc=1)
    assert "Traceback" in proc.stderr and "GraphFormatError" in proc.stderr


@pytest.mark.parametrize("target, emit, marker", [("llvm", "llvm-ir", "define"), ("llvm", "asm", "ret")])
def test_compile_writes_generated_code_or_says_the_target_is_not_available(exported, tmp_path, target, emit, marker):
    out = tmp_path / f"out.{emit}"
    proc = graphc("compile", exported / "seeds.json", "--grad", "--target", target, "--emit", emit, "-o", out,
                  check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    assert marker in out.read_text()


def test_compile_cuda_writes_cuda_c_without_a_gpu_and_the_same_text_twice(exported, tmp_path):
    """Rendering CUDA C needs neither a GPU, a driver nor nvcc; the text depends only on the graph."""
    first, second = tmp_path / "a.cu", tmp_path / "b.cu"
    for out in (first, second):
        graphc("compile", exported / "mlp.json", "--grad", "--target", "cuda", "--shape", "x=4,8", "--shape",
               "labels=4", "-o", out)
    source = first.read_text()
    assert 'extern "C" __global__' in source and "_matmul(" in source and "gc_block_reduce" in source
    assert source == second.read_text()


@pytest.mark.skipif(shutil.which("nvcc") is None and not os.path.exists("/usr/local/cuda/bin/nvcc"),
                    reason="nvcc (the CUDA toolkit) is not installed: PTX cannot be compiled here")
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
def test_compile_cuda_writes_ptx_for_the_asked_arch(exported, tmp_path, arch):
    out = tmp_path / "seeds.ptx"
    graphc("compile", exported / "seeds.json", "--grad", "--target", "cuda", "--emit", "ptx", "--arch", arch, "-o", out)
    ptx = out.read_text()
    assert f".target {arch}" in ptx and ".entry k0_" in ptx


def test_compile_cuda_ptx_without_nvcc_is_one_line_and_exit_code_1(exported, tmp_path):
    out = tmp_path / "seeds.ptx"
    proc = graphc("compile", exported / "seeds.json", "--target", "cuda", "--emit", "ptx", "-o", out,
                  env={"GRAPHC_NVCC": str(tmp_path / "no-nvcc")}, check_rc=1)
    assert "not available: --target cuda --emit ptx: nvcc not found" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()
    proc = graphc("compile", exported / "seeds.json", "--target", "cuda", "--emit", "ptx", "--arch", "90", "-o", out,
                  check_rc=2)
    assert "--arch '90': expected sm_XY" in proc.stderr


def test_compile_rejects_an_emit_the_target_cannot_make(exported, tmp_path):
    proc = graphc("compile", exported / "seeds.json", "--target", "llvm", "--emit", "ptx", "-o", tmp_path / "x",
                  check_rc=2)
    assert "--target llvm emits llvm-ir or asm" in proc.stderr


@pytest.mark.slow  # 5-20 s: it compiles the benchmark's graphs for every strategy
def test_bench_remat_runs_a_tiny_benchmark():
    proc = graphc("bench", "remat", "--depths", "8", "--width", "32", "--batch", "64", "--repeats", "1",
                  "--no-residual", "--no-peers", check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    assert "depth 8 sqrt" in proc.stdout


@pytest.mark.slow  # 5-15 s: it imports the installed peers (JAX, PyTorch)
def test_bench_ops_runs_a_quick_benchmark():
    proc = graphc("bench", "ops", "--quick", "--only", "chain", "--repeat", "1", check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    assert "tanh chain" in proc.stdout


@pytest.mark.parametrize("which", ["remat", "ops"])  # not `benchmark`: pytest-benchmark owns that fixture name
def test_bench_finds_the_benchmark_and_passes_its_arguments(which):
    proc = graphc("bench", which, "--help", check_rc=None)
    if proc.returncode == 1 and "not available" in proc.stderr:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    assert f"usage: graphc bench {which}" in proc.stdout and "--quick" in proc.stdout
    proc = graphc("bench", which, "--no-such-option", check_rc=2)
    assert "unrecognized arguments: --no-such-option" in proc.stderr


# ---- hostile files and options: names, sizes, memory ---------------------------------------------

HOSTILE_NAMES = {
    "html": '<<TABLE><TR><TD><IMG SRC="/etc/local.png"/></TD></TR></TABLE>>',
    "terminal": "x\x1b[2J\x07\nforged line",
    "quotes": 'a"b\\N\\',
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A graph whose placeholder and output names carry HTML, escape sequences, quotes and backslashes."""
    path = tmp_path_factory.mktemp("hostile") / "h.json"
    x = gc.placeholder((2,), gc.float64, name=HOSTILE_NAMES["terminal"])
    gc.save(path, {name: op(x) for name, op in zip(HOSTILE_NAMES.values(), (gc.exp, gc.sin, gc.cos))})
    return path


def test_dot_labels_from_the_file_are_plain_quoted_text_never_html(hostile, tmp_path):
    graphc("dot", hostile, "-o", tmp_path / "h.dot")
    source = (tmp_path / "h.dot").read_text()
    assert "xlabel=<" not in source and "label=<" not in source  # no HTML label: no <IMG SRC=...> of local files
    assert 'xlabel="<<TABLE><TR><TD><IMG SRC=\\"/etc/local.png\\"/></TD></TR></TABLE>>"' in source
    assert 'xlabel="a\\"b\\\\N\\\\"' in source  # quotes and backslashes escaped: no \N expansion, no open string
    assert 'label="x\\\\x1b[2J\\\\x07\\\\nforged line\\nplaceholder' in source  # escapes shown, DOT's \n kept
    assert "\x1b" not in source and "\x07" not in source


def test_inspect_and_run_print_names_with_control_characters_escaped(hostile):
    out = graphc("inspect", hostile).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "placeholder  x\\x1b[2J\\x07\\nforged line" in out
    out = graphc("run", hostile, "--feed", f"{HOSTILE_NAMES['terminal']}=[1,2]").stdout
    assert "\x1b" not in out and "x\\x1b[2J\\x07\\nforged line [2] float64:" in out


def test_errors_quoting_file_text_stay_one_escaped_line(hostile, tmp_path):
    doc = json.loads(hostile.read_text())
    for node in doc["nodes"]:
        node["source"] = "y = f(x)\x1b]0;title\x07\nforged: error"
    doc["nodes"][0]["shape"] = doc["nodes"][0]["attrs"]["shape"] = [2, 2]  # every op now disagrees with its shape
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    proc = graphc("run", bad, "--feed", "x=1", check_rc=1)
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert proc.stderr.startswith("graphc run: error:") and proc.stderr.count("\n") == 1
    proc = graphc("run", hostile, "--feed", "nope=1", check_rc=1)
    assert "\x1b" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "'x\\x1b[2J\\x07\\nforged line'" in proc.stderr


def test_run_writes_outputs_whatever_their_names_and_refuses_paths_out_of_the_archive(tmp_path):
    x = gc.placeholder((2,), gc.float64, name="x")
    named = tmp_path / "named.json"
    gc.save(named, {"file": gc.exp(x), "allow_pickle": gc.sin(x), "dy/dx": gc.cos(x)})
    graphc("run", named, "--feed", "x=[1,2]", "-o", tmp_path / "out.npz")
    with np.load(tmp_path / "out.npz") as got:
        assert got.files == ["file", "allow_pickle", "dy/dx"]
        np.testing.assert_array_equal(got["allow_pickle"], np.sin([1.0, 2.0]))
    for name in ("../../../x", "/abs", "a//b", "a\\b", "tab\tname"):
        hostile = tmp_path / "escape.json"
        gc.save(hostile, {name: gc.exp(x), "ok": gc.sin(x)})
        proc = graphc("run", hostile, "--feed", "x=[1,2]", "-o", tmp_path / "bad.npz", check_rc=1)
        assert "cannot name a file in an .npz archive" in proc.stderr
        assert not (tmp_path / "bad.npz").exists() and not list(tmp_path.glob(".bad.npz*"))


def test_shape_sizes_are_bounded_like_the_files(exported):
    proc = graphc("inspect", exported / "mlp.json", "--shape", f"x={10**20},8", "--shape", "labels=4", check_rc=2)
    assert "sizes are limited to 1099511627776 per axis" in proc.stderr and "internal error" not in proc.stderr
    proc = graphc("inspect", exported / "mlp.json", "--shape", f"x={1 << 30},{1 << 30}", check_rc=2)
    assert "68719476736 elements" in proc.stderr


@pytest.fixture(scope="module")
def terabytes(tmp_path_factory):
    """A file of a few KB whose program needs 1.5 TiB: within the format's limits, beyond any machine's memory."""
    path = tmp_path_factory.mktemp("big") / "big.json"
    x = gc.placeholder((), gc.float64, name="x")
    b = gc.broadcast_to(x, (1 << 18, 1 << 18))
    gc.save(path, {"y": gc.sum(gc.matmul(gc.exp(b), gc.sin(b)))})
    return path


@pytest.mark.parametrize("backend", gc.backends.available_backends())
def test_run_refuses_a_program_over_the_memory_limit_before_allocating(terabytes, backend):
    proc = graphc("run", terabytes, "--feed", "x=1", "--backend", backend, check_rc=1)
    assert "more than the memory limit of" in proc.stderr and "(the memory available on this machine)" in proc.stderr
    assert re.search(r"largest buffers: \w+ \(262144, 262144\) float64 512\.0 GiB", proc.stderr)
    assert "internal error" not in proc.stderr
    proc = graphc("run", terabytes, "--feed", "x=1", "--backend", backend, env={"GRAPHC_MEMORY_LIMIT": "64G"},
                  check_rc=1)
    assert "more than the memory limit of 64.0 GiB (GRAPHC_MEMORY_LIMIT=64G)" in proc.stderr


def test_compile_refuses_and_inspect_reports_a_plan_over_the_memory_limit(terabytes, tmp_path):
    proc = graphc("compile", terabytes, "--target", "cuda", "-o", tmp_path / "big.cu", "--memory-limit", "1T",
                  check_rc=1)
    assert "the program needs 1.5 TiB (the compiled kernels' arena and outputs), more than the memory limit of " \
           "1.0 TiB (--memory-limit 1T)" in proc.stderr
    assert not (tmp_path / "big.cu").exists()
    graphc("compile", terabytes, "--target", "cuda", "-o", tmp_path / "big.cu", "--memory-limit", "none")
    out = graphc("inspect", terabytes, "--memory-limit", "1T").stdout
    assert "over the memory limit of 1.0 TiB" in out and "compiled kernels with remat sqrt" in out
    facts = json.loads(graphc("inspect", terabytes, "--json", "--memory-limit", "2T").stdout)
    assert facts["memory"]["limit_bytes"] == 2 << 40 and facts["memory"]["over_limit"] == []
    proc = graphc("run", terabytes, "--feed", "x=1", "--memory-limit", "lots", check_rc=2)
    assert "--memory-limit: expected a byte count such as 1073741824 or 8G, or none; got 'lots'" in proc.stderr


@pytest.mark.parametrize("error, message", [(MemoryError("Unable to allocate 8 TiB"), "out of memory"),
                                            (OverflowError("int too large to convert"), "a size is too large")])
def test_memory_and_overflow_errors_are_errors_not_internal_errors(exported, monkeypatch, capsys, error, message):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("graphc.serialize.load", fail)
    assert main(["inspect", str(exported / "seeds.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"graphc inspect: error: {message}: {error}") and "internal error" not in err
