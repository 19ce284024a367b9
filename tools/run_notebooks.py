"""Re-execute notebooks top to bottom, each in a fresh kernel, and store (or check) their outputs.

`make outputs` runs this to write outputs in place: the only way outputs get
into the repository. It stores exactly what nbval compares, normalised so
that an unchanged notebook re-executes to the same bytes:

- execution counts 1..n, no timing metadata, no widget state;
- consecutive stream outputs merged (how many chunks `print` arrives in
  depends on timing, as front ends know and merge too);
- widget views stored as their text only: a model id is random and points at
  state that is not stored, so on a static page only the text can show.

Kernels run with one thread (OMP_NUM_THREADS=1), so the bytes do not depend on the machine's core count.

`--check` (run by `make test`) re-executes without writing and fails, with a
diff, if any notebook's bytes would change (all but the Python release the
kernel reports: outputs must not depend on it). Run it from the environment the
course is tested in, so the kernel is this Python.

    python tools/run_notebooks.py [--check] [--jobs N] [notebooks/01_gradients.ipynb ...]
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalise(nb: nbformat.NotebookNode) -> None:
    """Make an executed notebook's stored form depend only on what its cells computed."""
    nb.metadata.pop("widgets", None)
    # Exactly what ipykernel installs: JupyterLab rewrites (and marks modified) a notebook whose kernelspec differs.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        merged: list = []
        for out in cell.outputs:
            if out.output_type == "stream" and merged and merged[-1].output_type == "stream" \
                    and merged[-1].name == out.name:
                merged[-1].text += out.text
                continue
            if "data" in out:
                out.data.pop(WIDGET_VIEW, None)
            merged.append(out)
        cell.outputs = merged


class NotebookFailed(Exception):
    """A cell raised: the message names the notebook and the cell first, then the error, then a short traceback."""


def failure(path: Path, nb: nbformat.NotebookNode, error: CellExecutionError) -> NotebookFailed:
    index, cell = next(((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                        and any(o.output_type == "error" for o in c.get("outputs", []))), (None, None))
    where = f"cell {index} ({cell.source.splitlines()[0][:60]!r}...)" if cell is not None else "a cell"
    trace = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
    shown = "\n".join("    " + line for line in trace[-12:])
    return NotebookFailed(f"{path.name}, {where}: {error.ename}: {error.evalue}\n  the end of its traceback:\n{shown}")


def execute(path: Path, timeout: int = 300) -> tuple[str, float]:
    """Execute one notebook in a fresh kernel; return its normalised text and the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as e:
        raise failure(path, nb, e) from None
    elapsed = time.perf_counter() - start
    normalise(nb)
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n"), elapsed


def comparable(text: str) -> str:
    """The notebook text with the kernel's Python patch release blanked: another 3.11.x must not fail the check."""
    nb = nbformat.reads(text, as_version=4)
    nb.metadata.get("language_info", {}).pop("version", None)
    return nbformat.writes(nb)


def _one(path: Path, check: bool) -> tuple[str, bool]:
    try:
        text, elapsed = execute(path)
    except NotebookFailed as e:
        return f"{e}\n{path.name}: FAILED, nothing written", False
    stored = path.read_text(encoding="utf-8")
    if not check:
        if text != stored:
            path.write_text(text, encoding="utf-8")
        return f"{path.name}: executed in {elapsed:.1f} s", True
    if comparable(text) == comparable(stored):
        return f"{path.name}: reproduces byte for byte", True
    diff = difflib.unified_diff(stored.splitlines(), text.splitlines(), "stored", "re-executed", lineterm="", n=2)
    shown = [line[:160] for line in diff][:60]
    return f"{path.name}: DIFFERS from its stored outputs\n" + "\n".join(shown), False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="compare with the stored bytes instead of writing")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks executed at once")
    args = parser.parse_args(argv)
    # The stored figures come from Jupyter's inline backend; MPLBACKEND=Agg in the shell would drop them all.
    if os.environ.pop("MPLBACKEND", None):
        print("ignoring MPLBACKEND: the notebooks' figures need Jupyter's own (inline) backend")
    # One thread per kernel: the course's tensors are too small to gain from more, two kernels side by side would
    # spin against each other for the cores (several times slower), and the stored bytes must not depend on how
    # many cores the machine has.
    os.environ["OMP_NUM_THREADS"] = "1"
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(_one, paths, [args.check] * len(paths)))
    for message, _ in results:
        print(message)
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
