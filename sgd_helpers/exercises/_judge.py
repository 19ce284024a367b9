"""What an exercise is, and the one place that judges an answer to it: the form first, then the likely mistakes,
then the right answer, each test run at most once, within a time limit.

>>> ex = Exercise(near(0.25), "2/8.", ((near(0.125), "not yet: that lands in one step."),))
>>> judge(ex, [0.125]), judge(ex, 0.25)
('not yet: that lands in one step.', 'correct: 2/8.')
>>> judge(ex, True)
'not yet: True is a yes/no, not a number: give the number itself.'
"""

from __future__ import annotations

import inspect
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._checks import _learner_line

NOT_ANSWERED = "not answered yet: replace ... with your answer, then run this cell again"
# The longest a check may run a learner's function. A right answer's check took 2.6 s at most here (04.3, its first
# use of torch.optim; on two cores shared with other work); 15 seconds leaves room for a slower runtime.
TIME_LIMIT = 15.0


@dataclass(frozen=True)
class Exercise:
    """What counts as right, what to say then, and hints: (test for a likely mistake, what to say about it).

    A test takes the answer (numbers as a float64 tensor of `right.shape`, a function, or a word) and says whether
    it is that answer; for a function, it runs it on the check's own cases, and what it raises is the learner's.
    """

    right: Callable[[Any], bool]
    confirm: str
    hints: tuple[tuple[Callable[[Any], bool], str], ...] = ()
    otherwise: str = "not yet: that is not it. Reread the question, and check your working step by step."
    probe: tuple | None = None  # for an answer that is a function: arguments on which an unfinished one returns ...
    call: str = ""  # for an answer that is a function: how the check calls it, as "(f, x, h)"
    word: bool = False  # the answer is a word, such as 'yes'


def _yes_no(answer: Any) -> bool:
    return isinstance(answer, bool | np.bool_) or getattr(answer, "dtype", None) is torch.bool


def near(expected: float | list[float], rtol: float = 1e-3, atol: float = 0.0) -> Callable[[Any], bool]:
    """A test that the answer is a number (or numbers) close to `expected`; anything else (True and False too) is
    simply not close."""
    target = torch.as_tensor(expected, dtype=torch.float64)

    def test(answer: Any) -> bool:
        if _yes_no(answer):
            return False
        try:
            got = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            return False
        return got.shape == target.shape and bool(torch.allclose(got, target, rtol=rtol, atol=atol))

    test.shape = tuple(target.shape)
    return test


def says(*words: str) -> Callable[[Any], bool]:
    return lambda answer: isinstance(answer, str) and answer.strip().lower() in words


def finite(values: Any) -> torch.Tensor:
    """What a learner's function returned, as float64; NaN throughout if any of it is not finite."""
    got = torch.as_tensor(values.detach() if isinstance(values, torch.Tensor) else values, dtype=torch.float64)
    return got if bool(torch.isfinite(got).all()) else torch.full_like(got, float("nan"))


def _describe(answer: Any) -> str:
    return "a function" if callable(answer) else f"{type(answer).__name__} {answer!r:.40}"


def _as_numbers(answer: Any, shape: tuple[int, ...]) -> tuple[Any, str | None]:
    """A number (or numbers) in whatever container the learner used, shaped as the check wants; else what to do."""
    if answer is None:
        return None, ("your answer is None: a function that prints instead of returning gives None. Give the number "
                      "itself")
    if _yes_no(answer):
        return None, f"{answer} is a yes/no, not a number: give the number itself"
    if callable(answer):
        return None, "this exercise asks for a number, and you gave a function: call it, and pass what it returns"
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return None, f"{answer!r} is text: give a number"
        return None, f"{answer!r} is text: give the number itself, without quotes"
    try:
        got = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None, f"expected {'a number' if not shape else f'{math.prod(shape)} numbers'}, got {_describe(answer)}"
    wanted = math.prod(shape)
    if got.numel() != wanted:
        return None, (f"expected {'one number' if wanted == 1 else f'{wanted} numbers'}, got {got.numel()} "
                      f"(shape {tuple(got.shape)})")
    return got.reshape(shape), None


def _as_function(answer: Any, ex: Exercise) -> str | None:
    """None if `answer` is a function the check can call as `ex.call` says; else what to do."""
    if not callable(answer):
        return (f"this exercise asks for a function called as {ex.call}: define it with def, then pass its name "
                f"without calling it; got {_describe(answer)}")
    try:
        inspect.signature(answer).bind(*ex.probe)
    except TypeError:
        return f"your function takes {inspect.signature(answer)}, but the check calls it with {ex.call}"
    except ValueError:  # a built-in without a signature: just try it
        pass
    return None


def _read(ex: Exercise, answer: Any) -> tuple[Any, str | None]:
    """The answer in the form the exercise's tests take, or what is wrong with its form."""
    if ex.probe is not None:
        return answer, _as_function(answer, ex)
    if ex.word:
        return answer, None if isinstance(answer, str) else ("answer with a word in quotes, 'yes' or 'no'; not "
                                                              f"{_describe(answer)}")
    return _as_numbers(answer, getattr(ex.right, "shape", ()))


def _unfinished(answer: Any, probe: tuple | None) -> bool:
    """True for a learner's function that still returns `...` (its body not written yet)."""
    if probe is None or not callable(answer):
        return False
    try:
        return answer(*probe) is ...
    except Exception:  # noqa: BLE001 - a function that fails is finished enough to get a hint
        return False


class TookTooLong(BaseException):
    """Raised in a learner's function that runs past TIME_LIMIT (not an Exception, so that their own `except
    Exception` does not swallow it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise TookTooLong in the code run inside after `seconds`, by a timer signal: where there is one (not on
    Windows) and this is the main thread, as in a notebook's kernel; elsewhere there is no limit. A timer already
    set (a test's own time limit) is set again afterwards for what it had left."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise TookTooLong

    handler = signal.signal(signal.SIGALRM, stop)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


def _verdict(ex: Exercise, answer: Any) -> str:
    if answer is ... or _unfinished(answer, ex.probe):
        return NOT_ANSWERED
    value, trouble = _read(ex, answer)
    if trouble is not None:  # a mistake the exercise knows by name (02.2's "never") beats a remark on the form
        named = (hint for test, hint in ex.hints if ex.probe is None and test(answer))
        return next(named, "not yet: " + trouble + ".")
    raised = None
    for test, said in (*ex.hints, (ex.right, "correct: " + ex.confirm)):
        try:
            if test(value):
                return said
        except Exception as e:  # noqa: BLE001 - a learner's function that fails is not this answer; say why after
            raised = e if raised is None else raised
    if raised is not None:
        return f"not yet: your function raised {type(raised).__name__}: {raised}{_learner_line(raised.__traceback__)}"
    return ex.otherwise


def judge(ex: Exercise, answer: Any) -> str:
    """The one line a learner reads about `answer`."""
    try:
        with _time_limit(TIME_LIMIT):
            return _verdict(ex, answer)
    except TookTooLong as e:
        return (f"not yet: your function was still running after {TIME_LIMIT:g} seconds"
                f"{_learner_line(e.__traceback__)}, so the check stopped it: does a loop in it never end?")
