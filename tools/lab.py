"""JupyterLab on a loopback port, as `make lab` starts it, for tests and benchmarks to drive.

    with Lab(folder) as lab:
        lab.api("contents")        # the server's REST API, authenticated
        lab.url("lab/tree/01_gradients.ipynb")

The server gets its own settings folder (JupyterLab's autosave every `autosave` seconds instead of 120, no news
or update checks: there is no network) and its own workspaces folder, so nothing from a learner's own JupyterLab
leaks in, and nothing is written outside `folder` and a temporary directory.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(autosave: int) -> dict[str, dict]:
    """JupyterLab user settings, by plugin: a short autosave interval, and no network calls."""
    return {
        "@jupyterlab/docmanager-extension/plugin": {"autosaveInterval": autosave},
        "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
    }


class Lab:
    """A JupyterLab server over `root`, started on enter and stopped (with its kernels) on exit."""

    def __init__(self, root: Path, autosave: int = 120, timeout: float = 90):
        self.root, self.autosave, self.timeout = Path(root), autosave, timeout
        self.port, self.token = free_port(), secrets.token_hex(12)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Lab:
        self._home = tempfile.TemporaryDirectory(prefix="sgd-lab-")
        home = Path(self._home.name)
        for plugin, values in settings(self.autosave).items():
            package, name = plugin.rsplit("/", 1)
            path = home / "settings" / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        # One thread per kernel, as tools/run_notebooks.py runs them: a test's other workers share the cores.
        env |= {"OMP_NUM_THREADS": "1", "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(home / "ws"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"}
        # The README's command, with a port, a token and no browser of its own.
        cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", f"--ServerApp.root_dir={self.root}",
               "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               f"--IdentityProvider.token={self.token}", "--ServerApp.port_retries=0", "--LabApp.news_url=''"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(home / "lab.log", "w")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.api("status")
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"JupyterLab did not start: {self.log_text()[-2000:]}") from None
                time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        self._home.cleanup()

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def url(self, path: str = "lab", query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}{'&' + query if query else ''}"

    def api(self, path: str):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/{path}?token={self.token}", timeout=5) as r:
            return json.load(r)
