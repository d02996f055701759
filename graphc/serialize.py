"""Saving and loading graphs: a versioned JSON file plus, for large arrays, a side .npz.

    gc.save("model.json", {"loss": loss}, grads=True)      # gradients of loss w.r.t. the variables
    g = gc.load("model.json")
    g.outputs["loss"], g.gradients["dloss/dW1"], g.placeholders["x"], g.variables["W1"].value
    g.run({"x": x, "y": y}, backend="llvm", grads=True)    # {"loss": ..., "dloss/dW1": ...}

The format is documented in docs/format.md.  Loading never executes code: the
JSON is parsed, every field checked against `graphc.serialize_schema` (op
arity, attribute types, size limits, inputs defined before use), and each node
rebuilt with `make_node`, which re-infers its shape and dtype; these must
agree with the ones the file declares.  Anything wrong is a `GraphFormatError`
saying what and where ("model.json: node 7 (add): ...").
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graphc import dtypes, npz
from graphc import serialize_schema as schema
from graphc.errors import FeedError, GraphcError, GraphFormatError, printable
from graphc.ir import Node, extend_postorder, toposort
from graphc.memory_limit import Limit, human, resolve
from graphc.ops.registry import REGISTRY, get_op, make_node
from graphc.ops.source import VariableStore, constant_op, placeholder_op, variable_op
from graphc.serialize_subgraph import decode_subgraph, encode_subgraph
from graphc.version import __version__

INLINE_BYTES = 4096  # arrays up to this size are written inline (base64) unless save() is told otherwise


@dataclass
class LoadedGraph:
    """A graph read from a file: named outputs, optional gradient outputs, its inputs and state.

    `placeholders` and `variables` are keyed by name, in file order.  The nodes are
    ordinary graph nodes: use them with gc.function, gc.grad, Session.run as usual.
    """

    outputs: dict[str, Node]
    gradients: dict[str, Node] = field(default_factory=dict)
    placeholders: dict[str, Node] = field(default_factory=dict)
    variables: dict[str, Node] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    path: str | None = None
    # (ids of the fetched nodes, how many come first) -> (their toposort, how many nodes those reach):
    # `graphc inspect` walks the same fetches three times (nodes, and inputs_for twice), and asks which
    # nodes the outputs reach (adjoint_ids).  An order holds its roots, so their ids are not reused
    # while it is kept.
    _orders: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    # a key of _orders -> the ids of its order's nodes (`node_ids`): inspect asks for them three times
    _node_ids: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def fetches(self, grads: bool = False) -> dict[str, Node]:
        """The outputs, followed by the gradient outputs when `grads`."""
        return {**self.outputs, **self.gradients} if grads else dict(self.outputs)

    def nodes(self, grads: bool = False) -> list[Node]:
        """The fetches' nodes in a topological order (a new list each time: callers may change it)."""
        return list(self._order(list(self.fetches(grads).values())))

    def _order(self, roots: list[Node]) -> list[Node]:
        return self._walk(roots, len(self.outputs))[0]  # the fetches: the outputs first

    def _walk(self, roots: list[Node], first: int) -> tuple[list[Node], int]:
        """The toposort of `roots`, made once, and how many of its nodes the first `first` roots reach:
        the walk from each root in turn (`graphc.ir.toposort`) emits theirs first."""
        key = _walk_key(roots, first)
        if key not in self._orders:
            done: set[int] = set()
            order: list[Node] = []
            for root in roots[:first]:
                extend_postorder(root, done, order)
            reached = len(order)
            for root in roots[first:]:
                extend_postorder(root, done, order)
            self._orders[key] = (order, reached)
        return self._orders[key]

    def node_ids(self, grads: bool = False) -> frozenset[int]:
        """Ids of the fetches' nodes (those of `nodes(grads)`), made once."""
        roots = list(self.fetches(grads).values())
        key = _walk_key(roots, len(self.outputs))  # _order's walk, which holds the roots: their ids stay theirs
        if key not in self._node_ids:
            self._node_ids[key] = frozenset([n.id for n in self._order(roots)])
        return self._node_ids[key]

    def _extended_walk(self) -> tuple[list[Node], int]:
        # the walk from the outputs and then the gradients (that of `nodes(True)`, made once) reaches,
        # after the outputs' own nodes, exactly those that only the gradients need
        return self._walk([*self.outputs.values(), *self.gradients.values()], len(self.outputs))

    def adjoint_count(self) -> int:
        """How many nodes only the gradient outputs need (`len(adjoint_ids())`, no set made)."""
        order, forward = self._extended_walk()
        return len(order) - forward

    def adjoint_ids(self) -> set[int]:
        """Ids of the nodes only the gradient outputs need: the adjoint part of the extended graph."""
        order, forward = self._extended_walk()
        return {n.id for n in order[forward:]}

    def inputs_for(self, grads: bool = False) -> list[Node]:
        """The placeholders the fetches depend on, in file order."""
        needed = self.node_ids(grads)
        return [p for p in self.placeholders.values() if p.id in needed]

    def with_gradients(self, wrt: Sequence[str] | None = None) -> LoadedGraph:
        """This graph with gradient outputs: the saved ones, or else those of its first output."""
        if self.gradients:
            return self
        if wrt is not None:
            nodes = {**self.placeholders, **self.variables}
            unknown = [w for w in wrt if w not in nodes]
            if unknown:
                raise GraphcError(f"cannot differentiate with respect to {', '.join(map(repr, unknown))}: "
                                  f"not a placeholder or variable of this graph ({', '.join(map(repr, nodes))})")
            wrt = [nodes[w] for w in wrt]
        grads = default_gradients(self.outputs, wrt)
        return LoadedGraph(self.outputs, grads, self.placeholders, self.variables, self.metadata, self.path)

    def function(self, backend: str = "numpy", grads: bool = False, **options):
        """A gc.Function of the needed placeholders (positional, file order) returning the fetches in order."""
        from graphc.session import function

        return function(self.inputs_for(grads), list(self.fetches(grads).values()), backend=backend, **options)

    def run(self, feeds: Mapping[str, object], backend: str = "numpy", grads: bool = False,
            **options) -> dict[str, np.ndarray]:
        """Evaluate the outputs (and gradients) with placeholders fed by name."""
        inputs = self.inputs_for(grads)
        names = [p.name for p in inputs]
        unknown = sorted(set(feeds) - set(self.placeholders))
        if unknown:
            raise FeedError(f"no placeholder named {', '.join(map(repr, unknown))}; "
                            f"the graph's are {', '.join(map(repr, self.placeholders)) or '(none)'}")
        missing = [n for n in names if n not in feeds]
        if missing:
            raise FeedError(f"missing feed for placeholder(s) {', '.join(map(repr, missing))}")
        values = self.function(backend, grads, **options)(*(feeds[n] for n in names))
        return dict(zip(self.fetches(grads), values))


def _walk_key(roots: list[Node], first: int) -> tuple:
    """A LoadedGraph's key of the walk from `roots`, the first `first` of them first."""
    return tuple(id(r) for r in roots), first


# ---- saving -------------------------------------------------------------------------------------


def default_gradients(outputs: Mapping[str, Node], wrt: Sequence[Node] | None = None) -> dict[str, Node]:
    """Gradients of the first output w.r.t. `wrt`: by default the float variables, or, with none, placeholders."""
    from graphc.autodiff import grad

    if not outputs:
        raise GraphcError("no outputs to differentiate")
    name, y = next(iter(outputs.items()))
    if not dtypes.is_float(y.dtype):
        raise GraphcError(f"cannot differentiate output {name!r}: it is {y.dtype}, not floating point")
    order = None  # the walk from y, when made here: grad walks it too, and is handed this one
    if wrt is None:
        order = toposort([y])
        wrt = [n for n in order if n.op is variable_op and dtypes.is_float(n.dtype)]
        wrt = wrt or [n for n in order if n.op is placeholder_op and dtypes.is_float(n.dtype)]
    if not wrt:
        raise GraphcError(f"output {name!r} depends on no float variable or placeholder to differentiate by")
    return {f"d{name}/d{x.label}": g for x, g in zip(wrt, grad(y, list(wrt), order=order))}


def _named(values, what: str, default_prefix: str) -> dict[str, Node]:
    if isinstance(values, Node):
        values = [values]
    if isinstance(values, Mapping):
        items = list(values.items())
    elif isinstance(values, Sequence) and not isinstance(values, str):
        items = [(v.name if isinstance(v, Node) and v.name else f"{default_prefix}{i}", v)
                 for i, v in enumerate(values)]
    else:
        raise GraphcError(f"save: {what} must be a node, a list of nodes or a dict of name: node, "
                          f"got {type(values).__name__}")
    out: dict[str, Node] = {}
    for name, node in items:
        if not isinstance(node, Node):
            raise GraphcError(f"save: {what} {name!r} is a {type(node).__name__}, not a graph node")
        if not isinstance(name, str) or not name or len(name) > schema.MAX_NAME_CHARS:
            raise GraphcError(f"save: {what} names must be non-empty strings of at most {schema.MAX_NAME_CHARS} "
                              f"characters, got {name!r:.80}")
        if name in out:
            raise GraphcError(f"save: two {what} are named {name!r}: give them distinct names")
        out[name] = node
    return out


def save(path, outputs, grads=None, wrt: Sequence[Node] | None = None, metadata: dict | None = None,
         inline_bytes: int = INLINE_BYTES) -> Path:
    """Write the graph of `outputs` (and of gradient outputs) to `path`; returns the path.

    `outputs`: a node, a list of nodes (named by node name, else output0, output1...)
    or a dict name -> node.  `grads`: None; a list or dict of gradient nodes; or True
    for the gradients of the first output w.r.t. `wrt` (default: its float variables,
    or its float placeholders when it has no variables), named "d<output>/d<input>".
    Arrays larger than `inline_bytes` go to a side file next to `path` (model.json ->
    model.npz).  Placeholders and variables must have distinct names.
    """
    path = Path(path)
    if path.suffix == ".npz":
        raise GraphcError(f"save: {path} would clash with the side file of arrays; name the graph *.json")
    outputs = _named(outputs, "outputs", "output")
    if grads is True:
        gradients = default_gradients(outputs, wrt)
    elif grads is None or grads is False:
        gradients = {}
    else:
        gradients = _named(grads, "gradients", "grad")
    clash = set(outputs) & set(gradients)
    if clash:
        raise GraphcError(f"save: {', '.join(sorted(clash))} names both an output and a gradient")
    order = toposort(list(outputs.values()) + list(gradients.values()))
    _check_unique_names(order)
    index = {n.id: i for i, n in enumerate(order)}
    npz_path = path.with_suffix(".npz")
    side_arrays: dict[str, np.ndarray] = {}
    nodes = [_encode_node(n, i, index, side_arrays, inline_bytes) for i, n in enumerate(order)]
    # version 2 only when it is needed (bodies as subgraphs): any other graph stays readable by older graphc
    version = schema.FORMAT_VERSION if any(n.op.extra.get("tuple_output") for n in order) else 1
    doc = {"format": schema.FORMAT_NAME, "version": version, "graphc_version": _graphc_version()}
    if metadata:
        try:
            json.dumps(metadata, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise GraphcError(f"save: metadata must be a dict of JSON values: {exc}") from None
        if len(json.dumps(metadata)) > schema.MAX_METADATA_BYTES:
            raise GraphcError(f"save: metadata is more than {schema.MAX_METADATA_BYTES} bytes of JSON; "
                              f"keep large data in variables or files of its own")
        doc["metadata"] = dict(metadata)
    if side_arrays:
        doc["arrays"] = npz_path.name
    doc["outputs"] = [{"name": k, "node": index[v.id]} for k, v in outputs.items()]
    if gradients:
        doc["gradients"] = [{"name": k, "node": index[v.id]} for k, v in gradients.items()]
    doc["nodes"] = nodes
    if side_arrays:
        with open(npz_path, "wb") as f:
            np.savez(f, **side_arrays)
    path.write_text(_dump(doc))
    return path


def _graphc_version() -> str:
    return __version__


def _check_unique_names(order: Sequence[Node]) -> None:
    for op, what in ((placeholder_op, "placeholders"), (variable_op, "variables")):
        seen: dict[str, Node] = {}
        for node in order:
            if node.op is op:
                if node.label in seen:
                    raise GraphcError(f"save: two {what} are named {node.label!r}: give them distinct names "
                                      f"(name=...) so a loaded graph can refer to each by name")
                seen[node.label] = node


def _encode_node(node: Node, i: int, index: dict[int, int], side_arrays: dict, inline_bytes: int,
                 key: str = "n") -> dict:
    """One node's JSON; `key` prefixes the names of its arrays in the side file (bodies nest: "n4.b0.n2")."""
    op = node.op.name
    if REGISTRY.get(op) is not node.op:
        raise GraphcError(f"save: op {op!r} is not the registered op of that name (graphc/ops/registry.py)")
    out: dict = {"op": op, "inputs": [index[x.id] for x in node.inputs],
                 "shape": [None if d is None else int(d) for d in node.shape], "dtype": str(node.dtype)}
    name = node.label if node.op in (placeholder_op, variable_op) else node.name
    if name:
        if len(name) > schema.MAX_NAME_CHARS:
            raise GraphcError(f"save: node name {name[:80]!r}... is longer than {schema.MAX_NAME_CHARS} characters")
        out["name"] = name
    attrs = {}
    for attr, kind in node.op.attributes.items():
        if kind == "array":
            value = node.value if node.op is variable_op else node.attrs["value"]
            attrs[attr] = _encode_array(np.asarray(value), f"{key}{i}", side_arrays, inline_bytes)
        elif kind in schema.SUBGRAPH_TYPES:
            bodies = node.attrs[attr] if kind == "subgraphs" else (node.attrs[attr],)
            encoded = [encode_subgraph(body, node.attrs["captures"], lambda n, j, idx, b=b: _encode_node(
                n, j, idx, side_arrays, inline_bytes, f"{key}{i}.{attr}{b}.n")) for b, body in enumerate(bodies)]
            attrs[attr] = encoded if kind == "subgraphs" else encoded[0]
        else:
            attrs[attr] = schema.encode_attr(kind, node.attrs[attr])
    if attrs:
        out["attrs"] = attrs
    if node.source:
        out["source"] = node.source[: schema.MAX_NAME_CHARS]
    return out


def _encode_array(array: np.ndarray, key: str, side_arrays: dict, inline_bytes: int) -> dict:
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    out = {"dtype": str(array.dtype), "shape": list(array.shape)}
    if array.nbytes <= inline_bytes:
        out["base64"] = base64.b64encode(little.tobytes()).decode("ascii")
    else:
        side_arrays[key] = little
        out["npz"] = key
    return out


def _dump(doc: dict) -> str:
    """JSON with one node per line: readable, and diffs of two graphs line up."""
    head = {k: v for k, v in doc.items() if k != "nodes"}
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    nodes = ",\n".join(f"  {json.dumps(n)}" for n in doc["nodes"])
    return "\n".join(lines) + '\n "nodes": [\n' + nodes + "\n ]\n}\n"


# ---- loading ------------------------------------------------------------------------------------

_TOP_KEYS = {"format", "version", "graphc_version", "metadata", "arrays", "outputs", "gradients", "nodes"}
_NODE_KEYS = {"op", "inputs", "shape", "dtype", "attrs", "name", "source"}


def load(path, memory_limit=None) -> LoadedGraph:
    """Read a graph written by `save`; a malformed or hostile file raises GraphFormatError, nothing else.

    `memory_limit` (bytes, "8G" or "none"; default $GRAPHC_MEMORY_LIMIT, else the memory
    available, see graphc.memory_limit) caps what reading may take: the parsed JSON and the arrays.
    """
    path = Path(path)
    limit = resolve(memory_limit)
    try:
        doc = _read_json(path, limit)
        reader = _Reader(path, doc.get("arrays"), limit)
        try:
            return reader.build(doc)
        finally:
            reader.close()
    except MemoryError:  # what the limits let through and this machine still could not hold
        raise GraphFormatError(f"{path}: out of memory while reading the graph (memory limit "
                               f"{'none' if limit is None else human(limit.bytes)})") from None


def _read_json(path: Path, limit: Limit | None) -> dict:
    try:
        size = path.stat().st_size
        if size > schema.MAX_FILE_BYTES:
            raise GraphFormatError(f"{path}: {size} bytes is larger than the limit of {schema.MAX_FILE_BYTES} "
                                   f"for a graph file (arrays larger than a few KiB belong in the .npz)")
        if limit is not None and size * schema.JSON_MEMORY_FACTOR > limit.bytes:
            raise GraphFormatError(f"{path}: parsing {size} bytes of JSON may take up to {schema.JSON_MEMORY_FACTOR} "
                                   f"times as much memory, more than the memory limit of {human(limit.bytes)} "
                                   f"({limit.origin})")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise GraphFormatError(f"cannot read graph file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise GraphFormatError(f"{path}: not a graph file (not UTF-8 text: {exc.reason} at byte {exc.start})") \
            from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        stripped = text.strip()
        hint = (" (the file is empty)" if not stripped else
                " (the file looks truncated)" if stripped[:1] == "{" and stripped[-1:] != "}" else "")
        raise GraphFormatError(f"{path}: not valid JSON{hint}: {exc.msg} at line {exc.lineno} column {exc.colno}") \
            from None
    except (RecursionError, ValueError) as exc:
        raise GraphFormatError(f"{path}: not a graph file: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != schema.FORMAT_NAME:
        raise GraphFormatError(f"{path}: not a graph file (no \"format\": \"{schema.FORMAT_NAME}\" field)")
    version = doc.get("version")
    if version not in schema.READABLE_VERSIONS or isinstance(version, bool):
        raise GraphFormatError(f"{path}: graph format version {version!r} is not supported: this graphc "
                               f"({_graphc_version()}) reads versions "
                               f"{' and '.join(map(str, schema.READABLE_VERSIONS))}")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise GraphFormatError(f"{path}: unknown field(s) {', '.join(sorted(unknown))} for format version "
                               f"{schema.FORMAT_VERSION}")
    return doc


def _reject_constant(name: str):
    raise GraphFormatError(f"{name} is not valid JSON (non-finite numbers are written as \"inf\", \"nan\")")


class _Reader:
    """Builds the nodes of one file, opening its side .npz only if an array lives there."""

    def __init__(self, path: Path, npz_name, limit: Limit | None = None):
        self.path = path
        self.npz_name = npz_name
        self._npz = None
        self.limit = limit
        self.array_bytes = 0  # of the arrays read so far: together they must fit the memory limit

    def close(self):
        if self._npz is not None:
            self._npz.close()

    def fail(self, where: str, message: str):
        raise GraphFormatError(f"{self.path}: {where}: {message}")

    def build(self, doc: dict) -> LoadedGraph:
        raw_nodes = doc.get("nodes")
        if not isinstance(raw_nodes, list):
            self.fail("nodes", "missing, or not a list")
        if len(raw_nodes) > schema.MAX_NODES:
            self.fail("nodes", f"{len(raw_nodes)} nodes is more than the limit of {schema.MAX_NODES}")
        metadata = doc.get("metadata", {})
        if not isinstance(metadata, dict):
            self.fail("metadata", "must be an object")
        if len(json.dumps(metadata)) > schema.MAX_METADATA_BYTES:
            self.fail("metadata", f"more than the limit of {schema.MAX_METADATA_BYTES} bytes of JSON")
        nodes: list[Node] = []
        for i, raw in enumerate(raw_nodes):
            nodes.append(self._node(i, raw, nodes))
        outputs = self._named_refs(doc.get("outputs"), "outputs", nodes, required=True)
        gradients = self._named_refs(doc.get("gradients", []), "gradients", nodes, required=False)
        clash = set(outputs) & set(gradients)
        if clash:
            self.fail("gradients", f"{', '.join(sorted(clash))} names both an output and a gradient")
        placeholders = self._by_name(nodes, placeholder_op, "placeholders")
        variables = self._by_name(nodes, variable_op, "variables")
        return LoadedGraph(outputs, gradients, placeholders, variables, metadata, str(self.path))

    def _named_refs(self, refs, what: str, nodes: list[Node], required: bool) -> dict[str, Node]:
        if not isinstance(refs, list) or (required and not refs):
            self.fail(what, "missing, or not a non-empty list of {\"name\": ..., \"node\": ...}")
        out: dict[str, Node] = {}
        for k, ref in enumerate(refs):
            where = f"{what}[{k}]"
            if not isinstance(ref, dict) or set(ref) != {"name", "node"}:
                self.fail(where, "must be an object with exactly the fields \"name\" and \"node\"")
            name, index = ref["name"], ref["node"]
            if not isinstance(name, str) or not name or len(name) > schema.MAX_NAME_CHARS:
                self.fail(where, f"name {name!r} is not a non-empty string")
            if name in out:
                self.fail(where, f"two {what} are named {name!r}")
            if not schema.is_int(index) or not 0 <= index < len(nodes):
                self.fail(where, f"node {index!r} does not exist (the file has {len(nodes)} nodes)")
            out[name] = nodes[index]
        return out

    def _by_name(self, nodes: list[Node], op, what: str) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for node in nodes:
            if node.op is op:
                if node.label in out:
                    self.fail(what, f"two {what} are named {node.label!r}")
                out[node.label] = node
        return out

    def _node(self, i: int, raw, built: list[Node], context: str = "", depth: int = 0) -> Node:
        """Node `i` of `built` (the file's nodes, or a body's: `context` names it, `depth` its nesting)."""
        if not isinstance(raw, dict):
            self.fail(f"{context}node {i}", f"must be an object, got {type(raw).__name__}")
        op_name = raw.get("op")
        if not isinstance(op_name, str) or op_name not in REGISTRY:
            self.fail(f"{context}node {i}", f"unknown op {op_name!r}")
        op = REGISTRY[op_name]
        where = f"{context}node {i} ({op_name})"
        if not _NODE_KEYS.issuperset(raw):  # (no set made per node)
            self.fail(where, f"unknown field(s) {', '.join(sorted(set(raw) - _NODE_KEYS))}")
        inputs = raw.get("inputs", [])
        if not isinstance(inputs, list) or len(inputs) > schema.MAX_INPUTS:
            self.fail(where, f"inputs must be a list of at most {schema.MAX_INPUTS} node indices")
        for j in inputs:  # (a plain int asked first: schema.is_int is a call per input)
            if not (type(j) is int or schema.is_int(j)) or not 0 <= j < i:
                self.fail(where, f"input {j!r} is not an earlier node: inputs must refer to nodes listed before "
                                 f"(this also rules out cycles)")
        prefix = f"{self.path}: {where}"
        schema.check_arity(op, len(inputs), prefix)
        declared_shape = schema.decode_dims(raw.get("shape"), f"{prefix}: shape")
        tuple_output = op.extra.get("tuple_output", False)
        declared_dtype = schema.decode_dtype(raw.get("dtype"), f"{prefix}: dtype", ("uint8",) if tuple_output else ())
        name, source = raw.get("name"), raw.get("source")
        for key, value in (("name", name), ("source", source)):
            if value is not None and (not isinstance(value, str) or len(value) > schema.MAX_NAME_CHARS):
                self.fail(where, f"{key} must be a string of at most {schema.MAX_NAME_CHARS} characters")
        args = [built[j] for j in inputs]
        attrs = self._attrs(op_name, raw.get("attrs", {}), prefix, args, depth)
        schema.check_attrs_fit_inputs(op, attrs, args, prefix)
        source = printable(source) if source else f"{printable(self.path.name)}: node {i}"  # shown in errors
        node = self._make(op_name, args, attrs, name, source, prefix)
        if node.shape != declared_shape or node.dtype != declared_dtype:
            self.fail(where, f"the file declares shape {list(declared_shape)} {declared_dtype}, but its inputs "
                             f"give {list(node.shape)} {node.dtype}")
        return node

    def _attrs(self, op_name: str, raw, prefix: str, args: list[Node], depth: int) -> dict:
        wanted = REGISTRY[op_name].attributes
        if not isinstance(raw, dict):
            raise GraphFormatError(f"{prefix}: attrs must be an object")
        if raw.keys() != wanted.keys():  # (as sets: none made per node)
            missing, extra = set(wanted) - set(raw), set(raw) - set(wanted)
            parts = ([f"missing {', '.join(sorted(missing))}"] if missing else []) + (
                [f"unexpected {', '.join(sorted(extra))}"] if extra else [])
            raise GraphFormatError(f"{prefix}: attrs {'; '.join(parts)} (an {op_name} node has "
                                   f"{', '.join(wanted) or 'no attributes'})")
        attrs = {key: self._array(raw[key], f"{prefix}: attribute {key!r}") if kind == "array"
                 else schema.decode_attr(kind, raw[key], f"{prefix}: attribute {key!r}")
                 for key, kind in wanted.items() if kind not in schema.SUBGRAPH_TYPES}
        if wanted and any(kind in schema.SUBGRAPH_TYPES for kind in wanted.values()):
            self._bodies(op_name, raw, prefix, args, depth, attrs)
        return attrs

    def _bodies(self, op_name: str, raw, prefix: str, args: list[Node], depth: int, attrs: dict) -> None:
        """A control node's bodies into `attrs`, with its captured inputs (the last ones) as attrs["captures"]."""
        start = REGISTRY[op_name].extra["capture_start"](attrs)
        if start > len(args):
            raise GraphFormatError(f"{prefix}: {len(args)} inputs, fewer than the {start} its attributes count")
        attrs["captures"] = tuple(args[start:])

        def node(i, raw_node, built, context):  # `_node` names the file itself: the context leaves it out
            return self._node(i, raw_node, built, context.removeprefix(f"{self.path}: "), depth + 1)

        for key, kind in REGISTRY[op_name].attributes.items():
            if kind not in schema.SUBGRAPH_TYPES:
                continue
            where = f"{prefix}: attribute {key!r}"
            if kind == "subgraphs" and (not isinstance(raw[key], list) or len(raw[key]) > 2):
                raise GraphFormatError(f"{where}: expected a list of bodies")
            items = raw[key] if kind == "subgraphs" else [raw[key]]
            bodies = tuple(decode_subgraph(r, attrs["captures"], where, node, depth + 1) for r in items)
            attrs[key] = bodies if kind == "subgraphs" else bodies[0]

    def _make(self, op_name: str, inputs: list[Node], attrs: dict, name, source: str, prefix: str) -> Node:
        op = get_op(op_name)
        if op is variable_op:
            value = attrs["value"]
            attrs = {"store": VariableStore(value), "shape": value.shape, "dtype": value.dtype}
            return Node(op, (), attrs, value.shape, value.dtype, name=name, source=source)
        if op is constant_op:
            attrs["value"].setflags(write=False)
        try:
            return make_node(op, inputs, attrs, name=name, source=source)
        except GraphcError as exc:
            raise GraphFormatError(f"{prefix}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - an op's shape rule meeting inputs no graph of graphc's builds
            raise GraphFormatError(f"{prefix}: the inputs do not fit the op ({type(exc).__name__}: {exc})") from None

    def _array(self, raw, where: str) -> np.ndarray:
        if not isinstance(raw, dict) or set(raw) - {"dtype", "shape", "base64", "npz"} or len(raw) != 3:
            raise GraphFormatError(f"{where}: an array is {{\"dtype\", \"shape\", and \"base64\" or \"npz\"}}")
        dtype = schema.decode_dtype(raw["dtype"], f"{where}: dtype")
        shape = schema.decode_dims(raw["shape"], f"{where}: shape", allow_none=False)
        nbytes = math.prod(shape) * dtype.itemsize
        self.array_bytes += nbytes
        if self.limit is not None and self.array_bytes > self.limit.bytes:
            raise GraphFormatError(f"{where}: the file's arrays need {human(self.array_bytes)} up to here, more "
                                   f"than the memory limit of {human(self.limit.bytes)} ({self.limit.origin})")
        if "base64" in raw:
            return self._inline(raw["base64"], dtype, shape, nbytes, where)
        return self._from_npz(raw["npz"], dtype, shape, nbytes, where)

    def _inline(self, text, dtype, shape, nbytes: int, where: str) -> np.ndarray:
        if nbytes > schema.MAX_INLINE_BYTES:
            raise GraphFormatError(f"{where}: {nbytes} bytes is too large to be inline "
                                   f"(limit {schema.MAX_INLINE_BYTES}); large arrays go in the .npz")
        if not isinstance(text, str) or len(text) != 4 * math.ceil(nbytes / 3):
            raise GraphFormatError(f"{where}: base64 data does not hold {nbytes} bytes for shape {list(shape)} "
                                   f"{dtype}")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise GraphFormatError(f"{where}: bad base64 data: {exc}") from None
        if len(data) != nbytes:
            raise GraphFormatError(f"{where}: base64 data holds {len(data)} bytes, shape {list(shape)} {dtype} "
                                   f"needs {nbytes}")
        return np.frombuffer(data, dtype.newbyteorder("<")).astype(dtype).reshape(shape)

    def _from_npz(self, key, dtype, shape, nbytes: int, where: str) -> np.ndarray:
        if nbytes > schema.MAX_ARRAY_BYTES:
            raise GraphFormatError(f"{where}: {nbytes} bytes is more than the limit of {schema.MAX_ARRAY_BYTES}")
        archive = self._open_npz(where)
        member = f"{key}.npy" if isinstance(key, str) else None
        if member is None or member not in archive.namelist():
            raise GraphFormatError(f"{where}: array {key!r} is not in {self.npz_name}")
        try:
            return npz.read_array(archive, member, dtype, shape, "the graph declares")
        except npz.READ_ERRORS as exc:
            raise GraphFormatError(f"{where}: cannot read {key!r} from {self.npz_name}: {exc}") from None

    def _open_npz(self, where: str) -> zipfile.ZipFile:
        if self._npz is not None:
            return self._npz
        name = self.npz_name
        if not isinstance(name, str) or not name or os.path.basename(name) != name or name in (".", ".."):
            raise GraphFormatError(f"{self.path}: \"arrays\" must name a file in the graph's own folder, "
                                   f"got {name!r}")
        npz_path = self.path.parent / name
        if not npz_path.is_file():
            raise GraphFormatError(f"{where}: the side file {npz_path} holding the large arrays is missing "
                                   f"(keep it next to {self.path.name})")
        try:
            _check_zip_directory(npz_path)
            self._npz = zipfile.ZipFile(npz_path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise GraphFormatError(f"{npz_path}: not a readable .npz: {exc}") from None
        return self._npz


def _check_zip_directory(npz_path: Path) -> None:
    """Refuse a zip directory of more members than a graph has nodes before zipfile builds one object per member."""
    try:  # the end record zipfile itself reads first (private names, there since Python 2)
        read_end, entries_at, size_at = zipfile._EndRecData, zipfile._ECD_ENTRIES_TOTAL, zipfile._ECD_SIZE
    except AttributeError:  # a Python without them: zipfile's own reading is the only check
        return
    with open(npz_path, "rb") as f:
        end = read_end(f)
    if end is None:
        return  # zipfile says what is wrong
    entries, size = end[entries_at], end[size_at]
    if entries > schema.MAX_NODES or size > schema.MAX_NODES * 256:
        raise GraphFormatError(f"{npz_path}: a directory of {entries} members ({size} bytes) is more than a graph "
                               f"of at most {schema.MAX_NODES} nodes has arrays")
