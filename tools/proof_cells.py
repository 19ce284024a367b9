"""Two tracks in one notebook: the lesson in the open, its proof folded one click away.

A *proof cell* is a code cell whose statements are mostly checks (`assert`, `test_eq`, `test_close`,
`torch.testing.assert_close`): it proves the sentence above it, and a learner's eye should pass over it. It is
folded wherever the course is read: collapsed in JupyterLab (`jupyter.source_hidden`), a titled form on Colab
(`cellView: "form"`, first line `#@title ...`), and on the website behind "Show the check" (myst-nb's `hide-input`
tag and its `mystnb.code_prompt_show`). Checks at the end of a cell that computes are split off into a proof cell
below it, where that changes no output. Nothing is removed: every check still runs. Setup cells, exercise
solutions and figure code (`#@title Setup`, `#@title Solution`, `#@title Code: ...`) are folded the same way, behind
"Show the setup", "Show the solution" and "Show the code".

`python tools/proof_cells.py [notebooks...]` folds and splits in place (then run `make outputs`);
`tests/test_notebook_hygiene.py` fails while a proof cell is open.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TITLE = "#@title Check: the claims above, asserted"
FOLDS = {"#@title Check": "the check", "#@title Solution": "the solution", "#@title Setup": "the setup",
         "#@title Code": "the code"}
CHECK = re.compile(r"^\s*(assert\b|test_eq\(|test_close\(|test_ne\(|test_fail\(|torch\.testing\.assert_close\(|"
                   r"np\.testing\.assert)")


def code_lines(source: str) -> list[str]:
    return [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]


def check_lines(source: str) -> int:
    """How many of the cell's lines start a check."""
    return sum(bool(CHECK.match(line)) for line in code_lines(source))


def is_proof(cell) -> bool:
    """Mostly checks: at least half of its code lines start one."""
    lines = code_lines(cell.source)
    return cell.cell_type == "code" and bool(lines) and check_lines(cell.source) >= len(lines) / 2


def _prompts(cell) -> dict[str, str]:
    """myst-nb's prompts for the website's fold: "Show the check" for a check, and so on."""
    what = next((name for title, name in FOLDS.items() if cell.source.startswith(title)), "the code")
    return {"code_prompt_show": f"Show {what}", "code_prompt_hide": f"Hide {what}"}


def folded(cell) -> bool:
    """Folded in JupyterLab, on Colab and on the website, with the website's prompt saying what it hides."""
    meta = cell.metadata
    return (meta.get("jupyter", {}).get("source_hidden") is True and meta.get("cellView") == "form"
            and "hide-input" in meta.get("tags", []) and _prompts(cell).items() <= meta.get("mystnb", {}).items())


def fold(cell) -> None:
    """Fold a cell to its #@title line (a proof cell without one gets TITLE); other metadata is kept.

    >>> cell = nbformat.v4.new_code_cell("#@title Solution\\ncheck_answer('01.1', 2, solution=True)")
    >>> fold(cell); folded(cell), cell.metadata.tags, cell.metadata.mystnb["code_prompt_show"]
    (True, ['hide-input'], 'Show the solution')
    """
    if not cell.source.startswith("#@title"):
        cell.source = f"{TITLE}\n{cell.source}"
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    cell.metadata["cellView"] = "form"
    tags = cell.metadata.setdefault("tags", [])
    if "hide-input" not in tags:
        tags.append("hide-input")
    cell.metadata.setdefault("mystnb", {}).update(_prompts(cell))


def _quiet_end(source: str) -> bool:
    """True if the code's last statement shows nothing (not a bare expression, or a print or a show call)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return True
    call = body[-1].value
    return isinstance(call, ast.Call) and (getattr(call.func, "id", None) == "print"
                                           or getattr(call.func, "attr", None) == "show")


def split_trailing_checks(source: str) -> tuple[str, str] | None:
    """(the cell's code, its trailing checks) if the cell ends in top-level checks that can move without changing
    what the cell shows; else None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    lines = source.split("\n")
    k = len(body)
    while k > 0 and check_lines(ast.get_source_segment(source, body[k - 1]) or "") and \
            isinstance(body[k - 1], ast.Assert | ast.Expr):
        k -= 1
    if k == len(body) or k == 0:
        return None
    cut = body[k].lineno - 1
    while cut > 0 and lines[cut - 1].strip().startswith("#"):  # a comment just above the checks goes with them
        cut -= 1
    head, tail = "\n".join(lines[:cut]).rstrip(), "\n".join(lines[cut:]).strip("\n")
    return (head, tail) if _quiet_end(head) else None


def fold_notebook(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.source.startswith("#@title") and not is_proof(cell) \
                and check_lines(cell.source):
            parts = split_trailing_checks(cell.source)
            if parts is not None:
                cell.source = parts[0]
                cells.append(cell)
                cell = nbformat.v4.new_code_cell(parts[1])
        if cell.cell_type == "code" and not folded(cell) and (is_proof(cell) or cell.source.startswith(tuple(FOLDS))):
            fold(cell)
        cells.append(cell)
    nb.cells = cells
    changed = nbformat.writes(nb) != before
    if changed:
        nbformat.write(nb, path)
    return changed


if __name__ == "__main__":
    for p in [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb")):
        if fold_notebook(p):
            print(f"folded the proof cells of {p.name}; run `make outputs` so its outputs match")
