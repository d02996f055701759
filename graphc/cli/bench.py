"""graphc bench remat|ops [ARGS...]: the project's benchmarks, from the shell.

Each benchmark is a script in the source tree's benchmarks/ folder with a
`main(argv) -> int | None`; its arguments pass through unchanged
(`graphc bench remat --help` shows the script's own help).  benchmarks/ is not
a package, so the script is imported by path; an installation without the
source tree says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from graphc.cli.common import NotAvailableError

BENCHMARKS = {
    "remat": ("bench_remat.py", "peak memory and time with and without rematerialization"),
    "ops": ("bench_ops.py", "per-op and fused-kernel timings of the compiled backends against numpy"),
}
BENCHMARK_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


def add_parser(subparsers, common) -> None:
    p = subparsers.add_parser(
        "bench", parents=[common], help="run a benchmark: remat, ops",
        description="Run one of the project's benchmarks (from the source tree's benchmarks/ folder); the "
                    "arguments after its name go to the benchmark: `graphc bench remat --help`.\n\n" + "\n".join(
                        f"  {name:6} {what}" for name, (_, what) in BENCHMARKS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("benchmark", choices=sorted(BENCHMARKS))
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the benchmark")
    p.set_defaults(run=run)


def load_benchmark(name: str):
    filename, _ = BENCHMARKS[name]
    path = BENCHMARK_DIR / filename
    if not path.is_file():
        raise NotAvailableError(f"graphc bench {name}", f"{path} is not there (the benchmarks ship with graphc's "
                                                        f"source tree, not with an installed package)")
    spec = importlib.util.spec_from_file_location(f"_graphc_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "main", None)):
        raise NotAvailableError(f"graphc bench {name}", f"{path} has no main(argv) function")
    return module


def run(args) -> int:
    module = load_benchmark(args.benchmark)
    argv0, sys.argv[0] = sys.argv[0], f"graphc bench {args.benchmark}"  # what the benchmark's --help shows
    try:
        code = module.main(list(args.args))
    except SystemExit as exc:  # a benchmark using argparse exits on --help and on usage errors
        code = exc.code
    finally:
        sys.argv[0] = argv0
    if code is None:
        return 0
    return code if isinstance(code, int) else 1
