"""The llvm executable enters generated code once per call: the native runner runs every kernel in order,
splits big loops over native worker threads (no Python thread pool), and releases the GIL throughout."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from test_threads import in_threads

import graphc as gc
from graphc.runtime import native_pool
from graphc.runtime.native_pool import THREADS, piece_size

BIG = 1 << 21  # element-ops above the split threshold (graphc.runtime.plan.PARALLEL_WORK)


def chain(x, y):
    return gc.tanh(x) * y + gc.exp(-x * x) * 0.5 - gc.sigmoid(y)


def big_chain_function():
    x = gc.placeholder((BIG,), gc.float64, name="x")
    y = gc.placeholder((BIG,), gc.float64, name="y")
    return gc.function([x, y], [chain(x, y)], backend="llvm")


def feeds(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(BIG), rng.standard_normal(BIG)


def test_a_piece_covers_the_range_in_at_most_threads_times_pieces_per_thread():
    for extent in (2, 7, 1000, BIG):
        piece = piece_size(extent)
        if THREADS < 2:
            assert piece == 0
        else:
            assert 1 <= piece <= extent
            assert -(-extent // piece) <= THREADS * native_pool.PIECES_PER_THREAD


def test_a_big_split_chain_equals_the_reference():
    f = big_chain_function()
    reference = gc.function(f.inputs, f.outputs, backend="numpy")
    x, y = feeds()
    np.testing.assert_allclose(f(x, y)[0], reference(x, y)[0], rtol=1e-13, atol=1e-13)


@pytest.mark.skipif(THREADS < 2, reason="one core: nothing is split")
def test_big_loop_kernels_are_split_and_small_ones_are_not():
    x = gc.placeholder((BIG,), gc.float32, name="x")
    small = gc.placeholder((64,), gc.float32, name="small")
    f = gc.function([x, small], [gc.tanh(x) + 1.0, gc.tanh(small) + 1.0], backend="llvm")
    f(np.ones(BIG, np.float32), np.ones(64, np.float32))
    exe = f.executable
    piece_by_extent = {k["dims"][0][0]: record[4] for k, record in zip(exe.kernels(), exe.call_records)}
    assert piece_by_extent[BIG] > 0 and piece_by_extent[64] == 0


def test_no_python_thread_runs_the_kernels():
    f = big_chain_function()
    before = threading.active_count()
    f(*feeds())
    assert threading.active_count() == before


def test_the_gil_is_released_for_the_whole_call():
    """A Python thread keeps running while the calling thread is inside a long compiled call."""
    x = gc.placeholder((BIG,), gc.float64, name="x")
    y = x
    for _ in range(40):  # 40 kernels of a few ms each: a call long enough to watch
        y = gc.sin(gc.cumsum(y, axis=0) * 1e-9)
    f = gc.function([x], [y], backend="llvm")
    a = np.ones(BIG)
    f(a)
    ticks, inside = [], threading.Event()
    done = threading.Event()

    def count():
        inside.wait()
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.0005)

    counter = threading.Thread(target=count)
    counter.start()
    start = time.perf_counter()
    inside.set()
    f(a)
    end = time.perf_counter()
    done.set()
    counter.join()
    during = [t for t in ticks if start < t < end]
    assert end - start > 0.02
    assert len(during) >= 5  # the counter ran while the call was in compiled code


def test_calls_from_many_threads_at_once_give_the_serial_results():
    """Split calls take the pool one at a time; a call that finds it busy runs its range alone."""
    f = big_chain_function()
    inputs = [feeds(seed) for seed in range(4)]
    serial = [f(*i)[0] for i in inputs]
    wrong = []

    def work(i):
        for _ in range(5):
            if not np.array_equal(f(*inputs[i])[0], serial[i]):
                wrong.append(i)

    in_threads(work, threads=4)
    assert wrong == []


def test_a_forked_child_runs_split_kernels_with_a_pool_of_its_own():
    script = textwrap.dedent(f"""
        import os, sys
        import numpy as np
        import graphc as gc
        x = gc.placeholder(({BIG},), gc.float32, name="x")
        f = gc.function([x], [gc.tanh(x) * 2.0], backend="llvm")
        a = np.linspace(-1, 1, {BIG}, dtype=np.float32)
        want = f(a)[0]
        pid = os.fork()
        if pid == 0:
            os._exit(0 if np.array_equal(f(a)[0], want) else 1)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(THREADS < 2, reason="one core: no workers")
def test_idle_workers_sleep_instead_of_spinning():
    """Between split kernels the workers wait on a condition variable: they take no CPU time that BLAS's
    threads or other processes could use."""
    f = big_chain_function()
    f(*feeds())  # the workers are started and have just worked
    time.sleep(0.05)
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(0.5)
    assert time.process_time() - cpu < 0.1 * (time.perf_counter() - wall)


def test_an_atexit_handler_still_runs_compiled_functions():
    """At exit, calls of other threads park (an interrupted `graphc run`), but the exiting thread's own go on."""
    script = textwrap.dedent("""
        import atexit
        import numpy as np
        import graphc as gc

        def save():  # registered before graphc's own exit hook: runs after it
            print("at exit", f(np.arange(3.0))[0].tolist(), flush=True)

        atexit.register(save)
        x = gc.placeholder((3,), gc.float64, name="x")
        f = gc.function([x], [x * 2.0 + 1.0], backend="llvm")
        f(np.zeros(3))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "at exit [1.0, 3.0, 5.0]" in done.stdout


def test_entries_of_a_long_program_hold_about_work_per_entry_each():
    from graphc.runtime.plan import _entries

    per = native_pool.WORK_PER_ENTRY
    assert _entries(1000, [5, 7, 9]) == [(1000, 3)]  # a short program: one entry
    record = 8 * 5  # CALL_FIELDS int64s
    assert _entries(1000, [per, 1, per // 2, per // 2, 3]) == [(1000, 1), (1000 + record, 3), (1000 + 4 * record, 1)]
    assert _entries(1000, []) == []


def test_ctrl_c_in_a_scripts_main_thread_stops_a_long_call_soon():
    """Python handles a signal between two entries into generated code: a long program enters once per
    WORK_PER_ENTRY of work, so KeyboardInterrupt comes within seconds, not at the end of the call."""
    script = textwrap.dedent("""
        import sys, time
        import numpy as np
        import graphc as gc
        x = gc.placeholder((1 << 24,), gc.float32, name="x")
        y = x
        for _ in range(600):  # tens of seconds of kernels, each a sweep of 16M elements
            y = gc.sin(gc.cumsum(y, axis=0) * 1e-9)
        f = gc.function([x], [y], backend="llvm")
        f.compile(np.ones(1 << 24, np.float32))
        print("running", flush=True)
        started = time.monotonic()
        try:
            f(np.ones(1 << 24, np.float32))
            print(f"finished after {time.monotonic() - started:.1f} s", flush=True)
        except KeyboardInterrupt:
            print(f"interrupted after {time.monotonic() - started:.1f} s", flush=True)
            sys.exit(3)
    """)
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert run.stdout.readline().strip() == "running"
        time.sleep(1.0)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 3, out + err
    assert float(out.split()[2]) < 10  # the whole call takes tens of seconds
