"""The `graphc` command: export, inspect, draw, compile, run and benchmark saved graphs.

    graphc export examples/models.py:mlp -o mlp.json --grad
    graphc inspect mlp.json --grad --shape x=64,784 --shape labels=64
    graphc dot mlp.json --grad -o mlp.svg
    graphc run mlp.json --feed x=x.npy --feed labels=labels.npy -o out.npz
    graphc compile mlp.json --target llvm --emit llvm-ir --shape x=64,784 --shape labels=64 -o mlp.ll

Each subcommand is one module here with `add_parser(subparsers, common)` and
`run(args) -> int`.  `main` turns errors into messages on stderr and exit
codes (0 success, 1 error, 2 usage error); `--debug` shows the traceback.
docs/cli.md is the manual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading

from graphc.cli.common import UsageError
from graphc.errors import GraphcError, printable

SUBCOMMANDS = [importlib.import_module(f"graphc.cli.{name}")
               for name in ("export", "inspect", "compile", "dot", "run", "bench")]


def build_parser() -> argparse.ArgumentParser:
    from graphc import __version__

    # --debug works before or after the subcommand; SUPPRESS keeps a subcommand from resetting it to False
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the Python traceback of an error")
    parser = argparse.ArgumentParser(
        prog="graphc", description="Export, inspect, draw, compile, run and benchmark graphc graphs (see docs/cli.md).")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    parser.add_argument("--version", action="version", version=f"graphc {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers, common)
    return parser


_WORK_THREAD = "graphc command"
_unfinished: set[threading.Event] = set()  # one per command of run_interruptibly's still at work


def run_interruptibly(command, args) -> int:
    """`command(args)` on a thread of its own, so that Ctrl-C is heard at once.

    Python handles a signal only between bytecodes of the main thread, and a compiled kernel
    (a ctypes call) or an LLVM build can run for minutes without returning to it.  The main
    thread only waits here, so KeyboardInterrupt reaches it while the work goes on.

    Whether the work is still going is an Event the work sets as it ends, not
    `Thread.is_alive()`: a KeyboardInterrupt inside `Thread.join` (CPython 3.11's bpo-45274
    clean-up) releases the running thread's own state lock and marks it stopped, so after
    Ctrl-C a thread deep in a kernel looked finished, and the interpreter's ordinary exit then
    tore down the process under it (a SIGSEGV in CI, a hang in OpenBLAS's exit here).
    """
    outcome: dict = {}
    finished = threading.Event()

    def work():
        try:
            outcome["value"] = command(args)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread, below
            outcome["error"] = exc
        finally:
            finished.set()

    _unfinished.add(finished)
    threading.Thread(target=work, name=_WORK_THREAD, daemon=True).start()
    while not finished.wait(0.2):
        pass
    _unfinished.discard(finished)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def work_unfinished() -> bool:
    """Whether a command of `run_interruptibly`'s is still at work (after Ctrl-C: inside a kernel or a build)."""
    return any(not finished.is_set() for finished in _unfinished)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return run_interruptibly(args.run, args)
    except UsageError as exc:
        if args.debug:
            raise
        print(f"graphc {args.command}: usage error: {_shown(exc)}", file=sys.stderr)
        return 2
    except GraphcError as exc:
        if args.debug:
            raise
        print(f"graphc {args.command}: error: {_shown(exc)}", file=sys.stderr)
        return 1
    except (MemoryError, OverflowError) as exc:  # sizes no check foresaw: the machine's limit, not a bug
        if args.debug:
            raise
        what = "out of memory" if isinstance(exc, MemoryError) else "a size is too large"
        print(f"graphc {args.command}: error: {what}: {_shown(exc) or type(exc).__name__} (a smaller "
              f"--memory-limit or GRAPHC_MEMORY_LIMIT refuses such programs before they start)", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `graphc inspect m.json | head`: the reader left; stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a file that cannot be read or written: the user's to fix, not a bug
        if args.debug:
            raise
        print(f"graphc {args.command}: error: {_shown(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"graphc {args.command}: interrupted", file=sys.stderr)
        if work_unfinished():
            # The work is still inside a compiled kernel or an LLVM build, which cannot be
            # stopped from Python and would keep running while the interpreter shuts down.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI's last line: a message, the traceback only with --debug
        if args.debug:
            raise
        print(f"graphc {args.command}: internal error: {type(exc).__name__}: {_shown(exc)}\n"
              f"  (run again with --debug for the traceback, and please report it)", file=sys.stderr)
        return 1


def _shown(exc: BaseException) -> str:
    """The message with control characters escaped; its own line breaks (an error's "at" line) kept."""
    return "\n".join(printable(line) for line in str(exc).split("\n"))
