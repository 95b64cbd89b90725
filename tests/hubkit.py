"""Helpers for the multi-user tests: a course hub with real system users, run by deploy/coursehub.py."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from deploy import coursehub, hubclient
from mvdcourse import paths

#: The shared user environment for tests, kept between runs (built on first use, ~2 minutes).
TEST_ENV = paths.COURSE_ROOT / ".hubenv"


def missing_requirements() -> str | None:
    """Why a real hub cannot run here, or None."""
    if os.geteuid() != 0:
        return "the multi-user tests create system users and must run as root"
    for tool in ("/usr/bin/node", "/usr/bin/python3", "/usr/bin/npm"):
        if not Path(tool).exists():
            return f"{tool} is missing (Debian packages in system-packages.txt)"
    if coursehub.pg_bindir() is None:
        return "PostgreSQL is not installed (Debian package postgresql)"
    return None


def bring_up(prefix: str, users: list[dict], port: int, pg_port: int, user_ports: tuple[int, int]):
    """A whole course server in a fresh world-traversable temp folder; returns (site, Hub)."""
    state = Path(tempfile.mkdtemp(prefix=f"mvdcourse-{prefix}-"))
    state.chmod(0o755)
    (state / "site.json").write_text(json.dumps({"state": str(state), "user_ports": list(user_ports)}))
    site = coursehub.up(state, users, port=port, pg_port=pg_port, env=TEST_ENV)
    return site, hubclient.Hub(site.url, site.ops_token)


def tear_down(site, users: list[dict]) -> None:
    try:
        coursehub.down(Path(site.state))
    finally:
        for u in users:
            coursehub.remove_user(u["username"])
        shutil.rmtree(site.state, ignore_errors=True)


def as_user(site, user: str, script: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a bash script as ``user`` in a login-like shell with the course environment on PATH."""
    env = {"PATH": f"{site.venv}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "JUPYTER_CONFIG_PATH": f"{site.state}/etc/instructor:{site.state}/etc/common"}
    proc = subprocess.run(["runuser", "-u", user, "--", "bash", "-c", f"cd ~ && {script}"], env=env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"as {user}: {script}\nrc={proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def gradebook(site, code: str):
    """Run ``code`` (which sets ``result``) with nbgrader's Gradebook on the PostgreSQL URL; returns result."""
    url = site.gradebook_url
    prog = ("import json\nfrom nbgrader.api import Gradebook\n"
            f"with Gradebook({url!r}) as gb:\n" + "".join(f"    {line}\n" for line in code.splitlines())
            + "print(json.dumps(result))\n")
    out = subprocess.run([f"{site.venv}/bin/python", "-c", prog], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def psql(site, db: str, sql: str) -> str:
    return coursehub.Postgres(Path(site.state) / "postgres", site.pg_port).sql(sql, db=db)


def sqlite_files(*roots: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """Every SQLite database file under ``roots`` (by its header, whatever its name)."""
    found = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not any(str(Path(dirpath, d)).startswith(s) for s in skip)]
            for name in filenames:
                path = Path(dirpath, name)
                try:
                    with open(path, "rb") as fh:
                        if fh.read(16) == b"SQLite format 3\x00":
                            found.append(path)
                except OSError:
                    pass
    return found
