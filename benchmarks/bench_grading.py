"""Grading throughput: plain sequential `nbgrader autograde` versus `mvdcourse grade`, on one simulated class.

Prints wall times, the ratio and submissions per minute; asserts nothing. Target (issue #6):
`mvdcourse grade`, with isolation on, at least 1.5x the throughput of plain sequential nbgrader on 2 cores.

Both runs grade identical copies of the same class (quiz1, N simulated students from `mvdcourse demo-class`)
with the same scoring; plain nbgrader runs the notebooks with its own Execute step and no sandbox.

Usage: python benchmarks/bench_grading.py [--students 100] [--assignment quiz1]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mvdcourse.grading import batch, sandbox  # noqa: E402
from mvdcourse.quiz import course as course_mod  # noqa: E402
from mvdcourse.quiz.demo import demo_class  # noqa: E402


def copy_course(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--assignment", default="quiz1")
    p.add_argument("--single-worker", action="store_true", help="also time mvdcourse grade with one worker")
    args = p.parse_args()
    a, n = args.assignment, args.students
    if sandbox.unavailable_reason():
        print(f"sandbox unavailable: {sandbox.unavailable_reason()}")
        sys.exit(2)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        for part in ("nbgrader_config.py", "items", "source"):
            s = ROOT / "assignments" / part
            (shutil.copytree if s.is_dir() else shutil.copy)(s, base / part)
        course_mod.generate(base, a)
        demo_class(base, a, n)
        print(f"{n} simulated submissions of {a}; {os.cpu_count()} cores\n")

        plain = copy_course(base, Path(tmp) / "plain")
        t0 = time.monotonic()
        proc = course_mod.nbgrader(plain, "autograde", a, "--force", check=False)
        t_plain = time.monotonic() - t0
        graded_plain = len(list((plain / "autograded").glob(f"*/{a}")))

        ours = copy_course(base, Path(tmp) / "ours")
        t0 = time.monotonic()
        out = batch.grade(ours, a, stream=io.StringIO())
        t_ours = time.monotonic() - t0
        graded_ours = sum(o["status"] == "graded" for o in out.values())

        rows = [
            ("plain nbgrader autograde (sequential, no sandbox)", t_plain, graded_plain),
            (f"mvdcourse grade (bubblewrap sandbox, {os.cpu_count()} workers)", t_ours, graded_ours),
        ]
        if args.single_worker:
            one = copy_course(base, Path(tmp) / "one")
            t0 = time.monotonic()
            out1 = batch.grade(one, a, workers=1, stream=io.StringIO())
            rows.append(
                (
                    "mvdcourse grade (bubblewrap sandbox, 1 worker)",
                    time.monotonic() - t0,
                    sum(o["status"] == "graded" for o in out1.values()),
                )
            )
        print(f"{'run':<58}{'wall':>9}{'graded':>8}{'per min':>9}")
        for name, t, g in rows:
            print(f"{name:<58}{t:>8.1f}s{g:>8}{g / t * 60:>9.1f}")
        print(f"\nthroughput ratio mvdcourse / plain nbgrader: {t_plain / t_ours:.2f}x   (target >= 1.5x)")
        if proc.returncode != 0:
            print(f"note: plain nbgrader exited with {proc.returncode}")


if __name__ == "__main__":
    main()
