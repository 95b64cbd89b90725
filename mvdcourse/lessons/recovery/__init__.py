"""Lesson 2 — recovery after MVD: immediate cure, delayed cure, and when to call it a failure.

Pure functions return data or figures (easy to test); three builders wrap them in widgets, one module each:

* ``timeline_explorer()`` (:mod:`.timeline`): the cumulative share of eventual cures over the months after
  surgery, drawn as steps from two published series (:mod:`.series`); a month slider reads the curves off,
  and the seed handouts' claims can be laid over them as bands.
* ``outcome_grid()`` (:mod:`.grid`): final outcome × time to cure, filled from the seed handout's list (which
  adds up to more than 100%) or from one published series.
* ``timeline_classifier()`` (:mod:`.classifier`, rules in :mod:`.verdict`): a student types a patient's
  timeline and gets its classification (immediate cure, delayed cure, delayed cure in progress, persistent
  spasm, recurrence) with
  the reasoning and the figures behind it.

Clinical content is data in ``assets/lessons/02_recovery/``; every number shown comes from the fact base
through its placeholders (``{fact:ID}``, ``{value:ID}``, ``{seed:ID}``), from which ``FACT_IDS`` is collected.
"""

from __future__ import annotations

from ... import facts as factbase
from . import classifier, grid, series, timeline, verdict
from .classifier import TimelineClassifier, classifier_alt, classifier_figure, classifier_html, timeline_classifier
from .grid import (
    COLS,
    GRID_SOURCES,
    GRID_TEXT,
    IMPOSSIBLE,
    ROWS,
    SEED_LIST,
    SEED_SUM_KEY,
    SERIES_COLS,
    SERIES_ROWS,
    OutcomeGrid,
    grid_alt,
    grid_data,
    grid_figure,
    grid_html,
    outcome_grid,
)
from .series import CURE_SERIES, DAYS_PER_MONTH, MAX_MONTHS, CureSeries, CurvePoint, curve, reported_share
from .timeline import (
    MEDIAN_MARKER,
    OVERLAY_OPTIONS,
    SEED_BANDS,
    TAIL_MARKERS,
    SeedBand,
    TimelineExplorer,
    timeline_alt,
    timeline_explorer,
    timeline_figure,
    timeline_html,
)
from .verdict import (
    CATEGORIES,
    CONVENTIONS,
    IMMEDIATE_CUTOFFS,
    NOW_OPTIONS,
    SILENT_FACT,
    TEXTS,
    Timeline,
    TimelineError,
    Verdict,
    classify,
    parse_time,
    parse_timeline,
)

_TEXTS = (
    [b.check for b in SEED_BANDS.values()]
    + list(GRID_TEXT.values())
    + list(TEXTS.values())
    + [c[1] for c in CONVENTIONS.values()]
)

#: Every fact this lesson's widgets show (the lesson's reference list is built from it).
FACT_IDS = tuple(
    dict.fromkeys(
        [p.fact for s in CURE_SERIES.values() for p in s.points]
        + [s.tail_fact for s in CURE_SERIES.values() if s.tail_fact]
        + [MEDIAN_MARKER[0]]
        + [fid for fid, _ in TAIL_MARKERS]
        + [*SERIES_ROWS, *SERIES_COLS, *IMMEDIATE_CUTOFFS.values(), SILENT_FACT]
        + [c[2] for c in CONVENTIONS.values()]
        + factbase.FactBase.fact_ids(*_TEXTS)
    )
)

#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = tuple(dict.fromkeys([b.claim for b in SEED_BANDS.values()] + [cid for _, cid, _ in SEED_LIST]))

#: The lesson's interactive demos (benchmarks and browser tests iterate over these).
DEMOS = (timeline_explorer, outcome_grid, timeline_classifier)
