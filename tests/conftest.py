"""Shared test set-up: a headless matplotlib, closed figures, the tools/ folder on the path, and the website served."""

import functools
import http.server
import sys
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the site's address, a Chromium context): the course's website (tools/site_build.py) built into a folder of
    the module's own, served on a loopback port, in a headless Chromium (tests/site_pages.py opens its pages)."""
    pytest.importorskip("myst_nb", reason="the site's tools are not installed: pip install -e '.[site]'")
    from browser import chromium
    from browsing import need_chromium

    need_chromium("site test")
    import site_build
    from site_pages import SHOTS, Quiet

    out = tmp_path_factory.mktemp("site")
    site_build.build(out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with chromium(str(tmp_path_factory.mktemp("profile"))) as context:
            yield f"http://127.0.0.1:{server.server_port}/", context
    finally:
        server.shutdown()
        server.server_close()  # its listening socket too: an unclosed one warns (an error here) in a later test
