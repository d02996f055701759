"""LLVM's part of a build: parse, verify, optimize at -O3 for this CPU, emit object code.

Shared by the JIT (graphc.runtime.llvm_jit) and its compile workers, which run this module as
a program (`python -m graphc.runtime.llvm_compile`) and serve requests on stdin/stdout: a
request is a module's text, the answer its object code and optimized IR.  It imports
nothing but llvmlite, so a worker starts in about a quarter of a second; and being a
program of its own rather than a multiprocessing child, a worker never re-runs the
user's script (spawned children import `__main__`, which a script without an
`if __name__ == "__main__"` guard would run again).

Messages are length-prefixed: an 8-byte little-endian length, then that many bytes.  A
request is UTF-8 text; an answer is a pickled ("ok", object_bytes, optimized_ir) or
("error", message).
"""

from __future__ import annotations

import functools
import pickle
import sys
from typing import BinaryIO

import llvmlite.binding as llvm


class InvalidModuleError(Exception):
    """The generated IR does not parse or verify (a code generator bug)."""


@functools.cache
def native_target() -> tuple[str, str]:
    """(cpu name, features) of the host, after initializing LLVM's native target once."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    return llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


def vector_bits() -> tuple[int, ...]:
    """The vector register widths (bits) the loop vectorizer may choose on this host."""
    features = set(native_target()[1].split(","))
    if "+avx512f" in features:
        return 256, 512  # LLVM often prefers 256-bit vectors even here
    if "+avx" in features:
        return (256,)
    return (128,)


def target_machine():
    """A fresh target machine for the host: an execution engine takes ownership of the one it is given."""
    cpu, features = native_target()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(cpu=cpu, features=features, opt=3, codemodel="jitdefault", jit=True)


def optimized(text: str, tm, optimize: bool = True) -> llvm.ModuleRef:
    """The module parsed, verified and (when `optimize`) run through -O3 with both vectorizers."""
    try:
        mod = llvm.parse_assembly(text)
        mod.verify()
    except RuntimeError as exc:
        raise InvalidModuleError(f"generated LLVM IR does not verify: {exc}\n{text[:3000]}") from None
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    if optimize:
        pto = llvm.create_pipeline_tuning_options(speed_level=3)
        pto.loop_vectorization = True
        pto.slp_vectorization = True
        pto.loop_unrolling = True
        pb = llvm.create_pass_builder(tm, pto)
        pb.getModulePassManager().run(mod, pb)
    return mod


def compile_object(text: str) -> tuple[bytes, str]:
    """(object code, optimized IR) of one module."""
    tm = target_machine()
    mod = optimized(text, tm)
    return tm.emit_object(mod), str(mod)


def write_message(stream: BinaryIO, payload: bytes) -> None:
    stream.write(len(payload).to_bytes(8, "little"))
    stream.write(payload)
    stream.flush()


def read_message(stream: BinaryIO) -> bytes | None:
    """The next message, or None at the end of the stream (or a truncated one)."""
    header = stream.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "little")
    payload = stream.read(size)
    return payload if len(payload) == size else None


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the requesting process closes the stream."""
    while (request := read_message(requests)) is not None:
        try:
            answer = ("ok", *compile_object(request.decode("utf-8")))
        except InvalidModuleError as exc:
            answer = ("error", str(exc))
        write_message(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    import os

    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything else printed cannot corrupt the answers
    serve(sys.stdin.buffer, answers)
