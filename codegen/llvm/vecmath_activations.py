"""tanh, sigmoid and erf as vectorizable IR, built on `vecmath_exp`'s exp.

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

    >>> sigmoid(Emitter(builder, ir.FloatType()), x)
"""

from __future__ import annotations

from graphc.codegen.llvm.vecmath_emitter import LOG2E, Emitter
from graphc.codegen.llvm.vecmath_exp import exp, expm1_poly, reduce_ln2

_TANH_SPLIT = 0.5494  # just above atanh(1/2) = 0.549306, where the polynomial was fitted
_ERF_SPLIT = 0.875


def tanh(e: Emitter, x):
    ax = e.abs(x)
    # Below atanh(1/2): odd minimax polynomial (relative accuracy near 0).  Above, tanh >= 1/2
    # and 1 - 2e/(1+e) with e = exp(-2|x|) in (0, 1/3] is a small correction to 1: no overflow,
    # saturates to exactly 1 by itself, and exp's relative error is scaled down by e.
    z = e.mul(ax, ax)
    near0 = e.fma(e.mul(ax, z), e.horner(z, e.fmt.tanh_p), ax)
    # -2|x| is clamped where tanh has long rounded to 1; that keeps 2^n normal, so
    # e = (1 + p) 2^n is one fma.
    u = e.sub(e.neg(ax), ax)                  # -2|x| exactly, on the adders rather than the multipliers
    u_min = -(e.fmt.mant + 6) / LOG2E       # e^u_min is far below one ulp of 1
    n, r = reduce_ln2(e, e.at_least(u, u_min))
    t = e.pow2(n)
    ex = e.fma(t, expm1_poly(e, r), t)
    far = e.sub(e.f(1.0), e.div(e.add(ex, ex), e.add(ex, e.f(1.0))))
    mag = e.sel(e.lt(ax, e.f(_TANH_SPLIT)), near0, far)
    return e.copysign_of_positive(mag, x)


def sigmoid(e: Emitter, x):
    ex = exp(e, e.neg(e.abs(x)), nonpositive=True)   # in (0, 1]
    num = e.sel(e.lt(x, e.f(0.0)), ex, e.f(1.0))
    return e.div(num, e.add(e.f(1.0), ex))


def erf(e: Emitter, x):
    ax = e.abs(x)
    # Near 0: x + x P(x^2), P(0) = 2/sqrt(pi) - 1, so the last step adds a small correction to x.
    near0 = e.fma(x, e.horner(e.mul(x, x), e.fmt.erf_small), x)
    # Beyond: erf = 1 - erfc with erfc = exp(L), L a fit of log(erfc) in |x| - 0.875 (anchored at
    # the left end, where erfc is largest, so Horner's rounding is small where it matters).
    # erfc <= 0.22 there, so exp's relative error is scaled down in the result.
    lg = e.horner(e.sub(ax, e.f(_ERF_SPLIT)), e.fmt.erf_big)
    far = e.sub(e.f(1.0), exp(e, lg))
    far = e.sel(e.ge(ax, e.f(e.fmt.erf_cut)), e.f(1.0), far)
    return e.sel(e.lt(ax, e.f(_ERF_SPLIT)), near0, e.copysign_of_positive(far, x))
