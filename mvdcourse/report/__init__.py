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
    """Analyse a graded assignment. ``course`` is found as the ``mvdcourse`` command finds it (the
    current folder if it is an nbgrader course directory, else ``$MVDCOURSE_COURSE``, else the checkout's
    ``assignments/``); keyword arguments override :class:`Thresholds` (e.g. ``mastery=0.8``)."""
    from ..quiz.course import resolve
    from .data import load_class

    return analyse(load_class(resolve(course)[0], assignment), Thresholds(**thresholds))


def figures(report: Report):
    """The report's plots, each shown in JupyterLab with its alt text."""
    from .render import figures as _figures

    return _figures(report)
