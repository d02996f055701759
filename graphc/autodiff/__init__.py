"""Automatic differentiation by graph extension: reverse mode, forward mode, Jacobians, checks."""

from graphc.autodiff.check import check_grad
from graphc.autodiff.forward import jvp
from graphc.autodiff.jacobian import hessian, jacobian
from graphc.autodiff.reverse import grad

__all__ = ["check_grad", "grad", "hessian", "jacobian", "jvp"]
