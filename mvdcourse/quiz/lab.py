"""``mvdcourse lab``: JupyterLab for the instructor, started inside the course directory.

nbgrader's formgrader reads ``nbgrader_config.py`` from the folder JupyterLab starts in; started anywhere
else it shows an empty table and another exchange. Here JupyterLab runs with the course directory as its
working and root folder, this Python's ``bin`` on PATH (nbgrader runs ``alembic`` from there), the
exchange folder from the course config created if missing, and opens on the formgrader.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from . import course as course_mod


def exchange_root(course: Path) -> Path:
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(course_mod.CONFIG, path=str(course)).load_config()
    root = cfg.Exchange.get("root") if "Exchange" in cfg else None
    return Path(root or "/srv/nbgrader/exchange")


def command(
    course: Path,
    port: int,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    token: str | None = None,
    extra: list[str] = (),
) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={course}",
        f"--ip={ip}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--LabApp.default_url=/formgrader",
        f"--ServerApp.open_browser={open_browser}",
    ]
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + list(extra)


def prepare_exchange(course: Path) -> Path:
    root = exchange_root(course)
    if not root.exists():
        root.mkdir(parents=True)
        root.chmod(0o777)
    return root


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def run(
    course: Path,
    port: int = 8888,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    token: str | None = None,
    extra: list[str] = (),
) -> int:
    exchange = prepare_exchange(course)
    print(
        f"starting JupyterLab in {course} (exchange {exchange}); formgrader: "
        f"http://{ip}:{port}/formgrader — the address with its token follows. Stop with Ctrl-C.",
        flush=True,
    )
    proc = subprocess.Popen(
        command(course, port, ip, open_browser, token, extra), cwd=course, env=course_mod.nbgrader_env()
    )
    # A `kill` (SIGTERM, as from a service manager or a test) stops JupyterLab too, never leaving it orphaned.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # one Ctrl-C stops it (JupyterLab alone would ask for confirmation)
        proc.terminate()  # a clean shutdown: JupyterLab stops its kernels
        try:
            proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            proc.kill()
        print("JupyterLab stopped.")
        return 0
