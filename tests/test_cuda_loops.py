"""A scan on the cuda backend is one loop kernel: the loop over its steps is in the generated CUDA source.

Without a GPU (this file was written without one): the rendered source holds the loop (trip count, the
step index `t` picking each slice of xs and ys by offset, a grid barrier between the body's kernels),
the kernel's arguments are laid out as the runtime expects, and the CUDA source of a whole scan training
step (an LSTM, its gradient scan and an SGD update) compiles with nvcc for sm_80 and sm_90.  The loop
kernels' numbers are checked against the numpy reference by running the generated code as host C++
(tests/cuda_emulation.py: up to 3 blocks of 256 threads, all at once as std::threads, the grid barrier
a barrier over all of them): that checks the loop's logic, not a GPU.  On a GPU the same comparisons
run on the device (marked `gpu`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from cuda_emulation import NEEDS_GXX, register_emulated_loops_backend

import graphc as gc
from graphc.codegen.cuda.nvcc import compile_to_ptx, find_nvcc
from graphc.control.cuda import render_cuda_program
from graphc.program import specialize
from graphc.runtime.cuda_launch import available_bindings, driver_library

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from lstm_digits import LSTMClassifier  # noqa: E402

needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
HAVE_GPU = driver_library() is not None and bool(available_bindings())
gpu = pytest.mark.skipif(not HAVE_GPU, reason="no NVIDIA driver (libcuda.so.1) or no pycuda/cuda-python: no GPU here")
ARCHS = ["sm_80", "sm_90"]
f32 = np.float32


def rendered(inputs, outputs, feed_shapes, updates=None):
    """The CUDA rendering of a function's program for these feed shapes (no device needed)."""
    f = gc.function(inputs, outputs, updates=updates, backend="numpy")
    return render_cuda_program(specialize(f.inputs, f.outputs, f.updates, feed_shapes))


def rnn_scan(steps=7, batch=3, width=4, reverse=False):
    """(xs, w, final carry, ys) of an elementwise RNN whose ys are its carries."""
    xs = gc.placeholder((steps, batch, width), gc.float32)
    w = gc.placeholder((width,), gc.float32)
    h, ys = gc.scan(lambda h, x: (gc.tanh(h * w + x),) * 2, gc.constant(np.zeros((batch, width), f32)), xs,
                    reverse=reverse)
    return xs, w, h, ys


def lstm_training_step(hidden=16, batch=4):
    model = LSTMClassifier(hidden=hidden)
    x, labels = gc.placeholder((None, 64), gc.float32), gc.placeholder((None,), gc.int64)
    loss = gc.mean(gc.softmax_cross_entropy(model(x), labels))
    return [x, labels], [loss], gc.optim.SGD(0.1).minimize(loss), [(batch, 64), (batch,)]


# ---- the loop is in the source ------------------------------------------------------------------------------

def test_a_scan_is_one_loop_kernel_with_its_trip_count_and_slice_offsets():
    xs, w, h, ys = rnn_scan(steps=7)
    (loop,) = rendered([xs, w], [h, ys], [(7, 3, 4), (4,)]).loops()
    text = loop.text
    assert f'__global__ void __launch_bounds__(256) {loop.name}(' in text
    assert "for (long long step = 0; step < 7LL; ++step) {" in text
    assert "const long long t = step;" in text
    assert "xs0 + t * 12LL" in text              # the step's slice of xs, by offset
    assert "ys0 + t * 12LL" in text              # the step's y, written in place
    assert text.count("grid.sync()") >= 2        # after the body, after the carry update
    assert text.count("__global__") == 1         # the body's kernels are __device__ functions of it
    assert text.count("__shared__") == 1         # one shared buffer for all of them


def test_a_reverse_scan_counts_its_step_index_down():
    xs, w, h, ys = rnn_scan(steps=5, reverse=True)
    (loop,) = rendered([xs, w], [h, ys], [(5, 3, 4), (4,)]).loops()
    assert "const long long t = 4LL - step;" in loop.text


def test_the_kernel_arguments_are_inits_xs_captures_then_carries_ys_stacks():
    xs, w, h, ys = rnn_scan(steps=6)
    (loop,) = rendered([xs, w], [h, ys], [(6, 3, 4), (4,)]).loops()
    assert [(a.name, a.shape, a.role) for a in loop.params] == [
        ("init0", (3, 4), "input"), ("xs0", (6, 3, 4), "input"), ("capture0", (4,), "input"),
        ("carry0", (3, 4), "output"), ("ys0", (6, 3, 4), "output")]
    assert loop.workspace_bytes > 0 and loop.max_blocks >= 1


def test_a_recording_scan_stacks_each_carry_before_the_step_overwrites_it():
    xs, w, h, _ = rnn_scan(steps=6)
    (g,) = gc.grad(gc.sum(h), [w])
    steps = rendered([xs, w], [g], [(6, 3, 4), (4,)])
    recording = [m for m in steps.loops() if any(a.name == "stack0" for a in m.params)]
    assert len(recording) == 1
    text = recording[0].text
    stack, update = text.index("gc_copy(stack0 + t * 12LL, carry0, 12LL);"), text.index("gc_copy(carry0, (const")
    assert stack < update
    assert "grid.sync();" in text[stack:update]


def test_carries_that_swap_go_through_staging():
    a, b = gc.placeholder((3,), gc.float64), gc.placeholder((3,), gc.float64)
    (p, q), _ = gc.scan(lambda c, x: ((c[1], c[0] + x), None), (a, b), gc.constant(np.ones((4, 3))))
    (loop,) = rendered([a, b], [p, q], [(3,), (3,)]).loops()
    # carry 0's new value is carry 1's old one: copied aside before any carry is overwritten
    assert "gc_copy((double*)(ws + " in loop.text and ", (const double*)(carry1), 3LL);" in loop.text


def while_and_cond(x):
    """(a plain while loop on x, a cond on x)."""
    z = gc.while_loop(lambda v: gc.sum(v) < 100.0, lambda v: v * 2.0, x + 1.0, max_iterations=50)
    return z, gc.cond(gc.sum(x) > 0, lambda v: v * 2.0, lambda v: v - 1.0, x)


def test_fori_loop_and_a_plain_while_loop_are_loop_kernels_and_cond_stays_on_the_host():
    x = gc.placeholder((5,), gc.float32)
    y = gc.fori_loop(2, 9, lambda i, v: v * 0.5 + 1.0, x)
    steps = rendered([x], [y, *while_and_cond(x)], [(5,)])
    fori, loop = steps.loops()
    assert "step < 7LL" in fori.text
    assert "for (long long trips = 0;; ++trips) {" in loop.text
    assert "if (trips >= 50LL) {" in loop.text and "status[0] = 1;" in loop.text
    assert loop.params[-1].name == "status" and "max_iterations=50" in loop.error
    assert [s[1].op.name for s in steps.steps if s[0] == "host"].count("cond") == 1


def test_a_while_loops_gradient_records_a_run_time_number_of_steps_so_it_stays_on_the_host():
    x = gc.placeholder((5,), gc.float64)
    z, _ = while_and_cond(x)
    (g,) = gc.grad(gc.sum(z), [x])
    steps = rendered([x], [z, g], [(5,)])
    hosts = [s[1] for s in steps.steps if s[0] == "host" and s[1].op.name in ("while_loop", "scan")]
    # the recording twin, and the backward scan over its stacks (of a length known only at run time)
    assert [(h.op.name, h.attrs["record"]) for h in hosts] == [("while_loop", True), ("scan", False)]
    assert len(steps.loops()) == 1  # the plain loop


def test_the_rendering_is_deterministic():
    inputs, outputs, updates, shapes = lstm_training_step()
    first = rendered(inputs, outputs, shapes, updates).source
    inputs, outputs, updates, shapes = lstm_training_step()
    assert rendered(inputs, outputs, shapes, updates).source == first


# ---- it compiles ---------------------------------------------------------------------------------------------

@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
def test_the_cuda_source_of_an_lstm_training_step_compiles(arch):
    inputs, outputs, updates, shapes = lstm_training_step()
    steps = rendered(inputs, outputs, shapes, updates)
    loops = steps.loops()
    # the forward scan, its recording twin, the gradient's reverse scan: all three are loop kernels
    assert len(loops) == 3 and sum("const long long t = 7LL - step;" in m.text for m in loops) == 1
    assert any(step.endswith("_matmul") for m in loops for step in m.steps)  # the cell's matmuls, in the loop
    ptx = compile_to_ptx(steps.source, arch)
    for m in loops:
        assert f".entry {m.name}(" in ptx
        assert stale_reads(ptx, m.name) == []


def stale_reads(ptx: str, loop: str) -> list[str]:
    """Reads through the non-coherent (read-only) cache of memory the loop kernel `loop` writes: any in its
    body's functions, and any in the kernel after its first call (only init, xs and captures, read-only for
    the whole kernel, may be; it copies the inits before the loop)."""
    found = []
    for block in ptx.split("\n}\n"):
        header = block[:block.find("(")] if "(" in block else ""
        if ".func" in header and f"{loop}_k" in header:  # a body function (its name mangled)
            found += [f"{header.split()[-1]}: {line.strip()}" for line in block.splitlines() if "ld.global.nc" in line]
        elif header.rstrip().endswith(f".entry {loop}"):
            after = block[block.find("call.uni"):] if "call.uni" in block else ""
            found += [f"{loop}: {line.strip()}" for line in after.splitlines() if "ld.global.nc" in line]
    return found


@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
def test_a_loop_body_with_a_batched_matmul_and_reductions_compiles(arch):
    xs = gc.placeholder((5, 2, 6, 8), gc.float64)
    w = gc.placeholder((8, 8), gc.float64)

    def body(h, x):
        a = gc.matmul(x + h, w)                     # (2, 6, 8): a batched matmul per step
        h = a - gc.max(a, axis=-1, keepdims=True)   # a reduction per row
        return h / (1.0 + gc.sum(h * h)), gc.mean(h, axis=0)  # and one over everything

    h, ys = gc.scan(body, gc.constant(np.zeros((2, 6, 8))), xs)
    (g,) = gc.grad(gc.sum(h) + gc.sum(ys), [w])
    steps = rendered([xs, w], [h, ys, g], [(5, 2, 6, 8), (8, 8)])
    assert len(steps.loops()) == 3
    compile_to_ptx(steps.source, arch)


@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
def test_a_while_loop_kernel_compiles(arch):
    x = gc.placeholder((5,), gc.float32)
    steps = rendered([x], list(while_and_cond(x)), [(5,)])
    (loop,) = steps.loops()
    assert f".entry {loop.name}(" in compile_to_ptx(steps.source, arch)


# ---- its numbers, emulated (and on a GPU) -------------------------------------------------------------------

# cooperative launches go through cuda-python (pycuda has none: with it loops run from the host)
cooperative = pytest.mark.skipif("cuda-python" not in available_bindings(), reason="cuda-python not installed")
LOOP_BACKENDS = [pytest.param("cuda", marks=[gpu, cooperative, pytest.mark.gpu]),
                 pytest.param("cuda-emulated-loops", marks=NEEDS_GXX)]


@pytest.fixture(params=LOOP_BACKENDS)
def backend(request, monkeypatch):
    """The backend's name; on a GPU, gc.function uses the cuda-python launcher for it."""
    register_emulated_loops_backend(monkeypatch)
    if request.param == "cuda":
        real = gc.function
        monkeypatch.setattr(gc, "function", lambda *a, **k: real(*a, **(
            {**k, "cuda_launcher": "cuda-python"} if k.get("backend") == "cuda" else k)))
    return request.param


def test_a_scan_and_its_gradient_match_numpy(backend):
    xs, w, h, ys = rnn_scan(steps=6)
    g = gc.grad(gc.sum(h) + gc.sum(ys * ys), [w, xs])
    rng = np.random.default_rng(0)
    feeds = [rng.normal(size=(6, 3, 4)).astype(f32), rng.normal(size=4).astype(f32)]
    f = gc.function([xs, w], [h, ys, *g], backend=backend)
    got = f(*feeds)
    assert sum(k["kind"] == "loop_kernel" for k in f.kernels()) == 3  # the scan, its twin, its VJP
    assert f.memory_plan().peak_bytes > 0
    want = gc.function([xs, w], [h, ys, *g], backend="numpy")(*feeds)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_swapping_carries_and_a_reverse_scan_match_numpy(backend):
    a, b = gc.placeholder((3,), gc.float64), gc.placeholder((3,), gc.float64)
    xs = gc.placeholder((4, 3), gc.float64)
    (p, q), ys = gc.scan(lambda c, x: ((c[1], c[0] * x), c[0]), (a, b), xs, reverse=True)
    feeds = [np.arange(3.0), np.arange(3.0) + 10, np.linspace(1, 2, 12).reshape(4, 3)]
    got = gc.function([a, b, xs], [p, q, ys], backend=backend)(*feeds)
    want = gc.function([a, b, xs], [p, q, ys], backend="numpy")(*feeds)
    for x, y in zip(got, want, strict=True):
        np.testing.assert_array_equal(x, y)


def test_lstm_training_steps_match_numpy(backend):
    rng = np.random.default_rng(1)
    feeds = [rng.uniform(0, 16, (4, 64)).astype(f32), rng.integers(0, 10, 4)]
    results, functions = {}, {}
    for name in (backend, "numpy"):
        inputs, outputs, updates, _ = lstm_training_step()
        f = functions[name] = gc.function(inputs, outputs, updates=updates, backend=name)
        results[name] = [f(*feeds)[0] for _ in range(3)]
    np.testing.assert_allclose(results[backend], results["numpy"], rtol=2e-5)
    assert results["numpy"][2] < results["numpy"][0]  # it trains
    loops = [k for k in functions[backend].kernels() if k["kind"] == "loop_kernel"]
    assert len(loops) == 3 and max(k["blocks"] for k in loops) > 1  # the gradient's rows over several blocks


def test_a_body_with_matmul_tiles_and_row_reductions_over_several_blocks_matches_numpy(backend):
    xs = gc.placeholder((3, 2, 70, 9), gc.float64)
    w = gc.placeholder((9, 9), gc.float64)

    def body(h, x):
        a = gc.matmul(h + x, w)                      # 2 batches x 2 row tiles: 4 tiles over the blocks
        a = a - gc.max(a, axis=-1, keepdims=True)    # 140 rows, one block each in turn
        return a / (1.0 + gc.sqrt(gc.sum(a * a))), gc.sum(a, axis=(0, 1))

    h, ys = gc.scan(body, gc.constant(np.zeros((2, 70, 9))), xs)
    rng = np.random.default_rng(3)
    feeds = [rng.normal(size=(3, 2, 70, 9)), rng.normal(size=(9, 9))]
    f = gc.function([xs, w], [h, ys], backend=backend)
    got = f(*feeds)
    (loop,) = [k for k in f.kernels() if k["kind"] == "loop_kernel"]
    assert loop["blocks"] > 1
    want = gc.function([xs, w], [h, ys], backend="numpy")(*feeds)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_while_loops_match_numpy_and_reaching_max_iterations_is_an_error(backend):
    x = gc.placeholder((5,), gc.float32)
    z, c = while_and_cond(x)
    f = gc.function([x], [z, c], backend=backend)
    assert [k["ops"] for k in f.kernels() if k["kind"] == "loop_kernel"] == [["while_loop"]]
    ref = gc.function([x], [z, c], backend="numpy")
    for feed in (np.arange(5, dtype=f32), np.full(5, 30, f32), -np.ones(5, f32) * 0.999):  # some, no, 10+ trips
        for a, b in zip(f(feed), ref(feed), strict=True):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(gc.GraphcError, match="max_iterations=50"):
        f(-np.ones(5, f32))  # sum(v) stays -0: the condition holds forever


def test_a_checkpointed_scan_gradient_matches_numpy(backend):
    # remat="sqrt" runs the scan as segments of inner scans: the outer loops from the host, the inner ones
    # (plain bodies) as loop kernels
    xs, w, h, ys = rnn_scan(steps=9)
    g = gc.grad(gc.sum(h) + gc.sum(ys * ys), [w])
    rng = np.random.default_rng(2)
    feeds = [rng.normal(size=(9, 3, 4)).astype(f32), rng.normal(size=4).astype(f32)]
    got = gc.function([xs, w], [h, *g], backend=backend, remat="sqrt")(*feeds)
    want = gc.function([xs, w], [h, *g], backend="numpy")(*feeds)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_graphc_compile_writes_a_scans_loop_kernel(tmp_path):
    """`graphc compile --target cuda` on a saved graph with a scan and its gradient: the loop kernels, no GPU."""
    import subprocess

    from graphc.serialize import save

    xs = gc.placeholder((None, 2, 4), gc.float32, name="xs")
    w = gc.variable(np.full(4, 0.5, f32), name="w")
    h, _ = gc.scan(lambda h, x: (gc.tanh(h * w + x), None), gc.constant(np.zeros((2, 4), f32)), xs)
    save(tmp_path / "rnn.json", {"loss": gc.sum(h)}, grads=True)
    out = tmp_path / "rnn.cu"
    subprocess.run([sys.executable, "-m", "graphc", "compile", str(tmp_path / "rnn.json"), "--grad", "--target",
                    "cuda", "--shape", "xs=5,2,4", "-o", str(out)], check=True, capture_output=True, text=True)
    source = out.read_text()
    assert "step < 5LL" in source and "const long long t = 4LL - step;" in source and "grid.sync();" in source
