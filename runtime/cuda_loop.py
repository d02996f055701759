"""Run one loop kernel (graphc/codegen/cuda/loop.py): a whole scan in one cooperative launch.

The kernel's grid barrier (`grid.sync()`) needs every block resident at once: the launch asks the
driver how many blocks of the kernel the device holds (occupancy x multiprocessors) and launches
min(that, the blocks any step has work for) through cuLaunchCooperativeKernel, which refuses a grid
that could deadlock instead of hanging.  Each body function strides over its own index space, so any
grid size is correct; fewer blocks only means more work per block.

Buffers: one device buffer per kernel argument (init carries, xs, captures; final carries, ys,
stacks) and the workspace (the body's arena, its other outputs, constants uploaded once, staging).
A call copies the operands in, launches once and copies the results out (the loop node's results in
its order: final carries, ys, stacks); a while loop's kernel reports reaching max_iterations through
its status argument, raised here as the GraphcError the host loop raises.

    loop = CudaLoopExecutable(module, open_launcher())
    carries_ys_stacks = loop([init0, init1, xs0, w])
"""

from __future__ import annotations

import threading

import numpy as np

from graphc.codegen.cuda.loop import LoopModule
from graphc.errors import BackendError, FeedError, GraphcError
from graphc.runtime.cuda import _load, free_owned
from graphc.runtime.cuda_launch import Launcher


class CudaLoopExecutable:
    def __init__(self, module: LoopModule, launcher: Launcher):
        self.module, self.launcher = module, launcher
        launcher.activate()
        self._fn = launcher.function(_load(launcher, module.source), module.name)
        resident = launcher.resident_blocks(self._fn, module.threads, 0)  # its shared memory is static
        if resident < 1:
            raise BackendError(f"the loop kernel {module.name} does not fit on the device ({module.threads} threads, "
                               f"{module.shared_bytes} bytes of shared memory per block)")
        self.blocks = max(1, min(module.max_blocks, resident))
        self._owned: list[int] = []
        self.pointers = {a.name: self._alloc(a.nbytes) for a in module.params}
        self.workspace = self._alloc(module.workspace_bytes)
        for offset, value in module.constants:
            launcher.htod(self.workspace + offset, value)
        self._args = launcher.pack([self.pointers[a.name] for a in module.params] + [self.workspace])
        self._inputs, self._outputs = module.args_of("input"), module.args_of("output")
        self._status = module.args_of("status")
        self._lock = threading.Lock()

    def _alloc(self, nbytes: int) -> int:
        ptr = self.launcher.alloc(max(1, nbytes))
        self._owned.append(ptr)
        return ptr

    def __call__(self, arrays) -> tuple:
        if len(arrays) != len(self._inputs):
            raise FeedError(f"loop kernel {self.module.name}: expected {len(self._inputs)} operands, got {len(arrays)}")
        with self._lock:  # the device buffers are this executable's: one call at a time
            launcher = self.launcher
            launcher.activate()
            for arg, value in zip(self._inputs, arrays, strict=True):
                launcher.htod(self.pointers[arg.name], _checked(value, arg))
            for arg in self._status:
                launcher.htod(self.pointers[arg.name], np.zeros(arg.shape, arg.dtype))
            launcher.launch_cooperative(self._fn, (self.blocks, 1, 1), (self.module.threads, 1, 1), 0, self._args)
            for arg in self._status:  # a while loop that reached max_iterations
                status = np.empty(arg.shape, arg.dtype)
                launcher.dtoh(status, self.pointers[arg.name])
                if status.any():
                    raise GraphcError(self.module.error)
            results = []
            for arg in self._outputs:
                out = np.empty(arg.shape, arg.dtype)
                launcher.dtoh(out, self.pointers[arg.name])  # synchronous: after the kernel
                results.append(out)
            return tuple(results)

    @property
    def nbytes(self) -> int:
        """Device memory this loop holds: its arguments' buffers and its workspace."""
        return sum(a.nbytes for a in self.module.params) + self.module.workspace_bytes

    def describe(self) -> dict:
        m = self.module
        return {"name": m.name, "kind": "loop_kernel", "ops": ["while_loop" if self._status else "scan"],
                "steps": list(m.steps), "blocks": self.blocks,
                "threads": m.threads, "params": [(a.name, str(a.dtype), a.shape, a.role) for a in m.params],
                "workspace_bytes": m.workspace_bytes}

    def __del__(self):
        free_owned(self)


def _checked(value, arg) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype != arg.dtype or array.shape != tuple(arg.shape):
        raise FeedError(f"loop kernel operand {arg.name} expects {arg.dtype} of shape {tuple(arg.shape)}, "
                        f"got {array.dtype} of shape {array.shape}")
    return np.ascontiguousarray(array)


__all__ = ["CudaLoopExecutable"]
