"""Each exercise's check: it accepts a right answer, and rejects plausible wrong ones with the hint meant for them.

The right and wrong answers here are written out independently of `sgd_helpers.exercises`, which only holds the
tests and the words; a notebook's hidden solution cell runs the same check with `solution=True`.
"""

import pytest
import torch

from sgd_helpers.exercises import EXERCISES, NOT_ANSWERED, check_answer


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def forward(f, x, h):
    return (f(x + h) - f(x)) / h


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


def newton(p, grad, hessian):
    return p - torch.linalg.solve(hessian, grad)


def batches(n, size, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return [order[i : i + size] for i in range(0, n, size)]


def bce(scores, targets):
    p = scores.sigmoid()
    return -(targets * p.log() + (1 - targets) * (1 - p).log()).mean()


def stop_relative(h):  # a stopping rule for fit's stop_when
    return h.step >= 50 and (h.losses[-51] - h.losses[-1]) / h.losses[-51] < 1e-3


def stop_absolute(h):
    return h.step >= 50 and h.losses[-51] - h.losses[-1] < 1e-3


def stop_late(h):
    return h.step >= 51 and (h.losses[-52] - h.losses[-2]) / h.losses[-52] < 1e-3


# exercise: (a right answer, [(a plausible wrong answer, words its hint must contain), ...])
CASES = {
    "01.1": (torch.tensor([3.0, 12.0, 27.0]), [(torch.tensor([1.0, 4.0, 9.0]), "that is x²"),
                                               (torch.tensor([3.0, 6.0, 9.0]), "that is 3x")]),
    "01.2": (2.0, [(40.0, "SSE's gradient"), (-2.0, "positive"), (1.0, "brings down a 2")]),
    "01.3": (central, [(forward, "forward difference"), (lambda f, x, h: (f(x + h) - f(x - h)) / h, "divide by 2h")]),
    "02.1": (1 / 6, [(0.5, "lands x² in one step"), (1 / 3, "stability limit")]),
    "02.2": (33, [(32, "one more"), (34, "already"), ("never", "it does arrive")]),
    "02.3": (0.25, [(0.125, "lands in one step"), (1.0, "limit for x²")]),
    "03.1": ("no", [("yes", "compare the 20th loss")]),
    "03.2": (3e-8, [(0.5, "gradient at a minimum")]),
    "03.3": (5e-7, [(2e-4, "20 times smaller, not larger"), (1e-5, "20 times bigger steps")]),
    "04.1": (2 / 2.2995, [(1 / 2.2995, "twice that"), (2 / 0.1875, "steepest one sets it")]),
    "04.2": (5.0, [(0.8, "how much of v is kept"), (1.8, "after two steps"), (1.25, "1 / 0.8")]),
    "04.3": (adam, [(adam_uncorrected, "bias correction"),
                    (summed_adam, "momentum's sum")]),
    "04.4": (newton, [(lambda p, g, H: p - H @ g, "multiplies by the Hessian"),
                      (lambda p, g, H: p + torch.linalg.solve(H, g), "uphill"),
                      (lambda p, g, H: p - g / torch.diagonal(H), "diagonal")]),
    "05.1": (14, [(20, "one is lower"), (10, "one is lower")]),
    "05.2": (41 * 6.919e-7, [(6.919e-7, "SSE's limit"), (6.919e-7 / 41, "41 times larger")]),
    "05.3": (stop_relative, [(stop_absolute, "absolute improvement"),
                             (stop_late, "one step late")]),
    "06.1": (2.0, [(4.0, "square root"), (0.5, "upside down")]),
    "06.2": (160, [(155, "a step too"), (156.25, "whole batches"), (32, "that is one epoch")]),
    "06.3": (batches, [(lambda n, size, seed: [list(range(n))[i : i + size] for i in range(0, n, size)], "in order"),
                       (lambda n, size, seed: batches(n, size, seed)[: n // size], "smaller batch is missing"),
                       (lambda n, size, seed: [torch.randperm(n)[:size]], "different batches")]),
    "07.1": (65, [(64, "one more number"), (8, "8 × 8 pixels")]),
    "07.2": (0.5, [(0.0, "squashes 0 to 0.5"), (1.0, "half sure")]),
    "07.3": (bce, [(lambda s, t: -bce(s, t), "the sign"), (lambda s, t: bce(s, t) * len(s), "that is the sum"),
                   (lambda s, t: -(t * s.log() + (1 - t) * (1 - s).log()).mean(), "squash the scores")]),
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
