"""Vector math runs at the host's width: 16 float32 lanes where the host has AVX-512, 8 with AVX2.

The width is asked of the host (LLVM's CPU features, through `llvm_compile.vector_bits`), never
assumed.  LLVM's tuning for Intel AVX-512 CPUs prefers 256-bit vectors, so without the kernel's
``"prefer-vector-width"`` attribute the same IR would run 8 lanes there.  This host may lack
AVX-512: the generated IR is compiled here for an AVX-512 target machine and its code inspected
(it cannot run), and the kernels run here at this host's width and agree with numpy.
"""

from __future__ import annotations

import re

import llvmlite.binding as llvm
import numpy as np
import pytest
from llvmlite import ir
from test_vecmath import FUNCS, build_map_loop

import graphc as gc
from graphc.codegen.llvm.vecmath import keep_variants
from graphc.codegen.llvm.vecmath_width import preferred_width
from graphc.runtime import llvm_compile

# Intel CPUs whose LLVM tuning prefers 256-bit vectors although they have AVX-512
AVX512_CPUS = ("skylake-avx512", "rocketlake")


def chain(n: int, dtype=gc.float32):
    """The tanh chain of benchmarks/bench_ops.py, as an llvm function over n elements."""
    x, y = gc.placeholder((n,), dtype), gc.placeholder((n,), dtype)
    return gc.function([x, y], gc.tanh(x) * y + gc.exp(-x * x) * 0.5 - gc.sigmoid(y), backend="llvm")


def check_chain(f, n: int) -> None:
    """f computes the chain (float64 numpy as the reference) on this host."""
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-4, 4, n).astype(np.float32), rng.uniform(-4, 4, n).astype(np.float32)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    want = np.tanh(x64) * y64 + np.exp(-x64 * x64) * 0.5 - 1 / (1 + np.exp(-y64))
    np.testing.assert_allclose(f(x, y), want, rtol=2e-6, atol=2e-6)


def optimized_for(cpu: str, ir_text: str) -> tuple[str, str]:
    """(optimized IR, assembly) of a module compiled at -O3 for `cpu` (which this host need not be)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    tm = llvm.Target.from_default_triple().create_target_machine(cpu=cpu, features="", opt=3)
    mod = llvm.parse_assembly(ir_text)
    mod.triple, mod.data_layout = tm.triple, str(tm.target_data)
    mod.verify()
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = pto.slp_vectorization = True
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)
    return str(mod), tm.emit_assembly(mod)


@pytest.fixture
def host_widths(monkeypatch):
    """Pretend the host has these vector widths (what `vector_bits` reads from LLVM's host features);
    the JIT cache is keyed by them, so nothing compiled for the real host is reused."""

    def pretend(widths):
        monkeypatch.setattr(llvm_compile, "vector_bits", lambda: widths)

    return pretend


def test_vector_bits_are_read_from_the_host_features(monkeypatch):
    monkeypatch.setattr(llvm_compile, "native_target", lambda: ("rocketlake", "+avx,+avx2,+fma,+avx512f,+avx512vl"))
    assert llvm_compile.vector_bits() == (256, 512)
    assert preferred_width(llvm_compile.vector_bits()) == 512
    monkeypatch.setattr(llvm_compile, "native_target", lambda: ("znver3", "+avx,+avx2,+fma,-avx512f,-avx512vl"))
    assert llvm_compile.vector_bits() == (256,)
    assert preferred_width(llvm_compile.vector_bits()) is None     # LLVM's own choice is the widest
    monkeypatch.setattr(llvm_compile, "native_target", lambda: ("generic", "+sse2,-avx"))
    assert preferred_width(llvm_compile.vector_bits()) is None


@pytest.mark.parametrize("cpu", AVX512_CPUS)
def test_an_avx512_host_runs_the_math_16_lanes_wide(host_widths, cpu):
    host_widths((256, 512))
    n = 1 << 16                                   # big enough to inline the math
    f = chain(n)
    check_chain(f, n)                             # this host compiles the same IR at its own width
    text = f.llvm_ir(optimized=False)
    assert '"prefer-vector-width"="512"' in text
    ir_opt, asm = optimized_for(cpu, text)
    assert re.search(r"fmul <16 x float>", ir_opt), "not vectorized 16 lanes wide"
    assert re.search(r"\bvfmadd\w+\s+%zmm", asm), "no 512-bit FMA in the machine code"
    callees = set(re.findall(r"\bcall [^@\n]*@\"?([\w.$-]+)", ir_opt))
    defined = set(re.findall(r"^define [^@\n]*@\"?([\w.$-]+)", ir_opt, re.M))
    assert all(c.startswith("llvm.") or c in defined for c in callees), callees - defined   # no libm


@pytest.mark.parametrize("cpu", AVX512_CPUS)
def test_without_avx512_the_same_cpu_tuning_keeps_8_lanes(host_widths, cpu):
    # what the attribute changes: the IR of an AVX2 host, compiled for the AVX-512 CPU, stays 256-bit
    host_widths((256,))
    f = chain(1 << 16)
    check_chain(f, 1 << 16)
    text = f.llvm_ir(optimized=False)
    assert "prefer-vector-width" not in text
    ir_opt, asm = optimized_for(cpu, text)
    assert "<16 x float>" not in ir_opt and "<8 x float>" in ir_opt
    assert "%zmm" not in asm


def test_small_kernels_call_the_16_lane_variant_of_their_math(host_widths):
    host_widths((256, 512))
    x = gc.placeholder((64, 16), gc.float32)
    f = gc.function([x], gc.tanh(x) * gc.sigmoid(x), backend="llvm")
    xv = np.random.default_rng(2).uniform(-4, 4, (64, 16)).astype(np.float32)
    np.testing.assert_allclose(f(xv), np.tanh(xv) / (1 + np.exp(-xv.astype(np.float64))), rtol=2e-6, atol=1e-7)
    ir_opt, asm = optimized_for("skylake-avx512", f.llvm_ir(optimized=False))
    assert re.search(r"call [^\n]*<16 x float> @\"?graphc\.vecmath\.tanh\.v16f32\.call", ir_opt)
    assert "%zmm" in asm


def test_kernels_without_math_keep_llvms_width(host_widths):
    host_widths((256, 512))
    x = gc.placeholder((1 << 16,), gc.float32)
    f = gc.function([x], x * 3.0 + 1.0, backend="llvm")
    f(np.ones(1 << 16, np.float32))
    assert "prefer-vector-width" not in f.llvm_ir(optimized=False)


def test_this_host_runs_at_its_own_width():
    n = 1 << 16
    f = chain(n)
    check_chain(f, n)
    lanes = max(llvm_compile.vector_bits()) // 32      # 16 with AVX-512, 8 with AVX2
    assert f"<{lanes} x float>" in f.llvm_ir(), f"the host's {lanes} lanes"


@pytest.mark.parametrize("cpu", AVX512_CPUS)
def test_every_math_function_compiles_to_512_bit_code_without_calls(cpu):
    # each function on explicit <16 x float> and <8 x double> vectors, as the 16-lane variants are
    module = ir.Module(name="vecmath512")
    for name in FUNCS:
        build_map_loop(module, f"{name}_f32", name, np.float32, lanes=16)
        build_map_loop(module, f"{name}_f64", name, np.float64, lanes=8)
    keep_variants(module)
    ir_opt, asm = optimized_for(cpu, str(module))
    assert re.search(r"\bvfmadd\w+\s+%zmm", asm)
    callees = set(re.findall(r"\bcall [^@\n]*@\"?([\w.$-]+)", ir_opt))
    defined = set(re.findall(r"^define [^@\n]*@\"?([\w.$-]+)", ir_opt, re.M))
    assert all(c.startswith("llvm.") or c in defined for c in callees), callees - defined
    assert not re.search(r"@llvm\.(exp|exp2|log|log2|sin|cos|tan|pow|tanh|fma)\.", ir_opt)
