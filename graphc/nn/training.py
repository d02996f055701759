"""A classifier's training loop: one compiled step (forward, backward, optimizer update) per minibatch.

    history = gc.nn.fit_classifier(gc.nn.MLP([64, 128, 10], seed=0), gc.optim.Adam(1e-3),
                                   (x_train, y_train), (x_test, y_test), epochs=20, backend="llvm")
    history.test_accuracy[-1], history.step.kernels()

The step and the evaluation are two `gc.function`s compiled once per batch
shape; batches of one size (drop_last) mean one executable for the whole run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError
from graphc.nn import losses
from graphc.nn.data import minibatches
from graphc.nn.metrics import accuracy
from graphc.ops.source import placeholder
from graphc.session import Function, function


@dataclass
class History:
    step: Function                    # the compiled training step: kernels(), memory_plan() when the backend has them
    evaluate: Function                # (x, labels) -> [mean loss, accuracy], no updates
    losses: list[float] = field(default_factory=list)           # per training step
    train_accuracy: list[float] = field(default_factory=list)   # per training step (on its batch)
    test_loss: list[float] = field(default_factory=list)        # per epoch
    test_accuracy: list[float] = field(default_factory=list)    # per epoch


def fit_classifier(model: Callable, optimizer, train: tuple, test: tuple, epochs: int, batch_size: int = 64,
                   backend: str = "numpy", seed: int = 0, progress: bool = True, desc: str = "train",
                   distributed: bool = False, loss_scale: float = 1.0, steps_per_call: int = 1) -> History:
    """Train `model` (x -> logits) with softmax cross-entropy on integer labels; evaluate on `test` each epoch.

    `distributed=True` (under mpiexec, graphc.distributed): every rank starts from rank 0's variables,
    takes its share of each global batch of `batch_size` rows, and applies the gradients averaged over
    the ranks, so the ranks train one model as one process would on the whole batch; the recorded
    losses and accuracies are the means over the ranks, and only rank 0 shows progress.

    `steps_per_call` > 1 runs that many training steps per call of the compiled step (`Function.run`:
    one compiled loop, no return to Python in between; the same results as one step per call); the
    progress bar then moves that many steps at a time.  Not with `distributed` (each step's
    collectives run between compiled segments).

    `loss_scale` (static loss scaling, for float16 mixed precision): the gradients are taken of
    `loss * loss_scale`, so that small ones stay above float16's subnormals on their way back
    through the half-precision layers, and divided by it again in the variables' dtype.
    """
    if isinstance(steps_per_call, bool) or not isinstance(steps_per_call, int) or steps_per_call < 1:
        raise GraphcError(f"steps_per_call must be a positive integer, got {steps_per_call!r}")
    if distributed and steps_per_call > 1:
        raise GraphcError("steps_per_call > 1 does not work with distributed=True: each step's gradients are "
                          "averaged across the ranks between compiled segments, one step per call")
    x_train, y_train = np.asarray(train[0], np.float32), np.asarray(train[1], np.int32)
    x_test, y_test = np.asarray(test[0], np.float32), np.asarray(test[1], np.int32)
    x = placeholder((None, x_train.shape[1]), dtypes.float32, name="x")
    labels = placeholder((None,), dtypes.int32, name="labels")
    logits = model(x)
    loss = losses.softmax_cross_entropy(logits, labels)
    acc = accuracy(logits, labels)
    reported = [loss, acc]
    if distributed:
        from graphc import distributed as ranks
        from graphc.optim import trainable_variables

        ranks.broadcast_variables(trainable_variables(loss))
        reported = [ranks.allreduce(loss, "mean"), ranks.allreduce(acc, "mean")]
        progress = progress and ranks.rank() == 0
    train_op = optimizer.apply_gradients(_scaled_gradients(optimizer, loss, loss_scale), distributed=distributed)
    history = History(step=function([x, labels], reported, updates=train_op, backend=backend),
                      evaluate=function([x, labels], [loss, acc], backend=backend))
    batch_size = min(batch_size, len(x_train))
    steps_per_epoch = len(x_train) // batch_size
    bar = _progress_bar(epochs * steps_per_epoch, desc) if progress else None
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        batches = minibatches(x_train, y_train, batch_size=batch_size, seed=rng, drop_last=True,
                              distributed=distributed)
        for chunk in _chunks(batches, steps_per_call):
            if len(chunk) == 1:
                step_losses, step_accuracies = ([value] for value in history.step(*chunk[0]))
            else:
                step_losses, step_accuracies = history.step.run(steps=len(chunk), feeds=chunk)
            history.losses.extend(float(v) for v in step_losses)
            history.train_accuracy.extend(float(v) for v in step_accuracies)
            if bar is not None:
                bar.update(len(chunk))
                bar.set_postfix(loss=f"{history.losses[-1]:.4f}", acc=f"{history.train_accuracy[-1]:.3f}",
                                test_acc=f"{history.test_accuracy[-1]:.3f}" if history.test_accuracy else "-",
                                refresh=False)
        test_loss, test_acc = history.evaluate(x_test, y_test)
        history.test_loss.append(float(test_loss))
        history.test_accuracy.append(float(test_acc))
    if bar is not None:
        bar.set_postfix(loss=f"{history.losses[-1]:.4f}", test_acc=f"{history.test_accuracy[-1]:.3f}")
        bar.close()
    return history


def _chunks(items, size: int):
    """Lists of `size` consecutive items (the last may be shorter)."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _scaled_gradients(optimizer, loss, loss_scale: float) -> list:
    """(gradient, variable) pairs of `loss`, taken of `loss * loss_scale` and divided back."""
    if loss_scale == 1.0:
        return optimizer.compute_gradients(loss)
    pairs = optimizer.compute_gradients(loss * float(loss_scale))
    return [(None if g is None else g * (1.0 / loss_scale), v) for g, v in pairs]


def _progress_bar(total: int, desc: str):
    try:
        from tqdm import tqdm
    except ImportError:  # the progress bar is a nicety: train without it
        return None
    return tqdm(total=total, desc=desc, unit="step", dynamic_ncols=True)


def plot_losses(history: History, path, title: str = "training loss") -> None:
    """Save the per-step training loss (and per-epoch test loss) as a PNG, with matplotlib's Agg backend.

    Under MPI only rank 0 writes it (the ranks' histories are the same: one file, not one race per rank).
    """
    from graphc.distributed import rank

    if rank() != 0:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history.losses, lw=0.8, label="train (per step)")
    if history.test_loss:
        per_epoch = len(history.losses) // len(history.test_loss)
        ax.plot([per_epoch * (i + 1) - 1 for i in range(len(history.test_loss))], history.test_loss, "o-",
                label="test (per epoch)")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("softmax cross-entropy")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


__all__ = ["History", "fit_classifier", "plot_losses"]
