"""Accuracy and vectorization tests for graphc.codegen.llvm.vecmath.

Every function is compiled twice per dtype into one JIT module: a scalar loop (which the loop
vectorizer must turn into 256-bit vector code) and an explicit ``<8 x float>``/``<4 x double>``
loop.  Results are compared in ulp against numpy evaluated in higher precision (float64 for
float32 results, ``np.longdouble`` for float64 results) over random bit patterns (every
exponent), dense samples of each function's interesting range, small magnitudes and special
values.  A second module built for the host *without* FMA checks that the unfused
``llvm.fmuladd`` path is as accurate and still calls nothing.
"""

from __future__ import annotations

import ctypes
import re
import zlib
from dataclasses import dataclass, field

import llvmlite.binding as llvm
import numpy as np
import pytest
import scipy.special
from llvmlite import ir

from graphc.codegen.llvm.vecmath import MATH_FUNCTIONS, emit_math, keep_variants

FUNCS = sorted(MATH_FUNCTIONS)
DTYPES = (np.float32, np.float64)
LANES = {np.float32: 8, np.float64: 4}      # one AVX2 register
SINCOS_RANGE = 1.6e9                        # Cody-Waite's range of sin/cos; beyond it, the exact reduction

# Max ulp error asserted per (function, dtype): the measured maxima plus a little headroom
# (measured numbers are in the vecmath module docstring).  The task's requirement is <= 4.
MAX_ULP = {
    "exp": (1.5, 1.5),
    "expm1": (2.0, 2.5),
    "log": (1.0, 1.0),
    "log1p": (1.0, 1.0),
    "sin": (1.0, 1.0),
    "cos": (1.0, 1.0),
    "tanh": (2.0, 2.0),
    "sigmoid": (2.5, 2.5),
    "erf": (1.5, 1.5),
    "atan": (1.0, 1.0),
}

# Where each function does its work (dense uniform samples are drawn here).
DOMAINS = {
    "exp": {np.float32: (-104.0, 89.0), np.float64: (-746.0, 710.0)},
    "expm1": {np.float32: (-18.0, 89.0), np.float64: (-38.0, 710.0)},
    "log": {np.float32: (0.0, 4.0), np.float64: (0.0, 4.0)},
    "log1p": {np.float32: (-1.0, 4.0), np.float64: (-1.0, 4.0)},
    "sin": {np.float32: (-1e5, 1e5), np.float64: (-1e5, 1e5)},
    "cos": {np.float32: (-1e5, 1e5), np.float64: (-1e5, 1e5)},
    "tanh": {np.float32: (-10.0, 10.0), np.float64: (-20.0, 20.0)},
    "sigmoid": {np.float32: (-110.0, 30.0), np.float64: (-750.0, 40.0)},
    "erf": {np.float32: (-4.5, 4.5), np.float64: (-6.5, 6.5)},
    "atan": {np.float32: (-8.0, 8.0), np.float64: (-8.0, 8.0)},
}


# --------------------------------------------------------------------------------------------
# "Compile this llvmlite module for the host at -O3 and give me function addresses"
# --------------------------------------------------------------------------------------------

@dataclass
class Compiled:
    engine: object
    optimized_ir: str
    asm: str
    _keep: list = field(default_factory=list)

    def function_ir(self, name: str) -> str:
        """The optimized IR of one function definition."""
        m = re.search(r'^define [^\n]*@"?' + re.escape(name) + r'"?\(.*?^}', self.optimized_ir, re.S | re.M)
        assert m, f"{name} not in optimized IR"
        return m.group(0)

    def address(self, name: str) -> int:
        return self.engine.get_function_address(name)


def host_target_machine(fma: bool = True):
    """Target machine for this CPU; fma=False removes FMA (as on a pre-Haswell CPU)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    features = llvm.get_host_cpu_features()
    if not fma:
        features["fma"] = False
        for dependent in [f for f in features if f.startswith("avx512")]:
            features[dependent] = False
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=features.flatten(), opt=3)


def compile_for_host(module: ir.Module, tm) -> Compiled:
    """Verify, optimize at -O3 (new pass manager, loop + SLP vectorizer on) and MCJIT."""
    mod = llvm.parse_assembly(str(module))
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    mod.verify()
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)
    mod.verify()
    asm = tm.emit_assembly(mod)
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    return Compiled(engine, str(mod), asm)


# --------------------------------------------------------------------------------------------
# Kernels: out[i] = f(in[i]) over n elements
# --------------------------------------------------------------------------------------------

def _ir_type(dtype) -> ir.Type:
    return ir.FloatType() if dtype == np.float32 else ir.DoubleType()


def build_map_loop(module: ir.Module, fname: str, name: str, dtype, lanes: int | None = None,
                   call_lanes: tuple[int, ...] | None = None) -> None:
    """void fname(T* noalias in, T* noalias out, i64 n).  With `lanes`, the body works on
    <lanes x T> (n must be a multiple of lanes); without, it is a plain scalar loop.  With
    `call_lanes`, f is called out of line, with vector variants of those widths."""
    i64 = ir.IntType(64)
    fty = _ir_type(dtype)
    ptr = ir.PointerType(fty)
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ptr, ptr, i64]), fname)
    for arg in fn.args[:2]:
        arg.add_attribute("noalias")
    entry, loop, done = (fn.append_basic_block(n) for n in ("entry", "loop", "done"))
    b = ir.IRBuilder(entry)
    step = lanes or 1
    trips = b.udiv(fn.args[2], i64(step))
    b.cbranch(b.icmp_signed(">", trips, i64(0)), loop, done)

    b.position_at_end(loop)
    i = b.phi(i64)
    i.add_incoming(i64(0), entry)
    offset = b.mul(i, i64(step))
    src, dst = b.gep(fn.args[0], [offset]), b.gep(fn.args[1], [offset])
    if lanes:
        vptr = ir.PointerType(ir.VectorType(fty, lanes))
        src, dst = b.bitcast(src, vptr), b.bitcast(dst, vptr)
    align = np.dtype(dtype).itemsize
    x = b.load(src, align=align)
    fx = emit_math(b, name, x) if call_lanes is None else emit_math(b, name, x, inline=False, lanes=call_lanes)
    b.store(fx, dst, align=align)
    nxt = b.add(i, i64(1))
    i.add_incoming(nxt, loop)
    b.cbranch(b.icmp_signed("<", nxt, trips), loop, done)

    b.position_at_end(done)
    b.ret_void()


def kernel_name(name: str, dtype, vector: bool) -> str:
    return f"map_{name}_{np.dtype(dtype).name}_{'vec' if vector else 'scalar'}"


class Kernels:
    """Compiled map kernels callable on numpy arrays."""

    def __init__(self, compiled: Compiled):
        self.compiled = compiled
        self._funcs = {}

    def __call__(self, name: str, dtype, x: np.ndarray, vector: bool = False) -> np.ndarray:
        key = kernel_name(name, dtype, vector)
        if key not in self._funcs:
            cptr = ctypes.POINTER(ctypes.c_float if dtype == np.float32 else ctypes.c_double)
            proto = ctypes.CFUNCTYPE(None, cptr, cptr, ctypes.c_int64)
            self._funcs[key] = (proto(self.compiled.address(key)), cptr)
        fn, cptr = self._funcs[key]
        n = x.size
        pad = (-n) % LANES[dtype] if vector else 0
        src = np.zeros(n + pad, dtype=dtype)
        src[:n] = x
        out = np.empty_like(src)
        fn(src.ctypes.data_as(cptr), out.ctypes.data_as(cptr), src.size)
        return out[:n]


def build_kernels(fma: bool = True, vector: bool = True) -> Kernels:
    module = ir.Module(name="vecmath_test")
    for name in FUNCS:
        for dtype in DTYPES:
            build_map_loop(module, kernel_name(name, dtype, False), name, dtype)
            if vector:
                build_map_loop(module, kernel_name(name, dtype, True), name, dtype, LANES[dtype])
    keep_variants(module)   # as the renderer does: the vector variants of sin's large-argument call
    return Kernels(compile_for_host(module, host_target_machine(fma)))


@pytest.fixture(scope="module")
def kernels() -> Kernels:
    return build_kernels()


@pytest.fixture(scope="module")
def kernels_nofma() -> Kernels:
    return build_kernels(fma=False, vector=False)


# --------------------------------------------------------------------------------------------
# References and ulp error
# --------------------------------------------------------------------------------------------

LONGDOUBLE_IS_EXTENDED = np.finfo(np.longdouble).nmant >= 63


def _sigmoid_ref(x):
    e = np.exp(-np.abs(x))
    return np.where(x < 0, e, 1) / (1 + e)


def _erf_ref(x):
    if x.dtype == np.float64:
        return scipy.special.erf(x)
    return scipy.special.erf(x.astype(np.float64)).astype(x.dtype)


REFERENCE = {
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "sin": np.sin,
    "cos": np.cos, "tanh": np.tanh, "sigmoid": _sigmoid_ref, "erf": _erf_ref,
    "atan": np.arctan,
}


def reference(name: str, x: np.ndarray) -> np.ndarray:
    """f(x) in a precision above x's: float64 for float32, long double for float64."""
    hp = np.float64 if x.dtype == np.float32 else np.longdouble
    with np.errstate(all="ignore"):
        return REFERENCE[name](x.astype(hp))


def ulp_error(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|got - ref| in units of the spacing of got's dtype at ref (denormal spacing included).
    Equal results (including infinities) and NaN-for-NaN count 0; NaN-for-number counts inf."""
    dtype = got.dtype
    with np.errstate(all="ignore"):
        ref_rounded = ref.astype(dtype)
        err = np.abs(got.astype(ref.dtype) - ref) / np.spacing(np.abs(ref_rounded)).astype(ref.dtype)
    same = (got == ref_rounded) | (np.isnan(got) & np.isnan(ref_rounded))
    err = np.where(same, 0.0, err).astype(np.float64)
    return np.where(np.isnan(err), np.inf, err)


def bit_pattern_samples(dtype, n: int, rng) -> np.ndarray:
    """Uniform over bit patterns: every exponent equally likely, denormals included."""
    if dtype == np.float32:
        x = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    else:
        x = rng.integers(0, 2**64, n, dtype=np.uint64).view(np.float64)
    return x[np.isfinite(x)]


def accuracy_samples(name: str, dtype, rng, n: int) -> np.ndarray:
    lo, hi = DOMAINS[name][dtype]
    parts = [
        bit_pattern_samples(dtype, n, rng),
        rng.uniform(lo, hi, n // 2).astype(dtype),
        # |x| in [1e-8, 1]: where expm1/log1p/tanh/sin/erf must keep relative accuracy
        (rng.choice([-1.0, 1.0], n // 4) * 10.0 ** rng.uniform(-8, 0, n // 4)).astype(dtype),
    ]
    if name in ("log", "log1p"):
        parts.append(rng.uniform(0.5, 2.0, n // 4).astype(dtype) - (1 if name == "log1p" else 0))
    if name in ("sin", "cos"):
        # the hardest inputs for the reduction: floats nearest to multiples of pi/2
        k = rng.integers(1, int(SINCOS_RANGE / 1.6), n // 4).astype(np.float64)
        parts.append((k * (np.pi / 2)).astype(dtype))
        parts.append((np.arange(1, n // 8) * (np.pi / 2)).astype(dtype))
        # both sides of the switch to the exact reduction
        parts.append((SINCOS_RANGE * rng.uniform(0.5, 2.0, n // 8)).astype(dtype))
    return np.concatenate(parts)


def _bound(name: str, dtype) -> float:
    bound = MAX_ULP[name][0 if dtype == np.float32 else 1]
    if dtype == np.float64 and not LONGDOUBLE_IS_EXTENDED:
        bound += 1.0            # the reference itself is only a double then
    if name == "erf" and dtype == np.float64:
        bound += 2.5            # scipy's double erf is the reference here; mpmath test below
    return bound


def _worst(x, got, err) -> str:
    i = int(np.argmax(err))
    return f"max {err[i]:.3f} ulp at x={x[i]!r} (got {got[i]!r})"


# --------------------------------------------------------------------------------------------
# Accuracy
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", FUNCS)
def test_accuracy(kernels, name, dtype):
    rng = np.random.default_rng(zlib.crc32(f"{name}-{np.dtype(dtype).name}".encode()))
    x = accuracy_samples(name, dtype, rng, 400_000 if dtype == np.float32 else 200_000)
    ref = reference(name, x)
    for vector in (False, True):
        got = kernels(name, dtype, x, vector=vector)
        err = ulp_error(got, ref)
        assert err.max() <= _bound(name, dtype), f"{name} {np.dtype(dtype).name} vector={vector}: " + _worst(
            x, got, err)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", FUNCS)
def test_accuracy_without_fma(kernels_nofma, name, dtype):
    """llvm.fmuladd becomes fmul + fadd here; the Cody-Waite splits must still be exact."""
    rng = np.random.default_rng(7)
    x = accuracy_samples(name, dtype, rng, 100_000)
    got = kernels_nofma(name, dtype, x)
    err = ulp_error(got, reference(name, x))
    assert err.max() <= _bound(name, dtype), f"{name} {np.dtype(dtype).name} no FMA: " + _worst(x, got, err)


def test_erf_float64_against_mpmath(kernels):
    mp = pytest.importorskip("mpmath")
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-6.5, 6.5, 3000), rng.uniform(0.7, 1.6, 2000),
                        10.0 ** rng.uniform(-10, 0, 500)])
    got = kernels("erf", np.float64, x)
    with mp.workprec(120):
        exact = [mp.erf(mp.mpf(float(v))) for v in x]
        abs_err = np.array([float(abs(mp.mpf(float(g)) - e)) for g, e in zip(got, exact)])
    err = abs_err / np.spacing(np.abs(np.array([float(e) for e in exact])))
    assert err.max() <= MAX_ULP["erf"][1], _worst(x, got, err)


# --------------------------------------------------------------------------------------------
# Special values
# --------------------------------------------------------------------------------------------

def special_values(dtype) -> np.ndarray:
    info = np.finfo(dtype)
    tiny_denormal = info.smallest_subnormal
    vals = [0.0, 1.0, 0.5, 2.0, 10.0, 100.0, 1000.0, 1e30, np.pi / 2, np.pi, 1e-30, 1e-7,
            tiny_denormal, info.smallest_normal - tiny_denormal, info.smallest_normal, info.max,
            float(info.max) / 2, np.inf, 88.72283935546875, 709.782712893384, 103.97, 745.13]
    if dtype == np.float64:
        vals += [1e300, 1e-300]
    vals = np.array(vals, dtype=dtype)
    return np.concatenate([vals, -vals, np.array([np.nan], dtype=dtype)])


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", FUNCS)
def test_special_values(kernels, name, dtype):
    x = special_values(dtype)
    got = kernels(name, dtype, x)
    ref = reference(name, x)
    with np.errstate(over="ignore"):
        ref_rounded = ref.astype(dtype)
    assert np.array_equal(np.isnan(got), np.isnan(ref_rounded)), (x, got)
    zeros = ref_rounded == 0
    assert np.array_equal(np.signbit(got[zeros]), np.signbit(ref_rounded[zeros])), "sign of zero"
    err = ulp_error(got, ref)
    assert err.max() <= _bound(name, dtype), _worst(x, got, err)
    np.testing.assert_array_equal(got, kernels(name, dtype, x, vector=True))


def test_documented_limits(kernels):
    for dtype in DTYPES:
        assert kernels("sigmoid", dtype, np.array([-1000.0, 1000.0], dtype)).tolist() == [0.0, 1.0]
        assert kernels("exp", dtype, np.array([1000.0, -1000.0], dtype)).tolist() == [np.inf, 0.0]
        assert kernels("log", dtype, np.array([0.0, -0.0], dtype)).tolist() == [-np.inf, -np.inf]
        assert np.isnan(kernels("log", dtype, np.array([-1.0], dtype))).all()
        assert kernels("tanh", dtype, np.array([1e4, -1e4], dtype)).tolist() == [1.0, -1.0]
        assert kernels("log1p", dtype, np.array([-1.0, np.inf], dtype)).tolist() == [-np.inf, np.inf]
        assert kernels("expm1", dtype, np.array([-np.inf, -1000.0], dtype)).tolist() == [-1.0, -1.0]


# Doubles closest to a multiple of pi/2, three per binade from 2^8 to 2^30 (|r| down to 2^-59):
# found by scanning every k with exact 128-bit fixed-point arithmetic for the k * pi/2 nearest
# a double.  Maximal cancellation in the reduction; a rounded n * P_i product shows up here.
HARD_SINCOS_F64 = [
    364.424747816416, 331.4380249537232, 397.41147067910885, 728.849495632832, 878.0751466783472,
    513.6503988619312, 1457.698991265664, 1606.9246423111792, 1308.4733402201489, 2915.397982531328,
    3793.4731292096753, 2335.7741379440113, 5830.795965062656, 8166.5701030066675, 5251.172120475339,
    11661.591930125313, 11081.968085537996, 12241.21577471263, 22743.560015663308, 23323.183860250625,
    22163.93617107599, 46066.74387591393, 45487.120031326616, 46646.36772050125, 91553.86390724055,
    92133.48775182787, 90974.24006265323, 229174.47169039503, 138200.2316277418, 183107.7278144811,
    321307.9594422229, 413441.44719405076, 505574.93494587863, 642615.9188844458, 871790.3905748408,
    826882.8943881015, 1698673.2849629424, 1285231.8377688916, 1240324.3415821523, 3397346.5699258847,
    2570463.675537783, 2525556.179351044, 6794693.139851769, 7666483.53042661, 4269136.960500726,
    14461176.67027838, 13589386.279703539, 15332967.06085322, 28922353.34055676, 21255869.81013015,
    22999450.59127983, 57844706.68111352, 36588836.87098337, 42511739.6202603, 115689413.36222704,
    94433543.55209689, 73177673.74196674, 231378826.72445408, 252634696.53458422, 210122956.91432393,
    462757653.44890815, 505269393.06916845, 420245913.82864785, 925515306.8978163, 715392349.9834924,
    630368870.7429718, 1430784699.9669847, 1135638263.8121402,
]


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sincos_hardest_reductions(kernels, kernels_nofma, name):
    hard = np.array(HARD_SINCOS_F64)
    x = np.concatenate([hard, -hard, np.nextafter(hard, 0), np.nextafter(hard, np.inf)])
    ref = reference(name, x)
    for kern in (kernels, kernels_nofma):
        got = kern(name, np.float64, x)
        err = ulp_error(got, ref)
        assert err.max() <= _bound(name, np.float64), _worst(x, got, err)
    x32 = x.astype(np.float32)
    err = ulp_error(kernels(name, np.float32, x32), reference(name, x32))
    assert err.max() <= _bound(name, np.float32)


# The double nearest a multiple of pi/2 (x mod pi/2 is about 2^-60.9: the worst case of the
# reduction, in Muller's "Elementary Functions"), and the largest doubles.
HARD_SINCOS_LARGE_F64 = [6381956970095103 * 2.0**797, 2.0**1023 * (2 - 2.0**-52), 2.0**1023, 1.6e113, 1e22]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sincos_over_the_whole_range_agree_with_numpy(kernels, name, dtype):
    """|x| from 1e-300 to the largest float, inf and NaN, explicit and vectorized loops: each value
    as close to the true one as the common range's bound, and numpy's NaNs."""
    rng = np.random.default_rng(zlib.crc32(f"{name}-{np.dtype(dtype).name}-range".encode()))
    exponent_max = np.log10(np.finfo(dtype).max)
    x = 10.0 ** rng.uniform(-300 if dtype == np.float64 else -38, exponent_max, 100_000)
    x = np.concatenate([x, HARD_SINCOS_LARGE_F64, np.nextafter(HARD_SINCOS_LARGE_F64[:1], 0)])
    with np.errstate(over="ignore"):
        x = (x * rng.choice([-1.0, 1.0], x.size)).astype(dtype)
    x = np.concatenate([x, np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], dtype)])
    assert (np.abs(x) > 1e15).sum() > x.size // 4
    ref = reference(name, x)
    with np.errstate(invalid="ignore"):
        numpy_nan = np.isnan(getattr(np, name)(x))
    for vector in (False, True):
        got = kernels(name, dtype, x, vector=vector)
        err = ulp_error(got, ref)
        assert err.max() <= _bound(name, dtype), f"vector={vector}: " + _worst(x, got, err)
        assert np.array_equal(np.isnan(got), numpy_nan), "NaN where numpy has NaN, and only there"


# --------------------------------------------------------------------------------------------
# Code quality: vectorized, self-contained
# --------------------------------------------------------------------------------------------

_LIBM_INTRINSICS = re.compile(r"@llvm\.(exp|exp2|exp10|log|log2|log10|sin|cos|tan|pow|powi|tanh|fma)\.")


def test_no_external_calls(kernels, kernels_nofma):
    """Nothing outside the module is called: no libm, no fma(), no compiler runtime (the exact
    reduction's 128-bit integer arithmetic stays inline).  The only calls are sin's and cos's, of
    the functions defined beside them for large arguments."""
    for compiled in (kernels.compiled, kernels_nofma.compiled):
        callees = set(re.findall(r"\bcall [^@\n]*@([\w.$\"-]+)", compiled.optimized_ir))
        assert all(c.startswith(("llvm.", "graphc.vecmath.sincos_")) for c in callees), callees
        assert not _LIBM_INTRINSICS.search(compiled.optimized_ir)
        # and in machine code: every symbol a call or jump reaches, directly or through a register
        # loaded by movabs, is defined in the module (fmuladd never became fmaf)
        defined = set(re.findall(r"^([\w.$]+):", compiled.asm, re.M))
        used = set(re.findall(r"^\s*(?:call\w*|jmp\w*)\s+([A-Za-z_][\w.$]*)\s*$", compiled.asm, re.M))
        used |= {s for s in re.findall(r"^\s*movabsq\s+\$([A-Za-z_][\w.$]*),", compiled.asm, re.M)}
        assert used <= defined, used - defined


def _host_has(feature: str) -> bool:
    llvm.initialize_native_target()
    return bool(llvm.get_host_cpu_features().get(feature, False))


@pytest.mark.skipif(not _host_has("avx2"), reason="256-bit vectorization check needs AVX2")
@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("name", FUNCS)
def test_scalar_loop_vectorizes(kernels, name, dtype):
    """The loop vectorizer turns the scalar loop into full-width (256-bit) vector code."""
    body = kernels.compiled.function_ir(kernel_name(name, dtype, vector=False))
    widths = {int(n) * (32 if t == "float" else 64) for n, t in re.findall(r"<(\d+) x (float|double)>", body)}
    assert widths and max(widths) >= 256, f"{name} {np.dtype(dtype).name}: vector widths {widths}"
    assert re.search(r"= (fmul|fadd|fsub|fdiv) (fast )?<\d+ x (float|double)>", body)
    if name in ("sin", "cos"):
        # large arguments: a masked vector call that returns at once when no lane needs it,
        # not a branch per lane
        assert re.search(r"call preserve_allcc <\d+ x double> @graphc\.vecmath\.sincos_large", body), \
            f"{name} {np.dtype(dtype).name}: no vector call for large arguments"


@pytest.mark.skipif(not _host_has("fma"), reason="host has no FMA")
def test_fmuladd_fuses_on_fma_host(kernels, kernels_nofma):
    assert re.search(r"\bvfmadd", kernels.compiled.asm)
    assert not re.search(r"\bvfmadd", kernels_nofma.compiled.asm)


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------

def test_api_types_and_caching():
    assert {"exp", "log", "tanh", "sigmoid", "sin", "cos", "log1p", "expm1", "erf", "atan"} <= set(MATH_FUNCTIONS)
    module = ir.Module()
    types = [ir.FloatType(), ir.DoubleType(), ir.VectorType(ir.FloatType(), 8), ir.VectorType(ir.DoubleType(), 2)]
    for ty in types:
        fn = ir.Function(module, ir.FunctionType(ty, [ty]), f"f_{len(module.functions)}")
        b = ir.IRBuilder(fn.append_basic_block())
        v = fn.args[0]
        for name in FUNCS:
            v = emit_math(b, name, v)
            assert v.type == ty
        v = MATH_FUNCTIONS["exp"](b, v)                 # the dict's emitters take (builder, x)
        assert v.type == ty
        b.ret(v)
    helpers = [f for f in module.functions if f.name.startswith("graphc.vecmath.") and "alwaysinline" in f.attributes]
    assert len(helpers) == len(FUNCS) * len(types)   # one definition per (name, type)
    others = [f for f in module.functions if f.name.startswith("graphc.vecmath.") and f not in helpers]
    assert all(f.linkage == "internal" and f.name.startswith("graphc.vecmath.sincos_large") for f in others)
    llvm.parse_assembly(str(module)).verify()


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_of_line_functions_are_vectorized_and_compute_what_the_inlined_ones_do(dtype):
    # one copy per module, with a vector variant the loop vectorizer calls (LLVM's vector-function ABI)
    module = ir.Module(name="out_of_line")
    for name in FUNCS:
        build_map_loop(module, f"inline_{name}", name, dtype)
        build_map_loop(module, f"call_{name}", name, dtype, call_lanes=(LANES[dtype],))
    keep_variants(module)
    compiled = compile_for_host(module, host_target_machine())
    cptr = ctypes.POINTER(ctypes.c_float if dtype == np.float32 else ctypes.c_double)
    proto = ctypes.CFUNCTYPE(None, cptr, cptr, ctypes.c_int64)
    x = np.random.default_rng(0).uniform(-20, 20, 1003).astype(dtype)
    x[:6] = [0.0, np.inf, -np.inf, np.nan, 1e30, -3e9]
    for name in FUNCS:
        body = compiled.function_ir(f"call_{name}")
        assert f"call <{LANES[dtype]} x" in body, f"{name}: the out-of-line call was not vectorized"
        results = []
        for fname in (f"inline_{name}", f"call_{name}"):
            out = np.empty_like(x)
            proto(compiled.address(fname))(x.ctypes.data_as(cptr), out.ctypes.data_as(cptr), x.size)
            results.append(out)
        np.testing.assert_array_equal(results[0], results[1])


def test_api_errors():
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ir.IntType(32), ir.FloatType()]), "f")
    b = ir.IRBuilder(fn.append_basic_block())
    with pytest.raises(TypeError):
        emit_math(b, "exp", fn.args[0])
    with pytest.raises(KeyError):
        emit_math(b, "gamma", fn.args[1])


# --------------------------------------------------------------------------------------------
# Exhaustive float32 (minutes; pytest -m slow)
# --------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(3600)  # 2^32 inputs against a float64 reference: minutes each, more on a loaded machine
@pytest.mark.parametrize("name", FUNCS)
def test_exhaustive_float32(kernels, name):
    worst = 0.0
    chunk = 1 << 24
    for start in range(0, 1 << 32, chunk):
        x = np.arange(start, start + chunk, dtype=np.uint64).astype(np.uint32).view(np.float32)
        x = x[np.isfinite(x)]
        if x.size == 0:
            continue
        err = ulp_error(kernels(name, np.float32, x, vector=True), reference(name, x))
        worst = max(worst, float(err.max()))
    print(f"exhaustive float32 {name}: max {worst:.3f} ulp")   # the figure the docs quote (pytest -s)
    assert worst <= MAX_ULP[name][0], f"{name}: {worst}"
