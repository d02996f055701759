"""An LSTM reads each scikit-learn digit row by row (8 rows of 8 pixels), built with gc.scan, trained on llvm.

The recurrence is one `gc.scan` over the 8 rows: its body (the LSTM cell: one matmul for the
four gates, then the gates' elementwise math) is traced once, and the gradient of the loss is a
reverse scan over the carries the forward scan recorded (docs/control_flow.md).  The whole
training step (forward scan, backward scan, Adam's update) is one compiled function; on llvm
each body is compiled once and called once per row from the host.

    python examples/lstm_digits.py                # hidden 64, Adam 5e-3, 30 epochs: 98% test accuracy
    python examples/lstm_digits.py --quick        # fewer epochs, for CI
    python examples/lstm_digits.py --backend numpy
"""

import argparse
import os
import time

# Each step calls the small compiled cell body 24 times from the host (8 rows, three loops); a BLAS
# thread pool woken for each of its tiny matmuls costs far more than the multiply (0.22 s a step
# against 5 ms with one thread, on the loaded 2-core machine).  Set before numpy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402 - after the BLAS setting above

import graphc as gc  # noqa: E402
from graphc.backends import backend_or_reference  # noqa: E402
from graphc.datasets import load_digits  # noqa: E402


class LSTMClassifier:
    """rows (batch, 64) -> logits (batch, 10): an LSTM over the 8 rows of 8 pixels, then a dense layer."""

    def __init__(self, hidden: int = 64, rows: int = 8, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.hidden, self.rows = hidden, rows
        scale = 1.0 / np.sqrt(hidden)
        self.w_x = gc.variable(rng.uniform(-scale, scale, (rows, 4 * hidden)).astype(np.float32), name="lstm/w_x")
        self.w_h = gc.variable(rng.uniform(-scale, scale, (hidden, 4 * hidden)).astype(np.float32), name="lstm/w_h")
        bias = np.zeros(4 * hidden, np.float32)
        bias[hidden:2 * hidden] = 1.0  # forget gate open at the start: gradients flow through the rows
        self.b = gc.variable(bias, name="lstm/b")
        self.out = gc.nn.Dense(hidden, 10, seed=seed, name="lstm/out")

    def cell(self, carry, row):
        h, c = carry
        gates = gc.matmul(row, self.w_x) + gc.matmul(h, self.w_h) + self.b
        n = self.hidden
        i, f = gc.sigmoid(gates[:, :n]), gc.sigmoid(gates[:, n:2 * n])
        g, o = gc.tanh(gates[:, 2 * n:3 * n]), gc.sigmoid(gates[:, 3 * n:])
        c = f * c + i * g
        h = o * gc.tanh(c)
        return (h, c), None

    def __call__(self, x):
        rows = gc.transpose(gc.reshape(x, (-1, self.rows, self.rows)), (1, 0, 2))  # (8, batch, 8)
        zeros = gc.zeros_like(gc.matmul(rows[0], self.w_x)[:, :self.hidden])      # (batch, hidden)
        (h, _), _ = gc.scan(self.cell, (zeros, zeros), rows)
        return self.out(h)

    def __repr__(self):
        return f"LSTM({self.rows} rows of {self.rows} -> {self.hidden}) -> Dense({self.hidden} -> 10)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="llvm", help="llvm (default) or numpy")
    parser.add_argument("--quick", action="store_true", help="25 epochs, not 30 (CI)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="lstm_loss_curve.png", help="where to save the loss curve ('' for none)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))
    epochs = args.epochs or (25 if args.quick else 30)
    x, y = load_digits()
    x_train, x_test, y_train, y_test = gc.nn.train_test_split(x, y, test_fraction=0.25, seed=args.seed)
    model = LSTMClassifier(args.hidden, seed=args.seed)
    print(f"digits: {len(x_train)} train / {len(x_test)} test images; model {model}; backend {backend}")
    start = time.perf_counter()
    history = gc.nn.fit_classifier(model, gc.optim.Adam(args.lr), (x_train, y_train), (x_test, y_test),
                                   epochs=epochs, batch_size=args.batch_size, backend=backend, seed=args.seed,
                                   progress=not args.no_progress, desc=f"digits LSTM ({backend})")
    seconds = time.perf_counter() - start
    accuracy = history.test_accuracy[-1]
    print(f"test accuracy {accuracy:.2%} after {epochs} epochs ({len(history.losses)} steps, {seconds:.1f} s)")
    if args.plot:
        gc.nn.plot_losses(history, args.plot, title=f"digits LSTM (gc.scan), {backend} backend")
        print(f"loss curve saved to {args.plot}")
    return {"test_accuracy": accuracy, "history": history, "backend": backend, "seconds": seconds}


if __name__ == "__main__":
    main()
