"""05 · The open questions: the best divisor, MSE's limit from SSE's, a stopping rule, and an input that was meant
to be rescaled."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..training import Progress
from ._judge import Exercise, finite, near


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


def _rule_gives(expected: Callable[[torch.Tensor], int]) -> Callable[[Callable], bool]:
    """Asked after every step of the case's curve, as `fit` asks `stop_when`, does the rule first fire at `expected`?"""

    def first_stop(rule: Callable) -> int:
        curve = _stop_rule_case()
        losses = curve.tolist()
        return next((s for s in range(1, len(curve)) if rule(Progress(s, torch.zeros(1), losses[: s + 1], 1.0))),
                    len(curve) - 1)

    return lambda rule: first_stop(rule) == expected(_stop_rule_case())


# 05.4 · an input that was meant to be rescaled
def _wide_quadratics() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    xs = torch.arange(-20, 21).float()
    return [(xs, 5 * xs**2, torch.tensor([5.0, 0.0, 0.0])),
            (xs, 2 * xs**2 - 30 * xs + 100, torch.tensor([2.0, -30.0, 100.0]))]


def _fits_in_original_units(scaled_back: bool = True) -> Callable[[Callable], bool]:
    """Does `fn(xs, ys, lr=0.01, steps=3000)` return (a, b, c) of the best quadratic (or, if not scaled back, of
    the quadratic in x / 20)?"""
    back = torch.tensor([400.0, 20.0, 1.0]) if not scaled_back else torch.ones(3)
    return lambda fn: all(torch.allclose(finite(fn(xs, ys, 0.01, 3000)).reshape(-1), (answer * back).double(),
                                         rtol=1e-3, atol=0.05) for xs, ys, answer in _wide_quadratics())


def _blows_up(fn: Callable) -> bool:
    """Does `fn(xs, ys, lr=0.01, steps=3000)` end in infinities or NaN (the unscaled input's fate)?"""
    xs, ys, _ = _wide_quadratics()[0]
    got = torch.as_tensor(fn(xs, ys, 0.01, 3000), dtype=torch.float64)
    return not bool(torch.isfinite(got).all()) or bool(got.abs().max() > 1e6)


EXERCISES = {
    "05.1": Exercise(
        # the condition numbers, from the notebook's solution: {5: 129.6, 10: 11.0, 14: 6.9, 20: 13.1, 40: 166.1}
        near(14), "14 balances x², x and 1 best (condition number about 7); 10 and 20 are close behind.",
        ((near(20), "not yet: 20 puts x in [-1, 1], a good habit, but compute the condition numbers: two are lower."),
         (near(10), "close, but compute all five condition numbers: one is lower.")),
    ),
    "05.2": Exercise(
        near(2.837e-5, rtol=2e-3), "MSE's gradient is 41 times smaller, so its limit is 41 × 6.92e-7 ≈ 2.84e-5.",
        ((near(6.919e-7, rtol=2e-3), "not yet: that is SSE's limit. MSE divides the loss by n = 41."),
         (near(6.919e-7 / 41, rtol=2e-3), "not yet: MSE's gradient is 41 times *smaller*, so its learning rate can "
                                          "be 41 times larger."),
         (near(40 * 6.919e-7, rtol=2e-3), "not yet: that is 40 times SSE's limit, but n is 41: the whole numbers from "
                                          "-20 to 20, 0 included."),
         (lambda a: near(2.837e-5, rtol=0.03)(a) and not near(2.837e-5, rtol=2e-3)(a),
          "close: that is rounded too far. Give three digits, or the product n × SSE's limit itself.")),
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
        _fits_in_original_units(), "on x / 20 the bowl is well conditioned, lr = 0.01 is stable, and the parameters, "
                                   "converted back, are the best quadratic's.",
        ((_blows_up, "not yet: it still blows up. The features are built from x itself, so x² reaches 400 and the "
                     "bowl's largest curvature puts 0.01 far past 2 / curvature: divide x by 20 before building x², "
                     "x and 1."),
         (_fits_in_original_units(scaled_back=False), "close: these are the parameters of the quadratic in x / 20. "
                                                      "Convert them back: a = a' / 400, b = b' / 20, c = c'.")),
        "not yet: these are not the best quadratic's parameters. Fit on x / 20, then convert a and b back.",
        probe=(torch.ones(3), torch.ones(3), 0.01, 1), call="(xs, ys, lr, steps)",
    ),
}
