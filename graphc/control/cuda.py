"""Control flow on the cuda backend: a scan whose body is plain kernels runs as one loop kernel on the device.

The llvm backend (and any other) runs a loop as a host step calling the compiled body once per
iteration (graphc/control/executable.py).  Here a scan node whose body the CUDA pipeline can compile
whole (no control node nor host op inside it) is rendered once as a cooperative kernel that loops
over the steps itself (graphc/codegen/cuda/loop.py: the trip count and the slices' offsets are in its
source) and is launched once per call (graphc/runtime/cuda_loop.py).  `fori_loop` with int bounds is
such a scan.  Every other control node (cond, while_loop, a scan holding control flow) stays a host
step driving its compiled bodies, as on llvm; a body holding a scan is compiled by this same factory,
so its inner scan is a loop kernel in turn.

`render_cuda_program(program)` renders it all without a GPU, as one translation unit (what the tests
compile with nvcc for sm_80 and sm_90):

    source = render_cuda_program(specialized_program).source
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from graphc.control.executable import CompiledBody, _compiled_attrs, has_control_flow, plan_steps
from graphc.control.results import result_types
from graphc.control.subgraph import Subgraph
from graphc.distributed.executable import (
    CompiledSegment,
    SegmentedMemoryPlan,
    compile_segment,
    run_segment,
    value_of,
)
from graphc.distributed.schedule import Segment
from graphc.ir import Node
from graphc.ops.source import placeholder_op
from graphc.program import Program
from graphc.rewrite import rebuild


def body_program(body: Subgraph, types: list[tuple]) -> Program:
    """The body as a program of its own, its parameters and captures as inputs of the concrete `types`
    (the loop node's operands': a body traced with a feed-time batch size gets the fed one)."""
    inputs = body.params + body.captures
    stand_ins = {n.id: Node(placeholder_op, (), {"shape": tuple(shape), "dtype": n.dtype}, tuple(shape), n.dtype,
                            name=f"{body.name}/{n.label}", source=n.source)
                 for n, (shape, _) in zip(inputs, types, strict=True)}
    outputs, _ = rebuild(body.outputs, lambda node, new_inputs: stand_ins.get(node.id))
    return Program(inputs=[stand_ins[n.id] for n in inputs], variables=[], outputs=outputs, updated=[], new_values=[])


def native_loop(node: Node, options, name: str):
    """The loop `node` as a LoopModule (graphc.codegen.cuda.loop), or None when it cannot be one kernel: not a
    scan nor a plain while loop (a recording one stacks a run-time number of steps), a body holding a control
    node or a host op, or a size known only at run time."""
    from graphc.codegen.cuda.loop import LoopShape, render_scan, render_while

    kind = node.op.name
    if kind not in ("scan", "while_loop") or (kind == "while_loop" and node.attrs["record"]):
        return None
    bodies = [node.attrs["body"]] + ([node.attrs["cond"]] if kind == "while_loop" else [])
    if not all(i.is_static for i in node.inputs) or any(
            n.op.kind == "control" or n.op.runs_on_host for body in bodies for n in body.order):
        return None
    n = node.attrs["n_carry"]
    types = [(tuple(i.shape), i.dtype) for i in node.inputs]
    carries, captures = types[:n], types[len(node.inputs) - len(node.attrs["captures"]):]
    if kind == "while_loop":
        cond_plan, cond_caps = _body_plan(node.attrs["cond"], carries, node, options)
        plan, body_caps = _body_plan(node.attrs["body"], carries, node, options)
        shape = LoopShape(tuple(carries), (), tuple(captures), (), None,
                          max_iterations=node.attrs["max_iterations"])
        error = (f"while_loop: the condition still holds after max_iterations={node.attrs['max_iterations']} "
                 f"iterations{node.attrs['where']}")
        return render_while(name, cond_plan, cond_caps, plan, body_caps, shape, error)
    slices = [(shape[1:], dtype) for shape, dtype in types[n:n + node.attrs["n_xs"]]]
    plan, _ = _body_plan(node.attrs["body"], carries + slices, node, options)
    n_y = len(node.attrs["body"].outputs) - n
    ys = [(tuple(shape[1:]), dtype) for shape, dtype in result_types(node)[n:n + n_y]]
    length = node.inputs[n].shape[0] if slices else node.attrs["length"]
    shape = LoopShape(tuple(carries), tuple(slices), tuple(captures), tuple(ys), int(length),
                      bool(node.attrs["reverse"]), bool(node.attrs["record"]))
    return render_scan(name, plan, shape)


def _body_plan(body: Subgraph, param_types: list[tuple], node: Node, options) -> tuple:
    """(the body's ExecutionPlan through the CUDA pipeline, for each of its captures the loop's capture index)."""
    from graphc import pipeline

    slot = {c.id: i for i, c in enumerate(node.attrs["captures"])}
    capture_types = [(tuple(node.inputs[len(node.inputs) - len(slot) + slot[c.id]].shape), c.dtype)
                     for c in body.captures]
    program = body_program(body, param_types + capture_types)
    return pipeline.run(program, options, pipeline.CUDA).plan, [slot[c.id] for c in body.captures]


@dataclass
class CudaProgramSource:
    """A program with control flow rendered for CUDA without a device: its steps in order, one source.

    steps: ("segment", (program, plan, CudaModule)) | ("loop", node, LoopModule) | ("host", node)"""

    steps: list = field(default_factory=list)
    source: str = ""

    def loops(self) -> list:
        return [s[2] for s in self.steps if s[0] == "loop"]


def render_cuda_program(program: Program, options: Mapping | None = None) -> CudaProgramSource:
    """Every segment's kernels (named s<i>_k<j>) and every native scan's loop kernel in one translation unit;
    the control nodes that stay host steps are listed, their bodies not rendered."""
    from graphc.codegen.cuda.loop import LOOP_PRELUDE
    from graphc.codegen.cuda.renderer import prelude, render_module
    from graphc.compile import render_program

    plan = plan_steps(program)
    rendered = CudaProgramSource()
    kernels, texts = [], []
    for index, step in enumerate(plan):
        if isinstance(step, Segment):
            segment = compile_segment(program, plan, index, options, render_program).executable
            seg_program, seg_plan, _ = segment
            named = [replace(k, name=f"s{index}_{k.name}") for k in seg_plan.kernels]
            kernels += named
            texts.append(render_module(named, header=False).source)
            rendered.steps.append(("segment", segment))
        elif (loop := native_loop(step.node, options, f"loop{index}")) is not None:
            texts.append(loop.text)
            rendered.steps.append(("loop", step.node, loop))
        else:
            rendered.steps.append(("host", step.node))
    body_kernels = [k for s in rendered.steps if s[0] == "loop" for k in s[2].kernels]
    rendered.source = "\n".join([*prelude(kernels + body_kernels), LOOP_PRELUDE, *texts])
    return rendered


class CudaControlFlowExecutable:
    """Segments (CUDA executables), loop kernels and host steps in order; `(inputs, variables) -> (outputs,
    new_values)` as any executable.  Values cross between steps through the host, as on llvm."""

    def __init__(self, program: Program, options, factory: Callable, launcher=None):
        from graphc.runtime.cuda_launch import open_launcher
        from graphc.runtime.cuda_loop import CudaLoopExecutable

        self.program = program
        launcher = launcher or open_launcher(options.get("cuda_launcher"))
        plan = plan_steps(program)
        self.steps: list = []
        self._bodies: dict[int, CompiledBody] = {}  # a recording twin shares its original's bodies
        bodies = self._bodies
        for index, step in enumerate(plan):
            if isinstance(step, Segment):
                self.steps.append(compile_segment(program, plan, index, options, factory))
                continue
            loop = native_loop(step.node, options, f"loop{index}") if launcher.cooperative() else None
            if loop is not None:
                self.steps.append((step.node, CudaLoopExecutable(loop, launcher)))
            else:
                self.steps.append((step.node, _compiled_attrs(step.node, options, factory, bodies)))
        self.backend = "cuda"

    def __call__(self, inputs, variables, donate: bool = False):
        p = self.program
        env: dict[int, object] = {n.id: np.asarray(a) for n, a in zip([*p.inputs, *p.variables], [*inputs, *variables])}
        written: dict[int, np.ndarray] = {}  # variable index -> its new value, from the segment updating it
        for step in self.steps:
            if isinstance(step, CompiledSegment):
                run_segment(step, inputs, variables, env, written, donate)
            else:
                env[step[0].id] = _run_control(*step, env)
        outputs = [np.array(value_of(n, env)) if n.op.kind == "source" else env[n.id] for n in p.outputs]
        return outputs, [written[vi] if vi in written else np.asarray(value_of(n, env))
                         for vi, n in zip(p.updated, p.new_values)]

    def loops(self) -> list:
        """The loop kernels' executables, in program order."""
        return [how for step in self.steps if not isinstance(step, CompiledSegment)
                for how in [step[1]] if callable(how)]

    def cuda_source(self) -> str:
        parts = [s.executable.cuda_source() for s in self.steps if isinstance(s, CompiledSegment)]
        return "\n".join(parts + [loop.module.source for loop in self.loops()])

    def memory_plan(self):
        """The segments' and host-run bodies' plans; held beside them: each loop kernel's device buffers
        (its arguments and workspace) and the host-run control nodes' results (as on llvm)."""
        plans = [s.executable.memory_plan() for s in self.steps if isinstance(s, CompiledSegment)]
        plans += [b.executable.memory_plan() for b in self._bodies.values()]
        held = sum(loop.nbytes for loop in self.loops())
        held += sum(node.size or 0 for step in self.steps if not isinstance(step, CompiledSegment)
                    for node in [step[0]] if not callable(step[1]) and node.op.extra.get("tuple_output"))
        return SegmentedMemoryPlan(plans, held)

    def kernels(self) -> list[dict]:
        listed = []
        for step in self.steps:
            if isinstance(step, CompiledSegment):
                listed += step.executable.kernels()
            elif callable(step[1]):
                listed.append(step[1].describe())
        return listed


def _run_control(node: Node, how, env: dict):
    """A control node's value: its loop kernel's results (`how` a CudaLoopExecutable), or its own loop or
    branch run on the host over its compiled bodies (`how` its attrs)."""
    arrays = [value_of(i, env) for i in node.inputs]
    return how(arrays) if callable(how) else node.op.compute(how, *arrays)


def with_cuda_control_flow(factory: Callable, launcher=None) -> Callable:
    """`factory` (the cuda backend's) for programs that may hold control nodes; `launcher` runs the loop
    kernels (default: the process's, graphc.runtime.cuda_launch.open_launcher).  Under remat the loops
    are checkpointed once, on the whole program, as graphc.control.executable.with_control_flow does
    (never again in the bodies that rewrite built)."""
    def build_bodies(program: Program, options: Mapping):
        if has_control_flow(program):
            return CudaControlFlowExecutable(program, options, build_bodies, launcher)
        return factory(program, options)

    def build(program: Program, options: Mapping):
        if has_control_flow(program):
            from graphc.control.loop_remat import rematerialize_loops

            program = rematerialize_loops(program, getattr(options, "remat", "none"))
        return build_bodies(program, options)
    return build


__all__ = ["CudaControlFlowExecutable", "CudaProgramSource", "body_program", "native_loop", "render_cuda_program",
           "with_cuda_control_flow"]
