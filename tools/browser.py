"""Drive the course in JupyterLab, in the system's Chromium, as a learner would: open, run all, press keys.

Used by tests/test_browser.py and by `make bench` (the explorers' latency as the learner feels it). Playwright
(from PyPI) drives a Chromium installed by the system (`apt-get install chromium`); Playwright's own browser
download is never used. JupyterLab 4 hides off-screen cells with CSS, so text is read with `textContent`.
"""

from __future__ import annotations

import base64
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
EXPLORERS = f"""() => [...{PANEL}.querySelectorAll('.jp-OutputArea-child')]
    .filter(c => c.querySelector('.widget-gridbox'))
    .map(c => [...{PANEL}.querySelectorAll('.jp-OutputArea-child')].indexOf(c))"""


@dataclass
class Control:
    """One control of an explorer on the page: its description and what it shows."""

    name: str
    kind: str  # "slider" or "toggle"
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
        return self.page.evaluate("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                  "?.getAttribute('data-status')")

    def wait_idle(self, timeout: float = 90) -> None:
        self.page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                    "?.getAttribute('data-status') === 'idle'", timeout=timeout * 1000)

    def dirty(self) -> bool:
        return "jp-mod-dirty" in (self.page.locator(".lm-TabBar-tab.jp-mod-current").get_attribute("class") or "")

    def save(self) -> None:
        self.page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        self.page.keyboard.press("Control+s")

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
        return [Explorer(self, i) for i in self.page.evaluate(EXPLORERS)]


class Explorer:
    """An explorer's controls, status line and image on the page (the image is the next output)."""

    def __init__(self, notebook: NotebookPage, index: int):
        self.page, self.index = notebook.page, index
        children = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-child")
        self.widget, self.figure = children.nth(index), children.nth(index + 1)

    def controls(self) -> list[Control]:
        found = []
        for box in self.widget.locator(".widget-gridbox > .lm-Widget").all():
            name = box.locator(".widget-label").first.text_content().strip()
            if _is_toggle(box):
                readout = box.locator("button.mod-active").text_content().strip()
                found.append(Control(name, "toggle", readout))
            else:
                found.append(Control(name, "slider", box.locator(".widget-readout").text_content().strip()))
        return found

    def status(self) -> str:
        return self.widget.locator(".widget-html-content").text_content().strip()

    def image_src(self) -> str:
        return self.figure.locator("img").get_attribute("src") or ""

    def png(self) -> bytes:
        return base64.b64decode(self.image_src().split(",", 1)[1])

    def _box(self, name: str):
        return self.widget.locator(".widget-gridbox > .lm-Widget").filter(
            has=self.page.locator(".widget-label", has_text=name)).first

    def press(self, name: str, forward: bool = True, timeout: float = 30, changes: bool = True) -> float | None:
        """Move control `name` one step with the keyboard; return the milliseconds from the key press to the new
        image on the page (timed in the page, from the keydown event to the image's change). With `changes=False`
        (a move that leaves the figure as it was), wait until the kernel is idle again instead, and return None."""
        box = self._box(name)
        if _is_toggle(box):
            buttons = box.locator("button")
            classes = [buttons.nth(i).get_attribute("class") or "" for i in range(buttons.count())]
            current = next(i for i, c in enumerate(classes) if "mod-active" in c)
            buttons.nth((current + (1 if forward else -1)) % len(classes)).focus()
            key = "Space"
        else:
            box.locator(".noUi-handle, .ui-slider-handle").first.focus()
            key = "ArrowRight" if forward else "ArrowLeft"
        self.page.evaluate(WATCH, self.index + 1)
        self.page.keyboard.press(key)
        if not changes:
            time.sleep(0.5)
            self.page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                        "?.getAttribute('data-status') === 'idle'", timeout=timeout * 1000)
            return None
        try:
            return self.page.wait_for_function("() => window.__sgdLatency", timeout=timeout * 1000).json_value()
        except Exception as e:  # Playwright's TimeoutError
            raise AssertionError(f"{name}: no new image {timeout:g} s after pressing {key}") from e


def _is_toggle(box) -> bool:
    return "widget-toggle-buttons" in (box.get_attribute("class") or "")


# Before a key press: note when the key goes down, and when the explorer's image (output `index`) changes.
WATCH = """(index) => {
    window.__sgdLatency = null;
    const area = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')
        .querySelectorAll('.jp-OutputArea-child')[index];
    const before = area.querySelector('img')?.getAttribute('src');
    let down = null;
    document.addEventListener('keydown', () => { down = performance.now(); }, {capture: true, once: true});
    const watcher = new MutationObserver(() => {
        const src = area.querySelector('img')?.getAttribute('src');
        if (down !== null && src && src !== before) {
            window.__sgdLatency = performance.now() - down;
            watcher.disconnect();
        }
    });
    watcher.observe(area, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""
