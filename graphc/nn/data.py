"""Batching helpers: shuffled minibatches and a train/test split, both seeded.

    for xb, yb in gc.nn.minibatches(x, y, batch_size=64, seed=epoch):
        step(xb, yb)
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from graphc.errors import GraphcError
from graphc.nn.init import as_rng


def _lengths(arrays) -> int:
    if not arrays:
        raise GraphcError("minibatches needs at least one array")
    n = len(arrays[0])
    for a in arrays[1:]:
        if len(a) != n:
            raise GraphcError(f"arrays to batch together must have the same length, got "
                              f"{[len(a) for a in arrays]}")
    return n


def minibatches(*arrays, batch_size: int, shuffle: bool = True, seed=None,
                drop_last: bool = False, distributed: bool = False) -> Iterator[tuple[np.ndarray, ...]]:
    """Tuples of aligned slices of `arrays` (rows), in a seeded random order when `shuffle`.

    `drop_last` skips a final smaller batch (every batch then has one shape: one compiled executable).
    `distributed=True` (under MPI, graphc.distributed): `batch_size` is the global batch, drawn in the
    same seeded order on every rank, and each rank gets its own equal, disjoint share of it (rank r
    the r-th of `size()` consecutive pieces), so the ranks together see each epoch's data once and a
    step with averaged gradients is the step one process takes on the whole batch.  A batch that does
    not split evenly loses its last rows (fewer than the number of ranks).
    """
    if batch_size < 1:
        raise GraphcError(f"batch_size must be positive, got {batch_size}")
    arrays = [np.asarray(a) for a in arrays]
    n = _lengths(arrays)
    rank, ranks = _shard(batch_size, shuffle, seed) if distributed else (0, 1)
    order = as_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        index = order[start:start + batch_size]
        share = len(index) // ranks
        if share == 0:
            continue
        index = index[rank * share:(rank + 1) * share]
        yield tuple(np.ascontiguousarray(a[index]) for a in arrays)


def _shard(batch_size: int, shuffle: bool, seed) -> tuple[int, int]:
    """(this rank, number of ranks), once the global batch is known to split evenly between them."""
    from graphc.distributed import rank, size

    ranks = size()
    if batch_size % ranks:
        raise GraphcError(f"distributed batches: batch_size {batch_size} (the global batch) is not a multiple of "
                          f"the {ranks} ranks")
    if shuffle and seed is None and ranks > 1:
        raise GraphcError("distributed batches need a seed: every rank must draw the same order to take "
                          "disjoint shares of it")
    return rank(), ranks


def train_test_split(*arrays, test_fraction: float = 0.25, seed=None) -> list[np.ndarray]:
    """[a_train, a_test, b_train, b_test, ...] from one seeded permutation (scikit-learn's order)."""
    if not 0 < test_fraction < 1:
        raise GraphcError(f"test_fraction must be in (0, 1), got {test_fraction}")
    arrays = [np.asarray(a) for a in arrays]
    n = _lengths(arrays)
    order = as_rng(seed).permutation(n)
    n_test = max(1, int(round(n * test_fraction)))
    test, train = order[:n_test], order[n_test:]
    return [part for a in arrays for part in (np.ascontiguousarray(a[train]), np.ascontiguousarray(a[test]))]


__all__ = ["minibatches", "train_test_split"]
