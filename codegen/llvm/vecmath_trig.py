"""sin and cos as vectorizable IR, with Payne-Hanek's exact reduction of huge arguments out of line.

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

    >>> sin(Emitter(builder, ir.VectorType(ir.FloatType(), 8)), x)   # reduced and evaluated in double
"""

from __future__ import annotations

from llvmlite import ir

from graphc.codegen.llvm.vecmath_calls import CallableAttributes, call_lanes, preserve_all, unlikely
from graphc.codegen.llvm.vecmath_emitter import BINARY64, Emitter, hexfloat, in_double, intrinsic_int

_TWO_OVER_PI = hexfloat("0x1.45f306dc9c883p-1")
# pi/2 = P1 + ... + P5; P1..P4 have <= 23 significant bits, so n * P_i is exact in double for
# |n| < 2^30 whether or not fmuladd fuses, and only n * P5 (~2^-66) is ever rounded.
_PIO2 = tuple(map(hexfloat, ("0x1.921fb4p+0", "0x1.4442d0p-24", "0x1.846988p-48", "0x1.8cc518p-72",
                       "-0x1.fc8f8cbb5bf6cp-97")))
# float32 inputs: three parts, the last one a full double (pi/2 to ~100 bits is plenty).
_PIO2_F32 = tuple(map(hexfloat, ("0x1.921fb4p+0", "0x1.4442d0p-24", "0x1.8469898cc5170p-48")))
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
_PIO2_HI, _PIO2_LO = hexfloat("0x1.921fb54442d18p+0"), hexfloat("0x1.1a62633145c07p-54")
_PIO2_HI_HEAD = hexfloat("0x1.921fb58p+0")
_PIO2_HI_TAIL = _PIO2_HI - _PIO2_HI_HEAD
_SPLITTER = 134217729.0  # 2^27 + 1: Veltkamp's split of a double into two 26-bit halves
# sin(r) = r + r^3 S(r^2), cos(r) = 1 - r^2/2 + r^4 C(r^2) on |r| <= 0.786, evaluated in double.
# Full-precision kernels for float64; shorter ones (error 2^-36, 2^-41) for float32 results.
_SIN_S64 = tuple(map(hexfloat, ("-0x1.555555555554cp-3", "0x1.111111110fb25p-7", "-0x1.a01a019c2a927p-13",
                          "0x1.71de3569add92p-19", "-0x1.ae5e479b6eaa5p-26", "0x1.5d8609eb68503p-33")))
_COS_C64 = tuple(map(hexfloat, ("0x1.5555555555553p-5", "-0x1.6c16c16c1611ep-10", "0x1.a01a019e21dcap-16",
                          "-0x1.27e4f90129527p-22", "0x1.1eea86ff2e75ep-29", "-0x1.8ff8731422a79p-37")))
_SIN_S32 = tuple(map(hexfloat, ("-0x1.5555554d92ceap-3", "0x1.1111086d9be4ap-7", "-0x1.a00f3105b07e2p-13",
                          "0x1.6cb5686bd449bp-19")))
_COS_C32 = tuple(map(hexfloat, ("0x1.55555552be385p-5", "-0x1.6c16bba7c59d4p-10", "0x1.a012c99d9a31fp-16",
                          "-0x1.24739d3810ccep-22")))


def _two_diff(e: Emitter, a, b):
    """(a - b rounded, its exact rounding error): Knuth's TwoSum, valid for any magnitudes."""
    d = e.sub(a, b)
    bv = e.sub(a, d)
    return d, e.add(e.sub(a, e.add(d, bv)), e.sub(bv, b))


def _reduce_pio2(e: Emitter, x, single: bool):
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


def _sincos_double(e: Emitter, x, cosine: bool, single: bool):
    """sin or cos of a double-typed x; `single` picks the shorter tables for float32 results."""
    q, r, y = _reduce_pio2(e, x, single)
    if cosine:
        q = e.iadd(q, e.i(1))                 # cos(x) = sin(x + pi/2)
    v = _with_large_arguments(e, x, _sincos_kernel(e, q, r, y, single), cosine)
    if not cosine:
        v = e.sel(e.eq(x, e.f(0.0)), x, v)    # sin(-0) = -0
    return v


def _sincos_kernel(e: Emitter, q, r, y, single: bool):
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


def _with_large_arguments(e: Emitter, x, fast, cosine: bool):
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
        return call_lanes(b, large, x, flag, big, fast)
    entry = b.block
    call_bb, done = b.function.append_basic_block("sincos.large"), b.function.append_basic_block("sincos.done")
    unlikely(b.cbranch(big, call_bb, done))
    b.position_at_end(call_bb)
    v_large = b.call(large, [x, flag])
    b.branch(done)
    b.position_at_end(done)
    v = b.phi(e.ty)
    v.add_incoming(fast, entry)
    v.add_incoming(v_large, call_bb)
    return v


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
    fn.attributes = CallableAttributes()
    for attribute in ("noinline", "nounwind", "readnone"):
        fn.attributes.add(attribute)
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    e = Emitter(b, double)
    x, cosine = fn.args
    q, r, y = _payne_hanek(e, x)
    v = _sincos_kernel(e, e.iadd(q, b.zext(cosine, e.ity)), r, y, single=False)
    b.ret(e.sel(e.eq(e.abs(x), e.f(float("inf"))), e.f(float("nan")), v))
    mangled = []
    for n in _LARGE_SINCOS_LANES:
        vty, mty = ir.VectorType(double, n), ir.VectorType(ir.IntType(1), n)
        variant, lanes = (preserve_all(module, ir.FunctionType(vty, [vty, i32, mty]),
                                        f"graphc.vecmath.sincos_large.v{n}f64.{kind}") for kind in ("call", "lanes"))
        lb = ir.IRBuilder(lanes.append_basic_block("entry"))
        lb.ret(call_lanes(lb, fn, *lanes.args, lanes.args[0]))
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


def _payne_hanek(e: Emitter, x):
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
    m = b.shl(b.or_(b.and_(bits, i64(BINARY64.mant_mask)), i64(1 << 52)), i64(11))
    start = b.ashr(exponent, i64(6))
    shift = b.and_(exponent, i64(63))
    table = _two_over_pi_table(b.module)
    words = [b.load(b.gep(table, [i64(0), b.add(start, i64(j))], inbounds=True)) for j in range(5)]
    fshl = intrinsic_int(b.module, "llvm.fshl", i64, 3)
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


sin = in_double(lambda e, x, single: _sincos_double(e, x, cosine=False, single=single))
cos = in_double(lambda e, x, single: _sincos_double(e, x, cosine=True, single=single))
