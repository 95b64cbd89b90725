"""One assignment's results as matrices: read from nbgrader's gradebook and the graded notebooks.

Scores come from the gradebook (through nbgrader's own ORM and the course's database URL), so hand
grades and formgrader overrides count exactly as in ``grades.csv``. The options a student chose come
from the per-item outcomes the closed-form grader wrote into each autograded notebook. Item metadata
(objective, lesson, options, key) comes from the item bank.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: Choice-item statuses whose recorded answer is a real choice (format problems and blanks are not).
_CHOSEN = ("correct", "partial", "wrong")


@dataclass(frozen=True)
class ItemInfo:
    id: str
    type: str
    points: float
    objective: str
    lesson: int
    options: str = ""  # option letters, for single / multiple
    keyed: frozenset = frozenset()  # the keyed letters, for single / multiple

    @property
    def grade_id(self) -> str:
        return f"{self.id}_task" if self.type == "free_text" else f"{self.id}_check"

    @property
    def has_options(self) -> bool:
        return self.type in ("single", "multiple")


@dataclass
class ClassResults:
    """Everything the statistics need, aligned by row (student) and column (item)."""

    assignment: str
    title: str
    items: list[ItemInfo]
    students: list[str]
    points: np.ndarray  # students × items; nan = awaiting a hand grade
    choices: dict[str, list[frozenset]] = field(default_factory=dict)  # item id -> per student, letters chosen
    names: dict[str, str] = field(default_factory=dict)
    not_scored: dict[str, str] = field(default_factory=dict)  # student id -> why no score

    @property
    def max_points(self) -> np.ndarray:
        return np.array([it.points for it in self.items], dtype=float)

    @property
    def fractions(self) -> np.ndarray:
        return self.points / self.max_points


def item_infos(bank) -> list[ItemInfo]:
    out = []
    for it in bank.items:
        options = "".join(getattr(it, "options", {}) or "")
        keyed = frozenset(it.answer if it.type == "multiple" else [it.answer]) if options else frozenset()
        out.append(ItemInfo(it.id, it.type, float(it.points), it.objective, it.lesson, options, keyed))
    return out


def parse_choice(item: ItemInfo, answer: str, status: str) -> frozenset:
    """The letters a recorded answer chose ('A, D' → {A, D}); empty when it was not a valid choice."""
    if status not in _CHOSEN or not answer:
        return frozenset()
    return frozenset(a.strip() for a in answer.split(",") if a.strip() in item.options)


def recorded_answers(course: Path, assignment: str):
    """(student, item id, answer, status) from the record the closed-form grader leaves on each check cell
    of an autograded notebook (``metadata.mvdcourse``)."""
    for path in sorted(Path(course, "autograded").glob(f"*/{assignment}/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            info = cell.get("metadata", {}).get("mvdcourse")
            if info:
                item = info.get("item") or cell["metadata"].get("nbgrader", {}).get("grade_id", "").removesuffix(
                    "_check"
                )
                yield path.parent.parent.name, item, str(info.get("answer", "")), info.get("status", "")


def _gradebook_scores(db_url: str, assignment: str) -> tuple[dict, dict, set]:
    """(scores by (student, grade id), names by student, students with a submission)."""
    from nbgrader.api import Assignment, BaseCell, Grade, Gradebook, Student, SubmittedAssignment, SubmittedNotebook

    scores, names, submitted = {}, {}, set()
    with Gradebook(db_url) as gb:
        rows = (
            gb.db.query(SubmittedAssignment.student_id, BaseCell.name, Grade.score, Grade.needs_manual_grade)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id)
            .filter(Assignment.name == assignment)
        )
        for sid, name, score, pending in rows:
            scores[sid, name] = np.nan if pending else float(score)
        submitted = {
            sid
            for (sid,) in gb.db.query(SubmittedAssignment.student_id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .filter(Assignment.name == assignment)
        }
        for s in gb.db.query(Student):
            names[s.id] = " ".join(filter(None, [s.first_name, s.last_name]))
    return scores, names, submitted


def load_class(course: Path, assignment: str, db_url: str | None = None) -> ClassResults:
    """Read one assignment's results; students without a scored submission are listed, not zeroed."""
    from ..grading import ledger
    from ..quiz import items as itembank
    from ..quiz.course import db_url as course_db_url
    from ..quiz.course import items_dir
    from ..quiz.export import SCORED

    course = Path(course)
    bank_path = items_dir(course) / f"{assignment}.yaml"
    if not bank_path.exists():
        raise FileNotFoundError(
            f"no item bank {bank_path}: the report needs the assignment's items "
            f"(objectives, keys); check the assignment name"
        )
    bank = itembank.load(bank_path)
    items = item_infos(bank)
    scores, names, submitted = _gradebook_scores(db_url or course_db_url(course), assignment)
    outcomes = ledger.latest(course, assignment)
    not_scored = {}
    for sid in sorted(set(names) | set(outcomes)):
        status = outcomes.get(sid, {}).get("status", "graded" if sid in submitted else "missing")
        if sid not in submitted or status not in SCORED:
            reason = outcomes.get(sid, {}).get("reason", "") or ("no submission" if sid not in submitted else "")
            not_scored[sid] = f"{status}: {reason}" if reason else status
    students = sorted(submitted - set(not_scored))
    # per-student item order: the gradebook holds scores by slot; each student's slot for an item is recomputed
    slot_of = {sid: {item: slot for slot, item in bank.placement(sid).items()} for sid in students}
    points = np.array(
        [
            [scores.get((sid, slot_of[sid].get(it.id, it.id) + it.grade_id[len(it.id) :]), np.nan) for it in items]
            for sid in students
        ],
        dtype=float,
    ).reshape(len(students), len(items))
    row = {sid: i for i, sid in enumerate(students)}
    by_id = {it.id: it for it in items}
    choices = {it.id: [frozenset()] * len(students) for it in items if it.has_options}
    for sid, item_id, answer, status in recorded_answers(course, assignment):
        it = by_id.get(item_id)
        if it is not None and it.has_options and sid in row:
            choices[it.id][row[sid]] = parse_choice(it, answer, status)
    return ClassResults(assignment, bank.title, items, students, points, choices, names, not_scored)
