"""The course's website, built from the stored notebooks and read in a real browser with the network cut off.

`make site` builds build/site (tools/site_build.py). Here it is built again, served on a loopback port (the `site`
fixture, tests/conftest.py) and opened page by page in headless Chromium (tests/site_pages.py), at a laptop's
1280 × 800 and a phone's 390 × 844, with every request that leaves the page's own server blocked. A page fails on a
blocked request, a console error, a request the site cannot answer (a missing favicon), raw TeX, a solution shown
without a click, or a figure that does not decode. Screenshots of each page at both sizes land in build/site-shots/.
Accessibility, navigation and layout: tests/test_site_a11y.py.

Needs a Chromium, as tests/test_browser.py does: without one the test is skipped (under CI=true, it fails).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_pages import NOTEBOOKS, PAGES, ROOT, SHOTS, SIZES, visit

from sgd_helpers._wire import stored_explorers

RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\frac|\\begin\{")
pytestmark = pytest.mark.timeout(600)


UNDECODED = """async () => {
    const images = [...document.querySelectorAll('img')];
    await Promise.all(images.map(i => i.decode().catch(() => null)));
    return images.filter(i => !i.naturalWidth).map(i => i.src.slice(0, 80));
}"""


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reads_offline_with_solutions_folded(site, path):
    base, context = site
    for label in SIZES:
        page, blocked, errors = visit(context, base, path, label)
        try:
            assert not blocked, f"{path} asked the network for {blocked[:3]}"
            assert not errors, f"{path}: console errors {errors[:3]}"
            assert not page.evaluate(UNDECODED), f"{path}: figures that do not decode"
            text = page.inner_text("article")
            assert not RAW_TEX.search(text), f"{path}: raw TeX on the page"
            for folded in page.query_selector_all("details.hide"):
                assert folded.get_attribute("open") is None, f"{path}: a folded cell is open"
            solutions = page.query_selector_all("details.hide:has(summary:has-text('Show the solution'))")
            if path.startswith("notebooks/"):
                book_solutions = (ROOT / path.replace(".html", ".ipynb")).read_text().count("#@title Solution")
                assert len(solutions) == book_solutions, f"{path}: {len(solutions)} of {book_solutions} folded"
                for details in solutions:
                    assert not details.query_selector("pre").is_visible(), f"{path}: a solution shows unasked"
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}-{label}.png"))
        finally:
            page.close()


def test_a_solution_opens_on_click(site):
    base, context = site
    page, _, _ = visit(context, base, "notebooks/02_learning_rate.html", "desktop")
    details = page.query_selector("details.hide:has(summary:has-text('Show the solution'))")
    details.query_selector("summary").click()
    assert details.query_selector("pre").is_visible() and "solution=True" in details.inner_text()
    page.close()


def test_the_download_is_the_stored_notebook(site):
    base, context = site
    page, _, _ = visit(context, base, "notebooks/08_first_network.html", "desktop")
    href = page.eval_on_selector("a[href$='.ipynb']:not([href^='http'])", "a => a.href")
    assert page.request.get(href).body() == (ROOT / "notebooks" / "08_first_network.ipynb").read_bytes()
    page.close()


def test_search_works_without_a_server_behind_it(site):
    base, context = site
    page, blocked, errors = visit(context, base, "search.html?q=momentum", "desktop")
    page.wait_for_selector("#search-results li", timeout=20_000)
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert any("04_loss_surface" in href for href in found), found
    assert not blocked and not errors, (blocked, errors)
    page.close()


EXPLORER_PAGES = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS if stored_explorers(p)]


@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_each_explorer_is_alive_on_its_page(site, path):
    """The explorer on the page is the live one (the page's own script, nothing fetched): it shows the stored
    settings' status and answers a key press and a drag, at a desktop's width and at a phone's."""
    from browser import Explorer

    base, context = site
    stored = stored_explorers(ROOT / path.replace(".html", ".ipynb"))[0]["status"]
    for label in SIZES:
        page, blocked, errors = visit(context, base, path, label)
        try:
            page.wait_for_selector(".sgd-explorer")
            ex = Explorer(page, page.locator(".sgd-explorer").first)
            assert ex.status() == stored, f"{path}: {ex.status()!r}, stored {stored!r}"
            ex.press("lr", True)
            times = ex.drag("lr", to=0.0)
            assert len(times) >= 5 and ex.status() != stored, f"{path}: the explorer did not answer ({times})"
            assert not blocked and not errors, f"{path}: {blocked[:3]} {errors[:3]}"
            ex.root.screenshot(path=str(SHOTS / f"{Path(path).stem}-explorer-{label}.png"))
        finally:
            page.close()
