"""Lesson 2 — the published cure curves every demo reads (``assets/lessons/02_recovery/cure_series.yaml``)."""

from __future__ import annotations

import math

import numpy as np
from pydantic import model_validator

from ... import content
from ... import facts as factbase

DAYS_PER_MONTH = 365.25 / 12
MAX_MONTHS = 36  # the explorer's time axis (three years, so that every handout horizon fits)


#: The texts the lesson's widgets show (panels, alt texts, titles), by id (``assets/lessons/02_recovery/texts.yaml``).
TEXTS = content.lesson_texts("02_recovery")


def _fb(fb: factbase.FactBase | None) -> factbase.FactBase:
    return fb or factbase.default()


def _months(days: float) -> float:
    return days / DAYS_PER_MONTH


def _fmt_months(months: float) -> str:
    if months < 1:
        days = months * DAYS_PER_MONTH
        return f"day {days:.0f}"
    return f"month {months:g}" if float(months).is_integer() else f"month {months:.1f}"


class TimePoint(content.Record):
    """A time after surgery, written as the source gives it: ``months`` or ``days`` (exactly one)."""

    months: float | None = None
    days: float | None = None

    @model_validator(mode="after")
    def _one(self) -> TimePoint:
        if (self.months is None) == (self.days is None):
            raise ValueError("give either 'months' or 'days'")
        return self

    @property
    def in_months(self) -> float:
        return self.months if self.months is not None else _months(self.days)


class CurvePoint(TimePoint):
    fact: str  # numeric fact holding the share (% of eventual cures)
    label: str  # how the source words the time point


class CureSeries(content.Record):
    """One published series of cumulative cure shares."""

    id: str
    name: str  # legend / direct label
    population: str
    approximate: bool  # bin edges approximate?
    tail_fact: str | None = None  # 100% reached at a time the source does not give
    points: tuple[CurvePoint, ...]

    @property
    def key(self) -> str:
        return self.id


CURE_SERIES: dict[str, CureSeries] = content.lesson_records("02_recovery", "cure_series", CureSeries)


def curve(series_key: str, fb: factbase.FactBase | None = None) -> list[dict]:
    """The published points of one series: months, share of eventual cures (%), label, fact id."""
    fb = _fb(fb)
    s = CURE_SERIES[series_key]
    return [{"months": p.in_months, "value": fb.fact(p.fact).value, "label": p.label, "fact": p.fact} for p in s.points]


def reported_share(series_key: str, month: float, fb: factbase.FactBase | None = None) -> dict:
    """Read a series off at ``month``: the last published point at or before it (no interpolation).

    Between two points the true share lies between them, so the reading is a lower bound; before the
    first point nothing is reported (``value`` is None).
    """
    if series_key not in CURE_SERIES:
        raise ValueError(f"unknown series '{series_key}'; choose one of {', '.join(CURE_SERIES)}")
    if month is None or not math.isfinite(month) or month < 0:
        raise ValueError(f"month must be a number of months ≥ 0, not {month!r}")
    fb = _fb(fb)
    pts = [p for p in curve(series_key, fb) if p["months"] <= month + 1e-9]
    s = CURE_SERIES[series_key]
    if not pts:
        first = curve(series_key, fb)[0]
        return {
            "series": series_key,
            "month": month,
            "value": None,
            "fact": None,
            "at": None,
            "label": None,
            "exact": False,
            "text": content.fill(TEXTS["series.before_first"], fb, label=first["label"]),
        }
    p = pts[-1]
    exact = abs(p["months"] - month) < 1e-9
    last = p["fact"] == s.points[-1].fact
    value = p["value"]
    if exact or value >= 100:
        text = f"{fb.text(p['fact'])} {p['label']}"
    else:
        text = f"at least {fb.text(p['fact'])} (last published point: {p['label']})"
    if last and s.tail_fact and value < 100:
        text += content.fill(TEXTS["series.tail_later"], fb, tail=fb.text(s.tail_fact))
    return {
        "series": series_key,
        "month": month,
        "value": value,
        "fact": p["fact"],
        "at": p["months"],
        "label": p["label"],
        "exact": exact,
        "text": text,
    }


def sqrt_scale(ax, max_months: float) -> None:
    """Square-root time axis (early months stretched) with ticks at familiar months."""
    ax.set_xscale("function", functions=(lambda x: np.sqrt(np.clip(x, 0, None)), lambda x: np.square(x)))
    ticks = [t for t in (0, 1, 3, 6, 12, 24, 36) if t <= max_months]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(0, max_months)
