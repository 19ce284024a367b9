"""07 · From a quadratic to pixels: counting weights, the loss at a zero start, cross-entropy by hand, and a
starting point that is not a leaf."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ._judge import Exercise, near


def _bce_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(0)
    return [(torch.randn(n, generator=gen) * 3, (torch.rand(n, generator=gen) > 0.5).float()) for n in (1, 7, 50)]


def _matches_bce(scale: float = 1.0, reduce: str = "mean") -> Callable[[Callable], bool]:
    """Does the learner's `bce(scores, targets)` equal `scale` times PyTorch's, reduced by `reduce`?"""
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    return lambda fn: all(torch.allclose(torch.as_tensor(fn(scores, targets), dtype=torch.float32),
                                         scale * bce(scores, targets, reduction=reduce), rtol=1e-4)
                          for scores, targets in _bce_cases())


def _per_class_means(halve: bool = False) -> Callable[[Callable], bool]:
    """Does `bce` average the 3s and the 7s separately, then add the two means (or halve their sum)?

    Only cases with both classes say so: a batch of one image has no mean for the other class.
    """

    def test(fn: Callable) -> bool:
        cases = [(s, t) for s, t in _bce_cases() if 0 < t.sum() < len(t)]
        for scores, targets in cases:
            p = scores.sigmoid()
            both = -p[targets == 1].log().mean() - (1 - p[targets == 0]).log().mean()
            got = torch.as_tensor(fn(scores, targets), dtype=torch.float32)
            if not torch.allclose(got, both / 2 if halve else both, rtol=1e-4):
                return False
        return bool(cases)

    return test


def _starts_as_leaf(kind: str = "right") -> Callable[[Callable], bool]:
    """Does `fn(size, std)` give a leaf tensor of that size, spread `std`, that backward fills a .grad for?

    kind "not a leaf" recognises the bug (`torch.randn(size, requires_grad=True) * std`), "no grad" a tensor that
    does not track gradients, "std 1" one that forgot to multiply by std.
    """

    def test(fn: Callable) -> bool:
        w = fn((200, 10), 0.5)
        if not isinstance(w, torch.Tensor) or tuple(w.shape) != (200, 10):
            return False
        spread = float(w.detach().std())
        if kind == "not a leaf":
            return w.requires_grad and not w.is_leaf
        if kind == "no grad":
            return not w.requires_grad
        if kind == "std 1":
            return w.is_leaf and w.requires_grad and abs(spread - 1.0) < 0.1
        return w.is_leaf and w.requires_grad and abs(spread - 0.5) < 0.05

    return test


EXERCISES = {
    "07.1": Exercise(
        near(65, rtol=1e-9), "64 weights, one per pixel, and one bias.",
        ((near(64, rtol=1e-9), "not yet: one weight per pixel is 64, and the model adds one more number to the sum."),
         (near(8, rtol=1e-9), "not yet: an image is 8 × 8 pixels, and each pixel has its own weight.")),
    ),
    "07.2": Exercise(
        near(0.5, rtol=1e-6), "every score is 0, the sigmoid of 0 is 0.5, and the loss is 0.5 for a 3 and a 7 alike.",
        ((near(0.0, atol=1e-9), "not yet: a score of 0 is not a sureness of 0: the sigmoid squashes 0 to 0.5."),
         (near(1.0, rtol=1e-6), "not yet: the sigmoid of 0 is 0.5, so the model is half sure of everything.")),
    ),
    "07.3": Exercise(
        _matches_bce(), "your cross-entropy equals PyTorch's on every case.",
        ((_matches_bce(-1.0), "not yet: the sign. log(p) is negative for p below 1; the loss is -log(p)."),
         (_matches_bce(reduce="sum"), "not yet: that is the sum; average over the images (.mean()) instead."),
         (_matches_bce(reduce="none"), "not yet: that is one loss per image, all of them right; a loss is one "
                                       "number: average them with .mean()."),
         (_per_class_means(), "not yet: that averages the 3s and the 7s separately, then adds the two means. Give "
                              "each image its own loss and take one mean over all the images."),
         (_per_class_means(halve=True), "not yet: that averages the 3s and the 7s separately, then averages the two "
                                        "means. Give each image its own loss and take one mean over all the "
                                        "images.")),
        "not yet: squash the scores with .sigmoid() into p first; each image's loss is -log(p) for a 3 and "
        "-log(1 - p) for a 7; average over all the images.",
        probe=(torch.zeros(2), torch.ones(2)), call="(scores, targets)",
    ),
    "07.4": Exercise(
        _starts_as_leaf(), "multiplying first and asking for gradients last makes a leaf: backward fills its .grad, "
                           "and the step can update it.",
        ((_starts_as_leaf("not a leaf"), "not yet: that is still the bug. `* std` after requires_grad makes a new "
                                         "tensor computed from the random one, not a leaf, so backward leaves its "
                                         ".grad empty. Multiply first, then call .requires_grad_()."),
         (_starts_as_leaf("no grad"), "not yet: this tensor does not track gradients, so backward gives it no .grad. "
                                      "End with .requires_grad_()."),
         (_starts_as_leaf("std 1"), "not yet: the numbers spread about 1. Multiply torch.randn(size) by std before "
                                    ".requires_grad_().")),
        "not yet: return torch.randn(size) times std, as a tensor of that size that requires grad.",
        probe=((2,), 1.0), call="(size, std)",
    ),
}
