"""The course in a real browser: JupyterLab in headless Chromium, used as a learner uses it.

For each notebook, over a temporary copy of the notebooks: open it and check that it is not marked modified, leave
it open past JupyterLab's autosave interval and check that the file on disk is unchanged, then restart the kernel,
run all, and check that no cell wrote an error or anything on stderr. Before the run, the notebook is untrusted (as
one opened from disk is), JupyterLab strips scripts, and each explorer must show its stored picture; after it, each
explorer is the live widget. On it: move each control one step with the keyboard, check that its readout moves, and
that its status line equals, at its printed precision, what PyTorch gives for the same settings (the notebook's own
cells, run here, up to the explorer; tests/test_explorers_js.py compares the two over a whole grid); then drag a
slider and check that the drawing follows the drag. Screenshots of each explorer before and after every move go to
build/browser/ (not kept by git). Finally every notebook is rendered to static HTML with nbconvert, as GitHub and
nbviewer show it: every stored figure must appear, and each explorer must come alive with no kernel and no request
leaving the page, and answer keys and a drag.

Needs a Chromium (`apt-get install chromium`; or SGD_CHROMIUM=/path). Without one the tests are skipped with one
loud line, except under CI (CI=true), where a missing browser is a failure.
"""

import ast
import base64
import shutil
import time
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from browser import PANEL, Explorer, NotebookPage, chromium
from browsing import need_chromium, same_at_printed_precision
from lab import Lab

import sgd_helpers.widgets as w
from sgd_helpers._wire import stored_explorers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "build" / "browser"
AUTOSAVE = 2  # seconds: JupyterLab's interval in this test (120 by default)
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    need_chromium("browser test")
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


def values(control: dict) -> list:
    if control["type"] == "int":
        return list(range(control["min"], control["max"] + 1))
    return [o[1] if isinstance(o, list) else o for o in control["options"]]


def one_press(control: dict, value) -> tuple[bool, object]:
    """Which way a key press moves `control` from `value` (forward, unless it is at its end) and where to."""
    options = values(control)
    i = options.index(value)
    forward = i < len(options) - 1 or control["type"] == "buttons"  # buttons wrap round
    return forward, options[(i + (1 if forward else -1)) % len(options)]


def shown(control: dict, value) -> str:
    """What the control's readout (or its pressed button) says for `value`."""
    if control["type"] == "buttons":
        return next(label for label, v in control["options"] if v == value)
    return str(value) if control["type"] == "int" else w.fmt(value)


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
        ex.root.scroll_into_view_if_needed()
        ex.root.screenshot(path=SHOTS / f"{name}-0-as-run.png")
        assert ex.status() == replica.message == ex.shown_status(), f"{name}: the state after Run All"
        by_label = {c["label"]: (key, c) for key, c in replica.controls.items()}
        for control in ex.controls():
            key, spec = by_label[control.name]
            forward, expected = one_press(spec, replica.values[key])
            replica.set(**{key: expected})
            ex.press(control.name, forward)
            moved = {c.name: c.readout for c in ex.controls()}[control.name]
            assert moved == shown(spec, expected), f"{name}: {control.name} shows {moved}, not {expected}"
            assert ex.values() == replica.values, f"{name}: {control.name}: the page's settings"
            assert ex.ok() == replica.ok and same_at_printed_precision(ex.status(), replica.message), \
                f"{name}: {control.name}: the page says {ex.status()!r}, PyTorch {replica.message!r}"
            slug = "".join(ch if ch.isalnum() else "-" for ch in control.name)
            ex.root.screenshot(path=SHOTS / f"{name}-{slug}-moved.png")
        before = ex.status()
        times = ex.drag("lr", to=0.0)
        assert len(times) >= 5 and ex.status() != before, f"{name}: the drawing did not follow a drag ({times})"
        ex.root.screenshot(path=SHOTS / f"{name}-dragged.png")
    page.page.close()


def test_an_untrusted_notebook_shows_each_explorer_s_picture(lab):
    """Opened from disk, a notebook is untrusted: JupyterLab strips the explorers' scripts and shows their HTML
    copies sanitised, so each must show the picture of its stored settings and its status, never an empty box."""
    for path in NOTEBOOKS:
        stored = stored_explorers(path)
        if not stored:
            continue
        fresh = f"untrusted-{path.name}"  # never opened or run here, so never trusted
        shutil.copy(path, lab.folder / fresh)
        page = NotebookPage(lab.context, lab, fresh)
        page.open()
        drawn = page.page.evaluate(f"""() => [...{PANEL}.querySelectorAll('.jp-OutputArea-output img')]
            .filter(i => i.src.startsWith('data:image/png')).map(i => [i.src.split(',')[1],
                                                                       i.complete && i.naturalWidth > 0])""")
        text = page.page.evaluate(f"() => {PANEL}.textContent")
        for copy in stored:
            assert [copy["picture"], True] in drawn, f"{path.name}: an explorer's picture is missing or did not draw"
            assert copy["status"] in text, f"{path.name}: an explorer's status is missing"
        assert page.page.evaluate(f"() => {PANEL}.querySelectorAll('.sgd-explorer').length") == 0, \
            f"{path.name}: an explorer's script ran in an untrusted notebook"
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
        # the explorers' pictures are not among them: each explorer replaces its own with the live drawing
        drawn = page.evaluate("() => [...document.images].filter(i => i.src.startsWith('data:image/png'))"
                              ".map(i => [i.src.split(',')[1], i.complete && i.naturalWidth > 0])")
        assert len(drawn) == len(figures) and figures, f"{path.name}: {len(drawn)} of {len(figures)} figures in HTML"
        for (src, ok), stored in zip(drawn, figures, strict=True):
            assert ok and base64.b64decode(src) == base64.b64decode(stored), f"{path.name}: a figure did not draw"
    page.close()


def test_each_explorer_lives_in_a_static_page_with_no_kernel_and_no_network(lab):
    """The HTML copy alone (as the site and an HTML export embed it), in a page whose every outside request is
    refused: it draws the stored settings' status, answers a key press and a drag, asks for nothing, logs no error.
    Then the same inside nbconvert's full page, as GitHub's and nbviewer's export shows it."""
    from nbconvert import HTMLExporter

    page = lab.context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("data:", "about:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda route: route.abort())
    found = 0
    for path in NOTEBOOKS:
        copies = stored_explorers(path)
        for k, copy in enumerate(copies):
            found += 1
            page.set_content(f"<!doctype html><meta charset=utf-8><body>{copy['html']}</body>", wait_until="load")
            page.wait_for_selector(".sgd-explorer")
            ex = Explorer(page, page.locator(".sgd-explorer").first)
            assert ex.status() == copy["status"], f"{path.name}: {ex.status()!r}"
            before = ex.status()
            name = ex.controls()[0].name
            ex.press(name, True)
            times = ex.drag("lr", to=1.0)
            assert len(times) >= 5 and ex.status() != before, f"{path.name}: no answer to a key press and a drag"
            page.locator(".sgd-explorer").first.screenshot(path=SHOTS / f"{path.stem}-static-{k + 1}.png")
            assert requests == [] and errors == [], f"{path.name}: {requests[:3]} {errors[:3]}"
        if copies:  # nbconvert's own template asks for require.js and MathJax (refused here); the explorers do not
            html, _ = HTMLExporter().from_notebook_node(nbformat.read(path, as_version=4))
            page.set_content(html, wait_until="load")
            page.wait_for_function(f"() => document.querySelectorAll('.sgd-explorer').length == {len(copies)}")
            Explorer(page, page.locator(".sgd-explorer").first).press("lr", True)
            requests.clear()
            errors.clear()
    assert found >= 4
    page.close()
