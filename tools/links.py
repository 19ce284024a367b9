"""The course's links to its GitHub repository, derived from one place.

`pyproject.toml` names the repository under `[tool.sgd-course]`. Each notebook's
title cell carries an "Open in Colab" badge and its setup cell a pip URL; both
are generated here. `python tools/links.py` rewrites them after a fork or a
rename; `tests/test_notebook_hygiene.py` fails if any drifts.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BADGE_IMG = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
SETUP_MARKER = "# Setup: on Colab (or anywhere sgd_helpers is missing) install the course's helpers."


def config() -> dict[str, str]:
    """The repository (owner/name) and branch named in pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    cfg = data["tool"]["sgd-course"]
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", cfg["repository"]):
        raise ValueError(f"[tool.sgd-course] repository must be 'owner/name', got {cfg['repository']!r}")
    return {"repository": cfg["repository"], "branch": cfg["branch"]}


def badge(notebook: str) -> str:
    """The Markdown for the notebook's Open-in-Colab badge."""
    c = config()
    url = f"https://colab.research.google.com/github/{c['repository']}/blob/{c['branch']}/notebooks/{notebook}"
    return f"[![Open In Colab]({BADGE_IMG})]({url})"


def pip_url() -> str:
    """What the setup cell gives pip when sgd_helpers is missing."""
    c = config()
    return f"git+https://github.com/{c['repository']}@{c['branch']}"


def setup_source() -> str:
    """The source of every notebook's setup cell (its first code cell)."""
    return f"""{SETUP_MARKER}
# Locally the package is already installed and this cell does nothing.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("sgd_helpers") is None:
    url = os.environ.get("SGD_HELPERS_URL", "{pip_url()}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)"""


def sync(path: Path) -> bool:
    """Rewrite the badge and the setup cell of one notebook; return True if it changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    title = nb.cells[0]
    new_title = BADGE_RE.sub(lambda _: badge(path.name), title.source)
    if new_title != title.source:
        title.source, changed = new_title, True
    setup = next(c for c in nb.cells if c.cell_type == "code")
    if setup.source != setup_source():
        setup.source, changed = setup_source(), True
    if changed:
        nbformat.write(nb, path)
    return changed


def sync_readme(path: Path = ROOT / "README.md") -> bool:
    """Rewrite every Colab badge in the README for the notebook its link names; True if it changed."""
    text = path.read_text()
    new = BADGE_RE.sub(lambda m: badge(re.search(r"notebooks/([\w.-]+\.ipynb)", m.group(0)).group(1)), text)
    if new != text:
        path.write_text(new)
    return new != text


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup-source"]:  # used by `make test-colab` to run the very same cell
        print(setup_source())
        sys.exit(0)
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        if sync(p):
            print(f"updated {p.name}; re-run `make outputs` so its stored outputs match")
    if sync_readme():
        print("updated README.md")
