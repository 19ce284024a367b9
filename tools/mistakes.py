"""Call the public helpers as a learner would get them wrong, and count what comes back.

Two sets of calls. The sweep puts thirteen wrong values (text, None, a bool, NaN, inf, a negative, zero, an integer
tensor, an empty tensor, a list of text, a column where a row was meant, a dict, a huge number), one at a time, in
each argument of 23 public helpers. The habits are the mistakes learners were seen to make (issue 35): matplotlib's
habits in the plotting helpers, fit's options, empty and degenerate input, a long run stopped with Ctrl-C.

Each call ends in one of: `clear` (an error raised by sgd_helpers itself, which names the argument and what was
expected), `warned` (it returned, with a ResultWarning that says why the result means little), `raw` (an error or a
warning from inside torch, numpy or matplotlib), `hang` (no answer in 20 s) or `accepted` (it returned with no
word: a right answer for a legal value, such as a seed of 0, or a silent wrong result; those are printed to be read;
a habit the helpers accept checks its own answer). A clear sentence is `clear` or `warned`.
`python tools/mistakes.py` prints the counts; CONTRIBUTING.md's 'When a learner gets it wrong' quotes them.
"""
import _thread
import collections
import contextlib
import io
import math
import signal
import threading
import traceback
import warnings

import matplotlib
import numpy as np
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import sgd_helpers as h  # noqa: E402
from sgd_helpers._checks import ResultWarning  # noqa: E402

t, y = h.roller_coaster()
WRONG = {
    "text": "0.1", "None": None, "bool": True, "nan": math.nan, "inf": math.inf, "neg": -1.0, "zero": 0,
    "int tensor": torch.tensor([1, 2, 3]), "empty": torch.empty(0), "list of text": ["a", "b"],
    "2-D": torch.ones(20, 1), "dict": {"a": 1}, "huge": 10**12,
}


def sq(x):
    return x**2


CALLS = {
    "mse": (h.mse, dict(preds=t, targets=y)),
    "sse": (h.sse, dict(preds=t, targets=y)),
    "quadratic": (h.quadratic, dict(t=t, params=torch.ones(3))),
    "polynomial": (h.polynomial, dict(t=t, params=torch.ones(3))),
    "poly_features": (h.poly_features, dict(t=t, degree=2)),
    "roller_coaster": (h.roller_coaster, dict(n=20, seed=42, noise=3.0)),
    "noisy_coaster": (h.noisy_coaster, dict(n=20, seed=0, noise=3.0)),
    "five_x_squared": (h.five_x_squared, dict(lo=-2, hi=2)),
    "least_squares": (h.least_squares, dict(x=t, y=y, degree=2)),
    "hessian": (h.hessian, dict(x=t, degree=2)),
    "max_stable_lr": (h.max_stable_lr, dict(x=t, degree=2)),
    "finite_difference": (h.finite_difference, dict(f=lambda v: (v**2).sum(), x=torch.ones(3), eps=1e-4)),
    "descent_path": (h.descent_path, dict(f=sq, x0=1.0, lr=0.1, steps=5)),
    "first_within": (h.first_within, dict(xs=torch.tensor([1.0, 0.1]), target=0.0, tol=0.5)),
    "fit": (h.fit, dict(model=h.quadratic, params=torch.zeros(3), x=t, y=y, lr=1e-5, steps=3)),
    "plot_loss": (h.plot_loss, dict(losses=[3.0, 2.0])),
    "plot_function": (h.plot_function, dict(f=sq, min=-1, max=1)),
    "show_preds": (h.show_preds, dict(preds=y, t=t, targets=y)),
    "plot_contours": (h.plot_contours, dict(loss=lambda p: (p**2).sum(-1), xlim=(-1, 1), ylim=(-1, 1))),
    "descent_explorer": (h.descent_explorer, dict(x0=-1.5, lr=0.1, steps=10)),
    "coaster_explorer": (h.coaster_explorer, dict(time=t, speed=y, lr=1e-5, steps=10)),
    "scaling_explorer": (h.scaling_explorer, dict(x=h.five_x_squared()[0], y=h.five_x_squared()[1], scale=1.0)),
    "check_answer": (h.check_answer, dict(exercise="02.1", answer=1/6)),
}


# ---------- the habits: the mistakes of issue 35, one call each ----------

def bowl(p):
    return (p**2).sum(-1)


def contours(**kwargs):
    return h.plot_contours(**({"loss": bowl, "xlim": (-1, 1), "ylim": (-1, 1)} | kwargs))


def fit(**kwargs):
    return h.fit(**({"model": h.quadratic, "params": torch.zeros(3), "x": t, "y": y, "lr": 1e-5, "steps": 5} | kwargs))


def ax():
    return plt.subplots()[1]


def check(value, ok: bool):
    """A habit the helpers accept must give the right answer: an AssertionError from here counts as raw."""
    assert ok, f"accepted, but wrong: {value!r:.80}"
    return value


def interrupted_fit():
    """10**7 steps at a stable rate, stopped with Ctrl-C after two seconds: the run so far must come back."""
    timer = threading.Timer(2.0, _thread.interrupt_main)
    timer.start()
    try:
        run = fit(steps=10**7)
    finally:
        timer.cancel()
    return check(run, run.stop_reason == "interrupted" and len(run.losses) == len(run.history) > 1)


def chain(n: int):
    out = torch.tensor(1.0, requires_grad=True)
    for _ in range(n):
        out = out * 1.0001
    return out


path2 = h.descent_path(lambda p: (p**2).sum(), torch.ones(2), 0.1, 5)
HABITS = {
    # plot_contours given plt.contour's habits, and losses of the wrong form
    "plot_contours(levels=[0.1, 0.5, 1])": lambda: check(lv := contours(levels=[0.1, 0.5, 1]).collections[0].levels,
                                                          list(lv) == [0.1, 0.5, 1.0]),
    **{f"plot_contours(levels={v!r})": (lambda v=v: contours(levels=v)) for v in (0, 1, 2.5)},
    **{f"plot_contours(n={v!r})": (lambda v=v: contours(n=v)) for v in (0, 1, 2.5, 10**5)},
    **{f"plot_contours(xlim={v!r})": (lambda v=v: contours(xlim=v)) for v in (("a", "b"), 1.0, (0, 1, 2), (0, 0))},
    **{f"plot_contours(bottom={v!r})": (lambda v=v: contours(bottom=v)) for v in ((0,), (0, 0, 0))},
    "plot_contours(names=('a',))": lambda: contours(names=("a",)),
    "plot_contours(loss=lambda a, c: ...)": lambda: contours(loss=lambda a, c: a**2 + c**2),
    "plot_contours(loss returns numpy)": lambda: check(a := contours(loss=lambda p: bowl(p).numpy()),
                                                       len(a.collections[0].levels) == 13),
    "plot_contours(constant loss)": lambda: contours(loss=lambda p: torch.ones(p.shape[:-1])),
    "plot_contours(NaN loss)": lambda: contours(loss=lambda p: torch.full(p.shape[:-1], math.nan)),
    # the helpers that add to a picture, and those that make one, given what is not an Axes
    "plot_tangent(None, f, 1.0)": lambda: check(s := h.plot_tangent(None, sq, 1.0), s == 2.0),
    "plot_tangent('ax', f, 1.0)": lambda: h.plot_tangent("ax", sq, 1.0),
    "plot_tangent(f, 1.0) (ax forgotten)": lambda: h.plot_tangent(sq, 1.0),
    "plot_tangent(ax, None, 1.0)": lambda: h.plot_tangent(ax(), None, 1.0),
    "plot_tangent(ax, f, '1')": lambda: h.plot_tangent(ax(), sq, "1"),
    "plot_tangent(ax, f, tensor of two)": lambda: h.plot_tangent(ax(), sq, torch.tensor([1.0, 2.0])),
    "plot_tangent(ax, f, tensor that requires grad)": lambda: check(
        s := h.plot_tangent(ax(), sq, torch.tensor(1.0, requires_grad=True)), s == 2.0),
    "plot_tangent(ax, f, 1e39)": lambda: h.plot_tangent(ax(), sq, 1e39),
    "plot_tangent(ax, f, 1.0, width=inf)": lambda: h.plot_tangent(ax(), sq, 1.0, width=math.inf),
    "plot_path(None, path, label)": lambda: check(a := h.plot_path(None, path2, "GD"), len(a.lines) == 3),
    "plot_path('ax', path, label)": lambda: h.plot_path("ax", path2, "GD"),
    "plot_path(path, label) (ax forgotten)": lambda: h.plot_path(path2, "GD"),
    "plot_path(ax, empty path, label)": lambda: h.plot_path(ax(), torch.empty(0, 2), "GD"),
    "plot_function(f, ax='ax')": lambda: h.plot_function(sq, ax="ax"),
    "plot_function(None)": lambda: h.plot_function(None),
    "plot_function(f, ax=array of axes)": lambda: h.plot_function(sq, ax=plt.subplots(1, 2)[1]),
    "plot_descent_path(f, xs, ax='ax')": lambda: h.plot_descent_path(sq, [1.0, 0.5], ax="ax"),
    "plot_descent_path(None, xs)": lambda: h.plot_descent_path(None, [1.0, 0.5]),
    **{f"plot_descent_path(span={v!r})": (lambda v=v: h.plot_descent_path(sq, [1.0, 0.5], span=v))
       for v in (0, -1, math.nan, "1")},
    "plot_descent_path(a 2-D descent's path)": lambda: h.plot_descent_path(sq, path2),
    "plot_descent_path(empty path)": lambda: h.plot_descent_path(sq, []),
    "plot_loss(negative losses, log=True)": lambda: h.plot_loss([3.0, -1.0], log=True),
    "plot_loss(2-D losses)": lambda: h.plot_loss(torch.ones(5, 3)),
    "plot_loss(float64 loss of 1e39)": lambda: check(a := h.plot_loss(np.array([1e39, 1.0])),
                                                     a.lines[0].get_ydata()[0] == 1e39),
    # fit's options
    "fit(optimizer='adam')": lambda: fit(optimizer="adam"),
    "fit(optimizer=an SGD instance)": lambda: fit(optimizer=torch.optim.SGD([torch.zeros(1, requires_grad=True)],
                                                                           lr=0.1)),
    "fit(optimizer=torch.optim.LBFGS)": lambda: fit(optimizer=torch.optim.LBFGS),
    "fit(optimizer=SGD, momentum='0.9')": lambda: fit(optimizer=torch.optim.SGD, momentum="0.9"),
    "fit(optimizer=Adam, betas=0.9)": lambda: fit(optimizer=torch.optim.Adam, betas=0.9),
    **{f"fit(stop_when returns {v!r})": (lambda v=v: fit(stop_when=lambda p: v))
       for v in (math.nan, "yes", torch.ones(3), None)},
    "fit(stop_when appends to progress.losses)": lambda: fit(stop_when=lambda p: p.losses.append(0.0) or False),
    "fit(stop_when zeroes progress.params)": lambda: fit(stop_when=lambda p: p.params.zero_() is None),
    "fit(x that requires grad)": lambda: check(x := t.clone().requires_grad_(), fit(x=x) is not None
                                               and x.grad is None),
    "fit(10**7 steps, Ctrl-C after 2 s)": interrupted_fit,
    # empty and degenerate input
    "finite_difference(f, empty x)": lambda: h.finite_difference(lambda v: v.sum(), torch.empty(0)),
    "hessian(empty x)": lambda: h.hessian(torch.empty(0)),
    "max_stable_lr(empty x)": lambda: h.max_stable_lr(torch.empty(0)),
    "show_preds(empty, empty, empty)": lambda: h.show_preds(torch.empty(0), torch.empty(0), torch.empty(0)),
    "mse(empty, empty)": lambda: h.mse(torch.empty(0), torch.empty(0)),
    "coaster_explorer(empty, empty)": lambda: h.coaster_explorer(torch.empty(0), torch.empty(0)),
    "scaling_explorer(empty, empty)": lambda: h.scaling_explorer(torch.empty(0), torch.empty(0)),
    "least_squares(x that barely varies, degree 2)": lambda: h.least_squares(1000 + t * 1e-3, y, 2),
    "least_squares(degree 19 on 20 points)": lambda: h.least_squares(t, y, 19),
    "poly_features(t, 40)": lambda: h.poly_features(t, 40),
    "roller_coaster(noise=1e300)": lambda: h.roller_coaster(noise=1e300),
    "roller_coaster(seed=2**70)": lambda: h.roller_coaster(seed=2**70),
    "five_x_squared(2**25, 2**25 + 3)": lambda: h.five_x_squared(2**25, 2**25 + 3),
    "finite_difference(eps=1e10)": lambda: h.finite_difference(lambda v: (v**3).sum(), torch.ones(3), eps=1e10),
    "finite_difference(f returns integers)": lambda: h.finite_difference(lambda v: (v > 0).sum(), torch.ones(3)),
    "hessian(t, degree 300)": lambda: h.hessian(t.double(), 300),
    "hessian(float64 x of 1e200)": lambda: h.hessian(torch.tensor([1e200, 1.0], dtype=torch.float64), 1),
    "grad_fn_tree(a chain of 2,000 operations)": lambda: h.grad_fn_tree(chain(2000)),
    "grad_fn_tree(out, names as a list)": lambda: h.grad_fn_tree(chain(1), ["x"]),
    "descent_path(grad returns NaN)": lambda: h.descent_path(None, 1.0, 0.1, 5, grad=lambda v: v * math.nan),
    "descent_explorer().set(steps=np.int64(5))": lambda: check(e := h.descent_explorer(),
                                                               e.set(steps=np.int64(5)) or e.values["steps"] == 5),
    "surface_explorer(NaN loss)": lambda: h.surface_explorer(lambda p: bowl(p) * math.nan, (-1, 1), (-1, 1)),
}


class Hang(Exception):
    pass


def alarm(*_):
    raise Hang()


def ours(tb) -> bool:
    """Raised by a `raise` of sgd_helpers' own (a check, or a learner's error passed on with its line), not by a
    library called from inside a helper (torch's C functions leave no frame of their own)."""
    last = traceback.extract_tb(tb)[-1]
    return "sgd_helpers" in last.filename and (last.line or "").lstrip().startswith("raise")


def outcome(call) -> tuple[str, str]:
    """('clear' | 'warned' | 'raw' | 'hang' | 'accepted', what the learner read) for one call."""
    signal.alarm(20)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            call()
        ours_said = [w for w in said if issubclass(w.category, ResultWarning)]
        if ours_said:
            return "warned", str(ours_said[0].message)[:110]
        return ("raw", f"{said[0].category.__name__}: {str(said[0].message)[:110]}") if said else ("accepted", "")
    except Hang:
        return "hang", "no answer in 20 s"
    except KeyboardInterrupt:
        return "raw", "KeyboardInterrupt: the run's work is lost"
    except MemoryError as e:
        return ("clear" if "would need" in str(e) else "raw"), str(e)[:110]
    except Exception as e:  # noqa: BLE001 - every failure is classified
        return ("clear" if ours(e.__traceback__) else "raw"), f"{type(e).__name__}: {str(e)[:110]}"
    finally:
        signal.alarm(0)
        plt.close("all")


def tally(calls: dict) -> tuple[collections.Counter, list[str], list[str]]:
    """The counts of each outcome, the lines to read (raw, hang), and the calls that returned with no word."""
    counts, read, accepted = collections.Counter(), [], []
    for label, call in calls.items():
        kind, said = outcome(call)
        counts[kind] += 1
        if kind == "accepted":
            accepted.append(label)
        elif kind in ("raw", "hang"):
            read.append(f"{kind}: {label}: {said}")
    return counts, read, accepted


def summary(counts: collections.Counter) -> str:
    kinds = ("clear", "warned", "accepted", "raw", "hang")
    return f"{sum(counts.values())} calls: " + ", ".join(f"{counts[k]} {k}" for k in kinds)


def main() -> None:
    signal.signal(signal.SIGALRM, alarm)
    sweep = {f"{name}({arg}={wname})": (lambda fn=fn, call=args | {arg: value}: fn(**call))
             for name, (fn, args) in CALLS.items() for arg in args for wname, value in WRONG.items()}
    results = {"sweep": tally(sweep), "habits": tally(HABITS)}
    for name, (counts, read, accepted) in results.items():
        print(f"{name}: {summary(counts)}")
        print("\n".join(read))
        print(f"{name}, accepted (read each: a legal value's right answer, or a silent wrong result):",
              ", ".join(accepted))
    total = sum((counts for counts, _, _ in results.values()), collections.Counter())
    print(f"in all: {sum(total.values())} calls, {total['clear'] + total['warned']} get a clear sentence "
          f"({total['clear']} an error, {total['warned']} a warning), {total['accepted']} return with no word, "
          f"{total['raw']} raw, {total['hang']} hang")


if __name__ == "__main__":
    main()
