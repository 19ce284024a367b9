"""02 · Stepping with a learning rate: one-step landing, counting steps, a stability limit, the loop that never
cleared its gradient, and the sum whose curvature grows with the data.

>>> def mean_fit(x, y, lr, steps):
...     w = torch.tensor(0.0, requires_grad=True)
...     for _ in range(steps):
...         ((w * x - y) ** 2).mean().backward()
...         with torch.no_grad():
...             w -= w.grad * lr
...         w.grad = None
...     return w.item()
>>> _fits_slope("mean")(mean_fit), _fits_slope("rate")(mean_fit)
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from ._judge import Exercise, finite, near, says


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


def _descends_like(accumulate: bool) -> Callable[[Callable], bool]:
    """Does `answer(x0, lr, steps)` visit the positions of descent on x² (with the accumulating bug, if asked)?"""
    return lambda fn: all(
        torch.allclose(torch.as_tensor([float(v) for v in fn(*case)], dtype=torch.float64),
                       torch.tensor(_true_descent(*case, accumulate=accumulate), dtype=torch.float64), rtol=1e-5,
                       atol=1e-6) for case in _descent_cases())


# 02.5 · a sum of squares on more data, with the rate tuned on less
def _line_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(5)
    cases = []
    for n in (10, 200, 1000):
        x = torch.linspace(-1, 1, n)
        cases.append((x, 3 * x - 0.5 + 0.3 * torch.randn(n, generator=gen)))
    return cases


def _best_slope(x: torch.Tensor, y: torch.Tensor) -> float:
    return float((x.double() @ y.double()) / (x.double() @ x.double()))


class _Backwards(TorchFunctionMode):
    """Notes the operation that made each tensor `.backward()` is called on: `SumBackward0` for a bare sum."""

    def __init__(self) -> None:
        super().__init__()
        self.roots: list[str] = []

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        if func is torch.Tensor.backward and args:
            self.roots.append(type(args[0].grad_fn).__name__)
        return func(*args, **(kwargs or {}))


def _fits_slope(kind: str) -> Callable[[Callable], bool]:
    """Does `fn(x, y, lr=0.05, steps=500)` return the least-squares slope of y on x (no intercept) for 10, 200 and
    1,000 points? kind "mean": yes, with a loss that is not a bare sum; "rate": yes, but by stepping on the sum with a
    smaller step (the fix the question rules out); "sum": for 10 points but not for all (the bug)."""

    def test(fn: Callable) -> bool:
        with _Backwards() as seen:
            fitted = [abs(float(finite(fn(x, y, 0.05, 500))) - _best_slope(x, y)) < 1e-3 for x, y in _line_cases()]
        summed = bool(seen.roots) and all(root == "SumBackward0" for root in seen.roots)
        if kind == "sum":
            return fitted[0] and not all(fitted)
        return all(fitted) and summed == (kind == "rate")

    return test


EXERCISES = {
    "02.1": Exercise(
        # 1/6 as a learner types it, to three digits (0.167), counts; 0.17 (two digits) or 0.166 (cut off) is close
        near(1 / 6, rtol=0, atol=5e-4), "the factor 1 - 6·lr is 0 at lr = 1/6, so one step lands on the minimum.",
        ((near(0.5), "not yet: 0.5 lands x² in one step. Here the slope is 6x, so one step multiplies x by 1 - 6·lr."),
         (near(1 / 3), "not yet: 1/3 is the stability limit 2/6, where x bounces between ±x forever. One-step landing "
                       "is half of it."),
         (lambda a: near(1 / 6, rtol=0, atol=0.01)(a) and not near(1 / 6, rtol=0, atol=5e-4)(a) and a < 1 / 6,
          "close: round rather than truncate: 1/6 ≈ 0.1667, or write it as the fraction itself, 1 / 6."),
         (lambda a: near(1 / 6, rtol=0, atol=0.01)(a) and not near(1 / 6, rtol=0, atol=5e-4)(a),
          "close: give lr to three digits at least (0.167), or write it as the fraction itself, 1 / 6.")),
    ),
    "02.2": Exercise(
        near(21), "|1 - 1.7| = 0.7, and 0.7ⁿ · 1.5 first drops below 0.001 at n = 21.",
        ((near(20), "not yet: after 20 steps x is still 0.7²⁰ · 1.5 ≈ 0.0012 away: one more."),
         (near(22), "not yet: at 21 steps x is already 0.7²¹ · 1.5 ≈ 0.00084 away."),
         (lambda a: near(20.5, rtol=0, atol=0.5)(a) and not near(20)(a) and not near(21)(a),
          "close: that is where 0.7ⁿ · 1.5 equals 0.001, but steps come whole: round up."),
         (lambda a: a is None or says("never")(a), "not yet: 0.85 is below 1, so it does arrive, bouncing.")),
    ),
    "02.3": Exercise(
        near(0.25), "the slope of 4(x - 1)² is 8(x - 1), so the curvature is 8 and lr must stay below 2/8 = 0.25.",
        ((near(0.125), "not yet: 1/8 lands in one step. The limit, where the factor 1 - 8·lr reaches -1, is 2/8."),
         (near(0.5), "not yet: 0.5 is 2/curvature for a curvature of 4. The slope of 4(x - 1)² is 8(x - 1): "
                     "curvature 8."),
         (near(1.0), "not yet: that is the limit for x². Here the curvature is 8."),
         (lambda a: near(0.245, rtol=0, atol=0.0051)(a) and not near(0.25)(a),
          "close: that rate is just below the limit, and stable; give the limit itself, the rate lr must stay "
          "below.")),
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
        _fits_slope("mean"), "with the mean, the curvature stays 2·mean(x²) whatever the number of points, so one "
                             "rate fits them all.",
        ((_fits_slope("sum"), "not yet: that still diverges on the larger data sets. A sum's curvature, 2·Σx², grows "
                              "with the number of points until lr passes 2 / curvature; average the squared errors "
                              "(.mean()) instead."),
         (_fits_slope("rate"), "close: the slopes are right, but the loss is still the sum, and the step was made "
                               "smaller instead. The question asks you to fix the loss: average the squared errors "
                               "(.mean()), and the loop's step stays as it was.")),
        "not yet: the slope is off on at least one data set. Keep the loop as it is and change only the loss.",
        probe=(torch.ones(2), torch.ones(2), 0.1, 1), call="(x, y, lr, steps)",
    ),
}
