"""Grading throughput on one simulated class: plain nbgrader, the executed path, the kernel-less path.

Prints wall time, submissions per minute and the ratio to plain sequential nbgrader for each, then the
kernel-less path alone on a larger class; asserts nothing. Targets (issue #18): kernel-less at least 20x
plain sequential nbgrader at 100 submissions on 2 cores, and 1,000 submissions in under a minute.

All runs grade identical copies of the same class (quiz1, N simulated students from ``mvdcourse
demo-class``) and give the same scores. Plain nbgrader runs every notebook with its own Execute step and
no sandbox; ``mvdcourse grade --execute`` runs each in the bubblewrap sandbox; ``mvdcourse grade`` (the
quiz is closed-form) runs none. The machine may be shared: the load average is printed with the figures.

Usage: python benchmarks/bench_grading.py [--students 100] [--large 1000] [--assignment quiz1]
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


def simulated_class(tmp: Path, name: str, assignment: str, n: int) -> Path:
    base = Path(tmp) / name
    base.mkdir()
    for part in ("nbgrader_config.py", "items", "source"):
        s = ROOT / "assignments" / part
        (shutil.copytree if s.is_dir() else shutil.copy)(s, base / part)
    course_mod.generate(base, assignment)
    demo_class(base, assignment, n)
    return base


def timed(label: str, run, course: Path, assignment: str) -> tuple[str, float, int]:
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    graded = run(course)
    seconds = time.monotonic() - t0
    return f"{label} (load {load:.1f})", seconds, graded


def plain(assignment: str):
    def run(course: Path) -> int:
        proc = course_mod.nbgrader(course, "autograde", assignment, "--force", check=False)
        if proc.returncode != 0:
            print(f"note: plain nbgrader exited with {proc.returncode}")
        return len(list((course / "autograded").glob(f"*/{assignment}")))

    return run


def ours(assignment: str, execute: bool):
    def run(course: Path) -> int:
        out = batch.grade(course, assignment, stream=io.StringIO(), execute=execute)
        return sum(o["status"] == "graded" for o in out.values())

    return run


def table(rows, reference: float | None) -> None:
    print(f"{'run':<66}{'wall':>9}{'graded':>8}{'per min':>9}{'vs plain':>10}")
    for name, t, g in rows:
        ratio = f"{reference / t:.1f}x" if reference else "-"
        print(f"{name:<66}{t:>8.1f}s{g:>8}{g / t * 60:>9.0f}{ratio:>10}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--large", type=int, default=1000, help="class size for the kernel-less run alone (0: skip)")
    p.add_argument("--assignment", default="quiz1")
    args = p.parse_args()
    a, n, cores = args.assignment, args.students, os.cpu_count()
    if sandbox.unavailable_reason():
        print(f"sandbox unavailable: {sandbox.unavailable_reason()}")
        sys.exit(2)
    with tempfile.TemporaryDirectory() as tmp:
        base = simulated_class(Path(tmp), "base", a, n)
        print(f"{n} simulated submissions of {a}; {cores} cores; load average before: {os.getloadavg()[0]:.1f}\n")
        runs = [
            ("plain nbgrader autograde (sequential, no sandbox)", plain(a)),
            (f"mvdcourse grade --execute (bubblewrap sandbox, {cores} workers)", ours(a, True)),
            (f"mvdcourse grade, kernel-less ({cores} workers)", ours(a, False)),
        ]
        rows = []
        for i, (label, run) in enumerate(runs):
            course = shutil.copytree(base, Path(tmp) / f"run{i}")
            rows.append(timed(label, run, course, a))
        table(rows, rows[0][1])
        kernelless = rows[2][1]
        print(f"\nkernel-less / plain nbgrader: {rows[0][1] / kernelless:.1f}x (target >= 20x); ", end="")
        print(f"kernel-less / executed path: {rows[1][1] / kernelless:.1f}x")
        if args.large:
            big = simulated_class(Path(tmp), "large", a, args.large)
            name, t, g = timed(f"mvdcourse grade, kernel-less ({cores} workers)", ours(a, False), big, a)
            print(f"\n{args.large} simulated submissions of {a}:")
            table([(name, t, g)], None)
            print(f"{args.large} submissions in {t:.1f} s (target: under 60 s)")


if __name__ == "__main__":
    main()
