"""The input checks that catch real learner mistakes, each with a message that says what was expected.

Public helpers call these once, where a learner's value comes in; internal calls pass checked values on.
"""

from __future__ import annotations

import math
import numbers
import operator
import sys
import warnings
from collections.abc import Sequence

import torch
from torch import Tensor


def as_float_tensor(x: Tensor | Sequence[float] | float, name: str, dtype: torch.dtype = torch.float32) -> Tensor:
    """`x` as a floating-point tensor: tensors pass unchanged (autograd kept), numbers and lists become `dtype`
    (float32 unless asked), and a list of tensors is stacked so that gradients still flow to them. Integer tensors
    are refused."""
    if isinstance(x, (list, tuple)) and any(isinstance(v, Tensor) for v in x):
        x = torch.stack([torch.as_tensor(v, dtype=torch.float32) for v in x])
    if isinstance(x, Tensor):
        if not x.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}; "
                            f"convert it with {name}.float()")
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a tensor or numbers, got the text {x!r}")
    if isinstance(x, bool) or (isinstance(x, (list, tuple)) and any(isinstance(v, bool) for v in x)):
        raise TypeError(f"{name} must be a tensor or numbers, got {x!r} (True and False are not numbers here)")
    try:
        return torch.as_tensor(x, dtype=dtype)
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
    value = float(x.detach()) if isinstance(x, Tensor) else float(x)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return value


def positive(x: float, name: str) -> float:
    """`x` as a float if it is a positive, finite number."""
    value = number(x, name)
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {x!r}")
    return value


def check_range(lim, name: str) -> tuple[float, float]:
    """A plot range (low, high): two finite numbers, low first, as matplotlib's set_xlim takes them."""
    if not (isinstance(lim, tuple | list) and len(lim) == 2):
        got = f"{len(lim)} numbers" if isinstance(lim, tuple | list) else repr(lim)
        raise ValueError(f"{name} must be a pair (low, high), like (-1, 1), got {got}")
    lo, hi = number(lim[0], f"{name}[0]"), number(lim[1], f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {tuple(lim)!r}: widen it")
    return lo, hi


def check_not_empty(x: Tensor, name: str, why: str) -> Tensor:
    if x.numel() == 0:
        raise ValueError(f"{name} is empty: {why}")
    return x


class ResultWarning(UserWarning):
    """A call that is legal but whose result means little: a fit decided by rounding, a picture with nothing on it.
    Filter it as any warning: warnings.filterwarnings("ignore", category=ResultWarning)."""


def warn(message: str) -> None:
    """Warn with `message`, pointing at the learner's own line (the first caller outside sgd_helpers)."""
    level, frame = 2, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("sgd_helpers"):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, ResultWarning, stacklevel=level)


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


# What a helper may hold in memory at once before it refuses: 2 GiB leaves room on a 12 GB Colab runtime.
MEMORY_LIMIT = 2 * 1024**3
_OURS = ("torch", "numpy", "matplotlib", "sgd_helpers", "IPython", "fastcore")


def check_memory(nbytes: float, what: str, advice: str) -> None:
    """Refuse up front work that would need more than `MEMORY_LIMIT` bytes, with the estimate and what to do."""
    if nbytes > MEMORY_LIMIT:
        raise MemoryError(f"{what} would need about {nbytes / 1e9:,.1f} GB of memory, more than a notebook can spare "
                          f"(the limit is {MEMORY_LIMIT / 1e9:.1f} GB); {advice}")


def check_function(fn, name: str, example: str) -> None:
    """`fn` must be a function; a class where an instance was meant (torch.nn.MSELoss) gets its own sentence."""
    if isinstance(fn, type):
        raise TypeError(f"{name} is the class {fn.__name__}, not a function: pass an instance, "
                        f"{name}={fn.__module__.replace('torch.nn.modules.loss', 'torch.nn')}.{fn.__name__}()")
    if not callable(fn):
        raise TypeError(f"{name} must be a function, like {example}; got {type(fn).__name__} {fn!r:.60}")


def _learner_line(tb) -> str:
    """' (line N: its source)' for the deepest frame of the traceback that is the learner's own code, or ''."""
    import linecache
    import os

    found = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        parts = set(os.path.normpath(code.co_filename).split(os.sep))
        if not parts & set(_OURS) and "site-packages" not in parts and "lib" not in parts:
            source = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            found = f" (line {tb.tb_lineno}: {source})" if source else f" (line {tb.tb_lineno})"
        tb = tb.tb_next
    return found


def call_learner(fn, name: str, *args):
    """Call a function the learner passed; if it raises, say so in one sentence with the learner's own line."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - any failure of the learner's code is reported as theirs
        text = f"your {name} raised {type(e).__name__}: {e}{_learner_line(e.__traceback__.tb_next)}"
        try:
            error = type(e)(text)
        except Exception:  # noqa: BLE001 - an exception type that takes other arguments
            error = RuntimeError(text)
        raise error from None
