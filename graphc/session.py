"""Sessions and functions: where the stages meet (specialise, compile once per feed shapes, run).

    f = gc.function([x1, x2], [y, g1], updates=[(w, w - 0.1 * gw)], backend="llvm")
    f(2.0, 5.0)

    sess = gc.Session(backend="numpy")
    sess.run([y, g1], feed_dict={x1: 2.0, x2: 5.0})

Variables live outside executables, in their node's store: every function and
session reads the latest value, and `updates` write it back after the outputs
are computed (all updates see the old values, as in Theano).

Functions and sessions may be called from many threads at once: each call is
atomic with respect to the variables it updates (`VariableAccess`), and calls
that update nothing run side by side (docs/backends.md, Threads).
"""

from __future__ import annotations

import contextlib
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from graphc import backends
from graphc.errors import FeedError, GraphcError, ShapeError
from graphc.index_checks import add_index_checks, raise_for_indices
from graphc.ir import Node, toposort
from graphc.ops.common import as_node
from graphc.ops.random import steps_read
from graphc.ops.registry import format_shape
from graphc.ops.source import check_value_fits, placeholder_op, variable, variable_op
from graphc.pipeline import Options
from graphc.program import feed_signature, specialize
from graphc.steps import stacked_feeds, step_loop

_GENERAL = object()  # Function._run_entry: the checked entry did not run these arrays


class TrainOp:
    """A group of variable updates, fetched for its effect (TensorFlow 1's train op).

    Iterating gives (variable, new_value) pairs, so it also serves as `updates=`.
    """

    def __init__(self, updates: Iterable[tuple[Node, Any]]):
        self.updates = _check_updates(updates)

    def __iter__(self):
        return iter(self.updates)

    def __len__(self):
        return len(self.updates)

    def __repr__(self):
        return f"<TrainOp of {len(self.updates)} updates>"


def assign(variable: Node, value) -> TrainOp:
    return TrainOp([(variable, value)])


def group(*ops) -> TrainOp:
    return TrainOp([pair for op in ops for pair in (op if isinstance(op, TrainOp) else [op])])


def _check_updates(updates) -> list[tuple[Node, Node]]:
    out = []
    for pair in updates or ():
        try:
            var, value = pair
        except (TypeError, ValueError):
            raise GraphcError(f"an update must be a (variable, new_value) pair, got {pair!r}") from None
        if not isinstance(var, Node) or var.op is not variable_op:
            raise GraphcError(f"only variables can be updated, not {var!r}")
        value = as_node(value, var)
        if len(value.shape) != len(var.shape) or any(
                d is not None and d != s for d, s in zip(value.shape, var.shape)):
            raise ShapeError(f"update of variable {var.label!r}: new value has shape {value.shape}, "
                             f"the variable {var.shape}")
        if value.dtype != var.dtype:
            if not np.can_cast(value.dtype, var.dtype, casting="same_kind"):
                raise ShapeError(f"update of variable {var.label!r}: new value is {value.dtype}, "
                                 f"the variable {var.dtype}")
            from graphc.ops import cast

            value = cast(value, var.dtype)
        out.append((var, value))
    if len({v.id for v, _ in out}) != len(out):
        raise GraphcError("a variable is updated twice in one step")
    return out


class Function:
    """A compiled callable: `inputs` are fed positionally, `outputs` returned, `updates` applied.

    Random draws among them count this function's calls (`_RandomCounter`); `random_counter`
    makes the variable they count with (a Session hands one to all its functions).
    """

    def __init__(self, inputs: Sequence[Node], outputs, updates=None, backend: str = "numpy",
                 remat: str | int = "none", *, random_counter: Callable[[], Node] | None = None, **options):
        self.single = isinstance(outputs, Node)
        self.inputs = list(inputs)
        self.outputs = [as_node(o) for o in ([outputs] if self.single else (outputs or []))]
        self.updates = _check_updates(updates)
        self.backend = backend
        self.options = Options.of(options, remat=remat)  # validated once: a GraphcError names the option
        self._build = backends.builder(backend)
        for x in self.inputs:
            if not isinstance(x, Node):
                raise GraphcError(f"function inputs must be graph nodes, got {type(x).__name__}")
        roots = self.outputs + [v for _, v in self.updates]
        order = toposort(roots)
        self._cut_at = {x.id for x in self.inputs}
        missing = _unfed_placeholders(roots, self._cut_at)
        if missing:
            names = ", ".join(repr(p.label) for p in missing)
            raise FeedError(f"the outputs depend on placeholder(s) {names}, which are not among the inputs")
        self._n_nodes = len(order)
        self._random = _RandomCounter(order, random_counter)
        self._cache: dict[tuple, Any] = {}
        self._compiling = threading.Lock()
        self._last = None
        self._checked_entry = None  # the entry the next call tries first (see __call__)
        self._step_loops: dict[tuple, Function] = {}  # graphc.steps: the compiled loops of `run`

    def __call__(self, *args, **kwargs):
        entry = self._checked_entry
        if entry is not None and not kwargs:  # the common call: one native entry checks the arrays
            result = self._run_entry(entry, args, checked=True)
            if result is not _GENERAL:
                return result
        arrays = self._feeds(args, kwargs)
        entry = self._compiled(arrays)
        # The next call tries the checked entry first only where it could have taken these feeds as
        # they came: a caller who feeds what must be converted (float64 to a float32 input, lists)
        # probably does so every call, and would pay a rejection (a few us) each time.
        fed_as_is = not kwargs and all(map(operator.is_, arrays, args)) and len(arrays) == len(args)
        self._checked_entry = entry if fed_as_is and getattr(entry[0], "checked_entry", False) else None
        return self._run_entry(entry, arrays, checked=False)

    def _run_entry(self, entry, arrays, checked: bool):
        """Run a compiled entry on these arrays with its variables, check its indices, write its updates.

        `checked`: the arrays are the caller's, unconverted; the executable's `call_checked` runs them
        only if each is already what it needs, else this returns _GENERAL having run and written
        nothing (the variables' locks taken and released), and `__call__` takes the general path."""
        executable, access, checks = entry
        self._last = executable
        # not `with access.taken()`: a generator costs microseconds
        values, donate, held = access.take() if access.steps else _NO_VARIABLES
        try:
            if checked:
                ran = executable.call_checked(arrays, values, donate)
                if ran is None:
                    return _GENERAL
                outputs, new_values = ran
            else:
                outputs, new_values = executable(arrays, values, donate)
            if checks:  # before any update is written: a run with a bad index changes nothing
                outputs = list(outputs)
                raise_for_indices(checks, outputs[len(self.outputs):])
                outputs = outputs[: len(self.outputs)]
            if new_values:
                for store, value in zip(access.written, new_values):
                    store.write(value)
        finally:
            if held:
                access.release(held)
        return outputs[0] if self.single else list(outputs)

    def run(self, steps: int, feeds: Iterable | None = None):
        """`steps` calls in one: the i-th fed the i-th item of `feeds` (a tuple of arguments, a dict by
        input name, or an array for a function of one input), run as one compiled loop without returning
        to Python between steps; returns each output stacked over the steps (graphc.steps)."""
        stacked = stacked_feeds(self, steps, feeds)
        key = (int(steps), feed_signature(stacked))
        loop = self._step_loops.get(key)
        if loop is None:
            with self._compiling:
                loop = self._step_loops.get(key)
                if loop is None:
                    inputs, outputs, updates = step_loop(self, int(steps), stacked)
                    loop = Function(inputs, outputs, updates, self.backend, **dict(self.options))
                    self._step_loops[key] = loop
        outputs = loop(*stacked)
        self._last = loop.executable  # what ran last, for kernels(), memory_plan() and the rest
        return outputs[0] if self.single else outputs

    @property
    def random_calls(self) -> Node | None:
        """The int64 variable counting this function's calls for its random draws (None without draws):
        save it in a checkpoint beside the weights, and a resumed run draws what an unbroken one would."""
        return self._random.counter

    def _feeds(self, args, kwargs) -> list[np.ndarray]:
        if not kwargs and len(args) == len(self.inputs):  # every value already an array that fits: as is
            arrays = [a for x, a in zip(self.inputs, args) if _fits(a, x)]
            if len(arrays) == len(args):
                return arrays
        if kwargs:
            by_name = {x.label: i for i, x in enumerate(self.inputs)}
            args = list(args) + [None] * (len(self.inputs) - len(args))
            for key, value in kwargs.items():
                if key not in by_name:
                    raise FeedError(f"unknown input {key!r}; inputs are {', '.join(by_name)}")
                args[by_name[key]] = value
        if len(args) != len(self.inputs) or any(a is None for a in args):
            raise FeedError(f"expected {len(self.inputs)} inputs "
                            f"({', '.join(x.label for x in self.inputs)}), got {len(args)}")
        return [a if _fits(a, x) else check_value_fits(x, a, "input") for x, a in zip(self.inputs, args)]

    def _compiled(self, arrays):
        """(executable, its VariableAccess, its index checks) for these feeds' shapes, compiled on first need."""
        key = feed_signature(arrays)
        entry = self._cache.get(key)
        if entry is None:
            with self._compiling:  # threads that call first wait for one compilation
                entry = self._cache.get(key)
                if entry is None:
                    with backends.collector_paused():
                        program = specialize(self.inputs, self.outputs, self.updates + self._random.updates,
                                             [a.shape for a in arrays], substitute=self._random.substitute)
                        checks = add_index_checks(program)
                        executable = self._build(program, self.options)
                    entry = self._cache[key] = executable, VariableAccess(executable.program), checks
        self._last = entry[0]
        return entry

    def compile(self, *example_args):
        """Compile for these example inputs now (otherwise the first call does) and return the executable."""
        return self._compiled(self._feeds(example_args, {}))[0]

    @property
    def executable(self):
        """The most recently used executable (for inspection: kernels, memory plan, generated code);
        after `run`, the compiled loop's."""
        if self._last is None:
            raise GraphcError("this function has not been compiled yet: call it, or .compile(*example_inputs)")
        return self._last

    def kernels(self) -> list[dict]:
        """The compiled kernels, in execution order (see `inspected` for when this compiles)."""
        return self.inspected("kernels", "runs node by node, without kernels (use backend='llvm' or 'cuda')")()

    def memory_plan(self):
        """The executable's memory plan: `peak_bytes` and each buffer's lifetime."""
        return self.inspected("memory_plan")()

    def llvm_ir(self, optimized: bool = True) -> str:
        """The LLVM IR the llvm backend runs (`optimized=False`: as generated, before LLVM's passes)."""
        return self.inspected("llvm_ir", "generates no LLVM IR (use backend='llvm')")(optimized=optimized)

    def cuda_source(self) -> str:
        """The CUDA C the cuda backend compiled."""
        return self.inspected("cuda_source", "generates no CUDA C (use backend='cuda')")()

    def inspected(self, what: str, absent: str = "cannot answer this"):
        """The executable's `what`, from the one last called or, when every input's shape is
        static, from compiling now; with feed-time (None) sizes and no call yet there is nothing
        to inspect, and the error says how to compile for example inputs."""
        executable = self._last
        if executable is None:
            dynamic = [x for x in self.inputs if not x.is_static]
            if dynamic:
                names = ", ".join(f"{x.label} {format_shape(x.shape)}" for x in dynamic)
                raise GraphcError(f"{what}: the inputs {names} have feed-time sizes, so there is nothing compiled "
                                  f"to inspect yet: call the function, or f.compile(*example_inputs)")
            executable = self._compiled([np.zeros(x.shape, x.dtype) for x in self.inputs])[0]
        answer = getattr(executable, what, None)
        if answer is None:
            raise GraphcError(f"{what}: the {self.backend} backend {absent}")
        return answer

    def __getattr__(self, name):
        # Other backend-specific inspection (the CUDA runtime's extras...) is answered by the executable.
        if name.startswith("_"):
            raise AttributeError(name)
        executable = self.__dict__.get("_last")
        if executable is not None and hasattr(executable, name):
            return getattr(executable, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r} "
                             f"(backend {self.__dict__.get('backend')!r}, compiled: {executable is not None})")


class _RandomCounter:
    """A function's own count of its calls, which its random draws read as their step.

    Draws read the graph's step (graphc.ops.random); a function that computes any replaces it
    by an int64 variable of its own and adds the update `counter + 1`, so each call draws
    fresh values and a new function with the same seeds starts the same sequence, on every
    backend.  A Session hands one counter to all its functions: a run of any fetch set
    advances it.  Functions without draws get neither (their programs are unchanged).
    """

    def __init__(self, order: Sequence[Node], make_counter: Callable[[], Node] | None):
        steps = steps_read(order)
        self.updates: list[tuple[Node, Node]] = []
        self.substitute: dict[int, Node] = {}
        self.counter: Node | None = None
        if steps:
            self.counter = counter = (make_counter or random_counter)()
            self.updates = _check_updates([(counter, counter + 1)])
            self.substitute = {step.id: counter for step in steps}


def random_counter() -> Node:
    """A fresh call counter for random draws (see _RandomCounter)."""
    return variable(np.int64(0), name="random_calls")


class VariableAccess:
    """How a call of one executable takes its variables, so that calls from many threads lose no update.

    The stores of the variables it updates stay locked from reading the values to writing
    the new ones: a concurrent update of one of them waits.  Every call locks its stores in
    their `order`, the same for all, so two calls sharing variables wait for each other and
    never deadlock.  A variable it only reads is locked just while its array is taken, and
    marked lent (see VariableStore); `donate` (the backend may write new values over the old
    arrays) only while no updated variable's array is lent to a reader that may be running.

        with access.taken() as (values, donate):
            outputs, new_values = executable(inputs, values, donate)
            ... write new_values to the stores ...
    """

    def __init__(self, program):
        stores = [v.attrs["store"] for v in program.variables]
        updated = {id(stores[i]) for i in program.updated}
        first = {}  # a store named twice (two nodes of one variable) is taken once
        for i, store in enumerate(stores):
            first.setdefault(id(store), (store, []))[1].append(i)
        self.count = len(stores)
        self.steps = sorted(((store, indices, id(store) in updated) for store, indices in first.values()),
                            key=lambda step: step[0].order)
        self.updated = [store for store, _, updating in self.steps if updating]
        self.written = [stores[i] for i in program.updated]  # the store of each new value, in order

    @contextlib.contextmanager
    def taken(self) -> Iterator[tuple[list[np.ndarray], bool]]:
        values, donate, held = self.take()
        try:
            yield values, donate
        finally:
            self.release(held)

    def take(self) -> tuple[list[np.ndarray], bool, list]:
        """`taken` without the context manager: (values, donate, held), where `held` (the updated
        variables' stores, left locked) goes to `release` once the new values are written."""
        if not self.steps:
            return _NO_VARIABLES
        values: list = [None] * self.count
        held = []
        try:
            for store, indices, updating in self.steps:
                store.lock.acquire()
                for i in indices:
                    values[i] = store.value
                if updating:
                    held.append(store)
                else:
                    store.lent = True
                    store.lock.release()
        except BaseException:
            self.release(held)
            raise
        return values, not any(store.lent for store in self.updated), held

    @staticmethod
    def release(held: list) -> None:
        for store in held:
            store.lock.release()


_NO_VARIABLES = ((), True, ())  # what VariableAccess.take gives a call that has none (shared: never changed)


def _fits(value, node: Node) -> bool:
    """Whether a fed value is already the array `check_value_fits` would make of it (checked quickly:
    the common case of every training step)."""
    if type(value) is not np.ndarray or value.dtype != node.dtype or not value.flags.c_contiguous:
        return False
    shape = value.shape
    return shape == node.shape or (
        len(shape) == len(node.shape) and all(d is None or d == s for d, s in zip(node.shape, shape)))


def _unfed_placeholders(roots, fed_ids) -> list[Node]:
    """Placeholders the roots need that are not fed, looking only above the fed nodes."""
    missing, seen, stack = [], set(fed_ids), list(roots)
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        if node.op is placeholder_op:
            missing.append(node)
        stack.extend(node.inputs)
    return sorted(missing, key=lambda n: n.id)


def function(inputs, outputs, updates=None, backend: str = "numpy", remat="none", **options) -> Function:
    """Compile `outputs` as a function of `inputs` (Theano's theano.function); see `Function`."""
    return Function(inputs, outputs, updates=updates, backend=backend, remat=remat, **options)


class Session:
    """TensorFlow 1 style execution: `run(fetches, feed_dict)`, one cached Function per fetch/feed set."""

    def __init__(self, backend: str = "numpy", remat="none", **options):
        backends.builder(backend)  # fail now, not at the first run, for an unknown backend
        self.backend = backend
        self.options = Options.of(options, remat=remat)  # validated once: a GraphcError names the option
        self._functions: dict[tuple, Function] = {}
        self.last_function: Function | None = None
        self._random_counters: list[Node] = []  # one, made on first need, shared by the session's functions
        self._random_lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._functions.clear()

    def run(self, fetches, feed_dict: dict | None = None):
        """Evaluate `fetches` (a node, a TrainOp, or a nested list/tuple/dict of them)."""
        flat: list = []
        template = _flatten(fetches, flat)
        nodes = [f for f in flat if isinstance(f, Node)]
        updates = [pair for f in flat if isinstance(f, TrainOp) for pair in f]
        feed_nodes, feed_values = self._feed_items(feed_dict or {}, nodes + [v for _, v in updates])
        key = (tuple(n.id for n in nodes), tuple((v.id, e.id) for v, e in updates), tuple(n.id for n in feed_nodes))
        f = self._functions.get(key)
        if f is None:  # two threads may both build one: the first stored is kept
            f = self._functions.setdefault(key, Function(feed_nodes, nodes, updates, backend=self.backend,
                                                         random_counter=self._random_counter, **self.options))
        self.last_function = f
        values = iter(f(*feed_values) if nodes or updates else [])
        return _unflatten(template, lambda item: next(values) if isinstance(item, Node) else None)

    def _random_counter(self) -> Node:
        """The session's call counter for random draws: every run draws afresh, whatever it fetches."""
        with self._random_lock:
            if not self._random_counters:
                self._random_counters.append(random_counter())
            return self._random_counters[0]

    @staticmethod
    def _feed_items(feed_dict: dict, roots) -> tuple[list[Node], list]:
        order = toposort(roots)
        in_graph = {n.id for n in order}
        by_name = {n.name: n for n in order if n.op is placeholder_op and n.name}
        nodes, values = [], []
        for key, value in feed_dict.items():
            if isinstance(key, str):
                if key not in by_name:
                    raise FeedError(f"feed key {key!r} names no placeholder of the fetched graph")
                key = by_name[key]
            if not isinstance(key, Node):
                raise FeedError(f"feed keys must be graph nodes or placeholder names, got {type(key).__name__}")
            if key.id not in in_graph:
                if key.op is placeholder_op:
                    continue  # feeding an unused placeholder is harmless, as in TensorFlow
                raise FeedError(f"fed node {key!r} is not part of the fetched graph")
            nodes.append(key)
            values.append(value)
        return nodes, values


def _flatten(fetches, flat: list):
    if isinstance(fetches, (Node, TrainOp)):
        flat.append(fetches)
        return fetches
    if isinstance(fetches, dict):
        return {k: _flatten(v, flat) for k, v in fetches.items()}
    if isinstance(fetches, (list, tuple)):
        return type(fetches)(_flatten(v, flat) for v in fetches)
    raise GraphcError(f"cannot fetch {type(fetches).__name__}: fetch graph nodes or train ops")


def _unflatten(template, take):
    if isinstance(template, dict):
        return {k: _unflatten(v, take) for k, v in template.items()}
    if isinstance(template, (list, tuple)):
        return type(template)(_unflatten(v, take) for v in template)
    return take(template)
