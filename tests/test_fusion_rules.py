"""Fusion picks each op's join rule from the op's facts, so a new op is one definition; an op that
no kernel computes is a target-neutral error naming it and the user's line."""

import contextlib

import numpy as np
import pytest

import graphc as gc
from graphc.ops.layout import Piece, Scatter, contiguous_strides
from graphc.ops.registry import REGISTRY, Op, make_node
from graphc.passes import fusion_rules as rules
from graphc.passes import run_passes
from graphc.passes.fusion import NoKernelError, fuse
from graphc.program import specialize


@contextlib.contextmanager
def temporary_op(**definition):
    """An op registered for one test only: the registry stays exactly the library's for the others."""
    op = Op(**definition)
    try:
        yield op
    finally:
        del REGISTRY[op.name]
        rules._RULE_OF.pop(op, None)


def test_each_ops_rule_follows_from_its_facts():
    expected = {"placeholder": rules._skip, "exp": rules.join_elementwise, "fill_like": rules.join_elementwise,
                "sum": rules.join_reduce, "sum_to_like": rules.join_reduce, "matmul": rules.join_matmul,
                "transpose": rules.join_view, "broadcast_like": rules.join_view, "slice": rules.join_view,
                "one_hot": rules.join_leaf, "concatenate": rules.join_scatter, "slice_grad": rules.join_scatter,
                "count": rules.refuse_shape_only, "gather": rules.join_leaf, "scatter_add": rules.join_indexed_add}
    for name, rule in expected.items():
        assert rules.rule_for(REGISTRY[name]) is rule, name
    # collectives and control flow run as host steps between compiled segments (graphc/distributed,
    # graphc/control/executable.py): no kernel computes them
    assert all(rules.rule_for(op) is not rules.refuse for op in REGISTRY.values()
               if not op.runs_on_host and op.kind != "control")


def test_an_unfolded_shape_function_is_an_error_naming_the_op_and_the_line_for_every_target():
    x = gc.placeholder((None, 3), gc.float32)
    y = gc.mean(x, axis=0)  # divides by count(x), folded by simplification once shapes are known
    program = specialize([x], [y], [], [(4, 3)])  # not simplified
    with pytest.raises(NoKernelError) as info:
        fuse(program)
    message = str(info.value)
    assert "'count'" in message and "test_fusion_rules.py" in message and "gc.mean(x, axis=0)" in message
    assert "llvm" not in message and "cuda" not in message
    assert isinstance(info.value, gc.BackendError) and info.value.op == "count"


def test_an_op_with_no_join_rule_is_refused_by_name():
    with temporary_op(name="test_gather_rows", kind="index", arity=2,
                      infer=lambda inputs, attrs: (inputs[1].shape + inputs[0].shape[1:], inputs[0].dtype),
                      compute=lambda attrs, table, rows: table[rows]) as gather:
        table, rows = gc.placeholder((5, 3), gc.float32), gc.placeholder((2,), gc.int64)
        out = make_node(gather, (table, rows), {})
        f = gc.function([table, rows], [out * 2.0], backend="llvm")
        with pytest.raises(NoKernelError, match="no backend kernel computes op 'test_gather_rows'"):
            f(np.ones((5, 3), np.float32), np.array([0, 4]))


def _pad_end_infer(inputs, attrs):
    (x,) = inputs
    return x.shape[:-1] + (x.shape[-1] + attrs["n"],), x.dtype


def test_a_new_scatter_op_compiles_from_its_definition_alone():
    """pad_end: zeros after the last axis; fusion and lowering know it only as a fill and one piece."""
    def pieces(node):
        return [Piece(0, 0, contiguous_strides(node.shape), "body")]

    with temporary_op(name="test_pad_end", kind="shape", arity=1, infer=_pad_end_infer,
                      compute=lambda attrs, x: np.concatenate([x, np.zeros(x.shape[:-1] + (attrs["n"],), x.dtype)], -1),
                      scatter=Scatter("pad", pieces, fill=0)) as pad_end:
        x = gc.placeholder((3, 4), gc.float32)
        out = gc.exp(make_node(pad_end, (gc.sin(x),), {"n": 2}))
        value = np.arange(12, dtype=np.float32).reshape(3, 4)
        want = gc.function([x], [out])(value)[0]
        f = gc.function([x], [out], backend="llvm")
        np.testing.assert_allclose(f(value)[0], want, rtol=1e-6)
        names = [k["name"] for k in f.kernels()]
        assert any(n.endswith("_pad_zero") for n in names) and any(n.endswith("_pad_body") for n in names)


def test_a_new_view_op_is_strides_or_registers_from_its_definition_alone():
    """swap01 (the first two axes swapped): a layout over an input, a register view inside a kernel."""
    with temporary_op(name="test_swap01", kind="shape", arity=1, view="whole",
                      infer=lambda inputs, attrs: ((inputs[0].shape[1], inputs[0].shape[0]) + inputs[0].shape[2:],
                                                   inputs[0].dtype),
                      compute=lambda attrs, x: np.swapaxes(x, 0, 1),
                      view_strides=lambda node, offset, st: (offset, (st[1], st[0]) + tuple(st[2:])),
                      view_axes=lambda node: (1, 0) + tuple(range(2, node.ndim))) as swap:
        x = gc.placeholder((3, 4, 2), gc.float32)
        of_input = gc.exp(make_node(swap, (x,), {}))
        in_kernel = make_node(swap, (gc.sin(x),), {}) + 1.0
        program = run_passes(specialize([x], [of_input, in_kernel], [], [(3, 4, 2)]))
        fusion = fuse(program)
        swaps = [n for n in program.nodes() if n.op is swap]
        assert len(swaps) == 2
        assert sum(n.id in fusion.layouts for n in swaps) == 1 and sum(n.id in fusion.group_of for n in swaps) == 1
        value = np.random.default_rng(0).normal(size=(3, 4, 2)).astype(np.float32)
        want = gc.function([x], [of_input, in_kernel])(value)
        got = gc.function([x], [of_input, in_kernel], backend="llvm")(value)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-6)


def test_an_op_missing_the_facts_its_kind_needs_is_refused_at_definition():
    common = {"infer": lambda inputs, attrs: (inputs[0].shape, inputs[0].dtype), "compute": lambda attrs, x: x,
              "arity": 1}
    with pytest.raises(ValueError, match="view_strides"):
        Op(name="test_view_without_strides", kind="shape", view="whole", **common)
    with pytest.raises(ValueError, match="reduce_axes"):
        Op(name="test_reduce_without_axes", kind="reduce", **common)
    assert "test_view_without_strides" not in REGISTRY and "test_reduce_without_axes" not in REGISTRY


def test_sum_to_like_is_a_reduction_with_its_own_facts_even_where_simplify_keeps_it():
    """A bool sum_to_like is not rewritten to sum (that would change its dtype): it reaches fusion as
    itself, a reduction whose combine and axes come from its definition (it was a KeyError before)."""
    from graphc.ops.shape import sum_to_like

    x, like = gc.placeholder((3, 4), gc.bool_), gc.placeholder((4,), gc.float32)
    y = sum_to_like(x, like)
    value = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]], bool)
    want = gc.function([x, like], [y])(value, np.zeros(4, np.float32))[0]
    got = gc.function([x, like], [y], backend="llvm")(value, np.zeros(4, np.float32))[0]
    np.testing.assert_array_equal(got, want)
    assert REGISTRY["sum_to_like"].kind == "reduce" and REGISTRY["count"].kind == "shape"
