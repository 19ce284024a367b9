"""08 · A first neural network: counting parameters, the loss of ten equal scores, and two layers without a bend."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ._judge import Exercise, finite, near


def _network_like(bent: bool = True, bent_after: bool = False) -> Callable[[Callable], bool]:
    """Does `fn(xb, w1, b1, w2, b2)` give a one-hidden-layer ReLU network's scores (or, the bug, the two layers
    without the ReLU; or the ReLU on the scores)?"""

    def test(fn: Callable) -> bool:
        gen = torch.Generator().manual_seed(8)
        xb, w1 = torch.rand(20, 64, generator=gen), torch.randn(64, 16, generator=gen)
        b1, w2, b2 = torch.randn(16, generator=gen), torch.randn(16, 10, generator=gen), torch.randn(10, generator=gen)
        hidden = xb @ w1 + b1
        scores = (hidden.relu() if bent and not bent_after else hidden) @ w2 + b2
        want = scores.relu() if bent_after else scores
        return torch.allclose(finite(fn(xb, w1, b1, w2, b2)).float(), want, rtol=1e-4, atol=1e-4)

    return test


EXERCISES = {
    "08.1": Exercise(
        near(7510, rtol=1e-9), "6,400 + 100 weights and biases in the first layer, 1,000 + 10 in the second.",
        ((near(7400, rtol=1e-9), "not yet: that counts the weights only. Each layer also has a bias per output: 100 "
                                 "and 10 more."),
         (near(64 * 100 * 10, rtol=1e-9), "not yet: the layers are added, not multiplied: 64 × 100 weights, then "
                                          "100 × 10."),
         (near(6500, rtol=1e-9), "close: that is the first layer. Add the second: 100 × 10 weights and 10 biases.")),
    ),
    "08.2": Exercise(
        # log 10 = 2.302585 to the digits a learner gives: the notebook's 2.30 for a blind guess, 2.303, and the zero
        # start's training loss, 2.3016, that the question compares it with
        near(math.log(10), rtol=0, atol=5e-3), "ten equal scores give each digit a sureness of 1/10, and -log(1/10) = "
                                               "log 10 ≈ 2.303.",
        ((near(0.1, rtol=1e-4), "not yet: 0.1 is the sureness softmax gives each digit. The loss is -log of it."),
         (near(-math.log(10), rtol=0, atol=5e-3), "not yet: the sign. log(0.1) is negative; the loss is -log(0.1)."),
         (near(0.0, atol=1e-6), "not yet: a score of 0 is not a sureness of 1. Softmax spreads it over ten digits: "
                                "1/10 each.")),
    ),
    "08.3": Exercise(
        _network_like(), "with the ReLU between them, the two layers are a network, not one linear layer.",
        ((_network_like(bent=False), "not yet: still no bend between the layers, so they compute one linear "
                                     "function. Apply .relu() to the hidden units before the second layer."),
         (_network_like(bent_after=True), "not yet: the ReLU belongs between the layers, on the hidden units; on the "
                                          "scores it only cuts off the negative ones.")),
        "not yet: compute hidden = (xb @ w1 + b1).relu(), then hidden @ w2 + b2.",
        probe=(torch.ones(1, 2), torch.ones(2, 2), torch.ones(2), torch.ones(2, 2), torch.ones(2)),
        call="(xb, w1, b1, w2, b2)",
    ),
}
