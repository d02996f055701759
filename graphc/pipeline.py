"""The one compile pipeline: every backend, Function/Session and CLI command runs its stages in this order.

    specialize → simplify → remat → fuse → lower → memory plan → render

A *target* says which stages a backend runs: the numpy reference runs the graph as
written (no simplify) node by node (no fuse, no lower; its memory plan is node by node);
the compiled targets run them all, and their remat judges candidates by the kernels'
arena, so that the choice and a byte budget hold for what really runs.  `run` stops
after any stage (`stop_after=`), which is how `graphc inspect` shows what a backend
builds without building it.

    options = Options.of(remat="sqrt", memory_limit="2G")      # validated once: a GraphcError names the option
    built = run(program, options, LLVM, stop_after="memory_plan")
    built.program, built.remat_stats, built.plan.arena_bytes
    executable = build(program, options, LLVM)                  # ... then render: what gc.function runs
"""

from __future__ import annotations

import collections
import importlib
import math
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphc.errors import GraphcError
from graphc.program import Program

# Backend-specific options beside remat and memory_limit (docs/architecture.md, Knobs).
EXTRA_OPTIONS = {"cuda_launcher"}

STAGES = ("specialize", "simplify", "remat", "fuse", "lower", "memory_plan", "render")


@dataclass(frozen=True)
class Options(Mapping):
    """What a compilation is asked for, validated once.  A read-only mapping too, so that a
    backend factory written for the options dict (`options.get("remat")`) keeps working.

    remat: "none", "sqrt", "optimal" or a byte budget (graphc.passes.remat);
    memory_limit: the cap on planned memory (graphc.memory_limit; None: $GRAPHC_MEMORY_LIMIT, else free memory);
    extra: backend-specific options, passed through (cuda_launcher);
    remat_planner: who meets a byte budget: "greedy" (the heuristic) or "optimal" (Checkmate's MILP,
    graphc.passes.remat_optimal); remat_time_limit: the MILP's seconds (default 10).
    """

    remat: str | int = "none"
    memory_limit: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    remat_planner: str = "greedy"
    remat_time_limit: float = 10.0

    def __post_init__(self):
        from graphc.memory_limit import Limit, parse_size
        from graphc.passes.remat import check_remat_option
        from graphc.passes.remat_optimal import check_planner, check_time_limit

        object.__setattr__(self, "remat", check_remat_option(self.remat))
        object.__setattr__(self, "remat_planner", check_planner(self.remat_planner))
        object.__setattr__(self, "remat_time_limit", check_time_limit(self.remat_time_limit))
        unknown = sorted(set(self.extra) - EXTRA_OPTIONS)
        if unknown:  # a misspelt option would otherwise be ignored without a word
            raise GraphcError(f"unknown option {unknown[0]!r}; the options are remat, remat_planner, "
                              f"remat_time_limit, memory_limit and "
                              f"{', '.join(sorted(EXTRA_OPTIONS))} (a backend registered with its own options "
                              f"adds their names to graphc.pipeline.EXTRA_OPTIONS)")
        if self.memory_limit is not None and not isinstance(self.memory_limit, Limit):
            parse_size(self.memory_limit, "memory_limit")  # a GraphcError naming the option and the value

    @classmethod
    def of(cls, options: Mapping | None = None, **keywords) -> Options:
        """Options from an Options, a dict of options, keywords, or both (keywords win)."""
        if isinstance(options, Options) and not keywords:
            return options
        given = {**dict(options or {}), **keywords}
        remat, limit = given.pop("remat", "none"), given.pop("memory_limit", None)
        remat_planner, time_limit = given.pop("remat_planner", "greedy"), given.pop("remat_time_limit", 10.0)
        return cls(remat, limit, given, remat_planner, time_limit)

    def _items(self) -> dict:
        return {"remat": self.remat, "memory_limit": self.memory_limit, "remat_planner": self.remat_planner,
                "remat_time_limit": self.remat_time_limit, **self.extra}

    def __getitem__(self, key):
        return self._items()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())


@dataclass(frozen=True)
class Target:
    """Which stages a backend runs, and how it renders."""

    name: str
    simplify: bool        # the numpy reference is the oracle: it runs the graph as written
    kernels: bool         # fuse and lower to kernels in one arena, or run node by node
    accumulate: bool      # SGD updates accumulate into the variable's array (graphc.codegen.accumulate)
    render: str           # "module:function" (Built, Options) -> executable


REFERENCE = Target("numpy", simplify=False, kernels=False, accumulate=False, render="graphc.pipeline:render_reference")
LLVM = Target("llvm", simplify=True, kernels=True, accumulate=True, render="graphc.compile:render_llvm")
CUDA = Target("cuda", simplify=True, kernels=True, accumulate=False, render="graphc.compile:render_cuda")


@dataclass
class Built:
    """What the pipeline built, stage by stage (a stage not run leaves its field None)."""

    target: Target
    specialized: Program                 # as given
    simplified: Program | None = None    # after simplify (the program itself when the target does not simplify)
    program: Program | None = None       # after remat: what runs
    remat_stats: Any = None              # graphc.passes.remat.RematStats, when remat changed the program
    fusion: Any = None                   # graphc.passes.fusion result (kernel targets)
    kernels: list | None = None          # kernel IR, after accumulation (kernel targets)
    accumulated: list = field(default_factory=list)
    plan: Any = None                     # ExecutionPlan (kernel targets)
    last_stage: str = "specialize"


@dataclass
class Reuse:
    """Work that several runs over one program share: `graphc inspect` judges remat node by node,
    then runs the kernel stages with and without remat, over the same simplified program.

    `remat`: the remat search's analysis and candidates (graphc.passes.remat.RematCache), built
    once for every judge; `kernel_stages`: id(program) -> (weak reference, (fusion, kernels, plan))
    of each program the remat search fused, lowered and planned, the program unchanged included,
    so that a later run over one of them starts from its kernels.  The search lowers its candidates
    params only (graphc.codegen.lower: buffers, sizes and roles, what placing them needs), so a run
    that renders lowers its program again, in full.

    `plans_only`: the caller reads the fusion and the plans, never the kernels' code (`graphc
    inspect`): a program's kernels are lowered params only, and the search's plan of the chosen
    program is the plan (nothing is accumulated into a variable: the same buffers, placed the same).
    """

    remat: Any = field(default_factory=lambda: importlib.import_module("graphc.passes.remat").RematCache())
    kernel_stages: dict = field(default_factory=dict)
    plans_only: bool = False


def _stops(stage: str, stop_after: str) -> bool:
    if stop_after not in STAGES:
        raise GraphcError(f"stop_after={stop_after!r}: stages are {', '.join(STAGES)}")
    return STAGES.index(stage) >= STAGES.index(stop_after)


def run(program: Program, options: Mapping | None, target: Target, stop_after: str = "memory_plan",
        simplified: bool = False, check_memory: bool = True, reuse: Reuse | None = None) -> Built:
    """Run `target`'s stages on a specialised program, up to and including `stop_after` (render excluded:
    `build` renders).  `simplified=True`: the program is already simplified (inspect reuses one).
    `check_memory`: refuse a plan over the memory limit (inspect reports it instead).  `reuse`: what
    other runs over the same program built (see Reuse); this run adds to it."""
    options = Options.of(options)
    built = Built(target, program)
    if target.kernels:
        refuse_host_ops(program, target)
    if _stops("specialize", stop_after):
        return built
    if target.simplify and not simplified:
        from graphc.passes import run_passes

        program = run_passes(program)
    built.simplified, built.last_stage = program, "simplify"
    if _stops("simplify", stop_after):
        return built
    chosen: dict = reuse.kernel_stages if reuse is not None else {}
    if options.remat != "none":
        from graphc.control.loop_remat import rematerialize_loops
        from graphc.passes.memory_plan import program_live_peak
        from graphc.passes.remat import rematerialize
        from graphc.passes.remat_bound import arena_lower_bound

        planner = _kernel_planner(target, chosen) if target.kernels else None
        # candidates whose plan cannot beat the best so far are not planned (fused, lowered): each planner's bound
        bound = arena_lower_bound if target.kernels else program_live_peak
        program = rematerialize_loops(  # loops' backward sweeps over √T checkpoints first (docs/control_flow.md)
            program, options.remat,
            lambda looped: rematerialize(looped, options.remat, planner=planner, remat_planner=options.remat_planner,
                                         time_limit=options.remat_time_limit,
                                         cache=reuse.remat if reuse is not None else None, peak_lower_bound=bound))
    built.program, built.remat_stats, built.last_stage = program, program.remat_stats, "remat"
    if _stops("remat", stop_after):
        return built
    if not target.kernels:  # node by node: its plan is made as it runs (graphc.passes.plan_program_memory)
        if check_memory:
            from graphc.memory_limit import check_program

            check_program(program, options.memory_limit)  # numpy would allocate as it goes: refuse first
        built.last_stage = "memory_plan"
        return built
    plans_only = reuse is not None and reuse.plans_only and stop_after == "memory_plan"
    reused = chosen.get(id(program))
    if reused is not None and reused[0]() is program:  # the remat search fused, lowered (params only), planned it
        fusion, kernels, plan = reused[1]
        if plans_only and not (target.accumulate and _updates(program)):
            built.fusion, built.kernels, built.plan, built.last_stage = fusion, kernels, plan, "memory_plan"
        else:  # the kernels' code is wanted (or accumulation rewrites it, and the buffers are placed again)
            plan_stages(built, program, stop_after, fusion)
    else:
        plan_stages(built, program, stop_after, params_only=plans_only)
    if built.last_stage == "memory_plan":
        from graphc.memory_picture import PlanSource

        built.plan.memory.source = PlanSource(program, _comparisons(built.simplified, target))
        if check_memory:
            check_plan_memory(program, built.plan, options.memory_limit)
    return built


def refuse_host_ops(program: Program, target: Target) -> None:
    """A BackendError naming the first node whose op runs on the host: no kernel target renders one.

    The backends (graphc.backends.builder) cut a program around such nodes before it gets
    here; this refuses what reaches a renderer whole (`plan_kernels`, CUDA source, inspect).
    """
    from graphc.errors import BackendError

    for node in program.nodes():
        if node.op.runs_on_host:
            where = f" (built at {node.source})" if node.source else ""
            raise BackendError(
                f"the {target.name} renderer has no kernel for {node.op.name}{where}: it runs on the host "
                f"(numpy/LAPACK), between compiled parts; run the program with gc.function or a Session "
                f"(backend 'llvm' or 'numpy'), which cut it around such nodes")


def _comparisons(before: Program, target: Target):
    """What a memory picture compares a plan with: `before` (the program before remat) planned by `target`
    without remat and with sqrt, when asked (graphc.memory_picture)."""
    def plans() -> dict:
        if target.kernels:
            return {remat: run(before, Options(remat), target, simplified=True, check_memory=False).plan.memory
                    for remat in ("none", "sqrt")}
        from graphc.passes.memory_plan import plan_program_memory
        from graphc.passes.remat import rematerialize

        return {"none": plan_program_memory(before), "sqrt": plan_program_memory(rematerialize(before, "sqrt"))}

    return plans


def plan_stages(built: Built, program: Program, stop_after: str = "memory_plan", fusion=None,
                kernels: list | None = None, params_only: bool = False) -> Built:
    """fuse → lower (→ accumulate) → memory plan of a program after remat; `fusion` and `kernels`,
    when given, are those stages' results already.  `params_only`: kernels without their code, enough
    for the plan (graphc.codegen.lower); not when updates are accumulated, which rewrites the code."""
    from graphc.codegen.accumulate import accumulate_updates
    from graphc.codegen.lower import buffer_name, lower
    from graphc.passes.fusion import fuse

    updates = _updates(program) if built.target.accumulate else {}
    built.fusion, built.last_stage = fusion if fusion is not None else fuse(program), "fuse"
    if _stops("fuse", stop_after):
        return built
    if kernels is None:
        kernels = lower(built.fusion, params_only=params_only and not updates)
    built.kernels, built.last_stage = kernels, "lower"
    if updates:  # with none, accumulation changes nothing
        built.kernels, built.accumulated = accumulate_updates(built.kernels, updates,
                                                              {buffer_name(n) for n in program.outputs})
    if _stops("lower", stop_after):
        return built
    built.plan, built.last_stage = place_buffers(program, built.fusion, built.kernels, built.accumulated), \
        "memory_plan"
    return built


def _updates(program: Program) -> dict[str, str]:
    """New value's buffer -> its variable's buffer, for the updates a kernel may accumulate into the
    variable (graphc.codegen.accumulate)."""
    from graphc.codegen.lower import buffer_name

    # a value given to two variables is stored once and copied: it cannot be written over either
    given = collections.Counter(buffer_name(n) for n in program.new_values)
    return {buffer_name(n): buffer_name(program.variables[i])
            for i, n in zip(program.updated, program.new_values) if given[buffer_name(n)] == 1}


def _kernel_planner(target: Target, chosen: dict):
    """The remat search's planner for a kernel target: each candidate fused, lowered (params only: the
    plan needs no code) and planned as the target would.  The fusions and plans are kept (while their
    candidate lives) so the chosen one is not fused twice."""
    plain = Target(target.name, target.simplify, target.kernels, False, target.render)

    def plan(candidate: Program):
        built = plan_stages(Built(plain, candidate), candidate, params_only=True)
        for key in [k for k, (ref, _) in chosen.items() if ref() is None]:  # rejected candidates' plans go
            del chosen[key]
        # no weakref callback: it would close over `chosen`, a cycle left for the (paused) collector
        chosen[id(candidate)] = (weakref.ref(candidate), (built.fusion, built.kernels, built.plan))
        return built.plan.memory

    return plan


def place_buffers(program: Program, fusion, kernels: list, accumulated: list):
    """The ExecutionPlan: every buffer placed (inputs, variables, constants, outputs, updates, the arena).

    One walk over the kernels' buffers, by node id, finds each arena buffer's lifetime (the kernel that
    first uses it writes it; a kernel that writes it again, a concat part, reads it), and the arena is
    planned from those (graphc.passes.memory_plan.plan_lifetimes).  The arena's BufferSpecs are made
    when the plan's buffers are first read: the remat search's plans and inspect's never are."""
    from graphc.codegen.plan import BufferSpec, ExecutionPlan, buffer_name, node_id_of
    from graphc.passes.memory_plan import MadeOnFirstRead, plan_lifetimes

    buffers: dict[str, BufferSpec] = {}
    placed: set[int] = set()  # the ids of the nodes whose buffers are placed outside the arena
    for i, node in enumerate(program.inputs):
        buffers[buffer_name(node)] = BufferSpec(buffer_name(node), node.dtype, node.shape, "input", index=i)
    for i, node in enumerate(program.variables):
        buffers[buffer_name(node)] = BufferSpec(buffer_name(node), node.dtype, node.shape, "variable", index=i)
    for name, node in {buffer_name(n): n for n in program.roots}.items():
        if name not in buffers:
            if node.op.name == "constant":
                buffers[name] = BufferSpec(name, node.dtype, node.shape, "constant", value=node.attrs["value"])
            else:
                buffers[name] = BufferSpec(name, node.dtype, node.shape, "output")
    placed.update(n.id for n in (*program.inputs, *program.variables, *program.roots))
    for acc in accumulated:  # written over its variable's value (graphc.runtime.plan decides which array that is)
        spec = buffers[acc.variable]
        buffers[acc.new_value] = BufferSpec(acc.new_value, spec.dtype, spec.shape, "update", index=spec.index)
        placed.add(node_id_of(acc.new_value))
    uses = _KernelBuffers(fusion)
    position: dict[int, int] = {}  # node id -> its arena buffer's position, in the order first written
    arena, first, last, sizes = [], [], [], []
    itemsize: dict = {}  # dtype -> bytes: np.dtype() asked once per dtype, not per buffer
    for t, k in enumerate(kernels):
        nodes, writes = uses(k)
        for nid, node in nodes.items():
            pos = position.get(nid)
            if pos is not None:  # read, or written again (read: its first writer wrote the rest)
                last[pos] = t
                continue
            if nid in placed:  # placed outside the arena (an input, a variable, a constant, an output...)
                continue
            if node.op.name == "constant":  # its first use: a constant is placed outside, a value in the arena
                name = buffer_name(node)
                buffers[name] = BufferSpec(name, node.dtype, node.shape, "constant", value=node.attrs["value"])
                placed.add(nid)
                continue
            if node.op.kind == "source":
                raise AssertionError(f"unplaced source {node}")
            if nid not in writes:
                raise GraphcError(f"memory plan: step {t} reads {node.label!r} before any step writes it")
            position[nid] = len(arena)
            arena.append(node)
            first.append(t)
            last.append(t)
            dtype = node.dtype
            if dtype not in itemsize:
                itemsize[dtype] = np.dtype(dtype).itemsize
            sizes.append(math.prod(node.shape) * itemsize[dtype])
    names = [buffer_name(node) for node in arena]
    memory = plan_lifetimes(names, first, last, sizes, [k.name for k in kernels], names=_Labels(names, arena))
    placed_buffers = MadeOnFirstRead(lambda: _with_arena(buffers, names, arena, memory.offsets()))
    return ExecutionPlan(kernels, placed_buffers, memory.arena_bytes, [buffer_name(n) for n in program.outputs],
                         [buffer_name(n) for n in program.new_values], memory)


class _KernelBuffers:
    """kernel -> (node id -> the node whose buffer a param holds, in the params' order; the ids written).

    A params-only kernel has them (graphc.codegen.kernel_ir.ParamsOnlyKernel); a full one's are found
    from its params' names (graphc.codegen.plan.node_id_of) in a map by id, made when first needed."""

    def __init__(self, fusion):
        self._fusion = fusion
        self._node_of: dict | None = None

    def __call__(self, kernel) -> tuple[dict, set]:
        from graphc.codegen.kernel_ir import ParamsOnlyKernel
        from graphc.codegen.plan import node_id_of

        if isinstance(kernel, ParamsOnlyKernel):
            return kernel.buffers, kernel.writes
        if self._node_of is None:
            self._node_of = {n.id: n for n in self._fusion.order}
        node_of = self._node_of
        nodes = {node_id_of(p.name): node_of[node_id_of(p.name)] for p in kernel.params}
        return nodes, {node_id_of(p.name) for p in kernel.params if p.role != "input"}


def _with_arena(buffers: dict, names: list[str], arena: list, offsets: dict) -> dict:
    """The plan's buffers: those placed outside the arena (`buffers`, added to), then the arena's, at their
    offsets."""
    from graphc.codegen.plan import BufferSpec

    for name, node in zip(names, arena):
        buffers[name] = BufferSpec(name, node.dtype, node.shape, "arena", offset=offsets[name])
    return buffers


class _Labels(Mapping):
    """Buffer name -> its node's label: the names of an arena plan's buffers, read only when its BufferPlans
    are made (graphc.passes.memory_plan: most plans are asked their offsets only)."""

    def __init__(self, names: list[str], nodes: list):
        self._names, self._nodes = names, nodes
        self._by_name: dict | None = None

    def __getitem__(self, name: str) -> str:
        if self._by_name is None:
            self._by_name = dict(zip(self._names, self._nodes))
        return self._by_name[name].label

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def check_plan_memory(program: Program, plan, option=None) -> None:
    """The compiled backends' check: the arena and every buffer a call allocates, within the cap."""
    from graphc import memory_limit
    from graphc.codegen.lower import buffer_name

    op_of = {buffer_name(n): n.op.name for n in program.nodes()}
    allocated = [s for s in plan.buffers.values() if s.kind in ("arena", "output")]
    buffers = [memory_limit.Buffer(op_of.get(s.name, s.name), s.shape, str(s.dtype), s.nbytes) for s in allocated]
    planned = plan.arena_bytes + sum(s.nbytes for s in allocated if s.kind == "output")
    memory_limit.check(memory_limit.resolve(option), planned, buffers, "the compiled kernels' arena and outputs")


def build(program: Program, options: Mapping | None, target: Target):
    """Every stage, render included: the executable `target` runs."""
    options = Options.of(options)
    built = run(program, options, target, stop_after="render")
    module, name = target.render.split(":")
    return getattr(importlib.import_module(module), name)(built, options)


def render_reference(built: Built, options: Options):
    """The numpy reference's "render": its executor over the program, planning memory node by node."""
    from graphc.memory_picture import PlanSource
    from graphc.passes.memory_plan import plan_program_memory
    from graphc.runtime.reference import ReferenceExecutable

    comparisons = _comparisons(built.simplified, built.target)

    def planner(program: Program):  # node by node, knowing what it plans (for MemoryPlan.plot)
        memory = plan_program_memory(program)
        memory.source = PlanSource(program, comparisons)
        return memory

    return ReferenceExecutable(built.program, memory_planner=planner)
