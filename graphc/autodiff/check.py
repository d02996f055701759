"""Gradient checking by central differences along random directions, in float64.

The graph is first copied with every float32 value promoted to float64 (feeds,
variables, constants, casts), so the finite differences measure the derivative
rules rather than float32 rounding.  Along a random direction v, the analytic
⟨∇f, v⟩ must match (f(x + εv) − f(x − εv)) / 2ε.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphc import dtypes
from graphc.errors import GradientCheckError, GraphcError
from graphc.ir import Node
from graphc.ops.registry import make_node
from graphc.ops.source import constant_op, placeholder, placeholder_op, variable_op
from graphc.rewrite import rebuild


def _promote(value):
    if isinstance(value, np.dtype) and value == dtypes.float32:
        return dtypes.float64
    if isinstance(value, np.ndarray) and value.dtype == dtypes.float32:
        return value.astype(np.float64)
    return value


def float64_copy(roots: Sequence[Node], feeds: dict[int, np.ndarray]):
    """Copy of the graph in float64 where every source (placeholder, variable) is a fed placeholder.

    Returns the new roots, the new placeholders by old id, and their float64 values.
    """
    sources: dict[int, Node] = {}
    values: dict[int, np.ndarray] = {}
    done: dict[int, Node] = {}  # old id -> its float64 copy: what a control-flow body's captures become

    def replace(node: Node, new_inputs, scope: dict[int, Node] = done):
        new = copy(node, new_inputs, scope)
        scope[node.id] = new
        return new

    def copy(node: Node, new_inputs, scope: dict[int, Node]):
        if node.op in (placeholder_op, variable_op):
            value = node.value if node.op is variable_op else feeds.get(node.id)
            if value is None:
                raise GraphcError(f"check_grad: no value for placeholder {node.label!r}: add it to feed_dict")
            value = np.asarray(value)
            value = value.astype(np.float64) if dtypes.is_float(value.dtype) or dtypes.is_float(node.dtype) else value
            value = value.astype(_promote(node.dtype), copy=False)
            new = placeholder(value.shape, value.dtype, name=node.label)
            sources[node.id], values[node.id] = new, value
            return new
        attrs = {k: _promote_attr(v, scope, replace) for k, v in node.attrs.items()}
        if node.op is constant_op:
            return make_node(constant_op, (), attrs, source=node.source)
        return make_node(node.op, new_inputs, attrs, name=node.name, source=node.source)

    new_roots, _ = rebuild(roots, replace)
    return new_roots, sources, values


def _promote_attr(value, scope: dict[int, Node], replace):
    """An attribute in float64: a control-flow body copied with its nodes promoted (its captures read from
    `scope`, the copies of the nodes around it), a tuple of captured nodes their copies, else `_promote`."""
    from graphc.control.subgraph import Subgraph, param_op

    if isinstance(value, tuple) and value and all(isinstance(v, (Subgraph, Node)) for v in value):
        return tuple(_promote_attr(v, scope, replace) for v in value)
    if isinstance(value, Node):
        return scope[value.id]
    if not isinstance(value, Subgraph):
        return _promote(value)
    inner = dict(scope)
    params = []
    for p in value.params:
        dtype = _promote(p.dtype)
        params.append(Node(param_op, (), {"shape": p.shape, "dtype": dtype}, p.shape, dtype, name=p.name))
        inner[p.id] = params[-1]
    for node in value.order:
        replace(node, [inner[i.id] for i in node.inputs], inner)
    return Subgraph(value.name, tuple(params), tuple(inner[o.id] for o in value.outputs),
                    tuple(inner[c.id] for c in value.captures))


def check_grad(loss: Node, xs: Sequence[Node], feed_dict: dict | None = None, eps: float = 1e-6,
               rtol: float = 1e-5, atol: float = 1e-8, directions: int = 3, seed: int = 0) -> bool:
    """Raise GradientCheckError unless reverse-mode gradients of `loss` match central differences.

    A non-scalar loss is checked through a fixed random projection.  Returns True on success.
    """
    from graphc.autodiff.reverse import grad
    from graphc.ops import sum as reduce_sum
    from graphc.session import function

    xs = [xs] if isinstance(xs, Node) else list(xs)
    feeds = {k.id: v for k, v in (feed_dict or {}).items()}
    rng = np.random.default_rng(seed)
    (loss64,), sources, values = float64_copy([loss], feeds)
    if loss64.shape != ():
        if not loss64.is_static:
            raise GraphcError("check_grad: a non-scalar loss needs a static shape")
        loss64 = reduce_sum(loss64 * rng.standard_normal(loss64.shape))
    targets = [sources.get(x.id) for x in xs]
    if any(t is None for t in targets):
        raise GraphcError("check_grad: can only check gradients with respect to placeholders and variables")
    order = list(sources)
    inputs = [sources[i] for i in order]
    f = function(inputs, [loss64] + grad(loss64, targets))

    def run(perturbed: dict[int, np.ndarray]):
        return f(*(perturbed.get(i, values[i]) for i in order))

    _, *analytic = run({})
    for x, g in zip(xs, analytic):
        for _ in range(directions):
            v = rng.standard_normal(np.shape(values[x.id]))
            base = values[x.id]
            plus = run({x.id: base + eps * v})[0]
            minus = run({x.id: base - eps * v})[0]
            numeric = (plus - minus) / (2 * eps)
            exact = float(np.sum(g * v))
            if not np.isclose(exact, numeric, rtol=rtol, atol=atol):
                raise GradientCheckError(
                    f"check_grad: gradient with respect to {x.label!r} disagrees with central differences: "
                    f"analytic {exact:.10g} vs numeric {numeric:.10g} along a random direction "
                    f"(|diff| {abs(exact - numeric):.3g}, eps {eps})")
    return True
