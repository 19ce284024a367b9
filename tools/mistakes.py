"""Call the public helpers with wrong values, as a learner could get them wrong, and count what comes back.

A sweep: thirteen wrong values (text, None, a bool, NaN, inf, a negative, zero, an integer tensor, an empty tensor, a
list of text, a column where a row was meant, a dict, a huge number), one at a time, in each argument of 23 public
helpers. It asks of every argument what no test names one by one. The mistakes learners were seen to make (issue
35: matplotlib's habits in the plotting helpers, fit's options, empty and degenerate input, a long run stopped with
Ctrl-C) are tests instead, each asserting the sentence its learner reads (tests/test_bad_input.py, the section after
issue 35's heading; Ctrl-C in tests/test_training.py), so they are not counted here a second time.

Each call ends in one of: `clear` (an error raised by sgd_helpers itself, which names the argument and what was
expected), `warned` (it returned, with a ResultWarning that says why the result means little), `raw` (an error or a
warning from inside torch, numpy or matplotlib), `hang` (no answer in 20 s) or `accepted` (it returned with no
word: a right answer for a legal value, such as a seed of 0, or a silent wrong result; those are printed to be read).
A clear sentence is `clear` or `warned`.
`python tools/mistakes.py` prints the counts; CONTRIBUTING.md's 'When a learner gets it wrong' quotes them.
"""
import collections
import contextlib
import io
import math
import signal
import traceback
import warnings

import matplotlib
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


class Hang(Exception):
    pass


def alarm(*_):
    raise Hang()


def ours(tb) -> bool:
    """Raised by a `raise` of sgd_helpers' own (a check, or a learner's error passed on with its line), not by a
    library called from inside a helper (torch's C functions leave no frame of their own)."""
    last = traceback.extract_tb(tb)[-1]
    return "sgd_helpers" in last.filename and (last.line or "").lstrip().startswith("raise")


def outcome(call, seconds: int = 20) -> tuple[str, str]:
    """('clear' | 'warned' | 'raw' | 'hang' | 'accepted', what the learner read) for one call, stopped after
    `seconds` (main installs the SIGALRM handler that stops it)."""
    signal.alarm(seconds)
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
        return "hang", f"no answer in {seconds} s"
    except MemoryError as e:
        return ("clear" if "would need" in str(e) else "raw"), str(e)[:110]
    except Exception as e:  # noqa: BLE001 - every failure is classified
        return ("clear" if ours(e.__traceback__) else "raw"), f"{type(e).__name__}: {str(e)[:110]}"
    finally:
        signal.alarm(0)
        torch.set_grad_enabled(True)  # a Hang raised inside a helper's no_grad block leaves it off for what follows
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
    counts, read, accepted = tally(sweep)
    print(f"sweep: {summary(counts)}; {counts['clear'] + counts['warned']} get a clear sentence")
    for line in read:
        print(line)
    print("accepted (read each: a legal value's right answer, or a silent wrong result):", ", ".join(accepted))


if __name__ == "__main__":
    main()
