"""Checking gradients: a finite-difference estimate, and the autograd graph as text."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import torch
from torch import Tensor

from ._checks import as_float_tensor, call_learner, check_finite, check_function, check_not_empty, number, warn
from ._progress import Ticker

__all__ = ["finite_difference", "grad_fn_tree"]


def finite_difference(f: Callable[[Tensor], Tensor], x: Tensor, eps: float = 1e-4) -> Tensor:
    """Estimate the gradient of a scalar function `f` at `x` by central differences.

    Each element of `x` is nudged by `±eps` in turn and the change in `f` is
    divided by `2*eps`. The work is done in float64, so the estimate is good to
    about `eps**2` times the third derivative: an oracle for autograd that uses
    no calculus at all. The result has `x`'s shape and dtype.

    >>> finite_difference(lambda x: (x**2).sum(), torch.tensor([3.0, 4.0]))
    tensor([6., 8.])
    """
    check_function(f, "f", "lambda x: (x**2).sum()")
    x = check_not_empty(check_finite(as_float_tensor(x, "x"), "x"), "x",
                        "there is no gradient to estimate (pass a tensor of at least one number)")
    eps = number(eps, "eps")
    base = x.detach().to(torch.float64)
    size = max(1.0, float(base.abs().max()))
    # Below about 1e-10 of x's size, float64 rounding swamps the difference (at 1e-20 it is exactly zero).
    if not eps >= 1e-10 * size:
        raise ValueError(f"eps must be positive and at least 1e-10 times x's size, got {eps!r}: smaller nudges drown "
                         "in rounding (1e-4 is a good start)")
    if eps > size:
        warn(f"finite_difference: eps={eps:g} is larger than x itself (up to {size:g}), so the estimate is the "
             "average slope over a wide stretch, not the slope at x: use a small eps, such as 1e-4")
    flat = base.reshape(-1)
    grad = torch.empty_like(flat)

    def value(v: Tensor) -> float:
        return _one_number(call_learner(f, "f", v.reshape(base.shape)))

    tick, began = Ticker("finite_difference", flat.numel()), time.monotonic()
    for i in range(flat.numel()):
        up, down = flat.clone(), flat.clone()
        up[i] += eps
        down[i] -= eps
        grad[i] = (value(up) - value(down)) / (2 * eps)
        if i == 1:
            _refuse_if_slow((time.monotonic() - began) / 2 * flat.numel())
        tick(i + 1)
    tick.close()
    return grad.reshape(x.shape).to(x.dtype)


def _one_number(out) -> float:
    """f's value as a float: a tensor of one number, or a Python float; whole numbers have no slope to measure."""
    whole = isinstance(out, bool | int) or (isinstance(out, Tensor) and not out.is_floating_point())
    if whole:
        raise TypeError(f"f returned whole numbers ({out.dtype if isinstance(out, Tensor) else type(out).__name__}), "
                        "which are flat between jumps, so a finite difference measures the jumps, not a slope: "
                        "compute f in floating point")
    if isinstance(out, float):
        return out
    if not isinstance(out, Tensor) or out.numel() != 1:
        raise ValueError("f must return a single number (a scalar tensor); add .sum() or .mean()")
    return out.item()


TIME_LIMIT = 600.0  # seconds: longer than a learner waits for a check


def _refuse_if_slow(estimate: float) -> None:
    """Stop a check that would run for longer than `TIME_LIMIT`, saying how long it would take and what to do."""
    if estimate > TIME_LIMIT:
        raise RuntimeError(f"finite_difference would take about {estimate / 60:,.0f} minutes here (two calls of f "
                           "per element of x); check the gradient on a small x (a few elements), where the same "
                           "autograd rules apply")


MAX_DEPTH = 200  # levels of the tree: past this its lines are wider than anyone reads


def grad_fn_tree(out: Tensor, names: Mapping[str, Tensor] | None = None) -> str:
    """Draw the chain of `grad_fn`s that `out.backward()` will walk, as a text tree.

    Each line is one backward node; a leaf tensor that will receive a gradient
    shows as `AccumulateGrad -> name` (named from `names`, else by its shape).
    A node reached twice is drawn once and marked `(shared, above)` the second time.

    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> print(grad_fn_tree(x**2, {"x": x}))
    PowBackward0
    └─ AccumulateGrad -> x
    """
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a tensor, got {type(out).__name__}")
    if names is not None and not (isinstance(names, Mapping) and all(isinstance(v, Tensor) for v in names.values())):
        raise TypeError(f"names must be a dict from each name to its tensor, like {{'params': params}}, got "
                        f"{type(names).__name__} {names!r:.40}")
    if out.grad_fn is None:
        raise ValueError(
            "out has no grad_fn: it was not computed from a tensor with requires_grad=True "
            "(call .requires_grad_() on the parameters first)"
        )
    label_of = {id(t): n for n, t in (names or {}).items()}
    lines: list[str] = []
    seen: set[int] = set()

    def label(node) -> str:
        name = type(node).__name__
        var = getattr(node, "variable", None)
        if var is not None:
            return f"{name} -> {label_of.get(id(var), f'tensor of shape {tuple(var.shape)}')}"
        return name

    def walk(node, prefix: str, branch: str) -> None:
        if len(prefix) > 3 * MAX_DEPTH:  # each level indents the next by three characters
            raise ValueError(f"out was made by more than {MAX_DEPTH} operations in a row, too deep to draw as a tree "
                             "(each level indents the next): draw the tree of a shorter computation, such as one "
                             "step's loss")
        shared = id(node) in seen and getattr(node, "variable", None) is None
        lines.append(prefix + branch + label(node) + ("  (shared, above)" if shared else ""))
        if shared:
            return
        seen.add(id(node))
        children = [n for n, _ in node.next_functions if n is not None]
        child_prefix = prefix + ("" if not branch else ("│  " if branch == "├─ " else "   "))
        for i, child in enumerate(children):
            walk(child, child_prefix, "└─ " if i == len(children) - 1 else "├─ ")

    walk(out.grad_fn, "", "")
    return "\n".join(lines)
