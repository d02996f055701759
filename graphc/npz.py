"""`.npz` archives read without trusting them and written without leaving half a file.

Graph files (their side `.npz`), `graphc run -o` and checkpoints all keep arrays in
numpy's zip format.  A file may come from anyone: a member's `.npy` header is read
first and checked against what the caller expects, so a lying header never makes
numpy allocate, and object arrays (pickles) are never loaded.  Writing goes through
a temporary file in the same folder, renamed into place: a crash or a full disk
leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from graphc import dtypes
from graphc.errors import GraphcError, printable


def member_name(name: str, what: str = "a name") -> str:
    """The archive member `name` is stored as: NAME.npy, for a name that is a safe relative path.

    Names come from graph files and users, and become paths inside the zip, where unzip
    would follow `..` or a leading `/` out of the folder it extracts to; names such as
    `dloss/dW1` or `w1/momentum` do contain `/`, which extracts to a subfolder.
    """
    if not isinstance(name, str) or any(p in ("", ".", "..") for p in name.split("/")) or "\\" in name \
            or not name.isprintable():
        raise GraphcError(f"{what} {printable(repr(name))} cannot name a file in an .npz archive (an empty, '.' or "
                          f"'..' path segment, a leading '/', a backslash or a control character)")
    return f"{name}.npy"


def write(path: Path, arrays: dict[str, np.ndarray], what: str = "a name") -> None:
    """An uncompressed .npz that np.load reads, keyed by the given names, written member by member
    (numpy.savez would take names such as `file` or `allow_pickle` for its own parameters)."""
    path = Path(path)
    members = {member_name(name, what): np.asanyarray(value) for name, value in arrays.items()}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            for member, value in members.items():
                with archive.open(member, "w", force_zip64=value.nbytes > 1 << 30) as out:
                    np.lib.format.write_array(out, value, allow_pickle=False)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_header(archive: zipfile.ZipFile, member: str) -> tuple[tuple, np.dtype]:
    """The shape and dtype a member's .npy header declares; nothing of its data is read.

    Raises ValueError for what is not a plain numeric .npy (another format version, Python objects).
    """
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f".npy format version {version} is not supported")
        shape, _fortran, dtype = read(f)
    if dtype.hasobject:
        raise ValueError("it holds Python objects (pickles), which are never loaded")
    return tuple(shape), dtype


def read_array(archive: zipfile.ZipFile, member: str, dtype: np.dtype, shape: tuple,
               wanted_by: str = "expected") -> np.ndarray:
    """A member's array, after its header and stored size were found to match `dtype` and `shape`.

    Raises ValueError naming the mismatch ("it is [3] float32, `wanted_by` [2] float32"); the
    caller turns it into its own error type.  The
    result is C-ordered, in native byte order, of exactly `dtype`.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    stored = archive.getinfo(member).file_size
    if stored > nbytes + 4096:  # the header takes at most a few hundred bytes
        raise ValueError(f"it holds {stored} bytes, more than shape {list(shape)} {dtype} needs")
    stored_shape, stored_dtype = read_header(archive, member)
    bfloat16_bits = dtype == dtypes.bfloat16 and stored_dtype == dtypes.BFLOAT16_RECORDS  # bfloat16's bits (dtypes)
    if (stored_dtype.newbyteorder("=") != dtype and not bfloat16_bits) or stored_shape != tuple(shape):
        raise ValueError(f"it is {list(stored_shape)} {stored_dtype}, {wanted_by} {list(shape)} {dtype}")
    with archive.open(member) as f:
        array = np.lib.format.read_array(f, allow_pickle=False)
    if bfloat16_bits:
        array = array.view(dtypes.bfloat16)
    return array.astype(dtype, order="C", copy=False)


READ_ERRORS = (ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError)
"""What reading a damaged or hostile archive may raise, beside the checks' own ValueErrors."""
