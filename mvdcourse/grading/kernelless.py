"""Grading without a kernel: a closed-form quiz is scored from its answer cells' text, in-process and batched.

Chosen by ``mvdcourse grade`` when nothing a kernel computes can change a score (``steps.kernel_reason``).
No student code runs, so no sandbox is needed. Each worker process (one per core) reads, checks and
repairs a submission exactly as the executed path does (``precheck``), then runs nbgrader's own steps on
it in-process — the configured sanitize steps, then the configured autograde steps without ``Execute``
— and writes the autograded notebook. The two steps that write the gradebook (``SaveAutoGrades``,
``AssignLatePenalties``) run in the parent on nbgrader's ``Gradebook``, many submissions per transaction;
the ledger lines are written once their transaction is committed, so an interrupted run resumes as before.

What the per-submission ``nbgrader autograde`` spends its time on is done once per process here: the
config, the item bank and fact base, one gradebook connection (nbgrader's steps open one per notebook),
the source cells nbgrader compares each submission with.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import handgrades, precheck, steps

#: nbgrader's autograde steps that write the gradebook; they never change the notebook.
WRITERS = ("SaveAutoGrades", "AssignLatePenalties")
BATCH = 50  # submissions per gradebook transaction
BATCH_SECONDS = 2.0  # …or fewer, so the ledger and progress keep moving


@dataclass
class Result:
    student: str
    status: str  # graded | tampered | malformed | error
    reason: str
    fingerprint: str
    seconds: float = 0.0
    tamper: list[str] = field(default_factory=list)
    notebook: str = ""  # the autograded notebook (JSON text), for the gradebook steps
    timestamp: object = None
    before: dict | None = None  # free-text answers as last graded, and now (hand-grade review)
    after: dict | None = None


class Worker:
    """One per process: the course's config, nbgrader's exporters with their steps, a gradebook for reading."""

    def __init__(self, course: Path, assignment: str):
        from nbconvert.exporters import NotebookExporter
        from nbgrader.api import Gradebook
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory

        from ..quiz.noise import silence_known_warnings

        silence_known_warnings()
        self.course, self.assignment = Path(course), assignment
        cfg = steps.course_config(self.course)
        self.coursedir = CourseDirectory(config=cfg)
        self.converter = Autograde(coursedir=self.coursedir, config=cfg)
        self.release = json.loads(
            (self.course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
        )
        self.exporters = []
        for phase in (steps.configured(cfg, "sanitize"), steps.autograde_steps(cfg)):
            exporter = NotebookExporter(parent=self.converter, config=self.converter.config)
            exporter._preprocessors = []
            for step in phase:
                if getattr(step, "__name__", "") not in WRITERS:
                    exporter.register_preprocessor(step)
            self.exporters.append(exporter)
        self.gradebook = steps.LentForReading(Gradebook(self.coursedir.db_url, self.coursedir.course_id))

    def grade(self, student: str, fp: str) -> Result:
        """Check and score one submission and write its autograded notebook. Never raises."""
        start = time.monotonic()
        dest = Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, self.assignment))
        try:
            folder = self.course / "submitted" / student / self.assignment
            prep = precheck.prepare((folder / f"{self.assignment}.ipynb").read_bytes(), self.release)
            if prep.status == "malformed":
                return Result(student, "malformed", prep.reason, fp)
            before = handgrades.graded_answers(self.course, self.assignment, student)
            text = self._pipeline(prep.notebook, student)
            self._write(folder, dest, text, student)
            result = Result(
                student,
                "tampered" if prep.status == "tampered" else "graded",
                prep.reason if prep.status == "tampered" else "; ".join(prep.notes),
                fp,
                tamper=prep.tamper,
                notebook=text,
                timestamp=self.coursedir.get_existing_timestamp(str(folder)),
                before=before,
                after=handgrades.free_text_answers(json.loads(text)),
            )
        except Exception as exc:
            shutil.rmtree(dest, ignore_errors=True)  # as nbgrader removes a failed submission's folder
            return Result(student, "error", f"{type(exc).__name__}: {exc}"[:300], fp)
        result.seconds = round(time.monotonic() - start, 3)
        return result

    def _pipeline(self, nb_json: dict, student: str) -> str:
        """nbgrader's sanitize steps, then its autograde steps (no Execute, no gradebook writes).

        As nbgrader's exporter runs them, less its defensive deep copies and its re-validation of the
        notebook ``precheck`` validated; the notebook is written and read back between the phases, as
        nbgrader does through the autograded folder."""
        text = json.dumps(nb_json)
        for exporter in self.exporters:
            nb = notebook_node(text)
            resources = resources_for(self.assignment, student, self.coursedir.db_url)
            with steps.lend(self.gradebook), steps.checked_schemas():
                for step in exporter._preprocessors:
                    nb, resources = step(nb, resources)
            text = notebook_text(nb)
        return text

    def _write(self, folder: Path, dest: Path, text: str, student: str) -> None:
        """The autograded folder as ``nbgrader autograde --force`` leaves it: the submission's other files,
        the source folder's files, the notebook, nbgrader's permissions."""
        from nbgrader.utils import find_all_files

        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", self.assignment))
        ignore = self.coursedir.ignore + ["*.ipynb"]
        for root in (folder, source):
            for name in find_all_files(str(root), ignore):
                target = dest / os.path.relpath(name, root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                shutil.copy(name, target)
        (dest / f"{self.assignment}.ipynb").write_text(text, encoding="utf-8")
        self.converter.set_permissions(self.assignment, student)


def notebook_node(text: str):
    """Notebook JSON text as nbformat reads it (lines joined, transient fields dropped), without validating
    again what ``precheck`` validated."""
    from nbformat.v4 import nbjson

    return nbjson.reads(text)


def notebook_text(nb) -> str:
    """The notebook as nbconvert's NotebookExporter writes it (nbformat 4 JSON), without re-validating it."""
    from nbformat.v4 import nbjson

    text = nbjson.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def resources_for(assignment: str, student: str, db_url: str) -> dict:
    """The resources nbgrader's converter gives each notebook's steps."""
    return {
        "unique_key": assignment,
        "output_files_dir": f"{assignment}_files",
        "nbgrader": {"student": student, "assignment": assignment, "notebook": assignment, "db_url": db_url},
    }


_WORKER: dict = {}


def init_worker(course: str, assignment: str) -> None:
    import multiprocessing
    import signal

    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers on Ctrl-C
    _WORKER["w"] = Worker(Path(course), assignment)


def grade_one(job: tuple[str, str]) -> Result:
    return _WORKER["w"].grade(*job)


class FlushOnCommit:
    """A session whose ``commit`` is a flush, or nothing while ``deferred``: nbgrader's steps commit after
    each cell; the batch commits once."""

    def __init__(self, session):
        self.session = session
        self.deferred = False

    def commit(self):
        if not self.deferred:
            self.session.flush()

    def __getattr__(self, name):
        return getattr(self.session, name)


class GradebookBatch:
    """Writes results to nbgrader's gradebook with nbgrader's own steps, many submissions per transaction."""

    def __init__(self, course: Path, assignment: str):
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        cfg = steps.course_config(Path(course))
        self.assignment = assignment
        self.coursedir = CourseDirectory(config=cfg)
        self.gb = Gradebook(self.coursedir.db_url, self.coursedir.course_id)
        self.session = self.gb.db
        self.gb.db = FlushOnCommit(self.session)
        self.writers = [
            step(config=cfg) for step in steps.autograde_steps(cfg) if getattr(step, "__name__", "") in WRITERS
        ]
        source = self.gb.find_notebook(assignment, assignment)
        self.cell_ids = [c.id for c in source.grade_cells + source.solution_cells + source.task_cells]

    def close(self) -> None:
        self.gb.db = self.session
        self.gb.close()

    def write(self, results: list[Result], attempts: int = 6) -> dict[str, str]:
        """Store ``results`` in one transaction; returns {student: error} for any that could not be stored.

        A transaction that fails ("database is locked" from another writer) is retried; if it still fails,
        each submission is stored on its own, so one bad row never costs the others."""
        from sqlalchemy.exc import OperationalError

        for attempt in range(attempts):
            try:
                for r in results:
                    self._store(r)
                self.session.commit()
                return {}
            except OperationalError as exc:
                self.session.rollback()
                if "locked" not in str(exc):
                    break
                time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
            except Exception:
                self.session.rollback()
                break
        errors = {}
        for r in results:
            try:
                self._store(r)
                self.session.commit()
            except Exception as exc:
                self.session.rollback()
                errors[r.student] = f"the gradebook could not store it ({type(exc).__name__}: {exc})"[:300]
        return errors

    def _store(self, r: Result) -> None:
        """What ``nbgrader autograde`` writes: student, submission (with its timestamp), scores, comments,
        late penalty. Manual grades and comments are left as they are."""
        a, gb = self.assignment, self.gb
        gb.update_or_create_student(r.student)
        if r.timestamp:
            gb.update_or_create_submission(a, r.student, timestamp=r.timestamp)
        else:
            gb.update_or_create_submission(a, r.student)
        nb = notebook_node(r.notebook)
        resources = resources_for(a, r.student, self.coursedir.db_url)
        session = self.session()
        lent = steps.LentForWriting(self.gb, a, a, r.student, self.cell_ids)
        for writer in self.writers:  # each step's rows are written at its end, as one flush
            self.gb.db.deferred = True
            try:
                with session.no_autoflush, steps.lend(lent):
                    nb, resources = writer(nb, resources)
            finally:
                self.gb.db.deferred = False
            session.flush()
            session.expire_all()  # as after nbgrader's commits: totals (the late penalty's base) reload
