"""fold_sparse_updates: `w - c * scatter_add(0, ids, u)` is `scatter_add(w, ids, -c * u)` (read once)."""

from __future__ import annotations

import numpy as np
import pytest

import graphc as gc
from graphc.passes import run_passes
from graphc.program import specialize


def _embedding_step(momentum: float = 0.0, fetch_gradient: bool = False):
    table = gc.variable(np.arange(12.0).reshape(6, 2) / 10, name="table")
    ids = gc.placeholder((5,), gc.int64, name="ids")
    loss = gc.sum(gc.sin(table[ids]) ** 2)
    step = gc.optim.SGD(0.1, momentum=momentum).minimize(loss, var_list=[table])
    outputs = [loss, *gc.grad(loss, [table])] if fetch_gradient else [loss]
    return table, ids, outputs, list(step)


def _scatters(program) -> list:
    return [n for n in gc.ir.toposort(program.roots) if n.op.name == "scatter_add"]


def test_plain_sgd_adds_the_scaled_rows_into_the_table_itself():
    table, ids, outputs, updates = _embedding_step()
    program = run_passes(specialize([ids], outputs, updates, [(5,)]))
    new_values = {program.variables[i].name: v for i, v in zip(program.updated, program.new_values)}
    new_table = new_values["table"]
    assert new_table.op.name == "scatter_add" and new_table.inputs[0].name == "table"


def test_a_gradient_something_else_reads_stays_dense():
    table, ids, outputs, updates = _embedding_step(fetch_gradient=True)
    program = run_passes(specialize([ids], outputs, updates, [(5,)]))
    scatters = _scatters(program)
    assert scatters and all(s.inputs[0].op.name in ("broadcast_to", "constant") for s in scatters)


def test_momentum_adds_the_rows_into_its_decayed_buffer():
    """buf' = 0.9 * buf + g: the gradient is read only by that sum, so the rows go into 0.9 * buf."""
    table, ids, outputs, updates = _embedding_step(momentum=0.9)
    program = run_passes(specialize([ids], outputs, updates, [(5,)]))
    (scatter,) = _scatters(program)
    assert scatter.inputs[0].op.name == "mul"


@pytest.mark.parametrize("case", [{}, {"momentum": 0.9}, {"fetch_gradient": True}])
def test_the_step_gives_the_reference_weights(case):
    weights = []
    for backend in ("numpy", "llvm"):
        table, ids, outputs, updates = _embedding_step(**case)
        f = gc.function([ids], outputs, updates=updates, backend=backend)
        for batch in ([0, 5, 5, -1, 2], [1, 1, 1, 3, -6]):
            f(np.array(batch))
        weights.append(table.value)
    np.testing.assert_allclose(weights[1], weights[0], rtol=1e-13, atol=1e-15)
