"""The loop nodes, scan and while_loop, built from flat bodies, and their derivative rules.

Reverse mode.  A loop's VJP needs the carry before every step.  It builds the loop's
recording twin (the same node with `record`: it also returns those carries stacked, and a
while loop its trip count), then runs the body's VJP as a scan in the other direction over
the stacks: the carry of that scan holds the carries' cotangents and the captures'
cotangents summed over steps.  A while loop's trip count is data dependent, so its stacks
have a length known at run time only; the backward scan runs over whatever they hold.
The twin computes the forward loop a second time: the price of keeping the first, plain
one free of stacks when nobody differentiates it.

Forward mode.  The JVP of a loop is a loop carrying the tangents beside the carries.
Both rules build loops, so derivatives of derivatives follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphc.control.derivatives import CaptureBinding, body_jvp, body_vjp, is_float
from graphc.control.loop_compute import (
    scan_check,
    scan_compute,
    scan_parts,
    scan_results,
    while_check,
    while_compute,
    while_parts,
    while_results,
)
from graphc.control.loop_memory import scan_memory, while_memory
from graphc.control.results import Parts, control_op, result_types, results_of
from graphc.control.subgraph import Subgraph, inline, trace, types_of
from graphc.ir import Node, user_source_line
from graphc.ops import zeros_like
from graphc.ops.registry import make_node


def build_scan(fn: Callable, init: Sequence[Node], xs: Sequence[Node], length: int | None, reverse: bool,
               record: bool = False, name: str = "scan body", source: str | None = None) -> list[Node]:
    """A scan node's results, tracing `fn(*carries, *x_slices) -> (carries, ys)` (flat lists) once."""
    types = types_of(init) + [(x.shape[1:], x.dtype) for x in xs]
    n_ys = []

    def flat(*params):
        carries, ys = fn(*params)
        n_ys.append(len(ys))
        return [*carries, *ys]

    body, _ = trace(flat, types, name)
    attrs = {"body": body, "n_carry": len(init), "n_xs": len(xs), "length": length, "reverse": reverse,
             "record": record, "captures": body.captures}
    node = make_node(scan_op, (*init, *xs, *body.captures), attrs, source=source or user_source_line())
    return results_of(node)


def build_while(cond_body: Subgraph, body: Subgraph, init: Sequence[Node], max_iterations: int | None,
                record: bool = False, source: str | None = None) -> list[Node]:
    """A while node's results, from its traced condition and body."""
    merged = {c.id: c for c in cond_body.captures + body.captures}
    captures = tuple(merged[i] for i in sorted(merged))
    source = source or user_source_line()
    attrs = {"cond": cond_body, "body": body, "n_carry": len(init), "max_iterations": max_iterations,
             "record": record, "captures": captures, "where": f" (the loop built at {source})" if source else ""}
    node = make_node(while_op, (*init, *captures), attrs, source=source)
    return results_of(node)


def _binding(node: Node, captures: Sequence[Node], differentiated=None) -> CaptureBinding:
    """The captures a derivative loop carries as values (float ones, or those `differentiated`)."""
    if differentiated is None:
        differentiated = [is_float(c) for c in captures]
    return CaptureBinding(node.attrs["captures"], captures, differentiated)


def _twin(node: Node) -> list[Node]:
    """The results of the recording twin of a loop node (the node itself when it records)."""
    if node.attrs["record"]:
        return results_of(node)
    return results_of(make_node(node.op, node.inputs, {**node.attrs, "record": True}, source=node.source))


def _reverse_sweep(body: Subgraph, binding: CaptureBinding, n: int, stacks, xs, y_cts, stack_cts, final_cts,
                   wrt_xs, reverse: bool, length, source, finals=None):
    """The backward scan over a loop's recorded steps: (cotangents of the float carries' initial values,
    of the differentiated captures, and of the xs `wrt_xs`, stacked; the float carries' indices).

    Its carry: the float carries' cotangents, the captures' cotangents summed over steps, the
    captures' values themselves (carried unchanged, see CaptureBinding), and with `finals` (the loop's
    final carries) the carries the body computes as they were after the step being differentiated: the
    final ones first, then each step's recorded carry for the step before it.  The body's derivatives
    read those where they read its new carry (tanh's rule reads tanh's output), so the sweep does not
    compute the new carry again (an RNN's h W + x U: two of its five matmuls)."""
    float_carries = [i for i in range(n) if is_float(stacks[i])]
    n_fc, n_cap = len(float_carries), len(binding.values)
    after = [i for i in range(n) if finals is not None and body.computes(i)]
    n_after = len(after)
    y_slots = sorted(y_cts)
    stack_slots = sorted(stack_cts)
    seq = [*stacks, *xs, *(y_cts[j] for j in y_slots), *(stack_cts[i] for i in stack_slots)]
    init = [final_cts[i] for i in float_carries] + [zeros_like(c) for c in binding.values] + binding.values
    init += [finals[i] for i in after]

    def step(*args):
        g_carry, g_caps = args[:n_fc], args[n_fc:n_fc + n_cap]
        caps = args[n_fc + n_cap:n_fc + 2 * n_cap]
        known = dict(zip(after, args[n_fc + 2 * n_cap:n_fc + 2 * n_cap + n_after]))
        rest = args[n_fc + 2 * n_cap + n_after:]
        carry_t, x_t = rest[:n], rest[n:n + len(xs)]
        gy_t = rest[n + len(xs):n + len(xs) + len(y_slots)]
        gstack_t = dict(zip(stack_slots, rest[n + len(xs) + len(y_slots):]))
        cts = dict(zip(float_carries, g_carry))
        cts.update((n + j, g) for j, g in zip(y_slots, gy_t))
        grads = body_vjp(body, [*carry_t, *x_t], cts, binding.bind(caps),
                         [*float_carries, *(n + j for j in wrt_xs)], caps, known)
        new_carry = [g + gstack_t[i] if i in gstack_t else g for i, g in zip(float_carries, grads[:n_fc])]
        g_x = grads[n_fc:n_fc + len(wrt_xs)]
        new_caps = [a + b for a, b in zip(g_caps, grads[n_fc + len(wrt_xs):])]
        return [*new_carry, *new_caps, *caps, *(carry_t[i] for i in after)], g_x

    out = build_scan(step, init, seq, None if seq else length, reverse=not reverse, name="scan body VJP",
                     source=source)
    return out[:n_fc], out[n_fc:n_fc + n_cap], out[n_fc + 2 * n_cap + n_after:], float_carries


def _scan_vjp(node: Node, g: Parts, wanted: Sequence[bool]):
    init, xs, captures = scan_parts(node.inputs, node.attrs)
    body, n = node.attrs["body"], node.attrs["n_carry"]
    g = g or Parts()
    twin = _twin(node)
    n_y = len(body.outputs) - n
    stacks = twin[n + n_y:n + n_y + n]
    final_cts = {i: g.get(i) if g.get(i) is not None else zeros_like(init[i]) for i in range(n)
                 if is_float(init[i])}
    y_cts = {j: g[n + j] for j in range(n_y) if n + j in g}
    stack_cts = {i: g[n + n_y + i] for i in range(n) if node.attrs["record"] and n + n_y + i in g}
    wrt_xs = [j for j, x in enumerate(xs) if is_float(x) and wanted[n + j]]
    differentiated = [is_float(c) and w for c, w in zip(captures, wanted[n + len(xs):])]
    g_init, g_caps, g_xs, float_carries = _reverse_sweep(
        body, _binding(node, captures, differentiated), n, stacks, xs, y_cts, stack_cts, final_cts, wrt_xs,
        node.attrs["reverse"], node.attrs["length"], node.source, finals=twin[:n])
    out: list = [None] * len(node.inputs)
    for i, gi in zip(float_carries, g_init):
        out[i] = gi
    for j, gx in zip(wrt_xs, g_xs):
        out[n + j] = gx
    _place_captures(out, n + len(xs), differentiated, g_caps)
    return out


def _place_captures(out: list, offset: int, differentiated: Sequence[bool], g_caps) -> None:
    positions = [offset + j for j, d in enumerate(differentiated) if d]
    for position, gc in zip(positions, g_caps):
        out[position] = gc


def _while_vjp(node: Node, g: Parts, wanted: Sequence[bool]):
    init, captures = while_parts(node.inputs, node.attrs)
    n = node.attrs["n_carry"]
    g = g or Parts()
    twin = _twin(node)
    stacks = twin[n + 1:n + 1 + n]
    final_cts = {i: g.get(i) if g.get(i) is not None else zeros_like(init[i]) for i in range(n)
                 if is_float(init[i])}
    stack_cts = {i: g[n + 1 + i] for i in range(n) if node.attrs["record"] and n + 1 + i in g}
    differentiated = [is_float(c) and w for c, w in zip(captures, wanted[n:])]
    g_init, g_caps, _, float_carries = _reverse_sweep(
        node.attrs["body"], _binding(node, captures, differentiated), n, stacks, [], {}, stack_cts, final_cts, [],
        False, None,
        node.source)
    out: list = [None] * len(node.inputs)
    for i, gi in zip(float_carries, g_init):
        out[i] = gi
    _place_captures(out, n, differentiated, g_caps)
    return out


def _tangent_inputs(values, tangents, always: bool):
    """{index: tangent} of the float values; with `always`, zeros for those without one."""
    out = {}
    for i, (v, t) in enumerate(zip(values, tangents)):
        if is_float(v) and (t is not None or always):
            out[i] = t if t is not None else zeros_like(v)
    return out


def _capture_tangents(node: Node, captures, tangents):
    """(binding of the captures that have a tangent, their tangents)."""
    with_tangent = [t is not None and is_float(c) for c, t in zip(captures, tangents)]
    return _binding(node, captures, with_tangent), [t for t, w in zip(tangents, with_tangent) if w]


def _scan_jvp(node: Node, tangents):
    init, xs, captures = scan_parts(node.inputs, node.attrs)
    n, k = node.attrs["n_carry"], len(xs)
    if all(t is None for t in tangents):
        return None
    body = node.attrs["body"]
    dc = _tangent_inputs(init, tangents[:n], always=True)
    dx = _tangent_inputs(xs, tangents[n:n + k], always=False)
    binding, cap_ts = _capture_tangents(node, captures, tangents[n + k:])
    n_dc, n_cap = len(dc), len(cap_ts)
    n_y = len(body.outputs) - n
    float_ys = [n + j for j in range(n_y) if is_float(body.outputs[n + j])]

    def step(*args):
        carry, tcarry, caps = args[:n], args[n:n + n_dc], args[n + n_dc:n + n_dc + n_cap]
        x_t, tx = args[n + n_dc + n_cap:n + n_dc + n_cap + k], args[n + n_dc + n_cap + k:]
        ts = {**dict(zip(dc, tcarry)), **{n + j: t for j, t in zip(dx, tx)}}
        outs, touts = body_jvp(body, [*carry, *x_t], ts, binding.bind(caps), caps, cap_ts, [*dc, *float_ys])
        return [*outs[:n], *touts[:n_dc], *caps], [*outs[n:], *touts[n_dc:]]

    res = build_scan(step, [*init, *dc.values(), *binding.values], [*xs, *dx.values()], node.attrs["length"],
                     node.attrs["reverse"], record=node.attrs["record"], name="scan body JVP", source=node.source)
    parts = Parts({i: res[n + m] for m, i in enumerate(dc)})
    ys_at = n + n_dc + n_cap
    parts.update({y: res[ys_at + n_y + m] for m, y in enumerate(float_ys)})
    if node.attrs["record"]:
        stacks_at = ys_at + n_y + len(float_ys) + n
        parts.update({n + n_y + i: res[stacks_at + m] for m, i in enumerate(dc)})
    return parts


def _while_jvp(node: Node, tangents):
    init, captures = while_parts(node.inputs, node.attrs)
    n = node.attrs["n_carry"]
    if all(t is None for t in tangents):
        return None
    dc = _tangent_inputs(init, tangents[:n], always=True)
    binding, cap_ts = _capture_tangents(node, captures, tangents[n:])
    n_dc = len(dc)
    types = types_of([*init, *dc.values(), *binding.values])

    def test(*args):
        return inline(node.attrs["cond"], args[:n], binding.bind(args[n + n_dc:]))[0]

    def step(*args):
        carry, tcarry, caps = args[:n], args[n:n + n_dc], args[n + n_dc:]
        outs, touts = body_jvp(node.attrs["body"], carry, dict(zip(dc, tcarry)), binding.bind(caps), caps, cap_ts,
                               list(dc))
        return [*outs, *touts, *caps]

    cond_body, _ = trace(test, types, "while_loop condition")
    body, _ = trace(step, types, "while_loop body JVP")
    res = build_while(cond_body, body, [*init, *dc.values(), *binding.values], node.attrs["max_iterations"],
                      record=node.attrs["record"], source=node.source)
    parts = Parts({i: res[n + m] for m, i in enumerate(dc)})
    if node.attrs["record"]:
        width = n + n_dc + len(binding.values)
        parts.update({n + 1 + i: res[width + 1 + n + m] for m, i in enumerate(dc)})
    return parts


scan_op = control_op("scan", scan_results, scan_compute, _scan_vjp, _scan_jvp, check=scan_check,
                     attributes={"body": "subgraph", "n_carry": "count", "n_xs": "count", "length": "optional_count",
                                 "reverse": "bool", "record": "bool"},
                     capture_start=lambda attrs: attrs["n_carry"] + attrs["n_xs"], memory=scan_memory,
                     doc="Runs a body (a subgraph) once per step over xs, carrying values; stacks its outputs.")
while_op = control_op("while_loop", while_results, while_compute, _while_vjp, _while_jvp, check=while_check,
                      attributes={"cond": "subgraph", "body": "subgraph", "n_carry": "count",
                                  "max_iterations": "optional_count", "record": "bool", "where": "text"},
                      capture_start=lambda attrs: attrs["n_carry"], memory=while_memory,
                      doc="Runs a body (a subgraph) while a condition (a subgraph) holds, carrying values.")

__all__ = ["build_scan", "build_while", "result_types", "scan_op", "while_op"]
