"""Automatic differentiation by graph extension: reverse mode, forward mode, Jacobians, checks.

check_grad's module is imported when it is first asked for: loading a graph and differentiating
it (`graphc inspect --grad`) does not check gradients.
"""

from graphc.autodiff.forward import jvp
from graphc.autodiff.jacobian import hessian, jacobian
from graphc.autodiff.reverse import grad

__all__ = ["check_grad", "grad", "hessian", "jacobian", "jvp"]


def __getattr__(name: str):
    """`graphc.autodiff.check_grad`, from graphc.autodiff.check (kept once asked)."""
    if name != "check_grad":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from graphc.autodiff.check import check_grad

    globals()[name] = check_grad
    return check_grad


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
