"""The step and the fit loop against torch.optim, hand-computed sequences and least squares."""

import pytest
import torch

from sgd_helpers import descent_path, first_within, fit, least_squares, mse, polynomial, quadratic, sgd_step, sse
from sgd_helpers.data import roller_coaster


def test_sgd_step_equals_torch_optim_sgd():
    t, y = roller_coaster()
    p1 = torch.tensor([-0.7, -0.7, 1.3], requires_grad=True)
    p2 = p1.detach().clone().requires_grad_()
    mse(quadratic(t, p1), y).backward()
    sgd_step(p1, 1e-5)
    opt = torch.optim.SGD([p2], lr=1e-5)
    mse(quadratic(t, p2), y).backward()
    opt.step()
    # torch.optim fuses the multiply-add, so the two agree to float32 rounding, not bit for bit
    torch.testing.assert_close(p1, p2, rtol=2e-7, atol=0)
    assert p1.grad is None


def test_sgd_step_without_gradient_says_so():
    with pytest.raises(ValueError, match="backward"):
        sgd_step(torch.zeros(2, requires_grad=True), 0.1)


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5, 0.75, 0.99])
def test_descent_path_on_x_squared_is_the_geometric_sequence(lr):
    # one step maps x to x - lr * 2x = (1 - 2 lr) x
    xs = descent_path(lambda x: x**2, -1.5, lr, 20)
    expected = torch.tensor([-1.5 * (1 - 2 * lr) ** k for k in range(21)])
    torch.testing.assert_close(xs, expected, rtol=1e-5, atol=1e-7)


def test_descent_path_stops_where_it_overflows():
    xs = descent_path(lambda x: x**2, -1.5, 50.0, 100)
    assert 1 < len(xs) < 101 and bool(torch.isfinite(xs).all())


def test_first_within():
    assert first_within(torch.tensor([3.0, 0.5, 2.0, 0.1, 0.05]), 0.0, 1.0) == 3
    assert first_within(torch.tensor([0.5, 0.1]), 0.0, 1.0) == 0
    assert first_within(torch.tensor([0.5, 3.0]), 0.0, 1.0) is None


def test_fit_reaches_the_least_squares_answer():
    t, y = roller_coaster()
    # Centre and scale time so plain GD converges in a few thousand steps.
    x = (t - 9.5) / 9.5
    r = fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=5000)
    torch.testing.assert_close(r.params, least_squares(x, y, 2), rtol=1e-4, atol=1e-3)
    assert r.stop_reason == "steps" and r.steps == 5000


def test_fit_records_losses_of_the_recorded_params_and_leaves_start_alone():
    t, y = roller_coaster()
    start = torch.tensor([1.0, 2.0, 3.0])
    r = fit(quadratic, start, t, y, lr=1e-5, steps=10)
    assert start.tolist() == [1.0, 2.0, 3.0] and not start.requires_grad
    assert r.history.shape == (11, 3) and r.losses.shape == (11,)
    for p, loss in zip(r.history, r.losses, strict=True):
        assert float(mse(quadratic(t, p), y)) == pytest.approx(float(loss), rel=1e-6)
    torch.testing.assert_close(r.history[-1], r.params)


def test_fit_plain_step_equals_torch_optim_sgd_loop():
    t, y = roller_coaster()
    r = fit(quadratic, torch.tensor([1.0, 2.0, 3.0]), t, y, lr=1e-5, steps=50)
    p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=1e-5)
    for _ in range(50):
        mse(quadratic(t, p), y).backward()
        opt.step()
        opt.zero_grad()
    torch.testing.assert_close(r.params, p.detach(), rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    "optimizer, kwargs",
    [(torch.optim.SGD, {"momentum": 0.9}), (torch.optim.Adam, {}), (torch.optim.Adam, {"betas": (0.8, 0.99)})],
)
def test_fit_with_torch_optimizers_equals_their_own_loop(optimizer, kwargs):
    t, y = roller_coaster()
    r = fit(quadratic, torch.ones(3), t, y, lr=1e-3 if optimizer is torch.optim.Adam else 1e-6, steps=40,
            optimizer=optimizer, **kwargs)
    p = torch.ones(3, requires_grad=True)
    opt = optimizer([p], lr=1e-3 if optimizer is torch.optim.Adam else 1e-6, **kwargs)
    for _ in range(40):
        opt.zero_grad()
        mse(quadratic(t, p), y).backward()
        opt.step()
    torch.testing.assert_close(r.params, p.detach(), rtol=0, atol=0)


def test_fit_per_parameter_learning_rates():
    t, y = roller_coaster()
    lr = torch.tensor([1e-5, 1e-3, 1e-1])
    r = fit(quadratic, torch.zeros(3), t, y, lr=lr, steps=3)
    p = torch.zeros(3, requires_grad=True)
    for _ in range(3):
        mse(quadratic(t, p), y).backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    torch.testing.assert_close(r.params, p.detach())


def test_fit_stop_rules_each_fire_with_their_reason():
    t, y = roller_coaster()
    x = (t - 9.5) / 9.5
    assert fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=100000, rel_tol=1e-6).stop_reason == "rel_tol"
    r = fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=100000, grad_tol=1e-2)
    assert r.stop_reason == "grad_tol" and r.steps < 100000
    r = fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=100000, stop_when=lambda p: p[0] > 30)
    assert r.stop_reason == "stop_when" and r.params[0] > 30 and r.history[-2][0] <= 30


def test_fit_early_stopping_on_validation_loss():
    t, y = roller_coaster(n=20, noise=3.0)
    x = (t - 9.5) / 9.5
    # A degree-5 polynomial on every other point overfits; validation on the rest stops it.
    r = fit(polynomial, torch.zeros(6), x[::2], y[::2], lr=0.3, steps=200000, val=(x[1::2], y[1::2]), patience=50)
    assert r.stop_reason == "early_stop"
    best = int(r.val_losses.argmin())
    assert r.steps == best + 50 and len(r.val_losses) == r.steps + 1


def test_fit_stops_on_divergence_and_suggests_a_smaller_learning_rate():
    t, y = roller_coaster()
    r = fit(quadratic, torch.zeros(3), t, y, lr=1e-3, steps=1000)
    assert r.diverged and r.steps < 1000
    assert "learning rate is too large" in r.message and "smaller" in r.message
    assert "diverged" in repr(r)


def test_fit_with_sse():
    t, y = roller_coaster()
    a = fit(quadratic, torch.ones(3), t, y, lr=2e-5 / 20, steps=30, loss_fn=sse)
    b = fit(quadratic, torch.ones(3), t, y, lr=2e-5, steps=30, loss_fn=mse)
    torch.testing.assert_close(a.params, b.params, rtol=1e-5, atol=1e-6)


def test_fit_records_one_loss_per_parameter_set_on_every_exit():
    t, y = roller_coaster()
    x = (t - 9.5) / 9.5
    runs = [
        fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=50),
        fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=10**5, rel_tol=1e-6),
        fit(quadratic, torch.zeros(3), x, y, lr=0.2, steps=10**5, grad_tol=1e-2),
        fit(quadratic, torch.zeros(3), t, y, lr=1e-3, steps=1000),  # diverges
    ]
    for r in runs:
        assert len(r.losses) == len(r.history) and torch.equal(r.params, r.history[-1])
    assert runs[-1].diverged
