"""Feedback for students: never a mark scheme, hidden test or another student's data; provisional says so.

nbgrader's autograde restores locked and task cells from the gradebook's copy of the *source*, mark
scheme included (graders need it in formgrader), and renders feedback from those autograded notebooks.
So the feedback step itself must remove grader-only text. ``FEEDBACK_PREPROCESSORS`` is that step:
``nbgrader_config.py`` installs it for ``nbgrader generate_feedback`` and formgrader, and
``mvdcourse feedback`` forces it whatever the config says, then scans every file it wrote
(:func:`leaks`) and deletes any that still leaks. ``mvdcourse check`` verifies the config and scans
feedback already generated.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor

from .. import facts as factbase
from ..grading.handgrades import STALE_TAG, strip_stale_notes
from . import items as itembank

#: Delimiters around grader-only text. The mark scheme ones are what ``build`` writes into task cells.
GRADER_ONLY = [
    ("BEGIN MARK SCHEME", "END MARK SCHEME"),
    ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
    ("BEGIN SOLUTION", "END SOLUTION"),
]
MARKERS = [m for pair in GRADER_ONLY for m in pair]


def strip_grader_only(text: str) -> str:
    """``text`` without any delimited grader-only region (an unclosed region runs to the end)."""
    for begin, end in GRADER_ONLY:
        pattern = re.compile(rf"^[^\n]*{begin}[^\n]*\n(?:.*?^[^\n]*{end}[^\n]*(?:\n|$)|.*\Z)", re.M | re.S)
        text = pattern.sub("", text)
    return text.rstrip() + ("\n" if text.endswith("\n") else "")


class HideGraderOnlyText(NbGraderPreprocessor):
    """Remove mark schemes, hidden tests and solution blocks from every cell, and tracebacks from outputs
    (a traceback repeats the line that failed, e.g. a hidden test)."""

    def preprocess_cell(self, cell, resources, index):
        source = cell.source
        if any(m in source for m in MARKERS):
            cell.source = strip_grader_only(source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


class NoteProvisional(NbGraderPreprocessor):
    """Put a notice at the top of feedback produced while answers still await (re-)grading by hand."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            sub = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            pending = sorted(g.name for g in sub.grades if g.needs_manual_grade)
        if pending:
            names = ", ".join(item_of(p) for p in pending)
            nb.cells.insert(
                0,
                new_markdown_cell(
                    f"**Provisional feedback.** {len(pending)} answer(s) still await grading by hand ({names}); "
                    "the score shown may change once they are graded."
                ),
            )
            resources["nbgrader"]["provisional"] = pending
        for cell in nb.cells:  # the stale-grade note is for the grader, not the student
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("comment"):
                meta["comment"] = strip_stale_notes(meta["comment"])
        return nb, resources


FEEDBACK_PREPROCESSORS = [HideGraderOnlyText, ClearHiddenTests, GetGrades, NoteProvisional, CSSHTMLHeaderPreprocessor]


def item_of(grade_id: str) -> str:
    return re.sub(r"_(task|check|answer)$", "", grade_id)


def grader_only_texts(bank: itembank.Assignment, fb: factbase.FactBase | None = None) -> list[str]:
    """The first 60 characters of every longer mark-scheme line in ``bank``, plain and HTML-escaped."""
    fb = fb or factbase.default()
    out = []
    for item in bank.items:
        scheme = getattr(item, "mark_scheme", "")
        for line in fb.render(scheme).splitlines():
            line = line.strip()[:60]
            if len(line) >= 30:
                out += [line, html.escape(line, quote=False), html.escape(line)]
    return sorted(set(out))


def leaks(text: str, bank: itembank.Assignment, student: str = "", others: list[str] = ()) -> list[str]:
    """What grader-only or other students' material ``text`` holds (empty: none)."""
    found = [f"contains '{m}'" for m in MARKERS + [STALE_TAG] if m in text]
    found += [f"holds the mark scheme of {bank.assignment}" for t in grader_only_texts(bank) if t in text][:1]
    ids = [o for o in others if o != student and _distinctive(o)]
    if ids:
        hits = set(re.findall(r"(?<![\w.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])", visible_text(text)))
        found += [f"names another student ({', '.join(sorted(hits)[:3])})"] if hits else []
    return found


def _distinctive(student_id: str) -> bool:
    """Ids that cannot be ordinary words of the quiz ("root", "anna"): with a digit, '_', '.' or '@'."""
    return len(student_id) >= 4 and bool(re.search(r"[\d_.@]", student_id))


def visible_text(page: str) -> str:
    """The text a reader sees in an HTML page (no style sheets, scripts or tags)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def feedback_files(course: Path, assignment: str) -> list[Path]:
    return sorted(Path(course, "feedback").glob(f"*/{assignment}/*.html"))


def scan(course: Path, assignment: str, bank: itembank.Assignment, students: list[str]) -> dict[Path, list[str]]:
    """Every feedback file of ``assignment`` that leaks, with what it leaks."""
    bad = {}
    for path in feedback_files(course, assignment):
        student = path.parent.parent.name
        found = leaks(path.read_text(encoding="utf-8", errors="replace"), bank, student, students)
        if found:
            bad[path] = found
    return bad


def config_problem(course: Path) -> str | None:
    """Why the course's own feedback step (plain ``nbgrader generate_feedback``) could leak, or None."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    configured = cfg.GenerateFeedback.get("preprocessors", []) if "GenerateFeedback" in cfg else []
    names = {getattr(p, "__name__", str(p).rsplit(".", 1)[-1]) for p in configured}
    if HideGraderOnlyText.__name__ not in names:
        return (
            "nbgrader_config.py does not remove mark schemes from feedback: add "
            "`c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS` "
            "(from mvdcourse.quiz.feedback), as in the course's template config"
        )
    return None


def pending_hand_grading(db_url: str, assignment: str) -> dict[str, list[str]]:
    """{student: [items awaiting (re-)grading by hand]} for submissions of ``assignment``."""
    from nbgrader.api import Gradebook

    out: dict[str, list[str]] = {}
    with Gradebook(db_url) as gb:
        for sub in gb.assignment_submissions(assignment):
            items = [item_of(g.name) for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade]
            if items:
                out[sub.student_id] = sorted(items)
    return out


def generate(course: Path, assignment: str) -> dict:
    """nbgrader's generate_feedback for every graded student, with ``FEEDBACK_PREPROCESSORS`` forced."""
    from traitlets.config.loader import PyFileConfigLoader

    from .course import nbgrader_api

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    cfg.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
    return nbgrader_api(course, cfg).generate_feedback(assignment, force=True)


def main(course: Path, assignment: str, partial: bool = False) -> int:
    from . import course as course_mod

    db = course_mod.db_url(course)
    pending = pending_hand_grading(db, assignment)
    if pending and not partial:
        example = ", ".join(f"{s}: {' '.join(i)}" for s, i in list(pending.items())[:3])
        print(
            f"mvdcourse feedback: not generated: {len(pending)} submission(s) of {assignment} still have "
            f"answers awaiting hand grading ({example}{' …' if len(pending) > 3 else ''}). Grade them in "
            f"formgrader (`mvdcourse lab`, then Nbgrader → Formgrader), or pass --partial to send "
            f"provisional feedback that says so at the top."
        )
        return 1
    result = generate(course, assignment)
    if not result.get("success"):
        lines = (result.get("error") or result.get("log") or "").strip().splitlines()
        raise RuntimeError(f"nbgrader generate_feedback failed: {lines[-1] if lines else 'no message'}")
    bank = itembank.load(course_mod.items_dir(course) / f"{assignment}.yaml")
    from nbgrader.api import Gradebook

    with Gradebook(db) as gb:
        students = [s.id for s in gb.students]
    bad = scan(course, assignment, bank, students)
    for path, found in bad.items():
        path.unlink()
        print(f"REMOVED {path.relative_to(course)}: {'; '.join(found)}")
    files = feedback_files(course, assignment)
    print(
        f"feedback for {len(files)} student(s) in {course / 'feedback'}; every file scanned: "
        f"{'no mark scheme, hidden test or other student’s data' if not bad else f'{len(bad)} removed'}"
        + (f"; {len(pending)} marked provisional (hand grading unfinished)" if pending else "")
    )
    print(f"send them with `nbgrader release_feedback {assignment}` (exchange) or as files")
    return 1 if bad else 0
