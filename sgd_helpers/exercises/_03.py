"""03 · The roller coaster: past the limit, the gradient at the least-squares answer, SSE's rate, and the square
root that belongs in the report, not in the loss."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..data import roller_coaster
from ._judge import Exercise, finite, near, says


def _reference_training(x: torch.Tensor, y: torch.Tensor, params: torch.Tensor, lr: float, steps: int,
                        rooted: bool) -> torch.Tensor:
    p = params.clone().requires_grad_()
    for _ in range(steps):
        loss = ((p[0] * x**2 + p[1] * x + p[2] - y) ** 2).mean()
        (loss.sqrt() if rooted else loss).backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    return p.detach()


def _trains_like(rooted: bool = False) -> Callable[[Callable], bool]:
    """Does `fn(time, speed, params, lr, steps)` take the MSE loop's steps (or, the bug, the RMSE loop's)?"""
    starts = [(torch.tensor([1.0, 1.0, 1.0]), 1e-5, 10), (torch.tensor([0.5, -2.0, 30.0]), 2e-5, 25)]

    def test(fn: Callable) -> bool:
        x, y = roller_coaster()
        return all(torch.allclose(finite(fn(x, y, p.clone(), lr, steps)).float(),
                                  _reference_training(x, y, p, lr, steps, rooted), rtol=1e-4, atol=1e-6)
                   for p, lr, steps in starts)

    return test


EXERCISES = {
    "03.1": Exercise(
        says("no"), "the loss grows: 4e-5 is past the limit, about 3.5e-5, so each step overshoots along a by more "
                    "than the last.",
        ((says("yes"), "not yet: run the loop and compare the 20th loss with the first. Does it end lower?"),),
        "not yet: answer with the word 'yes' or 'no'.",
        word=True,
    ),
    "03.2": Exercise(
        near(0.0, atol=1e-6), "at the minimum the gradient is (nearly) zero, so a step barely moves.",
        ((lambda a: near(0.0, atol=1e-2)(a) and not near(0.0, atol=1e-6)(a),
          "close: compute lr × gradient there: the moves are below a millionth."),),
        "not yet: at the least-squares answer the loss is at its minimum. What is the gradient at a minimum?",
    ),
    "03.3": Exercise(
        near(5e-7, rtol=1e-6), "SSE is 20 × MSE here, so its gradient is 20 times larger, and lr = 1e-5 / 20 = "
                               "5e-7 takes the same steps.",
        ((near(2e-4, rtol=1e-6), "not yet: SSE's gradient is 20 times larger than MSE's, so the learning rate must be "
                                 "20 times smaller, not larger."),
         (near(1e-5, rtol=1e-6), "not yet: with SSE the gradient is 20 times larger than with MSE (20 points), so "
                                 "the same rate would take 20 times bigger steps.")),
    ),
    "03.4": Exercise(
        _trains_like(), "your loop takes the MSE loop's steps: the square root belongs in the report, not in the loss "
                        "you step on.",
        ((_trains_like(rooted=True), "not yet: that still steps on the RMSE. By the chain rule its gradient is MSE's "
                                     "divided by 2·RMSE, about 300 at the start, so every step is that much shorter. "
                                     "Call backward on the MSE; take .sqrt() only to print it."),),
        "not yet: your parameters differ from the MSE loop's. Step with lr × gradient of the MSE, and clear the "
        "gradient after each step.",
        probe=(torch.ones(3), torch.ones(3), torch.ones(3), 1e-5, 1), call="(time, speed, params, lr, steps)",
    ),
}
