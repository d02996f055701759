"""One small launcher interface over NVIDIA's driver API, with two implementations: pycuda and cuda-python.

The CUDA executable needs only: load a cubin (which it compiles itself, through
graphc.runtime.cuda.compile_binary, unless the launcher builds its own image), find a
function, allocate, copy, pack pointer arguments once, launch, synchronize.  `open_launcher()` checks what is
present, in the order a user can fix it, and raises BackendError naming the
missing piece: the driver (libcuda.so.1), a Python binding (pycuda, the `cuda`
extra, else NVIDIA's cuda-python), a device.

    launcher = open_launcher()
    fn = launcher.function(launcher.load(cubin), "k0")
    ptr = launcher.alloc(1024); launcher.htod(ptr, array)
    launcher.launch(fn, (4, 1, 1), (256, 1, 1), 0, launcher.pack([ptr]))
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util

import numpy as np

from graphc.errors import BackendError


class Launcher:
    """The driver operations the CUDA runtime uses; pointers are ints (device addresses)."""

    name = "abstract"

    def arch(self) -> str:
        """The device's architecture for nvcc, e.g. "sm_90"."""
        raise NotImplementedError

    def compile(self, source: str, arch: str) -> bytes:
        """The image `load` takes for `source`, for a launcher that builds its own (the tests' emulator: a
        shared library).  Not overridden, the executable compiles a cubin itself (graphc.runtime.cuda's
        compile_binary: nvcc, else NVRTC; cached by source hash): launching needs no compiler."""
        raise NotImplementedError

    def activate(self) -> None:
        """Make this launcher's context current in the calling thread (the executable calls it on every run)."""

    def load(self, image: bytes):
        raise NotImplementedError

    def function(self, module, name: str):
        raise NotImplementedError

    def alloc(self, nbytes: int) -> int:
        raise NotImplementedError

    def free(self, ptr: int) -> None:
        raise NotImplementedError

    def htod(self, ptr: int, array: np.ndarray) -> None:
        raise NotImplementedError

    def dtoh(self, array: np.ndarray, ptr: int) -> None:
        raise NotImplementedError

    def dtod(self, dst: int, src: int, nbytes: int) -> None:
        raise NotImplementedError

    def pack(self, pointers: list[int]):
        """The kernel arguments (device pointers) in the form `launch` takes, built once per kernel."""
        return list(pointers)

    def launch(self, fn, grid: tuple, block: tuple, shared: int, packed) -> None:
        raise NotImplementedError

    def synchronize(self) -> None:
        raise NotImplementedError

    def cooperative(self) -> bool:
        """Whether this launcher can launch a loop kernel (graphc/codegen/cuda/loop.py): a cooperative launch,
        every block resident at once, so that its grid barrier cannot deadlock.  False: loops run from the host."""
        return False

    def resident_blocks(self, fn, threads: int, shared: int) -> int:
        """How many blocks of `threads` threads of `fn` the whole device holds at once (the cooperative limit)."""
        raise NotImplementedError

    def launch_cooperative(self, fn, grid: tuple, block: tuple, shared: int, packed) -> None:
        raise NotImplementedError


class PycudaLauncher(Launcher):
    name = "pycuda"

    def __init__(self):
        import pycuda.driver as drv

        self.drv = drv
        drv.init()
        if drv.Device.count() == 0:
            raise BackendError("no CUDA device (the driver is loaded but reports 0 devices)")
        self.device = drv.Device(0)
        self.context = self.device.retain_primary_context()
        self.context.push()
        self._allocations: dict[int, object] = {}

    def arch(self) -> str:
        major, minor = self.device.compute_capability()
        return f"sm_{major}{minor}"

    def load(self, image: bytes):
        return self.drv.module_from_buffer(image)

    def function(self, module, name: str):
        return module.get_function(name)

    def alloc(self, nbytes: int) -> int:
        allocation = self.drv.mem_alloc(max(1, nbytes))
        self._allocations[int(allocation)] = allocation
        return int(allocation)

    def free(self, ptr: int) -> None:
        allocation = self._allocations.pop(ptr, None)
        if allocation is not None:
            allocation.free()

    def htod(self, ptr: int, array: np.ndarray) -> None:
        if array.nbytes:
            self.drv.memcpy_htod(ptr, np.ascontiguousarray(array))

    def dtoh(self, array: np.ndarray, ptr: int) -> None:
        if array.nbytes:
            self.drv.memcpy_dtoh(array, ptr)

    def dtod(self, dst: int, src: int, nbytes: int) -> None:
        if nbytes:
            self.drv.memcpy_dtod(dst, src, nbytes)

    def pack(self, pointers: list[int]):
        return [np.uintp(p) for p in pointers]

    def launch(self, fn, grid, block, shared, packed) -> None:
        fn(*packed, grid=tuple(grid), block=tuple(block), shared=shared)

    def synchronize(self) -> None:
        self.drv.Context.synchronize()


def _cuda_python_driver():
    try:
        from cuda.bindings import driver  # cuda-python >= 12.6 (and 13)
    except ImportError:
        from cuda import cuda as driver  # older cuda-python
    return driver


class _PackedArgs:
    """kernelParams for cuLaunchKernel: a void*[n] whose entries point at the n pointer values (kept alive here)."""

    def __init__(self, pointers: list[int]):
        n = max(1, len(pointers))
        self.values = (ctypes.c_void_p * n)(*pointers)
        size = ctypes.sizeof(ctypes.c_void_p)
        self.params = (ctypes.c_void_p * n)(*[ctypes.addressof(self.values) + i * size for i in range(len(pointers))])
        self.address = ctypes.addressof(self.params)  # cuda-python takes an int kernelParams as the void** itself


class CudaPythonLauncher(Launcher):
    name = "cuda-python"

    def __init__(self):
        self.cu = cu = _cuda_python_driver()
        self.check(cu.cuInit(0), "cuInit")
        count = self.check(cu.cuDeviceGetCount(), "cuDeviceGetCount")
        if count == 0:
            raise BackendError("no CUDA device (the driver is loaded but reports 0 devices)")
        self.device = self.check(cu.cuDeviceGet(0), "cuDeviceGet")
        self.context = self.check(cu.cuDevicePrimaryCtxRetain(self.device), "cuDevicePrimaryCtxRetain")
        self.check(cu.cuCtxSetCurrent(self.context), "cuCtxSetCurrent")
        self._modules: list = []

    def activate(self) -> None:
        self.check(self.cu.cuCtxSetCurrent(self.context), "cuCtxSetCurrent")  # per thread; cheap

    def driver_version(self) -> str:
        version = self.check(self.cu.cuDriverGetVersion(), "cuDriverGetVersion")
        return f"{version // 1000}.{version % 1000 // 10}"

    def check(self, result, what: str):
        """cuda-python returns (CUresult, values...): raise on an error, return the value(s)."""
        err, *values = result if isinstance(result, tuple) else (result,)
        if int(err) != 0:
            _, text = self.cu.cuGetErrorString(err)
            message = text.decode() if isinstance(text, bytes) else str(err)
            raise BackendError(f"CUDA driver call {what} failed: {message}")
        return values[0] if len(values) == 1 else (values or None)

    def arch(self) -> str:
        attr = self.cu.CUdevice_attribute
        major = self.check(self.cu.cuDeviceGetAttribute(
            attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, self.device), "cuDeviceGetAttribute")
        minor = self.check(self.cu.cuDeviceGetAttribute(
            attr.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, self.device), "cuDeviceGetAttribute")
        return f"sm_{major}{minor}"

    def load(self, image: bytes):
        buffer = np.frombuffer(image + b"\0", np.uint8)  # PTX must be NUL-terminated; a cubin ignores it
        try:
            module = self.check(self.cu.cuModuleLoadData(buffer.ctypes.data), "cuModuleLoadData")
        except BackendError as exc:
            raise BackendError(f"{exc} (the driver supports CUDA {self.driver_version()}: a cubin from a newer "
                               "toolkit does not load; point GRAPHC_NVCC at a matching nvcc)") from None
        self._modules.append((module, buffer))
        return module

    def function(self, module, name: str):
        return self.check(self.cu.cuModuleGetFunction(module, name.encode()), f"cuModuleGetFunction({name})")

    def alloc(self, nbytes: int) -> int:
        return int(self.check(self.cu.cuMemAlloc(max(1, nbytes)), "cuMemAlloc"))

    def free(self, ptr: int) -> None:
        self.check(self.cu.cuMemFree(self.cu.CUdeviceptr(ptr)), "cuMemFree")

    def htod(self, ptr: int, array: np.ndarray) -> None:
        if array.nbytes:
            array = np.ascontiguousarray(array)
            self.check(self.cu.cuMemcpyHtoD(self.cu.CUdeviceptr(ptr), array.ctypes.data, array.nbytes), "cuMemcpyHtoD")

    def dtoh(self, array: np.ndarray, ptr: int) -> None:
        if array.nbytes:
            self.check(self.cu.cuMemcpyDtoH(array.ctypes.data, self.cu.CUdeviceptr(ptr), array.nbytes), "cuMemcpyDtoH")

    def dtod(self, dst: int, src: int, nbytes: int) -> None:
        if nbytes:
            self.check(self.cu.cuMemcpyDtoD(self.cu.CUdeviceptr(dst), self.cu.CUdeviceptr(src), nbytes),
                       "cuMemcpyDtoD")

    def pack(self, pointers: list[int]) -> _PackedArgs:
        return _PackedArgs(pointers)

    def launch(self, fn, grid, block, shared, packed: _PackedArgs) -> None:
        # stream 0 (the legacy default stream: ordered with the synchronous copies), no `extra`
        self.check(self.cu.cuLaunchKernel(fn, *map(int, grid), *map(int, block), int(shared), 0, packed.address, 0),
                   "cuLaunchKernel")

    def synchronize(self) -> None:
        self.check(self.cu.cuCtxSynchronize(), "cuCtxSynchronize")

    def _attribute(self, name: str) -> int:
        attr = getattr(self.cu.CUdevice_attribute, name)
        return int(self.check(self.cu.cuDeviceGetAttribute(attr, self.device), f"cuDeviceGetAttribute({name})"))

    def cooperative(self) -> bool:
        return self._attribute("CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH") != 0

    def resident_blocks(self, fn, threads: int, shared: int) -> int:
        per_sm = self.check(self.cu.cuOccupancyMaxActiveBlocksPerMultiprocessor(fn, int(threads), int(shared)),
                            "cuOccupancyMaxActiveBlocksPerMultiprocessor")
        return int(per_sm) * self._attribute("CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT")

    def launch_cooperative(self, fn, grid, block, shared, packed: _PackedArgs) -> None:
        # the legacy default stream, as `launch`: ordered with the synchronous copies around it
        self.check(self.cu.cuLaunchCooperativeKernel(fn, *map(int, grid), *map(int, block), int(shared), 0,
                                                     packed.address), "cuLaunchCooperativeKernel")


def driver_library() -> str | None:
    """The loadable name of the NVIDIA driver library, or None when no driver is installed."""
    for name in ("libcuda.so.1", "libcuda.so", ctypes.util.find_library("cuda")):
        if not name:
            continue
        try:
            ctypes.CDLL(name)
            return name
        except OSError:
            continue
    return None


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package is missing or broken
        return False


def available_bindings() -> list[str]:
    """The Python bindings of the driver API present, in the order open_launcher prefers them."""
    found = []
    if _module_exists("pycuda.driver"):
        found.append("pycuda")
    # `cuda` alone may be only a namespace (cuda-pathfinder, cuda-core): the driver module must be there
    if _module_exists("cuda.bindings.driver") or _module_exists("cuda.cuda"):
        found.append("cuda-python")
    return found


def missing_requirement() -> str | None:
    """Why the cuda backend cannot run here, naming what to install, or None.

    Checks only what is cheap (the driver library loads, a binding's module is
    found), so that `graphc.backends.available_backends()` can ask it on every call;
    a device that the driver cannot open is found by `open_launcher`.
    """
    if driver_library() is None:
        return "no NVIDIA driver (libcuda.so.1 not found); the cuda backend needs an NVIDIA GPU and its driver"
    if not available_bindings():
        return ("neither pycuda nor cuda-python is installed "
                "(pip install 'graphc[cuda]' for pycuda, or pip install cuda-python)")
    return None


_launcher: Launcher | None = None


def open_launcher(prefer: str | None = None) -> Launcher:
    """The process's launcher (one CUDA context per process), opened on first use."""
    global _launcher
    if _launcher is not None and prefer in (None, _launcher.name):
        return _launcher
    if driver_library() is None:
        raise BackendError("backend 'cuda' needs a GPU: no NVIDIA driver (libcuda.so.1 not found)")
    bindings = available_bindings()
    if not bindings:
        raise BackendError("backend 'cuda': neither pycuda nor cuda-python is installed "
                           "(pip install 'graphc[cuda]' for pycuda, or pip install cuda-python)")
    name = prefer or bindings[0]
    if name not in bindings:
        raise BackendError(f"launcher {name!r} is not installed; found {', '.join(bindings)}")
    try:
        _launcher = PycudaLauncher() if name == "pycuda" else CudaPythonLauncher()
    except BackendError:
        raise
    except Exception as exc:  # the binding's own error type (pycuda.driver.Error, ...): say which step failed
        raise BackendError(f"backend 'cuda': could not open the device through {name}: {exc}") from None
    return _launcher
