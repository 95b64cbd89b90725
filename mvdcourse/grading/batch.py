"""``mvdcourse grade ASSIGNMENT``: grade a whole class; every submission ends with exactly one outcome.

1. **Check** each submission in the grader (no student code runs): malformed files are recorded as
   ``malformed``; tampered course cells are repaired from the released copy and listed.
2. **Run** each repaired notebook in its own bubblewrap sandbox, then **score and store** it with
   nbgrader's own autograde pipeline, replaying the sandbox's outputs instead of executing again
   (closed-form items are scored from answer literals against the key). One worker process per core
   does both; each writes its own submission's rows. SQLite gradebooks are switched to write-ahead
   logging and a write that meets "database is locked" is retried, so no row is lost (tested).
4. **Record** the outcome in the ledger at once (``grading/<assignment>.jsonl``): a run that is
   interrupted keeps every finished result and resumes with the rest; unchanged submissions are not
   graded twice. Manual grades and comments in the gradebook are never touched by re-grading.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..quiz import course as course_mod
from . import ledger, precheck, sandbox

WORK = ".grading"
FINAL = {"graded", "tampered", "timeout", "kernel_died", "malformed"}


class Progress:
    """Done/total, elapsed, estimate, failures: one rewritten line on a terminal, sparse lines otherwise."""

    def __init__(self, total: int, stream=sys.stdout):
        self.total, self.done, self.failures = total, 0, 0
        self.start = time.monotonic()
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._next_report = 0.0

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed > 0 and self.done else 0
        eta = f"{(self.total - self.done) / rate:.0f} s left" if rate else "estimating"
        return (f"graded {self.done}/{self.total}, {elapsed:.0f} s elapsed, {eta}, "
                f"{self.failures} not graded normally")

    def step(self, student: str, outcome: str) -> None:
        self.done += 1
        self.failures += outcome not in ("graded",)
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
            if self.done == self.total:
                self.stream.write("\n")
        elif outcome != "graded":
            self.stream.write(f"{student}: {outcome}\n")
        if not self.tty and (self.done / self.total >= self._next_report or self.done == self.total):
            self.stream.write(self.line() + "\n")
            self._next_report += 0.25
        self.stream.flush()


def load_api(course: Path, runs_dir: Path):
    """nbgrader's API with the course config, grading from the staging folder and replaying runs."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                        LimitOutput, SaveAutoGrades)
    from traitlets.config.loader import PyFileConfigLoader

    from ..quiz.preprocessor import GradeClosedForm
    from .replay import ReplayExecution

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.submitted_directory = f"{WORK}/stage"
    cfg.ReplayExecution.runs_dir = str(runs_dir)
    cfg.Autograde.autograde_preprocessors = [
        ReplayExecution, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        GradeClosedForm, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


_WORKER: dict = {}


def _init_worker(course: str, assignment: str, runs_dir: str, limits: sandbox.Limits, sandboxed: bool) -> None:
    """Per worker process: one nbgrader API (config loaded once), reused for every submission."""
    _WORKER.update(course=Path(course), assignment=assignment, runs_dir=Path(runs_dir), limits=limits,
                   sandboxed=sandboxed, api=load_api(Path(course), Path(runs_dir)))


def _grade_one(job) -> tuple[str, str, str, str, float]:
    """Run one staged submission in its sandbox, then score and store it with nbgrader.

    Returns (student, status, reason, fingerprint, seconds). Never raises: any failure is an outcome.
    """
    student, prep_status, prep_reason, notes, fp = job
    w = _WORKER
    course, assignment = w["course"], w["assignment"]
    start = time.monotonic()
    try:
        stage_nb = course / WORK / "stage" / student / assignment / f"{assignment}.ipynb"
        scratch = course / WORK / "scratch" / student
        shutil.rmtree(scratch, ignore_errors=True)
        result = sandbox.run_notebook(stage_nb, scratch, w["limits"], sandboxed=w["sandboxed"])
        target = w["runs_dir"] / f"{student}.ipynb"
        target.unlink(missing_ok=True)
        if result.executed is not None:
            shutil.move(result.executed, target)
        shutil.rmtree(scratch, ignore_errors=True)
        log = _autograde_with_retry(w["api"], assignment, student)
    except Exception as exc:  # noqa: BLE001 — one submission's failure must not stop the batch
        return student, "error", f"{type(exc).__name__}: {exc}"[:300], fp, time.monotonic() - start
    seconds = round(time.monotonic() - start, 2)
    if not log.get("success"):
        text = (log.get("error") or log.get("log") or "nbgrader failed").strip().splitlines()
        return student, "error", (text[-1] if text else "nbgrader failed")[:300], fp, seconds
    if result.status in ("timeout", "kernel_died", "error"):
        return student, result.status, result.reason + "; answers were graded from the submitted cells", fp, seconds
    if prep_status == "tampered":
        return student, "tampered", prep_reason, fp, seconds
    return student, "graded", notes, fp, seconds


def _autograde_with_retry(api, assignment: str, student: str, attempts: int = 6) -> dict:
    """nbgrader autograde; a transient "database is locked" from a concurrent writer is retried."""
    for attempt in range(attempts):
        log = api.autograde(assignment, student, force=True, create=True)
        text = f"{log.get('error', '')} {log.get('log', '')}"
        if log.get("success") or "database is locked" not in text:
            return log
        time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
    return log


def use_wal(course: Path) -> None:
    """SQLite gradebooks: write-ahead logging, so readers never block the (brief) writers."""
    url = course_mod.db_url(course)
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as db:
            db.execute("PRAGMA journal_mode=WAL")


def submissions(course: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in Path(course, "submitted").glob(f"*/{assignment}") if p.is_dir())


def roster(course: Path) -> list[str]:
    from nbgrader.api import Gradebook
    with Gradebook(course_mod.db_url(course)) as gb:
        return [s.id for s in gb.students]


def _stage(course: Path, assignment: str, student: str, nb: dict) -> None:
    src = course / "submitted" / student / assignment
    dest = course / WORK / "stage" / student / assignment
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    (dest / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def grade(course: Path, assignment: str, students: list[str] | None = None, workers: int = 0,
          regrade: bool = False, sandboxed: bool = True, limits: sandbox.Limits = sandbox.Limits(),
          stream=sys.stdout) -> dict[str, dict]:
    """Grade ``assignment``; returns {student: outcome}. Raises RuntimeError if it cannot start."""
    course = Path(course).resolve()
    release_nb = course / "release" / assignment / f"{assignment}.ipynb"
    if not release_nb.exists():
        course_mod.generate(course, assignment)
    release = json.loads(release_nb.read_text(encoding="utf-8"))
    workers = workers or os.cpu_count() or 1
    explicit = bool(students)
    students = students or submissions(course, assignment)
    previous = ledger.latest(course, assignment)
    runs_dir = course / WORK / "runs" / assignment
    runs_dir.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, dict] = {}
    todo, tamper_rows = [], []

    for student in students:
        folder = course / "submitted" / student / assignment
        nb_path = folder / f"{assignment}.ipynb"
        if not nb_path.exists():
            outcomes[student] = ledger.record(course, assignment, student, "missing",
                                              f"no {assignment}.ipynb in the submission folder")
            continue
        fp = ledger.fingerprint(folder)
        last = previous.get(student)
        if not regrade and not explicit and last and last.get("fingerprint") == fp and last["status"] in FINAL:
            outcomes[student] = {**last, "skipped": True}
            continue
        prep = precheck.prepare(nb_path.read_bytes(), release)
        if prep.status == "malformed":
            outcomes[student] = ledger.record(course, assignment, student, "malformed", prep.reason, fingerprint=fp)
            continue
        tamper_rows += [(student, t) for t in prep.tamper]
        _stage(course, assignment, student, prep.notebook)
        todo.append((student, prep, fp))

    for student in set(roster(course)) - set(submissions(course, assignment)) - set(outcomes):
        if not explicit:
            outcomes[student] = {"student": student, "status": "missing", "reason": "no submission"}

    progress = Progress(len(todo), stream)
    jobs = [(student, prep.status, prep.reason, "; ".join(prep.notes), fp) for student, prep, fp in todo]
    if todo:
        use_wal(course)
    if workers == 1 or len(todo) < 2:
        _init_worker(str(course), assignment, str(runs_dir), limits, sandboxed)
        results = map(_grade_one, jobs)
        pool = None
    else:
        ctx = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(str(course), assignment, str(runs_dir), limits, sandboxed))
        results = (f.result() for f in as_completed([pool.submit(_grade_one, job) for job in jobs]))
    try:
        for student, status, reason, fp, seconds in results:
            outcomes[student] = ledger.record(course, assignment, student, status, reason, fingerprint=fp,
                                              seconds=seconds)
            progress.step(student, status)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    if tamper_rows:
        write_tamper_report(course, assignment, tamper_rows)
    return outcomes


def write_tamper_report(course: Path, assignment: str, rows: list[tuple[str, str]]) -> Path:
    path = Path(course) / "grading" / f"{assignment}-tamper-report.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "finding"])
        w.writerows(rows)
    return path


def summary(outcomes: dict[str, dict]) -> str:
    counts = Counter(o["status"] for o in outcomes.values())
    skipped = sum(1 for o in outcomes.values() if o.get("skipped"))
    lines = [f"{'outcome':<14}{'submissions':>12}"]
    lines += [f"{status:<14}{n:>12}" for status, n in sorted(counts.items())]
    lines.append(f"{'total':<14}{sum(counts.values()):>12}" + (f"   ({skipped} unchanged, not re-graded)" if skipped else ""))
    return "\n".join(lines)


def main(course: Path, args) -> int:
    sandboxed = not args.unsandboxed
    if sandboxed:
        reason = sandbox.unavailable_reason()
        if reason:
            print(f"mvdcourse grade: refusing to run student code without a sandbox: {reason}.\n"
                  "Install bubblewrap, or pass --unsandboxed to accept that student code can read and "
                  "change the course directory (the key, the gradebook, other submissions).", file=sys.stderr)
            return 2
    else:
        print("WARNING: grading WITHOUT a sandbox; student code can read the key and change the gradebook.",
              file=sys.stderr)
    start = time.monotonic()
    limits = sandbox.Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                            memory_mb=args.memory_mb)
    outcomes = grade(course, args.assignment, args.student, args.workers, args.regrade, sandboxed, limits)
    print(summary(outcomes))
    report = Path(course) / "grading" / f"{args.assignment}-tamper-report.csv"
    if report.exists() and any(o["status"] == "tampered" for o in outcomes.values()):
        print(f"tampering found and repaired: see {report}")
    print(f"done in {time.monotonic() - start:.1f} s")
    return 1 if any(o["status"] == "error" for o in outcomes.values()) else 0
