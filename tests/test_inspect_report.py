"""`graphc inspect --grad` reports the same figures as its snapshot in tests/snapshots/.

A guard for making inspect faster: sharing work between its plans (the node-by-node
plan, the kernels' plan, the "sqrt" candidates judged by each) must not change one
number it prints.  Every fact of the report is compared (`--json`: FLOPs, every kernel,
every peak, what remat recomputes), on a chain like tests/test_inspect_scaling.py's and
on a random graph, with "sqrt" and with a byte budget.  The memory limit is given, so
that the report does not depend on this machine's free memory.  A change meant to alter
the report updates the snapshots on purpose:

    GRAPHC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_inspect_report.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from test_inspect_scaling import chain  # tests/ is on the path, as pytest runs them

import graphc as gc
from graphc.cli import build_parser

SNAPSHOTS = Path(__file__).parent / "snapshots"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_compile  # noqa: E402  (the random graphs whose inspect time docs/performance.md gives)


def random_dag(n_ops: int) -> dict:
    """benchmarks/bench_compile.py's random DAG: elementwise ops, broadcasts and row means over recent values."""
    _, loss, _ = bench_compile.random_graph(n_ops, np.random.default_rng(1))
    return {"loss": loss}


CASES = {  # (graph saved at a path, its x's shape, inspect's options)
    "inspect_chain_sqrt": (lambda path: chain(400, path), "x=16,8", ["--remat", "sqrt"]),
    "inspect_chain_budget": (lambda path: chain(400, path), "x=16,8", ["--remat", "60K"]),
    "inspect_random_sqrt": (lambda path: gc.save(path, random_dag(1200)), "x=16,16", ["--remat", "sqrt"]),
}


def report(path: Path, shape: str, options: list[str]) -> str:
    args = build_parser().parse_args(["inspect", str(path), "--grad", "--shape", shape, "--memory-limit", "1G",
                                      "--json", *options])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert args.run(args) == 0
    facts = json.loads(out.getvalue())
    facts["graph"] = path.name  # the temporary folder's name is not a fact of the graph
    return json.dumps(facts, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_inspect_reports_the_figures_of_its_snapshot(case, tmp_path):
    save, shape, options = CASES[case]
    text = report(save(tmp_path / f"{case}.json"), shape, options)
    path = SNAPSHOTS / f"{case}.json"
    if os.environ.get("GRAPHC_UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}: run with GRAPHC_UPDATE_SNAPSHOTS=1 to make it"
    assert json.loads(text) == json.loads(path.read_text()), f"inspect's report differs from {path}"
