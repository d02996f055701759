"""Control flow on compiled backends (llvm, cuda): compiled segments around host-run control nodes.

A program with control nodes is cut like a program with collectives (graphc/distributed):
its other nodes run as compiled segments, and each control node runs as a host step between
them.  A host step runs the node's own loop or branch (the op's `compute`, the numpy
reference's code) with each body replaced by a `CompiledBody`: the body's subgraph compiled
once, as a program of its own (fusion and every other pass work inside it), whose inputs
are the body's parameters and captures (compiled when it first runs if it was traced with feed-time
sizes).  So compile time does not grow with the trip count.

A scan whose body compiled to an executable that can loop natively (the llvm backend's:
`executable.scan_loop`, graphc.runtime.native_loop) runs all its steps in one call of generated
code; so does a while_loop, its body and condition compiled as one step (graphc.control.while_native).
Other loops (remat's checkpointing while loop, a body holding control flow of its own, other backends)
call the compiled body from Python once per iteration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from graphc.control.loop_compute import scan_parts
from graphc.control.loops import scan_op, while_op
from graphc.control.subgraph import Subgraph
from graphc.control.while_native import WhileStep
from graphc.distributed.executable import CompiledSegment, SegmentedMemoryPlan, compile_segment, run_segment, value_of
from graphc.distributed.schedule import Segment
from graphc.errors import GraphcError
from graphc.evaluate import evaluate
from graphc.ir import Node, consumers
from graphc.ops.source import placeholder_op
from graphc.program import Program
from graphc.rewrite import rebuild


def has_control_flow(program: Program) -> bool:
    return any(n.op.kind == "control" for n in program.nodes())


@dataclass
class HostStep:
    node: Node  # a control node (its loop or branch runs here) or one of its results (picked here)


class CompiledBody:
    """A body compiled once per shape of what it receives: `run(args, captured)` as `Subgraph.run`, by one
    call of the executable.

    A body traced with feed-time (None) sizes (a batch size) is compiled when it first runs, for the
    sizes it then gets; a body of static shapes is compiled at once, with the function."""

    def __init__(self, body: Subgraph, options, factory: Callable):
        self.body, self.options, self.factory = body, options, factory
        self.outputs = body.outputs  # the loops' compute reads the outputs' types from its body
        self.inputs = body.params + body.captures
        self._compiled: dict[tuple, object] = {}
        if all(n.is_static for n in self.inputs):
            self._compile(tuple((n.shape, n.dtype.str) for n in self.inputs))

    def _compile(self, signature: tuple):
        stand_ins = {n.id: Node(placeholder_op, (), {"shape": shape, "dtype": n.dtype}, shape, n.dtype,
                                name=f"{self.body.name}/{n.label}", source=n.source)
                     for n, (shape, _) in zip(self.inputs, signature)}
        outputs, _ = rebuild(self.body.outputs, lambda node, new_inputs: stand_ins.get(node.id))
        program = Program(inputs=[stand_ins[n.id] for n in self.inputs], variables=[], outputs=outputs, updated=[],
                          new_values=[])
        self._compiled[signature] = executable = self.factory(program, self.options)
        return executable

    def has_compiled(self) -> bool:
        return bool(self._compiled)

    def executables(self) -> list:
        """Every executable compiled so far (one per shape of what the body received)."""
        return list(self._compiled.values())

    @property
    def executable(self):
        """The executable compiled first (for inspection: kernels, memory plan, LLVM IR)."""
        if not self._compiled:
            raise GraphcError(f"{self.body.name} has feed-time sizes and has not run yet: call the function first")
        return next(iter(self._compiled.values()))

    def compiled_for(self, signature: tuple):
        """The executable for inputs of these ((shape, dtype.str), ...), compiled on first need."""
        return self._compiled.get(signature) or self._compile(signature)

    def run(self, args, captured) -> list[np.ndarray]:
        feeds = [*(np.asarray(a) for a in args), *(captured[c.id] for c in self.body.captures)]
        return self.compiled_for(tuple((f.shape, f.dtype.str) for f in feeds))(feeds, [])[0]


def scan_natively(attrs, values) -> tuple | None:
    """A scan node's results (as `scan_compute` gives them) from one native loop of its compiled body,
    or None where its executable cannot loop natively (then the host runs the steps)."""
    body = attrs["body"]
    if not isinstance(body, CompiledBody):
        return None
    init, xs, captured_values = scan_parts(values, attrs)
    init, xs = [np.asarray(c) for c in init], [np.asarray(x) for x in xs]
    by_id = {c.id: np.asarray(v) for c, v in zip(attrs["captures"], captured_values)}
    captured = [by_id[c.id] for c in body.body.captures]
    types = [(c.shape, c.dtype) for c in init] + [(x.shape[1:], x.dtype) for x in xs]
    executable = body.compiled_for(tuple((shape, dtype.str) for shape, dtype in types)
                                   + tuple((c.shape, c.dtype.str) for c in captured))
    loop = executable.scan_loop(attrs["n_carry"], len(xs)) if hasattr(executable, "scan_loop") else None
    if loop is None:
        return None
    steps = xs[0].shape[0] if xs else attrs["length"]
    carries, ys, stacks = loop.run(init, xs, captured, steps, attrs["reverse"], attrs["record"])
    return (*carries, *ys, *stacks)


def with_control_flow(factory: Callable) -> Callable:
    """`factory` for programs that may hold control nodes (bodies may nest them: the same factory).

    Under remat the loops' backward sweeps are rewritten over checkpoints once, on the whole program
    (as graphc.pipeline does for numpy), never again in the bodies that rewrite built: a segment's
    recomputation and its sweep, rewritten again, would recompute each segment over checkpoints of
    its own (and those again), running the body about log T more times for little memory."""
    def build_bodies(program: Program, options: Mapping):
        if has_control_flow(program):
            return ControlFlowExecutable(program, options, build_bodies)
        return factory(program, options)

    def build(program: Program, options: Mapping):
        if has_control_flow(program):  # the pipeline never sees this program whole: its loops are checkpointed here
            from graphc.control.loop_remat import rematerialize_loops

            program = rematerialize_loops(program, getattr(options, "remat", "none"))
        if has_control_flow(program):
            from graphc.control.checkpoint import share_recorded_loops

            stats, program = program.remat_stats, share_recorded_loops(program)
            program.remat_stats = stats
        executable = build_bodies(program, options)
        budget = getattr(options, "remat", "none")
        if isinstance(executable, ControlFlowExecutable) and isinstance(budget, int) and not isinstance(budget, bool):
            if executable.bodies_compiled():
                _check_budget(executable, budget)
            else:  # a body traced with feed-time sizes compiles when it first runs: checked after that call
                executable.pending_budget = budget
        return executable
    return build


def _check_budget(executable: ControlFlowExecutable, budget: int) -> None:
    """Each segment met the byte budget on its own; the whole plan (the loops' checkpoints, bodies and
    carries beside the segments) must meet it too, or the budget would be accepted and silently exceeded.
    Where a body has feed-time sizes the plan is known after the first call, and checked then (that call's
    results are not returned: the MemoryBudgetError is)."""
    from graphc.errors import MemoryBudgetError

    peak = executable.memory_plan().peak_bytes
    if peak > budget:
        raise MemoryBudgetError(f"remat budget of {budget} bytes cannot be met: with its loops checkpointed "
                                f"(about sqrt(T) carries each), the program plans {peak} bytes; raise the budget "
                                f"to at least {peak}, or use remat='sqrt'")


def plan_steps(program: Program) -> list:
    """The program's nodes in order, as segments of ordinary nodes between host steps."""
    steps: list = []
    current = Segment()
    order = program.nodes()
    users = consumers(order)
    for node in order:
        if node.op.kind == "source":
            continue
        if node.op.kind == "control" or _view_for_loops(node, users[node.id]):
            if current.nodes:
                steps.append(current)
                current = Segment()
            steps.append(HostStep(node))
        else:
            current.nodes.append(node)
    if current.nodes:
        steps.append(current)
    return steps


class ControlFlowExecutable:
    """Segments and control nodes in order; `(inputs, variables) -> (outputs, new_values)` as any executable."""

    def __init__(self, program: Program, options: Mapping, factory: Callable):
        self.program = program
        plan = plan_steps(program)
        self.steps: list = []
        self._bodies = bodies = {}  # id(Subgraph) -> CompiledBody: a recording twin shares its original's bodies
        self._while_steps: dict[int, WhileStep] = {}  # while node id -> its body and condition as one step
        self.pending_budget: int | None = None  # a byte budget to check once every body has compiled
        self._refused: GraphcError | None = None  # what that check raised
        for index, step in enumerate(plan):
            if isinstance(step, Segment):
                self.steps.append(compile_segment(program, plan, index, options, factory))
            else:
                self.steps.append((step, _compiled_attrs(step.node, options, factory, bodies)))
        self.backend = next((getattr(s.executable, "backend", "?") for s in self.segments()), "numpy")

    def __call__(self, inputs, variables, donate: bool = False):
        if self._refused is not None:
            raise type(self._refused)(str(self._refused))
        from graphc.runtime.native_loop import ONE_BLAS_THREAD

        with ONE_BLAS_THREAD.during(self, self.small_loops()):  # once for all its loops, not once for each
            return self._run(inputs, variables, donate)

    def small_loops(self) -> bool:
        """Whether every body compiled so far is a program of small steps (graphc.runtime.native_loop's
        SMALL_STEP_WORK), nested bodies too, and there is one, and so is each segment between them: the whole call
        runs its gemms on one BLAS thread (a segment of big gemms keeps the BLAS's threads)."""
        from graphc.runtime.native_loop import SMALL_STEP_WORK

        executables = [exe for body in self._bodies.values() for exe in body.executables()]
        executables += [segment.executable for segment in self.segments()]
        return bool(self._bodies) and all(
            exe.small_loops() if isinstance(exe, ControlFlowExecutable) else getattr(exe, "work", 0) < SMALL_STEP_WORK
            for exe in executables)

    def _run(self, inputs, variables, donate: bool):
        p = self.program
        env: dict[int, object] = {n.id: np.asarray(a) for n, a in zip(p.inputs, inputs)}
        env.update((v.id, np.asarray(a)) for v, a in zip(p.variables, variables))
        written: dict[int, np.ndarray] = {}
        for step in self.steps:
            if isinstance(step, CompiledSegment):
                run_segment(step, inputs, variables, env, written, donate)
            else:
                host, attrs = step
                node = host.node
                values = [value_of(i, env) for i in node.inputs]
                native = None
                if node.op is scan_op:
                    native = scan_natively(attrs, values)
                elif node.op is while_op:
                    native = self._while_step(node, attrs).run(attrs, values)
                elif node.op.kind != "control":  # a view for loops (_view_for_loops)
                    native = evaluate(node, values)
                env[node.id] = native if native is not None else node.op.compute(attrs, *values)
        outputs = [np.array(value_of(n, env)) if n.op.kind == "source" else env[n.id] for n in p.outputs]
        new_values = [written[vi] if vi in written else np.asarray(value_of(n, env))
                      for vi, n in zip(p.updated, p.new_values)]
        if self.pending_budget is not None and self.bodies_compiled():
            budget, self.pending_budget = self.pending_budget, None
            try:
                _check_budget(self, budget)
            except GraphcError as refused:
                self._refused = refused  # every later call is refused too
                raise
        return outputs, new_values

    def bodies_compiled(self) -> bool:
        """Whether every body has compiled (one traced with feed-time sizes compiles when it first runs), so
        that the whole memory plan is known); bodies nested in them too."""
        return all(body.has_compiled() and all(
            exe.bodies_compiled() for exe in body.executables() if isinstance(exe, ControlFlowExecutable))
            for body in self._bodies.values())

    def _while_step(self, node: Node, attrs) -> WhileStep:
        """The native step of a while loop, made on its first run (two threads may both make it)."""
        step = self._while_steps.get(node.id)
        if step is None:
            step = self._while_steps[node.id] = WhileStep(attrs["cond"], attrs["body"])
        return step

    def segments(self) -> list[CompiledSegment]:
        return [s for s in self.steps if isinstance(s, CompiledSegment)]

    def bodies(self) -> list[CompiledBody]:
        found = {}
        for step in self.steps:
            if not isinstance(step, CompiledSegment):
                for value in step[1].values():
                    for body in value if isinstance(value, tuple) else (value,):
                        if isinstance(body, CompiledBody):
                            found[id(body)] = body
        return list(found.values())

    def kernels(self) -> list[dict]:
        listed = []
        for s in self.segments():
            listed += s.executable.kernels()
        for body in self.bodies():
            listed += body.executable.kernels()
        return listed

    def memory_plan(self):
        """The segments' plans beside what each control node holds while it runs (its compiled bodies' arenas,
        a carry, its steps before they are stacked: graphc/control/loop_memory.py); the control nodes' results
        are held between them (a while loop's recorded steps bounded by max_iterations, else named unplanned)."""
        from graphc.control.loop_memory import host_step_plans

        nodes = [s[0].node for s in self.steps if not isinstance(s, CompiledSegment)]
        loops, held = host_step_plans(nodes, lambda body: self._bodies[id(body)].executable.memory_plan())
        return SegmentedMemoryPlan([s.executable.memory_plan() for s in self.segments()] + loops, held)

    def llvm_ir(self, optimized: bool = True) -> str:
        parts = [s.executable.llvm_ir(optimized) for s in self.segments()]
        parts += [b.executable.llvm_ir(optimized) for b in self.bodies()]
        return "\n".join(parts)


def _view_for_loops(node: Node, readers: list[Node]) -> bool:
    """A reshape that only loops read (remat's xs cut into segments: graphc.control.checkpoint) runs on the
    host, as numpy's reshape: a view of its input, where a compiled segment would copy it (the scan benchmark's
    16 MiB of xs, twice a step)."""
    return node.op.name == "reshape" and bool(readers) and all(r.op.kind == "control" for r in readers)


def _compiled_attrs(node: Node, options, factory, bodies: dict) -> dict:
    """The node's attrs with each body (a Subgraph, or a tuple of them) compiled once."""
    def compiled(body: Subgraph) -> CompiledBody:
        if id(body) not in bodies:
            bodies[id(body)] = CompiledBody(body, options, factory)
        return bodies[id(body)]

    attrs = {}
    for key, value in node.attrs.items():
        if isinstance(value, Subgraph):
            value = compiled(value)
        elif isinstance(value, tuple) and value and all(isinstance(v, Subgraph) for v in value):
            value = tuple(compiled(v) for v in value)
        attrs[key] = value
    return attrs


__all__ = ["CompiledBody", "ControlFlowExecutable", "has_control_flow", "with_control_flow"]
