"""What the browser tests share beyond tools/browser.py (which `make bench` uses outside pytest too): skip or fail
when there is no Chromium, and status lines compared at the precision they print."""

import os
import re

import pytest
from browser import HOW_TO_GET_ONE, find_chromium


def need_chromium(what: str) -> None:
    """Skip the calling test with one loud line when no Chromium is found, or fail it under CI (CI=true), where a
    missing browser must not pass as a skipped test."""
    if find_chromium() is None:
        message = f"NO CHROMIUM, SO NO {what.upper()}: {HOW_TO_GET_ONE}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def same_at_printed_precision(a: str, b: str) -> bool:
    """Two status lines equal, or each number in them at most one unit apart in its last printed digit (the page
    sums a loss in another order than PyTorch, which moves a last digit now and then)."""
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True):
        if x == y:
            continue
        mantissa = x.split("e")[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        unit = 10.0 ** (-decimals) * (10.0 ** int(x.split("e")[1]) if "e" in x else 1.0)
        if abs(float(x) - float(y)) > 1.01 * unit:
            return False
    return True
