"""The ``mvdcourse`` command: the instructor steps that need more than plain nbgrader.

    mvdcourse build [ASSIGNMENT ...]          regenerate source notebooks from assignments/items/
    mvdcourse check [ASSIGNMENT ...]          validate sources, generate releases, prove they leak nothing
    mvdcourse demo-class ASSIGNMENT -n N      simulated submissions to try grading
    mvdcourse grade ASSIGNMENT                autograde every submission in assignments/submitted/
    mvdcourse export [--to grades.csv]        grades CSV with a status column (+ per-item CSV)
    mvdcourse bundle [--to FILE.zip]          offline bundle for students (lessons, released quizzes)
    mvdcourse bibliography                    rewrite lessons/bibliography.md from assets/references.yaml

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
    grades, items = export(course, course_mod.db_url(course), Path(args.to),
                           None if args.no_items else Path(args.items), args.assignment or None)
    print(f"wrote {grades}" + (f" and {items}" if items else ""))
    return 0


def cmd_bibliography(args) -> int:
    from . import references
    print(f"wrote {references.write_bibliography().relative_to(paths.COURSE_ROOT)}")
    return 0


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
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("bundle", help="zip lessons and released quizzes for offline students")
    s.add_argument("--to", default="mvd-course-student.zip")
    s.set_defaults(func=cmd_bundle)
    s = sub.add_parser("bibliography", help="rewrite lessons/bibliography.md from assets/references.yaml")
    s.set_defaults(func=cmd_bibliography)
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
