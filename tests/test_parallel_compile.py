"""A big program compiles in parts, side by side in worker processes, to the same code as in one module.

The workers are isolated `python -I` processes running graphc.runtime.llvm_compile: they run
no user code, so a script needs no `if __name__ == "__main__"` guard; a worker that dies,
is busy or stops answering only means its part is compiled in the calling process.
"""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import graphc as gc
import graphc.runtime.llvm_jit as llvm_jit
import graphc.runtime.llvm_workers as llvm_workers
from graphc.compile import clear_jit_cache
from graphc.errors import BackendError
from graphc.runtime.llvm_compile import read_message, write_message


@pytest.fixture
def split_everything(monkeypatch):
    """Every program is compiled as two parts, one of them by a worker."""
    monkeypatch.setattr(llvm_workers, "COMPILE_WORKERS", 1)
    monkeypatch.setattr(llvm_workers, "PARALLEL_COMPILE_SIZE", 1)
    clear_jit_cache()
    yield
    clear_jit_cache()


def network():
    x = gc.placeholder((32, 16), gc.float32)
    w = gc.variable(np.random.default_rng(0).normal(size=(16, 16)).astype(np.float32))
    h = gc.tanh(x @ w) * gc.sigmoid(x) - gc.mean(gc.sin(x), axis=1, keepdims=True)
    loss = gc.sum(h * h)
    return [x], [loss, *gc.grad(loss, [x, w])]


def run(backend="llvm"):
    inputs, outputs = network()
    f = gc.function(inputs, outputs, backend=backend)
    return f, f(np.random.default_rng(1).normal(size=(32, 16)).astype(np.float32))


def test_a_program_compiled_in_parts_computes_what_one_module_computes(split_everything):
    f, parts = run()
    assert f.llvm_ir(optimized=False).count('ModuleID = "graphc.part') == 2
    assert f.llvm_ir().count("target triple") == 2
    assert len([w for w in llvm_workers._workers if w.process.poll() is None]) == 1
    llvm_workers.COMPILE_WORKERS = 0  # restored by the fixture
    clear_jit_cache()
    _, whole = run()
    _, reference = run("numpy")
    for a, b, r in zip(parts, whole, reference):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, r, rtol=1e-5, atol=1e-5)


def test_a_dead_worker_is_replaced_and_its_part_still_compiles(split_everything):
    run()
    for w in llvm_workers._workers:
        w.process.kill()
        w.process.wait()
    clear_jit_cache()
    _, after = run()
    _, reference = run("numpy")
    for a, r in zip(after, reference):
        np.testing.assert_allclose(a, r, rtol=1e-5, atol=1e-5)


def test_a_stopped_worker_does_not_hang_the_build(split_everything, monkeypatch):
    monkeypatch.setattr(llvm_workers, "MIN_ANSWER_TIMEOUT_S", 0.5)
    (stopped,) = llvm_workers._ready_workers(1)
    os.kill(stopped.process.pid, signal.SIGSTOP)
    outcome = []
    build = threading.Thread(target=lambda: outcome.append(run()[1]), daemon=True)
    build.start()
    build.join(60)
    assert outcome, "the build waited for a stopped worker"
    _, reference = run("numpy")
    for a, r in zip(outcome[0], reference):
        np.testing.assert_allclose(a, r, rtol=1e-5, atol=1e-5)
    assert stopped not in llvm_workers._workers
    assert stopped.process.wait(10) == -signal.SIGKILL


def test_ctrl_c_leaves_a_worker_quiet_and_it_ends_with_its_input():
    worker = subprocess.Popen(llvm_workers.worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    write_message(worker.stdin, b"define void @f() {\n  ret void\n}\n")
    assert read_message(worker.stdout) is not None  # it is up, serving
    worker.send_signal(signal.SIGINT)
    _, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert stderr == b""


def test_a_worker_is_outside_the_terminals_process_group(split_everything):
    # Ctrl-C in a terminal interrupts the caller, which decides what happens to its workers
    (worker,) = llvm_workers._ready_workers(1)
    assert os.getpgid(worker.process.pid) != os.getpgid(0)


def test_invalid_ir_from_a_worker_is_a_backend_error_and_later_builds_work(split_everything):
    valid = "define void @f() {\n  ret void\n}\n"
    with pytest.raises(BackendError, match="does not verify"):
        llvm_jit.JitModule([valid, "this is not LLVM IR"])
    clear_jit_cache()
    _, outputs = run()
    assert np.isfinite(outputs[0])


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import graphc as gc
        import graphc.runtime.llvm_workers as llvm_workers
        llvm_workers.COMPILE_WORKERS, llvm_workers.PARALLEL_COMPILE_SIZE = 1, 1
        print("script ran", flush=True)
        x = gc.placeholder((8, 8), gc.float32)
        f = gc.function([x], [gc.tanh(x), gc.grad(gc.sum(gc.sin(x)), x)], backend="llvm")
        f(np.ones((8, 8), np.float32))
        print("parts:", f.llvm_ir(optimized=False).count('ModuleID = "graphc.part'))
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("script ran") == 1
    assert "parts: 2" in done.stdout


def test_parts_given_as_renderers_are_rendered_workers_first(split_everything):
    # a worker's part is rendered and sent first, so it compiles while this process renders its own
    rendered = []

    def part(n):
        def render():
            rendered.append(n)
            return f"define void @f{n}() {{\n  ret void\n}}\n"
        return render

    jit = llvm_jit.JitModule([part(0), part(1)])
    assert rendered == [1, 0]
    assert jit.text == part(0)() + "\n" + part(1)()
    assert jit.address("f0") and jit.address("f1")


def test_the_jit_cache_knows_a_program_by_its_kernels(split_everything, monkeypatch):
    # the same program built twice compiles once, without rendering its text again
    import graphc.codegen.llvm.renderer as renderer

    run()
    renders = []
    original = renderer.render_module
    monkeypatch.setattr(renderer, "render_module", lambda *a, **k: renders.append(1) or original(*a, **k))
    f, outputs = run()
    assert renders == [] and np.isfinite(outputs[0])
    assert f.llvm_ir(optimized=False).count('ModuleID = "graphc.part') == 2
