"""Lower fused groups (graphc.passes.fusion) to kernel IR (graphc.codegen.kernel_ir).

Each group becomes one kernel, except an op written piece by piece (`Op.scatter`:
concatenate, slice_grad), which becomes a fill, if it has one, and a copy per piece.
Member values are composed into one scalar expression per stored value from the ops'
own `scalar` rules; values read from memory become `Load`s whose strides follow the
member's map onto the kernel's loop dims (stride 0 where the value is broadcast); views
add their offsets and strides.  A value that is a literal (`Op.immediate`: a one-element
constant) is written into the code, and a leaf (`Op.index_scalar`: one_hot) is computed
from the loop position where it is read.

    kernels = lower(fusion)      # [Kernel, ...] in execution order
    buffer_name(node)            # "t<id>": the buffer a kernel reads or writes for node (graphc.codegen.plan)
    lower(fusion, params_only=True)  # the same kernels' names, params (buffers, sizes, roles) and dims, no code

A params-only lowering is what a memory plan needs (graphc.pipeline.place_buffers): remat judges
every candidate by its kernels' arena, and `graphc inspect` reports arenas, not code.  A loop group
(with or without reduce dims) or a matmul is walked flat, member by member (codegen/lower_params.py:
the same params in the same order, and the stored members a later phase reads back); scatter and
indexed-add kernels are walked as the full lowering does (the same functions) but build no
expressions: each value read is a stand-in of its dtype, and no Load is made.
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc import scalar as S  # noqa: N812
from graphc.codegen.kernel_ir import (
    Access,
    Accumulator,
    Gather,
    Indirect,
    Kernel,
    Load,
    LoopDim,
    LoopIndex,
    Matmul,
    Matrix,
    ParamsOnlyKernel,
    Phase,
    Reduction,
    Store,
    buffer_params,
)
from graphc.codegen.lower_params import broadcast_map as _broadcast_map
from graphc.codegen.lower_params import loop_params, matmul_params, require_identity
from graphc.codegen.plan import buffer_name
from graphc.ir import Node
from graphc.ops.layout import INDEXED_ADD, contiguous_strides
from graphc.passes.fusion import Fusion, Group, Layout

_INT_LIMITS = {"max": lambda d: np.iinfo(d).min, "min": lambda d: np.iinfo(d).max}


def accumulator_dtype(combine: str, dtype: np.dtype) -> np.dtype:
    """float32 sums accumulate in float64: long sums stay as accurate as numpy's pairwise ones.
    float16/bfloat16 reductions accumulate in float32 (their arithmetic's dtype, graphc.dtypes)."""
    if dtype in dtypes.HALF:
        return dtypes.float32
    return np.dtype(np.float64) if combine == "add" and dtype == np.float32 else dtype


class _KernelBuilder:
    """Collects operands, buffer params and stores of one kernel over `dims` (group dim -> kernel dim).

    `params_only`: only the buffer params are wanted (see the module docstring); values are stand-ins."""

    def __init__(self, fusion: Fusion, dims: list[int], kinds: list[str], params_only: bool = False):
        self.fusion = fusion
        self.params_only = params_only
        self.dims = _loop_dims(dims, kinds)
        self.operands: list = []
        self._operand_index: dict = {}
        # node id -> the node whose buffer a param holds, in the order of first use; the ids of those read
        # and written.  Ids, not names: a params-only lowering never needs a name before `kernel`
        self.buffers: dict[int, Node] = {}
        self.reads: set[int] = set()
        self.writes: set[int] = set()

    def operand(self, op) -> int:
        if op not in self._operand_index:
            self._operand_index[op] = len(self.operands)
            self.operands.append(op)
        return self._operand_index[op]

    def arg(self, op) -> S.Scalar:
        return S.Scalar.arg(self.operand(op), op.dtype)

    def stand_in(self, dtype) -> S.Scalar:
        """A params-only lowering's value of `dtype`: an argument that no operand backs."""
        found = _STAND_INS.get(dtype)  # a node's dtype is an np.dtype already: no conversion on the way
        return found if found is not None else _stand_in(dtype)

    def param(self, node: Node, write: bool) -> str:
        self.use(node, write)
        return buffer_name(node)

    def use(self, node: Node, write: bool) -> None:
        """`node`'s buffer among the params, read or written (`param` without its name)."""
        nid = node.id
        (self.writes if write else self.reads).add(nid)
        if nid not in self.buffers:  # one node, one buffer: its first use places it among the params
            self.buffers[nid] = node

    def base_of(self, node: Node) -> Node:
        """The node whose buffer holds `node`'s values (itself, or the value a view's strides read)."""
        lay = self.fusion.layouts.get(node.id)
        return node if lay is None else lay.base

    def strides(self, node_strides, axes_map, kpos) -> tuple:
        out = [0] * len(self.dims)
        for s, d in zip(node_strides, axes_map):
            if d is not None:
                out[kpos[d]] += s
        return tuple(out)

    def load(self, node: Node, axes_map, kpos) -> S.Scalar:
        """Value of a node that is not computed in this kernel, at the loop position.

        A params-only load reads `axes_map` only for a leaf computed from the position (the others
        may pass None: the map is the dearest part of a params-only lowering to build)."""
        f, op = self.fusion, node.op
        if op.immediate is not None:
            literal = self.literal(node)
            if literal is not None:
                return literal
        if op.index_scalar is not None and node.id not in f.group_of:
            return self.at_position(node, axes_map, kpos)
        if self.params_only:
            self.use(self.base_of(node), write=False)
            return self.stand_in(node.dtype)
        lay = f.layouts[node.id] if node.id in f.layouts else Layout.whole(node)
        name = self.param(lay.base, write=False)
        return self.arg(Load(Access(name, lay.offset, self.strides(lay.strides, axes_map, kpos)), node.dtype))

    def read(self, node: Node) -> None:
        """A params-only `load` of a value that is no leaf (Op.index_scalar): its buffer among the params,
        unless it is a literal.  No stand-in is made: the flat walk (codegen/lower_params.py) uses none."""
        if node.op.immediate is None or self.literal(node) is None:
            lay = self.fusion.layouts.get(node.id)
            self.use(node if lay is None else lay.base, write=False)

    def literal(self, node: Node) -> S.Scalar | None:
        """`node.op.immediate(node)`, made once per fusion (`Fusion.literals`: Scalars are immutable)."""
        literals = self.fusion.literals
        found = literals.get(node.id, literals)  # the dict itself: not made yet (None is a made answer)
        if found is literals:
            found = literals[node.id] = node.op.immediate(node)
        return found

    def gather(self, node: Node, axes_map, kpos, axis: int, index: S.Scalar) -> S.Scalar:
        """Value of a node in memory at the loop position but along `axis`, where `index` says: an
        indirect read (a `Gather` operand; `axes_map` has None at `axis`)."""
        if node.op.immediate is not None:
            literal = self.literal(node)  # one element: every index reads it
            if literal is not None:
                return literal
        if self.params_only:
            self.use(self.base_of(node), write=False)
            return self.stand_in(node.dtype)
        lay = self.fusion.layouts[node.id] if node.id in self.fusion.layouts else Layout.whole(node)
        name = self.param(lay.base, write=False)
        access = Access(name, lay.offset, self.strides(lay.strides, axes_map, kpos))
        return S.gathered(self.operand(Gather(access, lay.strides[axis], node.shape[axis], node.dtype)), index,
                          node.dtype)

    def at_position(self, node: Node, axes_map, kpos) -> S.Scalar:
        """A leaf's value from the loop position (its op's `index_scalar` rule)."""
        def value_of(x: Node, axes, at=None) -> S.Scalar:
            x_map = tuple(None if a is None else axes_map[a] for a in axes)
            if at:
                ((axis, index),) = at.items()
                return self.gather(x, x_map, kpos, axis, index)
            return self.load(x, x_map, kpos)

        def index_of(axis: int) -> S.Scalar:
            d = axes_map[axis]
            return S.const(0, np.int64) if d is None else self.arg(LoopIndex(kpos[d]))

        return node.op.index_scalar(node, value_of, index_of)

    def store(self, node: Node, node_map, kpos, expr: S.Scalar, offset=0, strides=None) -> Store:
        name = self.param(node, write=True)
        strides = contiguous_strides(node.shape) if strides is None else strides
        return Store(Access(name, offset, self.strides(strides, node_map, kpos)), S.cast(expr, node.dtype))

    def kernel(self, name: str, kind: str, phases, final=(), matmul=None, ops=()) -> Kernel:
        if self.params_only:  # its params made when read: a planner reads the builder's buffers, reads, writes
            return ParamsOnlyKernel(name, kind, self.dims, list(ops), self.buffers, self.reads, self.writes,
                                    buffer_name)
        params = buffer_params(self.buffers, self.reads, self.writes, buffer_name)
        return Kernel(name, kind, params, self.dims, self.operands, list(phases), list(final), matmul, list(ops))


_STAND_INS: dict = {}
_LOOP_DIMS: dict = {}


def _loop_dims(sizes, kinds) -> list[LoopDim]:
    """LoopDims are immutable: one per (size, kind), not one per kernel (made here, asked once per kernel)."""
    out = []
    for size, kind in zip(sizes, kinds):
        key = (size, kind)
        dim = _LOOP_DIMS.get(key)
        if dim is None:
            dim = _LOOP_DIMS[key] = LoopDim(int(size), kind)
        out.append(dim)
    return out


def _stand_in(dtype) -> S.Scalar:
    dtype = np.dtype(dtype)
    if dtype not in _STAND_INS:
        _STAND_INS[dtype] = S.Scalar.arg(-1, dtype)
    return _STAND_INS[dtype]


def _lower_loop(fusion: Fusion, g: Group, name: str, params_only: bool = False) -> Kernel:
    par = [d for d in range(len(g.dims)) if d not in g.reduce]
    red = [d for d in range(len(g.dims)) if d in g.reduce]
    kpos = {d: i for i, d in enumerate(par + red)}
    kb = _KernelBuilder(fusion, [g.dims[d] for d in par + red], ["parallel"] * len(par) + ["reduce"] * len(red),
                        params_only)
    if params_only:  # a flat walk finds the params
        return kb.kernel(name, "loop", (), ops=loop_params(kb, g, kpos))
    members = {m.id for m in g.members}
    memo: dict[tuple, S.Scalar] = {}          # (node id, phase evaluated in) -> value
    accumulators: dict[int, S.Scalar] = {}   # reduce node id -> its accumulator's value
    n_phases = g.n_phases if g.reduce else 1
    phase_reductions: list[list] = [[] for _ in range(n_phases)]
    pending: list[tuple[int, int, Reduction]] = []  # (operand index, phase, reduction)
    stores: dict[int, Store] = {}  # member id -> its store, for the members written to memory

    def store_of(m: Node) -> Store:
        if m.id not in stores:
            stores[m.id] = kb.store(m, g.maps[m.id], kpos, expr(m, g.phase.get(m.id)))
        return stores[m.id]

    def stored_earlier(node: Node, phase) -> bool:
        """Whether a later phase can read `node` back from memory rather than compute it again: it
        is stored in an earlier phase, at a different address for every point of the reduce dims
        (so each reads back what it wrote itself; on a GPU, the thread that wrote it).
        codegen/lower_params.read_back asks the same of a params-only lowering."""
        if phase is None or node.id not in fusion.stored or g.phase.get(node.id, phase) >= phase:
            return False
        strides = store_of(node).access.strides
        return all(strides[kpos[d]] != 0 for d in g.reduce if g.dims[d] > 1)

    def value(x: Node, consumer: Node, phase) -> S.Scalar:
        if x.id in members:
            return expr(x, phase)
        return kb.load(x, _broadcast_map(x, consumer, g.maps[consumer.id]), kpos)

    def expr(node: Node, phase) -> S.Scalar:
        """`node`'s value in a loop body of `phase` (None: after the reduce loops, the final stores)."""
        key = (node.id, phase)
        if key in memo:
            return memo[key]
        op = node.op
        if phase is not None and stored_earlier(node, phase):  # (no call in a group without reduce dims)
            kb.param(node, write=False)
            out = kb.arg(Load(stores[node.id].access, node.dtype))
        elif g.copy_of is node:
            if g.copy_layout is not None:
                bname = kb.param(g.copy_layout.base, write=False)
                access = Access(bname, g.copy_layout.offset, kb.strides(g.copy_layout.strides, g.maps[node.id], kpos))
                out = kb.arg(Load(access, node.dtype))
            else:
                out = kb.at_position(node, g.maps[node.id], kpos)
        elif op.kind == "elementwise":
            args = [expr(x, phase) if x.id in members else value(x, node, phase) for x in node.inputs]
            out = op.scalar(node.attrs, node.dtype, *args)
        elif op.kind == "reduce":
            x = node.inputs[0]
            if node.id not in g.reductions:
                xval = expr(x, phase) if x.id in members else kb.load(x, g.input_maps[node.id], kpos)
                out = S.cast(xval, node.dtype)
            else:
                out = accumulator(node)
        else:  # a register view: the map already moved the data
            out = S.cast(expr(node.inputs[0], phase), node.dtype)
        memo[key] = out
        return out

    def accumulator(node: Node) -> S.Scalar:
        """A reduction's value (its operand evaluated in the phase it accumulates in), made once."""
        if node.id in accumulators:
            return accumulators[node.id]
        op, x = node.op, node.inputs[0]
        phase = g.reductions[node.id]
        xval = expr(x, phase) if x.id in members else kb.load(x, g.input_maps[node.id], kpos)
        require_identity(node)
        combine = op.extra["combine"]
        acc_dtype = accumulator_dtype(combine, node.dtype)
        identity = op.extra["identity"]
        if acc_dtype.kind in "iu" and combine in _INT_LIMITS:
            identity = _INT_LIMITS[combine](acc_dtype)
        red = Reduction(combine, identity, acc_dtype, node.dtype, S.cast(xval, acc_dtype))
        index = kb.operand(("acc", node.id))
        pending.append((index, phase, red))
        kb.operands[index] = Accumulator(-1, acc_dtype)
        kb._operand_index.pop(("acc", node.id))
        accumulators[node.id] = S.cast(S.Scalar.arg(index, acc_dtype), node.dtype)
        return accumulators[node.id]

    phases = [Phase() for _ in range(n_phases)]
    final: list[Store] = []
    for m in g.members:
        if m.id in fusion.stored:
            st = store_of(m)
            if not g.reduce:
                phases[0].stores.append(st)
            elif m.id in g.phase:
                phases[g.phase[m.id]].stores.append(st)
            else:
                final.append(st)
        else:
            expr(m, g.phase.get(m.id))  # its reductions
    # accumulator indices count reductions in phase order
    order = sorted(range(len(pending)), key=lambda i: (pending[i][1], i))
    for new_index, i in enumerate(order):
        operand_index, phase, red = pending[i]
        kb.operands[operand_index] = Accumulator(new_index, red.dtype)
        phase_reductions[phase].append(red)
    for p, reds in zip(phases, phase_reductions):
        p.reductions.extend(reds)
    ops = [m.op.name for m in g.members]
    expr = None  # the nested functions reach each other through it: a cycle that kept each kernel's builder
    return kb.kernel(name, "loop", phases, final, ops=ops)


def _matrix(fusion: Fusion, kb: _KernelBuilder, x: Node, out: Node, write=False) -> Matrix:
    lay = fusion.layouts.get(x.id) or Layout.whole(x)
    name = kb.param(lay.base, write=write)
    nb = out.ndim - 2
    lead = nb - (x.ndim - 2)
    batch = []
    for i in range(nb):
        j = i - lead
        batch.append(0 if j < 0 or x.shape[j] == 1 else lay.strides[j])
    return Matrix(name, lay.offset, tuple(batch), lay.strides[-2], lay.strides[-1])


def _lower_matmul(fusion: Fusion, g: Group, name: str, params_only: bool = False) -> Kernel:
    m = g.members[0]
    a, b = m.inputs
    kpos = {d: d for d in range(len(g.dims))}
    kb = _KernelBuilder(fusion, g.dims, ["parallel"] * len(g.dims), params_only)
    if params_only:  # the epilogue is one loop body: a flat walk finds the params
        matmul_params(kb, g, kpos)
        return kb.kernel(name, "matmul", (), ops=[x.op.name for x in g.members])
    matrices = [_matrix(fusion, kb, a, m), _matrix(fusion, kb, b, m), _matrix(fusion, kb, m, m, write=True)]
    mm = Matmul(*matrices, m=m.shape[-2], n=m.shape[-1], k=a.shape[-1], batch=tuple(m.shape[:-2]), dtype=m.dtype)
    members = {x.id for x in g.members}
    memo: dict[int, S.Scalar] = {}

    def expr(node: Node) -> S.Scalar:
        if node.id not in memo:
            if node is m:
                memo[node.id] = kb.load(m, g.maps[m.id], kpos)
            elif node.op.kind == "elementwise":
                args = [expr(x) if x.id in members else kb.load(x, _broadcast_map(x, node, g.maps[node.id]), kpos)
                        for x in node.inputs]
                memo[node.id] = node.op.scalar(node.attrs, node.dtype, *args)
            else:  # a size-1 reduction: its operand's value, in the group or read from memory
                x = node.inputs[0]
                xval = expr(x) if x.id in members else kb.load(x, g.input_maps[node.id], kpos)
                memo[node.id] = S.cast(xval, node.dtype)
        return memo[node.id]

    phase = Phase()
    for x in g.members[1:]:
        e = expr(x)
        if x.id in fusion.stored:
            phase.stores.append(kb.store(x, g.maps[x.id], kpos, e))
    expr = None  # it calls itself through this name: a cycle that kept the kernel's builder until a collection
    return kb.kernel(name, "matmul", [phase] if phase.stores else [], matmul=mm,
                     ops=[x.op.name for x in g.members])


def _lower_scatter(fusion: Fusion, g: Group, name: str, params_only: bool = False) -> list[Kernel]:
    """A fill of the whole output (when the op has one), then one copy kernel per piece (Op.scatter)."""
    node = g.members[0]
    scatter, ops = node.op.scatter, [node.op.name]
    kernels = []
    if scatter.fill is not None:
        ident = tuple(range(node.ndim))
        kb = _KernelBuilder(fusion, list(node.shape), ["parallel"] * node.ndim, params_only)
        fill = kb.store(node, ident, {d: d for d in ident}, S.const(scatter.fill, node.dtype))
        kernels.append(kb.kernel(f"{name}_{scatter.fill_name}", "loop", [Phase(stores=[fill])], ops=ops))
    for piece in scatter.pieces(node):
        part = node.inputs[piece.input]
        kb = _KernelBuilder(fusion, list(part.shape), ["parallel"] * part.ndim, params_only)
        ident = tuple(range(part.ndim))
        kpos = {d: d for d in ident}
        st = kb.store(node, ident, kpos, kb.load(part, ident, kpos), offset=piece.offset, strides=piece.strides)
        kernels.append(kb.kernel(f"{name}_{piece.name}", "loop", [Phase(stores=[st])], ops=ops))
    return kernels


def _lower_indexed_add(fusion: Fusion, g: Group, name: str, params_only: bool = False) -> list[Kernel]:
    """An op that adds its third input into a copy of its first at the places its second names
    (Op.indexed_add: scatter_add): a copy kernel, then a "scatter" kernel over the updates whose
    stores add at the indexed element (`Store.add_at`)."""
    node = g.members[0]
    x, idx, updates = node.inputs
    target_axes, index_axes = node.op.indexed_add(node)
    axis = target_axes.index(None)
    ops = [node.op.name]
    ident = tuple(range(node.ndim))
    kb = _KernelBuilder(fusion, list(node.shape), ["parallel"] * node.ndim, params_only)
    kpos = {d: d for d in ident}
    copy = kb.store(node, ident, kpos, kb.load(x, ident, kpos))
    kernels = [kb.kernel(f"{name}_copy", "loop", [Phase(stores=[copy])], ops=ops)]
    loop = tuple(range(updates.ndim))
    kb = _KernelBuilder(fusion, list(updates.shape), ["parallel"] * updates.ndim, params_only)
    kpos = {d: d for d in loop}
    index = S.cast(kb.load(idx, index_axes, kpos), np.int64)
    add = kb.store(node, target_axes, kpos, kb.load(updates, loop, kpos))
    add = Store(add.access, add.expr, Indirect(index, contiguous_strides(node.shape)[axis], node.shape[axis]))
    kb.reads.add(node.id)  # each store reads the element it adds to
    kernels.append(kb.kernel(f"{name}_add", "scatter", [Phase(stores=[add])], ops=ops))
    return kernels


def lower_group(fusion: Fusion, g: Group, name: str, params_only: bool = False) -> list[Kernel]:
    if g.kind == "matmul":
        return [_lower_matmul(fusion, g, name, params_only)]
    if g.kind == "loop":
        return [_lower_loop(fusion, g, name, params_only)]
    if g.kind == INDEXED_ADD:
        return _lower_indexed_add(fusion, g, name, params_only)
    return _lower_scatter(fusion, g, name, params_only)  # its kind is the op's scatter label


def lower(fusion: Fusion, params_only: bool = False) -> list[Kernel]:
    """Every group's kernels, in execution order; `params_only`: without their code (module docstring)."""
    kernels: list[Kernel] = []
    for i, g in enumerate(fusion.groups):
        kernels.extend(lower_group(fusion, g, f"k{i}_{g.kind}", params_only))
    return kernels
