"""Vectorizable elementary functions emitted as plain LLVM IR.

Why
---
``llvm.exp``/``llvm.log``/``llvm.sin`` ... on a vector type are lowered by the x86 backend to
one scalar libm call per lane (``expf`` eight times for a ``<8 x float>``), and a loop that calls
them is either not vectorized at all or vectorized into scalar calls.  That caps an elementwise
kernel at libm's scalar throughput.  The functions here are written with nothing but
``fadd``/``fmul``/``fdiv``, ``llvm.fmuladd``, ``fcmp``/``select``, bitcasts and integer
add/and/shift, so the loop vectorizer (or the caller, by passing a vector type) turns them into
straight AVX2/FMA code with no calls.  ``llvm.fmuladd`` is used rather than ``llvm.fma``: it fuses
where the target has fast FMA and otherwise becomes ``fmul``+``fadd``, whereas ``llvm.fma`` would
become a call to ``fma()`` on a CPU without FMA.  Every algorithm below is designed to stay
accurate when the multiply-add is *not* fused (Cody-Waite constants have trailing zero bits so
``n * C_hi`` is exact).

API
---
``emit_math(builder, name, x)`` returns ``f(x)`` for ``x`` of type ``float``, ``double``,
``<N x float>`` or ``<N x double>``.  ``MATH_FUNCTIONS`` maps each name to an emitter with the
same ``(builder, x)`` signature.  Each (function, type) pair is defined once per module as an
``internal alwaysinline`` function ``graphc.vecmath.<name>.<type>``, so the IR stays readable and
the inliner flattens it into the caller before vectorization.

``emit_math(builder, name, x, inline=False, lanes=(8,))`` calls an out-of-line ``noinline
readnone`` definition instead (``graphc.vecmath.<name>.<type>.call``), whose
``vector-function-abi-variant`` attribute names a ``<8 x T>`` variant: the loop vectorizer
calls that variant on vectors, as it would a vector math library's.  Less code to compile
(one copy per module), a call's cost per vector; ``keep_variants(module)`` keeps the
variants alive until the vectorizer has run.

Algorithms
----------
Polynomial coefficients are weighted minimax fits (linear Remez exchange in 60-digit mpmath,
weighted so that the error minimised is the relative error of the final result) rounded to the
working precision and stored as hex literals; the fitted form and range are noted next to each
table.  Polynomials are evaluated by Horner's rule with ``fmuladd``.  ``2^n`` scaling is done by
integer arithmetic on the exponent bits, and rounding to the nearest integer with the
``1.5 * 2^mant`` shifter trick, which also leaves ``n`` in the low bits (no ``fptosi``/
``sitofp``, which have no AVX2 form for 64-bit lanes).

* exp: ``n = round(x / ln2)``, ``r = x - n*ln2_hi - n*ln2_lo`` (``|r| <= ln2/2``),
  ``p = expm1(r) = r + r^2 Q(r)``, result ``= fma(2^(n//2), p, 2^(n//2)) * 2^(n - n//2)``: both
  factors are normal, ``1 + p`` is rounded once inside the fma, and the multiply rounds only
  where the result overflows or is denormal (gradual underflow is rounded once).  Inputs are clamped
  to a range whose ends overflow to ``inf``/underflow to ``0``; NaN propagates.
* expm1: same reduction; ``2^n (p + 1 - 2^-n)`` for small ``n`` (keeps relative accuracy near
  0, where ``n == 0`` and the result is the polynomial ``p = expm1(r)`` itself), else ``exp - 1``.
* log, log1p: split ``x = 2^k m`` with ``m`` in ``[sqrt2/2, sqrt2)`` by integer arithmetic
  on the bits (denormals are pre-scaled by ``2^mant``); with ``f = m - 1``, ``s = f/(2+f)``:
  ``log(1+f) = f - f^2/2 + s (f^2/2 + R(s^2))`` (the fdlibm form, which keeps the big terms
  exact).  log1p uses ``f = x`` when ``1 + x`` needs no exponent change, and otherwise adds
  the rounding error of ``u = 1 + x`` back as ``c / u``.
* sin, cos: ``n = round(x * 2/pi)``, ``r = x - n*pi/2`` with pi/2 split in 4 (double) or 3
  (float) parts of <= 23 significant bits (so each ``n * P_i`` is exact for ``|n| < 2^30``),
  then odd/even minimax kernels on ``|r| <= pi/4`` and quadrant selection from the low bits of
  ``n``.  float32 reduces and evaluates in double (converted per lane, still vector code) and
  rounds once at the end; that gives correctly reduced arguments far beyond the float
  range one could reduce in single precision.  That covers ``|x| < 1.6e9`` (``|n| < 2^30``).
  Larger finite arguments are reduced exactly (Payne-Hanek): the bits of 2/pi that matter for
  x's exponent (a table of 20 64-bit words) times x's significand, in 128-bit integer
  arithmetic, give the quadrant and the remainder to 2^-124 (the closest a double comes to a
  multiple of pi/2 is about 2^-61).  That is scalar code in one out-of-line function per module,
  called only for the lanes that need it: the common range pays a compare and a branch, and in
  a vectorized loop a call per vector of a masked variant that returns at once (it keeps every
  register, `preserve_allcc`, so nothing is spilled around it).  ``+-inf`` -> NaN.
* tanh: for ``|x| < atanh(1/2)`` an odd minimax polynomial ``x + x^3 P(x^2)`` (relative
  accuracy near 0); above, ``1 - 2e/(1+e)`` with ``e = exp(-2|x|)``, a small correction to 1 that
  cannot overflow and saturates to exactly 1 by itself.  ``-2|x|`` is clamped where tanh has
  rounded to 1, so ``e = fma(2^n, p, 2^n)`` needs no two-step scaling.  The sign is copied back with bit
  operations, so ``tanh(-0) = -0``.
* sigmoid: ``e = exp(-|x|)``; ``1/(1+e)`` for ``x >= 0`` and ``e/(1+e)`` for ``x < 0``: never
  ``inf/inf``, and the tiny results for very negative x are as accurate as exp (denormals too).
* erf: ``x + x P(x^2)`` for ``|x| < 0.875``; above, ``1 - exp(L(|x| - 0.875))`` where ``L`` is
  a minimax fit of ``log(erfc)`` weighted by ``erfc`` (the absolute error that reaches the
  result), anchored at the left end where erfc is largest; exactly ``+-1`` beyond the point
  where erf rounds to 1.

Both branches of a piecewise function are computed and one is selected per lane: there is no
control flow (but for sin's and cos's rare call), which is what lets the loop vectorizer (and
explicit vectors) work.  All inputs are handled without traps or flags: NaN in gives NaN out,
infinities and signed zeros follow C99 Annex F.

Accuracy
--------
Max error in ulp (units of the spacing of the result's type at the exact value; denormal results
in denormal ulps) against numpy in higher precision: float64 for float32 results, 80-bit
``np.longdouble`` for float64 results (mpmath for erf).  float32: every one of the 2^32 inputs.
float64: ~17 million inputs per function, random bit patterns (every exponent), dense samples
of the interesting range, ``|x|`` down to 1e-8, floats next to multiples of pi/2 including the
hardest cases for the reduction up to 2^30, special values; for sin and cos 8 million more from
1.6e9 to the largest double, with the double nearest a multiple of pi/2 (6381956970095103 *
2^797): 0.77 / 0.79 there.
"FMA" is a host with FMA (``fmuladd`` fused), "no FMA" the same code built with ``-fma``.

=========  ======================  ======================
function   float32: FMA / no FMA   float64: FMA / no FMA
=========  ======================  ======================
exp        1.05 / 1.03             0.97 / 0.94
expm1      1.60 / 1.73             1.79 / 1.90
log        0.84 / 0.84             0.83 / 0.83
log1p      0.84 / 0.84             0.83 / 0.85
sin        0.50 / 0.50             0.78 / 0.80
cos        0.50 / 0.50             0.78 / 0.80
tanh       1.52 / 1.52             1.48 / 1.48
sigmoid    2.40 / 2.40             2.20 / 2.20
erf        1.06 / 1.10             0.95 / 1.02
=========  ======================  ======================

sigmoid is the loosest: for x < 0 the result ``e/(1+e)`` lies just below a power of two where
``e`` lies just above one, so exp's error counts double.  Throughput with AVX2 on the
development machine (Zen 3, 16k-element loop): float32 exp 0.5 ns/element (numpy 1.3),
log 0.75 (1.7), sin 1.4 (1.6), tanh 1.0 (2.6); float64 exp 1.5 (5.1), sin 2.4 (15.4).  The exact
reduction made sin and cos about 10% slower on float32 and a few % on float64 in the common
range (the call per vector); a large argument costs about 50 ns.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from llvmlite import ir
from llvmlite.ir.values import FunctionAttributes

__all__ = ["MATH_FUNCTIONS", "emit_math", "keep_variants"]


# --------------------------------------------------------------------------------------------
# Per-precision constants
# --------------------------------------------------------------------------------------------

def _h(s: str) -> float:
    """Hex float literal: coefficients are stored exactly as the fits rounded them."""
    return float.fromhex(s)


@dataclass(frozen=True)
class _Format:
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


_F32 = _Format(
    bits=32, mant=23, bias=127, max_exp_arg=89.0, min_exp_arg=-104.0,
    ln2_hi=_h("0x1.62e4p-1"), ln2_lo=_h("0x1.7f7d1cp-20"),
    expm1_q=tuple(map(_h, ("0x1.fffffep-2", "0x1.5554b0p-3", "0x1.555674p-5", "0x1.12279cp-7",
                           "0x1.6bec00p-10"))),
    log_r=tuple(map(_h, ("0x1.55557ap-1", "0x1.995ae4p-2", "0x1.327020p-2"))),
    tanh_p=tuple(map(_h, ("-0x1.55554ep-2", "0x1.110d62p-3", "-0x1.b92886p-5", "0x1.590744p-6",
                          "-0x1.992b14p-8"))),
    sqrt_half_bits=0x3F3504F3,
    erf_small=tuple(map(_h, ("0x1.06eba8p-3", "-0x1.812744p-2", "0x1.ce2e84p-4", "-0x1.b819a6p-6",
                             "0x1.553abap-8", "-0x1.ae7f92p-11", "0x1.6bdf50p-14"))),
    erf_big=tuple(map(_h, ("-0x1.88672ep+0", "-0x1.371170p+1", "-0x1.a73060p-1", "-0x1.803a40p-5",
                           "0x1.73f7f0p-7", "-0x1.2194d6p-9", "0x1.30091cp-12", "-0x1.fa2788p-17",
                           "-0x1.f8098cp-21"))),
    erf_cut=3.9375,
)

_F64 = _Format(
    bits=64, mant=52, bias=1023, max_exp_arg=710.0, min_exp_arg=-746.0,
    ln2_hi=_h("0x1.62e42fee00000p-1"), ln2_lo=_h("0x1.a39ef35793c76p-33"),
    expm1_q=tuple(map(_h, (
        "0x1.0000000000000p-1", "0x1.5555555555559p-3", "0x1.555555555553fp-5",
        "0x1.111111110f6ccp-7", "0x1.6c16c16c1f0bep-10", "0x1.a01a01afda4a9p-13",
        "0x1.a01a017bb84bbp-16", "0x1.71ddf86cd66ccp-19", "0x1.27e5363ad21b6p-22",
        "0x1.af5e96ffda543p-26", "0x1.1ee88904c2082p-29"))),
    log_r=tuple(map(_h, (
        "0x1.555555555557cp-1", "0x1.99999999847b8p-2", "0x1.2492493fb0a3fp-2",
        "0x1.c71c52bb76979p-3", "0x1.7466488b2256bp-3", "0x1.399d16a2c69e0p-3",
        "0x1.2f51b96dc75c5p-3"))),
    tanh_p=tuple(map(_h, (
        "-0x1.5555555555553p-2", "0x1.1111111110b22p-3", "-0x1.ba1ba1b9a4c5ep-5",
        "0x1.664f486021a70p-6", "-0x1.226e2fb8aae58p-7", "0x1.d6d2ae60ad6b3p-9",
        "-0x1.7d9079712e208p-10", "0x1.3486f429622d1p-11", "-0x1.e97f5448ac026p-13",
        "0x1.5d7574b7fde21p-14", "-0x1.46b7424a17964p-16"))),
    sqrt_half_bits=0x3FE6A09E667F3BCD,
    erf_small=tuple(map(_h, (
        "0x1.06eba8214db69p-3", "-0x1.812746b0379e4p-2", "0x1.ce2f21a042991p-4",
        "-0x1.b82ce3127ababp-6", "0x1.565bcd0bae90cp-8", "-0x1.c02db35e6657cp-11",
        "0x1.f9a30f2ed6a34p-14", "-0x1.f4d00cfe8b322p-17", "0x1.b9c055a4ff79ap-20",
        "-0x1.5dca51c4b738cp-23", "0x1.e517c181d6ba3p-27", "-0x1.dbd1eb53d349ap-31"))),
    erf_big=tuple(map(_h, (
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

_TANH_SPLIT = 0.5494  # just above atanh(1/2) = 0.549306, where the polynomial was fitted
_ERF_SPLIT = 0.875
_LOG2E = _h("0x1.71547652b82fep+0")
_TWO_OVER_PI = _h("0x1.45f306dc9c883p-1")
# pi/2 = P1 + ... + P5; P1..P4 have <= 23 significant bits, so n * P_i is exact in double for
# |n| < 2^30 whether or not fmuladd fuses, and only n * P5 (~2^-66) is ever rounded.
_PIO2 = tuple(map(_h, ("0x1.921fb4p+0", "0x1.4442d0p-24", "0x1.846988p-48", "0x1.8cc518p-72",
                       "-0x1.fc8f8cbb5bf6cp-97")))
# float32 inputs: three parts, the last one a full double (pi/2 to ~100 bits is plenty).
_PIO2_F32 = tuple(map(_h, ("0x1.921fb4p+0", "0x1.4442d0p-24", "0x1.8469898cc5170p-48")))
# |n| < 2^30 keeps every n * P_i exact: Cody-Waite's range.  Larger finite arguments are reduced
# exactly instead (Payne-Hanek, `_large_sincos`), by a scalar call for the lanes that need it.
_SINCOS_MAX_ARG = 1.6e9
# 2/pi in 64-bit words, most significant first, after a zero word for its integer part: word i
# holds the bits of weights 2^(-64i+63) .. 2^(-64i).  A double's reduction reads five words from
# floor((exponent - 1) / 64), so the largest exponent, 1023, needs 20.
_TWO_OVER_PI_WORDS = (
    0x0000000000000000, 0xa2f9836e4e441529, 0xfc2757d1f534ddc0, 0xdb6295993c439041, 0xfe5163abdebbc561,
    0xb7246e3a424dd2e0, 0x06492eea09d1921c, 0xfe1deb1cb129a73e, 0xe88235f52ebb4484, 0xe99c7026b45f7e41,
    0x3991d639835339f4, 0x9c845f8bbdf9283b, 0x1ff897ffde05980f, 0xef2f118b5a0a6d1f, 0x6d367ecf27cb09b7,
    0x4f463f669e5fea2d, 0x7527bac7ebe5f17b, 0x3d0739f78a5292ea, 0x6bfb5fb11f8d5d08, 0x56033046fc7b6bab,
)
# pi/2 = _PIO2_HI + _PIO2_LO to 107 bits; _PIO2_HI's halves of 26 and 27 bits make Dekker's
# product with it exact without an FMA.
_PIO2_HI, _PIO2_LO = _h("0x1.921fb54442d18p+0"), _h("0x1.1a62633145c07p-54")
_PIO2_HI_HEAD = _h("0x1.921fb58p+0")
_PIO2_HI_TAIL = _PIO2_HI - _PIO2_HI_HEAD
_SPLITTER = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
# sin(r) = r + r^3 S(r^2), cos(r) = 1 - r^2/2 + r^4 C(r^2) on |r| <= 0.786, evaluated in double.
# Full-precision kernels for float64; shorter ones (error 2^-36, 2^-41) for float32 results.
_SIN_S64 = tuple(map(_h, ("-0x1.555555555554cp-3", "0x1.111111110fb25p-7", "-0x1.a01a019c2a927p-13",
                          "0x1.71de3569add92p-19", "-0x1.ae5e479b6eaa5p-26", "0x1.5d8609eb68503p-33")))
_COS_C64 = tuple(map(_h, ("0x1.5555555555553p-5", "-0x1.6c16c16c1611ep-10", "0x1.a01a019e21dcap-16",
                          "-0x1.27e4f90129527p-22", "0x1.1eea86ff2e75ep-29", "-0x1.8ff8731422a79p-37")))
_SIN_S32 = tuple(map(_h, ("-0x1.5555554d92ceap-3", "0x1.1111086d9be4ap-7", "-0x1.a00f3105b07e2p-13",
                          "0x1.6cb5686bd449bp-19")))
_COS_C32 = tuple(map(_h, ("0x1.55555552be385p-5", "-0x1.6c16bba7c59d4p-10", "0x1.a012c99d9a31fp-16",
                          "-0x1.24739d3810ccep-22")))


# --------------------------------------------------------------------------------------------
# Typed emission helpers
# --------------------------------------------------------------------------------------------

class _Emitter:
    """Arithmetic on one float type (scalar or vector) with matching integer/bool types.

    Keeps the kernels readable: constants are splatted to the vector width automatically and the
    integer view of the type (for exponent-bit tricks) is at hand.
    """

    def __init__(self, builder: ir.IRBuilder, ty: ir.Type):
        self.b = builder
        self.ty = ty
        elem = ty.element if isinstance(ty, ir.VectorType) else ty
        self.lanes = ty.count if isinstance(ty, ir.VectorType) else None
        self.fmt = _F64 if isinstance(elem, ir.DoubleType) else _F32
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
        return self.b.call(_intrinsic(self.b.module, "llvm.fmuladd", self.ty, 3), [a, b, c])

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
        return self.sub(t, self.f(sh)), self.isub(self.bits(t), self.i(_float_bits(sh, self.fmt)))

    def int_to_float(self, n):
        """Exact float of a small integer (|n| < 2^(mant-1)) without sitofp (no AVX2 i64 form)."""
        sh = self.fmt.shifter
        return self.sub(self.from_bits(self.iadd(n, self.i(_float_bits(sh, self.fmt)))), self.f(sh))

    def pow2(self, n):
        """2^n for an integer n in the normal exponent range, by building the exponent field."""
        return self.from_bits(self.shl(self.iadd(n, self.i(self.fmt.bias)), self.fmt.mant))


def _float_bits(v: float, fmt: _Format) -> int:
    if fmt.bits == 32:
        return struct.unpack("<I", struct.pack("<f", v))[0]
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def _type_suffix(ty: ir.Type) -> str:
    """LLVM intrinsic mangling: f32, f64, v8f32, v4f64."""
    if isinstance(ty, ir.VectorType):
        return f"v{ty.count}{_type_suffix(ty.element)}"
    return "f64" if isinstance(ty, ir.DoubleType) else "f32"


def _intrinsic(module: ir.Module, base: str, ty: ir.Type, nargs: int) -> ir.Function:
    """Declare (once) an overloaded float intrinsic such as llvm.fmuladd.v8f32."""
    name = f"{base}.{_type_suffix(ty)}"
    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ty, [ty] * nargs), name)
    return fn


def _intrinsic_int(module: ir.Module, base: str, ty: ir.IntType, nargs: int) -> ir.Function:
    """Declare (once) an overloaded integer intrinsic such as llvm.fshl.i64."""
    name = f"{base}.i{ty.width}"
    fn = module.globals.get(name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ty, [ty] * nargs), name)
    return fn


# --------------------------------------------------------------------------------------------
# Kernels: each takes an _Emitter and the argument, returns the result value
# --------------------------------------------------------------------------------------------

def _reduce_ln2(e: _Emitter, x):
    """n = round(x/ln2), r = x - n ln2 with |r| <= ln2/2 (two-part Cody-Waite)."""
    nf, n = e.round_mul_to_int(x, _LOG2E)
    r = e.fma(nf, e.f(-e.fmt.ln2_hi), x)     # exact: n*ln2_hi has few bits, Sterbenz
    r = e.fma(nf, e.f(-e.fmt.ln2_lo), r)
    return n, r


def _expm1_poly(e: _Emitter, r):
    """expm1(r) = r + r^2 Q(r) for |r| <= ln2/2, relatively accurate as r -> 0."""
    return e.fma(e.mul(r, r), e.horner(r, e.fmt.expm1_q), r)


def _exp_from(e: _Emitter, p, n):
    """(1 + p) 2^n for p = expm1(r): fma(t1, p, t1) * 2^(n - n1) with t1 = 2^n1, n1 = n//2.

    Both factors are normal for every n the clamped exp argument gives, so (1 + p) is rounded
    once (inside the fma) and the last multiply only rounds where the result is denormal or
    overflows.
    """
    n1 = e.ashr(n, 1)
    t1 = e.pow2(n1)
    return e.mul(e.fma(t1, p, t1), e.pow2(e.isub(n, n1)))


def _exp(e: _Emitter, x, nonpositive: bool = False):
    """e^x; `nonpositive`: the caller knows x <= 0 (or NaN), so the overflow clamp is left out."""
    if nonpositive:
        x = e.at_least(x, e.fmt.min_exp_arg)
    else:
        x = e.clamp(x, e.fmt.min_exp_arg, e.fmt.max_exp_arg)
    n, r = _reduce_ln2(e, x)
    return _exp_from(e, _expm1_poly(e, r), n)


def _expm1(e: _Emitter, x):
    xc = e.clamp(x, e.fmt.min_exp_arg, e.fmt.max_exp_arg)
    n, r = _reduce_ln2(e, xc)
    p = _expm1_poly(e, r)
    # Small n: 2^n (p + (1 - 2^-n)), where 1 - 2^-n is exact, so there is no cancellation
    # against a rounded exp.  n == 0 gives p itself.  Elsewhere exp(x) - 1 loses nothing.
    small = e.b.and_(e.ige(n, e.i(-1)), e.ile(n, e.i(e.fmt.mant + 2)))
    n_small = e.sel(small, n, e.i(0))         # keep pow2's exponent field in range
    t = e.pow2(n_small)
    inv_t = e.pow2(e.isub(e.i(0), n_small))
    near = e.mul(t, e.add(p, e.sub(e.f(1.0), inv_t)))
    far = e.sub(_exp_from(e, p, n), e.f(1.0))
    res = e.sel(small, near, far)
    return e.sel(e.eq(x, e.f(0.0)), x, res)   # expm1(-0) = -0


def _split_exponent(e: _Emitter, x):
    """x = 2^k * m with m in [sqrt2/2, sqrt2): (integer k, m).  x must be positive and normal.

    Subtracting the bits of sqrt2/2 first makes the exponent field roll over at sqrt2 rather than
    at 2, so m - 1 is centred on 0 and the log series converges fastest.
    """
    ix = e.isub(e.bits(x), e.i(e.fmt.sqrt_half_bits))
    k = e.ashr(ix, e.fmt.mant)
    m = e.from_bits(e.iadd(e.iand(ix, e.i(e.fmt.mant_mask)), e.i(e.fmt.sqrt_half_bits)))
    return k, m


def _log1p_kernel(e: _Emitter, f, kf, c):
    """k ln2 + log(1+f) + c for f in [sqrt2/2-1, sqrt2-1] (fdlibm's arrangement)."""
    s = e.div(f, e.add(e.f(2.0), f))
    z = e.mul(s, s)
    big_r = e.mul(z, e.horner(z, e.fmt.log_r))
    hfsq = e.mul(e.mul(e.f(0.5), f), f)
    tail = e.fma(s, e.add(hfsq, big_r), e.fma(kf, e.f(e.fmt.ln2_lo), c))
    return e.fma(kf, e.f(e.fmt.ln2_hi), e.neg(e.sub(e.sub(hfsq, tail), f)))


def _log(e: _Emitter, x):
    fmt = e.fmt
    tiny = e.lt(x, e.f(2.0 ** (1 - fmt.bias)))            # denormal (or 0/negative: fixed below)
    xs = e.sel(tiny, e.mul(x, e.f(2.0 ** fmt.mant)), x)
    k, m = _split_exponent(e, xs)
    k = e.isub(k, e.sel(tiny, e.i(fmt.mant), e.i(0)))
    res = _log1p_kernel(e, e.sub(m, e.f(1.0)), e.int_to_float(k), e.f(0.0))
    res = e.sel(e.eq(x, e.f(float("inf"))), x, res)
    res = e.sel(e.eq(x, e.f(0.0)), e.f(float("-inf")), res)
    return e.sel(e.lt_or_nan(x, e.f(0.0)), e.f(float("nan")), res)


def _log1p(e: _Emitter, x):
    u = e.add(x, e.f(1.0))
    k, m = _split_exponent(e, u)
    # u = 1 + x was rounded; c = (1 + x) - u exactly, and log(1+x) = log(u) + c/u.  Both forms
    # are exact by Sterbenz where they are used: u - x when x >= 1, u - 1 and x - (u-1) below.
    c = e.sel(e.ge(u, e.f(2.0)), e.sub(e.f(1.0), e.sub(u, x)), e.sub(x, e.sub(u, e.f(1.0))))
    c = e.div(c, u)
    k0 = e.ieq(k, e.i(0))                     # u needs no rescaling: f = x exactly, no correction
    f = e.sel(k0, x, e.sub(m, e.f(1.0)))
    c = e.sel(k0, e.f(0.0), c)
    res = _log1p_kernel(e, f, e.int_to_float(k), c)
    res = e.sel(e.eq(x, e.f(float("inf"))), x, res)
    res = e.sel(e.eq(x, e.f(0.0)), x, res)                   # keeps -0
    res = e.sel(e.eq(x, e.f(-1.0)), e.f(float("-inf")), res)
    return e.sel(e.lt_or_nan(x, e.f(-1.0)), e.f(float("nan")), res)


def _tanh(e: _Emitter, x):
    ax = e.abs(x)
    # Below atanh(1/2): odd minimax polynomial (relative accuracy near 0).  Above, tanh >= 1/2
    # and 1 - 2e/(1+e) with e = exp(-2|x|) in (0, 1/3] is a small correction to 1: no overflow,
    # saturates to exactly 1 by itself, and exp's relative error is scaled down by e.
    z = e.mul(ax, ax)
    near0 = e.fma(e.mul(ax, z), e.horner(z, e.fmt.tanh_p), ax)
    # -2|x| is clamped where tanh has long rounded to 1; that keeps 2^n normal, so
    # e = (1 + p) 2^n is one fma.
    u = e.sub(e.neg(ax), ax)                  # -2|x| exactly, on the adders rather than the multipliers
    u_min = -(e.fmt.mant + 6) / _LOG2E       # e^u_min is far below one ulp of 1
    n, r = _reduce_ln2(e, e.at_least(u, u_min))
    t = e.pow2(n)
    ex = e.fma(t, _expm1_poly(e, r), t)
    far = e.sub(e.f(1.0), e.div(e.add(ex, ex), e.add(ex, e.f(1.0))))
    mag = e.sel(e.lt(ax, e.f(_TANH_SPLIT)), near0, far)
    return e.copysign_of_positive(mag, x)


def _sigmoid(e: _Emitter, x):
    ex = _exp(e, e.neg(e.abs(x)), nonpositive=True)   # in (0, 1]
    num = e.sel(e.lt(x, e.f(0.0)), ex, e.f(1.0))
    return e.div(num, e.add(e.f(1.0), ex))


def _two_diff(e: _Emitter, a, b):
    """(a - b rounded, its exact rounding error): Knuth's TwoSum, valid for any magnitudes."""
    d = e.sub(a, b)
    bv = e.sub(a, d)
    return d, e.add(e.sub(a, e.add(d, bv)), e.sub(bv, b))


def _reduce_pio2(e: _Emitter, x, single: bool):
    """(q, r, y): x = q*pi/2 + r + y, |r| <= pi/4, y a correction below ulp(r).

    The first two parts of pi/2 come off exactly (Sterbenz).  For float64 the later parts are
    subtracted with TwoSum, so each rounding error goes into y instead of costing ~1 ulp, and
    their products are exact, so near a multiple of pi/2 (tiny r, catastrophic cancellation)
    nothing but n * P5 is rounded.  float32 results (computed in double) need no tail: the
    float32 path is verified exhaustively.
    """
    nf, q = e.round_mul_to_int(x, _TWO_OVER_PI)
    if single:
        r = x
        for part in _PIO2_F32:
            r = e.fma(nf, e.f(-part), r)
        return q, r, None
    r = e.fma(nf, e.f(-_PIO2[1]), e.fma(nf, e.f(-_PIO2[0]), x))
    y = None
    for part in _PIO2[2:]:
        r, err = _two_diff(e, r, e.mul(nf, e.f(part)))
        y = err if y is None else e.add(y, err)
    return q, r, y


def _sincos_double(e: _Emitter, x, cosine: bool, single: bool):
    """sin or cos of a double-typed x; `single` picks the shorter tables for float32 results."""
    q, r, y = _reduce_pio2(e, x, single)
    if cosine:
        q = e.iadd(q, e.i(1))                 # cos(x) = sin(x + pi/2)
    v = _with_large_arguments(e, x, _sincos_kernel(e, q, r, y, single), cosine)
    if not cosine:
        v = e.sel(e.eq(x, e.f(0.0)), x, v)    # sin(-0) = -0
    return v


def _sincos_kernel(e: _Emitter, q, r, y, single: bool):
    """sin(q pi/2 + r + y) for |r| <= pi/4 and y below ulp(r) (None: no correction)."""
    z = e.mul(r, r)
    hz = e.mul(z, e.f(0.5))
    # sin(r + y) = r + (r^3 S(z) + y (1 - z/2)): the small terms first, r added last.
    sin_tail = e.f(0.0) if y is None else e.fma(e.neg(hz), y, y)
    sin_r = e.add(r, e.fma(e.mul(r, z), e.horner(z, _SIN_S32 if single else _SIN_S64), sin_tail))
    # cos(r + y) = 1 - z/2 + z^2 C(z) - r y; w = 1 - z/2 rounded, ((1 - w) - z/2) is its error.
    w = e.sub(e.f(1.0), hz)
    w_err = e.sub(e.sub(e.f(1.0), w), hz)
    if y is not None:
        w_err = e.fma(e.neg(r), y, w_err)
    cos_r = e.add(w, e.fma(e.mul(z, z), e.horner(z, _COS_C32 if single else _COS_C64), w_err))
    odd = e.ieq(e.iand(q, e.i(1)), e.i(1))
    v = e.sel(odd, cos_r, sin_r)
    flip = e.ieq(e.iand(q, e.i(2)), e.i(2))
    return e.sel(flip, e.neg(v), v)


def _with_large_arguments(e: _Emitter, x, fast, cosine: bool):
    """`fast` (Cody-Waite's result) where it is exact, and for finite |x| >= _SINCOS_MAX_ARG the
    result of the exact reduction, called only for the lanes that need it.

    The call sits behind a branch, so the common range pays a compare and a well-predicted branch.
    For scalar x the loop vectorizer turns the conditional call into a call of a masked vector
    variant, which tests its mask and returns at once when no lane needs it; a vector x tests its
    lanes at once, before a loop over them.  inf takes the call too (NaN); NaN stays on the fast path.
    """
    b = e.b
    ax = e.abs(x)
    big = e.ge(ax, e.f(_SINCOS_MAX_ARG))
    large = _large_sincos(b.module)
    flag = ir.Constant(ir.IntType(32), int(cosine))
    if e.lanes:
        return _call_lanes(b, large, x, flag, big, fast)
    entry = b.block
    call_bb, done = b.function.append_basic_block("sincos.large"), b.function.append_basic_block("sincos.done")
    _unlikely(b.cbranch(big, call_bb, done))
    b.position_at_end(call_bb)
    v_large = b.call(large, [x, flag])
    b.branch(done)
    b.position_at_end(done)
    v = b.phi(e.ty)
    v.add_incoming(fast, entry)
    v.add_incoming(v_large, call_bb)
    return v


def _call_lanes(b: ir.IRBuilder, fn: ir.Function, x, flag, mask, default):
    """`default` with each lane where `mask` holds replaced by fn(that lane of x, flag); the mask is
    tested as a whole first, so the loop over the lanes runs only when one of them needs it."""
    lanes = x.type.count
    i32, bits = ir.IntType(32), ir.IntType(lanes)
    entry = b.block
    lane_bb, call_bb, next_bb, done = (b.function.append_basic_block(f"lanes.{n}")
                                       for n in ("loop", "call", "next", "done"))
    _unlikely(b.cbranch(b.icmp_unsigned("!=", b.bitcast(mask, bits), bits(0)), lane_bb, done))
    b.position_at_end(lane_bb)
    lane, acc = b.phi(i32), b.phi(default.type)
    b.cbranch(b.extract_element(mask, lane), call_bb, next_bb)
    b.position_at_end(call_bb)
    acc_called = b.insert_element(acc, b.call(fn, [b.extract_element(x, lane), flag]), lane)
    b.branch(next_bb)
    b.position_at_end(next_bb)
    acc_next = b.phi(default.type)
    acc_next.add_incoming(acc, lane_bb)
    acc_next.add_incoming(acc_called, call_bb)
    lane_next = b.add(lane, i32(1))
    lane.add_incoming(i32(0), entry)
    lane.add_incoming(lane_next, next_bb)
    acc.add_incoming(default, entry)
    acc.add_incoming(acc_next, next_bb)
    loop = b.cbranch(b.icmp_unsigned("<", lane_next, i32(lanes)), lane_bb, done)
    _no_unrolling(loop)
    b.position_at_end(done)
    v = b.phi(default.type)
    v.add_incoming(default, entry)
    v.add_incoming(acc_next, next_bb)
    return v


def _no_unrolling(backedge) -> None:
    """A rarely run loop stays a loop: unrolled, it would only cost compile time."""
    module = backedge.parent.parent.module
    hint = module.add_metadata([ir.MetaDataString(module, "llvm.loop.unroll.disable")])
    loop_id = ir.values.MDValue(module, [hint], name=str(len(module.metadata)))
    loop_id.operands = (loop_id, hint)
    backedge.set_metadata("llvm.loop", loop_id)


def _unlikely(branch) -> None:
    """Mark a conditional branch's true arm as rarely taken (block layout keeps the other one straight)."""
    module = branch.parent.parent.module
    branch.set_metadata("prof", module.add_metadata([ir.MetaDataString(module, "branch_weights"),
                                                     ir.Constant(ir.IntType(32), 1),
                                                     ir.Constant(ir.IntType(32), 1 << 20)]))


# Vector widths of the masked variants of the large-argument call: 256 and 512 bits, which x86
# returns in a ymm or zmm register.  A `preserve_allcc` function that returns a narrower vector
# gets a `vzeroupper` before its return where its slow path restored the registers it saved,
# which clears the upper halves of its caller's registers; loops of other widths call the
# scalar function lane by lane instead, behind a branch per lane.
_LARGE_SINCOS_LANES = (4, 8)
_LARGE_SINCOS = "graphc.vecmath.sincos_large.f64.call"


def _large_sincos(module: ir.Module) -> ir.Function:
    """The module's `double sincos_large(double x, i32 cosine)`: sin or cos of x for |x| >= 2 (NaN
    for inf), reduced exactly (`_payne_hanek`); created on first use, with masked vector variants
    for the loop vectorizer that keep every register (`preserve_allcc`) and return at once when
    no lane needs them.  Out of line: one copy per module serves every loop.  `readnone`: the
    table it reads is constant.
    """
    fn = module.globals.get(_LARGE_SINCOS)
    if fn is not None:
        return fn
    double, i32 = ir.DoubleType(), ir.IntType(32)
    fn = ir.Function(module, ir.FunctionType(double, [double, i32]), _LARGE_SINCOS)
    fn.linkage = "internal"
    fn.attributes = _CallableAttributes()
    for attribute in ("noinline", "nounwind", "readnone"):
        fn.attributes.add(attribute)
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    e = _Emitter(b, double)
    x, cosine = fn.args
    q, r, y = _payne_hanek(e, x)
    v = _sincos_kernel(e, e.iadd(q, b.zext(cosine, e.ity)), r, y, single=False)
    b.ret(e.sel(e.eq(e.abs(x), e.f(float("inf"))), e.f(float("nan")), v))
    mangled = []
    for n in _LARGE_SINCOS_LANES:
        vty, mty = ir.VectorType(double, n), ir.VectorType(ir.IntType(1), n)
        variant, lanes = (_preserve_all(module, ir.FunctionType(vty, [vty, i32, mty]),
                                        f"graphc.vecmath.sincos_large.v{n}f64.{kind}") for kind in ("call", "lanes"))
        lb = ir.IRBuilder(lanes.append_basic_block("entry"))
        lb.ret(_call_lanes(lb, fn, *lanes.args, lanes.args[0]))
        lanes.attributes.add("cold")
        lanes.attributes.add("optnone")
        # the variant itself only tests the mask: in the common range no lane needs the call
        vb = ir.IRBuilder(variant.append_basic_block("entry"))
        any_lane = vb.icmp_unsigned("!=", vb.bitcast(variant.args[2], ir.IntType(n)), ir.IntType(n)(0))
        with vb.if_then(any_lane, likely=False):
            call = vb.call(lanes, variant.args, tail=True)
            call.calling_convention = lanes.calling_convention
            vb.ret(call)
        vb.ret(variant.args[0])
        mangled.append(f"_ZGV_LLVM_M{n}vu_{_LARGE_SINCOS}({variant.name})")
    fn.attributes.add(f'"vector-function-abi-variant"="{",".join(mangled)}"')
    return fn


def _preserve_all(module: ir.Module, fty: ir.FunctionType, name: str) -> ir.Function:
    """An internal function that keeps every register but its result (`preserve_allcc`): a loop
    calling it spills nothing around the call, which is what makes a call per vector cheap."""
    fn = ir.Function(module, fty, name)
    fn.linkage = "internal"
    fn.calling_convention = "preserve_allcc"
    for attribute in ("noinline", "nounwind", "readnone"):
        fn.attributes.add(attribute)
    return fn


def _two_over_pi_table(module: ir.Module) -> ir.GlobalVariable:
    name = "graphc.vecmath.two_over_pi"
    table = module.globals.get(name)
    if table is None:
        ty = ir.ArrayType(ir.IntType(64), len(_TWO_OVER_PI_WORDS))
        table = ir.GlobalVariable(module, ty, name)
        table.linkage = "internal"
        table.global_constant = True
        table.unnamed_addr = True
        table.initializer = ir.Constant(ty, [ir.Constant(ir.IntType(64), w) for w in _TWO_OVER_PI_WORDS])
    return table


def _payne_hanek(e: _Emitter, x):
    """(q, r, y): x = q pi/2 + r + y, |r| <= pi/4, for a scalar double x with 2 <= |x| < inf,
    with an absolute error below 2^-124 (the closest a double comes to a multiple of pi/2 is
    about 2^-61, so r keeps more than 60 correct bits).

    With x = M 2^(E-63) (M the 64-bit significand) and 2/pi = sum of T_i 2^(-64i), the words
    before i = floor((E-1)/64) only add multiples of 4 to x 2/pi, which sin and cos cannot see,
    and the words after the next four add less than 2^-190.  Those five words shifted left by
    (E-1) mod 64 and multiplied by M (four exact 64x64-bit products) make S with
    x 2/pi = S 2^-254 (mod 4): its bits 255..254 are the quadrant, bits 253..128 the fraction.
    The fraction, rounded to the nearest quadrant, becomes a double-double by its leading bits
    and is multiplied by pi/2 with Dekker's exact product (plain multiplies and adds, so the result
    is the same whether or not the target fuses them).
    """
    b = e.b
    i64, i128 = ir.IntType(64), ir.IntType(128)
    bits = e.bits(x)
    exponent = b.sub(b.lshr(b.and_(bits, i64(0x7FF0000000000000)), i64(52)), i64(1024))  # E - 1
    m = b.shl(b.or_(b.and_(bits, i64(_F64.mant_mask)), i64(1 << 52)), i64(11))
    start = b.ashr(exponent, i64(6))
    shift = b.and_(exponent, i64(63))
    table = _two_over_pi_table(b.module)
    words = [b.load(b.gep(table, [i64(0), b.add(start, i64(j))], inbounds=True)) for j in range(5)]
    fshl = _intrinsic_int(b.module, "llvm.fshl", i64, 3)
    p = [b.mul(b.zext(m, i128), b.zext(b.call(fshl, [words[j], words[j + 1], shift]), i128)) for j in range(4)]
    # bits 255..128 of p0 2^192 + p1 2^128 + p2 2^64 + p3, carries included (no sum overflows)
    z = b.add(b.add(p[1], b.lshr(b.add(p[2], b.lshr(p[3], i128(64))), i128(64))), b.shl(p[0], i128(64)))
    q = b.trunc(b.lshr(b.add(z, i128(1 << 125)), i128(126)), i64)
    frac = b.shl(z, i128(2))              # x 2/pi - q in units of 2^-128, in [-1/2, 1/2)
    negative = b.icmp_signed("<", frac, i128(0))
    mag = b.select(negative, b.sub(i128(0), frac), frac)
    # |x 2/pi - q| as a double-double: three chunks of 53, 53 and 22 bits, each exact as a double,
    # added with TwoSum (a tiny fraction, where r is tiny, still gets more than 53 bits)
    chunks = [b.and_(b.trunc(b.lshr(mag, i128(shift_by)), i64), i64((1 << bits_) - 1)) for shift_by, bits_ in
              ((75, 53), (22, 53), (0, 22))]
    c2, c1, c0 = (e.mul(b.sitofp(c, e.ty), e.f(2.0 ** (k - 128))) for c, k in zip(chunks, (75, 22, 0)))
    hi = e.add(c2, c1)
    lo = e.add(e.sub(c1, e.sub(hi, c2)), c0)  # c2 >= c1 unless c2 == 0: Fast2Sum's error is exact
    hi, lo = e.add(hi, lo), e.sub(lo, e.sub(e.add(hi, lo), hi))
    # (hi + lo) pi/2: hi * _PIO2_HI exactly as p + err (Dekker), then the small products.
    t = e.mul(hi, e.f(_SPLITTER))
    hi_head = e.sub(t, e.sub(t, hi))
    hi_tail = e.sub(hi, hi_head)
    p = e.mul(hi, e.f(_PIO2_HI))
    err = e.add(e.add(e.add(e.sub(e.mul(hi_head, e.f(_PIO2_HI_HEAD)), p), e.mul(hi_head, e.f(_PIO2_HI_TAIL))),
                      e.mul(hi_tail, e.f(_PIO2_HI_HEAD))), e.mul(hi_tail, e.f(_PIO2_HI_TAIL)))
    tail = e.add(err, e.add(e.mul(hi, e.f(_PIO2_LO)), e.mul(lo, e.f(_PIO2_HI))))
    r = e.add(p, tail)
    y = e.sub(tail, e.sub(r, p))
    # sin(-x) = -sin(x): for x < 0 the quadrant and the remainder change sign
    x_negative = e.lt(x, e.f(0.0))
    flip = b.xor(negative, x_negative)
    r, y = e.sel(flip, e.neg(r), r), e.sel(flip, e.neg(y), y)
    return e.sel(x_negative, b.sub(i64(0), q), q), r, y


def _erf(e: _Emitter, x):
    ax = e.abs(x)
    # Near 0: x + x P(x^2), P(0) = 2/sqrt(pi) - 1, so the last step adds a small correction to x.
    near0 = e.fma(x, e.horner(e.mul(x, x), e.fmt.erf_small), x)
    # Beyond: erf = 1 - erfc with erfc = exp(L), L a fit of log(erfc) in |x| - 0.875 (anchored at
    # the left end, where erfc is largest, so Horner's rounding is small where it matters).
    # erfc <= 0.22 there, so exp's relative error is scaled down in the result.
    lg = e.horner(e.sub(ax, e.f(_ERF_SPLIT)), e.fmt.erf_big)
    far = e.sub(e.f(1.0), _exp(e, lg))
    far = e.sel(e.ge(ax, e.f(e.fmt.erf_cut)), e.f(1.0), far)
    return e.sel(e.lt(ax, e.f(_ERF_SPLIT)), near0, e.copysign_of_positive(far, x))


def _in_double(kernel: Callable) -> Callable:
    """Run a double-precision kernel for float inputs: fpext, compute, fptrunc (one rounding)."""

    def emit(e: _Emitter, x):
        if e.fmt is _F64:
            return kernel(e, x, single=False)
        dty = ir.VectorType(ir.DoubleType(), e.lanes) if e.lanes else ir.DoubleType()
        d = _Emitter(e.b, dty)
        return e.b.fptrunc(kernel(d, e.b.fpext(x, dty), single=True), e.ty)

    return emit


_sin = _in_double(lambda e, x, single: _sincos_double(e, x, cosine=False, single=single))
_cos = _in_double(lambda e, x, single: _sincos_double(e, x, cosine=True, single=single))


_KERNELS: dict[str, Callable] = {
    "exp": _exp,
    "expm1": _expm1,
    "log": _log,
    "log1p": _log1p,
    "sin": _sin,
    "cos": _cos,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "erf": _erf,
}


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def _check_type(ty: ir.Type) -> None:
    elem = ty.element if isinstance(ty, ir.VectorType) else ty
    if not isinstance(elem, ir.FloatType | ir.DoubleType):
        raise TypeError(f"vecmath: expected float, double or a vector of them, got {ty}")


def _define(module: ir.Module, fname: str, name: str, ty: ir.Type, inline: bool) -> ir.Function:
    fn = ir.Function(module, ir.FunctionType(ty, [ty]), fname)
    fn.linkage = "internal"
    if inline:
        fn.attributes.add("alwaysinline")
    else:
        fn.attributes = _CallableAttributes()
        fn.attributes.add("noinline")
        fn.attributes.add("readnone")  # no memory access: a loop calling it can still vectorize
    fn.attributes.add("nounwind")
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    builder.ret(_KERNELS[name](_Emitter(builder, ty), fn.args[0]))
    return fn


def _helper(module: ir.Module, name: str, ty: ir.Type) -> ir.Function:
    """The module's internal alwaysinline definition of `name` for `ty`, created on first use."""
    fname = f"graphc.vecmath.{name}.{_type_suffix(ty)}"
    return module.globals.get(fname) or _define(module, fname, name, ty, inline=True)


class _CallableAttributes(FunctionAttributes):
    """Function attributes that also take LLVM string attributes (`"key"="value"`)."""

    def add(self, name):
        if name.startswith('"'):
            return set.add(self, name)
        return super().add(name)


def _callable(module: ir.Module, name: str, ty: ir.Type, lanes: tuple[int, ...]) -> ir.Function:
    """The module's out-of-line definition of `name` for `ty`, with a vector variant for each width
    in `lanes` (scalar `ty` only), created on first use.

    The variants are announced by the `vector-function-abi-variant` attribute, so the loop
    vectorizer replaces a scalar call by a call of the variant of its width; `keep_variants`
    keeps them alive until it has run (nothing calls them before).
    """
    fname = f"graphc.vecmath.{name}.{_type_suffix(ty)}.call"
    fn = module.globals.get(fname)
    if fn is not None:
        return fn
    fn = _define(module, fname, name, ty, inline=False)
    if not isinstance(ty, ir.VectorType) and lanes:
        mangled = []
        for n in sorted(set(lanes)):
            vector = ir.VectorType(ty, n)
            variant = _callable(module, name, vector, ())
            mangled.append(f"_ZGV_LLVM_N{n}v_{fname}({variant.name})")
        fn.attributes.add(f'"vector-function-abi-variant"="{",".join(mangled)}"')
    return fn


def keep_variants(module: ir.Module) -> None:
    """List the module's out-of-line vector functions in `llvm.compiler.used`: until the loop vectorizer
    calls them, nothing does, and the optimizer would delete them first.  Call once, after the last
    `emit_math` into the module."""
    variants = [f for f in module.functions
                if f.name.startswith("graphc.vecmath.") and f.name.endswith(".call")
                and isinstance(f.ftype.return_type, ir.VectorType)]
    if not variants:
        return
    ptr = ir.PointerType()
    used = ir.GlobalVariable(module, ir.ArrayType(ptr, len(variants)), "llvm.compiler.used")
    used.linkage = "appending"
    used.section = "llvm.metadata"
    used.initializer = ir.Constant(ir.ArrayType(ptr, len(variants)),
                                   [ir.FormattedConstant(ptr, f.get_reference()) for f in variants])


def emit_math(builder: ir.IRBuilder, name: str, x: ir.Value, inline: bool = True,
              lanes: tuple[int, ...] = ()) -> ir.Value:
    """Emit ``name(x)`` at the builder's position; x is float/double or a vector of them.

    The result has x's type.  With `inline`, the function's body is inlined at every call: the
    fastest code, and the most for LLVM to compile (dozens of instructions each).  Otherwise it
    is one out-of-line function per module, which the loop vectorizer calls in its vector form
    of `lanes` elements (for scalar x); the module then needs `keep_variants`.
    Raises KeyError for an unknown name, TypeError for other types.
    """
    if name not in _KERNELS:
        raise KeyError(f"vecmath: unknown function {name!r}; known: {sorted(_KERNELS)}")
    _check_type(x.type)
    fn = _helper(builder.module, name, x.type) if inline else _callable(builder.module, name, x.type, lanes)
    return builder.call(fn, [x])


def _emitter_for(name: str) -> Callable[[ir.IRBuilder, ir.Value], ir.Value]:
    def emit(builder: ir.IRBuilder, x: ir.Value) -> ir.Value:
        return emit_math(builder, name, x)

    emit.__name__ = f"emit_{name}"
    emit.__doc__ = f"Emit {name}(x); see emit_math."
    return emit


MATH_FUNCTIONS: dict[str, Callable[[ir.IRBuilder, ir.Value], ir.Value]] = {
    name: _emitter_for(name) for name in _KERNELS
}
