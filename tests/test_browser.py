"""The course in a real browser: JupyterLab in headless Chromium, used as a learner uses it.

For each notebook, over a temporary copy of the notebooks: open it and check that it is not marked modified, leave
it open past JupyterLab's autosave interval and check that the file on disk is unchanged, then restart the kernel,
run all, and check that no cell wrote an error or anything on stderr. For each explorer on the page: move each
control one step with the keyboard, and check that its readout moves, and that its status line and its image equal
what the same settings give from Python (the notebook's own cells, run here, up to the explorer) and change
whenever those do. Screenshots of
each explorer before and after every move go to build/browser/ (not kept by git). Finally every notebook is
rendered to static HTML with nbconvert, as GitHub and nbviewer show it, and every stored figure must appear.

Needs a Chromium (`apt-get install chromium`; or SGD_CHROMIUM=/path). Without one the tests are skipped with one
loud line, except under CI (CI=true), where a missing browser is a failure.
"""

import ast
import base64
import os
import shutil
import time
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from browser import HOW_TO_GET_ONE, NotebookPage, chromium, find_chromium
from lab import Lab

import sgd_helpers.widgets as w

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "build" / "browser"
AUTOSAVE = 2  # seconds: JupyterLab's interval in this test (120 by default)
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if find_chromium() is None:
        message = f"NO CHROMIUM, SO NO BROWSER TEST: {HOW_TO_GET_ONE}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("course")
    for path in NOTEBOOKS:
        shutil.copy(path, folder / path.name)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with Lab(folder, autosave=AUTOSAVE) as server, chromium(str(tmp_path_factory.mktemp("profile"))) as context:
        server.folder, server.context = folder, context
        yield server


def replicas(path: Path) -> dict[int, w.Explorer]:
    """Each explorer the notebook shows, made again here by running its own cells (setup cell aside) up to it."""
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"][1:]
    namespace, found = {"__name__": "__main__"}, {}
    last = max((i for i, c in enumerate(code) if any("Explorer(" in o.get("data", {}).get("text/plain", "")
                                                     for o in c.outputs)), default=-1)
    for i, cell in enumerate(code[: last + 1]):
        tree = ast.parse(cell.source)
        exec(compile(tree, f"{path.name} cell {i}", "exec"), namespace)
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            value = eval(compile(ast.Expression(tree.body[-1].value), "last", "eval"), namespace)
            if isinstance(value, w.Explorer):
                found[len(found)] = value
        plt.close("all")
    return found


def values(control) -> list:
    if hasattr(control, "min"):  # an IntSlider
        return list(range(control.min, control.max + 1))
    return [v for _, v in control.options] if isinstance(control.options[0], tuple) else list(control.options)


def one_press(control) -> tuple[bool, object]:
    """Which way a key press moves `control` (forward, unless it is at its end) and the value it moves it to."""
    options, i = values(control), values(control).index(control.value)
    forward = i < len(options) - 1 or not hasattr(control, "readout")  # toggle buttons wrap round
    return forward, options[(i + (1 if forward else -1)) % len(options)]


def shown(control, value) -> str:
    """What the control's readout (or its highlighted button) says for `value`."""
    if hasattr(control, "options") and isinstance(control.options[0], tuple):
        return next(label for label, v in control.options if v == value)
    return str(value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_learner_opens_runs_and_moves_every_control(lab, path):
    on_disk = lab.folder / path.name
    stored = on_disk.read_bytes()
    page = NotebookPage(lab.context, lab, path.name)
    page.open()
    assert not page.dirty(), f"{path.name} is marked modified as soon as it opens"
    time.sleep(AUTOSAVE + 2)  # past the autosave interval: an unmodified notebook must not be written
    assert not page.dirty() and on_disk.read_bytes() == stored, f"{path.name} was rewritten without a learner's edit"

    page.restart_and_run_all()
    assert page.stderr() == [], f"{path.name}: an error or stderr output after Run All"

    made_here = replicas(path)
    explorers = page.explorers()
    assert len(explorers) == len(made_here), f"{path.name}: {len(explorers)} explorers on the page"
    for k, (ex, replica) in enumerate(zip(explorers, made_here.values(), strict=True)):
        name = f"{path.stem}-explorer{k + 1}"
        ex.widget.locator("xpath=..").scroll_into_view_if_needed()
        ex.widget.locator("xpath=..").screenshot(path=SHOTS / f"{name}-0-as-opened.png")
        assert ex.status() == replica.message, f"{name}: the page's state after Run All is not the default"
        assert ex.png() == replica.png(), f"{name}: the page's image differs from Python's at the default"
        by_label = {c.description: (key, c) for key, c in replica.controls.items()}
        for control in ex.controls():
            key, widget = by_label[control.name]
            forward, expected = one_press(widget)
            status, image, said = ex.status(), ex.png(), replica.message
            replica.set(**{key: expected})
            ex.press(control.name, forward, changes=replica.png() != image)  # momentum's β moves no plain descent
            moved = {c.name: c.readout for c in ex.controls()}[control.name]
            assert moved == shown(widget, expected), f"{name}: {control.name} shows {moved}, not {expected}"
            # the status equals Python's, and changed if Python's did (a far start can end at the same rounded loss)
            assert ex.status() == replica.message, f"{name}: {control.name}: status"
            assert (ex.status() != status) == (replica.message != said), f"{name}: {control.name}: status unchanged"
            assert ex.png() == replica.png(), f"{name}: {control.name}: image"
            assert (ex.png() != image) == (replica.png() != image), f"{name}: {control.name}: image unchanged"
            slug = "".join(ch if ch.isalnum() else "-" for ch in control.name)
            ex.widget.locator("xpath=..").screenshot(path=SHOTS / f"{name}-{slug}-moved.png")
    page.page.close()


def test_static_html_shows_every_stored_figure(lab):
    from nbconvert import HTMLExporter

    page = lab.context.new_page()
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        figures = [o.data["image/png"] for c in book.cells if c.cell_type == "code" for o in c.outputs
                   if "image/png" in o.get("data", {})]
        html, _ = HTMLExporter().from_notebook_node(book)
        page.set_content(html, wait_until="load")
        drawn = page.evaluate("() => [...document.images].filter(i => i.src.startsWith('data:image/png'))"
                              ".map(i => [i.src.split(',')[1], i.complete && i.naturalWidth > 0])")
        assert len(drawn) == len(figures) and figures, f"{path.name}: {len(drawn)} of {len(figures)} figures in HTML"
        for (src, ok), stored in zip(drawn, figures, strict=True):
            assert ok and base64.b64decode(src) == base64.b64decode(stored), f"{path.name}: a figure did not draw"
    page.close()
