"""Input checks shared by the helpers: one place for clear error messages."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["as_float_tensor", "check_finite", "check_same_shape", "check_lr"]


def as_float_tensor(x: Tensor | Sequence[float] | float, name: str, *, allow_empty: bool = False) -> Tensor:
    """Return `x` as a floating-point tensor, or raise an error that names `name`.

    Python numbers and lists become float32 tensors. Tensors are passed through
    unchanged (no copy, autograd kept) if they are floating point; an integer or
    bool tensor is an error, because gradients need floats.

    >>> as_float_tensor([1, 2], "x")
    tensor([1., 2.])
    """
    if isinstance(x, Tensor):
        if not x.is_floating_point():
            raise TypeError(
                f"{name} must be a floating-point tensor, got dtype {x.dtype}; "
                f"convert it with {name}.float()"
            )
        t = x
    else:
        try:
            t = torch.as_tensor(x, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError) as e:
            raise TypeError(f"{name} must be a tensor or a sequence of numbers, got {type(x).__name__}") from e
    if not allow_empty and t.numel() == 0:
        raise ValueError(f"{name} is empty; expected at least one value")
    return t


def check_finite(x: Tensor, name: str) -> Tensor:
    """Raise ValueError if `x` holds NaN or infinity; return `x` otherwise.

    >>> check_finite(torch.tensor([1.0, 2.0]), "x")
    tensor([1., 2.])
    """
    if not bool(torch.isfinite(x.detach()).all()):
        raise ValueError(f"{name} contains NaN or infinite values; expected finite numbers")
    return x


def check_same_shape(a: Tensor, b: Tensor, name_a: str, name_b: str) -> None:
    """Raise ValueError unless `a` and `b` have the same shape (no silent broadcasting).

    >>> check_same_shape(torch.zeros(3), torch.ones(3), "preds", "targets")
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {tuple(a.shape)} but {name_b} has shape {tuple(b.shape)}; "
            "they must match element for element"
        )


def check_lr(lr: float | Tensor, name: str = "lr") -> float | Tensor:
    """Return `lr` as a float if it is a positive, finite number; raise otherwise.

    A tensor is taken as per-parameter learning rates: each must be positive and finite.

    >>> check_lr(0.1)
    0.1
    >>> check_lr(torch.tensor([0.1, 0.01]))
    tensor([0.1000, 0.0100])
    """
    if isinstance(lr, Tensor):
        lr = as_float_tensor(lr, name)
        if not bool((lr > 0).all()) or not bool(torch.isfinite(lr).all()):
            raise ValueError("every per-parameter learning rate must be positive and finite")
        return lr
    try:
        value = float(lr)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must be a number, got {type(lr).__name__}") from e
    if not (value > 0 and value != float("inf")):
        raise ValueError(f"{name} must be a positive, finite number, got {lr!r}")
    return value
