"""Train a small CNN (conv-pool-conv-pool-dense) on scikit-learn's 8x8 handwritten digits, resumably.

Each convolution is one BLAS gemm over the image patches (graphc/ops/conv.py); the
training step — forward, reverse-mode gradients, Adam's update — is one compiled
llvm graph, called once per minibatch.

    python examples/cnn_digits.py                       # 12 epochs, >= 98.5% test accuracy
    python examples/cnn_digits.py --checkpoint ckpt     # saves after every epoch; run again to resume
    python examples/cnn_digits.py --backend numpy       # the reference interpreter

With --checkpoint DIR the weights, Adam's moments and step count, and the number of
epochs done are saved to DIR/cnn_digits.npz after every epoch; a later run with the
same flag continues from there, and its weights are bitwise those of a run never
stopped (each epoch shuffles with a generator seeded by (seed, epoch)).  The loss
curve of a resumed run shows the epochs it ran itself.
"""

import argparse
import time
from pathlib import Path

import numpy as np

import graphc as gc
from graphc.backends import backend_or_reference
from graphc.datasets import load_digits


class DigitsCNN:
    """conv 3x3 (SAME, relu) -> max pool 2 -> conv 3x3 (SAME, relu) -> max pool 2 -> flatten -> dense."""

    def __init__(self, channels=(32, 64), seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [gc.nn.Conv2D(channels[0], 3, padding="SAME", activation=gc.relu, in_channels=1, seed=rng,
                                    name="conv1"),
                       gc.nn.MaxPool2D(2),
                       gc.nn.Conv2D(channels[1], 3, padding="SAME", activation=gc.relu, in_channels=channels[0],
                                    seed=rng, name="conv2"),
                       gc.nn.MaxPool2D(2),
                       gc.nn.Flatten(),
                       gc.nn.Dense(2 * 2 * channels[1], 10, seed=rng, name="dense")]

    @property
    def variables(self):
        return [v for layer in self.layers for v in layer.variables]

    def __call__(self, x):
        h = gc.reshape(x, (-1, 8, 8, 1))  # the flat 64 pixels as one-channel NHWC images
        for layer in self.layers:
            h = layer(h)
        return h

    def __repr__(self):
        return " -> ".join(repr(layer) for layer in self.layers)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="llvm", help="llvm (default) or numpy")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default=None, metavar="DIR",
                        help="save after every epoch to DIR/cnn_digits.npz, and resume from it when it exists")
    parser.add_argument("--plot", default="cnn_loss_curve.png", help="where to save the loss curve ('' for none)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))

    x, y = load_digits()
    x_train, x_test, y_train, y_test = gc.nn.train_test_split(x, y, test_fraction=0.25, seed=args.seed)
    model = DigitsCNN(seed=args.seed)
    images = gc.placeholder((None, 64), gc.float32, name="x")
    labels = gc.placeholder((None,), gc.int32, name="labels")
    logits = model(images)
    loss = gc.nn.losses.softmax_cross_entropy(logits, labels)
    acc = gc.nn.accuracy(logits, labels)
    opt = gc.optim.Adam(args.lr)
    train_op = opt.minimize(loss, var_list=model.variables)
    epochs_done = gc.variable(np.int64(0), name="epochs_done")
    saved = model.variables + opt.state + [epochs_done]
    history = gc.nn.History(step=gc.function([images, labels], [loss, acc], updates=train_op, backend=backend),
                            evaluate=gc.function([images, labels], [loss, acc], backend=backend))
    ckpt = Path(args.checkpoint) / "cnn_digits.npz" if args.checkpoint else None
    if ckpt is not None and ckpt.exists():
        gc.restore_checkpoint(ckpt, saved)
        print(f"resumed from {ckpt} after {int(epochs_done.value)} epochs")
    start_epoch = int(epochs_done.value)
    print(f"digits: {len(x_train)} train / {len(x_test)} test images; model {model}; backend {backend}")

    steps = (args.epochs - start_epoch) * (len(x_train) // args.batch_size)
    bar = None if args.no_progress else _progress_bar(max(steps, 0), f"digits CNN ({backend})")
    start = time.perf_counter()
    for epoch in range(start_epoch, args.epochs):
        rng = np.random.default_rng((args.seed, epoch))  # an epoch's order depends on it alone: resumable
        for xb, yb in gc.nn.minibatches(x_train, y_train, batch_size=args.batch_size, seed=rng, drop_last=True):
            batch_loss, batch_acc = history.step(xb, yb)
            history.losses.append(float(batch_loss))
            history.train_accuracy.append(float(batch_acc))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{float(batch_loss):.4f}", refresh=False)
        test_loss, test_acc = history.evaluate(x_test, y_test)
        history.test_loss.append(float(test_loss))
        history.test_accuracy.append(float(test_acc))
        if bar is not None:
            bar.set_postfix(loss=f"{history.losses[-1]:.4f}", test_acc=f"{float(test_acc):.3f}")
        epochs_done.assign(np.int64(epoch + 1))
        if ckpt is not None:
            ckpt.parent.mkdir(parents=True, exist_ok=True)
            gc.save_checkpoint(ckpt, saved)
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - start
    if not history.test_accuracy:  # resumed a finished run: evaluate what was restored
        test_loss, test_acc = history.evaluate(x_test, y_test)
        history.test_loss.append(float(test_loss))
        history.test_accuracy.append(float(test_acc))
    accuracy = history.test_accuracy[-1]
    print(f"test accuracy {accuracy:.2%} after {args.epochs} epochs ({len(history.losses)} steps here, "
          f"{seconds:.1f} s)")
    if args.plot and history.losses:
        gc.nn.plot_losses(history, args.plot, title=f"digits CNN, {backend} backend")
        print(f"loss curve saved to {args.plot}")
    return {"test_accuracy": accuracy, "history": history, "backend": backend, "seconds": seconds,
            "variables": saved}


def _progress_bar(total: int, desc: str):
    try:
        from tqdm import tqdm
    except ImportError:  # the progress bar is a nicety
        return None
    return tqdm(total=total, desc=desc, unit="step", dynamic_ncols=True)


if __name__ == "__main__":
    main()
