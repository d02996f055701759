"""What a loop node computes and declares: its result types, its construction checks and its numpy run.

Node layouts (inputs, then results), shared with graphc/control/loops.py:
  scan        inputs  init carries (n_carry), xs (n_xs), captures
              results final carries, ys stacked along a new leading axis, and with `record`
                      the carry before each step, stacked the same way (what its VJP reads)
  while_loop  inputs  init carries, captures
              results final carries, and with `record` the trip count (int64) and the carry
                      before each step, stacked (length known only at run time)
  while_checkpoints   a while loop under remat (graphc/control/while_checkpoint.py)
              inputs  init carries, captures
              results final carries, the trip count (int64), the length of each segment (int64,
                      stacked) and the carry each segment starts from, stacked
  while_steps inputs  the carries a segment starts from, its number of steps (int64), captures
              results the carry before each of those steps, stacked
"""

from __future__ import annotations

import numpy as np

from graphc import dtypes
from graphc.control.subgraph import describe_type, same_type, types_of
from graphc.errors import GraphcError, ShapeError


def scan_parts(inputs, attrs):
    n, k = attrs["n_carry"], attrs["n_xs"]
    return list(inputs[:n]), list(inputs[n:n + k]), list(inputs[n + k:])


def scan_length(xs, attrs):
    return xs[0].shape[0] if xs else attrs["length"]


def scan_results(inputs, attrs):
    init, xs, _ = scan_parts(inputs, attrs)
    body, n = attrs["body"], attrs["n_carry"]
    length = scan_length(xs, attrs)
    carries = types_of(init)
    ys = [((length, *shape), dtype) for shape, dtype in types_of(body.outputs[n:])]
    stacks = [((length, *shape), dtype) for shape, dtype in carries] if attrs["record"] else []
    return carries + ys + stacks


def scan_check(inputs, attrs):
    init, xs, captures = scan_parts(inputs, attrs)
    body = attrs["body"]
    lengths = {x.shape[0] for x in xs if x.ndim and x.shape[0] is not None}
    if any(x.ndim == 0 for x in xs):
        raise ShapeError("every xs must have a leading axis to scan over, got a 0-d value")
    if len(lengths) > 1:
        raise ShapeError(f"the xs have different lengths {sorted(lengths)} along their leading axis")
    if not xs and attrs["length"] is None:
        raise ShapeError("with no xs, give the number of steps as length")
    if xs and attrs["length"] is not None and lengths and attrs["length"] not in lengths:
        raise ShapeError(f"length={attrs['length']} but the xs have {lengths.pop()} steps")
    slices = [(x.shape[1:], x.dtype) for x in xs]
    _check_params("scan", body, types_of(init) + slices)
    _check_captures(captures, attrs)


def while_parts(inputs, attrs):
    n = attrs["n_carry"]
    return list(inputs[:n]), list(inputs[n:])


def while_results(inputs, attrs):
    init, _ = while_parts(inputs, attrs)
    carries = types_of(init)
    if not attrs["record"]:
        return carries
    return carries + [((), dtypes.int64)] + [((None, *shape), dtype) for shape, dtype in carries]


def while_check(inputs, attrs):
    init, captures = while_parts(inputs, attrs)
    _check_params("while_loop", attrs["body"], types_of(init))
    _check_captures(captures, attrs)


def _check_params(construct, body, types):
    if len(types) != len(body.params):
        raise ShapeError(f"{construct}: {len(types)} values for a body of {len(body.params)} parameters")
    for i, (t, p) in enumerate(zip(types, body.params)):
        if not same_type(t, (p.shape, p.dtype)):
            raise ShapeError(f"{construct}: body argument {i} is {describe_type(*t)}, traced as "
                             f"{describe_type(p.shape, p.dtype)}")


def _check_captures(captures, attrs):
    if len(captures) != len(attrs["captures"]):
        raise ShapeError(f"{len(captures)} captured values given for {len(attrs['captures'])}")


def scan_compute(attrs, *arrays):
    init, xs, captured_values = scan_parts(arrays, attrs)
    body, n = attrs["body"], attrs["n_carry"]
    captured = {c.id: v for c, v in zip(attrs["captures"], captured_values)}
    length = xs[0].shape[0] if xs else attrs["length"]
    steps = range(length - 1, -1, -1) if attrs["reverse"] else range(length)
    carry = [np.asarray(c) for c in init]
    ys: list = [None] * length
    stacks: list = [None] * length
    for t in steps:
        if attrs["record"]:
            stacks[t] = carry
        out = body.run(carry + [x[t] for x in xs], captured)
        carry, ys[t] = _kept(out[:n], init), out[n:]
    y_types = [(o.shape, o.dtype) for o in body.outputs[n:]]
    results = carry + [_stacked([y[j] for y in ys], y_types[j], length) for j in range(len(y_types))]
    if attrs["record"]:
        results += [_stacked([s[i] for s in stacks], (np.shape(init[i]), init[i].dtype), length)
                    for i in range(n)]
    return tuple(results)


def while_compute(attrs, *arrays):
    init, captured_values = while_parts(arrays, attrs)
    captured = {c.id: v for c, v in zip(attrs["captures"], captured_values)}
    limit = attrs["max_iterations"]
    carry = [np.asarray(c) for c in init]
    stacks = []
    trips = 0
    while bool(attrs["cond"].run(carry, captured)[0]):
        if limit is not None and trips >= limit:
            raise GraphcError(f"while_loop: the condition still holds after max_iterations={limit} "
                              f"iterations{attrs['where']}")
        if attrs["record"]:
            stacks.append(carry)
        carry = _kept(attrs["body"].run(carry, captured), init)
        trips += 1
    if not attrs["record"]:
        return tuple(carry)
    stacked = [_stacked([s[i] for s in stacks], (np.shape(c), c.dtype), trips) for i, c in enumerate(init)]
    return (*carry, np.asarray(trips, dtype=np.int64), *stacked)


def while_checkpoint_results(inputs, attrs):
    init, _ = while_parts(inputs, attrs)
    carries = types_of(init)
    stacks = [((None, *shape), dtype) for shape, dtype in carries]
    return carries + [((), dtypes.int64), ((None,), dtypes.int64)] + stacks


def while_checkpoint_compute(attrs, *arrays):
    """The while loop, keeping the carry before every K-th step only: its checkpoints.

    The trip count is known only when the loop ends, so K doubles as the loop runs: it starts
    at 1, and whenever more than 2K checkpoints are kept every other one is dropped and K
    doubles.  So after T steps K is between sqrt(T/2) and sqrt(2T) and about T/K checkpoints are
    kept: K + T/K <= 2.2 sqrt(T) carries, held and recomputed, instead of T.
    """
    init, captured_values = while_parts(arrays, attrs)
    captured = {c.id: v for c, v in zip(attrs["captures"], captured_values)}
    limit = attrs["max_iterations"]
    carry = [np.asarray(c) for c in init]
    spacing, kept, trips = 1, [], 0
    while bool(attrs["cond"].run(carry, captured)[0]):
        if limit is not None and trips >= limit:
            raise GraphcError(f"while_loop: the condition still holds after max_iterations={limit} "
                              f"iterations{attrs['where']}")
        if trips % spacing == 0:
            kept.append(carry)
            if len(kept) > 2 * spacing:
                kept, spacing = kept[::2], 2 * spacing
        carry = _kept(attrs["body"].run(carry, captured), init)
        trips += 1
    lengths = np.asarray([min(spacing, trips - i * spacing) for i in range(len(kept))], dtype=np.int64)
    stacked = [_stacked([k[i] for k in kept], (np.shape(c), c.dtype), len(kept)) for i, c in enumerate(init)]
    return (*carry, np.asarray(trips, dtype=np.int64), lengths, *stacked)


def while_steps_parts(inputs, attrs):
    n = attrs["n_carry"]
    return list(inputs[:n]), inputs[n], list(inputs[n + 1:])


def while_steps_results(inputs, attrs):
    start, _, _ = while_steps_parts(inputs, attrs)
    return [((None, *shape), dtype) for shape, dtype in types_of(start)]


def while_steps_compute(attrs, *arrays):
    """The carry before each of `steps` runs of the body from `start`, stacked (a segment, recomputed)."""
    start, steps, captured_values = while_steps_parts(arrays, attrs)
    captured = {c.id: v for c, v in zip(attrs["captures"], captured_values)}
    carry = [np.asarray(c) for c in start]
    stacks = []
    for _ in range(int(steps)):
        stacks.append(carry)
        carry = _kept(attrs["body"].run(carry, captured), start)
    return tuple(_stacked([s[i] for s in stacks], (np.shape(c), c.dtype), len(stacks)) for i, c in enumerate(start))


def _kept(values, like):
    """The body's new carries, as arrays of the carries' dtypes (a Python scalar result becomes one)."""
    return [np.asarray(v, dtype=np.asarray(c).dtype) for v, c in zip(values, like)]


def _stacked(values, value_type, length):
    if length:
        return np.stack(values)
    shape, dtype = value_type
    return np.zeros((0, *(0 if d is None else d for d in shape)), dtype=dtype)
