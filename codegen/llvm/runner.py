"""The native runner: one function that runs a program's kernel calls in order, big loops split over a pool.

A compiled program is a list of kernel calls (graphc.codegen.llvm.renderer: `kernel(table, slots, start,
end)`).  Calling each from Python costs a ctypes call and the GIL per kernel; a small training step has
dozens.  This module renders, once per process, the LLVM IR of

    void @graphc_run(ptr pool, ptr table, ptr calls, i64 n)
        runs `n` call records in order: each is CALL_FIELDS i64s,
        (kernel address, slots address, start, end, chunk); chunk 0: kernel(table, slots, start, end) on
        this thread; chunk > 0: the range [0, end) cut into pieces of `chunk`, taken by this thread and
        the pool's workers (an atomic counter hands them out, so a worker the OS runs late takes fewer)
    void @graphc_scan(ptr pool, ptr table, ptr calls, i64 n, i64 steps, ptr copies, i64 n_copies,
                      ptr moves, i64 n_moves, ptr swaps, i64 n_swaps)
        `steps` times: run the calls, then copy `bytes` from each copy's source entry to its destination
        entry, add each move's stride to its table entry (a slice of a scan's xs or ys walks on), and
        exchange the table entries of each swap pair (a carry's old and new buffers): a whole scan in
        one call (graphc.runtime.native_loop)
    i64 @graphc_while(ptr pool, ptr table, ptr calls, i64 n, i64 max_steps, i64 holds, ptr copies,
                      i64 n_copies, ptr moves, i64 n_moves, ptr swaps, i64 n_swaps)
        while the byte table entry `holds` points at is nonzero and fewer than `max_steps` steps have run: run
        the calls, then the copies, moves and swaps as a scan does; returns the steps run.  The calls compute the
        loop's body and then its condition on the new carry, into that byte: a while loop in one call
        (graphc.runtime.native_loop.WhileLoop)
    ptr @graphc_pool_worker(ptr pool)
        a worker thread's loop (started with pthread_create by graphc.runtime.native_pool): sleeps on a
        condition variable until a split call is posted, joins it while it is open, takes pieces
    i64 @graphc_call(ptr block, ptr objects)
        checks a call's arrays, fills the table and runs its calls: one native entry per call
        (graphc.codegen.llvm.entry; rendered for the object layout the runtime measured)

The pool's state is one block of memory (POOL_BYTES, laid out by the offsets below) holding a mutex, two
condition variables and the posted call.  Split calls take the pool one at a time: a call that finds it
busy (another Python thread's program is in a split kernel) runs its range alone instead of waiting.
The waiting is blocking, never spinning, so idle workers leave the cores to BLAS's threads and to
other processes.  Threads and locks are libc's, reached through the symbols POOL_SYMBOLS names (the JIT
registers them).
"""

from __future__ import annotations

from graphc.codegen.llvm.entry import ObjectLayout, entry_module_part

CALL_FIELDS = 5  # kernel, slots, start, end, chunk
COPY_FIELDS = 3  # destination slot, source slot, bytes
MOVE_FIELDS = 2  # table slot, byte stride
SWAP_FIELDS = 2  # two table slots

# The pool's state: byte offsets.  A pthread mutex or condition variable is at most 64 bytes on the
# platforms LLVM's JIT runs on (40/48 on glibc x86-64, 64/48 on macOS); 128 are kept for each.
MUTEX, WORK_POSTED, WORK_DONE, OWNER = 0, 128, 256, 384
GENERATION, OPEN, JOINED, KERNEL, TABLE, SLOTS, EXTENT, CHUNK = 512, 520, 528, 536, 544, 552, 560, 568
STOP = 576  # set when the interpreter exits (to the exiting thread's id): other threads' calls park (see _RUN)
NEXT = 640  # the piece counter, on a cache line of its own: every thread of a split call updates it
PARKED = 768  # the condition variable parked calls wait on (nobody signals it)
POOL_BYTES = 896
SYNC_OBJECTS = {"mutex": (MUTEX, OWNER), "cond": (WORK_POSTED, WORK_DONE, PARKED)}

# libc function -> the symbol generated code calls it by
POOL_SYMBOLS = {
    "pthread_mutex_lock": "graphc_mutex_lock",
    "pthread_mutex_unlock": "graphc_mutex_unlock",
    "pthread_mutex_trylock": "graphc_mutex_trylock",
    "pthread_cond_wait": "graphc_cond_wait",
    "pthread_cond_broadcast": "graphc_cond_broadcast",
    "pthread_cond_signal": "graphc_cond_signal",
    "pthread_self": "graphc_thread_self",
}


def _field(name: str, offset: int) -> str:
    return f"  %{name} = getelementptr i8, ptr %pool, i64 {offset}\n"


def _fields(*pairs: tuple[str, int]) -> str:
    return "".join(_field(n, o) for n, o in pairs)


_DECLARATIONS = """\
declare i32 @graphc_mutex_lock(ptr)
declare i32 @graphc_mutex_unlock(ptr)
declare i32 @graphc_mutex_trylock(ptr)
declare i32 @graphc_cond_wait(ptr, ptr)
declare i32 @graphc_cond_broadcast(ptr)
declare i32 @graphc_cond_signal(ptr)
declare i64 @graphc_thread_self()
"""

# Pieces of the posted range until none is left: every thread of a split call runs this.
_TAKE_PIECES = f"""\
define private void @take_pieces(ptr %pool, ptr %kernel, ptr %table, ptr %slots, i64 %extent, i64 %chunk) {{
entry:
{_field("next", NEXT)}  br label %loop
loop:
  %i = atomicrmw add ptr %next, i64 1 seq_cst
  %lo = mul i64 %i, %chunk
  %more = icmp slt i64 %lo, %extent
  br i1 %more, label %piece, label %done
piece:
  %end = add i64 %lo, %chunk
  %short = icmp slt i64 %end, %extent
  %hi = select i1 %short, i64 %end, i64 %extent
  call void %kernel(ptr %table, ptr %slots, i64 %lo, i64 %hi)
  br label %loop
done:
  ret void
}}
"""

# The calling thread's side of a split call: post it, take pieces, close it, wait for those who joined.
_PARALLEL = f"""\
define private void @parallel(ptr %pool, ptr %kernel, ptr %table, ptr %slots, i64 %extent, i64 %chunk) {{
entry:
{_fields(("mutex", MUTEX), ("posted", WORK_POSTED), ("done_cv", WORK_DONE), ("owner", OWNER),
         ("gen", GENERATION), ("open", OPEN), ("joined", JOINED), ("kernel_f", KERNEL), ("table_f", TABLE),
         ("slots_f", SLOTS), ("extent_f", EXTENT), ("chunk_f", CHUNK), ("next", NEXT))}\
  %busy = call i32 @graphc_mutex_trylock(ptr %owner)
  %free = icmp eq i32 %busy, 0
  br i1 %free, label %post, label %alone
alone:
  call void %kernel(ptr %table, ptr %slots, i64 0, i64 %extent)
  ret void
post:
  call i32 @graphc_mutex_lock(ptr %mutex)
  store ptr %kernel, ptr %kernel_f
  store ptr %table, ptr %table_f
  store ptr %slots, ptr %slots_f
  store i64 %extent, ptr %extent_f
  store i64 %chunk, ptr %chunk_f
  store atomic i64 0, ptr %next seq_cst, align 8
  store i64 1, ptr %open
  %g = load i64, ptr %gen
  %g1 = add i64 %g, 1
  store i64 %g1, ptr %gen
  call i32 @graphc_cond_broadcast(ptr %posted)
  call i32 @graphc_mutex_unlock(ptr %mutex)
  call void @take_pieces(ptr %pool, ptr %kernel, ptr %table, ptr %slots, i64 %extent, i64 %chunk)
  call i32 @graphc_mutex_lock(ptr %mutex)
  store i64 0, ptr %open
  br label %check
check:
  %j = load i64, ptr %joined
  %none = icmp eq i64 %j, 0
  br i1 %none, label %finish, label %sleep
sleep:
  call i32 @graphc_cond_wait(ptr %done_cv, ptr %mutex)
  br label %check
finish:
  call i32 @graphc_mutex_unlock(ptr %mutex)
  call i32 @graphc_mutex_unlock(ptr %owner)
  ret void
}}
"""

# A worker: wait for a new generation; join it if still open; take pieces; check out.
_WORKER = f"""\
define ptr @graphc_pool_worker(ptr %pool) {{
entry:
{_fields(("mutex", MUTEX), ("posted", WORK_POSTED), ("done_cv", WORK_DONE), ("gen", GENERATION),
         ("open", OPEN), ("joined", JOINED), ("kernel_f", KERNEL), ("table_f", TABLE), ("slots_f", SLOTS),
         ("extent_f", EXTENT), ("chunk_f", CHUNK))}\
  call i32 @graphc_mutex_lock(ptr %mutex)
  %first = load i64, ptr %gen
  br label %check
check:
  %seen = phi i64 [%first, %entry], [%g, %sleep], [%g, %closed], [%g, %finished]
  %g = load i64, ptr %gen
  %same = icmp eq i64 %g, %seen
  br i1 %same, label %sleep, label %posted_new
sleep:
  call i32 @graphc_cond_wait(ptr %posted, ptr %mutex)
  br label %check
posted_new:
  %o = load i64, ptr %open
  %is_open = icmp ne i64 %o, 0
  br i1 %is_open, label %join, label %closed
closed:
  br label %check
join:
  %j = load i64, ptr %joined
  %j1 = add i64 %j, 1
  store i64 %j1, ptr %joined
  %kernel = load ptr, ptr %kernel_f
  %table = load ptr, ptr %table_f
  %slots = load ptr, ptr %slots_f
  %extent = load i64, ptr %extent_f
  %chunk = load i64, ptr %chunk_f
  call i32 @graphc_mutex_unlock(ptr %mutex)
  call void @take_pieces(ptr %pool, ptr %kernel, ptr %table, ptr %slots, i64 %extent, i64 %chunk)
  call i32 @graphc_mutex_lock(ptr %mutex)
  %k = load i64, ptr %joined
  %k1 = sub i64 %k, 1
  store i64 %k1, ptr %joined
  %last = icmp eq i64 %k1, 0
  br i1 %last, label %wake, label %finished
wake:
  call i32 @graphc_cond_signal(ptr %done_cv)
  br label %finished
finished:
  br label %check
}}
"""

# One record: on this thread, or split.  Before each, the STOP word: once the interpreter exits (a
# Ctrl-C'd `graphc run` whose work thread is inside a long call), a call on any thread but the exiting
# one (which may still run graphc in an atexit handler) parks for good instead of keeping BLAS's threads
# busy, which the process's exit waits for.  It never returns a partial result.
_RUN = f"""\
define void @graphc_run(ptr %pool, ptr %table, ptr %calls, i64 %n) {{
entry:
{_fields(("stop", STOP), ("mutex", MUTEX), ("parked", PARKED))}\
  %any = icmp sgt i64 %n, 0
  br i1 %any, label %loop, label %done
loop:
  %i = phi i64 [0, %entry], [%i1, %next]
  %stopped = load atomic i64, ptr %stop monotonic, align 8
  %go = icmp eq i64 %stopped, 0
  br i1 %go, label %record, label %exiting
exiting:
  %self = call i64 @graphc_thread_self()
  %exiter = icmp eq i64 %self, %stopped
  br i1 %exiter, label %record, label %park
park:
  call i32 @graphc_mutex_lock(ptr %mutex)
  br label %park_wait
park_wait:
  call i32 @graphc_cond_wait(ptr %parked, ptr %mutex)
  br label %park_wait
record:
  %at = mul i64 %i, {CALL_FIELDS}
  %rec = getelementptr i64, ptr %calls, i64 %at
  %kernel = load ptr, ptr %rec
  %slots_p = getelementptr i64, ptr %rec, i64 1
  %slots = load ptr, ptr %slots_p
  %lo_p = getelementptr i64, ptr %rec, i64 2
  %lo = load i64, ptr %lo_p
  %hi_p = getelementptr i64, ptr %rec, i64 3
  %hi = load i64, ptr %hi_p
  %chunk_p = getelementptr i64, ptr %rec, i64 4
  %chunk = load i64, ptr %chunk_p
  %split = icmp sgt i64 %chunk, 0
  br i1 %split, label %shared, label %alone
alone:
  call void %kernel(ptr %table, ptr %slots, i64 %lo, i64 %hi)
  br label %next
shared:
  call void @parallel(ptr %pool, ptr %kernel, ptr %table, ptr %slots, i64 %hi, i64 %chunk)
  br label %next
next:
  %i1 = add i64 %i, 1
  %more = icmp slt i64 %i1, %n
  br i1 %more, label %loop, label %done
done:
  ret void
}}
"""

def _each(name: str, records: str, count: str, fields: int, body: str, then: str) -> str:
    """Blocks `<name>` (entered from `<name>_head`) that run `body` for each of `count` records of `fields`
    i64s at `records` (`%<name>_rec` points at one, `%<name>_f<k>` holds field k), then branch to `then`."""
    loads = "".join(f"  %{name}_f{k}_p = getelementptr i64, ptr %{name}_rec, i64 {k}\n"
                    f"  %{name}_f{k} = load i64, ptr %{name}_f{k}_p\n" for k in range(fields))
    return f"""\
{name}_head:
  %{name}_any = icmp sgt i64 %{count}, 0
  br i1 %{name}_any, label %{name}, label %{then}
{name}:
  %{name}_i = phi i64 [0, %{name}_head], [%{name}_i1, %{name}]
  %{name}_at = mul i64 %{name}_i, {fields}
  %{name}_rec = getelementptr i64, ptr %{records}, i64 %{name}_at
{loads}{body}  %{name}_i1 = add i64 %{name}_i, 1
  %{name}_more = icmp slt i64 %{name}_i1, %{count}
  br i1 %{name}_more, label %{name}, label %{then}
"""


def _entry(name: str, slot: str) -> str:
    """`%<name>` = the address of table entry `slot`, `%<name>_v` the pointer it holds."""
    return (f"  %{name} = getelementptr ptr, ptr %table, i64 %{slot}\n"
            f"  %{name}_v = load ptr, ptr %{name}\n")


# After each step: copies (an output that is not a buffer of its own: an input passed through, a
# constant, a value two outputs share), then moves (xs and ys slices walk on), then swaps (carries).
_COPY = _entry("dst", "copy_f0") + _entry("src", "copy_f1") + \
    "  call void @llvm.memcpy.p0.p0.i64(ptr %dst_v, ptr %src_v, i64 %copy_f2, i1 false)\n"
_MOVE = _entry("moved", "move_f0") + \
    "  %moved_new = getelementptr i8, ptr %moved_v, i64 %move_f1\n  store ptr %moved_new, ptr %moved\n"
_SWAP = _entry("a", "swap_f0") + _entry("b", "swap_f1") + "  store ptr %b_v, ptr %a\n  store ptr %a_v, ptr %b\n"

# One step of a loop counting its steps in %t: the calls, then the table edits (copies, moves, swaps); then
# back to the loop's `test`.
_STEP = f"""\
step:
  call void @graphc_run(ptr %pool, ptr %table, ptr %calls, i64 %n)
  br label %copy_head
{_each("copy", "copies", "n_copies", COPY_FIELDS, _COPY, "move_head")}\
{_each("move", "moves", "n_moves", MOVE_FIELDS, _MOVE, "swap_head")}\
{_each("swap", "swaps", "n_swaps", SWAP_FIELDS, _SWAP, "stepped")}\
stepped:
  %t1 = add i64 %t, 1
  br label %test
"""

# A whole scan: the body's calls `steps` times, outputs copied, slices moved and carries swapped between.
_SCAN = f"""\
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define void @graphc_scan(ptr %pool, ptr %table, ptr %calls, i64 %n, i64 %steps, ptr %copies, i64 %n_copies,
                         ptr %moves, i64 %n_moves, ptr %swaps, i64 %n_swaps) {{
entry:
  br label %test
test:
  %t = phi i64 [0, %entry], [%t1, %stepped]
  %again = icmp slt i64 %t, %steps
  br i1 %again, label %step, label %done
{_STEP}\
done:
  ret void
}}
"""


# A whole while loop: the step's calls (the body, then the condition on the new carry, written to the byte
# entry `holds` points at) while that byte is nonzero, at most `max_steps` times; the steps run returned.
# Moves: a recording loop's carries walk on through rows, as a recording scan's do.
# The caller writes the condition on the initial carry to that byte first.
_WHILE = f"""\
define i64 @graphc_while(ptr %pool, ptr %table, ptr %calls, i64 %n, i64 %max_steps, i64 %holds, ptr %copies,
                         i64 %n_copies, ptr %moves, i64 %n_moves, ptr %swaps, i64 %n_swaps) {{
entry:
{_entry("flag", "holds")}\
  br label %test
test:
  %t = phi i64 [0, %entry], [%t1, %stepped]
  %flag_byte = load i8, ptr %flag_v
  %holds_now = icmp ne i8 %flag_byte, 0
  %room = icmp slt i64 %t, %max_steps
  %again = and i1 %holds_now, %room
  br i1 %again, label %step, label %done
{_STEP}\
done:
  ret i64 %t
}}
"""


def runner_module(layout: ObjectLayout | None = None) -> str:
    """The runner's LLVM module text (the same for every program: compiled once per process), with the
    checked entry @graphc_call (graphc.codegen.llvm.entry) for objects of `layout` when it is known."""
    parts = [_DECLARATIONS, _TAKE_PIECES, _PARALLEL, _WORKER, _RUN, _SCAN, _WHILE]
    if layout is not None:
        parts.append(entry_module_part(layout))
    return "; graphc native runner\n" + "\n".join(parts)


__all__ = ["CALL_FIELDS", "COPY_FIELDS", "MOVE_FIELDS", "POOL_BYTES", "POOL_SYMBOLS", "SWAP_FIELDS", "SYNC_OBJECTS",
           "runner_module"]
