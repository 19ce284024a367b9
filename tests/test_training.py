"""The steps, paths and the fit loop against torch.optim, closed forms and least squares."""

import _thread
import threading

import numpy as np
import pytest
import torch

import sgd_helpers._progress as _progress
import sgd_helpers.training as training
from sgd_helpers import (
    Progress,
    descent_path,
    first_within,
    fit,
    least_squares,
    mse,
    polynomial,
    quadratic,
    roller_coaster,
    sgd_step,
    sse,
)

T, Y = roller_coaster()
X = (T - 9.5) / 9.5  # centred and scaled: plain GD converges in a few thousand steps


def test_sgd_step_equals_torch_optim_sgd():
    p1 = torch.tensor([-0.7, -0.7, 1.3], requires_grad=True)
    p2 = p1.detach().clone().requires_grad_()
    mse(quadratic(T, p1), Y).backward()
    sgd_step(p1, 1e-5)
    opt = torch.optim.SGD([p2], lr=1e-5)
    mse(quadratic(T, p2), Y).backward()
    opt.step()
    # torch.optim fuses the multiply-add, so the two agree to float32 rounding, not bit for bit
    torch.testing.assert_close(p1, p2, rtol=2e-7, atol=0)
    assert p1.grad is None


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5, 0.75, 0.99])
def test_descent_path_on_x_squared_is_the_geometric_sequence(lr):
    # one step maps x to x - lr * 2x = (1 - 2 lr) x
    expected = torch.tensor([-1.5 * (1 - 2 * lr) ** k for k in range(21)])
    torch.testing.assert_close(descent_path(lambda x: x**2, -1.5, lr, 20), expected, rtol=1e-5, atol=1e-7)


def test_descent_path_stops_where_it_overflows():
    xs = descent_path(lambda x: x**2, -1.5, 50.0, 100)
    assert 1 < len(xs) < 101 and bool(torch.isfinite(xs).all())


def _torch_path(f, start, optimizer, steps, **settings):
    p = torch.as_tensor(start).clone().requires_grad_()
    opt, path = optimizer([p], **settings), [p.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        f(p).backward()
        opt.step()
        path.append(p.detach().clone())
    return torch.stack(path)


def _valley(p):  # a stretched, tilted bowl
    return 0.5 * (p[0] + 0.5 * p[1]) ** 2 + 12 * (p[1] - 0.3 * p[0]) ** 2


def _two_dips(p):  # not a bowl: two minima and a ridge
    return (p**4 - 2 * p**2 + 0.3 * p).sum()


@pytest.mark.parametrize("f", [_valley, _two_dips], ids=["bowl", "two minima"])
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_momentum_path_is_torch_optim_sgd_with_momentum(f, beta):
    # in float64: near a minimum momentum and Adam amplify float32's rounding into visibly different paths
    start = torch.tensor([1.5, -1.0], dtype=torch.float64)
    ours = descent_path(f, start, 0.01, 150, method="momentum", beta=beta)
    oracle = _torch_path(f, start, torch.optim.SGD, 150, lr=0.01, momentum=beta)
    torch.testing.assert_close(ours, oracle, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("f", [_valley, _two_dips], ids=["bowl", "two minima"])
@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_path_is_torch_optim_adam(f, betas):
    start = torch.tensor([1.5, -1.0], dtype=torch.float64)
    ours = descent_path(f, start, 0.05, 150, method="adam", beta=betas[0], beta2=betas[1])
    oracle = _torch_path(f, start, torch.optim.Adam, 150, lr=0.05, betas=betas)
    torch.testing.assert_close(ours, oracle, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method, optimizer, settings", [("momentum", torch.optim.SGD, {"momentum": 0.9}),
                                                         ("adam", torch.optim.Adam, {})])
def test_float32_paths_follow_torch_optim_on_a_bowl(method, optimizer, settings):
    ours = descent_path(_valley, torch.tensor([1.5, -1.0]), 0.01, 100, method=method)
    oracle = _torch_path(_valley, torch.tensor([1.5, -1.0]), optimizer, 100, lr=0.01, **settings)
    assert ours.dtype == torch.float32
    torch.testing.assert_close(ours, oracle, rtol=1e-5, atol=1e-6)


def test_momentum_steps_on_a_steady_slope_approach_lr_over_one_minus_beta():
    # a constant gradient g: the step after k updates is lr * g * (1 + beta + ... + beta^(k-1))
    path = descent_path(lambda p: 3.0 * p.sum(), torch.zeros(1), 0.1, 200, method="momentum", beta=0.9)
    steps = (path[:-1] - path[1:])[:, 0]
    torch.testing.assert_close(steps[-1], torch.tensor(0.1 * 3.0 / (1 - 0.9)), rtol=1e-5, atol=0)
    torch.testing.assert_close(steps[:5], torch.tensor([0.3 * sum(0.9**j for j in range(k + 1)) for k in range(5)]))


def test_first_within():
    assert first_within(torch.tensor([3.0, 0.5, 2.0, 0.1, 0.05]), 0.0, 1.0) == 3
    assert first_within(torch.tensor([0.5, 0.1]), 0.0, 1.0) == 0
    assert first_within(torch.tensor([0.5, 3.0]), 0.0, 1.0) is None


def test_fit_reaches_the_least_squares_answer():
    r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=5000)
    torch.testing.assert_close(r.params, least_squares(X, Y, 2), rtol=1e-4, atol=1e-3)
    assert r.stop_reason == "steps" and r.steps == 5000


def test_fit_records_losses_of_the_recorded_params_and_leaves_start_alone():
    start = torch.tensor([1.0, 2.0, 3.0])
    r = fit(quadratic, start, T, Y, lr=1e-5, steps=np.int64(10))  # numpy's integers are whole numbers too
    assert start.tolist() == [1.0, 2.0, 3.0] and not start.requires_grad
    assert r.history.shape == (11, 3) and r.losses.shape == (11,)
    for p, loss in zip(r.history, r.losses, strict=True):
        assert float(mse(quadratic(T, p), Y)) == pytest.approx(float(loss), rel=1e-6)
    torch.testing.assert_close(r.history[-1], r.params)


def test_fit_plain_step_equals_torch_optim_sgd_loop():
    r = fit(quadratic, torch.tensor([1.0, 2.0, 3.0]), T, Y, lr=1e-5, steps=50)
    oracle = _torch_path(lambda p: mse(quadratic(T, p), Y), [1.0, 2.0, 3.0], torch.optim.SGD, 50, lr=1e-5)
    torch.testing.assert_close(r.history, oracle, rtol=1e-5, atol=0)


@pytest.mark.parametrize(
    "optimizer, settings",
    [(torch.optim.SGD, {"momentum": 0.9}), (torch.optim.Adam, {}), (torch.optim.Adam, {"betas": (0.8, 0.99)})],
)
def test_fit_with_torch_optimizers_equals_their_own_loop(optimizer, settings):
    lr = 1e-3 if optimizer is torch.optim.Adam else 1e-6
    r = fit(quadratic, torch.ones(3), T, Y, lr=lr, steps=40, optimizer=optimizer, **settings)
    oracle = _torch_path(lambda p: mse(quadratic(T, p), Y), [1.0, 1.0, 1.0], optimizer, 40, lr=lr, **settings)
    torch.testing.assert_close(r.history, oracle, rtol=0, atol=0)


def test_fit_per_parameter_learning_rates():
    lr = torch.tensor([1e-5, 1e-3, 1e-1])
    r = fit(quadratic, torch.zeros(3), T, Y, lr=lr, steps=3)
    p = torch.zeros(3, requires_grad=True)
    for _ in range(3):
        mse(quadratic(T, p), Y).backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    torch.testing.assert_close(r.params, p.detach())


def test_stop_when_sees_the_run_so_far_after_each_update():
    seen = []

    def rule(h):
        seen.append((h, list(h.losses)))  # the lists grow with the run: copy what you keep
        return h.step == 7

    r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=20, stop_when=rule)
    assert r.stop_reason == "stop_when" and r.steps == 7 and [h.step for h, _ in seen] == list(range(1, 8))
    for h, losses in seen:
        assert losses == r.losses[: h.step + 1].tolist() and torch.equal(h.params, r.history[h.step])
        p = r.history[h.step].clone().requires_grad_()
        mse(quadratic(X, p), Y).backward()  # the gradient's length where the rule is asked
        assert h.grad_norm == pytest.approx(float(p.grad.norm()), rel=1e-6)


def test_stopping_rules_written_as_one_line_each():
    relative = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**5,
                   stop_when=lambda h: h.losses[-2] - h.losses[-1] < 1e-6 * h.losses[-2])
    losses = relative.losses
    assert losses[-2] - losses[-1] < 1e-6 * losses[-2] and ((losses[:-2] - losses[1:-1]) >= 1e-6 * losses[:-2]).all()
    small = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**5, stop_when=lambda h: h.grad_norm < 1e-2)
    assert small.stop_reason == "stop_when" and small.steps < 10**5


def test_early_stopping_with_validation_data():
    # A degree-5 polynomial on every other point overfits; validation on the rest stops it.
    r = fit(polynomial, torch.zeros(6), X[::2], Y[::2], lr=0.3, steps=200000, val=(X[1::2], Y[1::2]),
            stop_when=lambda h: h.step - h.best_val_step >= 50)
    best = int(r.val_losses.argmin())
    assert r.stop_reason == "stop_when" and r.steps == best + 50 and len(r.val_losses) == r.steps + 1
    assert float(r.val_losses[best]) == pytest.approx(float(mse(polynomial(X[1::2], r.history[best]), Y[1::2])))


def test_fit_stops_on_divergence_and_suggests_a_smaller_learning_rate():
    r = fit(quadratic, torch.zeros(3), T, Y, lr=1e-3, steps=1000)
    assert r.diverged and r.steps < 1000
    assert "learning rate is too large" in r.message and "smaller" in r.message
    assert "diverged" in repr(r)


def test_a_run_that_ends_above_its_start_and_still_growing_diverged():
    # just past the limit (3.54e-5), ten steps: the loss is far above the start, though not 1e8 times
    r = fit(quadratic, torch.tensor([-0.7658, -0.7506, 1.3525]), T, Y, lr=4e-5, steps=10)
    assert r.diverged and r.steps == 10 and "still growing" in r.message
    assert r.losses[-1] > r.losses[0] and r.losses[-1] > r.losses[-2]
    assert not fit(quadratic, torch.zeros(3), T, Y, lr=3e-5, steps=10).diverged


def test_a_start_that_overflows_float32_says_so():
    r = fit(quadratic, torch.full((3,), 1e20), T, Y, lr=1e-5, steps=10)
    assert r.stop_reason == "overflow" and r.steps == 0 and not r.diverged
    assert "start" in r.message and "1e+20" in r.message and "learning rate" not in r.message


def test_fit_with_sse():
    a = fit(quadratic, torch.ones(3), T, Y, lr=2e-5 / 20, steps=30, loss=sse)
    b = fit(quadratic, torch.ones(3), T, Y, lr=2e-5, steps=30, loss=mse)
    torch.testing.assert_close(a.params, b.params, rtol=1e-5, atol=1e-6)


def test_fit_records_one_loss_per_parameter_set_on_every_exit():
    runs = [
        fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=50),
        fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**5, stop_when=lambda h: h.grad_norm < 1e-2),
        fit(quadratic, torch.zeros(3), T, Y, lr=1e-3, steps=1000),  # diverges
        fit(quadratic, torch.full((3,), 1e20), T, Y, lr=1e-5, steps=10),  # overflows
    ]
    for r in runs:
        assert len(r.losses) == len(r.history) and torch.equal(r.params, r.history[-1])


def test_fit_result_repr_with_any_shape_of_params():
    r = fit(lambda x, p: p * x, torch.tensor(0.5), X, Y, lr=0.1, steps=3)
    assert repr(r).startswith("FitResult(steps=3, loss=") and "params=[" in repr(r)


def test_long_runs_show_progress_on_stderr(monkeypatch, capsys):
    monkeypatch.setattr(_progress.Ticker.__init__, "__defaults__", (0.0,))  # report from the first step
    fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=3)
    descent_path(lambda x: x**2, 1.0, 0.1, 3)
    err = capsys.readouterr().err
    assert "fit: step 1 of 3" in err and "descent_path: step 1 of 3" in err and err.endswith("\n")


def test_short_runs_are_silent(capsys):
    fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=100)
    assert capsys.readouterr().err == ""


def test_progress_is_what_a_rule_needs():
    h = Progress(step=3, params=torch.zeros(2), losses=[4.0, 2.0, 1.0, 0.5], grad_norm=0.1)
    assert h.losses[-1] == 0.5 and h.val_losses is None and h.best_val_step is None


def interrupt_at(step):
    """A stop rule that presses Ctrl-C when the run reaches `step`."""
    def rule(progress):
        if progress.step == step:
            raise KeyboardInterrupt
        return False
    return rule


@pytest.mark.parametrize("keep_history", [True, False])
def test_ctrl_c_in_a_long_run_returns_what_it_did(keep_history, capsys):
    full = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=30)
    r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**7, stop_when=interrupt_at(12), keep_history=keep_history)
    assert r.stop_reason == "interrupted" and r.steps == 12 and not r.diverged
    assert r.message.startswith("stopped by Ctrl-C after step 12 of 10,000,000; the result holds the run so far")
    torch.testing.assert_close(r.losses, full.losses[:13], rtol=0, atol=0)
    torch.testing.assert_close(r.history, full.history[:13] if keep_history else full.history[[0, 12]], rtol=0, atol=0)
    assert torch.equal(r.params, r.history[-1])
    assert "fit: stopped by Ctrl-C after step 12 of 10,000,000" in capsys.readouterr().err


class TickerThatInterrupts(_progress.Ticker):
    """The progress line, pressing Ctrl-C once the 8th update has been made and kept (before its loss)."""

    def __call__(self, done):
        if done == 8:
            raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["update", "after keeping"])
@pytest.mark.parametrize("keep_history", [True, False])
def test_ctrl_c_between_an_update_and_its_loss_drops_the_half_made_step(where, keep_history, monkeypatch):
    full = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=30)
    calls, update = [], training._update

    def update_then_interrupt(p, lr, opt):
        update(p, lr, opt)
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt

    if where == "update":
        monkeypatch.setattr(training, "_update", update_then_interrupt)
    else:
        monkeypatch.setattr(training, "Ticker", TickerThatInterrupts)
    r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**7, keep_history=keep_history, val=(X[:5], Y[:5]))
    assert r.stop_reason == "interrupted" and r.steps == 7 and len(r.val_losses) == 8
    torch.testing.assert_close(r.losses, full.losses[:8], rtol=0, atol=0)
    torch.testing.assert_close(r.params, full.history[7], rtol=0, atol=0)  # the 8th update had no loss: dropped
    assert len(r.history) == (8 if keep_history else 2)


def test_ctrl_c_that_lands_inside_no_grad_leaves_gradients_on(monkeypatch):
    calls, update = [], training._update

    def update_interrupted_inside_no_grad(p, lr, opt):  # as if Ctrl-C came before no_grad's exit restored the mode
        update(p, lr, opt)
        calls.append(1)
        if len(calls) == 5:
            torch.set_grad_enabled(False)
            raise KeyboardInterrupt

    monkeypatch.setattr(training, "_update", update_interrupted_inside_no_grad)
    r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**7)
    assert r.stop_reason == "interrupted" and torch.is_grad_enabled()


@pytest.mark.timeout(60)
def test_a_real_ctrl_c_at_any_moment_returns_the_run_so_far():
    """The interrupt a learner's Ctrl-C sends, at whatever line the run has reached after one second, not a rule's."""
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    try:
        r = fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10**7)
    finally:
        timer.cancel()
    assert r.stop_reason == "interrupted" and 1 < len(r.losses) == len(r.history) == r.steps + 1
    assert torch.equal(r.params, r.history[-1]) and torch.is_grad_enabled()


def test_ctrl_c_before_the_first_loss_stops_as_usual(monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "_loss", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fit(quadratic, torch.zeros(3), X, Y, lr=0.2, steps=10)
