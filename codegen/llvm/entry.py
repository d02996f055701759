"""The checked entry: one native call that validates a call's arrays, fills the pointer table and runs.

A call of a compiled program used to check each fed array in Python, write each data pointer into
the pointer table with a ctypes store, and then enter the runner: about a microsecond per array
before any kernel ran.  This entry takes the arrays themselves (a Python list of ndarrays, passed as
a `PyObject *`) and reads the few fields of each ndarray object that the checks need:

    i64 @graphc_call(ptr block, ptr objects)
        block: the call's fixed part, ENTRY_HEADER i64s then one CHECK_FIELDS record per array slot:
            header: pool, table, calls, n_calls, n_records, n_objects
            record: (object index, type, descr, ndim, dims address, table slot)
        For each record: the object's type must be `type` exactly, its dtype object `descr`, its
        ndim `ndim`, its shape the `ndim` i64s at `dims`, and its flags C-contiguous and aligned;
        then its data pointer is written to table entry `slot` (none for slot -1).  A record of
        type 0 is an array the executable made itself (an output): its pointer is written unchecked.
        Returns 0 once every check passed and the calls ran (graphc_run); i + 1 when record i failed
        and -1 when the list is not n_objects long, before any kernel ran: the caller then takes the
        general path, which converts what it can and raises the FeedError the user should see.

The checks accept only what the general path would pass as is (runtime/arrays.py `ready`), so a
rejection costs speed, never a result.  Where an ndarray or a list keeps those fields is the
interpreter's and numpy's layout: the runtime measures it on live objects (graphc.runtime.native_entry)
and renders this entry with those offsets, or does without it when they cannot be confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTRY_HEADER = 6  # pool, table, calls, n_calls, n_records, n_objects
CHECK_FIELDS = 6  # object index, type, descr, ndim, dims address, table slot
C_CONTIGUOUS, ALIGNED = 0x1, 0x100  # numpy's NPY_ARRAY_C_CONTIGUOUS and NPY_ARRAY_ALIGNED flags


@dataclass(frozen=True)
class ObjectLayout:
    """Byte offsets, in the objects the entry reads, of the fields it needs."""

    list_size: int   # PyListObject: ob_size (i64)
    list_items: int  # PyListObject: ob_item (ptr to the items)
    type: int        # every object: ob_type (ptr)
    data: int        # ndarray: data (ptr)
    ndim: int        # ndarray: nd (i32)
    dims: int        # ndarray: dimensions (ptr to i64s)
    descr: int       # ndarray: descr (ptr)
    flags: int       # ndarray: flags (i32)


def _header(name: str, k: int) -> str:
    return f"  %{name}_p = getelementptr i64, ptr %block, i64 {k}\n  %{name} = load i64, ptr %{name}_p\n"


def _field(k: int) -> str:
    return f"  %f{k}_p = getelementptr i64, ptr %rec, i64 {k}\n  %f{k} = load i64, ptr %f{k}_p\n"


def _at(name: str, offset: int, ty: str) -> str:
    """`%<name>` = the `ty` at byte `offset` of the object `%obj`."""
    return f"  %{name}_p = getelementptr i8, ptr %obj, i64 {offset}\n  %{name} = load {ty}, ptr %{name}_p\n"


def entry_module_part(layout: ObjectLayout) -> str:
    """The LLVM IR of @graphc_call for objects of this layout (it calls the runner's @graphc_run)."""
    both = C_CONTIGUOUS | ALIGNED
    return f"""\
define i64 @graphc_call(ptr %block, ptr %objects) {{
entry:
{_header("pool", 0)}{_header("table", 1)}{_header("calls", 2)}{_header("n_calls", 3)}\
{_header("n_records", 4)}{_header("n_objects", 5)}\
  %size_p = getelementptr i8, ptr %objects, i64 {layout.list_size}
  %size = load i64, ptr %size_p
  %size_ok = icmp eq i64 %size, %n_objects
  br i1 %size_ok, label %start, label %wrong_size
wrong_size:
  ret i64 -1
start:
  %items_p = getelementptr i8, ptr %objects, i64 {layout.list_items}
  %items = load ptr, ptr %items_p
  %table_ptr = inttoptr i64 %table to ptr
  %any = icmp sgt i64 %n_records, 0
  br i1 %any, label %record, label %run
record:
  %i = phi i64 [0, %start], [%i1, %next]
  %at = mul i64 %i, {CHECK_FIELDS}
  %at1 = add i64 %at, {ENTRY_HEADER}
  %rec = getelementptr i64, ptr %block, i64 %at1
{"".join(_field(k) for k in range(CHECK_FIELDS))}\
  %obj_p = getelementptr ptr, ptr %items, i64 %f0
  %obj = load ptr, ptr %obj_p
  %unchecked = icmp eq i64 %f1, 0
  br i1 %unchecked, label %place, label %check
check:
{_at("type", layout.type, "i64")}\
  %type_ok = icmp eq i64 %type, %f1
  br i1 %type_ok, label %check_array, label %reject
check_array:
{_at("descr", layout.descr, "i64")}{_at("nd", layout.ndim, "i32")}{_at("flags", layout.flags, "i32")}\
  %descr_ok = icmp eq i64 %descr, %f2
  %nd64 = sext i32 %nd to i64
  %nd_ok = icmp eq i64 %nd64, %f3
  %flags_both = and i32 %flags, {both}
  %flags_ok = icmp eq i32 %flags_both, {both}
  %ok1 = and i1 %descr_ok, %nd_ok
  %ok2 = and i1 %ok1, %flags_ok
  br i1 %ok2, label %dims_head, label %reject
dims_head:
{_at("dims", layout.dims, "ptr")}\
  %want_dims = inttoptr i64 %f4 to ptr
  %any_dim = icmp sgt i64 %f3, 0
  br i1 %any_dim, label %dim, label %place
dim:
  %d = phi i64 [0, %dims_head], [%d1, %dim_ok]
  %got_p = getelementptr i64, ptr %dims, i64 %d
  %got = load i64, ptr %got_p
  %want_p = getelementptr i64, ptr %want_dims, i64 %d
  %want = load i64, ptr %want_p
  %same = icmp eq i64 %got, %want
  br i1 %same, label %dim_ok, label %reject
dim_ok:
  %d1 = add i64 %d, 1
  %more_dims = icmp slt i64 %d1, %f3
  br i1 %more_dims, label %dim, label %place
place:
  %placed = icmp sge i64 %f5, 0
  br i1 %placed, label %store, label %next
store:
{_at("data", layout.data, "ptr")}\
  %entry_p = getelementptr ptr, ptr %table_ptr, i64 %f5
  store ptr %data, ptr %entry_p
  br label %next
next:
  %i1 = add i64 %i, 1
  %checked_all = icmp eq i64 %i1, %n_records
  br i1 %checked_all, label %run, label %record
reject:
  %failed = add i64 %i, 1
  ret i64 %failed
run:
  %pool_ptr = inttoptr i64 %pool to ptr
  %calls_ptr = inttoptr i64 %calls to ptr
  call void @graphc_run(ptr %pool_ptr, ptr %table_ptr, ptr %calls_ptr, i64 %n_calls)
  ret i64 0
}}
"""


__all__ = ["ALIGNED", "CHECK_FIELDS", "C_CONTIGUOUS", "ENTRY_HEADER", "ObjectLayout", "entry_module_part"]
