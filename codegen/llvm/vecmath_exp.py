"""exp, expm1, log and log1p as vectorizable IR (`codegen.llvm.vecmath`'s exp/log family).

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

    >>> exp(Emitter(builder, ir.DoubleType()), x)      # the value of e^x, no calls
"""

from __future__ import annotations

from graphc.codegen.llvm.vecmath_emitter import LOG2E, Emitter


def reduce_ln2(e: Emitter, x):
    """n = round(x/ln2), r = x - n ln2 with |r| <= ln2/2 (two-part Cody-Waite)."""
    nf, n = e.round_mul_to_int(x, LOG2E)
    r = e.fma(nf, e.f(-e.fmt.ln2_hi), x)     # exact: n*ln2_hi has few bits, Sterbenz
    r = e.fma(nf, e.f(-e.fmt.ln2_lo), r)
    return n, r


def expm1_poly(e: Emitter, r):
    """expm1(r) = r + r^2 Q(r) for |r| <= ln2/2, relatively accurate as r -> 0."""
    return e.fma(e.mul(r, r), e.horner(r, e.fmt.expm1_q), r)


def _exp_from(e: Emitter, p, n):
    """(1 + p) 2^n for p = expm1(r): fma(t1, p, t1) * 2^(n - n1) with t1 = 2^n1, n1 = n//2.

    Both factors are normal for every n the clamped exp argument gives, so (1 + p) is rounded
    once (inside the fma) and the last multiply only rounds where the result is denormal or
    overflows.
    """
    n1 = e.ashr(n, 1)
    t1 = e.pow2(n1)
    return e.mul(e.fma(t1, p, t1), e.pow2(e.isub(n, n1)))


def exp(e: Emitter, x, nonpositive: bool = False):
    """e^x; `nonpositive`: the caller knows x <= 0 (or NaN), so the overflow clamp is left out."""
    if nonpositive:
        x = e.at_least(x, e.fmt.min_exp_arg)
    else:
        x = e.clamp(x, e.fmt.min_exp_arg, e.fmt.max_exp_arg)
    n, r = reduce_ln2(e, x)
    return _exp_from(e, expm1_poly(e, r), n)


def expm1(e: Emitter, x):
    xc = e.clamp(x, e.fmt.min_exp_arg, e.fmt.max_exp_arg)
    n, r = reduce_ln2(e, xc)
    p = expm1_poly(e, r)
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


def _split_exponent(e: Emitter, x):
    """x = 2^k * m with m in [sqrt2/2, sqrt2): (integer k, m).  x must be positive and normal.

    Subtracting the bits of sqrt2/2 first makes the exponent field roll over at sqrt2 rather than
    at 2, so m - 1 is centred on 0 and the log series converges fastest.
    """
    ix = e.isub(e.bits(x), e.i(e.fmt.sqrt_half_bits))
    k = e.ashr(ix, e.fmt.mant)
    m = e.from_bits(e.iadd(e.iand(ix, e.i(e.fmt.mant_mask)), e.i(e.fmt.sqrt_half_bits)))
    return k, m


def _log1p_kernel(e: Emitter, f, kf, c):
    """k ln2 + log(1+f) + c for f in [sqrt2/2-1, sqrt2-1] (fdlibm's arrangement)."""
    s = e.div(f, e.add(e.f(2.0), f))
    z = e.mul(s, s)
    big_r = e.mul(z, e.horner(z, e.fmt.log_r))
    hfsq = e.mul(e.mul(e.f(0.5), f), f)
    tail = e.fma(s, e.add(hfsq, big_r), e.fma(kf, e.f(e.fmt.ln2_lo), c))
    return e.fma(kf, e.f(e.fmt.ln2_hi), e.neg(e.sub(e.sub(hfsq, tail), f)))


def log(e: Emitter, x):
    fmt = e.fmt
    tiny = e.lt(x, e.f(2.0 ** (1 - fmt.bias)))            # denormal (or 0/negative: fixed below)
    xs = e.sel(tiny, e.mul(x, e.f(2.0 ** fmt.mant)), x)
    k, m = _split_exponent(e, xs)
    k = e.isub(k, e.sel(tiny, e.i(fmt.mant), e.i(0)))
    res = _log1p_kernel(e, e.sub(m, e.f(1.0)), e.int_to_float(k), e.f(0.0))
    res = e.sel(e.eq(x, e.f(float("inf"))), x, res)
    res = e.sel(e.eq(x, e.f(0.0)), e.f(float("-inf")), res)
    return e.sel(e.lt_or_nan(x, e.f(0.0)), e.f(float("nan")), res)


def log1p(e: Emitter, x):
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
