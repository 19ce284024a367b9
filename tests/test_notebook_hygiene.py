"""Checks on the stored notebooks that need no kernel: format, order, links, clean outputs."""

import json
import re
import subprocess
from pathlib import Path

import links
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
BAD_TEXT = [
    (re.compile(r" at 0x[0-9a-fA-F]{6,}"), "a memory address"),
    (re.compile(r"(/work/|/tmp/|/root/|/home/|/opt/|/usr/|site-packages|[A-Z]:\\)"), "a machine path"),
    (re.compile(r"\d+(\.\d+)?\s*(it/s|s/it|ms|µs|sec)\b|Wall time|CPU times"), "a timing"),
    (re.compile(r"Warning\b|warn\(", re.I), "a warning"),
]
MAX_BYTES = 1_500_000


def test_there_are_notebooks_numbered_in_reading_order():
    assert NOTEBOOKS, "notebooks/ holds no notebook"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS), IDS
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def nb(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_valid_nbformat_and_python3_kernel(nb):
    path, book = nb
    nbformat.validate(book)
    assert book.metadata.kernelspec.name == "python3"


def test_every_code_cell_ran_once_in_order(nb):
    _, book = nb
    counts = [c.execution_count for c in book.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-run with `make outputs`"


def test_title_cell_has_the_colab_badge_for_this_repository(nb):
    path, book = nb
    title = book.cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# ")
    assert links.badge(path.name) in title.source, "run `python tools/links.py` after changing the repository"


def test_first_code_cell_is_the_setup_cell(nb):
    _, book = nb
    first = next(c for c in book.cells if c.cell_type == "code")
    assert first.source == links.setup_source(), "run `python tools/links.py`"
    assert first.outputs == [], "the setup cell prints nothing where sgd_helpers is installed"


def test_notebook_ends_with_summary_and_exercises(nb):
    _, book = nb
    headings = [line for c in book.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    assert any(h.startswith("## Summary") for h in headings)
    assert any(h.startswith("## Exercise") for h in headings)


def test_outputs_are_clean(nb):
    path, book = nb
    for i, cell in enumerate(book.cells):
        if cell.cell_type != "code":
            continue
        assert "execution" not in cell.metadata, f"cell {i}: timing metadata; use `make outputs`"
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i}: an error output"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"cell {i}: stderr output"
            text = out.get("text", "") + "".join(
                v if isinstance(v, str) else json.dumps(v)
                for k, v in out.get("data", {}).items()
                if k.startswith("text/")
            )
            for rx, what in BAD_TEXT:
                assert not rx.search(text), f"cell {i}: {what} in an output: {rx.search(text).group(0)!r}"


def test_no_widget_state_and_small_file(nb):
    path, book = nb
    assert "widgets" not in book.metadata, "widget state is stored; use `make outputs`"
    views = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert not views, "a widget view (random model id) is stored; use `make outputs`"
    assert path.stat().st_size < MAX_BYTES


def test_setup_cell_installs_only_when_sgd_helpers_is_missing(monkeypatch):
    import importlib.util

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append(cmd))
    exec(links.setup_source(), {})
    assert calls == [], "installed although sgd_helpers is importable"

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sgd_helpers" else real_find_spec(name, *a)
    )
    monkeypatch.delenv("SGD_HELPERS_URL", raising=False)
    exec(links.setup_source(), {})
    assert len(calls) == 1 and calls[0][-3:] == ["install", "-q", links.pip_url()]
    monkeypatch.setenv("SGD_HELPERS_URL", "git+file:///somewhere")
    exec(links.setup_source(), {})
    assert calls[1][-1] == "git+file:///somewhere"


def test_the_repository_is_named_in_one_place_and_readme_agrees():
    repo = links.config()["repository"]
    readme = (ROOT / "README.md").read_text()
    for p in NOTEBOOKS:
        assert links.badge(p.name) in readme, f"README lacks the badge of {p.name}"
    assert repo in links.pip_url()


def test_kernelspec_is_exactly_what_ipykernel_installs(nb):
    # JupyterLab compares the stored kernelspec with the running kernel's and, if they differ, marks the notebook
    # modified on open and autosaves it a little later.
    from ipykernel.kernelspec import get_kernel_dict

    _, book = nb
    installed = get_kernel_dict()
    assert book.metadata.kernelspec == {
        "display_name": installed["display_name"], "language": installed["language"], "name": "python3"
    }
