"""A claim about a random experiment must hold for other seeds, not only for the stored run.

A notebook whose experiments are random keeps its seed in one code cell tagged `parameters` (`SEED = 0`, papermill's
convention). This test re-executes each such notebook in a fresh kernel with a cell `SEED = k` inserted after that
one, for seeds other than the stored one, and fails on the first error: an assert that no longer holds. Outputs are
not compared, since they are meant to differ. Seeds 1 to 5 by default (`make reruns`), or 1 to N where the
notebook's text gives its ranges "over seeds 0 to N": a range stated over those seeds is then asserted on each of
them. `SEEDS=15,16 pytest -m rerun tests/test_other_seeds.py` tries others.
"""

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ASKED = [int(s) for s in os.environ["SEEDS"].split(",")] if os.environ.get("SEEDS") else None
pytestmark = pytest.mark.rerun  # slow: `make reruns` runs this file, `make unit` does not


def parameters_cell(book) -> int | None:
    cells = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) <= 1, "at most one cell may be tagged 'parameters'"
    return cells[0] if cells else None


def seeds_to_try(book) -> list[int]:
    """Seeds 1 to 5, or 1 to N where the text states ranges "over seeds 0 to N"."""
    text = " ".join(c.source for c in book.cells if c.cell_type == "markdown")
    stated = [int(n) for n in re.findall(r"over seeds 0 to\s+(\d+)", text)]
    return list(range(1, max([5, *stated]) + 1))


RANDOM = [p for p in NOTEBOOKS if parameters_cell(nbformat.read(p, as_version=4)) is not None]
RUNS = [(p, seed) for p in RANDOM for seed in ASKED or seeds_to_try(nbformat.read(p, as_version=4))]


def test_random_notebooks_declare_their_seed():
    assert {p.name[:2] for p in RANDOM} >= {"05", "06", "07", "08", "09"}
    for path in RANDOM:
        book = nbformat.read(path, as_version=4)
        assert book.cells[parameters_cell(book)].source.strip() == "SEED = 0", path.name


def test_a_range_over_more_seeds_is_tried_on_each_of_them():
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("the range over seeds 0 to\n9, asserted")])
    assert seeds_to_try(book) == list(range(1, 10))
    assert seeds_to_try(nbformat.v4.new_notebook()) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("path", "seed"), RUNS, ids=[f"{p.name}-{seed}" for p, seed in RUNS])
def test_every_assert_holds_with_another_seed(path, seed, tmp_path, monkeypatch):
    # Kernels running side by side (pytest -n) must not fight over cores: thousands of tiny tensor operations
    # slow down several-fold when each kernel's thread pool spins for the other's cores. Tiny tensors are not
    # split across threads anyway, so the numbers are the same.
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    book = nbformat.read(path, as_version=4)
    book.cells.insert(parameters_cell(book) + 1, nbformat.v4.new_code_cell(f"SEED = {seed}"))
    client = NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as e:
        pytest.fail(f"{path.name} with SEED = {seed}: {str(e)[-1500:]}")
