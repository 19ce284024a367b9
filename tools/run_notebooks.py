"""Re-execute notebooks top to bottom, each in a fresh kernel, and store (or check) their outputs.

`make outputs` runs this to write outputs in place: the only way outputs get
into the repository. It stores exactly what nbval compares, normalised so
that an unchanged notebook re-executes to the same bytes:

- execution counts 1..n, no timing metadata, no widget state;
- consecutive stream outputs merged, by nbconvert's CoalesceStreamsPreprocessor
  (how many chunks `print` arrives in depends on timing, as front ends know and
  merge too; a line rewritten with \\r is stored as it is finally shown);
- widget views stored without their model id (random, and pointing at state
  that is not stored): an explorer keeps its own HTML copy and its text.

Kernels run with one thread (OMP_NUM_THREADS=1), so the bytes do not depend on the machine's core count.

What "reproduces" means (`--check`, run by `make test`): every byte of text comes out again exactly (outputs,
metadata, execution counts; all but the Python patch release the kernel reports), and every figure comes out
within `figures.TOLERANCE` of the stored one, by the RMS of the pixel difference, as matplotlib's own test suite
compares images. Figure bytes are not compared: they move with the last bits of float sums, which differ from one
processor to another (tools/figures.py says why and how much). A difference is reported by notebook and cell, a
figure's with its RMS and the two images and their difference saved under build/reproduce/.

Writing (`make outputs`) keeps a stored figure's bytes where its cell's source is unchanged and the new figure is
within the tolerance, so re-executing on another processor does not rewrite figures nobody changed.

Run it from the environment the course is tested in, so the kernel is this Python. Set ATEN_CPU_CAPABILITY
(default, avx2, avx512) to re-execute on another of PyTorch's CPU kernel paths.

    python tools/run_notebooks.py [--check] [--jobs N] [notebooks/01_gradients.ipynb ...]
"""

from __future__ import annotations

import argparse
import base64
import copy
import difflib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from matplotlib.testing.compare import save_diff_image
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.filters import strip_ansi
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from sgd_helpers._wire import replace_explorer_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import figures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PNG = "image/png"
HTML = "text/html"
# A figure inside HTML (an explorer's picture for pages that strip its script): compared as a figure, not as text.
EMBEDDED = re.compile(r"(data:image/png;base64,)([A-Za-z0-9+/=]+)")
# An explorer's data inside its HTML (its JSON, read and written by sgd_helpers._wire): the data move in their last
# bits with the processor (the roller coaster's noise comes from a vectorised random generator), so they are compared
# as numbers, to STATE_RTOL, as a figure is compared within its tolerance; the explorer's text is compared exactly.
STATE_RTOL = 1e-6
PLACEHOLDERS = {"figure": "<a PNG figure, compared within figures.TOLERANCE>",
                "data": '"an explorer\'s data, compared to STATE_RTOL"'}
FIGURE_DIFFS = ROOT / "build" / "reproduce"


def normalise(nb: nbformat.NotebookNode) -> None:
    """Make an executed notebook's stored form depend only on what its cells computed."""
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    # nbclient writes neither (record_timing=False, store_widget_state=False); these are what a JupyterLab save left
    # in the notebook it read, with its timing or widget-state setting on.
    nb.metadata.pop("widgets", None)
    # Exactly what ipykernel installs: JupyterLab rewrites (and marks modified) a notebook whose kernelspec differs.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(WIDGET_VIEW, None)


class NotebookFailed(Exception):
    """A cell raised: the message names the notebook and the cell first, then the error, then a short traceback."""


def failure(path: Path, nb: nbformat.NotebookNode, error: CellExecutionError) -> NotebookFailed:
    where = next((_where(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and any(o.output_type == "error" for o in c.get("outputs", []))), "a cell")
    trace = strip_ansi(str(error)).strip().splitlines()  # nbconvert's: IPython colours its tracebacks
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
    return nbformat.writes(nb) + "\n", elapsed  # as nbformat.write ends a file: json.dumps never ends in a newline


def comparable(text: str) -> str:
    """The notebook text with the kernel's Python patch release blanked: another 3.11.x must not fail the check."""
    nb = nbformat.reads(text, as_version=4)
    nb.metadata.get("language_info", {}).pop("version", None)
    return nbformat.writes(nb)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _replace_fuzzy(cell: nbformat.NotebookNode, new: Callable[[str, str], str]) -> None:
    """Replace, in order, each of the cell's figures (a PNG output, or a PNG inside an HTML output) by
    `new("figure", base64)` and each explorer's data (its JSON inside an HTML output) by `new("data", json)`: what is
    compared within a tolerance, not exactly."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if PNG in data:
            data[PNG] = new("figure", data[PNG])
        if HTML in data:
            html = EMBEDDED.sub(lambda m: m.group(1) + new("figure", m.group(2)), _text(data[HTML]))
            data[HTML] = replace_explorer_data(html, lambda state: new("data", state))


def _fuzzy(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """The cell's figures and explorers' data as (kind, value), in `_replace_fuzzy`'s order."""
    found: list[tuple[str, str]] = []

    def note(kind: str, value: str) -> str:
        found.append((kind, value))
        return value  # unchanged: a copy is walked, so the cell is not even rewritten

    _replace_fuzzy(copy.deepcopy(cell), note)
    return found


def close(kind: str, a: str, b: str) -> bool:
    """Two figures within figures.TOLERANCE of each other, or two explorers' data within STATE_RTOL."""
    if a == b:
        return True
    if kind == "data":
        return same_state(a, b)
    return figures.rms(base64.b64decode(a), base64.b64decode(b)) <= figures.TOLERANCE


def same_state(a: str, b: str, rtol: float = STATE_RTOL) -> bool:
    """Two explorers' JSON states equal but for numbers within `rtol` of each other."""
    def close(x, y) -> bool:
        if isinstance(x, list | dict) or isinstance(y, list | dict):
            if type(x) is not type(y) or len(x) != len(y):
                return False
            pairs = zip(x.values(), y.values(), strict=True) if isinstance(x, dict) else zip(x, y, strict=True)
            return (not isinstance(x, dict) or list(x) == list(y)) and all(close(u, v) for u, v in pairs)
        if isinstance(x, float) and isinstance(y, float):
            return abs(x - y) <= rtol * max(abs(x), abs(y))
        return x == y

    return close(json.loads(a), json.loads(b))


def without_figures(text: str) -> str:
    """`comparable(text)` with every PNG and every explorer's data replaced by a placeholder: what must come out
    again exactly."""
    nb = nbformat.reads(comparable(text), as_version=4)
    for cell in nb.cells:
        _replace_fuzzy(cell, lambda kind, _: PLACEHOLDERS[kind])
    return nbformat.writes(nb)


def _where(index: int, cell: nbformat.NotebookNode) -> str:
    first = cell.source.splitlines()[0][:60] if cell.source else ""
    return f"cell {index} ({first!r}...)"


def differences(name: str, stored: str, fresh: str, save_to: Path | None = FIGURE_DIFFS) -> list[str]:
    """What keeps `fresh` from reproducing `stored`, one message per cell (empty when it reproduces).

    Text is compared exactly; each figure by `figures.rms` against `figures.TOLERANCE`. A figure past the tolerance
    is saved, stored and fresh and their difference, under `save_to` (None: not saved).
    """
    problems = []
    a, b = (nbformat.reads(without_figures(t), as_version=4) for t in (stored, fresh))
    if len(a.cells) == len(b.cells):
        for i, (ca, cb) in enumerate(zip(a.cells, b.cells, strict=True)):
            if ca != cb:
                lines = difflib.unified_diff(nbformat.writes(_alone(ca)).splitlines(),
                                             nbformat.writes(_alone(cb)).splitlines(), "stored", "re-executed",
                                             lineterm="", n=1)
                shown = [line[:160] for line in list(lines)[2:]][:40]
                problems.append(f"{_where(i, ca)}: its text differs\n" + "\n".join(shown))
        a.cells, b.cells = [], []
    if nbformat.writes(a) != nbformat.writes(b):
        lines = difflib.unified_diff(nbformat.writes(a).splitlines(), nbformat.writes(b).splitlines(), "stored",
                                     "re-executed", lineterm="", n=1)
        problems.append("the notebook differs outside its cells' outputs\n" + "\n".join(list(lines)[:40]))
    stored_nb, fresh_nb = nbformat.reads(stored, as_version=4), nbformat.reads(fresh, as_version=4)
    if len(stored_nb.cells) != len(fresh_nb.cells):
        return problems
    # Figures and explorer data are compared even in a cell whose text differs (then their counts may differ too).
    for i, (ca, cb) in enumerate(zip(stored_nb.cells, fresh_nb.cells, strict=True)):
        counts = {"figure": 0, "data": 0}
        for (kind, pa), (kind_b, pb) in zip(_fuzzy(ca), _fuzzy(cb), strict=False):
            counts[kind] += 1
            k = counts[kind] - 1
            if kind != kind_b or pa == pb:
                continue
            if kind == "data":
                if not same_state(pa, pb):
                    problems.append(f"{_where(i, ca)}: explorer {k + 1}'s data differ by more than {STATE_RTOL:g}")
                continue
            ia, ib = base64.b64decode(pa), base64.b64decode(pb)
            distance = figures.rms(ia, ib)  # computed once: the message gives it
            if distance <= figures.TOLERANCE:
                continue
            message = f"{_where(i, ca)}: figure {k + 1} differs by RMS {distance:.2f} (tolerance {figures.TOLERANCE})"
            if save_to is not None:
                folder = save_to / Path(name).stem
                folder.mkdir(parents=True, exist_ok=True)
                stem = folder / f"cell{i}-figure{k + 1}"
                Path(f"{stem}-stored.png").write_bytes(ia)
                Path(f"{stem}-fresh.png").write_bytes(ib)
                if distance != float("inf"):
                    save_diff_image(f"{stem}-stored.png", f"{stem}-fresh.png", f"{stem}-difference.png")
                message += f"; see {stem.relative_to(ROOT) if stem.is_relative_to(ROOT) else stem}-*.png"
            problems.append(message)
    return problems


def _alone(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[cell])


def keep_stored_figures(stored: str, fresh: str) -> str:
    """`fresh`, with each figure (and explorer's data) put back to its stored bytes where its cell's source and
    position are unchanged and the two are within the tolerance: re-executing on another processor rewrites no
    figure nobody changed."""
    old: dict[str, list[list[tuple[str, str]]]] = {}
    for cell in nbformat.reads(stored, as_version=4).cells:
        old.setdefault(cell.source, []).append(_fuzzy(cell))
    nb = nbformat.reads(fresh, as_version=4)
    seen: dict[str, int] = {}
    for cell in nb.cells:
        n = seen[cell.source] = seen.get(cell.source, -1) + 1
        before = old.get(cell.source, [])
        previous = iter(before[n] if n < len(before) else [])  # a figure the cell did not have is new

        def kept(kind: str, value: str, previous: Iterator[tuple[str, str]] = previous) -> str:
            was_kind, was = next(previous, ("", ""))
            return was if was_kind == kind and close(kind, was, value) else value

        _replace_fuzzy(cell, kept)
    return nbformat.writes(nb) + "\n"  # as nbformat.write ends a file


def _one(path: Path, check: bool) -> tuple[str, bool]:
    try:
        text, elapsed = execute(path)
    except NotebookFailed as e:
        return f"{e}\n{path.name}: FAILED, nothing written", False
    stored = path.read_text(encoding="utf-8")
    if not check:
        text = keep_stored_figures(stored, text)
        if text != stored:
            path.write_text(text, encoding="utf-8")
        return f"{path.name}: executed in {elapsed:.1f} s", True
    problems = differences(path.name, stored, text)
    if not problems:
        exact = "byte for byte" if comparable(text) == comparable(stored) else "text exactly, figures within tolerance"
        return f"{path.name}: reproduces ({exact})", True
    return f"{path.name}: DIFFERS from its stored outputs\n" + "\n".join(f"  {p}" for p in problems), False


def capability() -> str:
    """The CPU kernel path PyTorch runs here (ATEN_CPU_CAPABILITY, or the best the processor offers): what a kernel
    started from this process gets, since it inherits the environment. Asked of a Python like the kernels'."""
    code = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() or "unknown"


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
    print(f"PyTorch's CPU kernel path in the kernels: {capability()}")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(_one, paths, [args.check] * len(paths)))
    for message, _ in results:
        print(message)
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
