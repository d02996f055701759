"""numpy's products that graphc builds on matmul: dot, outer, inner, tensordot, einsum.

Every contraction is put in matmul's form: the operands transposed so the summed axes
meet, reshaped to (batch, M, K) @ (batch, K, N), multiplied and reshaped back.  So the
products run on the matmul kernels (and their gradients are matmuls again) rather than as
a broadcast multiply materialising every term.  One feed-time (None) size per merged
reshape is allowed (a batch of unknown size: x @ W, 'bij,jk->bik'); operands of different
dtypes are promoted as numpy does, since matmul itself takes one dtype.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.ops import elementwise as ew
from graphc.ops import reduce as reduce_ops
from graphc.ops import shape as shape_ops
from graphc.ops.common import as_nodes, normalize_axes
from graphc.ops.linalg import matmul
from graphc.ops.numpy_math import no_out
from graphc.ops.numpy_shape import diagonal


def _promoted(*operands) -> list[Node]:
    nodes = as_nodes(*operands)
    common = np.result_type(*(x.dtype for x in nodes))
    return [ew.cast(x, common) for x in nodes]


def _merged(x: Node, groups) -> Node:
    """x reshaped so each group of its sizes becomes one axis; one feed-time (None) size can be merged, as -1."""
    if len(groups) == x.ndim and all(tuple(g) == (d,) for g, d in zip(groups, x.shape)):
        return x  # nothing to merge: the axes are already those
    spec = [None if any(d is None for d in g) else math.prod(g) for g in groups]
    if spec.count(None) > 1:
        raise ShapeError(f"needs static sizes: {x.shape} has more than one feed-time size to merge")
    return shape_ops.reshape(x, [-1 if d is None else d for d in spec])


def _contract(a: Node, a_axes: tuple, b: Node, b_axes: tuple, n_batch: int, n_sum: int) -> Node:
    """a's axes ordered (batch..., free..., summed...) and b's (batch..., summed..., free...) multiplied as
    (batch, M, K) @ (batch, K, N): the result's axes are batch..., a's free..., b's free...."""
    a, b = shape_ops.transpose(a, a_axes), shape_ops.transpose(b, b_axes)
    batch = a.shape[:n_batch]
    a_free, b_free = a.shape[n_batch:a.ndim - n_sum], b.shape[n_batch + n_sum:]
    summed = a.shape[a.ndim - n_sum:]
    lead = [batch] if batch else []
    product = matmul(_merged(a, lead + [a_free, summed]), _merged(b, lead + [b.shape[n_batch:n_batch + n_sum], b_free]))
    return _merged(product, [(d,) for d in batch + a_free + b_free])


def tensordot(a, b, axes=2) -> Node:
    """numpy.tensordot: sum over a's axes[0] against b's axes[1] (an int N: a's last N against b's first N)."""
    a, b = _promoted(a, b)
    if isinstance(axes, numbers.Integral):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ShapeError(f"cannot sum over {axes} axes of {a.shape} and {b.shape}")
        a_sum, b_sum = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        a_sum, b_sum = ([x] if isinstance(x, numbers.Integral) else list(x) for x in axes)
        if len(a_sum) != len(b_sum):
            raise ShapeError(f"{len(a_sum)} axes of a against {len(b_sum)} of b")
        a_sum = [normalize_axes(i, a.ndim)[0] for i in a_sum]
        b_sum = [normalize_axes(i, b.ndim)[0] for i in b_sum]
    for i, j in zip(a_sum, b_sum):
        if a.shape[i] != b.shape[j] and None not in (a.shape[i], b.shape[j]):
            raise ShapeError(f"shape-mismatch for sum: axis {i} of a ({a.shape[i]}) against "
                             f"axis {j} of b ({b.shape[j]})")
    a_free = [i for i in range(a.ndim) if i not in a_sum]
    b_free = [i for i in range(b.ndim) if i not in b_sum]
    return _contract(a, tuple(a_free + a_sum), b, tuple(b_sum + b_free), 0, len(a_sum))


def dot(a, b, out=None) -> Node:
    """numpy.dot: a product for scalars, the inner product of vectors, matmul for matrices, and for N-d
    operands the sum over a's last axis against b's second-to-last."""
    no_out("dot", out)
    a, b = _promoted(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return ew.multiply(a, b)
    if b.ndim == 1:
        if a.shape[-1] != b.shape[0]:
            raise ShapeError(f"shapes {a.shape} and {b.shape} not aligned")
        return matmul(a, b)
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 2]))


def inner(a, b) -> Node:
    """numpy.inner: the sum over the last axes of both (a product if either is a scalar)."""
    a, b = _promoted(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return ew.multiply(a, b)
    return tensordot(a, b, ([-1], [-1]))


def outer(a, b, out=None) -> Node:
    """numpy.outer: both flattened, out[i, j] = a[i] * b[j]."""
    no_out("outer", out)
    a, b = as_nodes(a, b)
    a, b = shape_ops.reshape(a, (-1, 1)), shape_ops.reshape(b, (1, -1))
    return ew.multiply(a, b)


# ---- einsum --------------------------------------------------------------------------------------


def _parse(subscripts: str, operands: list[Node]) -> tuple[list[str], str]:
    """The subscripts of each operand and of the output, with every '...' spelt as broadcast labels."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ShapeError(f"{len(terms)} operand subscripts in {subscripts!r} for {len(operands)} operands")
    # labels for the axes an ellipsis stands for: characters no subscript can use
    spare = [chr(0x3B1 + i) for i in range(max((x.ndim for x in operands), default=0))]
    spread, ellipsis_ndim = [], 0
    for term, x in zip(terms, operands):
        named = term.replace("...", "")
        if not all(c.isalpha() and c.isascii() for c in named) or term.count("...") > 1:
            raise ShapeError(f"bad subscripts {term!r} in {subscripts!r}")
        n_broadcast = x.ndim - len(named)
        if n_broadcast < 0 or n_broadcast and "..." not in term:
            raise ShapeError(f"subscripts {term!r} for an operand of {x.ndim} dims")
        ellipsis_ndim = max(ellipsis_ndim, n_broadcast)
        spread.append(term.replace("...", "".join(spare[len(spare) - n_broadcast:])))
    broadcast_labels = "".join(spare[len(spare) - ellipsis_ndim:])
    if arrow:
        if not all(c.isalpha() and c.isascii() for c in rhs.replace("...", "")):
            raise ShapeError(f"bad output subscripts {rhs!r}")
        out = rhs.replace("...", broadcast_labels)
    else:
        counts = {c: "".join(spread).count(c) for c in set("".join(spread)) - set(broadcast_labels)}
        out = broadcast_labels + "".join(sorted(c for c, n in counts.items() if n == 1))
    if len(set(out)) != len(out) or not set(out) <= set("".join(spread)):
        raise ShapeError(f"output subscripts {rhs!r} repeat a label or use one no operand has")
    return spread, out


def _label_sizes(terms: list[str], operands: list[Node]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for term, x in zip(terms, operands):
        for label, d in zip(term, x.shape):
            known = sizes.get(label, 1)
            if d is None:  # a feed-time size: the other operand's, when it knows it
                sizes[label] = None if known == 1 else known
            elif known is None:
                sizes[label] = None if d == 1 else d
            elif d != 1 and known != 1 and d != known:
                raise ShapeError(f"label {label!r} has sizes {known} and {d}")
            else:
                sizes[label] = max(known, d) if d != 0 and known != 0 else 0
    return sizes


def _own_diagonals(term: str, x: Node) -> tuple[str, Node]:
    """A label repeated within one operand ('ii') takes the diagonal of those axes."""
    for label in term:
        if term.count(label) > 1:
            i = term.index(label)
            j = term.index(label, i + 1)
            rest = "".join(c for k, c in enumerate(term) if k not in (i, j))
            return _own_diagonals(rest + label, diagonal(x, 0, i, j))
    return term, x


def _sum_unneeded(term: str, x: Node, needed: set) -> tuple[str, Node]:
    drop = [i for i, c in enumerate(term) if c not in needed]
    if not drop:
        return term, x
    return "".join(c for c in term if c in needed), reduce_ops.sum(x, drop)


def einsum(subscripts: str, *operands, out=None, dtype=None, order="K", casting="safe", optimize=False) -> Node:
    """numpy.einsum, explicit ('ij,jk->ik') or implicit ('ij,jk'), any number of operands, '...' included.

    Operands are contracted left to right, each pair as one batched matmul; a label no later operand
    or the output needs is summed as soon as nothing else uses it.  `order`, `casting` and `optimize`
    (numpy's memory layout, cast checks and contraction-order search) do not change the value: ignored.
    """
    no_out("einsum", out)
    nodes = _promoted(*operands) if operands else []
    if dtype is not None:
        nodes = [ew.cast(x, dtype) for x in nodes]
    terms, out = _parse(subscripts, nodes)
    sizes = _label_sizes(terms, nodes)
    pairs = []
    for term, x in zip(terms, nodes):
        term, x = _own_diagonals(term, x)
        stretched = any(d == 1 and sizes[c] not in (1, None) for c, d in zip(term, x.shape))
        if stretched and any(sizes[c] is None for c in term):
            raise ShapeError(f"cannot broadcast {x.shape} with feed-time sizes for subscripts {term!r}")
        pairs.append((term, shape_ops.broadcast_to(x, [sizes[c] for c in term]) if stretched else x))
    term, acc = pairs[0]
    for k, (other_term, other) in enumerate(pairs[1:], start=1):
        later = set(out).union(*(t for t, _ in pairs[k + 1:]))
        term, acc = _sum_unneeded(term, acc, later | set(other_term))
        other_term, other = _sum_unneeded(other_term, other, later | set(term))
        batch = [c for c in term if c in other_term and c in later]
        summed = [c for c in term if c in other_term and c not in later]
        free_a = [c for c in term if c not in other_term]
        free_b = [c for c in other_term if c not in term]
        acc = _contract(acc, tuple(term.index(c) for c in batch + free_a + summed),
                        other, tuple(other_term.index(c) for c in batch + summed + free_b), len(batch), len(summed))
        term = "".join(batch + free_a + free_b)
    term, acc = _sum_unneeded(term, acc, set(out))
    return shape_ops.transpose(acc, tuple(term.index(c) for c in out))


__all__ = ["dot", "einsum", "inner", "outer", "tensordot"]
