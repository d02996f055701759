"""The error types of graphc.

Every mistake a user can make surfaces as a subclass of `GraphcError`, so that
``except gc.GraphcError`` catches all of them and nothing else.  Where a
standard exception type also fits (a shape mismatch is a kind of ValueError),
the subclass inherits from both, so code written for numpy keeps working.
"""

from __future__ import annotations


class GraphcError(Exception):
    """Base class of every error graphc raises on purpose."""


class ShapeError(GraphcError, ValueError):
    """Operands whose shapes or dtypes do not fit the op, found while building the graph."""


class FeedError(GraphcError, ValueError):
    """A feed that does not match its placeholder: missing, unknown, wrong shape or dtype."""


class IndexRangeError(GraphcError, IndexError):
    """An integer index (gather, scatter_add, x[idx]) outside its axis, found when the graph ran."""


class FedIndexRangeError(FeedError, IndexRangeError):
    """An integer index outside its axis, in an array the caller fed."""


class GradientCheckError(GraphcError, AssertionError):
    """Analytic and numeric derivatives disagree in `gc.check_grad`."""


class BackendError(GraphcError, RuntimeError):
    """A backend that cannot run here (missing compiler, driver or library) or failed to build."""


class BlasError(BackendError):
    """GRAPHC_BLAS names a BLAS graphc does not know or that is not installed (or GRAPHC_BLAS_THREADS is no count)."""


class GraphFormatError(GraphcError, ValueError):
    """A saved graph file that is malformed, truncated, of a wrong version or hostile."""


class MemoryBudgetError(GraphcError):
    """A memory budget that no rematerialization schedule can meet."""


class MemoryLimitError(GraphcError, MemoryError):
    """A program that would need more memory than the cap (graphc.memory_limit), refused before allocating."""


class CheckpointError(GraphcError, ValueError):
    """A checkpoint that does not fit the variables restored from it (a name missing, a shape or dtype
    changed), or a file that is not a readable checkpoint."""


class LinAlgError(GraphcError, ValueError):
    """A matrix that a linear-algebra op cannot take at run time: singular (solve, inv), not positive
    definite (cholesky); a ValueError as numpy's LinAlgError is."""


class DistributedError(GraphcError, RuntimeError):
    """Ranks that cannot work together: MPI missing, different programs on different ranks, a rank gone silent."""


def printable(text) -> str:
    """`text` safe to print on a terminal: each control or invisible character escaped as repr() does.

    Names and source lines come from graph files; written raw, an ESC or BEL would
    drive the terminal and a newline would forge a second line of a message.

        printable("x\x1b[2J")   # 'x\\x1b[2J'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
