"""The course's performance budgets, measured (`make bench`).

1. Each notebook executed headless in a fresh kernel, and the whole course,
   beside the floor no notebook can beat: a fresh kernel that only imports
   torch and matplotlib. Ratios are of times taken in the same run.
2. Explorer redraw time in the browser (headless Chromium), in three places: JupyterLab with a kernel (the live
   widget), a static page with no kernel (the explorer's own HTML copy, as the site and an HTML export show it), and
   that static copy as on a mid-range phone (390 × 844, the CPU slowed 4× by Chromium's
   `Emulation.setCPUThrottlingRate`). Each control is pressed 20 times with the keyboard and each slider dragged to
   its far end and back; each drawing is timed in the page (tools/browser.py's TIMER) from the event that caused it
   (the key going down, or the slider's input event during a drag) to the end of the drawing, and to the frame that
   shows it (a task posted through a MessageChannel from the next requestAnimationFrame runs once that frame's
   style, layout and paint are done). Median and 95th percentile; the aim is under 16 ms, one frame, so a drag never
   drops one. Printed: to the end of the drawing in JupyterLab and on the static page, to the painted frame on the
   phone; bench.json has both. Beside them, the floor: a page that only writes its slider's number (NOTHING).
   Skipped with a note where no Chromium is found.
3. `fit`'s time per step against a bare hand-written PyTorch loop on the same
   problem (seed 003's quadratic on 5x², SSE, lr 1e-7), interleaved repeats.

Timings vary with the machine and its load, so they are reported, not tested.
Results go to stdout and to bench-results/bench.json.

    python tools/bench.py [--repeat N] [--skip-notebooks] [--skip-browser]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
FLOOR_SOURCE = "import torch\nimport matplotlib.pyplot as plt"


def run_notebook(nb: nbformat.NotebookNode, path: Path) -> float:
    """Seconds to start a kernel, run every cell, and shut it down."""
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path)}}).execute()
    return time.perf_counter() - start


def bench_notebooks(repeat: int) -> dict:
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    floors, times = [], {p.name: [] for p in notebooks}
    for _ in range(repeat):
        floors.append(run_notebook(floor_nb, ROOT / "notebooks"))
        for p in notebooks:
            times[p.name].append(run_notebook(nbformat.read(p, as_version=4), p.parent))
        floors.append(run_notebook(floor_nb, ROOT / "notebooks"))
    floor = statistics.median(floors)
    per = {name: statistics.median(ts) for name, ts in times.items()}
    course = sum(per.values())
    return {
        "floor_s": floor,
        "notebooks": {name: {"s": s, "ratio_to_floor": s / floor} for name, s in per.items()},
        "course_s": course,
        "course_ratio_to_floor": course / (floor * len(per)),
    }


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered), "p95_ms": ordered[min(len(ordered) - 1,
            round(0.95 * (len(ordered) - 1)))], "max_ms": ordered[-1], "samples": len(ordered)}


def _measure(explorer, moves: int = 20) -> dict:
    """`moves` key presses per control, back and forth so that each changes the drawing (buttons: the next one), and
    a drag of each slider to its far end and back; from each event to the end of its drawing and to the painted
    frame (browser.TIMER)."""
    before = len(explorer.times())
    for control in explorer.controls():
        room = control.kind == "buttons" or explorer.position(control.name) < 1  # room to move forward first
        for k in range(moves):
            explorer.press(control.name, forward=control.kind == "buttons" or (k % 2 == 0) == room)
        if control.kind == "slider":
            start = explorer.position(control.name)
            explorer.drag(control.name, to=0.0 if start > 0.5 else 1.0)
            explorer.drag(control.name, to=start)
    times = explorer.times(before, painted=True)
    return {f"{how} to {end}": _summary([t[end] for t in times if t["how"] == how])
            for how in ("key press", "drag") for end in ("drawn", "painted")}


def _static_copies(context, phone: bool):
    """(name, Explorer) for each explorer's static copy (as the website shows it), alone on a page with no network;
    `phone`: at 390 × 844 with the CPU slowed 4× (Chromium's Emulation.setCPUThrottlingRate)."""
    from browser import Explorer

    from sgd_helpers._wire import stored_explorers

    page, where = context.new_page(), "phone, CPU ÷4" if phone else "static page"
    page.route("**/*", lambda route: route.abort())
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for k, copy in enumerate(e["html"] for e in stored_explorers(path)):
            page.set_content("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
                             f"<body>{copy}</body>", wait_until="load")
            page.wait_for_selector(".sgd-explorer")
            yield f"{path.stem}, explorer {k + 1}, {where}", Explorer(page, page.locator(".sgd-explorer").first)
    page.set_content(NOTHING, wait_until="load")
    yield f"floor: a page that only shows the slider's number, {where}", Explorer(page, page.locator(".sgd-explorer"))
    page.close()


# The floor of these timings: an "explorer" whose only work is to write its slider's number (the frame still waits
# for the next animation frame and for the page's style, layout and paint).
NOTHING = """<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>
<div class=sgd-explorer><div class=controls><label class=control><span>x</span>
<input type=range min=0 max=100 value=50><output>50</output></label></div></div>
<script>const root = document.querySelector('.sgd-explorer');
root.querySelector('input').addEventListener('input', (e) => {
    root.querySelector('output').textContent = e.target.value;
    root.dispatchEvent(new Event('sgd-redrawn'));
});</script>"""


def bench_browser() -> dict | str:
    """Redraw times of every explorer in JupyterLab (with a kernel), on a static page (none), and on the static page
    as on a mid-range phone. A string says why it did not run."""
    import shutil
    import tempfile

    from browser import HOW_TO_GET_ONE, NotebookPage, chromium, find_chromium
    from lab import Lab

    from sgd_helpers._wire import stored_explorers

    if find_chromium() is None:
        return f"not measured: no Chromium ({HOW_TO_GET_ONE})"
    with_explorers = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if stored_explorers(p)]
    out = {}
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as profile:
        for path in with_explorers:
            shutil.copy(path, folder)
        with Lab(Path(folder)) as lab, chromium(profile) as context:
            for path in with_explorers:
                page = NotebookPage(context, lab, path.name)
                page.open()
                page.restart_and_run_all()
                for k, explorer in enumerate(page.explorers()):
                    out[f"{path.stem}, explorer {k + 1}, JupyterLab"] = _measure(explorer)
                page.page.close()
            for phone in (False, True):
                out |= {name: _measure(explorer) for name, explorer in _static_copies(context, phone)}
    return out


def bench_fit(steps: int = 3000, repeat: int = 5) -> dict:
    import torch

    import sgd_helpers as h

    xs, ys = h.five_x_squared()

    def bare() -> float:
        params = torch.tensor([1.0, 2.0, 3.0]).requires_grad_()
        start = time.perf_counter()
        for _ in range(steps):
            loss = ((params[0] * xs * xs + params[1] * xs + params[2] - ys) ** 2).sum()
            loss.backward()
            with torch.no_grad():
                params -= params.grad * 1e-7
            params.grad = None
        return time.perf_counter() - start

    def helper() -> float:
        start = time.perf_counter()
        h.fit(h.quadratic, torch.tensor([1.0, 2.0, 3.0]), xs, ys, lr=1e-7, steps=steps, loss=h.sse)
        return time.perf_counter() - start

    bare_t, fit_t = [], []
    for _ in range(repeat):  # interleaved, so load changes hit both alike
        bare_t.append(bare())
        fit_t.append(helper())
    b, f = statistics.median(bare_t), statistics.median(fit_t)
    return {"bare_us_per_step": 1e6 * b / steps, "fit_us_per_step": 1e6 * f / steps, "ratio": f / b}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each notebook (median)")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    results: dict = {}
    if not args.skip_notebooks:
        results["notebooks"] = bench_notebooks(args.repeat)
        nb = results["notebooks"]
        print(f"floor (fresh kernel importing torch and matplotlib): {nb['floor_s']:.2f} s")
        for name, r in nb["notebooks"].items():
            print(f"  {name:<26} {r['s']:6.2f} s  {r['ratio_to_floor']:5.2f}x floor")
        print(f"  {'whole course':<26} {nb['course_s']:6.2f} s  {nb['course_ratio_to_floor']:5.2f}x its floor")
    if not args.skip_browser:
        results["browser"] = bench_browser()
        if isinstance(results["browser"], str):
            print(f"explorers in the browser: {results['browser']}")
        for name, r in (results["browser"] if isinstance(results["browser"], dict) else {}).items():
            shown = {what: m for what, m in r.items() if what.endswith("painted") == ("phone" in name)}
            said = ", ".join(f"{what}: median {m['median_ms']:.1f} ms, 95th percentile {m['p95_ms']:.1f} ms "
                             f"({m['samples']})" for what, m in shown.items())
            print(f"{name:<40} {said}")
    results["fit"] = bench_fit()
    f = results["fit"]
    print(f"fit: {f['fit_us_per_step']:.0f} us/step, bare loop {f['bare_us_per_step']:.0f} us/step, "
          f"ratio {f['ratio']:.2f}")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
