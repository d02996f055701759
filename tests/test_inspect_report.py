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
from pathlib import Path

import numpy as np
import pytest

import graphc as gc
from graphc.cli import build_parser

SNAPSHOTS = Path(__file__).parent / "snapshots"


def chain(n_ops: int) -> dict:
    """matmuls, biases, tanh, scaling and residual sines in turn (tests/test_inspect_scaling.py's chain)."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((None, 8), gc.float32, name="x")
    h = x
    for i in range(n_ops):
        k = i % 5
        if k == 0:
            h = h @ gc.variable(rng.normal(size=(8, 8)).astype(np.float32) * 0.1, name=f"w{i}")
        elif k == 1:
            h = h + gc.variable(np.zeros(8, np.float32), name=f"b{i}")
        elif k == 2:
            h = gc.tanh(h)
        elif k == 3:
            h = h * 0.9
        else:
            h = gc.sin(h) + h
    return {"loss": gc.mean(h * h)}


def random_dag(n_ops: int) -> dict:
    """Elementwise ops, broadcasts and row means over mostly recent values (benchmarks/bench_compile.py's)."""
    rng = np.random.default_rng(1)
    x = gc.placeholder((None, 8), gc.float32, name="x")
    nodes = [x, x * gc.variable(rng.normal(size=(8,)).astype(np.float32), name="v")]
    unary = [gc.tanh, gc.sin, gc.sigmoid, lambda a: a * 0.5, gc.neg]
    binary = [gc.add, gc.subtract, gc.multiply, gc.maximum]
    for _ in range(n_ops):
        r = rng.random()
        a = nodes[int(rng.integers(max(0, len(nodes) - 50), len(nodes)))]
        if r < 0.45:
            nodes.append(unary[int(rng.integers(len(unary)))](a))
        elif r < 0.9:
            nodes.append(binary[int(rng.integers(len(binary)))](a, nodes[int(rng.integers(len(nodes)))]))
        else:
            nodes.append(a - gc.mean(a, axis=1, keepdims=True))
    return {"loss": gc.sum(nodes[-1]) + gc.sum(nodes[len(nodes) // 2])}


CASES = {
    "inspect_chain_sqrt": (lambda: chain(400), ["--remat", "sqrt"]),
    "inspect_chain_budget": (lambda: chain(400), ["--remat", "60K"]),
    "inspect_random_sqrt": (lambda: random_dag(1200), ["--remat", "sqrt"]),
}


def report(outputs: dict, options: list[str], path: Path) -> str:
    gc.save(path, outputs)
    args = build_parser().parse_args(["inspect", str(path), "--grad", "--shape", "x=16,8", "--memory-limit", "1G",
                                      "--json", *options])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert args.run(args) == 0
    facts = json.loads(out.getvalue())
    facts["graph"] = path.name  # the temporary folder's name is not a fact of the graph
    return json.dumps(facts, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_inspect_reports_the_figures_of_its_snapshot(case, tmp_path):
    build, options = CASES[case]
    text = report(build(), options, tmp_path / f"{case}.json")
    path = SNAPSHOTS / f"{case}.json"
    if os.environ.get("GRAPHC_UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}: run with GRAPHC_UPDATE_SNAPSHOTS=1 to make it"
    assert json.loads(text) == json.loads(path.read_text()), f"inspect's report differs from {path}"
