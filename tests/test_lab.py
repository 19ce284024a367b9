"""JupyterLab really serves the course, started with the README's command (the one `make lab` runs): start it on a
loopback port, ask its API, stop it. Needs no browser; tests/test_browser.py drives the pages."""

from pathlib import Path

from lab import Lab

ROOT = Path(__file__).resolve().parent.parent


def test_jupyter_lab_serves_the_notebooks():
    with Lab(ROOT / "notebooks") as lab:
        assert "started" in lab.api("status")
        names = {item["name"] for item in lab.api("contents")["content"]}
    assert names >= {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_make_lab_runs_the_same_command():
    recipe = (ROOT / "Makefile").read_text().split("\nlab:")[1].split("\n\n")[0]
    assert "$(BIN)/jupyter lab --ServerApp.root_dir=notebooks" in recipe
    assert ".venv/bin/jupyter lab --ServerApp.root_dir=notebooks" in (ROOT / "README.md").read_text()
