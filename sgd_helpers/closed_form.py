"""Answers without iterating: least squares, the loss's curvature, the largest stable learning rate.

For a model that is linear in its parameters (a polynomial is: `X @ params` with `X = poly_features(x, degree)`),
the squared-error loss is a bowl whose shape is fixed by `X` alone. These functions read that shape off directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

from ._checks import (
    as_float_tensor,
    call_learner,
    check_finite,
    check_function,
    check_memory,
    check_not_empty,
    count,
    warn,
)
from .models import mse, poly_features, sse

__all__ = ["least_squares", "hessian", "max_stable_lr"]


def least_squares(x: Tensor, y: Tensor, degree: int = 2) -> Tensor:
    """The polynomial of the given degree with the lowest squared error: the place SGD is heading.

    Solved in float64 by `torch.linalg.lstsq`; coefficients are returned highest power first, in `x`'s dtype,
    ready for `polynomial(x, params)`. Where x's powers are so nearly alike that float64's rounding decides the
    answer (a high degree on unscaled x, or x that barely varies), it warns (`ResultWarning`).

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
    _warn_if_rounding_decides(X, degree)
    return torch.linalg.lstsq(X, y.unsqueeze(-1)).solution.squeeze(-1).to(x.dtype)


# float64 keeps about 16 digits, and a fit loses about log10(condition number) of them: past 1e12, fewer than four
# digits of the coefficients are the data's.
CONDITION_LIMIT = 1e12


def _warn_if_rounding_decides(X: Tensor, degree: int) -> None:
    condition = float(torch.linalg.cond(X))
    if not condition < CONDITION_LIMIT:
        warn(f"least_squares: the powers of x up to x**{degree} are so nearly alike on this data (condition number "
             f"{condition:.2g}; float64 keeps about 16 digits) that rounding, not the data, decides much of the "
             "answer: use a lower degree, or centre and scale x first ((x - x.mean()) / x.std())")


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
    x = check_not_empty(check_finite(as_float_tensor(x, "x"), "x"), "x", "a loss over no points has no curvature; "
                        "pass the data's x")
    degree = count(degree, "degree", 0)
    check_memory(8 * (degree + 1) ** 2, f"a Hessian of {degree + 1:,} × {degree + 1:,} numbers", "use a lower degree")
    X = poly_features(x.detach().double(), degree)
    H = (2.0 / X.shape[0] if loss is mse else 2.0) * X.T @ X
    if not bool(torch.isfinite(H).all()):
        raise ValueError(f"the Hessian overflows float64: x reaches {float(x.detach().abs().max()):.3g}, and its "
                         f"powers up to x**{2 * degree} are summed; rescale x (say x / {float(x.abs().max()):.3g})")
    return H


def max_stable_lr(x: Tensor, degree: int = 2, loss: Callable = mse) -> float:
    """The learning rate above which plain gradient descent diverges: `2 / λ_max` of the Hessian.

    Along the Hessian's steepest axis one step multiplies the error by `1 - lr*λ_max`; it shrinks only while that
    factor lies in (-1, 1).

    >>> max_stable_lr(torch.tensor([1.0, -1.0]), degree=1)
    1.0
    """
    return 2.0 / float(torch.linalg.eigvalsh(hessian(x, degree, loss))[-1])


def quadratic_bowl(loss: Callable[[Tensor], Tensor]) -> tuple[Tensor, Tensor, float]:
    """The Hessian, the minimum and the lowest loss of a quadratic loss of two parameters (one Newton step), for
    `surface_explorer`; an error naming the shape when the loss is not a bowl.

    The loss is asked at float64 points where it accepts them (a loss built on float32 data then computes in
    float64, so the minimum of an ill-conditioned bowl comes out to more than float32's digits), else at float32
    points; the answers are kept in float64.

    >>> H, minimum, lowest = quadratic_bowl(lambda p: (p[..., 0] - 1) ** 2 + 10 * p[..., 1] ** 2 + 3)
    >>> H.tolist(), minimum.tolist(), lowest
    ([[2.0, 0.0], [0.0, 20.0]], [1.0, 0.0], 3.0)
    """
    check_function(loss, "loss", "lambda p: (p**2).sum(-1)")
    try:
        exact = loss(torch.zeros(3, 2, dtype=torch.float64)).dtype == torch.float64
    except Exception:  # a loss that works in float32 only (say, float32 data @ p): asked in float32 below
        exact = False
    dtype = torch.float64 if exact else torch.float32
    here, there = torch.zeros(2, dtype=dtype), torch.ones(2, dtype=dtype)
    value = call_learner(loss, "loss", torch.zeros(3, 2))
    if not isinstance(value, Tensor) or value.shape != (3,):
        raise ValueError("loss must map each point (the last dimension holds the two parameters) to one number, as "
                         "lambda p: (p**2).sum(-1) does; for three points it gave "
                         f"{tuple(value.shape) if isinstance(value, Tensor) else value!r}, not three numbers")
    if not bool(torch.isfinite(value).all()):
        said = "NaN" if math.isnan(float(value[0])) else f"{float(value[0])}"
        raise ValueError(f"the loss is {said} at (0, 0), not a finite number, so it has no bowl to descend: check it "
                         "there, loss(torch.zeros(2))")
    H = torch.autograd.functional.hessian(loss, here).double()
    if not bool(torch.isfinite(H).all()):
        raise ValueError("the loss's curvature is NaN or infinite at (0, 0), so it has no bowl to descend: check the "
                         "loss near there")
    if not torch.allclose(H, torch.autograd.functional.hessian(loss, there).double(), rtol=1e-4):
        raise ValueError("surface_explorer needs a bowl: a loss quadratic in its two parameters, whose curvature is "
                         "the same everywhere")
    curvatures = torch.linalg.eigvalsh(H)
    if not bool(curvatures[0] > 1e-12 * curvatures.abs().max()):
        bent = curvatures[0] < -1e-12 * curvatures.abs().max()
        shape = ("flat in some direction" if not bent else "a saddle" if curvatures[-1] > 0 else "a dome")
        raise ValueError("surface_explorer needs a bowl that curves upward in every direction; this loss's "
                         "curvatures are {} ({}), so it has no lowest point for descent to reach".format(
                             ", ".join(f"{v:.3g}" for v in curvatures.tolist()), shape))
    g = torch.autograd.functional.jacobian(loss, here).double()
    minimum = here.double() - torch.linalg.solve(H, g)
    # to ten digits, as the page has them (their last bits move with the processor): both descend the same bowl
    H, minimum = (torch.tensor([float(f"{v:.10g}") for v in t.reshape(-1).tolist()], dtype=torch.float64)
                  for t in (H, minimum))
    return H.reshape(2, 2), minimum, float(loss(minimum.float()))
