"""Sessions and functions: feeds, fetch structures, caching per feed shape, variables (Theano shared
semantics), simultaneous updates."""

import numpy as np
import pytest

import graphc as gc


def test_none_dimension_is_resolved_at_each_call_and_caches_one_executable_per_shape():
    x = gc.placeholder((None, 3), gc.float64, name="x")
    f = gc.function([x], [gc.sum(x * x, axis=1), gc.grad(gc.sum(x ** 3), x)])
    for batch in (2, 5, 2):
        data = np.arange(batch * 3.0).reshape(batch, 3)
        sq, g = f(data)
        np.testing.assert_allclose(sq, (data ** 2).sum(1))
        np.testing.assert_allclose(g, 3 * data ** 2)
    assert len(f._cache) == 2


def test_session_run_returns_the_structure_of_its_fetches():
    x = gc.placeholder((), gc.float64, name="x")
    out = gc.Session().run({"a": x + 1, "b": [x * 2, (x * 3,)]}, {x: 1.0})
    assert out == {"a": 2.0, "b": [2.0, (3.0,)]}


def test_feeding_by_placeholder_name():
    x = gc.placeholder((), gc.float64, name="x")
    assert gc.Session().run(x * 2, {"x": 4.0}) == 8.0


def test_function_keyword_inputs():
    a, b = gc.placeholder((), gc.float64, name="a"), gc.placeholder((), gc.float64, name="b")
    f = gc.function([a, b], a - b)
    assert f(b=1.0, a=3.0) == 2.0


def test_a_single_output_is_returned_bare_and_a_list_as_a_list():
    x = gc.placeholder((), gc.float64)
    assert gc.function([x], x + 1)(1.0) == 2.0
    assert gc.function([x], [x + 1])(1.0) == [2.0]


def test_python_numbers_and_lists_are_fed_in_the_placeholder_dtype():
    x = gc.placeholder((2,), gc.float32)
    out = gc.function([x], x * 2)([1, 2])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [2, 4])


def test_variables_keep_their_value_across_functions_and_sessions():
    w = gc.variable(np.array([1.0, 2.0]), name="w")
    step = gc.function([], [], updates=[(w, w * 2)])
    step()
    np.testing.assert_array_equal(gc.Session().run(w), [2.0, 4.0])
    gc.Session().run(gc.assign(w, w + 1))
    np.testing.assert_array_equal(w.value, [3.0, 5.0])
    np.testing.assert_array_equal(gc.function([], w * 1)(), [3.0, 5.0])


def test_variable_assign_from_python_is_seen_by_compiled_functions():
    w = gc.variable(np.zeros(2), name="w")
    f = gc.function([], w + 1)
    f()
    w.assign(np.array([5.0, 6.0]))
    np.testing.assert_array_equal(f(), [6.0, 7.0])


def test_updates_are_simultaneous():
    """a, b = b, a + b: every new value is computed from the old values."""
    a, b = gc.variable(np.array(0.0), name="a"), gc.variable(np.array(1.0), name="b")
    step = gc.function([], [], updates=[(a, b), (b, a + b)])
    for _ in range(6):
        step()
    assert (a.value, b.value) == (8.0, 13.0)


def test_outputs_see_the_values_before_the_updates():
    v = gc.variable(np.array(1.0), name="v")
    f = gc.function([], v * 10, updates=[(v, v + 1)])
    assert [f(), f(), f()] == [10.0, 20.0, 30.0]
    assert v.value == 4.0


def test_gradient_descent_on_a_variable_converges():
    rng = np.random.default_rng(0)
    x_val = rng.standard_normal((50, 3))
    w_true = np.array([1.0, -2.0, 0.5])
    x, y = gc.placeholder((None, 3), gc.float64), gc.placeholder((None,), gc.float64)
    w = gc.variable(np.zeros(3), name="w")
    loss = gc.mean((gc.matmul(x, w) - y) ** 2)
    train = gc.function([x, y], loss, updates=[(w, w - 0.1 * gc.grad(loss, w))])
    for _ in range(300):
        last = train(x_val, x_val @ w_true)
    assert last < 1e-10
    np.testing.assert_allclose(w.value, w_true, atol=1e-5)


def test_an_update_of_a_wrong_shape_is_refused_when_the_function_is_built():
    v = gc.variable(np.zeros(3), name="v")
    with pytest.raises(gc.GraphcError):
        gc.function([], [], updates=[(v, gc.constant(np.zeros(4)))])


def test_an_update_of_something_that_is_not_a_variable_is_refused():
    x = gc.placeholder((3,), gc.float64)
    with pytest.raises(gc.GraphcError):
        gc.function([x], [], updates=[(x, x + 1)])


def test_session_caches_functions_per_fetch_and_feed_set():
    x = gc.placeholder((), gc.float64)
    sess = gc.Session()
    y = x * 2
    sess.run(y, {x: 1.0})
    first = sess.last_function
    sess.run(y, {x: 2.0})
    assert sess.last_function is first


def test_feed_values_are_not_modified():
    x = gc.placeholder((3,), gc.float64)
    data = np.array([1.0, 2.0, 3.0])
    gc.Session().run(x * 2, {x: data})
    np.testing.assert_array_equal(data, [1.0, 2.0, 3.0])


def test_compiling_pauses_the_garbage_collector_and_restores_it(monkeypatch):
    # its scans of a big graph's objects were a third of the compile time
    import gc as collector

    from graphc import backends

    build, seen = backends._build_reference, []

    def probe(program, options):
        seen.append(collector.isenabled())
        if len(seen) > 1:
            raise ZeroDivisionError("a compilation that fails")
        return build(program, options)

    monkeypatch.setattr(backends, "_build_reference", probe)
    x = gc.placeholder((2,), gc.float32)
    np.testing.assert_array_equal(gc.function([x], x + 1)(np.zeros(2, np.float32)), [1, 1])
    assert seen == [False] and collector.isenabled()
    with pytest.raises(ZeroDivisionError):
        gc.function([x], x * 2)(np.zeros(2, np.float32))
    assert seen == [False, False] and collector.isenabled()


def test_inspection_of_a_function_with_static_shapes_compiles_on_demand():
    x, y = gc.placeholder((4, 5), gc.float32), gc.placeholder((4, 5), gc.float32)
    f = gc.function([x, y], [gc.tanh(x) * y + 1.0], backend="llvm")
    assert len(f.kernels()) == 1
    assert "define" in f.llvm_ir(optimized=False)
    assert f.memory_plan().peak_bytes >= 0
    assert {"kernels", "memory_plan", "llvm_ir", "cuda_source"} <= set(dir(f))


def test_inspection_before_any_call_with_feed_time_sizes_says_how_to_compile():
    x = gc.placeholder((None, 5), gc.float32, name="x")
    f = gc.function([x], [gc.tanh(x)], backend="llvm")
    with pytest.raises(gc.GraphcError, match=r"x \(None, 5\).*f\.compile\(\*example_inputs\)"):
        f.kernels()
    f.compile(np.ones((3, 5), np.float32))
    assert len(f.kernels()) == 1


def test_inspection_a_backend_cannot_answer_is_a_clear_error():
    x = gc.placeholder((2,), gc.float64)
    f = gc.function([x], [x * 2.0])
    with pytest.raises(gc.GraphcError, match="numpy backend generates no LLVM IR"):
        f.llvm_ir()
    with pytest.raises(gc.GraphcError, match="node by node"):
        f.kernels()
    assert f.memory_plan().peak_bytes > 0


def test_a_misspelt_option_is_an_error_naming_it():
    x = gc.placeholder((2,), gc.float64)
    with pytest.raises(gc.GraphcError, match="unknown option 'remta'"):
        gc.function([x], [x * 2.0], remta="sqrt")
    with pytest.raises(gc.GraphcError, match="unknown option 'memory_limt'"):
        gc.Session(memory_limt="1G")
