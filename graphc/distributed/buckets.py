"""Averaging gradients across ranks in a few flat buckets: what `distributed=True` adds to an optimizer.

    pairs = average_gradients(opt.compute_gradients(loss), bucket_bytes=1 << 20)

Why buckets: an allreduce costs a latency (α) plus a time per byte (β); one per
gradient pays α as often as there are variables (the biases are tiny), and one
for all of them can start only when the last gradient is known, so nothing of
it hides behind the backward pass.  Gradients are taken in the order a backward
pass produces them (the last layer's first: variables in reverse creation
order), packed into flat buffers of about `bucket_bytes`, and each buffer is one
mean-allreduce that starts as soon as its gradients are computed
(graphc.distributed.schedule), while the layers below compute theirs.
"""

from __future__ import annotations

from graphc.errors import GraphcError
from graphc.ir import Node
from graphc.ops.collective import allreduce
from graphc.ops.shape import concatenate, reshape

# chosen by measurement on loopback (docs/distributed.md, benchmarks/bench_distributed.py)
DEFAULT_BUCKET_BYTES = 1 << 20


def buckets(pairs: list[tuple[Node, Node]], bucket_bytes: int) -> list[list[int]]:
    """Indices into `pairs`, in backward order, grouped into buckets of one dtype and about `bucket_bytes`."""
    order = sorted(range(len(pairs)), key=lambda i: -pairs[i][1].id)
    groups: list[list[int]] = []
    filled = 0
    for i in order:
        g = pairs[i][0]
        if not groups or filled >= bucket_bytes or pairs[groups[-1][0]][0].dtype != g.dtype:
            groups.append([])
            filled = 0
        groups[-1].append(i)
        filled += g.size * g.dtype.itemsize
    return groups


def average_gradients(pairs, bucket_bytes: int | None = None) -> list[tuple[Node, Node]]:
    """The (gradient, variable) pairs with each gradient replaced by its mean over the ranks.

    With one rank they are returned as they are (no collective, nothing to wait for).
    `bucket_bytes`: 0 gives one allreduce per gradient, a huge value one for all.
    """
    from graphc.distributed import world

    pairs = list(pairs)
    if world.world().size == 1:
        return pairs
    world.communicator("distributed=True")  # fails now, saying what to install, when MPI is missing
    bucket_bytes = DEFAULT_BUCKET_BYTES if bucket_bytes is None else bucket_bytes
    if bucket_bytes < 0:
        raise GraphcError(f"bucket_bytes must be >= 0, got {bucket_bytes!r}")
    averaged: list[Node | None] = [None] * len(pairs)
    for group in buckets(pairs, bucket_bytes):
        grads = [pairs[i][0] for i in group]
        if any(d is None for g in grads for d in g.shape):
            raise GraphcError("distributed=True: every gradient needs a static shape (variables have one)")
        if len(grads) == 1:
            averaged[group[0]] = allreduce(grads[0], "mean")
            continue
        flat = allreduce(concatenate([reshape(g, (-1,)) for g in grads], axis=0), "mean")
        offset = 0
        for i, g in zip(group, grads):
            averaged[i] = reshape(flat[offset:offset + g.size], g.shape)
            offset += g.size
    return [(averaged[i], v) for i, (_, v) in enumerate(pairs)]
