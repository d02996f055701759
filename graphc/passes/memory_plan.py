"""Memory planning: every intermediate buffer placed once in one arena, by liveness.

The planner is generic: it sees an ordered list of steps (a node, a fused
kernel...), each writing some buffers and reading others.  A buffer lives from
the step that writes it to the last step that reads it; after that its bytes
can be reused.  Buffers the caller owns (inputs, variables, constants) are not
placed; buffers that must outlive the run (outputs, new variable values) live
to the end.

    steps = [Step(writes=["a"], reads=["x"]), Step(writes=["b"], reads=["a"]), Step(writes=["c"], reads=["b"])]
    plan = plan_memory(steps, sizes={"a": 256, "b": 256, "c": 256}, external={"x"}, keep={"c"})
    plan.peak_bytes        # 512: "c" reuses "a"'s bytes
    plan.offset("c"), plan.lifetime("c")
    print(plan.summary())

Offsets are assigned by a heap simulation in step order with best fit into
the free blocks (coalesced when freed), growing the arena only when no free
block fits, as XLA's and TFLite's heap simulators do; it runs in
O(n log n + n·f) for n buffers and f free blocks (f stays small in practice).
With `in_place=True`, a step marked `in_place` (an elementwise kernel) writes an
output over an input of exactly the same byte size that dies at that step
(`Step.in_place` may also name the only reads it may overwrite: an input of
equal size but another shape, broadcast by the kernel, must not be overwritten).

`plan_program_memory(program)` plans a Program run node by node (each
non-source node one buffer of prod(shape) * itemsize bytes): what the
reference executor's `memory_plan()` reports.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from graphc.errors import GraphcError
from graphc.passes.live_bytes import NodeLifetimes, live_peak_of_nodes, node_bytes, node_lifetimes

ALIGNMENT = 64


@dataclass
class Step:
    """One unit of execution: the buffers it writes and reads.

    `in_place`: True lets an output take over any dying read of its exact byte size;
    a collection of keys allows only those reads.
    """

    writes: Sequence[Hashable]
    reads: Sequence[Hashable] = ()
    in_place: bool | Collection[Hashable] = False
    name: str = ""


@dataclass
class BufferPlan:
    key: Hashable
    name: str
    size: int            # bytes requested
    offset: int | None   # in the arena; None for external buffers
    first: int           # step that writes it (-1: external, present before the run)
    last: int            # last step that reads it (the last step for kept buffers)
    kind: str            # "temp" | "kept" (outlives the run) | "external" (owned by the caller)
    shares_with: Hashable | None = None  # the input it overwrites in place, if any

    @property
    def aligned_size(self) -> int:
        return _align(self.size, ALIGNMENT)


@dataclass
class MemoryPlan:
    buffers: Mapping[Hashable, BufferPlan]  # a plan_memory plan's are made on their first read (_Buffers)
    arena_bytes: int
    lower_bound_bytes: int  # max over steps of the bytes live at that step: no plan can beat it
    n_steps: int
    alignment: int = ALIGNMENT
    step_names: list[str] = field(default_factory=list)
    # what the plan is of (graphc.memory_picture.PlanSource: the program, the plans to compare), when known
    source: Any = field(default=None, compare=False, repr=False)
    # node id -> the buffer it is a view of (a control node's result picked by a control_result node)
    views: dict = field(default_factory=dict, compare=False, repr=False)
    # what the plan holds but could not size (a while loop's recorded steps, sized at run time), in words
    unplanned: list[str] = field(default_factory=list, compare=False)

    @property
    def peak_bytes(self) -> int:
        """The planned peak: the arena holds every intermediate, so its size is the peak."""
        return self.arena_bytes

    def buffer(self, key) -> BufferPlan:
        """The plan of one buffer, by key; a graph node may stand for its id (the key `plan_program_memory` uses)."""
        key = self.views.get(key, key)
        if key in self.buffers:
            return self.buffers[key]
        node_id = self.views.get(getattr(key, "id", None), getattr(key, "id", None))
        if node_id is not None and node_id in self.buffers:
            return self.buffers[node_id]
        raise KeyError(f"no buffer {key!r} in this memory plan")

    def offset(self, key: Hashable) -> int | None:
        return self.buffer(key).offset

    def offsets(self) -> dict[Hashable, int]:
        """Key -> arena offset of every buffer placed (an external one has none): what a backend lays out
        its arena by, read without making the BufferPlans of a plan that has not made them yet."""
        if isinstance(self.buffers, _Buffers):
            return self.buffers.offsets()
        return {key: b.offset for key, b in self.buffers.items() if b.offset is not None}

    def lifetime(self, key: Hashable) -> tuple[int, int]:
        """(first, last) step of a buffer: written at `first`, its bytes reusable after `last`."""
        b = self.buffer(key)
        return b.first, b.last

    def placed(self) -> list[BufferPlan]:
        """Buffers in the arena, by offset."""
        return sorted((b for b in self.buffers.values() if b.offset is not None), key=lambda b: (b.offset, b.first))

    def as_dict(self) -> dict:
        return {
            "peak_bytes": self.arena_bytes, "lower_bound_bytes": self.lower_bound_bytes,
            "alignment": self.alignment, "steps": self.n_steps, "unplanned": list(self.unplanned),
            "buffers": [{"key": b.key, "name": b.name, "size": b.size, "offset": b.offset, "first": b.first,
                         "last": b.last, "kind": b.kind} for b in self.buffers.values()],
        }

    def summary(self, limit: int = 40) -> str:
        placed = self.placed()
        lines = [f"arena {_human(self.arena_bytes)} ({self.arena_bytes} B) for {len(placed)} buffers over "
                 f"{self.n_steps} steps; live-bytes lower bound {_human(self.lower_bound_bytes)}",
                 f"{'offset':>10} {'bytes':>10} {'steps':>11}  {'kind':<5} buffer"]
        for b in placed[:limit]:
            lines.append(f"{b.offset:>10} {b.size:>10} {f'{b.first}-{b.last}':>11}  {b.kind:<5} {b.name}")
        if len(placed) > limit:
            lines.append(f"... {len(placed) - limit} more")
        lines += [f"not planned: {what}" for what in self.unplanned]
        return "\n".join(lines)

    def plot(self, path, compare: Mapping[str, MemoryPlan] | None = None, title: str | None = None):
        """Draw the plan into `path` (PNG by default): buffers as bars (arena offset against step), coloured
        forward / adjoint / recomputed, and the live bytes beside those without remat and with sqrt
        (graphc.memory_picture; needs matplotlib).  Returns the path."""
        from graphc.memory_picture import plot_memory

        return plot_memory(self, path, compare, title)

    def __repr__(self) -> str:
        return f"<MemoryPlan peak {self.arena_bytes} B, {len(self.buffers)} buffers, {self.n_steps} steps>"


class MadeOnFirstRead(Mapping):
    """A mapping that `make()` makes on its first read: for what a plan holds that most callers never read
    (a plan's BufferPlans here, an ExecutionPlan's arena BufferSpecs in graphc.pipeline.place_buffers)."""

    def __init__(self, make: Callable[[], dict]):
        self._make = make
        self._made: dict | None = None
        self._making = threading.Lock()  # a plan is read from every thread that runs its program

    def _buffers(self) -> dict:
        made = self._made
        if made is None:
            with self._making:  # made once: a second reader waits, then reads what the first made
                if self._made is None:
                    self._made, self._make = self._make(), None
                made = self._made
        return made

    def __getitem__(self, key: Hashable):
        return self._buffers()[key]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._buffers())

    def __len__(self) -> int:
        return len(self._buffers())

    def __contains__(self, key) -> bool:
        return key in self._buffers()

    def get(self, key, default=None):
        return self._buffers().get(key, default)

    def keys(self):
        return self._buffers().keys()

    def values(self):
        return self._buffers().values()

    def items(self):
        return self._buffers().items()

    def __repr__(self) -> str:
        return repr(self._buffers())


class _Buffers(MadeOnFirstRead):
    """The `buffers` of a plan `plan_memory` made: its BufferPlans, made on their first read.

    Most plans are asked only their peak or their offsets (each candidate the remat search plans,
    inspect's figures, a backend laying out its arena), and a 100k-node program's plan has 60k
    buffers: their BufferPlans, and the labels that name them, were a fifth of the time to plan it."""

    def __init__(self, make: Callable[[], dict], keys: list, offsets: list[int]):
        super().__init__(make)
        self._keys, self._offsets = keys, offsets

    def offsets(self) -> dict[Hashable, int]:
        return dict(zip(self._keys, self._offsets))


def _align(n: int, alignment: int) -> int:
    return -(-n // alignment) * alignment


def _human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def plan_memory(steps: Sequence[Step], sizes: Mapping[Hashable, int], *, keep: Collection[Hashable] = (),
                external: Collection[Hashable] = (), alignment: int = ALIGNMENT, in_place: bool = False,
                names: Mapping[Hashable, str] | None = None) -> MemoryPlan:
    """Place every buffer the steps write in one arena; see the module docstring.  `names` is read when
    the plan's buffers are (see _Buffers)."""
    keep, external = set(keep), set(external)
    names = names or {}
    life = _lifetimes(steps, sizes, keep, external, alignment, names)
    shares = _in_place_shares(steps, sizes, keep, life) if in_place else {}
    offsets, arena_bytes, lower_bound = _place(life, len(steps), shares)
    external_sizes = {key: sizes.get(key, 0) for key in external}
    buffers = partial(_buffer_plans, life, offsets, shares, external, len(steps) - 1, names, external_sizes)
    return MemoryPlan(_Buffers(buffers, life.keys, offsets), arena_bytes, lower_bound, len(steps), alignment,
                      [s.name for s in steps])


def plan_lifetimes(keys: list, first: list[int], last: list[int], sizes: list[int], step_names: list[str], *,
                   alignment: int = ALIGNMENT, names: Mapping[Hashable, str] | None = None) -> MemoryPlan:
    """`plan_memory`'s plan of steps (named `step_names`) that write buffer `keys[i]` at step `first[i]`
    (in the order the steps write them) and read it last at `last[i]` (`first[i]` when never read),
    none kept, external or written in place: for a caller whose own walk over its steps finds the
    lifetimes (graphc.pipeline.place_buffers), without Steps and a second walk over them.
    `names` is read when the plan's buffers are (see _Buffers)."""
    life = _lifetimes_of(keys, first, last, [int(size) for size in sizes], set(), alignment)
    offsets, arena_bytes, lower_bound = _place(life, len(step_names), {})
    buffers = partial(_buffer_plans, life, offsets, {}, set(), len(step_names) - 1, names or {}, {})
    return MemoryPlan(_Buffers(buffers, keys, offsets), arena_bytes, lower_bound, len(step_names), alignment,
                      step_names)


def live_peak(steps: Sequence[Step], sizes: Mapping[Hashable, int], *, keep: Collection[Hashable] = (),
              external: Collection[Hashable] = (), alignment: int = ALIGNMENT) -> int:
    """The most bytes live at once: `plan_memory(...).lower_bound_bytes` without in-place writes,
    and without placing anything.  No arena of these steps is smaller (the buffers live at one
    step cannot overlap), so a search can skip a candidate whose live peak already loses
    (graphc.passes.remat), for a fraction of a plan's time.

        live_peak(steps, sizes, keep={"c"}, external={"x"})   # 512 for the module docstring's steps
    """
    life = _lifetimes(steps, sizes, set(keep), set(external), alignment, {})
    aligned = life.aligned
    live = peak = 0
    for event in _events(life, len(steps), life.kept):
        if event >= 0:
            live += aligned[event]
            if live > peak:
                peak = live
        else:
            live -= aligned[~event]
    return peak


@dataclass
class _Lifetimes:
    """Every buffer the steps write, by its position in the order they are first written.  A list per
    fact, not a dict per buffer: the heap walks them by position (a 100k-node program has 60k buffers)."""

    keys: list            # position -> key
    first: list[int]      # the step that writes it
    last: list[int]       # the last step that reads it (the last step for kept buffers)
    sizes: list[int]      # bytes asked
    aligned: list[int]    # bytes placed
    kept: set[int]        # the positions of the kept buffers (they outlive the run)
    alignment: int


def _lifetimes(steps: Sequence[Step], sizes: Mapping[Hashable, int], keep: set, external: set, alignment: int,
               names: Mapping[Hashable, str]) -> _Lifetimes:
    """The lifetimes of the buffers the steps write.  A GraphcError when a buffer is written twice,
    or read before it is written."""
    first: dict[Hashable, int] = {}
    last: dict[Hashable, int] = {}
    for t, step in enumerate(steps):
        for key in step.writes:
            if key in first or key in external:
                raise GraphcError(f"memory plan: buffer {names.get(key, key)!r} is written twice or is external")
            first[key] = last[key] = t
        for key in step.reads:
            if key in first:  # one lookup for most reads: no written buffer is external
                last[key] = t
            elif key not in external:
                raise GraphcError(f"memory plan: step {t} reads {names.get(key, key)!r} before any step writes it")
    end = len(steps) - 1
    for key in keep:
        if key in first:
            last[key] = end
    keys = list(first)
    kept = {i for i, key in enumerate(keys) if key in keep} if keep else set()
    return _lifetimes_of(keys, list(first.values()), list(last.values()), [int(sizes[key]) for key in keys], kept,
                         alignment)


def _lifetimes_of(keys: list, first: list[int], last: list[int], sizes: list[int], kept: set[int],
                  alignment: int) -> _Lifetimes:
    """_Lifetimes, each buffer's bytes aligned (a buffer of no bytes, or fewer, takes none)."""
    aligned = [-(-size // alignment) * alignment if size > 0 else 0 for size in sizes]  # _align, inlined
    return _Lifetimes(keys, first, last, sizes, aligned, kept, alignment)


def _in_place_shares(steps: Sequence[Step], sizes: Mapping[Hashable, int], keep: set, life: _Lifetimes) -> dict:
    """Output position -> the position of the input whose bytes it takes over: a read of a step that may
    write in place, dying at that step, not kept, of the same byte size."""
    index = {key: i for i, key in enumerate(life.keys)}
    last, aligned = life.last, life.aligned
    shares: dict[int, int] = {}
    for t, step in enumerate(steps):
        if not step.in_place:
            continue
        allowed = step.in_place if isinstance(step.in_place, Collection) else ()
        donors = [k for k in dict.fromkeys(step.reads) if k in index and last[index[k]] == t and k not in keep
                  and (step.in_place is True or k in allowed)]
        for key in step.writes:
            donor = next((d for d in donors if sizes[d] == sizes[key] and aligned[index[key]] > 0), None)
            if donor is not None:
                donors.remove(donor)
                shares[index[key]] = index[donor]
    return shares


def _buffer_plans(life: _Lifetimes, offsets: list[int], shares: dict[int, int], external: set, end: int,
                  names: Mapping[Hashable, str], sizes: Mapping[Hashable, int]) -> dict[Hashable, BufferPlan]:
    """A plan's BufferPlans: the external buffers (their bytes in `sizes`), then every buffer placed."""
    buffers: dict[Hashable, BufferPlan] = {}
    for key in external:
        buffers[key] = BufferPlan(key, names.get(key, str(key)), int(sizes.get(key, 0)), None, -1, end, "external")
    keys, kept = life.keys, life.kept
    shares_with = {keys[i]: keys[donor] for i, donor in shares.items()}
    for i, (key, size, offset, start, stop) in enumerate(zip(keys, life.sizes, offsets, life.first, life.last)):
        name = names.get(key)
        buffers[key] = BufferPlan(key, str(key) if name is None else name, size, offset, start, stop,
                                  "kept" if i in kept else "temp", shares_with.get(key) if shares_with else None)
    return buffers


def _events(life: _Lifetimes, n_steps: int, never_freed: set[int]) -> list[int]:
    """What the heap does, in order: at each step, its writes allocated (their positions) in the order they
    are written, then the buffers dying there freed (~position), in the order they were written; the
    `never_freed` ones are not.  Sorted by numpy: a plan of a 100k-node program has 120k events."""
    n = len(life.keys)
    if not n:
        return []
    dies = np.array(life.last, dtype=np.int64)
    if never_freed:
        dies[list(never_freed)] = n_steps  # freed after no step: sorted last, then cut off
    when = np.concatenate((2 * np.array(life.first, dtype=np.int64), 2 * dies + 1))
    what = np.concatenate((np.arange(n), ~np.arange(n)))
    return what[np.argsort(when, kind="stable")[:2 * n - len(never_freed)]].tolist()


def _place(life: _Lifetimes, n_steps: int, shares: dict[int, int]) -> tuple[list[int], int, int]:
    """(each buffer's offset, the arena's bytes, the most bytes live at once): a heap simulation in step
    order, best fit into the free blocks (coalesced when freed), growing the arena only when no free block
    fits.  An output written in place (`shares`) takes its input's offset; that input is never freed.

    The free blocks are found by size in one sorted list of ints (best fit is a bisect; a block is
    `size << shift | offset`, the order of (size, offset) tuples, compared faster), and by either end in
    two dicts (a freed block's neighbours, to coalesce with).  The heap is this one loop, not methods:
    a 100k-node program's plan allocates and frees 60k buffers, and the calls were a third of its time."""
    aligned = life.aligned
    shift = sum(aligned).bit_length()  # every offset and size is below the sum of sizes: below 2**shift
    mask = (1 << shift) - 1
    by_size: list[int] = []          # free blocks, size << shift | offset, sorted
    size_at: dict[int, int] = {}     # free block's offset -> its size
    start_at: dict[int, int] = {}    # free block's end -> its offset
    offsets = [0] * len(aligned)
    top = live = peak = 0
    for event in _events(life, n_steps, life.kept | set(shares.values())):
        if event >= 0:  # allocate: the smallest free block that fits, the lowest of those
            if shares and event in shares:
                offsets[event] = offsets[shares[event]]
                continue
            size = aligned[event]
            if size == 0:
                continue
            live += size
            if live > peak:
                peak = live
            j = bisect_left(by_size, size << shift)
            if j < len(by_size):
                block = by_size.pop(j)
                block_size, offset = block >> shift, block & mask
                del size_at[offset]
                if block_size > size:  # the rest of it stays free
                    rest = offset + size
                    size_at[rest] = block_size - size
                    start_at[offset + block_size] = rest
                    insort(by_size, (block_size - size) << shift | rest)
                else:
                    del start_at[offset + block_size]
            elif top in start_at:  # nothing fits: the free block ending at the top grows
                offset = start_at.pop(top)
                del by_size[bisect_left(by_size, size_at.pop(offset) << shift | offset)]
                top = offset + size
            else:
                offset, top = top, top + size
            offsets[event] = offset
            continue
        size = aligned[~event]  # free, coalesced with the free blocks either side
        if size == 0:
            continue
        live -= size
        offset = offsets[~event]
        end = offset + size
        if offset in start_at:  # a free block ends where this one starts
            before = start_at.pop(offset)
            before_size = size_at.pop(before)
            del by_size[bisect_left(by_size, before_size << shift | before)]
            offset, size = before, before_size + size
        if end in size_at:  # a free block starts where this one ends
            after_size = size_at.pop(end)
            del start_at[end + after_size]
            del by_size[bisect_left(by_size, after_size << shift | end)]
            size += after_size
        size_at[offset] = size
        start_at[offset + size] = offset
        insort(by_size, size << shift | offset)
    return offsets, top, peak


def plan_program_memory(program, in_place: bool = False, alignment: int = ALIGNMENT) -> MemoryPlan:
    """Plan a Program executed node by node in `program.nodes()` order.

    Each non-source node is one buffer of prod(shape) * itemsize bytes, keyed by
    node id; placeholders, variables and constants are external (the caller and
    the program own them); outputs and new values are kept to the end.
    Elementwise nodes may overwrite a dying input of their shape and itemsize when `in_place`.

    A control node (cond, while_loop, scan) is its results' buffer plus, during its own step only,
    what it holds while it runs (its op's `extra["memory"]`, graphc/control/loop_memory.py: its
    bodies' plans, made by `plan_body_memory`, one carry, the steps not yet stacked); the nodes
    that pick its results are views of that buffer (`plan.views`).  What is sized only at run
    time (a while loop's recorded steps without max_iterations) counts 0 and is named in
    `plan.unplanned`.
    """
    return _plan_nodes(program.nodes(), program.roots, (), in_place, alignment)


def plan_body_memory(body, alignment: int = ALIGNMENT) -> MemoryPlan:
    """The plan of one run of a control-flow body (its `order`, `params`, `captures` and `outputs`): its
    parameters and captures are the control node's, its outputs kept to the end of the run."""
    return _plan_nodes(body.order, body.outputs, [*body.params, *body.captures], False, alignment)


def program_live_peak(program, alignment: int = ALIGNMENT) -> int:
    """`plan_program_memory(program).lower_bound_bytes`, without placing a buffer: at most its peak.

    What the node-by-node judge of remat skips candidates by (graphc.passes.remat): the live peak
    of a plan node by node is within a few per cent of its arena, for a third of the time.
    """
    order, roots = program.nodes(), program.roots
    peak = live_peak_of_nodes(order, roots, alignment)  # one walk, no Steps: it is asked once per candidate
    if peak is not None:
        return peak
    steps, sizes, _, keep, sources, _, _ = _node_steps(order, roots, (), alignment, in_place=False)
    return live_peak(steps, sizes, keep=keep, external=sources, alignment=alignment)


def _plan_nodes(order, roots, given, in_place: bool, alignment: int) -> MemoryPlan:
    if not given and not in_place:  # a program's plan: the remat search makes one per candidate it keeps
        life = node_lifetimes(order, roots)
        if life is not None:
            return _plan_lifetimes(life, alignment)
    steps, sizes, names, keep, sources, views, unplanned = _node_steps(order, roots, given, alignment, in_place)
    plan = plan_memory(steps, sizes, keep=keep, external=sources, alignment=alignment, in_place=in_place,
                       names=names)
    plan.views, plan.unplanned = views, list(dict.fromkeys(unplanned))
    return plan


def _plan_lifetimes(nodes: NodeLifetimes, alignment: int) -> MemoryPlan:
    """The plan `_node_steps` and `plan_memory` make, from the lifetimes of a program of plain nodes (no
    control node) run without in-place writes: no Step built, no second walk over the nodes."""
    keys = [node.id for node in nodes.nodes]
    life = _lifetimes_of(keys, list(range(len(keys))), nodes.last, [int(size) for size in nodes.sizes], nodes.kept,
                         alignment)
    offsets, arena_bytes, lower_bound = _place(life, len(keys), {})
    sources = {node.id for node in nodes.sources} | set()  # the set _node_steps makes, copied as plan_memory
    buffers = partial(_node_buffer_plans, nodes, life, offsets, set(sources))  # copies it: the buffers' order
    return MemoryPlan(_Buffers(buffers, keys, offsets), arena_bytes, lower_bound, len(keys), alignment,
                      [node.label for node in nodes.nodes])


def _node_buffer_plans(nodes: NodeLifetimes, life: _Lifetimes, offsets: list[int], external: set) -> dict:
    """_buffer_plans of a plan made by _plan_lifetimes: the buffers named by their nodes' labels."""
    names = {node.id: node.label for node in nodes.sources}
    names.update(zip(life.keys, (node.label for node in nodes.nodes)))
    sizes = {node.id: node_bytes(node) for node in nodes.sources}
    return _buffer_plans(life, offsets, {}, external, len(life.keys) - 1, names, sizes)


def _node_steps(order, roots, given, alignment: int, in_place: bool):
    """One step per node (see plan_program_memory): (steps, sizes, names, kept, external, views, unplanned).
    Without `in_place`, no step names the reads it may overwrite (no plan would ask)."""
    sources = {n.id for n in order if n.op.kind == "source"} | {n.id for n in given}
    sizes, names, steps, views, unplanned = {}, {}, [], {}, []
    prod = math.prod
    # a plan is made several times per command (graphc.passes.remat): each attribute read once, into a
    # local, and Step built by position, are a quarter of this loop's time
    for node in [*given, *order]:
        node_id, label, shape, op, inputs = node.id, node.label, node.shape, node.op, node.inputs
        names[node_id] = label
        # a size known only at run time (a while loop's recorded steps) cannot be planned: counted as 0
        sizes[node_id] = 0 if None in shape else prod(shape) * node.dtype.itemsize
        if node_id in sources:
            continue
        reads = [views.get(i.id, i.id) for i in inputs] if views else [i.id for i in inputs]
        if inputs and inputs[0].op.extra.get("tuple_output"):  # picks a control node's result: a view
            views[node_id] = reads[0]
            steps.append(Step(writes=[], reads=reads, name=label))
            continue
        writes = [node_id]
        memory = op.extra.get("memory")
        if memory is not None:
            held = memory(node, lambda body: plan_body_memory(body, alignment))
            running = ("running", node.id)
            sizes[node.id], sizes[running], names[running] = held.results, held.working, f"{node.label} (running)"
            writes.append(running)
            unplanned += held.unplanned
        if in_place and op.kind == "elementwise":
            itemsize = node.dtype.itemsize
            in_place_of = [i.id for i in inputs if i.shape == shape and i.dtype.itemsize == itemsize]
        else:
            in_place_of = False
        steps.append(Step(writes, reads, in_place_of, label))
    keep = {views.get(n.id, n.id) for n in roots} - sources
    return steps, sizes, names, keep, sources, views, unplanned
