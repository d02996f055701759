"""LoadedGraph's answers made from its one walk of the fetches: node_ids and adjoint_count are what the nodes
and adjoint_ids say (graphc inspect asks them of a 100k-node graph, instead of making sets of its ids)."""

from __future__ import annotations

import numpy as np

import graphc as gc


def test_node_ids_and_adjoint_count_agree_with_the_nodes(tmp_path):
    x = gc.placeholder((None, 3), gc.float32, name="x")
    unused = gc.placeholder((2,), gc.float32, name="unused")
    w = gc.variable(np.ones((3, 2), np.float32), name="w")
    loss = gc.sum(gc.tanh(x @ w))
    gc.save(tmp_path / "m.json", {"loss": loss, "other": unused * 2.0})
    graph = gc.load(tmp_path / "m.json").with_gradients()
    for grads in (False, True):
        assert graph.node_ids(grads) == {n.id for n in graph.nodes(grads)}
        assert graph.node_ids(grads) is graph.node_ids(grads)  # made once
    assert graph.adjoint_count() == len(graph.adjoint_ids()) > 0
    assert [p.name for p in graph.inputs_for(True)] == ["x", "unused"]
    graph.outputs.pop("other")  # another set of fetches: another walk, other ids
    assert graph.node_ids(False) == {n.id for n in graph.nodes(False)}
    assert [p.name for p in graph.inputs_for(False)] == ["x"]
