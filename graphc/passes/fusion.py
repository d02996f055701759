"""Fusion: group a Program's nodes into kernels whose intermediate values stay in registers.

Every group has loop dims (concrete sizes) and gives each member a *map*: for
each axis of the member's shape, the loop dim it runs along (None for size 1).
A consumer joins its producer's group when its values line up with the
producer's on those loop dims, so the two are computed at the same loop
position.  What joins:

  * elementwise ops (and one_hot leaves, constants) over the group's loop dims, broadcasting
    in-group values only along dims they do not vary on;
  * reductions (sum, max, min) of an in-group value: the reduced loop dims become the
    group's reduce dims (all reductions of a group reduce the same dims);
  * elementwise consumers of a reduction, at the reduced shape (log of a sum) or back at
    the full shape (x - max): each use of an accumulator in the full loop starts a new
    *phase*, a new pass over the reduce dims (softmax: max | exp, sum | divide, 3 phases);
  * a matmul starts a group whose elementwise consumers (bias, activation, SGD update)
    form its epilogue; a consumer of a matmul and of a loop group folds the loop group
    into the epilogue (`dh * (1 - y*y)`: the helper is computed there, nothing is stored);
  * transpose / reshape / expand_dims / squeeze / broadcast_to of an in-group value, when
    the map can follow (they move no data).

View ops of values in memory (transpose, broadcast, slices, reshape of a contiguous
buffer) never become kernels: they are strides of a load (`layouts`).  A view
that must exist in memory (a fetched output, a matmul operand BLAS cannot read,
a reshape of non-contiguous strides) gets a copy kernel.

Never fused: nodes with different `attrs["recompute"]` tags (rematerialised copies stay
apart from the forward pass), a consumer whose other inputs depend on the group (a cycle),
a consumer that would make the kernel's body larger than MAX_KERNEL_SIZE instructions.
Kernels are ordered by dependencies, ties broken by `program.schedule` when a pass set one.

    fusion = fuse(program)
    for group in fusion.groups: print(group.kind, [n.op.name for n in group.members])
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from graphc.errors import BackendError
from graphc.ir import Node, consumers
from graphc.program import Program
from graphc.scalar import Scalar, body_size

MAX_PHASES = 4
# A kernel's loop body stays below about this many instructions (scalar.body_size): LLVM's loop
# vectorizer estimates register pressure over the whole body, which grows with its square, so
# a fused chain of a few hundred transcendentals took minutes to compile; a few kernels of
# bounded size take seconds, and the extra store and load between them cost little.
MAX_KERNEL_SIZE = 2000


@dataclass
class Layout:
    """A view of a materialised node's buffer: element offset and strides over the view's own axes."""

    base: Node
    offset: int
    strides: tuple


@dataclass
class Group:
    id: int
    kind: str                          # "loop" | "matmul" | "concat" | "slice_grad"
    dims: list[int]
    reduce: set = field(default_factory=set)        # loop dims reduced
    members: list[Node] = field(default_factory=list)
    maps: dict = field(default_factory=dict)        # node id -> tuple (loop dim or None per axis)
    phase: dict = field(default_factory=dict)       # node id -> phase it is computed in (inner-level nodes)
    avail: dict = field(default_factory=dict)       # node id -> first phase its value is usable at outer level
    tag: object = None                 # the recompute tag shared by all members
    deps: int = 0                      # bitmask of every group id this one depends on (closed)
    copy_of: Node | None = None        # a copy kernel materialising this view / leaf
    copy_layout: Layout | None = None  # the view it copies (None for a one_hot leaf)
    input_maps: dict = field(default_factory=dict)  # reduction read from memory: its operand's map
    reductions: dict = field(default_factory=dict)  # reduce node id -> phase it accumulates in
    refs: list = field(default_factory=list)        # (shape, map) of operands read from memory at full shape
    first: int = 0                     # schedule position of its first member
    size: int = 0                      # instructions its members' scalar expressions become, about

    def is_inner(self, node: Node) -> bool:
        return any(d in self.reduce for d in self.maps[node.id] if d is not None)

    @property
    def n_phases(self) -> int:
        return 1 + max([0] + [p for p in self.phase.values()] + [a - 1 for a in self.avail.values()])


@dataclass
class Fusion:
    program: Program
    groups: list[Group]                # in execution order
    group_of: dict                     # node id -> Group
    layouts: dict                      # view node id -> Layout
    stored: set                        # ids of member nodes written to memory
    order: list[Node]


def _canon(shape) -> tuple:
    return tuple(d for d in shape if d != 1)


def reduce_axes(node: Node) -> tuple[tuple, tuple]:
    """(axes of the input reduced, for each input axis: its output axis or None)."""
    x = node.inputs[0]
    if node.op.name == "sum_to_like":
        lead = x.ndim - node.ndim
        axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(node.shape)
                                          if d == 1 and x.shape[lead + i] != 1)
        where = tuple(None if i < lead else i - lead for i in range(x.ndim))
        return axes, where
    axes, keep = node.attrs["axes"], node.attrs["keepdims"]
    where, k = [], 0
    for i in range(x.ndim):
        if i in axes and not keep:
            where.append(None)
        else:
            where.append(k)
            k += 1
    return tuple(axes), tuple(where)


def _contiguous_strides(shape) -> tuple:
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= max(d, 1)
    return tuple(reversed(strides))


class _Fuser:
    def __init__(self, program: Program):
        self.program = program
        self.order = program.nodes()
        self.pos = {n.id: i for i, n in enumerate(self.order)}
        self.groups: list[Group] = []
        self.group_of: dict[int, Group] = {}
        self.layouts: dict[int, Layout] = {}
        self.leaf: set[int] = set()     # one_hot nodes computed inline by their consumers
        self.roots = {n.id for n in program.roots}
        self.users = consumers(self.order)
        self.readers: dict[int, set] = {}   # group id -> groups that read its values directly
        self.sources: dict[int, set] = {}   # group id -> groups whose values it reads directly
        self.sizes: dict[tuple, int] = {}   # (op, dtypes, attrs) -> body_size of its scalar rule

    # ---- dependencies -------------------------------------------------------------------------

    def dep_groups(self, node: Node) -> set:
        """Groups whose kernels must have run before `node`'s value can be read from memory or inline."""
        g = self.group_of.get(node.id)
        if g is not None:
            return {g.id}
        if node.id in self.layouts:
            return self.dep_groups(self.layouts[node.id].base)
        if node.id in self.leaf:
            return set().union(*(self.dep_groups(i) for i in node.inputs))
        return set()

    def _all_deps(self, gids: set) -> int:
        """`gids` and every group they depend on, as a bitmask of group ids."""
        mask = 0
        for gid in gids:
            mask |= (1 << gid) | self.groups[gid].deps
        return mask

    def _depend(self, g: Group, inputs) -> None:
        """g reads `inputs` (values outside g): it runs after their groups and all they depend on."""
        mask = 0
        for x in inputs:
            for src in self.dep_groups(x):
                self.readers.setdefault(src, set()).add(g.id)
                self.sources.setdefault(g.id, set()).add(src)
                mask |= (1 << src) | self.groups[src].deps
        self._raise(g, mask)

    def _raise(self, g: Group, mask: int) -> None:
        """Add `mask` (a closed set) to the dependencies of g and of every group that reads g, directly or not.

        Keeping every group's set closed makes each legality question a few bit operations; a walk
        over the dependency graph per question made fusing deep networks cubic.  Readers of g are
        found through the direct-reader index, and usually there are none: g is the group being built.
        """
        new = mask & ~g.deps & ~(1 << g.id)
        if not new:
            return
        stack, seen = [g.id], {g.id}
        while stack:
            d = self.groups[stack.pop()]
            d.deps |= new
            for r in self.readers.get(d.id, ()):
                if r not in seen:
                    seen.add(r)
                    stack.append(r)

    def new_group(self, kind: str, dims, node: Node, node_map, inputs) -> Group:
        g = Group(len(self.groups), kind, list(dims), tag=node.attrs.get("recompute"), first=self.pos[node.id])
        self.groups.append(g)
        self._depend(g, inputs)
        self.add(g, node, node_map, phase=0, avail=0)
        return g

    def add(self, g: Group, node: Node, node_map, phase: int, avail: int) -> None:
        g.members.append(node)
        g.size += self.size(node)
        g.maps[node.id] = tuple(node_map)
        if any(d in g.reduce for d in node_map if d is not None):
            g.phase[node.id] = phase
        else:
            g.avail[node.id] = avail
        self.group_of[node.id] = g

    # ---- layouts of views ---------------------------------------------------------------------

    def layout(self, node: Node) -> Layout:
        if node.id in self.layouts:
            return self.layouts[node.id]
        return Layout(node, 0, _contiguous_strides(node.shape))

    def view_layout(self, node: Node) -> Layout | None:
        """The layout of a view op over its input's layout, or None when strides cannot express it."""
        src = self.layout(node.inputs[0])
        name, x = node.op.name, node.inputs[0]
        st = list(src.strides)
        if name == "transpose":
            return Layout(src.base, src.offset, tuple(st[p] for p in node.attrs["perm"]))
        if name in ("broadcast_to", "broadcast_like"):
            lead = node.ndim - x.ndim
            out = [0] * lead + [0 if (x.shape[i] == 1 and node.shape[lead + i] != 1) else st[i]
                                for i in range(x.ndim)]
            return Layout(src.base, src.offset, tuple(out))
        if name == "expand_dims":
            for a in node.attrs["axes"]:
                st.insert(a, 0)
            return Layout(src.base, src.offset, tuple(st))
        if name == "squeeze":
            return Layout(src.base, src.offset, tuple(s for i, s in enumerate(st) if i not in node.attrs["axes"]))
        if name in ("slice", "concat_part"):
            if name == "concat_part":
                axis, index = node.attrs["axis"], node.attrs["index"]
                parts = node.inputs[1:]
                start = sum(p.shape[axis] for p in parts[:index])
                index_spec = [(None, None, None)] * x.ndim
                index_spec[axis] = (start, start + parts[index].shape[axis], 1)
            else:
                index_spec = node.attrs["index"]
            offset = src.offset
            out = []
            for d, s, (a, b, c) in zip(x.shape, st, index_spec):
                start, _, step = slice(a, b, c).indices(d)
                offset += start * s if d else 0
                out.append(s * step)
            return Layout(src.base, offset, tuple(out))
        if name in ("reshape", "reshape_like"):
            # non-1 axes of the input must be contiguous in the layout (after dropping size-1 axes)
            dims = [(d, s) for d, s in zip(x.shape, st) if d != 1]
            expected = _contiguous_strides([d for d, _ in dims])
            if any(s != e for (_, s), e in zip(dims, expected)) or any(d == 0 for d in x.shape):
                return None
            base_stride = dims[-1][1] if dims else 1
            if base_stride != 1:
                return None
            return Layout(src.base, src.offset, _contiguous_strides(node.shape))
        raise BackendError(f"internal error: {name} is not a view op")

    # ---- maps ---------------------------------------------------------------------------------

    def elementwise_map(self, g: Group, node: Node, inputs) -> tuple | None:
        """node's map in g from its in-group inputs (broadcast into node's shape), else None."""
        out: list = [None] * node.ndim
        covered = [node.shape[i] == 1 for i in range(node.ndim)]
        for x in inputs:
            if self.group_of.get(x.id) is not g:
                continue
            xmap = g.maps[x.id]
            lead = node.ndim - x.ndim
            for i, d in enumerate(xmap):
                if x.shape[i] == node.shape[lead + i] and x.shape[i] != 1:
                    if out[lead + i] is not None and out[lead + i] != d:
                        return None
                    out[lead + i] = d
                    covered[lead + i] = True
        if not all(covered):
            # take the map of a member with the same shape, consistent with what inputs fixed
            refs = [(m.shape, g.maps[m.id]) for m in g.members] + g.refs
            for shape, mm in refs:
                if shape == node.shape:
                    if all(o is None or o == d for o, d in zip(out, mm)):
                        out = list(mm)
                        break
            else:
                return None
        used = [d for d in out if d is not None]
        if len(used) != len(set(used)):
            return None
        if any(node.shape[i] != 1 and (d is None or g.dims[d] != node.shape[i]) for i, d in enumerate(out)):
            return None
        # every in-group input must not vary along a loop dim the node lacks, and must be broadcast only
        # along dims it does not run on
        for x in inputs:
            if self.group_of.get(x.id) is not g:
                continue
            if not set(d for d in g.maps[x.id] if d is not None) <= set(used):
                return None
        return tuple(out)

    def phase_of(self, g: Group, node: Node, node_map, inputs) -> tuple[int, int]:
        """(phase, avail) of a new member computed from its in-group inputs."""
        inner = any(d in g.reduce for d in node_map if d is not None)
        p = 0
        for x in inputs:
            if self.group_of.get(x.id) is not g:
                continue
            if x.id in g.phase:
                p = max(p, g.phase[x.id])
            else:
                p = max(p, g.avail[x.id])
        return (p, 0) if inner else (0, p)

    # ---- joining ------------------------------------------------------------------------------

    def size(self, node: Node) -> int:
        """About how many instructions `node` adds to a kernel's body (by its scalar rule)."""
        if node.op.kind != "elementwise" or node.op.scalar is None:
            return 1
        dtypes = tuple(x.dtype for x in node.inputs)
        key = (node.op.name, dtypes, node.dtype, repr(sorted(node.attrs.items())))
        if key not in self.sizes:
            args = [Scalar.arg(i, dtype) for i, dtype in enumerate(dtypes)]
            self.sizes[key] = body_size(node.op.scalar(node.attrs, node.dtype, *args))
        return self.sizes[key]

    def legal(self, g: Group, node: Node, inputs) -> bool:
        if g.size + self.size(node) > MAX_KERNEL_SIZE:
            return False
        if node.attrs.get("recompute") != g.tag:
            return False
        for x in inputs:
            if self.group_of.get(x.id) is g:
                continue
            if self._all_deps(self.dep_groups(x)) >> g.id & 1:
                return False
        return True

    def absorb_deps(self, g: Group, inputs) -> None:
        self._depend(g, [x for x in inputs if self.group_of.get(x.id) is not g])

    def merge(self, g: Group, h: Group, node: Node) -> bool:
        """Move elementwise group h into g (siblings both feeding `node`), when their dims line up."""
        if h.kind != "loop" or h.reduce or g.kind not in ("loop", "matmul") or h.tag != g.tag:
            return False
        if g.size + h.size > MAX_KERNEL_SIZE:
            return False
        if g.deps >> h.id & 1 or h.deps >> g.id & 1 or h.copy_of is not None \
                or g.copy_of is not None:
            return False
        corr: dict[int, int] = {}
        for a in node.inputs:
            for b in node.inputs:
                if self.group_of.get(a.id) is not g or self.group_of.get(b.id) is not h:
                    continue
                la, lb = node.ndim - a.ndim, node.ndim - b.ndim
                for i in range(node.ndim):
                    ia, ib = i - la, i - lb
                    if ia < 0 or ib < 0 or a.shape[ia] == 1 or b.shape[ib] == 1:
                        continue
                    dg, dh = g.maps[a.id][ia], h.maps[b.id][ib]
                    if dg is None or dh is None or corr.get(dh, dg) != dg:
                        return False
                    corr[dh] = dg
        if set(corr) != set(range(len(h.dims))) or len(set(corr.values())) != len(corr):
            return False
        if any(h.dims[dh] != g.dims[dg] for dh, dg in corr.items()):
            return False

        def moved(loop_map):
            return tuple(None if d is None else corr[d] for d in loop_map)

        for m in h.members:
            self.add(g, m, moved(h.maps[m.id]), 0, 0)
        # a size-1 reduction in h reads its operand from memory: its map moves along with it
        for node_id, loop_map in h.input_maps.items():
            g.input_maps[node_id] = moved(loop_map)
        g.refs.extend((shape, moved(loop_map)) for shape, loop_map in h.refs)
        # g now reads what h read, and what read h's members reads g
        for src in self.sources.get(h.id, ()):
            self.readers[src].add(g.id)
        self.sources.setdefault(g.id, set()).update(self.sources.get(h.id, ()))
        h_readers = self.readers.get(h.id, set())
        self.readers.setdefault(g.id, set()).update(h_readers)
        self._raise(g, h.deps)
        for r in h_readers:
            self._raise(self.groups[r], (1 << g.id) | g.deps)
        g.first = min(g.first, h.first)
        h.kind, h.members = "dead", []
        return True

    def try_elementwise(self, node: Node) -> bool:
        inputs = list(node.inputs)
        cands = []
        for x in inputs:
            g = self.group_of.get(x.id)
            if g is not None and g not in cands and g.kind in ("loop", "matmul"):
                cands.append(g)
        # a matmul first: a sibling loop group joins its epilogue rather than the matmul's output being
        # stored and read back (dh * (1 - y*y) where the backward pass recomputes tanh's 1 - y*y)
        cands.sort(key=lambda g: (g.kind != "matmul", -len(g.members)))
        if len(cands) > 1 and node.attrs.get("recompute") == cands[0].tag:
            for h in cands[1:]:
                if self.merge(cands[0], h, node):
                    cands.remove(h)
        for g in cands:
            if not self.legal(g, node, inputs):
                continue
            node_map = self.elementwise_map(g, node, inputs)
            if node_map is None:
                continue
            phase, avail = self.phase_of(g, node, node_map, inputs)
            if phase >= MAX_PHASES or avail >= MAX_PHASES:
                continue
            self.absorb_deps(g, inputs)
            self.add(g, node, node_map, phase, avail)
            return True
        return False

    def try_reduce(self, node: Node) -> bool:
        x = node.inputs[0]
        g = self.group_of.get(x.id)
        if g is None or g.kind != "loop" or not self.legal(g, node, [x]):
            return False
        axes, where = reduce_axes(node)
        xmap = g.maps[x.id]
        reduced = {xmap[a] for a in axes if xmap[a] is not None}
        out_map = [None] * node.ndim
        for i, w in enumerate(where):
            if w is not None and i not in axes:
                out_map[w] = xmap[i]
        if not reduced:
            if g.reduce and x.id in g.phase:
                return False  # a size-1 reduction of an inner value would need the full loop
            phase, avail = self.phase_of(g, node, out_map, [x])
            self.add(g, node, out_map, phase, avail)
            return True
        if g.reduce and reduced != g.reduce:
            return False
        if not g.reduce:
            # dims become reduce dims: only members that do not yet consume a reduction exist
            g.reduce = set(reduced)
            for m in g.members:
                if g.is_inner(m):
                    g.phase[m.id] = g.avail.pop(m.id, 0)
        if x.id not in g.phase:
            return False
        phase = g.phase[x.id]
        if phase + 1 >= MAX_PHASES:
            return False
        self.add(g, node, out_map, phase, phase + 1)
        g.phase.pop(node.id, None)
        g.avail[node.id] = phase + 1
        g.reductions[node.id] = phase
        return True

    def try_view(self, node: Node) -> bool:
        """Register-level views of an in-group value: the map follows the data."""
        x = node.inputs[0]
        g = self.group_of.get(x.id)
        if g is None or g.kind not in ("loop", "matmul") or not self.legal(g, node, [x]):
            return False
        xmap, name = g.maps[x.id], node.op.name
        if name == "transpose" and self.feeds_only_matmuls(node):
            return False  # BLAS reads the stored value transposed (a 'T' flag): storing a transposed copy is waste
        if name == "transpose":
            out = tuple(xmap[p] for p in node.attrs["perm"])
        elif name in ("reshape", "reshape_like", "expand_dims", "squeeze"):
            if _canon(x.shape) != _canon(node.shape):
                return False
            dims = [d for d, s in zip(xmap, x.shape) if s != 1]
            it = iter(dims)
            out = tuple(next(it) if s != 1 else None for s in node.shape)
        elif name in ("broadcast_to", "broadcast_like"):
            out = self.elementwise_map(g, node, [x])
            if out is None:
                return False
        else:
            return False
        phase, avail = self.phase_of(g, node, out, [x])
        self.add(g, node, out, phase, avail)
        return True

    def feeds_only_matmuls(self, node: Node) -> bool:
        """True when every use of `node` is a matmul operand (and it is not fetched): its memory layout is free."""
        users = self.users.get(node.id, [])
        return bool(users) and node.id not in self.roots and all(u.op.kind == "matmul" for u in users)

    # ---- materialisation ----------------------------------------------------------------------

    def materialize(self, node: Node) -> None:
        """Give a view or leaf node its own buffer, through a copy kernel."""
        if node.id in self.group_of or node.op.kind == "source":
            return
        full = tuple(i for i, d in enumerate(node.shape) if d != 1)
        idx = {a: k for k, a in enumerate(full)}
        node_map = tuple(idx.get(i) for i in range(node.ndim))
        g = self.new_group("loop", [node.shape[a] for a in full], node, node_map, node.inputs)
        g.copy_of = node
        g.copy_layout = self.layouts.pop(node.id, None)
        self.leaf.discard(node.id)

    def blas_ready(self, node: Node) -> bool:
        if node.id in self.leaf:
            return False
        if node.id not in self.layouts:
            return True
        lay = self.layouts[node.id]
        rows, cols = node.shape[-2], node.shape[-1]
        rs, cs = lay.strides[-2], lay.strides[-1]
        return (cs == 1 or cols == 1) and rs >= max(cols, 1) or (rs == 1 or rows == 1) and cs >= max(rows, 1)

    # ---- the sweep ----------------------------------------------------------------------------

    def run(self) -> Fusion:
        for node in self.order:
            kind, name = node.op.kind, node.op.name
            if kind == "source":
                continue
            if node.op.view:  # strides over its input, when it can be (Op.view)
                if self.try_view(node):
                    continue
                lay = self.view_layout(node) if node.inputs[0].id not in self.leaf else None
                if lay is None:
                    self.materialize(node.inputs[0])
                    lay = self.view_layout(node)
                self.layouts[node.id] = lay
            elif name == "one_hot":
                self.leaf.add(node.id)
            elif kind == "elementwise":
                if not self.try_elementwise(node):
                    full = tuple(i for i, d in enumerate(node.shape) if d != 1)
                    idx = {a: k for k, a in enumerate(full)}
                    self.new_group("loop", [node.shape[a] for a in full], node,
                                   tuple(idx.get(i) for i in range(node.ndim)), node.inputs)
            elif kind == "reduce":
                if not self.try_reduce(node):
                    self._reduce_group(node)
            elif kind == "matmul":
                for x in node.inputs:
                    if not self.blas_ready(x):
                        self.materialize(x)
                full = tuple(range(node.ndim))
                dims = list(node.shape)
                self.new_group("matmul", dims, node, full, node.inputs)
            elif name == "concatenate":
                self.new_group("concat", list(node.shape), node, tuple(range(node.ndim)), node.inputs)
            elif name == "slice_grad":
                self.new_group("slice_grad", list(node.shape), node, tuple(range(node.ndim)), node.inputs)
            elif name == "count":
                raise BackendError("count should have been folded by simplification (shapes are concrete)")
            else:
                raise BackendError(f"the llvm backend cannot compile op {name!r}")
        for node in self.program.roots:
            if node.id in self.layouts or node.id in self.leaf:
                self.materialize(node)
        return Fusion(self.program, self._ordered(), self.group_of, self.layouts, self._stored(), self.order)

    def _reduce_group(self, node: Node) -> None:
        x = node.inputs[0]
        axes, where = reduce_axes(node)
        full = [i for i, d in enumerate(x.shape) if d != 1]
        idx = {a: k for k, a in enumerate(full)}
        dims = [x.shape[a] for a in full]
        out_map = [None] * node.ndim
        for i, w in enumerate(where):
            if w is not None and i not in axes:
                out_map[w] = idx.get(i)
        reduced = {idx[a] for a in axes if a in idx}
        g = Group(len(self.groups), "loop", dims, reduce=reduced, tag=node.attrs.get("recompute"),
                  first=self.pos[node.id])
        self.groups.append(g)
        self._depend(g, [x])
        # the reduced operand is read from memory; a pseudo-member is not needed: lowering loads it
        g.members.append(node)
        g.maps[node.id] = tuple(out_map)
        g.avail[node.id] = 1 if reduced else 0
        g.input_maps[node.id] = tuple(idx.get(i) for i in range(x.ndim))
        g.refs.append((x.shape, g.input_maps[node.id]))
        if reduced:
            g.reductions[node.id] = 0
        self.group_of[node.id] = g

    def _stored(self) -> set:
        stored = set()
        for node in self.order:
            for x in node.inputs:
                g = self.group_of.get(x.id)
                if g is not None and self.group_of.get(node.id) is not g:
                    stored.add(x.id)
        for g in self.groups:
            for m in g.members:
                if m.id in self.roots:
                    stored.add(m.id)
            if g.kind == "dead":
                continue
            if g.kind != "loop" or g.copy_of is not None:
                stored.add(g.members[0].id)
        # views and leaves read members from memory too
        for lay in self.layouts.values():
            if lay.base.id in self.group_of:
                stored.add(lay.base.id)
        for node in self.order:
            if node.id in self.leaf:
                for x in node.inputs:
                    if x.id in self.group_of:
                        stored.add(x.id)
        return stored

    def _ordered(self) -> list[Group]:
        """Groups in dependency order, earliest schedule position first among the ready ones."""
        live = [g for g in self.groups if g.kind != "dead"]
        preds: dict[int, set] = {g.id: set() for g in live}
        for g in live:
            for m in g.members:
                for x in m.inputs:
                    for d in self.dep_groups(x):
                        if d != g.id:
                            preds[g.id].add(d)
        succ: dict[int, list] = {g.id: [] for g in live}
        for gid, ps in preds.items():
            for p in ps:
                succ[p].append(gid)
        waiting = {gid: len(ps) for gid, ps in preds.items()}
        ready = [(self.groups[gid].first, gid) for gid, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, gid = heapq.heappop(ready)
            out.append(self.groups[gid])
            for s in succ[gid]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(ready, (self.groups[s].first, s))
        if len(out) != len(live):
            raise BackendError("internal error: fusion produced a cycle between kernels")
        return out


def fuse(program: Program) -> Fusion:
    """Group `program`'s nodes into kernels; see the module docstring."""
    return _Fuser(program).run()


def kernel_count(program: Program) -> int:
    return len(fuse(program).groups)


__all__ = ["Fusion", "Group", "Layout", "fuse", "kernel_count", "reduce_axes", "np"]
