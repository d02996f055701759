"""Small data sets for the examples: scikit-learn's bundled digits, and MNIST's IDX files read locally.

IDX (the MNIST format): a big-endian header — two zero bytes, a type code
(0x08 = uint8), the number of dimensions — then each dimension as a big-endian
uint32, then the data.  So images are magic 0x00000803 (n, rows, cols) and labels
0x00000801 (n,).  Files may be gzip-compressed (.gz).  Nothing is downloaded.
"""

from __future__ import annotations

import gzip
import pathlib
import struct

import numpy as np

from graphc.errors import GraphcError

_UINT8 = 0x08


def read_idx(path) -> np.ndarray:
    """The uint8 array in an IDX file (gzip or not), checked against its header."""
    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise GraphcError(f"cannot read IDX file {path}: {exc}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise GraphcError(f"{path} is not an IDX file (its first bytes are not 00 00)")
    if data[2] != _UINT8:
        raise GraphcError(f"{path}: IDX type code 0x{data[2]:02x} is not supported (only uint8, 0x08)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise GraphcError(f"{path}: truncated IDX header ({ndim} dimensions announced)")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(dims, dtype=np.int64))
    if len(data) - header != expected:
        raise GraphcError(f"{path}: IDX header says {dims} ({expected} bytes), the file holds "
                          f"{len(data) - header} bytes of data")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def write_idx(path, array) -> None:
    """Write a uint8 array as an IDX file (for tests and tools)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(f">BBBB{array.ndim}I", 0, 0, _UINT8, array.ndim, *array.shape)
    pathlib.Path(path).write_bytes(header + array.tobytes())


_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _find(directory: pathlib.Path, stem: str) -> pathlib.Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (directory / name).exists():
            return directory / name
    raise GraphcError(f"no {stem}[.gz] in {directory}: put MNIST's four IDX files there "
                      f"({', '.join(n for pair in _MNIST_FILES.values() for n in pair)})")


def load_mnist(directory) -> dict[str, np.ndarray]:
    """MNIST from local IDX files: x_train (n, 784) float32 in [0, 1], y_train int32, x_test, y_test."""
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise GraphcError(f"MNIST directory {directory} does not exist")
    out = {}
    for split, (images_name, labels_name) in _MNIST_FILES.items():
        images, labels = read_idx(_find(directory, images_name)), read_idx(_find(directory, labels_name))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise GraphcError(f"MNIST {split}: images {images.shape} and labels {labels.shape} do not pair up")
        out[f"x_{split}"] = images.reshape(len(images), -1).astype(np.float32) / 255.0
        out[f"y_{split}"] = labels.astype(np.int32)
    return out


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, no download): x (n, 64) in [0, 1], y int32."""
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError:
        raise GraphcError("the digits data set comes with scikit-learn: pip install -e '.[examples]'") from None
    digits = sk_load_digits()
    return (digits.data / 16.0).astype(np.float32), digits.target.astype(np.int32)


__all__ = ["load_digits", "load_mnist", "read_idx", "write_idx"]
