"""09 · Choosing a learning rate: the limit 2 / λ_max, the range test's schedule, and power iteration."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ._judge import Exercise, finite, near

# Symmetric matrices with known eigenvalues (largest first), written as Q · diag · Qᵀ with a fixed rotation Q.
_Q = torch.linalg.qr(torch.randn(4, 4, generator=torch.Generator().manual_seed(9), dtype=torch.float64))[0]
_CASES = [torch.tensor(values, dtype=torch.float64) for values in ([3.0, 1.0, 0.5, 0.1], [60.0, 2.0, 1.0, -1.0])]


def _finds_largest(how: str = "right") -> Callable[[Callable], bool]:
    """Does `fn(matvec, v)` return the largest eigenvalue of each case (or, for a hint, what a known mistake gives)?

    The check hands it float32 vectors, as a network's parameters are: without rescaling, v grows like 3**k or
    60**k and overflows float32 long before 100 iterations.
    """

    def test(fn: Callable) -> bool:
        for values in _CASES:
            matrix = (_Q @ torch.diag(values) @ _Q.T).float()
            got = finite(fn(lambda v, m=matrix: m @ v, torch.ones(4)))
            if how == "right" and not torch.allclose(got, values[0], rtol=1e-3, atol=0):
                return False
            if how == "unit" and not torch.allclose(got, torch.tensor(1.0, dtype=torch.float64), rtol=1e-6):
                return False
            if how == "overflow" and not bool(torch.isnan(got).all()):
                return False
        return True

    return test


EXERCISES = {
    "09.1": Exercise(
        near(0.5, rtol=1e-6), "2 / λ_max = 2 / 4 = 0.5: below it each step shrinks the error along the sharpest "
                              "direction, above it each step grows it.",
        ((near(0.25, rtol=1e-6), "not yet: 1 / λ_max = 0.25 is the rate that lands in one step along the sharpest "
                                 "direction. The limit is twice that."),
         (near(8.0, rtol=1e-6), "not yet: the limit divides by the curvature: 2 / λ_max, not 2 · λ_max."),
         (near(2.0, rtol=1e-6), "not yet: 2 is the numerator. Divide it by λ_max = 4.")),
    ),
    "09.2": Exercise(
        near(0.1, rtol=1e-6), "0.001 · 10^(4 · 50 / 100) = 0.001 · 10² = 0.1: halfway through, halfway along the "
                              "log scale.",
        ((near(0.001 * 10 ** (200 / 99), rtol=1e-6), "close: fastai's schedule divides by the number of batches, "
                                                       "100, not 99: batch i uses 0.001 · 10^(4i / 100)."),
         (near(0.001 + (10 - 0.001) / 2, rtol=1e-4), "not yet: that is halfway on an ordinary scale. The rate is "
                                                      "multiplied by the same factor at every batch, so halfway "
                                                      "through it is halfway along the log scale."),
         (near(0.05, rtol=1e-6), "not yet: each batch multiplies the rate by 10^0.04; 50 batches multiply it by "
                                 "10^2.")),
    ),
    "09.3": Exercise(
        _finds_largest(), "rescaled to length 1 at every step, v keeps its direction and stays finite, and v · A v "
                          "is the largest eigenvalue.",
        ((_finds_largest("overflow"), "not yet: still no rescaling at every step, so v overflows float32 (3^100 is "
                                      "about 5e47). Divide v by v.norm() inside the loop."),
         (_finds_largest("unit"), "not yet: that is v's length, 1 after rescaling. Return v @ matvec(v), the "
                                  "curvature along v.")),
        "not yet: inside the loop, v = matvec(v), then v = v / v.norm(); after it, return v @ matvec(v).",
        probe=(lambda v: v, torch.ones(2)), call="(matvec, v)",
    ),
}
