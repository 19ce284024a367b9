"""Sphinx configuration of the course's website (`make site`), built from the stored notebooks without running them.

`tools/site_build.py` runs Sphinx on this folder: `notebooks` here is a link to the repository's notebooks/, so the
pages are made from the stored notebooks themselves (folds, prompts and alt text from their own cell metadata) and
the `.ipynb` a reader downloads is the stored one, byte for byte. The landing page includes parts of the README.
Every file a page loads is the site's own: nothing comes from a CDN.
"""

import tomllib
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes

ROOT = Path(__file__).resolve().parent.parent
_pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
_course = _pyproject["tool"]["sgd-course"]
REPOSITORY = f"https://github.com/{_course['repository']}"

project = "SGD, step by step"
author = "The SGD, step by step contributors"
copyright = "The SGD, step by step contributors; text and figures CC BY 4.0, code Apache-2.0"
version = release = _pyproject["project"]["version"]  # sgd-helpers' release: the one the stored outputs were made with
extensions = ["myst_nb", "sphinx_copybutton"]
exclude_patterns = ["_build", "_templates"]
root_doc = "index"
templates_path = ["_templates"]

nb_execution_mode = "off"  # show exactly the outputs CI proved
nb_ipywidgets_js = {}  # no require.js or widget manager from a CDN: each explorer brings its own module, inline
nb_code_prompt_show = "Show the code"
nb_code_prompt_hide = "Hide the code"
myst_enable_extensions = ["colon_fence", "substitution"]
_cite = yaml.safe_load((ROOT / "CITATION.cff").read_text())
_who = " and ".join(a["name"] for a in _cite["authors"])
_BIBTEX = """```bibtex
@software{sgd_step_by_step,
  author  = {{WHO}},
  title   = {TITLE},
  version = {VERSION},
  url     = {URL},
}
```"""
myst_substitutions = {  # the landing page's "Cite this course", from CITATION.cff
    "citation": f"> {_who}. *{_cite['title']}*, release {_cite['version']}. <{_cite['repository-code']}>\n\n"
    + _BIBTEX.replace("WHO", _who).replace("TITLE", _cite["title"]).replace("VERSION", _cite["version"])
    .replace("URL", _cite["repository-code"]),
    "report": f"[Report a problem]({REPOSITORY}/issues/new)",
}
copybutton_selector = "div.cell_input div.highlight pre, div.highlight-bibtex pre"  # code and citation, not outputs
copybutton_exclude = ".linenos, .gp"

html_theme = "sphinx_book_theme"
html_title = "SGD, step by step"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"
# The book theme's sidebar, with its link home in a landmark (course-home.html).
html_sidebars = {"**": ["course-home.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
html_last_updated_fmt = "%Y-%m-%d"  # the build date in every page's footer (SOURCE_DATE_EPOCH fixes it)
html_show_sphinx = False
html_context = {"default_mode": "light"}  # an explicit mode: the theme logs an error when it finds none stored
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": _course["branch"],
    "path_to_docs": "site",
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "use_download_button": True,
    "use_repository_button": True,
    "use_issues_button": True,  # "open issue", with the page named: the way to report a problem
    "show_toc_level": 2,
    # The keyboard is the reader's: with this on, the left arrow on a focused fold or slider went to the previous page.
    "navigation_with_keys": False,
    # No top navbar: pydata-sphinx-theme (0.17+) puts a second ☰ and contents button there, hidden under the book
    # theme, and binds its handlers to the first of each (pydata/pydata-sphinx-theme#2451), so the visible ones
    # opened nothing. Without the navbar the article header's buttons are the only ones, and they work.
    "navbar_start": [],
    "navbar_center": [],
    "navbar_end": [],
    "navbar_persistent": [],
    "footer_content_items": ["copyright.html", "course-footer.html"],
}


def _landing_without_source_download(app, pagename, templatename, context, doctree) -> None:
    """The landing page's download menu offers only its print to PDF: its `.md` is an include of the README."""
    if pagename == root_doc:
        for group in context.get("header_buttons", []):
            if group.get("label") == "download-buttons":
                group["buttons"] = [b for b in group["buttons"] if b.get("label") == "download-pdf-button"]


def _readme_links(app, doctree) -> None:
    """The README's links, included on the landing page, go where they go on GitHub: a notebook's to its page (Sphinx
    resolves the `notebooks` link to the real folder, outside this one), the repository's own files (LICENSE,
    CONTRIBUTING.md) to GitHub."""
    for node in list(doctree.findall(addnodes.pending_xref)):
        target = node.get("reftarget", "")
        if node.get("reftype") != "myst" or not target:
            continue
        if node.get("refdomain") == "doc" and target not in app.env.all_docs and target.startswith(f"{ROOT}/"):
            node["reftarget"] = Path(target).relative_to(ROOT).as_posix()
        elif node.get("refdomain") is None and (ROOT / target.split("#")[0]).is_file():
            link = nodes.reference("", "", *node.children, refuri=f"{REPOSITORY}/blob/{_course['branch']}/{target}")
            node.replace_self(link)


def _visit_fold(self, node) -> None:
    """myst-nb's fold, named by what it shows ("Show the check"): myst-nb's own names every fold "Toggle hidden
    content", which a screen reader says instead of the words on the screen (axe: label-content-name-mismatch)."""
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n'
                     f'<p class="collapsed admonition-title">{self.encode(node["prompt_show"])}</p>\n'
                     f'<p class="expanded admonition-title">{self.encode(node["prompt_hide"])}</p>\n</summary>\n')


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.add_node(HideCodeCellNode, override=True, html=(_visit_fold, depart_HideCellInput))
    app.connect("html-page-context", _landing_without_source_download, priority=600)
    app.connect("doctree-read", _readme_links)
