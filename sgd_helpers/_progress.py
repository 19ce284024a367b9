"""A progress line for long loops, shared by `fit`, `descent_path` and `finite_difference`.

A loop that ends within a few seconds says nothing; a longer one writes one line on stderr (rewritten at most once a
second) with how far it got and about how long is left, so a learner can tell a slow run from a hung one.
"""

from __future__ import annotations

import sys
import time


class Ticker:
    """Silent for the first seconds of a long loop, then one line on stderr, rewritten at most once a second.

    >>> tick = Ticker("fit", 10)
    >>> tick(1); tick.close()  # within the first five seconds: nothing is written
    """

    def __init__(self, what: str, total: int, quiet_for: float = 5.0):
        self.what, self.total, self.start = what, total, time.monotonic()
        self.next, self.shown = self.start + quiet_for, False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now >= self.next:
            left = (now - self.start) / max(done, 1) * (self.total - done)
            sys.stderr.write(f"\r{self.what}: step {done:,} of {self.total:,} ({done / self.total:.0%}), "
                             f"about {left:,.0f} s left ")
            self.next, self.shown = now + 1.0, True

    def close(self, last: str = "") -> None:
        """End the progress line, if one was shown, and write `last` (if any) on a line of its own."""
        sys.stderr.write(("\n" if self.shown else "") + (f"{self.what}: {last}\n" if last else ""))
        self.shown = False
