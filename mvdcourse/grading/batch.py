"""``mvdcourse grade ASSIGNMENT``: grade a whole class; every submission ends with exactly one outcome.

1. **Choose the path** (``steps.kernel_reason``): a quiz whose graded cells are all closed-form or graded
   by hand is graded **without a kernel** (``kernelless``): no student code runs anywhere. Any other quiz,
   or ``--execute``, takes the **executed** path below. Both give the same scores and outcomes
   (``tests/test_grading_kernelless.py``), except the runtime statuses only a run can have.
2. **Check** each submission in the grader (no student code runs): malformed files are recorded as
   ``malformed``; tampered course cells are repaired from the released copy and listed.
3. Executed path: **run** each repaired notebook in its own bubblewrap sandbox, then **score and store** it
   with nbgrader's own autograde pipeline, replaying the sandbox's outputs instead of executing again
   (closed-form items are scored from answer literals against the key). One worker process per core
   does both; each writes its own submission's rows. Kernel-less path: one worker per core checks and
   scores; this process stores the scores, many submissions per transaction. SQLite gradebooks are
   switched to write-ahead logging and a write that meets "database is locked" is retried, so no row is
   lost (tested).
4. **Flag** hand grades whose free-text answer changed since they were given (``handgrades``).
5. **Record** the outcome in the ledger as soon as it is stored (``grading/<assignment>.jsonl``): a run
   that is interrupted keeps every finished result and resumes with the rest; unchanged submissions
   graded against an unchanged key are not graded twice; ``--regrade`` resumes the same way. Manual
   grades and comments in the gradebook are never overwritten by re-grading.
"""

from __future__ import annotations

import contextlib
import csv
import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..quiz import course as course_mod
from ..quiz.noise import silence_known_warnings
from . import handgrades, kernelless, ledger, precheck, sandbox, steps

WORK = ".grading"
FINAL = {"graded", "tampered", "timeout", "kernel_died", "malformed"}


class Progress:
    """Done/total, elapsed, estimate, failures: one rewritten line on a terminal, sparse lines otherwise."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failures = total, 0, 0
        self.start = time.monotonic()
        self.stream = stream = stream or sys.stdout
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._next_report = 0.0

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed > 0 and self.done else 0
        eta = f"{(self.total - self.done) / rate:.0f} s left" if rate else "estimating"
        return f"graded {self.done}/{self.total}, {elapsed:.0f} s elapsed, {eta}, {self.failures} not graded normally"

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
    from .replay import ReplayExecution

    silence_known_warnings()
    cfg = steps.course_config(course)
    cfg.CourseDirectory.submitted_directory = f"{WORK}/stage"
    cfg.ReplayExecution.runs_dir = str(runs_dir)
    cfg.Autograde.autograde_preprocessors = steps.autograde_steps(cfg, ReplayExecution)
    return course_mod.nbgrader_api(course, cfg)


_WORKER: dict = {}


def _init_worker(course: str, assignment: str, runs_dir: str, limits: sandbox.Limits, sandboxed: bool) -> None:
    """Per worker process: one nbgrader API (config loaded once), reused for every submission.

    Workers ignore Ctrl-C: the parent stops them, so an interrupt prints one line, not a traceback each."""
    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(
        course=Path(course),
        assignment=assignment,
        runs_dir=Path(runs_dir),
        limits=limits,
        sandboxed=sandboxed,
        api=load_api(Path(course), Path(runs_dir)),
    )


def _grade_one(job) -> tuple[str, str, str, str, float]:
    """Run one staged submission in its sandbox, then score and store it with nbgrader.

    Returns (student, status, reason, fingerprint, seconds, stale items). Never raises: any failure is
    an outcome.
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
        before = handgrades.graded_answers(course, assignment, student)
        log = _autograde_with_retry(w["api"], assignment, student)
        stale = []
        if log.get("success"):
            after = handgrades.graded_answers(course, assignment, student) or {}
            stale = handgrades.flag_changed(w["api"].coursedir.db_url, assignment, student, before, after)
    except Exception as exc:
        return student, "error", f"{type(exc).__name__}: {exc}"[:300], fp, time.monotonic() - start, []
    seconds = round(time.monotonic() - start, 2)
    if not log.get("success"):
        text = (log.get("error") or log.get("log") or "nbgrader failed").strip().splitlines()
        return student, "error", (text[-1] if text else "nbgrader failed")[:300], fp, seconds, []
    if result.status in ("timeout", "kernel_died", "error"):
        return (
            student,
            result.status,
            result.reason + "; answers were graded from the submitted cells",
            fp,
            seconds,
            stale,
        )
    if prep_status == "tampered":
        return student, "tampered", prep_reason, fp, seconds, stale
    return student, "graded", notes, fp, seconds, stale


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


def _missing_reason(folder: Path, assignment: str) -> str:
    """Why a submission folder has no notebook to grade, naming what it holds instead."""
    found = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "timestamp.txt")
    if not found:
        return f"no {assignment}.ipynb in the submission folder (it is empty)"
    shown = ", ".join(f"'{n}'" for n in found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    notebooks = [n for n in found if n.endswith(".ipynb")]
    hint = (
        f"; if {notebooks[0]!r} is the quiz, rename it to {assignment}.ipynb and grade again"
        if len(notebooks) == 1
        else ""
    )
    return f"no {assignment}.ipynb in the submission folder; it holds {shown}{hint}"


def released(course: Path, assignment: str) -> Path:
    """The released notebook (generated first if needed): what students received, and what grading compares with."""
    path = Path(course) / "release" / assignment / f"{assignment}.ipynb"
    if not path.exists():
        course_mod.generate(course, assignment)
    return path


class NoSubmissions(course_mod.CourseError):
    """Nothing to grade: the message says where we looked and what to check."""


def grade(
    course: Path,
    assignment: str,
    students: list[str] | None = None,
    workers: int = 0,
    regrade: bool = False,
    sandboxed: bool = True,
    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
    stream=None,
    execute: bool | None = None,
) -> dict[str, dict]:
    """Grade ``assignment``; returns {student: outcome}. Raises RuntimeError if it cannot start.

    ``execute``: True runs every notebook (sandboxed unless ``sandboxed`` is False); False grades without
    a kernel (only allowed when ``steps.kernel_reason`` finds nothing that needs one); None chooses."""
    stream = stream or sys.stdout
    course = Path(course).resolve()
    release = json.loads(released(course, assignment).read_text(encoding="utf-8"))
    needs_kernel = steps.kernel_reason(course, assignment)
    if execute is False and needs_kernel:
        raise course_mod.CourseError(f"{assignment} cannot be graded without a kernel: {needs_kernel}")
    execute = bool(needs_kernel) if execute is None else execute
    workers = workers or os.cpu_count() or 1
    explicit = bool(students)
    submitted = submissions(course, assignment)
    if not submitted and not explicit:
        raise NoSubmissions(
            f"no submissions of {assignment} in {course / 'submitted'} (expected "
            f"submitted/<student>/{assignment}/{assignment}.ipynb). Collect them first (`nbgrader collect "
            f"{assignment}` or `nbgrader zip_collect {assignment}`), or check that this is the right course "
            "directory."
        )
    students = students or submitted
    previous = ledger.latest(course, assignment)
    key_fp = ledger.key_fingerprint(course, assignment)
    regrade_since = None
    if regrade and not explicit:
        regrade_since = ledger.regrade_started(course, assignment)
        if regrade_since:
            started = time.strftime("%Y-%m-%d %H:%M", time.localtime(regrade_since))
            stream.write(f"continuing the regrade started {started} (submissions it already regraded are kept)\n")
        else:
            regrade_since = ledger.start_regrade(course, assignment)
    elif not explicit:
        regrade_since = ledger.regrade_started(course, assignment)
        if regrade_since:
            stream.write("continuing an interrupted regrade\n")
    outcomes: dict[str, dict] = {}
    todo, key_changed = [], 0

    for student in students:
        folder = course / "submitted" / student / assignment
        nb_path = folder / f"{assignment}.ipynb"
        if not nb_path.exists():
            reason = _missing_reason(folder, assignment) if folder.is_dir() else "no submission folder"
            outcomes[student] = ledger.record(course, assignment, student, "missing", reason)
            continue
        fp = ledger.fingerprint(folder)
        last = previous.get(student)
        same = last and last.get("fingerprint") == fp and last["status"] in FINAL
        fresh = not regrade_since or (last and last.get("time", 0) >= regrade_since)
        if not explicit and same and last.get("key") == key_fp and fresh:
            outcomes[student] = {**last, "skipped": True}
            continue
        key_changed += bool(same and last.get("key") != key_fp)
        todo.append((student, fp))

    for student in set(roster(course)) - set(submitted) - set(outcomes):
        if not explicit:
            outcomes[student] = {"student": student, "status": "missing", "reason": "no submission"}

    if key_changed:
        stream.write(
            f"{key_changed} unchanged submission(s) are graded again: the item bank or the released "
            "notebook changed since they were graded\n"
        )
    tamper_rows: list[tuple[str, str]] = []
    if todo:
        use_wal(course)
        run = _run_executed if execute else _run_kernelless
        run(course, assignment, todo, release, workers, sandboxed, limits, key_fp, outcomes, tamper_rows, stream)

    if regrade_since and not explicit:
        ledger.regrade_marker(course, assignment).unlink(missing_ok=True)  # every submission is done
    if tamper_rows:
        write_tamper_report(course, assignment, sorted(tamper_rows, key=lambda row: row[0]))
    return outcomes


def _run_executed(course, assignment, todo, release, workers, sandboxed, limits, key_fp, outcomes, tamper_rows, stream):
    """Check each submission here, then run, score and store each in a worker (one per core)."""
    runs_dir = course / WORK / "runs" / assignment
    runs_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for student, fp in todo:
        prep = precheck.prepare(
            (course / "submitted" / student / assignment / f"{assignment}.ipynb").read_bytes(), release
        )
        if prep.status == "malformed":
            outcomes[student] = ledger.record(
                course, assignment, student, "malformed", prep.reason, fingerprint=fp, key=key_fp
            )
            continue
        tamper_rows += [(student, t) for t in prep.tamper]
        _stage(course, assignment, student, prep.notebook)
        jobs.append((student, prep.status, prep.reason, "; ".join(prep.notes), fp))
    progress = Progress(len(jobs), stream)
    initargs = (str(course), assignment, str(runs_dir), limits, sandboxed)
    with _workers(workers, len(jobs), _init_worker, initargs) as pool:
        if pool is None:
            results = map(_grade_one, jobs)
        else:
            results = (f.result() for f in as_completed([pool.submit(_grade_one, job) for job in jobs]))
        for student, status, reason, fp, seconds, stale in results:
            extra = {"stale_hand_grades": stale} if stale else {}
            outcomes[student] = ledger.record(
                course, assignment, student, status, reason, fingerprint=fp, key=key_fp, seconds=seconds, **extra
            )
            progress.step(student, status)


def _run_kernelless(
    course, assignment, todo, release, workers, sandboxed, limits, key_fp, outcomes, tamper_rows, stream
):
    """Check and score each submission in a worker (one per core, no kernel, no sandboxed run); store the
    scores here, many per gradebook transaction; record each outcome once its transaction is committed."""
    progress = Progress(len(todo), stream)
    writer = kernelless.GradebookBatch(course, assignment)
    pending: list = []
    last_write = time.monotonic()

    def flush():
        errors = writer.write([r for r in pending if r.notebook])
        for r in pending:
            status, reason = ("error", errors[r.student]) if r.student in errors else (r.status, r.reason)
            extra = {}
            tamper_rows.extend((r.student, t) for t in r.tamper)
            if status in ("graded", "tampered"):
                stale = handgrades.flag_changed(writer.coursedir.db_url, assignment, r.student, r.before, r.after)
                extra = {"stale_hand_grades": stale} if stale else {}
            outcomes[r.student] = ledger.record(
                course,
                assignment,
                r.student,
                status,
                reason,
                fingerprint=r.fingerprint,
                key=key_fp,
                seconds=r.seconds,
                **extra,
            )
            progress.step(r.student, status)
        pending.clear()

    try:
        with _workers(workers, len(todo), kernelless.init_worker, (str(course), assignment)) as pool:
            if pool is None:
                results = map(kernelless.grade_one, todo)
            else:
                chunk = max(1, min(16, len(todo) // (4 * workers)))
                results = pool.map(kernelless.grade_one, todo, chunksize=chunk)
            for result in results:
                pending.append(result)
                if len(pending) >= kernelless.BATCH or time.monotonic() - last_write > kernelless.BATCH_SECONDS:
                    flush()
                    last_write = time.monotonic()
            flush()
    finally:
        writer.close()


@contextlib.contextmanager
def _workers(count: int, jobs: int, initializer, initargs: tuple):
    """The worker pool of one run, or None when one worker or one job suffices (the caller works in this
    process); shut down when the run ends, stopped at once on Ctrl-C (see :func:`_stop`)."""
    if count == 1 or jobs < 2:
        initializer(*initargs)
        yield None
        return
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )
    interrupted = False
    try:
        yield pool
    except KeyboardInterrupt:
        interrupted = True
        _stop(pool)
        raise
    finally:
        if not interrupted:
            pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool) -> None:
    """Ctrl-C: cancel queued submissions and stop the workers now (their sandboxes die with them)."""
    if pool is None:
        return
    # The executor's queue feeder thread may complain about the pipe closing under it ("Bad file
    # descriptor"): nothing is lost, so its complaint is not shown (the command's own message goes to
    # sys.__stderr__).
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 — for the rest of this (ending) process
    processes = list((pool._processes or {}).values())  # no public handle on the workers
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=10)


def write_tamper_report(course: Path, assignment: str, rows: list[tuple[str, str]]) -> Path:
    path = Path(course) / "grading" / f"{assignment}-tamper-report.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", "finding"])
        w.writerows(rows)
    return path


def summary(outcomes: dict[str, dict], pending: dict[str, list[str]] | None = None, limit: int = 20) -> str:
    """Outcome counts, then every student not graded normally with the reason, then hand grading left."""
    counts = Counter(o["status"] for o in outcomes.values())
    skipped = sum(1 for o in outcomes.values() if o.get("skipped"))
    lines = [f"{'outcome':<14}{'submissions':>12}"]
    lines += [f"{status:<14}{n:>12}" for status, n in sorted(counts.items())]
    lines.append(
        f"{'total':<14}{sum(counts.values()):>12}" + (f"   ({skipped} unchanged, not re-graded)" if skipped else "")
    )
    odd = sorted((s, o) for s, o in outcomes.items() if o["status"] != "graded")
    if odd:
        lines.append(f"not graded normally ({len(odd)}):")
        lines += [f"  {s:<14}{o['status']:<12}{o.get('reason', '')}" for s, o in odd[:limit]]
        if len(odd) > limit:
            lines.append(
                f"  … and {len(odd) - limit} more (every outcome: grading/<assignment>.jsonl, or `mvdcourse export`)"
            )
    stale = sorted(s for s, o in outcomes.items() if o.get("stale_hand_grades") and not o.get("skipped"))
    if stale:
        lines.append(
            "hand grades flagged for review because the answer changed: "
            + ", ".join(f"{s} ({' '.join(outcomes[s]['stale_hand_grades'])})" for s in stale)
        )
    if pending is not None:
        answers = sum(len(v) for v in pending.values())
        lines.append(
            f"awaiting hand grading: {answers} answer(s) in {len(pending)} submission(s)"
            + (" — grade them in formgrader (`mvdcourse lab`) before `mvdcourse feedback`" if pending else "")
        )
    return "\n".join(lines)


def main(course: Path, args) -> int:
    released(course, args.assignment)
    needs_kernel = steps.kernel_reason(course, args.assignment)
    execute = bool(args.execute or needs_kernel)
    sandboxed = not args.unsandboxed
    if not execute:
        print(
            f"grading {args.assignment} without a kernel: every graded answer is a plain value or is graded "
            "by hand, so no student code runs (--execute runs every notebook in the sandbox instead)"
        )
    elif sandboxed:
        reason = sandbox.unavailable_reason()
        if reason:
            print(
                f"mvdcourse grade: refusing to run student code without a sandbox: {reason}.\n"
                "Install bubblewrap, or pass --unsandboxed to accept that student code can read and "
                "change the course directory (the key, the gradebook, other submissions).",
                file=sys.stderr,
            )
            return 2
    else:
        print(
            "WARNING: grading WITHOUT a sandbox; student code can read the key and change the gradebook.",
            file=sys.stderr,
        )
    if execute and needs_kernel:
        print(f"running every notebook of {args.assignment} in the sandbox: {needs_kernel}")
    from ..quiz.feedback import pending_hand_grading

    start = time.monotonic()
    limits = sandbox.Limits(
        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb
    )
    outcomes = grade(
        course, args.assignment, args.student, args.workers, args.regrade, sandboxed, limits, execute=execute
    )
    pending = pending_hand_grading(course_mod.db_url(course), args.assignment)
    print(summary(outcomes, {s: v for s, v in pending.items() if s in outcomes}))
    report = Path(course) / "grading" / f"{args.assignment}-tamper-report.csv"
    if report.exists() and any(o["status"] == "tampered" for o in outcomes.values()):
        print(f"tampering found and repaired: see {report}")
    print(f"done in {time.monotonic() - start:.1f} s")
    return 1 if any(o["status"] == "error" for o in outcomes.values()) else 0
