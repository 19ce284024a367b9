"""Interactive explorers that live in the page: the controls, the descent and the drawing run in the browser.

Each explorer is an anywidget whose front end is one small ES module, `explorer.js`: it redraws within a frame while
a slider is dragged, with a kernel (JupyterLab, Colab, VS Code) and without one (the course's site, an HTML export).
The Python side holds the reference: `message`, `ok` and `result` are computed here with `sgd_helpers` (PyTorch)
for the current settings, so a notebook asserts a prompt on PyTorch's numbers, and tests/test_explorers_js.py
checks that the page computes the same over a grid of every control. What both sides say and draw with (the status
sentences, titles, colours, sizes and constants such as the descent's window) lives once, in `explorers.json`,
which the page gets in each explorer's `spec`.

Displayed, an explorer publishes three things at once: the live widget (shown where a kernel runs it), a
self-contained HTML copy (the module inlined, starting from the same settings, with a picture of them for a page
that strips scripts, such as an untrusted notebook in JupyterLab) and a line of text (the settings and the status,
which nbval compares).

Every control moves through a fixed list of values a learner can feel, shown in one format (`1e-5`, `3e-5`, `0.05`):
learning rates on a log scale (1, 2, 3, 4, 5 and 7 times each power of ten), starts on an even grid that includes
the notebook's own start. The status line turns red as soon as a learner would call the run diverging: the loss
ends above where it started and is still growing (or overflowed); it then names the largest stable learning rate.
"""

from __future__ import annotations

import functools
import io
import json
import math
import numbers
from collections.abc import Callable, Sequence
from pathlib import Path

import anywidget
import torch
import traitlets
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import _pictures
from ._checks import as_float_tensor, call_learner, check_finite, check_function, check_same_shape, number
from ._format import fmt, n_steps
from ._spec import SPEC, shared
from ._wire import explorer_html
from .closed_form import max_stable_lr, quadratic_bowl
from .models import polynomial, quadratic, sse
from .training import descent_path, diverging, fit

__all__ = ["Explorer", "descent_explorer", "coaster_explorer", "scaling_explorer", "surface_explorer", "fmt",
           "lr_options", "grid"]

MODULE = Path(__file__).with_name("explorer.js")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
Reference = Callable[..., tuple[str, bool, dict]]  # settings -> (status line, sound?, what it computed)
Poster = Callable[..., None]  # (figure, result, **settings) -> draws the picture of those settings


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


# A control is described by a dict that both sides read: a slider over `options`, a whole-number slider from `min`
# to `max`, or a row of buttons (`options` as (label, value) pairs).
def _choice(label: str, options: Sequence[float]) -> dict:
    return {"label": label, "type": "choice",
            "options": [v if isinstance(v, int) and not isinstance(v, bool) else float(v) for v in options]}


def _steps(most: int) -> dict:
    return {"label": "steps", "type": "int", "min": 1, "max": most}


def _check_value(name: str, control: dict, value):
    """`value` as the control holds it; an error if the control cannot show it (a slider would clamp it, silently)."""
    if isinstance(value, torch.Tensor) and value.numel() != 1:
        raise ValueError(f"{name} must be one number, one of the control's values, got a tensor of "
                         f"{value.numel()} numbers")
    if control["type"] == "int":
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = int(value)  # numpy's whole numbers too
        if isinstance(value, bool) or not isinstance(value, int) or not control["min"] <= value <= control["max"]:
            raise ValueError(f"{name} must be a whole number from {control['min']} to {control['max']} (the "
                             f"slider's range), got {value!r}")
        return value
    values = [o[1] if isinstance(o, list | tuple) else o for o in control["options"]]
    if not isinstance(value, bool) and value in values:
        return values[values.index(value)]
    labels = [fmt(v) if isinstance(v, float) else repr(v) for v in values]
    shown = ", ".join(labels) if len(labels) <= 24 else f"{labels[0]} to {labels[-1]}"
    if len(labels) > 24 and isinstance(value, int | float) and not isinstance(value, bool):
        near = sorted(values, key=lambda v: abs(v - value))[:2]
        shown += f"; the nearest are {fmt(min(near))} and {fmt(max(near))}"
    raise ValueError(f"{name} must be one of the control's values ({shown}), got {value!r}")


def _r(v: float, digits: int = 10) -> float:
    """A float64 constant rounded for the page: its last bits move with the processor, its first ten do not."""
    return float(f"{float(v):.{digits}g}")


class Explorer(anywidget.AnyWidget):
    """Controls plus a picture that answers them in the page; PyTorch's numbers for the same settings here.

    `reference(**values)` returns the status line, whether the state is sound (a red status when not) and what it
    computed (a dict: the path, the losses), kept as `result`, so that a prompt is checked on the numbers.
    `set(**values)` moves controls as a learner would, and refuses a value the control cannot show.

    >>> ex = descent_explorer(lr=0.5, steps=1)
    >>> ex.set(lr=1.05); ex.ok, ex.message.split(";")[0]
    (False, 'diverged: |x| grew from 1.5 to 1.65 in 1 step')
    """

    _esm = MODULE.read_text(encoding="utf-8")
    kind = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)

    def __init__(self, kind: str, spec: dict, reference: Reference, poster: Poster, **values):
        controls = spec["controls"]
        missing = sorted(set(controls) - set(values))
        if missing:
            raise ValueError(f"no starting value for {missing[0]!r}")
        checked = {name: _check_value(name, controls[name], values[name]) for name in controls}
        # the page reads this explorer's constants and sentences (explorers.json) from its spec, as `shared`
        super().__init__(kind=kind, spec={**spec, "shared": shared(kind)}, values=checked)
        self._reference, self._poster, self._cache = reference, poster, (None, None)

    @property
    def controls(self) -> dict:
        """Each control's description (its label and the values it can take), by name."""
        return self.spec["controls"]

    def set(self, **values) -> None:
        """Move controls as a learner would. A value the control cannot show is an error."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise KeyError(f"no control named {unknown[0]!r}; the controls are {sorted(self.controls)}")
        checked = {name: _check_value(name, self.controls[name], value) for name, value in values.items()}
        self.values = {**self.values, **checked}

    def _computed(self) -> tuple[str, bool, dict]:
        key = json.dumps(self.values, sort_keys=True)
        if self._cache[0] != key:
            self._cache = key, self._reference(**self.values)
        return self._cache[1]

    @property
    def message(self) -> str:
        """The status line for the current settings, from PyTorch's numbers: what the page shows under them."""
        return self._computed()[0]

    @property
    def ok(self) -> bool:
        """False when the status is red (diverged, overflowed, no minimum)."""
        return self._computed()[1]

    @property
    def result(self) -> dict:
        """What PyTorch computed for the current settings (the path, the losses), for checks on numbers."""
        return self._computed()[2]

    def figure(self) -> Figure:
        """A matplotlib picture of the current settings, drawn from `result`: the page's picture, for a page that
        runs no scripts."""
        width, height = SPEC[self.kind]["size"]  # in pixels, as the page draws it
        fig = Figure(figsize=(width / 100, height / 100), dpi=100, layout="none")  # lays itself out, whatever style
        FigureCanvasAgg(fig)
        self._poster(fig, self.result, **self.values)
        return fig

    def png(self) -> bytes:
        """`figure()` as PNG bytes, as the HTML copy holds it."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        return buf.getvalue()

    def html(self) -> str:
        """The explorer as a self-contained piece of HTML: the module inlined, starting from the current settings,
        over a picture of them that the module replaces (and that stays where scripts are stripped). Its format is
        sgd_helpers._wire's, which also reads it."""
        return explorer_html(self.kind, self.spec, self.values, self.message, self.ok, self.png(),
                             MODULE.read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={fmt(v) if isinstance(v, float) else v}" for k, v in self.values.items())
        return f"Explorer({settings}): {self.message}"

    def _ipython_display_(self) -> None:
        # Built here, not by ipywidgets (7.7.1, Colab's, never asks anywidget for its bundle): the live view, the
        # page's own copy and the text, in one output.
        view = {"version_major": 2, "version_minor": 0, "model_id": self.model_id}
        display({WIDGET_VIEW: view, "text/html": self.html(), "text/plain": repr(self)}, raw=True)


# ---------- descent on a curve ----------

def _coefficients(f: Callable[[torch.Tensor], torch.Tensor]) -> list[float]:
    """The coefficients c0, c1, ... of `f` when it is a polynomial of degree at most 4; an error otherwise."""
    at = torch.tensor([0.0, 1.0, -1.0, 2.0, -2.0], dtype=torch.float64)
    values = call_learner(f, "f", at)
    if not isinstance(values, torch.Tensor) or values.shape != (5,):
        raise ValueError("f must work number by number (elementwise), as lambda x: x**2 does: f of five numbers "
                         f"gave {tuple(values.shape) if isinstance(values, torch.Tensor) else values!r}")
    c = torch.linalg.solve(torch.vander(at, 5, increasing=True), values.double())
    c = [0.0 if abs(v) < 1e-9 * float(c.abs().max()) else _r(v, 9) for v in c.tolist()]
    check = torch.tensor([0.5, -1.5, 3.0, 0.25, -3.5], dtype=torch.float64)
    fitted = sum(ck * check**k for k, ck in enumerate(c))
    if not torch.allclose(fitted, call_learner(f, "f", check).double(), rtol=1e-7, atol=1e-9):
        raise ValueError("descent_explorer runs the descent in the page, so f must be a polynomial of degree at most "
                         "4, like lambda x: x**2 or lambda x: x**4 - 3 * x**2; for any other f, call descent_path")
    while len(c) > 1 and c[-1] == 0:
        c.pop()
    return c


def _window(x0: float) -> float:
    """How far the picture's x-axis reaches either side of 0: explorers.json's rule, which explorer.js copies."""
    return SPEC["descent"]["window"]["times"] * max(abs(x0), SPEC["descent"]["window"]["at_least"])


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

    `f` is a polynomial of degree at most 4 (the page evaluates it from its coefficients).

    >>> ex = descent_explorer()
    >>> ex.set(lr=0.5); ex.message
    'after 10 steps: x = 0, f(x) = 0'
    """
    check_function(f, "f", "lambda x: x**2")
    x0 = number(x0, "x0")
    coefficients = _coefficients(f)

    said = SPEC["descent"]["status"]

    def reference(x0: float, lr: float, steps: int) -> tuple[str, bool, dict]:
        xs = descent_path(f, x0, lr, steps)
        heights = f(xs)
        window = _window(x0)
        shown = int((xs.abs() <= window).long().cumprod(0).sum())
        diverged = len(xs) < steps + 1 or diverging(heights)
        result = {"path": xs, "f": heights, "shown": shown, "diverged": diverged, "window": window}
        x, fx = float(xs[-1]), float(heights[-1])
        if shown < len(xs) and not diverged and bool(heights[-1] < heights[0]):
            return said["no_minimum"].format(x0=fmt(x0), x=x, fx=fx), False, result
        if diverged:
            curvature = _curvature(f, x0)
            limit = said["limit"].format(limit=fmt(2 / curvature)) if curvature > 0 else ""
            return said["diverged"].format(start=fmt(abs(x0)), end=abs(x), steps=n_steps(len(xs) - 1),
                                          limit=limit), False, result
        return said["after"].format(steps=n_steps(steps), x=x, fx=fx), True, result

    controls = {"x0": _choice("start x", grid(-2, 2, 0.1, x0)), "lr": _choice("lr", DESCENT_LRS), "steps": _steps(50)}
    return Explorer("descent", {"controls": controls, "coefficients": coefficients}, reference,
                    functools.partial(_pictures.descent, f), x0=x0, lr=lr, steps=steps)


# ---------- fitting a quadratic: the roller coaster, and the scaled input ----------

def _three(start) -> tuple[float, float, float]:
    """A quadratic's start (a, b, c): three finite numbers."""
    if not isinstance(start, tuple | list) or len(start) != 3:
        raise ValueError(f"start must be three numbers (a, b, c), got {start!r}")
    return tuple(number(v, name) for v, name in zip(start, ("start a", "start b", "start c"), strict=True))


def _data(x, y) -> tuple[torch.Tensor, torch.Tensor]:
    x, y = (check_finite(as_float_tensor(v, n), n).detach().float() for v, n in ((x, "x"), (y, "y")))
    check_same_shape(x, y, "x", "y")
    if x.numel() == 0:
        raise ValueError("x and y are empty: an explorer needs data to fit")
    if x.ndim != 1:
        raise ValueError(f"x and y must be one number per point (1-D), got shape {tuple(x.shape)}")
    return x, y


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
    time, speed = _data(time, speed)
    start = _three(start)
    limit = max_stable_lr(time, 2)
    said = SPEC["coaster"]["status"]

    def reference(lr: float, steps: int, a: float, b: float, c: float) -> tuple[str, bool, dict]:
        run = fit(quadratic, torch.tensor([a, b, c]), time, speed, lr=lr, steps=steps)
        result = {"params": run.history, "losses": run.losses}
        finite = run.losses[torch.isfinite(run.losses)]
        if run.diverged or run.stop_reason == "overflow":
            return said["diverged"].format(start=float(finite[0]), end=float(finite[-1]), steps=n_steps(run.steps),
                                           lr=fmt(lr), limit=fmt(limit)), False, result
        found = dict(zip("abc", run.params.tolist(), strict=True))
        return said["after"].format(steps=n_steps(steps), loss=float(run.losses[-1]), **found), True, result

    controls = {"lr": _choice("lr", lr_options(1e-7, 1e-3)), "steps": _steps(200),
                "a": _choice("start a", grid(-2, 2, 0.05, start[0])),
                "b": _choice("start b", grid(-20, 20, 0.5, start[1])),
                "c": _choice("start c", grid(-50, 100, 1, start[2]))}
    spec = {"controls": controls, "x": time.tolist(), "y": speed.tolist(), "limit": _r(limit)}
    return Explorer("coaster", spec, reference, functools.partial(_pictures.coaster, time, speed), lr=lr,
                    steps=steps, a=start[0], b=start[1], c=start[2])


SCALES = [float(v) for v in (1, 2, 3, 5, 7, 10, 14, 20, 30, 40, 50, 70, 100)]


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
    x, y = _data(x, y)
    start = _three(start)
    limits = {s: max_stable_lr(x / s, 2, sse) for s in SCALES}
    said = SPEC["scaling"]["status"]

    def reference(scale: float, lr: float, steps: int) -> tuple[str, bool, dict]:
        # the same quadratic, written in the scaled input: a' = a s², b' = b s, c' = c
        p0 = torch.tensor([start[0] * scale**2, start[1] * scale, start[2]])
        run = fit(polynomial, p0, x / scale, y, lr=lr, steps=steps, loss=sse)
        result = {"params": run.history, "losses": run.losses}  # in the scaled input: a' = a s², b' = b s, c
        if run.stop_reason == "overflow":
            return said["overflow"].format(loss=float(run.losses[0]), start=tuple(start)), False, result
        if run.diverged:
            return said["diverged"].format(lr=fmt(lr), limit=limits[scale]), False, result
        if float(run.losses[-1]) < SPEC["scaling"]["floor"]:  # converged to rounding residue: say how close, only
            return said["converged"].format(steps=n_steps(steps), floor=fmt(SPEC["scaling"]["floor"]),
                                            c_floor=fmt(SPEC["scaling"]["c_floor"]), limit=limits[scale]), True, result
        return said["after"].format(steps=n_steps(steps), loss=float(run.losses[-1]), c=float(run.params[2]),
                                    limit=limits[scale]), True, result

    controls = {"scale": _choice("x divided by", SCALES), "lr": _choice("lr", lr_options(1e-9, 1.0)),
                "steps": _steps(500)}
    spec = {"controls": controls, "x": x.tolist(), "y": y.tolist(), "start": list(start),
            "start_text": str(tuple(start)), "limits": [_r(limits[s]) for s in SCALES]}
    return Explorer("scaling", spec, reference, _pictures.scaling, scale=scale, lr=lr, steps=steps)


# ---------- descent on a bowl of two parameters ----------

def _nice(x: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most `x`."""
    power = 10 ** math.floor(math.log10(x))
    return max(m * power for m in (1, 2, 5) if m * power <= x * (1 + 1e-9))


def _span(lim, name: str) -> tuple[float, float]:
    """A plot range (low, high) of two finite numbers, low first."""
    if not (isinstance(lim, tuple | list) and len(lim) == 2):
        raise ValueError(f"{name} must be a pair (low, high), got {lim!r}")
    lo, hi = number(lim[0], f"{name}[0]"), number(lim[1], f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {lim!r}")
    return lo, hi


# Past LOSS_CAP a loss on the surface counts as overflowed (explorers.json says why; the page stops there too).
SURFACE = SPEC["surface"]
LOSS_CAP = SURFACE["loss_cap"]


def _diverged_on_the_surface(losses: torch.Tensor, method: str, beta: float, lam_max: float) -> str:
    """The red status line of a diverged run on the surface: how far the loss grew, and the method's own limit."""
    # each method's largest stable rate, as explorer.js writes it too: 2 / λ_max, and 2 (1 + β) / λ_max with momentum
    limit = {"gd": 2 / lam_max, "momentum": 2 * (1 + beta) / lam_max}.get(method)
    said = SURFACE["status"][method].format(beta=fmt(beta), limit=fmt(limit) if limit is not None else "")
    finite = losses[torch.isfinite(losses)]
    return SURFACE["status"]["diverged"].format(start=float(losses[0]), end=float(finite[-1]),
                                                steps=n_steps(len(finite) - 1), limit=said)


def _check_names_and_start(names, start) -> None:
    if not (isinstance(names, tuple | list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise ValueError(f"names must be two words, one per parameter (like ('a', 'c')), got {names!r}")
    if not (isinstance(start, tuple | list) and len(start) == 2):
        raise ValueError(f"start must be two numbers, one per parameter, got {start!r}")


def _contour_levels(loss: Callable, xlim: tuple[float, float], ylim: tuple[float, float]) -> list[float]:
    """The contour heights plot_contours draws: spaced geometrically above the lowest loss on a grid of the window."""
    axes = torch.stack(torch.meshgrid(torch.linspace(*xlim, 150, dtype=torch.float64),
                                      torch.linspace(*ylim, 150, dtype=torch.float64), indexing="xy"), -1)
    z = loss(axes.float()).detach().double()
    lowest, highest = float(z.min()), float(z.max())
    return (lowest + (highest - lowest) * torch.logspace(-4, 0, 14, dtype=torch.float64)[:-1]).tolist()


def _surface_controls(names, xlim, ylim, start) -> dict:
    step = [_nice((hi - lo) / 25) for lo, hi in (xlim, ylim)]
    methods = [[label, method] for method, label in SURFACE["methods"].items()]
    return {"method": {"label": "optimiser", "type": "buttons", "options": methods},
            "lr": _choice("lr", lr_options(1e-6, 10)),
            "beta": _choice("momentum β", [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999]),
            "steps": _choice("steps", [10, 20, 50, 100, 200, 500, 1000, 2000]),
            **{f"start_{n}": _choice(f"start {n}", grid(lo, hi, s, v))
               for n, (lo, hi), s, v in zip(names, (xlim, ylim), step, start, strict=True)}}


def surface_explorer(
    loss: Callable[[torch.Tensor], torch.Tensor], xlim: tuple[float, float], ylim: tuple[float, float],
    names: tuple[str, str] = ("a", "c"), start: tuple[float, float] = (0.0, 0.0), method: str = "gd",
    lr: float = 3e-5, beta: float = 0.9, steps: int = 200,
) -> Explorer:
    """Descent on a bowl of two parameters, drawn over its contour lines: the optimiser, its learning rate, its
    momentum β (also Adam's first β), the number of steps and the start, each on a control.

    `loss` maps a tensor whose last dimension holds the two parameters to one loss each, and must be quadratic;
    its gradient is then known in closed form, `H (p - minimum)`, which keeps thousands of steps quick (and lets
    the page draw its contours as ellipses). Left: the path on the contours. Right: the loss above the lowest
    possible, at every step.

    >>> ex = surface_explorer(lambda p: (p[..., 0] ** 2 + 10 * p[..., 1] ** 2), (-2, 2), (-1, 1), ("x", "y"),
    ...                       start=(1.5, 0.5), lr=0.05, steps=50)
    >>> ex.set(lr=0.2); ex.ok, ex.message.split("; ")[1]
    (False, 'gradient descent is stable only below lr = 2 / λ_max = 0.1')
    """
    xlim, ylim = (_span(v, n) for v, n in ((xlim, "xlim"), (ylim, "ylim")))
    _check_names_and_start(names, start)
    H, minimum, lowest = quadratic_bowl(loss)
    curvatures, vectors = torch.linalg.eigh(H)
    lam_max = float(curvatures[-1])
    key = [f"start_{n}" for n in names]

    def reference(method: str, lr: float, beta: float, steps: int, **starts: float) -> tuple[str, bool, dict]:
        x0 = torch.tensor([starts[k] for k in key], dtype=torch.float64)
        path = descent_path(None, x0, lr, steps, method=method, beta=None if method == "gd" else beta,
                            beta2=SURFACE["beta2"] if method == "adam" else None,
                            grad=lambda p: (H * (p - minimum)).sum(-1))  # H (p - m), in the page's order
        losses = loss(path.float()).double()
        losses = torch.where(losses.abs() > LOSS_CAP, math.inf, losses)
        diverged = len(path) < steps + 1 or diverging(losses)
        result = {"path": path, "losses": losses, "diverged": diverged}
        if diverged:
            return _diverged_on_the_surface(losses, method, beta, lam_max), False, result
        x, y = path[-1].tolist()
        return SURFACE["status"]["after"].format(steps=n_steps(steps), loss=float(losses[-1]), lowest=lowest,
                                                 x_name=names[0], y_name=names[1], x=x, y=y), True, result

    spec = {"controls": _surface_controls(names, xlim, ylim, start), "names": list(names), "xlim": list(xlim),
            "ylim": list(ylim),
            "H": H.tolist(), "minimum": minimum.tolist(),
            "lowest": _r(lowest), "lam_max": _r(lam_max), "axes": [_r(v) for v in curvatures.tolist()],
            "vectors": [[_r(v) for v in row] for row in vectors.tolist()],
            "levels": [_r(v, 6) for v in _contour_levels(loss, xlim, ylim)]}
    poster = functools.partial(_pictures.surface, loss, xlim, ylim, names, minimum, lowest)
    return Explorer("surface", spec, reference, poster, method=method, lr=lr, beta=beta,
                    steps=steps, **dict(zip(key, start, strict=True)))
