"""Thin neural-network helpers on top of graphc's ops: layers, initializers, losses, metrics, batching.

    mlp = gc.nn.MLP([64, 128, 10], seed=0)
    logits = mlp(x)
    h = gc.nn.MultiHeadAttention(4, 64, causal=True)(gc.nn.LayerNorm(256)(tokens))   # normalization.py, attention.py
    loss = gc.nn.losses.softmax_cross_entropy(logits, labels)
    acc = gc.nn.accuracy(logits, labels)

Everything here builds ordinary graph nodes (or numpy arrays, for initial
values and batches); nothing has its own gradient rule or backend code.
(Not to be confused with graphc/ops/nn.py, the stable softmax/cross-entropy compositions.)
"""

from graphc.nn import init, losses
from graphc.nn.activations import gelu
from graphc.nn.attention import MultiHeadAttention, causal_mask, scaled_dot_product_attention
from graphc.nn.conv_layers import AvgPool2D, Conv2D, Flatten, MaxPool2D
from graphc.nn.data import minibatches, train_test_split
from graphc.nn.dropout import Dropout, dropout
from graphc.nn.layers import MLP, Dense, Embedding
from graphc.nn.metrics import accuracy
from graphc.nn.normalization import BatchNorm, LayerNorm
from graphc.nn.training import History, fit_classifier, plot_losses

__all__ = ["MLP", "AvgPool2D", "BatchNorm", "Conv2D", "Dense", "Dropout", "Embedding", "Flatten", "History",
           "LayerNorm", "MaxPool2D", "MultiHeadAttention", "accuracy", "causal_mask", "dropout", "fit_classifier",
           "gelu", "init", "losses", "minibatches", "plot_losses", "scaled_dot_product_attention",
           "train_test_split"]
