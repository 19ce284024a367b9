"""Models and losses: a quadratic, a polynomial of any degree, MSE and SSE.

Models take the input first and the parameters second, `f(t, params)`, as in
the fastai book, so that the input and the numbers being searched for stay
apart. Each keeps autograd intact: call `.backward()` on a loss made from them.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ._checks import as_float_tensor, check_same_shape

__all__ = ["quadratic", "polynomial", "poly_features", "mse", "sse"]


def _check_params(params: Tensor, n: int | None, who: str) -> Tensor:
    params = as_float_tensor(params, "params")
    if params.ndim != 1:
        raise ValueError(f"{who} expects params as a 1-D tensor, got shape {tuple(params.shape)}")
    if n is not None and params.numel() != n:
        raise ValueError(f"{who} expects {n} params, got {params.numel()}")
    return params


def quadratic(t: Tensor, params: Tensor) -> Tensor:
    """The quadratic `a*t**2 + b*t + c` with `a, b, c = params`, exactly as the book writes it.

    >>> quadratic(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0]))
    tensor([ 3.,  6., 11.])
    """
    t = as_float_tensor(t, "t")
    a, b, c = _check_params(params, 3, "quadratic (a, b, c)")
    return a * (t**2) + (b * t) + c


def poly_features(t: Tensor, degree: int) -> Tensor:
    """The matrix with columns `t**degree, ..., t, 1` (highest power first).

    >>> poly_features(torch.tensor([2.0, 3.0]), 2)
    tensor([[4., 2., 1.],
            [9., 3., 1.]])
    """
    t = as_float_tensor(t, "t")
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 0:
        raise ValueError(f"degree must be a non-negative integer, got {degree!r}")
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D tensor, got shape {tuple(t.shape)}")
    powers = torch.arange(degree, -1, -1, dtype=t.dtype, device=t.device)
    return t.unsqueeze(-1) ** powers


def polynomial(t: Tensor, params: Tensor) -> Tensor:
    """A polynomial whose degree is `len(params) - 1`, highest power first.

    `polynomial(t, [a, b, c])` is `a*t**2 + b*t + c`; `polynomial(t, [m, k])` is a line.

    >>> polynomial(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0, 0.0, 0.0]))
    tensor([1., 8.])
    """
    params = _check_params(params, None, "polynomial")
    return poly_features(t, params.numel() - 1) @ params


def _residuals(preds: Tensor, targets: Tensor) -> Tensor:
    preds = as_float_tensor(preds, "preds")
    targets = as_float_tensor(targets, "targets")
    check_same_shape(preds, targets, "preds", "targets")
    return preds - targets


def mse(preds: Tensor, targets: Tensor) -> Tensor:
    """Mean squared error, `((preds - targets)**2).mean()`; lower is better.

    >>> mse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(5.)
    """
    return (_residuals(preds, targets) ** 2).mean()


def sse(preds: Tensor, targets: Tensor) -> Tensor:
    """Sum of squared errors, `((preds - targets)**2).sum()`: `n` times the MSE.

    >>> sse(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))
    tensor(10.)
    """
    return (_residuals(preds, targets) ** 2).sum()
