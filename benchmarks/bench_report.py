"""Time and peak memory to build the item-analysis report for large classes (the 14-item final exam).

For each class size a real nbgrader gradebook is filled (through nbgrader's API: the assignment from
`nbgrader generate_assignment`, one submission per student, scores from a 2-parameter logistic model)
together with the per-item outcomes the closed-form grader writes into autograded notebooks. Then a fresh
Python process builds the report exactly as `mvdcourse report` does (read gradebook and outcomes,
analyse, write HTML/CSV/JSON) and prints: import time, build time (read + analyse + write), and the
process's peak memory. Target (issue #15): under 5 s and 300 MB at 5,000 students. Asserts nothing.

Usage: python benchmarks/bench_report.py [--sizes 200 1000 5000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mvdcourse.quiz.course import copy_course  # noqa: E402

ASSIGNMENT = "final_exam"
# nbgrader 0.9 with SQLAlchemy 2: harmless autoflush warnings on every add_submission
warnings.filterwarnings("ignore", message="Object of type <Submitted")

CHILD = r"""
import sys, time
t0 = time.perf_counter()
from mvdcourse.report.analysis import analyse
from mvdcourse.report.data import load_class
from mvdcourse.report.render import write_report
t1 = time.perf_counter()
c1 = time.process_time()
report = analyse(load_class(sys.argv[1], sys.argv[2]))
t2 = time.perf_counter()
write_report(report, sys.argv[3])
t3 = time.perf_counter()
cpu = time.process_time() - c1
# VmHWM: this process image's peak resident memory (ru_maxrss would include the parent's at fork time)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.2f} {peak:.0f} {report.summary['students_scored']} {cpu:.2f}")
"""


def fill_course(course: Path, students: int, seed: int = 1) -> None:
    """A course with ``students`` graded submissions of the final exam, written with nbgrader's ORM models
    (the structure ``Gradebook.add_submission`` builds, in one transaction so that 5,000 take seconds)."""
    from nbgrader.api import Comment, Grade, Gradebook, Student, SubmittedAssignment, SubmittedNotebook

    from mvdcourse.quiz import course as course_mod
    from mvdcourse.quiz import items as itembank
    from mvdcourse.quiz.demo_irt import design

    bank = itembank.load(course / "items" / f"{ASSIGNMENT}.yaml")
    course_mod.generate(course, ASSIGNMENT)
    designs = {d.item: d for d in design(bank, seed)}
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=students)
    ids = [f"s{n:05d}" for n in range(students)]
    index = {sid: i for i, sid in enumerate(ids)}
    right = {it.id: rng.random(students) < designs[it.id].p_correct(theta) for it in bank.closed_items}
    with Gradebook(course_mod.db_url(course)) as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        notebook = assignment.notebooks[0]
        for i, sid in enumerate(ids):
            sub = SubmittedAssignment(
                assignment=assignment, student=Student(id=sid, first_name="Student", last_name=sid)
            )
            nb = SubmittedNotebook(notebook=notebook, assignment=sub)
            for cell in notebook.grade_cells:
                item = bank.item(cell.name.split("_")[0])
                Grade(
                    cell_id=cell.id,
                    notebook=nb,
                    needs_manual_grade=False,
                    auto_score=float(item.points) if right[item.id][i] else 0.0,
                )
            for cell in notebook.solution_cells:
                Comment(cell_id=cell.id, notebook=nb)
            for cell in notebook.task_cells:
                Comment(cell_id=cell.id, notebook=nb)
                Grade(
                    cell_id=cell.id,
                    notebook=nb,
                    needs_manual_grade=False,
                    manual_score=float(np.clip(round(1.5 + theta[i]), 0, 3)),
                )
            gb.db.add(sub)
        gb.db.commit()
    # Autograded notebooks of realistic size: the released notebook, each check cell carrying the grader's
    # record and a feedback output (a real graded quiz1 notebook is about 39 KB).
    release = json.loads((course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    feedback = "<div class='mvd-feedback'>" + "explanation of an option, as students see it. " * 30 + "</div>"
    for sid in ids:
        nb = json.loads(json.dumps(release))
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
            if not grade_id.endswith("_check"):
                continue
            it = bank.item(grade_id.removesuffix("_check"))
            ok = right[it.id][index[sid]]
            answer = ""
            if it.type in ("single", "multiple"):
                answer = it.answer if ok else next(k for k in it.options if k not in it.answer)
                answer = ", ".join(answer) if isinstance(answer, list) else answer
            cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {"text/html": feedback}}]
            cell["metadata"]["mvdcourse"] = {
                "type": it.type,
                "answer": answer,
                "key": "",
                "earned": 0,
                "max": it.points,
                "status": "correct" if ok else "wrong",
            }
        folder = course / "autograded" / sid / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb, indent=1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    args = p.parse_args()
    print(
        f"{'students':>8} {'fill s':>7} {'import s':>8} {'read+analyse s':>14} {'write s':>7} "
        f"{'build s':>7} {'build CPU s':>11} {'peak MB':>7}"
    )
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            course = copy_course(Path(tmp) / "course")
            t = time.perf_counter()
            fill_course(course, n)
            fill = time.perf_counter() - t
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(course), ASSIGNMENT, str(course / "reports")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            imp, analyse_s, write_s, peak, scored, cpu = (
                float(out[0]),
                float(out[1]),
                float(out[2]),
                out[3],
                int(out[4]),
                float(out[5]),
            )
            assert scored == n, (scored, n)
            print(
                f"{n:>8} {fill:>7.1f} {imp:>8.2f} {analyse_s:>14.2f} {write_s:>7.2f} "
                f"{analyse_s + write_s:>7.2f} {cpu:>11.2f} {peak:>7}",
                flush=True,
            )
    print(
        "build = read the gradebook and outcomes + analyse + write HTML/CSV/JSON (import time excluded: "
        "nbgrader's own import dominates it); build CPU = processor time of the build (less sensitive than wall "
        "time to other jobs on the machine); peak = the report process's maximum resident memory (VmHWM)."
    )


if __name__ == "__main__":
    main()
