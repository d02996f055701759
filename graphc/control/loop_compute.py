"""What a loop node computes and declares: its result types, its construction checks and its numpy run.

Node layouts (inputs, then results), shared with graphc/control/loops.py:
  scan        inputs  init carries (n_carry), xs (n_xs), captures
              results final carries, ys stacked along a new leading axis, and with `record`
                      the carry before each step, stacked the same way (what its VJP reads)
  while_loop  inputs  init carries, captures
              results final carries, and with `record` the trip count (int64) and the carry
                      before each step, stacked (length known only at run time)
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


def _kept(values, like):
    """The body's new carries, as arrays of the carries' dtypes (a Python scalar result becomes one)."""
    return [np.asarray(v, dtype=np.asarray(c).dtype) for v, c in zip(values, like)]


def _stacked(values, value_type, length):
    if length:
        return np.stack(values)
    shape, dtype = value_type
    return np.zeros((0, *(0 if d is None else d for d in shape)), dtype=dtype)
