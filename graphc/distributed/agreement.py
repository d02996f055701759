"""Every rank runs the same program: checked with one small collective, named when it is not so.

    check_same_everywhere([(key, shown), ...], "a distributed step")   # DistributedError on every rank

Ranks that run different programs would wait in different collectives, or sum
arrays of different layouts; a digest of what must agree (shapes, dtypes, the
collectives in order) is compared first, and the full lists gathered only when
the digests differ, to say which rank differs and where.
"""

from __future__ import annotations

import hashlib

import numpy as np

from graphc.distributed import engine
from graphc.distributed.world import communicator, world
from graphc.errors import DistributedError
from graphc.ops.collective import mpi_allreduce


def check_same_everywhere(lines: list[tuple[str, str]], what: str) -> None:
    """A DistributedError on every rank unless every rank passes the same keys.

    `lines` are (key, shown) pairs: the keys are compared (shapes, dtypes: what must
    agree), the shown texts name things in the message (a variable's name may differ
    between ranks without harm).  One tiny allreduce of a digest; only when the digests
    differ are the lines gathered, to name the ranks and the first line where they differ.
    """
    w = world()
    if w.size == 1:
        return
    keys = "\n".join(key for key, _ in lines)
    digest = int.from_bytes(hashlib.sha256(keys.encode()).digest()[:7], "little")
    bounds = engine.run(mpi_allreduce, {"op": "max"}, np.array([digest, -digest], np.int64), what)
    if bounds[0] == -bounds[1]:
        return
    comm = communicator(what)
    everyone = engine.run_call(lambda: comm.allgather(lines), "gathering what each rank runs")
    raise DistributedError(f"{what}: the ranks do not run the same program\n" + describe_differences(everyone))


def describe_differences(everyone: list[list[tuple[str, str]]]) -> str:
    """For each rank whose keys differ from rank 0's, the first line that differs (as shown)."""
    reference = everyone[0]
    missing = ("", "(nothing)")
    lines = []
    for rank, mine in enumerate(everyone[1:], start=1):
        for i in range(max(len(mine), len(reference))):
            a = reference[i] if i < len(reference) else missing
            b = mine[i] if i < len(mine) else missing
            if a[0] != b[0]:
                lines.append(f"  rank 0: {a[1]}\n  rank {rank}: {b[1]}")
                break
    return "\n".join(lines)
