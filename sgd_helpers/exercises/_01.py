"""01 · Gradients: the slope of x³, the MSE's gradient, and a central difference written by the learner."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ._judge import Exercise, near


def _estimates(formula: Callable[[float, float, float], float], h: float = 1e-3) -> Callable[[Callable], bool]:
    """Does `answer(f, x, h)` equal `formula(f(x-h), f(x), f(x+h))` for a cubic at x = 2 (where estimates differ)?"""

    def test(fn: Callable) -> bool:
        cube = (2 - h) ** 3, 8.0, (2 + h) ** 3
        got = fn(lambda x: x**3, 2.0, h)
        single = getattr(got, "dtype", None) in (torch.float32, torch.float16, torch.bfloat16, np.float32, np.float16)
        # float32 rounds the two values f(x ± h) to about 3e-5 of the estimate; forward and central differ by 5e-4
        return math.isclose(float(got), formula(*cube), rel_tol=1e-4 if single else 1e-9)

    return test


EXERCISES = {
    "01.1": Exercise(
        near([3.0, 12.0, 27.0]), "the derivative of x³ is 3x², so the slopes at 1, 2, 3 are 3, 12 and 27.",
        ((near([1.0, 4.0, 9.0]), "not yet: that is x². The power comes down in front: the slope of x³ is 3x²."),
         (near([3.0, 6.0, 9.0]), "not yet: that is 3x. The power drops by one, not two: the slope of x³ is 3x²."),
         (near([1.0, 8.0, 27.0]), "not yet: that is x³ itself, the function's value. The slope is 3x².")),
    ),
    "01.2": Exercise(
        near(2.0), "every error r is 1, so mean(2r) = 2.",
        ((near(1.0), "not yet: the square brings down a 2: the slope of r² is 2r, so it is mean(2r)."),
         (near(40.0), "not yet: that is the sum over the 20 points (SSE's gradient). The MSE averages: 20 times "
                      "smaller."),
         (near(-2.0), "not yet: r is prediction minus target, +1 here, so the slope is positive.")),
    ),
    "01.3": Exercise(
        _estimates(lambda down, here, up: (up - down) / 2e-3),
        "your central difference matches (f(x+h) - f(x-h)) / (2h).",
        ((_estimates(lambda down, here, up: (up - here) / 1e-3),
          "not yet: that is the forward difference (f(x+h) - f(x)) / h. Step both ways: (f(x+h) - f(x-h)) / (2h)."),
         (_estimates(lambda down, here, up: (here - down) / 1e-3),
          "not yet: that is the backward difference (f(x) - f(x-h)) / h. Step both ways: (f(x+h) - f(x-h)) / (2h)."),
         (_estimates(lambda down, here, up: (up - down) / 1e-3),
          "not yet: divide by 2h, the distance between the two points, not by h."),
         (_estimates(lambda down, here, up: (up - down) / 2 * 1e-3),
          "not yet: Python reads / 2 * h as (... / 2) * h, so h multiplies. Put 2 * h in brackets: / (2 * h).")),
        probe=(lambda x: x, 0.0, 1.0), call="(f, x, h)",
    ),
}
