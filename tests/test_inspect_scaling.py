"""`graphc inspect --grad` does work in proportion to the graph, so that 100k-node graphs can be inspected.

Counted, not timed: the lines of graphc's own code executed (loop iterations
included) on a graph and on one twice its size, and the collector's work.
"""

import contextlib
import gc as collector
import io
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import graphc as gc
import graphc.codegen
import graphc.runtime
from graphc.cli import build_parser
from graphc.cli import inspect as inspect_command

PACKAGE_ROOTS = tuple(str(Path(m.__file__).parent) for m in (gc, graphc.codegen, graphc.runtime))


def chain(n_ops: int, path: Path) -> Path:
    """A deep stack of matmuls, biases, tanh, scaling and residual sines, saved with no gradients."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((None, 8), gc.float32, name="x")
    h = x
    for i in range(n_ops):
        k = i % 5
        if k == 0:
            h = h @ gc.variable(rng.normal(size=(8, 8)).astype(np.float32) * 0.1, name=f"w{i}")
        elif k == 1:
            h = h + gc.variable(np.zeros(8, np.float32), name=f"b{i}")
        elif k == 2:
            h = gc.tanh(h)
        elif k == 3:
            h = h * 0.9
        else:
            h = gc.sin(h) + h
    return gc.save(path, {"loss": gc.mean(h * h)})


def inspect_facts(path: Path) -> None:
    graph = gc.load(path).with_gradients()
    inspect_command.describe(graph, True)
    inspect_command.compiled_facts(graph, True, {"x": (4, 8)}, "sqrt")


def lines_executed(fn) -> int:
    """Line events in graphc's frames while `fn` runs: a loop's every iteration is one at least."""
    count = 0

    def in_frame(frame, event, arg):
        nonlocal count
        count += 1
        return in_frame

    def on_call(frame, event, arg):
        return in_frame if frame.f_code.co_filename.startswith(PACKAGE_ROOTS) else None

    sys.settrace(on_call)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_twice_the_graph_is_at_most_about_twice_the_work(tmp_path):
    # A pass that scans the whole graph once per node adds n^2 lines: about 2.4 times the work here.
    small, large = chain(150, tmp_path / "small.json"), chain(300, tmp_path / "large.json")
    nodes = [len(gc.load(p).with_gradients().nodes(True)) for p in (small, large)]
    assert 1.9 < nodes[1] / nodes[0] < 2.1
    work = [lines_executed(lambda p=p: inspect_facts(p)) for p in (small, large)]
    assert work[1] / work[0] < 2.2, f"{work} lines for {nodes} nodes"


def inspect_args(path: Path, batch: int = 4):
    return build_parser().parse_args(["inspect", str(path), "--grad", "--shape", f"x={batch},8"])


def run_inspect(args) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        assert args.run(args) == 0


def test_inspect_runs_without_the_collector_rescanning_the_graph(tmp_path):
    # Each full collection scans every node; their number grows with the graph, so their cost grew
    # faster than it (45% of the time at 40k nodes).
    args = inspect_args(chain(150, tmp_path / "g.json"))
    generations = []

    def record(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    collector.collect()
    collector.callbacks.append(record)
    try:
        run_inspect(args)
    finally:
        collector.callbacks.remove(record)
    assert 2 not in generations and len(generations) <= 1, generations


def test_inspect_leaves_no_cycles_for_a_paused_collector_to_find(tmp_path):
    # With the collector paused, what sits in reference cycles (nested functions that call each other,
    # a candidate holding its own plan) stays in memory to the end: every rejected candidate program.
    args = inspect_args(chain(150, tmp_path / "g.json"))  # the parser's own cycles are not inspect's
    collector.collect()
    collector.disable()
    try:
        run_inspect(args)
        assert collector.collect() == 0
    finally:
        collector.enable()


@pytest.mark.slow
def test_inspect_time_grows_linearly_from_10k_to_40k_nodes(tmp_path):
    seconds = []
    for n_ops in (1725, 6900):  # about 10k and 40k nodes with their gradients
        args = inspect_args(chain(n_ops, tmp_path / f"g{n_ops}.json"), batch=64)
        start = time.process_time()
        run_inspect(args)
        seconds.append(time.process_time() - start)
    assert seconds[1] / seconds[0] < 5.5, seconds  # 4 when linear: 4.4 here, and 6.2 before (10.8 s, 67 s)
