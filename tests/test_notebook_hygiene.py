"""Checks on the stored notebooks that need no kernel: format, order, links, clean outputs."""

import json
import re
import statistics
import subprocess
from pathlib import Path

import links
import nbformat
import proof_cells
import pytest
from reading_time import minutes as reading_minutes

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
    assert _hidden(first) and first.source.startswith("#@title Setup: run this first"), \
        "the setup cell shows one line of intent, its logic folded"


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


def _run_setup_cell(monkeypatch, installed, returncode=0, stderr=""):
    """Execute the setup cell with pip and the installed version faked; return the pip commands it ran."""
    import importlib.metadata

    calls = []

    def fake_run(cmd, capture_output, text):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, returncode, "", stderr)

    def fake_version(name):
        if installed is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(importlib.metadata, "version", fake_version)
    exec(links.setup_source(), {})
    return calls


def test_setup_cell_pins_the_release_the_outputs_were_made_with():
    import sgd_helpers

    assert links.version() == sgd_helpers.__version__
    assert f'SGD_HELPERS = "{sgd_helpers.__version__}"' in links.setup_source()


def test_setup_cell_installs_nothing_where_the_pinned_release_is_installed(monkeypatch):
    assert _run_setup_cell(monkeypatch, installed=links.version()) == []


@pytest.mark.parametrize("installed", [None, "0.0.1"], ids=["missing", "an older release"])
def test_setup_cell_installs_the_pinned_release_from_pip(monkeypatch, installed):
    (cmd,) = _run_setup_cell(monkeypatch, installed)
    assert cmd[1:] == ["-m", "pip", "install", "-q", "--root-user-action=ignore", f"sgd-helpers=={links.version()}"]


def test_setup_cell_failure_is_one_plain_sentence(monkeypatch):
    with pytest.raises(Exception) as caught:
        _run_setup_cell(monkeypatch, None, returncode=1, stderr="ERROR: No matching distribution found\n")
    lines = caught.value._render_traceback_()
    assert lines == [str(caught.value)] and "(pip said: ERROR: No matching distribution found)" in lines[0]


def test_the_repository_is_named_in_one_place_and_readme_agrees():
    for p in NOTEBOOKS:
        assert links.badge(p.name) in (ROOT / "README.md").read_text(), f"README lacks the badge of {p.name}"


def test_kernelspec_is_exactly_what_ipykernel_installs(nb):
    # JupyterLab compares the stored kernelspec with the running kernel's and, if they differ, marks the notebook
    # modified on open and autosaves it a little later.
    from ipykernel.kernelspec import get_kernel_dict

    _, book = nb
    installed = get_kernel_dict()
    assert book.metadata.kernelspec == {
        "display_name": installed["display_name"], "language": installed["language"], "name": "python3"
    }


EXERCISE_CALL = re.compile(r'check_answer\("(\d\d\.\d)"')


def _hidden(cell) -> bool:
    """Collapsed in JupyterLab (source_hidden), a form on Colab (cellView), which shows only its #@title, and folded
    on the website behind a prompt that says what it hides (myst-nb's hide-input and code_prompt_show)."""
    return proof_cells.folded(cell)


def test_exercises_are_a_learner_cell_then_a_hidden_solution(nb):
    from sgd_helpers.exercises import NOT_ANSWERED

    path, book = nb
    code = [c for c in book.cells if c.cell_type == "code"]
    learner = [i for i, c in enumerate(code) if EXERCISE_CALL.search(c.source) and "solution=True" not in c.source]
    assert 3 <= len(learner) <= 5, f"{path.name} has {len(learner)} exercises; three to five, please"
    ids = []
    for i in learner:
        (exercise,) = EXERCISE_CALL.findall(code[i].source)
        assert exercise.startswith(path.name[:2]), f"exercise {exercise} in {path.name}"
        assert "..." in code[i].source, f"exercise {exercise}: the learner's cell must run as stored, with ..."
        assert [o.get("text") for o in code[i].outputs] == [NOT_ANSWERED + "\n"], exercise
        solution = code[i + 1] if i + 1 < len(code) else None
        assert solution is not None and solution.source.startswith("#@title Solution\n"), \
            f"exercise {exercise}: the next code cell must be its solution, starting with '#@title Solution'"
        assert _hidden(solution), f"exercise {exercise}: its solution is not hidden"
        assert solution.outputs == [], f"exercise {exercise}: its solution's output would give the answer away"
        assert f'check_answer("{exercise}",' in solution.source and "solution=True" in solution.source, \
            f"exercise {exercise}: the solution must pass the same check, with solution=True"
        ids.append(exercise)
    assert ids == sorted(set(ids)), ids
    for cell in code:  # no answer anywhere in the open
        first = cell.source.splitlines()[0] if cell.source else ""
        if "solution=True" in cell.source or "solution" in first.lower():
            assert _hidden(cell), f"an open solution in {path.name}: {first!r}"


def test_every_registered_exercise_is_asked_in_a_notebook():
    from sgd_helpers.exercises import EXERCISES

    cells = [c for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
    asked = {ex for c in cells for ex in EXERCISE_CALL.findall(c.source)}
    assert asked == set(EXERCISES)


def test_proof_cells_are_folded_out_of_the_reading_path(nb):
    """A cell that is mostly checks proves the sentence above it: folded (collapsed in JupyterLab, a titled form on
    Colab, behind "Show the check" on the website), never removed; so are every check, setup and solution cell.
    `python tools/proof_cells.py` folds them."""
    path, book = nb
    open_proofs = [c.source.splitlines()[0] for c in book.cells if c.cell_type == "code" and not proof_cells.folded(c)
                   and (proof_cells.is_proof(c) or c.source.startswith(tuple(proof_cells.FOLDS)))]
    assert not open_proofs, f"{path.name}: open proof cells starting {open_proofs}; run tools/proof_cells.py"
    for cell in book.cells:
        if cell.cell_type == "code" and proof_cells.folded(cell):
            assert cell.source.startswith("#@title"), f"{path.name}: a folded cell needs a #@title for Colab"


def test_few_checks_are_left_in_the_open():
    """Course-wide, the check lines a learner reads in the open stay few: most live in folded proof cells."""
    books = [nbformat.read(p, as_version=4) for p in NOTEBOOKS]
    visible = sum(proof_cells.check_lines(c.source) for b in books for c in b.cells
                  if c.cell_type == "code" and not proof_cells.folded(c))
    folded = sum(proof_cells.check_lines(c.source) for b in books for c in b.cells
                 if c.cell_type == "code" and proof_cells.folded(c))
    assert visible <= 60 and folded > 3 * visible, (visible, folded)


def test_each_notebook_opens_with_what_it_teaches_assumes_and_takes(nb):
    path, book = nb
    title = book.cells[0].source
    assert "**You will learn:**" in title and "**It assumes**" in title, path.name
    said = re.search(r"\*\*Time:\*\* about (\d+) minutes to read", title)
    assert said, f"{path.name}: the title cell gives no reading time"
    assert abs(int(said.group(1)) - reading_minutes(book)) <= 1, \
        f"{path.name}: it says {said.group(1)} minutes; it takes {reading_minutes(book)} (tools/reading_time.py)"


def test_each_notebook_ends_with_words_to_know_and_further_reading(nb):
    path, book = nb
    text = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    words = re.search(r"## Words to know\n\n((?:- \*\*.+\*\*: .+\n?)+)", text)
    assert words and len(words.group(1).splitlines()) >= 5, f"{path.name}: 'Words to know', a term a line"
    reading = re.search(r"## Further reading\n\n((?:- .+\n?)+)", text)
    assert reading and "](http" in reading.group(1), f"{path.name}: 'Further reading', with links"
    assert text.index("## Summary") < text.index("## Words to know") < text.index("## Exercises")


def test_readme_gives_the_course_s_reading_time_as_the_notebooks_do():
    times = [int(re.search(r"about (\d+) minutes to read", nbformat.read(p, as_version=4).cells[0].source).group(1))
             for p in NOTEBOOKS]
    readme = (ROOT / "README.md").read_text()
    assert f"{min(times)} to {max(times)} minutes to read, about {sum(times)} in all" in readme, times


def test_no_notebook_takes_more_than_twice_as_long_to_read_as_the_typical_one():
    """Pacing: no notebook is more than twice as long as the course's median one. (Counted with its visible code, 01
    takes 18 minutes and 05 48: 04 and 05 are the candidates to split next.)"""
    length = {p.name: reading_minutes(nbformat.read(p, as_version=4)) for p in NOTEBOOKS}
    typical = statistics.median(length.values())
    longest = max(length, key=length.get)
    assert length[longest] <= 2 * typical, \
        f"{longest} takes {length[longest]} minutes to read, more than twice the median {typical}: rebalance"


def test_each_notebook_has_review_questions_with_folded_answers(nb):
    path, book = nb
    cell = next((c.source for c in book.cells if c.cell_type == "markdown" and c.source.startswith("## Review")), "")
    questions = re.findall(r"^\d+\. .+\n\n   <details><summary>Answer</summary>\n\n   .+\n\n   </details>$", cell, re.M)
    assert 6 <= len(questions) <= 10, f"{path.name}: 6 to 10 review questions, each with a folded model answer"


def test_the_seeds_a_notebook_s_ranges_are_asserted_on_are_the_seeds_its_text_names():
    """`MEASURED = range(N)` guards the asserts of ranges; the text says "over seeds 0 to N - 1", and the other-seeds
    test reads the text to know which seeds to run. One changed without the other would assert a range on seeds it
    was not measured over, or skip seeds it was."""
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
        text = " ".join(c.source for c in book.cells if c.cell_type == "markdown")
        measured = {int(n) - 1 for n in re.findall(r"MEASURED = range\((\d+)\)", code)}
        stated = {int(n) for n in re.findall(r"over seeds 0 to\s+(\d+)", text)}
        assert measured == stated, f"{path.name}: MEASURED covers seeds 0 to {measured}, the text {stated}"
