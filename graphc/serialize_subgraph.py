"""Control-flow bodies in the graph format (version 2): each body a subgraph of its own.

A control node's "body" attribute (or "branches": a list of them) is an object

    {"name": "scan body", "params": [{"shape": [3], "dtype": "float64"}, ...],
     "captures": [0, 2], "nodes": [...], "outputs": [4, 1]}

whose node indices are local to the body: first its parameters, then the outer values it
reads (given as positions among the control node's captured inputs, which are the node's
last inputs), then its "nodes", written and checked exactly as the file's top-level nodes
(a body may hold control nodes, with bodies of their own).  The serializer calls back into
graphc/serialize.py for the nodes, so one set of checks guards every level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphc import serialize_schema as schema
from graphc.control.subgraph import Subgraph, param_op
from graphc.errors import GraphFormatError
from graphc.ir import Node

MAX_DEPTH = 32  # bodies within bodies: a file nesting deeper is refused before Python's stack runs out
_KEYS = {"name", "params", "captures", "nodes", "outputs"}


def encode_subgraph(body: Subgraph, node_captures: Sequence[Node], encode_node: Callable) -> dict:
    """The JSON form of `body`; `encode_node(node, local_index, index)` writes one of its nodes."""
    position = {c.id: j for j, c in enumerate(node_captures)}
    index = {p.id: k for k, p in enumerate(body.params)}
    index.update((c.id, len(index)) for c in body.captures)
    base = len(index)
    index.update((n.id, base + k) for k, n in enumerate(body.order))
    return {"name": body.name,
            "params": [{"shape": schema.encode_attr("dims", p.shape), "dtype": str(p.dtype)} for p in body.params],
            "captures": [position[c.id] for c in body.captures],
            "nodes": [encode_node(n, base + k, index) for k, n in enumerate(body.order)],
            "outputs": [index[o.id] for o in body.outputs]}


def decode_subgraph(raw, captures: Sequence[Node], where: str, decode_node: Callable, depth: int) -> Subgraph:
    """The body `raw` describes, reading the outer values from `captures` (the control node's captured inputs).

    `decode_node(local_index, raw_node, built, context)` builds one node over the body's `built` nodes."""
    def fail(message: str):
        raise GraphFormatError(f"{where}: {message}")

    if depth > MAX_DEPTH:
        fail(f"bodies nested more than {MAX_DEPTH} deep")
    if not isinstance(raw, dict) or set(raw) != _KEYS:
        fail(f"a body is an object with the fields {', '.join(sorted(_KEYS))}")
    name = raw["name"]
    if not isinstance(name, str) or len(name) > schema.MAX_NAME_CHARS:
        fail("a body's name must be a string")
    params_raw, positions, nodes_raw, outputs = raw["params"], raw["captures"], raw["nodes"], raw["outputs"]
    for key, value in (("params", params_raw), ("captures", positions), ("nodes", nodes_raw), ("outputs", outputs)):
        if not isinstance(value, list) or len(value) > schema.MAX_NODES:
            fail(f"a body's {key} must be a list of at most {schema.MAX_NODES} entries")
    params = []
    for k, p in enumerate(params_raw):
        if not isinstance(p, dict) or set(p) != {"shape", "dtype"}:
            fail(f"param {k} must be an object with the fields dtype and shape")
        shape = schema.decode_dims(p["shape"], f"{where}: param {k}: shape")
        dtype = schema.decode_dtype(p["dtype"], f"{where}: param {k}: dtype")
        params.append(Node(param_op, (), {"shape": shape, "dtype": dtype}, shape, dtype, name=f"{name} arg{k}"))
    if len(set(map(repr, positions))) != len(positions) or not all(
            schema.is_int(j) and 0 <= j < len(captures) for j in positions):
        fail(f"captures must be distinct positions among the node's {len(captures)} captured inputs")
    body_captures = [captures[j] for j in positions]
    built: list[Node] = [*params, *body_captures]
    for raw_node in nodes_raw:
        built.append(decode_node(len(built), raw_node, built, f"{where}: {name}: "))
    if not all(schema.is_int(o) and 0 <= o < len(built) for o in outputs):
        fail(f"outputs must be a list of the body's node indices (it has {len(built)})")
    return Subgraph(name, tuple(params), tuple(built[o] for o in outputs), tuple(body_captures))
