"""gc.conv2d, gc.max_pool2d, gc.avg_pool2d: TensorFlow's definitions (NHWC, HWIO, SAME's odd pixel at the
bottom/right), checked against direct loops written here, scipy and PyTorch when installed, and across
backends; gradients of first and second order against central differences in float64."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc

# ---- the oracle: direct loops over output pixels, padding resolved as TensorFlow documents it ------------


def same_pads(size, window, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def resolve(padding, hw, windows, strides):
    if padding == "VALID":
        return ((0, 0), (0, 0))
    if padding == "SAME":
        return tuple(same_pads(n, k, s) for n, k, s in zip(hw, windows, strides))
    return padding


def loop_conv2d(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1), groups=1):
    n, h, wd, c = x.shape
    kh, kw, cg, o = w.shape
    eff = ((kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1)
    (t, b), (left, r) = resolve(padding, (h, wd), eff, strides)
    xp = np.zeros((n, h + t + b, wd + left + r, c))
    xp[:, t:t + h, left:left + wd] = x
    oh, ow = (xp.shape[1] - eff[0]) // strides[0] + 1, (xp.shape[2] - eff[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, o))
    og = o // groups
    for i in range(oh):
        for j in range(ow):
            for oc in range(o):
                g = oc // og
                for a in range(kh):
                    for bb in range(kw):
                        pixel = xp[:, i * strides[0] + a * dilations[0], j * strides[1] + bb * dilations[1],
                                   g * cg:(g + 1) * cg]
                        out[:, i, j, oc] += pixel @ w[a, bb, :, oc]
    return out


def loop_pool(x, window, strides, padding, kind):
    n, h, wd, c = x.shape
    (t, b), (left, r) = resolve(padding, (h, wd), window, strides)
    oh, ow = (h + t + b - window[0]) // strides[0] + 1, (wd + left + r - window[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - t, j * strides[1] - left
            patch = x[:, max(r0, 0):r0 + window[0], max(c0, 0):c0 + window[1]]  # real pixels only
            out[:, i, j] = patch.max(axis=(1, 2)) if kind == "max" else patch.mean(axis=(1, 2))
    return out


def run(outputs, feeds: dict, backend="numpy"):
    return gc.function(list(feeds), outputs, backend=backend)(*feeds.values())


CONV_CASES = [  # (x shape, w shape, strides, padding, dilations, groups)
    ((2, 5, 5, 3), (3, 3, 3, 4), (1, 1), "VALID", (1, 1), 1),
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1), 1),
    ((1, 7, 6, 2), (3, 2, 2, 3), (2, 2), "SAME", (1, 1), 1),      # odd pixel at the bottom/right
    ((1, 8, 8, 2), (2, 2, 2, 2), (2, 3), "SAME", (1, 1), 1),
    ((2, 7, 7, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2), 1),
    ((1, 9, 8, 3), (2, 3, 3, 2), (2, 1), "VALID", (3, 2), 1),
    ((1, 5, 4, 2), (3, 3, 2, 3), (1, 2), ((2, 0), (1, 3)), (1, 1), 1),
    ((2, 6, 6, 4), (3, 3, 2, 6), (1, 1), "SAME", (1, 1), 2),
    ((1, 6, 5, 6), (2, 2, 1, 6), (2, 1), "VALID", (1, 2), 6),    # depthwise
    ((3, 4, 4, 5), (1, 1, 5, 7), (1, 1), "VALID", (1, 1), 1),     # 1x1: the columns are the input itself
]


@pytest.mark.parametrize("backend", ["numpy", "llvm"])
@pytest.mark.parametrize("xs,ws,strides,padding,dilations,groups", CONV_CASES)
def test_conv2d_equals_the_direct_loop(xs, ws, strides, padding, dilations, groups, backend):
    rng = np.random.default_rng(0)
    x_val, w_val = rng.standard_normal(xs), rng.standard_normal(ws)
    x, w = gc.placeholder((None, *xs[1:]), gc.float64), gc.placeholder(ws, gc.float64)
    y = gc.conv2d(x, w, strides=strides, padding=padding, dilations=dilations, groups=groups)
    want = loop_conv2d(x_val, w_val, strides, padding, dilations, groups)
    assert y.shape == (None, *want.shape[1:])
    np.testing.assert_allclose(run([y], {x: x_val, w: w_val}, backend)[0], want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("window,strides,padding", [
    ((2, 2), None, "VALID"), ((3, 3), (2, 2), "SAME"), ((3, 2), (1, 2), "SAME"), ((2, 3), (2, 1), "VALID"),
    ((3, 3), (1, 1), ((1, 2), (0, 2))), ((2, 2), (3, 3), "SAME")])
@pytest.mark.parametrize("backend", ["numpy", "llvm"])
def test_pools_equal_the_direct_loop(kind, window, strides, padding, backend):
    x_val = np.random.default_rng(1).standard_normal((2, 7, 6, 3))
    x = gc.placeholder((None, 7, 6, 3), gc.float64)
    pool = gc.max_pool2d if kind == "max" else gc.avg_pool2d
    y = pool(x, window, strides=strides, padding=padding)
    want = loop_pool(x_val, window, strides or window, padding, kind)
    np.testing.assert_allclose(run([y], {x: x_val}, backend)[0], want, rtol=1e-12, atol=1e-12)


def test_same_average_excludes_the_padding_as_tensorflow():
    """A corner window of a 3x3 SAME average over ones is 1, not 4/9."""
    out = run([gc.avg_pool2d(gc.constant(np.ones((1, 4, 4, 1))), 3, strides=1, padding="SAME")], {})[0]
    np.testing.assert_array_equal(out, np.ones((1, 4, 4, 1)))


def test_max_pool_of_all_negative_inputs_never_picks_the_padding():
    x = -np.arange(1.0, 17.0).reshape(1, 4, 4, 1)
    out = run([gc.max_pool2d(gc.constant(x), 3, strides=2, padding="SAME")], {})[0]
    np.testing.assert_array_equal(out[0, :, :, 0], [[-1.0, -3.0], [-9.0, -11.0]])


def test_integer_max_pool_pads_with_the_lowest_integer():
    x = np.array([[-5, -7], [-6, -9]], np.int32).reshape(1, 2, 2, 1)
    out = run([gc.max_pool2d(gc.constant(x), 2, strides=1, padding="SAME")], {})[0]
    assert out.dtype == np.int32 and out[0, :, :, 0].tolist() == [[-5, -7], [-6, -9]]


def test_average_of_integers_is_float64_as_numpys_mean():
    x = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    for padding in ("VALID", "SAME"):
        y = gc.avg_pool2d(gc.constant(x), 3, strides=1, padding=padding)
        assert y.dtype == np.float64
        np.testing.assert_allclose(run([y], {})[0], loop_pool(x, (3, 3), (1, 1), padding, "avg"))


def test_max_pool_ties_share_the_gradient_equally():
    """Ties split the gradient equally (gc.max's rule, as JAX); the window's total is 1 either way."""
    x = gc.placeholder((1, 2, 2, 1), gc.float64)
    (g,) = gc.grad(gc.sum(gc.max_pool2d(x, 2)), [x])
    out = run([g], {x: np.array([3.0, 3.0, 1.0, 3.0]).reshape(1, 2, 2, 1)})[0]
    np.testing.assert_allclose(out.ravel(), [1 / 3, 1 / 3, 0.0, 1 / 3])


def test_conv2d_matches_scipy_correlate():
    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(2)
    x_val, w_val = rng.standard_normal((1, 9, 7, 1)), rng.standard_normal((4, 3, 1, 1))
    out = run([gc.conv2d(gc.constant(x_val), gc.constant(w_val))], {})[0]
    np.testing.assert_allclose(out[0, :, :, 0], signal.correlate2d(x_val[0, :, :, 0], w_val[:, :, 0, 0], "valid"),
                               rtol=1e-12, atol=1e-12)


def test_conv2d_and_pools_match_pytorch():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(3)
    x_val, w_val = rng.standard_normal((2, 9, 8, 4)), rng.standard_normal((3, 3, 2, 6))
    y = gc.conv2d(gc.constant(x_val), gc.constant(w_val), strides=(2, 1), padding=((1, 1), (2, 2)),
                  dilations=(1, 2), groups=2)
    p = gc.max_pool2d(gc.constant(x_val), 3, strides=2, padding=((1, 1), (1, 1)))
    got_y, got_p = run([y, p], {})
    xt = torch.from_numpy(x_val).permute(0, 3, 1, 2)
    want_y = functional.conv2d(xt, torch.from_numpy(w_val).permute(3, 2, 0, 1), stride=(2, 1), padding=(1, 2),
                               dilation=(1, 2), groups=2).permute(0, 2, 3, 1).numpy()
    want_p = functional.max_pool2d(xt, 3, stride=2, padding=1).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(got_y, want_y, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got_p, want_p)


# ---- derivatives ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("xs,ws,strides,padding,dilations,groups", [CONV_CASES[i] for i in (1, 2, 5, 6, 7)])
def test_conv2d_gradients_match_central_differences(xs, ws, strides, padding, dilations, groups):
    rng = np.random.default_rng(4)
    x, w = gc.placeholder(xs, gc.float64), gc.placeholder(ws, gc.float64)
    y = gc.conv2d(x, w, strides=strides, padding=padding, dilations=dilations, groups=groups)
    loss = gc.sum(gc.tanh(y) * y)
    assert gc.check_grad(loss, [x, w], {x: rng.standard_normal(xs), w: rng.standard_normal(ws)}, rtol=1e-6)


def test_conv2d_second_derivatives_match_central_differences():
    """The gradient of a conv net's input gradient (grad of grad) in both arguments."""
    rng = np.random.default_rng(5)
    x, w = gc.placeholder((1, 5, 5, 2), gc.float64), gc.placeholder((3, 3, 2, 3), gc.float64)
    y = gc.conv2d(x, w, strides=2, padding="SAME")
    (gx,) = gc.grad(gc.sum(gc.sin(y)), [x])
    direction = gc.constant(rng.standard_normal((1, 5, 5, 2)))
    feeds = {x: rng.standard_normal((1, 5, 5, 2)), w: rng.standard_normal((3, 3, 2, 3))}
    assert gc.check_grad(gc.sum(gx * direction), [x, w], feeds, rtol=1e-6)
    (gw,) = gc.grad(gc.sum(gc.sin(y)), [w])
    assert gc.check_grad(gc.sum(gw * gw), [x, w], feeds, rtol=1e-6)


@pytest.mark.parametrize("pool,padding", [(gc.max_pool2d, "SAME"), (gc.avg_pool2d, "SAME"),
                                          (gc.max_pool2d, "VALID"), (gc.avg_pool2d, ((1, 0), (0, 1)))])
def test_pool_gradients_and_second_derivatives_match_central_differences(pool, padding):
    rng = np.random.default_rng(6)
    x = gc.placeholder((2, 5, 4, 2), gc.float64)
    y = pool(x * x, 2, strides=(2, 1), padding=padding)
    feeds = {x: rng.standard_normal((2, 5, 4, 2))}  # distinct values: no ties, max is smooth here
    assert gc.check_grad(gc.sum(y * y), [x], feeds, rtol=1e-6)
    (gx,) = gc.grad(gc.sum(y * y * y), [x])
    assert gc.check_grad(gc.sum(gx * gx), [x], feeds, rtol=1e-6)


def test_forward_mode_equals_central_differences():
    rng = np.random.default_rng(7)
    x, w = gc.placeholder((1, 6, 5, 2), gc.float64), gc.placeholder((3, 2, 2, 4), gc.float64)
    y = gc.avg_pool2d(gc.relu(gc.conv2d(x, w, padding="SAME", dilations=(2, 1))), 2, padding="SAME")
    xv, wv, tx, tw = (rng.standard_normal(s) for s in ((1, 6, 5, 2), (3, 2, 2, 4), (1, 6, 5, 2), (3, 2, 2, 4)))
    (tangent,) = run([gc.jvp(y, [x, w], [gc.constant(tx), gc.constant(tw)])], {x: xv, w: wv})
    f = gc.function([x, w], [y])
    eps = 1e-6
    numeric = (f(xv + eps * tx, wv + eps * tw)[0] - f(xv - eps * tx, wv - eps * tw)[0]) / (2 * eps)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)


# ---- llvm against the numpy reference on random configurations ---------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_llvm_equals_the_reference_on_random_convolutions(data):
    groups = data.draw(st.sampled_from([1, 2]), "groups")
    c_in, c_out = groups * data.draw(st.integers(1, 3)), groups * data.draw(st.integers(1, 3))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    strides = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dilations = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    padding = data.draw(st.sampled_from(["VALID", "SAME", ((1, 0), (2, 1))]))
    hw = (data.draw(st.integers(5, 8)), data.draw(st.integers(5, 8)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x_val = rng.standard_normal((2, *hw, c_in)).astype(np.float32)
    w_val = rng.standard_normal((*kernel, c_in // groups, c_out)).astype(np.float32)
    x, w = gc.placeholder((None, *hw, c_in), gc.float32), gc.placeholder(w_val.shape, gc.float32)
    y = gc.relu(gc.conv2d(x, w, strides, padding, dilations, groups) + 0.5)
    p = gc.max_pool2d(y, 2, padding="SAME")
    gx, gw = gc.grad(gc.sum(p * p) + gc.sum(gc.avg_pool2d(y, (2, 1), padding="SAME")), [x, w])
    want = run([y, p, gx, gw], {x: x_val, w: w_val}, "numpy")
    got = run([y, p, gx, gw], {x: x_val, w: w_val}, "llvm")
    direct = loop_conv2d(x_val, w_val, strides, padding, dilations, groups)
    np.testing.assert_allclose(want[0], np.maximum(direct + 0.5, 0), rtol=1e-4, atol=1e-4)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


# ---- errors: the op, the shapes and the user's line ---------------------------------------------------------


@pytest.mark.parametrize("build,message", [
    (lambda: gc.conv2d(gc.placeholder((4, 4, 3)), gc.placeholder((3, 3, 3, 2))), "rank 4"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((3, 3, 2, 2))), "needs 3"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 4)), gc.placeholder((3, 3, 2, 3)), groups=2), "groups=2"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((5, 3, 3, 2))), "larger than the padded"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((3, 3, 3, 2)), dilations=2),
     "larger than the padded"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((3, 3, 3, 2)), padding="FULL"), "'SAME'"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((3, 3, 3, 2)), padding=((1, -1), (0, 0))),
     "non-negative"),
    (lambda: gc.conv2d(gc.placeholder((1, 4, 4, 3)), gc.placeholder((3, 3, 3, 2)), strides=0), "strides"),
    (lambda: gc.conv2d(gc.placeholder((1, None, 4, 3)), gc.placeholder((3, 3, 3, 2))), "static height"),
    (lambda: gc.max_pool2d(gc.placeholder((1, 4, 4, 3)), 5), "larger than the padded"),
    (lambda: gc.max_pool2d(gc.placeholder((1, 4, 4, 3)), 2, padding="same-ish"), "'VALID'"),
    (lambda: gc.avg_pool2d(gc.placeholder((1, 4, 4, 3)), 2, padding=((2, 0), (0, 0))), "smaller than the window"),
    (lambda: gc.avg_pool2d(gc.placeholder((1, 4, 4, 3)), (2, 2, 2)), "window"),
])
def test_shape_errors_name_the_op_the_shapes_and_the_users_line(build, message):
    with pytest.raises(gc.ShapeError, match=message) as info:
        build()
    text = str(info.value)
    assert text.split(":")[0] in ("conv2d", "max_pool2d", "avg_pool2d")
    assert any(shape in text for shape in ("(1, 4, 4, 3)", "(1, 4, 4, 4)", "(4, 4, 3)", "(1, None, 4, 3)"))
    assert "test_conv.py" in text
