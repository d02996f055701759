"""A program with host-run nodes, run as compiled segments with those nodes as host steps between them.

    exe = build_with_host_steps(program, options, backend_factory)
    outputs, new_values = exe(inputs, variables)

No backend compiles a node whose op `runs_on_host` (a collective, a LAPACK
factorization of graphc.linalg): graphc.backends hands any program that has
one here.  graphc.distributed.schedule cuts it into segments (ordinary Programs,
each compiled by the backend asked for: llvm, cuda or the numpy reference) and
the host steps between them: the starts and waits of the collectives, and the
other host ops, computed by their numpy `compute` where they stand.  A call runs
the segments in order, starting each collective on the communication thread
(graphc.distributed.engine) as soon as its input exists, so that it overlaps
the segments that follow, and waiting only where a result is read.  A value
that crosses a cut is an output of its segment and an input of the later ones;
an array that a collective reads or writes is held by this call until the
collective is waited for, so no buffer in flight is reused.  An operand read for
its shape only (a `*_like` op) is not carried across a cut: a zero broadcast of
that shape stands in for it.

A variable's update is written in its segment (in place on llvm, as usual)
unless a later segment still reads the variable's old value; then the new value
travels as an output and is returned at the end.

A program with collectives first checks, on each call, with one small allreduce,
that every rank runs a program with the same variables and collectives (shapes
and dtypes): otherwise the ranks would wait in different collectives, or add up
arrays of different layouts.  Host steps that are not collectives need no such
check: each rank computes them alone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from graphc.distributed import agreement, engine
from graphc.distributed.schedule import HostStep, Segment, Start, Wait, plan_steps
from graphc.errors import GraphcError
from graphc.ir import Node, toposort
from graphc.ops.registry import make_node
from graphc.ops.shape import broadcast_to
from graphc.ops.source import constant, constant_op, placeholder_op, variable_op
from graphc.program import Program

try:
    from graphc.rewrite import rebuild
except ImportError:  # before the graph rewriting helper moved out of graphc.ir
    from graphc.ir import rebuild


@dataclass
class CompiledSegment:
    executable: object
    feeds: list[tuple[str, int]]  # per segment input: ("input", index into the call's inputs) or ("env", node id)
    variables: list[int]          # indices into the program's variables, in the segment's order
    outputs: list[int]            # node ids (of the whole program) of the segment's outputs
    updates: list[int]            # indices into the program's variables updated in this segment


def run_segment(step: CompiledSegment, inputs, variables, env: dict, written: dict, donate: bool) -> None:
    """Run one compiled segment: its results into `env` by node id, its variables' new values into `written`."""
    feeds = [inputs[i] if kind == "input" else env[i] for kind, i in step.feeds]
    outs, news = step.executable(feeds, [variables[i] for i in step.variables], donate=donate)
    env.update(zip(step.outputs, outs))
    written.update(zip(step.updates, news))


def has_host_steps(program: Program) -> bool:
    """Some node of `program` runs on the host (its op says `runs_on_host`): no backend compiles it."""
    return any(n.op.runs_on_host for n in program.nodes())


def build_with_host_steps(program: Program, options: Mapping, factory: Callable) -> SegmentedExecutable:
    """Cut `program` around its host-run nodes and compile each segment with `factory` (the backend's).

    GRAPHC_COLLECTIVE_OVERLAP=0 waits for each collective where it starts (for measuring what overlap hides).
    """
    steps = plan_steps(program, overlap=os.environ.get("GRAPHC_COLLECTIVE_OVERLAP", "1") != "0")
    compiled: list = []
    for index, step in enumerate(steps):
        if isinstance(step, Segment):
            compiled.append(compile_segment(program, steps, index, options, factory))
        else:
            compiled.append(step)
    return SegmentedExecutable(program, compiled)


def compile_segment(program: Program, steps: list, index: int, options, factory) -> CompiledSegment:
    here = {n.id for n in steps[index].nodes}
    later_reads: set[int] = set()
    for step in steps[index + 1:]:
        for node in step.nodes if isinstance(step, Segment) else [step.node]:
            later_reads.update(x.id for k, x in enumerate(node.inputs) if k not in node.op.shape_only)
    final = {n.id for n in program.outputs}
    var_index = {v.id: i for i, v in enumerate(program.variables)}
    in_place = {}  # node id of a new value written here -> its variable's index
    for vi, value in zip(program.updated, program.new_values):
        if (value.id in here and value.id not in later_reads and value.id not in final
                and program.variables[vi].id not in later_reads and value.id not in in_place):
            in_place[value.id] = vi
    new_value_ids = {v.id for v in program.new_values}
    roots = [n for n in steps[index].nodes if n.id in later_reads or n.id in final or
             (n.id in new_value_ids and n.id not in in_place)]
    updated_roots = [n for n in steps[index].nodes if n.id in in_place]

    crossing: dict[int, Node] = {}  # node id computed elsewhere -> the placeholder standing in for it

    def replace(node: Node, new_inputs: list[Node]) -> Node | None:
        if node.op.kind == "source":
            return None
        if node.id not in here:
            if node.id not in crossing:
                attrs = {"shape": node.shape, "dtype": node.dtype}
                crossing[node.id] = Node(placeholder_op, (), attrs, node.shape, node.dtype,
                                         name=f"crossing/{node.label}", source=node.source)
            return crossing[node.id]
        patched = list(new_inputs)
        for k in node.op.shape_only:
            x = node.inputs[k]
            if x.id not in here and x.op.kind != "source":
                patched[k] = broadcast_to(constant(0, x.dtype), x.shape)
        if all(a is b for a, b in zip(patched, new_inputs)):
            return None
        return make_node(node.op, patched, node.attrs, name=node.name, source=node.source)

    new_roots, _ = rebuild(roots + updated_roots, replace)
    reachable = toposort(new_roots)
    reachable_ids = {n.id for n in reachable}
    input_index = {n.id: i for i, n in enumerate(program.inputs)}
    inputs, feeds = [], []
    for n in program.inputs:
        if n.id in reachable_ids:
            inputs.append(n)
            feeds.append(("input", input_index[n.id]))
    for original_id, stand_in in crossing.items():
        if stand_in.id in reachable_ids:
            inputs.append(stand_in)
            feeds.append(("env", original_id))
    variables = [n for n in reachable if n.op is variable_op]
    updated_vars = [in_place[n.id] for n in updated_roots]
    for vi in updated_vars:
        if all(v is not program.variables[vi] for v in variables):
            variables.append(program.variables[vi])
    position = {v.id: i for i, v in enumerate(variables)}
    segment = Program(inputs=inputs, variables=variables, outputs=new_roots[:len(roots)],
                      updated=[position[program.variables[vi].id] for vi in updated_vars],
                      new_values=new_roots[len(roots):])
    return CompiledSegment(factory(segment, options), feeds, [var_index[v.id] for v in variables],
                           [n.id for n in roots], updated_vars)


class SegmentedExecutable:
    """Segments and host steps in order (see the module's docstring); one call at a time (MPI's order)."""

    def __init__(self, program: Program, steps: list):
        self.program = program
        self.steps = steps
        self._lock = threading.Lock()
        self._signature = [(f"variable {v.shape} {v.dtype}", f"variable {v.label!r}: shape {v.shape}, {v.dtype}")
                           for v in program.variables]
        for step in steps:
            if isinstance(step, Start):
                c = step.node
                key = f"{c.op.name} {sorted(c.attrs.items())} {c.shape} {c.dtype}"
                self._signature.append((key, f"{c.op.name} of shape {c.shape}, {c.dtype} ({c.label})"))
        self._distributed = any(isinstance(s, Start) for s in steps)
        self.backend = next((getattr(s.executable, "backend", "?") for s in steps
                             if isinstance(s, CompiledSegment)), "numpy")

    def __call__(self, inputs, variables, donate: bool = False):
        p = self.program
        with self._lock:
            if self._distributed:
                agreement.check_same_everywhere(self._signature, "a distributed step")
            env: dict[int, np.ndarray] = {n.id: np.asarray(a) for n, a in zip(p.inputs, inputs)}
            env.update((v.id, np.asarray(a)) for v, a in zip(p.variables, variables))
            sources = {n.id: np.array(value_of(n, env)) for n in p.outputs + p.new_values if n.op.kind == "source"}
            pending: dict[int, engine.Pending] = {}
            written: dict[int, np.ndarray] = {}
            for step in self.steps:
                if isinstance(step, CompiledSegment):
                    run_segment(step, inputs, variables, env, written, donate)
                elif isinstance(step, Start):
                    c = step.node
                    what = f"{c.op.name} {c.label}"
                    pending[c.id] = engine.start(c.op.extra["mpi"], c.attrs, value_of(c.inputs[0], env), what)
                elif isinstance(step, Wait):
                    c = step.node
                    env[c.id] = pending.pop(c.id).wait(f"{c.op.name} {c.label}")
                elif isinstance(step, HostStep):
                    env[step.node.id] = _run_on_host(step.node, env)
            outputs = [sources[n.id] if n.id in sources else env[n.id] for n in p.outputs]
            new_values = [written[vi] if vi in written else sources[n.id] if n.id in sources else env[n.id]
                          for vi, n in zip(p.updated, p.new_values)]
        return outputs, new_values

    # ---- inspection ---------------------------------------------------------------------------

    def segments(self) -> list[CompiledSegment]:
        return [s for s in self.steps if isinstance(s, CompiledSegment)]

    def kernels(self) -> list[dict]:
        """The segments' kernels, with a host step where each collective starts and waits (kind "collective")
        and where each other host op runs (kind "host")."""
        described = []
        for step in self.steps:
            if isinstance(step, CompiledSegment):
                kernels = getattr(step.executable, "kernels", None)
                described.extend(kernels() if kernels is not None else [])
            else:
                c = step.node
                kind = "host" if isinstance(step, HostStep) else "collective"
                described.append({"name": f"{type(step).__name__.lower()}_{c.op.name}_{c.id}", "kind": kind,
                                  "ops": [c.op.name], "bytes": c.size * c.dtype.itemsize})
        return described

    def memory_plan(self):
        return SegmentedMemoryPlan([s.executable.memory_plan() for s in self.segments()],
                                   sum(s.node.size * s.node.dtype.itemsize for s in self.steps if isinstance(s, Start)))

    def llvm_ir(self, optimized: bool = True) -> str:
        return "\n".join(s.executable.llvm_ir(optimized) for s in self.segments())


class SegmentedMemoryPlan:
    """The segments' memory plans: each has its own arena; the collectives' buffers live between them
    (the arrays a host op reads and writes are the segments' outputs and inputs, counted there)."""

    def __init__(self, plans: list, collective_bytes: int):
        self.plans, self.collective_bytes = plans, collective_bytes

    @property
    def peak_bytes(self) -> int:
        return max((p.peak_bytes for p in self.plans), default=0) + self.collective_bytes

    @property
    def unplanned(self) -> list[str]:
        """What the plans hold but could not size (a while loop's recorded steps, sized at run time)."""
        return list(dict.fromkeys(u for p in self.plans for u in getattr(p, "unplanned", ())))

    def summary(self, limit: int = 10) -> str:
        segments = f"{len(self.plans)} compiled segment{'s' if len(self.plans) != 1 else ''}"
        parts = [f"{segments} between host steps (buffers the host steps hold between segments: "
                 f"{self.collective_bytes} bytes), planned peak {self.peak_bytes} bytes"]
        parts += [f"  segment {i}: {p.summary(limit=limit)}" for i, p in enumerate(self.plans)]
        return "\n".join(parts)


def _run_on_host(node: Node, env: dict) -> np.ndarray:
    """A host op's numpy compute on its inputs' arrays; its GraphcError (a singular matrix) says where."""
    arrays = [value_of(x, env) for x in node.inputs]
    try:
        value = node.op.compute(node.attrs, *arrays)
    except GraphcError as exc:
        shapes = ", ".join(f"{a.shape} {a.dtype}" for a in arrays)
        where = f"\n  at {node.source}" if node.source else ""
        raise type(exc)(f"{exc} (operands: {shapes}){where}") from None
    return np.asarray(value, dtype=node.dtype)


def value_of(node: Node, env: dict) -> np.ndarray:
    if node.op is constant_op:
        return np.asarray(node.attrs["value"], node.dtype)
    return env[node.id]
