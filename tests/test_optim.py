"""gc.optim: each optimizer's update equals its textbook formula (numpy) step by step, on both backends."""

import numpy as np
import pytest

import graphc as gc
from graphc.backends import available_backends

BACKENDS = [b for b in ("numpy", "llvm") if b in available_backends()]
C = np.array([0.5, -1.0, 2.0, 0.25])
W0 = np.array([0.3, -0.7, 1.1, 2.0])


def problem():
    """loss = Σ c·sin(w) + w²/2, whose gradient c·cos(w) + w numpy computes exactly."""
    w = gc.variable(W0.copy(), gc.float64, name="w")
    loss = gc.sum(gc.constant(C) * gc.sin(w) + 0.5 * w * w)
    return w, loss


def numpy_grad(w):
    return C * np.cos(w) + w


def run_steps(opt, backend, steps=5):
    w, loss = problem()
    step = gc.function([], loss, updates=opt.minimize(loss), backend=backend)
    trajectory = []
    for _ in range(steps):
        step()
        trajectory.append(w.value.copy())
    return trajectory


@pytest.mark.parametrize("backend", BACKENDS)
def test_sgd_is_w_minus_lr_g(backend):
    w, expected = W0.copy(), []
    for _ in range(5):
        w = w - 0.1 * numpy_grad(w)
        expected.append(w)
    np.testing.assert_allclose(run_steps(gc.optim.SGD(0.1), backend), expected, rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_matches_its_formula(backend, nesterov):
    w, buf, expected = W0.copy(), np.zeros(4), []
    for _ in range(5):
        g = numpy_grad(w)
        buf = 0.9 * buf + g
        w = w - 0.1 * (g + 0.9 * buf if nesterov else buf)
        expected.append(w)
    got = run_steps(gc.optim.SGD(0.1, momentum=0.9, nesterov=nesterov), backend)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_adam_matches_kingma_and_ba(backend):
    lr, b1, b2, eps = 0.05, 0.8, 0.95, 1e-6
    w, m, v, expected = W0.copy(), np.zeros(4), np.zeros(4), []
    for t in range(1, 7):
        g = numpy_grad(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected.append(w)
    got = run_steps(gc.optim.Adam(lr, betas=(b1, b2), eps=eps), backend, steps=6)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_rmsprop_matches_its_formula(backend):
    w, s, expected = W0.copy(), np.zeros(4), []
    for _ in range(5):
        g = numpy_grad(w)
        s = 0.9 * s + 0.1 * g * g
        w = w - 0.01 * g / (np.sqrt(s) + 1e-8)
        expected.append(w)
    np.testing.assert_allclose(run_steps(gc.optim.RMSProp(0.01, rho=0.9), backend), expected, rtol=1e-12)


def test_adam_matches_pytorch():
    torch = pytest.importorskip("torch")
    w_t = torch.tensor(W0.copy(), requires_grad=True)
    opt_t = torch.optim.Adam([w_t], lr=0.05, betas=(0.9, 0.99), eps=1e-7)
    for _ in range(5):
        opt_t.zero_grad()
        (torch.tensor(C) * torch.sin(w_t) + 0.5 * w_t * w_t).sum().backward()
        opt_t.step()
    got = run_steps(gc.optim.Adam(0.05, betas=(0.9, 0.99), eps=1e-7), "numpy")
    np.testing.assert_allclose(got[-1], w_t.detach().numpy(), rtol=1e-10)


def test_clip_norm_rescales_the_joint_gradient():
    w, loss = problem()
    gc.function([], loss, updates=gc.optim.SGD(1.0, clip_norm=0.5).minimize(loss))()
    g = numpy_grad(W0)
    np.testing.assert_allclose(w.value, W0 - g * 0.5 / np.linalg.norm(g), rtol=1e-12)


def test_a_small_gradient_is_not_clipped():
    w, loss = problem()
    gc.function([], loss, updates=gc.optim.SGD(1.0, clip_norm=1e6).minimize(loss))()
    np.testing.assert_allclose(w.value, W0 - numpy_grad(W0), rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: gc.optim.SGD(0.1, momentum=0.9), lambda: gc.optim.Adam(0.05)],
                         ids=["sgd-momentum", "adam"])
def test_reaches_a_fixed_loss_on_logistic_regression(make):
    rng = np.random.default_rng(0)
    x_data = rng.standard_normal((200, 3)).astype(np.float32)
    y_data = (x_data @ np.array([2.0, -1.0, 0.5]) > 0).astype(np.float32)
    x, y = gc.placeholder((None, 3), name="x"), gc.placeholder((None,), name="y")
    w = gc.variable(np.zeros(3, np.float32), name="w")
    loss = gc.nn.losses.sigmoid_cross_entropy(x @ w, y)
    step = gc.function([x, y], loss, updates=make().minimize(loss), backend=BACKENDS[-1])
    losses = [float(step(x_data, y_data)) for _ in range(300)]
    assert losses[-1] < 0.1 < losses[0]


def test_minimize_defaults_to_every_float_variable_of_the_loss():
    a = gc.variable(np.ones(2, np.float32), name="a")
    b = gc.variable(np.ones(2, np.float32), name="b")
    gc.variable(np.ones(2, np.float32), name="unused")
    loss = gc.sum(a * b)
    assert gc.optim.trainable_variables(loss) == [a, b]
    pairs = gc.optim.SGD(0.1).compute_gradients(loss)
    assert [v for _, v in pairs] == [a, b]


def test_state_lives_in_variables_updated_by_the_same_train_op():
    w, loss = problem()
    opt = gc.optim.Adam(0.01)
    train = opt.minimize(loss)
    updated = {v.id for v, _ in train}
    assert w.id in updated and all(s.id in updated for s in opt.state)
    step_count = next(s for s in opt.state if s.name.endswith("step"))
    sess = gc.Session()
    assert sess.run([loss, train])[1] is None
    sess.run(train)
    assert int(step_count.value) == 2


def test_var_list_limits_what_trains():
    a = gc.variable(np.ones(2), gc.float64, name="a")
    b = gc.variable(np.ones(2), gc.float64, name="b")
    loss = gc.sum(a * b)
    gc.function([], loss, updates=gc.optim.SGD(0.5).minimize(loss, var_list=[b]))()
    np.testing.assert_array_equal(a.value, [1, 1])
    np.testing.assert_array_equal(b.value, [0.5, 0.5])


def test_float32_variables_keep_their_dtype():
    w = gc.variable(np.ones(3, np.float32), name="w")
    loss = gc.sum(w * w)
    train = gc.optim.Adam(0.1).minimize(loss)
    assert all(value.dtype == var.dtype for var, value in train)


def test_a_non_scalar_loss_is_refused_with_the_fix():
    w = gc.variable(np.ones(3, np.float32))
    with pytest.raises(gc.GraphcError, match="scalar.*gc.mean"):
        gc.optim.SGD(0.1).minimize(w * 2)


def test_a_loss_without_variables_is_refused():
    x = gc.placeholder((3,))
    with pytest.raises(gc.GraphcError, match="no variables"):
        gc.optim.SGD(0.1).minimize(gc.sum(x))


def test_var_list_must_hold_variables():
    x = gc.placeholder((3,))
    w = gc.variable(np.ones(3, np.float32))
    with pytest.raises(gc.GraphcError, match="not a variable"):
        gc.optim.SGD(0.1).minimize(gc.sum(x * w), var_list=[x])


@pytest.mark.parametrize("make", [lambda: gc.optim.SGD(-1.0), lambda: gc.optim.SGD(0.1, momentum=1.0),
                                  lambda: gc.optim.SGD(0.1, nesterov=True), lambda: gc.optim.Adam(0.1, (1.0, 0.9)),
                                  lambda: gc.optim.RMSProp(0.1, rho=-0.1)])
def test_bad_hyperparameters_are_refused(make):
    with pytest.raises(gc.GraphcError):
        make()


def test_apply_gradients_takes_edited_gradients_and_skips_none():
    a = gc.variable(np.ones(2), gc.float64, name="a")
    b = gc.variable(np.ones(2), gc.float64, name="b")
    opt = gc.optim.SGD(0.5)
    (ga, _), (gb, _) = opt.compute_gradients(gc.sum(a * b * 3.0))
    gc.function([], [], updates=opt.apply_gradients([(ga * 2.0, a), (None, b)]))()
    np.testing.assert_array_equal(a.value, [-2, -2])
    np.testing.assert_array_equal(b.value, [1, 1])
