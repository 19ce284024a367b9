"""Plots: functions, tangents, predictions against data, descent paths and loss curves.

Every function draws on the axes it is given and returns them, so cells can add to a picture and end with
`plt.show()`. Without axes (`ax=None`), the helpers that draw a whole picture (`plot_function`, `show_preds`,
`plot_descent_path`, `plot_loss`, `plot_contours`) make a new figure; the two that add to a picture, `plot_tangent`
and `plot_path`, draw on the current axes (`plt.gca()`: the picture the cell is drawing, or a new one), as
`plt.plot` does. A learner's function may return a tensor or a numpy array.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
from torch import Tensor

from ._checks import (
    as_float_tensor,
    call_learner,
    check_finite,
    check_function,
    check_memory,
    check_not_empty,
    check_range,
    check_same_shape,
    count,
    number,
    positive,
    warn,
)
from ._format import n_steps

__all__ = ["plot_function", "plot_tangent", "show_preds", "plot_descent_path", "plot_loss", "log_scale",
           "plot_contours", "plot_path"]


RED = "#c0392b"


def _np(x: Tensor):
    return x.detach().cpu().numpy()


def _not_axes(ax) -> str:
    """What was given where axes belong, and what to pass instead."""
    if isinstance(ax, np.ndarray):
        return f"an array of {ax.size} axes (from plt.subplots with several panels): pass one of them, like axs[0]"
    if isinstance(ax, plt.Figure):
        return "a Figure: pass one of its axes, like fig.axes[0]"
    return f"{type(ax).__name__} {ax!r:.40}"


def _axes(ax, figsize: tuple[float, float] | None) -> Axes:
    """The axes to draw a whole picture on: `ax` itself, or a new figure's for None."""
    if ax is None:
        return plt.subplots(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (ax = plt.subplots()[1]), or None for a new figure; got "
                        f"{_not_axes(ax)}")
    return ax


def _adds_to_axes(draw: Callable) -> Callable:
    """For a helper called as `draw(ax, ...)`: `ax=None` draws on `plt.gca()`, and anything else that is not an
    Axes gets one sentence; a forgotten ax, which Python would blame on the next argument, is named as such."""

    @functools.wraps(draw)
    def checked(*args, **kwargs):
        ax = args[0] if args else kwargs.get("ax")
        if ax is None:
            ax = plt.gca()
        elif not isinstance(ax, Axes):
            forgot = "a function" if callable(ax) else "a tensor" if isinstance(ax, Tensor) else \
                f"a {type(ax).__name__}" if isinstance(ax, list | tuple) else None
            raise TypeError(f"{draw.__name__}'s first argument is the axes to draw on, {draw.__name__}(ax, ...), "
                            + (f"but it got {forgot} first: did you forget ax? (ax = plot_function(f) returns one; "
                               "None draws on the current picture)" if forgot else
                               f"got {_not_axes(ax)}; pass ax = plt.subplots()[1], or None for the current picture"))
        return draw(ax, *args[1:], **kwargs) if args else draw(**(kwargs | {"ax": ax}))

    return checked


def _values(f: Callable, x: Tensor, name: str) -> Tensor:
    """`f(x)` from the learner's function, as a tensor (a numpy array is accepted), with its error made theirs."""
    y = call_learner(f, name, x)
    if isinstance(y, np.ndarray):
        y = torch.as_tensor(y)
    if not isinstance(y, Tensor):
        raise TypeError(f"{name} must return a tensor (or a numpy array) computed from its input, got "
                        f"{type(y).__name__}")
    return y


def plot_function(
    f: Callable[[Tensor], Tensor],
    tx: str | None = None,
    ty: str | None = None,
    title: str | None = None,
    min: float = -2,  # noqa: A002 - the book's signature
    max: float = 2,  # noqa: A002
    figsize: tuple[float, float] = (6, 4),
    ax: Axes | None = None,
) -> Axes:
    """Plot `f` over `[min, max]`, with the fastai book's signature (offline, on current torch).

    The book's version calls `torch.linspace(min, max)`, which current torch
    rejects without a number of steps; this one samples 100 points.

    >>> ax = plot_function(lambda x: x**2, 'x', 'x**2')
    >>> ax.lines[0].get_xydata()[[0, -1]].tolist()
    [[-2.0, 4.0], [2.0, 4.0]]
    """
    check_function(f, "f", "lambda x: x**2")
    if not (math.isfinite(number(min, "min")) and math.isfinite(number(max, "max")) and min < max):
        raise ValueError(f"expected min < max, got min={min!r}, max={max!r}")
    x = torch.linspace(min, max, 100)
    y = _values(f, x, "f")
    if y.shape != x.shape:
        raise ValueError("f must map a 1-D tensor to a tensor of the same shape (elementwise)")
    ax = _axes(ax, figsize)
    ax.plot(_np(x), _np(y))
    if tx is not None:
        ax.set_xlabel(tx)
    if ty is not None:
        ax.set_ylabel(ty)
    if title is not None:
        ax.set_title(title)
    return ax


@_adds_to_axes
def plot_tangent(ax: Axes | None, f: Callable[[Tensor], Tensor], x0: float, width: float = 1.0,
                 label: bool = True) -> float:
    """Draw the tangent to `f` at `x0` (slope from autograd) on `ax` (None: the current axes) and return the slope.

    The line spans `x0 ± width/2`; with `label`, the slope is written beside the point.

    >>> ax = plot_function(lambda x: x**2)
    >>> plot_tangent(ax, lambda x: x**2, 1.0)
    2.0
    """
    check_function(f, "f", "lambda x: x**2")
    x0, width = number(x0, "x0"), positive(width, "width")
    if abs(x0) > torch.finfo(torch.float32).max:
        raise ValueError(f"x0 = {x0:.3g} is beyond float32's range (about 3.4e38), so f cannot be computed there: "
                         "pick a point within it")
    x = torch.tensor(x0, requires_grad=True)
    y = _values(f, x, "f")
    if y.numel() != 1:
        raise ValueError("f must return a single number at a single point")
    if not y.requires_grad:
        raise ValueError("f(x) does not depend on x through torch operations, so autograd cannot find its slope: "
                         "compute it from x with torch (x**2, torch.sin(x)), not numpy or Python numbers")
    y.backward()
    slope, y0 = x.grad.item(), y.item()
    xs = torch.tensor([x0 - width / 2, x0 + width / 2])
    (line,) = ax.plot(_np(xs), _np(y0 + slope * (xs - x0)), "--", lw=1.5)
    ax.scatter([x0], [y0], color=line.get_color(), zorder=3)
    if label:
        # Below the tangent of a convex curve is empty: put the label there, on the downhill side.
        left = slope < 0
        ax.annotate(f"slope {slope:g}", (x0, y0), textcoords="offset points", xytext=(-8 if left else 8, -14),
                    ha="right" if left else "left", color=line.get_color())
    return slope


def show_preds(
    preds: Tensor, t: Tensor, targets: Tensor, ax: Axes | None = None,
    ylim: tuple[float, float] | None | str = "fit",
) -> Axes:
    """Scatter the data (blue) and the model's predictions (red) against time, as in the book.

    Unlike the book's version it takes the data as arguments instead of reading
    globals, and the axes to draw on, so it can fill one panel of a grid; it
    labels its axes and says which colour is which. The book fixes the vertical
    axis at (-300, 100), which flattens a good fit into a line; `ylim="fit"` (the
    default) shows all the data with a margin, and the predictions as far as four
    times the data's range beyond it, so a wild start does not squash the data.
    Pass a pair to fix it, or None for matplotlib's own choice.

    >>> t = torch.arange(3.0)
    >>> ax = show_preds(t * 2, t, t)
    >>> ax.collections[1].get_offsets().tolist()
    [[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]]
    >>> [round(float(v), 2) for v in ax.get_ylim()]  # the data (0 to 2) and the predictions (0 to 4), 5% margins
    [-0.2, 4.2]
    """
    preds, t, targets = (as_float_tensor(v, n) for v, n in ((preds, "preds"), (t, "t"), (targets, "targets")))
    check_same_shape(preds, targets, "preds", "targets")
    check_same_shape(t, targets, "t", "targets")
    check_not_empty(targets, "targets", "there are no points to show")
    if not (ylim is None or ylim == "fit" or (isinstance(ylim, tuple | list) and len(ylim) == 2)):
        raise ValueError(f"ylim must be 'fit', None or a pair (bottom, top), got {ylim!r}")
    ax = _axes(ax, None)
    ax.scatter(_np(t), _np(targets), label="data")
    ax.scatter(_np(t), _np(preds), color="red", label="predictions")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("speed")
    ax.legend(loc="upper center", fontsize=8)  # the roller coaster's data dips in the middle: room at the top
    if ylim == "fit":
        ylim = _fit_limits(_np(targets), _np(preds))
    if ylim is not None:
        ax.set_ylim(*ylim)
    return ax


def _fit_limits(data: np.ndarray, preds: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(data)), float(np.max(data))
    reach = 4 * max(hi - lo, 1e-9)
    finite = preds[np.isfinite(preds)]
    if finite.size:
        lo, hi = min(lo, max(float(finite.min()), lo - reach)), max(hi, min(float(finite.max()), hi + reach))
    margin = 0.05 * max(hi - lo, 1e-9)
    return lo - margin, hi + margin


def plot_descent_path(
    f: Callable[[Tensor], Tensor], xs: Tensor | Sequence[float], ax: Axes | None = None, span: float | None = None,
    diverged: bool = False,
) -> Axes:
    """Draw `f` and the points `xs` that gradient descent visited, joined in order.

    The curve covers every visited point (or `±span` around 0 if given); the start is marked with a square and the
    last point with a star, or, for a run that `diverged`, with a red cross: it flew off from there. Each mark is
    labelled, so `ax.legend()` explains them.

    >>> ax = plot_descent_path(lambda x: x**2, [-1.5, -1.0, -0.5])
    >>> ax.lines[1].get_xydata()[:, 0].tolist()
    [-1.5, -1.0, -0.5]
    """
    check_function(f, "f", "lambda x: x**2")
    xs = check_not_empty(check_finite(as_float_tensor(xs, "xs"), "xs"), "xs", "a path holds at least its start")
    if sum(d > 1 for d in xs.shape) > 1:
        raise ValueError(f"xs must be the path of one number (one value per step), got shape {tuple(xs.shape)}; "
                         "for a path of two parameters, draw it with plot_path on plot_contours")
    xs = xs.detach().reshape(-1)
    span = max(1.0, float(xs.abs().max()) * 1.1) if span is None else positive(span, "span")
    grid = torch.linspace(-span, span, 200)
    ax = _axes(ax, (5, 3.5))
    ax.plot(_np(grid), _np(_values(f, grid, "f")), color="lightgray", zorder=1, label="f")
    ys = _values(f, xs, "f")
    ax.plot(_np(xs), _np(ys), "-o", ms=4, lw=1, color="C1", zorder=2, label="steps")
    ax.plot(_np(xs[:1]), _np(ys[:1]), "s", color="C3", ms=7, zorder=3, label="start")
    last = dict(marker="X", color=RED, label=f"step {len(xs) - 1}: flying off") if diverged else \
        dict(marker="*", color="C2", label=f"after {n_steps(len(xs) - 1)}")
    ax.plot(_np(xs[-1:]), _np(ys[-1:]), ls="none", ms=11, zorder=3, **last)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return ax


def log_scale(ax: Axes, values: Tensor) -> Axes:
    """Put `ax`'s y axis on a log scale that keeps at least two labels, however narrow the range of `values`.

    A log axis labels only powers of ten, so over less than two decades it may show one label or none. There, ticks
    go at 1, 2 and 5 times the powers of ten, and the axis reaches the nearest such tick beyond each end of the data,
    so that the lowest and the highest values both have a label near them; over less than a factor of three, ticks
    go at round numbers.

    >>> ax = plt.subplots()[1]; _ = ax.plot([0, 1], [677.0, 694.0])
    >>> len(log_scale(ax, torch.tensor([677.0, 694.0])).get_yticks()) > 1
    True
    >>> ax = plt.subplots()[1]; _ = ax.plot([0, 1], [2332.0, 24000.0])
    >>> [float(v) for v in log_scale(ax, torch.tensor([2332.0, 24000.0])).get_ylim()]  # 2,000 and 50,000 labelled
    [2000.0, 50000.0]
    """
    ax.set_yscale("log")
    finite = values[torch.isfinite(values) & (values > 0)]
    if len(finite):
        lo, hi = float(finite.min()), float(finite.max())
        powers_of_ten_inside = math.floor(math.log10(hi)) - math.ceil(math.log10(lo)) + 1
        if hi < 3 * lo or powers_of_ten_inside < 2:
            ax.yaxis.set_major_locator(MaxNLocator(4) if hi < 3 * lo else LogLocator(subs=(1, 2, 5)))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if 10 <= v < 1e7 else f"{v:.3g}"))
            if hi >= 3 * lo:
                ticks = [m * 10.0**k for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                         for m in (1, 2, 5)]
                ax.set_ylim(max(t for t in ticks if t <= lo), min(t for t in ticks if t >= hi))
    ax.yaxis.set_minor_locator(NullLocator())
    return ax


def plot_loss(
    losses: Sequence[float] | Tensor, ax: Axes | None = None, log: bool = False, label: str | None = None
) -> Axes:
    """Plot a loss curve against the step number (optionally on a log scale); `losses` may be what `fit` returned.

    `losses` holds one number per step; numbers not in a tensor are read in float64, so a loss beyond float32's
    range is drawn, not refused.

    >>> ax = plot_loss([4.0, 2.0, 1.0])
    >>> ax.lines[0].get_xydata().tolist()
    [[0.0, 4.0], [1.0, 2.0], [2.0, 1.0]]
    """
    values = as_float_tensor(getattr(losses, "losses", losses), "losses", torch.float64).detach().double()
    if sum(d > 1 for d in values.shape) > 1:
        raise ValueError(f"losses must be one number per step, got shape {tuple(values.shape)}: for several runs, "
                         "call plot_loss once for each, on the same ax")
    values = check_finite(values.reshape(-1), "losses (a diverged run? plot its finite part)")
    if len(values) == 0:
        raise ValueError("losses is empty: there is nothing to plot (did the run record its losses?)")
    if log and bool((values < 0).any()):
        raise ValueError(f"losses go below zero (to {float(values.min()):.4g}), which a log axis cannot show: plot "
                         "with log=False, or the loss above its lowest value")
    ax = _axes(ax, (5, 3))
    ax.plot(range(len(values)), _np(values), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    return log_scale(ax, values) if log else ax


def plot_contours(
    loss: Callable[[Tensor], Tensor], xlim: tuple[float, float], ylim: tuple[float, float], ax: Axes | None = None,
    names: tuple[str, str] = ("x", "y"), bottom: Tensor | Sequence[float] | None = None,
    levels: int | Sequence[float] = 14, n: int = 150,
) -> Axes:
    """Contour lines of a loss of two parameters over `xlim` × `ylim`, with its lowest point, if given, marked `+`.

    `loss` maps a tensor whose last dimension holds the two parameters to one loss each (a tensor, or a numpy
    array). `levels=k` draws `k - 1` lines spaced geometrically above the grid's lowest value, so a narrow valley
    shows its floor as well as its walls; a list of heights draws those, as `plt.contour` does. The grid has `n`
    points a side.

    >>> ax = plot_contours(lambda p: (p**2).sum(-1), (-1, 1), (-1, 1), bottom=(0, 0))
    >>> ax.get_xlabel(), len(ax.collections) > 0, ax.lines[0].get_label()
    ('x', True, 'lowest point')
    """
    xlim, ylim, n, names, bottom, levels = _contour_inputs(loss, xlim, ylim, names, bottom, levels, n)
    xs, ys = torch.linspace(*xlim, n, dtype=torch.float64), torch.linspace(*ylim, n, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), -1)
    z = _values(loss, grid.float(), "loss").detach().double()
    if z.shape != grid.shape[:-1]:
        raise ValueError(f"loss must map points of shape (..., 2) to one loss each; got {tuple(z.shape)} for a grid "
                         f"of {tuple(grid.shape)}")
    heights = _heights(z, levels, xlim, ylim)
    ax = _axes(ax, (5, 4))
    if len(heights):
        ax.contour(_np(xs), _np(ys), _np(z), levels=_np(heights), colors="0.6", linewidths=0.7, zorder=1)
    if bottom is not None:
        ax.plot(bottom[0], bottom[1], "+", color="k", ms=12, mew=2, zorder=5, label="lowest point")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


def _contour_inputs(loss, xlim, ylim, names, bottom, levels, n) -> tuple:
    """Check what `plot_contours` is given, once: the loss's form, the ranges, the labels, the point, the levels (a
    count, or the heights as a tensor) and the grid."""
    check_function(loss, "loss", "lambda p: (p**2).sum(-1)")
    try:
        required = [q for q in inspect.signature(loss).parameters.values()
                    if q.default is q.empty and q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):  # a builtin or a C function: no signature to read
        required = []
    if len(required) > 1:
        raise TypeError(f"loss must take one tensor p whose last dimension holds the two parameters; yours takes "
                        f"{len(required)} ({', '.join(q.name for q in required)}): write it as lambda p: "
                        f"loss(p[..., 0], p[..., 1])")
    xlim, ylim, n = check_range(xlim, "xlim"), check_range(ylim, "ylim"), count(n, "n", 2)
    check_memory(64 * n * n, f"a grid of {n:,} × {n:,} points", "ask for fewer (n=150 draws smooth lines)")
    if not (isinstance(names, tuple | list) and len(names) == 2):
        raise ValueError(f"names must be two labels, one per axis, like ('a', 'c'), got {names!r}")
    if bottom is not None:
        bottom = check_finite(as_float_tensor(bottom, "bottom"), "bottom").detach().reshape(-1).tolist()
        if len(bottom) != 2:
            raise ValueError(f"bottom must be the lowest point's two coordinates (x, y), got {len(bottom)} "
                             f"number{'s' if len(bottom) != 1 else ''}")
    if isinstance(levels, Sequence | Tensor | np.ndarray) and not isinstance(levels, str):
        levels = check_finite(as_float_tensor(levels, "levels", torch.float64), "levels").detach().double()
    elif isinstance(levels, bool) or not isinstance(levels, numbers.Integral) or not 2 <= levels <= 1000:
        raise ValueError(f"levels must be a whole number from 2 to 1,000 (how many heights to space out, one line "
                         f"fewer), or a list of heights as plt.contour takes; got {levels!r}")
    return xlim, ylim, n, [str(v) for v in names], bottom, levels


def _heights(z: Tensor, levels: int | Tensor, xlim, ylim) -> Tensor:
    """The contour heights: `levels - 1` spaced geometrically above the lowest loss, or the heights given (those
    within the loss's range); a loss with nothing to draw is refused, or warned of."""
    finite = z[torch.isfinite(z)]
    if len(finite) == 0:
        raise ValueError(f"loss is NaN or infinite at every point of xlim={xlim}, ylim={ylim}, so there is nothing "
                         "to draw: check it at one point, like loss(torch.zeros(2))")
    lowest, highest = float(finite.min()), float(finite.max())
    if isinstance(levels, Tensor):
        given = levels.reshape(-1).unique()  # sorted, as plt.contour needs them
        heights = given[(given >= lowest) & (given <= highest)]
        if len(heights) == 0:
            warn(f"none of the levels lies within the loss's range on this window ({lowest:.4g} to {highest:.4g}), "
                 "so no contour line is drawn: pick heights in that range")
        return heights
    if highest == lowest:
        warn(f"loss is {lowest:.4g} at every point of xlim={xlim}, ylim={ylim}, so there are no contour lines to "
             "draw: does it use p? (it must compute from p[..., 0] and p[..., 1])")
        return torch.empty(0, dtype=torch.float64)
    return lowest + (highest - lowest) * torch.logspace(-4, 0, levels, dtype=torch.float64)[:-1]


@_adds_to_axes
def plot_path(ax: Axes | None, path: Tensor, label: str, color: str = "C1", diverged: bool = False,
              lw: float | None = None, alpha: float = 1.0) -> Axes:
    """Draw a descent path of two parameters (one row per step) on `ax` (None: the current axes): a line, the start
    as a square, the end as a star (or, for a run that `diverged`, a red cross). Long paths get thinner lines unless
    `lw` says otherwise; `alpha` below 1 fades the line (not the start and end marks), so a dense path does not hide
    the map.

    >>> ax = plot_path(plt.subplots()[1], torch.tensor([[1.0, 1], [0, 0]]), "GD")
    >>> ax.lines[0].get_xydata().tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    path = check_not_empty(as_float_tensor(path, "path").detach(), "path", "a path holds at least its start")
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have one row of two parameters per step, shape (steps, 2), got "
                         f"{tuple(path.shape)}" + ("; for a path of one number use plot_descent_path"
                                                   if path.ndim == 1 else ""))
    p = _np(path)
    ax.plot(p[:, 0], p[:, 1], "-", marker="o" if len(p) <= 60 else None, ms=3,
            lw=lw if lw is not None else 1.2 if len(p) <= 200 else 0.6, color=color, label=label, zorder=3, alpha=alpha)
    ax.plot(p[:1, 0], p[:1, 1], "s", color=color, ms=6, zorder=4)
    ax.plot(p[-1:, 0], p[-1:, 1], "X" if diverged else "*", color=RED if diverged else color, ms=11, zorder=4)
    return ax
