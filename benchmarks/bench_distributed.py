"""Data-parallel training through MPI on this machine's loopback: allreduce cost, step time, overlap.

    python benchmarks/bench_distributed.py            # everything (launches mpiexec itself)
    python benchmarks/bench_distributed.py --quick    # fewer sizes and repeats
    python benchmarks/bench_distributed.py --json out.json

Three measurements, each in its own `mpiexec` launch (this script is also the worker):
- allreduce latency and bandwidth against message size (2 and 4 ranks): mpi4py's blocking
  Allreduce, and graphc's path (the communication thread, a non-blocking Iallreduce polled
  with short sleeps); "busbw" is the ring's bus bandwidth 2(n-1)/n · bytes / time;
- the MLP training step (784-1024-1024-10, float32, Adam, a global batch of 64 rows split
  between the ranks, llvm backend) on 1, 2 and 4 ranks;
- how much communication the step hides: T_compute (the same step without averaging, on the
  rank's share), T_comm (the step's allreduces alone, as the step issues them) and T_step give
  hidden = (T_compute + T_comm - T_step) / T_comm, for one allreduce per gradient (bucket 0),
  the default buckets, one bucket for all, and the default buckets with overlap off
  (GRAPHC_COLLECTIVE_OVERLAP=0: each allreduce waited for where it starts).
Figures are medians of `--repeat` timed calls after warm-up, in ms or µs; every rank (and the one
process) runs with one BLAS/OpenMP thread.  On a machine with
fewer cores than ranks (4 ranks on 2 cores here) the ranks take turns on the cores: figures then
measure the sharing as much as MPI; docs/distributed.md fits its cost model to the 2-rank ones.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = [784, 1024, 1024, 10]
GLOBAL_BATCH = 64
BUCKETS = {"per-gradient": 0, "default": None, "one bucket": 1 << 40}


def median_ms(fn, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


# ---- workers (run under mpiexec) ------------------------------------------------------------------


def worker_allreduce(quick: bool, repeat: int) -> dict:
    from mpi4py import MPI

    from graphc.distributed import engine
    from graphc.ops.collective import mpi_allreduce

    comm = MPI.COMM_WORLD
    rows = []
    top = 22 if quick else 26
    for log2 in range(3, top + 1, 2 if quick else 1):
        nbytes = 1 << log2
        x = np.ones(nbytes // 4, np.float32)
        out = np.empty_like(x)
        reps = max(3, min(repeat * 20, int(2e8 // nbytes)))

        def raw():
            comm.Allreduce(x, out)

        def ours():
            engine.run(mpi_allreduce, {"op": "sum"}, x, "bench")

        comm.Barrier()
        raw_ms = median_ms(raw, reps)
        comm.Barrier()
        ours_ms = median_ms(ours, reps)
        rows.append({"bytes": nbytes, "mpi4py_us": raw_ms * 1e3, "graphc_us": ours_ms * 1e3})
    return {"ranks": comm.Get_size(), "allreduce": rows}


def _mlp_step(distributed: bool, bucket_bytes, rows: int):
    import graphc as gc

    model = gc.nn.MLP(SIZES, seed=0)
    x = gc.placeholder((rows, SIZES[0]), gc.float32)
    labels = gc.placeholder((rows,), gc.int32)
    loss = gc.nn.losses.softmax_cross_entropy(model(x), labels)
    opt = gc.optim.Adam(1e-3)
    pairs = opt.compute_gradients(loss)
    step = gc.function([x, labels], loss, backend="llvm",
                       updates=opt.apply_gradients(pairs, distributed=distributed, bucket_bytes=bucket_bytes))
    rng = np.random.default_rng(1)
    feeds = rng.standard_normal((rows, SIZES[0]), np.float32), rng.integers(0, 10, rows).astype(np.int32)
    return step, feeds, pairs


def worker_mlp(quick: bool, repeat: int) -> dict:
    """Step times; compute, communication and step are timed in turns (one of each per round) so that
    the load of a shared machine falls on all three alike."""
    import graphc as gc
    from graphc.distributed import buckets, engine
    from graphc.ops.collective import mpi_allreduce

    n = gc.distributed.size()
    rows = GLOBAL_BATCH // n
    compute_step, feeds, pairs = _mlp_step(False, None, rows)
    result = {"ranks": n, "rows_per_rank": rows, "parameters": int(sum(v.size for _, v in pairs)), "configs": {}}
    if n == 1:
        result["compute_ms"] = median_ms(lambda: compute_step(*feeds), repeat)
        return result
    configs = [(name, b, True) for name, b in BUCKETS.items()] + [("default, overlap off", None, False)]
    runs = {}
    for name, bucket_bytes, overlap in configs:
        os.environ["GRAPHC_COLLECTIVE_OVERLAP"] = "1" if overlap else "0"
        step, step_feeds, _ = _mlp_step(True, bucket_bytes, rows)
        step(*step_feeds)  # compiles with this overlap setting
        groups = buckets.buckets(pairs, buckets.DEFAULT_BUCKET_BYTES if bucket_bytes is None else bucket_bytes)
        flats = [np.ones(sum(pairs[i][1].size for i in g), np.float32) for g in groups]

        def communicate(flats=flats):
            for p in [engine.start(mpi_allreduce, {"op": "mean"}, f, "bench") for f in flats]:
                p.wait("bench")

        runs[name] = (len(groups), {"compute": lambda: compute_step(*feeds), "comm": communicate,
                                    "step": lambda step=step, f=step_feeds: step(*f)})
    times = {name: {k: [] for k in ("compute", "comm", "step")} for name in runs}
    for _ in range(repeat + 2):
        for name, (_, calls) in runs.items():
            for kind, call in calls.items():
                t = time.perf_counter()
                call()
                times[name][kind].append(time.perf_counter() - t)
    for name, (count, _) in runs.items():
        ms = {k: statistics.median(v[2:]) * 1e3 for k, v in times[name].items()}
        hidden = (ms["compute"] + ms["comm"] - ms["step"]) / ms["comm"]
        result["configs"][name] = {"buckets": count, "compute_ms": ms["compute"], "comm_ms": ms["comm"],
                                   "step_ms": ms["step"], "hidden": max(0.0, min(1.0, hidden))}
    return result


def fit_alpha_beta(rows: list[dict], ranks: int, key: str) -> tuple[float, float]:
    """(α seconds, β seconds per byte) of the ring model T(m) = 2(n-1)·α + 2(n-1)/n·m·β, fitted to
    the measured times by least squares weighted by 1/T (every size counts by its relative error)."""
    m = np.array([r["bytes"] for r in rows], float)
    t = np.array([r[key] for r in rows], float) * 1e-6
    slope, intercept = np.polyfit(m, t, 1, w=1 / t)
    return intercept / (2 * (ranks - 1)), slope / (2 * (ranks - 1) / ranks)


def project(params: float = 1e8, link_gbit: float = 100, alpha: float = 5e-6, compute_ms: float = 100.0,
            backward_share: float = 2 / 3, bucket_bytes: int = 25 << 20, host_us: float = 50.0) -> list[dict]:
    """Projected step efficiency of data-parallel training with the α–β model (docs/distributed.md).

    float32 gradients of `params` parameters in buckets of `bucket_bytes`; a ring allreduce costs
    2(n-1)·α + 2(n-1)/n·m·β per bucket, a tree (NCCL's double binary trees, at scale) 2·log2(n)·α + 2·m·β
    per bucket; each bucket also costs `host_us` on the host (graphc's communication thread).  With overlap
    the buckets hide behind the backward pass (`backward_share` of `compute_ms`) except the last one;
    without it all of the communication follows the computation.
    """
    m, beta = params * 4, 8 / (link_gbit * 1e9)
    k = int(np.ceil(m / bucket_bytes))
    compute, backward = compute_ms * 1e-3, compute_ms * 1e-3 * backward_share
    rows = []
    for n in (8, 64, 512):
        ring = 2 * (n - 1) / n * m * beta + 2 * (n - 1) * k * alpha + k * host_us * 1e-6
        tree = 2 * m * beta + 2 * np.ceil(np.log2(n)) * k * alpha + k * host_us * 1e-6
        rows.append({"ranks": n, "buckets": k, "ring_ms": ring * 1e3, "tree_ms": float(tree) * 1e3,
                     "ring_overlap": compute / (compute + max(ring - backward, ring / k)),
                     "ring_no_overlap": compute / (compute + ring),
                     "tree_overlap": float(compute / (compute + max(tree - backward, tree / k)))})
    return rows


# ---- the driver ------------------------------------------------------------------------------------


def mpiexec() -> str:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else "mpiexec"


def launch(ranks: int, what: str, args) -> dict:
    command = [sys.executable, __file__, "--worker", what, "--repeat", str(args.repeat)] + (["--quick"] if args.quick
                                                                                         else [])
    if ranks > 1:
        command = [mpiexec(), "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)] + command
    # one BLAS/OpenMP thread per rank (the cores are shared between the ranks); the same for one process
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument("--part", choices=["all", "allreduce", "mlp"], default="all")
    parser.add_argument("--worker", choices=["allreduce", "mlp"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = (worker_allreduce if args.worker == "allreduce" else worker_mlp)(args.quick, args.repeat)
        from graphc.distributed import rank

        if rank() == 0:
            print(json.dumps(result))
        return result

    figures = {"allreduce": [launch(n, "allreduce", args) for n in (2, 4)] if args.part != "mlp" else [],
               "mlp": [launch(n, "mlp", args) for n in (1, 2, 4)] if args.part != "allreduce" else []}
    for sweep in figures["allreduce"]:
        n = sweep["ranks"]
        print(f"\nallreduce on {n} ranks (loopback): latency and bus bandwidth 2(n-1)/n·bytes/time")
        print(f"{'bytes':>10} {'mpi4py µs':>10} {'graphc µs':>10} {'busbw GB/s':>11}")
        for row in sweep["allreduce"]:
            busbw = 2 * (n - 1) / n * row["bytes"] / (row["mpi4py_us"] * 1e-6) / 1e9
            print(f"{row['bytes']:>10} {row['mpi4py_us']:>10.1f} {row['graphc_us']:>10.1f} {busbw:>11.2f}")
        for key in ("mpi4py_us", "graphc_us"):
            alpha, beta = fit_alpha_beta(sweep["allreduce"], n, key)
            sweep[f"fit_{key[:-3]}"] = {"alpha_us": alpha * 1e6, "beta_ns_per_byte": beta * 1e9}
            print(f"ring model fitted to {key[:-3]}: alpha = {alpha * 1e6:.1f} µs, beta = {beta * 1e9:.3f} ns/byte "
                  f"({1 / beta / 1e9:.2f} GB/s)")
    single = figures["mlp"][0] if figures["mlp"] else {"parameters": 0, "compute_ms": float("nan")}
    print(f"\nMLP {'-'.join(map(str, SIZES))} ({single['parameters']} parameters), Adam, global batch {GLOBAL_BATCH}, "
          f"llvm: one process {single['compute_ms']:.2f} ms per step")
    print(f"{'ranks':>5} {'config':>22} {'buckets':>7} {'compute':>8} {'comm':>8} {'step':>8} {'hidden':>7} "
          f"{'speed-up':>8}")
    for run in figures["mlp"][1:]:
        for name, c in run["configs"].items():
            print(f"{run['ranks']:>5} {name:>22} {c['buckets']:>7} {c['compute_ms']:>8.2f} {c['comm_ms']:>8.2f} "
                  f"{c['step_ms']:>8.2f} {c['hidden']:>7.0%} {single['compute_ms'] / c['step_ms']:>8.2f}")
    figures["projection"] = project()
    print("\nprojected: 100M float32 parameters, 100 Gb/s links, alpha 5 µs, 100 ms of compute per step "
          "(2/3 backward), 25 MiB buckets")
    print(f"{'ranks':>5} {'ring ms':>8} {'overlap':>8} {'no overlap':>10} {'tree ms':>8} {'overlap':>8}")
    for row in figures["projection"]:
        print(f"{row['ranks']:>5} {row['ring_ms']:>8.1f} {row['ring_overlap']:>8.0%} {row['ring_no_overlap']:>10.0%} "
              f"{row['tree_ms']:>8.1f} {row['tree_overlap']:>8.0%}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    main()
