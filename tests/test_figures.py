"""The reproduction check compares figures within a tolerance (tools/figures.py): it must pass what only rounding
moved and fail every real change, on the course's own stored figures."""

import base64
import io
from pathlib import Path

import figures
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import run_notebooks
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
COLOURS = {"C0": (31, 119, 180), "C1": (255, 127, 14), "C2": (44, 160, 44)}  # matplotlib's first three


def _png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _stored_figures_with_lines():
    """(notebook, cell index, PNG) of every stored figure with at least 100 pixels of one of the course's colours."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for png in [v for kind, v in run_notebooks._fuzzy(cell) if kind == "figure"][:1]:
                pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).astype(int)
                colour = max(COLOURS, key=lambda c: (np.abs(pixels - COLOURS[c]).sum(-1) < 30).sum())
                if (np.abs(pixels - COLOURS[colour]).sum(-1) < 30).sum() >= 100:
                    found.append((path, i, png, colour))
    return found


STORED = _stored_figures_with_lines()


def _with_figure(path: Path, index: int, png: str) -> str:
    """The stored notebook's text with cell `index`'s first figure (an image output, or the picture inside an
    explorer's HTML) replaced by `png`."""
    nb = nbformat.read(path, as_version=4)
    first = iter([png])
    run_notebooks._replace_fuzzy(nb.cells[index], lambda kind, was: next(first, was) if kind == "figure" else was)
    return nbformat.writes(nb) + "\n"  # as run_notebooks writes it


def _edit(png: str, colour: str, how: str) -> str:
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).copy()
    line = (np.abs(pixels.astype(int) - COLOURS[colour]).sum(-1) < 30)
    if how == "recoloured":  # the line drawn in another of the course's colours
        pixels[line] = COLOURS["C1" if colour != "C1" else "C0"]
    else:  # "moved": the line one pixel lower
        pixels[line] = 255
        pixels[np.roll(line, 1, axis=0)] = COLOURS[colour]
    return _png(Image.fromarray(pixels))


def test_there_are_stored_figures_to_test_on():
    assert len(STORED) >= 30, len(STORED)


@pytest.mark.parametrize("how", ["recoloured", "moved"])
def test_a_line_recoloured_or_moved_one_pixel_fails_the_check_in_every_stored_figure(how, tmp_path):
    missed = []
    for path, index, png, colour in STORED:
        stored = path.read_text(encoding="utf-8")
        problems = run_notebooks.differences(path.name, stored, _with_figure(path, index, _edit(png, colour, how)),
                                             save_to=tmp_path)
        if not (len(problems) == 1 and problems[0].startswith(f"cell {index} (") and "figure 1 differs" in problems[0]):
            missed.append(f"{path.name} cell {index}: {problems}")
    assert not missed, missed
    assert list(tmp_path.rglob("*-difference.png")), "the failing figures are saved to look at"


def _plot(shift=0.0, colour="C1", legend=True, wobble=0.0) -> Image.Image:
    """A figure in the course's style: a loss curve and a path, a legend, titles."""
    x = np.linspace(0, 10, 200)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot(x, np.exp(-x / 3) * (1 + wobble), color="C0", label="loss")
    ax.plot(x, 0.5 + 0.1 * np.sin(x) + shift, color=colour, label="a path")
    ax.set(xlabel="step", ylabel="loss", title="A figure")
    if legend:
        ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_rounding_passes_and_every_real_change_fails():
    stored = _plot()
    # What a processor's rounding does: values change in their seventh digit.
    assert figures.rms(stored, _plot(wobble=1e-7)) <= figures.TOLERANCE
    for name, changed in {"a legend dropped": _plot(legend=False), "a colour changed": _plot(colour="C2"),
                          "a curve moved by 1% of the axis": _plot(shift=0.01)}.items():
        assert figures.rms(stored, changed) > figures.TOLERANCE, name


def test_a_figure_of_another_size_fails():
    assert figures.rms(_plot(), _plot().resize((601, 400))) == float("inf")


def test_a_changed_number_still_fails_with_its_notebook_and_cell(tmp_path):
    path = ROOT / "notebooks" / "02_learning_rate.ipynb"
    nb = nbformat.read(path, as_version=4)
    index, out = next((i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      for o in c.outputs if o.output_type == "stream")
    out.text = out.text.replace("1", "2", 1)
    (problem,) = run_notebooks.differences(path.name, path.read_text(encoding="utf-8"), nbformat.writes(nb),
                                           save_to=tmp_path)
    assert problem.startswith(f"cell {index} (") and "its text differs" in problem and "-" in problem


def test_writing_keeps_a_stored_figure_that_only_rounding_moved():
    path, index, png, colour = STORED[0]
    stored = path.read_text(encoding="utf-8")
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).copy()
    pixels[0, 0] = pixels[0, 0] ^ 1  # one channel of one pixel, one level off
    nudged = _with_figure(path, index, _png(Image.fromarray(pixels)))
    assert nudged != stored and run_notebooks.keep_stored_figures(stored, nudged) == stored
    moved = _with_figure(path, index, _edit(png, colour, "moved"))
    assert run_notebooks.keep_stored_figures(stored, moved) == moved
