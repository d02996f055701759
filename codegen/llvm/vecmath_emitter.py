"""The toolkit of `codegen.llvm.vecmath`'s functions: float formats, their tables, and `Emitter`.

Polynomial coefficients are weighted minimax fits (linear Remez exchange in 60-digit mpmath,
weighted so that the error minimised is the relative error of the final result) rounded to the
working precision and stored as hex literals; the fitted form and range are noted next to each
table.  Polynomials are evaluated by Horner's rule with ``fmuladd``.  ``2^n`` scaling is done by
integer arithmetic on the exponent bits, and rounding to the nearest integer with the
``1.5 * 2^mant`` shifter trick, which also leaves ``n`` in the low bits (no ``fptosi``/
``sitofp``, which have no AVX2 form for 64-bit lanes).

    >>> e = Emitter(builder, ir.VectorType(ir.FloatType(), 8))
    >>> e.horner(x, (1.0, 0.5))     # fmuladd(<8 x float> 0.5, x, <8 x float> 1.0)
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from llvmlite import ir


def hexfloat(s: str) -> float:
    """Hex float literal: coefficients are stored exactly as the fits rounded them."""
    return float.fromhex(s)


@dataclass(frozen=True)
class Format:
    """IEEE binary format facts the bit tricks need, plus the precision's tables."""

    bits: int            # storage width; also the width of the integer type we bitcast to
    mant: int            # explicit mantissa bits
    bias: int
    max_exp_arg: float   # clamp for exp(): above it the result is inf ...
    min_exp_arg: float   # ... and below it 0 (after rounding), so clamping changes nothing
    ln2_hi: float        # ln2 with trailing zeros: n * ln2_hi exact for every reachable n
    ln2_lo: float
    expm1_q: tuple       # expm1(r) = r + r^2 Q(r), |r| <= ln2/2
    log_r: tuple         # log(1+f) = f - hfsq + s (hfsq + z R(z)), z = s^2 <= 0.0295
    tanh_p: tuple        # tanh(x) = x + x^3 P(x^2), |x| <= atanh(1/2)
    sqrt_half_bits: int  # bit pattern of the float nearest sqrt(2)/2
    erf_small: tuple     # erf(x) = x + x P(x^2) on |x| < _ERF_SPLIT
    erf_big: tuple       # log(erfc(x)) = L(x - _ERF_SPLIT) on [_ERF_SPLIT, erf_cut]
    erf_cut: float       # erf(x) rounds to 1 for |x| >= erf_cut

    @property
    def shifter(self) -> float:
        """1.5 * 2^mant: adding it rounds to an integer that lands in the low mantissa bits."""
        return 1.5 * 2.0 ** self.mant

    @property
    def sign_mask(self) -> int:
        return 1 << (self.bits - 1)

    @property
    def mant_mask(self) -> int:
        return (1 << self.mant) - 1


BINARY32 = Format(
    bits=32, mant=23, bias=127, max_exp_arg=89.0, min_exp_arg=-104.0,
    ln2_hi=hexfloat("0x1.62e4p-1"), ln2_lo=hexfloat("0x1.7f7d1cp-20"),
    expm1_q=tuple(map(hexfloat, ("0x1.fffffep-2", "0x1.5554b0p-3", "0x1.555674p-5", "0x1.12279cp-7",
                           "0x1.6bec00p-10"))),
    log_r=tuple(map(hexfloat, ("0x1.55557ap-1", "0x1.995ae4p-2", "0x1.327020p-2"))),
    tanh_p=tuple(map(hexfloat, ("-0x1.55554ep-2", "0x1.110d62p-3", "-0x1.b92886p-5", "0x1.590744p-6",
                          "-0x1.992b14p-8"))),
    sqrt_half_bits=0x3F3504F3,
    erf_small=tuple(map(hexfloat, ("0x1.06eba8p-3", "-0x1.812744p-2", "0x1.ce2e84p-4", "-0x1.b819a6p-6",
                             "0x1.553abap-8", "-0x1.ae7f92p-11", "0x1.6bdf50p-14"))),
    erf_big=tuple(map(hexfloat, ("-0x1.88672ep+0", "-0x1.371170p+1", "-0x1.a73060p-1", "-0x1.803a40p-5",
                           "0x1.73f7f0p-7", "-0x1.2194d6p-9", "0x1.30091cp-12", "-0x1.fa2788p-17",
                           "-0x1.f8098cp-21"))),
    erf_cut=3.9375,
)

BINARY64 = Format(
    bits=64, mant=52, bias=1023, max_exp_arg=710.0, min_exp_arg=-746.0,
    ln2_hi=hexfloat("0x1.62e42fee00000p-1"), ln2_lo=hexfloat("0x1.a39ef35793c76p-33"),
    expm1_q=tuple(map(hexfloat, (
        "0x1.0000000000000p-1", "0x1.5555555555559p-3", "0x1.555555555553fp-5",
        "0x1.111111110f6ccp-7", "0x1.6c16c16c1f0bep-10", "0x1.a01a01afda4a9p-13",
        "0x1.a01a017bb84bbp-16", "0x1.71ddf86cd66ccp-19", "0x1.27e5363ad21b6p-22",
        "0x1.af5e96ffda543p-26", "0x1.1ee88904c2082p-29"))),
    log_r=tuple(map(hexfloat, (
        "0x1.555555555557cp-1", "0x1.99999999847b8p-2", "0x1.2492493fb0a3fp-2",
        "0x1.c71c52bb76979p-3", "0x1.7466488b2256bp-3", "0x1.399d16a2c69e0p-3",
        "0x1.2f51b96dc75c5p-3"))),
    tanh_p=tuple(map(hexfloat, (
        "-0x1.5555555555553p-2", "0x1.1111111110b22p-3", "-0x1.ba1ba1b9a4c5ep-5",
        "0x1.664f486021a70p-6", "-0x1.226e2fb8aae58p-7", "0x1.d6d2ae60ad6b3p-9",
        "-0x1.7d9079712e208p-10", "0x1.3486f429622d1p-11", "-0x1.e97f5448ac026p-13",
        "0x1.5d7574b7fde21p-14", "-0x1.46b7424a17964p-16"))),
    sqrt_half_bits=0x3FE6A09E667F3BCD,
    erf_small=tuple(map(hexfloat, (
        "0x1.06eba8214db69p-3", "-0x1.812746b0379e4p-2", "0x1.ce2f21a042991p-4",
        "-0x1.b82ce3127ababp-6", "0x1.565bcd0bae90cp-8", "-0x1.c02db35e6657cp-11",
        "0x1.f9a30f2ed6a34p-14", "-0x1.f4d00cfe8b322p-17", "0x1.b9c055a4ff79ap-20",
        "-0x1.5dca51c4b738cp-23", "0x1.e517c181d6ba3p-27", "-0x1.dbd1eb53d349ap-31"))),
    erf_big=tuple(map(hexfloat, (
        "-0x1.88672ea9b34dcp+0", "-0x1.3711709c17b54p+1", "-0x1.a730790b4c302p-1",
        "-0x1.802c279525225p-5", "0x1.730b0ee4bcff2p-7", "-0x1.1904a3021fc3ep-9",
        "0x1.a5160f21faa0ap-13", "0x1.f135f54d347efp-15", "-0x1.4a003fa4c80dbp-15",
        "0x1.96131f0d43c6bp-17", "-0x1.06e9e1485313ep-19", "-0x1.cf92721936be2p-23",
        "0x1.3e0b5b9c7e7a7p-22", "-0x1.1617e188b989bp-23", "0x1.52ea32bd68976p-25",
        "-0x1.40c413c66e801p-27", "0x1.e3ccc1471f5e9p-30", "-0x1.2216737623abfp-32",
        "0x1.0f8f51661680bp-35", "-0x1.7f8ea61d2c00bp-39", "0x1.81d5b769450f3p-43",
        "-0x1.f22cd8676bd4cp-48", "0x1.46eda5d863050p-53", "-0x1.3750c02a8a268p-61"))),
    erf_cut=5.9375,
)

LOG2E = hexfloat("0x1.71547652b82fep+0")


class Emitter:
    """Arithmetic on one float type (scalar or vector) with matching integer/bool types.

    Keeps the kernels readable: constants are splatted to the vector width automatically and the
    integer view of the type (for exponent-bit tricks) is at hand.
    """

    def __init__(self, builder: ir.IRBuilder, ty: ir.Type):
        self.b = builder
        self.ty = ty
        elem = ty.element if isinstance(ty, ir.VectorType) else ty
        self.lanes = ty.count if isinstance(ty, ir.VectorType) else None
        self.fmt = BINARY64 if isinstance(elem, ir.DoubleType) else BINARY32
        ielem = ir.IntType(self.fmt.bits)
        self.ity = ir.VectorType(ielem, self.lanes) if self.lanes else ielem

    # constants ----------------------------------------------------------------------------
    def f(self, v: float) -> ir.Constant:
        return ir.Constant(self.ty, v)

    def i(self, v: int) -> ir.Constant:
        """Integer constant; negative values and values with the top bit set are both accepted."""
        v &= (1 << self.fmt.bits) - 1
        if v >> (self.fmt.bits - 1):
            v -= 1 << self.fmt.bits
        return ir.Constant(self.ity, v)

    # float arithmetic ---------------------------------------------------------------------
    def add(self, a, b):
        return self.b.fadd(a, b)

    def sub(self, a, b):
        return self.b.fsub(a, b)

    def mul(self, a, b):
        return self.b.fmul(a, b)

    def div(self, a, b):
        return self.b.fdiv(a, b)

    def neg(self, a):
        return self.b.fneg(a)

    def fma(self, a, b, c):
        """a*b + c via llvm.fmuladd: one rounding on FMA targets, no libcall anywhere."""
        return self.b.call(intrinsic(self.b.module, "llvm.fmuladd", self.ty, 3), [a, b, c])

    def horner(self, x, coeffs):
        """c0 + c1 x + ... + cn x^n."""
        acc = self.f(coeffs[-1])
        for c in reversed(coeffs[:-1]):
            acc = self.fma(acc, x, self.f(c))
        return acc

    # comparisons and selection (ordered: false on NaN, so NaN flows through the default arm)
    def lt(self, a, b):
        return self.b.fcmp_ordered("<", a, b)

    def gt(self, a, b):
        return self.b.fcmp_ordered(">", a, b)

    def ge(self, a, b):
        return self.b.fcmp_ordered(">=", a, b)

    def eq(self, a, b):
        return self.b.fcmp_ordered("==", a, b)

    def lt_or_nan(self, a, b):
        return self.b.fcmp_unordered("<", a, b)

    def sel(self, cond, a, b):
        return self.b.select(cond, a, b)

    def clamp(self, x, lo: float, hi: float):
        """min(max(x, lo), hi) that keeps NaN (selects on ordered compares)."""
        return self.at_least(self.sel(self.gt(x, self.f(hi)), self.f(hi), x), lo)

    def at_least(self, x, lo: float):
        """max(x, lo) that keeps NaN."""
        return self.sel(self.lt(x, self.f(lo)), self.f(lo), x)

    # bit-level views ------------------------------------------------------------------------
    def bits(self, x):
        return self.b.bitcast(x, self.ity)

    def from_bits(self, n):
        return self.b.bitcast(n, self.ty)

    def iadd(self, a, b):
        return self.b.add(a, b)

    def isub(self, a, b):
        return self.b.sub(a, b)

    def iand(self, a, b):
        return self.b.and_(a, b)

    def ior(self, a, b):
        return self.b.or_(a, b)

    def shl(self, a, k: int):
        return self.b.shl(a, self.i(k))

    def ashr(self, a, k: int):
        return self.b.ashr(a, self.i(k))

    def ieq(self, a, b):
        return self.b.icmp_signed("==", a, b)

    def igt(self, a, b):
        return self.b.icmp_signed(">", a, b)

    def ile(self, a, b):
        return self.b.icmp_signed("<=", a, b)

    def ige(self, a, b):
        return self.b.icmp_signed(">=", a, b)

    # composite helpers ------------------------------------------------------------------------
    def abs(self, x):
        return self.from_bits(self.iand(self.bits(x), self.i(~self.fmt.sign_mask)))

    def copysign_of_positive(self, mag, sign_src):
        """mag (>= 0 or NaN) with the sign bit of sign_src."""
        sign = self.iand(self.bits(sign_src), self.i(self.fmt.sign_mask))
        return self.from_bits(self.ior(self.bits(mag), sign))

    def round_mul_to_int(self, x, c: float):
        """(n as float, n as integer) for n = round-half-even(x * c), |x * c| < 2^(mant-1).

        Adding 1.5*2^mant puts the integer part in the low mantissa bits; subtracting the bit
        pattern of the shifter reads it out as a two's complement integer.  Whether or not the
        fmuladd fuses, the float and the integer n agree, and r is computed from that n.
        """
        sh = self.fmt.shifter
        t = self.fma(x, self.f(c), self.f(sh))
        return self.sub(t, self.f(sh)), self.isub(self.bits(t), self.i(float_bits(sh, self.fmt)))

    def int_to_float(self, n):
        """Exact float of a small integer (|n| < 2^(mant-1)) without sitofp (no AVX2 i64 form)."""
        sh = self.fmt.shifter
        return self.sub(self.from_bits(self.iadd(n, self.i(float_bits(sh, self.fmt)))), self.f(sh))

    def pow2(self, n):
        """2^n for an integer n in the normal exponent range, by building the exponent field."""
        return self.from_bits(self.shl(self.iadd(n, self.i(self.fmt.bias)), self.fmt.mant))


def in_double(kernel: Callable) -> Callable:
    """Run a double-precision kernel for float inputs: fpext, compute, fptrunc (one rounding).

    `kernel(e, x, single)` is told whether the result will be rounded to float, so it may use
    shorter polynomials then; the float32 result is nearly always the correctly rounded one."""

    def emit(e: Emitter, x):
        if e.fmt is BINARY64:
            return kernel(e, x, single=False)
        dty = ir.VectorType(ir.DoubleType(), e.lanes) if e.lanes else ir.DoubleType()
        d = Emitter(e.b, dty)
        return e.b.fptrunc(kernel(d, e.b.fpext(x, dty), single=True), e.ty)

    return emit


def float_bits(v: float, fmt: Format) -> int:
    if fmt.bits == 32:
        return struct.unpack("<I", struct.pack("<f", v))[0]
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def type_suffix(ty: ir.Type) -> str:
    """LLVM intrinsic mangling: f32, f64, v8f32, v4f64."""
    if isinstance(ty, ir.VectorType):
        return f"v{ty.count}{type_suffix(ty.element)}"
    return "f64" if isinstance(ty, ir.DoubleType) else "f32"


def intrinsic(module: ir.Module, base: str, ty: ir.Type, nargs: int) -> ir.Function:
    """Declare (once) an overloaded float intrinsic such as llvm.fmuladd.v8f32."""
    name = f"{base}.{type_suffix(ty)}"
    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ty, [ty] * nargs), name)
    return fn


def intrinsic_int(module: ir.Module, base: str, ty: ir.IntType, nargs: int) -> ir.Function:
    """Declare (once) an overloaded integer intrinsic such as llvm.fshl.i64."""
    name = f"{base}.i{ty.width}"
    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ty, [ty] * nargs), name)
    return fn
