"""What a saved graph may contain: the attribute types, their decoders, and the size limits.

The graph format (docs/format.md) stores op attributes as plain JSON values.
Each op declares how many inputs it takes and the type of each attribute
(`Op.arity`, `Op.attributes`, in graphc/ops), so that loading can check a file
completely *before* it builds anything: a hostile file meets a precise error,
never an op's internals.  The ops in the registry are exactly the ops a file may hold.

    REGISTRY["where"].arity          # 3
    REGISTRY["sum"].attributes       # {"axes": "axes", "keepdims": "bool"}
    decode_attr("axes", [0, 1], where="node 4 (sum) attribute 'axes'")   # (0, 1)
"""

from __future__ import annotations

import math

import numpy as np

from graphc import dtypes
from graphc.errors import GraphFormatError
from graphc.ops.registry import REGISTRY

FORMAT_NAME = "graphc-graph"
FORMAT_VERSION = 2               # what a graph with control flow is written as (bodies as subgraphs)
READABLE_VERSIONS = (1, 2)       # a graph without control flow is still written as version 1

# ---- limits: a file asking for more than this is refused before anything is allocated ----------
MAX_FILE_BYTES = 64 << 20         # the JSON text: parsed, it may take JSON_MEMORY_FACTOR times as much
MAX_NODES = 250_000               # what about 64 MiB holds (a node line is about 200 bytes)
MAX_METADATA_BYTES = 1 << 20      # the metadata object, as JSON text
JSON_MEMORY_FACTOR = 25           # Python objects per byte of JSON at worst: "[{},{},...]" is 24 bytes per byte
MAX_INPUTS = 1 << 16              # inputs of one node (concatenate takes any number)
MAX_NDIM = 32
MAX_DIM = 1 << 40                 # one dimension
MAX_ELEMENTS = 1 << 36            # one tensor (64 G elements: 256 GiB of float32)
MAX_INLINE_BYTES = 1 << 20        # one array stored inline as base64
MAX_ARRAY_BYTES = 1 << 34         # one array stored in the side .npz
MAX_NAME_CHARS = 1000

def _fail(where: str, message: str):
    raise GraphFormatError(f"{where}: {message}")


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(value, where: str, low: int, allow_none: bool = False) -> tuple:
    if not isinstance(value, list):
        _fail(where, f"expected a list of integers, got {_describe(value)}")
    if len(value) > MAX_NDIM:
        _fail(where, f"{len(value)} entries is more than the limit of {MAX_NDIM} axes")
    for v in value:
        if v is None and allow_none:
            continue
        if not is_int(v) or not low <= v <= MAX_DIM:
            _fail(where, f"entry {_describe(v)} is not an integer in [{low}, {MAX_DIM}]")
    return tuple(value)


def decode_dims(value, where: str, allow_none: bool = True) -> tuple:
    """A shape: non-negative ints (None for a feed-time size), within the size limits."""
    dims = _int_list(value, where, 0, allow_none)
    elements = math.prod(d for d in dims if d is not None)
    if elements > MAX_ELEMENTS:
        _fail(where, f"shape {list(dims)} has {elements} elements, more than the limit of {MAX_ELEMENTS}")
    return dims


def _decode_axes(value, where: str) -> tuple:
    axes = _int_list(value, where, 0)
    if list(axes) != sorted(set(axes)):
        _fail(where, f"axes {list(axes)} must be increasing and distinct")
    return axes


def _decode_number(value, where: str):
    if isinstance(value, str) and value in ("inf", "-inf", "nan"):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(where, f"expected a number, got {_describe(value)}")
    if is_int(value) and not -(1 << 63) <= value < 1 << 63:
        _fail(where, f"integer {value} is out of range (a 64-bit integer)")
    return value


def encode_number(value):
    """JSON has no inf or nan: they are written as the strings "inf", "-inf", "nan"."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


_DTYPE_NAMES = dtypes.SUPPORTED.names  # str() of each (without importing ml_dtypes for bfloat16)
_DTYPES: dict[str, np.dtype] = {}  # name -> dtypes.as_dtype(name), as files name them: asked twice a node


def decode_dtype(value, where: str, also: tuple = ()) -> np.dtype:
    """A dtype graphc computes with; `also` names more (a control node declares uint8: its bytes)."""
    if not isinstance(value, str) or (value not in _DTYPE_NAMES and value not in also):
        names = [*_DTYPE_NAMES, *also]
        _fail(where, f"dtype {_describe(value)} is not one of {', '.join(names)}")
    if value in also:
        return np.dtype(value)
    found = _DTYPES.get(value)
    if found is None:
        found = _DTYPES[value] = dtypes.as_dtype(value)
    return found


def _decode_bool(value, where: str) -> bool:
    if not isinstance(value, bool):
        _fail(where, f"expected true or false, got {_describe(value)}")
    return value


def _decode_count(value, where: str) -> int:
    if not is_int(value) or not 0 <= value <= MAX_DIM:
        _fail(where, f"expected a non-negative integer, got {_describe(value)}")
    return value


def _decode_text(value, where: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_NAME_CHARS:
        _fail(where, f"expected a string of at most {MAX_NAME_CHARS} characters, got {_describe(value)}")
    return value


def _decode_slices(value, where: str) -> tuple:
    if not isinstance(value, list) or len(value) > MAX_NDIM:
        _fail(where, f"expected a list of at most {MAX_NDIM} [start, stop, step] triples, got {_describe(value)}")
    out = []
    for triple in value:
        if not isinstance(triple, list) or len(triple) != 3 or not all(
                v is None or (is_int(v) and abs(v) <= MAX_DIM) for v in triple):
            _fail(where, f"{_describe(triple)} is not a [start, stop, step] triple of integers or nulls")
        if triple[2] == 0:
            _fail(where, "slice step cannot be zero")
        out.append(tuple(triple))
    return tuple(out)


def _decode_reshape_spec(value, where: str) -> tuple:
    spec = _int_list(value, where, -1)
    if spec.count(-1) > 1:
        _fail(where, f"target shape {list(spec)} has more than one -1")
    if math.prod(d for d in spec if d != -1) > MAX_ELEMENTS:
        _fail(where, f"target shape {list(spec)} is larger than the limit of {MAX_ELEMENTS} elements")
    return spec


# what an op's `attributes` may name ("array", "subgraph" and "subgraphs": stored by the caller)
ATTRIBUTE_TYPES = ("array", "dims", "dims_static", "axes", "axes_any_order", "reshape_spec", "number", "dtype",
                   "bool", "count", "optional_count", "text", "slices", "subgraph", "subgraphs")
SUBGRAPH_TYPES = ("subgraph", "subgraphs")

_DECODERS = {
    "dims": decode_dims,
    "dims_static": lambda v, where: decode_dims(v, where, allow_none=False),
    "axes": _decode_axes,
    "axes_any_order": lambda v, where: _int_list(v, where, 0),
    "reshape_spec": _decode_reshape_spec,
    "number": _decode_number,
    "dtype": decode_dtype,
    "bool": _decode_bool,
    "count": _decode_count,
    "optional_count": lambda v, where: None if v is None else _decode_count(v, where),
    "text": _decode_text,
    "slices": _decode_slices,
}


def decode_attr(kind: str, value, where: str):
    """The attribute value graphc's ops expect, from its JSON form; GraphFormatError if it is not one."""
    return _DECODERS[kind](value, where)


def encode_attr(kind: str, value):
    """The JSON form of an attribute (arrays are handled by the caller, which decides where they go)."""
    if kind == "dtype":
        return str(np.dtype(value))
    if kind == "number":
        return encode_number(value)
    if kind == "bool":
        return bool(value)
    if kind == "count":
        return int(value)
    if kind == "optional_count":
        return None if value is None else int(value)
    if kind == "text":
        return str(value)
    if kind == "slices":
        return [[None if v is None else int(v) for v in triple] for triple in value]
    return [None if d is None else int(d) for d in value]  # shapes and axes


def check_arity(op, n_inputs: int, where: str) -> None:
    """`op` (an Op) takes `n_inputs` inputs, or GraphFormatError."""
    want = op.arity
    if isinstance(want, int):
        if n_inputs != want:
            _fail(where, f"{op.name} takes {want} input{'s' if want != 1 else ''}, the file gives {n_inputs}")
    elif n_inputs < want[0]:
        _fail(where, f"{op.name} takes at least {want[0]} inputs, the file gives {n_inputs}")


def check_attrs_fit_inputs(op, attrs: dict, inputs, where: str) -> None:
    """The checks of `op`'s attributes against the inputs (its `attrs_fit` rule), which its shape rule
    assumes the public function made; GraphFormatError if they fail.  `op` is an Op or its name."""
    if isinstance(op, str):
        op = REGISTRY[op]
    problem = op.attrs_fit(attrs, inputs) if op.attrs_fit is not None else None
    if problem is not None:
        _fail(where, problem)


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
