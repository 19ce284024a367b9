"""The explorers' constants and sentences, read from `explorers.json`: the one home that Python and the page's
JavaScript (`explorer.js`, through each explorer's `spec`) both read, so that changing a word is one edit.

>>> SPEC["descent"]["status"]["after"].format(steps="10 steps", x=-0.16106, fx=0.025941)
'after 10 steps: x = -0.1611, f(x) = 0.02594'
"""

from __future__ import annotations

import json
from importlib.resources import files

SPEC: dict = json.loads(files(__package__).joinpath("explorers.json").read_text(encoding="utf-8"))


def shared(kind: str) -> dict:
    """What the page gets of explorers.json for one explorer (its `spec["shared"]`): the common part and its own."""
    return {**SPEC["common"], **SPEC[kind]}


def sentences(node=SPEC):
    """Every string of explorers.json (or of a part of it) but its notes, the "about" entries: its sentences, titles
    and colours.

    >>> list(sentences({"about": "a note", "title": "lr = {lr}", "titles": ["one", "two"]}))
    ['lr = {lr}', 'one', 'two']
    """
    if isinstance(node, str):
        yield node
    elif isinstance(node, list | dict):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if key != "about":
                yield from sentences(value)
