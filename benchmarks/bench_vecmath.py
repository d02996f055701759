"""Nanoseconds per element of graphc's vector math (codegen/llvm/vecmath*.py) on one core.

Each function runs in a loop of float32 elements that LLVM vectorizes for this host (its
width, four vectors interleaved, as graphc's kernels), over an array small enough for L1,
so the figure is the math's own cost, not memory's or the runtime's.  Times are thread CPU
time (a loaded machine steals wall time, not this), reported as the minimum and median of
`--rounds` rounds; the functions alternate within each round.

    python benchmarks/bench_vecmath.py                   # exp, tanh, sigmoid, the tanh chain
    python benchmarks/bench_vecmath.py --only exp tanh --rounds 40
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import time

import llvmlite.binding as llvm
import numpy as np
from llvmlite import ir

from graphc.codegen.llvm.loops import MATH_INTERLEAVE
from graphc.codegen.llvm.vecmath import emit_math
from graphc.runtime.llvm_compile import native_target, optimized, target_machine

F32, I32, I64 = ir.FloatType(), ir.IntType(32), ir.IntType(64)


def tanh_chain(b: ir.IRBuilder, x, y):
    """tanh(x)*y + exp(-x*x)*0.5 - sigmoid(y), as benchmarks/bench_ops.py's chain."""
    t, s = emit_math(b, "tanh", x), emit_math(b, "sigmoid", y)
    e = emit_math(b, "exp", b.fneg(b.fmul(x, x)))
    return b.fsub(b.fadd(b.fmul(t, y), b.fmul(e, ir.Constant(F32, 0.5))), s)


# name -> (inputs, body(builder, *inputs), numpy reference on float64)
BODIES = {
    "exp": (1, lambda b, x: emit_math(b, "exp", x), np.exp),
    "tanh": (1, lambda b, x: emit_math(b, "tanh", x), np.tanh),
    "sigmoid": (1, lambda b, x: emit_math(b, "sigmoid", x), lambda x: 1 / (1 + np.exp(-x))),
    "chain": (2, tanh_chain, lambda x, y: np.tanh(x) * y + np.exp(-x * x) * 0.5 - 1 / (1 + np.exp(-y))),
}


def map_loop(module: ir.Module, name: str) -> None:
    """void name(float* x[, float* y], float* out, i64 n): out[i] = f(x[i][, y[i]])."""
    inputs, body, _ = BODIES[name]
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ir.PointerType(F32)] * (inputs + 1) + [I64]), name)
    for arg in fn.args[:-1]:
        arg.add_attribute("noalias")
    entry, loop, done = (fn.append_basic_block(n) for n in ("entry", "loop", "done"))
    b = ir.IRBuilder(entry)
    b.cbranch(b.icmp_signed(">", fn.args[-1], I64(0)), loop, done)
    b.position_at_end(loop)
    i = b.phi(I64)
    i.add_incoming(I64(0), entry)
    values = [b.load(b.gep(fn.args[k], [i]), align=4) for k in range(inputs)]
    b.store(body(b, *values), b.gep(fn.args[inputs], [i]), align=4)
    following = b.add(i, I64(1))
    i.add_incoming(following, loop)
    backedge = b.cbranch(b.icmp_signed("<", following, fn.args[-1]), loop, done)
    hint = module.add_metadata([ir.MetaDataString(module, "llvm.loop.interleave.count"), I32(MATH_INTERLEAVE)])
    loop_id = ir.values.MDValue(module, [hint], name=str(len(module.metadata)))
    loop_id.operands = (loop_id, hint)
    backedge.set_metadata("llvm.loop", loop_id)
    b.position_at_end(done)
    b.ret_void()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=list(BODIES), choices=list(BODIES))
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--elements", type=int, default=1 << 13)
    args = parser.parse_args(argv)
    module = ir.Module("bench_vecmath")
    for name in args.only:
        map_loop(module, name)
    tm = target_machine()
    engine = llvm.create_mcjit_compiler(optimized(str(module), tm), tm)
    engine.finalize_object()
    n = args.elements
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    out = np.empty(n, np.float32)
    calls = {}
    for name in args.only:
        inputs, _, reference = BODIES[name]
        proto = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * (inputs + 1), ctypes.c_int64)
        fn = proto(engine.get_function_address(name))
        arrays = (x, y)[:inputs]
        fn(*[a.ctypes.data for a in arrays], out.ctypes.data, n)
        want = reference(*[a.astype(np.float64) for a in arrays])
        np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)   # the kernel computes what it says
        calls[name] = (fn, [a.ctypes.data for a in arrays] + [out.ctypes.data, n])
    times: dict[str, list[float]] = {name: [] for name in calls}
    repeat = max(1, (1 << 18) // n)
    for _ in range(args.rounds):
        for name, (fn, call_args) in calls.items():
            start = time.thread_time_ns()
            for _ in range(repeat):
                fn(*call_args)
            times[name].append((time.thread_time_ns() - start) / repeat / n)
    print(f"host {native_target()[0]}, {n} float32 elements, one core, {args.rounds} rounds (thread CPU time)")
    for name, t in times.items():
        print(f"{name:8s} min {min(t):.3f}  median {statistics.median(t):.3f} ns/element")


if __name__ == "__main__":
    main()
