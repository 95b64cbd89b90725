"""Helpers for the multi-user tests: a course hub with real system users, run by deploy/coursehub.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from deploy import coursehub
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


as_user = coursehub.shell


def gradebook(site, code: str):
    """Run ``code`` (which sets ``result``) with nbgrader's Gradebook on the PostgreSQL URL; returns result."""
    url = site.gradebook_url
    prog = (
        "import json\nfrom nbgrader.api import Gradebook\n"
        f"with Gradebook({url!r}) as gb:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "print(json.dumps(result))\n"
    )
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
