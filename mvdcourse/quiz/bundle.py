"""A zip for students who work offline: lessons, released quizzes, the package and the fact base.

Never included: ``assignments/items`` (keys, explanations, mark schemes), ``assignments/source``
(solutions), the gradebook, submissions or feedback. The bundle is scanned for key material before it
is written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import paths
from . import course as course_mod
from . import items as itembank

INCLUDE = [
    "README.md",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "Makefile",
    "pyproject.toml",
    "requirements.txt",
    "constraints.txt",
    "environment.yml",
    "lessons",
    "assets",
    "mvdcourse",
]
EXCLUDE_PARTS = {"__pycache__", ".ipynb_checkpoints"}


def make_bundle(course: Path, out: Path) -> Path:
    root = paths.COURSE_ROOT
    names = course_mod.assignments(course)
    problems = []
    for name in names:
        release = course_mod.generate(course, name)
        problems += course_mod.leak_report(release, itembank.load(course_mod.items_dir(course) / f"{name}.yaml"))
    if problems:
        raise RuntimeError("refusing to bundle, the releases leak: " + "; ".join(problems))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in INCLUDE:
            path = root / entry
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for f in files:
                if EXCLUDE_PARTS & set(f.parts) or f.suffix == ".pyc":
                    continue
                z.write(f, f"mvd-course/{f.relative_to(root)}")
        for name in names:
            for f in sorted((course / "release" / name).rglob("*")):
                if f.is_file():
                    z.write(f, f"mvd-course/quizzes/{name}/{f.relative_to(course / 'release' / name)}")
    return out
