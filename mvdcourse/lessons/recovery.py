"""Lesson 2 — recovery after MVD: immediate cure, delayed cure, and when to call it a failure.

Pure functions return data or figures (easy to test); three builders wrap them in widgets:

* ``timeline_explorer()``: the cumulative share of eventual cures over the months after surgery, drawn
  as steps from two published series; a month slider reads the curves off, and the seed handouts'
  claims can be laid over them as bands.
* ``outcome_grid()``: final outcome × time to cure, filled from the seed handout's list (which adds up
  to more than 100%) or from one published series.
* ``timeline_classifier()``: a student types a patient's timeline and gets its classification
  (immediate cure, delayed cure, delayed cure in progress, persistent spasm, recurrence) with the
  reasoning and the figures behind it.

Every number shown comes from the fact base (``assets/facts.yaml``); texts are written with the fact
base's placeholders (``{fact:ID}``, ``{value:ID}``, ``{seed:ID}``) and rendered with
``FactBase.render``, so ``FACT_IDS`` is collected from them.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .. import facts as factbase
from .. import style
from .. import widgets as demo

DAYS_PER_MONTH = 365.25 / 12
MAX_MONTHS = 36  # the explorer's time axis (three years, so that every handout horizon fits)


def _fb(fb: factbase.FactBase | None) -> factbase.FactBase:
    return fb or factbase.default()


def _months(days: float) -> float:
    return days / DAYS_PER_MONTH


def _fmt_months(months: float) -> str:
    if months < 1:
        days = months * DAYS_PER_MONTH
        return f"day {days:.0f}"
    return f"month {months:g}" if float(months).is_integer() else f"month {months:.1f}"


# ============================================================================ 1. timeline explorer
@dataclass(frozen=True)
class CurvePoint:
    months: float  # time after surgery at which the cumulative share was reported
    fact: str      # numeric fact holding the share (% of eventual cures)
    label: str     # how the source words the time point


@dataclass(frozen=True)
class CureSeries:
    key: str
    name: str                   # legend / direct label
    points: tuple[CurvePoint, ...]
    population: str
    approximate: bool           # bin edges approximate?
    tail_fact: str | None       # 100% reached at a time the source does not give


CURE_SERIES: dict[str, CureSeries] = {s.key: s for s in (
    CureSeries(
        "delayedcure2022", "J Neurol Surg B 2022",
        (CurvePoint(_months(7), "recovery.immediate_7d.delayedcure2022", "within 7 days"),
         CurvePoint(1, "recovery.cum_1mo.delayedcure2022", "by 1 month"),
         CurvePoint(3, "recovery.cum_3mo.delayedcure2022", "by 3 months"),
         CurvePoint(6, "recovery.cum_6mo.delayedcure2022", "by 6 months"),
         CurvePoint(12, "recovery.cum_12mo.delayedcure2022", "by 12 months")),
        "175 consecutive patients", False, "recovery.cum_final.delayedcure2022"),
    CureSeries(
        "goto2002", "Goto 2002",
        (CurvePoint(0, "recovery.immediate.goto2002", "immediately"),
         CurvePoint(1, "recovery.cum_1mo.goto2002", "by about 1 month"),
         CurvePoint(3, "recovery.cum_3mo.goto2002", "by about 3 months"),
         CurvePoint(6, "recovery.cum_6mo.goto2002", "by about 6 months"),
         CurvePoint(10, "recovery.cum_10mo.goto2002", "by about 10 months"),
         CurvePoint(12, "recovery.cum_12mo.goto2002", "by about 12 months")),
        "102 complete recoverers without facial palsy", True, None),
)}

#: Single published points that are not a full curve: a median (50% of eventual cures) and the
#: latest spontaneous cures reported (the end of the tail).
MEDIAN_MARKER = ("recovery.median_all.inha2008", "JKNS 2008 median")
TAIL_MARKERS = (("recovery.longest.inha2008", "JKNS 2008"), ("recovery.delayed_latest.taipei1992",
                                                             "Neurosurgery 1992"))


@dataclass(frozen=True)
class SeedBand:
    key: str
    claim: str               # seed claim id
    label: str               # control label
    months: tuple[float, float]          # window the claim puts the cures in
    share: tuple[float, float] | None    # for a claim about the immediate share: y band (%)
    check: str               # how the claim fares against the curves (placeholders)


SEED_BANDS: dict[str, SeedBand] = {b.key: b for b in (
    SeedBand("S0-06", "S0-06", "S0: fewer than 10% not cured at once", (0, _months(7)), (90, 100),
             "Handout S0 puts the share with no immediate improvement at {seed:S0-06}, which would put at "
             "least nine in ten eventual cures at the left edge of the plot. In these series only "
             "{fact:recovery.immediate.goto2002} of eventual cures were immediate and "
             "{fact:recovery.immediate_7d.delayedcure2022} came within 7 days; across a systematic review "
             "immediate relief ranged {fact:recovery.immediate.pooled_range}. The handout speaks of "
             "improvement in all patients and the curves of cure among eventual cures, so the comparison is "
             "rough, but the claim holds only in a few centres."),
    SeedBand("S0-07", "S0-07", "S0: delayed cures within 6 months", (0, 6), None,
             "Handout S0 says resolution can take up to {seed:S0-07}. By 6 months "
             "{fact:recovery.cum_6mo.delayedcure2022} and {fact:recovery.cum_6mo.goto2002} of eventual cures "
             "had happened: most, not all. Cures were still reported up to "
             "{fact:recovery.delayed_latest.taipei1992}."),
    SeedBand("S1-08", "S1-08", "S1: weeks, up to a year", (0, 12), None,
             "Handout S1 says the delayed group may twitch for weeks or up to {seed:S1-08}. By 12 months "
             "{fact:recovery.cum_12mo.delayedcure2022} and {fact:recovery.cum_12mo.goto2002} of eventual "
             "cures had happened: this fits, with a small tail beyond a year "
             "({fact:recovery.over_1y.inha2008})."),
    SeedBand("S1-20-window", "S1-20-window", "S1: fading over 3 to 12 months", (3, 12), None,
             "Handout S1 says delayed-cure symptoms fade over {seed:S1-20-window}. The curves cannot "
             "settle this: their shares by 3 months ({fact:recovery.cum_3mo.delayedcure2022} and "
             "{fact:recovery.cum_3mo.goto2002}) count all eventual cures, immediate cures included. Among "
             "patients still twitching after surgery, the median time to spasm-free was "
             "{fact:recovery.median_delayed.inha2008} in one series, before the window, and "
             "{fact:recovery.delayed_median.nuntaaree2024} in another, inside it. So the window fits "
             "some series and not others, and it leaves out both the early delayed cures and the tail "
             "beyond a year."),
    SeedBand("S1-17", "S1-17", "S1: some need up to 3 years", (12, 36), None,
             "Handout S1 says older or long-standing cases may need up to {seed:S1-17}. The latest "
             "spontaneous cure found in the literature came at {fact:recovery.longest.inha2008}; nothing "
             "supports a three-year horizon, and almost every cure came within a year."),
)}
OVERLAY_OPTIONS = [("none", "none")] + [(b.label, b.key) for b in SEED_BANDS.values()]


def curve(series_key: str, fb: factbase.FactBase | None = None) -> list[dict]:
    """The published points of one series: months, share of eventual cures (%), label, fact id."""
    fb = _fb(fb)
    s = CURE_SERIES[series_key]
    return [{"months": p.months, "value": fb.fact(p.fact).value, "label": p.label, "fact": p.fact}
            for p in s.points]


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
        return {"series": series_key, "month": month, "value": None, "fact": None, "at": None,
                "label": None, "exact": False,
                "text": f"no point reported before the first one ({first['label']})"}
    p = pts[-1]
    exact = abs(p["months"] - month) < 1e-9
    last = p["fact"] == s.points[-1].fact
    value = p["value"]
    if exact or value >= 100:
        text = f"{fb.text(p['fact'])} {p['label']}"
    else:
        text = f"at least {fb.text(p['fact'])} (last published point: {p['label']})"
    if last and s.tail_fact and value < 100:
        text += f"; {fb.text(s.tail_fact)} only later, at a time the abstract does not give"
    return {"series": series_key, "month": month, "value": value, "fact": p["fact"], "at": p["months"],
            "label": p["label"], "exact": exact, "text": text}


def _sqrt_scale(ax, max_months: float) -> None:
    ax.set_xscale("function", functions=(lambda x: np.sqrt(np.clip(x, 0, None)), lambda x: np.square(x)))
    ticks = [t for t in (0, 1, 3, 6, 12, 24, 36) if t <= max_months]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(0, max_months)


def timeline_figure(month: float = 6, overlay: str = "none", fb: factbase.FactBase | None = None):
    """Step plot of the cumulative share of eventual cures, read off at ``month``. Returns ``(fig, data)``."""
    if overlay != "none" and overlay not in SEED_BANDS:
        raise ValueError(f"unknown overlay '{overlay}'; choose none or one of {', '.join(SEED_BANDS)}")
    fb = _fb(fb)
    readings = {k: reported_share(k, month, fb) for k in CURE_SERIES}
    # Fixed margins instead of a layout engine: this figure is redrawn on every slider step, and a
    # layout pass (an extra full draw) would double the cost. The margins fit the fixed labels.
    fig, ax = style.new_figure(7, 4, layout=None)
    fig.subplots_adjust(left=0.095, right=0.975, bottom=0.125, top=0.92)
    _sqrt_scale(ax, MAX_MONTHS)
    band = None
    if overlay != "none":
        b = SEED_BANDS[overlay]
        y0, y1 = b.share or (0, 104)
        band = {"claim": b.claim, "months": b.months, "share": (y0, y1),
                "verdict": fb.seed_claim(b.claim).verdict}
        ax.add_patch(Rectangle((b.months[0], y0), b.months[1] - b.months[0], y1 - y0,
                               facecolor=style.OKABE_ITO["yellow"], alpha=0.35, hatch="//",
                               edgecolor="#7a6f00", lw=1.2, zorder=1))
        x_mid = ((math.sqrt(b.months[0]) + math.sqrt(b.months[1])) / 2) ** 2
        ax.text(max(x_mid, 0.6), 105, f"{b.label} ({band['verdict']})", ha="center" if x_mid > 2 else "left",
                va="bottom", fontsize=8.5, color="#5a5200", fontweight="bold")
    curves = {}
    label_at = {"delayedcure2022": (1.15, 40), "goto2002": (0.08, 66)}
    for i, (key, s) in enumerate(CURE_SERIES.items()):
        pts = curve(key, fb)
        xs = [p["months"] for p in pts] + [MAX_MONTHS]
        ys = [p["value"] for p in pts] + [pts[-1]["value"]]
        st = style.SERIES[i]
        curves[key] = [(p["months"], p["value"]) for p in pts]
        ax.step(xs, ys, where="post", color=st.color, linestyle=st.linestyle, lw=2, zorder=3)
        ax.plot(xs[:-1], ys[:-1], linestyle="none", marker=st.marker, color=st.color, markersize=6, zorder=4)
        name = s.name + (" (bins approx.)" if s.approximate else "")
        ax.text(*label_at[key], name, color=st.color, fontsize=9, fontweight="bold", zorder=6,
                bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8))
        if s.tail_fact:
            ax.plot([20, 20], [88, pts[-1]["value"] - 1], color=st.color, lw=1)
            ax.text(20, 84, f"{fb.text(s.tail_fact)} later (time not given)", fontsize=8, color=st.color,
                    ha="center")
    med_fact, med_label = MEDIAN_MARKER
    med = _months(fb.fact(med_fact).value)
    ax.plot([med], [50], marker="X", color=style.OKABE_ITO["black"], markersize=8, linestyle="none", zorder=4)
    ax.plot([med, 0.55], [47, 27], color=style.OKABE_ITO["black"], lw=0.8)
    ax.text(0.35, 16, f"{med_label}: {fb.text(med_fact)}\n(all cured, immediate cures included)",
            fontsize=8)
    for j, (fid, label) in enumerate(TAIL_MARKERS):
        f = fb.fact(fid)
        x = _months(f.value) if f.unit == "days" else f.value
        ax.plot([x], [100], marker="|", markersize=14, mew=2.5, color=style.OKABE_ITO["black"], zorder=4)
        y_text = (66, 30)[j % 2]
        ax.plot([x, x], [y_text + 14, 98], color=style.OKABE_ITO["black"], lw=0.8)
        ax.text(x, y_text, f"latest cure\n{label}:\n{f.text()}", fontsize=7.5, ha="center", va="bottom",
                bbox=dict(boxstyle="square,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))
    ax.axvline(month, color="#333333", lw=1.2, linestyle=(0, (2, 2)), zorder=2)
    for i, (key, r) in enumerate(readings.items()):
        if r["value"] is not None:
            ax.plot([month], [r["value"]], marker="o", markersize=11, markerfacecolor="none",
                    markeredgecolor=style.SERIES[i].color, mew=2, zorder=5)
    ax.text(month, 2, f" {_fmt_months(month)}", fontsize=9, va="bottom",
            ha="left" if month < 24 else "right")
    ax.set_ylim(0, 112)
    ax.set_yticks([0, 20, 40, 60, 80, 100])
    ax.set_ylabel("Eventual cures already spasm-free (%)")
    ax.set_xlabel("Months after MVD (square-root scale: early months stretched)")
    ax.set_title("How fast do eventual cures happen? (published points, steps; no curve fitting)",
                 fontsize=10.5)
    data = {"month": month, "overlay": overlay, "band": band, "curves": curves,
            "readings": {k: r["value"] for k, r in readings.items()},
            "median_days": fb.fact(med_fact).value}
    return fig, data


def timeline_alt(month: float, overlay: str = "none", fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    parts = []
    for key, s in CURE_SERIES.items():
        pts = ", ".join(f"{fb.text(p['fact'])} {p['label']}" for p in curve(key, fb))
        tail = f", {fb.text(s.tail_fact)} later" if s.tail_fact else ""
        parts.append(f"{s.name}: {pts}{tail}")
    reads = "; ".join(f"{CURE_SERIES[k].name} {r['text']}" for k, r in
                      ((k, reported_share(k, month, fb)) for k in CURE_SERIES))
    text = (f"Step plot of the cumulative share of eventual cures over 0 to {MAX_MONTHS} months after MVD. "
            + ". ".join(parts) + f". Marker: median {fb.text(MEDIAN_MARKER[0])} in JKNS 2008 (across all "
            f"cured patients, immediate cures included); latest cures reported at "
            f"{fb.text('recovery.longest.inha2008')} and {fb.text('recovery.delayed_latest.taipei1992')}. "
            f"Dashed line at {_fmt_months(month)}: {reads}.")
    if overlay != "none":
        b = SEED_BANDS[overlay]
        text += (f" Shaded band: handout claim {b.claim} ({b.label}), verdict "
                 f"{fb.seed_claim(b.claim).verdict}.")
    return text


def timeline_html(month: float, overlay: str = "none", fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    rows = []
    for key, s in CURE_SERIES.items():
        r = reported_share(key, month, fb)
        approx = " (bin edges approximate)" if s.approximate else ""
        rows.append(f"<li><b>[{html.escape(s.name)}]</b>, {html.escape(s.population)}{approx}: "
                    f"{html.escape(r['text'])}.</li>")
    parts = [f"<p><b>At {html.escape(_fmt_months(month))} after surgery</b>, the share of eventual cures "
             "(immediate cures included) that were already spasm-free:</p><ul>" + "".join(rows) + "</ul>",
             "<p>Read the step as “at least”: between two published points the true share lies between "
             "them, and nothing is drawn where the source gives nothing. Median time to spasm-free: "
             + html.escape(fb.render("{fact:recovery.median_all.inha2008} and "
                                     "{fact:recovery.median_all.delayedcure2022} across all cured patients, "
                                     "immediate cures included; "
                                     "{fact:recovery.median_delayed.inha2008} to "
                                     "{fact:recovery.delayed_median.nuntaaree2024} for patients still "
                                     "twitching after surgery")) + ".</p>"]
    if overlay != "none":
        b = SEED_BANDS[overlay]
        c = fb.seed_claim(b.claim)
        parts.append(f"<p><b>Handout claim {html.escape(b.claim)}</b> (“{html.escape(c.claim)}”) — verdict "
                     f"in the course's fact base: <b>{html.escape(c.verdict)}</b>. "
                     f"{html.escape(fb.render(b.check))}</p>")
    return "".join(parts)


class TimelineExplorer(demo.FigureDemo):
    """Months slider (the lesson's first slider) and handout-claim overlay."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.month = widgets.IntSlider(value=6, min=0, max=MAX_MONTHS, step=1,
                                       description="Months since surgery:", continuous_update=False,
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="460px"))
        self.overlay = widgets.Dropdown(options=OVERLAY_OPTIONS, value="none",
                                        description="Overlay a handout claim:",
                                        style={"description_width": "initial"})
        super().__init__([self.month, self.overlay], timeline_figure, timeline_alt, timeline_html, self._fb)


def timeline_explorer() -> TimelineExplorer:
    """Lesson 2 demo: move the month slider along the published cure curves; overlay a handout's claim."""
    return TimelineExplorer()


# ============================================================================ 2. outcome × timing grid
ROWS = ("Complete relief at last follow-up", "Relief, then spasm came back", "Never complete relief")
COLS = ("Immediate", "Delayed", "Never complete")
_COL_HEAD = ("Immediate", "Delayed", "Never\ncomplete")
#: Cells that cannot hold anyone: complete relief needs relief; never-complete has no time to cure.
IMPOSSIBLE = {(0, 2), (1, 2), (2, 0), (2, 1)}

#: The seed handout's list (S1): category, seed claim, what axis it belongs to.
SEED_LIST = (
    ("Complete resolution", "S1-18", "final outcome"),
    ("Significant improvement", "S1-19", "final outcome"),
    ("Delayed cure", "S1-20", "time to cure"),
    ("No improvement", "S1-23", "final outcome"),
)

SEED_SUM_KEY = "Handout S1's list"

#: One published series with both margins reported (Nunta-aree 2024, 100 patients, so count = %).
SERIES_ROWS = ("recovery.final_complete.nuntaaree2024", "recovery.recurrence.nuntaaree2024",
               "recovery.incomplete.nuntaaree2024")
SERIES_COLS = ("recovery.immediate.nuntaaree2024", "recovery.delayed.nuntaaree2024",
               "recovery.incomplete.nuntaaree2024")
GRID_SOURCES = {"seed": "Seed handout S1 (its outcome list)",
                "series": "Nunta-aree 2024 (100 patients)"}
GRID_TEXT = {
    "seed": (
        "Handout S1 lists “complete resolution” {seed:S1-18}, “significant improvement” {seed:S1-19}, "
        "“delayed cure” {seed:S1-20} and “no improvement” {seed:S1-23}. Three of these describe the "
        "<i>final outcome</i> (rows); “delayed cure” describes the <i>time to cure</i> (a column). A "
        "delayed cure who ends spasm-free is already inside the complete-resolution row, so the hatched cell "
        "is counted twice, and the list adds up to more than 100%. Compared with the literature, its "
        "delayed-cure share fits the pooled figure ({fact:recovery.delayed.pooled}), its complete-resolution "
        "share is above the usual range ({fact:first_mvd.complete_relief_range}), and it leaves recurrence "
        "(which it gives elsewhere as {seed:S1-03}) out of the list."),
    "series": (
        "In this series {fact:recovery.immediate.nuntaaree2024} were in complete remission at 1 week and "
        "{value:recovery.delayed.nuntaaree2024} reached it later (of the "
        "{value:recovery.not_complete_1wk.nuntaaree2024} not yet in remission at 1 week); "
        "{value:recovery.incomplete.nuntaaree2024} never did. The columns add up to 100%. At last follow-up "
        "{value:recovery.final_complete.nuntaaree2024} were in complete remission, "
        "{value:recovery.recurrence.nuntaaree2024} had recurred and {value:recovery.incomplete.nuntaaree2024} "
        "had incomplete relief: the rows add up to 100% too. How the recurrences split between immediate and "
        "delayed cures is not given in the abstract, so those cells stay open."),
}


def grid_data(source: str = "seed", fb: factbase.FactBase | None = None) -> dict:
    """What the grid shows: cell texts, margins and the sums a reader might form."""
    if source not in GRID_SOURCES:
        raise ValueError(f"unknown grid source '{source}'; choose one of {', '.join(GRID_SOURCES)}")
    fb = _fb(fb)
    cells = {(r, c): ("impossible" if (r, c) in IMPOSSIBLE else "") for r in range(3) for c in range(3)}
    if source == "seed":
        listed = [(name, fb.seed_claim(cid).value, fb.seed_claim(cid).text(), axis)
                  for name, cid, axis in SEED_LIST]
        cells[(0, 0)] = "complete resolution"
        cells[(0, 1)] = "complete resolution + delayed cure: counted twice"
        cells[(1, 0)] = "not in the list"
        cells[(1, 1)] = "delayed cure (recurrence not in the list)"
        cells[(2, 2)] = "significant improvement; no improvement"
        total = round(sum(v for _, v, _, _ in listed), 1)
        sums = {SEED_SUM_KEY: total}
        return {"source": source, "cells": cells, "listed": listed, "row_totals": None, "col_totals": None,
                "sums": sums, "double_counted": [(0, 1)]}
    rows = [fb.fact(f).value for f in SERIES_ROWS]
    cols = [fb.fact(f).value for f in SERIES_COLS]
    for rc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        cells[rc] = "split not reported"
    cells[(2, 2)] = fb.text(SERIES_COLS[2])
    mixed = [("Complete relief", rows[0]), ("Delayed cure", cols[1]), ("Never complete", rows[2])]
    sums = {"Final outcome (rows)": round(sum(rows), 1), "Time to cure (columns)": round(sum(cols), 1),
            "Mixed like the handout": round(sum(v for _, v in mixed), 1)}
    return {"source": source, "cells": cells, "row_totals": rows, "col_totals": cols,
            "listed": [(n, v, f"{v:g}%", "mixed") for n, v in mixed], "sums": sums,
            "double_counted": [], "consistency": {"cured_columns": round(cols[0] + cols[1], 1),
                                                  "complete_plus_recurred": round(rows[0] + rows[1], 1)}}


def _draw_grid(ax, d: dict, fb: factbase.FactBase) -> None:
    n = 3
    for (r, c), text in d["cells"].items():
        y = n - 1 - r
        if (r, c) in IMPOSSIBLE:
            ax.add_patch(Rectangle((c, y), 1, 1, facecolor="#EEEEEE", edgecolor="#BBBBBB", hatch="xx", lw=0.8))
            ax.text(c + 0.5, y + 0.5, "impossible", ha="center", va="center", fontsize=7.5, color="#777777")
            continue
        ax.add_patch(Rectangle((c, y), 1, 1, facecolor="white", edgecolor="#555555", lw=1))
    if d["source"] == "seed":
        blue, verm = style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
        listed = {name: txt for name, _, txt, _ in d["listed"]}
        ax.add_patch(Rectangle((0.04, 2.08), 1.92, 0.84, facecolor=blue, alpha=0.18, edgecolor=blue, lw=2))
        ax.text(0.5, 2.5, f"Complete\nresolution\n{listed['Complete resolution']}", fontsize=8.5,
                color=blue, ha="center", va="center", fontweight="bold")
        ax.annotate("", (1.1, 2.85), xytext=(0.85, 2.85), arrowprops=dict(arrowstyle="->", color=blue, lw=1.5))
        ax.add_patch(Rectangle((1.1, 1.06), 0.8, 1.8, facecolor=verm, alpha=0.15, edgecolor=verm, lw=2,
                               linestyle="--"))
        ax.text(1.5, 1.5, f"Delayed cure\n{listed['Delayed cure']}", fontsize=8.5, color=verm,
                ha="center", va="center", fontweight="bold")
        ax.add_patch(Rectangle((1.1, 2.1), 0.8, 0.55, facecolor="none", edgecolor="black", hatch="////", lw=0))
        ax.text(1.5, 2.38, "counted\ntwice", ha="center", va="center", fontsize=8.5, fontweight="bold",
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="black"))
        ax.text(0.5, 1.5, "recurrence:\nnot in\nthe list", ha="center", va="center", fontsize=8, color="#555555")
        ax.text(2.5, 0.5, f"Significant\nimprovement {listed['Significant improvement']}\n\nNo improvement\n"
                f"{listed['No improvement']}", ha="center", va="center", fontsize=8.5)
    else:
        for (r, c), text in d["cells"].items():
            if text == "split not reported":
                ax.text(c + 0.5, n - 1 - r + 0.5, "?\nsplit not\nreported", ha="center", va="center",
                        fontsize=8, color="#555555")
        ax.text(2.5, 0.5, d["cells"][(2, 2)], ha="center", va="center", fontsize=12, fontweight="bold")
        for r, v in enumerate(d["row_totals"]):
            ax.text(3.08, n - 1 - r + 0.5, f"{v:g}%", va="center", fontsize=10, fontweight="bold")
        for c, v in enumerate(d["col_totals"]):
            ax.text(c + 0.5, -0.22, f"{v:g}%", ha="center", va="center", fontsize=10, fontweight="bold")
        ax.text(3.08, -0.22, "100%", va="center", fontsize=9, color="#555555")
        ax.text(3.08, 3.06, "row\ntotal", fontsize=8.5, color="#555555", va="bottom")
        ax.text(-0.06, -0.22, "column total", ha="right", va="center", fontsize=8.5, color="#555555")
    for c, name in enumerate(_COL_HEAD):
        ax.text(c + 0.5, 3.06, name, ha="center", va="bottom", fontsize=9)
    for r, name in enumerate(ROWS):
        ax.text(-0.06, n - 1 - r + 0.5, name.replace(", ", ",\n").replace(" at ", "\nat "), ha="right",
                va="center", fontsize=8.5)
    ax.text(1.5, 3.45, "Time to cure →", ha="center", fontsize=9.5, fontweight="bold")
    ax.text(-1.55, 3.45, "Final outcome ↓", ha="left", fontsize=9.5, fontweight="bold")
    ax.set_xlim(-1.6, 3.5)
    ax.set_ylim(-0.45, 3.7)
    ax.set_aspect("auto")
    ax.axis("off")


def _draw_sums(ax, d: dict) -> None:
    hatches = ("", "//", "..", "xx", "\\\\")
    colors = (style.OKABE_ITO["blue"], style.OKABE_ITO["orange"], style.OKABE_ITO["vermillion"],
              style.OKABE_ITO["bluish_green"], style.OKABE_ITO["reddish_purple"])
    if d["source"] == "seed":
        bars = [("Handout S1's list", [(n, v) for n, v, _, _ in d["listed"]])]
    else:
        rows = list(zip(("complete", "recurred", "never complete"), d["row_totals"]))
        cols = list(zip(("immediate", "delayed", "never complete"), d["col_totals"]))
        bars = [("Rows (final outcome)", rows), ("Columns (time to cure)", cols),
                ("Mixed like the handout", [(n, v) for n, v, _, _ in d["listed"]])]
    bars = [(f"{name}: " + " + ".join(f"{v:g}" for _, v in segs), segs) for name, segs in bars]
    for y, (name, segs) in enumerate(reversed(bars)):
        left = 0
        for i, (seg, v) in enumerate(segs):
            ax.barh(y, v, left=left, color=colors[i % 5], alpha=0.55, hatch=hatches[i % 5],
                    edgecolor="black", lw=0.6, height=0.6)
            if v >= 12:
                ax.text(left + v / 2, y, f"{seg} {v:g}", ha="center", va="center", fontsize=8,
                        bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.7))
            left += v
        ax.text(left + 2, y, f"= {left:g}%", va="center", fontsize=9, fontweight="bold")
    ax.axvline(100, color="black", linestyle="--", lw=1.2)
    ax.text(101, len(bars) - 0.55, "100% of patients", ha="left", fontsize=8)
    ax.set_yticks(range(len(bars)), [b[0] for b in reversed(bars)], fontsize=8.5)
    ax.set_xlim(0, 145)
    ax.set_ylim(-0.5, len(bars) - 0.3)
    ax.set_xlabel("Sum of the listed percentages", fontsize=9)
    ax.grid(False)
    ax.set_title("Adding the listed categories up", fontsize=10)


def grid_figure(source: str = "seed", add_up: bool = False, fb: factbase.FactBase | None = None):
    """The two-axis grid (and, if ``add_up``, the sums as bars). Returns ``(fig, data)``."""
    fb = _fb(fb)
    d = grid_data(source, fb)
    # Fixed axes positions (no layout engine): the grid's labels live inside its own axes.
    if add_up:
        n_bars = 1 if source == "seed" else 3
        bars_h = 0.45 * n_bars + 0.9  # inches for the bar panel incl. its labels
        height = 4 + bars_h
        fig, ax = style.new_figure(7, height, layout=None)
        ax.set_position([0.01, bars_h / height, 0.98, 4 / height * 0.93])
        with plt.rc_context(style.RC):
            ax2 = fig.add_axes([0.43, 0.55 / height, 0.47, (bars_h - 0.95) / height])
        _draw_sums(ax2, d)
    else:
        fig, ax = style.new_figure(7, 4, layout=None)
        ax.set_position([0.01, 0.0, 0.98, 0.93])
    _draw_grid(ax, d, fb)
    title = ("Handout S1's outcome list on two axes" if source == "seed"
             else f"One published series on two axes {fb.labels(SERIES_ROWS[0])}")
    ax.set_title(title, fontsize=10.5)
    data = {"source": source, "add_up": add_up, "cells": {f"{ROWS[r]} × {COLS[c]}": t
                                                           for (r, c), t in d["cells"].items()},
            "row_totals": d["row_totals"], "col_totals": d["col_totals"], "sums": d["sums"],
            "listed": [(n, v) for n, v, _, _ in d["listed"]]}
    return fig, data


def grid_alt(source: str, add_up: bool = False, fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    d = grid_data(source, fb)
    head = ("Three-by-three grid: rows are the final outcome (complete relief at last follow-up; relief then "
            "spasm came back; never complete relief), columns the time to cure (immediate; delayed; never "
            "complete). Cells that cannot hold anyone are hatched grey. ")
    if source == "seed":
        listed = "; ".join(f"{n} {t} ({axis})" for n, _, t, axis in d["listed"])
        text = (head + f"Handout S1's list placed on it: {listed}. The complete-resolution row and the "
                "delayed-cure column overlap in the cell 'complete relief × delayed', which is hatched and "
                "counted twice.")
    else:
        text = (head + "Filled from Nunta-aree 2024, 100 patients: column totals immediate "
                f"{d['col_totals'][0]:g}%, delayed {d['col_totals'][1]:g}%, never complete {d['col_totals'][2]:g}%; "
                f"row totals complete {d['row_totals'][0]:g}%, recurred {d['row_totals'][1]:g}%, never complete "
                f"{d['row_totals'][2]:g}%. The split of the cured patients between immediate and delayed within "
                "each row is not reported.")
    if add_up:
        text += " Bar chart of sums against a 100% line: " + "; ".join(
            f"{k.replace(chr(10), ' ')} {v:g}%" for k, v in d["sums"].items()) + "."
    return text


def grid_html(source: str, add_up: bool = False, fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    d = grid_data(source, fb)
    # GRID_TEXT holds placeholders and one kind of markup (<i>); escape everything, then restore <i>.
    text = html.escape(fb.render(GRID_TEXT[source]), quote=False)
    parts = [f"<p>{text.replace('&lt;i&gt;', '<i>').replace('&lt;/i&gt;', '</i>')}</p>"]
    if source == "series":
        c = d["consistency"]
        parts.append(f"<p>Check: {d['col_totals'][0]:g} + {d['col_totals'][1]:g} = {c['cured_columns']:g} "
                     f"cured at some time; {d['row_totals'][0]:g} + {d['row_totals'][1]:g} = "
                     f"{c['complete_plus_recurred']:g} complete at last follow-up or recurred.</p>")
    if add_up:
        if source == "seed":
            taken = ", ".join(html.escape(t) for _, _, t, _ in d["listed"])
            parts.append(f"<p><b>Sum of the handout's list: {d['sums'][SEED_SUM_KEY]:g}%"
                         f"</b> (taking {taken} at face value). More than 100% is impossible "
                         "for categories that are supposed to split the same patients: one of them is on the "
                         "other axis.</p>")
        else:
            s = d["sums"]
            parts.append(f"<p><b>Rows alone add up to {s['Final outcome (rows)']:g}%, columns alone to "
                         f"{s['Time to cure (columns)']:g}%</b>; mixing a column into the rows, as the handout "
                         f"does, gives {s['Mixed like the handout']:g}% even with this series' real figures.</p>")
    return "".join(parts)


class OutcomeGrid(demo.FigureDemo):
    """Choose what fills the grid; optionally add the listed categories up."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.source = widgets.ToggleButtons(options=[(v, k) for k, v in GRID_SOURCES.items()], value="seed",
                                            description="Fill the grid from:",
                                            style={"description_width": "initial"})
        self.add_up = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"),
                                       description="Add the listed percentages together")
        super().__init__([self.source, self.add_up], grid_figure, grid_alt, grid_html, self._fb)


def outcome_grid() -> OutcomeGrid:
    """Lesson 2 demo: place a handout's outcome list or one series on the outcome × timing grid; add it up."""
    return OutcomeGrid()


# ============================================================================ 3. timeline classifier
IMMEDIATE_CUTOFFS = {  # day by which a spasm-free patient counts as an "immediate" cure
    3: "recovery.immediate_3d.choi1999",
    7: "recovery.immediate_7d.delayedcure2022",
}
CONVENTIONS = {  # when the final result is judged: label -> (months, who uses it, fact cited)
    "6 months": (6, "handout S0's rule; in one large series outcomes at 6 and 9 months matched those after "
                    "more than 12 months", "recovery.outcome_6mo_equals_12mo"),
    "1 year": (12, "the final result should be judged at {value:recovery.judge_at_1y}", "recovery.judge_at_1y"),
}
NOW_OPTIONS = ("gone", "improving", "unchanged")
SILENT_FACT = "recovery.silent_period_max.inha2008"

CATEGORIES = ("immediate cure", "delayed cure", "delayed cure in progress", "persistent spasm",
              "recurrence", "cured, timing unknown", "not classified", "invalid")


class TimelineError(ValueError):
    """A timeline the classifier cannot accept: the message says what to change."""


@dataclass
class Timeline:
    follow_up_days: float
    free_day: float | None = None     # first spasm-free day after MVD
    back_day: float | None = None     # day the spasm came back after being free
    now: str = "gone"                 # spasm now: gone / improving / unchanged


@dataclass
class Verdict:
    category: str
    headline: str
    reasons: list[str] = field(default_factory=list)  # rendered sentences (figures cited)
    message: str = ""                                  # what is wrong or missing in the input
    timeline: Timeline | None = None

    @property
    def ok(self) -> bool:
        return self.category not in ("invalid",)


_TIME = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(d|days?|w|wks?|weeks?|m|mo|mos|months?|y|yrs?|years?)?\s*$",
                   re.IGNORECASE)
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
            raise TimelineError(f"{what}: “{s}” is not a time. Type a number, optionally with a unit, "
                                f"e.g. 14, 14 days, 2 weeks, 3 months or 1 year.")
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
        raise TimelineError("Months since MVD is empty: enter how long ago the operation was, e.g. 3 "
                            "(months) or 10 days.")
    if now not in NOW_OPTIONS:
        raise TimelineError(f"Spasm now must be one of {', '.join(NOW_OPTIONS)}, not “{now}”.")
    return Timeline(f, parse_time(free_day, "d", "First spasm-free on day"),
                    parse_time(back_at, "m", "Spasm came back at"), now)


def _r(fb, text: str) -> str:
    return fb.render(text)


def _conv_basis(convention: str, fb) -> str:
    _, text, fid = CONVENTIONS[convention]
    return f"{fb.render(text)} {fb.labels(fid)}"


def _cum_by(months: float, fb) -> str:
    rs = [reported_share(k, months, fb) for k in CURE_SERIES]
    parts = [f"{r['text']} [{CURE_SERIES[r['series']].name}]" for r in rs if r["value"] is not None]
    return "; ".join(parts) if parts else "no published point this early"


def classify(t: Timeline, immediate_by_day: int = 7, convention: str = "1 year",
             fb: factbase.FactBase | None = None) -> Verdict:
    """Classify a patient timeline. Contradictions come back as ``category='invalid'`` with a message."""
    fb = _fb(fb)
    if immediate_by_day not in IMMEDIATE_CUTOFFS:
        raise ValueError(f"immediate cure cut-off must be one of {sorted(IMMEDIATE_CUTOFFS)} days")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}")
    horizon_months = CONVENTIONS[convention][0]
    horizon = horizon_months * DAYS_PER_MONTH
    silent_max = fb.fact(SILENT_FACT).value
    F, S, B, now = t.follow_up_days, t.free_day, t.back_day, t.now
    fm = _months(F)

    def bad(msg: str) -> Verdict:
        return Verdict("invalid", "This timeline cannot happen as entered", message=msg, timeline=t)

    # ---- contradictions first
    if B is not None and S is None:
        return bad("Recurrence before cure: the spasm cannot come back if the patient was never spasm-free. "
                   "Enter the day it first stopped, or clear “Spasm came back at”. (A spasm that never "
                   "stopped is a delayed cure in progress or persistent spasm, not a recurrence.)")
    if S is not None and S > F + 1e-9:
        return bad(f"The patient cannot have been spasm-free from day {S:g}: only {F:.0f} days "
                   f"({fm:.1f} months) have passed since the operation.")
    if B is not None and B <= S:
        return bad(f"The spasm came back ({_fmt_months(_months(B))}) before or on the day it stopped "
                   f"(day {S:g}). Check the order of the two dates.")
    if B is not None and B > F + 1e-9:
        return bad(f"The spasm cannot have come back at {_fmt_months(_months(B))}: only {fm:.1f} months have "
                   "passed since the operation.")
    if S is not None and B is None and now != "gone":
        return bad(f"The timeline says spasm-free since day {S:g} and never back, but “Spasm now” says "
                   f"{now}. Either enter when the spasm came back, or set “Spasm now” to gone.")

    durability = _r(fb, "Whether a cure lasts is a separate question: recurrence after relief was "
                        "{fact:first_mvd.recurrence.miller2012} in pooled data and "
                        "{fact:recovery.recurrence.nuntaaree2024} in one series; cumulative recurrence "
                        "after a successful MVD was {fact:recurrence.1y.chang2012} at 1 year and "
                        "{fact:recurrence.5y.chang2012} at 5 years.")
    immediate_def = _r(fb, f"Here “immediate” means spasm-free by day {immediate_by_day}; series differ "
                           "(relief within 3 days: {fact:recovery.immediate_3d.choi1999}, "
                           "{fact:recovery.immediate_3d.taipei1992}; within 7 days: "
                           "{fact:recovery.immediate_7d.delayedcure2022}), which is one reason published "
                           "immediate-cure shares range {fact:recovery.immediate.pooled_range}.")

    # ---- no spasm-free date
    if S is None:
        if now == "gone":
            return Verdict("cured, timing unknown", "Cured, but immediate or delayed cannot be told",
                           [immediate_def, durability],
                           message="Missing value: the spasm is gone but “First spasm-free on day” is empty. "
                                   "Enter that day to tell an immediate from a delayed cure.", timeline=t)
        trend = ("The spasm is fading, which is the usual course of a delayed cure."
                 if now == "improving" else
                 "The spasm is unchanged. Delayed cures often fade gradually, and the sources here give no "
                 "separate figure for patients with no change at all.")
        tail = _r(fb, "A few cures come even later: {fact:recovery.over_1y.inha2008} The latest reported came at "
                      "{fact:recovery.longest.inha2008} and {fact:recovery.delayed_latest.taipei1992}.")
        if F < horizon:
            early_note = ("By the 6 months convention this patient would already count as a failure "
                          "(persistent spasm): the label depends on the convention, not on the patient."
                          if convention == "1 year" and fm >= 6 else
                          "So far no convention would call this a failure.")
            return Verdict(
                "delayed cure in progress", f"Not cured yet; by the {convention} convention it is too early to "
                "call this a failure",
                [trend,
                 _r(fb, "Median time to spasm-free for patients still twitching after surgery: "
                        "{fact:recovery.median_delayed.inha2008} to {fact:recovery.delayed_median.nuntaaree2024}."),
                 f"Share of all eventual cures (immediate cures included) reached by {_fmt_months(fm)}: "
                 f"{_cum_by(fm, fb)}. So some eventual cures are still to come.",
                 _r(fb, "Delayed cure is common: {fact:recovery.delayed.pooled} pooled, range "
                        "{value:recovery.delayed.pooled_range} between studies."),
                 early_note, tail], timeline=t)
        other = "1 year" if convention == "6 months" else "6 months"
        reasons = [trend,
                   f"By the {convention} convention ({_conv_basis(convention, fb)}) "
                   f"a patient still twitching at {_fmt_months(fm)} counts as a failure (persistent spasm).",
                   f"Share of all eventual cures (immediate cures included) reached by {_fmt_months(fm)}: "
                   f"{_cum_by(fm, fb)}.",
                   tail,
                   _r(fb, "Nearly all failures appear within {fact:first_mvd.failures_within_24mo.barker1995}.")]
        if fm < CONVENTIONS[other][0]:
            reasons.insert(2, f"By the {other} convention the same patient would still count as a possible "
                              "delayed cure: the label depends on the convention, not on the patient.")
        return Verdict("persistent spasm", f"Persistent spasm (never cured) by the {convention} convention",
                       reasons, timeline=t)

    # ---- spasm-free at some point
    silent = B is not None and S <= immediate_by_day and (B - S) <= silent_max + 1e-9
    silent_text = _r(fb, "In one series, {fact:recovery.silent_period.inha2008} of eventual cures followed "
                         "this pattern: no spasm right after surgery, spasm back within days (a silent period "
                         "of up to {value:recovery.silent_period_max.inha2008}), then gradual fading.")
    if B is not None:
        if silent and now == "gone":
            return Verdict("delayed cure", "Delayed cure after a short silent period",
                           [silent_text, "An early return like this is not counted as a recurrence.", durability],
                           timeline=t)
        if silent:
            return Verdict("delayed cure in progress",
                           "Probably a delayed cure after a silent period, not a recurrence",
                           [silent_text, f"The spasm returned {B - S:.0f} days after it stopped, within the "
                            "longest silent period reported.",
                            f"Share of all eventual cures (immediate cures included) reached by {_fmt_months(fm)}: "
                            f"{_cum_by(fm, fb)}.",
                            _r(fb, "Median time to spasm-free for patients still twitching after surgery: "
                                   "{fact:recovery.median_delayed.inha2008} to "
                                   "{fact:recovery.delayed_median.nuntaaree2024}.")], timeline=t)
        if now == "gone":
            return Verdict("not classified", "Relief, return and relief again: not classified here",
                           [silent_text, "This return came later than any silent period reported, and the spasm "
                            "has settled again; the sources used here do not classify such a course."],
                           message="Not classified: discuss this course with your tutor.", timeline=t)
        free_for = B - S
        return Verdict("recurrence", "Recurrence after a cure",
                       [f"The patient was spasm-free for {free_for:.0f} days ({_months(free_for):.1f} months) before "
                        "the spasm came back: that is a recurrence, not a failure to cure.",
                        _r(fb, "Recurrence after relief: {fact:first_mvd.recurrence.miller2012} pooled; "
                               "{fact:recovery.recurrence.nuntaaree2024} in one series; cumulative "
                               "{fact:recurrence.1y.chang2012} at 1 year, {fact:recurrence.2y.chang2012} at 2 years "
                               "and {fact:recurrence.5y.chang2012} at 5 years."),
                        _r(fb, "{fact:recovery.persistent_vs_recurrent}"),
                        "Recurrence is the subject of Lesson 3."], timeline=t)
    # spasm-free and still free
    late = _r(fb, "Cures this late are rare but reported: {fact:recovery.over_1y.inha2008}")
    if S <= immediate_by_day:
        reasons = [immediate_def, durability]
        if F < 30:
            reasons.insert(0, "Only a short time has passed since the operation; the label can still change if "
                              "the spasm returns.")
        return Verdict("immediate cure", f"Immediate cure (spasm-free from day {S:g})", reasons, timeline=t)
    reasons = [immediate_def,
               _r(fb, "Median time to spasm-free for patients still twitching after surgery: "
                      "{fact:recovery.median_delayed.inha2008} to {fact:recovery.delayed_median.nuntaaree2024} "
                      "(across all cured patients, immediate cures included: "
                      "{fact:recovery.median_all.inha2008} and {fact:recovery.median_all.delayedcure2022})."),
               f"Share of all eventual cures (immediate cures included) reached by {_fmt_months(_months(S))}: "
               f"{_cum_by(_months(S), fb)}.",
               durability]
    if S > horizon:
        reasons.insert(1, f"This cure came after the {convention} convention's horizon: counted as a failure at "
                          f"{convention}, it turned out to be a late delayed cure. " + late)
    return Verdict("delayed cure", f"Delayed cure (spasm-free from {_fmt_months(_months(S))})", reasons, timeline=t)


def classifier_figure(v: Verdict, immediate_by_day: int = 7, convention: str = "1 year"):
    """The patient's timeline as a bar (spasm present / spasm-free / spasm back). Returns ``(fig, data)``."""
    fig, ax = style.new_figure(7, 2.4, layout=None)  # fixed margins: no layout pass on each redraw
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.22, top=0.88)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    horizon = CONVENTIONS[convention][0]
    t = v.timeline
    segments = []
    if t is None or v.category == "invalid":
        ax.text(0.5, 0.5, "No timeline to draw: read the message below.", ha="center", va="center",
                transform=ax.transAxes, fontsize=11)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        return fig, {"category": v.category, "segments": segments, "follow_up_months": None}
    F = _months(t.follow_up_days)
    S = None if t.free_day is None else _months(t.free_day)
    B = None if t.back_day is None else _months(t.back_day)
    if S is None:
        segments.append(("spasm present", 0.0, F))
    else:
        if S > 0:
            segments.append(("spasm present", 0.0, S))
        segments.append(("spasm-free", S, B if B is not None else F))
        if B is not None:
            segments.append(("spasm back" if t.now != "gone" else "spasm back, then gone", B, F))
    look = {"spasm present": (style.OKABE_ITO["vermillion"], "///"),
            "spasm-free": (style.OKABE_ITO["bluish_green"], ""),
            "spasm back": (style.OKABE_ITO["reddish_purple"], "xx"),
            "spasm back, then gone": (style.OKABE_ITO["reddish_purple"], "..")}
    xmax = max(F, horizon, 1) * 1.1
    _sqrt_scale(ax, xmax)
    ticks = [x for x in (0, 1, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200) if x <= xmax]
    ax.set_xticks(ticks, [f"{x:g}" for x in ticks])
    root = math.sqrt(xmax)
    small = 0
    for name, a, b in segments:
        color, hatch = look[name]
        width = max(b - a, (0.004 * root) ** 2)
        ax.barh(0, width, left=a, height=0.5, color=color, alpha=0.45 if hatch else 0.6, hatch=hatch,
                edgecolor="black", lw=0.8)
        mid = ((math.sqrt(a) + math.sqrt(b)) / 2) ** 2
        if math.sqrt(b) - math.sqrt(a) > 0.2 * root:
            ax.text(mid, 0, name, ha="center", va="center", fontsize=9, fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.75))
        else:
            near_edge = math.sqrt(mid) < 0.12 * root
            ax.annotate(name, (mid, 0.25), xytext=(0 if near_edge else mid, 0.45 + 0.3 * small), fontsize=8,
                        ha="left" if near_edge else "center", va="bottom",
                        arrowprops=dict(arrowstyle="->", lw=0.7))
            small += 1
    imm = _months(immediate_by_day)
    ax.axvline(imm, color="black", lw=1, linestyle=":")
    ax.text(imm, -0.95, f"“immediate”: by day {immediate_by_day} ", fontsize=7.5, va="bottom", ha="left")
    ax.axvline(horizon, color="black", lw=1.2, linestyle="--")
    ax.text(horizon, 0.95, f"judged at {convention} ", fontsize=8, va="top", ha="right")
    ax.plot([F], [-0.36], marker="^", color="black", markersize=9)
    ax.text(F, -0.5, "now", ha="center", fontsize=8, va="top")
    ax.set_ylim(-1.05, 1.0)
    ax.set_xlabel("Months after MVD (square-root scale)")
    ax.set_title(f"Classification: {v.category}", fontsize=10.5)
    return fig, {"category": v.category, "segments": [(n, round(a, 2), round(b, 2)) for n, a, b in segments],
                 "follow_up_months": round(F, 2)}


def classifier_alt(v: Verdict, data: dict, convention: str = "1 year") -> str:
    if v.category == "invalid":
        return "Empty patient timeline: the timeline as entered cannot happen; the message below says why."
    segs = "; ".join(f"{n} from month {a:g} to {b:g}" for n, a, b in data["segments"])
    return (f"Patient timeline bar over {data['follow_up_months']:g} months after MVD: {segs}. Dashed line at "
            f"the {convention} convention. Classification: {v.category}.")


def classifier_html(v: Verdict) -> str:
    parts = []
    if v.message:
        parts.append(f"<p role='alert' style='color:#8B2500'><b>{'⚠ ' if v.category == 'invalid' else 'ℹ '}"
                     f"{html.escape(v.message)}</b></p>")
    parts.append(f"<h4 style='margin:4px 0'>{html.escape(v.headline)}</h4>")
    if v.category != "invalid":
        parts.append(f"<p>Category: <b>{html.escape(v.category)}</b></p>")
    if v.reasons:
        parts.append("<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in v.reasons) + "</ul>")
    parts.append(demo.disclaimer_html("classifier"))
    return "".join(parts)


class TimelineClassifier(widgets.VBox):
    """Type a timeline; read its classification, the reasoning and the figures. Never raises."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        st = {"description_width": "initial"}
        self.follow_up = widgets.Text(value="2", description="Months since MVD:", style=st,
                                      placeholder="e.g. 2 or 10 days", continuous_update=False)
        self.free_day = widgets.Text(value="", description="First spasm-free on day:", style=st,
                                     placeholder="blank = not yet", continuous_update=False)
        self.back_at = widgets.Text(value="", description="Spasm came back at (months):", style=st,
                                    placeholder="blank = did not come back", continuous_update=False)
        self.now = widgets.Dropdown(options=list(NOW_OPTIONS), value="improving", description="Spasm now:",
                                    style=st)
        self.immediate_by = widgets.ToggleButtons(
            options=[("day 3", 3), ("day 7", 7)], value=7, description="“Immediate” means spasm-free by:",
            style=st)
        self.convention = widgets.ToggleButtons(options=list(CONVENTIONS), value="1 year",
                                                description="Judge the final result at:", style=st)
        self.figure = demo.FigurePanel()
        self.info = widgets.HTML()
        self.verdict: Verdict | None = None
        for control in (self.follow_up, self.free_day, self.back_at, self.now, self.immediate_by,
                        self.convention):
            control.observe(lambda change: self.update(), names="value")
        self.update()
        super().__init__([self.follow_up, self.free_day, self.back_at, self.now, self.immediate_by,
                          self.convention, self.figure, self.info])

    def update(self) -> None:
        imm, conv = self.immediate_by.value, self.convention.value
        try:
            t = parse_timeline(self.follow_up.value, self.free_day.value, self.back_at.value, self.now.value)
            v = classify(t, imm, conv, self._fb)
        except TimelineError as exc:
            v = Verdict("invalid", "Please check the entries", message=str(exc))
        except Exception as exc:  # a widget must never show a traceback to a student
            v = Verdict("invalid", "Please check the entries",
                        message=f"This timeline could not be read ({type(exc).__name__}: {exc}).")
        self.verdict = v
        key = (self.follow_up.value, self.free_day.value, self.back_at.value, self.now.value, imm, conv)

        def make():
            fig, data = classifier_figure(v, imm, conv)
            return fig, classifier_alt(v, data, conv), data
        self.figure.draw_cached(key, make)
        self.info.value = classifier_html(v)


def timeline_classifier() -> TimelineClassifier:
    """Lesson 2 demo: type a patient's timeline; read its classification, the reasoning and the figures."""
    return TimelineClassifier()


# ============================================================================ registry
_PLACEHOLDER = re.compile(r"\{(?:fact|value):([a-z0-9_]+(?:\.[a-z0-9_]+)+)\}")
_TEMPLATES = [b.check for b in SEED_BANDS.values()] + list(GRID_TEXT.values())


def _collect_fact_ids() -> tuple[str, ...]:
    ids: list[str] = []

    def add(fid: str) -> None:
        if fid not in ids:
            ids.append(fid)

    for s in CURE_SERIES.values():
        for p in s.points:
            add(p.fact)
        if s.tail_fact:
            add(s.tail_fact)
    add(MEDIAN_MARKER[0])
    for fid, _ in TAIL_MARKERS:
        add(fid)
    for fid in (SERIES_ROWS + SERIES_COLS + tuple(IMMEDIATE_CUTOFFS.values()) + (SILENT_FACT,)
                + tuple(c[2] for c in CONVENTIONS.values())):
        add(fid)
    # every placeholder written in this module's texts (templates and classifier sentences)
    source = Path(__file__).read_text(encoding="utf-8")
    for fid in _PLACEHOLDER.findall(source):
        add(fid)
    return tuple(ids)


#: Every fact this module shows (the lesson's reference list is built from it).
FACT_IDS = _collect_fact_ids()

#: The lesson's interactive demos (benchmarks and browser tests iterate over these).
#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = tuple(dict.fromkeys([b.claim for b in SEED_BANDS.values()] + [cid for _, cid, _ in SEED_LIST]))

DEMOS = (timeline_explorer, outcome_grid, timeline_classifier)
