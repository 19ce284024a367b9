"""Sphinx configuration of the course's website (`make site`), built from the stored notebooks without running them.

`tools/site.py` copies this folder and the notebooks into build/site-src and builds build/site from there.
Every file a page loads is the site's own: nothing comes from a CDN.
"""

import os
import tomllib
from pathlib import Path

_course = tomllib.loads((Path(os.environ["SGD_COURSE_ROOT"]) / "pyproject.toml").read_text())["tool"]["sgd-course"]

project = "SGD, step by step"
author = "the SGD, step by step authors"
copyright = "the authors; text and figures CC BY 4.0, code Apache-2.0"
extensions = ["myst_nb"]
exclude_patterns = ["_build"]
root_doc = "index"

nb_execution_mode = "off"  # show exactly the outputs CI proved
nb_ipywidgets_js = {}  # no require.js or widget manager from a CDN: each explorer brings its own module, inline
nb_code_prompt_show = "Show the code"
nb_code_prompt_hide = "Hide the code"
myst_enable_extensions = ["colon_fence"]

html_theme = "sphinx_book_theme"
html_title = "SGD, step by step"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_theme_options = {
    "repository_url": f"https://github.com/{_course['repository']}",
    "repository_branch": _course["branch"],
    "path_to_docs": "",
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "use_download_button": True,
    "use_repository_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": True,
}
html_last_updated_fmt = None
html_show_sphinx = False
html_context = {"default_mode": "light"}  # an explicit mode: the theme logs an error when it finds none stored
