"""``mvdcourse check``: what must hold before a quiz reaches students, and after feedback is made.

For each quiz: the source notebook passes its own checks (the key answers them); an unanswered release
passes none of them (so nothing is pre-filled); the release holds no key, explanation or mark scheme;
the course's feedback step removes mark schemes (nbgrader_config.py); and any feedback files already
generated hold no mark scheme, hidden test or other student's id.
"""

from __future__ import annotations

from pathlib import Path

from . import course as course_mod
from . import feedback
from . import items as itembank
from .noise import KERNEL_QUIET_ARGS


def _validator(invert: bool):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    cfg = Config()
    cfg.Execute.extra_arguments = KERNEL_QUIET_ARGS  # no "running over TCP" warning
    return Validator(invert=invert, config=cfg)


def check(course: Path, names: list[str] | None = None) -> int:
    names = names or course_mod.assignments(course)
    if not names:
        raise course_mod.CourseError(f"{course / 'items'} holds no item bank (<quiz>.yaml): nothing to check")
    config_problem = feedback.config_problem(course)
    students = _students(course)
    failed = 0
    for name in names:
        bank = itembank.load(course_mod.items_dir(course) / f"{name}.yaml")
        source = course / "source" / name / f"{name}.ipynb"
        if not source.exists():
            raise FileNotFoundError(f"{source} does not exist: run `mvdcourse build {name}` first")
        source_failures = _validator(False).validate(str(source))
        release_dir = course_mod.generate(course, name)
        release_passes = _validator(True).validate(str(release_dir / f"{name}.ipynb"))
        release_leaks = course_mod.leak_report(release_dir, bank)
        fb_leaks = feedback.scan(course, name, bank, students)
        n_feedback = len(feedback.feedback_files(course, name))
        lines = [
            _line(
                not source_failures,
                "the source (with the key) passes every format check",
                f"the source fails checks: {source_failures}",
            ),
            _line(
                not release_passes,
                "nothing in the release is pre-filled (unanswered, it fails every check, as it should)",
                f"these checks pass on the unanswered release: {release_passes}",
            ),
            _line(
                not release_leaks,
                "the release holds no key, explanation or mark scheme",
                "the release leaks: " + "; ".join(release_leaks),
            ),
            _line(not config_problem, "the feedback step removes mark schemes", config_problem or ""),
            _line(
                not fb_leaks,
                f"{n_feedback} feedback file(s) scanned, none holds grader-only text"
                if n_feedback
                else "no feedback generated yet",
                "feedback leaks: "
                + "; ".join(f"{p.relative_to(course)}: {', '.join(f)}" for p, f in list(fb_leaks.items())[:5])
                + (f" (and {len(fb_leaks) - 5} more)" if len(fb_leaks) > 5 else ""),
            ),
        ]
        ok = not (source_failures or release_passes or release_leaks or config_problem or fb_leaks)
        failed += not ok
        print(f"{name}: {'ready' if ok else 'NOT READY'}\n" + "\n".join(lines))
    return 1 if failed else 0


def _line(ok: bool, good: str, bad: str) -> str:
    return f"  {'ok  ' if ok else 'FAIL'} {good if ok else bad}"


def _students(course: Path) -> list[str]:
    from nbgrader.api import Gradebook

    url = course_mod.db_url(course)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    with Gradebook(url) as gb:
        return [s.id for s in gb.students]
