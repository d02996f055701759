"""The memory plan as a picture: which buffers live when, where the peak is, what is recomputed.

    f.memory_plan().plot("mem.png")                 # the API
    graphc inspect model.json --grad --plot-memory mem.png

Top: every buffer of the arena as a bar, its arena offset against the execution steps it lives
through, coloured by what made it: the forward pass, the backward (adjoint) pass, or a
recomputed copy.  Bottom: the live bytes at each step of this plan, beside those of the same
program planned without rematerialisation and with √n (when the plan knows the program it
came from), with the arena's peak marked.

matplotlib is imported only here and only when a picture is drawn: it is an optional
dependency (`pip install matplotlib`), and a GraphcError says so when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graphc.errors import GraphcError

COLOURS = {"forward": "#4C72B0", "adjoint": "#DD8452", "recomputed": "#55A868", "other": "#8C8C8C"}


@dataclass
class PlanSource:
    """What a MemoryPlan was made for: the program (to colour its buffers) and, when known, how to
    plan the program before rematerialisation without it and with √n (the curves to compare)."""

    program: object                                   # graphc.program.Program
    comparisons: Callable[[], Mapping[str, object]] | None = None   # () -> {"none": MemoryPlan, "sqrt": ...}


def roles(plan, program) -> dict:
    """Placed buffer's key -> "forward", "adjoint", "recomputed" (or "other" for a buffer of no node)."""
    from graphc.codegen.plan import buffer_name

    nodes = [n for n in program.nodes() if n.op.kind != "source"]
    tagged = any("recompute" in n.attrs for n in nodes)
    backward = set()
    if not tagged:
        from graphc.passes.remat_analysis import analyse

        backward = analyse(program).backward
    by_key = {}
    for node in nodes:
        tag = node.attrs.get("recompute")
        if isinstance(tag, int):
            role = "recomputed"
        elif tag == "forward" or (not tagged and node.id not in backward):
            role = "forward"
        else:
            role = "adjoint"
        by_key[node.id] = by_key[buffer_name(node)] = role
    return {key: by_key.get(key, "other") for key, b in plan.buffers.items() if b.offset is not None}


def live_bytes(plan) -> list[int]:
    """The bytes of the arena's buffers alive at each step (aligned sizes, in-place outputs counted once)."""
    live = [0] * (plan.n_steps + 1)
    for b in plan.buffers.values():
        if b.offset is None or b.shares_with is not None:
            continue
        live[max(b.first, 0)] += b.aligned_size
        live[b.last + 1] -= b.aligned_size
    out, running = [], 0
    for delta in live[:-1]:
        running += delta
        out.append(running)
    return out


def _mib(n: int) -> str:
    return f"{n / 2**20:.2f} MiB"


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise GraphcError("drawing the memory plan needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg", force=False)  # files only: no display needed
    import matplotlib.pyplot as plt

    return plt


def plot_memory(plan, path, compare: Mapping[str, object] | None = None, title: str | None = None):
    """Draw `plan` into `path` (PNG, SVG or PDF, by its suffix); `compare`: other plans' curves by
    label (default: the plan's own source's, none and sqrt, when it has one).  Returns the path."""
    plt = _pyplot()
    source = getattr(plan, "source", None)
    colour_of = roles(plan, source.program) if source is not None else {k: "other" for k in plan.buffers}
    if compare is None and source is not None and source.comparisons is not None:
        compare = source.comparisons()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), sharex=False,
                                      gridspec_kw={"height_ratios": [3, 1.4]})
    for b in plan.placed():
        role = colour_of.get(b.key, "other")
        top.broken_barh([(b.first, b.last - b.first + 1)], (b.offset, max(b.aligned_size, 1)),
                        facecolors=COLOURS[role], edgecolors="white", linewidth=0.3)
    for role, colour in COLOURS.items():
        if role in colour_of.values():
            top.bar(0, 0, color=colour, label=role)
    top.axhline(plan.arena_bytes, color="black", linestyle="--", linewidth=1)
    top.annotate(f"arena peak {_mib(plan.arena_bytes)}", (plan.n_steps, plan.arena_bytes),
                 ha="right", va="bottom", fontsize=8)
    top.set_xlim(0, max(plan.n_steps, 1))
    top.set_ylim(0, max(plan.arena_bytes, 1) * 1.08)
    top.set_ylabel("arena offset (bytes)")
    top.set_title(title or f"memory plan: {len(plan.placed())} buffers over {plan.n_steps} steps")
    top.legend(loc="upper left", fontsize=8)
    stats = getattr(source.program, "remat_stats", None) if source is not None else None
    mine = f"this plan ({stats.planner} planner)" if stats is not None else "this plan"
    curves = {mine: plan, **{k: v for k, v in (compare or {}).items() if v is not plan}}
    for label, other in curves.items():
        curve = live_bytes(other)
        peak = max(curve, default=0)
        line, = bottom.plot(range(len(curve)), curve, label=f"{label} (peak {_mib(peak)})",
                            linewidth=1.6 if other is plan else 1.0)
        if curve:
            at = curve.index(peak)
            bottom.plot([at], [peak], marker="v", color=line.get_color())
    bottom.set_xlabel("execution step")
    bottom.set_ylabel("live bytes")
    bottom.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=100)
    except (OSError, ValueError) as exc:  # a folder that does not exist, a suffix no backend writes
        raise GraphcError(f"cannot write the memory picture to {str(path)!r}: {exc}") from None
    finally:
        plt.close(fig)
    return path
