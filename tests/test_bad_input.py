"""The bad inputs a learner really makes, in one table, and what each gets.

Each row is a mistake seen in practice or a case that used to go wrong silently: it must get a clear error that
names what was expected (never a silent wrong result, never a hang). The checks behind them live at the helpers'
entry points (`sgd_helpers/_checks.py`); inputs nobody passes by mistake are left to Python's and PyTorch's own
errors.
"""

import math

import matplotlib.pyplot as plt
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
    ("check_answer", "an exercise's number as a number", lambda: h.check_answer(2.1, 0.5), TypeError,
     "exercise must be the exercise's number as text, like '02.1', got float"),
    ("check_answer", "a wrong solution", lambda: h.check_answer("02.1", 0.5, solution=True), AssertionError,
     "does not pass its check"),
]


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
    r = fit(lr=lr, steps=10**9, keep_history=False)  # would take hours if divergence were not caught
    assert r.diverged and r.steps < 1000
    assert "too large" in r.message and "smaller" in r.message
    assert len(r.history) == 2 and bool(torch.isfinite(r.history[0]).all())


@pytest.mark.timeout(30)
def test_descent_path_that_overflows_ends_at_the_last_finite_point():
    xs = h.descent_path(square, 1.0, 1e3, 10**6)
    assert 1 < len(xs) < 100 and bool(torch.isfinite(xs).all())


# ---------------------------------------------------------------------------------------------------------------
# The learner's-mistakes audit (issue 25), kind by kind. Each row: the call, the error, words the message must hold.

def my_mse(preds, targets):
    return ((preds - targets) ** 2).mean()


def raises_name_error(preds, targets):
    return ((preds - targts) ** 2).mean()  # noqa: F821 - the learner's typo, on purpose


def leaf_computed():
    w = torch.ones(2, requires_grad=True)
    p = w * 2
    (p**2).sum().backward()
    h.sgd_step(p, 0.1)


AUDIT = [
    # silent wrong results, now refused
    ("silent", "fit: y of shape (20, 1) against preds (20,), with the learner's own loss",
     lambda: fit(y=y20[:, None], loss=my_mse), ValueError, "has shape (20,) but y has shape (20, 1)"),
    ("silent", "plot_path: a path of shape (4, 3)",
     lambda: h.plot_path(h.plot_function(square), torch.ones(4, 3), "GD"), ValueError, "shape (steps, 2)"),
    ("silent", "first_within: path and target swapped", lambda: h.first_within(0.0, torch.ones(5), 0.1), TypeError,
     "did you swap them?"),
    ("silent", "first_within: a NaN target", lambda: h.first_within(torch.ones(5), math.nan, 0.1), ValueError,
     "target must be a finite number"),
    ("silent", "first_within: a zero tolerance", lambda: h.first_within(torch.ones(5), 1.0, 0.0), ValueError,
     "tol must be a positive"),
    ("silent", "descent_path: beta for plain descent", lambda: h.descent_path(square, 1.0, 0.1, 5, beta=0.5),
     ValueError, "plain descent ('gd') has none"),
    ("silent", "descent_path: beta2 for momentum",
     lambda: h.descent_path(square, 1.0, 0.1, 5, method="momentum", beta2=0.99), ValueError, "beta2 is Adam's"),
    ("silent", "least_squares: one x value repeated", lambda: h.least_squares(torch.ones(10), y20[:10], 2),
     ValueError, "only 1 different value"),
    ("silent", "least_squares: two distinct x for a quadratic",
     lambda: h.least_squares(torch.tensor([0.0, 1.0] * 5), y20[:10], 2), ValueError, "needs 3 to be pinned down"),
    ("silent", "fit: empty data", lambda: fit(x=torch.empty(0), y=torch.empty(0)), ValueError, "x is empty"),
    ("silent", "fit: val of the wrong width",
     lambda: fit(model=lambda x, p: x @ p, params=torch.zeros(2), x=torch.ones(20, 2), val=(torch.ones(5, 3),
                                                                                          torch.ones(5))),
     ValueError, "shaped like x's (2,)"),
    # misleading errors, now naming the real cause
    ("misleading", "sgd_step: an integer tensor", lambda: h.sgd_step(torch.tensor([1, 2]), 0.1), TypeError,
     "params must be a floating-point tensor"),
    ("misleading", "sgd_step: a tensor computed from the parameters", leaf_computed, ValueError,
     "computed from other tensors"),
    ("misleading", "sgd_step: no requires_grad", lambda: h.sgd_step(torch.ones(2), 0.1), ValueError,
     "does not require a gradient"),
    ("misleading", "sgd_step: a list", lambda: h.sgd_step([1.0, 2.0], 0.1), TypeError, "params must be the tensor"),
    ("misleading", "surface_explorer: a saddle",
     lambda: h.surface_explorer(lambda p: p[..., 0] ** 2 - p[..., 1] ** 2, (-1.0, 1.0), (-1.0, 1.0)), ValueError,
     "(a saddle)"),
    ("misleading", "surface_explorer: a dome",
     lambda: h.surface_explorer(lambda p: -(p**2).sum(-1), (-1.0, 1.0), (-1.0, 1.0)), ValueError, "(a dome)"),
    ("misleading", "surface_explorer: a trough, flat one way",
     lambda: h.surface_explorer(lambda p: p[..., 0] ** 2 + 0 * p[..., 1], (-1.0, 1.0), (-1.0, 1.0)), ValueError,
     "flat in some direction"),
    # raw errors from inside torch, numpy or matplotlib, now one sentence
    ("internals", "fit: the loss class, not an instance", lambda: fit(loss=torch.nn.MSELoss), TypeError,
     "pass an instance, loss=torch.nn.MSELoss()"),
    ("internals", "fit: a loss that returns one number per point", lambda: fit(loss=lambda p, t: (p - t) ** 2),
     ValueError, "your loss returned 20 numbers"),
    ("internals", "fit: a loss that returns a float", lambda: fit(loss=lambda p, t: 1.0), ValueError,
     "your loss returned float"),
    ("internals", "fit: a model that ignores its parameters", lambda: fit(model=lambda x, p: x * 2.0), ValueError,
     "the loss does not depend on params"),
    ("internals", "fit: a model that returns a list", lambda: fit(model=lambda x, p: x.tolist()), TypeError,
     "your model returned list"),
    ("internals", "fit: val given as x_val alone", lambda: fit(val=t20), TypeError, "val must be a pair"),
    ("internals", "fit: a loss with a typo", lambda: fit(loss=raises_name_error), NameError,
     "your loss raised NameError: name 'targts' is not defined (line"),
    ("internals", "fit: a model that is not a function", lambda: fit(model="quadratic"), TypeError,
     "model must be a function"),
    ("internals", "fit: a stop rule that raises", lambda: fit(stop_when=lambda p: p.loss < 1), AttributeError,
     "your stop_when raised AttributeError"),
    ("internals", "surface_explorer: xlim the wrong way round",
     lambda: h.surface_explorer(lambda p: (p**2).sum(-1), (2.0, -2.0), (-1.0, 1.0)), ValueError,
     "xlim must be (low, high) with low < high"),
    ("internals", "surface_explorer: xlim one number",
     lambda: h.surface_explorer(lambda p: (p**2).sum(-1), 2.0, (-1.0, 1.0)), ValueError, "xlim must be a pair"),
    ("internals", "surface_explorer: a loss that sums over the grid",
     lambda: h.surface_explorer(lambda p: (p**2).sum(), (-1.0, 1.0), (-1.0, 1.0)), ValueError,
     "for three points it gave (), not three numbers"),
    ("internals", "descent_explorer: f that is not elementwise",
     lambda: h.descent_explorer(f=lambda x: (x**2).sum()), ValueError, "number by number (elementwise)"),
    ("internals", "descent_path: f with a typo", lambda: h.descent_path(lambda x: x**2 + y, 1.0, 0.1, 3),  # noqa: F821
     NameError, "your f raised NameError"),
    ("internals", "descent_path: f that does not use x", lambda: h.descent_path(lambda x: torch.tensor(1.0), 1.0,
                                                                                0.1, 3),
     ValueError, "does not depend on x"),
    ("internals", "descent_path: grad of the wrong shape",
     lambda: h.descent_path(None, torch.ones(2), 0.1, 3, grad=lambda x: x.sum()), ValueError,
     "grad(x) must have x's shape (2,)"),
    ("internals", "finite_difference: f with a typo", lambda: h.finite_difference(lambda x: x.summ(), ones3),
     AttributeError, "your f raised AttributeError"),
    ("internals", "roller_coaster: a seed as text", lambda: h.roller_coaster(seed="42"), TypeError,
     "seed must be a whole number"),
    ("internals", "scaling_explorer: start of two numbers",
     lambda: h.scaling_explorer(*h.five_x_squared(), start=(1.0, 2.0)), ValueError, "three numbers (a, b, c)"),
    ("internals", "coaster_explorer: start as text", lambda: h.coaster_explorer(t20, y20, start=("a", 0, 0)),
     TypeError, "start a must be a number"),
    # memory: refused up front, with the size and what to do
    ("memory", "fit: 10^6 parameters kept for 2,000 steps",
     lambda: h.fit(lambda x, p: x * p.sum(), torch.zeros(10**6), t20, y20, lr=1e-9, steps=2000), MemoryError,
     "8.0 GB of memory"),
    ("memory", "descent_path: 10^6 numbers for 2,000 steps", lambda: h.descent_path(lambda x: (x**2).sum(),
                                                                                    torch.zeros(10**6), 0.1, 2000),
     MemoryError, "take fewer steps"),
    ("memory", "five_x_squared over a billion points", lambda: h.five_x_squared(-(10**9), 10**9), MemoryError,
     "a narrower range"),
    ("memory", "roller_coaster with 10^9 points", lambda: h.roller_coaster(n=10**9), MemoryError, "ask for fewer"),
    ("memory", "noisy_coaster with 10^9 points", lambda: h.noisy_coaster(n=10**9), MemoryError, "ask for fewer"),
    ("memory", "poly_features of degree 10^6", lambda: h.poly_features(t20.repeat(1000), 10**6), MemoryError,
     "lower degree"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("helper, wrong, call, error, words", TABLE + AUDIT,
                         ids=[f"{r[0]}: {r[1]}" for r in TABLE + AUDIT])
def test_bad_input_gets_a_clear_error(helper, wrong, call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert words in message, f"{helper} with {wrong}: the message {message!r} lacks {words!r}"
    assert "\n" not in message, f"{wrong}: one sentence, not a block: {message!r}"
    if " raised " in message:  # the learner's own error, reported with its line: not chained to a second traceback
        assert info.value.__cause__ is None


def test_fit_keeps_only_the_ends_when_asked_and_agrees_with_the_full_record():
    full, ends = fit(steps=50), fit(steps=50, keep_history=False)
    assert len(ends.history) == 2 and ends.steps == full.steps == 50
    torch.testing.assert_close(ends.history[0], full.history[0])
    torch.testing.assert_close(ends.params, full.params, rtol=0, atol=0)
    torch.testing.assert_close(ends.losses, full.losses, rtol=0, atol=0)


def test_fit_with_a_model_on_its_own_memory_limit_runs_without_history():
    r = h.fit(lambda x, p: x * p.sum(), torch.zeros(10**6), t20, y20, lr=1e-12, steps=3, keep_history=False)
    assert r.steps == 3 and r.history.shape == (2, 10**6)


def test_finite_difference_refuses_what_would_take_too_long(monkeypatch):
    from sgd_helpers import grads

    monkeypatch.setattr(grads, "TIME_LIMIT", 1e-9)  # what 10^6 elements are to a real limit of ten minutes
    with pytest.raises(RuntimeError, match=r"would take about .* minutes here .* check the gradient on a small x"):
        h.finite_difference(lambda x: (x**2).sum(), torch.ones(1000))


def test_long_work_shows_its_progress(capsys, monkeypatch):
    from sgd_helpers import _progress

    ticks = iter(range(0, 10**6, 3))  # a clock that moves three seconds per look
    monkeypatch.setattr(_progress.time, "monotonic", lambda: float(next(ticks)))
    h.descent_path(square, 1.0, 0.1, 20)
    line = capsys.readouterr().err
    assert "descent_path: step" in line and "of 20" in line and "s left" in line


def test_a_function_with_no_minimum_says_so_in_the_explorer():
    ex = h.descent_explorer(f=lambda x: -(x**2))
    assert not ex.ok and ex.message.startswith("no minimum: x ran from -1.5 to") and "no lowest point" in ex.message


def test_a_start_too_far_out_is_blamed_on_the_start_not_the_rate():
    ex = h.scaling_explorer(*h.five_x_squared(), start=(1e30, 0.0, 0.0))
    assert not ex.ok and "too far out for float32, whatever the learning rate" in ex.message
    assert "lr =" not in ex.message.split(";")[0]


# ---------------------------------------------------------------------------------------------------------------
# Issue 35: the mistakes that used to get a raw error from inside a library, a blank or wrong result, or no answer.
# One test per kind of mistake, over several inputs; each asserts the words of its one sentence.

def bowl(p):
    return (p**2).sum(-1)


def contours(**kwargs):
    return h.plot_contours(**({"loss": bowl, "xlim": (-1, 1), "ylim": (-1, 1)} | kwargs))


def an_ax():
    return plt.subplots()[1]


def one_sentence(call, error, words):
    """The call raises `error`, in one line that holds `words`."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert words in message and "\n" not in message, message
    return message


path2 = h.descent_path(lambda p: (p**2).sum(), torch.ones(2), 0.1, 5)  # a path of two parameters, (6, 2)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(levels=0), ValueError, "levels must be a whole number from 2 to 1,000"),
    (dict(levels=1), ValueError, "levels must be a whole number from 2 to 1,000"),
    (dict(levels=10**12), ValueError, "how many heights to space out"),
    (dict(levels=["a"]), TypeError, "levels must be a tensor or a sequence of numbers"),
    (dict(levels=2.5), ValueError, "or a list of heights as plt.contour takes; got 2.5"),
    (dict(n=0), ValueError, "n must be at least 2, got 0"),
    (dict(n=1), ValueError, "n must be at least 2, got 1"),
    (dict(n=2.5), TypeError, "n must be a whole number, got 2.5"),
    (dict(xlim=("a", "b")), TypeError, "xlim[0] must be a number, got 'a'"),
    (dict(xlim=1.0), ValueError, "xlim must be a pair (low, high), like (-1, 1), got 1.0"),
    (dict(ylim=(0, 1, 2)), ValueError, "ylim must be a pair (low, high), like (-1, 1), got 3 numbers"),
    (dict(xlim=(0, 0)), ValueError, "xlim must be (low, high) with low < high, got (0, 0)"),
    (dict(bottom=(0,)), ValueError, "bottom must be the lowest point's two coordinates (x, y), got 1 number"),
    (dict(bottom=(0, 0, 0)), ValueError, "two coordinates (x, y), got 3 numbers"),
    (dict(names=("a",)), ValueError, "names must be two labels, one per axis"),
    (dict(names="ab"), ValueError, "names must be two labels, one per axis, like ('a', 'c'), got 'ab'"),
])
def test_plot_contours_ranges_counts_and_labels_are_named(kwargs, error, words):
    one_sentence(lambda: contours(**kwargs), error, words)


@pytest.mark.parametrize("loss, error, words", [
    (lambda a, c: a**2 + c**2, TypeError, "yours takes 2 (a, c): write it as lambda p: loss(p[..., 0], p[..., 1])"),
    (lambda p: torch.full(p.shape[:-1], math.nan), ValueError, "loss is NaN or infinite at every point"),
    (lambda p: torch.full(p.shape[:-1], math.inf), ValueError, "loss is NaN or infinite at every point"),
    (lambda p: p.sum(), ValueError, "one loss each"),
    (lambda p: float(p.sum()), TypeError, "loss must return a tensor (or a numpy array)"),
    ("bowl", TypeError, "loss must be a function"),
])
def test_plot_contours_loss_of_the_wrong_form(loss, error, words):
    one_sentence(lambda: contours(loss=loss), error, words)


@pytest.mark.parametrize("call, words", [
    (lambda: h.plot_tangent("ax", square, 1.0), "plot_tangent's first argument is the axes to draw on"),
    (lambda: h.plot_tangent(square, 1.0), "but it got a function first: did you forget ax?"),
    (lambda: h.plot_tangent(square, 1.0, 2.0), "did you forget ax?"),
    (lambda: h.plot_path(path2, "GD"), "plot_path's first argument is the axes to draw on, plot_path(ax, ...), but it "
                                       "got a tensor first: did you forget ax?"),
    (lambda: h.plot_path([[0, 0], [1, 1]], "GD"), "got a list first: did you forget ax?"),
    (lambda: h.plot_path("ax", path2, "GD"), "plot_path's first argument is the axes to draw on"),
    (lambda: h.plot_path(plt.subplots(1, 2)[1], path2, "GD"), "an array of 2 axes (from plt.subplots with several"),
    (lambda: h.plot_function(square, ax="ax"), "ax must be a matplotlib Axes (ax = plt.subplots()[1]), or None"),
    (lambda: h.plot_function(square, ax=plt.subplots(1, 2)[1]), "pass one of them, like axs[0]"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], ax=plt.figure()), "a Figure: pass one of its axes"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], ax="ax"), "ax must be a matplotlib Axes"),
    (lambda: h.plot_loss([2.0, 1.0], ax=1), "ax must be a matplotlib Axes"),
    (lambda: h.show_preds(y20, t20, y20, ax="left"), "ax must be a matplotlib Axes"),
    (lambda: contours(ax=plt.subplots(2, 2)[1]), "an array of 4 axes"),
])
def test_axes_that_are_not_axes_are_named(call, words):
    one_sentence(call, TypeError, words)


@pytest.mark.parametrize("call, error, words", [
    (lambda: h.plot_tangent(an_ax(), None, 1.0), TypeError, "f must be a function, like lambda x: x**2; got NoneType"),
    (lambda: h.plot_function(None), TypeError, "f must be a function"),
    (lambda: h.plot_descent_path(None, [1.0]), TypeError, "f must be a function"),
    (lambda: h.plot_tangent(an_ax(), square, "1"), TypeError, "x0 must be a number, got '1'"),
    (lambda: h.plot_tangent(an_ax(), square, torch.tensor([1.0, 2.0])), TypeError, "x0 must be a number, got tensor"),
    (lambda: h.plot_tangent(an_ax(), square, 1e39), ValueError, "x0 = 1e+39 is beyond float32's range"),
    (lambda: h.plot_tangent(an_ax(), square, 1.0, width=math.inf), ValueError, "width must be a finite number"),
    (lambda: h.plot_tangent(an_ax(), square, 1.0, width=0), ValueError, "width must be a positive number, got 0"),
    (lambda: h.plot_tangent(an_ax(), lambda x: torch.tensor(1.0), 1.0), ValueError, "does not depend on x"),
    (lambda: h.plot_tangent(an_ax(), lambda x: np.float32(1.0), 1.0), TypeError, "f must return a tensor"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], span=0), ValueError, "span must be a positive number, got 0"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], span=-1), ValueError, "span must be a positive number"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], span=math.nan), ValueError, "span must be a finite number"),
    (lambda: h.plot_descent_path(square, [1.0, 0.5], span="1"), TypeError, "span must be a number, got '1'"),
])
def test_plotted_functions_points_and_widths_are_checked(call, error, words):
    one_sentence(call, error, words)


@pytest.mark.parametrize("call, words", [
    (lambda: h.plot_descent_path(square, path2), "xs must be the path of one number (one value per step), got shape "
                                                 "(6, 2); for a path of two parameters, draw it with plot_path"),
    (lambda: h.plot_descent_path(square, []), "xs is empty: a path holds at least its start"),
    (lambda: h.plot_path(an_ax(), torch.empty(0, 2), "GD"), "path is empty: a path holds at least its start"),
    (lambda: h.plot_loss(torch.ones(5, 3)), "losses must be one number per step, got shape (5, 3): for several runs"),
    (lambda: h.plot_loss([3.0, -1.0], log=True), "losses go below zero (to -1), which a log axis cannot show"),
    (lambda: h.plot_loss([]), "losses is empty"),
])
def test_paths_and_losses_of_the_wrong_shape(call, words):
    one_sentence(call, ValueError, words)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(optimizer="adam"), TypeError, "optimizer must be a class from torch.optim, such as torch.optim.Adam, not the "
                                        "text 'adam'"),
    (dict(optimizer="sgd"), TypeError, "such as torch.optim.SGD, not the text 'sgd'"),
    (dict(optimizer=torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)), TypeError,
     "optimizer must be the class torch.optim.SGD, not one already made"),
    (dict(optimizer=torch.nn.MSELoss), TypeError, "optimizer must be a class from torch.optim"),
    (dict(optimizer=torch.optim.LBFGS), ValueError, "LBFGS needs a closure"),
    (dict(optimizer=torch.optim.SGD, momentum="0.9"), TypeError, "SGD's momentum must be a number, got '0.9'"),
    (dict(optimizer=torch.optim.SGD, nesterov="yes"), TypeError, "SGD's nesterov must be True or False"),
    (dict(optimizer=torch.optim.Adam, betas=0.9), TypeError, "Adam's betas must be 2 numbers, like (0.9, 0.999)"),
    (dict(optimizer=torch.optim.Adam, betas=(0.9, "0.99")), TypeError, "Adam's betas[1] must be a number"),
    (dict(optimizer=torch.optim.SGD, momentum=-1.0), ValueError, "SGD refused its settings: Invalid momentum value"),
])
def test_fit_optimizer_given_by_name_instance_or_wrong_setting(kwargs, error, words):
    one_sentence(lambda: fit(**kwargs), error, words)


@pytest.mark.parametrize("answer, words", [
    (math.nan, "your stop_when returned nan (float), not True or False: return a comparison"),
    ("yes", "your stop_when returned 'yes' (str), not True or False"),
    (torch.ones(3) < 2, "returned a tensor of 3 torch.bool values; it must return one True or False"),
    (torch.ones(3), "returned a tensor of 3 torch.float32 values; it must return one True or False"),
    (None, "your stop_when returned None: does it end with return?"),
    (..., "returned Ellipsis (ellipsis), not True or False"),
    (0.5, "returned 0.5 (float)"),
])
def test_fit_stop_when_must_answer_true_or_false(answer, words):
    one_sentence(lambda: fit(stop_when=lambda progress: answer), TypeError, words)


@pytest.mark.parametrize("rule", [
    lambda progress: progress.losses.append(0.0),
    lambda progress: progress.losses.pop() < 0,
    lambda progress: progress.losses.sort() is not None,
    lambda progress: progress.params.zero_() is None,
    lambda progress: progress.params.add_(1.0) is None,
])
def test_fit_stop_when_that_changes_the_record_is_named(rule):
    one_sentence(lambda: fit(stop_when=rule), ValueError, "your stop_when changed progress.losses or progress.params")


@pytest.mark.parametrize("call, words", [
    (lambda: h.finite_difference(lambda x: x.sum(), torch.empty(0)), "x is empty: there is no gradient to estimate"),
    (lambda: h.hessian(torch.empty(0)), "x is empty: a loss over no points has no curvature"),
    (lambda: h.max_stable_lr(torch.empty(0)), "x is empty: a loss over no points has no curvature"),
    (lambda: h.show_preds(torch.empty(0), torch.empty(0), torch.empty(0)), "targets is empty"),
    (lambda: h.mse(torch.empty(0), torch.empty(0)), "the mean of no errors is not a number (NaN)"),
    (lambda: h.coaster_explorer(torch.empty(0), torch.empty(0)), "x and y are empty: an explorer needs data"),
    (lambda: h.scaling_explorer(torch.empty(0), torch.empty(0)), "x and y are empty: an explorer needs data"),
])
def test_empty_input_is_named_not_divided_by(call, words):
    one_sentence(call, ValueError, words)


@pytest.mark.parametrize("call", [
    lambda: h.descent_explorer(lr=torch.tensor([0.1, 0.2])),
    lambda: h.coaster_explorer(t20, y20, lr=torch.empty(0)),
    lambda: h.scaling_explorer(*h.five_x_squared(), scale=torch.ones(2, 1)),
    lambda: h.descent_explorer().set(steps=torch.tensor([5, 6])),
])
def test_an_explorer_setting_of_several_numbers_is_named(call):
    one_sentence(call, ValueError, "must be one number, one of the control's values, got a tensor of")


@pytest.mark.parametrize("call, words", [
    (lambda: h.poly_features(t20, 40), "t**40 overflows torch.float32: the largest |t| is 19"),
    (lambda: h.poly_features(t20.double() * 1e10, 40), "overflows torch.float64: the largest |t| is 1.9e+11"),
    (lambda: h.hessian(t20.double(), 300), "overflows torch.float64"),
    (lambda: h.hessian(torch.tensor([1e200, 1.0], dtype=torch.float64), 1), "the Hessian overflows float64"),
    (lambda: h.roller_coaster(noise=1e300), "noise must be at most 1e37"),
    (lambda: h.noisy_coaster(noise=1e39), "noise must be at most 1e37"),
    (lambda: h.roller_coaster(seed=2**70), "seed must fit in 64 bits (from -2**63 to 2**64 - 1)"),
    (lambda: h.noisy_coaster(seed=-(2**64)), "seed must fit in 64 bits"),
    (lambda: h.five_x_squared(2**25, 2**25 + 3), "lo and hi must lie within ±16,777,216 (2**24)"),
])
def test_numbers_past_what_float_can_hold_are_refused(call, words):
    one_sentence(call, ValueError, words)


@pytest.mark.parametrize("call, error, words", [
    (lambda: contours(n=10**5), MemoryError, "a grid of 100,000 × 100,000 points would need about 640.0 GB"),
    (lambda: h.hessian(t20 / 20, 10**5), MemoryError, "a Hessian of 100,001 × 100,001 numbers"),
])
def test_sizes_past_memory_are_refused_up_front(call, error, words):
    one_sentence(call, error, words)


def deep_chain():
    x = torch.tensor(1.0, requires_grad=True)
    out = x
    for _ in range(2000):
        out = out * 1.0001
    return out


@pytest.mark.parametrize("call, error, words", [
    (lambda: h.finite_difference(lambda x: (x > 0).sum(), ones3), TypeError, "f returned whole numbers (torch.int64)"),
    (lambda: h.finite_difference(lambda x: int(x.sum()), ones3), TypeError, "f returned whole numbers (int)"),
    (lambda: h.finite_difference(lambda x: (x > 0).all(), ones3), TypeError, "f returned whole numbers (torch.bool)"),
    (lambda: h.descent_path(None, 1.0, 0.1, 5, grad=lambda x: x * math.nan), ValueError,
     "grad(x) is NaN at x = 1, where nothing overflowed"),
    (lambda: h.descent_path(lambda x: x.sqrt(), 1.0, 1.0, 10), ValueError,
     "the gradient of f is NaN at x = -0.2071, where nothing overflowed"),
    (lambda: h.surface_explorer(lambda p: bowl(p) * math.nan, (-1, 1), (-1, 1)), ValueError,
     "the loss is NaN at (0, 0), not a finite number"),
    (lambda: h.surface_explorer(lambda p: bowl(p) + math.inf, (-1, 1), (-1, 1)), ValueError,
     "the loss is inf at (0, 0)"),
    (lambda: h.grad_fn_tree(deep_chain()), ValueError, "more than 200 operations in a row, too deep to draw"),
    (lambda: h.grad_fn_tree(torch.ones(3, requires_grad=True) * 2, ["params"]), TypeError,
     "names must be a dict from each name to its tensor, like {'params': params}"),
])
def test_functions_with_no_slope_to_follow_are_named(call, error, words):
    one_sentence(call, error, words)


@pytest.mark.parametrize("call, words", [
    (lambda: h.least_squares(t20, y20, 19), "least_squares: the powers of x up to x**19 are so nearly alike"),
    (lambda: h.least_squares(t20, y20, 10), "rounding, not the data, decides much of the answer"),
    (lambda: h.least_squares(1000 + t20 * 1e-3, y20, 2), "centre and scale x first"),
    (lambda: h.finite_difference(lambda x: (x**3).sum(), ones3, eps=1e10), "eps=1e+10 is larger than x itself"),
    (lambda: contours(loss=lambda p: torch.ones(p.shape[:-1])), "loss is 1 at every point of xlim=(-1.0, 1.0)"),
    (lambda: contours(levels=[5.0, 6.0]), "none of the levels lies within the loss's range on this window"),
])
def test_legal_but_meaningless_results_warn(call, words):
    from sgd_helpers._checks import ResultWarning

    with pytest.warns(ResultWarning) as record:
        call()
    assert len(record) == 1 and words in str(record[0].message), str(record[0].message)
    assert record[0].filename == __file__  # the warning points at the learner's own line


def test_the_fits_the_notebooks_make_do_not_warn():
    xs, ys = h.five_x_squared()
    for x, y, degree in [(t20, y20, 2), (xs, ys, 1), (xs, ys, 2), (xs, ys, 3), (xs / 20, ys, 2), (t20, y20, 8)]:
        h.least_squares(x, y, degree)  # pytest turns any warning into an error


# The habits a learner brings from matplotlib, numpy and Python, now accepted rather than refused.

def test_contour_levels_as_a_list_as_plt_contour_takes_them():
    ax = contours(levels=[0.5, 0.1, 1.0, 0.5])  # in any order, repeats dropped
    assert ax.collections[0].levels.tolist() == [0.1, 0.5, 1.0]
    assert len(contours(levels=np.int64(5)).collections[0].levels) == 4  # numpy's whole numbers are counts too


def test_ax_none_draws_on_the_current_axes_for_the_helpers_that_add_to_a_picture():
    ax = h.plot_function(square)
    assert h.plot_tangent(None, square, 1.0) == 2.0 and len(ax.lines) == 2  # the tangent joined the curve
    assert h.plot_path(None, path2, "GD") is plt.gca()
    assert h.plot_path(ax=None, path=path2, label="GD") is plt.gca()


def test_functions_that_return_numpy_are_plotted():
    ax = contours(loss=lambda p: bowl(p).numpy())
    assert len(ax.collections[0].levels) == 13
    ax = h.plot_function(lambda x: np.sin(x.numpy()))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.sin(ax.lines[0].get_xdata()), rtol=1e-6)


def test_numpy_whole_numbers_and_one_number_tensors_are_taken_where_a_number_is():
    assert len(contours(n=np.int64(20)).collections) == 1
    ex = h.descent_explorer()
    ex.set(steps=np.int64(5))
    assert ex.values["steps"] == 5 and type(ex.values["steps"]) is int
    assert h.plot_tangent(an_ax(), square, torch.tensor(1.5, requires_grad=True)) == 3.0


def test_plot_loss_reads_numbers_beyond_float32_as_they_are():
    ax = h.plot_loss(np.array([1e39, 1.0]), log=True)
    assert ax.lines[0].get_ydata().tolist() == [1e39, 1.0]


def test_finite_difference_takes_a_function_that_returns_a_python_float():
    torch.testing.assert_close(h.finite_difference(lambda x: float((x**2).sum()), torch.tensor([3.0, 4.0])),
                               torch.tensor([6.0, 8.0]))


def test_fit_leaves_data_that_requires_grad_alone():
    x = t20.clone().requires_grad_()
    r = fit(x=x)
    assert x.grad is None and torch.equal(r.params, fit().params)


@pytest.mark.parametrize("answer", [np.bool_(True), torch.tensor(True), torch.tensor([True])])
def test_fit_stop_when_may_answer_with_numpy_or_torch_booleans(answer):
    assert fit(stop_when=lambda progress: answer).stop_reason == "stop_when"
