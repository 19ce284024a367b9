"""The input checks that catch real learner mistakes, each with a message that says what was expected.

Public helpers call these once, where a learner's value comes in; internal calls pass checked values on.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence

import torch
from torch import Tensor


def as_float_tensor(x: Tensor | Sequence[float] | float, name: str) -> Tensor:
    """`x` as a floating-point tensor: tensors pass unchanged (autograd kept), numbers and lists become float32, and
    a list of tensors is stacked so that gradients still flow to them. Integer tensors are refused."""
    if isinstance(x, (list, tuple)) and any(isinstance(v, Tensor) for v in x):
        x = torch.stack([torch.as_tensor(v, dtype=torch.float32) for v in x])
    if isinstance(x, Tensor):
        if not x.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}; "
                            f"convert it with {name}.float()")
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a tensor or numbers, got the text {x!r}")
    try:
        return torch.as_tensor(x, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError) as e:
        raise TypeError(f"{name} must be a tensor or a sequence of numbers, got {type(x).__name__}") from e


def check_finite(x: Tensor, name: str) -> Tensor:
    if not bool(torch.isfinite(x.detach()).all()):
        raise ValueError(f"{name} contains NaN or infinite values; expected finite numbers")
    return x


def check_same_shape(a: Tensor, b: Tensor, name_a: str, name_b: str) -> None:
    """The broadcasting trap: `(n, 1) - (n,)` silently gives `(n, n)`."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} has shape {tuple(a.shape)} but {name_b} has shape {tuple(b.shape)}; "
                         "they must match element for element")


def check_same_dtype(a: Tensor, b: Tensor, name_a: str, name_b: str) -> None:
    """PyTorch's own message for this names an internal operation ('addmv') instead of the learner's tensors."""
    if a.dtype != b.dtype:
        raise TypeError(f"{name_a} is {a.dtype} but {name_b} is {b.dtype}; use one dtype for both "
                        f"(for example {name_b}.to({name_a}.dtype))")


def count(n: int, name: str, least: int | None = 1) -> int:
    """`n` as an int if it is a whole number (numpy's too) of at least `least`; bools and floats are refused."""
    try:
        if isinstance(n, bool):
            raise TypeError
        n = operator.index(n)
    except TypeError as e:
        raise TypeError(f"{name} must be a whole number, got {n!r}") from e
    if least is not None and n < least:
        raise ValueError(f"{name} must be at least {least}, got {n}")
    return n


def number(x: float, name: str) -> float:
    """`x` as a float if it is a real, finite number; bools and text are refused."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, Tensor)) or (isinstance(x, Tensor) and x.numel() != 1):
        raise TypeError(f"{name} must be a number, got {x!r}")
    if not math.isfinite(float(x)):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return float(x)


def check_lr(lr: float | Tensor, name: str = "lr") -> float | Tensor:
    """A positive, finite learning rate as a float, or a tensor of per-parameter ones, each positive and finite."""
    if isinstance(lr, Tensor) and lr.numel() > 1:
        lr = as_float_tensor(lr, name)
        if not bool(((lr > 0) & torch.isfinite(lr)).all()):
            raise ValueError(f"every per-parameter {name} must be a positive, finite number")
        return lr
    value = number(lr, name)
    if not value > 0:
        raise ValueError(f"{name} must be a positive, finite number, got {lr!r}")
    return value
