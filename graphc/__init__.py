"""graphc: a define-then-run automatic-differentiation compiler.

    import graphc as gc
    x1, x2 = gc.placeholder((), gc.float64), gc.placeholder((), gc.float64)
    y = gc.log(x1) + x1 * x2 - gc.sin(x2)
    g1, g2 = gc.grad(y, [x1, x2])
    gc.Session().run([y, g1, g2], feed_dict={x1: 2.0, x2: 5.0})
"""

from importlib import import_module as _import_module

# Imported with graphc: what Node's operators call (ops, tensor), what registers the ops a file may hold
# (control's), and linalg, which hands numpy's np.linalg functions on graph tensors to the numpy protocol.
# The rest (_LAZY, _LAZY_MODULES) is imported when first asked for: `graphc inspect` needs none of it.
from graphc import linalg, ops, tensor
from graphc.control import cond, fori_loop, scan, while_loop
from graphc.dtypes import bool_, float16, float32, float64, int32, int64
from graphc.errors import (
    BackendError,
    BlasError,
    CheckpointError,
    DistributedError,
    FedIndexRangeError,
    FeedError,
    GradientCheckError,
    GraphcError,
    GraphFormatError,
    IndexRangeError,
    LinAlgError,
    MemoryBudgetError,
    MemoryLimitError,
    ShapeError,
)
from graphc.ir import Node
from graphc.ops import (
    abs,
    add,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    argmax,
    argmin,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    avg_pool2d,
    broadcast_to,
    cast,
    ceil,
    clip,
    column_stack,
    concatenate,
    constant,
    conv2d,
    cos,
    cosh,
    cumsum,
    diag,
    diagonal,
    divide,
    dot,
    einsum,
    equal,
    erf,
    exp,
    expand_dims,
    expm1,
    flip,
    floor,
    floor_divide,
    greater,
    greater_equal,
    hstack,
    hypot,
    inner,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logaddexp,
    logical_and,
    logical_not,
    logical_or,
    logsumexp,
    matmul,
    max,
    max_pool2d,
    maximum,
    mean,
    min,
    minimum,
    mod,
    moveaxis,
    multiply,
    neg,
    not_equal,
    one_hot,
    ones_like,
    outer,
    pad,
    placeholder,
    power,
    prod,
    ravel,
    reciprocal,
    relu,
    remainder,
    repeat,
    reshape,
    roll,
    scatter_add,
    sigmoid,
    sigmoid_cross_entropy,
    sign,
    sin,
    sinh,
    softmax,
    softmax_cross_entropy,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    stop_gradient,
    subtract,
    sum,
    swapaxes,
    take,
    take_along_axis,
    tan,
    tanh,
    tensordot,
    tile,
    trace,
    transpose,
    tril,
    triu,
    var,
    variable,
    vstack,
    where,
    zeros_like,
)
from graphc.version import __version__ as __version__  # re-exported: gc.__version__

Tensor = Node
tensor.use_ops(ops)  # Node's operators call the op functions (graphc/tensor.py: handed over, not imported)
bool = bool_  # noqa: A001 - gc.bool, like tf.bool

__all__ = [
    "BackendError", "FeedError", "Function", "GradientCheckError", "GraphFormatError", "GraphcError",
    "MemoryBudgetError", "MemoryLimitError", "Node", "Session", "ShapeError", "Tensor", "TrainOp", "abs", "add",
    "assign", "bool", "bool_", "broadcast_to", "cast", "check_grad", "concatenate", "constant", "cos", "divide",
    "equal", "exp",
    "expand_dims", "expm1", "float32", "float64", "floor", "function", "grad", "greater", "greater_equal", "group",
    "hessian", "int32", "int64", "jacobian", "jvp", "less", "less_equal", "log", "log1p", "log_softmax",
    "logical_and", "logical_not", "logical_or", "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum",
    "multiply", "neg", "not_equal", "one_hot", "ones_like", "placeholder", "power", "relu", "reshape", "sigmoid",
    "sigmoid_cross_entropy", "sign", "sin", "softmax", "softmax_cross_entropy", "sqrt", "squeeze", "stack",
    "stop_gradient", "subtract", "sum", "tanh", "transpose", "variable", "where", "zeros_like",
]
__all__ += [  # graphc/ops/special_math.py, integer_division.py, numpy_math.py's prod
    "arccos", "arcsin", "arctan", "arctan2", "erf", "floor_divide", "mod", "prod", "remainder",
]
__all__ += ["avg_pool2d", "conv2d", "max_pool2d"]
__all__ += ["bfloat16", "float16"]  # storage dtypes computed in float32 (docs/dtypes.md)
__all__ += ["CheckpointError", "restore_checkpoint", "save_checkpoint"]
__all__ += [  # graphc/ops/numpy_*.py: numpy's functions for graph tensors
    "arccosh", "arcsinh", "arctanh", "argmax", "argmin", "atleast_1d", "atleast_2d", "atleast_3d", "ceil", "clip",
    "column_stack", "cosh", "cumsum", "diag", "diagonal", "dot", "einsum", "flip", "hstack", "hypot", "inner",
    "log10", "log2", "logaddexp", "moveaxis", "outer", "pad", "ravel", "reciprocal", "repeat", "roll", "sinh",
    "split", "square", "std", "swapaxes", "tan", "tensordot", "tile", "trace", "tril", "triu", "var", "vstack",
]
__all__ += ["LinAlgError", "linalg"]
__all__ += ["DistributedError", "LoadedGraph", "available_backends", "distributed", "load", "save", "nn", "optim"]
__all__ += ["cond", "fori_loop", "scan", "while_loop"]  # graphc/control: control flow as graph ops
__all__ += ["BlasError", "blas_info"]  # graphc/blas.py: which BLAS the llvm backend's gemm calls
__all__ += ["random"]  # graphc/random.py: uniform, normal, bernoulli, seed
# graphc/ops/indexing.py (and x[idx]), graphc/index_checks.py
__all__ += ["FedIndexRangeError", "IndexRangeError", "scatter_add", "take", "take_along_axis"]


# name -> the module it comes from: `gc.grad`, `gc.Session`, `gc.load`... import it on first use
_LAZY = {
    **dict.fromkeys(["check_grad", "grad", "hessian", "jacobian", "jvp"], "graphc.autodiff"),
    "available_backends": "graphc.backends",
    "blas_info": "graphc.blas",
    **dict.fromkeys(["restore_checkpoint", "save_checkpoint"], "graphc.checkpoint"),
    **dict.fromkeys(["LoadedGraph", "load", "save"], "graphc.serialize"),
    **dict.fromkeys(["Function", "Session", "TrainOp", "assign", "function", "group"], "graphc.session"),
    "bfloat16": "graphc.dtypes",  # graphc.dtypes imports ml_dtypes only when it is first asked for
}
# submodules that `import graphc` used to import (gc.nn, gc.session...): `gc.<name>` imports them
_LAZY_MODULES = frozenset([
    "autodiff", "backends", "blas", "checkpoint", "distributed", "evaluate", "index_checks", "memory_limit", "nn",
    "npz", "optim", "pipeline", "program", "random", "rewrite", "scalar", "serialize", "serialize_schema",
    "serialize_subgraph", "session", "steps",
])


def __getattr__(name: str):
    """A name of _LAZY or a submodule of _LAZY_MODULES, imported now and kept (asked once)."""
    if name in _LAZY:
        value = getattr(_import_module(_LAZY[name]), name)
    elif name in _LAZY_MODULES:
        value = _import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name != "bfloat16":  # (dtypes makes its own on each ask)
        globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_LAZY_MODULES})
