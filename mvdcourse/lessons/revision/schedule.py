"""Lesson 4 — botulinum toxin schedules: read the student's dates, check them, and plan each injection's windows.

Pure functions (no widgets, no figures); the limits come from the fact base.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ... import content
from ... import facts as factbase
from .common import TEXTS


class PlannerInputError(ValueError):
    """The injection dates cannot be planned; the message says what to change."""


#: The drawn onset comes from one series' mean only; the other series' median (Dantas 2025) is named in the text
#: and never drawn (a median and a mean are different summaries).
ONSET_FACT = "bont.onset_days.arqnp2017"
DURATION_FACT = "bont.duration_range"
INTERVAL_FACT = "bont.reinjection_interval"
PLANNER_TEXT_FACTS = (
    "bont.response_range",
    "bont.effect_months.arqnp2017",
    "bont.onset_days.dantas2025",
    "bont.duration_months.dantas2025",
    "bont.cochrane2020",
    "bont.rct_crossover.cochrane2005",
    "bont.ptosis",
    "redo.complete_range",
    "redo.any_relief_range",
    "redo.perm_facial.samsung_redo",
    "redo.perm_hearing.samsung_redo",
)
DECADE_MONTHS = 120  # ten years: the planner's horizon, and the "per decade" comparison
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAYS_PER_MONTH = 365.25 / 12


class ExampleSchedule(content.Record):
    id: str
    dates: str
    tooltip: str


_EXAMPLES = content.lesson_records("04_revision", "example_schedules", ExampleSchedule)
EXAMPLES = {k: e.dates for k, e in _EXAMPLES.items()}


def _add_months(d: date, months: int) -> date:
    """Same day of the month ``months`` later (clamped to the month's last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def planner_limits(fb: factbase.FactBase | None = None) -> dict:
    """The bands and limits the planner uses, all read from the fact base."""
    fb = fb or factbase.default()
    onset = fb.fact(ONSET_FACT).value
    dur = fb.fact(DURATION_FACT)
    interval = fb.fact(INTERVAL_FACT)
    min_months, max_months = int(interval.low), int(interval.high)
    return {
        "onset_mean_days": onset,
        "effect_low_weeks": dur.low,
        "effect_high_weeks": dur.high,
        "min_interval_months": min_months,
        "max_interval_months": max_months,
        "max_injections": DECADE_MONTHS // min_months,
        "per_decade": (DECADE_MONTHS // max_months, DECADE_MONTHS // min_months),
    }


def parse_dates(text: str, fb: factbase.FactBase | None = None) -> list[date]:
    """Read injection dates (YYYY-MM-DD, separated by commas, semicolons, spaces or new lines)."""
    lim = planner_limits(fb)
    tokens = [t for t in re.split(r"[,;\s]+", (text or "").strip()) if t]
    if not tokens:
        raise PlannerInputError("Enter at least one injection date, written as YYYY-MM-DD (for example 2025-01-06).")
    if len(tokens) > lim["max_injections"]:
        raise PlannerInputError(
            f"{len(tokens)} dates were entered; the planner draws at most {lim['max_injections']} "
            f"(one decade at the shortest usual interval of {lim['min_interval_months']} months). "
            "Remove some dates."
        )
    out = []
    for i, tok in enumerate(tokens, start=1):
        if not _DATE.match(tok):
            raise PlannerInputError(f"Date {i}, '{tok}', is not written as YYYY-MM-DD (for example 2025-01-06).")
        try:
            out.append(date.fromisoformat(tok))
        except ValueError:
            raise PlannerInputError(f"Date {i}, '{tok}', is not a real calendar date.") from None
    return out


def validate_schedule(dates: list[date], fb: factbase.FactBase | None = None) -> None:
    """Check order, duplicates, spacing and span; raise PlannerInputError with a clear message."""
    fb = fb or factbase.default()
    lim = planner_limits(fb)
    if not dates:
        raise PlannerInputError("Enter at least one injection date, written as YYYY-MM-DD (for example 2025-01-06).")
    for i, (a, b) in enumerate(zip(dates, dates[1:]), start=1):
        if b == a:
            raise PlannerInputError(f"{a.isoformat()} is entered twice (dates {i} and {i + 1}); remove one.")
        if b < a:
            raise PlannerInputError(
                f"Dates must be in time order: date {i + 1} ({b.isoformat()}) comes before date {i} ({a.isoformat()})."
            )
        if (b - a) < timedelta(weeks=lim["effect_low_weeks"]):
            raise PlannerInputError(
                content.fill(
                    TEXTS["schedule.too_close"], fb, a=a.isoformat(), b=b.isoformat(), days=(b - a).days, **lim
                )
            )
    if dates[-1] >= _add_months(dates[0], DECADE_MONTHS):
        raise PlannerInputError(
            f"The dates span from {dates[0].isoformat()} to {dates[-1].isoformat()}, "
            "more than a decade; the planner covers at most ten years."
        )


def plan_schedule(text: str, fb: factbase.FactBase | None = None) -> dict:
    """Parse and check the dates, then give each injection its bands and each gap its reading.

    Bands (from the fact base): from the injection to the mean onset (the effect is building up); effect
    expected from the mean onset to the lower end of the average duration; wearing off between the lower
    and upper end.
    """
    fb = fb or factbase.default()
    lim = planner_limits(fb)
    dates = parse_dates(text, fb)
    validate_schedule(dates, fb)
    onset = timedelta(days=lim["onset_mean_days"])
    eff_lo, eff_hi = timedelta(weeks=lim["effect_low_weeks"]), timedelta(weeks=lim["effect_high_weeks"])
    injections = [
        {"date": d, "onset": (d, d + onset), "effect": (d + onset, d + eff_lo), "wear_off": (d + eff_lo, d + eff_hi)}
        for d in dates
    ]
    gaps = []
    for a, b in zip(injections, injections[1:]):
        next_effect = b["onset"][1]
        if next_effect <= a["wear_off"][0]:
            status = "covered"
        elif next_effect <= a["wear_off"][1]:
            status = "possible"
        else:
            status = "likely"
        gaps.append(
            {
                "from": a["date"],
                "to": b["date"],
                "days": (b["date"] - a["date"]).days,
                "status": status,
                "uncovered_days": max(0, (next_effect - a["wear_off"][1]).days),
            }
        )
    per_decade = None
    if len(dates) >= 2:
        mean_days = (dates[-1] - dates[0]).days / (len(dates) - 1)
        per_decade = round(DECADE_MONTHS * _DAYS_PER_MONTH / mean_days)
    return {
        "dates": dates,
        "injections": injections,
        "gaps": gaps,
        "per_decade_yours": per_decade,
        "per_decade_usual": lim["per_decade"],
        "limits": lim,
    }
