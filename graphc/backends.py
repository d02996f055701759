"""Backends by name: each turns a Program into an executable `(inputs, variables) -> (outputs, new_values)`.

A backend is registered with the name users pass to `Session(backend=...)` and
`function(..., backend=...)`.  Importing a backend's heavy dependencies (llvmlite,
CUDA) happens only when it is first used.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
from collections.abc import Callable, Iterator

from graphc.errors import BackendError
from graphc.program import Program

# name -> "module:function" building an executable from (program, options)
_FACTORIES: dict[str, str] = {
    "numpy": "graphc.backends:_build_reference",
    "llvm": "graphc.compile:build_llvm",
    "cuda": "graphc.runtime.cuda_backend:build_cuda",
}


def register_backend(name: str, factory: str) -> None:
    _FACTORIES[name] = factory


def available_backends() -> list[str]:
    return sorted(_FACTORIES)


def backend_or_reference(requested: str) -> str:
    """`requested` when it is registered, else the numpy reference, saying so on stdout.

    For scripts and examples that prefer a compiled backend but must still run where
    it cannot be built (no llvmlite); an unknown name is still an error later.
    """
    if requested in ("llvm", "cuda") and requested not in _FACTORIES:
        print(f"notice: the {requested} backend is not available here; using the numpy reference backend")
        return "numpy"
    return requested


def builder(name: str) -> Callable:
    """The backend's factory `(program, options) -> executable`, run with the collector paused."""
    if name not in _FACTORIES:
        raise BackendError(f"unknown backend {name!r}; choose one of {', '.join(available_backends())}")
    module, func = _FACTORIES[name].split(":")
    try:
        factory = getattr(importlib.import_module(module), func)
    except ImportError as exc:
        raise BackendError(f"backend {name!r} is not available here: {exc}") from None

    @functools.wraps(factory)
    def build(program: Program, options: dict):
        with collector_paused():
            return factory(program, options)

    return build


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a compilation, and back on after it.

    Compiling allocates hundreds of thousands of small objects, and every few hundred
    allocations the collector scans them, a whole graph of them in its older generations:
    about a third of a 5000-op graph's compile time.  What a compilation leaves in cycles
    (nested functions that refer to themselves) is collected by the collections after it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _build_reference(program: Program, options: dict):
    from graphc.passes.memory_plan import plan_program_memory
    from graphc.passes.remat import check_remat_option, rematerialize
    from graphc.runtime.reference import ReferenceExecutable

    remat = check_remat_option(options.get("remat", "none"))
    if remat != "none":
        program = rematerialize(program, remat)
    return ReferenceExecutable(program, memory_planner=plan_program_memory)
