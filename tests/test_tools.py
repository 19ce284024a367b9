"""The project's own tools: the output normaliser and runner behind `make outputs`/`make reproduce`, the environment
maker behind every make target, and the benchmark."""

import platform
import re
import subprocess
from pathlib import Path

import bench
import env
import nbformat
import pytest
import run_notebooks

from sgd_helpers._wire import explorer_html

VIEW = "application/vnd.jupyter.widget-view+json"


def _executed_notebook():
    cell = nbformat.v4.new_code_cell("print('a'); print('b')", execution_count=1)
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="c\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "Explorer(...)", VIEW: {"model_id": "f00"}}),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_normalise_merges_streams_and_drops_timing_widget_state_and_views():
    nb = _executed_notebook()
    run_notebooks.normalise(nb)
    outs = nb.cells[0].outputs
    assert [(o.output_type, o.get("name")) for o in outs] == [("stream", "stdout"), ("stream", "stderr"),
                                                              ("display_data", None)]
    assert outs[0].text == "a\nb\n"
    assert outs[2].data == {"text/plain": "Explorer(...)"}
    assert "execution" not in nb.cells[0].metadata and "widgets" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"
    nbformat.validate(nb)


def test_normalise_is_idempotent():
    nb = _executed_notebook()
    run_notebooks.normalise(nb)
    once = nbformat.writes(nb)
    run_notebooks.normalise(nb)
    assert nbformat.writes(nb) == once


def test_bench_measures_fit_and_summarises_redraw_times():
    fit = bench.bench_fit(steps=30, repeat=1)
    assert fit["fit_us_per_step"] > 0 and fit["bare_us_per_step"] > 0
    r = bench._summary([float(v) for v in range(1, 101)])  # 1..100 ms
    assert (r["median_ms"], r["p95_ms"], r["max_ms"], r["samples"]) == (50.5, 95.0, 100.0, 100)


def _book(png: bytes, y: float = 74.46824645996094, status: str = "fine") -> str:
    """A one-cell notebook whose output is an explorer's HTML copy, as sgd_helpers writes it, holding `png`, a
    number `y` in its data, and `status`."""
    copy = explorer_html("coaster", {"y": [y, 2.5]}, {"lr": 0.1}, status, True, png, "")
    out = nbformat.v4.new_output("display_data", data={"text/plain": f"Explorer(lr=0.1): {status}", "text/html": copy})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorer", id="explorer", outputs=[out])])
    return nbformat.writes(nb)


def _png(shade: int) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, shade, shade)).save(buf, format="png")
    return buf.getvalue()


def test_a_figure_inside_an_explorer_s_html_is_compared_as_a_figure_not_as_text():
    stored, near, far = (_book(_png(v)) for v in (200, 201, 20))
    assert run_notebooks.differences("x.ipynb", stored, near, save_to=None) == []  # within the tolerance
    (problem,) = run_notebooks.differences("x.ipynb", stored, far, save_to=None)
    assert "figure 1 differs by RMS" in problem
    assert run_notebooks.keep_stored_figures(stored, near).strip() == stored.strip()  # a near one keeps the stored
    assert run_notebooks.keep_stored_figures(stored, far).strip() == far.strip()
    changed = stored.replace("fine", "changed")
    assert any("its text differs" in p for p in run_notebooks.differences("x.ipynb", stored, changed, save_to=None))
    both = run_notebooks.differences("x.ipynb", stored, far.replace("fine", "changed"), save_to=None)
    assert "its text differs" in both[0] and any("figure 1 differs by RMS" in p for p in both)  # not only the text


def test_the_reproduction_check_ignores_only_the_python_patch_release():
    from pathlib import Path as P

    import nbformat as nbf
    from run_notebooks import comparable

    stored = (P(__file__).resolve().parent.parent / "notebooks" / "01_gradients.ipynb").read_text()
    nb = nbf.reads(stored, as_version=4)
    nb.metadata.language_info.version = "3.12.1"
    other_python = nbf.writes(nb)
    assert other_python != stored and comparable(other_python) == comparable(stored)
    nb.cells[4].outputs[1]["data"]["text/plain"] = "{-1.5: -3.0}"
    assert comparable(nbf.writes(nb)) != comparable(stored)


def test_a_failing_notebook_is_named_with_its_cell_first(tmp_path):
    path = tmp_path / "07_broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell("def f():\n    return 1 / 0\n\n\nf()")])
    nbformat.write(nb, path)
    message, ok = run_notebooks._one(path, check=False)
    assert not ok
    first = message.splitlines()[0]
    assert first == "07_broken.ipynb, cell 1 ('def f():'...): ZeroDivisionError: division by zero"
    assert len(message.splitlines()) < 20 and "\x1b[" not in message
    assert nbformat.read(path, as_version=4) == nb  # nothing written


def test_outputs_keep_their_figures_whatever_mplbackend_says(tmp_path, monkeypatch):
    path = tmp_path / "01_figure.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")]), path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert run_notebooks.main([str(path)]) == 0
    (cell,) = nbformat.read(path, as_version=4).cells
    assert any("image/png" in o.get("data", {}) for o in cell.outputs)


class FakeVenv:
    """Stands in for the venv and pip: records what env.ensure does, without installing anything."""

    def __init__(self, monkeypatch, found):
        self.calls, self.found = [], found
        monkeypatch.setattr(env, "version", lambda python: self.found)
        monkeypatch.setattr(env.venv, "create", lambda target, with_pip: self.calls.append("create"))
        monkeypatch.setattr(env.shutil, "rmtree", lambda target, ignore_errors: self.calls.append("remove"))
        monkeypatch.setattr(env.subprocess, "run", lambda cmd, check: self.calls.append("pip install"))


@pytest.mark.parametrize("found, stamp, given, expected", [
    (platform.python_version(), "same", False, []),
    (None, "same", False, ["remove", "create", "pip install"]),  # half made: no Python, or no pip
    (platform.python_version(), "old", False, ["pip install"]),  # pyproject or constraints changed
    (platform.python_version(), None, False, ["pip install"]),  # an install was interrupted
    ("3.9.0", "same", False, []),  # made by another Python, and no PYTHON= asked for this one
    ("3.9.0", "same", True, ["remove", "create", "pip install"]),  # make PYTHON=... asked for this one
], ids=["up to date", "half made", "inputs changed", "install interrupted", "other python kept",
        "other python replaced"])
def test_env_repairs_and_updates_what_it_must_and_nothing_else(tmp_path, monkeypatch, found, stamp, given, expected):
    fake = FakeVenv(monkeypatch, found)
    if stamp is not None:
        (tmp_path / ".installed").write_text(env.wanted() if stamp == "same" else "0123\n")
    said = env.ensure(tmp_path, python_given=given)
    assert fake.calls == expected and said == ("up to date" if not expected else "installed")
    if expected:
        assert (tmp_path / ".installed").read_text() == env.wanted()


def test_env_version_tells_a_working_venv_from_a_broken_one(tmp_path):
    import sys

    assert env.version(Path(sys.executable)) == platform.python_version()
    assert env.version(tmp_path / "bin" / "python") is None
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    assert env.version(broken) is None
    assert subprocess.run([sys.executable, "-c", "import pip"]).returncode == 0


@pytest.mark.timeout(120)
def test_the_mistakes_count_is_the_one_contributing_quotes(capsys):
    """Every wrong value in every argument ends in the helpers' own sentence or a right answer: none in a raw error
    from inside a library, none in a hang."""
    import mistakes

    mistakes.main()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sweep: 819 calls: 752 clear, 1 warned, 66 accepted, 0 raw, 0 hang; 753 get a clear sentence"
    assert out[1].startswith("accepted (read each") and len(out) == 2  # CONTRIBUTING.md quotes both


def test_a_new_notebook_gets_its_badge_and_setup_cell_and_keeps_its_own_code(tmp_path):
    """Adding a notebook is adding a file: links.py adds what every notebook needs and overwrites nothing."""
    import links

    path = tmp_path / "08_new_topic.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 08 · A new topic\nWhat it teaches."),
                                         nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, path)
    assert links.sync(path)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].source == f"# 08 · A new topic\n\n{links.badge(path.name)}\n\nWhat it teaches."
    assert [c.source for c in cells[1:]] == [links.setup_source(), "x = 1"]
    assert cells[1].metadata == {"jupyter": {"source_hidden": True}, "cellView": "form", "tags": ["hide-input"],
                                 "mystnb": {"code_prompt_show": "Show the setup", "code_prompt_hide": "Hide the setup"}}
    assert not links.sync(path)  # a second run changes nothing


def test_links_refuses_a_notebook_without_a_title(tmp_path):
    import links

    path = tmp_path / "08_untitled.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    with pytest.raises(ValueError, match="the first cell must be the title"):
        links.sync(path)


def test_an_explorer_s_data_are_compared_as_numbers_and_its_text_exactly():
    stored = _book(_png(200))
    last_bit = _book(_png(200), y=74.46824264526367)  # one float32 step apart
    assert run_notebooks.differences("x.ipynb", stored, last_bit, save_to=None) == []
    assert run_notebooks.keep_stored_figures(stored, last_bit).strip() == stored.strip()
    (problem,) = run_notebooks.differences("x.ipynb", stored, _book(_png(200), y=74.5), save_to=None)
    assert "explorer 1's data differ" in problem
    said = _book(_png(200), status="changed")
    assert any("its text differs" in p for p in run_notebooks.differences("x.ipynb", stored, said, save_to=None))


def test_a_fold_hides_a_cell_in_jupyterlab_on_colab_and_on_the_website_and_keeps_its_other_metadata():
    """One fold, three readers: JupyterLab's source_hidden, Colab's form, myst-nb's hide-input tag with a prompt that
    says what is hidden. A figure's alt text (myst-nb's `image` options) and other tags stay."""
    import proof_cells

    cell = nbformat.v4.new_code_cell("assert 1 + 1 == 2\nassert 2 > 1")
    cell.metadata.update(tags=["parameters"], mystnb={"image": {"alt": "A curve."}})
    assert proof_cells.is_proof(cell) and not proof_cells.folded(cell)
    proof_cells.fold(cell)
    assert cell.source.startswith(proof_cells.TITLE) and proof_cells.folded(cell)
    assert cell.metadata.tags == ["parameters", "hide-input"]
    assert cell.metadata.mystnb == {"image": {"alt": "A curve."}, "code_prompt_show": "Show the check",
                                    "code_prompt_hide": "Hide the check"}
    solution = nbformat.v4.new_code_cell("#@title Solution\ncheck_answer('01.1', 2, solution=True)")
    solution.metadata.update(jupyter={"source_hidden": True}, cellView="form")
    assert not proof_cells.folded(solution)  # hidden in JupyterLab and Colab, open on the website
    proof_cells.fold(solution)
    assert solution.metadata.mystnb["code_prompt_show"] == "Show the solution" and proof_cells.folded(solution)


def test_nbval_blanks_an_explorer_s_data_and_picture_with_regexes_that_name_no_explorer():
    """nbval holds only regexes: tests/nbval_sanitize.cfg's, applied as nbval applies them, blank what _wire writes
    as an explorer's data and picture, whatever its kind (a fifth explorer needs no edit there), and keep its
    status, which nbval compares."""
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((Path(__file__).parent / "nbval_sanitize.cfg").read_text())

    def sanitized(kind: str, y: float, shade: int, status: str = "fine </script>") -> str:
        text = explorer_html(kind, {"y": [y]}, {"lr": 0.1}, status, False, _png(shade), "module")
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    blanked = sanitized("a fifth", 74.46824645996094, 200)
    assert blanked == sanitized("a fifth", 74.46824264526367, 201) and "74.468" not in blanked
    assert "fine &lt;/script&gt;" in blanked and blanked != sanitized("a fifth", 74.468, 200, status="changed")


def test_the_mistakes_audit_leaves_grad_mode_on_after_stopping_a_call_that_hangs():
    import signal
    import time

    import mistakes
    import torch

    def stuck_without_grad():  # as if the alarm landed inside a helper's no_grad block
        torch.set_grad_enabled(False)
        time.sleep(5)

    before = signal.signal(signal.SIGALRM, mistakes.alarm)
    try:
        assert mistakes.outcome(stuck_without_grad, seconds=1) == ("hang", "no answer in 1 s")
        assert torch.is_grad_enabled()
    finally:
        signal.signal(signal.SIGALRM, before)
        torch.set_grad_enabled(True)
