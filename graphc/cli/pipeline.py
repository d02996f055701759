"""The compiled view of a saved graph: specialised to concrete shapes, simplified, rematerialised, fused.

`graphc inspect`, `graphc dot --fusion` and `graphc compile` look at what a
backend would compile, not only at the graph as saved.  This module runs
graphc.pipeline's stages (the ones the llvm backend runs, each once) on the
program of a LoadedGraph's fetches, and says clearly when a stage has not been
built into this installation.

    view = compiled_view(graph, grads=True, shapes={"x": (64, 784), "labels": (64,)}, remat="sqrt")
    view.program, view.fusion_groups(), view.memory_plan().peak_bytes
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

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
    program: Program          # specialised, simplified and (when asked) rematerialised node by node
    before_remat: Program     # specialised and simplified
    names: list[str]          # one per program output: the forward outputs, then the gradients
    n_forward: int
    remat: str | int = "none"
    planner_options: dict | None = None   # remat_planner, remat_time_limit (graphc.pipeline.Options)
    reuse: Any = None                     # graphc.pipeline.Reuse: what the stages built, shared by the views
    node_plans: dict = field(default_factory=dict)  # id(program) -> (program, its node-by-node MemoryPlan)

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

    @functools.cached_property
    def kernels(self):
        """The llvm backend's pipeline up to its memory plan, without remat (graphc.pipeline.Built)."""
        if self.remat != "none":  # its search fuses and lowers the program unchanged too: done once
            _ = self.remat_kernels
        return _kernel_stages(self.before_remat, "none", reuse=self.reuse)

    @functools.cached_property
    def remat_kernels(self):
        """The same with this view's remat: the program, stats and arena the llvm backend builds."""
        if self.remat == "none":
            return self.kernels
        built = _kernel_stages(self.before_remat, self.remat, self.planner_options, self.reuse)
        self.reuse.remat = None  # both judges are done: the candidates they rejected can go
        return built

    def fusion_groups(self) -> list[list[Node]]:
        return [list(g.members) for g in self.kernels.fusion.groups]

    def memory_plan(self, remat: bool = True):
        return self.plan_nodes(self.program if remat else self.before_remat)

    def plan_nodes(self, program: Program):
        """`plan_program_memory(program)`, made once per program (remat's search plans both of this view's)."""
        from graphc.passes.memory_plan import plan_program_memory

        if id(program) not in self.node_plans:
            self.node_plans[id(program)] = (program, plan_program_memory(program))
        return self.node_plans[id(program)][1]


def _kernel_stages(simplified: Program, remat, planner_options: dict | None = None, reuse=None):
    """graphc.pipeline's llvm stages on an already simplified program; plans over the memory limit
    are built (inspect reports them), not refused."""
    from graphc import pipeline

    options = pipeline.Options.of(planner_options, remat=remat)
    _refuse_control_flow(simplified)
    try:
        return pipeline.run(simplified, options, pipeline.LLVM, simplified=True, check_memory=False, reuse=reuse)
    except ImportError as exc:
        raise NotAvailableError("fusion groups", f"the compiled backends' stages (fusion, lowering) are not "
                                                 f"available: {exc}") from None


def _refuse_control_flow(program: Program) -> None:
    if any(n.op.kind == "control" for n in program.nodes()):
        raise NotAvailableError("fusion groups", "a program with control flow compiles as segments around its "
                                                 "control nodes, each body on its own (graphc/control/executable.py),"
                                                 " not as one program")


def fuse(program: Program):
    _refuse_control_flow(program)
    try:
        from graphc.passes.fusion import fuse as fuse_program
    except ImportError as exc:
        raise NotAvailableError("fusion groups", f"the fusion pass (graphc/passes/fusion.py) is not available yet: "
                                            f"{exc}") from None
    return fuse_program(program)


def compiled_view(graph, grads: bool, shapes: dict[str, tuple], remat="none",
                  planner_options: dict | None = None) -> CompiledView:
    """Specialise and simplify the graph's fetches once (graphc.pipeline's first stages, as the
    compiled backends run them); the later stages run when asked, each once."""
    from graphc import pipeline
    from graphc.control.loop_remat import rematerialize_loops
    from graphc.passes.memory_plan import program_live_peak
    from graphc.passes.remat import rematerialize

    fetches = graph.fetches(grads)
    inputs = graph.inputs_for(grads)
    program = specialize(inputs, list(fetches.values()), [], feed_shapes(inputs, shapes),
                         order=graph.nodes(grads))  # the walk inputs_for made
    program = pipeline.run(program, pipeline.Options(remat), pipeline.LLVM, stop_after="simplify").simplified
    options = pipeline.Options.of(planner_options, remat=remat)
    view = CompiledView(program, program, list(fetches), len(graph.outputs), remat, planner_options,
                       pipeline.Reuse(plans_only=True))  # inspect and dot read plans and groups, never code
    # judged node by node with the view's own plans, and the candidates kept for the kernels' judgement
    # (a candidate whose live bytes already lose to the best plan is not planned, the lowest bounded planned
    # first: on a random graph the program's plan rules out every candidate, graphc.passes.remat); loops'
    # backward sweeps over √T checkpoints first, as graphc.pipeline.run does
    view.program = rematerialize_loops(
        program, options.remat,
        lambda looped: rematerialize(looped, remat, planner=view.plan_nodes, remat_planner=options.remat_planner,
                                     time_limit=options.remat_time_limit, cache=view.reuse.remat,
                                     peak_lower_bound=program_live_peak, bounds_first=True))
    return view
