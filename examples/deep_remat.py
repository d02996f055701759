"""Train a deep tanh network with remat="sqrt" and print the planned peak memory with and without it.

A deep narrow network's memory is its activations: reverse mode keeps every
layer's output until the backward pass reads it.  With remat="sqrt" graphc keeps
about sqrt(depth) of them and recomputes the rest, segment by segment, just
before the backward pass needs them.  The losses are the same, bit for bit.

    python examples/deep_remat.py            # depth 64, width 128, batch 1024, 20 steps
    python examples/deep_remat.py --quick    # a few seconds
"""

import argparse

import numpy as np

import graphc as gc


def train(remat, depth, width, batch, steps, lr=0.05):
    rng = np.random.default_rng(0)
    x = gc.placeholder((None, width), gc.float32, name="x")
    y = gc.placeholder((None, 1), gc.float32, name="y")
    ws = [gc.variable((rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), name=f"w{i}")
          for i in range(depth)]
    head = gc.variable(np.zeros((width, 1), np.float32), name="head")
    # Each residual branch is scaled by 1/sqrt(depth) so that the residual stream's
    # variance stays about 1.5 at any depth.  With a fixed 0.5 it grew with depth
    # (std 3.4 at depth 64), and the head's curvature with it (largest Hessian
    # eigenvalue 220 against 11), so that lr 0.05 diverged.
    branch = depth ** -0.5
    h = x
    for w in ws:
        h = h + branch * gc.tanh(h @ w)  # a residual tanh layer
    loss = gc.mean((h @ head - y) ** 2)
    params = ws + [head]
    step = gc.group(*[gc.assign(p, p - lr * g) for p, g in zip(params, gc.grad(loss, params))])
    f = gc.function([x, y], loss, updates=step, remat=remat)
    data = np.random.default_rng(1)
    xs = data.standard_normal((batch, width)).astype(np.float32)
    ys = np.sin(xs[:, :1] + xs[:, 1:2])
    losses = [float(f(xs, ys)) for _ in range(steps)]
    return losses, f.memory_plan().peak_bytes, f.executable.peak_bytes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small network and 3 steps")
    args = parser.parse_args(argv)
    depth, width, batch, steps = (16, 32, 128, 3) if args.quick else (64, 128, 1024, 20)
    results = {remat: train(remat, depth, width, batch, steps) for remat in ("none", "sqrt")}
    for remat, (losses, planned, measured) in results.items():
        print(f"remat={remat!r:7} planned peak {planned / 2**20:7.2f} MiB (measured {measured / 2**20:7.2f} MiB), "
              f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    ratio = results["sqrt"][1] / results["none"][1]
    same = results["sqrt"][0] == results["none"][0]
    print(f"depth {depth}: sqrt needs {ratio:.0%} of the memory; losses identical: {same}")
    return results


if __name__ == "__main__":
    main()
