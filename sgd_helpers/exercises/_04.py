"""04 · The loss surface: the steeper axis's limit, momentum's terminal speed, Adam by hand against torch.optim, and
Newton's step on three bowls."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ._judge import Exercise, near

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


def _follows(reference: Callable[[], torch.Tensor]) -> Callable[[Callable], bool]:
    return lambda step: torch.allclose(_adam_path(step), reference(), rtol=1e-4, atol=1e-5)


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


def _lands(expected: Callable) -> Callable[[Callable], bool]:
    """Does `answer(p, grad, hessian)` give `expected(p, grad, hessian, bottom)` on every bowl?"""
    return lambda step: all(torch.allclose(torch.as_tensor(step(p, H @ (p - m), H), dtype=torch.float64),
                                           expected(p, H @ (p - m), H, m), rtol=1e-6, atol=1e-9)
                            for H, m, p in _bowls())


EXERCISES = {
    "04.1": Exercise(
        near(0.8697, rtol=2e-3), "the steeper axis, curvature 2.30, sets the limit: lr < 2 / 2.30 = 0.870.",
        ((near(0.4349, rtol=2e-3), "not yet: 1 / 2.30 lands the steep axis in one step. The limit, where that axis's "
                                   "factor 1 - lr·λ reaches -1, is twice that."),
         (near(10.67, rtol=2e-3), "not yet: 2 / 0.187 is the flat axis's limit. Every axis must be stable, so the "
                                  "steepest one sets it."),
         (near(2 / (2.2995 + 0.1875), rtol=2e-3), "not yet: the curvatures are not added; each axis has its own "
                                                  "factor 1 - lr·λ, and the steeper one sets the limit.")),
    ),
    "04.2": Exercise(
        near(5.0, rtol=1e-6), "on a steady slope v grows to g / (1 - 0.8) = 5 g: steps five times plain descent's.",
        ((near(0.8, rtol=1e-6), "not yet: 0.8 is how much of v is kept each step. Add up g + 0.8 g + 0.64 g + ..."),
         (near(1.8, rtol=1e-6), "not yet: that is after two steps. Keep adding: g (1 + 0.8 + 0.64 + ...) = g / 0.2."),
         (near(1.25, rtol=1e-6), "not yet: that is 1 / 0.8. The sum g (1 + β + β² + ...) is g / (1 - β).")),
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
}
