"""gc.save / gc.load: exact round trips on every backend, and a malformed or hostile file is a GraphFormatError.

The oracle for a round trip is the graph before saving: the loaded graph must
give bitwise the same results on the same backend.  For broken files the
contract is that nothing but `GraphFormatError` escapes, with a message that
says what is wrong and where.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc import backends, serialize_schema
from graphc.control.subgraph import bodies_of
from graphc.control.while_checkpoint import checkpoint_loops
from graphc.ir import toposort
from graphc.ops.registry import REGISTRY
from graphc.program import Program

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import models  # noqa: E402 - examples/ is not a package

RNG = np.random.default_rng(0)


# ---- graphs to round-trip ---------------------------------------------------------------------


def seeds_graph():
    return models.seeds(), {"x1": np.float64(2.0), "x2": np.float64(5.0)}


def mlp_graph():
    feeds = {"x": RNG.normal(size=(5, 8)).astype(np.float32), "labels": np.array([0, 3, 1, 2, 3], np.int32)}
    return models.tiny_mlp(), feeds


def kitchen_sink_graph():
    """Every kind of op and attribute: reductions, shapes, slices, concatenation, casts, masks, constants."""
    x = gc.placeholder((None, 6), gc.float64, name="x")
    k = gc.placeholder((None,), gc.int32, name="k")
    w = gc.variable(RNG.normal(size=(6, 4)), name="w")
    h = gc.tanh(x @ w) + gc.constant(np.linspace(-1, 1, 4))
    parts = gc.concatenate([h, gc.exp(-h), gc.sqrt(gc.abs(h) + 1.0)], axis=1)
    sliced = parts[:, 1:10:2]
    t = gc.transpose(gc.reshape(sliced, (-1, 5)))
    masked = gc.where(t > 0.1, t ** 2, gc.power(t, 3.0) * 0.5)
    e = gc.expand_dims(gc.max(masked, axis=0), 1)
    s = gc.squeeze(e, 1) + gc.min(masked, axis=0)
    onehot = gc.one_hot(k, 5, gc.float64)
    mixed = gc.cast(gc.cast(s * 3.0, gc.int32), gc.float64) + gc.sum(onehot, axis=1)
    stats = gc.mean(mixed) + gc.logsumexp(h, axis=1)[0] + gc.sigmoid(gc.log1p(gc.abs(gc.sin(s)))).sum()
    stats = stats + gc.maximum(gc.cos(s), gc.expm1(s * 0.1)).sum() - gc.minimum(s, 0.0).sum()
    stats = stats + gc.broadcast_to(gc.sum(s), (3,)).sum() + gc.sign(s).sum() + gc.relu(gc.floor(s)).sum()
    stats = stats + gc.stop_gradient(s).sum() / gc.stack([s, s]).sum()
    logic = gc.logical_or(gc.logical_and(s > 0, gc.logical_not(s < 1)), gc.equal(s, 2.0))
    stats = stats + gc.where(gc.not_equal(s, 0.0) & (s >= -3) | logic, s, 0.0).sum()
    stats = stats + (x[0, :] ** x[1, :]).sum() + gc.mean(x) + gc.where(s <= 2.0, 1.0, 0.0).sum()
    inverse = gc.arcsin(gc.tanh(s)) + gc.arccos(gc.sigmoid(s)) + gc.arctan(s) + gc.arctan2(s, 2.0) + gc.erf(s)
    stats = stats + (inverse + s % 1.5 + s // 0.7).sum()
    # collectives (one rank here: each is its input) and, in the gradients, reduce_to
    spread = gc.distributed.broadcast(gc.distributed.allreduce(s, "mean"), root=0)
    stats = stats + (gc.distributed.allreduce(spread, "max") * gc.distributed.allreduce(s, "sum")).sum()
    # random draws: one of fixed shape, one sized by a feed-time size (dropout)
    stats = stats + (gc.random.normal((2,), gc.float64, seed=6) * gc.nn.dropout(x, 0.5, seed=7)[0, :2]).sum()
    # linear algebra: host steps between compiled parts (the complete SVD has no derivative: not differentiated)
    sq = gc.matmul(gc.transpose(w), w) + gc.constant(3.0 * np.eye(4))
    vals, vecs = gc.linalg.eigh(sq)
    u, sv, vh = gc.linalg.svd(w, full_matrices=False)
    stats = stats + gc.linalg.solve(sq, h[0]).sum() + gc.linalg.inv(sq).sum() + gc.linalg.det(sq) * 1e-3
    stats = stats + gc.linalg.slogdet(sq).logabsdet * gc.linalg.slogdet(sq).sign + gc.linalg.cholesky(sq).sum()
    stats = stats + gc.linalg.solve_triangular(sq, h[0], lower=True).sum() + vals.sum() + (vecs * vecs).sum()
    stats = stats + (u * u).sum() + sv.sum() + (vh * vh).sum() + gc.stop_gradient(gc.linalg.svd(w)[0]).sum()
    # integer-array indexing: gather (take, x[:, idx], take_along_axis) and, in the gradients, scatter_add
    picked = gc.take(x, [0, -1], axis=1) * x[:, [1, 2]]
    stats = stats + picked.sum() + gc.take_along_axis(x, gc.expand_dims(gc.minimum(k, 5), 1), 1).sum()
    stats = stats + (gc.scatter_add(h, [1, 1, -1], h[:, :3], axis=1) ** 2).sum()
    # control flow: bodies are subgraphs in the format (version 2), their parameters body_param nodes
    looped = gc.while_loop(lambda v: gc.sum(v * v) < 100.0, lambda v: v * 1.5 + 0.1, gc.sin(w), max_iterations=99)
    carried, ys = gc.scan(lambda c, row: (c * 0.5 + row, gc.sum(c)), gc.constant(np.zeros(4)), w)
    flow = gc.sum(looped) + gc.sum(carried) + gc.sum(ys)
    stats = stats + gc.cond(flow > 0, lambda a: a * 2.0, lambda a: a - 1.0, flow)
    # remat's while-loop checkpoints (while_checkpoints, while_steps): built after differentiation, not differentiated
    spun = gc.while_loop(lambda v: gc.sum(v * v) < 50.0, lambda v: v * 1.3, gc.cos(w[0]), max_iterations=40)
    swept = checkpoint_loops(Program([], [], [gc.grad(gc.sum(spun), w)], [], [])).outputs[0]
    stats = stats + gc.stop_gradient(swept).sum()
    feeds = {"x": RNG.uniform(0.5, 1.5, size=(3, 6)), "k": np.array([0, 4, 7], np.int32)}
    return {"stats": stats, "masked": masked}, feeds


GRAPHS = {"seeds": seeds_graph, "mlp": mlp_graph, "kitchen_sink": kitchen_sink_graph}


def _backends():
    return backends.available_backends()


def _run_original(outputs: dict, grads: dict, feeds: dict, backend: str):
    nodes = toposort(list(outputs.values()))
    placeholders = {n.name: n for n in nodes if n.op.name == "placeholder"}
    fetches = list(outputs.values()) + list(grads.values())
    try:
        sess = gc.Session(backend=backend)
        return sess.run(fetches, {placeholders[k]: v for k, v in feeds.items()})
    except gc.BackendError as exc:
        pytest.skip(f"backend {backend} cannot run here: {exc}")


@pytest.mark.parametrize("backend", _backends())
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_round_trip_gives_bitwise_equal_results_on_every_backend(tmp_path, name, backend):
    outputs, feeds = GRAPHS[name]()
    grads = gc.serialize.default_gradients(outputs)
    expected = _run_original(outputs, grads, feeds, backend)
    path = gc.save(tmp_path / "g.json", outputs, grads=grads)
    loaded = gc.load(path)
    got = loaded.run(feeds, backend=backend, grads=True)
    assert list(got) == list(outputs) + list(grads)
    for want, (key, value) in zip(expected, got.items()):
        assert value.dtype == want.dtype and value.shape == want.shape, key
        np.testing.assert_array_equal(value, want, err_msg=key)


def test_kitchen_sink_covers_every_op_of_the_format(tmp_path):
    outputs, _ = kitchen_sink_graph()
    grads = gc.serialize.default_gradients(outputs)
    nodes = toposort(list(outputs.values()) + list(grads.values()))
    inside = [n for _, body, _ in bodies_of(nodes) for n in body.params + tuple(body.order)]
    ops = {n.op.name for n in nodes + inside}
    missing = set(REGISTRY) - ops
    assert not missing, f"not exercised by the round-trip graphs: {missing}"


def test_every_registered_op_declares_its_facts():
    """Arity and attribute schema come from the op itself: the format has no table of its own to forget."""
    for name, op in REGISTRY.items():
        assert isinstance(op.arity, int) and op.arity >= 0 or (
            isinstance(op.arity, tuple) and op.arity[1] is None and op.arity[0] >= 0), name
        assert set(op.attributes.values()) <= set(serialize_schema.ATTRIBUTE_TYPES), name
        assert all(0 <= k < (op.arity if isinstance(op.arity, int) else op.arity[0]) for k in op.shape_only), name
        assert op.view in (None, "whole", "part") and isinstance(op.commutative, bool), name
        assert op.commutative <= (op.arity == 2), name


def test_the_format_accepts_exactly_the_registered_ops(tmp_path):
    """A file may hold an op exactly when the registry has it: any other name is refused by name."""
    import json

    x = gc.placeholder((2,), gc.float32, name="x")
    gc.save(tmp_path / "g.json", {"y": gc.exp(x)})
    doc = json.loads((tmp_path / "g.json").read_text())
    for name in [n for n, op in REGISTRY.items() if op.arity == 1 and not op.attributes] + ["not_an_op"]:
        doc["nodes"][1]["op"] = name
        (tmp_path / "h.json").write_text(json.dumps(doc))
        try:
            gc.load(tmp_path / "h.json")
        except gc.GraphFormatError as exc:
            assert name == "not_an_op" or "unknown op" not in str(exc), (name, exc)
            if name == "not_an_op":
                assert "unknown op 'not_an_op'" in str(exc)
        else:
            assert name != "not_an_op"


def test_loaded_graph_names_inputs_outputs_and_state(tmp_path):
    outputs, _ = mlp_graph()
    loaded = gc.load(gc.save(tmp_path / "m.json", outputs, grads=True))
    assert list(loaded.outputs) == ["loss"]
    assert list(loaded.gradients) == ["dloss/dW1", "dloss/db1", "dloss/dW2", "dloss/db2"]
    assert set(loaded.placeholders) == {"x", "labels"}
    assert list(loaded.variables) == ["W1", "b1", "W2", "b2"]
    originals = {n.name: n for n in toposort([outputs["loss"]]) if n.op.name == "variable"}
    for name, var in loaded.variables.items():
        np.testing.assert_array_equal(var.value, originals[name].value)


def test_loaded_variables_are_independent_state(tmp_path):
    v = gc.variable(np.arange(3.0), name="v")
    loaded = gc.load(gc.save(tmp_path / "v.json", {"y": v * 2.0}))
    loaded.variables["v"].assign(np.zeros(3))
    np.testing.assert_array_equal(v.value, np.arange(3.0))
    np.testing.assert_array_equal(loaded.run({})["y"], np.zeros(3))


def test_large_arrays_go_to_the_side_npz_and_small_ones_inline(tmp_path):
    small, big = gc.variable(np.ones(4, np.float32), name="small"), gc.variable(np.ones(5000, np.float32), name="big")
    path = gc.save(tmp_path / "a.json", {"y": gc.sum(small) + gc.sum(big)})
    doc = json.loads(path.read_text())
    arrays = {n["name"]: n["attrs"]["value"] for n in doc["nodes"] if n["op"] == "variable"}
    assert "base64" in arrays["small"] and "npz" in arrays["big"]
    assert doc["arrays"] == "a.npz" and (tmp_path / "a.npz").is_file()
    assert gc.load(path).run({})["y"] == 5004


def test_non_finite_attributes_and_constants_round_trip(tmp_path):
    x = gc.placeholder((3,), gc.float32, name="x")
    y = gc.maximum(x, gc.constant(np.array([-np.inf, np.nan, np.inf], np.float32))) + gc.power(x, -1.5)
    loaded = gc.load(gc.save(tmp_path / "n.json", {"y": y}))
    feed = np.array([1.0, 2.0, 3.0], np.float32)
    np.testing.assert_array_equal(loaded.run({"x": feed})["y"], gc.Session().run(y, {x: feed}))


def test_saving_names_that_cannot_be_told_apart_is_refused(tmp_path):
    a, b = gc.placeholder((), name="x"), gc.placeholder((), name="x")
    with pytest.raises(gc.GraphcError, match="two placeholders are named 'x'"):
        gc.save(tmp_path / "d.json", {"y": a + b})
    with pytest.raises(gc.GraphcError, match="two outputs are named"):
        gc.save(tmp_path / "d.json", [a * 1.0, a * 2.0][:1] + [gc.neg(a, name="output0")])


def test_run_reports_missing_and_unknown_feeds(tmp_path):
    outputs, _ = seeds_graph()
    loaded = gc.load(gc.save(tmp_path / "s.json", outputs))
    with pytest.raises(gc.FeedError, match="missing feed for placeholder"):
        loaded.run({"x1": 1.0})
    with pytest.raises(gc.FeedError, match="no placeholder named 'z'"):
        loaded.run({"x1": 1.0, "x2": 2.0, "z": 3.0})


def test_gradients_computed_after_loading_match_saved_ones(tmp_path):
    outputs, feeds = seeds_graph()
    plain = gc.load(gc.save(tmp_path / "p.json", outputs)).with_gradients()
    saved = gc.load(gc.save(tmp_path / "g.json", outputs, grads=True))
    assert list(plain.gradients) == list(saved.gradients) == ["dy/dx1", "dy/dx2"]
    got, want = plain.run(feeds, grads=True), saved.run(feeds, grads=True)
    assert list(got) == list(want)
    for key in want:  # pytest.approx (since pytest 9) takes no dict of 0-d arrays
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, err_msg=key)
    assert saved.adjoint_ids() and not (saved.adjoint_ids() & {n.id for n in toposort(saved.outputs.values())})


# ---- malformed and hostile files ---------------------------------------------------------------


@pytest.fixture
def seeds_doc(tmp_path):
    path = gc.save(tmp_path / "seeds.json", models.seeds(), grads=True)
    return json.loads(path.read_text())


def _write(tmp_path, doc, name="bad.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _node(doc, op):
    return next(n for n in doc["nodes"] if n["op"] == op)


def _mutations():
    """name -> (change the seeds document in place, or return replacement text; expected message)."""
    def set_in(getter, key, value):
        def change(doc):
            getter(doc)[key] = value
        return change

    def huge_placeholder(doc):
        n = _node(doc, "placeholder")
        n["shape"] = n["attrs"]["shape"] = [1 << 30, 1 << 30]

    def forward_ref(doc):
        _node(doc, "log")["inputs"] = [len(doc["nodes"]) - 1]

    def self_ref(doc):
        i = doc["nodes"].index(_node(doc, "sin"))
        doc["nodes"][i]["inputs"] = [i]

    def broadcast_mismatch(doc):
        for n in doc["nodes"]:
            if n["op"] == "placeholder":
                n["shape"] = n["attrs"]["shape"] = [2] if n["name"] == "x1" else [3]
        _node(doc, "log")["shape"] = [2]

    def bad_shape_decl(doc):
        _node(doc, "log")["shape"] = [2]

    def swap_dtype(doc):
        _node(doc, "sin")["dtype"] = "float32"

    def fill_int32_with(value):
        def change(doc):
            fill = _node(doc, "fill_like")
            fill["attrs"] = {"value": value, "dtype": "int32"}
            fill["dtype"] = "int32"
        return change

    return {
        "truncated": (lambda doc: json.dumps(doc)[:300], "truncated"),
        "empty": (lambda doc: "", "not valid JSON"),
        "not json": (lambda doc: "graph: {nodes: 3}", "not valid JSON"),
        "binary": (lambda doc: "\x00\x01\x02", "not valid JSON"),
        "a list": (lambda doc: "[1, 2, 3]", "not a graph file"),
        "wrong format": (set_in(lambda d: d, "format", "onnx"), "not a graph file"),
        "wrong version": (set_in(lambda d: d, "version", 3), "version 3 is not supported"),
        "missing version": (lambda doc: doc.pop("version") and None, "version None is not supported"),
        "unknown top field": (set_in(lambda d: d, "extra", 1), "unknown field"),
        "unknown op": (set_in(lambda d: _node(d, "sin"), "op", "frobnicate"), "unknown op 'frobnicate'"),
        "op not a string": (set_in(lambda d: _node(d, "sin"), "op", ["sin"]), "unknown op"),
        "wrong arity": (set_in(lambda d: _node(d, "add"), "inputs", [0]), "add takes 2 inputs, the file gives 1"),
        "too many inputs": (set_in(lambda d: _node(d, "sin"), "inputs", [0, 0]), "sin takes 1 input"),
        "input not an int": (set_in(lambda d: _node(d, "sin"), "inputs", ["0"]), "not an earlier node"),
        "forward reference": (forward_ref, "not an earlier node"),
        "self reference (cycle)": (self_ref, "not an earlier node"),
        "negative input": (set_in(lambda d: _node(d, "sin"), "inputs", [-1]), "not an earlier node"),
        "huge shape": (huge_placeholder, "more than the limit"),
        "too many axes": (set_in(lambda d: _node(d, "placeholder"), "shape", [1] * 100), "limit of 32 axes"),
        "negative dim": (set_in(lambda d: _node(d, "placeholder"), "shape", [-3]), "not an integer in"),
        "bool as dim": (set_in(lambda d: _node(d, "placeholder"), "shape", [True]), "not an integer in"),
        "shapes don't broadcast": (broadcast_mismatch, "cannot be broadcast"),
        "declared shape disagrees": (bad_shape_decl, "declares shape [2]"),
        "declared dtype disagrees": (swap_dtype, "declares shape [] float32"),
        "unsupported dtype": (set_in(lambda d: _node(d, "sin"), "dtype", "complex64"), "dtype 'complex64'"),
        "missing attr": (set_in(lambda d: _node(d, "placeholder"), "attrs", {"shape": []}), "missing dtype"),
        "extra attr": (set_in(lambda d: _node(d, "sin"), "attrs", {"axis": 1}), "unexpected axis"),
        "bad attr type": (set_in(lambda d: _node(d, "fill_like")["attrs"], "value", "one"), "expected a number"),
        "bad attr dtype": (set_in(lambda d: _node(d, "fill_like")["attrs"], "dtype", "object"), "dtype 'object'"),
        "unknown node field": (set_in(lambda d: _node(d, "sin"), "code", "import os"), "unknown field(s) code"),
        "node not an object": (lambda doc: doc["nodes"].append(7), "must be an object"),
        "nodes not a list": (set_in(lambda d: d, "nodes", {"0": 1}), "nodes: missing, or not a list"),
        "no outputs": (set_in(lambda d: d, "outputs", []), "outputs: missing"),
        "output out of range": (set_in(lambda d: d, "outputs", [{"name": "y", "node": 999}]), "node 999 does not"),
        "duplicate outputs": (set_in(lambda d: d, "outputs", [{"name": "y", "node": 1}] * 2), "two outputs"),
        "output and gradient clash": (set_in(lambda d: d["gradients"][0], "name", "y"), "names both"),
        "NaN literal": (lambda doc: json.dumps(doc).replace('"value": 1', '"value": NaN'), "not valid JSON"),
        "deep nesting": (lambda doc: "[" * 100_000 + "]" * 100_000, "not a graph file"),
        "huge integer": (lambda doc: json.dumps(doc).replace('"version": 1', '"version": ' + "9" * 5000),
                         "not a graph file"),
        "duplicate placeholder names": (lambda doc: [n.update(name="x1") for n in doc["nodes"]
                                                     if n["op"] == "placeholder"] and None, "two placeholders"),
        "integer beyond 64 bits": (set_in(lambda d: _node(d, "fill_like")["attrs"], "value", 1 << 63),
                                   "out of range (a 64-bit integer)"),
        "integer fill of another dtype's range": (fill_int32_with(1 << 40), "out of the range of int32"),
        "huge metadata": (set_in(lambda d: d, "metadata", {"notes": "x" * (1 << 20)}), "bytes of JSON"),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_malformed_file_is_a_clear_format_error(tmp_path, seeds_doc, case):
    change, message = MUTATIONS[case]
    result = change(seeds_doc)
    path = _write(tmp_path, result if isinstance(result, str) else seeds_doc)
    with pytest.raises(gc.GraphFormatError, match=re.escape(message)) as info:
        gc.load(path)
    assert str(path) in str(info.value) or case in ("deep nesting",)


def _attr_case(build, mutate, message, tmp_path):
    path = gc.save(tmp_path / "a.json", build())
    doc = json.loads(path.read_text())
    mutate(doc)
    with pytest.raises(gc.GraphFormatError, match=message):
        gc.load(_write(tmp_path, doc))


def test_out_of_range_axes_are_format_errors_not_index_errors(tmp_path):
    def x():
        return gc.placeholder((2, 1), gc.float32, name="x")

    _attr_case(lambda: {"y": gc.squeeze(x(), 1)},
               lambda d: _node(d, "squeeze")["attrs"].update(axes=[5]), "out of range", tmp_path)
    _attr_case(lambda: {"y": gc.sum(x(), 0)},
               lambda d: _node(d, "sum")["attrs"].update(axes=[1, 0]), "increasing and distinct", tmp_path)
    _attr_case(lambda: {"y": gc.concatenate([x()] * 2, 1)},
               lambda d: _node(d, "concatenate")["attrs"].update(axis=7), "out of range", tmp_path)


def test_slices_reshapes_and_conditions_are_checked(tmp_path):
    def x():
        return gc.placeholder((4, 3), gc.float32, name="x")

    def masked():
        v = x()
        return {"y": gc.where(v > 0, v, 0.0)}

    _attr_case(lambda: {"y": x()[1:3]}, lambda d: _node(d, "slice")["attrs"].update(index=[[0, 1, 1]]),
               "1 slice triples for a 2-d operand", tmp_path)
    _attr_case(lambda: {"y": x()[1:3]}, lambda d: _node(d, "slice")["attrs"].update(index=[[0, 1, 0], [0, 1, 1]]),
               "step cannot be zero", tmp_path)
    _attr_case(lambda: {"y": gc.reshape(x(), (3, 4))}, lambda d: _node(d, "reshape")["attrs"].update(shape=[5, 5]),
               "cannot reshape", tmp_path)
    _attr_case(masked, lambda d: _node(d, "where").update(inputs=[_node_index(d, "placeholder")] * 3),
               "condition must be bool", tmp_path)
    _attr_case(lambda: {"y": gc.one_hot(gc.placeholder((2,), gc.int32, name="k"), 3)},
               lambda d: _node(d, "one_hot").update(attrs={"depth": 1 << 40, "dtype": "float32"}, shape=[2, 1 << 40]),
               "more than the limit", tmp_path)


def _node_index(doc, op):
    return next(i for i, n in enumerate(doc["nodes"]) if n["op"] == op)


def _resize_placeholder(name, shape):
    def change(doc):
        node = next(n for n in doc["nodes"] if n.get("name") == name)
        node["shape"] = node["attrs"]["shape"] = shape
    return change


def _then(*changes):
    def change(doc):
        for c in changes:
            c(doc)
    return change


def _set_shape(op, shape):
    return lambda doc: _node(doc, op).update(shape=shape)


def test_shape_only_operands_must_fit_what_numpy_computes(tmp_path):
    """The ops that read an operand for its shape: shapes numpy would refuse at run time are refused at load."""
    from graphc.ops.registry import make_node
    from graphc.ops.shape import broadcast_like_op, concat_part_op, reshape_like_op, slice_grad_op, sum_to_like_op

    def x():
        return gc.placeholder((2, 3), gc.float64, name="x")

    def like(shape):
        return gc.placeholder(shape, gc.float64, name="like")

    _attr_case(lambda: {"y": make_node(reshape_like_op, (x(), like((3, 2))), {})},
               _then(_resize_placeholder("like", [4, 2]), _set_shape("reshape_like", [4, 2])),
               r"cannot reshape 6 elements into \(4, 2\)", tmp_path)
    _attr_case(lambda: {"y": make_node(sum_to_like_op, (x(), like((1, 3))), {})},
               _then(_resize_placeholder("like", [2, 2]), _set_shape("sum_to_like", [2, 2])),
               "cannot be broadcast together", tmp_path)
    _attr_case(lambda: {"y": make_node(broadcast_like_op, (like((1, 3)), x()), {})},
               _then(_resize_placeholder("x", [2, 1]), _set_shape("broadcast_like", [2, 1])),
               r"cannot broadcast \(1, 3\) to \(2, 1\)", tmp_path)
    index = {"index": ((0, 1, 1), (None, None, None))}
    _attr_case(lambda: {"y": make_node(slice_grad_op, (like((1, 3)), x()), index)},
               _resize_placeholder("like", [2, 3]), "is not that of the slice", tmp_path)
    _attr_case(lambda: {"y": make_node(concat_part_op, (like((4, 3)), x(), gc.placeholder((2, 3), gc.float64,
                                                                                          name="z")),
                                       {"axis": 0, "index": 1})},
               _resize_placeholder("like", [3, 3]), "is not the concatenation's", tmp_path)


@pytest.fixture
def npz_graph(tmp_path):
    path = gc.save(tmp_path / "m.json", {"y": gc.sum(gc.variable(np.arange(2000.0), name="v"))})
    return path, json.loads(path.read_text())


def test_missing_npz_says_where_it_was_expected(npz_graph):
    path, _ = npz_graph
    path.with_suffix(".npz").unlink()
    with pytest.raises(gc.GraphFormatError, match="side file .*m.npz .* is missing"):
        gc.load(path)


def test_npz_holding_pickles_is_refused(npz_graph):
    path, _ = npz_graph
    with open(path.with_suffix(".npz"), "wb") as f:
        np.savez(f, n0=np.array([{"evil": 1}] * 2000, dtype=object))
    with pytest.raises(gc.GraphFormatError, match="cannot read 'n0'.*pickles"):
        gc.load(path)


def test_npz_header_claiming_a_huge_array_is_refused_before_allocating(npz_graph):
    path, _ = npz_graph
    header = {"descr": "<f8", "fortran_order": False, "shape": (1 << 40,)}
    with zipfile.ZipFile(path.with_suffix(".npz"), "w") as archive, archive.open("n0.npy", "w") as f:
        np.lib.format.write_array_header_1_0(f, header)
        f.write(b"\0" * 64)
    with pytest.raises(gc.GraphFormatError, match=r"is \[1099511627776\] float64, the graph declares \[2000\]"):
        gc.load(path)


def test_npz_array_of_the_wrong_shape_or_size_is_refused(npz_graph):
    path, _ = npz_graph
    with open(path.with_suffix(".npz"), "wb") as f:
        np.savez(f, n0=np.arange(10.0))
    with pytest.raises(gc.GraphFormatError, match=r"is \[10\] float64, the graph declares \[2000\] float64"):
        gc.load(path)
    with open(path.with_suffix(".npz"), "wb") as f:
        np.savez(f, n0=np.zeros(100_000))
    with pytest.raises(gc.GraphFormatError, match="more than shape"):
        gc.load(path)


def test_npz_outside_the_graphs_folder_is_refused(tmp_path, npz_graph):
    path, doc = npz_graph
    for name in ("../m.npz", "/etc/passwd", "", 3):
        doc["arrays"] = name
        with pytest.raises(gc.GraphFormatError, match="must name a file in the graph's own folder"):
            gc.load(_write(tmp_path, doc))


def test_npz_that_is_not_a_zip_is_refused(npz_graph):
    path, _ = npz_graph
    path.with_suffix(".npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(gc.GraphFormatError, match="not a readable .npz"):
        gc.load(path)


def test_inline_array_with_wrong_byte_count_is_refused(tmp_path):
    path = gc.save(tmp_path / "c.json", {"y": gc.constant(np.arange(4.0)) * 2.0})
    doc = json.loads(path.read_text())
    _node(doc, "constant")["attrs"]["value"]["shape"] = [5]
    with pytest.raises(gc.GraphFormatError, match="base64 data does not hold 40 bytes"):
        gc.load(_write(tmp_path, doc))
    _node(doc, "constant")["attrs"]["value"].update(shape=[4], base64="!" * 44)
    with pytest.raises(gc.GraphFormatError, match="bad base64"):
        gc.load(_write(tmp_path, doc))
    _node(doc, "constant")["attrs"]["value"].update(shape=[1 << 30])
    with pytest.raises(gc.GraphFormatError, match="too large to be inline"):
        gc.load(_write(tmp_path, doc))


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(gc.GraphFormatError, match="cannot read graph file"):
        gc.load(tmp_path / "nope.json")


# ---- what a file may cost: memory and the terminal -----------------------------------------------


def test_a_file_too_large_to_parse_is_refused_before_reading_it(tmp_path, seeds_doc):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(serialize_schema.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(gc.GraphFormatError, match="larger than the limit of 67108864"):
        gc.load(path)
    small = _write(tmp_path, seeds_doc)
    with pytest.raises(gc.GraphFormatError, match=r"may take up to 25 times as much memory, more than the memory "
                                                  r"limit of 1\.0 KiB \(memory_limit=1K\)"):
        gc.load(small, memory_limit="1K")
    assert gc.load(small, memory_limit="none").outputs


def _deflated_npz_graph(tmp_path, n: int) -> Path:
    """A graph whose variable of n float64 zeros is a deflated .npz member: n * 8 bytes in a file of n / 128."""
    path = gc.save(tmp_path / "m.json", {"y": gc.sum(gc.variable(np.arange(2000.0), name="v"))})
    doc = json.loads(path.read_text())
    variable = _node(doc, "variable")
    variable["shape"] = variable["attrs"]["value"]["shape"] = [n]
    path.write_text(json.dumps(doc))
    with zipfile.ZipFile(path.with_suffix(".npz"), "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("n0.npy", "w") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": (n,)})
        for _ in range(n // (1 << 17)):
            f.write(bytes(1 << 20))
    return path


def test_npz_arrays_beyond_the_memory_limit_are_refused_before_decompressing(tmp_path):
    path = _deflated_npz_graph(tmp_path, 1 << 24)  # 128 MiB declared, 130 KB on disk
    assert path.with_suffix(".npz").stat().st_size < 1 << 20
    with pytest.raises(gc.GraphFormatError, match=r"node 0 \(variable\).*arrays need 128\.0 MiB up to here, more "
                                                  r"than the memory limit of 64\.0 MiB"):
        gc.load(path, memory_limit="64M")


def test_npz_arrays_are_read_into_memory_once_not_copied(tmp_path):
    import tracemalloc

    path = _deflated_npz_graph(tmp_path, 1 << 21)  # 16 MiB
    tracemalloc.start()
    try:
        value = gc.load(path).variables["v"].attrs["store"].value
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert value.shape == (1 << 21,) and value.dtype == np.float64 and value.flags.c_contiguous and not value.any()
    assert peak < 1.25 * value.nbytes


def test_npz_with_more_members_than_a_graph_has_nodes_is_refused(npz_graph, monkeypatch):
    path, _ = npz_graph
    with zipfile.ZipFile(path.with_suffix(".npz"), "a") as archive:
        for k in range(4):
            archive.writestr(f"junk{k}.npy", b"")
    monkeypatch.setattr(serialize_schema, "MAX_NODES", 3)
    with pytest.raises(gc.GraphFormatError, match="a directory of 5 members"):
        gc.load(path)


def test_running_out_of_memory_while_loading_is_a_format_error(tmp_path, seeds_doc, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(json, "loads", exhausted)
    with pytest.raises(gc.GraphFormatError, match="out of memory while reading the graph"):
        gc.load(_write(tmp_path, seeds_doc))


def test_a_small_file_asking_for_terabytes_is_refused_before_numpy_allocates(tmp_path):
    x = gc.placeholder((), gc.float64, name="x")
    path = gc.save(tmp_path / "t.json", {"y": gc.sum(gc.exp(gc.broadcast_to(x, (1 << 18, 1 << 18))))})
    assert path.stat().st_size < 3000
    with pytest.raises(gc.MemoryLimitError, match=r"largest buffers: (broadcast_to|exp) \(262144, 262144\) "
                                                  r"float64 512\.0 GiB") as info:
        gc.load(path).run({"x": 1.0}, memory_limit="16G")
    assert "more than the memory limit of 16.0 GiB (memory_limit=16G)" in str(info.value)


def test_source_lines_from_a_file_are_kept_printable(tmp_path, seeds_doc):
    for node in seeds_doc["nodes"]:
        node["source"] = "x = 1\x1b[2J\x07\nforged line"
    _resize_placeholder("x1", [2])(seeds_doc)
    _resize_placeholder("x2", [3])(seeds_doc)
    _set_shape("log", [2])(seeds_doc)
    with pytest.raises(gc.GraphFormatError, match="cannot be broadcast") as info:
        gc.load(_write(tmp_path, seeds_doc))
    message = str(info.value)
    assert message.endswith("\n  at x = 1\\x1b[2J\\x07\\nforged line") and message.count("\n") == 1


# ---- every op's shape rule accepts only what its numpy semantics compute ------------------------

_SHAPES = [(), (1,), (2,), (3,), (1, 3), (2, 1), (2, 3), (3, 2), (1, 2, 3)]
_DTYPES = [np.dtype(d) for d in ("float32", "float64", "int32", "int64", "bool")]
_ATTR_SAMPLES = {
    "axes": [(), (0,), (1,), (0, 1)], "bool": [False, True], "count": [0, 1, 2],
    "dtype": [np.dtype("float32"), np.dtype("int32"), np.dtype("bool")],
    "number": [2.0, -1.0, 0.5, 3, 1 << 40, (1 << 63) - 1, float("nan"), float("inf")],
    "reshape_spec": [(6,), (-1,), (3, 2), (2, -1), (4,)], "axes_any_order": [(0,), (1, 0), (2, 0, 1)],
    "dims_static": [(2, 3), (3,), (2, 2, 3)], "dims": [(2, 3), (3,), (None, 3)],
    "slices": [((None, None, None),), ((0, 1, 1),), ((None, None, -1), (1, None, 2)), ((5, 1, 1), (0, 9, 1))],
}


def _cases(op_name: str):
    import itertools

    arity = REGISTRY[op_name].arity
    n = arity if isinstance(arity, int) else arity[0] + 1
    kinds = REGISTRY[op_name].attributes
    attr_sets = [dict(zip(kinds, values)) for values in itertools.product(*(_ATTR_SAMPLES[k] for k in kinds.values()))]
    shapes = _SHAPES if n < 3 else _SHAPES[:5]
    dtypes = _DTYPES if n < 3 else _DTYPES[1::2]
    for shape_set in itertools.product(shapes, repeat=n):
        for dtype_set in itertools.product(dtypes, repeat=n) if n < 3 else [(gc.bool_, d, d) for d in dtypes]:
            for attrs in attr_sets:
                yield shape_set, dtype_set, attrs


# control-flow ops take bodies (subgraphs) that no sampled attribute stands for: their rules check the operands
# against the traced bodies (tests/test_serialize_control_flow.py feeds them hostile bodies)
@pytest.mark.parametrize("op_name", sorted(op for op in REGISTRY
                                           if REGISTRY[op].kind not in ("source", "control")))
def test_every_shape_rule_accepts_only_what_numpy_computes(op_name):
    """The loader rebuilds each node with its op's shape rule: what the rule accepts, the numpy oracle must run."""
    import warnings

    from graphc.ops.registry import make_node

    op, rng = REGISTRY[op_name], np.random.default_rng(0)
    for shapes, dtypes, attrs in _cases(op_name):
        inputs = [gc.placeholder(s, d) for s, d in zip(shapes, dtypes)]
        try:
            serialize_schema.check_attrs_fit_inputs(op_name, attrs, inputs, "here")
            node = make_node(op, inputs, dict(attrs))
        except gc.GraphcError:
            continue
        arrays = [(rng.random(s) * 3 + 0.5).astype(d) if d.kind != "b" else rng.random(s) > 0.5
                  for s, d in zip(shapes, dtypes)]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = np.asarray(op.compute(node.attrs, *arrays))
            except gc.GraphcError:
                continue
        assert out.shape == node.shape, (shapes, [str(d) for d in dtypes], attrs)


# ---- fuzzing: whatever the bytes, only GraphFormatError -----------------------------------------

_SEEDS_TEXT = None


def _seeds_text(tmp_dir: Path) -> str:
    global _SEEDS_TEXT
    if _SEEDS_TEXT is None:
        _SEEDS_TEXT = gc.save(tmp_dir / "fuzz_seed.json", models.mlp(sizes=(3, 2)), grads=True).read_text()
    return _SEEDS_TEXT


def _load_only_format_errors(path: Path):
    try:
        gc.load(path)
    except gc.GraphFormatError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_byte_level_corruption_is_only_ever_a_format_error(tmp_path, data):
    text = _seeds_text(tmp_path)
    pos = data.draw(st.integers(0, len(text) - 1))
    junk = data.draw(st.text(alphabet='0123456789-[]{}",:.e ntrufalsx', max_size=6))
    cut = data.draw(st.integers(0, 6))
    path = tmp_path / "fuzz.json"
    path.write_text(text[:pos] + junk + text[pos + cut:])
    _load_only_format_errors(path)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-(1 << 45), 1 << 45) | st.floats(allow_nan=False)
                           | st.text(max_size=5), lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_structural_corruption_is_only_ever_a_format_error(tmp_path, data):
    doc = json.loads(_seeds_text(tmp_path))
    node = data.draw(st.sampled_from(doc["nodes"]))
    field = data.draw(st.sampled_from(["op", "inputs", "shape", "dtype", "attrs", "name"]))
    if field == "attrs" and node.get("attrs") and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(node["attrs"])))
        node["attrs"][key] = data.draw(JSON_VALUES)
    elif field == "inputs" and node["inputs"]:
        node["inputs"][data.draw(st.integers(0, len(node["inputs"]) - 1))] = data.draw(st.integers(-3, 400))
    else:
        node[field] = data.draw(JSON_VALUES)
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc))
    _load_only_format_errors(path)


def test_metadata_round_trips_and_must_be_json(tmp_path):
    x = gc.placeholder((), name="x")
    loaded = gc.load(gc.save(tmp_path / "m.json", {"y": x * 2.0}, metadata={"dataset": "mnist", "epochs": [1, 2]}))
    assert loaded.metadata == {"dataset": "mnist", "epochs": [1, 2]}
    with pytest.raises(gc.GraphcError, match="metadata must be a dict of JSON values"):
        gc.save(tmp_path / "m.json", {"y": x * 2.0}, metadata={"bad": object()})
