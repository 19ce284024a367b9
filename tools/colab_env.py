"""Colab's runtime on this machine: its Python, its package versions, and its torch without a GPU.

Colab's default runtime (Python 3.13 since 2026-08-19) ships the packages listed in its published freeze
(`googlecolab/backend-info`, `pip-freeze.txt`; copies in `../shared/colab/`). This script does two things:

    python tools/colab_env.py constraints FREEZE   # rewrite constraints-colab.txt from Colab's freeze
    python tools/colab_env.py build VENV           # build the Colab environment in VENV (run with Colab's Python)

`constraints` keeps only the freeze's lines for the packages the Colab environment installs (found by a pip dry
run against the whole freeze), with a header saying where and when they came from.

`build` installs them. Colab's torch is the CPU build 2.11.0+cpu, from PyTorch's own index, which this machine
cannot reach; PyPI's torch 2.11.0 for Python 3.13 is the CUDA build. It runs on a CPU, but only with its CUDA
libraries present: installed with `--no-deps`, `import torch` fails (`libcudnn.so.9: cannot open shared object
file`). So it is installed with its requirements, about 4 GB that a CPU never calls into. The numbers the
notebooks print are the CPU's either way.

The environment is made in place and its stamp (`.installed`) written last, so a build that was interrupted leaves
no stamp and the next one starts afresh. `build` returns at once when VENV was built from the same Python, pins and
package list (compared by content, not by file dates) and still starts.

Why pip and not uv (`uv pip compile -c` would do the dry run's filtering): the notebooks' setup cell installs with
Colab's own pip, so this environment is resolved by the same resolver a learner's runtime runs, and the project asks
a contributor for nothing beyond Python and pip (README).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints-colab.txt"
# What the Colab environment holds: torch's pure-Python requirements, what the course imports, and what the tests
# run with. pip itself too: the notebooks' setup cell runs Colab's pip.
PACKAGES = [
    "pip", "torch", "filelock", "typing-extensions", "sympy", "networkx", "jinja2", "fsspec", "setuptools",
    "numpy", "matplotlib", "pyparsing", "pillow", "ipython", "ipykernel", "jupyter_client", "ipywidgets",
    "anywidget", "psygnal", "fastcore", "scikit-learn", "fastai", "torchvision", "pytest", "pytest-xdist", "nbval",
]
# Colab's torch and torchvision are CPU builds from PyTorch's index (URL lines in the freeze); PyPI's releases of the
# same versions stand in for them.
TORCH = "torch==2.11.0"
TORCHVISION = "torchvision==0.26.0"


def _name(line: str) -> str:
    return re.split(r"[=<>!~ @;\[]", line, maxsplit=1)[0].strip().lower().replace("_", "-")


def constraints(freeze: Path) -> str:
    """The lines of Colab's freeze that the Colab environment uses, with where they came from."""
    lines = [ln.strip() for ln in freeze.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    # Colab's own CUDA libraries (for its other packages) are not what the stand-in torch was built against.
    pinned = [ln for ln in lines if "==" in ln and " @ " not in ln and not _name(ln).startswith(("nvidia-", "cuda-",
                                                                                                 "triton"))]
    full = ROOT / "build" / "colab-freeze-pins.txt"
    full.parent.mkdir(exist_ok=True)
    full.write_text("\n".join([TORCH, TORCHVISION, *pinned]) + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", "-",
         "-c", str(full), *PACKAGES], check=True, capture_output=True, text=True)
    wanted = {item["metadata"]["name"].lower().replace("_", "-") for item in json.loads(out.stdout)["install"]}
    kept = sorted((ln for ln in pinned if _name(ln) in wanted), key=str.lower)
    missing = wanted - {_name(ln) for ln in kept} - {"torch", "torchvision"}
    header = (
        f"# Colab's default runtime, as published in googlecolab/backend-info (pip-freeze.txt), copied from\n"
        f"# {freeze.name}: the lines for what the Colab environment installs (`make test-colab`).\n"
        f"# Refresh: python tools/colab_env.py constraints ../shared/colab/<newest freeze>\n"
        f"# torch: Colab has 2.11.0+cpu from PyTorch's index; PyPI's 2.11.0 (CUDA build) stands in for it, with the\n"
        f"# CUDA libraries it needs to import (tools/colab_env.py); torchvision 0.26.0 likewise, from PyPI.\n"
    )
    note = f"# left to pip (not in Colab's freeze, or torch's own CUDA libraries): {', '.join(sorted(missing))}\n"
    return header + note + TORCH + "\n" + TORCHVISION + "\n" + "\n".join(kept) + "\n"


def stamp() -> str:
    """What a finished Colab environment records: the Python it was made with, the pins and the package list."""
    return f"python {sys.version.split()[0]}\npackages {' '.join(PACKAGES)}\n{CONSTRAINTS.read_text()}"


def build(target: Path) -> None:
    """Build the Colab environment at `target` (with the running Python, which should be Colab's), unless the one
    there was built from the same Python, pins and package list and still starts."""
    installed = target / ".installed"
    if installed.exists() and installed.read_text() == stamp() and subprocess.run(
            [str(target / "bin" / "python"), "-c", "import torch"],
            capture_output=True).returncode == 0:
        print(f"{target.name}: up to date")
        return
    venv.create(target, with_pip=True, clear=True)  # clear: what an interrupted or older build left goes first
    py = str(target / "bin" / "python")
    pip = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", str(CONSTRAINTS)]
    subprocess.run([*pip, "pip"], check=True)
    subprocess.run([*pip, *PACKAGES], check=True)
    subprocess.run([py, "-c", "import torch, matplotlib, ipywidgets, fastcore, fastai.callback.schedule"], check=True)
    installed.write_text(stamp())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "constraints":
        CONSTRAINTS.write_text(constraints(Path(sys.argv[2])))
        print(f"wrote {CONSTRAINTS.name}")
    elif len(sys.argv) == 3 and sys.argv[1] == "build":
        build(Path(sys.argv[2]).resolve())
    else:
        sys.exit(__doc__)
