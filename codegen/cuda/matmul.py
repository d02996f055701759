"""The matmul kernel: C = A @ B register-tiled through shared memory, with the fused epilogue applied at the store.

A block of 16 x 16 threads computes a BM x BN tile of C; each thread owns a
TM x TN sub-grid of it (rows ty + 16 i, columns tx + 16 j: neighbouring
threads hold neighbouring columns, so the final stores are coalesced and the
shared-memory reads of B are conflict-free while those of A are broadcasts).
Per BK-slice of the k axis every thread copies 4 elements of A and 4 of B into
shared memory (A stored k-major), then does TM x TN multiply-adds per k from
registers: the register tile is what gives each shared load TM (or TN) uses.

- TM = TN = 8, a 128 x 128 tile, BK = 8, for 4-byte types when C is at least
  128 x 128 (enough blocks to fill the device); TM = TN = 4, 64 x 64, BK = 16
  otherwise (and for float64, where 64 accumulators would spill).
- Global -> shared copies read along A's and B's contiguous axis (their
  strides say which), so both a row-major and a transposed operand coalesce.
- Batches (C's leading dims, broadcast through zero strides) run on grid z.
- The epilogue (the kernel's elementwise phase: bias, activation, ...) is
  rendered into the store: its loads of C become the accumulator register, the
  other loads index with i<d> = the output element's coordinates.  C itself is
  still stored (the kernel IR does not say whether another kernel reads it).
  When the epilogue reads C at any other element than the one being stored,
  it runs as a second, elementwise launch after the matmul instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from codegen.cuda.scalar import c_type
from codegen.kernel_ir import Kernel, Load

THREADS_X = THREADS_Y = 16  # 256 threads per block
COPIES = 4                  # elements of A (and of B) each thread copies per k-slice: BM * BK = 1024


@dataclass(frozen=True)
class Tiling:
    tm: int  # rows of C per thread
    tn: int  # columns of C per thread

    @property
    def bm(self) -> int:
        return THREADS_Y * self.tm

    @property
    def bn(self) -> int:
        return THREADS_X * self.tn

    @property
    def bk(self) -> int:
        return THREADS_X * THREADS_Y * COPIES // self.bm


def tiling_for(kernel: Kernel) -> Tiling:
    mm = kernel.matmul
    if np.dtype(mm.dtype).itemsize <= 4 and mm.m >= 128 and mm.n >= 128:
        return Tiling(8, 8)
    return Tiling(4, 4)


def c_load_operands(kernel: Kernel) -> set[int] | None:
    """Indices of the epilogue operands that read C at the element being stored; None when one reads another."""
    mm, found = kernel.matmul, set()
    nb = len(mm.batch)
    if len(kernel.dims) != nb + 2 or [d.size for d in kernel.dims] != [*mm.batch, mm.m, mm.n] or kernel.reduce_dims:
        return None
    want = [*mm.c.batch_strides, mm.c.row_stride, mm.c.col_stride]
    for i, op in enumerate(kernel.operands):
        if not isinstance(op, Load) or op.access.buffer != mm.c.buffer:
            continue
        same = op.access.offset == mm.c.offset and all(
            s == w for s, w, d in zip(op.access.strides, want, kernel.dims, strict=True) if d.size > 1)
        if not same:
            return None
        found.add(i)
    return found


def _copy_loop(lines: list[str], buffer: str, off: str, rows: str, cols: str, row_stride: int,
               col_stride: int, tile_rows: int, tile_cols: int, dest: str, t: str) -> None:
    """Copy a tile_rows x tile_cols tile of a matrix into shared `dest`, consecutive threads along its contiguous axis.

    `dest` is indexed [k][m-or-n]: for A the tile's columns are k, for B its rows are.
    """
    along_cols = col_stride == 1 or row_stride != 1
    lines.append("      #pragma unroll")
    lines.append(f"      for (int q = 0; q < {COPIES}; ++q) {{")
    lines.append("        const int e = t + 256 * q;")
    if along_cols:
        lines.append(f"        const int tr = e / {tile_cols}, tc = e % {tile_cols};")
    else:
        lines.append(f"        const int tr = e % {tile_rows}, tc = e / {tile_rows};")
    lines.append(f"        const long long gr = {rows}0 + tr, gc = {cols}0 + tc;")
    value = (f"(gr < {rows}_n && gc < {cols}_n) ? {buffer}[{off} + gr * {row_stride}LL + gc * {col_stride}LL]"
             f" : ({t})0")
    lines.append(f"        {dest} = {value};")
    lines.append("      }")


def render_matmul(r, fuse: bool) -> str:
    """CUDA C of the kernel's matmul (with the epilogue when `fuse`); appends its Launch to r.launches."""
    from codegen.cuda.renderer import Launch

    k = r.k
    mm, name = k.matmul, f"{k.name}_matmul"
    tile = tiling_for(k)
    t = c_type(mm.dtype)
    batch = int(np.prod(mm.batch, dtype=np.int64))
    nb = len(mm.batch)
    a, b, c = mm.a, mm.b, mm.c
    pa, pb, pc = r.local[a.buffer], r.local[b.buffer], r.local[c.buffer]
    lines = r.lines
    lines.append(f"  __shared__ {t} As[{tile.bk}][{tile.bm} + 4];  // k-major: a thread's rows are one k apart")
    lines.append(f"  __shared__ {t} Bs[{tile.bk}][{tile.bn} + 4];")
    lines.append(f"  const int tx = threadIdx.x, ty = threadIdx.y, t = ty * {THREADS_X} + tx;")
    lines.append(f"  const long long m_n = {mm.m}LL, n_n = {mm.n}LL, k_n = {mm.k}LL;")
    lines.append(f"  const long long m0 = (long long)blockIdx.y * {tile.bm}, n0 = (long long)blockIdx.x * {tile.bn};")
    lines.append(f"  for (long long b = blockIdx.z; b < {batch}LL; b += gridDim.z) {{")
    lines.append("    long long b_rem = b;")
    offs = {"a": str(a.offset), "b": str(b.offset), "c": str(c.offset)}
    for d in reversed(range(nb)):
        lines.append(f"    const long long i{d} = b_rem % {mm.batch[d]}LL; b_rem /= {mm.batch[d]}LL;")
        for key, mat in (("a", a), ("b", b), ("c", c)):
            if mat.batch_strides[d]:
                offs[key] += f" + i{d} * {mat.batch_strides[d]}LL"
    for key in offs:
        lines.append(f"    const long long off_{key} = {offs[key]};")
    lines.append(f"    {t} acc[{tile.tm}][{tile.tn}];")
    lines.append("    #pragma unroll")
    lines.append(f"    for (int i = 0; i < {tile.tm}; ++i) {{")
    lines.append("      #pragma unroll")
    lines.append(f"      for (int j = 0; j < {tile.tn}; ++j) {{ acc[i][j] = ({t})0; }}")
    lines.append("    }")
    lines.append(f"    for (long long k0 = 0; k0 < k_n; k0 += {tile.bk}) {{")
    # A tile: bm rows (m) x bk columns (k), stored As[k][m]; B tile: bk rows (k) x bn columns (n), stored Bs[k][n]
    _copy_loop(lines, pa, "off_a", "m", "k", a.row_stride, a.col_stride, tile.bm, tile.bk, "As[tc][tr]", t)
    _copy_loop(lines, pb, "off_b", "k", "n", b.row_stride, b.col_stride, tile.bk, tile.bn, "Bs[tr][tc]", t)
    lines.append("      __syncthreads();")
    lines.append("      #pragma unroll")
    lines.append(f"      for (int kk = 0; kk < {tile.bk}; ++kk) {{")
    lines.append(f"        {t} av[{tile.tm}], bv[{tile.tn}];")
    lines.append("        #pragma unroll")
    lines.append(f"        for (int i = 0; i < {tile.tm}; ++i) {{ av[i] = As[kk][ty + {THREADS_Y} * i]; }}")
    lines.append("        #pragma unroll")
    lines.append(f"        for (int j = 0; j < {tile.tn}; ++j) {{ bv[j] = Bs[kk][tx + {THREADS_X} * j]; }}")
    lines.append("        #pragma unroll")
    lines.append(f"        for (int i = 0; i < {tile.tm}; ++i) {{")
    lines.append("          #pragma unroll")
    lines.append(f"          for (int j = 0; j < {tile.tn}; ++j) {{ acc[i][j] += av[i] * bv[j]; }}")
    lines.append("        }")
    lines.append("      }")
    lines.append("      __syncthreads();")
    lines.append("    }")
    lines.append("    #pragma unroll")
    lines.append(f"    for (int i = 0; i < {tile.tm}; ++i) {{")
    lines.append("      #pragma unroll")
    lines.append(f"      for (int j = 0; j < {tile.tn}; ++j) {{")
    lines.append(f"        const long long i{nb} = m0 + ty + {THREADS_Y} * i, i{nb + 1} = n0 + tx + {THREADS_X} * j;")
    lines.append(f"        if (i{nb} < m_n && i{nb + 1} < n_n) {{")
    lines.append(f"          const {t} c_val = acc[i][j];")
    lines.append(f"          {pc}[off_c + i{nb} * {c.row_stride}LL + i{nb + 1} * {c.col_stride}LL] = c_val;")
    if fuse:
        r.overrides = {i: "c_val" for i in c_load_operands(k)}
        for phase in k.phases:
            r.stores(phase.stores, "          ")
        r.overrides = {}
    lines.append("        }")
    lines.append("      }")
    lines.append("    }")
    lines.append("  }")
    grid = (max(1, -(-mm.n // tile.bn)), max(1, -(-mm.m // tile.bm)), max(1, min(batch, 65535)))
    if mm.m and mm.n:
        r.launches.append(Launch(name, grid, (THREADS_X, THREADS_Y, 1)))
    return r.body(name)
