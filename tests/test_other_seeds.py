"""A claim about a random experiment must hold for other seeds, not only for the stored run.

A notebook whose experiments are random keeps its seed in one code cell tagged `parameters` (`SEED = 0`, papermill's
convention). This test re-executes each such notebook in a fresh kernel with a cell `SEED = k` inserted after that
one, for seeds other than the stored one, and fails on the first error: an assert that no longer holds. Outputs are
not compared, since they are meant to differ. Seeds 1 to 5 by default (`make reruns`); `SEEDS=6,7 pytest -m rerun
tests/test_other_seeds.py` tries others.
"""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SEEDS = [int(s) for s in os.environ.get("SEEDS", "1,2,3,4,5").split(",")]
pytestmark = pytest.mark.rerun  # slow: `make reruns` runs this file, `make unit` does not


def parameters_cell(book) -> int | None:
    cells = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) <= 1, "at most one cell may be tagged 'parameters'"
    return cells[0] if cells else None


RANDOM = [p for p in NOTEBOOKS if parameters_cell(nbformat.read(p, as_version=4)) is not None]


def test_random_notebooks_declare_their_seed():
    assert {p.name[:2] for p in RANDOM} >= {"05", "06", "07", "08", "09"}
    for path in RANDOM:
        book = nbformat.read(path, as_version=4)
        assert book.cells[parameters_cell(book)].source.strip() == "SEED = 0", path.name


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", RANDOM, ids=[p.name for p in RANDOM])
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
