"""The course's website as every reader meets it: on a phone, by keyboard or screen reader, in dark mode, on paper.

In headless Chromium, offline, at a laptop's 1280 × 800 and a phone's 390 × 844 (tests/site_pages.py):
- navigation: the ☰ and contents buttons open their panels (at 900 px too, where the theme switches);
- layout: no page scrolls sideways, no `pre` hides the end of its lines, every figure is drawn at 0.75 or more of its
  natural size on a laptop;
- accessibility: axe-core (bundled in the `axe-playwright-python` package, nothing downloaded) finds no serious or
  critical violation on any page, in light mode, dark mode and on a phone, its experimental rules included (the
  folds' names); every image has alt text that is not a file name; each explorer, by keyboard alone on a phone,
  reaches every control and hears the value shown, from the start (each control's role and name from Chromium's own
  accessibility tree, read through the DevTools protocol; a slider's value from its aria-valuetext);
- what readers of d2l.ai and Distill expect: one viewport tag, a favicon, a copy button, the release and build date,
  the repository and a way to report a problem on every page, a citation, and the arrow keys left to the page.

Two tests here wait for the notebooks' side of issue 33 and FAIL until it lands: the figures' size
(`test_every_figure_is_drawn_at_three_quarters_of_its_natural_size_or_more`) and their alt text
(`test_every_image_says_what_it_shows`), which the notebooks give in each figure cell's metadata,
`"mystnb": {"image": {"alt": "..."}}` (myst-nb's own key; one alt text for every image of the cell).
"""

from __future__ import annotations

import re

import pytest
from site_pages import NOTEBOOKS, PAGES, ROOT, visit

from sgd_helpers._wire import stored_explorers

pytestmark = pytest.mark.timeout(900)
EXPLORER_PAGES = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS if stored_explorers(p)]


# ---------- navigation ----------

OPEN = """() => ({
    primary: !!document.querySelector('#pst-primary-sidebar-modal[open] .bd-docs-nav a'),
    contents: !!document.querySelector('#pst-secondary-sidebar-modal[open] .page-toc a'),
    folded: document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden'),
})"""


@pytest.mark.parametrize("width", [390, 900, 1280])
def test_the_menu_and_contents_buttons_open_their_panels(site, width):
    """☰ opens the course's contents as a panel where the sidebar does not fit, and folds the sidebar away where it
    does; the contents button opens the page's headings where they are not shown beside it."""
    base, context = site
    page, _, errors = visit(context, base, "notebooks/04_loss_surface.html", (width, 800))
    try:
        menu, contents = page.locator("button.primary-toggle"), page.locator("button.secondary-toggle")
        assert menu.count() == 1 and contents.count() == 1, "one ☰ and one contents button, the ones shown"
        menu.click()
        if width >= 992:  # the theme's wide layout
            assert page.evaluate(OPEN)["folded"], f"at {width} px ☰ did not fold the sidebar away"
            menu.click()
            assert not page.evaluate(OPEN)["folded"], f"at {width} px ☰ did not bring the sidebar back"
        else:
            assert page.evaluate(OPEN)["primary"], f"at {width} px ☰ opened no panel of the course's contents"
            page.keyboard.press("Escape")
            assert not page.evaluate(OPEN)["primary"], "Escape closes the panel"
        if width < 1200:  # the theme's widest layout shows the page's contents beside the text, with no button
            contents.click()
            assert page.evaluate(OPEN)["contents"], f"at {width} px the contents button opened nothing"
        else:
            assert page.locator(".bd-sidebar-secondary .page-toc a").first.is_visible()
        assert not errors, errors
    finally:
        page.close()


# ---------- layout ----------

CUT_OFF = """() => [...document.querySelectorAll('article pre, .cell_output > .output')]
    .filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n').sort((a, b) => b.length - a.length)[0].slice(0, 90))"""


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_and_no_output_is_cut_off(site, path):
    base, context = site
    for size in ("desktop", "phone"):
        page, _, _ = visit(context, base, path, size)
        try:
            wide = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert wide <= 0, f"{path} scrolls sideways by {wide} px at {size} size"
            cut = page.evaluate(CUT_OFF)
            assert not cut, f"{path}, at {size} size: {len(cut)} outputs hide their right-hand ends, such as {cut[:3]}"
        finally:
            page.close()


SCALES = """() => [...document.querySelectorAll('.cell_output img')].filter(i => i.naturalWidth > 0)
    .map(i => [i.getBoundingClientRect().width / i.naturalWidth, i.naturalWidth, i.alt.slice(0, 50)])"""


def test_every_figure_is_drawn_at_three_quarters_of_its_natural_size_or_more(site):
    """At 1280 × 800 the text column is 688 px wide: a figure made for it (6.8 inches at 100 dpi) is drawn at full
    size, and its 9-10 pt text can be read. FAILS until the notebooks' figures are re-made in the course's figure
    style (issue 33): the 11-12 inch figures of today are drawn at 0.41 to 1.0 of their size."""
    base, context = site
    small = []
    for path in PAGES[1:]:
        page, _, _ = visit(context, base, path, "desktop")
        try:
            small += [f"{path}: {scale:.2f} of {width} px ({alt})" for scale, width, alt in page.evaluate(SCALES)
                      if scale < 0.75]
        finally:
            page.close()
    assert not small, f"{len(small)} figures drawn below 0.75 of their size at 1280 px: {small}"


# ---------- accessibility ----------

def axe(page) -> list[str]:
    """axe-core's serious and critical violations on the page, its experimental rules included, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()
    page.evaluate(checker.axe_script)
    experimental = page.evaluate("axe.getRules(['experimental']).map(r => r.ruleId)")
    found = checker.run(page, options={"resultTypes": ["violations"],
                                       "rules": {rule: {"enabled": True} for rule in experimental}})
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']}; first at {v['nodes'][0]['target']}"
            for v in found.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious_in_light_or_dark_mode_or_on_a_phone(site, path):
    base, context = site
    for size, dark in (("desktop", False), ("desktop", True), ("phone", False)):
        page, _, _ = visit(context, base, path, size, dark=dark)
        try:
            if path in EXPLORER_PAGES:
                page.wait_for_selector(".sgd-explorer svg")
            found = axe(page)
            assert not found, f"{path} ({size}, {'dark' if dark else 'light'} mode): {found}"
        finally:
            page.close()


FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$", re.I)
ALTS = "() => [...document.querySelectorAll('article img')].map(i => i.getAttribute('alt'))"


def test_every_image_says_what_it_shows(site):
    """Every figure's alt text says what it shows, in a sentence, from its cell's metadata
    (`"mystnb": {"image": {"alt": "..."}}`): Sphinx writes the file's path where a notebook gives none. FAILS until
    the notebooks give every figure its alt text (issue 33)."""
    base, context = site
    missing = []
    for path in PAGES:
        page, _, _ = visit(context, base, path, "desktop")
        try:
            alts = page.evaluate(ALTS)
            missing += [f"{path}: {alt!r}" for alt in alts if not (alt or "").strip() or FILE_NAME.search(alt)]
        finally:
            page.close()
    assert not missing, f"{len(missing)} images without alt text, or with a file name for it: {missing[:5]}"


def announced(cdp) -> dict:
    """What a screen reader is told about the focused element: its node in Chromium's accessibility tree."""
    focused = cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})["result"]["objectId"]
    node = cdp.send("Accessibility.getPartialAXTree", {"objectId": focused, "fetchRelatives": False})["nodes"][0]
    return {"role": node["role"]["value"], "name": node.get("name", {}).get("value", ""),
            "value": node.get("value", {}).get("value"),
            **{p["name"]: p["value"].get("value") for p in node.get("properties", [])}}


SHOWN = """(el) => {
    const row = el.closest('.control');
    return {label: row.querySelector('span').textContent.trim(), text: el.textContent.trim(),
            readout: el.type === 'range' ? row.querySelector('output').textContent.trim() : null,
            valuetext: el.getAttribute('aria-valuetext')};
}"""


@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_each_explorer_by_keyboard_alone_on_a_phone(site, path):
    """From its first control, Tab reaches every control of the explorer in order and then leaves it; each is
    announced by the words beside it (its role and name from Chromium's accessibility tree) and, for a slider, with
    the value shown, from the start and after a move (its aria-valuetext: Chromium's DevTools tree reports a slider's
    number there, even an ARIA slider's, so the attribute a screen reader is given is read instead)."""
    base, context = site
    page, _, errors = visit(context, base, path, "phone")
    try:
        root = page.locator(".sgd-explorer").first
        root.wait_for()
        cdp = page.context.new_cdp_session(page)
        controls = root.locator("input, button")
        count = controls.count()
        controls.first.focus()
        for k in range(count):
            assert controls.nth(k).evaluate("el => el === document.activeElement"), \
                f"{path}: Tab did not reach control {k + 1} of {count}"
            shown, said = controls.nth(k).evaluate(SHOWN), announced(cdp)
            if shown["readout"] is not None:
                heard = (said["role"], said["name"], shown["valuetext"])
                assert heard == ("slider", shown["label"], shown["readout"]), f"{path}: {shown} is announced as {said}"
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowLeft")
                page.keyboard.press("ArrowLeft")
                shown, said = controls.nth(k).evaluate(SHOWN), announced(cdp)
                assert shown["valuetext"] == shown["readout"], f"{path}: after a move, {shown} is announced"
            else:
                assert said["role"] == "button" and said["name"] == shown["text"] and "pressed" in said, \
                    f"{path}: a button showing {shown['text']!r} is announced as {said}"
            page.keyboard.press("Tab")
        assert not page.evaluate("document.activeElement.closest('.sgd-explorer')"), "Tab leaves the explorer"
        assert not errors, errors
    finally:
        page.close()


LIVE = "[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log], output:not([aria-hidden=true])"
EXPLORER_LAYOUT = """(root) => {
    const box = (el) => el.getBoundingClientRect();
    const scale = (t) => Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b);  // rotated text too
    const lines = (el) => {
        const r = document.createRange();
        r.selectNodeContents(el);
        return r.getClientRects().length;
    };
    return {
        live: root.querySelectorAll(LIVE).length + (root.matches(LIVE) ? 1 : 0),
        small: [...root.querySelectorAll('input, button')].map(el => [el.textContent || el.getAttribute('aria-label'),
                Math.round(box(el).width), Math.round(box(el).height)]).filter(([, w, h]) => w < 44 || h < 44),
        wrapped: [...root.querySelectorAll('button')].filter(b => lines(b) > 1).map(b => b.textContent),
        text: [...root.querySelectorAll('svg text')].filter(t => t.textContent.trim()).map(t =>
                [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale(t)])
                .filter(([, px]) => px < 11).slice(0, 5),
        charts: [...root.querySelectorAll('svg')].map(s => [s.getAttribute('role'),
                s.getAttribute('aria-label') || s.querySelector(':scope > title')?.textContent || '']),
    };
}""".replace("LIVE", repr(LIVE))


@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_each_explorer_fits_a_thumb_and_reads_on_a_phone_and_speaks_once(site, path):
    """At both sizes: one live region (the status line), controls of 44 × 44 px or more, no button's word broken
    over two lines ("Adam"), chart text of 11 px or more as drawn, and each chart named by what it shows."""
    base, context = site
    for size in ("phone", "desktop"):
        page, _, _ = visit(context, base, path, size)
        try:
            root = page.locator(".sgd-explorer").first
            root.wait_for()
            found = root.evaluate(EXPLORER_LAYOUT)
            assert found["live"] == 1, f"{path} ({size}): {found['live']} live regions; one, the status, speaks"
            assert not found["small"], f"{path} ({size}): controls under 44 × 44 px (text, w, h): {found['small']}"
            assert not found["wrapped"], f"{path} ({size}): buttons broken over two lines: {found['wrapped']}"
            assert not found["text"], f"{path} ({size}): chart text drawn under 11 px: {found['text']}"
            for role, name in found["charts"]:
                assert role == "img" and len(name.split()) >= 4, f"{path}: a chart named {name!r} (role {role})"
        finally:
            page.close()


# ---------- what readers of d2l.ai and Distill expect ----------

HEAD = """() => ({
    viewports: document.querySelectorAll('meta[name=viewport]').length,
    icon: document.querySelector('link[rel=icon]')?.href,
    footer: document.querySelector('.course-footer')?.textContent.replace(/\\s+/g, ' ').trim(),
    links: [...document.querySelectorAll('.course-footer a, .article-header-buttons a')].map(a => a.href),
    copy: document.querySelectorAll('.cell_input button.copybtn').length,
    code: document.querySelectorAll('.cell_input pre').length,
})"""


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_its_release_and_links_and_one_viewport_and_a_favicon(site, path):
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    repository = f"https://github.com/{project['tool']['sgd-course']['repository']}"
    base, context = site
    page, _, errors = visit(context, base, path, "desktop")
    try:
        head = page.evaluate(HEAD)
        assert head["viewports"] == 1, f"{path}: {head['viewports']} viewport tags"
        assert head["icon"] and page.request.get(head["icon"]).ok, f"{path}: no favicon"
        assert re.search(rf"sgd-helpers {re.escape(project['project']['version'])}, built \d{{4}}-\d\d-\d\d",
                         head["footer"] or ""), f"{path}: the footer says {head['footer']!r}"
        assert repository in head["links"] and any(link.startswith(f"{repository}/issues/new") for link in
                                                   head["links"]), f"{path}: no link to the repository or its issues"
        assert head["copy"] == head["code"], f"{path}: {head['copy']} copy buttons for {head['code']} code cells"
        assert not errors, f"{path}: {errors}"  # a missing favicon among them
    finally:
        page.close()


def test_the_landing_page_cites_the_course_and_offers_no_markdown_to_download(site):
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    base, context = site
    page, _, _ = visit(context, base, "index.html", "desktop")
    try:
        cite = page.locator("section#cite-this-course").inner_text()
        assert cff["title"] in cite and f"release {cff['version']}" in cite and "@software{" in cite, cite
        downloads = page.eval_on_selector_all(".dropdown-download-buttons a", "links => links.map(a => a.href)")
        assert not [link for link in downloads if "_sources" in link], downloads
        assert page.locator("table a[href$='01_gradients.html']").count() == 1, "the README's table links the pages"
    finally:
        page.close()


def test_the_arrow_keys_stay_on_the_page(site):
    """A reader's left arrow on a focused fold (or a slider) must not leave the page for the previous one."""
    base, context = site
    page, _, _ = visit(context, base, "notebooks/03_roller_coaster.html", "desktop")
    try:
        page.locator("details.hide > summary").first.focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        assert page.url.endswith("03_roller_coaster.html"), page.url
    finally:
        page.close()
