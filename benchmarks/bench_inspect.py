"""`graphc inspect GRAPH --grad` on big graphs: seconds, and seconds per node as the graph grows.

Saves bench_compile's chain and random graphs (their gradient has about 5.8 and 2.4
nodes per op), then times the command as a user runs it, in a process of its own
(start, load, gradient, passes, fusion and every memory plan), wall and CPU time.
The time per node at the largest size must stay within `--max-ratio` of that at the
smallest (linear growth).  `--compare DIR` runs a second tree (a checkout of graphc
with graphc/codegen and graphc/runtime linked to its codegen/ and runtime/) in turns
with this one, for same-run before/after figures; the load average is printed beside them.

    python benchmarks/bench_inspect.py                          # chain and random at 2k and 20k nodes
    python benchmarks/bench_inspect.py --nodes 100000 --repeat 1
    python benchmarks/bench_inspect.py --nodes 20000 --compare /tmp/base --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_compile import FAMILIES

import graphc as gc

NODES_PER_OP = {"chain": 5.8, "random": 2.4}  # nodes of the graph with its gradient, per op built
WIDTH = {"chain": 32, "random": 16}


def save_graph(family: str, nodes: int, folder: Path) -> Path:
    path = folder / f"{family}{nodes}.json"
    if not path.exists():
        _, loss, _ = FAMILIES[family](round(nodes / NODES_PER_OP[family]), np.random.default_rng(0))
        gc.save(path, {"loss": loss})
    return path


def inspect_seconds(path: Path, family: str, tree: str | None) -> tuple[float, float]:
    """(wall, CPU) seconds of `graphc inspect path --grad` in a new process; `tree`: run that checkout instead."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = tree
    command = [sys.executable, "-m", "graphc", "inspect", str(path), "--grad", "--shape", f"x=64,{WIDTH[family]}",
               "--memory-limit", "64G"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run from the graph's folder: `python -m` puts the working directory first on sys.path, so from a
    # checkout's root every "tree" would import that checkout's graphc (--compare timed one tree twice)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=path.parent)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each graph (medians are reported)")
    parser.add_argument("--compare", metavar="DIR", help="another graphc checkout, run in turns with this one")
    parser.add_argument("--max-ratio", type=float, default=1.5,
                        help="allowed growth of CPU time per node from the smallest to the largest size")
    parser.add_argument("--folder", default=os.path.join(tempfile.gettempdir(), "graphc_bench_inspect"),
                        help="where the graphs are saved (kept: later runs reuse them)")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(100000)
    folder = Path(args.folder)
    folder.mkdir(exist_ok=True)
    trees = {"this": None, **({"compare": args.compare} if args.compare else {})}
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'graph':<7} {'nodes':>7} {'tree':<8} {'wall s (median, runs)':<32} {'CPU s (median)':>14} "
          f"{'CPU us/node':>11}")
    per_node: dict[tuple, float] = {}
    for family in args.families:
        for nodes in args.nodes:
            path = save_graph(family, nodes, folder)
            n = len(gc.load(path).with_gradients().nodes(True))
            runs: dict[str, list] = {name: [] for name in trees}
            for _ in range(args.repeat):
                for name, tree in trees.items():  # in turns: both see the same load
                    runs[name].append(inspect_seconds(path, family, tree))
            for name, measured in runs.items():
                walls, cpus = [w for w, _ in measured], [c for _, c in measured]
                per_node[family, nodes, name] = statistics.median(cpus) / n
                shown = ", ".join(f"{w:.1f}" for w in walls)
                print(f"{family:<7} {n:>7} {name:<8} {statistics.median(walls):>6.1f} ({shown})".ljust(58)
                      + f" {statistics.median(cpus):>14.1f} {1e6 * per_node[family, nodes, name]:>11.1f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    failures = []
    smallest, largest = min(args.nodes), max(args.nodes)
    for family in args.families:
        if largest > smallest:
            ratio = per_node[family, largest, "this"] / per_node[family, smallest, "this"]
            print(f"{family}: CPU time per node at {largest} nodes / at {smallest} = {ratio:.2f}")
            if ratio > args.max_ratio:
                failures.append(f"{family}: time per node grows {ratio:.2f}x from {smallest} to {largest} nodes")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
