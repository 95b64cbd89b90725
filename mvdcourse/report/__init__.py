"""Where the class struggles: item analysis, reliability and mastery by objective after grading.

- ``stats``: the formulas (difficulty, corrected point-biserial, upper–lower index, distractors, KR-20,
  alpha, Feldt interval) as pure functions of score matrices;
- ``data``: one assignment's results read from the gradebook and the graded notebooks;
- ``analysis``: the tables and flags (:func:`analysis.analyse`);
- ``render``: the self-contained HTML page, CSV and JSON;
- ``lms``: grade exports for an LMS (generic and Canvas).

In JupyterLab (run from the course directory)::

    from mvdcourse.report import item_analysis
    report = item_analysis("quiz1")
    report                      # the whole report, with plots
    pandas.DataFrame(report.items)
"""
from __future__ import annotations

from pathlib import Path

from .analysis import Report, Thresholds, analyse


def item_analysis(assignment: str, course: str | Path | None = None, **thresholds) -> Report:
    """Analyse a graded assignment. ``course`` defaults to the current folder if it is an nbgrader
    course directory, else the checkout's ``assignments/``; keyword arguments override
    :class:`Thresholds` (e.g. ``mastery=0.8``)."""
    from ..quiz.course import DEFAULT_COURSE
    from .data import load_class
    if course is None:
        course = Path.cwd() if (Path.cwd() / "nbgrader_config.py").exists() else DEFAULT_COURSE
    return analyse(load_class(Path(course), assignment), Thresholds(**thresholds))


def figures(report: Report):
    """The report's plots, each shown in JupyterLab with its alt text."""
    from .render import figures as _figures
    return _figures(report)
