"""A scan run as one native loop: a compiled body's kernel calls, `steps` times, in one call of the runner.

The body is an llvm executable whose inputs are the carries, the xs slices and the captures, and
whose outputs are the new carries and the ys slices (graphc.control.executable compiles it once).
Instead of a call of the executable per step, its pointer table is set up once and the runner
(graphc.codegen.llvm.runner, `graphc_scan`) loops: after each step it copies the outputs that are not
buffers of their own, moves the xs and ys entries one slice on, and swaps each carry's two buffers.

    loop = ScanLoop.of(executable, n_carry, n_xs)      # None: this body's plan cannot loop natively
    carries, ys, stacks = loop.run(init, xs, captured, steps, reverse, record)

With `record` (a loop whose gradient needs the carry before each step), a carry lives in one array of
steps + 1 rows: step t reads row t and writes row t + 1 (reverse: rows t + 1 and t), so the rows are the
stack and the last one the final carry, with no copy.  Without it, a carry has two buffers that swap.
A carry that the body passes through unchanged stays where it is.  Every array handed to generated
code is checked as the executable checks feeds: exact dtype and shape, C-contiguous and aligned.

A while loop (`WhileLoop`) runs the same way, over a step that computes the body and then the condition on
the new carry: the runner's `graphc_while` stops when the condition's byte is 0.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from dataclasses import dataclass

import numpy as np

from graphc.errors import FeedError
from graphc.runtime.arrays import checked_feed, data_address
from graphc.runtime.native_pool import WORK_PER_ENTRY, native_runner


@dataclass
class _Output:
    slot: int          # the table entry kernels write it through, or the entry its copy is made to
    copy_from: int | None  # the table entry to copy it from after each step (None: kernels write it)
    nbytes: int
    unchanged: bool = False  # a carry that the body returns as it received it


class ScanLoop:
    """Where each carry, slice and output of one body executable lives in its pointer table."""

    def __init__(self, executable, n_carry: int, n_xs: int, inputs: list, outputs: list[_Output], n_slots: int):
        self.executable, self.n_carry, self.n_xs = executable, n_carry, n_xs
        self.inputs = inputs    # the table entry of each program input (carries, xs, captures)
        self.outputs = outputs  # each program output (new carries, ys)
        self.n_slots = n_slots  # the executable's entries and the extra ones of copies and unused inputs

    @classmethod
    def of(cls, executable, n_carry: int, n_xs: int) -> ScanLoop | None:
        """The loop layout of `executable`, or None when its plan cannot run as a native loop
        (no native runner, or an output that is neither a kernel's, nor an input or constant to copy)."""
        plan = getattr(executable, "plan", None)
        if plan is None or not hasattr(executable, "call_records"):
            return None
        slots = dict(executable.slots)
        extra = len(slots)
        by_index = {spec.index: slots[name] for name, spec in plan.buffers.items() if spec.kind == "input"}
        inputs = []
        for i in range(len(executable.program.inputs)):
            if i not in by_index:  # an input the body never reads: an entry of its own all the same
                by_index[i], extra = extra, extra + 1
            inputs.append(by_index[i])
        outputs, seen = [], set()
        for j, name in enumerate(plan.outputs):
            spec = plan.buffers[name]
            if spec.kind not in ("output", "input", "constant"):
                return None
            nbytes = int(np.prod(spec.shape, dtype=np.int64)) * np.dtype(spec.dtype).itemsize
            unchanged = j < n_carry and spec.kind == "input" and spec.index == j
            if spec.kind == "output" and name not in seen:
                outputs.append(_Output(slots[name], None, nbytes))
            else:
                outputs.append(_Output(extra, slots[name], nbytes, unchanged))
                extra += 1
            seen.add(name)
        return cls(executable, n_carry, n_xs, inputs, outputs, extra)

    def run(self, init, xs, captured, steps: int, reverse: bool, record: bool):
        """(final carries, ys stacked, carries before each step stacked when `record`)."""
        exe, n = self.executable, self.n_carry
        nodes = exe.program.inputs
        init = [checked_feed(np.asarray(c), node, "scan carry") for c, node in zip(init, nodes)]
        xs = [np.ascontiguousarray(x) for x in xs]
        for x, node in zip(xs, nodes[n:]):
            if x.dtype != node.dtype or x.shape != (steps, *node.shape):
                raise FeedError(f"scan xs {node.label!r} expects {node.dtype} of shape {(steps, *node.shape)}, "
                                f"got {x.dtype} of shape {x.shape}")
        captured = [checked_feed(np.asarray(c), node, "scan capture")
                    for c, node in zip(captured, nodes[n + len(xs):])]
        ys = [np.empty((steps, *node.shape), node.dtype) for node in exe.program.outputs[n:]]
        if steps == 0:
            stacks = [np.empty((0, *c.shape), c.dtype) for c in init] if record else []
            return [c.copy() for c in init], ys, stacks
        with self.table() as table:
            first = steps - 1 if reverse else 0
            sign = -1 if reverse else 1
            copies, moves, swaps = [], [], []
            for out in self.outputs:  # an unchanged carry is copied only into its record's next row
                if out.copy_from is not None and (record or not out.unchanged):
                    copies.append((out.slot, out.copy_from, out.nbytes))
            carries = self._place_carries(table, init, record, steps, reverse, moves, swaps)
            for x, slot in zip(xs, self.inputs[n:]):
                table[slot] = data_address(x) + first * x.strides[0]
                moves.append((slot, sign * x.strides[0]))
            for y, out in zip(ys, self.outputs[n:]):
                table[out.slot] = data_address(y) + first * y.strides[0]
                moves.append((out.slot, sign * y.strides[0]))
            for c, slot in zip(captured, self.inputs[n + len(xs):]):
                table[slot] = data_address(c)
            with ONE_BLAS_THREAD.during(exe):
                native_runner().scan(ctypes.addressof(table), exe._calls_address, exe._n_calls, steps, copies,
                                     moves, swaps, _steps_per_entry(exe))
            finals = [self._final(placed, table, i, record, reverse) for i, placed in enumerate(carries)]
        if record:
            stacks = [big[1:] if reverse else big[:-1] for big in carries]
            return finals, ys, stacks
        return finals, ys, []

    @contextlib.contextmanager
    def table(self):
        """A pointer table for one run: an idle workspace's (its arena's and constants' addresses), with this
        loop's extra entries; the workspace is someone else's again when the run ends."""
        exe = self.executable
        try:
            workspace = exe._idle.pop()
        except IndexError:  # another thread's call is using each workspace there is
            workspace = exe._workspace()
        try:
            table = (ctypes.c_void_p * self.n_slots)()
            ctypes.memmove(table, workspace[0], ctypes.sizeof(workspace[0]))
            yield table
        finally:
            exe._idle.append(workspace)

    def _place_carries(self, table, init, record: bool, steps: int, reverse: bool, moves: list, swaps: list):
        """Each carry's array(s), their table entries set; the moves or swaps that advance them."""
        placed = []
        for c, slot, out in zip(init, self.inputs, self.outputs):
            if record:  # rows: init, then each step's new carry (reverse: from the last row down)
                big = np.empty((steps + 1, *c.shape), c.dtype)
                start = steps if reverse else 0
                big[start] = c
                row = big.strides[0]
                sign = -1 if reverse else 1
                table[slot] = data_address(big) + start * row
                table[out.slot] = data_address(big) + (start + sign) * row
                moves += [(slot, sign * row), (out.slot, sign * row)]
                placed.append(big)
            elif out.unchanged:
                held = c.copy()
                table[slot] = data_address(held)
                placed.append((held,))
            else:
                pair = (c.copy(), np.empty_like(c))
                table[slot], table[out.slot] = data_address(pair[0]), data_address(pair[1])
                swaps.append((slot, out.slot))
                placed.append(pair)
        return placed

    def _final(self, placed, table, i: int, record: bool, reverse: bool) -> np.ndarray:
        """Carry i's value after the last step: a row of its record, or the buffer its entry holds now."""
        if record:  # a copy: the rows are the stacks, returned too
            return (placed[0] if reverse else placed[-1]).copy()
        current = table[self.inputs[i]]
        return next(a for a in placed if data_address(a) == current)


class WhileLoop:
    """A while loop's step (its body, then its condition on the new carry: graphc.control.while_native) as
    one native loop: the step's calls while the condition's byte is nonzero, each carry's two buffers
    swapped after each step.

        loop = WhileLoop.of(executable, n_carry)     # None: this step cannot loop natively
        carries, trips, still_holds, stacks = loop.run(init, captured, holds, limit, record)

    With `record` (the loop a gradient reads) the carry before each step is kept, as a recording scan keeps
    it: rows of one array, step t reading row t and writing row t + 1.  The trip count is known only when
    the loop ends, so the rows come in blocks that double (16, 32, ... steps), one native call each; the
    last row of a block starts the next.  The blocks are joined at the end.
    """

    FIRST_BLOCK = 16  # steps of the first recorded block

    def __init__(self, layout: ScanLoop):
        self.layout = layout

    @classmethod
    def of(cls, executable, n_carry: int) -> WhileLoop | None:
        """None unless the step's outputs are its carries, of their inputs' types (the buffers swap), and a
        bool scalar: the condition."""
        layout = ScanLoop.of(executable, n_carry, 0)
        program = executable.program
        if layout is None or len(program.outputs) != n_carry + 1:
            return None
        if any(o.dtype != i.dtype or tuple(o.shape) != tuple(i.shape)
               for i, o in zip(program.inputs[:n_carry], program.outputs[:n_carry])):
            return None
        holds = program.outputs[n_carry]
        if holds.dtype != np.bool_ or tuple(holds.shape) != ():
            return None
        return cls(layout)

    def run(self, init, captured, holds: bool, limit: int | None, record: bool = False):
        """(final carries, the steps run, whether the condition still held after the last, the carries before
        each step stacked when `record`): steps while the condition holds (`holds`: on the initial carry), at
        most `limit` (None: no bound)."""
        layout = self.layout
        exe, n = layout.executable, layout.n_carry
        nodes = exe.program.inputs
        init = [checked_feed(np.asarray(c), node, "while_loop carry") for c, node in zip(init, nodes)]
        captured = [checked_feed(np.asarray(c), node, "while_loop capture") for c, node in zip(captured, nodes[n:])]
        with layout.table() as table:
            copies = [(out.slot, out.copy_from, out.nbytes) for out in layout.outputs  # an unchanged carry is
                      if out.copy_from is not None and (record or not out.unchanged)]  # copied into its next row
            for c, slot in zip(captured, layout.inputs[n:]):
                table[slot] = data_address(c)
            flag = np.array([holds], np.bool_)  # the condition's byte: each step's last kernel (or copy) writes it
            table[layout.outputs[n].slot] = data_address(flag)
            steps = _Steps(exe, ctypes.addressof(table), layout.outputs[n].slot, copies)
            if record:
                return self._recorded(table, init, steps, flag, limit)
            swaps: list = []
            carries = layout._place_carries(table, init, False, 0, False, [], swaps)
            trips = steps.run(limit, [], swaps)
            finals = [layout._final(placed, table, i, False, False) for i, placed in enumerate(carries)]
        return finals, trips, bool(flag[0]), []

    def _recorded(self, table, init, steps: _Steps, flag, limit: int | None):
        layout, blocks, current, trips, rows = self.layout, [], init, 0, self.FIRST_BLOCK
        while True:
            want = rows if limit is None else min(rows, limit - trips)
            moves: list = []
            block = layout._place_carries(table, current, True, want, False, moves, [])  # rows, as a recording scan's
            ran = steps.run(want, moves, [])
            trips += ran
            blocks.append([big[:ran] for big in block])
            current = [big[ran] for big in block]
            if not flag[0] or ran < want or (limit is not None and trips >= limit):
                break
            rows *= 2
        stacks = [np.concatenate([b[i] for b in blocks]) for i in range(len(init))]
        return [c.copy() for c in current], trips, bool(flag[0]), stacks


# element-ops of one step (graphc.runtime.plan's `work`) under which a loop's gemms run on one BLAS thread
SMALL_STEP_WORK = 1 << 26
# ... when the machine is busy: the 1-minute load average above this many per core graphc uses (this process's
# own threads count in it too, hence the margin above 1)
BUSY_LOAD_PER_CORE = 1.5


def cores_busy() -> bool:
    """Whether other work holds this machine's cores (see _OneBlasThread); False where the load is unknown."""
    from graphc.runtime.native_pool import THREADS

    try:
        return os.getloadavg()[0] > BUSY_LOAD_PER_CORE * THREADS
    except OSError:
        return False


class _OneBlasThread:
    """The BLAS's pool at one thread while a loop of small steps runs (the first loop in saves and sets the
    count, the last out restores it: loops nest, and Python threads may run loops at once).

    A step's gemms are small (an RNN cell: 512 x 128 x 128, about 0.2 ms on a core), and there are hundreds of
    them in a loop.  Split over OpenBLAS's threads, each waits for every thread at its end: on a machine whose
    other core is busy with anything else, a thread the OS has parked costs a scheduler slice per gemm, and a
    2-core EPYC (znver3) measured the scan benchmark's step at 0.9-3.4 s of CPU against 0.09-0.10 s on one
    thread (load average 7); graphc's own pool, whose workers sleep rather than spin, still splits the step's
    elementwise kernels.  On the same machine quiet, the BLAS's threads win (the scan benchmark's √T step 0.090
    s against 0.109 on one thread, 2026-12-05), so one thread is chosen only while the cores are busy
    (`cores_busy`).  Thread counts do not change a gemm's sums (OpenBLAS splits rows and columns, never the
    inner dimension): values are the same."""

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._restore: tuple | None = None

    @contextlib.contextmanager
    def during(self, executable, small: bool | None = None):
        """One BLAS thread inside, when the loop's step (`executable`'s work) is small, or when `small` says so
        (a program of such loops, graphc.control.executable: the count is set once, not for each loop), and the
        machine's cores are busy."""
        if not (executable.work < SMALL_STEP_WORK if small is None else small) or not cores_busy():
            yield
            return
        with self._lock:
            if self._depth == 0:
                self._restore = _set_one_thread()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._restore is not None:
                    lib, threads = self._restore
                    lib.set_threads(threads)
                    self._restore = None


def _set_one_thread() -> tuple | None:
    """(library, its thread count before) after setting it to one; None where that is unknown or already one, or
    where GRAPHC_BLAS_THREADS asks for a count (the user's choice stands: `GRAPHC_BLAS_THREADS=2` on a quiet
    machine lets a loop's gemms use both cores)."""
    from graphc.runtime.blas import chosen, requested_threads

    if requested_threads() is not None:
        return None
    lib = chosen()
    if lib is None or lib.get_threads is None or lib.set_threads is None:
        return None
    threads = lib.get_threads()
    if threads <= 1:
        return None
    lib.set_threads(1)
    return lib, threads


ONE_BLAS_THREAD = _OneBlasThread()


@dataclass
class _Steps:
    """One while loop's native steps: the step executable's calls on this table, the condition's byte at
    table entry `holds`, the copies made after each step."""

    executable: object
    table: int
    holds: int
    copies: list

    def run(self, limit: int | None, moves: list, swaps: list) -> int:
        exe = self.executable
        with ONE_BLAS_THREAD.during(exe):
            return native_runner().while_loop(self.table, exe._calls_address, exe._n_calls, self.holds, limit,
                                              self.copies, moves, swaps, _steps_per_entry(exe))


def _steps_per_entry(executable) -> int:
    """Steps of a loop per entry into generated code: a long loop returns to Python between entries, so that
    Ctrl-C is heard."""
    return max(1, WORK_PER_ENTRY // max(1, executable.work))
