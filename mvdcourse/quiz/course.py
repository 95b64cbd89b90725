"""The instructor's course directory (``assignments/``): run nbgrader there, validate, scan releases.

nbgrader's own commands do most of the work; this module runs them the same way every time (from the
course directory, with this Python's ``bin`` on PATH, which nbgrader needs to find ``alembic``), and
adds the checks nbgrader does not make.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .. import paths
from . import items as itembank

DEFAULT_COURSE = paths.COURSE_ROOT / "assignments"
CONFIG = "nbgrader_config.py"
#: Environment variable naming the course directory (e.g. set once on a JupyterHub server).
COURSE_ENV = "MVDCOURSE_COURSE"


class CourseError(RuntimeError):
    """A course-level step failed; the message says which and why."""


def resolve(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> tuple[Path, str]:
    """The course directory a command acts on, and why that one.

    In order: ``--course`` when given; else the current folder when it holds ``nbgrader_config.py``
    (nbgrader's own convention, so ``nbgrader`` and ``mvdcourse`` commands agree); else
    ``$MVDCOURSE_COURSE``; else this checkout's ``assignments/``. Raises CourseError when the chosen
    folder is not a course directory.
    """
    cwd = Path(cwd or Path.cwd())
    if explicit:
        course, why = Path(explicit).expanduser().resolve(), "--course"
    elif (cwd / CONFIG).is_file():
        course, why = cwd.resolve(), "the current folder"
    elif os.environ.get(COURSE_ENV):
        course, why = Path(os.environ[COURSE_ENV]).expanduser().resolve(), f"${COURSE_ENV}"
    else:
        course, why = DEFAULT_COURSE.resolve(), "this checkout's; the current folder has no nbgrader_config.py"
    if not (course / CONFIG).is_file():
        hint = "" if course.exists() else " (the folder does not exist)"
        raise CourseError(
            f"{course} is not an nbgrader course directory: it has no {CONFIG}{hint}. "
            f"Run the command inside your course folder or pass --course FOLDER."
        )
    return course, why


def items_dir(course: Path) -> Path:
    return Path(course) / "items"


def assignments(course: Path) -> list[str]:
    """The course's assignments: one per item bank in ``<course>/items``."""
    return itembank.all_assignments(items_dir(course))


def nbgrader_env() -> dict:
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def nbgrader(course: Path, *args: str, check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in the course directory."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(
        cmd, cwd=course, env=nbgrader_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if not quiet:
        print(proc.stdout)
    if check and (proc.returncode != 0 or "[ERROR]" in proc.stdout or "| ERROR]" in proc.stdout):
        errors = "\n".join(line for line in proc.stdout.splitlines() if "ERROR" in line)
        raise CourseError(f"`nbgrader {' '.join(args)}` failed in {course}:\n{errors or proc.stdout[-2000:]}")
    return proc


def nbgrader_api(course: Path, cfg):
    """nbgrader's Python API on ``course`` with ``cfg``. Its log goes to a logger of its own: each call
    returns its log and errors (which callers report), and the exchange check at start-up ("Unwritable
    directory" when the exchange folder does not exist yet) is irrelevant to grading and feedback."""
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    log = logging.getLogger("mvdcourse.nbgrader")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    cfg.CourseDirectory.root = str(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg, log=log)


def db_url(course: Path) -> str:
    """The gradebook's database URL from the course config (nbgrader's default: SQLite in the course root).

    Set ``c.CourseDirectory.db_url`` in nbgrader_config.py to use PostgreSQL; every command follows it.
    """
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    url = cfg.CourseDirectory.get("db_url") if "CourseDirectory" in cfg else None
    return url or f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"


def copy_course(dest: Path) -> Path:
    """A fresh course directory at ``dest``: this checkout's config, item banks and sources, no grades."""
    import shutil

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("nbgrader_config.py", "items", "source"):
        src = DEFAULT_COURSE / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / part)
    return dest


def generate(course: Path, name: str) -> Path:
    nbgrader(course, "generate_assignment", name, "--force")
    return Path(course) / "release" / name


LEAK_PATTERNS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
    "BEGIN HIDDEN TESTS",
    "explanations",
    "mark_scheme",
)


def leak_report(release_dir: Path, bank: itembank.Assignment) -> list[str]:
    """What in a release folder could give the key away: solution markers, keyed answers, explanations,
    mark schemes, item-bank files. An empty list means clean."""
    from .. import facts as factbase

    fb = factbase.default()
    problems = []
    for path in sorted(Path(release_dir).rglob("*")):
        if path.is_dir():
            continue
        if path.suffix in (".yaml", ".yml", ".py", ".md", ".json") and path.suffix != ".ipynb":
            problems.append(f"{path.name}: instructor file type in the release")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in LEAK_PATTERNS:
            if marker in text:
                problems.append(f"{path.name}: contains '{marker}'")
        if path.suffix != ".ipynb":
            continue
        nb = json.loads(text)
        code = "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]
            if c["cell_type"] == "code"
        )
        for item in bank.closed_items:
            if re.search(rf"^\s*{item.id}\s*=\s*(?!\s|None\b)", code, flags=re.M):
                problems.append(f"{path.name}: {item.id} is pre-filled in the release")
        for item in bank.items:
            secret = [fb.render(t) for t in (getattr(item, "explanations", {}) or {}).values()]
            secret += [fb.render(getattr(item, "explanation", "") or "")]
            secret += [fb.render(getattr(item, "mark_scheme", "") or "")]
            for s in filter(None, secret):
                if len(s) > 25 and s[:60] in text:
                    problems.append(f"{path.name}: {item.id} explanation or mark scheme is in the release")
    return problems
