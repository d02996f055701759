"""graphc inspect model.json [--grad] [--shape x=64,784] [--remat sqrt|none|BYTES] [--json]: look inside a graph.

Reports the graph as saved (ops by kind, inputs, parameters, outputs) and,
once every size is concrete (static, or given with --shape), what a backend
compiles: FLOPs, the fusion groups (kernels), and the memory plan with and
without rematerialization.  --json gives the same facts for scripts.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter

from graphc.cli.common import (
    NotAvailableError,
    UsageError,
    add_memory_limit,
    add_remat_planner,
    human_bytes,
    human_count,
    note,
    parse_memory_limit,
    parse_remat,
    parse_shapes,
    progress,
    remat_planner_options,
    table,
)
from graphc.control.subgraph import bodies_of
from graphc.cost import count_flops
from graphc.errors import printable

MAX_KERNEL_ROWS = 40


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "inspect", parents=[common], help="ops, parameters, shapes, FLOPs, kernels and memory plan of a graph",
        description="Describe a saved graph: ops by kind, parameter count, shapes and dtypes, FLOPs, the fusion "
                    "groups (kernels) and the memory plan with and without rematerialization.")
    p.add_argument("graph", metavar="GRAPH.json")
    p.add_argument("--grad", action="store_true",
                   help="include the gradient outputs (the saved ones, or those of the first output)")
    p.add_argument("--shape", action="append", metavar="NAME=D1,D2",
                   help="concrete sizes for a placeholder with feed-time (None) dimensions (repeatable)")
    p.add_argument("--remat", default="sqrt", metavar="sqrt|optimal|none|BYTES",
                   help="the rematerialization to compare with (default sqrt; BYTES may end in K, M, G)")
    add_remat_planner(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--plot-memory", metavar="FILE.png",
                   help="draw the compiled kernels' memory plan with --remat (buffers by arena offset and step, "
                        "forward / adjoint / recomputed, live bytes beside none and sqrt); needs matplotlib")
    add_memory_limit(p, "compare the memory plans with this limit, which running them must meet")
    p.set_defaults(run=run)


def _shape(shape) -> list:
    return [d for d in shape]


@functools.cache
def _dtype_name(dtype) -> str:
    """str(dtype), once per dtype: numpy makes it in Python, and describe names every variable's."""
    return str(dtype)


def describe(graph, grads: bool) -> dict:
    """Facts about the graph as saved (no concrete shapes needed)."""
    nodes = graph.nodes(grads)
    ids = graph.node_ids(grads)  # once (inputs_for's too): built per variable, it made describe quadratic
    variables = [v for v in graph.variables.values() if v.id in ids]
    sizes = [v.size for v in variables]  # once each: a np.prod per call, asked three times
    names, kinds = _op_counts(nodes)
    return {
        "graph": graph.path,
        "nodes": len(nodes),
        "adjoint_nodes": graph.adjoint_count() if grads else 0,  # all of them are among the fetches' nodes
        "ops": dict(names.most_common()),
        "kinds": dict(kinds.most_common()),
        "placeholders": [{"name": p.label, "shape": _shape(p.shape), "dtype": _dtype_name(p.dtype)}
                         for p in graph.inputs_for(grads)],
        "variables": [{"name": v.label, "shape": _shape(v.shape), "dtype": _dtype_name(v.dtype), "parameters": size}
                      for v, size in zip(variables, sizes)],
        "parameters": sum(sizes),
        "parameter_bytes": sum(size * v.dtype.itemsize for v, size in zip(variables, sizes)),
        "outputs": [{"name": k, "shape": _shape(n.shape), "dtype": _dtype_name(n.dtype)}
                    for k, n in graph.outputs.items()],
        "gradients": [{"name": k, "shape": _shape(n.shape), "dtype": _dtype_name(n.dtype)}
                      for k, n in (graph.gradients.items() if grads else ())],
        "bodies": [{"op": node.op.name, "node": node.label, "body": body.name, "depth": depth,
                    "params": len(body.params), "captures": len(body.captures), "nodes": len(body.order),
                    "outputs": len(body.outputs)}
                   for node, body, depth in bodies_of([n for n in nodes if n.attrs])],  # bodies are attributes
    }


def _op_counts(nodes) -> tuple[Counter, Counter]:
    """Nodes per op name and per op kind, each in the order they first appear (most_common breaks ties so):
    counted per op in one pass over the nodes, then summed per name and kind."""
    names: Counter = Counter()
    kinds: Counter = Counter()
    for op, count in Counter(n.op for n in nodes).items():
        names[op.name] += count
        kinds[op.kind] += count
    return names, kinds


def compiled_facts(graph, grads: bool, shapes: dict, remat, memory_limit=None,
                   planner_options: dict | None = None, facts_view: list | None = None) -> dict:
    """FLOPs, kernels and memory plans of the program a backend would compile.

    Plans over the memory limit are reported (`memory["over_limit"]`), not refused: saying
    how much a program needs is what inspect is for.
    """
    from graphc.cli.pipeline import compiled_view
    from graphc.memory_limit import resolve

    view = compiled_view(graph, grads, shapes, remat, planner_options)
    if facts_view is not None:  # the caller draws from it
        facts_view.append(view)
    program = view.before_remat
    nodes = program.nodes()  # a walk over the whole program: once
    flop_count = count_flops(nodes)
    facts = {
        "shapes": {p.label: list(p.shape) for p in program.inputs},
        "flops": {"total": flop_count.total, "by_op": flop_count.by_op},
        "program_nodes": len(nodes),
    }
    try:
        facts["kernels"] = [{"kind": g.kind, "ops": [n.op.name for n in g.members],
                             "loop": list(g.dims)}
                            for g in view.kernels.fusion.groups]
    except NotAvailableError as exc:
        facts["kernels"], facts["kernels_unavailable"] = None, str(exc)
    plan = view.memory_plan(remat=False)
    memory = {"planner": "node by node (graphc.passes.memory_plan.plan_program_memory)",
              "peak_bytes": plan.peak_bytes, "lower_bound_bytes": plan.lower_bound_bytes,
              "unplanned": plan.unplanned}
    stats = view.program.remat_stats
    remat_plan = view.memory_plan(remat=True)
    memory["remat"] = {
        "strategy": remat, "peak_bytes": remat_plan.peak_bytes,
        "saved_bytes": plan.peak_bytes - remat_plan.peak_bytes,
        "recompute_flops": stats.recompute_flops if stats else 0,
        "recompute_fraction": stats.recompute_fraction if stats else 0.0,
        "segments": stats.segments if stats else 0,
        "checkpoints": stats.checkpoints if stats else 0,
        "recomputed_nodes": stats.recomputed_nodes if stats else 0,
        "planner": stats.planner if stats else None,
        "gap": stats.gap if stats else None,
    }
    memory["kernels"] = kernel_arena(view)
    limit = resolve(memory_limit)
    memory["limit_bytes"] = None if limit is None else limit.bytes
    peaks = {"numpy backend": plan.peak_bytes, f"numpy backend with remat {remat}": remat_plan.peak_bytes,
             "compiled kernels": memory["kernels"].get("peak_bytes"),
             f"compiled kernels with remat {remat}": memory["kernels"].get("remat_peak_bytes")}
    memory["over_limit"] = [k for k, v in peaks.items() if limit is not None and v is not None and v > limit.bytes]
    facts["memory"] = memory
    return facts


def kernel_arena(view) -> dict:
    """The arena the llvm backend plans (graphc.pipeline, the stages it runs), without and with remat."""
    try:
        plain, with_remat = view.kernels.plan, view.remat_kernels.plan
    except NotAvailableError as exc:
        return {"unavailable": f"not available: the compiled backends' planner (graphc/pipeline.py): {exc}"}
    return {"planner": "fused kernels (graphc.compile.plan_kernels)", "kernels": len(plain.kernels),
            "peak_bytes": plain.arena_bytes, "remat_peak_bytes": with_remat.arena_bytes}


def run(args) -> int:
    from graphc.backends import collector_paused

    # The graph and its rebuilt copies are millions of long-lived objects, and the collector's
    # full scans of them grew faster than the graph: 45% of the time at 40k nodes.
    with collector_paused():
        return _run(args)


def _run(args) -> int:
    from graphc.serialize import load

    shapes = parse_shapes(args.shape)
    remat = parse_remat(args.remat)
    memory_limit = parse_memory_limit(args.memory_limit)
    graph = load(args.graph, memory_limit=memory_limit)
    if args.grad:
        graph = graph.with_gradients()
    facts = describe(graph, args.grad)
    views: list = []
    try:
        with progress(f"planning {args.graph} (passes, fusion, memory)"):
            facts.update(compiled_facts(graph, args.grad, shapes, remat, memory_limit, remat_planner_options(args),
                                        views))
    except UsageError as exc:
        if shapes or args.plot_memory:  # the user gave shapes and they are wrong, or wants a picture
            raise
        facts["compiled_unavailable"] = str(exc)
    if args.plot_memory:
        plot_memory(views[0], remat, args.plot_memory)
    if args.json:
        json.dump(facts, sys.stdout, indent=1)
        print()
    else:
        print(render(facts))
    return 0


def plot_memory(view, remat, path: str) -> None:
    """The picture of the arena the llvm backend plans with `remat` (graphc.memory_picture), or of the
    node-by-node plan when the compiled stages are not available."""
    try:
        plan, compare, what = view.remat_kernels.plan.memory, None, "the compiled kernels"
    except NotAvailableError:
        plan, compare, what = view.memory_plan(remat=True), {"none": view.memory_plan(remat=False)}, "node by node"
    with progress(f"drawing the memory plan into {path}"):
        plan.plot(path, compare, title=f"memory plan of {what} with remat {remat}")
    note(f"wrote the memory plan (remat {remat}) to {path}")


def _dims(shape) -> str:
    return "(" + ", ".join("?" if d is None else str(d) for d in shape) + ")"


def render(f: dict) -> str:
    """The human-readable report."""
    out = [f"graph {printable(f['graph'])}: {f['nodes']} nodes"
           + (f" ({f['adjoint_nodes']} adjoint)" if f["gradients"] else "")]
    out += ["", table([[k, v] for k, v in f["ops"].items()], ["op", "count"]),
            "", "kinds: " + ", ".join(f"{k} {v}" for k, v in f["kinds"].items())]
    io = [[kind, printable(x["name"]), _dims(x["shape"]), x["dtype"]]  # names from the file: escaped
          for kind, key in (("placeholder", "placeholders"), ("variable", "variables"), ("output", "outputs"),
                            ("gradient", "gradients")) for x in f[key]]
    out += ["", table(io, ["", "name", "shape", "dtype"]),
            "", f"parameters: {f['parameters']:,} ({human_bytes(f['parameter_bytes'])})"]
    if f["bodies"]:
        rows = [["  " * b["depth"] + printable(b["node"]), printable(b["body"]), b["nodes"], b["params"],
                 b["captures"], b["outputs"]] for b in f["bodies"]]
        out += ["", f"control-flow bodies (subgraphs): {len(rows)}",
                table(rows, ["node", "body", "nodes", "params", "captures", "outputs"])]
    if "compiled_unavailable" in f:
        out += ["", f"FLOPs, kernels and memory plan need concrete shapes: {f['compiled_unavailable']}"]
        return "\n".join(out)
    shapes = ", ".join(f"{printable(k)}={_dims(v)}" for k, v in f["shapes"].items())
    flops = f["flops"]
    out += ["", f"compiled for {shapes or 'its static shapes'}: {f['program_nodes']} nodes after simplification",
            f"FLOPs: {human_count(flops['total'])} ({flops['total']:,})",
            table([[k, f"{v:,}", f"{100 * v / flops['total']:.1f}%" if flops["total"] else "-"]
                   for k, v in sorted(flops["by_op"].items(), key=lambda kv: -kv[1])], ["op", "FLOPs", "share"])]
    if f["kernels"] is None:
        out += ["", f"kernels: {f['kernels_unavailable']}"]
    else:
        rows = [[k, g["kind"], _dims(g["loop"]), _ops_summary(g["ops"])]
                for k, g in enumerate(f["kernels"][:MAX_KERNEL_ROWS])]
        out += ["", f"kernels (fusion groups): {len(f['kernels'])}", table(rows, ["#", "kind", "loop", "ops"])]
        if len(f["kernels"]) > MAX_KERNEL_ROWS:
            out.append(f"... {len(f['kernels']) - MAX_KERNEL_ROWS} more (--json lists them all)")
    m, r = f["memory"], f["memory"]["remat"]
    out += ["", "memory plan (intermediates, one arena; node by node):",
            table([["without rematerialization", human_bytes(m["peak_bytes"]), "-", "-"],
                   [f"remat {r['strategy']}", human_bytes(r["peak_bytes"]),
                    f"{human_count(r['recompute_flops'])} ({100 * r['recompute_fraction']:.1f}%)",
                    f"{r['segments']} segments, {r['checkpoints']} checkpoints" + _planner_note(r)]],
                  ["", "peak", "recompute FLOPs", "schedule"]),
            f"live-bytes lower bound without rematerialization: {human_bytes(m['lower_bound_bytes'])}"]
    out += [f"not planned: {what}" for what in m["unplanned"]]
    k = m["kernels"]
    if "unavailable" in k:
        out += ["", f"memory plan of the compiled kernels: {k['unavailable']}"]
    else:
        plural = "s" if k["kernels"] != 1 else ""
        out += ["", f"memory plan of the compiled kernels ({k['kernels']} kernel{plural}, one arena):",
                table([["without rematerialization", human_bytes(k["peak_bytes"])],
                       [f"remat {r['strategy']}", human_bytes(k["remat_peak_bytes"])]], ["", "peak"])]
    if m["over_limit"]:
        out += ["", f"over the memory limit of {human_bytes(m['limit_bytes'])} (running it so is refused; see "
                    f"--memory-limit): {'; '.join(m['over_limit'])}"]
    return "\n".join(out)


def _planner_note(r: dict) -> str:
    if r.get("planner") is None:
        return ""
    gap = "" if r.get("gap") is None else f", gap {100 * r['gap']:.1f}%"
    return f" ({r['planner']} planner{gap})"


def _ops_summary(ops: list[str], limit: int = 8) -> str:
    text = " ".join(ops[:limit])
    return text + (f" ... (+{len(ops) - limit})" if len(ops) > limit else "")
