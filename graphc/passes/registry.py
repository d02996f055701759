"""The pass framework: small rewrites and whole-program passes, registered by name to ordered phases.

A *rewrite* is a local function ``rewrite(node, new_inputs) -> Node | None``: given
a node of the old graph and its already-rewritten inputs, it returns a
replacement node (built over `new_inputs`) or None when it does not apply.  All
enabled rewrites of a phase run together in one topological sweep over the
graph (`graphc.ir.rebuild`), each node trying them in registration order, with
common-subexpression elimination applied to every node the sweep emits.  A
sweep is linear in the graph size; a phase repeats it until nothing changes,
at most `MAX_SWEEPS` times, so a phase stays linear too.

A *program pass* is a function ``pass(program) -> Program`` for what is not local.

    @register_rewrite("canonicalize")
    def remove_stop_gradient(node, new_inputs):
        '''stop_gradient(x) -> x: after differentiation it is the identity.'''
        return new_inputs[0] if node.op.name == "stop_gradient" else None

    program = run_passes(program, disabled={"fold_constants"},
                         trace=lambda name, before, after: print(name, count_nodes(after)))

Every pass can be switched off by name (`disabled=`), and so can a whole phase.
When `trace` is given, each pass runs in a sweep of its own so the trace shows
exactly what it did.  The framework checks that a replacement has the shape and
dtype of the node it replaces (an internal `GraphcError` otherwise), keeps
`program.inputs`, `variables` and `updated` as they are (an executable's
signature never changes), and carries `program.schedule` over: nodes keep their
relative order, removed ones disappear, new ones go just before their first user.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from graphc.errors import GraphcError
from graphc.ir import Node, extend_postorder, same_nodes, toposort
from graphc.ops.registry import remake_node
from graphc.program import Program

PHASES: tuple[str, ...] = ("canonicalize", "stabilize", "specialize")
MAX_SWEEPS = 4  # per phase; every sweep is linear, so a phase is too

Rewrite = Callable[[Node, list[Node]], "Node | None"]
ProgramPass = Callable[[Program], Program]
Trace = Callable[[str, Program, Program], None]


@dataclass
class Pass:
    name: str
    phase: str
    kind: str  # "rewrite" | "program"
    fn: Callable
    doc: str = ""


@dataclass
class _Registry:
    passes: dict[str, list[Pass]] = field(default_factory=lambda: {p: [] for p in PHASES})
    by_name: dict[str, Pass] = field(default_factory=dict)


_REGISTRY = _Registry()


def _register(phase: str, kind: str, name: str | None, fn: Callable) -> Callable:
    if phase not in _REGISTRY.passes:
        raise GraphcError(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")
    name = name or fn.__name__
    if name in _REGISTRY.by_name:
        raise GraphcError(f"pass {name!r} registered twice")
    p = Pass(name, phase, kind, fn, (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "")
    _REGISTRY.passes[phase].append(p)
    _REGISTRY.by_name[name] = p
    return fn


def register_rewrite(phase: str, name: str | None = None, ops: Collection[str] | None = None):
    """Decorator: register `rewrite(node, new_inputs) -> Node | None` to `phase` under its function name.

    `ops` names the ops the rewrite can apply to (None: any); sweeps offer each
    node only the rewrites of its op, which keeps them fast.
    """
    def decorate(fn):
        fn.rewrite_ops = None if ops is None else frozenset(ops)
        return _register(phase, "rewrite", name, fn)
    return decorate


def register_pass(phase: str, name: str | None = None):
    """Decorator: register a whole-program pass `fn(program) -> Program` to `phase`."""
    return lambda fn: _register(phase, "program", name, fn)


def registered_passes(phase: str | None = None) -> list[Pass]:
    """The registered passes, in the order they run (of one phase, or of all)."""
    phases = PHASES if phase is None else (phase,)
    return [p for ph in phases for p in _REGISTRY.passes[ph]]


def run_passes(program: Program, phases: Sequence[str] = PHASES, disabled: Collection[str] = frozenset(),
               trace: Trace | None = None, cse: bool | None = None) -> Program:
    """Run the enabled passes of `phases` in order and return the rewritten Program.

    `disabled` names passes or phases to skip ("cse" switches off common-subexpression
    elimination).  `trace(pass_name, before, after)` is called after every pass
    (or group of rewrites) that ran.
    """
    disabled = set(disabled)
    for name in disabled:
        if name not in _REGISTRY.by_name and name not in PHASES and name != "cse":
            raise GraphcError(f"unknown pass {name!r}; passes are "
                              f"{', '.join(p.name for p in registered_passes())}, and 'cse'")
    use_cse = "cse" not in disabled if cse is None else cse
    cse_keys: dict[int, tuple | None] = {}  # shared by every sweep: a node's key never changes
    merged: list[Node] | None = None  # roots of the last graph a sweep with CSE kept as it was
    for phase in phases:
        if phase not in _REGISTRY.passes:
            raise GraphcError(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")
        if phase in disabled:
            continue
        enabled = [p for p in _REGISTRY.passes[phase] if p.name not in disabled]
        separate = trace is not None
        # run alone, one pass cannot see what a later one makes: repeat the phase until it settles
        for _ in range(MAX_SWEEPS if separate else 1):
            changed = False
            for group in _groups(enabled, separate):
                before = program
                if group[0].kind == "program":
                    program = group[0].fn(program)
                    name = group[0].name
                else:
                    rewrites = [p.fn for p in group]
                    unmerged = merged if use_cse else program.roots
                    if _nothing_to_offer(program, rewrites, unmerged):
                        program, changes = with_roots(program, program.roots, {}), 0
                    else:
                        program, changes, fixed = _to_fixed_point(program, rewrites, use_cse, MAX_SWEEPS,
                                                                  cse_keys, _same_roots(program, unmerged))
                        merged = program.roots if use_cse and fixed else None
                    changed |= changes > 0
                    name = group[0].name if len(group) == 1 else f"{phase}:rewrites"
                if trace is not None:
                    trace(name, before, program)
            if not changed:
                break
    return program


def _groups(passes: list[Pass], separate: bool) -> list[list[Pass]]:
    """Consecutive rewrites share a sweep (unless tracing); program passes run alone."""
    groups: list[list[Pass]] = []
    for p in passes:
        if not separate and p.kind == "rewrite" and groups and groups[-1][0].kind == "rewrite":
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def rewrite_to_fixed_point(program: Program, rewrites: Sequence[Rewrite], use_cse: bool = True,
                           max_sweeps: int = MAX_SWEEPS,
                           cse_keys: dict[int, tuple | None] | None = None) -> tuple[Program, int]:
    """Sweep `rewrites` (and CSE) until a sweep changes nothing, at most `max_sweeps` times.

    Returns the program and the number of rewrites and merges done.  `cse_keys`: node id ->
    `cse_key`, kept by the caller over several calls (node ids are never reused).
    """
    program, total, _ = _to_fixed_point(program, rewrites, use_cse, max_sweeps, cse_keys)
    return program, total


def _to_fixed_point(program: Program, rewrites: Sequence[Rewrite], use_cse: bool, max_sweeps: int,
                    cse_keys: dict[int, tuple | None] | None, unmerged: bool = False) -> tuple[Program, int, bool]:
    """`rewrite_to_fixed_point`, which also says whether its last sweep changed nothing.  `unmerged`: no
    two nodes of `program` have one CSE key (see `_sweep`)."""
    total = 0
    settled = None
    keys = {} if cse_keys is None else cse_keys
    for _ in range(max_sweeps):
        program, changes, settled, table = _sweep(program, rewrites, use_cse, settled, keys, unmerged)
        total += changes
        if not changes:
            return program, total, True
        unmerged = use_cse and _unmerged(program.nodes(), table, keys)
    return program, total, False


def _unmerged(order: list[Node], table: dict[tuple, Node], keys: dict[int, tuple | None]) -> bool:
    """Whether no two nodes of `order`, the program a sweep with CSE made, have one key.  Those its `table`
    kept have distinct keys; the others (made by a rewrite within its result, never looked up) must
    have keys of their own, but for that of a table node no longer in the program (a constant a rewrite
    made again).  Their keys stay in `keys` for the next sweep."""
    distinct = {n.id for n in table.values()}
    made_within: set[tuple] = set()
    live: set[int] | None = None
    for node in order:
        if node.id in distinct:
            continue
        key = keys.get(node.id, _UNKNOWN)
        if key is _UNKNOWN:
            key = keys[node.id] = cse_key(node)
        if key is None:
            continue
        if key in made_within:
            return False
        if key in table:
            live = {n.id for n in order} if live is None else live
            if table[key].id in live:
                return False
        made_within.add(key)
    return True


def _same_roots(program: Program, roots: list[Node] | None) -> bool:
    """Whether `roots` are the program's very roots (so its graph is theirs)."""
    return roots is not None and len(roots) == len(program.roots) and same_nodes(roots, program.roots)


def _nothing_to_offer(program: Program, rewrites: Sequence[Rewrite], unmerged: list[Node] | None) -> bool:
    """Whether a sweep of `rewrites` would copy `program` as it is (a phase whose rewrites match none of
    its ops: a tenth of a second at 100k nodes): no schedule to carry over, no node of an op the
    rewrites are offered, and nothing for CSE to merge.  `unmerged`: the roots of a graph where CSE
    merges nothing (of the last one a sweep with CSE kept as it was; without CSE, of any)."""
    if program.schedule is not None or not _same_roots(program, unmerged):
        return False
    ops = [getattr(r, "rewrite_ops", None) for r in rewrites]
    if any(o is None for o in ops):
        return False
    offered = frozenset().union(*ops)
    return all(n.op.name not in offered for n in program.nodes())


MAX_REWRITES_PER_NODE = 8  # a rewrite's result is offered to the rewrites again, this many times


def sweep(program: Program, rewrites: Sequence[Rewrite], use_cse: bool = True) -> tuple[Program, int]:
    """One topological sweep: returns the new program and how many rewrites or merges happened."""
    new_program, changes, _, _ = _sweep(program, rewrites, use_cse)
    return new_program, changes


def _sweep(program: Program, rewrites: Sequence[Rewrite], use_cse: bool = True,
           settled: Collection[int] | None = None, cse_keys: dict[int, tuple | None] | None = None,
           unmerged: bool = False) -> tuple[Program, int, set[int], dict[tuple, Node]]:
    """`sweep`, which also returns the ids of the nodes it kept as they were (no rewrite, no new input,
    no merge) and of the rewrites' results that the rewrites then declined as they are, and its CSE
    table (key -> the node kept for it; empty when an unmerged program is kept as it is).

    `settled`: those of the previous sweep with the same `rewrites`.  A settled node whose inputs are
    still its own is not offered to the rewrites again: they are functions of the node and its
    inputs, which are the very ones they declined last time.  A fixed point's last sweeps then only
    carry the graph over and merge (CSE still sees every node, in order).  `cse_keys`: node id ->
    `cse_key`, from earlier sweeps: most nodes outlive a sweep, and their keys (their attributes
    frozen) were a third of it.  `unmerged`: no two nodes of the program have one key (`_unmerged`),
    so the nodes before the first one replaced cannot merge either: their keys go into the table
    only when some node is replaced, and a sweep that replaces none never looks one up."""
    table: dict[tuple, Node] = {}
    keys = {} if cse_keys is None else cse_keys
    kept: set[int] = set()
    changes = 0
    by_op: dict[str, list[Rewrite]] = {}

    def rewrites_for(op_name: str) -> list[Rewrite]:
        found = by_op.get(op_name)
        if found is None:
            found = by_op[op_name] = [r for r in rewrites
                                      if getattr(r, "rewrite_ops", None) is None or op_name in r.rewrite_ops]
        return found

    def rewritten(node: Node, new_inputs: list[Node], same: bool, candidates: list[Rewrite]) -> Node:
        """What `candidates` (the rewrites of its op) make of `node` over `new_inputs` (`same`: its own
        inputs), before CSE."""
        nonlocal changes
        current = node
        if candidates:
            for _ in range(MAX_REWRITES_PER_NODE):
                for rewrite in candidates:
                    out = rewrite(current, new_inputs)
                    if out is not None and out is not current:
                        _check_replacement(node, out, rewrite)
                        current, new_inputs = out, list(out.inputs)
                        changes += 1
                        break
                else:
                    if current is not node:  # a rewrite's result, which every rewrite declined as it is
                        kept.add(current.id)
                    break
                if current.op.kind == "source":
                    break
                candidates = rewrites_for(current.op.name)
        if current is node and not same and not same_nodes(new_inputs, node.inputs):
            current = remake_node(node, new_inputs)
        return current

    def enter(nodes: list[Node]) -> None:
        """Put the keys of `nodes`, each kept as it is and no two alike, into the table."""
        for node in nodes:
            key = keys.get(node.id, _UNKNOWN)
            if key is _UNKNOWN:
                key = keys[node.id] = cse_key(node)
            if key is not None:
                table[key] = node

    # graphc.rewrite.rebuild's walk, which also knows when no node has been replaced yet: until then
    # every node's new inputs are its own, taken as they are instead of looked up and compared, and a
    # settled node is kept without a call.  A fixed point's last sweep (and a phase whose rewrites
    # decline everything) is that prefix all along; over an unmerged program, the prefix is not even
    # looked up in the CSE table (it cannot merge: its keys go in when some node is replaced).
    order = program.nodes() if program.schedule is None else toposort(program.roots)
    mapping: dict[int, Node] = {}
    unchanged = True  # every node so far stands for itself
    deferred = use_cse and unmerged  # the prefix's keys not in the table yet
    settled = frozenset() if settled is None else settled
    for index, node in enumerate(order):
        changes_before = changes
        candidates = by_op.get(node.op.name) if node.op.kind != "source" else ()
        if candidates is None:
            candidates = rewrites_for(node.op.name)
        if unchanged:
            new_inputs, same = None, True
        else:
            new_inputs = [mapping[i.id] for i in node.inputs]
            same = same_nodes(new_inputs, node.inputs)
        if same and (not candidates or node.id in settled):  # kept as it is, without a call
            current = node
        else:
            current = rewritten(node, list(node.inputs) if new_inputs is None else new_inputs, same, candidates)
        if deferred and current is not node:
            enter(order[:index])
            deferred = False
        if use_cse and not deferred:
            key = keys.get(current.id, _UNKNOWN)
            if key is _UNKNOWN:
                key = keys[current.id] = cse_key(current)
            if key is not None:
                known = table.setdefault(key, current)
                if known is not current:
                    changes += 1
                    current = known
        if current is node:
            if changes == changes_before:  # (a rewrite may lead back to the node)
                kept.add(node.id)
        else:
            unchanged = False
        mapping[node.id] = current
    return with_roots(program, [mapping[o.id] for o in program.roots], mapping), changes, kept, table


def _check_replacement(node: Node, out: Node, rewrite: Rewrite) -> None:
    if out.shape != node.shape or out.dtype != node.dtype:
        raise GraphcError(f"internal error: rewrite {getattr(rewrite, '__name__', rewrite)} replaced {node!r} "
                          f"by {out!r}, which has another shape or dtype")


def with_roots(program: Program, new_roots: Sequence[Node], mapping: dict[int, Node]) -> Program:
    """The program with its roots replaced (outputs then new values), schedule carried over through `mapping`."""
    n = len(program.outputs)
    schedule = None
    if program.schedule is not None:
        schedule = carry_schedule(program.schedule, new_roots, mapping)
    # dataclasses.replace keeps any field a later stage adds to Program
    new = dataclasses.replace(program, inputs=list(program.inputs), variables=list(program.variables),
                              outputs=list(new_roots[:n]), updated=list(program.updated),
                              new_values=list(new_roots[n:]), schedule=schedule)
    program.share_order(new)  # a sweep that changed nothing: the same walk
    return new


def carry_schedule(schedule: Iterable[Node], new_roots: Sequence[Node], mapping: dict[int, Node]) -> list[Node]:
    """Map an execution order onto the rewritten graph.

    Each scheduled node becomes its replacement (once, at its first place);
    replacements no longer reachable from the roots are dropped; nodes the
    rewrites created are placed just before their first user; anything still
    missing goes last, in topological order.  Linear in the graph size.
    """
    reachable = toposort(new_roots)
    wanted = {n.id for n in reachable}  # and so is every input of a wanted node
    emitted: set[int] = set()
    order: list[Node] = []
    for old in schedule:
        new = mapping.get(old.id)
        if new is not None and new.id in wanted:
            extend_postorder(new, emitted, order)
    for node in reachable:
        extend_postorder(node, emitted, order)
    return order


# ---- common-subexpression keys -----------------------------------------------------------------

_NEVER_MERGED = frozenset({"placeholder", "variable"})
_UNKNOWN = object()  # a key not computed yet (None is a key: never merged)


def cse_key(node: Node) -> tuple | None:
    """A key equal for two nodes exactly when they compute the same value: op, input ids and every attr.

    Placeholders and variables are never merged (None).  Attrs are compared
    exactly, so a rematerialised copy (attrs["recompute"]) never merges with
    the node it copies, and 1 and 1.0 stay apart.
    """
    if node.op.name in _NEVER_MERGED:
        return None
    ids = tuple([i.id for i in node.inputs])  # a list first: a generator is slower, per node and sweep
    if node.op.commutative:
        ids = tuple(sorted(ids))  # a + b and b + a are one value (exactly, in IEEE arithmetic too)
    return (node.op.name, ids, _freeze(node.attrs) if node.attrs else None)  # most ops have no attrs


def _freeze(value):
    """A hashable, exact stand-in for an attribute value."""
    if isinstance(value, dict):
        if len(value) == 1:  # a constant's attributes: nothing to sort, no generator
            ((k, v),) = value.items()
            return ("dict", ((str(k), _freeze(v)),))
        return ("dict", tuple(sorted([(str(k), _freeze(v)) for k, v in value.items()])))
    if isinstance(value, np.ndarray):  # (tobytes writes C order whatever the layout)
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple([_freeze(v) for v in value]))
    if isinstance(value, np.dtype):
        return ("dtype", value.str)
    if isinstance(value, (float, np.floating)):
        return (type(value).__name__, float(value).hex())  # tells -0.0 from 0.0; nan equals nan
    if isinstance(value, (bool, int, str, bytes, type(None), np.integer, np.bool_)):
        return (type(value).__name__, value)
    return ("object", id(value))  # unknown objects: only the same object is equal


def count_nodes(program: Program) -> int:
    """Number of nodes the program runs (sources included)."""
    return len(program.nodes())
