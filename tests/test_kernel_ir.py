"""Kernel IR is plain data a renderer can read: a hand-written kernel runs through the LLVM renderer."""

import ctypes

import numpy as np

from graphc.codegen.kernel_ir import Access, BufferParam, Kernel, Load, LoopDim, Phase, Reduction, Store
from graphc.codegen.llvm.renderer import render_module
from graphc.runtime.llvm_jit import JitModule
from graphc.scalar import Scalar, call, cast, const

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


def run(kernel: Kernel, arrays: dict[str, np.ndarray]) -> None:
    slots = {p.name: i for i, p in enumerate(kernel.params)}
    rendered = render_module([kernel], slots)
    jit = JitModule(str(rendered.module))
    table = (ctypes.c_void_p * len(slots))(*[arrays[p.name].ctypes.data for p in kernel.params])
    entry = rendered.entries[kernel.name]
    kernel_slots = (ctypes.c_int64 * len(entry.slots))(*entry.slots)
    fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)(
        jit.address(entry.function))
    fn(ctypes.addressof(table), ctypes.addressof(kernel_slots), 0, kernel.split_extent)


def test_broadcast_load_has_stride_zero():
    x, b, y = np.arange(12, dtype=np.float32).reshape(3, 4), np.arange(4, dtype=np.float32), np.zeros((3, 4), F32)
    k = Kernel("bcast", "loop", [BufferParam("x", F32, (3, 4), "input"), BufferParam("b", F32, (4,), "input"),
                                 BufferParam("y", F32, (3, 4), "output")],
               [LoopDim(3, "parallel"), LoopDim(4, "parallel")],
               operands=[Load(Access("x", 0, (4, 1)), F32), Load(Access("b", 0, (0, 1)), F32)],
               phases=[Phase(stores=[Store(Access("y", 0, (4, 1)),
                                           call("add", Scalar.arg(0, F32), Scalar.arg(1, F32)))])])
    run(k, {"x": x, "b": b, "y": y})
    np.testing.assert_array_equal(y, x + b)


def test_row_sum_accumulates_in_a_reduction_loop():
    x, y = np.random.default_rng(0).random((5, 7)), np.zeros(5)
    red = Reduction("add", 0.0, F64, F64, Scalar.arg(0, F64))
    from graphc.codegen.kernel_ir import Accumulator

    k = Kernel("rowsum", "loop", [BufferParam("x", F64, (5, 7), "input"), BufferParam("y", F64, (5,), "output")],
               [LoopDim(5, "parallel"), LoopDim(7, "reduce")],
               operands=[Load(Access("x", 0, (7, 1)), F64), Accumulator(0, F64)],
               phases=[Phase(reductions=[red])],
               final_stores=[Store(Access("y", 0, (1, 0)), cast(Scalar.arg(1, F64), F64))])
    run(k, {"x": x, "y": y})
    np.testing.assert_allclose(y, x.sum(1), rtol=1e-14)


def test_a_value_stored_in_an_earlier_phase_is_read_back_not_computed_again():
    # softmax with its exponentials fetched: phase 1 computes and stores e = exp(x - max) while it
    # sums them; phase 2 divides e by the sum, reading e back instead of calling exp again
    import graphc as gc
    from graphc.compile import plan_kernels
    from graphc.program import specialize
    from graphc.scalar import postorder

    x = gc.placeholder((6, 20), gc.float32)
    e = gc.exp(x - gc.max(x, axis=1, keepdims=True))
    probs = e / gc.sum(e, axis=1, keepdims=True)
    _, plan = plan_kernels(specialize([x], [e, probs], [], [(6, 20)]))
    (kernel,) = plan.kernels
    *_, last = kernel.phases
    ops = {node.op for st in last.stores for node in postorder(st.expr)}
    assert "exp" not in ops and "arg" in ops
    xv = np.random.default_rng(0).standard_normal((6, 20)).astype(np.float32)
    got = gc.function([x], [e, probs], backend="llvm")(xv)
    want = gc.function([x], [e, probs])(xv)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def ir_of(kernel: Kernel) -> str:
    return str(render_module([kernel], {p.name: i for i, p in enumerate(kernel.params)}).module)


def test_loops_whose_iterations_share_no_memory_are_marked_parallel():
    # the loop vectorizer then skips its pairwise dependence checks (a sixth of a fused kernel's LLVM time)
    params = [BufferParam("x", F32, (64,), "input"), BufferParam("y", F32, (64,), "output")]
    elementwise = Kernel("scale", "loop", params, [LoopDim(64, "parallel")], operands=[Load(Access("x", 0, (1,)), F32)],
                         phases=[Phase(stores=[Store(Access("y", 0, (1,)), call("mul", Scalar.arg(0, F32),
                                                                                    Scalar.arg(0, F32)))])])
    assert "llvm.loop.parallel_accesses" in ir_of(elementwise)
    from graphc.codegen.kernel_ir import Accumulator

    def row_reduction(combine):  # a float sum updates a lane of its own per iteration, a max one slot
        red = Reduction(combine, 0.0 if combine == "add" else -np.inf, F64, F64, Scalar.arg(0, F64))
        return Kernel(f"row{combine}", "loop", [BufferParam("x", F64, (5, 64), "input"),
                                                BufferParam("y", F64, (5,), "output")],
                      [LoopDim(5, "parallel"), LoopDim(64, "reduce")],
                      operands=[Load(Access("x", 0, (64, 1)), F64), Accumulator(0, F64)],
                      phases=[Phase(reductions=[red])],
                      final_stores=[Store(Access("y", 0, (1, 0)), Scalar.arg(1, F64))])

    assert "llvm.loop.parallel_accesses" in ir_of(row_reduction("add"))
    assert "llvm.loop.parallel_accesses" not in ir_of(row_reduction("max"))
    x, y = np.random.default_rng(0).random((5, 64)), np.zeros(5)
    run(row_reduction("max"), {"x": x, "y": y})
    np.testing.assert_array_equal(y, x.max(1))


def test_a_loop_that_reads_what_an_earlier_iteration_wrote_is_not_marked_parallel():
    # a[i + 1] = 2 * a[i]: each iteration needs the one before, so it must stay a sequential loop
    k = Kernel("doubling", "loop", [BufferParam("a", F64, (16,), "inout")], [LoopDim(15, "parallel")],
               operands=[Load(Access("a", 0, (1,)), F64)],
               phases=[Phase(stores=[Store(Access("a", 1, (1,)), call("mul", Scalar.arg(0, F64),
                                                                          const(2.0, F64)))])])
    assert "llvm.loop.parallel_accesses" not in ir_of(k)
    a = np.ones(16)
    run(k, {"a": a})
    np.testing.assert_array_equal(a, 2.0 ** np.arange(16))
