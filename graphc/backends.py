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
from collections.abc import Callable, Iterator, Mapping

from graphc.errors import BackendError
from graphc.program import Program

# name -> "module:function" building an executable from (program, options)
_FACTORIES: dict[str, str] = {
    "numpy": "graphc.backends:_build_reference",
    "llvm": "graphc.compile:build_llvm",
    "cuda": "graphc.cuda_backend:build_cuda",
}


def _llvm_missing() -> str | None:
    try:
        import llvmlite.binding  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"llvmlite does not import ({exc}); pip install llvmlite"
    return None


def _cuda_missing() -> str | None:
    from graphc.runtime.cuda_launch import missing_requirement

    return missing_requirement()


# name -> a cheap check (no compile, no device opened): None when the backend can run
# here, else why not and what to install.  A backend without one is always runnable.
_REQUIREMENTS: dict[str, Callable[[], str | None]] = {"llvm": _llvm_missing, "cuda": _cuda_missing}


def register_backend(name: str, factory: str, requirement: Callable[[], str | None] | None = None) -> None:
    """Make `name` a backend built by `factory` ("module:function"), runnable where `requirement()` is None.

    >>> register_backend("mine", "my_package.backend:build")   # then gc.function(..., backend="mine")
    """
    _FACTORIES[name] = factory
    _REQUIREMENTS.pop(name, None)
    if requirement is not None:
        _REQUIREMENTS[name] = requirement


def registered_backends() -> list[str]:
    """Every backend graphc knows, including those that cannot run on this machine."""
    return sorted(_FACTORIES)


def unavailable_reason(name: str) -> str | None:
    """Why the registered backend `name` cannot run here, or None when it can."""
    requirement = _REQUIREMENTS.get(name)
    return requirement() if requirement is not None else None


def available_backends() -> list[str]:
    """The backends that can run here, so that scripts and tests can loop over them without failing builds."""
    return [name for name in registered_backends() if unavailable_reason(name) is None]


def check_backend(name: str) -> None:
    """Raise BackendError when `name` is unknown or cannot run here, saying why and what to install."""
    if name not in _FACTORIES:
        raise BackendError(f"unknown backend {name!r}; choose one of {', '.join(available_backends())}")
    reason = unavailable_reason(name)
    if reason is not None:
        choices = [b for b in available_backends() if b != name]
        raise BackendError(f"backend {name!r} is not available here: {reason} "
                           f"(backends that run here: {', '.join(choices)})")


def backend_or_reference(requested: str) -> str:
    """`requested` when it can run here; for llvm that cannot, the numpy reference, saying so on stdout.

    For scripts and examples whose default is llvm but that must still run where it
    cannot (no llvmlite).  Any other backend that cannot run here (cuda without a
    driver) was asked for by name, so it is a BackendError to report, not a swap.
    """
    if requested == "llvm" and (requested not in _FACTORIES or unavailable_reason(requested) is not None):
        print(f"notice: the {requested} backend is not available here; using the numpy reference backend")
        return "numpy"
    check_backend(requested)
    return requested


def builder(name: str) -> Callable:
    """The backend's factory `(program, options) -> executable`, run with the collector paused; `options`
    (a dict or graphc.pipeline.Options) are validated once, and the factory gets Options (a mapping)."""
    check_backend(name)
    module, func = _FACTORIES[name].split(":")
    try:
        factory = getattr(importlib.import_module(module), func)
    except ImportError as exc:
        raise BackendError(f"backend {name!r} is not available here: {exc}") from None

    @functools.wraps(factory)
    def build(program: Program, options: Mapping | None):
        from graphc.pipeline import Options

        with collector_paused():
            options = Options.of(options)
            from graphc.distributed.executable import build_with_host_steps, has_host_steps

            compile_program = factory
            if name != "numpy":  # the reference runs control nodes itself; compiled backends around them
                from graphc.control.executable import with_control_flow

                # a backend may run control flow its own way (cuda: a scan as one loop kernel)
                compile_program = getattr(factory, "control_flow", with_control_flow)(factory)
            if has_host_steps(program):  # no backend compiles a host op: they run between compiled segments
                return build_with_host_steps(program, options, compile_program)
            return compile_program(program, options)

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


def _build_reference(program: Program, options):
    """Backend factory for "numpy": the reference executor (graphc.pipeline.REFERENCE: no simplify, node by node)."""
    from graphc import pipeline

    return pipeline.build(program, options, pipeline.REFERENCE)
