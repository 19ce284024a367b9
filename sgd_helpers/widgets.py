"""Interactive explorers: controls that redraw a figure in place, on ipywidgets 7.7 and 8.

An explorer shows two outputs. The controls are a widget; on a page without a live kernel (GitHub, nbviewer) they
show as one line of text. The figure is an ordinary PNG output that the explorer renders itself and *updates in
place* (IPython's `display_id`), so a static page still shows the default state as a picture. Each output's text
is deterministic (the settings; the status line), so nbval checks the default state in words.

Every control moves through a fixed list of values a learner can feel, shown in one format (`1e-5`, `3e-5`, `0.05`):
learning rates on a log scale (1, 2, 3, 4, 5 and 7 times each power of ten), starts on an even grid that includes
the notebook's own start. The status line turns red as soon as a learner would call the run diverging: the loss
ends above where it started and is still growing (or overflowed); it then names the largest stable learning rate.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import torch
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._checks import as_float_tensor, call_learner, check_finite, check_function, check_same_shape, number
from .closed_form import max_stable_lr
from .models import polynomial, quadratic, sse
from .plots import RED, plot_contours, plot_descent_path, plot_loss, plot_path, show_preds
from .training import descent_path, diverging, fit

__all__ = ["Explorer", "descent_explorer", "coaster_explorer", "scaling_explorer", "surface_explorer", "fmt",
           "lr_options", "grid"]

Draw = Callable[..., tuple]  # (status line, sound?) or (status line, sound?, what it computed)


def fmt(v: float) -> str:
    """The course's one format for a control's value: `3e-5`, `0.05`, `1.05`, `200`.

    >>> [fmt(v) for v in (3e-5, 1.5e-7, 0.05, 1.05, 200.0, -0.7658)]
    ['3e-5', '1.5e-7', '0.05', '1.05', '200', '-0.7658']
    """
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        mantissa, exponent = f"{v:.2e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{v:.6g}"


def lr_options(lo: float, hi: float) -> list[float]:
    """Learning rates 1, 2, 3, 4, 5 and 7 times each power of ten, from `lo` to `hi`.

    >>> [fmt(v) for v in lr_options(1e-5, 1e-4)]
    ['1e-5', '2e-5', '3e-5', '4e-5', '5e-5', '7e-5', '1e-4']
    """
    values = [float(f"{m}e{k}") for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
              for m in (1, 2, 3, 4, 5, 7)]
    return [v for v in values if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]


def grid(lo: float, hi: float, step: float, *also: float) -> list[float]:
    """An even grid from `lo` to `hi`, plus the values in `also` (a notebook's own start), sorted.

    >>> grid(-1, 1, 0.5, 0.3)
    [-1.0, -0.5, 0.0, 0.3, 0.5, 1.0]
    """
    n = round((hi - lo) / step)
    return sorted({round(lo + i * step, 10) for i in range(n + 1)} | {float(v) for v in also})


def _choice(description: str, options: Sequence[float], value: float) -> widgets.SelectionSlider:
    slider = widgets.SelectionSlider(options=[(fmt(v), v) for v in options], description=description)
    slider.value = _check_value(description, slider, value)
    return slider


def _check_value(name: str, control: widgets.ValueWidget, value):
    """`value` as the control holds it; an error if the control cannot show it (a slider would clamp it, silently)."""
    if isinstance(control, (widgets.SelectionSlider, widgets.ToggleButtons)):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if not isinstance(value, bool) and value in values:
            return values[values.index(value)]
        labels = [fmt(v) if isinstance(v, float) else repr(v) for v in values]
        shown = ", ".join(labels) if len(labels) <= 24 else f"{labels[0]} to {labels[-1]}"
        if len(labels) > 24 and isinstance(value, (int, float)) and not isinstance(value, bool):
            near = sorted(values, key=lambda v: abs(v - value))[:2]
            shown += f"; the nearest are {fmt(min(near))} and {fmt(max(near))}"
        raise ValueError(f"{name} must be one of the control's values ({shown}), got {value!r}")
    if isinstance(value, bool) or not isinstance(value, int) or not control.min <= value <= control.max:
        raise ValueError(f"{name} must be a whole number from {control.min} to {control.max} (the slider's range), "
                         f"got {value!r}")
    return value


def _n_steps(n: int) -> str:
    return f"{n} step{'' if n == 1 else 's'}"


def _steps(value: int, most: int) -> widgets.IntSlider:
    slider = widgets.IntSlider(min=1, max=most, description="steps")
    slider.value = _check_value("steps", slider, value)
    return slider


class Explorer:
    """Controls plus a figure; moving a control calls `draw(fig, **values)` and redraws.

    `draw` returns a one-line status and whether the state is sound; when it is not (say, the descent diverged)
    the status is shown in red. It may also return what it computed (a dict: the path, the losses), kept as
    `result`, so that a prompt is checked on the numbers, not on the drawing. `set(**values)` moves controls as a
    learner would, and refuses a value the control cannot show.

    >>> ex = Explorer(lambda fig, k: (f"k is {k}", k < 5), k=widgets.IntSlider(value=2, max=10))
    >>> ex.set(k=7); ex.message, ex.ok
    ('k is 7', False)
    """

    def __init__(self, draw: Draw, figsize: tuple[float, float] = (9, 3.4), margins: dict | None = None,
                 **controls: widgets.ValueWidget):
        if not controls:
            raise ValueError("an explorer needs at least one control")
        self.controls, self._draw = controls, draw
        self.fig = Figure(figsize=figsize, dpi=100)
        FigureCanvasAgg(self.fig)
        self._margins = margins or {"left": 0.1, "right": 0.97, "bottom": 0.14, "top": 0.9}
        self.status = widgets.HTML()
        self.message, self.ok, self.result, self._handle, self._holding = "", True, {}, None, False
        for control in controls.values():
            control.continuous_update = False  # one redraw per release, not dozens per drag (matters on Colab)
            control.style.description_width = "90px"
            control.layout.width = "auto"
            control.observe(self._changed, names="value")
        columns = "repeat(2, minmax(0, 1fr))" if len(controls) > 1 else "minmax(0, 1fr)"
        grid_box = widgets.GridBox(list(controls.values()),
                                   layout=widgets.Layout(grid_template_columns=columns, width="100%"))
        self.box = widgets.VBox([grid_box, self.status], layout=widgets.Layout(width="100%"))
        self.update()

    @property
    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values) -> None:
        """Move controls as a learner would; redraws once at the end. A value the control cannot show is an error."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise KeyError(f"no control named {unknown[0]!r}; the controls are {sorted(self.controls)}")
        checked = {name: _check_value(name, self.controls[name], value) for name, value in values.items()}
        self._holding = True
        try:
            for name, value in checked.items():
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
        drawn = self._draw(self.fig, **self.values)
        self.message, self.ok = drawn[:2]
        self.result = drawn[2] if len(drawn) > 2 else {}
        color = "inherit" if self.ok else RED
        self.status.value = f'<span style="color:{color}">{html.escape(self.message)}</span>'
        if self._handle is not None:
            self._handle.update(self._figure_bundle(), raw=True)

    def png(self) -> bytes:
        """The figure as PNG bytes, exactly as the notebook receives it."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        return buf.getvalue()

    def _figure_bundle(self) -> dict:
        """The figure as one PNG render, with the status line as its text."""
        return {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": self.message}

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={fmt(v) if isinstance(v, float) else v}" for k, v in self.values.items())
        return f"Explorer({settings}): move the controls in a live notebook (Jupyter or Colab)"

    def _ipython_display_(self) -> None:
        # The controls' bundle is built here (not by ipywidgets) so that its text is our own repr, identical under
        # ipywidgets 7 and 8; the figure follows as an image.
        view = {"version_major": 2, "version_minor": 0, "model_id": self.box.model_id}
        display({"text/plain": repr(self), "application/vnd.jupyter.widget-view+json": view}, raw=True)
        self._handle = display(self._figure_bundle(), raw=True, display_id=True)


def _curvature(f: Callable[[torch.Tensor], torch.Tensor], x0: float) -> float:
    x = torch.tensor(x0, requires_grad=True)
    (slope,) = torch.autograd.grad(f(x), x, create_graph=True)
    return float(torch.autograd.grad(slope, x)[0]) if slope.requires_grad else 0.0


DESCENT_LRS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05,
               1.1, 1.2, 1.5]


def descent_explorer(
    f: Callable[[torch.Tensor], torch.Tensor] = lambda x: x**2, x0: float = -1.5, lr: float = 0.1, steps: int = 10
) -> Explorer:
    """Gradient descent on a curve: start, learning rate and number of steps, as in `descent_path(f, x0, lr, steps)`.

    >>> ex = descent_explorer()
    >>> ex.set(lr=0.5); ex.message
    'after 10 steps: x = 0, f(x) = 0'
    """
    check_function(f, "f", "lambda x: x**2")
    x0 = number(x0, "x0")
    probe = call_learner(f, "f", torch.tensor([0.0, 1.0]))
    if not isinstance(probe, torch.Tensor) or probe.shape != (2,):
        raise ValueError("f must work number by number (elementwise), as lambda x: x**2 does: f(torch.tensor([0.0, "
                         f"1.0])) gave {tuple(probe.shape) if isinstance(probe, torch.Tensor) else probe!r}, not two "
                         "numbers")

    def draw(fig: Figure, x0: float, lr: float, steps: int) -> tuple[str, bool]:
        xs = descent_path(f, x0, lr, steps)
        heights = f(xs)
        result = {"path": xs, "f": heights}
        ax = fig.add_subplot()
        limit = 2 * max(abs(x0), 0.5)
        shown = xs[: int((xs.abs() <= limit).long().cumprod(0).sum())]
        diverged = len(xs) < steps + 1 or diverging(heights)
        plot_descent_path(f, shown, ax=ax, span=limit, diverged=diverged)
        ax.set_title(f"lr = {fmt(lr)}, {_n_steps(steps)} from x = {fmt(x0)}", y=1.0)
        top = float(f(torch.tensor([-limit, limit])).max())
        if top > 0:
            ax.set_ylim(top=top * 1.05)
        ax.legend(loc="upper center", fontsize=8, ncols=4)
        if len(shown) < len(xs) and not diverged and bool(heights[-1] < heights[0]):
            return (f"no minimum: x ran from {fmt(x0)} to {float(xs[-1]):.4g} while f(x) kept falling, to "
                    f"{float(heights[-1]):.4g}; this f has no lowest point that way, so descent never settles"), \
                False, result
        if diverged:
            curvature = _curvature(f, x0)
            limit_said = f"; stable only below lr = 2 / f''(x) = {fmt(2 / curvature)} here" if curvature > 0 else ""
            return (f"diverged: |x| grew from {fmt(abs(x0))} to {float(xs[-1].abs()):.3g} in {len(xs) - 1} steps"
                    f"{limit_said}"), False, result
        return f"after {_n_steps(steps)}: x = {float(xs[-1]):.4g}, f(x) = {float(heights[-1]):.4g}", True, \
            result

    return Explorer(
        draw,
        figsize=(6.4, 3.8),
        margins={"left": 0.1, "right": 0.97, "bottom": 0.13, "top": 0.9},
        x0=_choice("start x", grid(-2, 2, 0.1, x0), x0),
        lr=_choice("lr", DESCENT_LRS, lr),
        steps=_steps(steps, 50),
    )


def _three(start) -> tuple[float, float, float]:
    """A quadratic's start (a, b, c): three finite numbers."""
    if not isinstance(start, tuple | list) or len(start) != 3:
        raise ValueError(f"start must be three numbers (a, b, c), got {start!r}")
    return tuple(number(v, name) for v, name in zip(start, ("start a", "start b", "start c"), strict=True))


def coaster_explorer(
    time: torch.Tensor, speed: torch.Tensor, lr: float = 1e-5, steps: int = 10,
    start: tuple[float, float, float] = (-0.8, -0.8, 1.4),
) -> Explorer:
    """The roller-coaster fit: learning rate, number of steps and the starting quadratic, each on a slider.

    Left: the data and the quadratic after the last step. Right: the loss at every step.

    >>> from sgd_helpers import roller_coaster
    >>> ex = coaster_explorer(*roller_coaster())
    >>> ex.set(lr=1e-3); ex.ok
    False
    """
    time, speed = (check_finite(as_float_tensor(v, n), n) for v, n in ((time, "time"), (speed, "speed")))
    check_same_shape(time, speed, "time", "speed")
    start = _three(start)
    limit = max_stable_lr(time, 2)

    def draw(fig: Figure, lr: float, steps: int, a: float, b: float, c: float) -> tuple[str, bool]:
        run = fit(quadratic, torch.tensor([a, b, c]), time, speed, lr=lr, steps=steps)
        result = {"params": run.history, "losses": run.losses}
        left, right = fig.subplots(1, 2)
        show_preds(quadratic(time, run.params).clamp(-1e4, 1e4), time, speed, ax=left)
        finite = run.losses[torch.isfinite(run.losses)]
        if len(finite):  # an overflowing start has no finite loss to draw
            plot_loss(finite, ax=right, log=True)
        left.set_title(f"after {_n_steps(run.steps)} at lr = {fmt(lr)}", y=1.0)
        right.set_title("loss (MSE), log scale", y=1.0)
        if run.diverged or run.stop_reason == "overflow":
            return (f"diverged: the loss grew from {float(finite[0]):.5g} to {float(finite[-1]):.3g} in {run.steps} "
                    f"steps; lr = {fmt(lr)} is past the largest stable rate, 2 / λmax = {fmt(limit)}"), \
                False, result
        p = ", ".join(f"{v:.3g}" for v in run.params.tolist())
        return f"after {_n_steps(steps)}: loss = {float(run.losses[-1]):.5g}, (a, b, c) = ({p})", True, result

    return Explorer(
        draw,
        margins={"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.22},
        lr=_choice("lr", lr_options(1e-7, 1e-3), lr),
        steps=_steps(steps, 200),
        a=_choice("start a", grid(-2, 2, 0.05, start[0]), start[0]),
        b=_choice("start b", grid(-20, 20, 0.5, start[1]), start[1]),
        c=_choice("start c", grid(-50, 100, 1, start[2]), start[2]),
    )


def scaling_explorer(
    x: torch.Tensor, y: torch.Tensor, scale: float = 1.0, lr: float = 1e-7, steps: int = 200,
    start: tuple[float, float, float] = (1.0, 2.0, 3.0),
) -> Explorer:
    """Fit a quadratic by plain gradient descent on SSE with the input divided by `scale`.

    Left: the loss at each step. Right: `c` at each step (its target is the least-squares `c`). The status gives
    the largest stable learning rate for the current scale, `2 / λ_max`, so a learner sees both knobs interact.

    >>> from sgd_helpers import five_x_squared
    >>> ex = scaling_explorer(*five_x_squared())
    >>> ex.set(scale=20.0, lr=0.01); ex.ok
    True
    """
    x, y = (check_finite(as_float_tensor(v, n), n).detach().float() for v, n in ((x, "x"), (y, "y")))
    check_same_shape(x, y, "x", "y")
    start = _three(start)

    def draw(fig: Figure, scale: float, lr: float, steps: int) -> tuple[str, bool]:
        xs = x / scale
        limit = max_stable_lr(xs, 2, sse)
        # the same quadratic, written in the scaled input: a' = a s², b' = b s, c' = c
        p0 = torch.tensor([start[0] * scale**2, start[1] * scale, start[2]])
        run = fit(polynomial, p0, xs, y, lr=lr, steps=steps, loss=sse)
        result = {"params": run.history, "losses": run.losses}  # in the scaled input: a' = a s², b' = b s, c
        cs = run.history[:, 2].tolist()
        left, right = fig.subplots(1, 2)
        finite = run.losses[torch.isfinite(run.losses)]
        if len(finite):  # an overflowing start has no finite loss to draw
            plot_loss(finite, ax=left, log=True)
        left.set_title(f"SSE, input / {fmt(scale)}, lr = {fmt(lr)}", y=1.0)
        right.plot(range(len(cs)), cs, color="C2")
        right.axhline(0.0, color="gray", lw=0.8, ls="--")
        right.set_xlabel("step")
        right.set_title("c at each step (target 0)", y=1.0)
        if run.stop_reason == "overflow":
            return (f"overflow: the very first loss is {float(run.losses[0]):.3g}, before any step; the start "
                    f"{tuple(start)} is too far out for float32, whatever the learning rate: start nearer"), \
                False, result
        if run.diverged:
            return f"diverged: lr = {fmt(lr)} is above this scale's limit 2/λmax = {limit:.3g}", False, result
        loss = float(run.losses[-1])
        said = f"after {_n_steps(steps)}: SSE = {loss:.4g}, c = {cs[-1]:.4g}; stable below lr = {limit:.3g}"
        return said, True, result

    return Explorer(
        draw,
        margins={"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.22},
        scale=_choice("x divided by", [float(v) for v in (1, 2, 3, 5, 7, 10, 14, 20, 30, 40, 50, 70, 100)], scale),
        lr=_choice("lr", lr_options(1e-9, 1.0), lr),
        steps=_steps(steps, 500),
    )


def _nice(x: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most `x`."""
    power = 10 ** math.floor(math.log10(x))
    return max(m * power for m in (1, 2, 5) if m * power <= x * (1 + 1e-9))


def _bowl(loss: Callable[[torch.Tensor], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, float]:
    """The Hessian, the minimum and the lowest loss of a quadratic loss of two parameters (one Newton step).

    The loss is asked at float32 points, as a learner's function built on float32 data expects; the answers are
    kept in float64.
    """
    check_function(loss, "loss", "lambda p: (p**2).sum(-1)")
    here, there = torch.zeros(2), torch.ones(2)
    value = call_learner(loss, "loss", torch.zeros(3, 2))
    if not isinstance(value, torch.Tensor) or value.shape != (3,):
        raise ValueError("loss must map each point (the last dimension holds the two parameters) to one number, as "
                         "lambda p: (p**2).sum(-1) does; for three points it gave "
                         f"{tuple(value.shape) if isinstance(value, torch.Tensor) else value!r}, not three numbers")
    H = torch.autograd.functional.hessian(loss, here).double()
    if not torch.allclose(H, torch.autograd.functional.hessian(loss, there).double(), rtol=1e-4):
        raise ValueError("surface_explorer needs a bowl: a loss quadratic in its two parameters, whose curvature is "
                         "the same everywhere")
    curvatures = torch.linalg.eigvalsh(H)
    if not bool(curvatures[0] > 1e-12 * curvatures.abs().max()):
        bent = curvatures[0] < -1e-12 * curvatures.abs().max()
        shape = ("flat in some direction" if not bent else "a saddle" if curvatures[-1] > 0 else "a dome")
        raise ValueError("surface_explorer needs a bowl that curves upward in every direction; this loss's "
                         f"curvatures are {', '.join(f'{v:.3g}' for v in curvatures.tolist())} ({shape}), so it has "
                         "no lowest point for descent to reach")
    g = torch.autograd.functional.jacobian(loss, here).double()
    minimum = here.double() - torch.linalg.solve(H, g)
    return H, minimum, float(loss(minimum.float()))


def _span(lim, name: str) -> tuple[float, float]:
    """A plot range (low, high) of two finite numbers, low first."""
    if not (isinstance(lim, tuple | list) and len(lim) == 2):
        raise ValueError(f"{name} must be a pair (low, high), got {lim!r}")
    lo, hi = number(lim[0], f"{name}[0]"), number(lim[1], f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {lim!r}")
    return lo, hi


METHODS = [("gradient descent", "gd"), ("momentum", "momentum"), ("Adam", "adam")]


def _diverged_on_the_surface(losses: torch.Tensor, method: str, beta: float, lam_max: float) -> str:
    """The red status line of a diverged run on the surface: how far the loss grew, and the method's own limit."""
    limits = {"gd": f"gradient descent is stable only below lr = 2 / λmax = {fmt(2 / lam_max)}",
              "momentum": f"with momentum {fmt(beta)} it is stable only below lr = 2 (1 + β) / λmax = "
                          f"{fmt(2 * (1 + beta) / lam_max)}",
              "adam": "Adam's steps are about lr long, so lower it"}
    finite = losses[torch.isfinite(losses)]
    return (f"diverged: the loss grew from {float(losses[0]):.3g} to {float(finite[-1]):.3g} in "
            f"{_n_steps(len(finite) - 1)}; {limits[method]}")


def surface_explorer(
    loss: Callable[[torch.Tensor], torch.Tensor], xlim: tuple[float, float], ylim: tuple[float, float],
    names: tuple[str, str] = ("a", "c"), start: tuple[float, float] = (0.0, 0.0), method: str = "gd",
    lr: float = 3e-5, beta: float = 0.9, steps: int = 200,
) -> Explorer:
    """Descent on a bowl of two parameters, drawn over its contour lines: the optimiser, its learning rate, its
    momentum β (also Adam's first β), the number of steps and the start, each on a control.

    `loss` maps a tensor whose last dimension holds the two parameters to one loss each, and must be quadratic;
    its gradient is then known in closed form, `H (p - minimum)`, which keeps thousands of steps quick. Left: the
    path on the contours. Right: the loss above the lowest possible, at every step.

    >>> ex = surface_explorer(lambda p: (p[..., 0] ** 2 + 10 * p[..., 1] ** 2), (-2, 2), (-1, 1), ("x", "y"),
    ...                       start=(1.5, 0.5), lr=0.05, steps=50)
    >>> ex.set(lr=0.2); ex.ok, ex.message.split("; ")[1]
    (False, 'gradient descent is stable only below lr = 2 / λmax = 0.1')
    """
    xlim, ylim = (_span(v, n) for v, n in ((xlim, "xlim"), (ylim, "ylim")))
    if not (isinstance(names, tuple | list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise ValueError(f"names must be two words, one per parameter (like ('a', 'c')), got {names!r}")
    if not (isinstance(start, tuple | list) and len(start) == 2):
        raise ValueError(f"start must be two numbers, one per parameter, got {start!r}")
    H, minimum, lowest = _bowl(loss)
    lam_max = float(torch.linalg.eigvalsh(H)[-1])

    def draw(fig: Figure, method: str, lr: float, beta: float, steps: int, **starts: float) -> tuple[str, bool]:
        x0 = torch.tensor(list(starts.values()), dtype=torch.float64)
        path = descent_path(None, x0, lr, steps, method=method, beta=None if method == "gd" else beta,
                            grad=lambda p: H @ (p - minimum))
        losses = loss(path.float()).double()
        result = {"path": path, "losses": losses}
        diverged = len(path) < steps + 1 or diverging(losses)
        left, right = fig.subplots(1, 2, width_ratios=[1.25, 1])
        plot_contours(loss, xlim, ylim, ax=left, names=names, bottom=minimum)
        shown = path[((path[:, 0] - sum(xlim) / 2).abs() <= 2 * (xlim[1] - xlim[0]))
                     & ((path[:, 1] - sum(ylim) / 2).abs() <= 2 * (ylim[1] - ylim[0]))]
        label = {v: k for k, v in METHODS}[method]
        plot_path(left, shown if len(shown) else path[:1], label, diverged=diverged)
        what = f"momentum β = {fmt(beta)}" if method == "momentum" else label
        left.set_title(f"{what}, lr = {fmt(lr)}, {_n_steps(steps)}", y=1.0)
        left.legend(loc="upper right", fontsize=8)
        excess = (losses - lowest)[torch.isfinite(losses)].clamp(1e-9 * max(abs(lowest), 1.0), 1e30)
        plot_loss(excess, ax=right, log=True)
        right.set_ylabel("loss above the lowest")
        right.set_title("loss above the lowest possible, log scale", y=1.0)
        if diverged:
            return _diverged_on_the_surface(losses, method, beta, lam_max), False, result
        end = ", ".join(f"{v:.4g}" for v in path[-1].tolist())
        return (f"after {_n_steps(steps)}: loss = {float(losses[-1]):.5g} (lowest possible {lowest:.5g}); "
                f"({', '.join(names)}) = ({end})"), True, result

    toggle = widgets.ToggleButtons(options=METHODS, description="optimiser")
    toggle.value = _check_value("method", toggle, method)
    step = [_nice((hi - lo) / 25) for lo, hi in (xlim, ylim)]
    return Explorer(
        draw,
        figsize=(9.5, 4),
        margins={"left": 0.07, "right": 0.98, "bottom": 0.13, "top": 0.91, "wspace": 0.25},
        method=toggle,
        lr=_choice("lr", lr_options(1e-6, 10), lr),
        beta=_choice("momentum β", [0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999], beta),
        steps=_choice("steps", [10, 20, 50, 100, 200, 500, 1000, 2000], steps),
        **{f"start_{n}": _choice(f"start {n}", grid(lo, hi, s, v), v)
           for n, (lo, hi), s, v in zip(names, (xlim, ylim), step, start, strict=True)},
    )
