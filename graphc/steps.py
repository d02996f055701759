"""Many steps of a function in one call: `f.run(steps=n, feeds=batches)`.

A training loop that calls `f(xb, yb)` once per batch returns to Python between steps: the
feeds are checked, the variables taken and written back, and the executable entered again,
every step.  `run` instead builds, once per step count and feed shapes, the function's graph
as the body of a `gc.scan` over the stacked feeds: the variables the function updates are the
scan's carry (each step reads what the one before wrote), the ones it only reads are captured,
and each step's outputs are stacked along a new leading axis.  The whole loop is then one
program, compiled by the function's backend and called once; after it the variables hold what
`n` separate calls would have left, and random draws advance their step count as `n` calls do.

    losses, accuracies = step.run(steps=len(batches), feeds=batches)   # each (n,) + output shape
"""

from __future__ import annotations

import itertools

import numpy as np

from graphc.errors import FeedError, GraphcError
from graphc.ir import Node
from graphc.ops.random import fixed_shape
from graphc.ops.source import placeholder_op, variable_op
from graphc.rewrite import rebuild


def stacked_feeds(function, steps: int, feeds) -> list[np.ndarray]:
    """Each input's feeds of the `steps` steps, checked as a call checks them, stacked on a new axis 0.

    An item of `feeds` is what one call takes: a tuple of positional arguments, a dict by
    input name, or a single array when the function has one input; `feeds` may be None when
    the function has no inputs.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise GraphcError(f"run: steps must be a positive integer, got {steps!r}")
    if feeds is None:
        if function.inputs:
            names = ", ".join(x.label for x in function.inputs)
            raise FeedError(f"run: the function has inputs ({names}): give feeds, one item per step")
        return []
    per_step = []
    for item in itertools.islice(iter(feeds), steps):
        if isinstance(item, dict):
            per_step.append(function._feeds((), item))
        elif isinstance(item, (tuple, list)):
            per_step.append(function._feeds(tuple(item), {}))
        else:
            per_step.append(function._feeds((item,), {}))
    if len(per_step) < steps:
        raise FeedError(f"run: steps={steps}, but the feeds gave {len(per_step)} step(s)")
    stacked = []
    for i, x in enumerate(function.inputs):
        shapes = {step[i].shape for step in per_step}
        if len(shapes) > 1:
            raise FeedError(f"run: the feeds of input {x.label!r} differ in shape between steps "
                            f"({', '.join(map(str, sorted(shapes)))}): the steps of one run share one shape")
        stacked.append(np.stack([step[i] for step in per_step]))
    return stacked


def step_loop(function, steps: int, stacked: list[np.ndarray]) -> tuple[list[Node], list[Node], list]:
    """The loop as a function's parts: (placeholders of the stacked feeds, the stacked outputs,
    the updates that write the scan's final carry to the variables)."""
    from graphc.control import scan

    updates = function.updates + function._random.updates
    updated = [var for var, _ in updates]
    stores = [var.attrs["store"] for var in updated]
    placeholders = [Node(placeholder_op, (), {"shape": a.shape, "dtype": a.dtype}, a.shape, a.dtype,
                         name=x.label, source=x.source) for x, a in zip(function.inputs, stacked)]
    roots = function.outputs + [value for _, value in updates]

    def step(carry, xs):
        carry_of = {id(store): c for store, c in zip(stores, carry)}
        fed = {x.id: x_step for x, x_step in zip(function.inputs, xs or ())}
        for step_id, counter in function._random.substitute.items():
            fed[step_id] = carry_of[id(counter.attrs["store"])]

        def replace(node: Node, new_inputs: list[Node]) -> Node | None:
            if node.id in fed:
                return fed[node.id]
            if node.op is variable_op and id(node.attrs["store"]) in carry_of:
                return carry_of[id(node.attrs["store"])]  # the value the step before wrote
            return fixed_shape(node, new_inputs)

        new_roots, _ = rebuild(roots, replace)
        outputs, new_values = new_roots[: len(function.outputs)], new_roots[len(function.outputs):]
        return tuple(new_values), (tuple(outputs) if outputs else None)

    final, ys = scan(step, tuple(updated), tuple(placeholders) if placeholders else None,
                     length=None if placeholders else steps)
    return placeholders, list(ys or ()), list(zip(updated, final)) if updated else []
