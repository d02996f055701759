"""graphc run model.json --feed x=x.npy ... [--backend B] [--grad] [-o out.npz]: evaluate a saved graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from graphc import npz
from graphc.cli.common import UsageError, add_memory_limit, note, parse_memory_limit, progress
from graphc.errors import printable


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "run", parents=[common], help="evaluate a saved graph on inputs fed from .npy files or literals",
        description="Evaluate the outputs (and with --grad the gradient outputs) of a saved graph. "
                    "Each placeholder is fed by name: NAME=FILE.npy, NAME=FILE.npz (its only array, or "
                    "FILE.npz:KEY), or NAME=LITERAL (a number or a JSON list).")
    p.add_argument("graph", metavar="GRAPH.json")
    p.add_argument("--feed", action="append", default=[], metavar="NAME=VALUE", help="feed a placeholder")
    p.add_argument("--backend", default="numpy", help="numpy (the reference), llvm, cuda... (default numpy)")
    p.add_argument("--grad", action="store_true",
                   help="also evaluate gradient outputs (the saved ones, or those of the first output)")
    p.add_argument("--remat", default="none", metavar="sqrt|none|BYTES", help="rematerialization strategy")
    p.add_argument("-o", "--output", metavar="OUT.npz", help="write the results here (default: print them)")
    add_memory_limit(p, "refuse a program that would need more memory than this")
    p.set_defaults(run=run)


_OUTPUT_NAME = "-o: the output name"


def read_feed(item: str):
    name, sep, value = item.partition("=")
    if not sep or not name or not value:
        raise UsageError(f"--feed {item!r}: expected NAME=FILE.npy, NAME=FILE.npz[:KEY] or NAME=NUMBER")
    file_part, _, key = value.partition(":") if ".npz:" in value else (value, "", "")
    if file_part.endswith((".npy", ".npz")):
        if not Path(file_part).is_file():
            raise UsageError(f"--feed {name}: no such file {file_part}")
        try:
            data = np.load(file_part, allow_pickle=False)
        except ValueError as exc:
            raise UsageError(f"--feed {name}: cannot read {file_part}: {exc}") from None
        if isinstance(data, np.ndarray):
            return name, data
        with data:
            keys = list(data.keys())
            if not key:
                if len(keys) != 1:
                    raise UsageError(f"--feed {name}: {file_part} holds {', '.join(keys) or 'nothing'}; "
                                     f"pick one with {file_part}:KEY")
                key = keys[0]
            if key not in keys:
                raise UsageError(f"--feed {name}: {file_part} has no array {key!r} ({', '.join(keys)})")
            return name, data[key]
    try:
        return name, np.asarray(json.loads(value))
    except (json.JSONDecodeError, ValueError):
        raise UsageError(f"--feed {name}: {value!r} is neither a .npy/.npz file nor a number or JSON list") \
            from None


def run(args) -> int:
    from graphc.cli.common import parse_remat
    from graphc.serialize import load

    feeds = dict(read_feed(item) for item in args.feed)
    remat = parse_remat(args.remat)
    memory_limit = parse_memory_limit(args.memory_limit)
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix != ".npz":
        raise UsageError(f"-o {args.output}: results are written as an .npz archive (name it *.npz)")
    graph = load(args.graph, memory_limit=memory_limit)
    if args.grad:
        graph = graph.with_gradients()
    if out is not None:  # a name that cannot be stored fails before the run, not after
        for name in graph.fetches(args.grad):
            npz.member_name(name, _OUTPUT_NAME)
    with progress(f"running {args.graph} on the {args.backend} backend"):
        results = graph.run(feeds, backend=args.backend, grads=args.grad, remat=remat, memory_limit=memory_limit)
    if out is not None:
        npz.write(out, results, _OUTPUT_NAME)
        note(f"wrote {', '.join(map(printable, results))} to {out}")
    else:
        with np.printoptions(threshold=50, edgeitems=3, precision=6):
            for name, value in results.items():
                name = printable(name)
                print(f"{name} {list(value.shape)} {value.dtype}:\n{value}" if value.ndim else f"{name} = {value}",
                      file=sys.stdout)
    return 0
