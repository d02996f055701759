"""Optimizers that build their update into the graph, TensorFlow 1 style.

    opt = gc.optim.Adam(1e-3)
    train = opt.minimize(loss)                       # a gc.TrainOp
    step = gc.function([x, labels], loss, updates=train, backend="llvm")
    for xb, yb in batches: step(xb, yb)              # one compiled executable per step

The optimizer's state (momentum buffers, Adam's moments, the step count) lives in
graph variables that `minimize` creates, and their updates join the parameters'
in the same TrainOp, so a whole training step (forward, backward, update) is one
compiled program.  Updates are simultaneous: every new value is written in terms
of the old values, which is why Adam's bias correction uses the step count t + 1.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes, ops
from graphc.autodiff import grad
from graphc.errors import GraphcError
from graphc.ir import Node, toposort
from graphc.ops import cast, minimum, sqrt
from graphc.ops.source import variable, variable_op
from graphc.session import TrainOp


def trainable_variables(loss: Node) -> list[Node]:
    """The floating-point variables `loss` depends on, in the order they were created."""
    return sorted((n for n in toposort([loss]) if n.op is variable_op and dtypes.is_float(n.dtype)), key=lambda n: n.id)


class Optimizer:
    """Base class: `minimize` = `compute_gradients` + `apply_gradients`; subclasses give `_update`.

    `clip_norm` (optional) rescales the gradients together when their global L2 norm exceeds it.
    """

    def __init__(self, lr: float, clip_norm: float | None = None):
        if not lr > 0:
            raise GraphcError(f"{type(self).__name__}: the learning rate must be positive, got {lr!r}")
        if clip_norm is not None and not clip_norm > 0:
            raise GraphcError(f"{type(self).__name__}: clip_norm must be positive, got {clip_norm!r}")
        self.lr = float(lr)
        self.clip_norm = clip_norm
        self.state: list[Node] = []  # every state variable this optimizer created, for inspection or reset

    def compute_gradients(self, loss: Node, var_list=None) -> list[tuple[Node, Node]]:
        """(gradient, variable) pairs of `loss`; `var_list` defaults to every float variable it depends on."""
        if not isinstance(loss, Node):
            raise GraphcError(f"minimize: the loss must be a graph node, got {type(loss).__name__}")
        if loss.shape != ():
            raise GraphcError(f"minimize: the loss must be a scalar, got shape {loss.shape} "
                              f"(reduce it first, e.g. gc.mean(loss)); built at {loss.source}")
        var_list = trainable_variables(loss) if var_list is None else list(var_list)
        if not var_list:
            raise GraphcError(f"minimize: the loss depends on no variables; built at {loss.source}")
        for v in var_list:
            if not isinstance(v, Node) or v.op is not variable_op:
                raise GraphcError(f"minimize: var_list holds {v!r}, which is not a variable")
            if not dtypes.is_float(v.dtype):
                raise GraphcError(f"minimize: variable {v.label!r} is {v.dtype}; only float variables train")
        return list(zip(grad(loss, var_list), var_list))

    def apply_gradients(self, grads_and_vars, distributed: bool = False, bucket_bytes: int | None = None) -> TrainOp:
        """The TrainOp applying these gradients: parameter updates plus this optimizer's state updates.

        A None gradient (TF1's "this variable does not affect the loss") leaves its variable alone.
        `distributed=True` first averages each gradient over the MPI ranks (graphc.distributed), in
        flat buckets of about `bucket_bytes` whose allreduces overlap the backward pass; every rank
        then applies the same update, so variables that start equal stay equal.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise GraphcError("apply_gradients: no (gradient, variable) pair has a gradient")
        if distributed:
            from graphc.distributed import average_gradients

            pairs = average_gradients(pairs, bucket_bytes)
        if self.clip_norm is not None:
            pairs = _clip_by_global_norm(pairs, self.clip_norm)
        step = self._new_state(np.zeros((), np.int64), "step")
        updates = [(step, step + 1)]
        for g, v in pairs:
            updates.extend(self._update(v, g, step))
        return TrainOp(updates)

    def minimize(self, loss: Node, var_list=None, distributed: bool = False,
                 bucket_bytes: int | None = None) -> TrainOp:
        """`apply_gradients(compute_gradients(loss, var_list), distributed, bucket_bytes)`."""
        return self.apply_gradients(self.compute_gradients(loss, var_list), distributed, bucket_bytes)

    def _slot(self, v: Node, kind: str) -> Node:
        """A zero-initialised state variable shaped like `v` (a momentum or moment buffer)."""
        return self._new_state(np.zeros(v.shape, v.dtype), f"{v.label}/{kind}")

    def _new_state(self, value: np.ndarray, name: str) -> Node:
        node = variable(value, dtype=value.dtype, name=f"{type(self).__name__}/{name}")
        self.state.append(node)
        return node

    def _update(self, v: Node, g: Node, step: Node) -> list[tuple[Node, Node]]:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum, as in PyTorch:

    buf' = momentum · buf + g;  w' = w − lr · buf'   (Nesterov: w' = w − lr · (g + momentum · buf')).
    """

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False, clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        if not 0 <= momentum < 1:
            raise GraphcError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        if nesterov and momentum == 0:
            raise GraphcError("SGD: nesterov=True needs a positive momentum")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _update(self, v, g, step):
        if self.momentum == 0:
            return [(v, v - self.lr * g)]
        buf = self._slot(v, "momentum")
        new_buf = self.momentum * buf + g
        direction = g + self.momentum * new_buf if self.nesterov else new_buf
        return [(buf, new_buf), (v, v - self.lr * direction)]


class Adam(Optimizer):
    """Adam (Kingma & Ba), with t the number of steps taken before this one:

    m' = β1·m + (1−β1)·g;  v' = β2·v + (1−β2)·g²;
    w' = w − lr · (m' / (1 − β1^(t+1))) / (sqrt(v' / (1 − β2^(t+1))) + eps).
    """

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        b1, b2 = (float(b) for b in betas)
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise GraphcError(f"Adam: betas must be in [0, 1), got {betas!r}")
        self.betas, self.eps = (b1, b2), float(eps)

    def _update(self, v, g, step):
        b1, b2 = self.betas
        m, s = self._slot(v, "m"), self._slot(v, "v")
        new_m = b1 * m + (1 - b1) * g
        new_s = b2 * s + (1 - b2) * (g * g)
        t = cast(step + 1, v.dtype)
        # lr·sqrt(1−β2^t)/(1−β1^t) is a scalar: one division per step, not per element
        root = sqrt(1 - b2 ** t)  # m̂/(sqrt(v̂)+eps) = root/(1−β1^t) · m'/(sqrt(v') + eps·root)
        scale = self.lr * root / (1 - b1 ** t)
        eps_hat = self.eps * root
        return [(m, new_m), (s, new_s), (v, v - scale * new_m / (sqrt(new_s) + eps_hat))]


class RMSProp(Optimizer):
    """RMSProp (Hinton), as in PyTorch: s' = ρ·s + (1−ρ)·g²;  w' = w − lr · g / (sqrt(s') + eps)."""

    def __init__(self, lr: float = 1e-3, rho: float = 0.9, eps: float = 1e-8, clip_norm: float | None = None):
        super().__init__(lr, clip_norm)
        if not 0 <= rho < 1:
            raise GraphcError(f"RMSProp: rho must be in [0, 1), got {rho!r}")
        self.rho, self.eps = float(rho), float(eps)

    def _update(self, v, g, step):
        s = self._slot(v, "mean_square")
        new_s = self.rho * s + (1 - self.rho) * (g * g)
        return [(s, new_s), (v, v - self.lr * g / (sqrt(new_s) + self.eps))]


def _clip_by_global_norm(pairs, clip_norm: float):
    """Scale all gradients by min(1, clip_norm / ‖g‖) where ‖g‖ is their joint L2 norm."""
    total = None
    for g, _ in pairs:
        sq = cast(ops.sum(g * g), np.float64)
        total = sq if total is None else total + sq
    factor = minimum(1.0, clip_norm / sqrt(total))  # a zero gradient gives clip/0 = inf, so factor 1
    return [(g * cast(factor, g.dtype), v) for g, v in pairs]


__all__ = ["Optimizer", "SGD", "Adam", "RMSProp", "trainable_variables"]
