"""Helpers for grading tests: a throw-away nbgrader course and hand-written submissions."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from mvdcourse import paths
from mvdcourse.quiz import build, items
from mvdcourse.quiz import course as course_mod

FIXTURE = Path(__file__).parent / "fixtures" / "mini.yaml"


def make_course(tmp: Path, banks: dict[str, Path]) -> Path:
    """A course directory with the real nbgrader_config.py and the given item banks, sources generated."""
    course = tmp / "course"
    (course / "items").mkdir(parents=True)
    shutil.copy(paths.COURSE_ROOT / "assignments" / "nbgrader_config.py", course)
    for name, bank in banks.items():
        shutil.copy(bank, course / "items" / f"{name}.yaml")
        src = course / "source" / name / f"{name}.ipynb"
        src.parent.mkdir(parents=True)
        src.write_text(json.dumps(build.notebook(items.load(bank)), indent=1))
    return course


def submit(
    course: Path,
    assignment: str,
    student: str,
    answers: dict[str, str] | None = None,
    raw: bytes | None = None,
    edit=None,
) -> Path:
    """Write a submission: answer-cell sources by item id, or raw bytes, and an optional edit(nb)."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if raw is not None:
        path.write_bytes(raw)
        return path
    nb = copy.deepcopy(json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text()))
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        q = gid.removesuffix("_answer")
        if gid.endswith("_answer") and answers and q in answers:
            cell["source"] = answers[q]
    if edit:
        edit(nb)
    path.write_text(json.dumps(nb))
    return path


def response(text):
    """An edit that writes ``text`` as the free-text answer of the mini quiz (q5)."""

    def edit(nb):
        next(c for c in nb["cells"] if c.get("id") == "q5-response")["source"] = text

    return edit


def scores(course: Path, assignment: str) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(course_mod.db_url(course)) as gb:
        for sub in gb.assignment_submissions(assignment):
            out[sub.student_id] = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
            out[sub.student_id]["total"] = sub.score
    return out
