"""The llvm backend's executable: a static plan of kernel calls (graphc.codegen.plan) over one arena.

Everything is decided at compile time: each buffer's place (an input, a
variable, a constant, a fresh output array, or an offset in the arena), the
kernel order, and which kernels are split between threads.  A call validates
the feeds (shape, dtype, contiguity, alignment) before any generated code runs,
fills the pointer table, and enters generated code once: the native runner
(graphc.runtime.native_pool) runs every kernel call of the step in order, with
the GIL released for the whole call.  A big loop kernel (PARALLEL_WORK) is cut
into pieces that the calling thread and the runner's native worker threads take;
a small one, a matmul (BLAS has threads of its own) or a scatter runs on the
calling thread alone.

    exe(inputs, variables) -> (outputs, new_variable_values)
    exe(inputs, variables, donate=True)   # the variables' arrays may be updated in place
    exe.memory_plan(), exe.kernels(), exe.llvm_ir()

An "update" buffer (graphc.codegen.accumulate: gemm accumulating an SGD step) is
written over its variable's value.  With `donate=True` (what gc.function and
Session pass: a variable's array is private to its store, and nobody else reads
it during the call) and an array this executable made for that buffer, that is
the array itself; otherwise the value is first copied into a fresh array, and
the caller's arrays are never written.

Threads: calls may run at once.  Each takes a workspace (a pointer table and an
arena) of its own from a pool that grows to the number of concurrent calls, and
the arrays it returns are chosen under a lock.
"""

from __future__ import annotations

import collections
import ctypes
import sys
import threading
from collections.abc import Sequence

import numpy as np

from graphc.codegen.kernel_ir import Kernel
from graphc.codegen.llvm.runner import CALL_FIELDS
from graphc.codegen.plan import BufferSpec, ExecutionPlan
from graphc.errors import FeedError
from graphc.runtime.arrays import checked_feed, data_address, ready
from graphc.runtime.native_entry import CheckedCall
from graphc.runtime.native_pool import THREADS, WORK_PER_ENTRY, NativeRunner, native_runner, piece_size

# the plan's types live in graphc.codegen.plan (both sides read them); named here for older imports
__all__ = ["NO_KERNELS_IR", "BufferSpec", "ExecutionPlan", "LlvmExecutable"]

ALIGN = 64
PARALLEL_WORK = 1 << 20  # element-ops: below, waking a worker (tens of us on a loaded machine) costs more
# the module of a program whose outputs are all inputs, variables or constants: it has no `jit`
NO_KERNELS_IR = "; no kernels: every output is an input, a variable or a constant\n"


class LlvmExecutable:
    backend = "llvm"

    def __init__(self, program, plan: ExecutionPlan, jit, ir_text: str, entries: dict, slots: dict[str, int]):
        self.program = program
        self.plan = plan
        self._jit = jit
        self._ir_text = ir_text
        self.slots = slots
        self._keep = []
        self._fixed = []  # (slot, address) of each constant
        self._in_arena = []  # (slot, offset) of each buffer in the arena
        for name, spec in plan.buffers.items():
            if spec.kind == "arena":
                self._in_arena.append((slots[name], spec.offset))
            elif spec.kind == "constant":
                value = np.ascontiguousarray(spec.value, dtype=spec.dtype)
                self._keep.append(value)
                self._fixed.append((slots[name], value.ctypes.data))
        self._lock = threading.Lock()  # the pools of returned arrays below
        records = []
        for k in plan.kernels:
            entry = entries[k.name]
            kernel_slots = (ctypes.c_int64 * max(1, len(entry.slots)))(*entry.slots)
            self._keep.append(kernel_slots)
            records.append((jit.address(entry.function), ctypes.addressof(kernel_slots), 0, k.split_extent,
                            _piece(k)))
        self.call_records = records  # (kernel, slots, start, end, piece): what the runner runs, in order
        self._calls = NativeRunner.calls(records)
        self._calls_address, self._n_calls = ctypes.addressof(self._calls), len(records)
        self.work = sum(k.work for k in plan.kernels)
        self._entries = _entries(self._calls_address, [k.work for k in plan.kernels])
        if any(r[4] for r in records):
            native_runner().start_workers()
        slot = self.slots
        self._inputs = [(slot[n], s.index) for n, s in plan.buffers.items() if s.kind == "input"]
        self._variables = [(slot[n], s.index) for n, s in plan.buffers.items() if s.kind == "variable"]
        self._outputs = [(n, slot[n], s) for n, s in plan.buffers.items() if s.kind == "output"]
        self._updates = [(n, slot[n], s) for n, s in plan.buffers.items() if s.kind == "update"]
        # arrays this executable returned, per output buffer: reused once nobody else holds them (see _fresh)
        self._returned: dict[str, list[np.ndarray]] = {n: [] for n, _, _ in self._outputs + self._updates}
        # id -> data address of each array in those pools (no reference: the pool's keeps it alive, and
        # an id leaves this map when its array leaves the pool, so an id found here is that array's: a
        # variable's value that is our previous output, contiguous and aligned by construction)
        self._owned: dict[int, int] = {}
        self._results = [self._result_getter(name) for name in plan.outputs + plan.new_values]
        self._result_names = plan.outputs + plan.new_values
        self._written_only = all(plan.buffers[n].kind in ("output", "update") for n in self._result_names)
        self._input_types = [(n, n.dtype, tuple(n.shape)) for n in program.inputs]
        self._variable_types = [(n, n.dtype, tuple(n.shape)) for n in program.variables]
        self._n_outputs = len(plan.outputs)
        self._loops: dict[tuple, object] = {}  # (n_carry, n_xs) -> ScanLoop, ("while", n_carry) -> WhileLoop; or None
        self._checked = self._checked_call()
        self.checked_entry = self._checked is not None  # whether `call_checked` can run a call at all
        # workspaces not in use (a deque: thread-safe appends and pops); the first is made by the first call, so
        # that its arena is taken when it is used, not by a compilation that may never run
        self._idle: collections.deque = collections.deque()

    def __call__(self, inputs: Sequence[np.ndarray], variables: Sequence[np.ndarray], donate: bool = False):
        if len(inputs) != len(self._input_types) or len(variables) != len(self._variable_types):
            p = self.program
            raise FeedError(f"expected {len(p.inputs)} inputs and {len(p.variables)} variables, "
                            f"got {len(inputs)} and {len(variables)}")
        inputs = [a if ready(a, dtype, shape) else checked_feed(a, node, "input")
                  for a, (node, dtype, shape) in zip(inputs, self._input_types)]
        owned = self._owned
        variables = [a if id(a) in owned and a.dtype == dtype and a.shape == shape
                     else checked_feed(a, node, "variable")
                     for a, (node, dtype, shape) in zip(variables, self._variable_types)]
        try:
            workspace = self._idle.pop()
        except IndexError:  # the first call, or another thread's call is using each workspace there is
            workspace = self._workspace()
        try:
            arrays = self._run(workspace, inputs, variables, donate)
        finally:
            self._idle.append(workspace)
        if self._written_only:  # every result a buffer kernels wrote (the common case): no getters
            results = [arrays[name] for name in self._result_names]
        else:
            results = [get(arrays, inputs, variables) for get in self._results]
        return results[:self._n_outputs], results[self._n_outputs:]

    def call_checked(self, inputs: Sequence, variables: Sequence, donate: bool):
        """The common call in one native entry: (outputs, new_variable_values) as `__call__` returns
        them, or None, with nothing run, where this call needs `__call__`'s general path.

        The arrays go to generated code as they are (graphc.runtime.native_entry), which runs the
        kernels only if each is exactly what they read (an ndarray of the dtype and shape compiled
        for, C-contiguous and aligned); anything else (a list, a scalar, another dtype or shape, a
        strided view) comes back None, and `__call__` converts what it can and raises what it
        cannot (FeedError), as for every call before.  None too without the entry (an unconfirmed
        object layout), for a program that enters native code more than once or returns a value
        no kernel wrote, and for an update buffer whose variable's array may not be written over.
        """
        if self._checked is None:
            return None
        outs = self._arrays_to_write(variables, donate)
        if outs is None:
            return None
        runner = native_runner()
        try:
            workspace = self._idle.pop()
        except IndexError:
            workspace = self._workspace()
        try:
            if workspace[4] is not runner:  # made before a fork: the child's runner has a pool of its own
                workspace = self._workspace()
            status = runner.call(workspace[3], [*inputs, *variables, *outs])
        finally:
            self._idle.append(workspace)
        if status:
            return None
        if self._checked_results is not None:
            outs = [outs[k] for k in self._checked_results]
        n = self._n_outputs
        return (outs, ()) if n == len(outs) else (outs[:n], outs[n:])

    def _checked_call(self) -> CheckedCall | None:
        """What `call_checked` hands the native entry (None where it does not apply: see there)."""
        runner = native_runner()
        if runner.call is None or len(self._entries) != 1 or not self._written_only:
            return None
        written = [name for name, _, _ in self._outputs + self._updates]
        order = [written.index(name) for name in self._result_names]
        self._checked_results = None if order == list(range(len(written))) else order

        def fed(kinds, types):
            return [(dtype, shape, [slot for slot, index in kinds if index == i])
                    for i, (_, dtype, shape) in enumerate(types)]
        return CheckedCall(fed(self._inputs, self._input_types), fed(self._variables, self._variable_types),
                           [slot for _, slot, _ in self._outputs + self._updates], *self._entries[0])

    def _workspace(self):
        """A pointer table, with the constants' and the arena's addresses filled in, its arena and, for
        `call_checked`, the native entry's block for this table and the runner it was made for."""
        table = (ctypes.c_void_p * max(1, len(self.slots)))()
        arena = np.empty(self.plan.arena_bytes + ALIGN, np.uint8)
        base = arena.ctypes.data
        base += (-base) % ALIGN
        for slot, offset in self._in_arena:
            table[slot] = base + offset
        for slot, address in self._fixed:
            table[slot] = address
        address = ctypes.addressof(table)
        if self._checked is None:
            return table, address, arena, 0, None, None
        runner = native_runner()
        block = self._checked.block(runner.pool, address)
        return table, address, arena, ctypes.addressof(block), runner, block

    def _run(self, workspace, inputs, variables, donate: bool) -> dict[str, np.ndarray]:
        """Run the kernels with this workspace; the arrays written, by output or update buffer."""
        table, address = workspace[0], workspace[1]
        for slot, index in self._inputs:
            table[slot] = data_address(inputs[index])
        for slot, index in self._variables:
            table[slot] = data_address(variables[index])
        arrays: dict[str, np.ndarray] = {}
        for name, slot, spec in self._outputs:
            out = self._fresh(name, spec)
            arrays[name] = out
            table[slot] = data_address(out)
        for name, slot, spec in self._updates:
            current = variables[spec.index]
            if donate and self._is_ours(name, current):
                out = current
            else:
                out = self._fresh(name, spec)
                np.copyto(out, current)
            arrays[name] = out
            table[slot] = data_address(out)
        self._enter(address)
        return arrays

    def scan_loop(self, n_carry: int, n_xs: int):
        """This executable, the body of a scan, as a native loop (graphc.runtime.native_loop.ScanLoop:
        `run(init, xs, captured, steps, reverse, record)`), or None where its plan cannot loop natively."""
        from graphc.runtime.native_loop import ScanLoop  # it reads this module's checks

        key = (n_carry, n_xs)
        if key not in self._loops:
            self._loops[key] = ScanLoop.of(self, n_carry, n_xs)
        return self._loops[key]

    def while_loop(self, n_carry: int):
        """This executable, the step of a while loop (body, then condition: graphc.control.while_native), as a
        native loop (graphc.runtime.native_loop.WhileLoop), or None where its plan cannot loop natively."""
        from graphc.runtime.native_loop import WhileLoop

        key = ("while", n_carry)
        if key not in self._loops:
            self._loops[key] = WhileLoop.of(self, n_carry)
        return self._loops[key]

    def _enter(self, table: int) -> None:
        """Run every kernel call of the step, in order: one call into the native runner (GIL released),
        or one per WORK_PER_ENTRY of work for a long program (see `_entries`)."""
        if self._entries:
            runner = native_runner()
            for calls, n in self._entries:
                runner.run(runner.pool, table, calls, n)

    def _fresh(self, name: str, spec: BufferSpec) -> np.ndarray:
        """An array to write output `name` into that nothing outside this executable can see.

        An array returned by an earlier call (a variable's previous value, a fetched output)
        is reused once its only references are ours: a caller that kept it (or a view of it)
        holds a reference, and it is never overwritten.  Reusing saves the page faults of a
        fresh multi-megabyte allocation on every training step.  Under the lock: a concurrent call
        holds the arrays it is writing, but two calls must not both take one nobody holds yet.
        """
        with self._lock:
            return self._reused_or_new(name, spec)

    def _arrays_to_write(self, variables: Sequence, donate: bool) -> list[np.ndarray] | None:
        """The arrays `call_checked`'s kernels write, taking the lock once: `_fresh` of each output
        buffer, then each update buffer's variable array itself; None where an update may not write
        over its variable's array (not donated, or not an array of ours): the general path copies."""
        lock = self._lock
        lock.acquire()
        try:
            outs = [self._reused_or_new(name, spec) for name, _, spec in self._outputs]
            for name, _, spec in self._updates:
                current = variables[spec.index]
                if not donate or not any(current is mine for mine in self._returned[name]):
                    return None
                outs.append(current)
            return outs
        finally:
            lock.release()

    def _reused_or_new(self, name: str, spec: BufferSpec, _references=sys.getrefcount) -> np.ndarray:
        """`_fresh`'s work, the lock held."""
        pool = self._returned[name]
        i = 0
        for out in pool:
            if _references(out) == 3:  # the pool's, `out`'s and getrefcount's argument: nobody else's
                if i + 1 < len(pool):  # the last returned goes last: the pool drops its oldest first
                    pool.append(pool.pop(i))
                return out
            i += 1
        out = np.empty(spec.shape, spec.dtype)
        pool.append(out)
        self._owned[id(out)] = data_address(out)
        if len(pool) > 2:
            del self._owned[id(pool.pop(0))]
        return out

    def _is_ours(self, name: str, array: np.ndarray) -> bool:
        """Whether `array` is one this executable returned for buffer `name` (an update may write over it)."""
        with self._lock:
            return any(array is mine for mine in self._returned[name])

    def _result_getter(self, name: str):
        """How to produce the returned array of buffer `name` (fixed at compile time)."""
        spec = self.plan.buffers[name]
        if spec.kind in ("output", "update"):
            return lambda arrays, inputs, variables: arrays[name]
        if spec.kind == "constant":
            return lambda arrays, inputs, variables: np.array(spec.value, dtype=spec.dtype)
        # a fed value or variable fetched as is: a copy the caller owns
        if spec.kind == "input":
            return lambda arrays, inputs, variables: np.array(inputs[spec.index])
        return lambda arrays, inputs, variables: np.array(variables[spec.index])

    # ---- inspection ---------------------------------------------------------------------------

    def memory_plan(self):
        """The arena plan: planned peak bytes (`peak_bytes`) and each buffer's lifetime in kernel steps."""
        return self.plan.memory

    def kernels(self) -> list[dict]:
        """One description per generated kernel: name, kind, fused ops, loop dims, buffers."""
        return [k.describe() for k in self.plan.kernels]

    def llvm_ir(self, optimized: bool = True) -> str:
        """The generated LLVM IR: after -O3 (what runs), or as rendered when `optimized=False`."""
        return self._jit.optimized_ir if optimized and self._jit is not None else self._ir_text


def _entries(calls: int, works: list[int]) -> list[tuple[int, int]]:
    """(address, count) of each run of call records the runner is entered with: one for a program of
    less than WORK_PER_ENTRY element-operations (every training step), else consecutive runs of about
    that much work.  Python handles a signal only between two calls into generated code, so this is
    what keeps Ctrl-C in a script's main thread prompt (KeyboardInterrupt within a run's time, and
    before any result is returned) during a program that computes for seconds or minutes."""
    entries, start, work = [], 0, 0
    for i, w in enumerate(works):
        work += w
        if work >= WORK_PER_ENTRY or i == len(works) - 1:
            entries.append((calls + start * CALL_FIELDS * 8, i + 1 - start))
            start, work = i + 1, 0
    return entries


def _piece(k: Kernel) -> int:
    """The size of the pieces a kernel worth splitting (a big loop kernel) is cut into for the
    runner's threads; 0 for one that runs on the calling thread alone (a small one, a matmul,
    whose BLAS has threads of its own, or a "scatter" kernel, whose adds may meet in one element)."""
    if k.kind != "loop" or k.work < PARALLEL_WORK or THREADS < 2:
        return 0
    return piece_size(k.split_extent)
