"""The explorers' still pictures: what an explorer shows for one setting, drawn with matplotlib from the numbers
PyTorch computed for it (`Explorer.result`).

An explorer's HTML copy carries its picture for the pages that strip scripts (a notebook JupyterLab does not trust
yet, GitHub's preview); everywhere else the page draws it (sgd_helpers/explorer.js), with the same titles.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from matplotlib.figure import Figure

from ._format import fmt, n_steps
from .models import quadratic
from .plots import plot_contours, plot_descent_path, plot_loss, plot_path, show_preds

METHOD_NAMES = {"gd": "gradient descent", "momentum": "momentum", "adam": "Adam"}


def descent(f: Callable, fig: Figure, result: dict, x0: float, lr: float, steps: int) -> None:
    """Descent on a curve: the curve, the steps inside the window, the start and the end (or where it flew off)."""
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    ax = fig.add_subplot()
    limit = 2 * max(abs(x0), 0.5)
    plot_descent_path(f, result["path"][: result["shown"]], ax=ax, span=limit, diverged=result["diverged"])
    ax.set_title(f"lr = {fmt(lr)}, {n_steps(steps)} from x = {fmt(x0)}", y=1.0)
    top = float(f(torch.tensor([-limit, limit])).max())
    if top > 0:
        ax.set_ylim(top=top * 1.05)
    ax.legend(loc="upper center", fontsize=8, ncols=4)


def _two_panels(fig: Figure) -> tuple:
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.22)
    return fig.subplots(1, 2)


def coaster(time: torch.Tensor, speed: torch.Tensor, fig: Figure, result: dict, lr: float, **_) -> None:
    """The roller-coaster fit: the data and the last quadratic; the loss at every step."""
    left, right = _two_panels(fig)
    show_preds(quadratic(time, result["params"][-1]).clamp(-1e4, 1e4), time, speed, ax=left)
    losses = result["losses"]
    plot_loss(losses[torch.isfinite(losses)], ax=right, log=True)
    left.set_title(f"after {n_steps(len(losses) - 1)} at lr = {fmt(lr)}", y=1.0)
    right.set_title("loss (MSE), log scale", y=1.0)


def scaling(fig: Figure, result: dict, scale: float, lr: float, **_) -> None:
    """The scaled input: SSE at every step; `c` at every step against its target 0."""
    left, right = _two_panels(fig)
    losses, cs = result["losses"], result["params"][:, 2].tolist()
    plot_loss(losses[torch.isfinite(losses)], ax=left, log=True)
    left.set_title(f"SSE, input / {fmt(scale)}, lr = {fmt(lr)}", y=1.0)
    right.plot(range(len(cs)), cs, color="C2")
    right.axhline(0.0, color="gray", lw=0.8, ls="--")
    right.set_xlabel("step")
    right.set_title("c at each step (target 0)", y=1.0)


def surface(loss: Callable, xlim: tuple, ylim: tuple, names: tuple, minimum: torch.Tensor, lowest: float,
            fig: Figure, result: dict, method: str, lr: float, beta: float, steps: int, **_) -> None:
    """A bowl of two parameters: the path on the contours; the loss above the lowest possible at every step."""
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.91, wspace=0.25)
    left, right = fig.subplots(1, 2, width_ratios=[1.25, 1])
    plot_contours(loss, xlim, ylim, ax=left, names=names, bottom=minimum)
    path, losses = result["path"], result["losses"]
    shown = path[((path[:, 0] - sum(xlim) / 2).abs() <= 2 * (xlim[1] - xlim[0]))
                 & ((path[:, 1] - sum(ylim) / 2).abs() <= 2 * (ylim[1] - ylim[0]))]
    plot_path(left, shown if len(shown) else path[:1], METHOD_NAMES[method], diverged=result["diverged"])
    what = f"momentum β = {fmt(beta)}" if method == "momentum" else METHOD_NAMES[method]
    left.set_title(f"{what}, lr = {fmt(lr)}, {n_steps(steps)}", y=1.0)
    left.legend(loc="upper right", fontsize=8)
    excess = (losses - lowest)[torch.isfinite(losses)].clamp(1e-9 * max(abs(lowest), 1.0), 1e30)
    plot_loss(excess, ax=right, log=True)
    right.set_ylabel("loss above the lowest")
    right.set_title("loss above the lowest possible, log scale", y=1.0)
