"""Vectorized elementwise kernels: each thread of the grid-stride loop takes 4 consecutive elements at a time.

Four consecutive flat indices (a group; its first is a multiple of 4) read each
operand in one of two ways, decided from the kernel IR's strides at render time:
- a run: the 4 lanes read 4 consecutive elements, base + j.  True of an
  access contiguous in the flat index (same shape, offset + flat), and of one
  contiguous along the innermost dim when that dim's size is a multiple of 4
  (a group then stays inside one row: a bias added to every row);
- the same element for all 4 lanes: an access constant along the innermost
  dim (a per-row value: x - max(x, axis=-1)), again when that size is a
  multiple of 4, or one constant everywhere.
A run whose first element is aligned for a 16-byte access (4 floats, 2 x 2
doubles, 4 bytes of bool) is one `GcVec4` load or store (LDG.128 / STG.128);
others are 4 scalar accesses.  Alignment is known at render time from the
element offset and strides, assuming the buffer's base is 16-byte aligned
(the CUDA runtime's arena and allocations are 256-byte aligned); the kernel
still checks its base pointers at run time and, when one is not aligned, runs
the plain scalar loop instead.  The last n % 4 elements always go through the
scalar loop.  Kernels whose accesses fit neither way (transposes, a broadcast
along the innermost dim of a size not a multiple of 4) render scalar only.

`GC_VECTORIZE(aligned)` wraps the run-time check so a test harness can see
which path ran.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphc.codegen.cuda.half import is_half
from graphc.codegen.cuda.scalar import c_type
from graphc.codegen.kernel_ir import Access, Kernel, Load, LoopIndex

LANES = 4

VECTOR_PRELUDE = r"""
#ifndef GC_VECTORIZE
#define GC_VECTORIZE(aligned) (aligned)
#endif
// 4 consecutive elements, aligned as one 16-byte access allows (4 for 1-byte, 8 for 2-byte types)
template <typename T> struct alignas(sizeof(T) >= 4 ? 16 : 4 * sizeof(T)) GcVec4 { T v[4]; };
template <typename T> __device__ __forceinline__ GcVec4<T> gc_load4(const T* p) {
  return *reinterpret_cast<const GcVec4<T>*>(p);
}
template <typename T> __device__ __forceinline__ void gc_store4(T* p, const GcVec4<T>& v) {
  *reinterpret_cast<GcVec4<T>*>(p) = v;
}
"""


def align_bytes(dtype) -> int:
    """The alignment GcVec4<dtype> needs."""
    size = np.dtype(dtype).itemsize
    return 16 if size >= 4 else LANES * size


@dataclass(frozen=True)
class GroupAccess:
    """How a group of 4 lanes touches one access."""

    run: bool     # lane j at base + j (else: the one element at `base` for every lane)
    flat: bool    # base = offset + flat (no per-dim indices needed)
    vector: bool  # a run aligned for one GcVec4 access


@dataclass
class VectorPlan:
    loads: dict[int, GroupAccess]   # operand index -> access
    stores: list[GroupAccess]       # per store, in kernel order (phases, then final)
    inner: int                      # the innermost dim of size > 1
    needs_indices: bool             # some access or LoopIndex needs i<d>, not just flat


def classify(k: Kernel, access: Access, dtype) -> GroupAccess | None:
    par = k.parallel_dims
    eff = [d for d in par if k.dims[d].size > 1]
    row_major, step = {}, 1
    for d in reversed(par):
        row_major[d] = step
        step *= k.dims[d].size
    inner = eff[-1]
    rows_ok = k.dims[inner].size % LANES == 0
    strides = {d: access.strides[d] for d in eff}
    need = align_bytes(dtype) // np.dtype(dtype).itemsize
    if not any(strides.values()):
        return GroupAccess(run=False, flat=True, vector=False)
    if all(strides[d] == row_major[d] for d in eff):
        return GroupAccess(run=True, flat=True, vector=access.offset % need == 0)
    if rows_ok and strides[inner] == 1:
        aligned = access.offset % need == 0 and all(strides[d] % need == 0 for d in eff[:-1])
        return GroupAccess(run=True, flat=False, vector=aligned)
    if rows_ok and strides[inner] == 0:
        return GroupAccess(run=False, flat=False, vector=False)
    return None


def plan_vectors(k: Kernel) -> VectorPlan | None:
    """How each access of an elementwise kernel is read by a group of 4 lanes; None when some access does not fit."""
    par = k.parallel_dims
    eff = [d for d in par if k.dims[d].size > 1]
    n = int(np.prod([k.dims[d].size for d in par], dtype=np.int64))
    if k.reduce_dims or not eff or n < 2 * LANES or any(is_half(p.dtype) for p in k.params):
        return None  # GcVec4 holds the register type: half buffers take the element loop
    inner = eff[-1]
    rows_ok = k.dims[inner].size % LANES == 0
    loads, needs_indices = {}, False
    for i, op in enumerate(k.operands):
        if isinstance(op, LoopIndex):
            if not rows_ok:
                return None
            needs_indices = True
        elif isinstance(op, Load):
            g = classify(k, op.access, op.dtype)
            if g is None:
                return None
            needs_indices |= not g.flat
            loads[i] = g
        else:
            return None
    dtypes = {p.name: p.dtype for p in k.params}
    stores = []
    for st in [s for p in k.phases for s in p.stores] + k.final_stores:
        if st.add_at is not None:
            return None  # an indirect add: one lane at a time, atomically
        g = classify(k, st.access, dtypes[st.access.buffer])
        if g is None or not g.run:
            return None
        needs_indices |= not g.flat
        stores.append(g)
    if not any(g.vector for g in [*loads.values(), *stores]):
        return None
    return VectorPlan(loads, stores, inner, needs_indices)


def render_vector_loop(r, plan: VectorPlan, indent: str = "  ") -> None:
    """The vector part of an elementwise kernel (r: its CudaKernelRenderer): declares `done`, the elements it did."""
    k, lines = r.k, r.lines
    dtypes = {p.name: p.dtype for p in k.params}
    stores = [s for p in k.phases for s in p.stores] + k.final_stores
    vector_buffers = sorted({k.operands[i].access.buffer for i, g in plan.loads.items() if g.vector}
                            | {s.access.buffer for s, g in zip(stores, plan.stores, strict=True) if g.vector},
                            key=lambda name: r.local[name])
    checks = " && ".join(f"(unsigned long long){r.local[b]} % {align_bytes(dtypes[b])}ULL == 0"
                         for b in vector_buffers)
    lines.append(f"{indent}const bool vec = GC_VECTORIZE({checks});")
    lines.append(f"{indent}const long long done = vec ? n / {LANES} * {LANES} : 0;")
    lines.append(f"{indent}if (vec) {{")
    lines.append(f"{indent}  for (long long g = (long long)blockIdx.x * blockDim.x + threadIdx.x; g < n / {LANES};"
                 f" g += (long long)gridDim.x * blockDim.x) {{")
    body = indent + "    "
    lines.append(f"{body}const long long flat = g * {LANES};")
    if plan.needs_indices:
        r.unflatten("flat", k.parallel_dims, body)

    def base(access: Access, g: GroupAccess) -> str:
        if g.flat and g.run:
            return f"flat + {access.offset}" if access.offset else "flat"
        return r.index(access)

    overrides = {}
    for i, g in plan.loads.items():
        access, p = k.operands[i].access, r.local[k.operands[i].access.buffer]
        t = c_type(k.operands[i].dtype)
        if g.vector:
            lines.append(f"{body}const GcVec4<{t}> L{i} = gc_load4({p} + ({base(access, g)}));")
            overrides[i] = f"L{i}.v[j]"
        elif g.run:
            overrides[i] = f"{p}[{base(access, g)} + j]"
        else:
            lines.append(f"{body}const {t} B{i} = {p}[{base(access, g)}];")
            overrides[i] = f"B{i}"
    for i, op in enumerate(k.operands):
        if isinstance(op, LoopIndex):
            overrides[i] = f"(long long)(i{op.dim} + j)" if op.dim == plan.inner else f"(long long)i{op.dim}"
    for s, (st, g) in enumerate(zip(stores, plan.stores, strict=True)):
        if g.vector:
            lines.append(f"{body}GcVec4<{c_type(dtypes[st.access.buffer])}> S{s};")
    lines.append(f"{body}#pragma unroll")
    lines.append(f"{body}for (int j = 0; j < {LANES}; ++j) {{")
    r.overrides = overrides
    names = r.emit_values([st.expr for st in stores], body + "  ")
    r.overrides = {}
    for s, (st, g, name) in enumerate(zip(stores, plan.stores, names, strict=True)):
        t = c_type(dtypes[st.access.buffer])
        target = f"S{s}.v[j]" if g.vector else f"{r.local[st.access.buffer]}[{base(st.access, g)} + j]"
        lines.append(f"{body}  {target} = ({t}){name};")
    lines.append(f"{body}}}")
    for s, (st, g) in enumerate(zip(stores, plan.stores, strict=True)):
        if g.vector:
            lines.append(f"{body}gc_store4({r.local[st.access.buffer]} + ({base(st.access, g)}), S{s});")
    lines.append(f"{indent}  }}")
    lines.append(f"{indent}}}")
