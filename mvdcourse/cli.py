"""The ``mvdcourse`` command: the instructor steps that need more than plain nbgrader.

    mvdcourse build [ASSIGNMENT ...]          regenerate source notebooks from items/
    mvdcourse check [ASSIGNMENT ...]          validate sources, generate releases, prove nothing leaks
    mvdcourse demo-class ASSIGNMENT -n N      simulated submissions to try grading
    mvdcourse grade ASSIGNMENT                autograde every submission in submitted/
    mvdcourse feedback ASSIGNMENT             feedback for students, checked for leaks
    mvdcourse export [--to grades.csv]        grades CSV with a status column (+ per-item CSV)
    mvdcourse export --format canvas          the same grades as a Canvas gradebook-import CSV
    mvdcourse report ASSIGNMENT | --all       item analysis, reliability, mastery by objective (HTML, CSV, JSON)
    mvdcourse bundle [--to FILE.zip]          offline bundle for students (lessons, released quizzes)
    mvdcourse lab                             JupyterLab for the instructor, formgrader included
    mvdcourse bibliography                    rewrite lessons/bibliography.md from assets/references.yaml
    mvdcourse lint-items [--summary]          item-writing rules over every self-check and quiz bank

Every command acts on one course directory and prints it first: ``--course FOLDER`` (before or after
the command) when given, else the current folder when it holds ``nbgrader_config.py`` (as nbgrader's
own commands do), else ``$MVDCOURSE_COURSE``, else this checkout's ``assignments/``.
Run ``mvdcourse COMMAND --help`` for options. Errors are printed as one sentence, not a traceback.

To add a command: write ``cmd_<name>(args, course)`` and an ``_add_<name>(sub, common)`` that registers
it, and list the latter in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .facts import FactBaseError

Formatter = argparse.ArgumentDefaultsHelpFormatter


class UsageError(Exception):
    """A problem the user can fix; the message is the whole story (exit code 2)."""


# ---------------------------------------------------------------------------------------------- commands


def cmd_build(args, course: Path) -> int:
    from .quiz import build

    for path in build.build(args.assignments or None, course):
        print(f"wrote {path.relative_to(course)}")
    return 0


def cmd_check(args, course: Path) -> int:
    from .quiz import audit

    return audit.check(course, args.assignments or None)


def cmd_demo_class(args, course: Path) -> int:
    from .quiz import course as course_mod
    from .quiz.demo import demo_class

    _known_assignment(course, args.assignment)
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


def cmd_grade(args, course: Path) -> int:
    from .grading import batch

    _known_assignment(course, args.assignment)
    return batch.main(course, args)


def cmd_feedback(args, course: Path) -> int:
    from .quiz import feedback

    _known_assignment(course, args.assignment)
    return feedback.main(course, args.assignment, partial=args.partial)


def cmd_export(args, course: Path) -> int:
    from .quiz import course as course_mod
    from .quiz.export import export

    if args.format == "canvas":
        from .report.lms import export_canvas

        out = Path(args.to if args.to != "grades.csv" else "canvas-grades.csv")
        path, counts = export_canvas(
            course, course_mod.db_url(course), out, args.assignment or None, Path(args.roster) if args.roster else None
        )
        print(
            f"wrote {path.resolve()}: {counts['scores']} scores; empty cells (no grade, not 0): "
            f"{counts['missing']} missing, {counts['not_graded']} not gradable, "
            f"{counts['pending_hand_grade']} awaiting hand grading"
        )
        return 0
    grades, items = export(
        course,
        course_mod.db_url(course),
        Path(args.to),
        None if args.no_items else Path(args.items),
        args.assignment or None,
    )
    print(f"wrote {grades.resolve()}" + (f" and {items.resolve()}" if items else ""))
    return 0


def cmd_report(args, course: Path) -> int:
    from .quiz.course import db_url
    from .report.analysis import Thresholds, analyse
    from .report.data import load_class
    from .report.render import write_report

    if args.all == bool(args.assignment):
        raise UsageError("name one assignment (mvdcourse report quiz1) or use --all")
    names = [args.assignment] if args.assignment else _graded_assignments(db_url(course))
    if not names:
        raise UsageError("the gradebook has no graded assignment yet: run `mvdcourse grade ASSIGNMENT` first")
    thresholds = Thresholds(
        mastery=args.mastery, min_students=args.min_students, too_easy=args.too_easy, too_hard=args.too_hard
    )
    for name in names:
        results = load_class(course, name)
        if not results.students:
            raise UsageError(
                f"{name} has no scored submission in the gradebook yet: run `mvdcourse grade {name}` "
                "first (students without a score are never counted as 0)"
            )
        report = analyse(results, thresholds)
        out = write_report(report, Path(args.out) if args.out else course / "reports")
        s = report.summary
        print(
            f"{name}: {s['students_scored']} students, flagged items: {', '.join(s['flagged_items']) or 'none'}; "
            f"wrote {out['html'].resolve()} (and CSV/JSON beside it)"
        )
    return 0


def _graded_assignments(url: str) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        return sorted(a.name for a in gb.assignments if a.submissions)


def cmd_bundle(args, course: Path) -> int:
    from .quiz.bundle import make_bundle

    out = make_bundle(course, Path(args.to))
    print(f"wrote {out}")
    return 0


def cmd_lab(args, course: Path) -> int:
    from .quiz import lab

    extra = [a for a in args.jupyter_args if a != "--"]
    return lab.run(course, port=args.port, ip=args.ip, open_browser=args.browser, token=args.token, extra=extra)


def _known_assignment(course: Path, name: str) -> None:
    from .quiz import course as course_mod

    known = course_mod.assignments(course)
    if name not in known and not (course / "source" / name).is_dir():
        raise UsageError(
            f"{course} has no assignment '{name}' (no items/{name}.yaml or source/{name}/); "
            f"its assignments are: {', '.join(known) or 'none'}"
        )


def cmd_bibliography(args, course: Path) -> int:
    from . import paths, references

    print(f"wrote {references.write_bibliography().relative_to(paths.COURSE_ROOT)}")
    return 0


def cmd_lint_items(args, course: Path) -> int:
    from . import item_lint

    if args.summary:
        print(item_lint.summary_table(item_lint.summary()))
        return 0
    problems = item_lint.lint_all()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} item-writing problem(s) in {len(item_lint.all_banks())} banks")
    return 1 if problems else 0


# ---------------------------------------------------------------------------------------------- parser


#: How a subcommand names the assignments it works on (``_command``'s ``assignment``).
ASSIGNMENT_ARGS = {
    "one": ("assignment", {}),
    "optional": ("assignment", {"nargs": "?"}),
    "any": ("assignments", {"nargs": "*", "help": "quizzes to {name} (default: all)"}),
}


def _command(sub, common, name: str, func, help: str, description: str | None = None, assignment: str | None = None):
    """Register one subcommand: it accepts --course too, and its --help shows every default.

    ``assignment``: "one" (a required ASSIGNMENT), "optional" or "any" (zero or more; default all).
    """
    s = sub.add_parser(
        name,
        parents=[common],
        formatter_class=Formatter,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
    )
    s.set_defaults(func=func)
    if assignment:
        dest, extra = ASSIGNMENT_ARGS[assignment]
        s.add_argument(dest, metavar="ASSIGNMENT", **{k: v.format(name=name) for k, v in extra.items()})
    return s


def _add_build(sub, common):
    _command(
        sub,
        common,
        "build",
        cmd_build,
        help="regenerate source notebooks from the item banks",
        description="Write source/<quiz>/<quiz>.ipynb from items/<quiz>.yaml (all quizzes by default).",
        assignment="any",
    )


def _add_check(sub, common):
    _command(
        sub,
        common,
        "check",
        cmd_check,
        help="validate sources and releases; prove releases and feedback leak nothing",
        description="For each quiz: the source passes its own checks, an unanswered release "
        "passes none of them, the release holds no key, explanation or mark scheme, "
        "and feedback (the configured step and any files already generated) holds "
        "no mark scheme.",
        assignment="any",
    )


def _add_demo_class(sub, common):
    s = _command(
        sub,
        common,
        "demo-class",
        cmd_demo_class,
        help="write simulated submissions to try grading",
        description="Write N simulated submissions into submitted/<student>/<ASSIGNMENT>/.",
        assignment="one",
    )
    s.add_argument("-n", "--students", type=int, default=24, help="number of simulated students")
    s.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same class)")
    s.add_argument(
        "--irt",
        action="store_true",
        help="students with a latent ability, items with designed difficulty and discrimination "
        "(2PL) and two planted flaws; the design is written to demo/ASSIGNMENT-design.json",
    )


def _add_grade(sub, common):
    s = _command(
        sub,
        common,
        "grade",
        cmd_grade,
        help="autograde all submissions of an assignment (parallel, resumable; sandboxed when code runs)",
        description="Autograde every submission in submitted/*/ASSIGNMENT/. New and changed "
        "submissions are graded, and all of them after the item bank changes; an "
        "interrupted run resumes where it stopped. Hand grades are never overwritten; "
        "a hand grade whose answer changed is flagged for review. A quiz whose graded answers "
        "are all plain values (or graded by hand) is graded without running any notebook; "
        "any other quiz runs every notebook in the bubblewrap sandbox.",
        assignment="one",
    )
    s.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    s.add_argument("--workers", type=int, default=0, help="parallel workers (0: one per core)")
    s.add_argument(
        "--regrade",
        action="store_true",
        help="grade every submission again, even unchanged ones (resumable: an interrupted "
        "regrade continues with the rest when run again)",
    )
    s.add_argument(
        "--execute",
        action="store_true",
        help="run every notebook in the sandbox even when no graded answer needs it",
    )
    s.add_argument(
        "--unsandboxed",
        action="store_true",
        help="run student code without the sandbox (only if bubblewrap is unavailable)",
    )
    s.add_argument("--cell-timeout", type=int, default=10, metavar="S", help="seconds per cell")
    s.add_argument("--notebook-timeout", type=int, default=60, metavar="S", help="seconds per notebook")
    s.add_argument("--memory-mb", type=int, default=2048, metavar="MB", help="memory per notebook")


def _add_feedback(sub, common):
    s = _command(
        sub,
        common,
        "feedback",
        cmd_feedback,
        help="generate students' feedback, refusing while hand grading is unfinished",
        description="Run nbgrader generate_feedback, then scan every feedback file: a file "
        "holding a mark scheme, hidden test or another student's id is deleted and "
        "reported. Refuses while answers still await hand grading unless --partial.",
        assignment="one",
    )
    s.add_argument(
        "--partial",
        action="store_true",
        help="generate feedback although some answers await hand grading (each such file says so at the top)",
    )


def _add_export(sub, common):
    s = _command(
        sub,
        common,
        "export",
        cmd_export,
        help="write grades.csv (status column) and items.csv (one row per student and item)",
        description="grades.csv: one row per student and assignment with an explicit status. "
        "items.csv: one row per student and item (columns in the README).",
    )
    s.add_argument("--to", default="grades.csv", metavar="FILE", help="grades CSV to write")
    s.add_argument("--items", default="items.csv", metavar="FILE", help="per-item CSV to write")
    s.add_argument("--no-items", action="store_true", help="do not write the per-item CSV")
    s.add_argument(
        "--assignment", action="append", metavar="NAME", help="export only this assignment (repeatable; default: all)"
    )
    s.add_argument(
        "--format",
        choices=["generic", "canvas"],
        default="generic",
        help="generic: grades.csv with a status column; canvas: a Canvas gradebook-import CSV "
        "(written to canvas-grades.csv unless --to is given)",
    )
    s.add_argument(
        "--roster",
        metavar="FILE",
        help="CSV mapping student_id to canvas_id, sis_user_id, sis_login_id, section (Canvas only)",
    )


def _add_report(sub, common):
    s = _command(
        sub,
        common,
        "report",
        cmd_report,
        help="item analysis, reliability and mastery by objective, for instructors",
        description="Write reports/ASSIGNMENT-report.html (self-contained, plots with alt text), "
        "-report.json and CSV tables: item difficulty and discrimination with flags, "
        "distractors, KR-20 or alpha, mastery by objective and lesson, per student.",
        assignment="optional",
    )
    s.add_argument("--all", action="store_true", help="one report per graded assignment")
    s.add_argument("--out", metavar="FOLDER", help="folder for the report files (default: reports/ in the course)")
    s.add_argument(
        "--mastery",
        type=float,
        default=0.70,
        help="share of an objective's points below which a student has not mastered it",
    )
    s.add_argument(
        "--min-students", type=int, default=30, metavar="N", help="fewest scored students for a reliability figure"
    )
    s.add_argument("--too-easy", type=float, default=0.90, metavar="P", help="flag items with difficulty above P")
    s.add_argument("--too-hard", type=float, default=0.30, metavar="P", help="flag items with difficulty below P")


def _add_bundle(sub, common):
    s = _command(sub, common, "bundle", cmd_bundle, help="zip lessons and released quizzes for offline students")
    s.add_argument("--to", default="mvd-course-student.zip", metavar="FILE", help="zip file to write")


def _add_lab(sub, common):
    s = _command(
        sub,
        common,
        "lab",
        cmd_lab,
        help="start JupyterLab in the course directory, with formgrader, for the instructor",
        description="JupyterLab started inside the course directory, so that Nbgrader → "
        "Formgrader lists its assignments and uses its gradebook and exchange.",
    )
    s.add_argument("--port", type=int, default=8888, help="port to listen on")
    s.add_argument("--ip", default="127.0.0.1", help="address to listen on")
    s.add_argument("--token", default=None, help="access token (default: a random one, printed)")
    s.add_argument("--browser", action="store_true", help="open a web browser")
    s.add_argument(
        "jupyter_args",
        nargs=argparse.REMAINDER,
        metavar="-- JUPYTER_OPTION",
        help="further JupyterLab options, after --",
    )


def _add_bibliography(sub, common):
    _command(
        sub,
        common,
        "bibliography",
        cmd_bibliography,
        help="rewrite lessons/bibliography.md from assets/references.yaml",
        description="The course-wide bibliography page, in Vancouver style with PubMed/DOI links, "
        "regenerated from assets/references.yaml (the course directory is not used).",
    )


def _add_lint_items(sub, common):
    s = _command(
        sub,
        common,
        "lint-items",
        cmd_lint_items,
        help="check the item-writing rules over every self-check file and quiz bank",
        description="Lists every broken item-writing rule (bank, item, rule) and exits 1 if any; "
        "--summary prints per bank the key-position spread, the key-is-longest and always-A rates "
        "beside chance, and the share of application items (a Markdown table). Reads this "
        "checkout's assets/selfchecks/ and assignments/items/.",
    )
    s.add_argument("--summary", action="store_true", help="print the per-bank table instead of the problems")


COMMANDS = [
    _add_build,
    _add_check,
    _add_demo_class,
    _add_grade,
    _add_feedback,
    _add_export,
    _add_report,
    _add_bundle,
    _add_lab,
    _add_bibliography,
    _add_lint_items,
]


def parser() -> argparse.ArgumentParser:
    course_help = (
        "nbgrader course directory (default: the current folder if it holds nbgrader_config.py, "
        "else $MVDCOURSE_COURSE, else this checkout's assignments/)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=argparse.SUPPRESS, metavar="FOLDER", help=course_help)
    p = argparse.ArgumentParser(
        prog="mvdcourse",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1].rsplit("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--course", default=None, metavar="FOLDER", help=course_help)
    p.add_argument("--version", action="version", version=f"mvdcourse {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub, common)
    return p


def main(argv: list[str] | None = None) -> int:
    from .quiz.course import CourseError, resolve
    from .quiz.noise import quiet

    args = parser().parse_args(argv)
    try:
        course, why = resolve(args.course)
        print(f"mvdcourse {args.command}: course directory {course} ({why})", flush=True)
        with quiet():
            return args.func(args, course)
    except (UsageError, CourseError, FactBaseError, FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"mvdcourse {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"\nmvdcourse {args.command}: interrupted; finished results are kept. "
            "Run the same command again to continue.",
            file=sys.__stderr__,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
