"""The matmul kernel: C = A @ B register-tiled through shared memory, with the fused epilogue applied at the store.

A block of 16 x 16 threads computes a BM x BN tile of C; each thread owns a
TM x TN sub-grid of it, in 4 x 4 pieces 64 rows / columns apart (rows
64 c + 4 ty + q, columns 64 c + 4 tx + q): per k a thread reads its TM values
of A and TN of B from shared memory as 16-byte loads (A is stored k-major so
its rows are contiguous there; the 16 threads of a half-warp read 16
consecutive 4-wide pieces of B, those of A are broadcasts), then does TM x TN
multiply-adds from registers: the register tile is what gives each shared
load TM (or TN) uses.  Per BK-slice of the k axis every thread first copies 4
elements of A and 4 of B into shared memory.

- TM = TN = 8, a 128 x 128 tile, BK = 8, for 4-byte types when C is at least
  128 x 128 (enough blocks to fill the device), capped at 128 registers (two
  blocks per SM) unless an epilogue is fused (ptxas would then spill: one
  block of 8 warps per SM); TM = TN = 4, 64 x 64, BK = 16 otherwise (and for float64,
  where 64 accumulators would spill).
- Global -> shared copies read along A's and B's contiguous axis (their
  strides say which), so both a row-major and a transposed operand coalesce.
- Batches (C's leading dims, broadcast through zero strides) run on grid z.
- Index arithmetic is 32-bit when every buffer has fewer than 2**31 elements
  (fewer registers), 64-bit otherwise.
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

from graphc.codegen.cuda import half
from graphc.codegen.cuda.module import Launch
from graphc.codegen.cuda.scalar import c_type
from graphc.codegen.kernel_ir import Kernel, Load

THREADS_X = THREADS_Y = 16  # 256 threads per block
COPIES = 4                  # elements of A (and of B) each thread copies per k-slice: BM * BK = 1024
PIECE = 4 * THREADS_X       # a thread's 4 x 4 pieces of C are this many rows / columns apart


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
               col_stride: int, tile_rows: int, tile_cols: int, dest: str, t: str, idx: str, sfx: str,
               dtype=None) -> None:
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
    lines.append(f"        const {idx} gr = {rows}0 + tr, gc = {cols}0 + tc;")
    element = half.load_text(f"{buffer}[{off} + gr * {row_stride}{sfx} + gc * {col_stride}{sfx}]", dtype)
    value = f"(gr < {rows}_n && gc < {cols}_n) ? {element} : ({t})0"
    lines.append(f"        {dest} = {value};")
    lines.append("      }")


def _fragment(t: str, name: str, first: str, count: int) -> list[str]:
    """Lines loading `count` values (pieces of 4, PIECE apart, c counting them) from shared memory into name[]."""
    return ["        #pragma unroll",
            f"        for (int c = 0; c < {count // 4}; ++c) {{",
            f"          const GcVec4<{t}> piece = *reinterpret_cast<const GcVec4<{t}>*>(&{first});",
            "          #pragma unroll",
            f"          for (int q = 0; q < 4; ++q) {{ {name}[4 * c + q] = piece.v[q]; }}",
            "        }"]


def render_matmul(r, fuse: bool) -> str:
    """CUDA C of the kernel's matmul (with the epilogue when `fuse`); appends its Launch to r.launches."""
    k = r.k
    mm, name = k.matmul, f"{k.name}_matmul"
    tile = tiling_for(k)
    t = c_type(mm.dtype)
    batch = int(np.prod(mm.batch, dtype=np.int64))
    nb = len(mm.batch)
    a, b, c = mm.a, mm.b, mm.c
    pa, pb, pc = r.local[a.buffer], r.local[b.buffer], r.local[c.buffer]
    lines = r.lines
    # rows of (BM + 4) elements: a multiple of 16 bytes, so every 4-wide piece is one aligned 16-byte load
    if r.device:  # a function of a loop kernel: 1-d blocks of 256 threads walk the tiles (below)
        itemsize = 4 if half.is_half(mm.dtype) else np.dtype(mm.dtype).itemsize  # the register type's
        lines.append("  " + r.shared_array(t, itemsize, "As", (tile.bk, tile.bm + 4), 16))
        lines.append("  " + r.shared_array(t, itemsize, "Bs", (tile.bk, tile.bn + 4), 16))
        lines.append(f"  const int tx = threadIdx.x % {THREADS_X}, ty = threadIdx.x / {THREADS_X}, t = threadIdx.x;")
    else:
        lines.append(f"  __shared__ __align__(16) {t} As[{tile.bk}][{tile.bm} + 4];"
                     "  // k-major: a thread's rows adjoin")
        lines.append(f"  __shared__ __align__(16) {t} Bs[{tile.bk}][{tile.bn} + 4];")
        lines.append(f"  const int tx = threadIdx.x, ty = threadIdx.y, t = ty * {THREADS_X} + tx;")
    # 32-bit index arithmetic (fewer registers) when every buffer has fewer than 2**31 elements
    idx, sfx = ("int", "") if max(p.size for p in k.params) < 2**31 and batch < 2**31 else ("long long", "LL")
    lines.append(f"  const {idx} m_n = {mm.m}{sfx}, n_n = {mm.n}{sfx}, k_n = {mm.k}{sfx};")
    tiles_m, tiles_n = -(-mm.m // tile.bm), -(-mm.n // tile.bn)
    if r.device:  # every (batch, row tile, column tile) in turn, whatever the grid
        lines.append(f"  for ({idx} tile = blockIdx.x; tile < {batch * tiles_m * tiles_n}{sfx}; tile += gridDim.x) {{")
        batch_index = f"b = tile / {tiles_m * tiles_n}{sfx}, " if nb else ""
        lines.append(f"    const {idx} {batch_index}m0 = tile / {tiles_n}{sfx} % {tiles_m}{sfx} * {tile.bm}, "
                     f"n0 = tile % {tiles_n}{sfx} * {tile.bn};")
    else:
        lines.append(f"  const {idx} m0 = ({idx})blockIdx.y * {tile.bm}, n0 = ({idx})blockIdx.x * {tile.bn};")
        lines.append(f"  for ({idx} b = blockIdx.z; b < {batch}{sfx}; b += gridDim.z) {{")
    if nb:
        lines.append(f"    {idx} b_rem = b;")
    offs = {"a": str(a.offset), "b": str(b.offset), "c": str(c.offset)}
    for d in reversed(range(nb)):
        lines.append(f"    const {idx} i{d} = b_rem % {mm.batch[d]}{sfx}; b_rem /= {mm.batch[d]}{sfx};")
        for key, mat in (("a", a), ("b", b), ("c", c)):
            if mat.batch_strides[d]:
                offs[key] += f" + i{d} * {mat.batch_strides[d]}{sfx}"
    for key in offs:
        lines.append(f"    const {idx} off_{key} = {offs[key]};")
    lines.append(f"    {t} acc[{tile.tm}][{tile.tn}];")
    lines.append("    #pragma unroll")
    lines.append(f"    for (int i = 0; i < {tile.tm}; ++i) {{")
    lines.append("      #pragma unroll")
    lines.append(f"      for (int j = 0; j < {tile.tn}; ++j) {{ acc[i][j] = ({t})0; }}")
    lines.append("    }")
    lines.append(f"    for ({idx} k0 = 0; k0 < k_n; k0 += {tile.bk}) {{")
    # A tile: bm rows (m) x bk columns (k), stored As[k][m]; B tile: bk rows (k) x bn columns (n), stored Bs[k][n]
    _copy_loop(lines, pa, "off_a", "m", "k", a.row_stride, a.col_stride, tile.bm, tile.bk, "As[tc][tr]", t, idx, sfx,
               mm.dtype)
    _copy_loop(lines, pb, "off_b", "k", "n", b.row_stride, b.col_stride, tile.bk, tile.bn, "Bs[tr][tc]", t, idx, sfx,
               mm.dtype)
    lines.append("      __syncthreads();")
    lines.append("      #pragma unroll")
    lines.append(f"      for (int kk = 0; kk < {tile.bk}; ++kk) {{")
    lines.append(f"        {t} av[{tile.tm}], bv[{tile.tn}];")
    lines += _fragment(t, "av", f"As[kk][c * {PIECE} + ty * 4]", tile.tm)
    lines += _fragment(t, "bv", f"Bs[kk][c * {PIECE} + tx * 4]", tile.tn)
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
    lines.append(f"        const {idx} i{nb} = m0 + (i / 4) * {PIECE} + ty * 4 + i % 4, "
                 f"i{nb + 1} = n0 + (j / 4) * {PIECE} + tx * 4 + j % 4;")
    lines.append(f"        if (i{nb} < m_n && i{nb + 1} < n_n) {{")
    c_at = f"{pc}[off_c + i{nb} * {c.row_stride}{sfx} + i{nb + 1} * {c.col_stride}{sfx}]"
    scaled = "acc[i][j]" if mm.alpha == 1.0 else f"({t}){mm.alpha!r} * acc[i][j]"
    if half.is_half(mm.dtype):  # float tiles and accumulators; C rounded once, its epilogue reads the rounding
        previous = f"{half.load_text(c_at, mm.dtype)} + " if mm.accumulate else ""
        lines.append(f"          const {t} c_val = {half.round_text(previous + scaled, mm.dtype)};")
        lines.append(f"          {c_at} = {half.store_text('c_val', mm.dtype)};")
    else:
        lines.append(f"          const {t} c_val = {f'{c_at} + ' if mm.accumulate else ''}{scaled};")
        lines.append(f"          {c_at} = c_val;")
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
    text = r.body(name)
    if tile.tm == 8 and not fuse:  # <= 128 registers: two blocks per SM (with an epilogue, ptxas would spill)
        threads = THREADS_X * THREADS_Y
        text = text.replace(f"__launch_bounds__({threads})", f"__launch_bounds__({threads}, 2)", 1)
    return text
