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
from proof_cells import fold

ROOT = Path(__file__).resolve().parent.parent
BADGE_IMG = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
SETUP_MARKER = "#@title Setup: run this first (it installs the course's helpers where they are missing, as on Colab)"


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


def version() -> str:
    """The release of sgd_helpers that the stored outputs were made with: pyproject's version."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def setup_source() -> str:
    """The source of every notebook's setup cell (its first code cell).

    It installs the pinned release from PyPI where sgd_helpers is missing or another version is installed (as on
    Colab), and does nothing where the course's own environment already has it. pip's own environment variables
    (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX) point it elsewhere; the tests use them. If the install fails,
    the learner reads one sentence saying what failed and what to do, not a traceback.
    """
    return f"""{SETUP_MARKER}
import importlib
import importlib.metadata
import subprocess
import sys

SGD_HELPERS = "{version()}"  # the release these outputs were made with
try:
    found = importlib.metadata.version("sgd-helpers")
except importlib.metadata.PackageNotFoundError:
    found = None
if found != SGD_HELPERS:
    pip = [sys.executable, "-m", "pip", "install", "-q", "--root-user-action=ignore", f"sgd-helpers=={{SGD_HELPERS}}"]
    done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]

        class SetupFailed(Exception):
            def _render_traceback_(self):  # IPython shows these lines instead of a traceback
                return [str(self)]

        raise SetupFailed(
            f"Could not install sgd-helpers {{SGD_HELPERS}}, the course's helper package (pip said: {{said}}). "
            "Check that this runtime can reach the internet (on Colab: Runtime > Restart session), then run this "
            "cell again; the README's 'When the setup cell fails' has more."
        )
    importlib.invalidate_caches()
    if "sgd_helpers" in sys.modules:
        print("sgd-helpers was replaced: restart the runtime (Runtime > Restart session) and run the notebook again")
import sgd_helpers  # noqa: E402

_ = sgd_helpers.explain_errors()  # plain words, not PyTorch's advice, when a cell that cannot run twice is run twice"""


def sync(path: Path) -> bool:
    """Give one notebook its badge and its setup cell, adding either where it is missing; True if it changed.

    The badge goes under the title (the first cell's first line); the setup cell before the first code cell,
    folded to its title line. A first code cell that is not a setup cell is the notebook's own and is kept: the
    setup cell goes above it.
    """
    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0] if nb.cells else None
    if title is None or title.cell_type != "markdown" or not title.source.startswith("# "):
        raise ValueError(f"{path.name}: the first cell must be the title, a markdown cell starting '# '")
    before = nbformat.writes(nb)
    if BADGE_RE.search(title.source):
        title.source = BADGE_RE.sub(lambda _: badge(path.name), title.source)
    else:
        heading, _, rest = title.source.partition("\n")
        title.source = f"{heading}\n\n{badge(path.name)}" + (f"\n\n{rest.lstrip()}" if rest.strip() else "")
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if not (code and "SGD_HELPERS = " in nb.cells[code[0]].source):
        nb.cells.insert(code[0] if code else 1, nbformat.v4.new_code_cell(""))
        code = [code[0] if code else 1]
    setup = nb.cells[code[0]]
    setup.source = setup_source()
    fold(setup)  # one line of intent; the logic folded
    changed = nbformat.writes(nb) != before
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
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        if sync(p):
            print(f"updated {p.name}; re-run `make outputs` so its stored outputs match")
    if sync_readme():
        print("updated README.md")
