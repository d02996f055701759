"""Rematerialisation: peak memory and time per gradient step against depth, per strategy, beside JAX and PyTorch.

Deep tanh MLPs (and a residual variant) whose memory is activations, not weights:
width 256, batch 8192 by default.  For every depth and strategy ("none",
"reorder": an unlimited byte budget, which keeps every value and changes only
the schedule, so the gain of the schedule alone shows; "sqrt"; and "budget":
a byte budget equal to sqrt's planned peak) it reports the planned
peak (`f.memory_plan()`), the measured high-water mark of the run (the numpy
executor's live bytes; on a compiled backend, the growth of the resident set over
the first call of the very function that is then timed, which allocates and touches
its arena, less the arrays it returns: a warm-up step first, so that no row pays for
the process's one-time buffers), the time per gradient step (the strategies' steps are
called in turn, so a drift of the machine's speed falls on all of them alike) and
the recompute overhead;
then the fitted exponent of the sqrt peak against depth (expected about 0.5).
When installed, jax.checkpoint over a scan of segments and
torch.utils.checkpoint.checkpoint_sequential run the same network, each in a
subprocess.  PyTorch's peak is the growth of the resident set over one gradient
step, sampled by a thread (glibc's mmap threshold fixed so freed tensors leave
the resident set); JAX's is XLA's planned temporary buffer size
(`compiled.memory_analysis()`), since XLA pools freed memory and the resident
set cannot see its peak.  `--rss` measures graphc's step like PyTorch's.

"optimal" is the MILP planner's lowest peak for at most one forward pass of recompute
(remat="optimal", solved for --time-limit seconds).  `--pareto PNG` draws every planner's (and
peer's) peak memory against its step time.  `--fractions 2 4 8` compares the planners under byte
budgets of 1/2, 1/4 and 1/8 of the no-remat peak instead: recomputed FLOPs, step time, the MILP's
solve time and gap, for greedy, sqrt and optimal (docs/remat.md, "Optimal schedules"); with the
peers installed, each workload's JAX and PyTorch versions too (bench_remat_peers.py for the CNN,
transformer and scan), graphc's planners under a budget of jax.checkpoint's peak, and graphc's
fastest plan at a peak no higher than JAX's against JAX's checkpointed step.

    python benchmarks/bench_remat.py --quick --plot remat.png --pareto pareto.png
    python benchmarks/bench_remat.py --depths 16 32 64 128 256 --batch 8192
    python benchmarks/bench_remat.py --fractions 2 4 8 --depths 32 --width 128 --batch 2048
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

STRATEGIES = ("none", "reorder", "sqrt", "budget", "optimal")
SOLVER = {"time_limit": 10.0}  # seconds for the optimal planner's solver (--time-limit)
UNLIMITED = 2**62  # a budget that keeps every value: only the schedule changes
HERE = os.path.dirname(os.path.abspath(__file__))


def build(depth: int, width: int, residual: bool, seed: int = 0):
    import graphc as gc

    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, width), gc.float32, name="x")
    ws = [gc.variable((rng.standard_normal((width, width)) / math.sqrt(width)).astype(np.float32))
          for _ in range(depth)]
    h = x
    for w in ws:
        h = h + gc.tanh(h @ w) if residual else gc.tanh(h @ w)
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, ws)]


# ---- the workloads beside the MLP: each builds (input placeholder, [loss, *gradients]) and its feed's shape ----
# `depth` counts layers (blocks, scan steps), `width` channels or features; the budget comparison runs each at its
# NETS defaults (--fractions), small enough that a 2-core machine compiles and times them in minutes.


def build_cnn(depth: int, width: int, seed: int = 0, side: int = 16):
    """`depth` 3x3 SAME convolutions with relu (gc.nn.Conv2D, as examples/cnn_digits.py), `width` channels each,
    over side x side NHWC images; loss mean(h²)."""
    import graphc as gc

    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, side, side, width), gc.float32, name="x")
    layers = [gc.nn.Conv2D(width, 3, padding="SAME", activation=gc.relu, in_channels=width, seed=rng,
                           name=f"conv{k}") for k in range(depth)]
    h = x
    for layer in layers:
        h = layer(h)
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, [v for layer in layers for v in layer.variables])], (side, side, width)


def build_transformer(depth: int, width: int, seed: int = 0, seq: int = 32, heads: int = 4):
    """`depth` pre-norm blocks as benchmarks/bench_transformer.py's (h = x + MHA(LN(x)), causal; y = h + W2
    gelu(W1 LN(h) + b1) + b2, MLP 4 x width), float32; loss mean(y²)."""
    import graphc as gc

    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, seq, width), gc.float32, name="x")
    params, h = [], x
    for k in range(depth):
        ln1, ln2 = gc.nn.LayerNorm(width, name=f"ln1_{k}"), gc.nn.LayerNorm(width, name=f"ln2_{k}")
        mha = gc.nn.MultiHeadAttention(heads, width // heads, causal=True, width=width, seed=rng, name=f"mha{k}")
        w1 = gc.variable((rng.standard_normal((width, 4 * width)) / math.sqrt(width)).astype(np.float32))
        w2 = gc.variable((rng.standard_normal((4 * width, width)) / math.sqrt(4 * width)).astype(np.float32))
        b1, b2 = gc.variable(np.zeros(4 * width, np.float32)), gc.variable(np.zeros(width, np.float32))
        h = h + mha(ln1(h))
        h = h + gc.nn.gelu(ln2(h) @ w1 + b1, approximate=True) @ w2 + b2
        params += mha.variables + ln1.variables + ln2.variables + [w1, b1, w2, b2]
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, params)], (seq, width)


def build_scan(depth: int, width: int, seed: int = 0):
    """An RNN as one gc.scan over `depth` steps, h' = tanh(h W + x_t U), its two weights shared by every step;
    the placeholder is (steps, batch, width); loss mean(h_T²)."""
    import graphc as gc

    rng = np.random.default_rng(seed)
    xs = gc.placeholder((depth, None, width), gc.float32, name="xs")
    w, u = (gc.variable((rng.standard_normal((width, width)) / math.sqrt(width)).astype(np.float32))
            for _ in range(2))
    h0 = gc.zeros_like(xs[0])
    h, _ = gc.scan(lambda h, x: (gc.tanh(h @ w + x @ u), None), h0, xs)
    loss = gc.mean(h * h)
    return xs, [loss, *gc.grad(loss, [w, u])], None  # None: the feed is (steps, batch, width)


# net -> (builder of (x, outputs, feed shape after the batch), depth, width, batch) for --fractions
NETS = {"mlp": (None, 32, 128, 2048), "residual": (None, 32, 128, 2048), "cnn": (build_cnn, 8, 32, 16),
        "transformer": (build_transformer, 4, 128, 16), "scan": (build_scan, 64, 128, 512)}


def build_net(net: str, depth: int, width: int, batch: int, seed: int = 0):
    """(input placeholder, [loss, *gradients], a feed for it) for one of NETS."""
    if net in ("mlp", "residual"):
        x, outputs = build(depth, width, net == "residual", seed)
        shape = (batch, width)
    else:
        x, outputs, rest = NETS[net][0](depth, width, seed)
        shape = (depth, batch, width) if rest is None else (batch, *rest)
    return x, outputs, np.random.default_rng(1).standard_normal(shape).astype(np.float32)


def net_name(residual) -> str:
    """The rows' `residual` field was a bool before the other workloads: a bool names mlp or residual."""
    return residual if isinstance(residual, str) else ("residual" if residual else "mlp")


def backend_name() -> str:
    from graphc.backends import available_backends

    return "llvm" if "llvm" in available_backends() else "numpy"


def time_interleaved(steps: dict, repeats: int, spread: dict | None = None) -> dict:
    """Median seconds of each step, called in turn `repeats` times after one warm-up call each
    (`spread`, when given, receives each step's (fastest, slowest) seconds).

    This machine's speed drifts by 10-30% over seconds; timing the strategies one after the
    other puts that drift into their ratios, calling them in turn spreads it over all of them.
    The steps run under TIMING_MMAP, not the memory figures' small threshold (see `fix_malloc`).
    """
    fix_malloc(TIMING_MMAP)
    try:
        for step in steps.values():
            step()
        times = {name: [] for name in steps}
        for _ in range(repeats):
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
    finally:
        fix_malloc()
    if spread is not None:
        spread.update((name, (min(t), max(t))) for name, t in times.items())
    return {name: float(np.median(t)) for name, t in times.items()}


def compile_graphc(depth, width, batch, residual, strategy, budget=None, planner="greedy") -> tuple:
    """(one gradient step as a callable, its row without times) for one strategy."""
    import graphc as gc

    net = net_name(residual)
    x, outputs, feed = build_net(net, depth, width, batch)
    remat = {"budget": budget, "reorder": UNLIMITED}.get(strategy, strategy)
    f = gc.function([x], outputs, remat=remat, backend=backend_name(), remat_planner=planner,
                    remat_time_limit=SOLVER["time_limit"])
    start = time.perf_counter()
    f.compile(feed)
    compile_seconds = time.perf_counter() - start
    if net == "scan":  # its body is compiled at the first call: that call's growth would be the compiler's too
        f(feed)
        measured, measured_is_rss = f.memory_plan().peak_bytes, False
    else:  # the arena is allocated at the first call, and its pages touched
        measured, measured_is_rss = first_call_growth(f, feed), True
    if getattr(f.executable, "peak_bytes", None) is not None:  # the numpy executor's live-bytes high-water mark
        measured, measured_is_rss = f.executable.peak_bytes, False
    program = f.executable.program
    stats = getattr(program, "remat_stats", None)
    row = {"system": "graphc", "strategy": strategy, "depth": depth, "residual": net == "residual", "net": net,
           "planned": f.memory_plan().peak_bytes, "measured": measured, "measured_is_rss": measured_is_rss,
           "recompute_flops": stats.recompute_fraction if stats else 0.0,
           "node_peak": stats.planned_peak_bytes if stats else None,
           "recomputed": stats.recompute_flops if stats else 0, "planner": stats.planner if stats else None,
           "gap": stats.gap if stats else None, "solve_seconds": stats.solve_seconds if stats else None,
           "compile_seconds": compile_seconds}
    return (lambda: f(feed)), row


def first_call_growth(f, feed) -> int:
    """The resident set's high-water mark over `f`'s first call, over what was resident before, less the arrays the
    call returns (the weight gradients: the caller's, as PyTorch's .grad buffers are).  The same compiled function,
    the same plan, is then timed: measuring a fresh compilation in another process measured another plan whenever
    the planner's answer depends on time (the MILP under a time limit).  `fix_malloc` must have run first, and a
    warm-up function (`warm_up`), so that no call pays for the process's one-time buffers."""
    returned = []
    fix_malloc(SMALL_MMAP)  # the returned gradients (64 KiB each on the MLP) mapped afresh, not taken from freed
    try:  # heap pages already resident: what is subtracted below is what the call added
        growth = peak_growth(lambda: returned.extend(f(feed)))
    finally:
        fix_malloc()
    return max(0, growth - sum(a.nbytes for a in returned))


SMALL_MMAP = 16384  # bytes: glibc's mmap threshold while a first call is measured
# ... while steps are timed (graphc's and the peers'): glibc's largest dynamic threshold, where a process that never
# called mallopt ends up once it has freed large arrays.  Under FIXED_MMAP every array above 128 KiB is mapped and
# its pages faulted afresh at each call: graphc's scan step (its carries' records, made per call) took 1.9-2.1x as
# long as under glibc's own threshold (2026-12-05, 2-core AMD EPYC znver3), which is not what a user runs
TIMING_MMAP = 32 << 20
DEFAULT_TRIM = 128 << 10  # glibc's trim threshold before anything moves it


def fix_malloc(threshold: int | None = None) -> None:
    """FIXED_MMAP in this process (or `threshold`): glibc's mmap threshold fixed, so a freed array leaves the
    resident set and a new arena's pages are counted when first touched.  Under TIMING_MMAP the trim threshold
    goes with it as glibc's own rule would set it (twice the mmap threshold; a mallopt of either stops glibc
    moving both): left at its 128 KiB, freeing a large array trimmed the heap and the next call faulted its
    pages in again (bench_remat's CNN under remat: 1.5-2.2x the step time)."""
    threshold = threshold or int(FIXED_MMAP["MALLOC_MMAP_THRESHOLD_"])
    glibc("mallopt", -3, threshold)  # -3: M_MMAP_THRESHOLD
    glibc("mallopt", -1, 2 * threshold if threshold == TIMING_MMAP else DEFAULT_TRIM)  # -1: M_TRIM_THRESHOLD


def glibc(function: str, *args) -> None:
    """glibc's `function(*args)`; nothing where there is no glibc (the figures then count what they can)."""
    import ctypes

    try:
        getattr(ctypes.CDLL("libc.so.6"), function)(*args)
    except (OSError, AttributeError):
        pass


def warm_up() -> None:
    """One small gradient step first: the runtime's worker threads and BLAS buffers, made once per process, are
    then not in any measured step's growth."""
    import graphc as gc

    x, outputs = build(2, 16, False)
    gc.function([x], outputs, backend=backend_name())(np.ones((8, 16), np.float32))


def measure_graphc(depth, width, batch, residual, repeats) -> list:
    """Every strategy's row for one network, their steps timed in turn in this process."""
    rows, steps = {}, {}
    for strategy in STRATEGIES:
        # the budget is sqrt's node-level planned peak: what rematerialize judges budgets by
        budget = rows["sqrt"]["node_peak"] if strategy == "budget" else None
        steps[strategy], rows[strategy] = compile_graphc(depth, width, batch, residual, strategy, budget)
    seconds = time_interleaved(steps, repeats)
    for strategy, row in rows.items():
        row["seconds"], row["seconds_none"] = seconds[strategy], seconds["none"]
    return list(rows.values())


def measure_budgets(depth, width, batch, residual, fractions, repeats, extra: dict | None = None) -> list:
    """Greedy and optimal under budgets of 1/k of the no-remat peak (and the `extra` budgets, by name: a peer's
    peak), beside none and sqrt, timed in turn."""
    rows, steps = {}, {}
    for strategy in ("none", "sqrt"):
        steps[strategy], rows[strategy] = compile_graphc(depth, width, batch, residual, strategy)
        print(f"  {net_name(residual)} {strategy}: {mib(rows[strategy]['planned'])} MiB planned", flush=True)
    budgets = [(f"1/{k}", rows["none"]["planned"] // k) for k in fractions] + list((extra or {}).items())
    for label, budget in budgets:
        for planner in ("greedy", "optimal"):
            name = f"{label} {planner}"
            try:
                steps[name], rows[name] = compile_graphc(depth, width, batch, residual, "budget", budget, planner)
            except Exception as exc:  # a budget no planner meets: say so in the table
                print(f"  {name}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
                continue
            rows[name].update(strategy=name, budget=budget)
            print(f"  {net_name(residual)} {name}: {mib(rows[name]['planned'])} MiB planned, recomputed "
                  f"{rows[name]['recomputed'] / 1e6:.1f} MFLOP ({rows[name]['planner']})", flush=True)
    seconds = time_interleaved(steps, repeats)
    for strategy, row in rows.items():
        row["seconds"], row["seconds_none"] = seconds[strategy], seconds["none"]
    return list(rows.values())


def print_budget_table(rows):
    """One row per plan; `floor` is the modelled time 1 + recomputed FLOPs / step FLOPs, `time/floor` the measured
    time ratio over it (the issue's check: within 1.05)."""
    print(f"{'net':<11} {'depth':>5} {'budget':<14} {'planner':<8} {'planned MiB':>11} {'recomputed':>11} "
          f"{'of step':>7} {'s/step':>7} {'time/none':>9} {'floor':>6} {'time/floor':>10} {'solve s':>7} {'gap':>6}")
    for r in rows:
        solve = "-" if r.get("solve_seconds") is None else f"{r['solve_seconds']:.1f}"
        gap = "-" if r.get("gap") is None else f"{100 * r['gap']:.1f}%"
        floor = 1 + r["recompute_flops"]
        ratio = r["seconds"] / r["seconds_none"]
        print(f"{net_name(r.get('net', r['residual'])):<11} {r['depth']:>5} {r['strategy']:<14} "
              f"{r.get('planner') or '-':<8} {mib(r['planned']):>11} {r.get('recomputed', 0) / 1e6:10.1f}M "
              f"{100 * r['recompute_flops']:6.1f}% {r['seconds']:7.3f} {ratio:9.2f} {floor:6.2f} "
              f"{ratio / floor:10.2f} {solve:>7} {gap:>6}")


def print_peer_table(rows):
    """The peers' rows, and per net graphc's fastest plan whose planned peak is no higher than jax.checkpoint's
    peak (the issue's time target: faster than JAX's checkpointed step at no more memory)."""
    peers = [r for r in rows if r["system"] != "graphc"]
    if not peers:
        return
    print(f"\n{'system':<7} {'net':<11} {'depth':>5} {'strategy':<14} {'peak MiB':>9} {'s/step':>7} {'time/none':>9}")
    for r in peers:
        print(f"{r['system']:<7} {r['net']:<11} {r['depth']:>5} {r['strategy']:<14} {mib(r['measured']):>9} "
              f"{r['seconds']:7.3f} {r['seconds'] / r['seconds_none']:9.2f}")
    for jax in (r for r in peers if r["system"] == "jax" and r["strategy"] != "none"):
        fits = [r for r in rows if r["system"] == "graphc" and r["net"] == jax["net"] and r["depth"] == jax["depth"]
                and r["planned"] <= jax["measured"]]
        if not fits:
            print(f"{jax['net']}: no graphc plan at or under jax.checkpoint's peak ({mib(jax['measured'])} MiB)")
            continue
        best = min(fits, key=lambda r: r["seconds"])
        print(f"{jax['net']}: at a peak no higher than jax.checkpoint's ({mib(jax['measured']).strip()} MiB), "
              f"graphc's fastest plan is {best['strategy']} ({mib(best['planned']).strip()} MiB) at "
              f"{best['seconds']:.3f} s/step against JAX's {jax['seconds']:.3f} s "
              f"({jax['seconds'] / best['seconds']:.2f}x)")


def plot_budget_pareto(rows, path):
    """Per net, each plan's planned peak (share of none's) against its measured step time (share of none's, timed
    in turn with it), marked by planner: the planners' time-memory frontiers side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nets = list(dict.fromkeys(r["net"] for r in rows))
    fig, axes = plt.subplots(1, len(nets), figsize=(4.2 * len(nets), 4), squeeze=False)
    markers = {"none": "*", "sqrt": "s", "greedy": "o", "optimal": "^"}
    for ax, net in zip(axes[0], nets):
        group = [r for r in rows if r["net"] == net and r["system"] == "graphc"]
        none = next(r for r in group if r["strategy"] == "none")
        for planner, marker in markers.items():
            pts = [r for r in group if (r.get("planner") or r["strategy"]) == planner]
            ax.scatter([r["seconds"] / r["seconds_none"] for r in pts], [r["planned"] / none["planned"] for r in pts],
                       marker=marker, s=50, label=planner, alpha=0.8)
            for r in pts:
                where = (r["seconds"] / r["seconds_none"], r["planned"] / none["planned"])
                ax.annotate(r["strategy"].split()[0], where, fontsize=6, alpha=0.7)
        for system, marker in (("jax", "P"), ("torch", "X")):  # a peer against its own plain step
            pts = [r for r in rows if r["net"] == net and r["system"] == system]
            base = next((r for r in pts if r["strategy"] == "none"), None)
            pts = [r for r in pts if r["strategy"] != "none"]
            if base and pts and base["measured"]:
                ax.scatter([r["seconds"] / r["seconds_none"] for r in pts],
                           [r["measured"] / base["measured"] for r in pts], marker=marker, s=60,
                           label=f"{system} checkpoint (own none)", alpha=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("step time / none's")
        ax.set_ylabel("planned peak / none's")
        ax.set_title(f"{net} (depth {none['depth']})", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend(fontsize=7)
    fig.suptitle("rematerialisation under byte budgets: peak memory against step time, per planner")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"Pareto plot written to {path}")


def plot_pareto(rows, path):
    """Peak memory against step time, one point per planner (and peer) and network: the trade-off's frontier."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5))
    for (system, strategy), group in _groups(rows).items():
        marker = "o" if system == "graphc" else "s"
        ax.scatter([r["seconds"] for r in group], [r["measured"] / 2**20 for r in group], marker=marker,
                   label=f"{system} {strategy}")
        for r in group:
            ax.annotate(f"{'res' if r['residual'] else 'mlp'}{r['depth']}", (r["seconds"], r["measured"] / 2**20),
                        fontsize=6, alpha=0.7)
    log_axes(ax, "time per gradient step (s)", "peak memory (MiB)")
    ax.legend(fontsize=7)
    ax.set_title("rematerialisation: peak memory against step time, every planner")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"Pareto plot written to {path}")


def log_axes(ax, xlabel: str, ylabel: str, xbase: int = 10) -> None:
    ax.set_xscale("log", base=xbase)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)


def _groups(rows) -> dict:
    out: dict = {}
    for r in rows:
        if r.get("measured"):
            out.setdefault((r["system"], r["strategy"]), []).append(r)
    return out


# ---- peers, each in a fresh process so its RSS high-water mark is its own --------------------


PEER_SCRIPT = r"""
import json, math, resource, sys, time
import numpy as np
system, depth, width, batch, residual, seg, repeats = sys.argv[1:8]
depth, width, batch, seg, repeats = int(depth), int(width), int(batch), int(seg), int(repeats)
residual = residual == "1"
rng = np.random.default_rng(0)
W = (rng.standard_normal((depth, width, width)) / math.sqrt(width)).astype(np.float32)
X = rng.standard_normal((batch, width)).astype(np.float32)
import os
sys.path.insert(0, os.environ["BENCH_REMAT_DIR"])
from bench_remat import peak_growth
planned = None
if system == "jax":
    import jax, jax.numpy as jnp
    jax.config.update("jax_platforms", "cpu")
    def layer(h, w):
        z = jnp.tanh(h @ w)
        return (h + z if residual else z), None
    def segment(h, ws):
        return jax.lax.scan(layer, h, ws)[0], None
    def loss(ws, x, remat):
        if remat:
            ws = ws.reshape(depth // seg, seg, width, width)
            h = jax.lax.scan(jax.checkpoint(segment), x, ws)[0]
        else:
            h = jax.lax.scan(layer, x, ws)[0]
        return jnp.mean(h * h)
    W, X = jnp.asarray(W), jnp.asarray(X)
    steps = {m: jax.jit(jax.grad(lambda w, x, m=m: loss(w, x, m))) for m in (False, True)}
    remat = sys.argv[8] == "1"
    compiled = steps[remat].lower(W, X).compile()
    try:
        planned = int(compiled.memory_analysis().temp_size_in_bytes)
    except Exception:
        planned = None
    def run(remat):
        return steps[remat](W, X).block_until_ready()
    run(remat)
else:
    import torch
    from torch.utils.checkpoint import checkpoint_sequential
    torch.manual_seed(0)
    class Layer(torch.nn.Module):
        def __init__(self, w):
            super().__init__()
            self.w = torch.nn.Parameter(torch.from_numpy(w))
        def forward(self, h):
            z = torch.tanh(h @ self.w)
            return h + z if residual else z
    model = torch.nn.Sequential(*[Layer(W[i]) for i in range(depth)])
    x = torch.from_numpy(X)
    def run(remat):
        model.zero_grad(set_to_none=False)
        h = checkpoint_sequential(model, depth // seg, x, use_reentrant=False) if remat else model(x)
        (h * h).mean().backward()
    run(remat := sys.argv[8] == "1")  # allocate the gradient buffers before measuring
remat = sys.argv[8] == "1"
peak = peak_growth(lambda: run(remat))  # before the baseline ever runs in this process
from bench_remat import TIMING_MMAP, fix_malloc
fix_malloc(TIMING_MMAP)  # timed as graphc's steps are
modes = [remat, False] if remat else [False]
for m in modes:
    run(m)
times = {m: [] for m in modes}
for _ in range(repeats):  # in turn with the baseline, as graphc's strategies are timed
    for m in modes:
        t = time.perf_counter(); run(m); times[m].append(time.perf_counter() - t)
print(json.dumps({"peak": peak, "seconds": float(np.median(times[remat])),
                  "seconds_none": float(np.median(times[False])), "planned": planned}))
"""


# glibc serves big blocks by mmap and returns them on free, but raises that threshold as blocks are freed, after
# which freed memory stays resident; fixing the threshold keeps the resident set equal to what is live.
FIXED_MMAP = {"MALLOC_MMAP_THRESHOLD_": "131072"}


def peer_env() -> dict:
    """A peer's process: glibc's threshold fixed, JAX on the CPU, and this folder importable (for `peak_growth`)."""
    return {**os.environ, **FIXED_MMAP, "JAX_PLATFORMS": "cpu", "BENCH_REMAT_DIR": HERE}


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_growth(fn) -> int:
    """The high-water mark of the resident set while `fn` runs, over what was resident before (a thread samples it).
    Before it the garbage of earlier work is collected and the heap's free pages given back (malloc_trim), so that
    an arena carved from heap pages earlier work had touched still counts when touched (CI once measured a step's
    4 MiB as 0); during `fn` no collection runs, so that no earlier work's pages leave the count in the middle."""
    import gc
    import threading

    gc.collect()
    glibc("malloc_trim", 0)
    base, peak, done = rss(), [0], [False]

    def sample():
        while not done[0]:
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample)
    sampler.start()
    collecting = gc.isenabled()
    gc.disable()
    try:
        fn()
    finally:
        if collecting:
            gc.enable()
        done[0] = True
        sampler.join()
    return max(peak[0], rss()) - base


def peer_available(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def segment_of(depth: int) -> int:
    """The peers' checkpointed segment: the divisor of `depth` nearest √depth from below."""
    seg = max(1, round(math.sqrt(depth)))
    while depth % seg:
        seg -= 1
    return seg


def measure_net_peer(system, net, depth, width, batch, remat, repeats) -> dict | None:
    """A peer's row for one of NETS: the MLP's peer script for mlp and residual, bench_remat_peers.py for the
    others (each in a fresh process)."""
    if net in ("mlp", "residual"):
        row = measure_peer(system, depth, width, batch, net == "residual", remat, repeats)
    else:
        seg = segment_of(depth)
        args = [sys.executable, os.path.join(HERE, "bench_remat_peers.py"), system, net,
                *map(str, (depth, width, batch, seg, repeats, int(remat)))]
        done = subprocess.run(args, capture_output=True, text=True, env=peer_env())
        if done.returncode != 0:
            print(f"  {system} {net} failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            return None
        out = json.loads(done.stdout.strip().splitlines()[-1])
        row = {"system": system, "strategy": f"segments of {seg}" if remat else "none", "depth": depth,
               "planned": out["planned"], "measured": out["peak"], "seconds": out["seconds"],
               "seconds_none": out["seconds_none"], "recompute_flops": None}
    if row is not None:
        row.update(net=net, residual=net)
    return row


def measure_peer(system, depth, width, batch, residual, remat, repeats) -> dict | None:
    seg = segment_of(depth)
    args = [sys.executable, "-c", PEER_SCRIPT, system, str(depth), str(width), str(batch), str(int(residual)),
            str(seg), str(repeats), str(int(remat))]
    done = subprocess.run(args, capture_output=True, text=True, env=peer_env())
    if done.returncode != 0:
        print(f"  {system} failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    out = json.loads(done.stdout.strip().splitlines()[-1])
    if system == "jax" and out["planned"]:  # XLA keeps freed memory in its own pool: RSS cannot see its peak
        out["peak"] = out["planned"]
    return {"system": system, "strategy": f"segments of {seg}" if remat else "none", "depth": depth,
            "residual": residual, "planned": out["planned"], "measured": out["peak"], "seconds": out["seconds"],
            "seconds_none": out["seconds_none"], "recompute_flops": None}


def measure_graphc_rss(depth, width, batch, residual, strategy) -> int | None:
    """graphc's step in a fresh process, measured like PyTorch's: growth of the sampled resident set over one step,
    less the arrays the step returns (the weight gradients: the caller's, as PyTorch's .grad buffers are, which
    exist before its measured step)."""
    code = "\n".join([
        "import sys, numpy as np, graphc as gc",
        f"sys.path.insert(0, {HERE!r})",
        "from bench_remat import build, backend_name, peak_growth",
        f"x, outs = build({depth}, {width}, {residual})",
        f"f = gc.function([x], outs, remat={strategy!r}, backend=backend_name())",
        f"feed = np.random.default_rng(1).standard_normal(({batch}, {width})).astype(np.float32)",
        "f.compile(feed)",  # the first run touches the arena's pages: its growth is the arena's high-water mark
        "returned = []",
        "growth = peak_growth(lambda: returned.extend(f(feed)))",
        "print(growth - sum(a.nbytes for a in returned))",
    ])
    env = {**os.environ, **FIXED_MMAP}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(f"  graphc RSS run failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return int(done.stdout.strip().splitlines()[-1])


# ---- recurrent workload (issue 19): a scanned RNN cell, memory and time against the sequence length ------------

RECURRENT_LENGTHS = [64, 128, 256, 512, 1024, 2048, 4096]


def build_rnn(steps: int, width: int, batch: int, seed: int = 0):
    """A tanh RNN cell scanned over `steps` inputs, its loss and the gradients in its two weights: the backward
    sweep reads the hidden state before every step (T x batch x width floats), unless remat recomputes them."""
    import graphc as gc

    rng = np.random.default_rng(seed)
    xs = gc.placeholder((steps, batch, width), gc.float32, name="xs")
    w = gc.variable((rng.standard_normal((width, width)) / math.sqrt(width)).astype(np.float32), name="w")
    u = gc.variable(rng.uniform(0.5, 1.0, width).astype(np.float32), name="u")
    final, _ = gc.scan(lambda h, x: (gc.tanh(h @ w + x * u), None), gc.constant(np.zeros((batch, width), np.float32)),
                       xs)
    loss = gc.mean(final * final)
    return xs, [loss, *gc.grad(loss, [w, u])]


def rnn_feed(steps: int, width: int, batch: int) -> np.ndarray:
    return np.random.default_rng(1).standard_normal((steps, batch, width)).astype(np.float32)


def traced_peak(step) -> int:
    """Bytes allocated at once (tracemalloc's high-water mark, numpy's arrays included) over one call of `step`."""
    import tracemalloc

    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_graphc_recurrent(steps: int, width: int, batch: int, repeats: int, backend: str) -> list:
    """remat "none" and "sqrt" on one sequence length: compile seconds, planned and measured peak, step time
    (the two steps called in turn, so the machine's drift falls on both)."""
    import graphc as gc

    feed = rnn_feed(steps, width, batch)
    rows, calls = {}, {}
    for strategy in ("none", "sqrt"):
        xs, outputs = build_rnn(steps, width, batch)
        f = gc.function([xs], outputs, remat=strategy, backend=backend)
        f.compile(feed)
        compile_seconds = graphc_compile_seconds(steps, width, batch, strategy, backend)
        calls[strategy] = lambda f=f: f(feed)
        calls[strategy]()  # warm: bodies compiled, pages touched
        rows[strategy] = {"system": "graphc", "backend": backend, "strategy": strategy, "steps": steps,
                          "planned": f.memory_plan().peak_bytes, "measured": traced_peak(calls[strategy]),
                          "compile_seconds": compile_seconds}
    spread: dict = {}
    seconds = time_interleaved(calls, repeats, spread)
    for strategy, row in rows.items():
        row["seconds"], row["seconds_none"], row["spread"] = seconds[strategy], seconds["none"], spread[strategy]
    return list(rows.values())


def graphc_compile_seconds(steps: int, width: int, batch: int, strategy: str, backend: str) -> float:
    """Seconds to compile the RNN's gradient step in a fresh process: compiled kernels are cached within one,
    and the first compilation of a process also pays for starting LLVM, as JAX's first compilation pays for XLA."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = "\n".join([
        "import sys, time, graphc as gc",
        f"sys.path.insert(0, {here!r})",
        "from bench_remat import build_rnn, rnn_feed",
        f"xs, outputs = build_rnn({steps}, {width}, {batch})",
        f"f = gc.function([xs], outputs, remat={strategy!r}, backend={backend!r})",
        f"feed = rnn_feed({steps}, {width}, {batch})",
        "start = time.perf_counter()",
        "f.compile(feed)",
        "print(time.perf_counter() - start)",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


JAX_RECURRENT = r"""
import json, math, sys, time
import numpy as np
import jax, jax.numpy as jnp
jax.config.update("jax_platforms", "cpu")
steps, width, batch, seg, repeats = map(int, sys.argv[1:6])
rng = np.random.default_rng(0)
W = jnp.asarray((rng.standard_normal((width, width)) / math.sqrt(width)).astype(np.float32))
U = jnp.asarray(rng.uniform(0.5, 1.0, width).astype(np.float32))
X = jnp.asarray(np.random.default_rng(1).standard_normal((steps, batch, width)).astype(np.float32))
def loss(wu, xs, remat):
    w, u = wu
    cell = lambda h, x: (jnp.tanh(h @ w + x * u), None)
    h0 = jnp.zeros((batch, width), jnp.float32)
    if remat:  # jax.checkpoint over segments of `seg` steps: only each segment's first carry is kept
        segment = jax.checkpoint(lambda h, xs_k: (jax.lax.scan(cell, h, xs_k)[0], None))
        h = jax.lax.scan(segment, h0, xs.reshape(steps // seg, seg, batch, width))[0]
    else:
        h = jax.lax.scan(cell, h0, xs)[0]
    return jnp.mean(h * h)
rows, fns = {}, {}
for remat in (False, True):
    step = jax.jit(jax.value_and_grad(lambda wu, xs, r=remat: loss(wu, xs, r)))
    start = time.perf_counter()
    compiled = step.lower((W, U), X).compile()
    compile_seconds = time.perf_counter() - start
    fns[remat] = lambda c=compiled: jax.block_until_ready(c((W, U), X))
    fns[remat]()
    rows[remat] = {"planned": int(compiled.memory_analysis().temp_size_in_bytes), "compile_seconds": compile_seconds}
times = {m: [] for m in fns}
for _ in range(repeats):
    for m, fn in fns.items():
        t = time.perf_counter(); fn(); times[m].append(time.perf_counter() - t)
for m in rows:
    rows[m]["seconds"], rows[m]["seconds_none"] = float(np.median(times[m])), float(np.median(times[False]))
    rows[m]["spread"] = (min(times[m]), max(times[m]))
print(json.dumps({str(int(m)): r for m, r in rows.items()}))
"""


def measure_jax_recurrent(steps: int, width: int, batch: int, repeats: int) -> list:
    """lax.scan, plain and with jax.checkpoint over segments (the divisor of T nearest √T), in a fresh process.
    The peak is XLA's planned temporary bytes (memory_analysis): XLA pools freed memory, so RSS cannot show it."""
    from graphc.control.checkpoint import segment_length

    seg = segment_length(steps) or 1
    args = [sys.executable, "-c", JAX_RECURRENT, str(steps), str(width), str(batch), str(seg), str(repeats)]
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    if done.returncode != 0:
        print(f"  jax failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return []
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return [{"system": "jax", "backend": "xla", "strategy": "checkpoint" if remat == "1" else "none",
             "segment": seg if remat == "1" else None, "steps": steps, "measured": r["planned"], **r}
            for remat, r in out.items()]


def print_recurrent_table(rows):
    print(f"{'system':<7} {'strategy':<21} {'T':>5} {'compile s':>9} {'planned MiB':>11} {'measured MiB':>12} "
          f"{'mem/none':>8} {'s/step':>8} {'(fastest-slowest)':>17} {'time/none':>9}")
    base = {(r["system"], r["steps"]): r for r in rows if r["strategy"] == "none"}
    for r in rows:
        b = base[(r["system"], r["steps"])]
        strategy = r["strategy"] + (f" ({r['segment']} steps)" if r.get("segment") else "")
        fastest, slowest = r["spread"]
        print(f"{r['system']:<7} {strategy:<21} {r['steps']:>5} {r['compile_seconds']:9.2f} "
              f"{mib(r['planned']):>11} {mib(r['measured']):>12} {r['measured'] / b['measured']:8.2f} "
              f"{r['seconds']:8.3f} {f'({fastest:.3f}-{slowest:.3f})':>17} {r['seconds'] / r['seconds_none']:9.2f}")
    for system in sorted({r["system"] for r in rows}):
        for strategy in sorted({r["strategy"] for r in rows if r["system"] == system}):
            pts = sorted((r["steps"], r["measured"]) for r in rows
                         if (r["system"], r["strategy"]) == (system, strategy))
            if len(pts) >= 2:
                exponent = fitted_exponent([t for t, _ in pts], [m for _, m in pts])
                print(f"{system} {strategy}: measured peak ~ T^{exponent:.2f}")


def plot_recurrent(rows, path):
    """Peak memory, time per gradient step and compile time against T, graphc beside JAX."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for system, strategy in sorted({(r["system"], r["strategy"]) for r in rows}):
        pts = sorted((r["steps"], r["measured"], r["seconds"], r["compile_seconds"]) for r in rows
                     if (r["system"], r["strategy"]) == (system, strategy))
        style = "-" if system == "graphc" else "--"
        for ax, k, scale in zip(axes, (1, 2, 3), (2**20, 1, 1)):
            ax.plot([p[0] for p in pts], [p[k] / scale for p in pts], style, marker="o", label=f"{system} {strategy}")
    for ax, what in zip(axes, ("peak memory (MiB)", "time per gradient step (s)", "compile time (s)")):
        log_axes(ax, "sequence length T", what, xbase=2)
    axes[2].set_yscale("linear")
    axes[2].set_ylim(bottom=0)
    axes[0].legend(fontsize=8)
    fig.suptitle("remat inside a scan: tanh RNN cell, memory, step time and compile time against T")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def run_recurrent(args) -> int:
    backend = args.backend or backend_name()
    print(f"recurrent workload: tanh RNN cell, width {args.width}, batch {args.batch}, float32; graphc on {backend}; "
          f"measured peak: tracemalloc's high-water mark of one call (graphc), XLA's planned temporaries (jax); "
          f"times the median of {args.repeats}, none and sqrt called in turn")
    import graphc as gc

    xs, outputs = build_rnn(8, args.width, args.batch)  # warm the compiler before anything is timed
    gc.function([xs], outputs, backend=backend)(rnn_feed(8, args.width, args.batch))
    rows = []
    for steps in args.lengths:
        rows += measure_graphc_recurrent(steps, args.width, args.batch, args.repeats, backend)
        if not args.no_peers and peer_available("jax"):
            rows += measure_jax_recurrent(steps, args.width, args.batch, args.repeats)
        print(f"  T = {steps} done", flush=True)
    print()
    print_recurrent_table(rows)
    if args.plot:
        plot_recurrent(rows, args.plot)
    save_rows(rows, args.json)
    return 0


# ---- report ------------------------------------------------------------------------------------


def fitted_exponent(depths, peaks) -> float:
    return float(np.polyfit(np.log(depths), np.log(peaks), 1)[0])


def mib(n):
    return "-" if n is None else f"{n / 2**20:9.1f}"


def print_table(rows):
    print(f"{'system':<7} {'net':<8} {'depth':>5} {'strategy':<16} {'planned MiB':>11} {'measured MiB':>12} "
          f"{'RSS MiB':>8} {'mem/none':>8} {'s/step':>8} {'time/none':>9} {'recompute':>9}")
    for r in rows:
        net = "residual" if r["residual"] else "mlp"
        rec = "-" if r["recompute_flops"] is None else f"{100 * r['recompute_flops']:8.1f}%"
        print(f"{r['system']:<7} {net:<8} {r['depth']:>5} {r['strategy']:<16} {mib(r['planned']):>11} "
              f"{mib(r['measured']):>12} {mib(r.get('rss')):>8} {r.get('mem_ratio', 1.0):8.2f} "
              f"{r['seconds']:8.3f} {r.get('time_ratio', 1.0):9.2f} {rec:>9}")


def add_ratios(rows):
    base = {(r["system"], r["depth"], r["residual"]): r for r in rows if r["strategy"] == "none"}
    for r in rows:
        b = base.get((r["system"], r["depth"], r["residual"]))
        if b is not None and r["measured"] and b["measured"]:
            r["mem_ratio"] = r["measured"] / b["measured"]
            r["time_ratio"] = r["seconds"] / r.get("seconds_none", b["seconds"])  # the baseline timed alongside


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_mem, ax_time) = plt.subplots(1, 2, figsize=(12, 4.5))
    series = sorted({(r["system"], r["strategy"], r["residual"]) for r in rows})
    for system, strategy, residual in series:
        pts = sorted((r["depth"], r["measured"], r["seconds"]) for r in rows
                     if (r["system"], r["strategy"], r["residual"]) == (system, strategy, residual))
        label = f"{system} {strategy}{' (residual)' if residual else ''}"
        style = "-" if system == "graphc" else "--"
        ax_mem.plot([p[0] for p in pts], [p[1] / 2**20 for p in pts], style, marker="o", label=label)
        ax_time.plot([p[0] for p in pts], [p[2] for p in pts], style, marker="o", label=label)
    for ax, what in ((ax_mem, "peak activation memory (MiB)"), (ax_time, "time per gradient step (s)")):
        log_axes(ax, "depth", what, xbase=2)
    ax_mem.legend(fontsize=7)
    fig.suptitle("rematerialisation: tanh MLP, memory and time against depth")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def save_rows(rows: list, path: str | None) -> None:
    """The measured rows as JSON at `path` (--json), when one was given."""
    if path:
        with open(path, "w") as fh:
            json.dump(rows, fh, indent=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="width 128, batch 2048, depths 16..128, three repeats")
    parser.add_argument("--depths", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--batch", type=int, default=8192)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-residual", action="store_true", help="skip the residual variant")
    parser.add_argument("--no-peers", action="store_true", help="skip JAX and PyTorch even when installed")
    parser.add_argument("--rss", action="store_true", help="also measure graphc's process RSS growth")
    parser.add_argument("--plot", metavar="PNG", help="write memory and time against depth to this file")
    parser.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    parser.add_argument("--pareto", metavar="PNG", help="write peak memory against step time, every planner")
    parser.add_argument("--fractions", type=int, nargs="+", metavar="K",
                        help="compare greedy, sqrt and optimal under budgets of 1/K of the no-remat peak instead")
    parser.add_argument("--nets", nargs="+", choices=sorted(NETS),
                        help="with --fractions: these workloads at their NETS sizes (default: mlp and residual)")
    parser.add_argument("--time-limit", type=float, default=SOLVER["time_limit"],
                        help="the optimal planner's solver seconds")
    parser.add_argument("--recurrent", action="store_true",
                        help="the recurrent workload instead: a scanned RNN cell against sequence length T (--lengths, "
                             "--width, --batch), remat none and sqrt beside JAX's lax.scan with jax.checkpoint")
    parser.add_argument("--lengths", type=int, nargs="+", default=RECURRENT_LENGTHS, help="T for --recurrent")
    parser.add_argument("--backend", help="graphc's backend for --recurrent (default: llvm when available)")
    args = parser.parse_args(argv)
    if args.recurrent:
        if "--width" not in " ".join(argv or sys.argv):
            args.width, args.batch = 64, 16
        return run_recurrent(args)
    SOLVER["time_limit"] = args.time_limit
    fix_malloc()
    warm_up()
    if args.quick:
        args.depths, args.width, args.batch, args.repeats = [16, 32, 64, 128], 128, 2048, 3
    sizes = ", ".join(f"{n} depth {NETS[n][1]} width {NETS[n][2]} batch {NETS[n][3]}" for n in args.nets or ())
    print(f"graphc backend: {backend_name()}; {sizes or f'width {args.width}, batch {args.batch}'}; "
          f"times are the median of {args.repeats}, each strategy timed in turn with the others (peers: with their "
          f"own baseline) so that the machine's drift does not enter the ratios")
    rows = []
    if args.fractions:
        for net in args.nets or (["mlp"] if args.no_residual else ["mlp", "residual"]):
            _, depth, width, batch = NETS[net]
            sizes = [(d, args.width, args.batch) for d in args.depths] if net in ("mlp", "residual") and \
                not args.nets else [(depth, width, batch)]  # the MLPs as before: --depths, --width, --batch
            for depth, width, batch in sizes:
                peers = [] if args.no_peers else [
                    row for system in ("jax", "torch") if peer_available(system) for remat in (False, True)
                    if (row := measure_net_peer(system, net, depth, width, batch, remat, args.repeats))]
                jax = [r for r in peers if r["system"] == "jax" and r["strategy"] != "none"]
                extra = {"jax's": jax[0]["measured"]} if jax else None  # graphc's plans at jax.checkpoint's peak
                rows += measure_budgets(depth, width, batch, net, args.fractions, args.repeats, extra) + peers
        print_budget_table([r for r in rows if r["system"] == "graphc"])
        print_peer_table(rows)
        if args.pareto:
            plot_budget_pareto(rows, args.pareto)
        save_rows(rows, args.json)
        return 0
    for residual in (False,) if args.no_residual else (False, True):
        for depth in args.depths:
            for row in measure_graphc(depth, args.width, args.batch, residual, args.repeats):
                if args.rss and row["strategy"] in ("none", "sqrt"):  # a compiled backend measured it already
                    row["rss"] = row["measured"] if row["measured_is_rss"] else \
                        measure_graphc_rss(depth, args.width, args.batch, residual, row["strategy"])
                rows.append(row)
                print(f"  graphc {'residual' if residual else 'mlp'} depth {depth} {row['strategy']}: "
                      f"{mib(row['planned'])} MiB planned, {row['seconds']:.3f} s", flush=True)
            if not args.no_peers:
                for system in ("jax", "torch"):
                    if peer_available(system):
                        for remat in (False, True):
                            row = measure_peer(system, depth, args.width, args.batch, residual, remat, args.repeats)
                            if row:
                                rows.append(row)
    add_ratios(rows)
    print()
    print_table(rows)
    for residual in sorted({r["residual"] for r in rows}):
        sqrt_rows = sorted((r["depth"], r["planned"]) for r in rows
                           if r["system"] == "graphc" and r["strategy"] == "sqrt" and r["residual"] == residual)
        if len(sqrt_rows) >= 2:
            exponent = fitted_exponent([d for d, _ in sqrt_rows], [p for _, p in sqrt_rows])
            none_rows = sorted((r["depth"], r["planned"]) for r in rows
                               if r["system"] == "graphc" and r["strategy"] == "none" and r["residual"] == residual)
            none_exp = fitted_exponent([d for d, _ in none_rows], [p for _, p in none_rows])
            print(f"{'residual' if residual else 'mlp'}: planned peak ~ depth^{exponent:.2f} under sqrt "
                  f"(depth^{none_exp:.2f} under none)")
    if args.plot:
        plot(rows, args.plot)
    if args.pareto:
        plot_pareto(rows, args.pareto)
    save_rows(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
