"""CUDA C for every `graphc.scalar` primitive, in float32 (the `f`-suffixed libm), float64, ints and bool.

An expression tree becomes a list of `const T tN = ...;` lines (one per distinct
subexpression, so a value used twice is computed once) and the name of its
result; names are numbered in walk order, so the same tree gives the same text.

    >>> x = Scalar.arg(0, np.dtype("float32"))
    >>> ScalarEmitter(lambda i: "x[i]").emit(call("exp", x))
    't1'    # lines: ['const float t0 = x[i];', 'const float t1 = expf(t0);']
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from graphc.codegen.cuda.half import MEMORY_TYPES, is_half, round_text
from graphc.scalar import PRIMITIVES, Scalar, postorder

C_TYPES = {
    "float16": "float", "bfloat16": "float",  # in registers; in memory `half.MEMORY_TYPES`
    "float32": "float", "float64": "double", "bool": "bool",
    "int8": "signed char", "int16": "short", "int32": "int", "int64": "long long",
    "uint8": "unsigned char", "uint16": "unsigned short", "uint32": "unsigned int", "uint64": "unsigned long long",
}

# helpers the expressions call: NaN-propagating max/min as numpy, a stable sigmoid, integer abs/pow
PRELUDE = r"""
template <typename T> __device__ __forceinline__ T gc_max(T a, T b) { return (a != a || a > b) ? a : b; }
template <typename T> __device__ __forceinline__ T gc_min(T a, T b) { return (a != a || a < b) ? a : b; }
template <typename T> __device__ __forceinline__ T gc_abs(T a) { return a < T(0) ? T(-a) : a; }
__device__ __forceinline__ bool gc_abs(bool a) { return a; }
__device__ __forceinline__ float gc_sigmoid(float x) {
  if (x >= 0.0f) { return 1.0f / (1.0f + expf(-x)); }
  const float e = expf(x); return e / (1.0f + e);
}
__device__ __forceinline__ double gc_sigmoid(double x) {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  const double e = exp(x); return e / (1.0 + e);
}
template <typename T> __device__ __forceinline__ T gc_ipow(T base, T e) {
  T result = 1;
  if (e < 0) { return base == 1 ? T(1) : (base == T(-1) ? ((e & 1) ? T(-1) : T(1)) : T(0)); }
  while (e) { if (e & 1) { result *= base; } base *= base; e >>= 1; }
  return result;
}
"""

_FLOAT_FNS = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tanh": "tanh", "sqrt": "sqrt",
              "log1p": "log1p", "expm1": "expm1", "floor": "floor", "pow": "pow", "erf": "erf", "atan": "atan",
              "rem": "fmod"}
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
          "eq": "==", "ne": "!=", "and": "&&", "or": "||",
          # integers' bits; >> of a signed value is arithmetic in nvcc, as numpy's right_shift
          "bitand": "&", "bitor": "|", "bitxor": "^", "shl": "<<", "shr": ">>"}


def c_type(dtype) -> str:
    name = np.dtype(dtype).name
    if name not in C_TYPES:
        raise NotImplementedError(f"the CUDA backend has no type for {name}")
    return C_TYPES[name]


def memory_type(dtype) -> str:
    """The C type of a buffer's elements: `c_type`, but the 16-bit types of the half dtypes."""
    return MEMORY_TYPES[np.dtype(dtype)] if is_half(dtype) else c_type(dtype)


def literal(value, dtype) -> str:
    """An exact C literal of `value` as `dtype` (inf and NaN through their bit patterns)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return "true" if value else "false"
    if dtype.kind in "iu":
        v = int(value)
        if dtype.itemsize < 8:
            return f"(({c_type(dtype)}){v})"
        if dtype.kind == "u":
            return f"{v}ULL"
        return f"({v + 1}LL - 1)" if v == np.iinfo(np.int64).min else f"{v}LL"
    v = float(value)
    f32 = dtype == np.float32 or is_half(dtype)  # a half dtype's value is a float in registers
    if math.isnan(v):
        return "__int_as_float(0x7fc00000)" if f32 else "__longlong_as_double(0x7ff8000000000000LL)"
    if math.isinf(v):
        bits = ("0xff800000" if v < 0 else "0x7f800000") if f32 else \
            ("0xfff0000000000000ULL" if v < 0 else "0x7ff0000000000000ULL")
        return f"__int_as_float({bits})" if f32 else f"__longlong_as_double((long long){bits})"
    text = repr(v)  # shortest round-trip text of the double; as float it rounds to the same float32
    if "e" not in text and "." not in text and "inf" not in text:
        text += ".0"
    return f"{text}f" if f32 else text


def primitive(op: str, dtype: np.dtype, args: list[str], arg_dtypes: list[np.dtype], target=None) -> str:
    """CUDA C for one primitive applied to already-named operands."""
    dtype = np.dtype(dtype)
    floaty = (arg_dtypes[0] if arg_dtypes else dtype).kind == "f"
    suffix = "f" if floaty and (arg_dtypes[0] if arg_dtypes else dtype) == np.float32 else ""
    if op in _INFIX:
        return f"({args[0]} {_INFIX[op]} {args[1]})"
    if op == "neg":
        return f"(!{args[0]})" if dtype.kind == "b" else f"(-{args[0]})"
    if op == "not":
        return f"(!{args[0]})"
    if op in ("max", "min"):
        return f"gc_{op}({args[0]}, {args[1]})"
    if op == "abs":
        return f"fabs{suffix}({args[0]})" if floaty else f"gc_abs({args[0]})"
    if op == "sigmoid":
        return f"gc_sigmoid({args[0]})"
    if op == "select":
        return f"({args[0]} ? {args[1]} : {args[2]})"
    if op == "cast":
        if is_half(target):
            return round_text(args[0], target)
        if np.dtype(target).kind == "b":
            return f"({args[0]} != 0)"
        return f"(({c_type(target)}){args[0]})"
    if op == "pow" and not floaty:
        return f"gc_ipow({args[0]}, {args[1]})"
    if op == "rem" and not floaty:  # C's %, truncating as fmod; the op's rule keeps a zero divisor away
        return f"({args[0]} % {args[1]})"
    if op == "floor" and not floaty:
        return args[0]
    if op in _FLOAT_FNS:
        if not floaty:
            raise NotImplementedError(f"{op} on {dtype} (the op's scalar rule should cast to float first)")
        return f"{_FLOAT_FNS[op]}{suffix}({', '.join(args)})"
    raise NotImplementedError(f"CUDA renderer lacks scalar primitive {op}")


assert set(PRIMITIVES) - {"arg", "const"} <= set(_INFIX) | set(_FLOAT_FNS) | {
    "neg", "not", "max", "min", "abs", "sigmoid", "select", "cast"}, "a scalar primitive has no CUDA rendering"


class ScalarEmitter:
    """Emits an expression as named temporaries; `operand(i)` gives the C text of leaf `arg i`."""

    def __init__(self, operand: Callable[[int], str], prefix: str = "t",
                 gathered: Callable[[int, str], str] | None = None):
        self.operand = operand
        self.gathered = gathered  # (Gather operand, C name of its clamped index) -> the C text of the read
        self.prefix = prefix
        self.lines: list[str] = []
        self.memo: dict[int, tuple[Scalar, str]] = {}  # id -> (node, its C name)

    def fresh(self, dtype, text: str) -> str:
        name = f"{self.prefix}{len(self.lines)}"
        self.lines.append(f"const {c_type(dtype)} {name} = {text};")
        return name

    def clamped(self, index: str, extent: int) -> str:
        """An index counted from the end when negative, clamped into [0, extent): an indirect access
        never leaves its buffer (whether it was in range the graph checks itself)."""
        wrapped = self.fresh(np.dtype(np.int64), f"{index} < 0LL ? {index} + {extent}LL : {index}")
        return self.fresh(np.dtype(np.int64), f"{wrapped} < 0LL ? 0LL : ({wrapped} > {extent - 1}LL ? "
                                              f"{max(extent - 1, 0)}LL : {wrapped})")

    def emit(self, e: Scalar) -> str:
        for node in postorder(e, known=self.memo):
            if node.op == "const":
                out = literal(node.value, node.dtype)
            elif node.op == "arg":
                out = self.fresh(node.dtype, self.operand(node.value))
            elif node.op == "gather":
                index = self.memo[id(node.args[0])][1]
                out = self.fresh(node.dtype, self.gathered(node.value, index))
            else:
                args = [self.memo[id(a)][1] for a in node.args]
                text = primitive(node.op, node.dtype, args, [a.dtype for a in node.args], target=node.value)
                out = self.fresh(node.dtype, text)
            self.memo[id(node)] = (node, out)  # keeps node alive so its id is not reused
        return self.memo[id(e)][1]
