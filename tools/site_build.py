"""Build the course's website from the stored notebooks (`make site`): no re-execution, nothing from the network.

    python tools/site_build.py            # build/site/index.html, and one page per notebook

The notebooks are copied into build/site-src with three changes a static page needs, and Sphinx (myst-nb, the book
theme) renders them with their stored outputs:
- proof cells ("Check: ...") and the setup cell are folded behind a "Show the check" / "Show the setup" toggle,
  and exercise solutions behind "Show the solution" (myst-nb's `hide-input`, with the prompt set per cell);
- the Colab badge image on the pages is the site's own copy, so a page loads nothing from outside (the notebook a
  reader downloads is the stored one, byte for byte, with the usual badge);
- a landing page lists the notebooks in reading order, with their reading times, from their title cells, and
  credits the sources and states the licences, as the README does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCE, OUT = ROOT / "build" / "site-src", ROOT / "build" / "site"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
FOLDS = {"#@title Check": "the check", "#@title Solution": "the solution", "#@title Setup": "the setup"}


def fold(cell) -> None:
    """Fold a proof, solution or setup cell behind a toggle that says what it holds."""
    what = next((name for start, name in FOLDS.items() if cell.source.startswith(start)), None)
    if what is None:
        return
    cell.metadata.setdefault("tags", [])
    if "hide-input" not in cell.metadata["tags"]:
        cell.metadata["tags"].append("hide-input")
    cell.metadata["mystnb"] = {"code_prompt_show": f"Show {what}", "code_prompt_hide": f"Hide {what}"}


def page(path: Path) -> nbformat.NotebookNode:
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            fold(cell)
    return book


def finish(books: dict[str, nbformat.NotebookNode]) -> None:
    """After Sphinx: the badge from the site's own files, and the stored notebooks as the downloads."""
    for html in OUT.rglob("*.html"):
        text = html.read_text()
        if BADGE in text:
            local = "../" * (len(html.relative_to(OUT).parts) - 1) + "_static/colab-badge.svg"
            html.write_text(text.replace(f'src="{BADGE}"', f'src="{local}"'))
    for name in books:
        shutil.copy(ROOT / "notebooks" / name, OUT / "_sources" / "notebooks" / name)


def title_and_time(book) -> tuple[str, str]:
    first = book.cells[0].source
    title = first.splitlines()[0].lstrip("# ").strip()
    minutes = re.search(r"about (\d+) minutes to read", first)
    return title, minutes.group(1) if minutes else "?"


def landing(books: dict[str, nbformat.NotebookNode]) -> str:
    readme = (ROOT / "README.md").read_text()
    intro = readme.split("\n## ")[0].split("\n", 1)[1].strip()
    who = re.search(r"\*\*Who it is for\.\*\*.*?(?=\n\n)", readme, re.S).group(0)
    rows = "\n".join(f"| [{title}](notebooks/{name}) | about {minutes} minutes |"
                     for name, (title, minutes) in ((n, title_and_time(b)) for n, b in books.items()))
    toc = "\n".join(f"notebooks/{name[:-6]}" for name in books)
    sources = re.search(r"## Licence and sources\n\n(.*?)(?=\n## |\Z)", readme, re.S).group(1).strip()
    repository = f"https://github.com/{_course()['repository']}/blob/{_course()['branch']}/"
    sources = re.sub(r"\]\((LICENSE|LICENSE-CONTENT|NOTICE\.md)\)", lambda m: f"]({repository}{m.group(1)})", sources)
    return f"""# SGD, step by step

{intro}

{who}

## Reading order

Read the notebooks in order; each opens with what you will learn and what it assumes.

| notebook | reading time |
| --- | --- |
{rows}

## Running it

Every notebook's page has a button to open it in Colab (the rocket at the top) and one to download the `.ipynb`.
Colab needs nothing installed: run the first cell, which installs the course's helpers. On your own machine, clone
the repository and run `make lab`. On these pages the checks that prove each sentence, the setup cell and the
exercise solutions are folded: click "Show the check" or "Show the solution" to open one.

## Licence and sources

{sources}

```{{toctree}}
:hidden:
:maxdepth: 1

{toc}
```
"""


def _course() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["sgd-course"]


def build() -> float:
    started = time.perf_counter()
    shutil.rmtree(SOURCE, ignore_errors=True)
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.copytree(ROOT / "site", SOURCE)
    (SOURCE / "notebooks").mkdir()
    books = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        books[path.name] = page(path)
        nbformat.write(books[path.name], SOURCE / "notebooks" / path.name)
    (SOURCE / "index.md").write_text(landing(books))
    env = dict(os.environ, SGD_COURSE_ROOT=str(ROOT))
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-j", "1",
                    str(SOURCE), str(OUT)], check=True, env=env)
    finish(books)
    return time.perf_counter() - started


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    seconds = build()
    print(f"built {OUT.relative_to(ROOT)} in {seconds:.1f} s: {size(OUT) / 1e6:.1f} MB, "
          f"{len(list(OUT.rglob('*.html')))} pages; open {OUT.relative_to(ROOT)}/index.html")
