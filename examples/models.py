"""Small graphs to save, inspect, draw and compile with the `graphc` command.

    graphc export examples/models.py:seeds -o seeds.json
    graphc export examples/models.py:mlp -o mlp.json --grad
    graphc inspect mlp.json --grad --shape x=64,784

A graph-building function takes no arguments and returns its outputs: a node,
a list of nodes, or a dict name -> node (what `gc.save` accepts).
"""

import numpy as np

import graphc as gc


def seeds():
    """The seeds' y = ln(x1) + x1·x2 − sin(x2) (evaluate it at (2, 5): y = 11.652)."""
    x1 = gc.placeholder((), gc.float64, name="x1")
    x2 = gc.placeholder((), gc.float64, name="x2")
    return {"y": gc.log(x1) + x1 * x2 - gc.sin(x2)}


def mlp(sizes=(784, 128, 64, 10), seed=0):
    """A softmax-regression MLP with ReLU hidden layers: mean cross-entropy of a batch of any size."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, sizes[0]), gc.float32, name="x")
    labels = gc.placeholder((None,), gc.int32, name="labels")
    h = x
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        w = gc.variable(rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)).astype(np.float32), name=f"W{i}")
        b = gc.variable(np.zeros(n_out, np.float32), name=f"b{i}")
        h = h @ w + b
        if i < len(sizes) - 1:
            h = gc.relu(h)
    loss = gc.mean(gc.softmax_cross_entropy(h, labels))
    return {"loss": loss}


def tiny_mlp():
    """The MLP at a size whose tests run in milliseconds: 8 -> 16 -> 4."""
    return mlp(sizes=(8, 16, 4), seed=1)


def deep_chain(depth=16, width=64):
    """A deep elementwise-and-matmul chain with a static batch: what rematerialization has most to save on."""
    rng = np.random.default_rng(2)
    x = gc.placeholder((32, width), gc.float32, name="x")
    h = x
    for i in range(depth):
        w = gc.variable((rng.normal(0, 1, (width, width)) / np.sqrt(width)).astype(np.float32), name=f"W{i}")
        h = gc.tanh(h @ w)
    return {"loss": gc.sum(h * h)}


def main():
    y = seeds()["y"]
    x1, x2 = [n for n in gc.ir.toposort([y]) if n.op.name == "placeholder"]
    print(gc.Session().run(y, {x1: 2.0, x2: 5.0}))


if __name__ == "__main__":
    main()
