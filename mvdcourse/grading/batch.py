"""``mvdcourse grade``: autograde every submission of an assignment and record one outcome for each."""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from ..quiz import course as course_mod
from . import ledger


def submissions(course: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in Path(course, "submitted").glob(f"*/{assignment}") if p.is_dir())


def main(course: Path, args) -> int:
    assignment = args.assignment
    students = args.student or submissions(course, assignment)
    if not students:
        print(f"no submissions for {assignment} in {course / 'submitted'}")
        return 0
    if not (course / "release" / assignment).exists():
        course_mod.generate(course, assignment)
    start = time.monotonic()
    counts: Counter = Counter()
    for i, student in enumerate(students, 1):
        proc = course_mod.nbgrader(course, "autograde", assignment, f"--student={student}", "--force",
                                   check=False)
        autograded = course / "autograded" / student / assignment
        if proc.returncode == 0 and autograded.exists():
            ledger.record(course, assignment, student, "graded")
            counts["graded"] += 1
        else:
            reason = next((line for line in proc.stdout.splitlines() if "ERROR" in line), "nbgrader failed")
            ledger.record(course, assignment, student, "error", reason[-300:])
            counts["error"] += 1
        print(f"[{i}/{len(students)}] {student}: {'graded' if autograded.exists() else 'error'}", flush=True)
    print(f"graded {len(students)} submissions in {time.monotonic() - start:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0 if not counts["error"] else 1
