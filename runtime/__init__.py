"""Executors: the numpy reference interpreter, the LLVM JIT runtime, the CUDA launcher, the memory arena."""
