"""The ``mvdcourse`` command: the instructor steps that need more than plain nbgrader.

    mvdcourse build [ASSIGNMENT ...]          regenerate source notebooks from assignments/items/
    mvdcourse check [ASSIGNMENT ...]          validate sources, generate releases, prove they leak nothing
    mvdcourse demo-class ASSIGNMENT -n N      simulated submissions to try grading
    mvdcourse grade ASSIGNMENT                autograde every submission in assignments/submitted/
    mvdcourse export [--to grades.csv]        grades CSV with a status column (+ per-item CSV)
    mvdcourse export --format canvas          the same grades as a Canvas gradebook-import CSV
    mvdcourse report ASSIGNMENT | --all       item analysis, reliability, mastery by objective (HTML, CSV, JSON)
    mvdcourse bundle [--to FILE.zip]          offline bundle for students (lessons, released quizzes)

Run ``mvdcourse COMMAND --help`` for options. Errors are printed as one sentence, not a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .facts import FactBaseError


def _course(args) -> Path:
    course = Path(args.course).resolve()
    if not (course / "nbgrader_config.py").exists():
        raise SystemExit(f"mvdcourse: {course} is not an nbgrader course directory (no nbgrader_config.py)")
    return course


def cmd_build(args) -> int:
    from .quiz import build
    for path in build.build(args.assignments or None):
        print(f"wrote {path.relative_to(paths.COURSE_ROOT) if path.is_relative_to(paths.COURSE_ROOT) else path}")
    return 0


def cmd_check(args) -> int:
    from nbgrader.validator import Validator

    from .quiz import course as course_mod
    from .quiz import items as itembank
    course = _course(args)
    failed = 0
    for name in args.assignments or itembank.all_assignments():
        bank = itembank.load(course / "items" / f"{name}.yaml")
        source = course / "source" / name / f"{name}.ipynb"
        result = Validator().validate(str(source))
        release_dir = course_mod.generate(course, name)
        inverted = Validator(invert=True).validate(str(release_dir / f"{name}.ipynb"))
        leaks = course_mod.leak_report(release_dir, bank)
        ok = not result and not inverted and not leaks
        failed += not ok
        print(f"{name}: source passes its checks: {'yes' if not result else 'NO ' + str(result)}; "
              f"release fails every check: {'yes' if not inverted else 'NO ' + str(inverted)}; "
              f"release leaks: {'none' if not leaks else '; '.join(leaks)}")
    return 1 if failed else 0


def cmd_demo_class(args) -> int:
    from .quiz import course as course_mod
    from .quiz.demo import demo_class
    course = _course(args)
    if not (course / "release" / args.assignment).exists():
        course_mod.generate(course, args.assignment)
    if args.irt:
        from .quiz.demo_irt import write_class
        ids, design = write_class(course, args.assignment, args.students, seed=args.seed)
        print(f"wrote the simulation's design (item parameters, abilities) to {design}")
    else:
        ids = demo_class(course, args.assignment, args.students, seed=args.seed)
    print(f"wrote {len(ids)} simulated submissions to {course / 'submitted'} ({ids[0]} … {ids[-1]})")
    return 0


def cmd_grade(args) -> int:
    from .grading import batch
    return batch.main(_course(args), args)


def cmd_export(args) -> int:
    from .quiz import course as course_mod
    from .quiz.export import export
    course = _course(args)
    if args.format == "canvas":
        from .report.lms import export_canvas
        out = Path(args.to if args.to != "grades.csv" else "canvas-grades.csv")
        path, counts = export_canvas(course, course_mod.db_url(course), out, args.assignment or None,
                                     Path(args.roster) if args.roster else None)
        print(f"wrote {path}: {counts['scores']} scores; empty cells (no grade, not 0): {counts['missing']} "
              f"missing, {counts['not_graded']} not gradable, {counts['pending_hand_grade']} awaiting hand grading")
        return 0
    grades, items = export(course, course_mod.db_url(course), Path(args.to),
                           None if args.no_items else Path(args.items), args.assignment or None)
    print(f"wrote {grades}" + (f" and {items}" if items else ""))
    return 0


def cmd_report(args) -> int:
    from .quiz.course import db_url
    from .report.analysis import Thresholds, analyse
    from .report.data import load_class
    from .report.render import write_report
    course = _course(args)
    if args.all == bool(args.assignment):
        raise ValueError("name one assignment (mvdcourse report quiz1) or use --all")
    names = [args.assignment] if args.assignment else _graded_assignments(db_url(course))
    if not names:
        raise ValueError("the gradebook has no graded assignment yet: run `mvdcourse grade ASSIGNMENT` first")
    thresholds = Thresholds(mastery=args.mastery, min_students=args.min_students,
                            too_easy=args.too_easy, too_hard=args.too_hard)
    for name in names:
        report = analyse(load_class(course, name), thresholds)
        out = write_report(report, Path(args.out) if args.out else course / "reports")
        s = report.summary
        print(f"{name}: {s['students_scored']} students, flagged items: {', '.join(s['flagged_items']) or 'none'}; "
              f"wrote {out['html']} (and CSV/JSON beside it)")
    return 0


def _graded_assignments(url: str) -> list[str]:
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        return sorted(a.name for a in gb.assignments if a.submissions)


def cmd_bundle(args) -> int:
    from .quiz.bundle import make_bundle
    course = _course(args)
    out = make_bundle(course, Path(args.to))
    print(f"wrote {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mvdcourse", description=__doc__.split("\n\n")[0])
    p.add_argument("--course", default=str(paths.COURSE_ROOT / "assignments"),
                   help="nbgrader course directory (default: assignments/ of this checkout)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("build", help="regenerate source notebooks from the item banks")
    s.add_argument("assignments", nargs="*")
    s.set_defaults(func=cmd_build)
    s = sub.add_parser("check", help="validate sources and releases; scan releases for leaks")
    s.add_argument("assignments", nargs="*")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("demo-class", help="write simulated submissions")
    s.add_argument("assignment")
    s.add_argument("-n", "--students", type=int, default=24)
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--irt", action="store_true",
                   help="students with a latent ability, items with designed difficulty and discrimination "
                        "(2PL) and two planted flaws; the design is written to demo/ASSIGNMENT-design.json")
    s.set_defaults(func=cmd_demo_class)
    s = sub.add_parser("grade", help="autograde all submissions of an assignment")
    s.add_argument("assignment")
    s.add_argument("--student", action="append", help="grade only these students (repeatable)")
    s.add_argument("--workers", type=int, default=0, help="parallel workers (default: number of cores)")
    s.add_argument("--regrade", action="store_true", help="grade again even if the submission is unchanged")
    s.add_argument("--unsandboxed", action="store_true",
                   help="run student code without the sandbox (only if bubblewrap is unavailable)")
    s.add_argument("--cell-timeout", type=int, default=10, help="seconds per cell (default 10)")
    s.add_argument("--notebook-timeout", type=int, default=60, help="seconds per notebook (default 60)")
    s.add_argument("--memory-mb", type=int, default=2048, help="memory per notebook in MB (default 2048)")
    s.set_defaults(func=cmd_grade)
    s = sub.add_parser("export", help="write grades.csv (status column) and items.csv")
    s.add_argument("--to", default="grades.csv")
    s.add_argument("--items", default="items.csv")
    s.add_argument("--no-items", action="store_true")
    s.add_argument("--assignment", action="append")
    s.add_argument("--format", choices=["generic", "canvas"], default="generic",
                   help="generic (default): grades.csv with a status column; canvas: a Canvas gradebook-import "
                        "CSV (default file canvas-grades.csv)")
    s.add_argument("--roster", help="CSV mapping student_id to canvas_id, sis_user_id, sis_login_id, section")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("report", help="item analysis, reliability and mastery by objective for instructors")
    s.add_argument("assignment", nargs="?")
    s.add_argument("--all", action="store_true", help="one report per graded assignment")
    s.add_argument("--out", help="folder for the report files (default: reports/ in the course directory)")
    s.add_argument("--mastery", type=float, default=0.70,
                   help="share of an objective's points below which a student has not mastered it (default 0.70)")
    s.add_argument("--min-students", type=int, default=30,
                   help="fewest scored students for a reliability figure (default 30)")
    s.add_argument("--too-easy", type=float, default=0.90, help="difficulty above this is flagged (default 0.90)")
    s.add_argument("--too-hard", type=float, default=0.30, help="difficulty below this is flagged (default 0.30)")
    s.set_defaults(func=cmd_report)
    s = sub.add_parser("bundle", help="zip lessons and released quizzes for offline students")
    s.add_argument("--to", default="mvd-course-student.zip")
    s.set_defaults(func=cmd_bundle)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (FactBaseError, FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"mvdcourse {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mvdcourse {args.command}: interrupted; finished results are kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
