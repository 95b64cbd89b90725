"""Lesson 2 — the rules of the timeline classifier: read a typed timeline, then choose what to say about it.

What the classifier says is data (``assets/lessons/02_recovery/classifier_texts.yaml``,
``conventions.yaml``); this module holds only the rules that choose between the texts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ... import content
from ... import facts as factbase
from .series import CURE_SERIES, DAYS_PER_MONTH, _fb, _fmt_months, _months, reported_share

IMMEDIATE_CUTOFFS = {  # day by which a spasm-free patient counts as an "immediate" cure
    3: "recovery.immediate_3d.choi1999",
    7: "recovery.immediate_7d.delayedcure2022",
}


class Convention(content.Record):
    """When the final result is judged: its horizon, who uses it and the fact cited."""

    id: str
    months: float
    basis: str
    fact: str


_CONVENTIONS = content.lesson_records("02_recovery", "conventions", Convention)
#: label -> (months, who uses it, fact cited)
CONVENTIONS = {k: (c.months, c.basis, c.fact) for k, c in _CONVENTIONS.items()}
TEXTS = content.lesson_texts("02_recovery", "classifier_texts")
NOW_OPTIONS = ("gone", "improving", "unchanged")
SILENT_FACT = "recovery.silent_period_max.inha2008"

CATEGORIES = (
    "immediate cure",
    "delayed cure",
    "delayed cure in progress",
    "persistent spasm",
    "recurrence",
    "cured, timing unknown",
    "not classified",
    "invalid",
)


class TimelineError(ValueError):
    """A timeline the classifier cannot accept: the message says what to change."""


@dataclass
class Timeline:
    follow_up_days: float
    free_day: float | None = None  # first spasm-free day after MVD
    back_day: float | None = None  # day the spasm came back after being free
    now: str = "gone"  # spasm now: gone / improving / unchanged


@dataclass
class Verdict:
    category: str
    headline: str
    reasons: list[str] = field(default_factory=list)  # rendered sentences (figures cited)
    message: str = ""  # what is wrong or missing in the input
    timeline: Timeline | None = None
    immediate_by_day: int = 7  # the settings it was classified with
    convention: str = "1 year"

    @property
    def ok(self) -> bool:
        return self.category not in ("invalid",)


_TIME = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(d|days?|w|wks?|weeks?|m|mo|mos|months?|y|yrs?|years?)?\s*$", re.IGNORECASE
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": DAYS_PER_MONTH, "y": 365.25}


def parse_time(text: str | float | int | None, default_unit: str, what: str) -> float | None:
    """A time typed by the student, in days. Blank → None. ``14``, ``14 d``, ``2 w``, ``3 months``, ``1 y``."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value, unit = float(text), default_unit
        if not math.isfinite(value):
            raise TimelineError(f"{what}: enter a finite number.")
        if value < 0:
            raise TimelineError(f"{what}: a time after surgery cannot be negative ({value:g}).")
    else:
        s = str(text).strip()
        if not s:
            return None
        if s.startswith("-"):
            raise TimelineError(f"{what}: a time after surgery cannot be negative ({s}).")
        m = _TIME.match(s)
        if not m:
            raise TimelineError(
                f"{what}: “{s}” is not a time. Type a number, optionally with a unit, "
                f"e.g. 14, 14 days, 2 weeks, 3 months or 1 year."
            )
        value = float(m.group(1).replace(",", "."))
        unit = (m.group(2) or default_unit)[0].lower()
    days = value * _UNIT_DAYS[unit[0].lower()]
    if days > 100 * 365.25:
        raise TimelineError(f"{what}: {value:g} {unit} is implausibly long; check the number and unit.")
    return days


def parse_timeline(follow_up: str, free_day: str = "", back_at: str = "", now: str = "gone") -> Timeline:
    """Build a timeline from the widget's text fields (follow-up in months, free day in days, return in months)."""
    f = parse_time(follow_up, "m", "Months since MVD")
    if f is None:
        raise TimelineError(
            "Months since MVD is empty: enter how long ago the operation was, e.g. 3 (months) or 10 days."
        )
    if now not in NOW_OPTIONS:
        raise TimelineError(f"Spasm now must be one of {', '.join(NOW_OPTIONS)}, not “{now}”.")
    return Timeline(
        f, parse_time(free_day, "d", "First spasm-free on day"), parse_time(back_at, "m", "Spasm came back at"), now
    )


def say(text_id: str, fb: factbase.FactBase, **fields) -> str:
    """One of the classifier's texts, its $fields filled from the timeline and its placeholders rendered."""
    return content.fill(TEXTS[text_id], fb, **fields)


def _conv_basis(convention: str, fb) -> str:
    _, text, fid = CONVENTIONS[convention]
    return f"{fb.render(text)} {fb.labels(fid)}"


def _cum_by(months: float, fb) -> str:
    rs = [reported_share(k, months, fb) for k in CURE_SERIES]
    parts = [f"{r['text']} [{CURE_SERIES[r['series']].name}]" for r in rs if r["value"] is not None]
    return "; ".join(parts) if parts else say("no_point_yet", fb)


def _share_reached(months: float, fb) -> str:
    return say("share_reached", fb, when=_fmt_months(months), shares=_cum_by(months, fb))


def _contradiction(t: Timeline, fb) -> str | None:
    """Why the timeline cannot happen, or None."""
    F, S, B, now = t.follow_up_days, t.free_day, t.back_day, t.now
    fm = f"{_months(F):.1f}"
    if B is not None and S is None:
        return say("back_before_cure", fb)
    if S is not None and S > F + 1e-9:
        return say("free_after_now", fb, free=S, follow_up_days=f"{F:.0f}", follow_up_months=fm)
    if B is not None and B <= S:
        return say("back_before_free", fb, back=_fmt_months(_months(B)), free=S)
    if B is not None and B > F + 1e-9:
        return say("back_after_now", fb, back=_fmt_months(_months(B)), follow_up_months=fm)
    if S is not None and B is None and now != "gone":
        return say("free_but_not_gone", fb, free=S, now=now)
    return None


def _never_free(t: Timeline, immediate_by_day: int, convention: str, fb) -> Verdict:
    """No spasm-free date: timing unknown, a delayed cure still possible, or persistent spasm."""
    fm = _months(t.follow_up_days)
    if t.now == "gone":
        return Verdict(
            "cured, timing unknown",
            say("headline_timing_unknown", fb),
            [say("immediate_definition", fb, immediate_by=immediate_by_day), say("durability", fb)],
            message=say("missing_free_day", fb),
            timeline=t,
        )
    trend = say("trend_improving" if t.now == "improving" else "trend_unchanged", fb)
    other = next(k for k in CONVENTIONS if k != convention)
    if fm < CONVENTIONS[convention][0]:
        failed_elsewhere = CONVENTIONS[other][0] < CONVENTIONS[convention][0] and fm >= CONVENTIONS[other][0]
        early_note = (
            say("failure_by_other_convention", fb, other=other) if failed_elsewhere else say("no_failure_yet", fb)
        )
        return Verdict(
            "delayed cure in progress",
            say("headline_in_progress", fb, convention=convention),
            [
                trend,
                say("median_delayed", fb),
                _share_reached(fm, fb) + " " + say("still_to_come", fb),
                say("delayed_common", fb),
                early_note,
                say("later_tail", fb),
            ],
            timeline=t,
        )
    reasons = [
        trend,
        say(
            "failure_by_convention", fb, convention=convention, basis=_conv_basis(convention, fb), when=_fmt_months(fm)
        ),
        _share_reached(fm, fb),
        say("later_tail", fb),
    ]
    if fm < CONVENTIONS[other][0]:
        reasons.insert(2, say("possible_by_other_convention", fb, other=other))
    return Verdict("persistent spasm", say("headline_persistent", fb, convention=convention), reasons, timeline=t)


def _came_back(t: Timeline, immediate_by_day: int, fb) -> Verdict:
    """Spasm-free, then back: a silent period before a delayed cure, or a recurrence."""
    S, B = t.free_day, t.back_day
    silent = immediate_by_day >= S and fb.fact(SILENT_FACT).value + 1e-9 >= (B - S)
    silent_text = say("silent_period", fb)
    if silent and t.now == "gone":
        return Verdict(
            "delayed cure",
            say("headline_silent_cured", fb),
            [silent_text, say("early_return_not_recurrence", fb), say("durability", fb)],
            timeline=t,
        )
    if silent:
        return Verdict(
            "delayed cure in progress",
            say("headline_silent_in_progress", fb),
            [
                silent_text,
                say("returned_within_silent", fb, gap=f"{B - S:.0f}"),
                _share_reached(_months(t.follow_up_days), fb),
                say("median_delayed", fb),
            ],
            timeline=t,
        )
    if t.now == "gone":
        return Verdict(
            "not classified",
            say("headline_not_classified", fb),
            [silent_text, say("not_classified_reason", fb)],
            message=say("not_classified_message", fb),
            timeline=t,
        )
    free_for = B - S
    return Verdict(
        "recurrence",
        say("headline_recurrence", fb),
        [
            say("recurrence_free_for", fb, days=f"{free_for:.0f}", months=f"{_months(free_for):.1f}"),
            say("recurrence_rates", fb),
            say("persistent_vs_recurrent", fb),
            say("recurrence_in_lesson_3", fb),
        ],
        timeline=t,
    )


def _still_free(t: Timeline, immediate_by_day: int, convention: str, fb) -> Verdict:
    """Spasm-free and still free: an immediate or a delayed cure."""
    S = t.free_day
    immediate_def, durability = say("immediate_definition", fb, immediate_by=immediate_by_day), say("durability", fb)
    if immediate_by_day >= S:
        reasons = [immediate_def, durability]
        if t.follow_up_days < 30:  # within the first month the label can still change
            reasons.insert(0, say("too_soon_to_tell", fb))
        return Verdict("immediate cure", say("headline_immediate", fb, free=S), reasons, timeline=t)
    reasons = [immediate_def, say("median_all_and_delayed", fb), _share_reached(_months(S), fb), durability]
    if CONVENTIONS[convention][0] * DAYS_PER_MONTH < S:
        reasons.insert(1, say("after_horizon", fb, convention=convention))
    return Verdict("delayed cure", say("headline_delayed", fb, when=_fmt_months(_months(S))), reasons, timeline=t)


def classify(
    t: Timeline, immediate_by_day: int = 7, convention: str = "1 year", fb: factbase.FactBase | None = None
) -> Verdict:
    """Classify a patient timeline. Contradictions come back as ``category='invalid'`` with a message."""
    fb = _fb(fb)
    if immediate_by_day not in IMMEDIATE_CUTOFFS:
        raise ValueError(f"immediate cure cut-off must be one of {sorted(IMMEDIATE_CUTOFFS)} days")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}")
    problem = _contradiction(t, fb)
    if problem:
        v = Verdict("invalid", say("headline_invalid", fb), message=problem, timeline=t)
    elif t.free_day is None:
        v = _never_free(t, immediate_by_day, convention, fb)
    elif t.back_day is not None:
        v = _came_back(t, immediate_by_day, fb)
    else:
        v = _still_free(t, immediate_by_day, convention, fb)
    v.immediate_by_day, v.convention = immediate_by_day, convention
    return v
