"""The explorers' JavaScript against their PyTorch reference, over a grid of every control of every explorer.

`sgd_helpers/explorer.js` runs each descent in the page; `sgd_helpers.widgets` computes the same settings with
PyTorch. Here headless Chromium runs the module (no server, no network) and every setting's status line and path
are compared with Python's:

- the kind of status (converging, diverged, no minimum, overflow) and its colour are always equal;
- the status line is equal at its printed precision: each number in it equal, or one unit apart in the last digit
  printed (PyTorch sums a loss over the data in partial sums whose order the page cannot copy);
- descent on a curve does the same float32 operations in the same order, so its paths are equal bit for bit.

The counts (settings, bit-equal paths, lines that differ in a last digit) are written to build/explorers-js.json;
the closing figures quote them.
"""

import json
import string
from pathlib import Path

import pytest
import torch
from browser import chromium
from browsing import need_chromium, same_at_printed_precision

import sgd_helpers.widgets as w
from sgd_helpers import five_x_squared, least_squares, roller_coaster
from sgd_helpers._spec import SPEC, sentences

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "build" / "explorers-js.json"
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    need_chromium("javascript test")
    with chromium(str(tmp_path_factory.mktemp("profile"))) as context:
        tab = context.new_page()
        tab.route("**/*", lambda route: route.abort())  # nothing may leave the page
        tab.set_content("<!doctype html><html><body></body></html>")
        tab.add_script_tag(content=w.MODULE.read_text() + "\nwindow.sgdCompute = compute;\n"
                           "window.sgdLogLabels = (a, b) => logTicks(...range([a, b], 0.05, true)).length;\n"
                           "Object.assign(window, { sgdFill: fill, sgdWindow: descentWindow });",
                           type="module")
        tab.wait_for_function("() => window.sgdCompute !== undefined")
        yield tab


def coaster_slice():
    """Notebook 04's bowl: the roller coaster's MSE as a function of (a, c), with b at its best value."""
    time, speed = roller_coaster()
    b = least_squares(time, speed, degree=2)[1]
    return lambda p: ((p[..., 0:1] * time**2 + b * time + p[..., 1:2] - speed) ** 2).mean(-1)


def every_value(explorer, base: dict, sweeps: list[dict]) -> list[dict]:
    """Each control through all of its values with the others at `base`, then each sweep (a grid of its own)."""
    settings = []
    for name, control in explorer.controls.items():
        options = range(control["min"], control["max"] + 1) if control["type"] == "int" else \
            [o[1] if isinstance(o, list) else o for o in control["options"]]
        settings += [{**base, name: v} for v in options]
    for sweep in sweeps:
        grid = [dict(base)]
        for name, options in sweep.items():
            grid = [{**g, name: v} for g in grid for v in options]
        settings += grid
    return settings


def options(explorer, name: str, every: int = 1) -> list:
    return explorer.controls[name]["options"][::every]


def cases():
    descent = w.descent_explorer(lambda x: x**2, x0=-1.5, lr=0.1, steps=10)
    coaster = w.coaster_explorer(*roller_coaster(), start=(-0.7658, -0.7506, 1.3525))
    scaling = w.scaling_explorer(*five_x_squared())
    surface = w.surface_explorer(coaster_slice(), (-0.5, 2.0), (-20.0, 120.0), names=("a", "c"))
    yield "descent", descent, every_value(descent, descent.values, [
        {"x0": options(descent, "x0"), "lr": options(descent, "lr"), "steps": [1, 2, 10, 50]}])
    yield "coaster", coaster, every_value(coaster, coaster.values, [
        {"lr": options(coaster, "lr"), "steps": [1, 10, 200], "a": options(coaster, "a", 20),
         "c": options(coaster, "c", 50)}])
    yield "scaling", scaling, every_value(scaling, scaling.values, [
        {"scale": options(scaling, "scale"), "lr": options(scaling, "lr", 2), "steps": [1, 500]}])
    yield "surface", surface, every_value(surface, surface.values, [
        {"method": ["gd", "momentum", "adam"], "lr": options(surface, "lr", 3), "steps": [10, 2000]},
        {"method": ["momentum", "adam"], "beta": options(surface, "beta"), "lr": [3e-5, 1.0]},
        {"start_a": options(surface, "start_a", 5), "start_c": options(surface, "start_c", 5)}])


def kind_of(status: str) -> str:
    return status.split(":")[0].split(" ")[0]  # after, diverged, no, overflow


@pytest.mark.parametrize("kind, explorer, settings", list(cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_page_computes_what_pytorch_computes(page, kind, explorer, settings):
    page_said = page.evaluate(
        """([kind, spec, settings]) => settings.map((s) => {
               const r = window.sgdCompute(kind, spec, s);
               return [r.status, r.ok, r.result.path ?? r.result.params];
           })""", [kind, explorer.spec, settings])
    bit_equal, last_digit, wrong = 0, [], []
    for values, (status, ok, path) in zip(settings, page_said, strict=True):
        explorer.set(**values)
        reference = explorer.result.get("path", explorer.result.get("params"))
        mine = torch.tensor(path, dtype=reference.dtype) if len(path) else torch.zeros(0, dtype=reference.dtype)
        bit_equal += mine.shape == reference.shape and torch.equal(mine, reference)
        if ok != explorer.ok or kind_of(status) != kind_of(explorer.message):
            wrong.append((values, explorer.message, status))
        elif status != explorer.message:
            (last_digit if same_at_printed_precision(status, explorer.message) else wrong).append(
                (values, explorer.message, status))
    REPORT.parent.mkdir(exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[kind] = {"settings": len(settings), "paths_bit_equal": bit_equal, "status_equal":
                    len(settings) - len(last_digit) - len(wrong), "status_last_digit": len(last_digit),
                    "examples_last_digit": [list(x) for x in last_digit[:3]]}
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    assert not wrong, f"{kind}: {len(wrong)} of {len(settings)} settings differ beyond the printed digit: {wrong[:3]}"
    if kind == "descent":
        assert bit_equal == len(settings), f"descent: only {bit_equal} of {len(settings)} paths equal bit for bit"
    assert len(last_digit) <= 0.01 * len(settings), f"{kind}: {len(last_digit)} status lines differ in a last digit"


def test_the_page_fills_each_sentence_and_draws_each_window_as_python_does(page):
    """The sentences and the window rule have one home (explorers.json), read by two pieces of code: Python's
    str.format and explorer.js's `fill`, widgets._window and explorer.js's descentWindow. They agree on every
    sentence, with numbers of every size, ties of the last digit among them, and on every start the slider offers."""
    numbers = [0.0, -0.0, 1.0, -1.5, 0.125, 2.5e-5, 1234.5, 9.9995, 0.00012345, 3.0e7, 1.0e16, -7.25e-12,
               float("inf"), float("nan")]
    cases = []
    for text in sentences():
        names = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None]
        for k in range(len(numbers)):
            fields = {name: numbers[(k + i) % len(numbers)] if spec else f"<{name} {k}>"
                      for i, (name, spec) in enumerate(names)}
            cases.append((text, fields, text.format(**fields)))
    filled = page.evaluate("cases => cases.map(([text, fields]) => window.sgdFill(text, fields))",
                           [[text, fields] for text, fields, _ in cases])
    assert [c[2] for c in cases] == filled
    descent = w.descent_explorer()
    starts = descent.controls["x0"]["options"]
    windows = page.evaluate("([rule, starts]) => starts.map((x0) => window.sgdWindow(rule, x0))",
                            [SPEC["descent"]["window"], starts])
    assert windows == [w._window(x0) for x0 in starts] and len(starts) > 40


def test_every_log_axis_the_page_draws_keeps_two_labels(page):
    """A loss axis on a log scale labels at least two values however narrow or wide its range: the same rule as
    the pictures' (sgd_helpers.plots.log_scale), over ranges from a hair's width to thirty decades."""
    fewest = page.evaluate("""() => {
        let fewest = 99;
        for (let i = 0; i < 20000; i++) {
            const lo = 10 ** (Math.random() * 40 - 20), factor = 10 ** (Math.random() ** 2 * 30);
            fewest = Math.min(fewest, window.sgdLogLabels(lo, lo * factor));
        }
        for (const [lo, hi] of [[677, 694], [25000, 25822], [2.1, 4.9], [1, 1], [7.305, 7.3051]]) {
            fewest = Math.min(fewest, window.sgdLogLabels(lo, hi));
        }
        return fewest;
    }""")
    assert fewest >= 2
