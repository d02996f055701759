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
                drop_last: bool = False) -> Iterator[tuple[np.ndarray, ...]]:
    """Tuples of aligned slices of `arrays` (rows), in a seeded random order when `shuffle`.

    `drop_last` skips a final smaller batch (every batch then has one shape: one compiled executable).
    """
    if batch_size < 1:
        raise GraphcError(f"batch_size must be positive, got {batch_size}")
    arrays = [np.asarray(a) for a in arrays]
    n = _lengths(arrays)
    order = as_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        index = order[start:start + batch_size]
        yield tuple(np.ascontiguousarray(a[index]) for a in arrays)


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
