"""A while loop on a compiled backend as one native loop: its body and its condition compiled as one step.

Host-driven, a while loop costs two executable calls per iteration (the condition, then the body), each a
trip through Python of 10-100 us: more than the work of a small body.  Here the body and then the
condition on the body's new carry are traced into one program, the *step*:

    step(carry, captures) = (body(carry), cond(body(carry)))

compiled once per type signature.  The llvm executable loops it natively (graphc.runtime.native_loop.WhileLoop:
run the step, swap each carry's two buffers, stop when the condition's byte is 0), so the whole loop is
one call of generated code, as a scan's is.  The condition on the initial carry is the compiled condition's
one call from here.

A loop recording its steps for a gradient runs this way too (its carries kept in blocks of rows that
double, graphc.runtime.native_loop.WhileLoop).  remat's checkpointing loop, a step whose condition is not a
bool scalar or whose carries change type, and a step that does not compile to a natively looping executable
(another backend, nested control flow) run on the host, one call of the condition and the body per
iteration.
"""

from __future__ import annotations

import numpy as np

from graphc.control.loop_compute import while_parts
from graphc.errors import GraphcError
from graphc.ir import Node
from graphc.ops.source import placeholder_op
from graphc.program import Program
from graphc.rewrite import rebuild


class WhileStep:
    """The step program of one while node, compiled per signature; `run(attrs, values)` as `while_compute`,
    or None where this loop cannot run natively (then the host runs it)."""

    def __init__(self, cond, body):
        self.cond, self.body = cond, body  # graphc.control.executable.CompiledBody each
        captures = {c.id: c for c in (*body.body.captures, *cond.body.captures)}
        self.captures = list(captures.values())
        self._loops: dict[tuple, object] = {}

    def run(self, attrs, values) -> tuple | None:
        init, captured_values = while_parts(values, attrs)
        init = [np.asarray(c) for c in init]
        by_id = {c.id: np.asarray(v) for c, v in zip(attrs["captures"], captured_values)}
        captured = [by_id[c.id] for c in self.captures]
        holds = bool(self.cond.run(init, by_id)[0])
        signature = tuple((a.shape, a.dtype.str) for a in (*init, *captured))
        if signature not in self._loops:
            self._loops[signature] = self._loop(signature, len(init))
            body_inputs = (*init, *(by_id[c.id] for c in self.body.body.captures))
            self.body.compiled_for(tuple((a.shape, a.dtype.str) for a in body_inputs))  # for the memory plan
        loop = self._loops[signature]
        if loop is None:
            return None
        limit = attrs["max_iterations"]
        carries, trips, still_holds, stacks = loop.run(init, captured, holds, limit, attrs["record"])
        if still_holds and limit is not None and trips >= limit:
            raise GraphcError(f"while_loop: the condition still holds after max_iterations={limit} "
                              f"iterations{attrs['where']}")
        if not attrs["record"]:
            return tuple(carries)
        return (*carries, np.asarray(trips, dtype=np.int64), *stacks)

    def _loop(self, signature: tuple, n_carry: int):
        """The step's native loop, or None; not compiled where the condition's executable (just run) is of a
        backend that cannot loop natively."""
        if not hasattr(self.cond.executable, "while_loop"):
            return None
        executable = self.body.factory(self._program(signature), self.body.options)
        make = getattr(executable, "while_loop", None)
        return make(n_carry) if make is not None else None

    def _program(self, signature: tuple) -> Program:
        """body then condition, over placeholders of these types for the carries and the captures."""
        body, cond = self.body.body, self.cond.body
        def stand_in(node: Node, shape) -> Node:
            return Node(placeholder_op, (), {"shape": shape, "dtype": node.dtype}, shape, node.dtype,
                        name=f"{body.name} step/{node.label}", source=node.source)
        carries = [stand_in(p, shape) for p, (shape, _) in zip(body.params, signature)]
        captures = {c.id: stand_in(c, shape) for c, (shape, _) in zip(self.captures, signature[len(carries):])}
        bound = {**{p.id: s for p, s in zip(body.params, carries)}, **captures}
        new_carry, _ = rebuild(body.outputs, lambda node, new_inputs: bound.get(node.id))
        bound = {**{p.id: s for p, s in zip(cond.params, new_carry)}, **captures}
        holds, _ = rebuild(cond.outputs, lambda node, new_inputs: bound.get(node.id))
        return Program(inputs=[*carries, *captures.values()], variables=[], outputs=[*new_carry, holds[0]],
                       updated=[], new_values=[])


__all__ = ["WhileStep"]
