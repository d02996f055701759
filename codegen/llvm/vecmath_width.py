"""The width of vectorized math: the host's widest vector registers, not LLVM's tuning default.

LLVM's loop vectorizer sizes vectors by the target's *preferred* width, and for the Intel CPUs
with AVX-512 (skylake-avx512, icelake, rocketlake, sapphirerapids; not znver4) that preference
is 256 bits: a kernel of exp/tanh/sigmoid ran 8 float32 lanes in ymm registers there, half
the work per instruction the host can do.  The function attribute
``"prefer-vector-width"="<bits>"`` lifts the preference for one function: with the host's 512
bits, the same IR runs 16 lanes in zmm registers.  The widths come from the host
(``graphc.runtime.llvm_compile.vector_bits`` asks LLVM's host CPU features for ``+avx512f``);
nothing here assumes a CPU.  Kernels without math keep LLVM's choice: a memory-bound loop gains
nothing from wider registers, and some of these CPUs lower their clock for heavy 512-bit code.

    >>> prefer_host_width(body, vector_bits=(256, 512))
    >>> body.attributes
    ... "prefer-vector-width"="512" ...
"""

from __future__ import annotations

from llvmlite import ir

from graphc.codegen.llvm.vecmath_calls import CallableAttributes

# LLVM prefers 256-bit vectors on most AVX-512 CPUs unless a function asks for more
_LLVM_DEFAULT_PREFERENCE = 256


def preferred_width(vector_bits: tuple[int, ...] | None) -> int | None:
    """The width (bits) to ask for, or None where LLVM's own choice is already the host's widest."""
    if not vector_bits:
        return None
    widest = max(vector_bits)
    return widest if widest > _LLVM_DEFAULT_PREFERENCE else None


def prefer_host_width(fn: ir.Function, vector_bits: tuple[int, ...] | None) -> None:
    """Ask the loop vectorizer for the host's widest vectors in `fn` (a kernel that evaluates math)."""
    width = preferred_width(vector_bits)
    if width is None:
        return
    if not isinstance(fn.attributes, CallableAttributes):
        attributes = CallableAttributes()
        for attribute in fn.attributes:
            attributes.add(attribute)
        fn.attributes = attributes
    fn.attributes.add(f'"prefer-vector-width"="{width}"')
