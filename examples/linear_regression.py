"""Least squares by gradient descent: minimise the seed's z = ‖Xw − y‖² and compare with numpy's lstsq.

The gradient graphc derives is the seed's 2·Xᵀ(Xw − y); gradient descent with
step 1/L, where L = 2·λmax(XᵀX) is the gradient's Lipschitz constant, converges
to the least-squares solution (X has full column rank).

    python examples/linear_regression.py
    python examples/linear_regression.py --quick --backend numpy
"""

import argparse

import numpy as np

import graphc as gc
from graphc.backends import backend_or_reference


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="llvm")
    parser.add_argument("--quick", action="store_true", help="a smaller problem (CI)")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--momentum", type=float, default=0.0, help="heavy-ball momentum of gc.optim.SGD")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))  # exit status 2 and one line, as for any argument that cannot be used here
    n, d = (200, 8) if args.quick else (5000, 50)
    steps = args.steps or (300 if args.quick else 1000)

    rng = np.random.default_rng(args.seed)
    x_data = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y_data = x_data @ w_true + 0.1 * rng.standard_normal(n)

    x = gc.placeholder((None, d), gc.float64, name="X")
    y = gc.placeholder((None,), gc.float64, name="y")
    w = gc.variable(np.zeros(d), gc.float64, name="w")
    z = gc.nn.losses.sum_of_squares(x @ w - y)          # z = ‖Xw − y‖²
    lipschitz = 2 * np.linalg.eigvalsh(x_data.T @ x_data).max()
    # 1/L converges for plain descent, and for heavy-ball momentum too on a quadratic (any lr < 2(1+μ)/L)
    step = gc.function([x, y], z, updates=gc.optim.SGD(1 / lipschitz, momentum=args.momentum).minimize(z, [w]),
                       backend=backend)
    losses = [float(step(x_data, y_data)) for _ in range(steps)]

    w_lstsq, *_ = np.linalg.lstsq(x_data, y_data, rcond=None)
    z_lstsq = float(np.sum((x_data @ w_lstsq - y_data) ** 2))
    error = float(np.max(np.abs(w.value - w_lstsq)))
    print(f"{backend}: {steps} steps of gradient descent on z = ||Xw - y||^2 (X {n}x{d})")
    print(f"  z: {losses[0]:.4g} -> {losses[-1]:.6g} (least squares: {z_lstsq:.6g})")
    print(f"  max |w - w_lstsq| = {error:.2e}")
    return {"losses": losses, "w": w.value, "w_lstsq": w_lstsq, "z_lstsq": z_lstsq, "max_error": error}


if __name__ == "__main__":
    main()
