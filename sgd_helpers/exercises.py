"""Exercises: the check behind each notebook's exercises, with hints aimed at the likely mistakes.

A learner's cell ends with `check_answer("02.1", answer)`. With `...` still in place it prints one line asking for an
answer; a wrong answer gets a hint for the likely mistake; a right one a short confirmation. The hidden solution
cell below it calls the same check with `solution=True`, which raises unless the solution passes, so running a
notebook proves that every solution is right. The solution cell prints nothing, so that its stored output does not
give the answer away beside the collapsed code.

>>> check_answer("02.1", ...)
not answered yet: replace ... with your answer, then run this cell again
>>> check_answer("02.1", 0.5)
not yet: 0.5 lands x² in one step. Here the slope is 6x, so one step multiplies x by 1 - 6·lr.
>>> check_answer("02.1", 1 / 6)
correct: the factor 1 - 6·lr is 0 at lr = 1/6, so one step lands on the minimum.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from . import _bug_checks as bug
from ._checks import _learner_line
from .training import Progress

__all__ = ["check_answer", "EXERCISES"]

_RAISED: list[Exception] = []  # what a learner's function raised while it was being checked, newest last
NOT_ANSWERED = "not answered yet: replace ... with your answer, then run this cell again"


@dataclass(frozen=True)
class Exercise:
    """What counts as right, what to say then, and hints: (test for a likely mistake, what to say about it)."""

    right: Callable[[Any], bool]
    confirm: str
    hints: tuple[tuple[Callable[[Any], bool], str], ...] = ()
    otherwise: str = "not yet: that is not it. Reread the question, and check your working step by step."
    probe: tuple | None = None  # for an answer that is a function: arguments on which an unfinished one returns ...
    call: str = ""  # for an answer that is a function: how the check calls it, as "(f, x, h)"
    word: bool = False  # the answer is a word, such as 'yes'


def _near(expected: float | list[float], rtol: float = 1e-3, atol: float = 0.0) -> Callable[[Any], bool]:
    """A test that the answer is a number (or numbers) close to `expected`; anything else is simply not close."""
    target = torch.as_tensor(expected, dtype=torch.float64)

    def test(answer: Any) -> bool:
        try:
            got = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            return False
        return got.shape == target.shape and bool(torch.allclose(got, target, rtol=rtol, atol=atol))

    test.shape = tuple(target.shape)
    return test


def _says(*words: str) -> Callable[[Any], bool]:
    return lambda answer: isinstance(answer, str) and answer.strip().lower() in words


def _calls(test: Callable[[Callable], bool]) -> Callable[[Any], bool]:
    """A test of a learner's function: run it on the check's own cases; a crash or a wrong shape is just 'no'."""

    def run(answer: Any) -> bool:
        if not callable(answer):
            return False
        try:
            return bool(test(answer))
        except Exception as e:  # noqa: BLE001 - any failure of the learner's code means "not this"; kept to report
            _RAISED.append(e)
            return False

    return run


def _estimates(formula: Callable[[float, float, float], float], h: float = 1e-3) -> Callable[[Any], bool]:
    """Does `answer(f, x, h)` equal `formula(f(x-h), f(x), f(x+h))` for a cubic at x = 2 (where estimates differ)?"""

    def test(fn: Callable) -> bool:
        cube = (2 - h) ** 3, 8.0, (2 + h) ** 3
        got = fn(lambda x: x**3, 2.0, h)
        single = getattr(got, "dtype", None) in (torch.float32, torch.float16, torch.bfloat16, np.float32, np.float16)
        # float32 rounds the two values f(x ± h) to about 3e-5 of the estimate; forward and central differ by 5e-4
        return math.isclose(float(got), formula(*cube), rel_tol=1e-4 if single else 1e-9)

    return _calls(test)


def _descent_cases() -> list[tuple[float, float, int]]:
    return [(-1.5, 0.1, 10), (2.0, 0.3, 6), (0.7, 0.05, 20)]


def _true_descent(x0: float, lr: float, steps: int, accumulate: bool = False) -> list[float]:
    """Positions of descent on x² in float32, clearing the gradient after each step (or, the bug, never)."""
    x, total, visited = torch.tensor(x0), torch.tensor(0.0), [x0]
    for _ in range(steps):
        total = total + 2 * x if accumulate else 2 * x
        x = x - total * lr
        visited.append(x.item())
    return visited


def _descends_like(accumulate: bool) -> Callable[[Any], bool]:
    """Does `answer(x0, lr, steps)` visit the positions of descent on x² (with the accumulating bug, if asked)?"""
    return _calls(lambda fn: all(
        torch.allclose(torch.as_tensor([float(v) for v in fn(*case)], dtype=torch.float64),
                       torch.tensor(_true_descent(*case, accumulate=accumulate), dtype=torch.float64), rtol=1e-5,
                       atol=1e-6) for case in _descent_cases()))


_BOWL = torch.tensor([1.0, 10.0])  # loss (_BOWL * p**2).sum(): a stretched bowl


def _adam_path(step: Callable, steps: int = 60) -> torch.Tensor:
    """Positions visited by `step(p, m, v, grad, t, lr) -> (p, m, v)` from (1, 1) at lr 0.05 on the stretched bowl."""
    p, m, v, path = torch.tensor([1.0, 1.0]), torch.zeros(2), torch.zeros(2), []
    for t in range(1, steps + 1):
        p, m, v = (torch.as_tensor(x, dtype=torch.float32) for x in step(p, m, v, 2 * _BOWL * p, t, 0.05))
        path.append(p)
    return torch.stack(path)


def _torch_adam_path(steps: int = 60) -> torch.Tensor:
    p = torch.tensor([1.0, 1.0], requires_grad=True)
    opt, path = torch.optim.Adam([p], lr=0.05), []
    for _ in range(steps):
        opt.zero_grad()
        (_BOWL * p**2).sum().backward()
        opt.step()
        path.append(p.detach().clone())
    return torch.stack(path)


def _follows(reference: Callable[[], torch.Tensor]) -> Callable[[Any], bool]:
    return _calls(lambda step: torch.allclose(_adam_path(step), reference(), rtol=1e-4, atol=1e-5))


def _adam_like(correct: bool = True, summed: bool = False, squared: bool = True) -> Callable:
    def step(p, m, v, grad, t, lr, b1=0.9, b2=0.999, eps=1e-8):
        m = b1 * m + (grad if summed else (1 - b1) * grad)
        v = b2 * v + (1 - b2) * (grad**2 if squared else grad.abs())
        m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if correct else (m, v)
        return p - lr * m_hat / (v_hat.sqrt() + eps), m, v

    return step


def _bowls() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """(Hessian, bottom, a starting point) for three bowls, one of them tilted, in float64."""
    tilted = torch.tensor([[3.0, 1.2], [1.2, 1.0]], dtype=torch.float64)
    return [(torch.diag(torch.tensor([2.0, 8.0], dtype=torch.float64)), torch.tensor([1.0, -1.0], dtype=torch.float64),
             torch.tensor([3.0, 2.0], dtype=torch.float64)),
            (tilted, torch.tensor([0.5, 2.0], dtype=torch.float64), torch.tensor([-1.0, 4.0], dtype=torch.float64)),
            (100 * tilted, torch.zeros(2, dtype=torch.float64), torch.tensor([0.3, -0.7], dtype=torch.float64))]


def _lands(expected: Callable) -> Callable[[Any], bool]:
    """Does `answer(p, grad, hessian)` give `expected(p, grad, hessian, bottom)` on every bowl?"""

    def test(step: Callable) -> bool:
        return all(torch.allclose(torch.as_tensor(step(p, H @ (p - m), H), dtype=torch.float64),
                                  expected(p, H @ (p - m), H, m), rtol=1e-6, atol=1e-9) for H, m, p in _bowls())

    return _calls(test)


def _epoch_cases() -> list[tuple[int, int, int]]:
    return [(10, 3, 0), (2000, 64, 1), (7, 7, 2), (50, 8, 3)]


def _reference_batches(n: int, size: int, seed: int) -> list[list[int]]:
    from torch.utils.data import BatchSampler, RandomSampler

    return list(BatchSampler(RandomSampler(range(n), generator=torch.Generator().manual_seed(seed)), size, False))


def _as_lists(batches: Any) -> list[list[int]]:
    return [[int(i) for i in torch.as_tensor(b).reshape(-1).tolist()] for b in batches]


def _batches_like(expected: Callable[[int, int, int], list[list[int]]]) -> Callable[[Any], bool]:
    return _calls(lambda fn: all(_as_lists(fn(n, size, seed)) == expected(n, size, seed)
                                 for n, size, seed in _epoch_cases()))


def _in_order(n: int, size: int, seed: int) -> list[list[int]]:
    return [list(range(n))[i : i + size] for i in range(0, n, size)]


def _without_last(n: int, size: int, seed: int) -> list[list[int]]:
    full = _reference_batches(n, size, seed)
    return full if n % size == 0 else full[:-1]


def _unseeded(fn: Callable) -> bool:
    """Two calls with one seed give different orders: the generator was not seeded with it."""
    return _as_lists(fn(50, 8, 3)) != _as_lists(fn(50, 8, 3))


def _stop_rule_case() -> torch.Tensor:
    """A training curve for the stopping-rule exercise: fast progress, then a long, slow tail."""
    steps = torch.arange(400, dtype=torch.float64)
    return 10.0 + 990.0 * torch.exp(-steps / 20)


def _first_flat(curve: torch.Tensor, window: int = 50, tol: float = 1e-3) -> int:
    """The first step at which the loss improved by less than `tol` (relative) over the last `window` steps."""
    for step in range(window, len(curve)):
        if (curve[step - window] - curve[step]) / curve[step - window] < tol:
            return step
    return len(curve) - 1


def _rule_gives(expected: Callable[[torch.Tensor], int]) -> Callable[[Any], bool]:
    """Asked after every step of the case's curve, as `fit` asks `stop_when`, does the rule first fire at `expected`?"""

    def first_stop(rule: Callable) -> int:
        curve = _stop_rule_case()
        losses = curve.tolist()
        return next((s for s in range(1, len(curve)) if rule(Progress(s, torch.zeros(1), losses[: s + 1], 1.0))),
                    len(curve) - 1)

    return _calls(lambda rule: first_stop(rule) == expected(_stop_rule_case()))


def _bce_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(0)
    return [(torch.randn(n, generator=gen) * 3, (torch.rand(n, generator=gen) > 0.5).float()) for n in (1, 7, 50)]


def _matches_bce(scale: float = 1.0, reduce: str = "mean") -> Callable[[Any], bool]:
    """Does the learner's `bce(scores, targets)` equal `scale` times PyTorch's, reduced by `reduce`?"""

    def test(fn: Callable) -> bool:
        for scores, targets in _bce_cases():
            want = scale * torch.nn.functional.binary_cross_entropy_with_logits(scores, targets, reduction=reduce)
            if not torch.allclose(torch.as_tensor(fn(scores, targets), dtype=torch.float32), want, rtol=1e-4):
                return False
        return True

    return _calls(test)


EXERCISES: dict[str, Exercise] = {
    # 01 · Gradients
    "01.1": Exercise(
        _near([3.0, 12.0, 27.0]), "the derivative of x³ is 3x², so the slopes at 1, 2, 3 are 3, 12 and 27.",
        ((_near([1.0, 4.0, 9.0]), "not yet: that is x². The power comes down in front: the slope of x³ is 3x²."),
         (_near([3.0, 6.0, 9.0]), "not yet: that is 3x. The power drops by one, not two: the slope of x³ is 3x²."),
         (_near([1.0, 8.0, 27.0]), "not yet: that is x³ itself, the function's value. The slope is 3x².")),
    ),
    "01.2": Exercise(
        _near(2.0), "every error r is 1, so mean(2r) = 2.",
        ((_near(1.0), "not yet: the square brings down a 2: the slope of r² is 2r, so it is mean(2r)."),
         (_near(40.0), "not yet: that is the sum over the 20 points (SSE's gradient). The MSE averages: 20 times "
                       "smaller."),
         (_near(-2.0), "not yet: r is prediction minus target, +1 here, so the slope is positive.")),
    ),
    "01.3": Exercise(
        _estimates(lambda down, here, up: (up - down) / 2e-3),
        "your central difference matches (f(x+h) - f(x-h)) / 2h.",
        ((_estimates(lambda down, here, up: (up - here) / 1e-3),
          "not yet: that is the forward difference (f(x+h) - f(x)) / h. Step both ways: (f(x+h) - f(x-h)) / 2h."),
         (_estimates(lambda down, here, up: (up - down) / 1e-3),
          "not yet: divide by 2h, the distance between the two points, not by h.")),
        probe=(lambda x: x, 0.0, 1.0), call="(f, x, h)",
    ),
    # 02 · Stepping with a learning rate
    "02.1": Exercise(
        _near(1 / 6), "the factor 1 - 6·lr is 0 at lr = 1/6, so one step lands on the minimum.",
        ((_near(0.5), "not yet: 0.5 lands x² in one step. Here the slope is 6x, so one step multiplies x by 1 - 6·lr."),
         (_near(1 / 3), "not yet: 1/3 is the stability limit 2/6, where x bounces between ±x forever. One-step landing "
                        "is half of it.")),
    ),
    "02.2": Exercise(
        _near(33), "|1 - 1.8| = 0.8, and 0.8ⁿ · 1.5 first drops below 0.001 at n = 33.",
        ((_near(32), "not yet: after 32 steps x is still 0.8³² · 1.5 ≈ 0.0012 away: one more."),
         (_near(34), "not yet: at 33 steps x is already 0.8³³ · 1.5 ≈ 0.00095 away."),
         (lambda a: a is None or _says("never")(a), "not yet: 0.9 is below 1, so it does arrive, bouncing.")),
    ),
    "02.3": Exercise(
        _near(0.25), "the slope of 4(x - 1)² is 8(x - 1), so the curvature is 8 and the limit is 2/8 = 0.25.",
        ((_near(0.125), "not yet: 1/8 lands in one step. The limit, where the factor 1 - 8·lr reaches -1, is 2/8."),
         (_near(0.5), "not yet: 0.5 is 2/curvature for a curvature of 4. The slope of 4(x - 1)² is 8(x - 1): "
                      "curvature 8."),
         (_near(1.0), "not yet: that is the limit for x². Here the curvature is 8.")),
    ),
    "02.4": Exercise(
        _descends_like(accumulate=False), "your loop clears the gradient after each step, and visits descent_path's "
                                          "positions.",
        ((_descends_like(accumulate=True), "not yet: that is still the bug. Every backward() adds to x.grad, so each "
                                           "step uses the sum of all the slopes so far; clear it after the step: "
                                           "x.grad = None."),),
        probe=(-1.5, 0.1, 1), call="(x0, lr, steps)",
    ),
    "02.5": Exercise(
        _calls(bug.slope_is_fitted()), "with the mean, the curvature stays 2·mean(x²) whatever the number of points, "
                                      "so one rate fits them all.",
        ((_calls(bug.slope_is_fitted(only_small=True)), "not yet: that still diverges on the larger data sets. A sum's "
                                               "curvature, 2·Σx², grows with the number of points until lr passes "
                                               "2 / curvature; average the squared errors (.mean()) instead."),),
        "not yet: the slope is off on at least one data set. Keep the loop as it is and change only the loss.",
        probe=(torch.ones(2), torch.ones(2), 0.1, 1), call="(x, y, lr, steps)",
    ),
    # 03 · The roller coaster
    "03.1": Exercise(
        _says("no"), "the loss grows: 4e-5 is past the limit, about 3.5e-5, so each step overshoots along a by more "
                     "than the last.",
        ((_says("yes"), "not yet: run the loop and compare the 20th loss with the first. Does it end lower?"),),
        "not yet: answer with the word 'yes' or 'no'.",
        word=True,
    ),
    "03.2": Exercise(
        _near(0.0, atol=1e-6), "at the minimum the gradient is (nearly) zero, so a step barely moves.",
        ((lambda a: _near(0.0, atol=1e-2)(a) and not _near(0.0, atol=1e-6)(a),
          "close: compute lr × gradient there: the moves are below a millionth."),),
        "not yet: at the least-squares answer the loss is at its minimum. What is the gradient at a minimum?",
    ),
    "03.3": Exercise(
        _near(5e-7, rtol=1e-6), "SSE is 20 × MSE here, so its gradient is 20 times larger, and lr = 1e-5 / 20 = "
                                "5e-7 takes the same steps.",
        ((_near(2e-4, rtol=1e-6), "not yet: SSE's gradient is 20 times larger than MSE's, so the learning rate must be "
                                  "20 times smaller, not larger."),
         (_near(1e-5, rtol=1e-6), "not yet: with SSE the gradient is 20 times larger than with MSE (20 points), so "
                                  "the same rate would take 20 times bigger steps.")),
    ),
    "03.4": Exercise(
        _calls(bug.trains_like()), "your loop takes the MSE loop's steps: the square root belongs in the report, not "
                                   "in the loss you step on.",
        ((_calls(bug.trains_like(rooted=True)), "not yet: that still steps on the RMSE. By the chain rule its gradient "
                                                "is MSE's divided by 2·RMSE, about 300 at the start, so every step is "
                                                "that much shorter. Call backward on the MSE; take .sqrt() only to "
                                                "print it."),),
        "not yet: your parameters differ from the MSE loop's. Step with lr × gradient of the MSE, and clear the "
        "gradient after each step.",
        probe=(torch.ones(3), torch.ones(3), torch.ones(3), 1e-5, 1), call="(time, speed, params, lr, steps)",
    ),
    # 04 · The loss surface
    "04.1": Exercise(
        _near(0.8697, rtol=2e-3), "the steeper axis, curvature 2.30, sets the limit: lr < 2 / 2.30 = 0.870.",
        ((_near(0.4349, rtol=2e-3), "not yet: 1 / 2.30 lands the steep axis in one step. The limit, where that axis's "
                                    "factor 1 - lr·λ reaches -1, is twice that."),
         (_near(10.67, rtol=2e-3), "not yet: 2 / 0.187 is the flat axis's limit. Every axis must be stable, so the "
                                   "steepest one sets it."),
         (_near(2 / (2.2995 + 0.1875), rtol=2e-3), "not yet: the curvatures are not added; each axis has its own "
                                                   "factor 1 - lr·λ, and the steeper one sets the limit.")),
    ),
    "04.2": Exercise(
        _near(5.0, rtol=1e-6), "on a steady slope v grows to g / (1 - 0.8) = 5 g: steps five times plain descent's.",
        ((_near(0.8, rtol=1e-6), "not yet: 0.8 is how much of v is kept each step. Add up g + 0.8 g + 0.64 g + ..."),
         (_near(1.8, rtol=1e-6), "not yet: that is after two steps. Keep adding: g (1 + 0.8 + 0.64 + ...) = g / 0.2."),
         (_near(1.25, rtol=1e-6), "not yet: that is 1 / 0.8. The sum g (1 + β + β² + ...) is g / (1 - β).")),
    ),
    "04.3": Exercise(
        _follows(_torch_adam_path), "your Adam takes torch.optim.Adam's steps for 60 steps.",
        ((_follows(lambda: _adam_path(_adam_like(correct=False))), "not yet: the bias correction is missing. Both "
                                                                   "averages start at 0: divide m by 1 - β₁^t and v "
                                                                   "by 1 - β₂^t."),
         (_follows(lambda: _adam_path(_adam_like(summed=True))), "not yet: that m is momentum's sum. Adam averages: "
                                                                 "m = β₁·m + (1 - β₁)·grad."),
         (_follows(lambda: _adam_path(_adam_like(squared=False))), "not yet: v averages the gradient's square, "
                                                                   "grad**2.")),
        probe=(torch.ones(2), torch.zeros(2), torch.zeros(2), torch.ones(2), 1, 0.1), call="(p, m, v, grad, t, lr)",
    ),
    "04.4": Exercise(
        _lands(lambda p, g, H, m: m), "one step of p - H⁻¹·grad lands on the bottom of every bowl.",
        ((_lands(lambda p, g, H, m: p - H @ g), "not yet: that multiplies by the Hessian. Newton divides by it: "
                                                "solve H·x = grad (torch.linalg.solve) and step by x."),
         (_lands(lambda p, g, H, m: p + torch.linalg.solve(H, g)), "not yet: that runs uphill. Subtract the step."),
         (_lands(lambda p, g, H, m: p - g / torch.diagonal(H)), "not yet: dividing by the Hessian's diagonal is "
                                                                "right only when the bowl's axes are the "
                                                                "parameters' own; here one bowl is tilted.")),
        probe=(torch.ones(2), torch.ones(2), torch.eye(2)), call="(p, grad, hessian)",
    ),
    # 05 · The open questions
    "05.1": Exercise(
        _near(14), "14 balances x², x and 1 best (condition number about 7); 10 and 20 are close behind.",
        ((_near(20), "not yet: 20 puts x in [-1, 1], a good habit, but compute the condition numbers: one is lower."),
         (_near(10), "close, but compute all five condition numbers: one is lower.")),
    ),
    "05.2": Exercise(
        _near(2.837e-5, rtol=2e-3), "MSE's gradient is 41 times smaller, so its limit is 41 × 6.92e-7 ≈ 2.84e-5.",
        ((_near(6.919e-7, rtol=2e-3), "not yet: that is SSE's limit. MSE divides the loss by n = 41."),
         (_near(6.919e-7 / 41, rtol=2e-3), "not yet: MSE's gradient is 41 times *smaller*, so its learning rate can "
                                           "be 41 times larger.")),
    ),
    "05.3": Exercise(
        _rule_gives(_first_flat), "your rule stops where the loss first improved by less than 0.1% over 50 steps.",
        ((_rule_gives(lambda c: _first_flat(c) + 1), "not yet: one step late. Stop at the first step where it holds."),
         (_rule_gives(lambda c: _first_flat(c) - 1), "not yet: one step early. Compare the loss now, "
                                                     "h.losses[-1], with the loss 50 steps ago, h.losses[-51]."),
         (_rule_gives(lambda c: next((s for s in range(50, len(c)) if c[s - 50] - c[s] < 1e-3), len(c) - 1)),
          "not yet: that compares the absolute improvement with 0.001; divide it by the earlier loss first.")),
        probe=(Progress(60, torch.zeros(1), [1.0] * 61, 1.0),), call="(progress)",
    ),
    "05.4": Exercise(
        _calls(bug.fits_in_original_units()), "on x / 20 the bowl is well conditioned, lr = 0.01 is stable, and the "
                                              "parameters, converted back, are the best quadratic's.",
        ((_calls(bug.blows_up), "not yet: it still blows up. The features are built from x itself, so x² reaches 400 "
                                "and the bowl's largest curvature puts 0.01 far past 2 / curvature: divide x by 20 "
                                "before building x², x and 1."),
         (_calls(bug.fits_in_original_units(scaled_back=False)), "close: these are the parameters of the quadratic "
                                                                 "in x / 20. Convert them back: a = a' / 400, "
                                                                 "b = b' / 20, c = c'.")),
        "not yet: these are not the best quadratic's parameters. Fit on x / 20, then convert a and b back.",
        probe=(torch.ones(3), torch.ones(3), 0.01, 1), call="(xs, ys, lr, steps)",
    ),
    # 06 · The S in SGD
    "06.1": Exercise(
        _near(2.0, rtol=1e-9), "4 times more points, √4 = 2 times less noise.",
        ((_near(4.0, rtol=1e-9), "not yet: that is the ratio of the batch sizes. The noise falls like its square "
                                 "root."),
         (_near(0.5, rtol=1e-9), "not yet: upside down. Larger batches have less noise, so noise(16) / noise(64) is "
                                 "above 1.")),
    ),
    "06.2": Exercise(
        _near(160, rtol=1e-9), "2,000 / 64 is 31 full batches and one of 16: 32 steps an epoch, 160 in five.",
        ((_near(155, rtol=1e-9), "not yet: 31 full batches leave 16 points over, and they make a 32nd, smaller batch: "
                                 "a step too."),
         (_near(156.25, rtol=1e-9), "not yet: steps come in whole batches. How many batches does one epoch make?"),
         (_near(32, rtol=1e-9), "close: that is one epoch. The question asks for five.")),
    ),
    "06.3": Exercise(
        _batches_like(_reference_batches), "your batches are the sampler's, batch for batch.",
        ((_batches_like(_in_order), "not yet: these batches are in order. Shuffle first: torch.randperm(n, "
                                    "generator=...)."),
         (_batches_like(_without_last), "not yet: the last, smaller batch is missing. DataLoader keeps it (unless "
                                        "drop_last=True)."),
         (_calls(_unseeded), "not yet: two calls with the same seed gave different batches. Make a generator, "
                             "seed it with seed, and pass it to torch.randperm.")),
        probe=(10, 3, 0), call="(n, size, seed)",
    ),
    "06.4": Exercise(
        _calls(bug.shuffles()), "every epoch serves every point once, in a new order, and the same seed gives the "
                                "same orders.",
        ((_calls(bug.shuffles("in order")), "not yet: the batches still come in the data's own order, so each one is "
                                            "a narrow stretch of time. Add shuffle=True."),
         (_calls(bug.shuffles("frozen")), "not yet: shuffled once, but every epoch serves that same order. "
                                          "shuffle=True draws a new order each epoch."),
         (_calls(bug.shuffles("unseeded")), "not yet: two loaders made with the same seed served different "
                                            "batches. Pass generator=torch.Generator().manual_seed(seed).")),
        "not yet: an epoch should serve every point exactly once, in batches of batch_size.",
        probe=(torch.zeros(1), 1, 0), call="(dataset, batch_size, seed)",
    ),
    # 07 · From a quadratic to pixels
    "07.1": Exercise(
        _near(65, rtol=1e-9), "64 weights, one per pixel, and one bias.",
        ((_near(64, rtol=1e-9), "not yet: one weight per pixel is 64, and the model adds one more number to the sum."),
         (_near(8, rtol=1e-9), "not yet: an image is 8 × 8 pixels, and each pixel has its own weight.")),
    ),
    "07.2": Exercise(
        _near(0.5, rtol=1e-6), "every score is 0, the sigmoid of 0 is 0.5, and the loss is 0.5 for a 3 and a 7 alike.",
        ((_near(0.0, atol=1e-9), "not yet: a score of 0 is not a sureness of 0: the sigmoid squashes 0 to 0.5."),
         (_near(1.0, rtol=1e-6), "not yet: the sigmoid of 0 is 0.5, so the model is half sure of everything.")),
    ),
    "07.3": Exercise(
        _matches_bce(), "your cross-entropy equals PyTorch's on every case.",
        ((_matches_bce(-1.0), "not yet: the sign. log(p) is negative for p below 1; the loss is -log(p)."),
         (_matches_bce(reduce="sum"), "not yet: that is the sum; average over the images (.mean()) instead."),
         (_matches_bce(reduce="none"), "not yet: that is one loss per image, all of them right; a loss is one "
                                       "number: average them with .mean().")),
        "not yet: squash the scores with .sigmoid() into p first, then average -log(p) for the 3s and "
        "-log(1 - p) for the 7s.",
        probe=(torch.zeros(2), torch.ones(2)), call="(scores, targets)",
    ),
    "07.4": Exercise(
        _calls(bug.starts_as_leaf()), "multiplying first and asking for gradients last makes a leaf: backward fills "
                                      "its .grad, and the step can update it.",
        ((_calls(bug.starts_as_leaf("not a leaf")), "not yet: that is still the bug. `* std` after requires_grad "
                                                    "makes a new tensor computed from the random one, not a leaf, so "
                                                    "backward leaves its .grad empty. Multiply first, then call "
                                                    ".requires_grad_()."),
         (_calls(bug.starts_as_leaf("no grad")), "not yet: this tensor does not track gradients, so backward gives it "
                                                 "no .grad. End with .requires_grad_()."),
         (_calls(bug.starts_as_leaf("std 1")), "not yet: the numbers spread about 1. Multiply torch.randn(size) by "
                                               "std before .requires_grad_().")),
        "not yet: return torch.randn(size) times std, as a tensor of that size that requires grad.",
        probe=((2,), 1.0), call="(size, std)",
    ),
    # 08 · A first neural network
    "08.1": Exercise(
        _near(7510, rtol=1e-9), "6,400 + 100 weights and biases in the first layer, 1,000 + 10 in the second.",
        ((_near(7400, rtol=1e-9), "not yet: that counts the weights only. Each layer also has a bias per output: 100 "
                                  "and 10 more."),
         (_near(64 * 100 * 10, rtol=1e-9), "not yet: the layers are added, not multiplied: 64 × 100 weights, then "
                                           "100 × 10."),
         (_near(6500, rtol=1e-9), "close: that is the first layer. Add the second: 100 × 10 weights and 10 biases.")),
    ),
    "08.2": Exercise(
        _near(math.log(10), rtol=1e-4), "ten equal scores give each digit a sureness of 1/10, and -log(1/10) = "
                                        "log 10 ≈ 2.303.",
        ((_near(0.1, rtol=1e-4), "not yet: 0.1 is the sureness softmax gives each digit. The loss is -log of it."),
         (_near(-math.log(10), rtol=1e-4), "not yet: the sign. log(0.1) is negative; the loss is -log(0.1)."),
         (_near(0.0, atol=1e-6), "not yet: a score of 0 is not a sureness of 1. Softmax spreads it over ten digits: "
                                 "1/10 each.")),
    ),
    "08.3": Exercise(
        _calls(bug.network_like()), "with the ReLU between them, the two layers are a network, not one linear layer.",
        ((_calls(bug.network_like(bent=False)), "not yet: still no bend between the layers, so they compute one "
                                                "linear function. Apply .relu() to the hidden units before the "
                                                "second layer."),
         (_calls(bug.network_like(bent_after=True)), "not yet: the ReLU belongs between the layers, on the hidden "
                                                     "units; on the scores it only cuts off the negative ones.")),
        "not yet: compute hidden = (xb @ w1 + b1).relu(), then hidden @ w2 + b2.",
        probe=(torch.ones(1, 2), torch.ones(2, 2), torch.ones(2), torch.ones(2, 2), torch.ones(2)),
        call="(xb, w1, b1, w2, b2)",
    ),
}


def _unfinished(answer: Any, probe: tuple | None) -> bool:
    """True for a learner's function that still returns `...` (its body not written yet)."""
    if probe is None or not callable(answer):
        return False
    try:
        return answer(*probe) is ...
    except Exception:  # noqa: BLE001 - a function that fails is finished enough to get a hint
        return False


def _describe(answer: Any) -> str:
    return "a function" if callable(answer) else f"{type(answer).__name__} {answer!r:.40}"


def _as_numbers(answer: Any, shape: tuple[int, ...]) -> tuple[Any, str | None]:
    """A number (or numbers) in whatever container the learner used, shaped as the check wants; else what to do."""
    if answer is None:
        return None, ("your answer is None: a function that prints instead of returning gives None. Give the number "
                      "itself")
    if isinstance(answer, bool):
        return None, f"{answer} is a yes/no, not a number: give the number itself"
    if callable(answer):
        return None, "this exercise asks for a number, and you gave a function: call it, and pass what it returns"
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return None, f"{answer!r} is text: give a number"
        return None, f"{answer!r} is text: give the number itself, without quotes"
    try:
        got = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None, f"expected {'a number' if not shape else f'{math.prod(shape)} numbers'}, got {_describe(answer)}"
    wanted = math.prod(shape)
    if got.numel() != wanted:
        return None, (f"expected {'one number' if wanted == 1 else f'{wanted} numbers'}, got {got.numel()} "
                      f"(shape {tuple(got.shape)})")
    return got.reshape(shape), None


def _as_function(answer: Any, ex: Exercise) -> str | None:
    """None if `answer` is a function the check can call as `ex.call` says; else what to do."""
    if not callable(answer):
        return (f"this exercise asks for a function called as {ex.call}: define it with def, then pass its name "
                f"without calling it; got {_describe(answer)}")
    try:
        inspect.signature(answer).bind(*ex.probe)
    except TypeError:
        return f"your function takes {inspect.signature(answer)}, but the check calls it with {ex.call}"
    except ValueError:  # a built-in without a signature: just try it
        pass
    return None


def _raised(e: Exception) -> str:
    return f"your function raised {type(e).__name__}: {e}{_learner_line(e.__traceback__)}"


def _judge(ex: Exercise, answer: Any) -> str:
    """The one line a learner reads about `answer`."""
    if answer is ... or _unfinished(answer, ex.probe):
        return NOT_ANSWERED
    early = next((hint for test, hint in ex.hints if test(answer)), None)
    if early is not None:  # a mistake the exercise knows by name (such as "never") beats a remark on the form
        return early
    if ex.probe is not None:
        trouble = _as_function(answer, ex)
    elif ex.word:
        said = _describe(answer)
        trouble = None if isinstance(answer, str) else f"answer with a word in quotes, 'yes' or 'no'; not {said}"
    else:
        answer, trouble = _as_numbers(answer, getattr(ex.right, "shape", ()))
    if trouble is not None:
        return "not yet: " + trouble + "."
    _RAISED.clear()
    if ex.right(answer):
        return "correct: " + ex.confirm
    hint = next((hint for test, hint in ex.hints if test(answer)), None)
    if hint is None and _RAISED:
        return "not yet: " + _raised(_RAISED[0])
    return hint or ex.otherwise


def check_answer(exercise: str, answer: Any, solution: bool = False) -> None:
    """Print whether `answer` to `exercise` (such as "02.1") is right, with a hint if not.

    The answer's form comes first: the right number inside a tensor or a list counts; text, a function where a
    number was asked (or a number where a function was), and a function that cannot be called as the check calls
    it get a sentence on how to give it; a function that raises is reported with its error and its line. With
    `solution=True` (the hidden solution cells), print nothing, and raise AssertionError unless it is right.
    """
    if exercise not in EXERCISES:
        raise KeyError(f"no exercise {exercise!r}; the exercises are {sorted(EXERCISES)}")
    message = _judge(EXERCISES[exercise], answer)
    if not solution:
        print(message)
    elif not message.startswith("correct"):
        raise AssertionError(f"the solution to exercise {exercise} does not pass its check: {message}")
