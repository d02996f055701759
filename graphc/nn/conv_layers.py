"""Convolution, pooling and flattening layers (NHWC), in the style of gc.nn.Dense.

    conv = gc.nn.Conv2D(16, 3, padding="SAME", activation=gc.relu, seed=0)
    h = conv(x)                        # gc.conv2d(x, conv.w, ...) + conv.b, then relu
    h = gc.nn.MaxPool2D(2)(h)
    h = gc.nn.Flatten()(h)             # (N, H*W*C) for a Dense layer
    conv.variables                     # [w, b]: ordinary variables

Like Keras, a Conv2D learns its input channels from the first tensor it is applied
to (its filter is created then), unless `in_channels` is given, when the filter
exists from the start (an optimizer or a checkpoint can see it before any call).
"""

from __future__ import annotations

from collections.abc import Callable

from graphc import dtypes
from graphc.errors import ShapeError
from graphc.ir import Node
from graphc.nn import init
from graphc.ops import avg_pool2d, conv2d, max_pool2d, reshape
from graphc.ops.conv import conv2d_products, hw_pair
from graphc.ops.source import variable


class Conv2D:
    """y = activation(conv2d(x, w) + b); w is (KH, KW, C_in/groups, filters), He normal by default."""

    def __init__(self, filters: int, kernel_size, strides=1, padding="VALID", activation: Callable | None = None,
                 dilations=1, groups: int = 1, use_bias: bool = True, in_channels: int | None = None,
                 kernel_init="he_normal", seed=None, dtype=dtypes.float32, name: str = "conv2d"):
        self.filters, self.kernel_size = int(filters), hw_pair("Conv2D", "kernel_size", kernel_size)
        self.strides, self.padding, self.dilations, self.groups = strides, padding, dilations, int(groups)
        self.activation, self.use_bias, self.name = activation, use_bias, name
        self.kernel_init, self.dtype, self._rng = kernel_init, dtype, init.as_rng(seed)
        self.w = self.b = None
        if in_channels is not None:
            self._build(int(in_channels))

    def _build(self, in_channels: int) -> None:
        if in_channels % self.groups or self.filters % self.groups:
            raise ShapeError(f"{self.name}: groups={self.groups} must divide the input channels ({in_channels}) "
                             f"and filters ({self.filters})")
        shape = (*self.kernel_size, in_channels // self.groups, self.filters)
        self.in_channels = in_channels
        self.w = variable(init.get(self.kernel_init)(shape, self._rng, self.dtype), name=f"{self.name}/w")
        if self.use_bias:
            self.b = variable(init.zeros((self.filters,), dtype=self.dtype), name=f"{self.name}/b")

    @property
    def variables(self) -> list[Node]:
        return [v for v in (self.w, self.b) if v is not None]

    def __call__(self, x: Node) -> Node:
        if x.ndim != 4 or x.shape[-1] is None:
            raise ShapeError(f"{self.name}: expects NHWC inputs with known channels, got shape {x.shape}; built at "
                             f"{x.source}")
        if self.w is None:
            self._build(x.shape[-1])
        elif x.shape[-1] != self.in_channels:
            raise ShapeError(f"{self.name}: built for {self.in_channels} input channels, got shape {x.shape}; "
                             f"built at {x.source}")
        if self.groups > 1:
            return self._epilogue(conv2d(x, self.w, strides=self.strides, padding=self.padding,
                                         dilations=self.dilations, groups=self.groups))
        # bias and activation on the gemm's rows, then the reshape: the fusion pass makes them its epilogue
        (rows,), (oh, ow) = conv2d_products(x, self.w, self.strides, self.padding, self.dilations)
        return reshape(self._epilogue(rows), (-1, oh, ow, self.filters))

    def _epilogue(self, y: Node) -> Node:
        y = y + self.b if self.b is not None else y
        return self.activation(y) if self.activation is not None else y

    def __repr__(self):
        act = getattr(self.activation, "__name__", None)
        return (f"Conv2D({self.filters}, {self.kernel_size}, strides={self.strides}, padding={self.padding!r}, "
                f"activation={act})")


class MaxPool2D:
    """gc.max_pool2d as a layer (no variables)."""

    pool = staticmethod(max_pool2d)

    def __init__(self, window, strides=None, padding="VALID"):
        self.window, self.strides, self.padding = window, strides, padding

    variables: list = []

    def __call__(self, x: Node) -> Node:
        return self.pool(x, self.window, strides=self.strides, padding=self.padding)

    def __repr__(self):
        return f"{type(self).__name__}({self.window}, strides={self.strides}, padding={self.padding!r})"


class AvgPool2D(MaxPool2D):
    """gc.avg_pool2d as a layer (no variables)."""

    pool = staticmethod(avg_pool2d)


class Flatten:
    """(N, d1, d2, ...) -> (N, d1*d2*...): the bridge from convolutions to Dense layers."""

    variables: list = []

    def __call__(self, x: Node) -> Node:
        if x.ndim < 1 or any(d is None for d in x.shape[1:]):
            raise ShapeError(f"Flatten: needs static sizes after the batch axis, got shape {x.shape}; built at "
                             f"{x.source}")
        size = 1
        for d in x.shape[1:]:
            size *= d
        return reshape(x, (-1, size))

    def __repr__(self):
        return "Flatten()"


__all__ = ["AvgPool2D", "Conv2D", "Flatten", "MaxPool2D"]
