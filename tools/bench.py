"""The course's performance budgets, measured (`make bench`).

1. Each notebook executed headless in a fresh kernel, and the whole course,
   beside the floor no notebook can beat: a fresh kernel that only imports
   torch and matplotlib. Ratios are of times taken in the same run.
2. Explorer update latency, twice: in Python (set a control, recompute, redraw, render the PNG the notebook
   front end receives) and as the learner feels it in the browser (JupyterLab in headless Chromium: from the key
   press to the new image on the page; skipped with a note where no Chromium is found). Medians over many updates.
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


def bench_widgets(updates: int = 40) -> dict:
    import matplotlib

    matplotlib.use("Agg")

    import sgd_helpers as h

    class SentHandle:
        """Stands in for the notebook's display handle; the explorer renders the PNG it would send."""

        def update(self, bundle, raw=False):
            assert bundle["image/png"]

    t, s = h.roller_coaster()
    b = h.least_squares(t, s, 2)[1]

    def valley(p):  # notebook 04's slice of notebook 03's loss: b held at its best
        return ((p[..., 0:1] * t**2 + b * t + p[..., 1:2] - s) ** 2).mean(-1)

    cases = {
        "descent_explorer": (h.descent_explorer(), "lr", [0.05, 0.1, 0.3, 0.8]),
        "coaster_explorer": (h.coaster_explorer(t, s), "lr", [5e-6, 1e-5, 2e-5, 3e-5]),
        "scaling_explorer": (h.scaling_explorer(*h.five_x_squared()), "scale", [1, 5, 10, 20]),
        "surface_explorer": (h.surface_explorer(valley, (-0.5, 2.0), (-20.0, 120.0)), "steps", [100, 200, 500, 1000]),
    }
    out = {}
    for name, (explorer, control, values) in cases.items():
        explorer._handle = SentHandle()
        samples = []
        for i in range(updates):
            start = time.perf_counter()
            explorer.set(**{control: values[i % len(values)]})
            samples.append(time.perf_counter() - start)
        out[name] = {"median_ms": 1000 * statistics.median(samples), "max_ms": 1000 * max(samples)}
    return out


def bench_browser(rounds: int = 4) -> dict | str:
    """Key press to new image, in JupyterLab in headless Chromium, for every explorer: each control is moved one
    step forward and back, `rounds` times. A string says why it did not run."""
    import shutil
    import tempfile

    from browser import HOW_TO_GET_ONE, NotebookPage, chromium, find_chromium
    from lab import Lab

    if find_chromium() is None:
        return f"not measured: no Chromium ({HOW_TO_GET_ONE})"
    with_explorers = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if "Explorer(" in p.read_text()]
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
                    names = [c.name for c in explorer.controls()]
                    # forward through the controls, then back in reverse order, so every move changes the figure
                    # (momentum's β changes nothing once the optimiser is plain descent again)
                    samples = [explorer.press(name, forward) for _ in range(rounds) for forward in (True, False)
                               for name in (names if forward else names[::-1])]
                    out[f"{path.stem}, explorer {k + 1}"] = {"median_ms": statistics.median(samples),
                                                             "max_ms": max(samples), "presses": len(samples)}
                page.page.close()
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
    results["widgets"] = bench_widgets()
    for name, r in results["widgets"].items():
        print(f"{name:<18} update in Python: median {r['median_ms']:.0f} ms (max {r['max_ms']:.0f} ms)")
    if not args.skip_browser:
        results["browser"] = bench_browser()
        if isinstance(results["browser"], str):
            print(f"explorers in the browser: {results['browser']}")
        for name, r in (results["browser"] if isinstance(results["browser"], dict) else {}).items():
            print(f"{name:<30} key press to new image in the browser: median {r['median_ms']:.0f} ms "
                  f"(max {r['max_ms']:.0f} ms, {r['presses']} presses)")
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
