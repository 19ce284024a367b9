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


def momentum(p, v, grad, lr, beta):
    v = beta * v + grad
    return p - lr * v, v


def averaged_momentum(p, v, grad, lr, beta):
    v = beta * v + (1 - beta) * grad
    return p - lr * v, v


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
    "04.1": (14, [(20, "one is lower"), (10, "one is lower")]),
    "04.2": (41 * 6.919e-7, [(6.919e-7, "SSE's limit"), (6.919e-7 / 41, "41 times larger")]),
    "04.3": (stop_relative, [(stop_absolute, "absolute improvement"),
                             (stop_late, "one step late")]),
    "05.1": (2.0, [(4.0, "square root"), (0.5, "upside down")]),
    "05.2": (10.0, [(0.9, "how much of v is kept"), (1.9, "after two steps")]),
    "05.3": (momentum, [(averaged_momentum, "decayed sum"), (lambda p, v, g, lr, b: (p - lr * g, v), "plain gradient"),
                        (lambda p, v, g, lr, b: (p + lr * (b * v + g), b * v + g), "run away")]),
    "06.1": (65, [(64, "one more number"), (8, "8 × 8 pixels")]),
    "06.2": (0.5, [(0.0, "squashes 0 to 0.5"), (1.0, "half sure")]),
    "06.3": (bce, [(lambda s, t: -bce(s, t), "the sign"), (lambda s, t: bce(s, t) * len(s), "that is the sum"),
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
