"""What the subcommands share: errors with exit codes, progress on stderr, reading --shape and --remat.

Exit codes: 0 success, 1 any error (a GraphcError, a missing target), 2 a usage
error (argparse's own, or `UsageError` for values argparse cannot check).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from contextlib import contextmanager

from graphc.errors import GraphcError, printable


class UsageError(GraphcError):
    """A command line that cannot mean anything: exit code 2, like argparse's own errors."""


class NotAvailableError(GraphcError):
    """A feature or target this installation does not have (yet): exit code 1, with what is missing."""

    def __init__(self, what: str, why: str):
        super().__init__(f"not available: {what}: {why}")


def note(message: str) -> None:
    print(f"graphc: {message}", file=sys.stderr)


@contextmanager
def progress(message: str, after_s: float = 2.0):
    """Say on stderr what is running if it takes more than `after_s` seconds, and how long it took."""
    start = time.perf_counter()
    shown = threading.Event()

    def announce():
        shown.set()
        print(f"graphc: {message} ...", file=sys.stderr, flush=True)

    timer = threading.Timer(after_s, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
    # only on success: an error or an interrupt is reported by the caller, never as "done"
    if shown.is_set():
        print(f"graphc: {message}: done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def parse_shapes(items: list[str] | None) -> dict[str, tuple[int, ...]]:
    """--shape x=64,784 (repeatable) -> {"x": (64, 784)}; "x=" is a scalar.

    Sizes are bounded as a graph file's are (graphc/serialize_schema.py), so that
    no later stage meets a number too large for a C integer.
    """
    from graphc.serialize_schema import MAX_DIM, MAX_ELEMENTS, MAX_NDIM

    shapes: dict[str, tuple[int, ...]] = {}
    for item in items or ():
        name, sep, dims = item.partition("=")
        try:
            if not sep or not name:
                raise ValueError
            parts = [d for d in dims.replace("x", ",").split(",") if d.strip()] if dims else []
            if len(parts) > MAX_NDIM:
                raise ValueError
            shapes[name] = tuple(int(d) for d in parts)
            if any(d < 0 for d in shapes[name]):
                raise ValueError
        except ValueError:
            raise UsageError(f"--shape {printable(repr(item))}: expected NAME=D1,D2,... with at most {MAX_NDIM} "
                             f"non-negative integers") from None
        if any(d > MAX_DIM for d in shapes[name]) or math.prod(shapes[name]) > MAX_ELEMENTS:
            raise UsageError(f"--shape {printable(repr(item))}: sizes are limited to {MAX_DIM} per axis and "
                             f"{MAX_ELEMENTS} elements in all")
    return shapes


def parse_memory_limit(text: str | None):
    """--memory-limit BYTES|none -> the `memory_limit` option (None: the default, see graphc.memory_limit)."""
    from graphc.memory_limit import Limit, parse_size

    if text is None:
        return None
    try:
        value = parse_size(text, "--memory-limit")
    except GraphcError as exc:
        raise UsageError(str(exc)) from None
    return "none" if value is None else Limit(value, f"--memory-limit {printable(text)}")


def add_memory_limit(parser, what: str) -> None:
    parser.add_argument("--memory-limit", metavar="BYTES|none",
                        help=f"{what} (e.g. 8G; none: no limit; default $GRAPHC_MEMORY_LIMIT, else the memory "
                             f"available on this machine)")


def parse_remat(text: str) -> str | int:
    """--remat sqrt|optimal|none|BYTES (BYTES may end in K, M or G: powers of 1024)."""
    if text in ("sqrt", "optimal", "none"):
        return text
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    scale = units.get(text[-1:].lower(), 1)
    digits = text[:-1] if scale > 1 else text
    if digits.endswith(("i", "I")):
        digits = digits[:-1]
    try:
        value = int(float(digits) * scale)
    except ValueError:
        raise UsageError(f"--remat {text!r}: use sqrt, optimal, none or a byte budget such as 1048576 or 64M") from None
    if value <= 0:
        raise UsageError(f"--remat {text!r}: a byte budget must be positive")
    return value


def add_remat_planner(parser) -> None:
    """--remat-planner and --remat-time-limit, beside --remat."""
    from graphc.passes.remat_optimal import DEFAULT_TIME_LIMIT, PLANNERS

    parser.add_argument("--remat-planner", choices=PLANNERS, default="greedy",
                        help="who meets a --remat byte budget: greedy (the heuristic, default) or optimal "
                             "(a mixed-integer program, never more recompute than greedy)")
    parser.add_argument("--remat-time-limit", type=_seconds, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                        help=f"the optimal planner's solver time (default {DEFAULT_TIME_LIMIT:g})")


def remat_planner_options(args) -> dict:
    """The pipeline options --remat-planner and --remat-time-limit give."""
    return {"remat_planner": args.remat_planner, "remat_time_limit": args.remat_time_limit}


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{printable(repr(text))}: a positive number of seconds, e.g. 10 or 0.5")
    return value


def human_bytes(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(n)


def human_count(n: int | None) -> str:
    if n is None:
        return "-"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f}{unit}"
    return str(n)


def table(rows: list[list], header: list[str]) -> str:
    """A plain text table, numbers right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    numeric = [all(_is_number(r[i]) for r in cells[1:]) and len(cells) > 1 for i in range(len(header))]
    lines = []
    for k, row in enumerate(cells):
        parts = [c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(text: str) -> bool:
    head = text.split(" ")[0].rstrip("kMG%").replace(",", "")
    try:
        float(head)
    except ValueError:
        return text == "-"
    return True
