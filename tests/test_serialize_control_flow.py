"""Control-flow bodies in the graph format (issue 19): version 2 stores each body as a subgraph; a file
round-trips to the same values and gradients, nested bodies included; hostile bodies are refused with a
GraphFormatError; graphs without control flow are still written (and read) as version 1."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import graphc as gc


def model():
    """A cond, a while loop and a scan whose body holds a cond, all reading a variable."""
    x = gc.placeholder((3,), gc.float64, name="x")
    w = gc.variable(np.array([0.5, -0.3, 0.2]), name="w")
    y = gc.cond(gc.sum(x) > 0, lambda v: gc.exp(v) * w + 1.0, lambda v: v - w, x)

    def step(c, xt):
        inner = gc.cond(gc.sum(xt) > 1.0, lambda u: u * w, lambda u: gc.sin(u), xt)
        return gc.tanh(c * w + inner), gc.sum(c)

    c, ys = gc.scan(step, x, gc.constant(np.linspace(-1.0, 1.0, 15).reshape(5, 3)))
    grown = gc.while_loop(lambda b: gc.sum(b * b) < 1e6, lambda b: b * 2.0 + w, x, max_iterations=100)
    return x, w, gc.sum(y) + gc.sum(c) + gc.sum(ys) + gc.sum(grown)


def test_a_graph_with_control_flow_round_trips_with_its_gradients(tmp_path):
    x, w, loss = model()
    path = gc.save(tmp_path / "cf.json", {"loss": loss}, grads=True)
    assert json.loads(path.read_text())["version"] == 2
    loaded = gc.load(path)
    want = gc.function([x], [loss, gc.grad(loss, w)])
    for value in ([0.1, 0.2, 0.3], [-0.4, 0.1, 0.2]):
        got = loaded.run({"x": np.array(value)}, grads=True)
        expected = want(np.array(value))
        assert got["loss"] == expected[0]
        np.testing.assert_array_equal(got["dloss/dw"], expected[1])
    # a saved gradient's bodies hold derivative bodies, nested: saving the loaded graph again is stable
    again = gc.save(tmp_path / "again.json", loaded.outputs, grads=loaded.gradients)
    assert gc.load(again).run({"x": np.array([0.1, 0.2, 0.3])}) == loaded.run({"x": np.array([0.1, 0.2, 0.3])})


def test_a_graph_without_control_flow_is_still_version_1(tmp_path):
    x = gc.placeholder((2,), gc.float64, name="x")
    path = gc.save(tmp_path / "plain.json", {"y": gc.sin(x)})
    assert json.loads(path.read_text())["version"] == 1
    assert gc.load(path).run({"x": np.zeros(2)})["y"].tolist() == [0.0, 0.0]


def _mutated(tmp_path, change):
    _, _, loss = model()
    path = gc.save(tmp_path / "cf.json", {"loss": loss})
    doc = json.loads(path.read_text())
    scan = next(n for n in doc["nodes"] if n["op"] == "scan")
    change(scan["attrs"]["body"], doc)
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("change, message", [
    (lambda body, doc: body.update(captures=[99]), "captures must be distinct positions"),
    (lambda body, doc: body.update(outputs=[999]), "outputs must be a list of the body's node indices"),
    (lambda body, doc: body.pop("params"), "a body is an object with the fields"),
    (lambda body, doc: body["params"][0].update(dtype="float32"),
     r"cf.json: node \d+ \(scan\): attribute 'body': scan body: node \d+ \(sum\): the file declares shape \[\] "
     r"float64, but its inputs give \[\] float32"),
    (lambda body, doc: body["nodes"].append({"op": "sin", "inputs": [999], "shape": [], "dtype": "float64"}),
     "cond true branch: node|scan body: node"),
    (lambda body, doc: doc.update(version=1) or body.update(name=7), "name must be a string"),
])
def test_hostile_bodies_are_refused_with_a_clear_error(tmp_path, change, message):
    with pytest.raises(gc.GraphFormatError, match=message):
        gc.load(_mutated(tmp_path, change))


def test_inspect_lists_the_bodies(tmp_path):
    _, _, loss = model()
    path = gc.save(tmp_path / "cf.json", {"loss": loss})
    proc = subprocess.run([sys.executable, "-m", "graphc", "inspect", str(path), "--json"], capture_output=True,
                          text=True, check=True)
    bodies = json.loads(proc.stdout)["bodies"]
    assert [(b["op"], b["body"], b["depth"]) for b in bodies] == [
        ("cond", "cond true branch", 0), ("cond", "cond false branch", 0), ("scan", "scan body", 0),
        ("cond", "cond true branch", 1), ("cond", "cond false branch", 1),
        ("while_loop", "while_loop condition", 0), ("while_loop", "while_loop body", 0)]
    text = subprocess.run([sys.executable, "-m", "graphc", "inspect", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "control-flow bodies (subgraphs): 7" in text


def test_dot_draws_each_body_as_a_cluster(tmp_path):
    pytest.importorskip("graphviz")
    _, _, loss = model()
    path = gc.save(tmp_path / "cf.json", {"loss": loss})
    subprocess.run([sys.executable, "-m", "graphc", "dot", str(path), "-o", str(tmp_path / "cf.dot")], check=True,
                   capture_output=True)
    source = (tmp_path / "cf.dot").read_text()
    assert source.count("subgraph cluster_body_") == 7  # cond (2), scan (1) with its cond (2), while (2)
    for label in ("cond true branch of cond_", "scan body of scan_", "while_loop condition of while_loop_"):
        assert label in source
