"""The numpy reference executor: the oracle every backend and pass is tested against.

It runs a Program node by node with each op's `compute`, in topological order
(float16/bfloat16 operands widened to float32, each result rounded to its dtype),
and drops every intermediate after its last use so its peak memory is
meaningful too.  No passes run here: what it computes is the graph as written.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphc.errors import GraphcError
from graphc.evaluate import evaluate, value_bytes
from graphc.program import Program


class ReferenceExecutable:
    backend = "numpy"

    def __init__(self, program: Program, memory_planner=None):
        self.program = program
        self.order = program.nodes()
        # the planner is handed in (graphc.passes.plan_program_memory): the runtime imports no passes
        self._memory_planner = memory_planner
        self._plan = None
        # constants are the program's own arrays, not allocations: like inputs, not counted as live
        self._static = {n.id for n in self.order if n.op.kind == "source"}
        keep = {n.id for n in program.roots}
        keep |= {n.id for n in program.inputs} | {v.id for v in program.variables}
        last_use: dict[int, int] = {}
        for step, node in enumerate(self.order):
            for i in node.inputs:
                last_use[i.id] = step
        # after each step, the values nobody needs any more
        self.release: list[list[int]] = [[] for _ in self.order]
        for node_id, step in last_use.items():
            if node_id not in keep:
                self.release[step].append(node_id)
        self.peak_bytes = 0

    def __call__(self, inputs: Sequence[np.ndarray], variables: Sequence[np.ndarray], donate: bool = False):
        p = self.program
        env: dict[int, np.ndarray] = {n.id: a for n, a in zip(p.inputs, inputs)}
        env.update((v.id, a) for v, a in zip(p.variables, variables))
        live = 0
        with np.errstate(all="ignore"):
            for step, node in enumerate(self.order):
                if node.id not in env:
                    env[node.id] = evaluate(node, [env[i.id] for i in node.inputs])
                    if node.id not in self._static:
                        live += value_bytes(env[node.id])
                    self.peak_bytes = max(self.peak_bytes, live)
                for node_id in self.release[step]:
                    value = env.pop(node_id)
                    if node_id not in self._static:
                        live -= value_bytes(value)
        sources = [env[n.id] for n in p.inputs] + [env[v.id] for v in p.variables]
        outputs = [_unshared(env[n.id], sources) for n in p.outputs]
        return outputs, [_unshared(env[n.id], sources) for n in p.new_values]

    def memory_plan(self):
        """The liveness-based arena plan of this node-by-node run (`peak_bytes` is what a run measured)."""
        if self._memory_planner is None:  # built directly rather than by graphc.backends
            raise GraphcError("this ReferenceExecutable was built without a memory planner: build it through "
                              "graphc.backends, or pass memory_planner=graphc.passes.plan_program_memory")
        if self._plan is None:
            self._plan = self._memory_planner(self.program)
        return self._plan


def _unshared(value: np.ndarray, sources: list[np.ndarray]) -> np.ndarray:
    """`value`, or a copy when it is (a view of) a fed or variable array: an op such as reshape
    may return a view, and a variable's array may later be updated in place by another backend.
    A read-only value is (a view of) a constant's array, or a broadcast: the caller gets its own."""
    if not value.flags.writeable or any(np.may_share_memory(value, s) for s in sources):
        return value.copy()
    return value
