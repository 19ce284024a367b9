"""Training: a gradient step, descent paths (plain, momentum, Adam) and a `fit` loop that records and stops.

Notebooks 02 to 05 write these loops by hand first; the helpers here are what later cells and notebooks call once
the loop has been taught.
"""

from __future__ import annotations

import collections
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from ._checks import (
    as_float_tensor,
    call_learner,
    check_finite,
    check_function,
    check_lr,
    check_memory,
    check_same_dtype,
    check_same_shape,
    count,
    number,
)
from ._progress import Ticker
from ._spec import SPEC
from .models import mse

__all__ = ["sgd_step", "descent_path", "diverging", "first_within", "fit", "FitResult", "Progress"]

METHODS = ("gd", "momentum", "adam")


def sgd_step(params: Tensor, lr: float | Tensor) -> None:
    """One plain gradient-descent step in place: `params -= lr * params.grad`, then clear the gradient.

    >>> p = torch.tensor([1.0, -2.0], requires_grad=True)
    >>> (p**2).sum().backward()
    >>> sgd_step(p, 0.25); p
    tensor([ 0.5000, -1.0000], requires_grad=True)
    """
    if not isinstance(params, Tensor):
        raise TypeError(f"params must be the tensor of parameters, got {type(params).__name__}")
    as_float_tensor(params, "params")
    if not params.requires_grad:
        raise ValueError("params does not require a gradient: make it with requires_grad=True (or call "
                         ".requires_grad_() on it), then compute the loss and call loss.backward()")
    if not params.is_leaf:
        raise ValueError("params was computed from other tensors, so loss.backward() leaves its .grad empty: step "
                         "the tensor you made with requires_grad=True, not one computed from it")
    if params.grad is None:
        raise ValueError("params.grad is None: call loss.backward() before stepping (each step resets the gradient, "
                         "so every step needs a new backward)")
    lr = check_lr(lr)
    with torch.no_grad():
        params -= lr * params.grad
    params.grad = None


def descent_path(
    f: Callable[[Tensor], Tensor] | None, x0: float | Tensor, lr: float, steps: int, method: str = "gd",
    beta: float | None = None, beta2: float | None = None, grad: Callable[[Tensor], Tensor] | None = None,
) -> Tensor:
    """Every position that `steps` steps of descent on `f` visit from `x0`, start included.

    `x0` is a number or a tensor of any shape; `f` maps it to one number. `method` is `"gd"` (`x -= lr * g`),
    `"momentum"` (`v = beta * v + g; x -= lr * v`, as `torch.optim.SGD(momentum=beta)`, beta 0.9 unless given) or
    `"adam"` (running averages of `g` and `g²` with rates `beta` and `beta2`, 0.9 and 0.999 unless given,
    bias-corrected, as `torch.optim.Adam`). Where a position overflows to infinity the path ends, one row short per
    missing step. The path has `x0`'s dtype (float32 for plain numbers). `grad(x)`, where the gradient is known in
    closed form, replaces autograd (and `f` is then not called): the same steps, several times faster.

    >>> descent_path(lambda x: x**2, -1.5, 0.1, 3)
    tensor([-1.5000, -1.2000, -0.9600, -0.7680])
    """
    lr, steps, beta, beta2 = check_lr(lr), count(steps, "steps"), *_betas(method, beta, beta2)
    check_function(grad if grad is not None else f, "grad" if grad is not None else "f", "lambda x: x**2")
    x = check_finite(as_float_tensor(x0, "x0"), "x0").detach().clone()
    check_memory(4 * x.numel() * (steps + 1), f"a path of {steps + 1:,} positions of {x.numel():,} numbers",
                 "take fewer steps")
    v, m = torch.zeros_like(x), torch.zeros_like(x)
    path, tick = [x.clone()], Ticker("descent_path", steps)
    for t in range(1, steps + 1):
        g = _gradient(f, grad, x)
        if method == "gd":
            x = x - lr * g
        elif method == "momentum":
            v = beta * v + g
            x = x - lr * v
        else:
            m, v = beta * m + (1 - beta) * g, beta2 * v + (1 - beta2) * g * g
            x = x - lr / (1 - beta**t) * m / ((v / (1 - beta2**t)).sqrt() + 1e-8)
        if not bool(torch.isfinite(x).all()):
            _blame_a_nan_gradient(f, grad, path[-1], g)
            break
        path.append(x.clone())
        tick(t)
    tick.close()
    return torch.stack(path)


def _betas(method: str, beta: float | None, beta2: float | None) -> tuple[float, float]:
    """Check the method and its rates once; a rate the method does not use is a mistake, not a no-op."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "gd" and beta is not None:
        raise ValueError("beta is a setting of momentum and Adam; plain descent ('gd') has none, so it would be "
                         "ignored: pass method='momentum' (or 'adam'), or leave beta out")
    if method != "adam" and beta2 is not None:
        raise ValueError(f"beta2 is Adam's setting; method {method!r} has none: pass method='adam', or leave it out")
    beta, beta2 = 0.9 if beta is None else beta, 0.999 if beta2 is None else beta2
    for name, b in (("beta", beta), ("beta2", beta2)):
        if not 0 <= number(b, name) < 1:
            raise ValueError(f"{name} must be in [0, 1), got {b!r}")
    return float(beta), float(beta2)


def _gradient(f: Callable | None, grad: Callable | None, x: Tensor) -> Tensor:
    """The gradient at `x`: `grad(x)` if given, else autograd through `f`; a wrong shape or value is named."""
    if grad is not None:
        g = call_learner(grad, "grad", x)
        what = "grad(x)"
    else:
        x = x.detach().requires_grad_(True)
        y = call_learner(f, "f", x)
        if not isinstance(y, Tensor) or y.numel() != 1:
            raise ValueError("f must return a single number (a scalar tensor); add .sum() or .mean()")
        if not y.requires_grad:
            raise ValueError("f(x) does not depend on x (it has no gradient): compute it from x with torch "
                             "operations, not from a copy or a Python number")
        (g,) = torch.autograd.grad(y, x)
        what = "the gradient of f"
    if not isinstance(g, Tensor) or g.shape != x.shape:
        raise ValueError(f"{what} must have x's shape {tuple(x.shape)}, got "
                         f"{tuple(g.shape) if isinstance(g, Tensor) else type(g).__name__}")
    return g


def _blame_a_nan_gradient(f: Callable | None, grad: Callable | None, x: Tensor, g: Tensor) -> None:
    """Where a path ends: a gradient that is NaN though nothing overflowed (x, the gradient and f(x), NaNs aside, all
    well inside the float range, so no inf - inf as in a diverging run) is the function's own doing, and is named."""
    if not bool(g.isnan().any()):
        return
    root, value = torch.finfo(x.dtype).max ** 0.5, [] if grad is not None else [call_learner(f, "f", x).detach()]
    if all(bool((v[~v.isnan()].abs() <= root).all()) for v in [x, g, *value]):
        raise ValueError(f"{'grad(x)' if grad is not None else 'the gradient of f'} is NaN at x = {_short(x)}, where "
                         "nothing overflowed, so descent cannot go on from there: check it at that point (a square "
                         "root or a log of a negative number?)")


def _short(x: Tensor) -> str:
    return f"{float(x):.4g}" if x.numel() == 1 else f"[{', '.join(f'{v:.4g}' for v in x.reshape(-1)[:4].tolist())}" \
        + (", ...]" if x.numel() > 4 else "]")


def diverging(losses: torch.Tensor) -> bool:
    """What a learner would call diverging: a loss that overflowed, or ended above its start and still growing.

    >>> diverging(torch.tensor([5.0, 9.0, 20.0])), diverging(torch.tensor([5.0, 9.0, 4.0]))
    (True, False)
    """
    if not bool(torch.isfinite(losses).all()):
        return True
    return len(losses) > 1 and bool(losses[-1] > losses[0]) and bool(losses[-1] > losses[-2])


def first_within(xs: Tensor, target: float, tol: float) -> int | None:
    """The first index at which `|xs - target| < tol` (and stays so to the end), or None.

    `xs` is a path of numbers (one per step), `target` one number, `tol` a positive number.

    >>> first_within(torch.tensor([4.0, 2.0, 0.5, 0.1]), 0.0, 1.0)
    2
    """
    if isinstance(target, Tensor | list | tuple) and not (isinstance(target, Tensor) and target.numel() == 1):
        raise TypeError("target must be one number and xs the path: did you swap them? "
                        "first_within(path, target, tol)")
    xs = as_float_tensor(xs, "xs")
    if xs.ndim != 1:
        raise ValueError(f"xs must be a path of numbers (a 1-D tensor, one per step), got shape {tuple(xs.shape)}; "
                         "for a path of several parameters, pass one column (path[:, 0]) or the distances")
    target, tol = number(target, "target"), number(tol, "tol")
    if not tol > 0:
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    inside = (xs.detach() - target).abs() < tol
    if len(inside) == 0 or not bool(inside[-1]):
        return None
    outside = (~inside).nonzero()
    return 0 if len(outside) == 0 else int(outside[-1]) + 1


@dataclass(frozen=True)
class Progress:
    """What `fit`'s `stop_when` sees after each update: everything that has happened so far.

    `losses[i]` is the training loss after `i` updates, so `losses[-1]` is the loss now; `val_losses` likewise on
    the validation data (None without `val=`), and `best_val_step` the step where it was lowest. The lists are
    the run's own record, growing as it goes: read them in the rule, copy them to keep them.
    """

    step: int
    params: Tensor
    losses: list[float]
    grad_norm: float
    val_losses: list[float] | None = None
    best_val_step: int | None = None


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
        return len(self.losses) - 1

    @property
    def diverged(self) -> bool:
        return self.stop_reason == "diverged"

    def __repr__(self) -> str:
        p = ", ".join(f"{v:.4g}" for v in self.params.reshape(-1).tolist())
        return (f"FitResult(steps={self.steps}, loss={float(self.losses[-1]):.6g}, params=[{p}], "
                f"stop_reason={self.stop_reason!r})")


def fit(model: Callable[[Tensor, Tensor], Tensor], params: Tensor, x: Tensor, y: Tensor, lr: float | Tensor,
        steps: int = 1000, loss: Callable[[Tensor, Tensor], Tensor] = mse,
        optimizer: type[torch.optim.Optimizer] | None = None, stop_when: Callable[[Progress], bool] | None = None,
        val: tuple[Tensor, Tensor] | None = None, keep_history: bool = True, **optimizer_settings) -> FitResult:
    """Fit `model(x, params)` to `y` by gradient descent and record every step.

    The starting `params` are copied, never changed; `x` and `y` are data (no gradient flows to them). Each step
    computes the loss, its gradient and one update: `params -= lr * grad` (`lr` may be a tensor of per-parameter
    rates), or that of `optimizer(params, lr=lr, **optimizer_settings)`, a class from `torch.optim`. It stops at:

    - `'steps'`: `steps` updates were made;
    - `'stop_when'`: `stop_when(progress)` returned True after an update (`progress` is a `Progress`);
    - `'diverged'`: the loss became NaN or infinite, grew a hundred-million-fold, or ended above its start and
      still growing; the message suggests a smaller learning rate;
    - `'overflow'`: the very first loss was already infinite (the start, or the data, is too large for float32);
    - `'interrupted'`: Ctrl-C during the run (after a few seconds it shows its progress on stderr): what it did is kept.

    `losses[i]` and `history[i]` are the loss and the parameters after `i` updates (`keep_history=False` keeps
    only the start and the end); `val=(x_val, y_val)` records the loss on that data too.

    >>> x = torch.arange(4.0); y = 2 * x + 1
    >>> r = fit(lambda x, p: p[0] * x + p[1], torch.zeros(2), x, y, lr=0.05, steps=2000)
    >>> r.params.round(decimals=3), r.stop_reason
    (tensor([2., 1.]), 'steps')
    """
    x, y, p, lr, steps, val, opt = _fit_inputs(model, params, x, y, lr, steps, loss, optimizer, stop_when, val,
                                               keep_history, optimizer_settings)
    run, tick = _Run(p, keep_history, val), Ticker("fit", steps)
    grad_was = torch.is_grad_enabled()  # a Ctrl-C inside a `torch.no_grad()` block's exit would leave it switched off
    try:
        for i in range(steps + 1):
            value = _loss(model, loss, x, p, y)
            run.losses.append(value.item())
            reason, message = _blew_up(run.losses, i, p)
            if reason != "steps":
                break
            run.validate(model, loss, p, i)
            if i == steps:
                reason, message = _at_the_end(run.losses, steps)
                break
            value.backward()
            if stop_when is not None and i > 0 and run.asks_to_stop(stop_when, i, p):
                reason, message = "stop_when", f"stop_when returned True after step {i}"
                break
            _update(p, lr, opt)
            run.keep(i + 1, p)
            tick(i + 1)
    except KeyboardInterrupt:
        reason, message = run.interrupted(steps, tick)
    finally:
        torch.set_grad_enabled(grad_was)
        tick.close()
    return run.result(reason, message)


def _fit_inputs(model, params, x, y, lr, steps, loss, optimizer, stop_when, val, keep_history, settings) -> tuple:
    """Check everything `fit` is given, once; return the data (detached), a fresh copy of the parameters, the
    settings, the validation pair (or None) and the optimizer (or None)."""
    check_function(model, "model", "quadratic (called as model(x, params))")
    check_function(loss, "loss", "mse (called as loss(preds, y))")
    if stop_when is not None:
        check_function(stop_when, "stop_when", "lambda progress: progress.losses[-1] < 1.0")
    x, y = (check_finite(as_float_tensor(v, n), n).detach() for v, n in ((x, "x"), (y, "y")))
    if x.numel() == 0 or y.numel() == 0:
        raise ValueError(f"{'x' if x.numel() == 0 else 'y'} is empty: fit needs at least one data point")
    if x.shape[:1] != y.shape[:1]:
        raise ValueError(f"x has {len(x) if x.ndim else 0} rows but y has {len(y) if y.ndim else 0}; they must pair up")
    p = check_finite(as_float_tensor(params, "params"), "params").detach().clone().requires_grad_()
    check_same_dtype(x, p, "x", "params")
    lr, steps = check_lr(lr), count(steps, "steps")
    if isinstance(lr, Tensor):
        check_same_shape(lr, p, "lr", "params")
    check_memory(4 * p.numel() * (steps + 1) if keep_history else 0,
                 f"keeping the parameters after every step ({steps + 1:,} copies of {p.numel():,} numbers)",
                 "pass keep_history=False to keep only the start and the end, or take fewer steps")
    val = None if val is None else _val_inputs(val, x)
    return x, y, p, lr, steps, val, _optimizer(optimizer, p, lr, settings)


def _val_inputs(val, x: Tensor) -> tuple[Tensor, Tensor]:
    if not isinstance(val, tuple | list) or len(val) != 2:
        raise TypeError(f"val must be a pair (x_val, y_val), got {type(val).__name__}"
                        f"{f' of length {len(val)}' if isinstance(val, tuple | list) else ''}")
    xv, yv = (check_finite(as_float_tensor(v, n), n).detach() for v, n in zip(val, ("x_val", "y_val"), strict=True))
    if xv.shape[:1] != yv.shape[:1] or xv.shape[1:] != x.shape[1:]:
        raise ValueError(f"x_val {tuple(xv.shape)} and y_val {tuple(yv.shape)} must pair up, and x_val's rows "
                         f"must be shaped like x's {tuple(x.shape[1:])}")
    return xv, yv


def _optimizer(optimizer, params: Tensor, lr, settings: dict) -> torch.optim.Optimizer | None:
    """`optimizer(params, lr=lr, **settings)`, the class and each setting checked first; None for the plain step."""
    if optimizer is None:
        if settings:
            raise TypeError(f"fit() got {', '.join(sorted(settings))}: not one of fit's arguments, and not an "
                            "optimizer setting unless you also pass optimizer= (for example torch.optim.SGD)")
        return None
    _check_optimizer_class(optimizer)
    if isinstance(lr, Tensor):
        raise ValueError("per-parameter learning rates (a tensor lr) work with the plain step only")
    defaults = {k: v.default for k, v in inspect.signature(optimizer).parameters.items() if k not in ("params", "lr")}
    unknown = sorted(set(settings) - set(defaults))
    if unknown:
        raise TypeError(f"{optimizer.__name__} has no setting {unknown[0]!r}; its settings are {sorted(defaults)}")
    for name, value in settings.items():
        _check_setting(optimizer.__name__, name, value, defaults[name])
    try:
        return optimizer([params], lr=lr, **settings)
    except (TypeError, ValueError) as e:  # torch's own range checks ("Invalid momentum value: -1"), in one sentence
        raise type(e)(f"{optimizer.__name__} refused its settings: {e}") from None


def _check_optimizer_class(optimizer) -> None:
    """A class from torch.optim that steps on a gradient alone: not its name, not one already made, no closure."""
    if isinstance(optimizer, str):
        names = {n.lower(): n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)}
        like = names.get(optimizer.lower(), "Adam")
        raise TypeError(f"optimizer must be a class from torch.optim, such as torch.optim.{like}, not the text "
                        f"{optimizer!r}")
    if isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be the class torch.optim.{type(optimizer).__name__}, not one already made: "
                        "fit makes its own, on its own copy of params (give its settings to fit, like momentum=0.9)")
    if not (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)):
        raise TypeError(f"optimizer must be a class from torch.optim, such as torch.optim.SGD, got {optimizer!r:.60}")
    closure = inspect.signature(optimizer.step).parameters.get("closure")
    if closure is not None and closure.default is inspect.Parameter.empty:
        raise ValueError(f"{optimizer.__name__} needs a closure that computes the loss again inside each step, "
                         "and fit takes one plain step per gradient: use torch.optim.SGD or torch.optim.Adam, or "
                         "write the loop by hand")


def _check_setting(who: str, name: str, value, default) -> None:
    """An optimizer setting of the kind its default is: a number, True or False, or a pair of numbers."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError(f"{who}'s {name} must be True or False, got {value!r}")
    elif isinstance(default, int | float):
        number(value, f"{who}'s {name}")
    elif isinstance(default, tuple):
        if not (isinstance(value, tuple | list) and len(value) == len(default)):
            raise TypeError(f"{who}'s {name} must be {len(default)} numbers, like {default}, got {value!r}")
        for i, v in enumerate(value):
            number(v, f"{who}'s {name}[{i}]")


class _Run:
    """What `fit` has recorded so far: the losses, the validation losses, and the parameters after each update (or,
    with `keep_history=False`, only the newest two), each kept with its step so that an interrupted step is dropped."""

    def __init__(self, p: Tensor, keep_all: bool, val: tuple[Tensor, Tensor] | None):
        self.start, self.keep_all, self.val = p.detach().clone(), keep_all, val
        self.kept = collections.deque([(0, self.start)], maxlen=None if keep_all else 2)  # (step, parameters)
        self.losses: list[float] = []
        self.val_losses: list[float] | None = None if val is None else []
        self.best_val = 0

    def keep(self, step: int, p: Tensor) -> None:
        self.kept.append((step, p.detach().clone()))  # one append: a Ctrl-C cannot land halfway through it

    def validate(self, model, loss, p: Tensor, step: int) -> None:
        if self.val is not None:
            with torch.no_grad():
                self.val_losses.append(loss(model(self.val[0], p), self.val[1]).item())
            self.best_val = step if self.val_losses[-1] < self.val_losses[self.best_val] else self.best_val

    def asks_to_stop(self, stop_when: Callable[[Progress], bool], step: int, p: Tensor) -> bool:
        """Ask the learner's rule, and hold it to a True or False that leaves the run's record as it was."""
        params, n, ends = self.kept[-1][1], len(self.losses), (self.losses[0], self.losses[-1])
        answer = call_learner(stop_when, "stop_when", Progress(
            step, params, self.losses, float(p.grad.norm()), self.val_losses,
            self.best_val if self.val is not None else None))
        if len(self.losses) != n or (self.losses[0], self.losses[-1]) != ends or not torch.equal(params, p.detach()):
            raise ValueError("your stop_when changed progress.losses or progress.params, the run's own record: read "
                             "them, or copy them first (list(progress.losses), progress.params.clone())")
        return _true_or_false(answer)

    def interrupted(self, steps: int, tick: Ticker) -> tuple[str, str]:
        """Ctrl-C: what the run did is kept, and said; before its first loss there is nothing to keep, so it stops
        as usual."""
        if not self.losses:
            raise KeyboardInterrupt from None
        done = len(self.losses) - 1  # parameters kept after the last loss are dropped (see result)
        message = (f"stopped by Ctrl-C after step {done:,} of {steps:,}; the result holds the run so far "
                   f"(loss {self.losses[done]:.4g})")
        tick.close(message)
        return "interrupted", message

    def result(self, reason: str, message: str) -> FitResult:
        done = len(self.losses)  # steps 0 .. done-1 have a loss; parameters kept past them are dropped
        kept = [q for s, q in self.kept if s < done]
        history = kept if self.keep_all else [self.start] + kept[-1:] if done > 1 else [self.start]
        return FitResult(params=history[-1], losses=torch.tensor(self.losses), history=torch.stack(history),
                         stop_reason=reason, message=message,
                         val_losses=None if self.val is None else torch.tensor(self.val_losses))


def _true_or_false(answer) -> bool:
    """stop_when's answer as a bool: True or False (numpy's too), or a tensor holding one; anything else is named."""
    if isinstance(answer, bool | np.bool_) or (isinstance(answer, Tensor) and answer.numel() == 1
                                                and answer.dtype == torch.bool):
        return bool(answer)
    if answer is None:
        raise TypeError("your stop_when returned None: does it end with return? It must return True (stop now) or "
                        "False (go on)")
    if isinstance(answer, Tensor):
        raise TypeError(f"your stop_when returned a tensor of {answer.numel():,} {answer.dtype} values; it must "
                        "return one True or False: compare it (< 1.0), or combine the values with .all() or .any()")
    raise TypeError(f"your stop_when returned {answer!r:.40} ({type(answer).__name__}), not True or False: return "
                    "a comparison, like progress.losses[-1] < 1.0")


def _loss(model, loss, x: Tensor, p: Tensor, y: Tensor) -> Tensor:
    """`loss(model(x, p), y)`, with the learner's model and loss held to what a step needs: one number, from p."""
    preds = call_learner(model, "model", x, p)
    if not isinstance(preds, Tensor):
        raise TypeError(f"your model returned {type(preds).__name__}, not a tensor: compute it from x and params "
                        "with torch operations")
    if preds.shape != y.shape:
        raise ValueError(f"model(x, params) has shape {tuple(preds.shape)} but y has shape {tuple(y.shape)}; they "
                         "must match, or the loss silently compares every prediction with every target "
                         "(reshape one of them)")
    value = call_learner(loss, "loss", preds, y)
    if not isinstance(value, Tensor) or value.numel() != 1:
        got = f"{value.numel():,} numbers" if isinstance(value, Tensor) else type(value).__name__
        raise ValueError(f"your loss returned {got}; a loss must be a single number (a tensor): end it with .mean()")
    if not value.requires_grad:
        raise ValueError("the loss does not depend on params, so it has no gradient: your model must compute its "
                         "output from params (model(x, params)), with torch operations")
    return value.reshape(())


# The rule's numbers (a hundred-million-fold, above a start of at least 1e-12) live in explorers.json, which the
# page's copy of this loop (explorer.js's fitQuadratic) reads too.
BLOWN_UP = SPEC["common"]["fit"]


def _blew_up(losses: list[float], i: int, p: Tensor) -> tuple[str, str]:
    """('overflow' | 'diverged', why) once the loss is not finite or has grown a hundred-million-fold."""
    if math.isfinite(losses[-1]) and losses[-1] <= BLOWN_UP["blown_up"] * max(losses[0], BLOWN_UP["least_start"]):
        return "steps", ""
    if i == 0:
        return "overflow", (f"the loss at the start is {losses[0]:.4g}: the starting parameters (largest "
                            f"{float(p.detach().abs().max()):.3g}) or the data are too large for float32; start "
                            "nearer, or rescale the data")
    return "diverged", (f"the loss grew from {losses[0]:.4g} to {losses[-1]:.4g} by step {i}: the learning rate is "
                        "too large for this problem; try a smaller one (for example a tenth of it)")


def _at_the_end(losses: list[float], steps: int) -> tuple[str, str]:
    if diverging(torch.tensor(losses)):
        return "diverged", (f"the loss grew from {losses[0]:.4g} to {losses[-1]:.4g} in {steps} steps and is still "
                            "growing: the learning rate is too large for this problem; try a smaller one")
    return "steps", f"made all {steps} steps"


def _update(p: Tensor, lr: float | Tensor, opt: torch.optim.Optimizer | None) -> None:
    """One update from `p.grad`: the plain step, or the optimiser's; the gradient is cleared after it."""
    if opt is None:
        with torch.no_grad():
            p -= lr * p.grad
        p.grad = None
    else:
        opt.step()
        opt.zero_grad(set_to_none=True)
