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

Both branches of a piecewise function are computed and one is selected per lane: there is no
control flow (but for sin's and cos's rare call), which is what lets the loop vectorizer (and
explicit vectors) work.  All inputs are handled without traps or flags: NaN in gives NaN out,
infinities and signed zeros follow C99 Annex F.

Layout
------
``vecmath_emitter`` (formats, tables, ``Emitter``: typed arithmetic and the bit tricks),
``vecmath_exp`` (exp, expm1, log, log1p), ``vecmath_activations`` (tanh, sigmoid, erf),
``vecmath_trig`` (sin, cos, Payne-Hanek), ``vecmath_inverse`` (atan), ``vecmath_calls``
(definitions inline or out of line, vector variants, calls per lane), ``vecmath_width`` (the
host's vector width for the loops that evaluate them); each family's module describes its
algorithms.  This module is the table of functions and the API.

Width
-----
The kernels' loops are vectorized at the host's widest registers, asked of LLVM's host CPU
features (``graphc.runtime.llvm_compile.vector_bits``): 16 float32 lanes where the host has
AVX-512 (a kernel that evaluates these functions carries ``"prefer-vector-width"="512"``,
since LLVM's tuning for Intel's AVX-512 CPUs would otherwise keep 256 bits), 8 with AVX2.

Accuracy
--------
Max error in ulp (units of the spacing of the result's type at the exact value; denormal results
in denormal ulps) against numpy in higher precision: float64 for float32 results, 80-bit
``np.longdouble`` for float64 results (mpmath for erf).  float32: every one of the 2^32 inputs.
float64: ~17 million inputs per function (atan: 2 million), random bit patterns (every exponent), dense samples
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
atan       0.50 / 0.50             0.86 / 0.86
=========  ======================  ======================

sigmoid is the loosest: for x < 0 the result ``e/(1+e)`` lies just below a power of two where
``e`` lies just above one, so exp's error counts double.  Throughput with AVX2 on the
development machine (Zen 3, 16k-element loop): float32 exp 0.5 ns/element (numpy 1.3),
log 0.75 (1.7), sin 1.4 (1.6), tanh 1.0 (2.6); float64 exp 1.5 (5.1), sin 2.4 (15.4).  The exact
reduction made sin and cos about 10% slower on float32 and a few % on float64 in the common
range (the call per vector); a large argument costs about 50 ns.
"""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir

from graphc.codegen.llvm.vecmath_activations import erf, sigmoid, tanh
from graphc.codegen.llvm.vecmath_calls import inline_definition, keep_variants, out_of_line
from graphc.codegen.llvm.vecmath_exp import exp, expm1, log, log1p
from graphc.codegen.llvm.vecmath_inverse import atan
from graphc.codegen.llvm.vecmath_trig import cos, sin

__all__ = ["MATH_FUNCTIONS", "emit_math", "keep_variants"]

# name -> kernel(Emitter, x) returning the value of name(x) (a new function joins here and in its family's module)
KERNELS: dict[str, Callable] = {
    "exp": exp,
    "expm1": expm1,
    "log": log,
    "log1p": log1p,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "erf": erf,
    "atan": atan,
}


def _check_type(ty: ir.Type) -> None:
    elem = ty.element if isinstance(ty, ir.VectorType) else ty
    if not isinstance(elem, ir.FloatType | ir.DoubleType):
        raise TypeError(f"vecmath: expected float, double or a vector of them, got {ty}")


def emit_math(builder: ir.IRBuilder, name: str, x: ir.Value, inline: bool = True,
              lanes: tuple[int, ...] = ()) -> ir.Value:
    """Emit ``name(x)`` at the builder's position; x is float/double or a vector of them.

    The result has x's type.  With `inline`, the function's body is inlined at every call: the
    fastest code, and the most for LLVM to compile (dozens of instructions each).  Otherwise it
    is one out-of-line function per module, which the loop vectorizer calls in its vector form
    of `lanes` elements (for scalar x); the module then needs `keep_variants`.
    Raises KeyError for an unknown name, TypeError for other types.
    """
    if name not in KERNELS:
        raise KeyError(f"vecmath: unknown function {name!r}; known: {sorted(KERNELS)}")
    _check_type(x.type)
    kernel = KERNELS[name]
    if inline:
        fn = inline_definition(builder.module, name, kernel, x.type)
    else:
        fn = out_of_line(builder.module, name, kernel, x.type, lanes)
    return builder.call(fn, [x])


def _emitter_for(name: str) -> Callable[[ir.IRBuilder, ir.Value], ir.Value]:
    def emit(builder: ir.IRBuilder, x: ir.Value) -> ir.Value:
        return emit_math(builder, name, x)

    emit.__name__ = f"emit_{name}"
    emit.__doc__ = f"Emit {name}(x); see emit_math."
    return emit


MATH_FUNCTIONS: dict[str, Callable[[ir.IRBuilder, ir.Value], ir.Value]] = {
    name: _emitter_for(name) for name in KERNELS
}
