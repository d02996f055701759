"""Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", the
generator of Random123 and JAX) written once, as `graphc.scalar` expressions.

A counter-based generator is a pure function of (key, counter): element i of a draw hashes its
own counter, so any kernel computes any element where it is read, in any order, on any backend,
and the same (key, counter) gives the same bits everywhere.  Backends have no unsigned 32-bit
type and C leaves signed overflow undefined, so each 32-bit word is held in an int64 and masked
back to 32 bits after every add and shift: no value ever leaves [0, 2**33).  The numpy reference
evaluates these very expressions (`scalar.evaluate`), so its integers are the compiled ones.

    x0, x1 = threefry2x32((k0, k1), (c0, c1))     # Scalars, each in [0, 2**32)
    unit_float(x0, x1, np.float32)                 # in [0, 1): 24 (float64: 53) random bits
"""

from __future__ import annotations

import math

import numpy as np

from graphc import scalar as S  # noqa: N812 - reads like math

WORD = np.dtype(np.int64)
MASK = 0xFFFFFFFF
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)  # Threefry-2x32's rotation constants, a round each, cyclically
ROUNDS = 20
KEY_PARITY = 0x1BD11BDA                        # the third key word is k0 ^ k1 ^ this


def word(value) -> S.Scalar:
    """A 32-bit constant word."""
    return S.const(int(value) & MASK, WORD)


def _masked(x: S.Scalar) -> S.Scalar:
    return S.call("bitand", x, word(MASK))


def add32(a: S.Scalar, b: S.Scalar) -> S.Scalar:
    return _masked(S.call("add", a, b))


def rotl32(x: S.Scalar, r: int) -> S.Scalar:
    left = _masked(S.call("shl", x, S.const(r, WORD)))
    return S.call("bitor", left, S.call("shr", x, S.const(32 - r, WORD)))


def threefry2x32(key: tuple, counter: tuple) -> tuple[S.Scalar, S.Scalar]:
    """The two output words of Threefry-2x32-20 for two key words (ints) and two counter words
    (int64 Scalars in [0, 2**32))."""
    ks = (key[0] & MASK, key[1] & MASK, (key[0] ^ key[1] ^ KEY_PARITY) & MASK)
    x0, x1 = add32(counter[0], word(ks[0])), add32(counter[1], word(ks[1]))
    for r in range(ROUNDS):
        x0 = add32(x0, x1)
        x1 = S.call("bitxor", rotl32(x1, ROTATIONS[r % 8]), x0)
        if r % 4 == 3:  # key injection s after every fourth round
            s = r // 4 + 1
            x0 = add32(x0, word(ks[s % 3]))
            x1 = add32(x1, word(ks[(s + 1) % 3] + s))
    return x0, x1


def unit_float(x0: S.Scalar, x1: S.Scalar, dtype) -> S.Scalar:
    """A float in [0, 1), exactly representable: float32 from x0's top 24 bits, float64 from 53 bits
    of both words (x0's top 27, x1's top 26), each bit pattern k giving k * 2**-bits."""
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        bits, mantissa = 24, S.call("shr", x0, S.const(8, WORD))
    else:
        high = S.call("shl", S.call("shr", x0, S.const(5, WORD)), S.const(26, WORD))
        bits, mantissa = 53, S.call("bitor", high, S.call("shr", x1, S.const(6, WORD)))
    return S.call("mul", S.cast(mantissa, dtype), S.const(math.ldexp(1.0, -bits), dtype))


def box_muller(u1: S.Scalar, u2: S.Scalar) -> S.Scalar:
    """A standard normal from two uniforms in [0, 1): sqrt(-2 log(1 - u1)) cos(2 pi u2).
    log1p(-u1) keeps 1 - u1 > 0, so u1 = 0 gives 0, never an infinity."""
    dtype = u1.dtype
    radius = S.call("sqrt", S.call("mul", S.const(-2.0, dtype), S.call("log1p", S.call("neg", u1))))
    return S.call("mul", radius, S.call("cos", S.call("mul", S.const(2 * math.pi, dtype), u2)))
