"""The bad inputs a learner really makes, in one table, and what each gets.

Each row is a mistake seen in practice or a case that used to go wrong silently: it must get a clear error that
names what was expected (never a silent wrong result, never a hang). The checks behind them live at the helpers'
entry points (`sgd_helpers/_checks.py`); inputs nobody passes by mistake are left to Python's and PyTorch's own
errors.
"""

import math

import numpy as np
import pytest
import torch

import sgd_helpers as h

t20, y20 = h.roller_coaster()
ones3 = torch.ones(3)
ints3 = torch.tensor([1, 2, 3])


def fit(**kwargs):
    args = {"model": h.quadratic, "params": torch.zeros(3), "x": t20, "y": y20, "lr": 1e-5, "steps": 5} | kwargs
    return h.fit(**args)


def square(x):
    return x**2


def stepped(lr):
    p = torch.ones(2, requires_grad=True)
    (p**2).sum().backward()
    h.sgd_step(p, lr)


# (helper, what is wrong, the call, the error, words the message must contain)
TABLE = [
    # integers where gradients need floats
    ("quadratic", "integer input", lambda: h.quadratic(torch.arange(3), ones3), TypeError, "t must be a floating"),
    ("fit", "integer params", lambda: fit(params=ints3), TypeError, "params must be a floating"),
    ("fit", "integer data", lambda: fit(x=torch.arange(20)), TypeError, "x must be a floating"),
    ("sse", "integer targets", lambda: h.sse(ones3, ints3), TypeError, "targets must be a floating"),
    # float32 data with float64 parameters: PyTorch's own message names 'addmv'
    ("polynomial", "float64 params, float32 input", lambda: h.polynomial(t20, ones3.double()), TypeError,
     "t is torch.float32 but params is torch.float64"),
    ("fit", "float64 params, float32 data", lambda: fit(params=torch.zeros(3, dtype=torch.float64)), TypeError,
     "x is torch.float32 but params is torch.float64"),
    # shapes: the broadcasting trap, (n, 1) against (n,), gives an (n, n) loss without complaint
    ("mse", "broadcastable shapes", lambda: h.mse(torch.ones(3, 1), ones3), ValueError, "must match"),
    ("mse", "mismatched lengths", lambda: h.mse(ones3, torch.ones(4)), ValueError, "shape (3,) but targets"),
    ("quadratic", "four params", lambda: h.quadratic(t20, torch.ones(4)), ValueError, "expects 3 params"),
    ("fit", "x and y of different lengths", lambda: fit(y=y20[:19]), ValueError, "pair up"),
    ("fit", "per-parameter lr of the wrong shape", lambda: fit(lr=torch.ones(2)), ValueError, "shape"),
    ("least_squares", "mismatched targets", lambda: h.least_squares(t20, y20[:5], 2), ValueError, "shape"),
    # learning rates: positive, finite numbers (text and bools are not numbers)
    ("fit", "zero lr", lambda: fit(lr=0.0), ValueError, "lr must be a positive"),
    ("fit", "negative lr", lambda: fit(lr=-1e-5), ValueError, "lr must be a positive"),
    ("fit", "lr as text", lambda: fit(lr="0.1"), TypeError, "lr must be a number, got '0.1'"),
    ("fit", "lr=True", lambda: fit(lr=True), TypeError, "lr must be a number, got True"),
    ("descent_path", "NaN lr", lambda: h.descent_path(square, 1.0, math.nan, 5), ValueError, "lr must be a finite"),
    ("sgd_step", "a zero per-parameter lr", lambda: stepped(torch.tensor([0.1, 0.0])), ValueError, "positive, finite"),
    # step counts: whole numbers, numpy's included
    ("fit", "zero steps", lambda: fit(steps=0), ValueError, "steps must be at least 1"),
    ("fit", "fractional steps", lambda: fit(steps=2.5), TypeError, "steps must be a whole number"),
    ("descent_path", "steps=True", lambda: h.descent_path(square, 1.0, 0.1, True), TypeError, "whole number"),
    # f must give one number
    ("finite_difference", "vector-valued f", lambda: h.finite_difference(square, ones3), ValueError, "single number"),
    ("descent_path", "vector-valued f", lambda: h.descent_path(lambda x: x * ones3, 1.0, 0.1, 3), ValueError,
     "single number"),
    ("plot_tangent", "vector-valued f", lambda: h.plot_tangent(h.plot_function(square), lambda x: x * ones3, 1.0),
     ValueError, "single number"),
    # finite data where training starts
    ("fit", "NaN targets", lambda: fit(y=torch.full((20,), math.nan)), ValueError, "y contains NaN"),
    ("fit", "infinite inputs", lambda: fit(x=torch.full((20,), math.inf)), ValueError, "x contains NaN or inf"),
    ("finite_difference", "NaN point", lambda: h.finite_difference(lambda x: x.sum(), torch.tensor([math.nan])),
     ValueError, "NaN"),
    # keywords fit does not know are errors, not silently ignored
    ("fit", "a misspelt keyword", lambda: fit(step=3), TypeError, "fit() got step: not one of fit's arguments"),
    ("fit", "an optimizer setting without an optimizer", lambda: fit(momentum=0.9), TypeError,
     "optimizer= (for example torch.optim.SGD)"),
    ("fit", "a setting the optimizer lacks", lambda: fit(optimizer=torch.optim.SGD, betas=(0.9, 0.99)), TypeError,
     "SGD has no setting 'betas'"),
    # nudges too small to move x: the estimate used to be silently zero
    ("finite_difference", "eps of 1e-20", lambda: h.finite_difference(lambda x: x.sum(), ones3, eps=1e-20),
     ValueError, "at least 1e-10 times x's size"),
    ("finite_difference", "zero eps", lambda: h.finite_difference(lambda x: x.sum(), ones3, eps=0), ValueError,
     "eps must be positive"),
    # no history to differentiate
    ("sgd_step", "no gradient yet", lambda: h.sgd_step(torch.ones(2, requires_grad=True), 0.1), ValueError, "backward"),
    ("grad_fn_tree", "no history", lambda: h.grad_fn_tree(ones3 * 2), ValueError, "requires_grad_"),
    # a loss the closed forms do not know
    ("hessian", "a loss given by name", lambda: h.hessian(t20, 2, "sse"), ValueError, "sgd_helpers.mse or"),
    ("least_squares", "too few points", lambda: h.least_squares(t20[:2], y20[:2], 2), ValueError, "at least 3"),
    # plots
    ("plot_loss", "a diverged run's NaN", lambda: h.plot_loss([3.0, math.nan]), ValueError, "diverged run"),
    ("plot_function", "an empty range", lambda: h.plot_function(square, min=1, max=1), ValueError, "min < max"),
    # explorers: a value a control cannot show is refused, not silently clamped
    ("Explorer.set", "lr=0", lambda: h.coaster_explorer(t20, y20).set(lr=0), ValueError,
     "lr must be one of the control's values (1e-7 to 0.001"),
    ("Explorer.set", "a value past the slider's range", lambda: h.descent_explorer().set(steps=80), ValueError,
     "steps must be a whole number from 1 to 50 (the slider's range), got 80"),
    ("Explorer.set", "a value between the slider's steps", lambda: h.coaster_explorer(t20, y20).set(lr=3.3e-5),
     ValueError, "the nearest are 3e-5 and 4e-5"),
    ("Explorer.set", "an unknown control", lambda: h.descent_explorer().set(rate=0.2), KeyError, "no control named"),
    ("descent_explorer", "lr past the slider", lambda: h.descent_explorer(lr=5.0), ValueError, "control's values"),
    ("Explorer.set", "an optimiser the explorer does not offer", lambda: h.surface_explorer(
        lambda p: (p**2).sum(-1), (-1.0, 1.0), (-1.0, 1.0)).set(method="sgd"), ValueError, "method must be one of"),
    ("surface_explorer", "a loss that is not a bowl",
     lambda: h.surface_explorer(lambda p: (p**4).sum(-1), (-1.0, 1.0), (-1.0, 1.0)), ValueError, "needs a bowl"),
    ("coaster_explorer", "two starting params", lambda: h.coaster_explorer(t20, y20, start=(1.0, 2.0)), ValueError,
     "three numbers"),
    # exercises
    ("check_answer", "an exercise that does not exist", lambda: h.check_answer("01.9", 1), KeyError,
     "the exercises are"),
    ("check_answer", "a wrong solution", lambda: h.check_answer("02.1", 0.5, solution=True), AssertionError,
     "does not pass its check"),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("helper, wrong, call, error, words", TABLE, ids=[f"{r[0]}: {r[1]}" for r in TABLE])
def test_bad_input_gets_a_clear_error(helper, wrong, call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value), f"{helper} with {wrong}: the message {str(info.value)!r} lacks {words!r}"


# Cases that used to go wrong and now work: each is a correct result, not an error.
def test_a_list_of_tensors_keeps_autograd():
    a, b, c = (torch.tensor(v, requires_grad=True) for v in (1.0, 2.0, 3.0))
    h.mse(h.quadratic(t20, [a, b, c]), y20).backward()
    assert a.grad is not None and b.grad is not None and c.grad is not None


def test_numpy_integers_are_whole_numbers():
    r = fit(steps=np.int64(5))
    assert r.steps == 5
    assert len(h.descent_path(square, 1.0, 0.1, np.int32(3))) == 4


def test_fit_result_and_plot_loss_with_a_result():
    r = h.fit(lambda x, p: p * x, torch.tensor(0.5), t20, y20, lr=1e-4, steps=3)  # 0-d parameters
    assert "params=[" in repr(r)
    ax = h.plot_loss(r)
    assert ax.lines[0].get_ydata().tolist() == pytest.approx(r.losses.tolist())


@pytest.mark.timeout(30)
def test_a_start_that_overflows_says_so_not_the_learning_rate():
    r = fit(params=torch.full((3,), 1e20))
    assert r.stop_reason == "overflow" and "too large for float32" in r.message and "learning rate" not in r.message


@pytest.mark.timeout(30)
@pytest.mark.parametrize("lr", [1e-3, 1.0, 1e6])
def test_a_diverging_learning_rate_stops_with_advice_not_a_hang(lr):
    r = fit(lr=lr, steps=10**9)  # would take hours if divergence were not caught
    assert r.diverged and r.steps < 1000
    assert "too large" in r.message and "smaller" in r.message
    assert bool(torch.isfinite(r.history[:-1]).all())


@pytest.mark.timeout(30)
def test_descent_path_that_overflows_ends_at_the_last_finite_point():
    xs = h.descent_path(square, 1.0, 1e3, 10**6)
    assert 1 < len(xs) < 100 and bool(torch.isfinite(xs).all())
