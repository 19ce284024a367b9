"""Each exercise's check: it accepts a right answer, and rejects plausible wrong ones with the hint meant for them.

The right and wrong answers here are written out independently of `sgd_helpers.exercises`, which only holds the
tests and the words; a notebook's hidden solution cell runs the same check with `solution=True`.
"""

import math

import pytest
import torch
from torch.utils.data import DataLoader

from sgd_helpers.exercises import EXERCISES, NOT_ANSWERED, check_answer


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def forward(f, x, h):
    return (f(x + h) - f(x)) / h


def backward(f, x, h):
    return (f(x) - f(x - h)) / h


def adam(p, m, v, grad, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return p - lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps), m, v


def adam_uncorrected(p, m, v, grad, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return p - lr * m / (v.sqrt() + eps), m, v


def summed_adam(p, m, v, grad, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + grad  # momentum's buffer, not an average
    v = beta2 * v + (1 - beta2) * grad**2
    return p - lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps), m, v


def descend_fixed(x0, lr, steps, clear=True):
    x = torch.tensor(x0, requires_grad=True)
    visited = [x.item()]
    for _ in range(steps):
        (x**2).backward()
        with torch.no_grad():
            x -= x.grad * lr
        if clear:
            x.grad = None
        visited.append(x.item())
    return visited


def descend_buggy(x0, lr, steps):  # the notebook's bug: the gradient is never cleared
    return descend_fixed(x0, lr, steps, clear=False)


def slope(x, y, lr, steps, loss="mean"):  # one weight, w·x ≈ y
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(steps):
        errors = (w * x - y) ** 2
        (errors.mean() if loss == "mean" else errors.sum()).backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w.item()


def coaster_steps(time, speed, params, lr, steps, rooted=False):
    params = params.clone().requires_grad_()
    for _ in range(steps):
        loss = ((params[0] * time**2 + params[1] * time + params[2] - speed) ** 2).mean()
        (loss.sqrt() if rooted else loss).backward()
        params.data -= lr * params.grad
        params.grad.zero_()
    return params.detach()


def quadratic_on(xs, ys, lr, steps, scale=20.0, convert_back=True):
    features = torch.stack([(xs / scale) ** 2, xs / scale, torch.ones_like(xs)], 1)
    p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for _ in range(steps):
        ((features @ p - ys) ** 2).sum().backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    return p.detach() / torch.tensor([scale**2, scale, 1.0]) if convert_back else p.detach()


def loader(dataset, batch_size, seed):
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))


def newton(p, grad, hessian):
    return p - torch.linalg.solve(hessian, grad)


def batches(n, size, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return [order[i : i + size] for i in range(0, n, size)]


def bce(scores, targets):
    p = scores.sigmoid()
    return -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()


def bce_per_class(scores, targets):  # the 3s' mean plus the 7s' mean, not one mean over all the images
    p = scores.sigmoid()
    return -p[targets == 1].log().mean() - (1 - p[targets == 0]).log().mean()


def stop_relative(h):  # a stopping rule for fit's stop_when
    return h.step >= 50 and (h.losses[-51] - h.losses[-1]) / h.losses[-51] < 1e-3


def stop_absolute(h):
    return h.step >= 50 and h.losses[-51] - h.losses[-1] < 1e-3


def stop_late(h):
    return h.step >= 51 and (h.losses[-52] - h.losses[-2]) / h.losses[-52] < 1e-3


# exercise: (a right answer, [(a plausible wrong answer, words its hint must contain), ...])
def _power_iteration(matvec, v, iterations=100):
    for _ in range(iterations):
        v = matvec(v)
        v = v / v.norm()
    return v @ matvec(v)


def _power_iteration_unscaled(matvec, v, iterations=100):  # the bug of exercise 09.3
    for _ in range(iterations):
        v = matvec(v)
    return v @ matvec(v)


def _power_iteration_length(matvec, v, iterations=100):  # rescaled, but returns v's length
    for _ in range(iterations):
        v = matvec(v)
        v = v / v.norm()
    return v.norm()


CASES = {
    "01.1": (torch.tensor([3.0, 12.0, 27.0]), [(torch.tensor([1.0, 4.0, 9.0]), "that is x²"),
                                               (torch.tensor([3.0, 6.0, 9.0]), "that is 3x")]),
    "01.2": (2.0, [(40.0, "SSE's gradient"), (-2.0, "positive"), (1.0, "brings down a 2")]),
    "01.3": (central, [(forward, "forward difference"), (backward, "backward difference"),
                       (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2h"),
                       (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, "Put 2 * h in brackets")]),
    "02.1": (1 / 6, [(0.5, "lands x² in one step"), (1 / 3, "stability limit")]),
    "02.2": (21, [(20, "one more"), (22, "already"), ("never", "it does arrive"),
                  (math.log(0.001 / 1.5) / math.log(0.7), "steps come whole: round up")]),
    "02.3": (0.25, [(0.125, "lands in one step"), (1.0, "limit for x²"), (0.249, "give the limit itself"),
                    (0.24, "give the limit itself")]),
    "02.4": (descend_fixed, [(descend_buggy, "still the bug"), (lambda x0, lr, steps: [x0] * (steps + 1),
                                                                   "not yet")]),
    "02.5": (slope, [(lambda x, y, lr, steps: slope(x, y, lr, steps, loss="sum"), "2·Σx², grows"),
                     (lambda x, y, lr, steps: 3.0, "change only the loss")]),
    "03.1": ("no", [("yes", "compare the 20th loss")]),
    "03.2": (3e-8, [(0.5, "gradient at a minimum")]),
    "03.3": (5e-7, [(2e-4, "20 times smaller, not larger"), (1e-5, "20 times bigger steps")]),
    "03.4": (coaster_steps, [(lambda *a: coaster_steps(*a, rooted=True), "divided by 2·RMSE"),
                             (lambda t, s, p, lr, steps: p, "differ from the MSE loop's")]),
    "04.1": (2 / 2.2995, [(1 / 2.2995, "twice that"), (2 / 0.1875, "steepest one sets it")]),
    "04.2": (5.0, [(0.8, "how much of v is kept"), (1.8, "after two steps"), (1.25, "1 / 0.8")]),
    "04.3": (adam, [(adam_uncorrected, "bias correction"),
                    (summed_adam, "momentum's sum")]),
    "04.4": (newton, [(lambda p, g, H: p - H @ g, "multiplies by the Hessian"),
                      (lambda p, g, H: p + torch.linalg.solve(H, g), "uphill"),
                      (lambda p, g, H: p - g / torch.diagonal(H), "diagonal")]),
    "05.1": (14, [(20, "two are lower"), (10, "one is lower")]),
    "05.2": (41 * 6.919e-7, [(6.919e-7, "SSE's limit"), (6.919e-7 / 41, "41 times larger"),
                             (40 * 6.92e-7, "n is 41"), (2.8e-5, "rounded too far"), (2.9e-5, "rounded too far")]),
    "05.3": (stop_relative, [(stop_absolute, "absolute improvement"),
                             (stop_late, "one step late")]),
    "05.4": (quadratic_on, [(lambda *a: quadratic_on(*a, scale=1.0), "still blows up"),
                            (lambda *a: quadratic_on(*a, convert_back=False), "Convert them back"),
                            (lambda xs, ys, lr, steps: quadratic_on(xs, ys, lr, 10), "not the best quadratic")]),
    "06.1": (2.0, [(4.0, "square root"), (0.5, "upside down"), (1.98, "the prediction"), (2.03, "the prediction")]),
    "06.2": (160, [(155, "a step too"), (156.25, "whole batches"), (32, "that is one epoch")]),
    "06.3": (batches, [(lambda n, size, seed: [list(range(n))[i : i + size] for i in range(0, n, size)], "in order"),
                       (lambda n, size, seed: batches(n, size, seed)[: n // size], "smaller batch is missing"),
                       (lambda n, size, seed: [torch.randperm(n)[:size]], "different batches"),
                       (lambda n, size, seed: list(DataLoader(range(n), size, shuffle=True,
                                                              generator=torch.Generator().manual_seed(seed))),
                        "takes one number from the generator")]),
    "06.4": (loader, [(lambda ds, size, seed: DataLoader(ds, batch_size=size), "Add shuffle=True"),
                      (lambda ds, size, seed: DataLoader(ds, batch_size=size, shuffle=True), "served different"),
                      (lambda ds, size, seed: DataLoader(ds, batch_size=size, sampler=torch.randperm(
                          len(ds), generator=torch.Generator().manual_seed(seed)).tolist()), "that same order")]),
    "07.1": (65, [(64, "one more number"), (8, "8 × 8 pixels")]),
    "07.2": (0.5, [(0.0, "squashes 0 to 0.5"), (1.0, "half sure")]),
    "07.3": (bce, [(lambda s, t: -bce(s, t), "the sign"), (lambda s, t: bce(s, t) * len(s), "that is the sum"),
                   (lambda s, t: -(t * s.log() + (1 - t) * (1 - s).log()).mean(), "squash the scores"),
                   (bce_per_class, "then adds the two means"),
                   (lambda s, t: bce_per_class(s, t) / 2, "then averages the two means")]),
    "07.4": (lambda size, std: (torch.randn(size) * std).requires_grad_(),
             [(lambda size, std: torch.randn(size, requires_grad=True) * std, "still the bug"),
              (lambda size, std: torch.randn(size) * std, "does not track"),
              (lambda size, std: torch.randn(size).requires_grad_(), "spread about 1")]),
    "08.1": (7510, [(7400, "weights only"), (64000, "added, not multiplied"), (6500, "Add the second")]),
    "08.2": (2.302585, [(0.1, "The loss is -log of it"), (-2.302585, "the sign"), (0.0, "ten digits")]),
    "08.3": (lambda xb, w1, b1, w2, b2: (xb @ w1 + b1).relu() @ w2 + b2,
             [(lambda xb, w1, b1, w2, b2: (xb @ w1 + b1) @ w2 + b2, "still no bend"),
              (lambda xb, w1, b1, w2, b2: ((xb @ w1 + b1) @ w2 + b2).relu(), "belongs between the layers"),
              (lambda xb, w1, b1, w2, b2: xb @ w1 @ w2, "not yet")]),
    "09.1": (0.5, [(0.25, "lands in one step"), (8.0, "not 2 · λ_max"), (2.0, "the numerator")]),
    "09.2": (0.1, [(0.001 * 10 ** (200 / 99), "not 99"), (5.0005, "ordinary scale"), (0.05, "10^2")]),
    "09.3": (_power_iteration, [(_power_iteration_unscaled, "overflows float32"),
                                (_power_iteration_length, "v's length"),
                                (lambda matvec, v: v.sum(), "not yet")]),
}


def test_every_exercise_has_cases():
    assert sorted(CASES) == sorted(EXERCISES)


@pytest.mark.parametrize("exercise", sorted(CASES))
def test_check_accepts_the_answer_and_rejects_likely_mistakes(exercise, capsys):
    right, wrongs = CASES[exercise]
    check_answer(exercise, right)
    assert capsys.readouterr().out.startswith("correct: ")
    check_answer(exercise, right, solution=True)
    assert capsys.readouterr().out == ""  # a solution cell's output must not give the answer away
    for wrong, hint in wrongs:
        check_answer(exercise, wrong)
        said = capsys.readouterr().out
        assert said.startswith("not yet") or said.startswith("close"), (wrong, said)
        assert hint in said, (wrong, said)
        with pytest.raises(AssertionError, match=f"solution to exercise {exercise}"):
            check_answer(exercise, wrong, solution=True)
        capsys.readouterr()


@pytest.mark.parametrize("exercise", sorted(CASES))
def test_unanswered_is_one_line_whatever_the_form(exercise, capsys):
    check_answer(exercise, ...)
    assert capsys.readouterr().out == NOT_ANSWERED + "\n"
    probe = EXERCISES[exercise].probe
    if probe is not None:
        check_answer(exercise, lambda *args: ...)
        assert capsys.readouterr().out == NOT_ANSWERED + "\n"


def test_garbage_gets_a_hint_not_a_crash(capsys):
    for exercise in sorted(CASES):
        for garbage in ("twelve", [1, 2], None, lambda: 1 / 0):
            check_answer(exercise, garbage)
            assert capsys.readouterr().out.startswith(("not yet", "close"))


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="no exercise '09.9'; the exercises are"):
        check_answer("09.9", 1)


# The answer's form before its value: the right number in another container counts; text, a function where a number
# was asked (and the reverse), a function the check cannot call and one that raises each get their own sentence.
def said(exercise, answer, capsys):
    check_answer(exercise, answer)
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize("answer", [torch.tensor(1 / 6), torch.tensor([1 / 6]), [1 / 6], (1 / 6,),
                                    torch.tensor(1 / 6, requires_grad=True) * 1, torch.tensor(1 / 6).double()])
def test_the_right_number_in_a_container_is_accepted(answer, capsys):
    assert said("02.1", answer, capsys).startswith("correct: ")


def test_the_right_numbers_in_a_tensor_are_accepted(capsys):
    assert said("01.1", torch.tensor([3.0, 12.0, 27.0]), capsys).startswith("correct: ")
    assert said("01.1", torch.tensor([[3.0, 12.0, 27.0]]), capsys).startswith("correct: ")


WRONG_FORMS = [
    ("02.1", "0.1667", "is text: give the number itself, without quotes"),
    ("02.1", "a sixth", "is text: give a number"),
    ("02.1", None, "your answer is None"),
    ("02.1", True, "is a yes/no, not a number"),
    ("02.1", lambda: 1 / 6, "you gave a function: call it"),
    ("02.1", [0.1, 0.2], "expected one number, got 2"),
    ("01.1", [3.0, 12.0], "expected 3 numbers, got 2"),
    ("01.1", {"a": 1}, "expected 3 numbers, got dict"),
    ("03.1", 0, "answer with a word in quotes, 'yes' or 'no'"),
    ("01.3", 12.0, "asks for a function called as (f, x, h)"),
    ("01.3", lambda f, x: 1.0, "your function takes (f, x), but the check calls it with (f, x, h)"),
    ("06.3", lambda n, size: [], "but the check calls it with (n, size, seed)"),
]


@pytest.mark.parametrize("exercise, answer, words", WRONG_FORMS)
def test_a_wrong_form_is_told_how_to_give_it(exercise, answer, words, capsys):
    message = said(exercise, answer, capsys)
    assert message.startswith("not yet: ") and words in message, message
    assert "that is not it" not in message  # never the generic line for a form the check can name


def test_a_function_that_raises_is_reported_with_its_error_and_line(capsys):
    def central_with_a_typo(f, x, h):
        return (f(x + h) - f(x - hh)) / (2 * h)  # noqa: F821 - the typo is the point

    message = said("01.3", central_with_a_typo, capsys)
    assert message.startswith("not yet: your function raised NameError: name 'hh' is not defined (line ")
    assert "f(x - hh)" in message  # the learner's own line, from their source


def test_a_float32_central_difference_is_accepted_and_a_float32_forward_one_is_not(capsys):
    def central32(f, x, h):
        x = torch.tensor(x)
        return (f(x + h) - f(x - h)) / (2 * h)

    def forward32(f, x, h):
        x = torch.tensor(x)
        return (f(x + h) - f(x)) / h

    assert said("01.3", central32, capsys).startswith("correct: ")
    assert "forward difference" in said("01.3", forward32, capsys)


def test_bce_without_the_mean_is_told_to_average(capsys):
    def per_image(scores, targets):
        p = scores.sigmoid()
        return -(targets * p.log() + (1 - targets) * (1 - p).log())

    assert "one loss per image" in said("07.3", per_image, capsys)


@pytest.mark.parametrize("exercise, answers", [
    ("02.1", [0.167, 0.1667, 1 / 6]),  # 1/6 as a learner types it, to the digits they give
    ("08.2", [2.30, 2.3, 2.303, 2.3016, 2.302585]),  # log 10; the notebook's 2.30; the zero start's 2.3016
])
def test_an_answer_rounded_as_a_learner_rounds_it_is_accepted(exercise, answers, capsys):
    for answer in answers:
        assert said(exercise, answer, capsys).startswith("correct: "), answer


def test_too_few_digits_or_a_near_miss_is_not_accepted(capsys):
    assert said("02.1", 0.17, capsys).startswith("close: give lr to three digits")
    assert said("02.1", 0.166, capsys).startswith("close: round rather than truncate: 1/6 ≈ 0.1667")
    assert said("02.1", 0.16, capsys).startswith("close: round rather than truncate")
    assert said("08.2", 2.31, capsys).startswith("not yet")
    assert "the sign" in said("08.2", -2.30, capsys)


def slope_by_a_smaller_rate(x, y, lr, steps):  # keeps the sum and divides the step by n: the fix 02.5 rules out
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(steps):
        ((w * x - y) ** 2).sum().backward()
        with torch.no_grad():
            w -= w.grad * lr / len(x)
        w.grad = None
    return w.item()


def slope_by_sum_over_n(x, y, lr, steps):  # the mean written out: a fix of the loss
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(steps):
        (((w * x - y) ** 2).sum() / len(x)).backward()
        with torch.no_grad():
            w -= w.grad * lr
        w.grad = None
    return w.item()


def test_a_smaller_rate_on_the_sum_is_not_the_fix_02_5_asks_for(capsys):
    message = said("02.5", slope_by_a_smaller_rate, capsys)
    assert message.startswith("close: ") and "the loss is still the sum" in message and "mean" not in message.split(
        "(")[0], message
    assert said("02.5", slope_by_sum_over_n, capsys).startswith("correct: ")
    assert said("02.5", lambda x, y, lr, steps: slope(x, y, lr, steps), capsys).startswith("correct: ")


@pytest.mark.parametrize("answer", [True, False, torch.tensor(True)])
def test_true_or_false_where_a_number_is_wanted_gets_its_own_sentence(answer, capsys):
    for exercise in ("02.3", "08.2", "02.1"):  # 02.3 once read True as 1.0, the limit for x²
        assert said(exercise, answer, capsys) == f"not yet: {answer} is a yes/no, not a number: give the number " \
                                                 "itself.", exercise


def test_a_function_that_never_returns_is_stopped_with_a_sentence(capsys, monkeypatch):
    import signal
    import time

    from sgd_helpers.exercises import _judge

    monkeypatch.setattr(_judge, "TIME_LIMIT", 0.5)

    def central_forever(f, x, h):
        while True:
            try:
                x = x + 0.0
            except Exception:  # noqa: BLE001 - a learner's own catch-all must not swallow the time limit
                pass

    signal.setitimer(signal.ITIMER_REAL, 100.0)  # a time limit of the caller's, such as a test runner's
    try:
        start = time.monotonic()
        message = said("01.3", central_forever, capsys)
        assert time.monotonic() - start < 5
        assert 90 < signal.getitimer(signal.ITIMER_REAL)[0] <= 100, "the caller's timer is set again afterwards"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert message.startswith("not yet: your function was still running after 0.5 seconds (line "), message
    assert "while True:" in message or "x = x + 0.0" in message, message
    assert message.endswith("so the check stopped it: does a loop in it never end?"), message
    with pytest.raises(AssertionError, match="still running after 0.5 seconds"):
        check_answer("01.3", central_forever, solution=True)
