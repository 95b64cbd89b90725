"""Lesson 3 demo 1 — cumulative recurrence after cure, drawn only from published points.

Steps and markers, never a fitted curve; the reported risk factors are shown as labelled text, because no
stratified curve was published. The figure is drawn in :mod:`.timeline_drawing`, from :mod:`.rates`.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import content
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS, _fb, ref_labels
from .rates import (
    HANDOUT_RATE_CLAIM,
    RISK_FACTORS,
    SERIES_NOTES,
    TWO_YEAR_FACT,
    VIEWS,
    _check_view,
    _edge_years,
    cumulative_points,
    risk_factor_note,
    series_rates,
)
from .timeline_drawing import timeline_png


def timeline_alt(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    pts = ", ".join(f"{p['text']} {_at(p)}" for p in points)
    parts = [
        content.fill(
            TEXTS["timeline.alt_curve"],
            fb,
            population=points[0]["population"],
            citation=points[0]["citation"],
            pts=pts,
        )
    ]
    if view == "two-year mark":
        parts.append(
            content.fill(
                TEXTS["timeline.alt_two_year"],
                fb,
                within=fb.text(TWO_YEAR_FACT),
                two_year_fact=fb.labels(TWO_YEAR_FACT),
                text=points[1]["text"],
                text2=points[2]["text"],
                years=points[1]["years"],
                years2=points[2]["years"],
            )
        )
    note = risk_factor_note(risk, fb)
    if note:
        parts.append(content.fill(TEXTS["timeline.alt_risk"], fb, short=note["short"], citation=note["citation"]))
    series = ", ".join(f"{r['label']} {r['text']}" for r in rows)
    parts.append(
        content.fill(TEXTS["timeline.series_alt"], fb, series=series, text=rows[0]["text"], text2=rows[-1]["text"])
        + (f"; the handout's {fb.seed_claim(HANDOUT_RATE_CLAIM).text()} is shaded." if view == "other series" else ".")
    )
    return " ".join(parts)


def _at(point: dict) -> str:
    """``at 1 year`` / ``at 5 years``: a published time point as the text states it."""
    return f"at {point['years']:g} year{'s' if point['years'] != 1 else ''}"


def _series_html(fb: factbase.FactBase) -> str:
    """The other series' overall recurrence, each with its definition, and the handout's claim checked."""
    e = html.escape
    rows = series_rates(fb)
    items = "".join(
        f"<li>{e(r['text'])} {e(r['citation'])}{' (unverified)' if r['status'] == 'unverified' else ''}: "
        f"{e(r['definition'])}; {e(r['population'])}</li>"
        for r in rows
    )
    seed = fb.seed_claim(HANDOUT_RATE_CLAIM)
    return (
        content.fill(TEXTS["timeline.series_html"], fb, text=e(rows[0]["text"]), text2=e(rows[-1]["text"]), items=items)
        + "".join(f"<p>Counts without a rate: {e(fb.cite(n))}</p>" for n in SERIES_NOTES)
        + content.fill(
            TEXTS["timeline.series_differ_html"], fb, claim=e(seed.claim.rstrip(".")), verdict=e(seed.verdict)
        )
    )


def _risk_html(risk: str, fb: factbase.FactBase) -> str:
    """The association a source reported for the chosen risk factor (text only: no curve was published)."""
    e = html.escape
    note = risk_factor_note(risk, fb)
    if not note:
        return TEXTS["timeline.choose_risk_html"]
    ctx = "".join(content.fill(TEXTS["timeline.pooled_for_scale"], fb, c=e(c)) for c in note["context"])
    return content.fill(
        TEXTS["timeline.risk_html"],
        fb,
        name=e(note["name"]),
        detail=e(note["detail"]),
        citation=e(note["citation"]),
        direction=e(note["direction"]),
        ctx=ctx,
    )


def timeline_html(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    e = html.escape
    points = cumulative_points(fb)
    p1, p2, p5 = points
    out = [
        content.fill(
            TEXTS["timeline.curve_html"],
            fb,
            text=e(p1["text"]),
            at=_at(p1),
            text2=e(p2["text"]),
            at2=_at(p2),
            text3=e(p5["text"]),
            at3=_at(p5),
            population=e(p1["population"]),
            citation=e(p1["citation"]),
        )
    ]
    if view == "two-year mark":
        edge = _edge_years(fb)
        out.append(
            content.fill(
                TEXTS["timeline.two_year_html"],
                fb,
                two_year_fact=e(fb.cite(TWO_YEAR_FACT)),
                edge=edge,
                text=e(p2["text"]),
                text2=e(p5["text"]),
                years=p2["years"],
                years2=p5["years"],
                citation=e(p5["citation"]),
            )
        )
    if view == "other series":
        out.append(_series_html(fb))
    out.append(_risk_html(risk, fb))
    out.append(demo.disclaimer_html("timeline"))
    return "".join(out)


class RecurrenceTimeline(demo.FigureDemo):
    """Choose a view and a risk factor → the figure, its alt text and the text below all update."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.view = widgets.ToggleButtons(
            options=list(VIEWS),
            value=VIEWS[0],
            description="Show:",
            tooltips=[
                TEXTS["timeline.curve_tooltip"],
                TEXTS["timeline.two_year_tooltip"],
                TEXTS["timeline.series_tooltip"],
            ],
            style={"description_width": "initial"},
        )
        self.risk = widgets.ToggleButtons(
            options=list(RISK_FACTORS),
            value="none",
            description="Risk factor:",
            tooltips=["No risk factor"]
            + [f"{rf.name} ({ref_labels(self._fb, rf.fact)})" for rf in RISK_FACTORS.values() if rf],
            style={"description_width": "initial"},
        )
        super().__init__([self.view, self.risk], timeline_png, timeline_alt, timeline_html, self._fb)


def recurrence_timeline() -> RecurrenceTimeline:
    """Lesson 3 demo: cumulative recurrence after cure, the two-year mark, other series and risk factors."""
    return RecurrenceTimeline()
