"""Thin neural-network helpers on top of graphc's ops: layers, initializers, losses, metrics, batching.

    mlp = gc.nn.MLP([64, 128, 10], seed=0)
    logits = mlp(x)
    loss = gc.nn.losses.softmax_cross_entropy(logits, labels)
    acc = gc.nn.accuracy(logits, labels)

Everything here builds ordinary graph nodes (or numpy arrays, for initial
values and batches); nothing has its own gradient rule or backend code.
(Not to be confused with graphc/ops/nn.py, the stable softmax/cross-entropy compositions.)
"""

from graphc.nn import init, losses
from graphc.nn.conv_layers import AvgPool2D, Conv2D, Flatten, MaxPool2D
from graphc.nn.data import minibatches, train_test_split
from graphc.nn.dropout import dropout
from graphc.nn.layers import MLP, Dense
from graphc.nn.metrics import accuracy
from graphc.nn.training import History, fit_classifier, plot_losses

__all__ = ["MLP", "AvgPool2D", "Conv2D", "Dense", "Flatten", "History", "MaxPool2D", "accuracy", "dropout",
           "fit_classifier", "init", "losses", "minibatches", "plot_losses", "train_test_split"]
