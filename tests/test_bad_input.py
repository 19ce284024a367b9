"""Every helper's bad inputs, in one table, and what each gets.

A bad input must get a clear error that names what was expected, and a
learning rate that diverges must stop with a message suggesting a smaller one:
never a silent nonsense result, never a hang. The last test checks that the
table covers every public helper.
"""

import math

import pytest
import torch

import sgd_helpers as h

t20, y20 = h.roller_coaster()
ones3 = torch.ones(3)
nan3 = torch.tensor([1.0, float("nan"), 2.0])
inf3 = torch.tensor([1.0, float("inf"), 2.0])
empty = torch.ones(0)
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
    # data
    ("roller_coaster", "zero points", lambda: h.roller_coaster(n=0), ValueError, "positive integer"),
    ("roller_coaster", "negative noise", lambda: h.roller_coaster(noise=-1.0), ValueError, "noise must be"),
    ("roller_coaster", "NaN noise", lambda: h.roller_coaster(noise=math.nan), ValueError, "noise must be"),
    ("noisy_coaster", "fractional n", lambda: h.noisy_coaster(n=2.5), ValueError, "positive integer"),
    ("noisy_coaster", "infinite noise", lambda: h.noisy_coaster(noise=math.inf), ValueError, "noise must be"),
    ("five_x_squared", "empty range", lambda: h.five_x_squared(3, 1), ValueError, "lo <= hi"),
    # models and losses
    ("quadratic", "four params", lambda: h.quadratic(t20, torch.ones(4)), ValueError, "expects 3 params"),
    ("quadratic", "2-D params", lambda: h.quadratic(t20, torch.ones(3, 1)), ValueError, "1-D tensor"),
    ("quadratic", "integer input", lambda: h.quadratic(torch.arange(3), ones3), TypeError, "t must be a floating"),
    ("quadratic", "integer params", lambda: h.quadratic(t20, ints3), TypeError, "params must be a floating"),
    ("quadratic", "empty input", lambda: h.quadratic(empty, ones3), ValueError, "t is empty"),
    ("polynomial", "no params", lambda: h.polynomial(t20, empty), ValueError, "params is empty"),
    ("polynomial", "a string", lambda: h.polynomial("t", ones3), TypeError, "t must be a tensor"),
    ("poly_features", "negative degree", lambda: h.poly_features(t20, -1), ValueError, "non-negative integer"),
    ("poly_features", "2-D input", lambda: h.poly_features(torch.ones(2, 2), 2), ValueError, "1-D tensor"),
    ("mse", "mismatched shapes", lambda: h.mse(ones3, torch.ones(4)), ValueError, "shape (3,) but targets"),
    ("mse", "broadcastable shapes", lambda: h.mse(torch.ones(3, 1), ones3), ValueError, "must match"),
    ("mse", "empty tensors", lambda: h.mse(empty, empty), ValueError, "preds is empty"),
    ("sse", "integer targets", lambda: h.sse(ones3, ints3), TypeError, "targets must be a floating"),
    # gradients
    ("finite_difference", "vector-valued f", lambda: h.finite_difference(square, ones3), ValueError, "single number"),
    ("finite_difference", "NaN point", lambda: h.finite_difference(lambda x: x.sum(), nan3), ValueError, "NaN"),
    ("finite_difference", "zero eps", lambda: h.finite_difference(lambda x: x.sum(), ones3, eps=0), ValueError, "eps"),
    ("finite_difference", "empty point", lambda: h.finite_difference(lambda x: x.sum(), empty), ValueError, "empty"),
    ("grad_fn_tree", "no history", lambda: h.grad_fn_tree(ones3 * 2), ValueError, "requires_grad_"),
    ("grad_fn_tree", "not a tensor", lambda: h.grad_fn_tree(3.0), TypeError, "must be a tensor"),
    # training
    ("sgd_step", "no gradient yet", lambda: h.sgd_step(torch.ones(2, requires_grad=True), 0.1), ValueError, "backward"),
    ("sgd_step", "negative lr", lambda: stepped(-0.1), ValueError, "lr must be a positive"),
    ("sgd_step", "a zero per-parameter lr", lambda: stepped(torch.tensor([0.1, 0.0])), ValueError, "positive and"),
    ("descent_path", "zero lr", lambda: h.descent_path(square, 1.0, 0.0, 5), ValueError, "lr must be a positive"),
    ("descent_path", "NaN lr", lambda: h.descent_path(square, 1.0, math.nan, 5), ValueError, "lr must be a positive"),
    ("descent_path", "no steps", lambda: h.descent_path(square, 1.0, 0.1, 0), ValueError, "steps must be"),
    ("descent_path", "infinite start", lambda: h.descent_path(square, math.inf, 0.1, 5), ValueError, "x0 must be"),
    ("first_within", "zero tolerance", lambda: h.first_within(ones3, 0.0, 0), ValueError, "tol must be"),
    ("first_within", "integer positions", lambda: h.first_within(ints3, 0.0, 1.0), TypeError, "floating-point"),
    ("fit", "zero lr", lambda: fit(lr=0.0), ValueError, "lr must be a positive"),
    ("fit", "negative lr", lambda: fit(lr=-1e-5), ValueError, "lr must be a positive"),
    ("fit", "lr of the wrong type", lambda: fit(lr="fast"), TypeError, "lr must be a number"),
    ("fit", "per-parameter lr of the wrong shape", lambda: fit(lr=torch.ones(2)), ValueError, "shape"),
    ("fit", "four params for a quadratic", lambda: fit(params=torch.ones(4)), ValueError, "expects 3 params"),
    ("fit", "integer params", lambda: fit(params=ints3), TypeError, "params must be a floating"),
    ("fit", "NaN params", lambda: fit(params=nan3), ValueError, "params contains NaN"),
    ("fit", "integer data", lambda: fit(x=torch.arange(20)), TypeError, "x must be a floating"),
    ("fit", "NaN targets", lambda: fit(y=torch.full((20,), math.nan)), ValueError, "y contains NaN"),
    ("fit", "infinite inputs", lambda: fit(x=torch.full((20,), math.inf)), ValueError, "x contains NaN or inf"),
    ("fit", "x and y of different lengths", lambda: fit(y=y20[:19]), ValueError, "pair up"),
    ("fit", "empty data", lambda: fit(x=empty, y=empty), ValueError, "x is empty"),
    ("fit", "zero steps", lambda: fit(steps=0), ValueError, "steps must be a positive"),
    ("fit", "patience without validation data", lambda: fit(patience=3), ValueError, "both val"),
    # closed forms
    ("least_squares", "too few points", lambda: h.least_squares(t20[:2], y20[:2], 2), ValueError, "at least 3"),
    ("least_squares", "mismatched targets", lambda: h.least_squares(t20, y20[:5], 2), ValueError, "shape"),
    ("least_squares", "infinite targets", lambda: h.least_squares(t20, y20 + math.inf), ValueError, "NaN or inf"),
    ("hessian", "unknown loss", lambda: h.hessian(t20, 2, "mae"), ValueError, "loss must be one of"),
    ("hessian", "NaN inputs", lambda: h.hessian(nan3, 2), ValueError, "x contains NaN"),
    ("max_stable_lr", "fractional degree", lambda: h.max_stable_lr(t20, 1.5), ValueError, "non-negative integer"),
    # plots
    ("plot_function", "empty range", lambda: h.plot_function(square, min=1, max=1), ValueError, "min < max"),
    ("plot_function", "reducing f", lambda: h.plot_function(lambda x: x.sum()), ValueError, "same shape"),
    ("plot_tangent", "NaN point", lambda: h.plot_tangent(h.plot_function(square), square, math.nan), ValueError,
     "x0 must be a finite"),
    ("plot_tangent", "vector-valued f", lambda: h.plot_tangent(h.plot_function(square), lambda x: x * ones3, 1.0),
     ValueError, "single number"),
    ("show_preds", "mismatched predictions", lambda: h.show_preds(ones3, t20, y20), ValueError, "shape"),
    ("show_preds", "integer targets", lambda: h.show_preds(ones3, ones3, ints3), TypeError, "targets must be"),
    ("plot_descent_path", "infinite position", lambda: h.plot_descent_path(square, inf3), ValueError, "NaN or inf"),
    ("plot_descent_path", "no positions", lambda: h.plot_descent_path(square, []), ValueError, "xs is empty"),
    ("plot_loss", "NaN loss", lambda: h.plot_loss([3.0, math.nan]), ValueError, "diverged run"),
    # explorers
    ("Explorer", "no controls", lambda: h.Explorer(lambda fig: ("", True)), ValueError, "at least one control"),
    ("Explorer", "unknown control", lambda: h.descent_explorer().set(rate=0.2), KeyError, "no control named"),
    ("descent_explorer", "negative lr", lambda: h.descent_explorer(lr=-0.1), ValueError, "lr must be a positive"),
    ("descent_explorer", "lr past the slider", lambda: h.descent_explorer(lr=5.0), ValueError, "slider's range"),
    ("descent_explorer", "start off the slider", lambda: h.descent_explorer(x0=7.0), ValueError, "x0 must be"),
    ("coaster_explorer", "two starting params", lambda: h.coaster_explorer(t20, y20, init=(1.0, 2.0)), ValueError,
     "three numbers"),
    ("coaster_explorer", "NaN data", lambda: h.coaster_explorer(t20, y20 * math.nan), ValueError, "speed contains"),
    ("scaling_explorer", "mismatched data", lambda: h.scaling_explorer(t20, y20[:3]), ValueError, "shape"),
    ("scaling_explorer", "zero lr", lambda: h.scaling_explorer(t20, y20, lr=0.0), ValueError, "lr must be"),
    # exercises
    ("check_answer", "an exercise that does not exist", lambda: h.check_answer("01.9", 1), KeyError,
     "the exercises are"),
    ("check_answer", "a wrong solution", lambda: h.check_answer("02.1", 0.5, solution=True), AssertionError,
     "does not pass its check"),
]
NOT_TAKING_INPUT = {"FitResult"}  # what fit returns; nobody builds one from user input


@pytest.mark.timeout(30)
@pytest.mark.parametrize("helper, wrong, call, error, words", TABLE, ids=[f"{r[0]}: {r[1]}" for r in TABLE])
def test_bad_input_gets_a_clear_error(helper, wrong, call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value), f"{helper} with {wrong}: the message {str(info.value)!r} lacks {words!r}"


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


@pytest.mark.timeout(30)
def test_explorers_flag_divergence_instead_of_drawing_it():
    for explorer, setting in [(h.descent_explorer(), {"lr": 1.4}), (h.coaster_explorer(t20, y20), {"lr": 1e-3}),
                              (h.scaling_explorer(*h.five_x_squared()), {"lr": 1e-5})]:
        explorer.set(**setting)
        assert not explorer.ok and "diverged" in explorer.message


def test_the_table_covers_every_public_helper():
    covered = {row[0] for row in TABLE}
    missing = set(h.__all__) - covered - NOT_TAKING_INPUT
    assert not missing, f"add the bad inputs of {sorted(missing)} to the table"
