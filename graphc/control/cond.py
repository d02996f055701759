"""`cond(pred, true_fn, false_fn, *operands)`: run one of two traced branches, chosen at run time.

Unlike `where`, only the taken branch runs, so a NaN or an infinite loop in the other never
reaches the result; its derivatives are conds too (the branch's VJP or JVP runs under the
same predicate), so the untaken branch never reaches the gradient either.
"""

from __future__ import annotations

from graphc import dtypes
from graphc.control.derivatives import CaptureBinding, body_jvp, body_vjp, is_float
from graphc.control.loop_memory import cond_memory
from graphc.control.results import Parts, control_op, results_of
from graphc.control.subgraph import describe_type, trace, types_of
from graphc.errors import ShapeError
from graphc.ir import Node, user_source_line
from graphc.ops import as_node, zeros_like
from graphc.ops.registry import format_shape, make_node


def _split(inputs, attrs):
    k = attrs["n_operands"]
    return inputs[0], list(inputs[1:1 + k]), list(inputs[1 + k:])


def _results(inputs, attrs):
    return types_of(attrs["branches"][0].outputs)


def _check(inputs, attrs):
    pred, operands, captures = _split(inputs, attrs)
    if pred.shape != () or pred.dtype != dtypes.bool_:
        raise ShapeError(f"the predicate must be a scalar bool, got {format_shape(pred.shape)} {pred.dtype}")
    if len(captures) != len(attrs["captures"]):
        raise ShapeError(f"{len(captures)} captured values given for {len(attrs['captures'])}")


def _compute(attrs, pred, *rest):
    k = attrs["n_operands"]
    branch = attrs["branches"][0 if bool(pred) else 1]
    captured = {c.id: v for c, v in zip(attrs["captures"], rest[k:])}
    return tuple(branch.run(rest[:k], captured))


def _vjp(node: Node, g: Parts, wanted):
    pred, operands, captures = _split(node.inputs, node.attrs)
    outputs = results_of(node)
    g = g or Parts()
    float_outs = [i for i, o in enumerate(outputs) if is_float(o)]
    cts = [g[i] if i in g else zeros_like(outputs[i]) for i in float_outs]
    k = len(operands)
    wrt_ops = [i for i, x in enumerate(operands) if is_float(x) and wanted[1 + i]]
    differentiated = [is_float(c) and w for c, w in zip(captures, wanted[1 + k:])]
    binding = CaptureBinding(node.attrs["captures"], captures, differentiated)
    if not wrt_ops and not binding.values:
        return [None] * len(node.inputs)
    k, n_ct = len(operands), len(cts)

    def branch_vjp(branch):
        def fn(*args):
            caps = args[k + n_ct:]
            return tuple(body_vjp(branch, args[:k], dict(zip(float_outs, args[k:k + n_ct])), binding.bind(caps),
                                  wrt_ops, caps))
        return fn

    true_b, false_b = node.attrs["branches"]
    grads = cond(pred, branch_vjp(true_b), branch_vjp(false_b), *operands, *cts, *binding.values)
    grads = list(grads) if isinstance(grads, tuple) else [grads]
    out: list = [None] * len(node.inputs)
    for n, i in enumerate(wrt_ops):
        out[1 + i] = grads[n]
    positions = [1 + k + j for j, d in enumerate(differentiated) if d]
    for n, position in enumerate(positions):
        out[position] = grads[len(wrt_ops) + n]
    return out


def _jvp(node: Node, tangents):
    pred, operands, captures = _split(node.inputs, node.attrs)
    k = len(operands)
    op_ts = {i: t for i, t in enumerate(tangents[1:1 + k]) if t is not None and is_float(operands[i])}
    with_tangent = [t is not None and is_float(c) for c, t in zip(captures, tangents[1 + k:])]
    cap_ts = [t for t, w in zip(tangents[1 + k:], with_tangent) if w]
    binding = CaptureBinding(node.attrs["captures"], captures, with_tangent)
    float_outs = [i for i, t in enumerate(_results(node.inputs, node.attrs)) if is_float(t)]
    if not float_outs or (not op_ts and not cap_ts):
        return None
    op_keys, n_op, n_cap = list(op_ts), len(op_ts), len(cap_ts)

    def branch_jvp(branch):
        def fn(*args):
            ts = dict(zip(op_keys, args[k:k + n_op]))
            caps = args[k + n_op:k + n_op + n_cap]
            return tuple(body_jvp(branch, args[:k], ts, binding.bind(caps), caps, args[k + n_op + n_cap:],
                                  float_outs)[1])
        return fn

    true_b, false_b = node.attrs["branches"]
    out = cond(pred, branch_jvp(true_b), branch_jvp(false_b), *operands, *op_ts.values(), *binding.values, *cap_ts)
    out = list(out) if isinstance(out, tuple) else [out]
    return Parts(zip(float_outs, out))


cond_op = control_op("cond", _results, _compute, _vjp, _jvp, check=_check,
                     attributes={"branches": "subgraphs", "n_operands": "count"},
                     capture_start=lambda attrs: 1 + attrs["n_operands"], memory=cond_memory,
                     doc="Runs the true or the false branch (a subgraph) by a scalar bool predicate.")


def cond(pred, true_fn, false_fn, *operands):
    """`true_fn(*operands)` if `pred` else `false_fn(*operands)`; only the taken branch runs.

    Both branches return the same structure (a node, or a tuple/list of nodes) with the same
    shapes and dtypes.  Branches may read any node of the graph, not only the operands.

    >>> y = gc.cond(x.sum() > 0, lambda v: v * 100.0, lambda v: v, x)
    """
    source = user_source_line()
    where = f"\n  at {source}" if source else ""
    pred = as_node(pred)
    if pred.shape != () or pred.dtype != dtypes.bool_:
        raise ShapeError(f"cond: the predicate must be a scalar bool, got {format_shape(pred.shape)} "
                         f"{pred.dtype} (compare, e.g. x.sum() > 0){where}")
    operands = [as_node(o) for o in operands]
    types = types_of(operands)
    true_b, true_ret = trace(true_fn, types, "cond true branch")
    false_b, false_ret = trace(false_fn, types, "cond false branch")
    _check_branches(true_b, true_ret, false_b, false_ret, where)
    captures = {c.id: c for c in true_b.captures + false_b.captures}
    captures = tuple(captures[i] for i in sorted(captures))
    attrs = {"branches": (true_b, false_b), "n_operands": len(operands), "captures": captures}
    node = make_node(cond_op, (pred, *operands, *captures), attrs, source=source)
    outs = results_of(node)
    return tuple(outs) if isinstance(true_ret, (tuple, list)) else outs[0]


def _check_branches(true_b, true_ret, false_b, false_ret, where: str) -> None:
    t_multi, f_multi = isinstance(true_ret, (tuple, list)), isinstance(false_ret, (tuple, list))
    if t_multi != f_multi or len(true_b.outputs) != len(false_b.outputs):
        raise ShapeError(f"cond: the true branch returns {_structure(true_ret)} but the false branch returns "
                         f"{_structure(false_ret)}; both branches must return the same structure{where}")
    for i, (a, b) in enumerate(zip(true_b.outputs, false_b.outputs)):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise ShapeError(f"cond: result {i} is {describe_type(a.shape, a.dtype)} in the true branch but "
                             f"{describe_type(b.shape, b.dtype)} in the false branch; both branches must "
                             f"return the same shapes and dtypes{where}")


def _structure(returned) -> str:
    if isinstance(returned, (tuple, list)):
        return f"a {type(returned).__name__} of {len(returned)}"
    return "a single value"
