"""The cap on the memory one program may ask for, checked before anything is allocated.

A graph within the file format's limits can still describe a program that needs
terabytes: a 3 KB file can broadcast a scalar to 2^36 float64 elements.  Every
backend plans its buffers before it allocates them, so each compares its plan
with this cap and refuses with a `MemoryLimitError` that names the largest
buffers, instead of numpy's MemoryError or the kernel's OOM killer halfway in.

    limit = resolve(options.get("memory_limit"))       # bytes, or None: no cap
    check(limit, planned_bytes, buffers, "the numpy backend's node-by-node plan")

The cap is the first of: the `memory_limit` option (gc.function, gc.Session,
LoadedGraph.run, gc.load; `--memory-limit` on the command line), the
GRAPHC_MEMORY_LIMIT environment variable, and the memory this machine has
available now (MemAvailable in /proc/meminfo, else the free physical pages).
A limit is a byte count, optionally with a K, M, G or T suffix (powers of
1024: `512M`, `1.5G`), or `none` for no cap.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graphc.errors import GraphcError, MemoryLimitError, printable

ENV = "GRAPHC_MEMORY_LIMIT"
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    bytes: int
    origin: str  # where it came from, for the message: "memory_limit=...", "GRAPHC_MEMORY_LIMIT", ...


@dataclass(frozen=True)
class Buffer:
    """One planned allocation, as the error names it."""

    op: str
    shape: tuple
    dtype: str
    nbytes: int


def parse_size(text, what: str = "memory limit") -> int | None:
    """Bytes from 1048576, "64M", "1.5GiB"; None for "none" (no cap)."""
    expected = f"{what}: expected a byte count such as 1073741824 or 8G, or none; got {printable(repr(text))}"
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise GraphcError(expected)
    if isinstance(text, int):
        value = text
    elif text.strip().lower() == "none":
        return None
    else:
        match = _SIZE.fullmatch(text)
        if match is None or len(match.group(1)) > 30:
            raise GraphcError(expected)
        value = math.floor(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if value <= 0:
        raise GraphcError(f"{what}: must be positive (or none for no limit), got {printable(text)!r}")
    return value


def available_memory() -> int | None:
    """Bytes this machine can still give without swapping, or None when the system does not say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def resolve(option=None) -> Limit | None:
    """The cap in force: the option when given, else $GRAPHC_MEMORY_LIMIT, else the available memory."""
    if option is not None:
        if isinstance(option, Limit):
            return option
        value = parse_size(option, "memory_limit")
        return None if value is None else Limit(value, f"memory_limit={printable(option)}")
    env = os.environ.get(ENV)
    if env:
        value = parse_size(env, ENV)
        return None if value is None else Limit(value, f"{ENV}={printable(env)}")
    available = available_memory()
    return None if available is None else Limit(available, "the memory available on this machine")


def check(limit: Limit | None, planned: int | Callable[[], int], buffers: Iterable[Buffer], plan: str) -> None:
    """Refuse a plan of `planned` bytes above `limit`, naming the largest buffers.

    `planned` may be a function, called only when the buffers' total exceeds the
    limit: a total within the limit needs no planning to be accepted.
    """
    if limit is None:
        return
    buffers = list(buffers)
    total = sum(b.nbytes for b in buffers)
    if total <= limit.bytes:
        return
    need = planned() if callable(planned) else planned
    if need <= limit.bytes:
        return
    largest = sorted(buffers, key=lambda b: -b.nbytes)[:3]
    named = "; ".join(f"{printable(b.op)} {_shape(b.shape)} {b.dtype} {human(b.nbytes)}" for b in largest)
    raise MemoryLimitError(
        f"the program needs {human(need)} ({plan}), more than the memory limit of {human(limit.bytes)} "
        f"({limit.origin}); largest buffers: {named}. Rematerialization (remat=) may lower the peak; or raise "
        f"the limit (memory_limit=, --memory-limit or {ENV}) if the machine has the memory")


def _shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def human(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def program_buffers(program) -> list[Buffer]:
    """Every value a node-by-node run allocates: one buffer per non-source node (outputs included).
    A size known only at run time (a while loop's recorded steps) counts as 0: it cannot be told before."""
    return [Buffer(n.op.name, n.shape, str(n.dtype), math.prod(d or 0 for d in n.shape) * n.dtype.itemsize)
            for n in program.nodes() if n.op.kind != "source"]


def check_program(program, option=None) -> None:
    """The numpy reference executor's check: its node-by-node plan (graphc.passes.memory_plan) within the cap."""
    from graphc.passes.memory_plan import plan_program_memory

    check(resolve(option), lambda: plan_program_memory(program).peak_bytes, program_buffers(program),
          "the numpy backend's node-by-node plan")
