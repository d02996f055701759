"""The CUDA renderer: every kernel of a set of graphs compiles with nvcc for sm_80 and sm_90, deterministically.

Runs everywhere nvcc is installed (no GPU needed); skips, saying so, without nvcc.
All kernels of one graph are one .cu file: one nvcc run per graph and arch.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

import graphc as gc
from graphc import scalar as sc
from graphc.codegen.cuda.nvcc import NVCC_FLAGS, find_nvcc, nvcc_compile
from graphc.codegen.cuda.renderer import render_module
from graphc.codegen.cuda.scalar import PRELUDE, ScalarEmitter, literal, primitive
from graphc.compile import plan_kernels
from graphc.program import specialize

needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc (CUDA toolkit) not installed")
ARCHS = ["sm_80", "sm_90"]
f32 = np.dtype("float32")


def elementwise_chain():
    x = gc.placeholder((None, 33), gc.float32)
    y = gc.placeholder((33,), gc.float32)
    z = gc.tanh(x * 2.0 + y) * gc.exp(-x) + gc.sigmoid(x) - gc.log1p(gc.abs(x)) + gc.sqrt(gc.abs(y))
    return [x, y], [z, gc.maximum(z, 0.0), gc.less(x, y)], [(4, 33), (33,)]


def reductions():
    x = gc.placeholder((None, 5, 7), gc.float32)
    outs = [gc.sum(x, axis=0), gc.sum(x, axis=1), gc.max(x, axis=2), gc.min(x), gc.mean(x, axis=(0, 2))]
    return [x], outs, [(6, 5, 7)]


def softmax_cross_entropy():
    logits = gc.placeholder((None, 10), gc.float64)
    labels = gc.placeholder((None,), gc.int64)
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    return [logits, labels], [loss, gc.grad(loss, [logits])[0]], [(8, 10), (8,)]


def matmul_epilogue():
    x = gc.placeholder((None, 24), gc.float32)
    w = gc.variable(np.ones((24, 40), np.float32))
    b = gc.variable(np.zeros(40, np.float32))
    y = gc.relu(x @ w + b)
    return [x], [y], [(16, 24)]


def mlp_training_step():
    x = gc.placeholder((None, 20), gc.float32)
    t = gc.placeholder((None, 3), gc.float32)
    rng = np.random.default_rng(0)
    w1 = gc.variable(rng.normal(size=(20, 32)).astype(np.float32))
    w2 = gc.variable(rng.normal(size=(32, 3)).astype(np.float32))
    loss = gc.mean((gc.relu(x @ w1) @ w2 - t) ** 2)
    g1, g2 = gc.grad(loss, [w1, w2])
    return [x, t], [loss, g1, g2], [(8, 20), (8, 3)]


def integer_and_bool_reductions():
    x = gc.placeholder((None, 9), "int32")
    y = gc.placeholder((None, 9), "int64")
    flags = gc.greater(y, 0)
    outs = [gc.max(x, axis=1), gc.min(x, axis=0), gc.sum(x, axis=1), gc.max(y), gc.sum(flags, axis=1),
            gc.max(flags, axis=0)]
    return [x, y], outs, [(5, 9), (5, 9)]


def wide_matmul_epilogue():
    # 8 x 8 register tiles (m, n >= 128), a fused epilogue, odd sizes
    a, w, bias = gc.placeholder((None, 70), gc.float32), gc.placeholder((70, 131)), gc.placeholder((131,))
    return [a, w, bias], [gc.tanh(a @ w + bias)], [(129, 70), (70, 131), (131,)]


def batched_transposed_matmul():
    a, b = gc.placeholder((2, 5, 19), gc.float64), gc.placeholder((2, 21, 5), gc.float64)
    out = gc.exp(gc.matmul(gc.transpose(a, (0, 2, 1)), gc.transpose(b, (0, 2, 1))))
    return [a, b], [out], [(2, 5, 19), (2, 21, 5)]


def vectorized_elementwise():
    # every kind of group access: runs (aligned and not), per-row values, a loop index; bool, int32 and float64 stores
    x, bias, v = gc.placeholder((None, 33)), gc.placeholder((32,)), gc.placeholder((None,))
    labels, d = gc.placeholder((None,), gc.int32), gc.placeholder((None, 32), gc.float64)
    inner = x[:, 1:]
    outs = [inner + bias, inner * gc.reshape(v, (-1, 1)), gc.one_hot(labels, 32) * bias, gc.less(inner, bias),
            gc.cast(inner, "int32"), d * 2.0]
    return [x, bias, v, labels, d], outs, [(6, 33), (32,), (6,), (6,), (6, 32)]


def embedding_training_step():
    # gathers fused into elementwise kernels and reductions, scatter_add (atomicAdd) of every dtype it takes
    ids, labels = gc.placeholder((None, 3), gc.int32), gc.placeholder((None,), gc.int64)
    emb, head = gc.nn.Embedding(50, 16, seed=0), gc.nn.Dense(16, 4, seed=1)
    logits = head(gc.mean(gc.tanh(emb(ids)), axis=1))
    loss = gc.mean(gc.softmax_cross_entropy(logits, labels))
    grads = gc.grad(loss, emb.variables + head.variables)
    counts, totals = gc.placeholder((8,), gc.int64), gc.placeholder((8,), gc.float64)
    outs = [loss, *grads, gc.take_along_axis(logits, gc.reshape(labels, (-1, 1)), 1),
            gc.scatter_add(counts, labels, 1), gc.scatter_add(totals, ids[:, 0], 0.5),
            gc.scatter_add(gc.cast(counts, gc.int32), [-1, 3], 2)]
    return [ids, labels, counts, totals], outs, [(5, 3), (5,), (8,), (8,)]


GRAPHS = {f.__name__: f for f in (elementwise_chain, reductions, softmax_cross_entropy, matmul_epilogue,
                                  mlp_training_step, integer_and_bool_reductions, wide_matmul_epilogue,
                                  batched_transposed_matmul, vectorized_elementwise, embedding_training_step)}


def cuda_source(name: str) -> str:
    inputs, outputs, shapes = GRAPHS[name]()
    _, plan = plan_kernels(specialize(inputs, outputs, [], shapes))
    assert plan.kernels, name
    return render_module(plan.kernels).source


@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_every_kernel_compiles(name, arch):
    ptx = nvcc_compile(cuda_source(name), arch, "ptx").decode()
    assert ".entry" in ptx


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_source_is_deterministic(name):
    assert cuda_source(name) == cuda_source(name)


def every_primitive_kernel() -> str:
    """One kernel applying every scalar primitive to float32, float64, int and bool operands."""
    lines = []
    for dtype in ("float32", "float64"):
        a, b = sc.Scalar.arg(0, dtype), sc.Scalar.arg(1, dtype)
        exprs = [sc.call(op, a, b) for op, n in sc.PRIMITIVES.items()
                 if n == 2 and op not in ("and", "or") and op not in sc.INTEGER_ONLY]
        exprs += [sc.call(op, a) for op, n in sc.PRIMITIVES.items() if n == 1 and op not in ("not", "cast")]
        exprs += [sc.call("select", sc.call("lt", a, b), a, b), sc.cast(a, "int32"), sc.cast(a, "bool"),
                  sc.const(float("inf"), dtype), sc.const(float("nan"), dtype), sc.const(-1.5e-30, dtype)]
        exprs += [sc.call(op, sc.call("lt", a, b), sc.call("gt", a, b)) for op in ("and", "or")]
        exprs.append(sc.call("not", sc.call("lt", a, b)))
        emitter = ScalarEmitter(lambda i, d=dtype: f"p{i}_{d}[i]", prefix=f"{dtype}_")
        names = [emitter.emit(e) for e in exprs]
        lines += emitter.lines + [f"out_{dtype}[i] = (double){n};" for n in names]
    for dtype in ("int32", "int64"):
        a, b = sc.Scalar.arg(0, dtype), sc.Scalar.arg(1, dtype)
        exprs = [sc.call(op, a, b) for op in ("add", "sub", "mul", "max", "min", "pow", "lt", *sorted(sc.INTEGER_ONLY))]
        exprs += [sc.call(op, a) for op in ("neg", "abs", "floor")] + [sc.cast(a, "float32"), sc.const(-2**31, dtype)]
        emitter = ScalarEmitter(lambda i: f"(({'int' if dtype == 'int32' else 'long long'})p{i}_float64[i])",
                                prefix=f"{dtype}_")
        names = [emitter.emit(e) for e in exprs]
        lines += emitter.lines + [f"out_float64[i] += (double){n};" for n in names]
    params = ", ".join(f"const {t}* p{i}_{d}" for d, t in (("float32", "float"), ("float64", "double"))
                       for i in range(2))
    body = "\n    ".join(lines)
    return (PRELUDE + f'extern "C" __global__ void every_primitive({params}, double* out_float32, double* out_float64)'
            f" {{\n  const long long i = blockIdx.x * blockDim.x + threadIdx.x;\n  {{\n    {body}\n  }}\n}}\n")


@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
def test_every_scalar_primitive_compiles(arch):
    assert "every_primitive" in nvcc_compile(every_primitive_kernel(), arch, "ptx").decode()


def test_sin_and_cos_are_the_full_range_functions():
    """sinf/cosf and sin/cos reduce any argument exactly; __sinf, __cosf and -use_fast_math (which
    substitutes them) are accurate only within a few periods."""
    f64 = np.dtype("float64")
    assert primitive("sin", f32, ["t0"], [f32]) == "sinf(t0)" and primitive("cos", f64, ["t0"], [f64]) == "cos(t0)"
    assert not any("fast" in flag for flag in NVCC_FLAGS)


def test_literals_are_exact():
    assert literal(0.1, f32) == "0.1f"
    assert literal(float(np.float32(0.1)), f32) == f"{float(np.float32(0.1))!r}f"
    assert literal(3, "float64") == "3.0"
    assert literal(np.iinfo(np.int64).min, "int64") == "(-9223372036854775807LL - 1)"
    assert literal(float("-inf"), f32) == "__int_as_float(0xff800000)"
    assert literal(True, "bool") == "true"


def test_shared_subexpressions_are_computed_once():
    x = sc.Scalar.arg(0, f32)
    e = sc.call("exp", x)
    emitter = ScalarEmitter(lambda i: "x[i]")
    emitter.emit(sc.call("add", e, e))
    assert sum("expf" in line for line in emitter.lines) == 1


def test_reduction_kernel_uses_warp_shuffles_and_shared_memory():
    source = cuda_source("reductions")
    assert "gc_block_reduce<" in source and "__shfl_down_sync" in source and "__shared__" in source


def test_matmul_is_one_register_tiled_kernel_with_the_epilogue_in_its_store():
    inputs, outputs, shapes = matmul_epilogue()
    _, plan = plan_kernels(specialize(inputs, outputs, [], shapes))
    module = render_module(plan.kernels)
    assert [launch.function for launches in module.launches.values() for launch in launches] == ["k0_matmul_matmul"]
    source = module.source
    assert "__shared__ __align__(16) float As" in source and "acc[i][j] += av[i] * bv[j]" in source
    assert "const float c_val = acc[i][j];" in source and "gc_max(" in source.split("k0_matmul_matmul")[1]


def test_wide_matmul_uses_8x8_register_tiles():
    source = cuda_source("wide_matmul_epilogue")
    assert "float acc[8][8];" in source and "__shared__ __align__(16) float As[8][128 + 4]" in source


@needs_nvcc
@pytest.mark.parametrize("arch", ARCHS)
def test_aligned_elementwise_accesses_become_128_bit_loads_and_stores(arch):
    source = cuda_source("vectorized_elementwise")
    kernels = source.split("// k0_")[1]
    assert "gc_load4(" in kernels and "gc_store4(" in kernels
    ptx = nvcc_compile(source, arch, "ptx").decode()
    for instruction in ("ld.global.nc.v4.f32", "st.global.v4.f32", "st.global.v4.u8", "st.global.v4.u32",
                        "st.global.v2.f64", "ld.global.nc.v2.f64"):
        assert instruction in ptx


def test_accesses_that_do_not_fit_groups_of_four_render_scalar_only():
    x = gc.placeholder((None, 7))
    _, plan = plan_kernels(specialize([x], [gc.transpose(x) * 2.0, x + gc.reshape(x[:, 0], (-1, 1))], [], [(9, 7)]))
    kernels = render_module(plan.kernels).source.split("// k0_")[1]  # the kernels, after the preludes
    assert "extern" in kernels and "gc_load4(" not in kernels and "GC_VECTORIZE" not in kernels


@needs_nvcc
@pytest.mark.parametrize("epilogue", [False, True])
def test_large_matmul_kernels_do_not_spill_registers(epilogue, tmp_path):
    a, w, bias = gc.placeholder((4096, 4096)), gc.placeholder((4096, 4096)), gc.placeholder((4096,))
    out = gc.relu(a @ w + bias) if epilogue else a @ w
    _, plan = plan_kernels(specialize([a, w, bias], [out], [], [(4096, 4096), (4096, 4096), (4096,)]))
    (tmp_path / "mm.cu").write_text(render_module(plan.kernels).source)
    proc = subprocess.run([find_nvcc(), "-arch=sm_90", "-cubin", *NVCC_FLAGS, "-Xptxas", "-v", "-o",
                           str(tmp_path / "mm.cubin"), str(tmp_path / "mm.cu")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = proc.stderr.split("Function properties for k0_matmul_matmul")[1]
    assert "0 bytes spill stores, 0 bytes spill loads" in report.splitlines()[1], report
