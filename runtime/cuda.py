"""The CUDA backend's runtime: compile the rendered source (cached by hash), place buffers, run the plan.

It only executes: graphc.compile renders and plans (render_program, build_cuda) and
hands this module a plan and a CudaModule.

Compilation: nvcc to a cubin for the device's arch (graphc.codegen.cuda.nvcc), else
NVRTC through cuda-python; the binary is cached by a hash of (source, arch,
flags) in memory and under ~/.cache/graphc/cuda, so a second process skips nvcc;
a disk entry carries the binary's length and sha256, and one that does not match
them (truncated, empty, foreign, a directory in its place) is rebuilt.

Memory: the same ExecutionPlan as the LLVM backend (graphc.codegen.plan, built by graphc.pipeline):
one device arena of the planned peak for intermediates, a device buffer per
input (copied in each call), per output (copied out), per constant (uploaded
once) and per variable.  Variables stay resident on the device: a variable is
uploaded only when the host value passed in is not the array this executable
returned for it last time (the session stores our result as is, so an
unchanged variable is never re-uploaded; `var.assign(v)` is, and so is an array
the llvm backend updated in place, by its store's version); updates are
computed into the plan's buffers, copied into the resident variables after
every kernel ran (updates are simultaneous), and fetched for the session.

    exe = graphc.compile.build_cuda(program, {})    # BackendError here when no GPU/driver/binding
    outputs, new_values = exe(inputs, variables)
    exe.cuda_source()
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence

import numpy as np

from graphc.codegen.cuda.module import CudaModule
from graphc.codegen.cuda.nvcc import NVCC_FLAGS, find_nvcc, nvcc_compile
from graphc.errors import BackendError, FeedError
from graphc.runtime.cuda_launch import Launcher

ALIGN = 256
_BINARIES: dict[str, bytes] = {}
# A disk cache entry: this line, the sha256 of the binary (32 bytes), its length (8 bytes, little-endian), the binary.
CACHE_MAGIC = b"graphc cubin cache 1\n"
MAX_CACHED_BYTES = 1 << 30


def cache_dir() -> str:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "graphc", "cuda")


def compile_binary(source: str, arch: str, compiler: str | None = None) -> bytes:
    """A cubin of `source` for `arch`, from the memory cache, the disk cache, nvcc or NVRTC (in that order).

    `compiler` ("nvcc" or "nvrtc") forces one; the caches are per compiler.
    """
    compiler = compiler or ("nvcc" if find_nvcc() else "nvrtc")
    key = hashlib.sha256("\0".join([source, arch, compiler, *NVCC_FLAGS]).encode()).hexdigest()
    if key in _BINARIES:
        return _BINARIES[key]
    path = os.path.join(cache_dir(), f"{key}.cubin")
    binary = read_cache_entry(path)
    if binary is None:
        binary = nvcc_compile(source, arch, "cubin") if compiler == "nvcc" else nvrtc_compile(source, arch)
        write_cache_entry(path, binary)
    _BINARIES[key] = binary
    return binary


def read_cache_entry(path: str) -> bytes | None:
    """The binary cached at `path`, or None when there is none or the entry is not one we wrote whole.

    The driver would load whatever bytes are there: a truncated write, a full disk or
    another program's file must cost a recompile, never a crash or a wrong kernel.
    """
    header = len(CACHE_MAGIC) + 32 + 8
    try:
        with open(path, "rb") as f:
            data = f.read(header + MAX_CACHED_BYTES + 1)
    except OSError:  # missing, unreadable, a directory
        return None
    if len(data) < header or not data.startswith(CACHE_MAGIC):
        return None
    digest = data[len(CACHE_MAGIC):len(CACHE_MAGIC) + 32]
    size = int.from_bytes(data[header - 8:header], "little")
    binary = data[header:]
    if len(binary) != size or size == 0 or hashlib.sha256(binary).digest() != digest:
        return None
    return binary


def write_cache_entry(path: str, binary: bytes) -> None:
    """Store `binary` with its length and hash, atomically: a concurrent reader sees the old entry or the new."""
    if not binary or len(binary) > MAX_CACHED_BYTES:
        return
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".", suffix=".tmp")  # one per writer
        with os.fdopen(fd, "wb") as f:
            f.write(CACHE_MAGIC + hashlib.sha256(binary).digest() + len(binary).to_bytes(8, "little") + binary)
        os.replace(tmp, path)
    except OSError:  # a read-only home, a directory in the way: only costs a recompile next time
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def nvrtc_compile(source: str, arch: str) -> bytes:
    """A cubin through NVRTC (cuda-python's nvrtc module), for machines with the driver but no toolkit."""
    try:
        try:
            from cuda.bindings import nvrtc
        except ImportError:
            from cuda import nvrtc
    except ImportError:
        raise BackendError("nvcc not found and NVRTC unavailable (install the CUDA toolkit or cuda-python)") from None

    def check(result, what):
        err, *values = result
        if int(err) != 0:
            raise BackendError(f"NVRTC {what} failed: {err}")
        return values[0] if values else None

    prog = check(nvrtc.nvrtcCreateProgram(source.encode(), b"graphc.cu", 0, [], []), "nvrtcCreateProgram")
    options = [f"--gpu-architecture={arch}".encode(), b"-std=c++17", b"-default-device"]
    err, = nvrtc.nvrtcCompileProgram(prog, len(options), options)
    if int(err) != 0:
        size = check(nvrtc.nvrtcGetProgramLogSize(prog), "nvrtcGetProgramLogSize")
        log = b" " * size
        check(nvrtc.nvrtcGetProgramLog(prog, log), "nvrtcGetProgramLog")
        raise BackendError(f"NVRTC could not compile the generated CUDA for {arch}:\n{log.decode(errors='replace')}")
    size = check(nvrtc.nvrtcGetCUBINSize(prog), "nvrtcGetCUBINSize")
    binary = b" " * size
    check(nvrtc.nvrtcGetCUBIN(prog, binary), "nvrtcGetCUBIN")
    return binary


class CudaExecutable:
    backend = "cuda"

    def __init__(self, program, plan, module: CudaModule, launcher: Launcher):
        self.program, self.plan, self.module, self.launcher = program, plan, module, launcher
        launcher.activate()
        self._cubin = _load(launcher, module.source) if plan.kernels else None  # no kernels: nothing to compile
        self.pointers: dict[str, int] = {}
        self._owned: list[int] = []
        arena = launcher.alloc(plan.arena_bytes + ALIGN) if plan.arena_bytes else 0
        if arena:
            self._owned.append(arena)
        base = arena + (-arena) % ALIGN
        for name, spec in plan.buffers.items():
            if spec.kind == "arena":
                self.pointers[name] = base + spec.offset
            else:
                self.pointers[name] = self._alloc(spec.nbytes)
                if spec.kind == "constant":
                    launcher.htod(self.pointers[name], np.ascontiguousarray(spec.value, dtype=spec.dtype))
        self.calls = []
        for k in plan.kernels:
            args = launcher.pack([self.pointers[p.name] for p in k.params])
            for launch in module.launches[k.name]:
                fn = launcher.function(self._cubin, launch.function)
                self.calls.append((fn, launch, args))
        # variable index -> (host array, its store's version then) the device copy equals; version None:
        # an array this executable returned, which nothing writes in place
        self._resident: dict[int, tuple[np.ndarray, int | None]] = {}
        self._lock = threading.Lock()
        self._variables = [(n, s) for n, s in plan.buffers.items() if s.kind == "variable"]
        self._inputs = [(n, s) for n, s in plan.buffers.items() if s.kind == "input"]
        updated = [program.variables[i] for i in program.updated]
        from graphc.codegen.plan import buffer_name

        self._writebacks = [(buffer_name(var), name) for var, name in zip(updated, plan.new_values, strict=True)]

    def _alloc(self, nbytes: int) -> int:
        ptr = self.launcher.alloc(nbytes)
        self._owned.append(ptr)
        return ptr

    def __call__(self, inputs: Sequence[np.ndarray], variables: Sequence[np.ndarray], donate: bool = False):
        p = self.program
        if len(inputs) != len(p.inputs) or len(variables) != len(p.variables):
            raise FeedError(f"expected {len(p.inputs)} inputs and {len(p.variables)} variables, "
                            f"got {len(inputs)} and {len(variables)}")
        with self._lock:  # one call at a time: the device buffers (arena, inputs, outputs) are shared
            return self._call(inputs, variables)

    def _call(self, inputs: Sequence[np.ndarray], variables: Sequence[np.ndarray]):
        p, launcher = self.program, self.launcher
        launcher.activate()
        for name, spec in self._inputs:
            launcher.htod(self.pointers[name], _checked(inputs[spec.index], p.inputs[spec.index], "input"))
        for name, spec in self._variables:
            value = variables[spec.index]
            version = p.variables[spec.index].attrs["store"].version
            seen, seen_version = self._resident.get(spec.index, (None, None))
            if seen is not value or seen_version not in (None, version):  # the llvm backend updates in place
                launcher.htod(self.pointers[name], _checked(value, p.variables[spec.index], "variable"))
                self._resident[spec.index] = (value, version)
        self.launch_kernels()
        outputs = [self._fetch(name) for name in self.plan.outputs]
        new_values = [self._fetch(name) for name in self.plan.new_values]
        for (var_name, new_name), value in zip(self._writebacks, new_values, strict=True):
            if var_name != new_name:
                launcher.dtod(self.pointers[var_name], self.pointers[new_name], value.nbytes)
        for index, value in zip(p.updated, new_values, strict=True):
            self._resident[index] = (value, None)  # the session stores this very array: no upload next call
        launcher.synchronize()
        return outputs, new_values

    def launch_kernels(self) -> None:
        """Launch every kernel on the device-resident buffers as they are (no copies): what benchmarks time."""
        for fn, launch, args in self.calls:
            self.launcher.launch(fn, launch.grid, launch.block, launch.shared_bytes, args)

    def _fetch(self, name: str) -> np.ndarray:
        spec = self.plan.buffers[name]
        if spec.kind == "constant":
            return np.array(spec.value, dtype=spec.dtype)
        out = np.empty(spec.shape, spec.dtype)
        self.launcher.dtoh(out, self.pointers[name])  # synchronous: waits for the kernels before it
        return out

    def __del__(self):
        free_owned(self)

    # ---- inspection ---------------------------------------------------------------------------

    def cuda_source(self) -> str:
        """The generated CUDA C of every kernel (what `graphc compile --target cuda --emit cuda` prints)."""
        return self.module.source

    def memory_plan(self):
        return self.plan.memory

    def kernels(self) -> list[dict]:
        return [k.describe() for k in self.plan.kernels]


def free_owned(executable) -> None:
    """Free the device buffers `executable._owned` through its launcher (from __del__: quietly)."""
    launcher = getattr(executable, "launcher", None)
    for ptr in getattr(executable, "_owned", []):
        try:
            launcher.free(ptr)
        except Exception:  # interpreter shutdown: the context may be gone already
            pass


def _load(launcher: Launcher, source: str):
    """The loaded module of `source`: our cubin (or the launcher's own image), or, when the driver refuses an nvcc
    cubin (a toolkit newer than the driver), one from NVRTC (cuda-python's, usually matching the driver) where that
    is installed."""
    arch = launcher.arch()
    builds_own = type(launcher).compile is not Launcher.compile
    try:
        return launcher.load(launcher.compile(source, arch) if builds_own else compile_binary(source, arch))
    except BackendError as first:
        if builds_own or not find_nvcc() or not nvrtc_available():
            raise
        try:
            return launcher.load(compile_binary(source, arch, "nvrtc"))
        except BackendError as second:
            raise BackendError(f"{first}\nretried with NVRTC: {second}") from None


def nvrtc_available() -> bool:
    try:
        try:
            from cuda.bindings import nvrtc  # noqa: F401
        except ImportError:
            from cuda import nvrtc  # noqa: F401
    except ImportError:
        return False
    return True


def _checked(array, node, what: str) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype != node.dtype or array.shape != tuple(node.shape):
        raise FeedError(f"{what} {node.label!r} expects {node.dtype} of shape {tuple(node.shape)}, "
                        f"got {array.dtype} of shape {array.shape}")
    return np.ascontiguousarray(array)
