"""The seeds' forward- and reverse-mode tables for y = ln(x1) + x1·x2 − sin(x2) at (2, 5), by graphc.

Each intermediate v_i of the evaluation trace is a graph node; its tangent v̇_i (for ∂/∂x1) comes
from gc.jvp and its adjoint v̄_i = ∂y/∂v_i from gc.grad with respect to that node.  Names follow
the seed notes: v_-1 = x1, v0 = x2, v1 = ln v_-1, v2 = v_-1·v0, v3 = sin v0, v4 = v1 + v2,
v5 = v4 − v3 = y.

Then the notes' example of differentiating through control flow: f(a) doubles b = 2a while
its norm is below 1000, then keeps b or takes 100·b by the sign of its sum.  f is piecewise
linear, f(a) = k·a with k depending on a, so the gradient must be f(a)/a; graphc builds the
`while` and the `if` as graph ops (gc.while_loop, gc.cond) whose trip count and branch are
decided at run time, for a scalar and for a vector a.

    python examples/seed_tables.py
"""

import numpy as np

import graphc as gc


def trace():
    """The evaluation trace: a list of (name, formula, node); the last node is y."""
    x1 = gc.placeholder((), gc.float64, name="x1")
    x2 = gc.placeholder((), gc.float64, name="x2")
    v1 = gc.log(x1)
    v2 = x1 * x2
    v3 = gc.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return [("v_-1", "x1", x1), ("v0", "x2", x2), ("v1", "ln v_-1", v1), ("v2", "v_-1 * v0", v2),
            ("v3", "sin v0", v3), ("v4", "v1 + v2", v4), ("v5", "v4 - v3", v5)]


def tables(x1_value=2.0, x2_value=5.0):
    """Rows (name, formula, value, tangent for ∂/∂x1, adjoint ∂y/∂v_i), computed by one graphc run."""
    rows = trace()
    nodes = [node for _, _, node in rows]
    x1, x2, y = nodes[0], nodes[1], nodes[-1]
    tangents = gc.jvp(nodes, [x1, x2], [1.0, 0.0])
    adjoints = gc.grad(y, nodes)
    values, dots, bars = gc.Session().run([nodes, tangents, adjoints], {x1: x1_value, x2: x2_value})
    return [(name, formula, float(v), float(d), float(b))
            for (name, formula, _), v, d, b in zip(rows, values, dots, bars)]


def notes_f(a):
    """The notes' f: `while b.norm() < 1000: b = b * 2`, then `b if b.sum() > 0 else 100 * b`."""
    b = a * 2.0
    b = gc.while_loop(lambda b: gc.sqrt(gc.sum(b * b)) < 1000.0, lambda b: b * 2.0, b)
    return gc.cond(gc.sum(b) > 0, lambda b: b, lambda b: 100.0 * b, b)


def control_flow_rows(values=(0.3, -0.3, (0.5, -1.2, 2.0))):
    """Rows (a, f(a), gradient of sum f(a) in a, f(a)/a) for each a, one graph per shape of a."""
    rows = []
    for a_value in values:
        a_value = np.asarray(a_value, dtype=np.float64)
        a = gc.placeholder(a_value.shape, gc.float64, name="a")
        d = notes_f(a)
        d_value, grad_value = gc.Session().run([d, gc.grad(gc.sum(d), a)], {a: a_value})
        rows.append((a_value, d_value, grad_value, d_value / a_value))
    return rows


def main():
    rows = tables()
    print("Forward mode, x1 = 2, x2 = 5, seeding dx1 = 1 (v̇_i = ∂v_i/∂x1)")
    print(f"{'node':>5}  {'formula':<10} {'value':>10}  {'tangent':>10}")
    for name, formula, value, dot, _ in rows:
        print(f"{name:>5}  {formula:<10} {value:10.4f}  {dot:10.4f}")
    print()
    print("Reverse mode, x1 = 2, x2 = 5, seeding v̄5 = 1 (v̄_i = ∂y/∂v_i)")
    print(f"{'node':>5}  {'formula':<10} {'value':>10}  {'adjoint':>10}")
    for name, formula, value, _, bar in reversed(rows):
        print(f"{name:>5}  {formula:<10} {value:10.4f}  {bar:10.4f}")
    print()
    print(f"y = {rows[-1][2]:.4f}, dy/dx1 = {rows[0][4]:.4f}, dy/dx2 = {rows[1][4]:.4f}")
    print()
    print("Control flow: f(a) with a data-dependent while and if (gc.while_loop, gc.cond)")
    with np.printoptions(precision=4, suppress=True):
        for a, d, g, ratio in control_flow_rows():
            print(f"a = {a}  f(a) = {d}  grad = {g}  f(a)/a = {ratio}  a.grad == f(a)/a: {np.allclose(g, ratio)}")


if __name__ == "__main__":
    main()
