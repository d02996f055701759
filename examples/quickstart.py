"""Build a graph, take gradients both ways, and run it: the seeds' y = ln(x1) + x1·x2 − sin(x2) at (2, 5)."""

import graphc as gc


def main():
    x1 = gc.placeholder((), gc.float64, name="x1")
    x2 = gc.placeholder((), gc.float64, name="x2")
    y = gc.log(x1) + x1 * x2 - gc.sin(x2)
    g1, g2 = gc.grad(y, [x1, x2])                      # reverse mode
    t1 = gc.jvp(y, [x1, x2], [1.0, 0.0])               # forward mode, along x1
    f = gc.function([x1, x2], [y, g1, g2, t1])
    y_val, g1_val, g2_val, t1_val = f(2.0, 5.0)
    print(f"y = {y_val:.3f}, dy/dx1 = {g1_val:.3f} (forward mode: {t1_val:.3f}), dy/dx2 = {g2_val:.3f}")


if __name__ == "__main__":
    main()
