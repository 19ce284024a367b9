"""Exercises: the check behind each notebook's exercises, with hints aimed at the likely mistakes.

A learner's cell ends with `check_answer("02.1", answer)`. With `...` still in place it prints one line asking for an
answer; a wrong answer gets a hint for the likely mistake; a right one a short confirmation. The hidden solution
cell below it calls the same check with `solution=True`, which raises unless the solution passes, so running a
notebook proves that every solution is right. The solution cell prints nothing, so that its stored output does not
give the answer away beside the collapsed code.

Each notebook's exercises sit in a module of their own (`_01.py` to `_09.py`): the right answer, its confirmation,
the likely mistakes with their hints, and the references they are measured against, written independently of the
notebooks. `_judge.py` judges them all the same way, in one place.

>>> check_answer("02.1", ...)
not answered yet: replace ... with your answer, then run this cell again
>>> check_answer("02.1", 0.5)
not yet: 0.5 lands x² in one step. Here the slope is 6x, so one step multiplies x by 1 - 6·lr.
>>> check_answer("02.1", 1 / 6)
correct: the factor 1 - 6·lr is 0 at lr = 1/6, so one step lands on the minimum.
"""

from __future__ import annotations

from typing import Any

from . import _01, _02, _03, _04, _05, _06, _07, _08, _09
from ._judge import NOT_ANSWERED, TIME_LIMIT, Exercise, judge

__all__ = ["check_answer", "EXERCISES", "NOT_ANSWERED", "TIME_LIMIT"]

EXERCISES: dict[str, Exercise] = {**_01.EXERCISES, **_02.EXERCISES, **_03.EXERCISES, **_04.EXERCISES,
                                  **_05.EXERCISES, **_06.EXERCISES, **_07.EXERCISES, **_08.EXERCISES,
                                  **_09.EXERCISES}


def check_answer(exercise: str, answer: Any, solution: bool = False) -> None:
    """Print whether `answer` to `exercise` (such as "02.1") is right, with a hint if not.

    The answer's form comes first: the right number inside a tensor or a list counts; text, True or False, a
    function where a number was asked (or a number where a function was), and a function that cannot be called as
    the check calls it get a sentence on how to give it; a function that raises is reported with its error and its
    line, and one still running after TIME_LIMIT seconds is stopped and reported. With `solution=True` (the hidden
    solution cells), print nothing, and raise AssertionError unless it is right.
    """
    if not isinstance(exercise, str):
        raise TypeError(f"exercise must be the exercise's number as text, like '02.1', got {type(exercise).__name__}")
    if exercise not in EXERCISES:
        raise KeyError(f"no exercise {exercise!r}; the exercises are {sorted(EXERCISES)}")
    message = judge(EXERCISES[exercise], answer)
    if not solution:
        print(message)
    elif not message.startswith("correct"):
        raise AssertionError(f"the solution to exercise {exercise} does not pass its check: {message}")
