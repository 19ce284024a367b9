"""Interactive explorers: sliders that redraw a figure in place, on ipywidgets 7.7 and 8.

An explorer shows two outputs. The controls are a widget; in a notebook
without a live kernel (GitHub, nbviewer) they show as one line of text. The
figure is an ordinary PNG output that the explorer renders itself and
*updates in place* (IPython's `display_id`), so a static page still shows the
default state as a picture. Each output's text is deterministic (the settings;
the status line), so nbval checks the default state in words.

Redrawing is kept fast: fixed margins instead of tight layout, titles at a
fixed height (matplotlib would otherwise re-measure tick labels to dodge
them), one Agg render per update encoded straight to PNG, and no minor-tick
labels on log axes (`make bench` measures it).
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable

import ipywidgets as widgets
import PIL.Image
import torch
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ._checks import as_float_tensor, check_finite, check_lr, check_same_shape
from .closed_form import max_stable_lr
from .models import polynomial, quadratic, sse
from .plots import plot_descent_path, plot_loss, show_preds
from .training import descent_path, fit

__all__ = ["Explorer", "descent_explorer", "coaster_explorer", "scaling_explorer"]

Draw = Callable[..., tuple[str, bool]]


class Explorer:
    """Sliders plus a figure; moving a slider calls `draw(fig, **values)` and redraws.

    `draw` returns a one-line status and whether the state is sound; when it is
    not (say, the descent diverged) the status is shown in red.

    >>> ex = Explorer(lambda fig, k: (f"k is {k}", k < 5), k=widgets.IntSlider(value=2, max=10))
    >>> ex.set(k=7); ex.message, ex.ok
    ('k is 7', False)
    """

    def __init__(
        self,
        draw: Draw,
        figsize: tuple[float, float] = (9, 3.4),
        margins: dict | None = None,
        **controls: widgets.ValueWidget,
    ):
        if not controls:
            raise ValueError("an explorer needs at least one control")
        self.controls = controls
        self._draw = draw
        self.fig = Figure(figsize=figsize, dpi=100)
        self._canvas = FigureCanvasAgg(self.fig)
        self._margins = margins or {"left": 0.1, "right": 0.97, "bottom": 0.14, "top": 0.9}
        self.status = widgets.HTML()
        self.message, self.ok = "", True
        self._handle = None
        self._holding = False
        for w in controls.values():
            w.continuous_update = False  # one redraw per release, not dozens per drag (matters on Colab)
            w.observe(self._changed, names="value")
        self.box = widgets.VBox([widgets.HBox(list(controls.values()), layout={"flex_flow": "row wrap"}), self.status])
        self.update()

    @property
    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def set(self, **values) -> None:
        """Move controls programmatically, as a learner would with the mouse; redraws once at the end."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise KeyError(f"no control named {unknown[0]!r}; the controls are {sorted(self.controls)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.update()

    def _changed(self, _change) -> None:
        if not self._holding:
            self.update()

    def update(self) -> None:
        """Redraw the figure from the current values and push it to the notebook, if shown."""
        self.fig.clear()  # this also resets the margins, so set them again
        self.fig.subplots_adjust(**self._margins)
        self.message, self.ok = self._draw(self.fig, **self.values)
        color = "inherit" if self.ok else "#c0392b"
        self.status.value = f'<span style="color:{color}">{html.escape(self.message)}</span>'
        if self._handle is not None:
            self._handle.update(self._figure_bundle(), raw=True)

    def _figure_bundle(self) -> dict:
        """The figure as one PNG render, with the status line as its text."""
        self._canvas.draw()
        image = PIL.Image.frombuffer("RGBA", self._canvas.get_width_height(), self._canvas.buffer_rgba())
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return {"image/png": base64.b64encode(buf.getvalue()).decode("ascii"), "text/plain": self.message}

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={_fmt(v)}" for k, v in self.values.items())
        return f"Explorer({settings}): move the sliders in a live notebook (Jupyter or Colab)"

    def _ipython_display_(self) -> None:
        # The controls' bundle is built here (not by ipywidgets) so that its text is
        # our own repr, identical under ipywidgets 7 and 8; the figure follows as an image.
        view = {"version_major": 2, "version_minor": 0, "model_id": self.box.model_id}
        display({"text/plain": repr(self), "application/vnd.jupyter.widget-view+json": view}, raw=True)
        self._handle = display(self._figure_bundle(), raw=True, display_id=True)


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _check_start(name: str, value: float, lo: float, hi: float) -> None:
    # A slider would silently clamp an out-of-range start; say so instead.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}] (the slider's range), got {value!r}")


def _log_slider(value: float, lo: float, hi: float, description: str) -> widgets.FloatLogSlider:
    check_lr(value, description)
    _check_start(description, value, lo, hi)
    return widgets.FloatLogSlider(
        value=value, base=10, min=math.log10(lo), max=math.log10(hi), step=0.05, description=description,
        readout_format=".2g",
    )


def descent_explorer(
    f: Callable[[torch.Tensor], torch.Tensor] = lambda x: x**2, x0: float = -1.5, lr: float = 0.1, steps: int = 10
) -> Explorer:
    """Gradient descent on a curve: learning rate, start and number of steps on sliders.

    >>> ex = descent_explorer()
    >>> ex.set(lr=0.5); ex.message
    'after 10 steps: x = 0, f(x) = 0'
    """

    def draw(fig: Figure, lr: float, x0: float, steps: int) -> tuple[str, bool]:
        xs = descent_path(f, x0, lr, steps)
        ax = fig.add_subplot()
        limit = 2 * max(abs(x0), 0.5)
        shown = xs[: int((xs.abs() <= limit).long().cumprod(0).sum())]
        plot_descent_path(f, shown, ax=ax, span=limit)
        ax.set_title(f"lr = {lr:.2g}, {steps} steps from x = {x0:g}", y=1.0)
        ax.set_ylim(top=float(f(torch.tensor(limit))) * 1.05)
        if len(shown) < len(xs) or len(xs) < steps + 1:
            left = len(shown) - 1
            return f"diverged: x left [-{limit:g}, {limit:g}] after {left} steps; lower the learning rate", False
        x = float(xs[-1])
        return f"after {steps} steps: x = {x:.4g}, f(x) = {float(f(xs[-1])):.4g}", True

    _check_start("x0", x0, -2, 2)
    _check_start("steps", steps, 1, 50)
    return Explorer(
        draw,
        figsize=(6, 3.6),
        margins={"left": 0.11, "right": 0.96, "bottom": 0.14, "top": 0.9},
        lr=_log_slider(lr, 1e-3, 1.5, "lr"),
        x0=widgets.FloatSlider(value=x0, min=-2, max=2, step=0.1, description="start x"),
        steps=widgets.IntSlider(value=steps, min=1, max=50, description="steps"),
    )


def coaster_explorer(
    time: torch.Tensor,
    speed: torch.Tensor,
    lr: float = 1e-5,
    steps: int = 10,
    start: tuple[float, float, float] = (-0.8, -0.8, 1.4),
) -> Explorer:
    """The roller-coaster fit: learning rate, number of steps and the starting quadratic on sliders.

    Left: the data and the quadratic after the last step. Right: the loss at every step.

    >>> from sgd_helpers import roller_coaster
    >>> ex = coaster_explorer(*roller_coaster())
    >>> ex.set(lr=1e-3); ex.ok
    False
    """

    def draw(fig: Figure, lr: float, steps: int, a: float, b: float, c: float) -> tuple[str, bool]:
        run = fit(quadratic, torch.tensor([a, b, c]), time, speed, lr=lr, steps=steps)
        left, right = fig.subplots(1, 2)
        show_preds(quadratic(time, run.params).clamp(-1e4, 1e4), time, speed, ax=left)
        finite = run.losses[torch.isfinite(run.losses)]
        plot_loss(finite, ax=right, log=True)
        right.yaxis.set_minor_formatter(NullFormatter())
        left.set_title(f"after {run.steps} steps at lr = {lr:.2g}", y=1.0)
        right.set_title("loss (MSE), log scale", y=1.0)
        if run.diverged:
            return f"diverged: the loss grew to {finite[-1]:.3g} by step {run.steps}; lower the learning rate", False
        p = ", ".join(f"{v:.3g}" for v in run.params.tolist())
        return f"after {steps} steps: loss = {run.losses[-1]:.5g}, (a, b, c) = ({p})", True

    time, speed = (check_finite(as_float_tensor(v, n), n) for v, n in ((time, "time"), (speed, "speed")))
    check_same_shape(time, speed, "time", "speed")
    if len(start) != 3:
        raise ValueError(f"start must be three numbers (a, b, c), got {len(start)}")
    for name, value, (lo, hi) in zip("abc", start, [(-2, 2), (-20, 20), (-50, 100)], strict=True):
        _check_start(f"start {name}", value, lo, hi)
    _check_start("steps", steps, 1, 200)
    return Explorer(
        draw,
        margins={"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.22},
        lr=_log_slider(lr, 1e-7, 1e-3, "lr"),
        steps=widgets.IntSlider(value=steps, min=1, max=200, description="steps"),
        a=widgets.FloatSlider(value=start[0], min=-2, max=2, step=0.0001, description="start a"),
        b=widgets.FloatSlider(value=start[1], min=-20, max=20, step=0.0001, description="start b"),
        c=widgets.FloatSlider(value=start[2], min=-50, max=100, step=0.0001, description="start c"),
    )


def scaling_explorer(
    x: torch.Tensor, y: torch.Tensor, scale: float = 1.0, lr: float = 1e-7, steps: int = 200,
    start: tuple[float, float, float] = (1.0, 2.0, 3.0),
) -> Explorer:
    """Fit a quadratic by plain gradient descent on SSE with the input divided by `scale`.

    Left: the loss at each step. Right: `c` at each step (its target is the
    least-squares `c`). The status gives the largest stable learning rate for
    the current scale, `2 / λ_max`, so a learner can see both knobs interact.

    >>> from sgd_helpers import five_x_squared
    >>> ex = scaling_explorer(*five_x_squared())
    >>> ex.set(scale=20.0, lr=0.01); ex.ok
    True
    """
    x, y = (check_finite(as_float_tensor(v, n), n).detach().float() for v, n in ((x, "x"), (y, "y")))
    check_same_shape(x, y, "x", "y")
    _check_start("scale", scale, 1, 100)
    _check_start("steps", steps, 1, 500)

    def draw(fig: Figure, scale: float, lr: float, steps: int) -> tuple[str, bool]:
        xs = x / scale
        limit = max_stable_lr(xs, 2, sse)
        # the same quadratic, written in the scaled input: a' = a s², b' = b s, c' = c
        p0 = torch.tensor([start[0] * scale**2, start[1] * scale, start[2]])
        run = fit(polynomial, p0, xs, y, lr=lr, steps=steps, loss=sse)
        cs = run.history[:, 2].tolist()
        left, right = fig.subplots(1, 2)
        finite = run.losses[torch.isfinite(run.losses)]
        plot_loss(finite, ax=left, log=True)
        left.yaxis.set_minor_formatter(NullFormatter())
        left.set_title(f"SSE, input / {scale:g}, lr = {lr:.2g}", y=1.0)
        right.plot(range(len(cs)), cs, color="C2")
        right.axhline(0.0, color="gray", lw=0.8, ls="--")
        right.set_xlabel("step")
        right.set_title("c at each step (target 0)", y=1.0)
        if run.diverged:
            return f"diverged: lr = {lr:.2g} is above this scale's limit 2/λmax = {limit:.3g}", False
        loss = float(run.losses[-1])
        return f"after {steps} steps: SSE = {loss:.4g}, c = {cs[-1]:.4g}; stable below lr = {limit:.3g}", True

    return Explorer(
        draw,
        margins={"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.22},
        scale=widgets.FloatLogSlider(value=scale, base=10, min=0, max=2, step=0.05, description="x divided by",
                                     readout_format=".3g"),
        lr=_log_slider(lr, 1e-9, 1.0, "lr"),
        steps=widgets.IntSlider(value=steps, min=1, max=500, description="steps"),
    )
