"""graphc export MODULE.py[:FUNCTION] -o model.json: run a graph-building function and save its graph.

The function takes no arguments and returns what `gc.save` accepts as outputs
(a node, a list of nodes, a dict name -> node).  This is the one subcommand
that runs Python code (the user's module); loading a saved graph never does.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect as pyinspect
import json
import sys
from pathlib import Path

from graphc.cli.common import UsageError, note, progress
from graphc.errors import GraphcError

DEFAULT_FUNCTION = "model"


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "export", parents=[common], help="run a Python graph-building function and save the graph",
        description="Run FUNCTION (default: model) of a Python file or module and save the graph it returns "
                    "(a node, a list of nodes or a dict name -> node) with gc.save.")
    p.add_argument("target", metavar="MODULE[:FUNCTION]",
                   help="a .py file or an importable module name, optionally :FUNCTION")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json", help="the graph file to write")
    p.add_argument("--grad", action="store_true",
                   help="also save the gradients of the first output (w.r.t. its variables, or its placeholders)")
    p.add_argument("--wrt", nargs="+", metavar="NAME", help="with --grad: differentiate w.r.t. these inputs")
    p.add_argument("--inline-bytes", type=int, default=None, metavar="N",
                   help="store arrays up to N bytes inline in the JSON (default 4096), larger ones in OUT.npz")
    p.set_defaults(run=run)


def load_function(target: str):
    """The callable named by MODULE.py[:FUNCTION] or package.module[:FUNCTION]."""
    module_part, _, func_name = target.partition(":")
    if module_part.endswith(".py") and len(target) > 1 and ":" in target[1:] and Path(target).exists():
        module_part, func_name = target, ""  # a path that itself contains ':'
    func_name = func_name or DEFAULT_FUNCTION
    path = Path(module_part)
    if module_part.endswith(".py") or path.exists():
        if not path.is_file():
            raise UsageError(f"no such Python file: {module_part}")
        module = _import_path(path)
    else:
        try:
            module = importlib.import_module(module_part)
        except ImportError as exc:
            raise UsageError(f"cannot import module {module_part!r}: {exc}") from None
    func = getattr(module, func_name, None)
    if not callable(func):
        candidates = [n for n, f in vars(module).items() if pyinspect.isfunction(f) and not n.startswith("_")
                      and getattr(f, "__module__", None) == module.__name__]
        raise UsageError(f"{module_part} has no function {func_name!r}; name one with {module_part}:FUNCTION "
                         f"(functions there: {', '.join(candidates) or 'none'})")
    return func


def _import_path(path: Path):
    path = path.resolve()
    name = f"_graphc_export_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))  # so the file can import its neighbours
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def run(args) -> int:
    from graphc.serialize import INLINE_BYTES, save

    func = load_function(args.target)
    with progress(f"building the graph with {args.target}"):
        try:
            outputs = func()
        except GraphcError:
            raise
        except Exception as exc:  # noqa: BLE001 - the user's function failed: say where, like Python would
            raise GraphcError(f"{args.target} raised {type(exc).__name__}: {exc}") from exc
    wrt = None
    if args.wrt:
        if not args.grad:
            raise UsageError("--wrt needs --grad")
        wrt = _inputs_named(outputs, args.wrt)
    with progress(f"saving {args.output}"):
        path = save(args.output, outputs, grads=True if args.grad else None, wrt=wrt,
                    inline_bytes=INLINE_BYTES if args.inline_bytes is None else args.inline_bytes)
    side = json.loads(path.read_text()).get("arrays")
    extra = f" and {path.parent / side}" if side else ""
    note(f"wrote {path}{extra}")
    return 0


def _inputs_named(outputs, names: list[str]):
    from graphc.ir import Node, toposort

    roots = [outputs] if isinstance(outputs, Node) else list(outputs.values() if isinstance(outputs, dict)
                                                               else outputs)
    by_label = {n.label: n for n in toposort(roots) if n.op.name in ("placeholder", "variable")}
    unknown = [n for n in names if n not in by_label]
    if unknown:
        raise UsageError(f"--wrt {' '.join(unknown)}: no placeholder or variable of that name "
                         f"(there are: {', '.join(by_label)})")
    return [by_label[n] for n in names]
