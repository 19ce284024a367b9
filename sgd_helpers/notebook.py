"""One sentence, instead of PyTorch's advice, for the errors of running a notebook's cells again or out of order.

Two errors come from running a cell a second time, and PyTorch's own words mislead a learner there: a second
`loss.backward()` suggests `retain_graph=True` (the fix is to compute the loss again), and a second step on a
cleared gradient says `unsupported operand type(s) for *: 'float' and 'NoneType'`. Every notebook's setup cell
calls `explain_errors()`; any other error keeps IPython's usual traceback.

>>> advice(RuntimeError("Trying to backward through the graph a second time (or directly access ...)"))[:40]
'this loss has been through backward() al'
"""

from __future__ import annotations

import re
from typing import Any

from ._checks import _learner_line

__all__ = ["explain_errors", "advice"]

AGAIN = ("this loss has been through backward() already, and backward() frees the steps that made it: run the cell "
         "that computes the loss again, then this one (not retain_graph=True, which would add a second gradient "
         "to the first)")
CLEARED = ("a gradient here is None: the step that used it set it back to None, as each step should. Run the cell "
           "with loss.backward() first, then this one")


def advice(error: BaseException) -> str | None:
    """The sentence for `error` if it is one of a re-run cell's errors, else None.

    >>> advice(TypeError("unsupported operand type(s) for *: 'float' and 'NoneType'"))[:28]
    'a gradient here is None: the'
    """
    text = str(error)
    if isinstance(error, RuntimeError) and "backward through the graph a second time" in text:
        return AGAIN
    if isinstance(error, TypeError) and re.search(r"unsupported operand type\(s\) for .*'NoneType'", text):
        return CLEARED
    return None


def explain_errors(shell: Any = None) -> bool:
    """Have IPython show `advice` for those two errors; True if installed (False outside IPython, or where another
    handler already owns those errors).

    >>> from IPython.core.interactiveshell import InteractiveShell
    >>> explain_errors(InteractiveShell.instance()), InteractiveShell.instance().custom_exceptions
    (True, (<class 'RuntimeError'>, <class 'TypeError'>))
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or set(shell.custom_exceptions) - {RuntimeError, TypeError}:
        return False

    def handler(self, etype, value, tb, tb_offset=None):
        said = advice(value)
        if said is None:
            stb = self.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        else:
            stb = [f"\x1b[0;31m{etype.__name__}\x1b[0m{_learner_line(tb)}: {said}"]
        self._showtraceback(etype, value, stb)  # IPython leaves the showing to the handler
        return stb

    shell.set_custom_exc((RuntimeError, TypeError), handler)
    return True
