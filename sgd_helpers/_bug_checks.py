"""The checks behind the "find the bug" exercises: each runs the learner's fixed function on the check's own cases.

Every check compares with a reference written here independently of the notebooks, and each has a twin that
recognises the bug itself, so that a learner who hands the buggy code back gets the hint aimed at it.

>>> import torch
>>> slope_is_fitted()(lambda x, y, lr, steps: float(torch.linalg.lstsq(x[:, None], y[:, None]).solution))
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

__all__ = ["slope_is_fitted", "trains_like", "fits_in_original_units", "blows_up", "shuffles", "starts_as_leaf",
           "network_like"]


def _finite(values: Any) -> Tensor:
    got = torch.as_tensor(values.detach() if isinstance(values, Tensor) else values, dtype=torch.float64)
    return got if bool(torch.isfinite(got).all()) else torch.full_like(got, float("nan"))


# 02.5 · a sum of squares on more data, with the rate tuned on less
def _line_cases() -> list[tuple[Tensor, Tensor]]:
    gen = torch.Generator().manual_seed(5)
    cases = []
    for n in (10, 200, 1000):
        x = torch.linspace(-1, 1, n)
        cases.append((x, 3 * x - 0.5 + 0.3 * torch.randn(n, generator=gen)))
    return cases


def _best_slope(x: Tensor, y: Tensor) -> float:
    return float((x.double() @ y.double()) / (x.double() @ x.double()))


def slope_is_fitted(only_small: bool = False) -> Callable[[Callable], bool]:
    """Does `fn(x, y, lr=0.05, steps=500)` return the least-squares slope of y on x (no intercept) for 10, 200 and
    1,000 points? With `only_small`: for 10 points, but not for all (the sum's bug)."""

    def test(fn: Callable) -> bool:
        fitted = [abs(float(_finite(fn(x, y, 0.05, 500))) - _best_slope(x, y)) < 1e-3 for x, y in _line_cases()]
        return fitted[0] and not all(fitted) if only_small else all(fitted)

    return test


# 03.4 · the square root of the mean squared error
def _coaster() -> tuple[Tensor, Tensor]:
    from .data import roller_coaster

    return roller_coaster()


def _reference_training(x: Tensor, y: Tensor, params: Tensor, lr: float, steps: int, rooted: bool) -> Tensor:
    p = params.clone().requires_grad_()
    for _ in range(steps):
        loss = ((p[0] * x**2 + p[1] * x + p[2] - y) ** 2).mean()
        (loss.sqrt() if rooted else loss).backward()
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    return p.detach()


def trains_like(rooted: bool = False) -> Callable[[Callable], bool]:
    """Does `fn(time, speed, params, lr, steps)` take the MSE loop's steps (or, the bug, the RMSE loop's)?"""
    starts = [(torch.tensor([1.0, 1.0, 1.0]), 1e-5, 10), (torch.tensor([0.5, -2.0, 30.0]), 2e-5, 25)]

    def test(fn: Callable) -> bool:
        x, y = _coaster()
        return all(torch.allclose(_finite(fn(x, y, p.clone(), lr, steps)).float(),
                                  _reference_training(x, y, p, lr, steps, rooted), rtol=1e-4, atol=1e-6)
                   for p, lr, steps in starts)

    return test


# 05.4 · an input that was meant to be rescaled
def _wide_quadratics() -> list[tuple[Tensor, Tensor, Tensor]]:
    xs = torch.arange(-20, 21).float()
    return [(xs, 5 * xs**2, torch.tensor([5.0, 0.0, 0.0])),
            (xs, 2 * xs**2 - 30 * xs + 100, torch.tensor([2.0, -30.0, 100.0]))]


def fits_in_original_units(scaled_back: bool = True) -> Callable[[Callable], bool]:
    """Does `fn(xs, ys, lr=0.01, steps=3000)` return (a, b, c) of the best quadratic (or, if not scaled back, of
    the quadratic in x / 20)?"""
    back = torch.tensor([400.0, 20.0, 1.0]) if not scaled_back else torch.ones(3)

    def test(fn: Callable) -> bool:
        return all(torch.allclose(_finite(fn(xs, ys, 0.01, 3000)).reshape(-1), (answer * back).double(), rtol=1e-3,
                                  atol=0.05) for xs, ys, answer in _wide_quadratics())

    return test


def blows_up(fn: Callable) -> bool:
    """Does `fn(xs, ys, lr=0.01, steps=3000)` end in infinities or NaN (the unscaled input's fate)?"""
    xs, ys, _ = _wide_quadratics()[0]
    got = torch.as_tensor(fn(xs, ys, 0.01, 3000), dtype=torch.float64)
    return not bool(torch.isfinite(got).all()) or bool(got.abs().max() > 1e6)


# 06.4 · a loader that never shuffles
def _epochs(loader: Any, epochs: int = 2) -> list[list[int]]:
    return [[int(i) for batch in loader for i in torch.as_tensor(batch[0]).reshape(-1).tolist()]
            for _ in range(epochs)]


def _numbered(n: int = 100) -> Any:
    from torch.utils.data import TensorDataset

    return TensorDataset(torch.arange(n), torch.arange(n).float())


def shuffles(kind: str = "right") -> Callable[[Callable], bool]:
    """What `fn(dataset, batch_size, seed)` serves: every point once per epoch in a new order, the same for a seed
    ("right"); or the data's own order ("in order"); or one order for every epoch ("frozen"); or unseeded orders."""

    def test(fn: Callable) -> bool:
        first, again = _epochs(fn(_numbered(), 10, 3)), _epochs(fn(_numbered(), 10, 3))
        complete = all(sorted(epoch) == list(range(100)) for epoch in first)
        if kind == "in order":
            return first[0] == list(range(100))
        if kind == "frozen":
            return complete and first[0] != list(range(100)) and first[0] == first[1]
        if kind == "unseeded":
            return complete and first != again
        return complete and first[0] != list(range(100)) and first[0] != first[1] and first == again

    return test


# 07.4 · a starting point that is not a leaf
def starts_as_leaf(kind: str = "right") -> Callable[[Callable], bool]:
    """Does `fn(size, std)` give a leaf tensor of that size, spread `std`, that backward fills a .grad for?

    kind "not a leaf" recognises the bug (`torch.randn(size, requires_grad=True) * std`), "no grad" a tensor that
    does not track gradients, "std 1" one that forgot to multiply by std.
    """

    def test(fn: Callable) -> bool:
        w = fn((200, 10), 0.5)
        if not isinstance(w, Tensor) or tuple(w.shape) != (200, 10):
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


# 08.3 · two layers without a bend
def network_like(bent: bool = True, bent_after: bool = False) -> Callable[[Callable], bool]:
    """Does `fn(xb, w1, b1, w2, b2)` give a one-hidden-layer ReLU network's scores (or, the bug, the two layers
    without the ReLU; or the ReLU on the scores)?"""

    def test(fn: Callable) -> bool:
        gen = torch.Generator().manual_seed(8)
        xb, w1 = torch.rand(20, 64, generator=gen), torch.randn(64, 16, generator=gen)
        b1, w2, b2 = torch.randn(16, generator=gen), torch.randn(16, 10, generator=gen), torch.randn(10, generator=gen)
        hidden = xb @ w1 + b1
        scores = (hidden.relu() if bent and not bent_after else hidden) @ w2 + b2
        want = scores.relu() if bent_after else scores
        return torch.allclose(_finite(fn(xb, w1, b1, w2, b2)).float(), want, rtol=1e-4, atol=1e-4)

    return test
