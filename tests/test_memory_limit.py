"""The memory cap: every backend compares its plan with it before allocating, and names the largest buffers."""

from __future__ import annotations

import numpy as np
import pytest

import graphc as gc
from graphc import backends, memory_limit


@pytest.mark.parametrize("text, expected", [("1048576", 1 << 20), ("64M", 64 << 20), ("1.5GiB", 3 << 29),
                                            (" 2 t ", 2 << 40), (4096, 4096), ("none", None), ("None", None)])
def test_limits_are_byte_counts_with_binary_suffixes_or_none(text, expected):
    assert memory_limit.parse_size(text) == expected


@pytest.mark.parametrize("text", ["0", "-5", "lots", "1e9", "9" * 40, 1.5, True, ""])
def test_a_limit_that_is_not_a_positive_byte_count_is_refused(text):
    with pytest.raises(gc.GraphcError, match="memory limit: (expected a byte count|must be positive)"):
        memory_limit.parse_size(text)


def test_the_option_wins_over_the_environment_which_wins_over_the_machine(monkeypatch):
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    machine = memory_limit.resolve()
    assert machine is not None and machine.bytes == pytest.approx(memory_limit.available_memory(), rel=0.2)
    monkeypatch.setenv(memory_limit.ENV, "3G")
    assert memory_limit.resolve() == memory_limit.Limit(3 << 30, "GRAPHC_MEMORY_LIMIT=3G")
    assert memory_limit.resolve("1K").bytes == 1024
    assert memory_limit.resolve("none") is None
    monkeypatch.setenv(memory_limit.ENV, "none")
    assert memory_limit.resolve() is None


def _runnable_backends():
    return [b for b in backends.available_backends() if b in ("numpy", "llvm")]


@pytest.mark.parametrize("backend", _runnable_backends())
def test_each_backend_refuses_a_program_over_the_limit_before_running_it(backend):
    x = gc.placeholder((None,), gc.float64, name="x")
    f = gc.function([x], gc.exp(x) * 2.0, backend=backend, memory_limit="64K")
    np.testing.assert_allclose(f(np.ones(100)), 2 * np.e)
    with pytest.raises(gc.MemoryLimitError, match=r"more than the memory limit of 64\.0 KiB \(memory_limit=64K\); "
                                                  r"largest buffers: (exp|mul) \(100000,\) float64 781\.2 KiB"):
        f(np.ones(100_000))
    assert issubclass(gc.MemoryLimitError, MemoryError) and issubclass(gc.MemoryLimitError, gc.GraphcError)


def test_sessions_pass_the_limit_to_their_functions_and_the_environment_sets_the_default(monkeypatch):
    x = gc.placeholder((None,), gc.float32, name="x")
    y = gc.tanh(x)
    with pytest.raises(gc.MemoryLimitError, match="memory_limit=1K"):
        gc.Session(memory_limit="1K").run(y, {x: np.ones(1000, np.float32)})
    monkeypatch.setenv(memory_limit.ENV, "1K")
    with pytest.raises(gc.MemoryLimitError, match="GRAPHC_MEMORY_LIMIT=1K"):
        gc.function([x], y)(np.ones(1000, np.float32))
    assert gc.function([x], y, memory_limit="none")(np.ones(1000, np.float32)).shape == (1000,)


def test_a_total_within_the_limit_is_accepted_without_planning():
    def never():
        raise AssertionError("planned although the buffers' total fits")

    buffers = [memory_limit.Buffer("exp", (4,), "float64", 32)] * 3
    memory_limit.check(memory_limit.Limit(96, "test"), never, buffers, "a plan")
    memory_limit.check(memory_limit.Limit(64, "test"), lambda: 64, buffers, "a plan")  # the plan reuses memory
    with pytest.raises(gc.MemoryLimitError, match=r"needs 80 B \(a plan\), more than the memory limit of 64 B"):
        memory_limit.check(memory_limit.Limit(64, "test"), lambda: 80, buffers, "a plan")
