"""The public loops: `while_loop`, `scan` and `fori_loop`, with their structures and construction checks.

A carry is a node or a tuple/list of nodes; the body must give back the same structure with
the same shapes and dtypes, else a ShapeError names the construct, the carry and the user's
line (found here, when the body is traced, not when the loop runs).
"""

from __future__ import annotations

import numbers

from graphc import dtypes
from graphc.control.loops import build_scan, build_while
from graphc.control.subgraph import describe_type, flatten, trace, types_of
from graphc.errors import ShapeError
from graphc.ir import Node, user_source_line
from graphc.ops import as_node
from graphc.ops.registry import format_shape


def _at(source) -> str:
    return f"\n  at {source}" if source else ""


def _flat(value) -> tuple[list[Node], bool]:
    """(nodes, whether it was a tuple/list) of a carry or xs structure."""
    if isinstance(value, (tuple, list)):
        return [as_node(v) for v in value], True
    return [as_node(value)], False


def _rebuilt(nodes, multi: bool):
    return tuple(nodes) if multi else nodes[0]


def _check_carry(construct: str, before: list[Node], returned, multi: bool, where: str) -> list[Node]:
    """The body's new carry as a flat list, after checking it keeps the carry's structure and types."""
    if multi != isinstance(returned, (tuple, list)) or (multi and len(returned) != len(before)):
        want = f"a tuple of {len(before)}" if multi else "a single value"
        got = f"a {type(returned).__name__} of {len(returned)}" if isinstance(returned, (tuple, list)) else \
            "a single value"
        raise ShapeError(f"{construct}: the body returns {got} for a carry of {want}{where}")
    after = flatten(returned, f"{construct} body")
    for i, (a, b) in enumerate(zip(before, after)):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise ShapeError(f"{construct}: the body changes carry {i} from {describe_type(a.shape, a.dtype)} "
                             f"to {describe_type(b.shape, b.dtype)}; a loop keeps each carry's shape and dtype "
                             f"(cast or reshape it in the body){where}")
    return after


def while_loop(cond_fn, body_fn, loop_vars, max_iterations: int | None = None):
    """Repeat `loop_vars = body_fn(*loop_vars)` while `cond_fn(*loop_vars)` holds; return the last loop_vars.

    `loop_vars` is a node or a tuple of nodes (the functions then take one argument each);
    the body keeps their shapes and dtypes.  `max_iterations` bounds the loop: reaching it
    with the condition still true is a run-time GraphcError.  Differentiable in both modes,
    with a trip count that depends on the data.

    >>> n, x = gc.while_loop(lambda n, x: gc.sum(x * x) < 1e6, lambda n, x: (n + 1, x * 2.0), (0, x0))
    """
    source = user_source_line()
    where = _at(source)
    init, multi = _flat(loop_vars)
    if max_iterations is not None and (not isinstance(max_iterations, numbers.Integral) or max_iterations < 0):
        raise ShapeError(f"while_loop: max_iterations must be a non-negative int, got {max_iterations!r}{where}")
    types = types_of(init)
    cond_body, _ = trace(cond_fn, types, "while_loop condition")
    test = cond_body.outputs
    if len(test) != 1 or test[0].shape != () or test[0].dtype != dtypes.bool_:
        got = ", ".join(describe_type(t.shape, t.dtype) for t in test)
        raise ShapeError(f"while_loop: the condition must return one scalar bool, got {got}{where}")

    def checked_body(*params):
        return _check_carry("while_loop", init, body_fn(*params), multi, where)

    body, _ = trace(checked_body, types, "while_loop body")
    results = build_while(cond_body, body, init, max_iterations, source=source)
    return _rebuilt(results, multi)


def scan(fn, init, xs, length: int | None = None, reverse: bool = False):
    """`fn(carry, x) -> (carry, y)` over the leading axis of `xs`: returns `(final_carry, ys)`.

    `init` and `xs` are a node or a tuple of nodes (fn receives the same structure); `ys`
    stacks each step's y along a new leading axis (y may be a node, a tuple, or None).
    `xs=None` with `length` runs `length` steps with x None.  With `reverse`, steps run from
    the last element to the first, and ys stay in the order of xs (as in JAX's lax.scan).

    >>> total, partial_sums = gc.scan(lambda c, x: (c + x, c + x), gc.zeros(()), xs)
    """
    source = user_source_line()
    where = _at(source)
    carry, carry_multi = _flat(init)
    if xs is None:
        seq, xs_multi = [], False
        if length is None:
            raise ShapeError(f"scan: with xs None, give the number of steps as length{where}")
    else:
        seq, xs_multi = _flat(xs)
    for x in seq:
        if x.ndim == 0:
            raise ShapeError(f"scan: xs must have a leading axis to scan over, got {format_shape(x.shape)}{where}")
    lengths = {x.shape[0] for x in seq if x.shape[0] is not None} | ({length} if length is not None else set())
    if len(lengths) > 1:
        raise ShapeError(f"scan: the xs and length disagree on the number of steps: {sorted(lengths)}{where}")
    y_multi = []

    def step(*params):
        c = _rebuilt(list(params[:len(carry)]), carry_multi)
        x = None if xs is None else _rebuilt(list(params[len(carry):]), xs_multi)
        returned = fn(c, x)
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            raise ShapeError(f"scan: fn must return a pair (carry, y), got {type(returned).__name__}{where}")
        new_carry = _check_carry("scan", carry, returned[0], carry_multi, where)
        y = returned[1]
        y_multi.append(None if y is None else isinstance(y, (tuple, list)))
        return new_carry, ([] if y is None else flatten(y, "scan fn's y"))

    results = build_scan(step, carry, seq, length if not seq else None, reverse, source=source)
    final, ys = results[:len(carry)], results[len(carry):]
    ys_out = None if y_multi[0] is None else _rebuilt(ys, y_multi[0])
    return _rebuilt(final, carry_multi), ys_out


def fori_loop(lower, upper, body_fn, init):
    """`init` after `carry = body_fn(i, carry)` for i = lower, ..., upper - 1.

    With Python ints for the bounds it is a scan of upper - lower steps (reverse mode works
    through it the way it does through a scan); with nodes for bounds it is a while loop.
    """
    carry, multi = _flat(init)
    if isinstance(lower, numbers.Integral) and isinstance(upper, numbers.Integral):
        steps = max(0, int(upper) - int(lower))

        def step(c, _):
            i, *rest = c
            new = body_fn(i, _rebuilt(list(rest), multi))
            return (i + 1, *(_flat(new)[0] if multi else [new])), None

        start = as_node(int(lower), None)
        (_, *final), _ = scan(step, (start, *carry), None, length=steps)
        return _rebuilt(final, multi)
    lower, upper = as_node(lower), as_node(upper)

    def body(i, *rest):
        new = body_fn(i, _rebuilt(list(rest), multi))
        return (i + 1, *(_flat(new)[0] if multi else [new]))

    _, *final = while_loop(lambda i, *rest: i < upper, body, (lower, *carry))
    return _rebuilt(final, multi)
