"""Checkpoints: the values of variables saved to an `.npz` keyed by their names, and restored.

    gc.save_checkpoint("step1000.npz", params + opt.state)
    ...                                   # a new process builds the same graph
    gc.restore_checkpoint("step1000.npz", params + opt.state)

An optimizer's state (moments, momentum, the step count) is made of ordinary variables
(`opt.state`), so saving it beside the parameters is what makes a resumed run continue
bitwise as if it had never stopped.

Restoring is all or nothing: every variable's name, shape and dtype is checked against
the file before any is assigned, so a mismatch (a renamed layer, a changed width) leaves
the model as it was and the error names the variable.  Values are never cast: a float32
checkpoint restored into float64 variables is refused, as a silently different model
would be.  The file is read as untrusted (graphc.npz): headers are checked before any
data is read, and pickles are never loaded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from graphc import npz
from graphc.errors import CheckpointError, printable
from graphc.ir import Node


def _variables(variables: Iterable[Node]) -> dict[str, Node]:
    """The variables by name; anything else, or two variables of one name, is an error now."""
    by_name: dict[str, Node] = {}
    for v in variables:
        if not isinstance(v, Node) or v.op.name != "variable":
            what = f"a {v.op.name} node" if isinstance(v, Node) else type(v).__name__
            raise CheckpointError(f"a checkpoint holds variables; got {what} ({printable(repr(v))})")
        if v.label in by_name and by_name[v.label] is not v:
            raise CheckpointError(f"two variables are named {printable(repr(v.label))}: a checkpoint keys values by "
                                  f"name, so give them distinct names (gc.variable(..., name=...))")
        by_name[v.label] = v
    return by_name


def _path(path) -> Path:
    """numpy's convention: a name without the .npz suffix gets it."""
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save_checkpoint(path, variables) -> Path:
    """Write the current values of `variables` to `path` (`.npz` appended when missing), replacing
    any previous file only once the new one is complete.  Returns the path written."""
    by_name = _variables(variables)
    path = _path(path)
    try:
        npz.write(path, {name: v.value for name, v in by_name.items()}, what="the variable name")
    except OSError as exc:
        raise CheckpointError(f"cannot write the checkpoint {path}: {exc}") from None
    return path


def restore_checkpoint(path, variables) -> None:
    """Assign each of `variables` the value saved under its name in the checkpoint at `path`.

    Names the file holds beyond `variables` are ignored (restore part of a model); a variable
    the file lacks, or holds with another shape or dtype, is a CheckpointError naming it, and
    then no variable has changed.
    """
    by_name = _variables(variables)
    path = _path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"cannot read the checkpoint {path}: {exc}") from None
    values = {}
    with archive:
        stored = set(archive.namelist())
        missing = [name for name in by_name if npz.member_name(name, "the variable name") not in stored]
        if missing:
            held = sorted(m[: -len(".npy")] for m in stored if m.endswith(".npy"))
            raise CheckpointError(f"{path} holds no value for {_names(missing)} (it holds {_names(held) or 'none'})")
        for name, v in by_name.items():
            try:
                values[name] = npz.read_array(archive, npz.member_name(name), v.dtype, v.shape,
                                              "the variable is")
            except npz.READ_ERRORS as exc:
                raise CheckpointError(f"{path}: variable {printable(repr(name))}: {exc}") from None
    for name, v in by_name.items():
        v.assign(values[name])


def _names(names: list[str]) -> str:
    shown = ", ".join(printable(repr(n)) for n in names[:8])
    return shown + (f" and {len(names) - 8} more" if len(names) > 8 else "")
