"""A learner runs a cell twice, or skips one: the notebook answers with a sentence, or simply works again.

The notebooks' code runs here in an IPython shell, cell by cell as a learner would run it, up to a cell that cannot
run twice; that cell is run again and what the learner would read is checked. `explain_errors` (called by every
setup cell) turns PyTorch's advice for these errors into what to do.
"""

import json
import warnings
from pathlib import Path

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from sgd_helpers import notebook  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def code_cells(name: str) -> list[str]:
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.fixture
def shell(capsys):
    sh = InteractiveShell.instance()
    sh.reset()
    sh.set_custom_exc((), None)
    with warnings.catch_warnings():  # as in a kernel, where a library's DeprecationWarning is not shown
        warnings.simplefilter("ignore", DeprecationWarning)
        yield sh
    sh.set_custom_exc((), None)


def run_until(shell, name: str, starts: str, occurrence: int = 1) -> str:
    """Run `name`'s code cells in order, up to and including the `occurrence`-th that starts with `starts`."""
    seen = 0
    for source in code_cells(name):
        result = shell.run_cell(source)
        assert result.success, f"{name}: a cell failed on its first run:\n{source[:300]}"
        if source.startswith(starts):
            seen += 1
            if seen == occurrence:
                return source
    raise AssertionError(f"{name} has no cell starting {starts!r}")


TWICE = [
    ("01_gradients.ipynb", "yt.backward()", 1, notebook.AGAIN),
    ("01_gradients.ipynb", "yt.backward()", 2, notebook.AGAIN),
    ("03_roller_coaster.ipynb", "loss.backward()", 1, notebook.AGAIN),
    ("03_roller_coaster.ipynb", "lr = 1e-5\nwith torch.no_grad():", 1, notebook.CLEARED),
    ("05_open_questions.ipynb", "params.data -= params.grad", 1, notebook.CLEARED),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name, starts, occurrence, advice", TWICE, ids=[f"{t[0][:2]}: {t[1][:20]}" for t in TWICE])
def test_a_cell_that_cannot_run_twice_says_what_to_do(shell, capsys, name, starts, occurrence, advice):
    source = run_until(shell, name, starts, occurrence)
    capsys.readouterr()
    assert not shell.run_cell(source).success
    said = capsys.readouterr().out
    assert advice in said and "retain_graph=True if you need" not in said and "NoneType" not in said, said
    assert said.count("\n") <= 1, f"one line, not a traceback: {said!r}"


@pytest.mark.timeout(120)
def test_03_data_and_start_cells_give_the_same_numbers_when_run_again(shell):
    source = run_until(shell, "03_roller_coaster.ipynb", "gen.set_state(after_the_data)")
    data, start = shell.user_ns["speed"].clone(), shell.user_ns["params"].detach().clone()
    shell.run_cell(next(s for s in code_cells("03_roller_coaster.ipynb") if "after_the_data = gen" in s))
    shell.run_cell(source)
    assert torch.equal(shell.user_ns["speed"], data) and torch.equal(shell.user_ns["params"].detach(), start)
    assert start.tolist() == pytest.approx([-0.7658, -0.7506, 1.3525], abs=1e-4)  # the book's start


@pytest.mark.timeout(120)
def test_05_backward_and_loop_cells_give_the_same_numbers_when_run_again(shell):
    backward = run_until(shell, "05_open_questions.ipynb", "params.grad = None  # added")
    first = shell.user_ns["params"].grad.clone()
    shell.run_cell(backward)
    assert torch.equal(shell.user_ns["params"].grad, first)  # not doubled
    shell.reset()
    loop = run_until(shell, "05_open_questions.ipynb", "params = after_two.clone()")
    after = shell.user_ns["params"].detach().clone()
    shell.run_cell(loop)  # as after an interrupted run
    assert torch.equal(shell.user_ns["params"].detach(), after)


@pytest.mark.timeout(60)
def test_a_skipped_setup_cell_points_to_it(shell, capsys, monkeypatch):
    imports = code_cells("01_gradients.ipynb")[1]
    monkeypatch.setitem(__import__("sys").modules, "sgd_helpers", None)  # as on a fresh Colab runtime
    assert not shell.run_cell(imports).success
    said = capsys.readouterr().out
    assert "ModuleNotFoundError" in said and "Run the setup cell at the top first" in said


def test_other_errors_keep_their_traceback(shell, capsys):
    assert notebook.explain_errors(shell)
    shell.run_cell("import torch\ntorch.ones(2) + 'a'")
    said = capsys.readouterr().out
    assert "Traceback" in said and "unsupported operand type(s) for +: 'Tensor' and 'str'" in said


def test_explain_errors_leaves_another_handler_alone(shell):
    shell.set_custom_exc((ImportError,), lambda *a, **k: None)
    assert not notebook.explain_errors(shell)
    assert shell.custom_exceptions == (ImportError,)


@pytest.mark.timeout(180)
def test_03_training_loops_repeat_the_same_steps_when_run_again(shell):
    name = "03_roller_coaster.ipynb"
    loop = run_until(shell, name, "losses = []")
    ten = shell.user_ns["params"].detach().clone()
    shell.run_cell(loop)
    assert torch.equal(shell.user_ns["params"].detach(), ten) and len(shell.user_ns["losses"]) == 10
    more = next(s for s in code_cells(name) if s.startswith("params = snapshots[-1]"))
    for _ in range(2):
        shell.run_cell(more)
        assert shell.user_ns["steps_taken"] == 1011  # the start, step 5's step, ten more, a thousand more
    thousand = shell.user_ns["params"].detach().clone()
    shell.run_cell(more)
    assert torch.equal(shell.user_ns["params"].detach(), thousand)


@pytest.mark.timeout(120)
def test_07_backward_cell_gives_the_same_gradient_when_run_again(shell):
    cell = run_until(shell, "07_pixels.ipynb", "def mnist_loss(")
    first = shell.user_ns["w"].grad.clone()
    shell.run_cell(cell)
    assert torch.equal(shell.user_ns["w"].grad, first)
