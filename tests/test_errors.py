"""Every user mistake is a GraphcError subclass with a message that says what, where and why."""

import numpy as np
import pytest

import graphc as gc


def _x():
    return gc.placeholder((None, 3), gc.float32, name="x")


@pytest.mark.parametrize("error", [gc.ShapeError, gc.FeedError, gc.GradientCheckError, gc.BackendError,
                                   gc.GraphFormatError, gc.MemoryBudgetError])
def test_every_error_is_a_graphc_error(error):
    assert issubclass(error, gc.GraphcError)


def test_shape_error_is_also_a_value_error():
    assert issubclass(gc.ShapeError, ValueError)


def test_shape_error_names_the_op_the_shapes_and_the_users_line():
    x, w = _x(), gc.placeholder((4, 5), gc.float32)
    with pytest.raises(gc.ShapeError) as info:
        gc.matmul(x, w)  # the line the error must point at
    message = str(info.value)
    assert message.startswith("matmul:")
    assert "(None, 3) float32" in message and "(4, 5) float32" in message
    assert "test_errors.py" in message and "gc.matmul(x, w)  # the line the error must point at" in message


def test_broadcasting_mismatch_through_an_operator_names_the_line():
    a, b = gc.placeholder((2, 3)), gc.placeholder((4,))
    with pytest.raises(gc.ShapeError, match=r"add: .*\(2, 3\).*\(4,\)(.|\n)*a \+ b"):
        a + b


@pytest.mark.parametrize("build,op,fragment", [
    (lambda x: gc.sum(x, axis=3), "sum", "axis 3 is out of range"),
    (lambda x: gc.mean(x, axis=-3), "mean", "out of range"),
    (lambda x: gc.softmax(x, axis=2), "softmax", "out of range"),
    (lambda x: x[0, 5], "getitem", "index 5 is out of bounds"),
    (lambda x: x[0, 0, 0], "getitem", "too many indices"),
    (lambda x: x[..., ...], "getitem", "single ellipsis"),
    (lambda x: x[::0], "getitem", "step cannot be zero"),
    (lambda x: gc.squeeze(x, 1), "squeeze", "cannot squeeze axis 1"),
    (lambda x: gc.transpose(x, (0, 0)), "transpose", ""),
    (lambda x: gc.concatenate([x, gc.placeholder((3,))], axis=0), "concatenate", "rank"),
])
def test_graph_construction_errors_name_op_shapes_and_line(build, op, fragment):
    x = _x()
    with pytest.raises(gc.ShapeError) as info:
        build(x)
    message = str(info.value)
    assert message.startswith(f"{op}:"), message
    assert fragment in message
    assert "(None, 3) float32" in message
    assert "\n  at " in message and "test_errors.py:" in message and "lambda x:" in message  # the user's line


def test_reshape_to_a_different_size():
    y = gc.placeholder((3,), gc.float32)
    with pytest.raises(gc.ShapeError, match=r"reshape: cannot reshape 3 elements into \(2, 2\)"):
        gc.reshape(y, (2, 2))


def test_an_operand_dtype_without_a_rule_is_a_shape_error_not_a_type_error():
    b = gc.placeholder((2,), gc.bool)
    with pytest.raises(gc.ShapeError, match="sub: not defined for dtypes bool, bool"):
        b - b


def test_feed_error_for_a_missing_placeholder_names_it():
    x, y = _x(), gc.placeholder((3,), gc.float32, name="y")
    with pytest.raises(gc.FeedError, match="'y'"):
        gc.Session().run(x * y, {x: np.ones((2, 3))})


def test_feed_error_for_a_wrong_shape_gives_expected_and_actual():
    x = _x()
    with pytest.raises(gc.FeedError, match=r"input 'x' expects shape \(None, 3\), got \(2, 4\)"):
        gc.Session().run(x * 2, {x: np.ones((2, 4))})


def test_feed_error_for_a_wrong_rank():
    x = _x()
    with pytest.raises(gc.FeedError, match=r"expects shape \(None, 3\), got \(3,\)"):
        gc.function([x], x * 2)(np.ones(3))


def test_feed_error_for_a_wrong_dtype_suggests_a_cast():
    x = _x()
    with pytest.raises(gc.FeedError, match=r"expects dtype float32, got complex64 \(cast it with \.astype"):
        gc.Session().run(x * 2, {x: np.ones((2, 3), np.complex64)})


def test_a_float_fed_to_an_int_placeholder_is_refused():
    labels = gc.placeholder((None,), gc.int64, name="labels")
    with pytest.raises(gc.FeedError, match="expects dtype int64, got float64"):
        gc.Session().run(labels + 1, {labels: np.array([0.5, 1.5])})


@pytest.mark.parametrize("value", [2**31, -2**31 - 1, 2**70, np.array([1, 2**40]), np.array([2**32], np.uint64)])
def test_an_int_that_the_placeholder_cannot_hold_is_refused_not_wrapped(value):
    n = gc.placeholder((None,) * np.ndim(value), gc.int32, name="n")
    bad = np.max(np.abs(np.asarray(value, dtype=object)))
    with pytest.raises(gc.FeedError, match=rf"input 'n' expects int32, whose range is -2147483648 to 2147483647: "
                                           rf"got -?{bad}"):
        gc.function([n], n + 1)(value)


def test_ints_in_range_of_a_wider_dtype_are_fed_as_they_are():
    n = gc.placeholder((None,), gc.int32, name="n")
    edges = [-2**31, 2**31 - 1]
    np.testing.assert_array_equal(gc.function([n], n * 1)(np.array(edges, np.int64)), edges)
    big = gc.placeholder((), gc.int64, name="big")
    with pytest.raises(gc.FeedError, match="input 'big' expects int64, .*: got 9223372036854775808"):
        gc.Session().run(big + 1, {big: 2**63})


def test_assigning_an_int_a_variable_cannot_hold():
    v = gc.variable(np.zeros(2, np.int32), name="v")
    with pytest.raises(gc.FeedError, match="variable 'v' expects int32, .*: got 8589934592"):
        v.assign([1, 2**33])
    np.testing.assert_array_equal(v.value, [0, 0])


def test_feed_error_for_an_unknown_feed_name():
    x = _x()
    with pytest.raises(gc.FeedError, match="feed key 'nope' names no placeholder"):
        gc.Session().run(x * 2, {x: np.ones((2, 3)), "nope": 1.0})


def test_feed_error_for_a_feed_key_that_is_not_a_node():
    x = _x()
    with pytest.raises(gc.FeedError, match="feed keys must be graph nodes or placeholder names"):
        gc.Session().run(x * 2, {x: np.ones((2, 3)), 3: 1.0})


def test_feed_error_for_an_unknown_keyword_input_of_a_function():
    x = _x()
    with pytest.raises(gc.FeedError, match="unknown input 'q'; inputs are x"):
        gc.function([x], x * 2)(x=np.ones((2, 3)), q=1)


def test_feed_error_for_too_few_function_inputs():
    x = _x()
    with pytest.raises(gc.FeedError, match=r"expected 1 inputs \(x\), got 0"):
        gc.function([x], x * 2)()


def test_function_whose_outputs_need_an_unlisted_placeholder():
    x, y = _x(), gc.placeholder((3,), gc.float32, name="y")
    with pytest.raises(gc.FeedError, match="depend on placeholder\\(s\\) 'y', which are not among the inputs"):
        gc.function([x], x * y)


def test_assigning_a_wrong_shape_to_a_variable():
    v = gc.variable(np.zeros(3), name="v")
    with pytest.raises(gc.FeedError, match=r"variable 'v' expects shape \(3,\), got \(4,\)"):
        v.assign(np.zeros(4))
    np.testing.assert_array_equal(v.value, np.zeros(3))


def test_unknown_backend():
    with pytest.raises(gc.BackendError, match="unknown backend 'nope'; choose one of"):
        gc.Session(backend="nope")


def test_check_grad_reports_a_wrong_gradient():
    """stop_gradient makes the reverse-mode gradient differ from the function's true derivative."""
    w = gc.placeholder((3,), gc.float64, name="w")
    with pytest.raises(gc.GradientCheckError, match="gradient with respect to 'w' disagrees with central"):
        gc.check_grad(gc.sum(gc.stop_gradient(w) * w), [w], {w: np.ones(3)})


def test_jacobian_of_a_feed_time_shape_is_refused():
    x = _x()
    with pytest.raises(gc.GraphcError, match="jacobian: .*feed-time sizes"):
        gc.jacobian(x * 2, x)


def test_hessian_of_a_non_scalar_is_refused():
    x = gc.placeholder((3,), gc.float64)
    with pytest.raises(gc.GraphcError, match=r"hessian: the output must be a scalar, got shape \(3,\)"):
        gc.hessian(x * x, x)


def test_jvp_with_a_tangent_count_mismatch():
    x = gc.placeholder((3,), gc.float64)
    with pytest.raises(gc.ShapeError, match="jvp: 1 inputs but 2 tangents"):
        gc.jvp(x * x, [x], [1.0, 2.0])


def test_jacobian_with_an_unknown_mode():
    x = gc.placeholder((3,), gc.float64)
    with pytest.raises(gc.GraphcError, match="mode must be 'forward', 'reverse' or 'auto'"):
        gc.jacobian(x * x, x, mode="sideways")


def test_an_int_index_past_a_feed_time_size_is_reported_at_the_users_line():
    x = _x()
    f = gc.function([x], x[5])
    with pytest.raises(gc.ShapeError, match=r"integer index past the end(.|\n)*x\[5\]"):
        f(np.ones((2, 3)))
