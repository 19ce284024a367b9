"""The course's website in the browser, for tests/test_site.py and tests/test_site_a11y.py: its pages, the sizes it
is read at, and a page opened with every request that leaves the site's own server blocked. The `site` fixture (in
conftest.py) builds and serves it.
"""

from __future__ import annotations

import http.server
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "site-shots"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = ["index.html"] + [f"notebooks/{p.stem}.html" for p in NOTEBOOKS]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}  # a laptop's window and a phone's (an iPhone 14's)
# The book theme's dark mode, as a reader who picked it finds it on every page: the theme reads it from storage.
DARK = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test reports what matters; no line per file served
        pass


def visit(context, base: str, path: str, size: str | tuple[int, int], dark: bool = False):
    """Open one page with every outside request blocked; return it, the blocked URLs and the errors (console errors,
    uncaught exceptions, and any request the site answered with an error, a missing favicon among them)."""
    page = context.new_page()
    width, height = SIZES[size] if isinstance(size, str) else size
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(DARK if dark else "localStorage.clear();")
    blocked, errors = [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               else (blocked.append(route.request.url), route.abort()))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} for {r.url}") if r.status >= 400 else None)
    page.goto(base + path, wait_until="networkidle")
    return page, blocked, errors
