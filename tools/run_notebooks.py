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
import difflib
import functools
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

from sgd_helpers._wire import parse_explorer_html, replace_explorer_data

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


def _pngs(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's figures, in order: each PNG output, and each PNG inside an HTML output."""
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if PNG in data:
            found.append(data[PNG])
        if HTML in data:
            found += [m.group(2) for m in EMBEDDED.finditer(_text(data[HTML]))]
    return found


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _replace_figures(cell: nbformat.NotebookNode, new: Callable[[str], str]) -> None:
    """Replace each of the cell's figures (as `_pngs` finds them) by `new(figure)`."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if PNG in data:
            data[PNG] = new(data[PNG])
        if HTML in data:
            data[HTML] = EMBEDDED.sub(lambda m: m.group(1) + new(m.group(2)), _text(data[HTML]))


def _states(cell: nbformat.NotebookNode) -> list[str]:
    """The JSON state of each explorer in the cell's HTML outputs."""
    return [e["data"] for out in cell.get("outputs", []) if HTML in out.get("data", {})
            for e in parse_explorer_html(_text(out.data[HTML]))]


def _replace_states(cell: nbformat.NotebookNode, new: Callable[[str], str]) -> None:
    for out in cell.get("outputs", []):
        if HTML in out.get("data", {}):
            out.data[HTML] = replace_explorer_data(_text(out.data[HTML]), new)


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
        _replace_figures(cell, lambda _: "<a PNG figure, compared within figures.TOLERANCE>")
        _replace_states(cell, lambda _: '"an explorer\'s data, compared to STATE_RTOL"')
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
    if problems:
        return problems
    stored_nb, fresh_nb = nbformat.reads(stored, as_version=4), nbformat.reads(fresh, as_version=4)
    for i, (ca, cb) in enumerate(zip(stored_nb.cells, fresh_nb.cells, strict=True)):
        for k, (sa, sb) in enumerate(zip(_states(ca), _states(cb), strict=True)):
            if not same_state(sa, sb):
                problems.append(f"{_where(i, ca)}: explorer {k + 1}'s data differ by more than {STATE_RTOL:g}")
        for k, (pa, pb) in enumerate(zip(_pngs(ca), _pngs(cb), strict=True)):
            if pa == pb:
                continue
            ia, ib = base64.b64decode(pa), base64.b64decode(pb)
            distance = figures.rms(ia, ib)
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


def _stored_if_close(stored: Iterator[str], png: str) -> str:
    """The next stored figure if it is within the tolerance of `png` (a figure the cell did not have is new)."""
    old = next(stored, None)
    if old is not None and old != png and \
            figures.rms(base64.b64decode(old), base64.b64decode(png)) <= figures.TOLERANCE:
        return old
    return png


def _stored_state_if_close(stored: Iterator[str], state: str) -> str:
    """The next stored explorer state if its numbers are within STATE_RTOL of `state`'s."""
    old = next(stored, None)
    return old if old is not None and same_state(old, state) else state


def keep_stored_figures(stored: str, fresh: str) -> str:
    """`fresh`, with each figure (and explorer's data) put back to its stored bytes where its cell's source and
    position are unchanged and the two are within the tolerance: re-executing on another processor rewrites no
    figure nobody changed."""
    old, old_states = {}, {}
    for cell in nbformat.reads(stored, as_version=4).cells:
        old.setdefault(cell.source, []).append(_pngs(cell))
        old_states.setdefault(cell.source, []).append(_states(cell))
    nb = nbformat.reads(fresh, as_version=4)
    seen: dict[str, int] = {}
    for cell in nb.cells:
        n = seen[cell.source] = seen.get(cell.source, -1) + 1
        before = old.get(cell.source, [])
        previous = before[n] if n < len(before) else []
        _replace_figures(cell, functools.partial(_stored_if_close, iter(previous)))
        before = old_states.get(cell.source, [])
        _replace_states(cell, functools.partial(_stored_state_if_close, iter(before[n] if n < len(before) else [])))
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
