"""atan as vectorizable IR: the one inverse trigonometric primitive (asin, acos and atan2 are built on it).

``a = |x|`` is reduced by ``atan(a) = atan(c) + atan((a - c)/(1 + c a))`` with ``c`` one of
0, 1/2, 1, 3/2 (a chosen per lane with ``select``, by where a lies: below 7/16, 11/16, 19/16,
39/16), or beyond 39/16 by ``atan(a) = pi/2 + atan(-1/a)``.  ``a - c`` is exact (Sterbenz) in
each piece and ``1 + c a`` is one ``fmuladd``, so the reduced ``z`` is off by about one rounding,
and outside the first piece ``|z| <= 0.16`` is small beside the result: that error is damped.
(Three pieces, with tan(pi/8) and tan(3pi/8) as the bounds, measured 2 ulp near a = 0.46,
where ``pi/4`` and ``atan(z)`` nearly cancel.)  Then ``atan(z) = z + z^3 P(z^2)`` on
``|z| <= 7/16``, ``P`` a minimax fit of the relative error of the result (linear Remez exchange
in 60-digit mpmath, as the other tables), and ``atan(c)`` is added last as a two-part constant,
``hi + (z + z^3 P + lo)``, so its rounding is one.  The sign of x is copied back by bits
(``atan(-0) = -0``); NaN fails every compare and flows through the first piece, and
``-1/inf = -0`` gives ``pi/2`` at infinity.  float32 runs the double algorithm with a shorter
polynomial (relative error 2^-33.5) and rounds once.

    >>> atan(Emitter(builder, ir.VectorType(ir.DoubleType(), 4)), x)
"""

from __future__ import annotations

from graphc.codegen.llvm.vecmath_emitter import Emitter, hexfloat, in_double

# (lower bound of the piece, c, atan(c) as hi + lo), above the first piece (c = 0)
_PIECES = (
    (7 / 16, 0.5, hexfloat("0x1.dac670561bb4fp-2"), hexfloat("0x1.a2b7f222f65e2p-56")),
    (11 / 16, 1.0, hexfloat("0x1.921fb54442d18p-1"), hexfloat("0x1.1a62633145c07p-55")),
    (19 / 16, 1.5, hexfloat("0x1.f730bd281f69bp-1"), hexfloat("0x1.007887af0cbbdp-56")),
)
_FAR = 39 / 16  # above: pi/2 + atan(-1/a)
_PIO2_HI, _PIO2_LO = hexfloat("0x1.921fb54442d18p+0"), hexfloat("0x1.1a62633145c07p-54")
# atan(z) = z + z^3 P(z^2) on |z| <= 7/16: relative error 2^-56.8 (double), 2^-33.5 (float)
_ATAN_P64 = tuple(map(hexfloat, (
    "-0x1.5555555555532p-2", "0x1.999999999248fp-3", "-0x1.24924920f483ep-3", "0x1.c71c701cbe765p-4",
    "-0x1.745ce0398448fp-4", "0x1.3b0f4ead9249fp-4", "-0x1.10d6f6d828fc5p-4", "0x1.dde08604558aep-5",
    "-0x1.978b44acd0fd2p-5", "0x1.2aa861fce7ab8p-5", "-0x1.093b9b877614fp-6")))
_ATAN_P32 = tuple(map(hexfloat, (
    "-0x1.555554977e754p-2", "0x1.9998dbbfed68ap-3", "-0x1.247654c51825fp-3", "0x1.c37a33215c8cdp-4",
    "-0x1.55d782809d227p-4", "0x1.6e23485147bfbp-5")))


def _atan_double(e: Emitter, x, single: bool):
    a = e.abs(x)
    c, hi, lo = e.f(0.0), e.f(0.0), e.f(0.0)
    for bound, c_k, hi_k, lo_k in _PIECES:
        above = e.gt(a, e.f(bound))
        c, hi, lo = e.sel(above, e.f(c_k), c), e.sel(above, e.f(hi_k), hi), e.sel(above, e.f(lo_k), lo)
    far = e.gt(a, e.f(_FAR))
    numerator = e.sel(far, e.f(-1.0), e.sub(a, c))
    denominator = e.sel(far, a, e.fma(c, a, e.f(1.0)))
    hi, lo = e.sel(far, e.f(_PIO2_HI), hi), e.sel(far, e.f(_PIO2_LO), lo)
    z = e.div(numerator, denominator)
    w = e.mul(z, z)
    poly = e.fma(e.mul(z, w), e.horner(w, _ATAN_P32 if single else _ATAN_P64), z)
    return e.copysign_of_positive(e.add(hi, e.add(poly, lo)), x)


atan = in_double(_atan_double)
