"""Lesson 4 — planning a revision (redo) MVD: when, how, at what risk, and the alternatives.

Pure functions return data or figures (easy to test); three builders wrap them in widgets, one module each:

* ``risk_comparator()`` (:mod:`.comparator`): first MVD beside redo MVD, per 1,000 patients, like with like
  (permanent vs permanent, transient vs transient), pooled analyses and single series kept apart, every bar
  labelled with its source;
* ``bont_planner()`` (:mod:`.planner`, dates and windows in :mod:`.schedule`): botulinum toxin injection
  dates → expected onset, effect and
  wear-off windows drawn as bands (never as a smooth curve), and injections per decade beside one operation;
* ``revision_walkthrough()`` (:mod:`.walkthrough`): a branching teaching case (``RevisionCase`` is the pure
  state machine): at each step the student chooses and reads the literature position and its evidence. It
  never recommends anything for a real patient, and says so on every step;
* ``consent_conversation()`` (:mod:`.consent`): the numbers a patient considering a redo should hear for their
  situation (a redo, botulinum toxin, doing nothing), each with its source.

Clinical content (complications, walkthrough steps) is data in ``assets/lessons/04_revision/``; every clinical
number comes from the fact base. The only arithmetic is "per 1,000 = % × 10" in the comparator and calendar
arithmetic on the student's own dates in the planner.
"""

from __future__ import annotations

from ... import facts as factbase
from . import comparator, consent, planner, schedule, walkthrough
from .comparator import (
    COMPARATOR_NOTE_FACTS,
    COMPLICATIONS,
    DATA_VIEWS,
    KINDS,
    POOLED_SOURCES,
    WANG_SAMPLE,
    Complication,
    RiskComparator,
    is_pooled,
    per_1000_text,
    risk_alt,
    risk_comparator,
    risk_figure,
    risk_rows,
    risk_text,
)
from .consent import consent_conversation
from .planner import (
    ONE_REDO,
    BotoxPlanner,
    bont_planner,
    planner_alt,
    planner_error_figure,
    planner_error_text,
    planner_figure,
    planner_text,
)
from .schedule import (
    DECADE_MONTHS,
    DURATION_FACT,
    EXAMPLES,
    INTERVAL_FACT,
    ONSET_FACT,
    PLANNER_TEXT_FACTS,
    PlannerInputError,
    parse_dates,
    plan_schedule,
    planner_limits,
    validate_schedule,
)
from .walkthrough import (
    NOT_A_RECOMMENDATION,
    STEP_ORDER,
    STEPS,
    Choice,
    RevisionCase,
    RevisionWalkthrough,
    Step,
    revision_walkthrough,
)

_WALKTHROUGH_TEXTS = [t for s in STEPS.values() for c in s.choices for t in (c.label, c.position)]

#: Every fact this lesson's widgets show (the lesson's reference list is built from it).
from . import comparator, consent, planner, schedule, walkthrough

#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = tuple(factbase.FactBase.seed_ids(*_WALKTHROUGH_TEXTS))

#: The lesson's interactive demos (benchmarks and browser tests iterate over these); the comparator comes
#: first because its first ToggleButtons group redraws a figure.
DEMOS = (risk_comparator, bont_planner, revision_walkthrough, consent_conversation)
