"""Fusion's working state: the groups built so far, their dependencies, and the loop maps of members.

The join rules (graphc/passes/fusion_rules.py) ask it whether a node may join a group
(`legal`: size, recompute tag, no cycle), where its values sit on the group's loop dims
(`elementwise_map`, `phase_of`), and record the answer (`add`, `new_group`, `merge`,
`materialize`).  Dependencies between groups are kept as closed bitmasks, so each
legality question is a few bit operations.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from operator import attrgetter

from graphc.ir import Node
from graphc.passes.fusion_groups import MAX_KERNEL_SIZE, Group, Layout
from graphc.program import Program
from graphc.scalar import Scalar, body_size


def own_loop(node: Node) -> tuple[list, tuple]:
    """(loop dims, map) of a group that starts at `node`: one loop dim per axis of size other than 1."""
    dims, node_map = _own_loop_of_shape(node.shape)
    return list(dims), node_map


@cache  # by shape: a few shapes in a program of 100k nodes, one new group in ten nodes
def _own_loop_of_shape(shape: tuple) -> tuple[tuple, tuple]:
    full = tuple(i for i, d in enumerate(shape) if d != 1)
    idx = {a: k for k, a in enumerate(full)}
    return tuple(shape[a] for a in full), tuple(idx.get(i) for i in range(len(shape)))


def _maps_of_shape(g: Group, shape: tuple):
    """The maps of g's members of `shape`, then of its operands read from memory at that shape (g.refs)."""
    maps = g.maps
    for m in g.members:
        if m.shape == shape:
            yield maps[m.id]
    for ref_shape, mm in g.refs:
        if ref_shape == shape:
            yield mm


def _positions(order: list) -> tuple[dict, list]:
    """(node id -> schedule position, the positions of the recomputed nodes in order), by one walk: most nodes have
    no attrs, so the tag is asked of few.  The tag test is remat_rewrite.copy_segment's, spelt out (an int stage
    number, not a bool): fusion imports nothing of the remat passes."""
    pos: dict[int, int] = {}
    recomputed: list[int] = []
    for i, node in enumerate(order):
        pos[node.id] = i
        attrs = node.attrs
        if attrs:
            tag = attrs.get("recompute")
            if isinstance(tag, int) and not isinstance(tag, bool):
                recomputed.append(i)
    return pos, recomputed


# (op, dtype, attrs, *input dtypes) -> body_size of the op's scalar rule: the same in every fusion
_BODY_SIZES: dict[tuple, int] = {}
_dtype = attrgetter("dtype")


class FusionState:
    def __init__(self, program: Program):
        self.program = program
        self.order = program.nodes()
        self.pos, self.recomputed = _positions(self.order)
        self.groups: list[Group] = []
        self.group_of: dict[int, Group] = {}
        self.layouts: dict[int, Layout] = {}
        self.leaf: set[int] = set()     # nodes computed where they are read (Op.index_scalar)
        # the nodes that may read a value outside their group, in schedule order: all but the sources and those a
        # join rule put in the group of every input but sources (fusion.fuse keeps it).  A member never leaves its
        # group but with the whole group (`merge`), so those read within one for good: fusion_order skips them
        self.crossing: list[Node] = []
        self.roots = {n.id for n in program.roots}
        self.users = program.users()  # not changed here: the program's own (remat's bound asked it first)
        self.readers: dict[int, set] = {}   # group id -> groups that read its values directly
        self.sources: dict[int, set] = {}   # group id -> groups whose values it reads directly
        self.sizes = _BODY_SIZES            # (op, dtype, attrs, *input dtypes) -> body_size of its scalar rule
        # (group id, shape, map) -> elementwise_map of a node of that shape whose in-group inputs have it and that map
        self._same_shape_maps: dict[tuple, tuple | None] = {}

    def recomputes_between(self, lo: int, hi: int) -> bool:
        """Whether a recomputed node lies strictly between schedule positions lo and hi (lo < hi;
        fusion_rules._merge_spans_recompute asks it)."""
        recomputed = self.recomputed
        i = bisect_right(recomputed, lo)
        return i < len(recomputed) and recomputed[i] < hi

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

    def sources_outside(self, g: Group, inputs) -> list[int]:
        """Ids of the groups whose kernels must run before g can read `inputs` (the `dep_groups` of those
        not in g), in input order, repeats kept.  A join asks it once per candidate group and gives it to
        `may_join`, `waits_for_later` and `depend_on`: each of them walked the inputs itself before."""
        group_of = self.group_of
        out: list[int] = []
        for x in inputs:
            h = group_of.get(x.id)
            if h is g:
                continue
            if h is not None:  # a member: its group, no set built
                out.append(h.id)
            else:
                out.extend(self.dep_groups(x))
        return out

    def _depend(self, g: Group, inputs) -> None:
        """g reads `inputs`: it runs after the groups of those outside g and all they depend on."""
        self.depend_on(g, self.sources_outside(g, inputs))

    def depend_on(self, g: Group, srcs) -> None:
        """g reads values of the groups `srcs` (`sources_outside`): it runs after them and all they depend on."""
        mask = 0
        sources = self.sources.get(g.id)
        if sources is None:  # not setdefault(g.id, set()): that builds a set on every join
            sources = self.sources[g.id] = set()
        for src in srcs:
            if src in sources:
                continue  # read before: g's closed set has src and its dependencies
            readers = self.readers.get(src)
            if readers is None:
                readers = self.readers[src] = set()
            readers.add(g.id)
            sources.add(src)
            mask |= (1 << src) | self.groups[src].deps
        if mask:
            self._raise(g, mask)

    def _raise(self, g: Group, mask: int) -> None:
        """Add `mask` (a closed set) to the dependencies of g and of every group that reads g, directly or not.

        Keeping every group's set closed makes each legality question a few bit operations; a walk
        over the dependency graph per question made fusing deep networks cubic.  Readers of g are
        found through the direct-reader index, and usually there are none: g is the group being built.
        """
        if not self.readers.get(g.id):
            # nothing reads g (the group being built): its own set grows, by one operation on long masks, not
            # five.  mask never holds g's own bit: a source that depends on g is a cycle, which the callers
            # refuse first (closes_cycle, independent), or cannot meet (a new group)
            g.deps |= mask
            return
        # positive ints only: `mask & ~g.deps` turns a long mask negative, several times slower
        have = g.deps | 1 << g.id
        new = (mask | have) ^ have
        if not new:
            return
        groups, readers = self.groups, self.readers
        stack, seen = [g.id], {g.id}
        while stack:
            d = groups[stack.pop()]
            raised = d.deps | new  # one OR of long masks per group reached: the test and the update share it
            if d is not g and raised == d.deps:
                continue  # d has them all, so has every group that reads d: its set is closed
            d.deps = raised
            for r in readers.get(d.id, ()):
                if r not in seen:
                    seen.add(r)
                    stack.append(r)

    def new_group(self, kind: str, dims, node: Node, node_map, inputs) -> Group:
        g = Group(len(self.groups), kind, list(dims), tag=node.attrs.get("recompute"), first=self.pos[node.id])
        self.groups.append(g)
        self._depend(g, inputs)
        self.add(g, node, node_map, phase=0, avail=0)
        return g

    def add(self, g: Group, node: Node, node_map, phase: int, avail: int, size: int | None = None) -> None:
        """Make `node` a member of g; `size`: its `size`, when the caller has it (an elementwise join asked it)."""
        g.members.append(node)
        g.size += self.size(node) if size is None else size
        g.maps[node.id] = tuple(node_map)
        if g.reduce and not g.reduce.isdisjoint(node_map):  # runs along a reduced dim (None is never one)
            g.phase[node.id] = phase
        else:
            g.avail[node.id] = avail
        self.group_of[node.id] = g

    # ---- layouts of views ---------------------------------------------------------------------

    def layout(self, node: Node) -> Layout:
        if node.id in self.layouts:
            return self.layouts[node.id]
        return Layout.whole(node)

    def view_layout(self, node: Node) -> Layout | None:
        """The layout of a view op over its input's layout (the op's `view_strides` rule), or None
        when strides cannot express it."""
        src = self.layout(node.inputs[0])
        moved = node.op.view_strides(node, src.offset, src.strides)
        return None if moved is None else Layout(src.base, *moved)

    # ---- maps ---------------------------------------------------------------------------------

    def elementwise_map(self, g: Group, node: Node, in_group) -> tuple | None:
        """node's map in g from its inputs that are members of g (`in_group`, broadcast into node's shape),
        else None.  The caller has them: it asked each input's group to choose g.

        Most elementwise nodes read in-group values of their own shape on one map (a chain of unbroadcast
        ops): the answer then depends on the shape, that map and g's loop dims (fixed when g is made) only,
        and is worked out once per group, shape and map (`_same_shape_maps`)."""
        shape, maps = node.shape, g.maps
        first = maps[in_group[0].id]
        for x in in_group:
            if x.shape != shape or maps[x.id] != first:
                return self._elementwise_map(g, node, in_group)
        key = (g.id, shape, first)
        known = self._same_shape_maps.get(key, self._same_shape_maps)  # the dict itself: not asked yet
        if known is self._same_shape_maps:
            known = self._same_shape_maps[key] = self._elementwise_map(g, node, in_group)
        return known

    def _elementwise_map(self, g: Group, node: Node, in_group) -> tuple | None:
        shape, maps = node.shape, g.maps  # locals: asked for every elementwise node
        ndim = len(shape)
        out: list = [None] * ndim
        covered = set()  # axes of size other than 1 that an input runs along
        for x in in_group:
            # node's axis k is x's axis k - (ndim - x's ndim): broadcasting aligns trailing axes
            for k, (size, d) in enumerate(zip(x.shape, maps[x.id]), ndim - len(x.shape)):
                if size != 1 and size == shape[k]:
                    known = out[k]
                    if known is not None and known != d:
                        return None
                    out[k] = d
                    covered.add(k)
        if len(covered) < ndim - shape.count(1):
            # take the map of a member with the same shape, consistent with what inputs fixed
            for mm in _maps_of_shape(g, shape):
                if all(o is None or o == d for o, d in zip(out, mm)):
                    out = list(mm)
                    break
            else:
                return None
        used = set(out)  # the loop dims node runs on
        used.discard(None)
        if len(used) != ndim - out.count(None):
            return None
        dims = g.dims
        for size, d in zip(shape, out):
            if size != 1 and (d is None or dims[d] != size):
                return None
        # every in-group input must not vary along a loop dim the node lacks, and must be broadcast only
        # along dims it does not run on (None: an axis of size 1 runs on none)
        used.add(None)
        for x in in_group:
            if not used.issuperset(maps[x.id]):
                return None
        return tuple(out)

    def phase_of(self, g: Group, node: Node, node_map, in_group) -> tuple[int, int]:
        """(phase, avail) of a new member computed from its inputs that are members of g (`in_group`)."""
        inner = not g.reduce.isdisjoint(node_map)
        p = 0
        phase, avail = g.phase, g.avail
        for x in in_group:
            q = phase.get(x.id)
            if q is None:
                q = avail[x.id]
            if q > p:
                p = q
        return (p, 0) if inner else (0, p)

    def size(self, node: Node) -> int:
        """About how many instructions `node` adds to a kernel's body (by its scalar rule).

        Not kept per node: an elementwise node is asked once, by its join, which hands the answer to `add`
        (only a node no group takes is asked again, by `new_group`); any other node is 1."""
        op = node.op
        if op.kind != "elementwise" or op.scalar is None:
            return 1
        attrs = node.attrs
        # the recompute tag is no input of a scalar rule: keyed without it, a rematerialised copy shares
        # its original's entry, and the common attrs {recompute: tag} are not turned into a string
        rule_attrs = ""
        if len(attrs) > ("recompute" in attrs):  # attributes besides the tag
            rule_attrs = repr(sorted(item for item in attrs.items() if item[0] != "recompute"))
        # flat, and the op itself (hashed by identity): one tuple hashed per node, not a name and a nested tuple;
        # one or two inputs (most nodes) spelt out: a starred map builds a list first
        inputs = node.inputs
        if len(inputs) == 2:
            key = (op, node.dtype, rule_attrs, inputs[0].dtype, inputs[1].dtype)
        elif len(inputs) == 1:
            key = (op, node.dtype, rule_attrs, inputs[0].dtype)
        else:
            key = (op, node.dtype, rule_attrs, *map(_dtype, inputs))
        size = self.sizes.get(key)
        if size is None:
            args = [Scalar.arg(i, dtype) for i, dtype in enumerate(key[3:])]
            size = self.sizes[key] = body_size(op.scalar(attrs, node.dtype, *args))
        return size

    def legal(self, g: Group, node: Node, inputs) -> bool:
        return self.may_join(g, node, self.sources_outside(g, inputs))

    def may_join(self, g: Group, node: Node, srcs) -> bool:
        """Whether `node`, reading the groups `srcs` (`sources_outside`), may join g: the same recompute tag,
        a body within MAX_KERNEL_SIZE, and no cycle (no source depends on g)."""
        if node.attrs.get("recompute") != g.tag or g.size + self.size(node) > MAX_KERNEL_SIZE:
            return False
        return not self.closes_cycle(g, srcs)

    def closes_cycle(self, g: Group, srcs) -> bool:
        """Whether g reading the groups `srcs` makes a cycle: one of them is g or depends on it."""
        gid, groups = g.id, self.groups
        for src in srcs:
            if src == gid or groups[src].deps >> gid & 1:
                return True
        return False

    def delays(self, g: Group, inputs) -> bool:
        """True when g, to read `inputs`, would wait for a kernel that starts after it while holding a
        buffer that another kernel made and that nothing else needs by then (`waits_for_later`)."""
        return self.waits_for_later(g, self.sources_outside(g, inputs))

    def waits_for_later(self, g: Group, srcs) -> bool:
        """True when g, to read values of the groups `srcs` (`sources_outside`), would wait for a kernel
        that starts after it while holding a buffer that another kernel made and that nothing else needs
        by then.

        The schedule (a topological order, or the one a pass such as remat chose) says when each
        value is made and read.  A group that waits for a later kernel runs late, and the buffers
        it reads live until then: a running sum `acc + p_t` joined to the epilogue of the matmul
        that made `acc` would pull that matmul past every later `p_t`, and each partial adjoint
        of a shared weight would stay in memory until the last one.  Joining the later group
        instead (`p_t`'s epilogue reads `acc`) adds no wait.  A wait that holds nothing longer
        (g reads only inputs, variables, or values read after the wait anyway) costs no memory
        and is allowed, as before.  Direct sources are enough: a group's dependencies start before it.
        """
        groups, deps = self.groups, g.deps
        wait = g.first  # the latest start of a source g does not depend on, if after g's
        for src in srcs:
            first = groups[src].first
            if first > wait and not deps >> src & 1:
                wait = first
        return wait > g.first and self._holds_until(g, wait)

    def _holds_until(self, g: Group, wait: int) -> bool:
        """True when g reads a value made by another kernel that no other group reads at or after `wait`."""
        group_of = self.group_of
        for member in g.members:
            for x in member.inputs:
                h = group_of.get(x.id)
                if h is g or h is None and not self.dep_groups(x):  # a member of another group: no set to build
                    continue
                if self._last_read_outside(x, g) < wait:
                    return True
        return False

    def _last_read_outside(self, x: Node, g: Group) -> int:
        """The schedule position of the last node outside g that reads x (-1: none).  `Program.users` lists
        readers in schedule order, so the first one outside g from the end is it: no walk over all of them
        (a value read by hundreds of nodes is asked once per member of g that reads it)."""
        group_of = self.group_of
        for u in reversed(self.users[x.id]):
            if group_of.get(u.id) is not g:
                return self.pos[u.id]
        return -1

    def absorb_deps(self, g: Group, inputs) -> None:
        """g reads `inputs`: those outside it, it runs after (its members are skipped by `_depend`)."""
        self._depend(g, inputs)

    @staticmethod
    def may_merge(g: Group, h: Group) -> bool:
        """Whether `merge` may move h into g, their maps and dependencies aside (`independent`): h an
        elementwise loop group, g a loop or matmul group with the same recompute tag, neither a copy,
        and a body within MAX_KERNEL_SIZE."""
        if h.kind != "loop" or h.reduce or g.kind not in ("loop", "matmul") or h.tag != g.tag:
            return False
        return g.size + h.size <= MAX_KERNEL_SIZE and h.copy_of is None and g.copy_of is None

    @staticmethod
    def independent(g: Group, h: Group) -> bool:
        """Whether neither of g and h depends on the other.  Asked after cheaper questions: a bit of a long
        mask is read by shifting it, a few microseconds at 100k nodes."""
        return not (g.deps >> h.id & 1 or h.deps >> g.id & 1)

    def merge(self, g: Group, h: Group, node: Node) -> bool:
        """Move elementwise group h into g (siblings both feeding `node`), when their dims line up."""
        return self.may_merge(g, h) and self.independent(g, h) and self.merge_asked(g, h, node)

    def merge_asked(self, g: Group, h: Group, node: Node) -> bool:
        """`merge` once the caller has asked `may_merge` and `independent` (fusion_rules._merged asks them first,
        with the schedule's question between): h moves into g when their dims line up."""
        corr: dict[int, int] = {}
        in_g = [x for x in node.inputs if self.group_of.get(x.id) is g]
        in_h = [x for x in node.inputs if self.group_of.get(x.id) is h]
        for a in in_g:
            for b in in_h:
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

        # every member of h is in phase 0, available at 0 (h reduces nothing); g's size grows by what they
        # add, h.size, but for the reduction a `_reduce_group` of h starts with, counted 0 there and 1 by `add`
        g.size += h.size + (h.members[0].id in h.input_maps)
        maps, inner, group_of = g.maps, g.reduce, self.group_of
        for m in h.members:
            m_map = maps[m.id] = moved(h.maps[m.id])
            g.members.append(m)
            if inner and not inner.isdisjoint(m_map):
                g.phase[m.id] = 0
            else:
                g.avail[m.id] = 0
            group_of[m.id] = g
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

    def feeds_only_matmuls(self, node: Node) -> bool:
        """True when every use of `node` is a matmul operand (and it is not fetched): its memory layout is free."""
        users = self.users.get(node.id, [])
        return bool(users) and node.id not in self.roots and all(u.op.kind == "matmul" for u in users)

    # ---- materialisation ----------------------------------------------------------------------

    def materialize(self, node: Node) -> None:
        """Give a view or leaf node its own buffer, through a copy kernel."""
        if node.id in self.group_of or node.op.kind == "source":
            return
        dims, node_map = own_loop(node)
        g = self.new_group("loop", dims, node, node_map, node.inputs)
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

