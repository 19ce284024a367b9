"""The notebooks' setup cell, run as a learner's Colab runtime runs it (`make test-colab` runs these).

They need the Colab environment that `make test-colab` builds: Python 3.13, Colab's package versions, and pip
pointed by its own environment variables at a wheel of the working tree (PIP_FIND_LINKS, PIP_NO_INDEX). Elsewhere
they are skipped; the setup cell's logic is also tested without pip in tests/test_notebook_hygiene.py.
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import links  # noqa: E402

pytestmark = pytest.mark.skipif(os.environ.get("SGD_COLAB_ENV") != "1", reason="needs `make test-colab`'s environment")
PINNED = links.version()


def pip(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, env=env, cwd="/")


def installed_version() -> str | None:
    out = subprocess.run([sys.executable, "-c", "import importlib.metadata as m; print(m.version('sgd-helpers'))"],
                         capture_output=True, text=True, cwd="/")
    return out.stdout.strip() if out.returncode == 0 else None


def run_setup_cell(env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", links.setup_source()], capture_output=True, text=True, env=env,
                          cwd="/")


@pytest.fixture(autouse=True)
def _leave_the_pinned_release_installed():
    yield
    if installed_version() != PINNED:
        assert pip("install", "-q", "--root-user-action=ignore", f"sgd-helpers=={PINNED}").returncode == 0


def test_this_is_colabs_python():
    assert sys.version_info[:2] == (3, 13)
    pins = {line.split("==")[0].lower(): line.split("==")[1]
            for line in (ROOT / "constraints-colab.txt").read_text().splitlines() if "==" in line}
    import importlib.metadata as m

    for name in ("torch", "numpy", "matplotlib", "ipython", "ipykernel", "jupyter_client", "ipywidgets", "fastcore"):
        assert m.version(name) == pins[name], name


def test_on_colab_the_setup_cell_would_install_nothing_but_sgd_helpers():
    pip("uninstall", "-q", "-y", "sgd-helpers")
    report = pip("install", "--dry-run", "--quiet", "--report", "-", "--root-user-action=ignore",
                 f"sgd-helpers=={PINNED}")
    assert report.returncode == 0, report.stderr
    planned = [(i["metadata"]["name"], i["metadata"]["version"]) for i in json.loads(report.stdout)["install"]]
    assert planned == [("sgd-helpers", PINNED)]


def test_an_older_release_is_replaced(tmp_path):
    source = tmp_path / "old"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv*", ".git", "build", "*.egg-info", "notebooks"))
    pyproject = source / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(f'version = "{PINNED}"', 'version = "0.0.1"'))
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == "0.0.1"
    built = pip("wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "wheels"), str(source))
    assert built.returncode == 0, built.stderr
    old_wheel = next((tmp_path / "wheels").glob("*.whl"))
    assert pip("install", "-q", "--root-user-action=ignore", str(old_wheel)).returncode == 0
    assert installed_version() == "0.0.1"
    done = run_setup_cell()
    assert done.returncode == 0, done.stderr
    assert installed_version() == PINNED


def test_a_failed_install_says_so_in_one_sentence(tmp_path, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    pip("uninstall", "-q", "-y", "sgd-helpers")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))  # the kernel inherits these: nowhere to install from
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(links.setup_source())])
    client = NotebookClient(book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    outputs = book.cells[0].outputs
    (error,) = [o for o in outputs if o.output_type == "error"]
    assert len(error.traceback) == 1, error.traceback  # one sentence, no traceback
    sentence = error.traceback[0]
    assert sentence.startswith(f"Could not install sgd-helpers {PINNED}, the course's helper package (pip said: ")
    assert "run this cell again" in sentence
    assert [o for o in outputs if o.output_type != "error"] == []
