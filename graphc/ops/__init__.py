"""All ops, by family; importing this package registers every op in `registry.REGISTRY`."""

from graphc.ops import (
    collective,  # noqa: F401 - registers the collectives (gc.distributed builds them)
    linalg_solve,  # noqa: F401 - registers the LAPACK-backed ops (gc.linalg builds them)
    linalg_spectral,  # noqa: F401
    numpy_linear,
    numpy_math,
    numpy_protocol,  # noqa: F401 - numpy's dispatch for tensors (graphc/tensor.py calls it)
    numpy_shape,
    random,  # noqa: F401 - registers the random draws (gc.random builds them)
)
from graphc.ops.common import as_node
from graphc.ops.conv import avg_pool2d, conv2d, max_pool2d
from graphc.ops.elementwise import (
    abs,
    add,
    cast,
    cos,
    divide,
    equal,
    exp,
    expm1,
    fill_like,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    neg,
    not_equal,
    ones_like,
    power,
    relu,
    safe_mul,
    sigmoid,
    sign,
    sin,
    sqrt,
    stop_gradient,
    subtract,
    tanh,
    where,
    zeros_like,
)
from graphc.ops.indexing import getitem, scatter_add, take, take_along_axis
from graphc.ops.integer_division import floor_divide, mod, remainder
from graphc.ops.linalg import matmul
from graphc.ops.nn import log_softmax, logsumexp, sigmoid_cross_entropy, softmax, softmax_cross_entropy
from graphc.ops.numpy_linear import dot, einsum, inner, outer, tensordot
from graphc.ops.numpy_math import (
    arccosh,
    arcsinh,
    arctanh,
    argmax,
    argmin,
    ceil,
    clip,
    cosh,
    cumsum,
    hypot,
    log2,
    log10,
    logaddexp,
    prod,
    reciprocal,
    sinh,
    square,
    std,
    tan,
    var,
)
from graphc.ops.numpy_shape import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    column_stack,
    diag,
    diagonal,
    flip,
    hstack,
    moveaxis,
    pad,
    ravel,
    repeat,
    roll,
    split,
    swapaxes,
    tile,
    trace,
    tril,
    triu,
    vstack,
)
from graphc.ops.reduce import max, mean, min, sum
from graphc.ops.registry import REGISTRY, Op, get_op, make_node, user_facing
from graphc.ops.shape import (
    broadcast_like,
    broadcast_to,
    concatenate,
    expand_dims,
    one_hot,
    reshape,
    reshape_like,
    squeeze,
    stack,
    sum_to_like,
    transpose,
)
from graphc.ops.source import constant, placeholder, variable
from graphc.ops.special_math import arccos, arcsin, arctan, arctan2, erf

# public functions whose own checks (axes, indices, ranks) run before make_node: their ShapeErrors
# get the op name, the operand shapes and the user's line too
concatenate = user_facing(concatenate)
expand_dims = user_facing(expand_dims)
getitem = user_facing(getitem)
log_softmax = user_facing(log_softmax)
logsumexp = user_facing(logsumexp)
max = user_facing(max)  # noqa: A001 - gc.max, as numpy
mean = user_facing(mean)
scatter_add = user_facing(scatter_add)
take = user_facing(take)
take_along_axis = user_facing(take_along_axis)
min = user_facing(min)  # noqa: A001 - gc.min, as numpy
one_hot = user_facing(one_hot)
reshape = user_facing(reshape)
softmax = user_facing(softmax)
softmax_cross_entropy = user_facing(softmax_cross_entropy)
sigmoid_cross_entropy = user_facing(sigmoid_cross_entropy)
squeeze = user_facing(squeeze)
stack = user_facing(stack)
sum = user_facing(sum)  # noqa: A001 - gc.sum, as numpy
transpose = user_facing(transpose)
conv2d = user_facing(conv2d)
max_pool2d = user_facing(max_pool2d)
avg_pool2d = user_facing(avg_pool2d)
# the numpy surface: each checks its arguments (axes, sections, subscripts) before building nodes
for _name in numpy_math.__all__ + numpy_shape.__all__ + numpy_linear.__all__:
    globals()[_name] = user_facing(globals()[_name])

__all__ = [
    "REGISTRY", "Op", "abs", "add", "as_node", "avg_pool2d", "broadcast_like", "broadcast_to", "cast",
    "concatenate", "constant", "conv2d", "max_pool2d",
    "cos", "divide", "equal", "exp", "expand_dims", "expm1", "fill_like", "floor", "get_op", "getitem", "greater",
    "greater_equal", "less", "less_equal", "log", "log1p", "log_softmax", "logical_and", "logical_not",
    "logical_or", "logsumexp", "make_node", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply", "neg",
    "not_equal", "one_hot", "ones_like", "placeholder", "power", "relu", "reshape", "reshape_like", "safe_mul",
    "sigmoid", "sigmoid_cross_entropy", "sign", "sin", "softmax", "softmax_cross_entropy", "sqrt", "squeeze",
    "stack", "stop_gradient", "subtract", "sum", "sum_to_like", "tanh", "transpose", "variable", "where",
    "zeros_like",
]
__all__ += ["scatter_add", "take", "take_along_axis"]  # graphc/ops/indexing.py
__all__ += [  # the numpy surface: graphc/ops/numpy_math.py, numpy_shape.py, numpy_linear.py
    "arccosh", "arcsinh", "arctanh", "argmax", "argmin", "atleast_1d", "atleast_2d", "atleast_3d", "ceil", "clip",
    "column_stack", "cosh", "cumsum", "diag", "diagonal", "dot", "einsum", "flip", "hstack", "hypot", "inner",
    "log10", "log2", "logaddexp", "moveaxis", "outer", "pad", "ravel", "reciprocal", "repeat", "roll", "sinh",
    "split", "square", "std", "swapaxes", "tan", "tensordot", "tile", "trace", "tril", "triu", "var", "vstack",
]
__all__ += [  # graphc/ops/special_math.py, integer_division.py, numpy_math.py's prod
    "arccos", "arcsin", "arctan", "arctan2", "erf", "floor_divide", "mod", "prod", "remainder",
]
