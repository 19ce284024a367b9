"""The explorers' still pictures: what an explorer shows for one setting, drawn with matplotlib from the numbers
PyTorch computed for it (`Explorer.result`).

An explorer's HTML copy carries its picture for the pages that strip scripts (a notebook JupyterLab does not trust
yet, GitHub's preview); everywhere else the page draws it (sgd_helpers/explorer.js), with the same titles and
constants, which both read from explorers.json.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from matplotlib.figure import Figure

from ._format import fmt, n_steps
from ._spec import SPEC
from .models import quadratic
from .plots import plot_contours, plot_descent_path, plot_loss, plot_path, show_preds


def descent(f: Callable, fig: Figure, result: dict, x0: float, lr: float, steps: int) -> None:
    """Descent on a curve: the curve, the steps inside the window, the start and the end (or where it flew off)."""
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    ax = fig.add_subplot()
    limit = result["window"]
    plot_descent_path(f, result["path"][: result["shown"]], ax=ax, span=limit, diverged=result["diverged"])
    ax.set_title(SPEC["descent"]["title"].format(lr=fmt(lr), steps=n_steps(steps), x0=fmt(x0)), y=1.0)
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
    clamp = SPEC["coaster"]["clamp"]
    show_preds(quadratic(time, result["params"][-1]).clamp(-clamp, clamp), time, speed, ax=left)
    losses = result["losses"]
    plot_loss(losses[torch.isfinite(losses)], ax=right, log=True)
    titles = SPEC["coaster"]["titles"]
    left.set_title(titles[0].format(steps=n_steps(len(losses) - 1), lr=fmt(lr)), y=1.0)
    right.set_title(titles[1], y=1.0)


def scaling(fig: Figure, result: dict, scale: float, lr: float, **_) -> None:
    """The scaled input: SSE at every step; `c` at every step against its target 0."""
    left, right = _two_panels(fig)
    losses, cs = result["losses"], result["params"][:, 2].tolist()
    plot_loss(losses[torch.isfinite(losses)], ax=left, log=True)
    titles = SPEC["scaling"]["titles"]
    left.set_title(titles[0].format(scale=fmt(scale), lr=fmt(lr)), y=1.0)
    right.plot(range(len(cs)), cs, color="C2")
    right.axhline(0.0, color="gray", lw=0.8, ls="--")
    right.set_xlabel("step")
    right.set_title(titles[1], y=1.0)


def surface(loss: Callable, xlim: tuple, ylim: tuple, names: tuple, minimum: torch.Tensor, lowest: float,
            fig: Figure, result: dict, method: str, lr: float, beta: float, steps: int, **_) -> None:
    """A bowl of two parameters: the path on the contours; the loss above the lowest possible at every step."""
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.91, wspace=0.25)
    left, right = fig.subplots(1, 2, width_ratios=[1.25, 1])
    plot_contours(loss, xlim, ylim, ax=left, names=names, bottom=minimum)
    path, losses, said = result["path"], result["losses"], SPEC["surface"]
    spans = said["window_spans"]  # the path is drawn while this many of the window's widths from its centre
    shown = path[((path[:, 0] - sum(xlim) / 2).abs() <= spans * (xlim[1] - xlim[0]))
                 & ((path[:, 1] - sum(ylim) / 2).abs() <= spans * (ylim[1] - ylim[0]))]
    plot_path(left, shown if len(shown) else path[:1], said["methods"][method], diverged=result["diverged"])
    what = said["momentum_title"].format(beta=fmt(beta)) if method == "momentum" else said["methods"][method]
    left.set_title(said["titles"][0].format(what=what, lr=fmt(lr), steps=n_steps(steps)), y=1.0)
    left.legend(loc="upper right", fontsize=8)
    floor = said["excess_floor"] * max(abs(lowest), 1.0)
    excess = (losses - lowest)[torch.isfinite(losses)].clamp(floor, said["loss_cap"])
    plot_loss(excess, ax=right, log=True)
    right.set_ylabel(said["loss_label"])
    right.set_title(said["titles"][1], y=1.0)
