"""Hand grades stay honest: a hand grade whose free-text answer changed is flagged for review.

A free-text item is an nbgrader task cell (``qN_task``); the student's answer is the cell(s) they wrote
after it, up to the next course cell. Before a submission is graded again, its answers as last graded
(the previous autograded notebook, the one the grader read in formgrader) are compared with the new ones.
Where an answer changed under a hand grade, the grade and comment are kept, the grade is flagged
``needs_manual_grade`` (formgrader lists it as needing grading; feedback is refused or marked
provisional), and the comment gets a first line starting with ``STALE_TAG``, which the feedback step
never shows to students.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime
from pathlib import Path

STALE_TAG = "[STALE"


def free_text_answers(nb: dict) -> dict[str, str]:
    """{item: answer text} for every task cell of ``nb`` (notebook JSON)."""
    answers: dict[str, str] = {}
    current = None
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if meta.get("grade_id"):
            current = meta["grade_id"].removesuffix("_task") if meta.get("task") else None
            if current:
                answers[current] = ""
            continue
        if current:
            src = cell.get("source", "")
            answers[current] += ("".join(src) if isinstance(src, list) else src).strip() + "\n"
    return {k: v.strip() for k, v in answers.items()}


def graded_answers(course: Path, assignment: str, student: str) -> dict[str, str] | None:
    """The free-text answers as last graded (None if the submission was never autograded)."""
    path = Path(course) / "autograded" / student / assignment / f"{assignment}.ipynb"
    try:
        return free_text_answers(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def stale_note(item: str) -> str:
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f"{STALE_TAG} {when}: the answer to {item} changed after this hand grade was given; the score and "
        f"comment below were for the previous answer. Review, then delete this line.]"
    )


def flag_changed(
    db_url: str, assignment: str, student: str, before: dict[str, str] | None, after: dict[str, str], attempts: int = 6
) -> list[str]:
    """Flag hand grades whose answer changed; returns the items flagged."""
    if not before:
        return []
    changed = [item for item, text in after.items() if item in before and before[item] != text]
    if not changed:
        return []
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            flagged = []
            with Gradebook(db_url) as gb:
                for item in changed:
                    try:
                        grade = gb.find_grade(f"{item}_task", assignment, assignment, student)
                        comment = gb.find_comment(f"{item}_task", assignment, assignment, student)
                    except MissingEntry:
                        continue
                    if grade.manual_score is None and not (comment.manual_comment or "").strip():
                        continue
                    grade.needs_manual_grade = True
                    old = comment.manual_comment or ""
                    kept = "\n".join(line for line in old.splitlines() if not line.startswith(STALE_TAG))
                    comment.manual_comment = stale_note(item) + ("\n" + kept if kept else "")
                    flagged.append(item)
                gb.db.commit()
            return flagged
        except OperationalError as exc:  # "database is locked" from a concurrent writer: retry
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
    return []


def strip_stale_notes(comment: str | None) -> str | None:
    """A grader's comment without the instructor-only stale note (for students' feedback)."""
    if not comment:
        return comment
    kept = "\n".join(line for line in comment.splitlines() if not line.startswith(STALE_TAG)).strip()
    return kept or None
