"""The shortcuts of simplification sweeps make the programs the plain steps make.

A rebuilt node takes its shape and dtype without its shape rule when its op says the rule reads
only shapes and dtypes (`Op.infers_from_shapes`, `remake_node`); a sweep over an unmerged program
puts off CSE until some node is replaced.  Both are checked against the step they stand for, on
the gradient graph of the random family `graphc inspect --grad` is measured on.
"""

import sys
from pathlib import Path

import graphc as gc
import graphc.passes.registry as passes_registry
from graphc.ir import Node, toposort
from graphc.ops.registry import make_node, remake_node
from graphc.ops.source import placeholder_op
from graphc.passes import run_passes
from graphc.program import specialize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_inspect import save_graph  # noqa: E402


def _gradient_program(tmp_path):
    graph = gc.load(save_graph("random", 2000, tmp_path)).with_gradients()
    inputs = graph.inputs_for(True)
    return specialize(inputs, list(graph.fetches(True).values()), [], [(64, 16)])


def _described(program) -> list:
    order = program.nodes()
    position = {n.id: k for k, n in enumerate(order)}
    return [(n.op.name, [position[i.id] for i in n.inputs], n.shape, str(n.dtype), n.name, n.source)
            for n in order] + [[position[r.id] for r in program.roots]]


def test_a_remade_node_has_what_its_shape_rule_gives(tmp_path):
    program = _gradient_program(tmp_path)
    checked = 0
    for node in toposort(program.roots):
        if not node.op.infers_from_shapes or not node.inputs or node.source is None:
            continue
        stand_ins = [Node(placeholder_op, (), {"shape": i.shape, "dtype": i.dtype}, i.shape, i.dtype)
                     for i in node.inputs]
        remade, made = remake_node(node, stand_ins), make_node(node.op, stand_ins, node.attrs, source=node.source)
        assert (remade.shape, remade.dtype) == (made.shape, made.dtype), node
        assert remade.inputs == tuple(stand_ins) and remade.attrs is node.attrs and remade.source == node.source
        checked += 1
    assert checked > 1000


def test_sweeps_with_cse_put_off_make_the_same_program(tmp_path, monkeypatch):
    program = _gradient_program(tmp_path)
    sweep, unmerged = passes_registry._sweep, []

    def spied(*args):
        unmerged.append(args[5] if len(args) > 5 else False)
        return sweep(*args)

    monkeypatch.setattr(passes_registry, "_sweep", spied)
    shortcut = _described(run_passes(program))
    assert any(unmerged) and not all(unmerged)  # the phases after the first, a fixed point's last sweep
    monkeypatch.setattr(passes_registry, "_unmerged", lambda order, table, keys: False)
    monkeypatch.setattr(passes_registry, "_same_roots", lambda program, roots: False)
    plain = _described(run_passes(program))
    assert shortcut == plain
