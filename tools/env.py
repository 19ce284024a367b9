"""Make (or repair) the course's environment: a venv with sgd_helpers and what the notebooks and tests need.

    python3 tools/env.py [.venv] [--python-given]

Run with the Python the environment should have; `make` runs it before every target that needs the environment,
and it returns at once when nothing changed. It rebuilds when the environment is broken (a first `make` interrupted
while the venv was being made leaves one without pip), reinstalls when `pyproject.toml` or `constraints.txt`
changed, and, with `--python-given` (`make PYTHON=...`), starts afresh when the venv was made by another Python.
Without `make`: `python3 tools/env.py`, then use `.venv/bin/python` (`.venv\\Scripts\\python.exe` on Windows).

Why pip and not uv: the README promises a reader nothing beyond Python and pip, and every Python has them; uv's speed
would save little, since an unchanged environment returns at once (its stamp), and a changed one mostly downloads.
"""

from __future__ import annotations

import hashlib
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("pyproject.toml", "constraints.txt")


def venv_python(target: Path) -> Path:
    return target / ("Scripts/python.exe" if platform.system() == "Windows" else "bin/python")


def wanted() -> str:
    """What the stamp must say: the exact text of the files that decide what is installed, as a digest."""
    return hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in INPUTS)).hexdigest()[:16] + "\n"


def version(python: Path) -> str | None:
    """The venv Python's version, if it starts and has pip; None for a missing or half-made venv."""
    try:
        done = subprocess.run([str(python), "-c", "import platform, pip; print(platform.python_version())"],
                              capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def ensure(target: Path, python_given: bool) -> str:
    stamp, python = target / ".installed", venv_python(target)
    found = version(python)
    if found is None or (python_given and found != platform.python_version()):
        shutil.rmtree(target, ignore_errors=True)
        print(f"making {target.name} with Python {platform.python_version()}", flush=True)
        venv.create(target, with_pip=True)
    elif stamp.exists() and stamp.read_text() == wanted():
        return "up to date"
    stamp.unlink(missing_ok=True)  # written again only once the install below has finished
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c",
                    str(ROOT / "constraints.txt"), "-e", f"{ROOT}[lab,site,test]"], check=True)
    stamp.write_text(wanted())
    return "installed"


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    target = (ROOT / (args[0] if args else ".venv")).resolve()
    print(f"{target.name}: {ensure(target, '--python-given' in sys.argv)}")
