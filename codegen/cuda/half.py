"""float16 and bfloat16 in the CUDA renderer: `__half`/`__nv_bfloat16` in memory, `float` in registers.

As in the LLVM renderer (graphc.codegen.llvm.half), a half value in a register is a float that
holds a value of its dtype exactly: the expressions are float expressions, a load widens
(`__half2float`, `__bfloat162float`: exact), a store narrows (`__float2half_rn`,
`__float2bfloat16_rn`: round to nearest even), and a cast to a half dtype rounds in a register
(`gc_round_float16`, `gc_round_bfloat16` below).  A double is rounded once, straight to the half
dtype (`__double2half`, `__double2bfloat16`), as numpy and ml_dtypes do; integers go through
double (exact for int32).

    >>> load_text("p0[i0]", dtypes.bfloat16)
    '__bfloat162float(p0[i0])'
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes

MEMORY_TYPES = {dtypes.float16: "__half", dtypes.bfloat16: "__nv_bfloat16"}
_WIDEN = {dtypes.float16: "__half2float", dtypes.bfloat16: "__bfloat162float"}
_NARROW = {dtypes.float16: "__float2half_rn", dtypes.bfloat16: "__float2bfloat16_rn"}

# included only by modules that have a half buffer: the others' text stays as it was
PRELUDE = r"""#include <cuda_fp16.h>
#include <cuda_bf16.h>
__device__ __forceinline__ float gc_round_float16(float x) { return __half2float(__float2half_rn(x)); }
__device__ __forceinline__ float gc_round_float16(double x) { return __half2float(__double2half(x)); }
template <typename T> __device__ __forceinline__ float gc_round_float16(T x) { return gc_round_float16((double)x); }
__device__ __forceinline__ float gc_round_bfloat16(float x) { return __bfloat162float(__float2bfloat16_rn(x)); }
__device__ __forceinline__ float gc_round_bfloat16(double x) { return __bfloat162float(__double2bfloat16(x)); }
template <typename T> __device__ __forceinline__ float gc_round_bfloat16(T x) {
  return gc_round_bfloat16((double)x);
}
"""


def is_half(dtype) -> bool:
    return np.dtype(dtype) in dtypes.HALF


def load_text(text: str, dtype) -> str:
    """The float value of a half element read as `text`; other dtypes' text unchanged."""
    return f"{_WIDEN[np.dtype(dtype)]}({text})" if is_half(dtype) else text


def store_text(text: str, dtype) -> str:
    """The stored element of dtype `dtype` for the register value `text` (a float for half dtypes)."""
    return f"{_NARROW[np.dtype(dtype)]}({text})"


def round_text(text: str, dtype) -> str:
    """`text` rounded to half dtype `dtype`, kept as a float."""
    return f"gc_round_{np.dtype(dtype).name}({text})"
