"""Drive the course in JupyterLab, in the system's Chromium, as a learner would: open, run all, press keys.

Used by the browser tests (with tests/browsing.py) and by `make bench` (the explorers' latency as the learner
feels it). Playwright (from PyPI) drives a Chromium installed by the system (`apt-get install chromium`);
Playwright's own browser download is never used. JupyterLab 4 hides off-screen cells with CSS, so text is read with
`textContent`.

Why `chromium()` and not pytest-playwright's fixtures: its `browser` is session-scoped, and the sync Playwright it
starts keeps an event loop running on the worker's main thread until the session ends, so a later test on that
worker that calls `asyncio.run` fails ("cannot be called from a running event loop": tried with pytest-playwright
0.10.0 and Playwright 1.65, a browser test then an `asyncio.run` test). Its `context` and `page` are per test, and
the tests here hold one page for a module (JupyterLab opened once, a grid of cases on one page), and bench.py needs a
launcher outside pytest anyway. `chromium()` is that launcher, its Playwright stopped when the module is done.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_GET_ONE = "install one (Debian/Ubuntu: apt-get install chromium) or name it: SGD_CHROMIUM=/path/to/chromium"


def find_chromium() -> str | None:
    """The Chromium to drive: $SGD_CHROMIUM, else the first of the usual names on PATH."""
    named = os.environ.get("SGD_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


@contextmanager
def chromium(user_data_dir: str):
    """A headless Chromium with a fresh profile, and no calls to the network it cannot reach."""
    from playwright.sync_api import sync_playwright

    path = find_chromium()
    if path is None:
        raise RuntimeError(f"no Chromium found: {HOW_TO_GET_ONE}")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(user_data_dir, executable_path=path, args=FLAGS,
                                                        headless=True, viewport={"width": 1400, "height": 1000})
        try:
            yield context
        finally:
            context.close()


# What the page is asked, in JavaScript; JupyterLab 4 virtualises off-screen cells, so only textContent is read.
PANEL = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"
PROMPTS = f"() => [...{PANEL}.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"
STDERR = f"""() => [...{PANEL}.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(o => o.textContent.slice(0, 500))"""
EXPLORERS = f"() => {PANEL}.querySelectorAll('.sgd-explorer').length"
KERNEL = "document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status')"


@dataclass
class Control:
    """One control of an explorer on the page: its description and what it shows."""

    name: str
    kind: str  # "slider" or "buttons"
    readout: str


class NotebookPage:
    """One notebook open in JupyterLab."""

    def __init__(self, context, lab, name: str):
        self.lab, self.name = lab, name
        self.page = context.new_page()

    def open(self, timeout: float = 90) -> None:
        """Open the notebook and wait until its kernel has started and the page has settled (while it loads, the
        tab is marked modified for a moment)."""
        # a workspace of its own, reset: only this notebook is open on the page
        workspace = "".join(ch if ch.isalnum() else "-" for ch in self.name)
        self.page.goto(self.lab.url(f"lab/workspaces/{workspace}/tree/{self.name}", "reset"))
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
        deadline, settled = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            ready = self.kernel_status() == "idle" and not self.dirty()
            settled = (settled or time.monotonic()) if ready else None
            if settled and time.monotonic() - settled > 2:
                return
            time.sleep(0.2)

    def kernel_status(self) -> str | None:
        return self.page.evaluate(f"() => {KERNEL}")

    def wait_idle(self, timeout: float = 90) -> None:
        self.page.wait_for_function(f"() => {KERNEL} === 'idle'", timeout=timeout * 1000)

    def dirty(self) -> bool:
        return "jp-mod-dirty" in (self.page.locator(".lm-TabBar-tab.jp-mod-current").get_attribute("class") or "")

    def restart_and_run_all(self, timeout: float = 240) -> None:
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
        self.page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").click()
        self.page.locator(".jp-Dialog-button.jp-mod-accept").click()
        deadline = time.monotonic() + timeout
        time.sleep(1.0)
        while time.monotonic() < deadline:
            prompts = self.page.evaluate(PROMPTS)
            if prompts and all(p.strip("[]: ").isdigit() for p in prompts):
                self.wait_idle(timeout)
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}: run all did not finish in {timeout} s; prompts {self.page.evaluate(PROMPTS)}")

    def stderr(self) -> list[str]:
        """Every error and stderr output on the page."""
        return self.page.evaluate(STDERR)

    def explorers(self) -> list[Explorer]:
        root = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .sgd-explorer")
        return [Explorer(self.page, root.nth(i)) for i in range(self.page.evaluate(EXPLORERS))]


class Explorer:
    """An explorer on a page (JupyterLab's live widget, or its HTML copy on a static page): its controls, its
    status line, and the time from a key press or a drag to its new drawing, measured in the page."""

    def __init__(self, page, root):
        self.page, self.root = page, root

    def controls(self) -> list[Control]:
        found = []
        for row in self.root.locator(".controls > .control").all():
            name = row.locator("span").first.text_content().strip()
            if row.locator("input[type=range]").count():
                found.append(Control(name, "slider", row.locator("output").text_content().strip()))
            else:
                found.append(Control(name, "buttons", row.locator("button[aria-pressed=true]").text_content().strip()))
        return found

    def status(self) -> str:
        return self.root.get_attribute("data-status") or ""

    def shown_status(self) -> str:
        return self.root.locator(".status").text_content().strip()

    def ok(self) -> bool:
        return self.root.get_attribute("data-ok") == "true"

    def values(self) -> dict:
        return self.root.evaluate("r => r.sgdValues()")

    def _row(self, name: str):
        return self.root.locator(".controls > .control").filter(has=self.page.locator("span", has_text=name)).first

    def times(self, since: int = 0, painted: bool = False) -> list[dict]:
        """The timed drawings from the `since`-th on, each {"how": "key press" or "drag", "drawn": ms, "painted":
        ms}; with `painted`, once every drawing has been painted. The first call installs the timer."""
        if painted:
            self.page.wait_for_function("r => r.__sgdTimes.every(t => t.painted !== null)",
                                        arg=self.root.element_handle())
        return self.root.evaluate(f"(r, n) => {{ ({TIMER})(r); return r.__sgdTimes.slice(n); }}", since)

    def press(self, name: str, forward: bool = True, timeout: float = 10) -> float:
        """Move control `name` one step with the keyboard (arrow keys on a slider, Tab and Space on buttons);
        return the milliseconds from the key going down to the end of the new drawing."""
        row = self._row(name)
        if row.locator("input[type=range]").count():
            row.locator("input[type=range]").focus()
            key = "ArrowRight" if forward else "ArrowLeft"
        else:
            buttons = row.locator("button")
            pressed = [buttons.nth(i).get_attribute("aria-pressed") == "true" for i in range(buttons.count())]
            buttons.nth((pressed.index(True) + (1 if forward else -1)) % len(pressed)).focus()
            key = "Space"
        before = len(self.times())
        self.page.keyboard.press(key)
        try:
            self.page.wait_for_function("([r, n]) => r.__sgdTimes.length > n", arg=[self.root.element_handle(), before],
                                        timeout=timeout * 1000)
        except Exception as e:  # Playwright's TimeoutError
            raise AssertionError(f"{name}: no new drawing {timeout:g} s after pressing {key}") from e
        return self.times(before)[0]["drawn"]

    def position(self, name: str) -> float:
        """Where slider `name`'s handle is, as a fraction of its track."""
        return self._row(name).locator("input[type=range]").evaluate("i => (i.value - i.min) / (i.max - i.min)")

    def drag(self, name: str, to: float = 1.0, moves: int = 40) -> list[float]:
        """Drag slider `name`'s handle with the mouse from where it is to fraction `to` of its track, in `moves`
        mouse moves; return the milliseconds from each input event to the end of the drawing it caused."""
        track = self._row(name).locator("input[type=range]")
        track.scroll_into_view_if_needed()
        box = track.bounding_box()
        y, x0 = box["y"] + box["height"] / 2, box["x"] + 8 + self.position(name) * (box["width"] - 16)
        before = len(self.times())
        self.page.mouse.move(x0, y)
        self.page.mouse.down()
        self.page.mouse.move(box["x"] + 8 + to * (box["width"] - 16), y, steps=moves)
        self.page.mouse.up()
        return [t["drawn"] for t in self.times(before) if t["how"] == "drag"]


# Installed once per explorer: for each drawing, what caused it (a key going down, or a slider's input event during a
# drag) and the milliseconds from that event to the end of the drawing and to the frame that shows it (a task posted
# from the next animation frame runs once that frame's style, layout and paint are done).
TIMER = """(root) => {
    if (root.__sgdTimes) return;
    root.__sgdTimes = [];
    let t0 = null, how = null;
    root.addEventListener('keydown', (e) => { [t0, how] = [e.timeStamp, 'key press']; }, {capture: true});
    root.addEventListener('input', (e) => { if (t0 === null) [t0, how] = [e.timeStamp, 'drag']; }, {capture: true});
    root.addEventListener('sgd-redrawn', () => {
        if (t0 === null) return;
        const time = {how, drawn: performance.now() - t0, painted: null}, start = t0;
        t0 = null;
        root.__sgdTimes.push(time);
        requestAnimationFrame(() => {
            const after = new MessageChannel();
            after.port1.onmessage = () => { time.painted = performance.now() - start; };
            after.port2.postMessage(null);
        });
    });
}"""
