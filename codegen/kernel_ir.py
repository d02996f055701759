"""Kernel IR: what one fused kernel computes, with no target syntax (LLVM and CUDA render the same IR).

A kernel is a loop nest over `dims` (concrete sizes).  Parallel dims come first,
in order; the first one is the range a runtime may split between threads (or
map to a CUDA grid).  Reduce dims are iterated innermost, once per *phase*:

    for p0 in [start, end):            # dims[0], split between threads
      for p1 ...                       # the other parallel dims
        phase 0: acc_i = identity_i; for r ... (reduce dims): acc_i = combine(acc_i, expr_i); stores
        phase 1: same, may read the accumulators of phase 0
        ...
        final stores (outer level: may read every accumulator)

A kernel without reduce dims has one phase whose loop body is the parallel
nest itself.  Every value is a `graphc.scalar.Scalar` expression whose `arg i`
leaves are `kernel.operands[i]`: a `Load` (buffer + element offset + one
element stride per loop dim, 0 for a dim the operand does not vary along, i.e.
broadcasting), an `Accumulator` (a reduction of an earlier phase), or a `LoopIndex`
(the index of a loop dim, as int64; one_hot uses it).  Intermediate values live
in registers; only `stores` touch memory.

An indirect read (gather) is a `gather` node of the expression: its one argument is an int64
index computed in the kernel, its value the number of a `Gather` operand (a buffer position at
the loop point, plus index * stride along the gathered axis).  An indirect write (scatter_add)
is a `Store` with `add_at`: it adds its value at index * stride past its access.  Both wrap a
negative index (counted from the end) and clamp it into [0, extent): whatever the indices hold,
generated code never touches memory outside the buffer (whether they were in range is checked
by the graph itself, graphc/index_checks.py).  A kernel with such stores is of kind "scatter":
two loop points may add into one element, so it never runs split between CPU threads, and CUDA
adds atomically.

A "matmul" kernel first computes C = A @ B (`Matmul`: per-batch matrices given by
offsets and strides, BLAS-compatible layouts) into a buffer, then runs its
phase (the epilogue: bias, activation...) which reads C through ordinary Loads.
With `accumulate`, C += alpha * A @ B instead (an SGD update inside gemm: graphc.codegen.accumulate).

    k = Kernel(name="k0", kind="loop", params=[BufferParam("x", f32, (8,), "input"),
                                              BufferParam("y", f32, (8,), "output")],
               dims=[LoopDim(8, "parallel")],
               operands=[Load("x", 0, (1,))],
               phases=[Phase(stores=[Store(Access("y", 0, (1,)), call("exp", Scalar.arg(0, f32)))])])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from graphc.scalar import VECTOR_MATH_SIZE, Scalar, node_size, postorder


@dataclass(frozen=True, slots=True, init=False)
class BufferParam:
    """A pointer parameter of the kernel: `shape` elements of `dtype`, C-contiguous unless accessed otherwise.

    Its fields are set through their slots, not by object.__setattr__ as a frozen dataclass's own
    __init__ does: a memory plan of every remat candidate makes one per kernel param (300k for
    `graphc inspect --grad` of a 100k-node graph), and that __init__ was half of making them."""

    name: str
    dtype: np.dtype
    shape: tuple
    role: str  # "input" | "output" | "inout" (written and read, e.g. a matmul's C under its epilogue)

    def __init__(self, name: str, dtype: np.dtype, shape: tuple, role: str):
        _set_name(self, name)
        _set_dtype(self, dtype)
        _set_shape(self, shape)
        _set_role(self, role)

    @property
    def size(self) -> int:
        return int(math.prod(self.shape))  # not np.prod: microseconds a call, and the arena plan asks for every param


_set_name, _set_dtype, _set_shape, _set_role = (BufferParam.__dict__[slot].__set__
                                                 for slot in ("name", "dtype", "shape", "role"))


@dataclass(frozen=True)
class LoopDim:
    size: int
    kind: str  # "parallel" | "reduce"


@dataclass(frozen=True)
class Access:
    """Element `offset + sum(index[d] * strides[d])` of `buffer`; one stride per kernel loop dim."""

    buffer: str
    offset: int
    strides: tuple


@dataclass(frozen=True)
class Load:
    access: Access
    dtype: np.dtype


@dataclass(frozen=True)
class Accumulator:
    index: int  # into kernel.reductions()
    dtype: np.dtype


@dataclass(frozen=True)
class LoopIndex:
    dim: int
    dtype: np.dtype = np.dtype(np.int64)


@dataclass(frozen=True)
class Gather:
    """Element `access` (at the loop position) + i * `stride`, i the `gather` node's index wrapped and
    clamped into [0, extent)."""

    access: Access
    stride: int
    extent: int
    dtype: np.dtype


Operand = Load | Accumulator | LoopIndex | Gather


@dataclass(frozen=True)
class Indirect:
    """Where an accumulating store adds: i * `stride` past the store's access, i = `index` (an int64
    expression of the kernel) wrapped and clamped into [0, extent)."""

    index: Scalar
    stride: int
    extent: int


@dataclass(frozen=True)
class Reduction:
    """acc = identity; acc = combine(acc, expr) over the reduce dims; `dtype` is the accumulator's type.

    The stored value is cast(acc, out_dtype) (float32 sums accumulate in float64).
    """

    combine: str  # "add" | "max" | "min"
    identity: float
    dtype: np.dtype
    out_dtype: np.dtype
    expr: Scalar


@dataclass(frozen=True)
class Store:
    access: Access
    expr: Scalar
    add_at: Indirect | None = None  # set: buffer[access + i * stride] += expr (numpy add.at)


@dataclass
class Phase:
    reductions: list[Reduction] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)


@dataclass(frozen=True)
class Matrix:
    """One operand of a matmul: element (b, i, j) at offset + batch_strides·b + i*row_stride + j*col_stride."""

    buffer: str
    offset: int
    batch_strides: tuple
    row_stride: int
    col_stride: int


@dataclass(frozen=True)
class Matmul:
    a: Matrix  # m x k
    b: Matrix  # k x n
    c: Matrix  # m x n, contiguous rows
    m: int
    n: int
    k: int
    batch: tuple  # batch sizes (C's leading dims)
    dtype: np.dtype
    alpha: float = 1.0        # C = alpha * A @ B (+ C's previous contents when `accumulate`: gemm's beta = 1)
    accumulate: bool = False


@dataclass
class Kernel:
    name: str
    kind: str  # "loop" | "matmul" | "scatter" (a loop with `add_at` stores: never split between threads)
    params: list[BufferParam]
    dims: list[LoopDim]
    operands: list = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    final_stores: list[Store] = field(default_factory=list)
    matmul: Matmul | None = None
    ops: list[str] = field(default_factory=list)  # the graph ops fused here, for inspection

    def reductions(self) -> list[Reduction]:
        """Every reduction, in phase order: `Accumulator.index` counts in this list."""
        return [r for p in self.phases for r in p.reductions]

    @property
    def parallel_dims(self) -> list[int]:
        return [i for i, d in enumerate(self.dims) if d.kind == "parallel"]

    @property
    def reduce_dims(self) -> list[int]:
        return [i for i, d in enumerate(self.dims) if d.kind == "reduce"]

    @property
    def split_extent(self) -> int:
        """Size of the range [start, end) the kernel takes: its first parallel dim, or 1."""
        par = self.parallel_dims
        return self.dims[par[0]].size if par else 1

    @property
    def work(self) -> int:
        """Rough element-operations count, for deciding whether threads pay off."""
        total = int(np.prod([d.size for d in self.dims], dtype=np.int64)) * max(1, len(self.phases))
        if self.matmul is not None:
            mm = self.matmul
            total += int(np.prod(mm.batch, dtype=np.int64)) * mm.m * mm.n * mm.k
        return total

    def code_size(self, math_size: int = VECTOR_MATH_SIZE) -> int:
        """About how many instructions the kernel's body is (what compiling it costs): each loop body
        (a phase, then the final stores) evaluates what it needs afresh, each node once, a buffer
        access as its address arithmetic and the access, a math function as `math_size` (dozens
        where its body is inlined, one for a call); a parameter and a store cost a few more."""
        size = 4 * len(self.params)
        bodies = [[st.expr for st in p.stores] + [r.expr for r in p.reductions] for p in self.phases]
        for exprs in [*bodies, [st.expr for st in self.final_stores]]:
            seen: set = set()
            for expr in exprs:
                nodes = postorder(expr, seen)
                seen.update(id(e) for e in nodes)
                size += sum(4 if e.op == "arg" else node_size(e, math_size) for e in nodes if e.op != "const")
            size += 4 * len(exprs)
        return size

    def describe(self) -> dict:
        return {"name": self.name, "kind": self.kind, "ops": list(self.ops),
                "dims": [(d.size, d.kind) for d in self.dims],
                "params": [(p.name, str(p.dtype), p.shape, p.role) for p in self.params],
                "phases": len(self.phases),
                "accumulates": self.matmul is not None and self.matmul.accumulate}


def buffer_params(buffers: dict, reads: set, writes: set, name_of) -> list[BufferParam]:
    """A kernel's params: `buffers` (node id -> the node whose buffer it is, in the order of first use),
    each "inout" when read and written, "output" when written only, else "input"; named by `name_of(node)`."""
    return [BufferParam(name_of(node), node.dtype, node.shape,  # a Node's shape is a tuple
                        ("inout" if nid in reads else "output") if nid in writes else "input")
            for nid, node in buffers.items()]


class ParamsOnlyKernel(Kernel):
    """A params-only lowering's kernel (graphc.codegen.lower): no code, and its params made on their first read.

    A memory plan reads the builder's own `buffers` (node id -> node, in the params' order), `reads` and
    `writes` (node ids) instead (graphc.pipeline.place_buffers): the remat search plans every candidate
    from params-only kernels, and their BufferParams and names (300k for `graphc inspect --grad` of a
    100k-node graph) were a fifth of lowering them and were mapped back to nodes to place them."""

    def __init__(self, name: str, kind: str, dims: list[LoopDim], ops: list[str], buffers: dict, reads: set,
                 writes: set, name_of):
        self.name, self.kind, self.dims, self.ops = name, kind, dims, ops
        self.operands, self.phases, self.final_stores, self.matmul = [], [], [], None
        self.buffers, self.reads, self.writes = buffers, reads, writes
        self._name_of, self._params = name_of, None

    @property
    def params(self) -> list[BufferParam]:
        if self._params is None:
            self._params = buffer_params(self.buffers, self.reads, self.writes, self._name_of)
        return self._params


def structure_key(kernel: Kernel) -> tuple:
    """What `kernel` computes, with its buffers numbered by parameter position instead of named.

    Kernels with equal keys differ only in which buffers they are given, so a backend can
    compile one body for all of them: a deep network repeats the same layer kernels hundreds
    of times, and compiling each copy separately dominated its compile time.
    """
    number = {p.name: i for i, p in enumerate(kernel.params)}

    def access(a: Access) -> Access:
        return replace(a, buffer=number[a.buffer])

    def operand(o):
        return replace(o, access=access(o.access)) if isinstance(o, (Load, Gather)) else o

    def stores(ss) -> tuple:
        return tuple(replace(st, access=access(st.access)) for st in ss)

    def matrix(m: Matrix) -> Matrix:
        return replace(m, buffer=number[m.buffer])

    mm = kernel.matmul
    return (kernel.kind,
            tuple((np.dtype(p.dtype).str, tuple(p.shape), p.role) for p in kernel.params),
            tuple(kernel.dims),
            tuple(operand(o) for o in kernel.operands),
            tuple((tuple(ph.reductions), stores(ph.stores)) for ph in kernel.phases),
            stores(kernel.final_stores),
            None if mm is None else replace(mm, a=matrix(mm.a), b=matrix(mm.b), c=matrix(mm.c)))


def structure_ids(kernels: list[Kernel]) -> list[int]:
    """For each kernel, an id shared by exactly the kernels with its `structure_key` (the first one's index)."""
    return distinct_structures(kernels)[0]


def distinct_structures(kernels: list[Kernel]) -> tuple[list[int], list[tuple]]:
    """(`structure_ids`, the distinct `structure_key`s in order of first use).

    Computed once per build: comparing two equal keys walks their whole expressions, and a deep
    network's thousands of kernels share a handful of structures.
    """
    first: dict[tuple, int] = {}
    ids = [first.setdefault(structure_key(k), i) for i, k in enumerate(kernels)]
    return ids, list(first)
