"""Plots: functions, tangents, predictions against data, descent paths and loss curves.

Every function draws on the axes it is given (or on a new figure) and returns
the axes, so cells can add to a picture and end with `plt.show()`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
from torch import Tensor

from ._checks import as_float_tensor, check_finite, check_same_shape, number

__all__ = ["plot_function", "plot_tangent", "show_preds", "plot_descent_path", "plot_loss", "log_scale",
           "plot_contours", "plot_path"]


RED = "#c0392b"


def _np(x: Tensor):
    return x.detach().cpu().numpy()


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
    if not (math.isfinite(number(min, "min")) and math.isfinite(number(max, "max")) and min < max):
        raise ValueError(f"expected min < max, got min={min!r}, max={max!r}")
    x = torch.linspace(min, max, 100)
    y = f(x)
    if not isinstance(y, Tensor) or y.shape != x.shape:
        raise ValueError("f must map a 1-D tensor to a tensor of the same shape (elementwise)")
    if ax is None:
        ax = plt.subplots(figsize=figsize)[1]
    ax.plot(_np(x), _np(y))
    if tx is not None:
        ax.set_xlabel(tx)
    if ty is not None:
        ax.set_ylabel(ty)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_tangent(ax: Axes, f: Callable[[Tensor], Tensor], x0: float, width: float = 1.0, label: bool = True) -> float:
    """Draw the tangent to `f` at `x0` (slope from autograd) and return the slope.

    The line spans `x0 ± width/2`; with `label`, the slope is written beside the point.

    >>> ax = plot_function(lambda x: x**2)
    >>> plot_tangent(ax, lambda x: x**2, 1.0)
    2.0
    """
    if not math.isfinite(float(x0)) or not (width > 0):
        raise ValueError(f"x0 must be a finite number and width positive, got x0={x0!r}, width={width!r}")
    x = torch.tensor(float(x0), requires_grad=True)
    y = f(x)
    if not isinstance(y, Tensor) or y.numel() != 1:
        raise ValueError("f must return a single number at a single point")
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
    if not (ylim is None or ylim == "fit" or (isinstance(ylim, tuple | list) and len(ylim) == 2)):
        raise ValueError(f"ylim must be 'fit', None or a pair (bottom, top), got {ylim!r}")
    if ax is None:
        ax = plt.subplots()[1]
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
    xs = check_finite(as_float_tensor(xs, "xs"), "xs").detach().reshape(-1)
    if span is None:
        span = max(1.0, float(xs.abs().max()) * 1.1)
    grid = torch.linspace(-span, span, 200)
    if ax is None:
        ax = plt.subplots(figsize=(5, 3.5))[1]
    ax.plot(_np(grid), _np(f(grid)), color="lightgray", zorder=1, label="f")
    ys = f(xs)
    ax.plot(_np(xs), _np(ys), "-o", ms=4, lw=1, color="C1", zorder=2, label="steps")
    ax.plot(_np(xs[:1]), _np(ys[:1]), "s", color="C3", ms=7, zorder=3, label="start")
    last = dict(marker="X", color=RED, label=f"step {len(xs) - 1}: flying off") if diverged else \
        dict(marker="*", color="C2", label=f"after {len(xs) - 1} steps")
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

    >>> ax = plot_loss([4.0, 2.0, 1.0])
    >>> ax.lines[0].get_xydata().tolist()
    [[0.0, 4.0], [1.0, 2.0], [2.0, 1.0]]
    """
    values = as_float_tensor(getattr(losses, "losses", losses), "losses").detach().double().reshape(-1)
    check_finite(values, "losses (a diverged run? plot its finite part)")
    if len(values) == 0:
        raise ValueError("losses is empty: there is nothing to plot (did the run record its losses?)")
    if ax is None:
        ax = plt.subplots(figsize=(5, 3))[1]
    ax.plot(range(len(values)), _np(values), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    return log_scale(ax, values) if log else ax


def plot_contours(
    loss: Callable[[Tensor], Tensor], xlim: tuple[float, float], ylim: tuple[float, float], ax: Axes | None = None,
    names: tuple[str, str] = ("x", "y"), bottom: Tensor | Sequence[float] | None = None, levels: int = 14,
    n: int = 150,
) -> Axes:
    """Contour lines of a loss of two parameters over `xlim` × `ylim`, with its lowest point, if given, marked `+`.

    `loss` maps a tensor whose last dimension holds the two parameters to one loss each. The levels are spaced
    geometrically above the grid's lowest value, so a narrow valley shows its floor as well as its walls.

    >>> ax = plot_contours(lambda p: (p**2).sum(-1), (-1, 1), (-1, 1), bottom=(0, 0))
    >>> ax.get_xlabel(), len(ax.collections) > 0, ax.lines[0].get_label()
    ('x', True, 'lowest point')
    """
    xs, ys = torch.linspace(*xlim, n, dtype=torch.float64), torch.linspace(*ylim, n, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), -1)
    z = loss(grid.float()).detach().double()
    if z.shape != grid.shape[:-1]:
        raise ValueError(f"loss must map points of shape (..., 2) to one loss each; got {tuple(z.shape)} for a grid "
                         f"of {tuple(grid.shape)}")
    lowest, highest = float(z.min()), float(z.max())
    heights = lowest + (highest - lowest) * torch.logspace(-4, 0, levels, dtype=torch.float64)[:-1]
    if ax is None:
        ax = plt.subplots(figsize=(5, 4))[1]
    ax.contour(_np(xs), _np(ys), _np(z), levels=_np(heights), colors="0.6", linewidths=0.7, zorder=1)
    if bottom is not None:
        b = as_float_tensor(bottom, "bottom").detach().reshape(-1).tolist()
        ax.plot(b[0], b[1], "+", color="k", ms=12, mew=2, zorder=5, label="lowest point")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


def plot_path(ax: Axes, path: Tensor, label: str, color: str = "C1", diverged: bool = False, lw: float | None = None,
              alpha: float = 1.0) -> Axes:
    """Draw a descent path of two parameters (one row per step) on `ax`: a line, the start as a square, the end as
    a star (or, for a run that `diverged`, a red cross). Long paths get thinner lines unless `lw` says otherwise;
    `alpha` below 1 fades the line (not the start and end marks), so a dense path does not hide the map.

    >>> ax = plot_path(plt.subplots()[1], torch.tensor([[1.0, 1], [0, 0]]), "GD")
    >>> ax.lines[0].get_xydata().tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    path = as_float_tensor(path, "path").detach()
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"path must have one row of two parameters per step, shape (steps, 2), got "
                         f"{tuple(path.shape)}" + ("; for a path of one number use plot_descent_path"
                                                   if path.ndim == 1 else ""))
    p = _np(path)
    ax.plot(p[:, 0], p[:, 1], "-", marker="o" if len(p) <= 60 else None, ms=3,
            lw=lw if lw is not None else 1.2 if len(p) <= 200 else 0.6, color=color, label=label, zorder=3, alpha=alpha)
    ax.plot(p[:1, 0], p[:1, 1], "s", color=color, ms=6, zorder=4)
    ax.plot(p[-1:, 0], p[-1:, 1], "X" if diverged else "*", color=RED if diverged else color, ms=11, zorder=4)
    return ax
