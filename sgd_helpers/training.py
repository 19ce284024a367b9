"""Training: one gradient step, descent on a curve, and a `fit` loop that records and stops.

Notebooks 02 and 03 write these loops by hand first; the helpers here are what
later notebooks call once the loop has been taught.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from ._checks import as_float_tensor, check_finite, check_lr, check_same_shape
from .models import mse

__all__ = ["sgd_step", "descent_path", "first_within", "fit", "FitResult"]


def sgd_step(params: Tensor, lr: float | Tensor) -> None:
    """One plain gradient-descent step in place: `params -= lr * params.grad`, then clear the gradient.

    `lr` may be a number or a tensor of per-parameter learning rates.

    >>> p = torch.tensor([1.0, -2.0], requires_grad=True)
    >>> (p**2).sum().backward()
    >>> sgd_step(p, 0.25); p
    tensor([ 0.5000, -1.0000], requires_grad=True)
    """
    if params.grad is None:
        raise ValueError("params.grad is None: call loss.backward() before stepping")
    lr = check_lr(lr)
    with torch.no_grad():
        params -= lr * params.grad
    params.grad = None


def descent_path(f: Callable[[Tensor], Tensor], x0: float, lr: float, steps: int) -> Tensor:
    """Run `steps` steps of gradient descent on a one-variable function `f` from `x0`.

    Returns every position visited, start included (`steps + 1` values), as
    float32. If a position overflows to infinity the path ends there, one
    value short per missing step, instead of filling up with NaN.

    >>> descent_path(lambda x: x**2, -1.5, 0.1, 3)
    tensor([-1.5000, -1.2000, -0.9600, -0.7680])
    """
    lr = check_lr(lr)
    steps = _check_steps(steps)
    if not math.isfinite(float(x0)):
        raise ValueError(f"x0 must be a finite number, got {x0!r}")
    x = torch.tensor(float(x0), requires_grad=True)
    xs = [x.item()]
    for _ in range(steps):
        y = f(x)
        if not isinstance(y, Tensor) or y.numel() != 1:
            raise ValueError("f must return a single number (a scalar tensor)")
        y.backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad = None
        value = x.item()
        if not math.isfinite(value):
            break
        xs.append(value)
    return torch.tensor(xs)


def first_within(xs: Tensor, target: float, tol: float) -> int | None:
    """The first index at which `|xs - target| < tol` (and stays so to the end), or None.

    >>> first_within(torch.tensor([4.0, 2.0, 0.5, 0.1]), 0.0, 1.0)
    2
    """
    xs = as_float_tensor(xs, "xs")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    inside = (xs.detach() - target).abs() < tol
    if len(inside) == 0 or not bool(inside[-1]):
        return None
    outside = (~inside).nonzero()
    return 0 if len(outside) == 0 else int(outside[-1]) + 1


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    return steps


@dataclass
class FitResult:
    """What `fit` returns: the final parameters, what happened at each step, and why it stopped."""

    params: Tensor
    losses: Tensor
    history: Tensor
    stop_reason: str
    message: str
    val_losses: Tensor | None = None

    @property
    def steps(self) -> int:
        """The number of parameter updates made."""
        return len(self.history) - 1

    @property
    def diverged(self) -> bool:
        return self.stop_reason == "diverged"

    def __repr__(self) -> str:
        p = ", ".join(f"{v:.4g}" for v in self.params.tolist())
        loss = float(self.losses[-1])
        return f"FitResult(steps={self.steps}, loss={loss:.6g}, params=[{p}], stop_reason={self.stop_reason!r})"


def fit(
    model: Callable[[Tensor, Tensor], Tensor],
    params: Tensor,
    x: Tensor,
    y: Tensor,
    lr: float | Tensor,
    steps: int = 1000,
    loss_fn: Callable[[Tensor, Tensor], Tensor] = mse,
    optimizer: type[torch.optim.Optimizer] | None = None,
    rel_tol: float | None = None,
    grad_tol: float | None = None,
    stop_when: Callable[[Tensor], bool] | None = None,
    val: tuple[Tensor, Tensor] | None = None,
    patience: int | None = None,
    diverge_factor: float = 1e8,
    **optimizer_kwargs,
) -> FitResult:
    """Fit `model(x, params)` to `y` by gradient descent and record every step.

    The starting `params` are copied, never changed. Each step computes the
    loss, its gradient and one update: the plain step `params -= lr * grad`
    (`lr` may be a tensor of per-parameter rates), or `optimizer(params, lr=lr,
    **optimizer_kwargs)` from `torch.optim`. It stops at the first rule that fires:

    - `'steps'`: `steps` updates were made;
    - `'rel_tol'`: the loss fell by less than `rel_tol` of itself in one step;
    - `'grad_tol'`: the gradient's norm fell below `grad_tol`;
    - `'stop_when'`: `stop_when(params)` returned True;
    - `'early_stop'`: the loss on `val = (x_val, y_val)` has not improved for `patience` steps;
    - `'diverged'`: the loss became NaN/inf or grew `diverge_factor`-fold; the
      message suggests a smaller learning rate.

    `losses[i]` and `history[i]` are the loss and the parameters before update
    `i + 1`, so `history[0]` is the start and `losses[-1]` is the loss of the
    final `params`.

    >>> x = torch.arange(4.0); y = 2 * x + 1
    >>> r = fit(lambda x, p: p[0] * x + p[1], torch.zeros(2), x, y, lr=0.05, steps=2000)
    >>> r.params.round(decimals=3), r.stop_reason
    (tensor([2., 1.]), 'steps')
    """
    x = check_finite(as_float_tensor(x, "x"), "x")
    y = check_finite(as_float_tensor(y, "y"), "y")
    if x.shape[:1] != y.shape[:1]:
        rows = [v.shape[0] if v.ndim else 0 for v in (x, y)]
        raise ValueError(f"x has {rows[0]} rows but y has {rows[1]}; they must pair up")
    p = check_finite(as_float_tensor(params, "params"), "params").detach().clone().requires_grad_()
    lr_value = check_lr(lr)
    if isinstance(lr_value, Tensor):
        check_same_shape(lr_value, p, "lr", "params")
        if optimizer is not None:
            raise ValueError("per-parameter learning rates (a tensor lr) work with the plain step only")
    steps = _check_steps(steps)
    if (val is None) != (patience is None):
        raise ValueError("early stopping needs both val=(x_val, y_val) and patience")
    if val is not None:
        xv, yv = (check_finite(as_float_tensor(v, n), n) for v, n in zip(val, ("x_val", "y_val"), strict=True))
    opt = optimizer([p], lr=lr_value, **optimizer_kwargs) if optimizer is not None else None

    history, losses, val_losses = [p.detach().clone()], [], []
    reason, message = "steps", f"made all {steps} steps"
    first = best_val = None
    since_best = 0
    for i in range(steps + 1):
        loss = loss_fn(model(x, p), y)
        lv = loss.item()
        losses.append(lv)
        if first is None:
            first = lv
        if not math.isfinite(lv) or lv > diverge_factor * max(first, 1e-12):
            reason = "diverged"
            message = (
                f"the loss grew from {first:.4g} to {lv:.4g} by step {i}: the learning rate is too large "
                f"for this problem; try a smaller one (for example a tenth of it)"
            )
            break
        if val is not None:
            with torch.no_grad():
                vl = loss_fn(model(xv, p), yv).item()
            val_losses.append(vl)
            if best_val is None or vl < best_val:
                best_val, since_best = vl, 0
            else:
                since_best += 1
                if since_best >= patience:
                    reason, message = "early_stop", f"validation loss has not improved for {patience} steps"
                    break
        if i > 0 and rel_tol is not None and (losses[-2] - lv) < rel_tol * abs(losses[-2]):
            reason, message = "rel_tol", f"the loss fell by less than {rel_tol:g} of itself in one step"
            break
        if stop_when is not None and i > 0 and stop_when(p.detach()):
            reason, message = "stop_when", "stop_when(params) returned True"
            break
        if i == steps:
            break
        loss.backward()
        if grad_tol is not None and float(p.grad.norm()) < grad_tol:
            reason, message = "grad_tol", f"the gradient's norm fell below {grad_tol:g}"
            break
        if opt is None:
            sgd_step(p, lr_value)
        else:
            opt.step()
            opt.zero_grad(set_to_none=True)
        history.append(p.detach().clone())
    # Every exit leaves one loss per recorded set of parameters (and one validation loss each, except for the
    # diverged last one, which is not worth evaluating).
    return FitResult(
        params=history[-1],
        losses=torch.tensor(losses),
        history=torch.stack(history),
        stop_reason=reason,
        message=message,
        val_losses=torch.tensor(val_losses) if val is not None else None,
    )
