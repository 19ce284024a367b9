"""Answers without iterating: least squares, the loss's curvature, the largest stable learning rate.

For a model that is linear in its parameters (a polynomial is: `X @ params` with `X = poly_features(x, degree)`),
the squared-error loss is a bowl whose shape is fixed by `X` alone. These functions read that shape off directly.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from ._checks import as_float_tensor, check_finite, count
from .models import mse, poly_features, sse

__all__ = ["least_squares", "hessian", "max_stable_lr"]


def least_squares(x: Tensor, y: Tensor, degree: int = 2) -> Tensor:
    """The polynomial of the given degree with the lowest squared error: the place SGD is heading.

    Solved in float64 by `torch.linalg.lstsq`; coefficients are returned highest power first, in `x`'s dtype,
    ready for `polynomial(x, params)`.

    >>> x = torch.arange(5.0)
    >>> least_squares(x, 3 * x**2 - x + 2)
    tensor([ 3., -1.,  2.])
    """
    x = check_finite(as_float_tensor(x, "x"), "x")
    X = poly_features(x.detach().double(), degree)
    y = check_finite(as_float_tensor(y, "y"), "y").detach().double()
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match x, got {tuple(y.shape)}")
    if X.shape[0] < degree + 1:
        raise ValueError(f"a degree-{degree} fit needs at least {degree + 1} points, got {X.shape[0]}")
    distinct = len(torch.unique(x.detach()))
    if distinct < degree + 1:
        raise ValueError(f"x has only {distinct} different value{'s' if distinct > 1 else ''}, and a degree-{degree} "
                         f"polynomial needs {degree + 1} to be pinned down (through fewer points many fit equally "
                         "well): use more distinct x, or a lower degree")
    return torch.linalg.lstsq(X, y.unsqueeze(-1)).solution.squeeze(-1).to(x.dtype)


def hessian(x: Tensor, degree: int = 2, loss: Callable = mse) -> Tensor:
    """The Hessian of `loss(polynomial(x, params), y)` for `loss` `mse` (`2/n XᵀX`) or `sse` (`2 XᵀX`), in float64.

    It does not depend on `y` or on where you stand: the loss is exactly quadratic in the parameters. Its
    eigenvalues are the curvatures along the bowl's axes.

    >>> hessian(torch.tensor([1.0, -1.0]), degree=1)
    tensor([[2., 0.],
            [0., 2.]], dtype=torch.float64)
    """
    if loss not in (mse, sse):
        raise ValueError(f"loss must be sgd_helpers.mse or sgd_helpers.sse, got {loss!r}")
    X = poly_features(check_finite(as_float_tensor(x, "x"), "x").detach().double(), count(degree, "degree", 0))
    return (2.0 / X.shape[0] if loss is mse else 2.0) * X.T @ X


def max_stable_lr(x: Tensor, degree: int = 2, loss: Callable = mse) -> float:
    """The learning rate above which plain gradient descent diverges: `2 / λ_max` of the Hessian.

    Along the Hessian's steepest axis one step multiplies the error by `1 - lr*λ_max`; it shrinks only while that
    factor lies in (-1, 1).

    >>> max_stable_lr(torch.tensor([1.0, -1.0]), degree=1)
    1.0
    """
    return 2.0 / float(torch.linalg.eigvalsh(hessian(x, degree, loss))[-1])
