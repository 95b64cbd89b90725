"""Lesson 3 — recurrence and failure after MVD: what is documented, and what is only hypothesised.

Pure functions return data or figures (easy to test); three builders wrap them in widgets, one module each:

* ``recurrence_timeline()`` (:mod:`.timeline`, its figure in :mod:`.timeline_drawing`, published figures in
  :mod:`.rates`): cumulative recurrence
  after a cure, drawn only from published
  points (steps and markers, never a fitted curve), with the reported risk factors shown as labelled text,
  because no stratified curve was published;
* ``cause_sorter()`` (:mod:`.sorter`; causes and scoring in :mod:`.causes`): sort candidate causes of
  failure into "documented at redo" and "hypothesis only", then read per-item feedback with the frequencies
  reported by redo series;
* ``case_vignettes()`` (:mod:`.vignettes`): read an operative note, imaging and a timeline, pick the most
  likely cause, and get an explanation.

Clinical content (causes, cases, risk factors) is data in ``assets/lessons/03_recurrence/``; every number
shown comes from the fact base through its placeholders (``{fact:ID}``, ``{value:ID}``).
"""

from __future__ import annotations

from ... import content
from ... import facts as factbase
from .causes import (
    BINS,
    CAUSES,
    DOCUMENTED,
    HYPOTHESIS,
    UNSORTED,
    Cause,
    cause_evidence,
    expected_bin,
    score_sort,
    sort_feedback_html,
)
from .rates import (
    CHANG_FACTS,
    HANDOUT_RATE_CLAIM,
    LANDMARK_FACTS,
    RISK_FACTORS,
    SERIES_FACTS,
    SERIES_NOTES,
    VIEWS,
    RiskFactor,
    cumulative_points,
    risk_factor_note,
    series_rates,
)
from .sorter import CauseSorter, cause_sorter, sorter_alt, sorter_figure
from .timeline import RecurrenceTimeline, recurrence_timeline, timeline_alt, timeline_html
from .timeline_drawing import timeline_figure
from .vignettes import (
    VIGNETTES,
    CaseVignettes,
    Vignette,
    case_html,
    case_vignettes,
    grade_vignette,
    vignette_alt,
    vignette_figure,
    vignette_options,
)

_CONTENT_TEXTS = [t for rec in (*CAUSES.values(), *VIGNETTES.values()) for t in content.texts(rec)]

#: Every fact this lesson's widgets show (the lesson's reference list is built from it).
FACT_IDS = tuple(
    dict.fromkeys(
        [*CHANG_FACTS, *SERIES_FACTS, *SERIES_NOTES, *LANDMARK_FACTS]
        + [f for rf in RISK_FACTORS.values() if rf for f in (rf.fact, *rf.context)]
        + [f for c in CAUSES.values() for f in c.frequency_facts + c.note_facts]
        + factbase.FactBase.fact_ids(*_CONTENT_TEXTS)
        + [f for v in VIGNETTES.values() for f in v.cited]
    )
)

#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = tuple(
    dict.fromkeys(
        [HANDOUT_RATE_CLAIM]
        + [c.seed_claim for c in CAUSES.values() if c.seed_claim]
        + factbase.FactBase.seed_ids(*_CONTENT_TEXTS)
    )
)

#: The lesson's interactive demos; the first has the toggle that redraws the first figure (browser test).
DEMOS = (recurrence_timeline, cause_sorter, case_vignettes)
