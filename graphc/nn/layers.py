"""Dense and Embedding layers and the MLP: callables that hold their variables and build graph nodes
when applied.

    layer = gc.nn.Dense(64, 128, activation=gc.relu, seed=0)
    h = layer(x)                       # x @ layer.w + layer.b, then relu
    layer.variables                    # [w, b], e.g. for opt.minimize(loss, var_list=...)
    emb = gc.nn.Embedding(1000, 32, seed=0)
    vectors = emb(token_ids)           # emb.table[token_ids]: shape token_ids.shape + (32,)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphc import dtypes
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.nn import init
from graphc.ops import cast, relu, take
from graphc.ops.source import variable


class Dense:
    """y = activation(x @ w + b); w is (n_in, n_out), initialised by `kernel_init` (He normal by default).

    `compute_dtype` (e.g. gc.bfloat16) is mixed precision: the variables stay `dtype` (the
    float32 master weights the optimizer updates), and the layer computes with copies of x, w
    and b cast to `compute_dtype`; the gradients flow back through the casts (docs/dtypes.md).
    """

    def __init__(self, n_in: int, n_out: int, activation: Callable | None = None, kernel_init="he_normal",
                 seed=None, dtype=dtypes.float32, name: str = "dense", compute_dtype=None):
        self.n_in, self.n_out, self.activation, self.name = int(n_in), int(n_out), activation, name
        self.compute_dtype = None if compute_dtype is None else dtypes.as_dtype(compute_dtype)
        rng = init.as_rng(seed)
        self.w = variable(init.get(kernel_init)((self.n_in, self.n_out), rng, dtype), name=f"{name}/w")
        self.b = variable(init.zeros((self.n_out,), dtype=dtype), name=f"{name}/b")

    @property
    def variables(self) -> list[Node]:
        return [self.w, self.b]

    def __call__(self, x: Node) -> Node:
        if x.ndim < 1 or x.shape[-1] not in (None, self.n_in):
            raise ShapeError(f"{self.name}: expects inputs (..., {self.n_in}), got shape {x.shape}; built at "
                             f"{x.source}")
        w, b = self.w, self.b
        if self.compute_dtype is not None:
            x, w, b = (cast(t, self.compute_dtype) for t in (x, w, b))
        y = x @ w + b
        return self.activation(y) if self.activation is not None else y

    def __repr__(self):
        act = getattr(self.activation, "__name__", None)
        return f"Dense({self.n_in} -> {self.n_out}, activation={act})"


class Embedding:
    """Rows of a (vocab_size, dim) table at integer ids: `emb(ids)` has shape ids.shape + (dim,).

    The table is an ordinary variable (`emb.table`), so optimizers, checkpoints and `variables`
    treat it as any weight; its gradient is a scatter_add of the rows' cotangents (ids that repeat
    add up), a (vocab_size, dim) tensor the optimizer applies like any other.  Ids out of
    [-vocab_size, vocab_size) are an error when the graph runs (negative ones count from the end,
    as numpy's indexing).
    """

    def __init__(self, vocab_size: int, dim: int, embeddings_init="standard_normal", seed=None,
                 dtype=dtypes.float32, name: str = "embedding"):
        self.vocab_size, self.dim, self.name = int(vocab_size), int(dim), name
        if self.vocab_size < 1 or self.dim < 1:
            raise ShapeError(f"{name}: vocab_size and dim must be positive, got {vocab_size} and {dim}")
        self.table = variable(init.get(embeddings_init)((self.vocab_size, self.dim), init.as_rng(seed), dtype),
                              name=f"{name}/table")

    @property
    def variables(self) -> list[Node]:
        return [self.table]

    def __call__(self, ids) -> Node:
        return take(self.table, ids, axis=0)

    def __repr__(self):
        return f"Embedding({self.vocab_size} x {self.dim})"


class MLP:
    """A stack of Dense layers over `sizes` = [n_in, hidden..., n_out]; the last layer has no activation.

    With `compute_dtype` (mixed precision, see Dense) the layers compute in it and the output is
    cast back to `dtype`: the loss is computed in float32, as mixed-precision training keeps it.
    """

    def __init__(self, sizes: Sequence[int], activation: Callable = relu, kernel_init="he_normal", seed=None,
                 dtype=dtypes.float32, name: str = "mlp", compute_dtype=None):
        if len(sizes) < 2:
            raise ShapeError(f"MLP needs at least an input and an output size, got {list(sizes)}")
        rng = init.as_rng(seed)
        pairs = list(zip(sizes[:-1], sizes[1:]))
        self.dtype, self.compute_dtype = dtypes.as_dtype(dtype), compute_dtype
        self.layers = [Dense(n_in, n_out, activation if i < len(pairs) - 1 else None, kernel_init, rng, dtype,
                             name=f"{name}/{i}", compute_dtype=compute_dtype) for i, (n_in, n_out) in enumerate(pairs)]

    @property
    def variables(self) -> list[Node]:
        return [v for layer in self.layers for v in layer.variables]

    def __call__(self, x: Node) -> Node:
        for layer in self.layers:
            x = layer(x)
        return x if self.compute_dtype is None else cast(x, self.dtype)

    def __repr__(self):
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"


__all__ = ["Dense", "Embedding", "MLP"]
