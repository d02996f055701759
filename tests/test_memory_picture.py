"""The memory plan as a picture: from the API and the CLI, buffers coloured by what made them, the live-bytes curve."""

import subprocess
import sys
from pathlib import Path

import pytest
from test_remat import NETS, feed

import graphc as gc
from graphc.backends import available_backends
from graphc.errors import GraphcError
from graphc.memory_picture import live_bytes, roles

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

pytest.importorskip("matplotlib")


def compiled(remat, backend="numpy", net="mlp", depth=10):
    x, outputs = NETS[net](depth)
    f = gc.function([x], outputs, remat=remat, backend=backend)
    f(feed())
    return f


def assert_picture(path: Path):
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000, len(data)


@pytest.mark.parametrize("backend", ["numpy"] + (["llvm"] if "llvm" in available_backends() else []))
def test_the_plan_draws_itself_from_the_api(backend, tmp_path):
    plan = compiled("sqrt", backend).memory_plan()
    assert plan.plot(tmp_path / "mem.png") == tmp_path / "mem.png"
    assert_picture(tmp_path / "mem.png")


def test_buffers_are_coloured_by_the_pass_that_made_them():
    plain = compiled("none").memory_plan()
    assert set(roles(plain, plain.source.program).values()) == {"forward", "adjoint"}
    remat = compiled("sqrt").memory_plan()
    assert "recomputed" in roles(remat, remat.source.program).values()


@pytest.mark.parametrize("remat", ["none", "sqrt"])
def test_the_live_bytes_curve_peaks_at_the_plans_lower_bound(remat):
    plan = compiled(remat).memory_plan()
    curve = live_bytes(plan)
    assert len(curve) == plan.n_steps
    assert max(curve) == plan.lower_bound_bytes <= plan.peak_bytes


def test_the_comparison_curves_are_the_same_program_without_remat_and_with_sqrt():
    plan = compiled("sqrt").memory_plan()
    plans = plan.source.comparisons()
    assert plans["sqrt"].peak_bytes == plan.peak_bytes < plans["none"].peak_bytes


def test_without_matplotlib_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    plan = compiled("none").memory_plan()
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(GraphcError, match="pip install matplotlib"):
        plan.plot(tmp_path / "mem.png")


def test_an_unwritable_path_is_a_graphc_error(tmp_path):
    with pytest.raises(GraphcError, match="cannot write the memory picture"):
        compiled("none").memory_plan().plot(tmp_path / "no" / "such" / "mem.png")


def graphc(*args, check_rc=0):
    proc = subprocess.run([sys.executable, "-m", "graphc", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == check_rc, proc.stderr
    return proc


@pytest.fixture(scope="module")
def deep_chain(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graphs")
    graphc("export", REPO / "examples" / "models.py:deep_chain", "-o", folder / "deep.json", "--grad")
    return folder / "deep.json"


def test_the_cli_draws_the_plan(deep_chain, tmp_path):
    proc = graphc("inspect", deep_chain, "--grad", "--remat", "sqrt", "--plot-memory", tmp_path / "mem.png")
    assert_picture(tmp_path / "mem.png")
    assert "wrote the memory plan" in proc.stderr and "memory plan" in proc.stdout


def test_the_cli_reports_an_unwritable_picture_without_a_traceback(deep_chain, tmp_path):
    proc = graphc("inspect", deep_chain, "--grad", "--plot-memory", tmp_path / "no" / "mem.png", check_rc=1)
    assert "cannot write the memory picture" in proc.stderr and "Traceback" not in proc.stderr


def test_the_cli_takes_the_optimal_planner(deep_chain):
    proc = graphc("inspect", deep_chain, "--grad", "--remat", "optimal", "--remat-time-limit", "2", "--json")
    import json

    remat = json.loads(proc.stdout)["memory"]["remat"]
    assert remat["strategy"] == "optimal" and remat["planner"] in ("optimal", "sqrt")
    bad = graphc("inspect", deep_chain, "--remat-planner", "best", check_rc=2)
    assert "invalid choice: 'best'" in bad.stderr and "Traceback" not in bad.stderr
