"""Models and losses: a quadratic, a polynomial of any degree, MSE and SSE.

Models take the input first and the parameters second, `f(t, params)`, as in the fastai book, so that the input and
the numbers being searched for stay apart. Each keeps autograd intact: call `.backward()` on a loss made from them.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from ._checks import as_float_tensor, check_memory, check_same_dtype, check_same_shape, count

__all__ = ["quadratic", "polynomial", "poly_features", "mse", "sse"]


def _inputs(t: Tensor, params: Tensor, who: str, n: int | None = None) -> tuple[Tensor, Tensor]:
    t, params = as_float_tensor(t, "t"), as_float_tensor(params, "params")
    if params.ndim != 1 or (n is not None and params.numel() != n) or params.numel() == 0:
        wanted = f"{n} params" if n else "params"
        raise ValueError(f"{who} expects {wanted} as a 1-D tensor, got shape {tuple(params.shape)}")
    check_same_dtype(t, params, "t", "params")
    return t, params


def quadratic(t: Tensor, params: Tensor) -> Tensor:
    """The quadratic `a*t**2 + b*t + c` with `a, b, c = params`, exactly as the book writes it.

    >>> quadratic(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0]))
    tensor([ 3.,  6., 11.])
    """
    t, params = _inputs(t, params, "quadratic (a, b, c)", 3)
    a, b, c = params
    # explorer.js (fitQuadratic, drawCoaster) repeats this float32 sum in this order; change both, or the explorer's
    # paths stop matching PyTorch's (tests/test_explorers_js.py)
    return a * (t**2) + (b * t) + c


def _powers(t: Tensor, degree: int) -> Tensor:
    return t.unsqueeze(-1) ** torch.arange(degree, -1, -1, dtype=t.dtype, device=t.device)


def poly_features(t: Tensor, degree: int) -> Tensor:
    """The matrix with columns `t**degree, ..., t, 1` (highest power first).

    >>> poly_features(torch.tensor([2.0, 3.0]), 2)
    tensor([[4., 2., 1.],
            [9., 3., 1.]])
    """
    t = as_float_tensor(t, "t")
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D tensor, got shape {tuple(t.shape)}")
    degree = count(degree, "degree", least=0)
    check_memory(t.element_size() * t.numel() * (degree + 1), f"{t.numel():,} × {degree + 1:,} features",
                 "use a lower degree or fewer points")
    _check_no_overflow(t, degree)
    return _powers(t, degree)


def _check_no_overflow(t: Tensor, degree: int) -> None:
    """t**degree must fit in t's dtype: past it the features are infinite and every fit built on them is NaN."""
    biggest, largest = float(t.detach().abs().max()) if t.numel() else 0.0, torch.finfo(t.dtype).max
    if math.isfinite(biggest) and biggest > 1 and degree * math.log10(biggest) > math.log10(largest):
        raise ValueError(f"t**{degree} overflows {t.dtype}: the largest |t| is {biggest:.4g}, and {biggest:.4g}**"
                         f"{degree} is about 1e{degree * math.log10(biggest):.0f}, past {largest:.2g}; use a lower "
                         f"degree, rescale t (say t / {biggest:.4g}), or compute in float64 (t.double())")


def polynomial(t: Tensor, params: Tensor) -> Tensor:
    """A polynomial whose degree is `len(params) - 1`, highest power first.

    `polynomial(t, [a, b, c])` is `a*t**2 + b*t + c`; `polynomial(t, [m, k])` is a line.

    >>> polynomial(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0, 0.0, 0.0]))
    tensor([1., 8.])
    """
    t, params = _inputs(t, params, "polynomial")
    return _powers(t, params.numel() - 1) @ params


def _errors(preds: Tensor, targets: Tensor) -> Tensor:
    preds, targets = as_float_tensor(preds, "preds"), as_float_tensor(targets, "targets")
    check_same_shape(preds, targets, "preds", "targets")
    return preds - targets


def mse(preds: Tensor, targets: Tensor) -> Tensor:
    """Mean squared error, `((preds - targets)**2).mean()`; lower is better.

    >>> mse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(5.)
    """
    errors = _errors(preds, targets)
    if errors.numel() == 0:
        raise ValueError("preds and targets are empty: the mean of no errors is not a number (NaN); pass at least "
                         "one point")
    return (errors**2).mean()


def sse(preds: Tensor, targets: Tensor) -> Tensor:
    """Sum of squared errors, `((preds - targets)**2).sum()`: `n` times the MSE.

    >>> sse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(10.)
    """
    return (_errors(preds, targets) ** 2).sum()
