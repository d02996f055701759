"""The compiled view of a saved graph: specialised to concrete shapes, simplified, rematerialised, fused.

`graphc inspect`, `graphc dot --fusion` and `graphc compile` look at what a
backend would compile, not only at the graph as saved.  This module runs the
passes in the backends' order (simplify → rematerialize → fuse → plan memory)
on the program of a LoadedGraph's fetches, and says clearly when a stage has
not been built into this installation.

    view = compiled_view(graph, grads=True, shapes={"x": (64, 784), "labels": (64,)}, remat="sqrt")
    view.program, view.fusion_groups(), view.memory_plan().peak_bytes
"""

from __future__ import annotations

from dataclasses import dataclass

from graphc.cli.common import NotAvailableError, UsageError
from graphc.errors import printable
from graphc.ir import Node, toposort
from graphc.program import Program, specialize


def feed_shapes(inputs: list[Node], shapes: dict[str, tuple]) -> list[tuple]:
    """Each placeholder's concrete shape: its own when static, else the one given with --shape."""
    names = {p.label for p in inputs}
    unknown = sorted(set(shapes) - names)
    if unknown:
        raise UsageError(f"--shape {', '.join(map(printable, unknown))}: no such placeholder (the graph's: "
                         f"{', '.join(map(printable, sorted(names))) or 'none'})")
    out, missing = [], []
    for p in inputs:
        given = shapes.get(p.label)
        if given is None:
            if not p.is_static:
                missing.append(p)
            out.append(p.shape)
            continue
        if len(given) != len(p.shape) or any(d is not None and d != g for d, g in zip(p.shape, given)):
            raise UsageError(f"--shape {printable(p.label)}={','.join(map(str, given))} does not fit the placeholder's "
                             f"shape {_fmt(p.shape)}")
        out.append(tuple(given))
    if missing:
        described = ", ".join(f"{printable(p.label)} {_fmt(p.shape)}" for p in missing)
        example = " ".join(f"--shape {printable(p.label)}=" + ",".join("64" if d is None else str(d) for d in p.shape)
                           for p in missing)
        raise UsageError(f"feed-time sizes in {described}: give concrete ones, e.g. {example}")
    return out


def _fmt(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


@dataclass
class CompiledView:
    program: Program          # specialised, simplified and (when asked) rematerialised
    before_remat: Program     # specialised and simplified
    names: list[str]          # one per program output: the forward outputs, then the gradients
    n_forward: int

    @property
    def nodes(self) -> list[Node]:
        return self.program.nodes()

    @property
    def outputs(self) -> dict[str, Node]:
        return dict(zip(self.names, self.program.outputs))

    @property
    def adjoint_ids(self) -> set[int]:
        forward = {n.id for n in toposort(self.program.outputs[: self.n_forward])}
        return {n.id for n in self.nodes} - forward - {n.id for n in self.nodes if n.op.kind == "source"}

    def fusion_groups(self) -> list[list[Node]]:
        return [list(g.members) for g in fuse(self.program).groups]

    def memory_plan(self, remat: bool = True):
        from graphc.passes.memory_plan import plan_program_memory

        return plan_program_memory(self.program if remat else self.before_remat)


def fuse(program: Program):
    try:
        from graphc.passes.fusion import fuse as fuse_program
    except ImportError as exc:
        raise NotAvailableError("fusion groups", f"the fusion pass (graphc/passes/fusion.py) is not available yet: "
                                            f"{exc}") from None
    return fuse_program(program)


def compiled_view(graph, grads: bool, shapes: dict[str, tuple], remat="none") -> CompiledView:
    from graphc.passes import simplify
    from graphc.passes.remat import rematerialize

    fetches = graph.fetches(grads)
    inputs = graph.inputs_for(grads)
    program = specialize(inputs, list(fetches.values()), [], feed_shapes(inputs, shapes))
    program = simplify(program)
    return CompiledView(rematerialize(program, remat), program, list(fetches), len(graph.outputs))
