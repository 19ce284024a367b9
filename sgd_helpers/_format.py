"""The course's formats for numbers in words: a control's value (`3e-5`, `0.05`) and a count of steps."""

from __future__ import annotations


def fmt(v: float) -> str:
    """The course's one format for a control's value: `3e-5`, `0.05`, `1.05`, `200`.

    >>> [fmt(v) for v in (3e-5, 1.5e-7, 0.05, 1.05, 200.0, -0.7658)]
    ['3e-5', '1.5e-7', '0.05', '1.05', '200', '-0.7658']
    """
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        mantissa, exponent = f"{v:.2e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{v:.6g}"


def n_steps(n: int) -> str:
    """`1 step`, `10 steps`.

    >>> n_steps(1), n_steps(10)
    ('1 step', '10 steps')
    """
    return f"{n} step{'' if n == 1 else 's'}"
