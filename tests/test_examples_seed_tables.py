"""examples/seed_tables.py prints the seeds' forward and reverse tables with the seeds' numbers."""

import importlib.util
import pathlib
import re

import numpy as np
import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "seed_tables.py"

# node: (value, tangent for d/dx1, adjoint dy/dv_i), as in the seeds' tables at (x1, x2) = (2, 5)
SEED = {
    "v_-1": (2.0, 1.0, 5.5),
    "v0": (5.0, 0.0, 1.716),
    "v1": (0.693, 0.5, 1.0),
    "v2": (10.0, 5.0, 1.0),
    "v3": (-0.959, 0.0, -1.0),
    "v4": (10.693, 5.5, 1.0),
    "v5": (11.652, 5.5, 1.0),
}


def _run_main(capsys):
    spec = importlib.util.spec_from_file_location("seed_tables", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    return capsys.readouterr().out


def _table(block):
    rows = {}
    for line in block.splitlines():
        match = re.match(r"\s*(v_-1|v\d)\s+.*?\s(-?\d+\.\d{4})\s+(-?\d+\.\d{4})\s*$", line)
        if match:
            rows[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    return rows


def test_printed_tables_match_the_seed(capsys):
    out = _run_main(capsys)
    forward_block, reverse_block = out.split("Reverse mode")
    forward, reverse = _table(forward_block), _table(reverse_block)
    assert set(forward) == set(reverse) == set(SEED)
    for name, (value, tangent, adjoint) in SEED.items():
        assert forward[name][0] == pytest.approx(value, abs=5e-4), name
        assert forward[name][1] == pytest.approx(tangent, abs=5e-4), name
        assert reverse[name][0] == pytest.approx(value, abs=5e-4), name
        assert reverse[name][1] == pytest.approx(adjoint, abs=5e-4), name
    assert "y = 11.6521, dy/dx1 = 5.5000, dy/dx2 = 1.7163" in out


def test_reverse_table_lists_nodes_from_output_to_inputs(capsys):
    reverse_block = _run_main(capsys).split("Reverse mode")[1]
    names = re.findall(r"^\s*(v_-1|v\d)\s", reverse_block, flags=re.M)
    assert names == ["v5", "v4", "v3", "v2", "v1", "v0", "v_-1"]


def test_the_control_flow_example_has_gradient_f_over_a(capsys):
    out = _run_main(capsys).split("Control flow")[1]
    lines = [line for line in out.splitlines() if line.startswith("a = ")]
    assert len(lines) == 3 and all(line.endswith("a.grad == f(a)/a: True") for line in lines)
    spec = importlib.util.spec_from_file_location("seed_tables", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for _, d, g, ratio in module.control_flow_rows((0.3, -0.3, 7.0, (0.5, -1.2, 2.0))):
        assert g == pytest.approx(ratio, rel=1e-12)
        assert np.linalg.norm(d) >= 1000.0  # the loop ran until the norm reached 1000
