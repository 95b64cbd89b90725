"""Lesson 3 — recurrence after a cure as published: cumulative points, overall rates by series, risk factors.

Pure data functions (no widgets, no figures); the risk factors are data
(``assets/lessons/03_recurrence/risk_factors.yaml``).
"""

from __future__ import annotations

from ... import content
from ... import facts as factbase
from .common import _fb, _parenthesis, _years_in, ref_labels

CHANG_FACTS = ("recurrence.1y.chang2012", "recurrence.2y.chang2012", "recurrence.5y.chang2012")

#: Overall recurrence reported by other series (follow-up and definitions differ, so no time axis).
SERIES_FACTS = (
    "recurrence.rate.huh2008",
    "recurrence.late.taipei1992",
    "first_mvd.recurrence.miller2012",
    "recurrence.5y.chang2012",
    "recurrence.pooled.menna2022",
    "recovery.recurrence.nuntaaree2024",
)
SERIES_NOTES = ("recurrence.later_recurrences.auger1986",)  # series that give counts, not a rate
HANDOUT_RATE_CLAIM = "S1-03"  # "Recurrence occurs in 2% to 3% of cases."

#: The two-year landmark: most recurrences early, but they keep accruing (reference §4).
#: The series usually quoted for "86% within 2 years" (Payner 1996, references.yaml: recurrence_neurosurgery)
#: was identified only on 2026-12-07; the landmark still rests on Barker 1995 and the Chang 2012 curve.
TWO_YEAR_FACT = "first_mvd.failures_within_24mo.barker1995"
LANDMARK_FACTS = (TWO_YEAR_FACT, "recurrence.long_term_divergence.lee2022")


def _edge_years(fb: factbase.FactBase) -> float:
    """The landmark in years: Barker's "nearly all failures within 24 months"."""
    return fb.fact(TWO_YEAR_FACT).value / 12


VIEWS = ("cumulative", "two-year mark", "other series")


class RiskFactor(content.Record):
    """A reported association with recurrence (``assets/lessons/03_recurrence/risk_factors.yaml``)."""

    id: str
    name: str
    fact: str  # the reported association
    context: tuple[str, ...] = ()  # other facts shown with it

    @property
    def key(self) -> str:
        return self.id


RISK_FACTORS: dict[str, RiskFactor | None] = {
    "none": None,
    **content.lesson_records("03_recurrence", "risk_factors", RiskFactor),
}


def _check_view(view: str, risk: str) -> None:
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not '{view}'")
    if risk not in RISK_FACTORS:
        raise ValueError(f"risk factor must be one of {', '.join(RISK_FACTORS)}, not '{risk}'")


def cumulative_points(fb: factbase.FactBase | None = None) -> list[dict]:
    """Published cumulative recurrence after cure: one row per time point (years, value %, text)."""
    fb = _fb(fb)
    rows = []
    for fid in CHANG_FACTS:
        f = fb.fact(fid)
        rows.append(
            {
                "fact": fid,
                "years": _years_in(f),
                "value": f.value,
                "text": f.text(),
                "citation": fb.labels(fid),
                "population": f.population,
            }
        )
    return rows


def series_rates(fb: factbase.FactBase | None = None) -> list[dict]:
    """Overall recurrence in several series, lowest first (their follow-up and definitions differ)."""
    fb = _fb(fb)
    rows = []
    for fid in SERIES_FACTS:
        f = fb.fact(fid)
        rows.append(
            {
                "fact": fid,
                "value": f.value,
                "text": f.text(),
                "label": ref_labels(fb, fid),
                "citation": fb.labels(fid),
                "definition": f.definition,
                "population": f.population,
                "status": f.status,
            }
        )
    return sorted(rows, key=lambda r: r["value"])


def risk_factor_note(risk: str, fb: factbase.FactBase | None = None) -> dict | None:
    """What a source reports about one factor: direction and size of the association, and its source.

    Only the reported association is returned; no source published recurrence curves by these factors,
    so none is drawn (``curve_published`` is always False).
    """
    if risk not in RISK_FACTORS:
        raise ValueError(f"risk factor must be one of {', '.join(RISK_FACTORS)}, not '{risk}'")
    rf = RISK_FACTORS[risk]
    if rf is None:
        return None
    fb = _fb(fb)
    f = fb.fact(rf.fact)
    if f.statement is not None:
        short = f.statement.split(";")[0].rstrip(".")
        detail = f.statement
    else:
        ci = _parenthesis(f.definition)
        short = f"{rf.name}: odds ratio {f.value:g}" + (f" ({ci})" if ci else "") + " for recurrence"
        detail = f"{short}; {f.population}"
    direction = "protective (lower risk)" if (f.value is not None and f.value < 1) else "higher risk"
    return {
        "key": risk,
        "name": rf.name,
        "fact": rf.fact,
        "short": short,
        "detail": detail,
        "direction": direction,
        "citation": fb.labels(rf.fact),
        "context": [fb.cite(c) for c in rf.context],
        "curve_published": False,
    }
