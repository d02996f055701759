"""graphc dot model.json -o graph.svg|png|pdf|dot [--grad] [--fusion]: draw a graph with Graphviz.

Forward nodes are blue, adjoint nodes (what the gradient outputs add to the
graph: the extended graph of reverse mode, as in the seeds' figure) orange;
sources are boxes, outputs have a double border.  With --fusion, the graph
drawn is the program a backend compiles (specialised to --shape, simplified)
with each fusion group (one kernel) as a cluster, and each control-flow body (docs/control_flow.md) as a
cluster of its own beside its node.

Writing .dot needs only the `graphviz` Python package; .svg/.png/.pdf also
need Graphviz's `dot` program.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graphc.cli.common import NotAvailableError, UsageError, note, parse_shapes, progress
from graphc.errors import GraphcError, printable

FORWARD_COLOR = "#cfe2f3"     # light blue
ADJOINT_COLOR = "#f9cb9c"     # light orange
SOURCE_COLOR = "#d9ead3"      # light green: placeholders, variables, constants
RENDERED = ("svg", "png", "pdf")
INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
                "conda: conda install graphviz), or write the source with -o GRAPH.dot and render it elsewhere")


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "dot", parents=[common], help="draw the graph with Graphviz (forward and adjoint nodes, fusion groups)",
        description="Draw a saved graph: forward nodes blue, adjoint (gradient) nodes orange, sources green. "
                    "The output format follows the -o suffix: .dot/.gv (Graphviz source), .svg, .png, .pdf "
                    "(these need Graphviz's dot program).")
    p.add_argument("graph", metavar="GRAPH.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.svg|png|pdf|dot")
    p.add_argument("--grad", action="store_true",
                   help="include the gradient outputs (the saved ones, or those of the first output)")
    p.add_argument("--fusion", action="store_true",
                   help="draw the compiled program with its fusion groups (kernels) as clusters")
    p.add_argument("--shape", action="append", metavar="NAME=D1,D2", help="sizes of feed-time (None) dimensions")
    p.add_argument("--max-nodes", type=int, default=2000, help="refuse to draw larger graphs (default 2000)")
    p.set_defaults(run=run)


def output_format(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("dot", "gv"):
        return "dot"
    if suffix in RENDERED:
        return suffix
    raise UsageError(f"-o {path}: the suffix says the format: .dot, .gv, {', '.join('.' + r for r in RENDERED)}")


def dot_text(text: str) -> str:
    """`text` (a name from the file) as plain label text for Graphviz, quoted by the graphviz package.

    Graphviz reads a label between < and > as HTML, which can embed images from
    local files, and expands escapes such as \\N and \\l: so control characters
    are shown escaped, backslashes and quotes are escaped, and the result is
    marked as not HTML.  Join lines with DOT's own "\\n" after escaping.
    """
    return printable(text).replace("\\", "\\\\").replace('"', '\\"')


def node_label(node, show_shape: bool = True) -> str:
    lines = [dot_text(node.name)] if node.name else []
    lines.append(node.op.describe(node) if node.op.describe is not None else node.op.name)  # Op.describe
    if show_shape:
        shape = "×".join("?" if d is None else str(d) for d in node.shape) or "scalar"
        lines.append(f"{shape} {node.dtype}")
    return "\\n".join(lines)


def build_digraph(nodes, outputs: dict, adjoint_ids: set[int], groups: list[list] | None = None):
    """A graphviz.Digraph of `nodes`; `groups` (lists of nodes) become clusters."""
    try:
        import graphviz
    except ImportError:
        raise NotAvailableError("graphc dot", "the graphviz Python package is not installed (pip install graphviz)") \
            from None
    legend = "forward: blue, adjoint: orange, sources: green; outputs double-bordered; dashed: read for shape only"
    g = graphviz.Digraph("graphc", graph_attr={"rankdir": "TB", "fontname": "Helvetica", "label": legend,
                                               "fontsize": "10", "labelloc": "b"},
                         node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"})
    output_of = {}
    for name, node in outputs.items():
        output_of.setdefault(node.id, []).append(name)
    grouped = {n.id: k for k, group in enumerate(groups or []) for n in group}

    def add(target, node):
        attrs = {"label": graphviz.nohtml(node_label(node))}
        if node.op.kind == "source":
            attrs.update(shape="box", fillcolor=SOURCE_COLOR)
        else:
            attrs.update(shape="ellipse", fillcolor=ADJOINT_COLOR if node.id in adjoint_ids else FORWARD_COLOR)
        if node.id in output_of:
            attrs.update(peripheries="2", xlabel=graphviz.nohtml(", ".join(map(dot_text, output_of[node.id]))))
        target.node(str(node.id), **attrs)

    for k, group in enumerate(groups or []):
        with g.subgraph(name=f"cluster_{k}") as cluster:
            cluster.attr(label=f"kernel {k}", style="rounded,dashed", color="#666666", fontsize="9")
            for node in group:
                add(cluster, node)
    for node in nodes:
        if node.id not in grouped:
            add(g, node)
    for node in nodes:
        shape_only = node.op.shape_only
        for k, i in enumerate(node.inputs):
            g.edge(str(i.id), str(node.id), **({"style": "dashed"} if k in shape_only else {}))
    names = {n.id: str(n.id) for n in nodes}
    _draw_bodies(g, nodes, names, add, counter=[0])
    return g


def _draw_bodies(g, nodes, names: dict, add, counter: list) -> None:
    """Each control-flow body as a cluster beside its node (nested bodies inside theirs): its parameters and
    nodes, the outer values it reads (edges from them), and a dotted edge from its outputs to its node.

    A body's nodes get names of their own (a derivative body may reuse nodes of the body it differentiates)."""
    from graphc.control.subgraph import Subgraph

    for node in nodes:
        for value in node.attrs.values():
            for body in value if isinstance(value, tuple) else (value,):
                if not isinstance(body, Subgraph):
                    continue
                counter[0] += 1
                k = counter[0]
                inner = dict(names)
                inner.update((n.id, f"b{k}_{n.id}") for n in body.params + tuple(body.order))
                with g.subgraph(name=f"cluster_body_{k}") as cluster:
                    cluster.attr(label=dot_text(f"{body.name} of {node.label}"), style="rounded", color="#3366aa",
                                 fontsize="9")
                    for n in body.params + tuple(body.order):
                        add(_Renamed(cluster, inner[n.id]), n)
                    _draw_bodies(cluster, body.order, inner, add, counter)
                for n in body.order:
                    for i in n.inputs:
                        if i.id in inner:
                            g.edge(inner[i.id], inner[n.id])
                for out in body.outputs:
                    if out.id in inner:
                        g.edge(inner[out.id], names[node.id], style="dotted")


class _Renamed:
    """A graphviz target whose `node(name, ...)` uses the given name: a body's copy of a node."""

    def __init__(self, target, name: str):
        self.target, self.name = target, name

    def node(self, _name, **attrs):
        self.target.node(self.name, **attrs)


def render(digraph, path: str) -> None:
    fmt = output_format(path)
    if fmt == "dot":
        Path(path).write_text(digraph.source)
        return
    missing = NotAvailableError(f"writing {path}", f"Graphviz's `dot` program is not installed: {INSTALL_HINT}")
    if shutil.which("dot") is None:
        raise missing
    import graphviz

    try:
        data = digraph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise missing from None
    except graphviz.CalledProcessError as exc:
        raise GraphcError(f"Graphviz failed to render {path}: {exc.stderr.decode(errors='replace')[:500]}") \
            from None
    Path(path).write_bytes(data)


def run(args) -> int:
    from graphc.serialize import load

    output_format(args.output)  # a bad suffix is a usage error before any work
    graph = load(args.graph)
    if args.grad:
        graph = graph.with_gradients()
    if args.fusion:
        from graphc.cli.pipeline import compiled_view

        view = compiled_view(graph, args.grad, parse_shapes(args.shape))
        nodes, outputs, adjoint, groups = view.nodes, view.outputs, view.adjoint_ids, view.fusion_groups()
    else:
        nodes, outputs, adjoint, groups = graph.nodes(args.grad), graph.fetches(args.grad), graph.adjoint_ids(), None
    if len(nodes) > args.max_nodes:
        raise GraphcError(f"the graph has {len(nodes)} nodes, more than --max-nodes {args.max_nodes}: "
                          f"raise the limit to draw it anyway (Graphviz gets slow on large graphs)")
    with progress(f"drawing {len(nodes)} nodes to {args.output}"):
        render(build_digraph(nodes, outputs, adjoint, groups), args.output)
    note(f"wrote {args.output} ({len(nodes)} nodes, {len(adjoint & {n.id for n in nodes})} adjoint"
         + (f", {len(groups)} fusion groups)" if groups is not None else ")"))
    return 0
