"""Build the course's website from the stored notebooks (`make site`): no re-execution, nothing from the network.

    python tools/site_build.py            # build/site/index.html, and one page per notebook

Sphinx (myst-nb, the book theme) renders site/, whose `notebooks` is a link to the repository's notebooks/: the
pages are the stored notebooks with their outputs, folded where their own cell metadata says (myst-nb's
`hide-input` and prompts, written by tools/proof_cells.py and tools/links.py), with the alt text their metadata
gives each figure. The landing page (site/index.md) includes the README's parts between its `<!-- site: ... -->`
markers. The one change made here, after Sphinx: the Colab badge image on the pages is the site's own copy, so a
page loads nothing from outside (the notebook a reader downloads is the stored one, byte for byte, as Sphinx copies
it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "site"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def local_badges(out: Path) -> None:
    """The Colab badge from the site's own files, not Colab's server."""
    for html in out.rglob("*.html"):
        text = html.read_text()
        if BADGE in text:
            local = "../" * (len(html.relative_to(out).parts) - 1) + "_static/colab-badge.svg"
            html.write_text(text.replace(f'src="{BADGE}"', f'src="{local}"'))


def build(out: Path = OUT) -> float:
    """Build the site into `out`; the seconds it took."""
    started = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-j", "1",
                    str(ROOT / "site"), str(out)], check=True)
    local_badges(out)
    return time.perf_counter() - started


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    seconds = build()
    print(f"built {OUT.relative_to(ROOT)} in {seconds:.1f} s: {size(OUT) / 1e6:.1f} MB, "
          f"{len(list(OUT.rglob('*.html')))} pages; open {OUT.relative_to(ROOT)}/index.html")
