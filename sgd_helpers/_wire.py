"""An explorer's HTML copy: `explorer_html` writes it, `parse_explorer_html` reads it, and nothing else knows its shape.

Displayed, an explorer also publishes a self-contained piece of HTML (`widgets.Explorer.html`), for pages with no
kernel (the site, an HTML export) and pages that strip scripts (an untrusted notebook):

    <div id="sgd-explorer-…" class="sgd-explorer-static"><img src="data:image/png;base64,…" alt="STATUS" …>
    <div …>STATUS</div><script type="application/json" data-sgd-explorer>DATA</script></div>
    <script type="module">…explorer.js… mountStatic(document.getElementById("sgd-explorer-…"));</script>

(the `div` on one line). DATA is one line of JSON: the explorer's kind, spec, values, status and whether it is
sound, with every `<` written `\\u003c`, so that nothing in it can end the script early. Its numbers move in their
last bits with the processor, so tools/run_notebooks.py compares them as numbers (through `parse_explorer_html`
and `replace_explorer_data`), and nbval, which can only hold regexes, blanks them with one that needs to know no
explorer's name (tests/nbval_sanitize.cfg; a test holds it to what `explorer_html` writes). Written by hand: it is
the course's own format, and one regex of the standard library reads it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from ._spec import SPEC

DATA_TAG = '<script type="application/json" data-sgd-explorer>'
_COPY = re.compile(r'<div id="(?P<uid>sgd-explorer-[0-9a-f]+)" class="sgd-explorer-static">'
                   r'<img src="data:image/png;base64,(?P<picture>[^"]*)"[^\n]*?'
                   + re.escape(DATA_TAG) + r"(?P<data>[^<]*)</script>")


def explorer_html(kind: str, spec: dict, values: dict, status: str, ok: bool, png: bytes, module: str) -> str:
    """The HTML copy of an explorer of `kind` at `values`: its picture (`png`) and `status` for a page that runs no
    scripts, and `module` (explorer.js) inlined, which mounts the live explorer from its data.

    >>> page = explorer_html("descent", {"controls": {}}, {"lr": 0.1}, "after 1 step: x < 1", True, b"", "")
    >>> [(e["kind"], e["values"], e["status"]) for e in parse_explorer_html(page)]
    [('descent', {'lr': 0.1}, 'after 1 step: x < 1')]
    """
    # The id depends only on the settings, so that the copy reproduces; the data move in their last bits.
    uid = "sgd-explorer-" + hashlib.sha256(json.dumps([kind, values]).encode()).hexdigest()[:12]
    data = json.dumps({"kind": kind, "spec": spec, "values": values, "status": status, "ok": ok})
    data = data.replace("<", "\\u003c")  # JSON's own escape: nothing in the data can end the script early
    said = html.escape(status)
    color = "inherit" if ok else SPEC["common"]["colors"]["bad"]
    return (f'<div id="{uid}" class="sgd-explorer-static">'
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{said}" '
            f'style="max-width:100%;height:auto"><div style="color:{color}">{said}</div>'
            f'{DATA_TAG}{data}</script></div>\n'
            f'<script type="module">\n{module}\nmountStatic(document.getElementById("{uid}"));\n</script>')


def parse_explorer_html(text: str) -> list[dict]:
    """Each explorer's copy in `text`, in order: its data (kind, spec, values, status, ok), its `uid`, its `picture`
    (the PNG, base64) and the `data` as written (its JSON, one line)."""
    return [{**json.loads(m["data"]), "uid": m["uid"], "picture": m["picture"], "data": m["data"]}
            for m in _COPY.finditer(text)]


def replace_explorer_data(text: str, new: Callable[[str], str]) -> str:
    """`text` with each explorer's data (its JSON as written) replaced by `new(data)`."""
    return _COPY.sub(lambda m: m[0][: m.start("data") - m.start()] + new(m["data"]) + "</script>", text)


def stored_explorers(notebook: str | Path) -> list[dict]:
    """Each explorer among a notebook's stored outputs, parsed, with the whole HTML of its output as `html`."""
    found = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            page = "".join(out.get("data", {}).get("text/html", ""))
            found += [{**e, "html": page} for e in parse_explorer_html(page)]
    return found
