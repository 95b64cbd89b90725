"""Lesson 3 — recurrence and failure after MVD: what is documented, and what is only hypothesised.

Pure functions return data or figures (easy to test); three builders wrap them in widgets:

* ``recurrence_timeline()``: cumulative recurrence after a cure, drawn only from published points
  (steps and markers, never a fitted curve), with the reported risk factors shown as labelled text,
  because no stratified curve was published;
* ``cause_sorter()``: sort candidate causes of failure into "documented at redo" and "hypothesis
  only", then read per-item feedback with the frequencies reported by redo series;
* ``case_vignettes()``: read an operative note, imaging and a timeline, pick the most likely cause,
  and get an explanation.

Every number shown comes from the fact base; texts use its placeholders (``{fact:ID}``, ``{value:ID}``).
"""
from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from typing import Mapping

import ipywidgets as widgets

from .. import facts as factbase
from .. import style

_PLACEHOLDER = re.compile(r"\{(?:fact|value):([^{}\s]+)\}")
_YEARS = re.compile(r"(\d+(?:\.\d+)?)\s*years?\b")


def _fb(fb: factbase.FactBase | None) -> factbase.FactBase:
    return fb or factbase.default()


def _years_in(fact: factbase.Fact) -> float:
    """The time point (in years) a fact's definition states, e.g. '... 5 years after ...' → 5."""
    m = _YEARS.search(fact.definition or "")
    if not m:
        raise factbase.FactBaseError(f"fact '{fact.id}': its definition states no time point in years")
    return float(m.group(1))


def _parenthesis(text: str | None) -> str:
    """The first parenthesised part of a fact's definition (e.g. its confidence interval)."""
    m = re.search(r"\(([^()]*)\)", text or "")
    return m.group(1) if m else ""


def _figure(width: float, height: float, ncols: int = 1, margins: dict | None = None, **kwargs):
    """A course-style figure with fixed margins instead of the (slower) constrained layout.

    The layouts here are fixed, so computing them once by hand keeps a redraw fast.
    """
    fig, ax = style.new_figure(width, height, ncols=ncols, layout=None, **kwargs)
    fig.subplots_adjust(**(margins or {}))
    return fig, ax


def _ref_labels(fb: factbase.FactBase, fact_id: str) -> str:
    return "; ".join(r.label for r in fb.sources(fact_id))


# =============================================================================== recurrence timeline
#: Cumulative delayed recurrence after a successful MVD, one fact per published time point.
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

#: The two-year landmark: most failures early, but recurrences keep accruing (reference §4). The series usually
#: quoted for "86% within 2 years" could not be identified (references.yaml: recurrence_neurosurgery).
TWO_YEAR_FACT = "first_mvd.failures_within_24mo.barker1995"
LANDMARK_FACTS = (TWO_YEAR_FACT, "recurrence.long_term_divergence.lee2022")

VIEWS = ("cumulative", "two-year mark", "other series")


@dataclass(frozen=True)
class RiskFactor:
    key: str
    name: str
    fact: str                       # the reported association
    context: tuple[str, ...] = ()   # other facts shown with it


RISK_FACTORS: dict[str, RiskFactor | None] = {
    "none": None,
    "hypertension": RiskFactor("hypertension", "Arterial hypertension", "recurrence.hypertension.chang2012"),
    "persistent LSR": RiskFactor("persistent LSR", "Lateral spread response persisting after decompression",
                                 "recurrence.lsr_or.menna2022", ("recurrence.pooled.menna2022",)),
    "shorter duration": RiskFactor("shorter duration", "Shorter disease duration before surgery",
                                   "recurrence.duration_or.menna2022", ("recurrence.pooled.menna2022",)),
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
        rows.append({"fact": fid, "years": _years_in(f), "value": f.value, "text": f.text(),
                     "citation": fb.labels(fid), "population": f.population})
    return rows


def series_rates(fb: factbase.FactBase | None = None) -> list[dict]:
    """Overall recurrence in several series, lowest first (their follow-up and definitions differ)."""
    fb = _fb(fb)
    rows = []
    for fid in SERIES_FACTS:
        f = fb.fact(fid)
        rows.append({"fact": fid, "value": f.value, "text": f.text(), "label": _ref_labels(fb, fid),
                     "citation": fb.labels(fid), "definition": f.definition, "population": f.population,
                     "status": f.status})
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
    return {"key": risk, "name": rf.name, "fact": rf.fact, "short": short, "detail": detail,
            "direction": direction, "citation": fb.labels(rf.fact),
            "context": [fb.cite(c) for c in rf.context], "curve_published": False}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


def timeline_figure(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None):
    """Cumulative recurrence after cure (left) and overall rates by series (right). Returns ``(fig, data)``."""
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    fig, (ax, ax2) = _figure(11, 4.4, ncols=2, gridspec_kw={"width_ratios": [1.45, 1]},
                             margins=dict(left=0.06, right=0.975, bottom=0.115, top=0.87, wspace=0.62))

    # ---- left: published cumulative points, joined as steps (no fitting)
    st = style.SERIES[0]
    xs = [0.0] + [p["years"] for p in points]
    ys = [0.0] + [p["value"] for p in points]
    ax.step(xs, ys, where="post", color=st.color, linestyle=st.linestyle, lw=2, zorder=3)
    ax.plot(xs[1:], ys[1:], linestyle="none", marker=st.marker, color=st.color, markersize=8, zorder=4,
            label="published point")
    for i, p in enumerate(points):
        left = i == 1  # the 2-year point sits on the two-year landmark line: label it to the left
        ax.annotate(p["text"], (p["years"], p["value"]), xytext=(-7, 6) if left else (0, 9),
                    textcoords="offset points", ha="right" if left else "center", fontsize=10,
                    fontweight="bold", color=st.color)
    last = points[-1]
    ax.text((points[1]["years"] + last["years"]) / 2, points[1]["value"] - 0.3,
            f"{_ref_labels(fb, last['fact'])}, {last['population']}", ha="center", va="top", fontsize=9,
            color=st.color)
    ymax = 7.0
    landmarks = {}
    if view == "two-year mark":
        within = fb.fact(TWO_YEAR_FACT)
        edge = within.value / 12  # months → years
        ax.axvspan(0, edge, facecolor=style.OKABE_ITO["sky_blue"], alpha=0.18, lw=0, zorder=1)
        ax.axvline(edge, color="black", linestyle="--", lw=1.2, zorder=2)
        ax.text(0.1, 4.5, f"nearly all failures of\nfirst MVDs occurred within\n{within.text()} "
                f"{_ref_labels(fb, TWO_YEAR_FACT)}", fontsize=8.5, va="top")
        two, five = points[1], points[2]
        ax.annotate("", xy=(five["years"], five["value"] + 0.15), xytext=(two["years"] + 0.1, two["value"] + 0.15),
                    arrowprops=dict(arrowstyle="->", lw=1.5, color=style.OKABE_ITO["vermillion"]))
        ax.text((two["years"] + five["years"]) / 2, (two["value"] + five["value"]) / 2 + 0.75,
                f"still rising after year {edge:g}:\n{two['text']} → {five['text']}",
                ha="center", fontsize=8.5, color=style.OKABE_ITO["vermillion"])
        landmarks = {"failures_within_months": within.value, "edge_years": edge,
                     "rise_after": (two["value"], five["value"])}
    note = risk_factor_note(risk, fb)
    if note:
        ax.text(0.015, 0.975, _wrap(f"{note['short']} {note['citation']}. No recurrence curve by this "
                                    "factor was published, so none is drawn.", 78),
                transform=ax.transAxes, ha="left", va="top", fontsize=8.5,
                bbox=dict(boxstyle="round,pad=0.4", facecolor="#FFF8E1", edgecolor=style.OKABE_ITO["orange"],
                          lw=1.5, linestyle="--"))
    ax.set_xlim(0, 5.6)
    ax.set_ylim(0, ymax)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel("Years since a successful MVD")
    ax.set_ylabel("Cumulative recurrence (%)")
    ax.set_title("Recurrence after cure: published points only\n(steps join them; no curve is fitted)",
                 fontsize=11)

    # ---- right: overall recurrence reported by series
    on = view == "other series"
    seed = fb.seed_claim(HANDOUT_RATE_CLAIM)
    if on:
        ax2.axvspan(seed.low, seed.high, facecolor=style.OKABE_ITO["reddish_purple"], alpha=0.2, lw=0)
        ax2.text((seed.low + seed.high) / 2, len(rows) - 0.35, f"handout:\n{seed.text()}", ha="center",
                 va="bottom", fontsize=8, color="#7A3B63")
    sst = style.SERIES[2]
    for y, r in enumerate(rows):
        chang = r["fact"] == CHANG_FACTS[-1]
        color = (st.color if chang else sst.color) if on or chang else style.GREY
        marker = st.marker if chang else sst.marker
        ax2.plot([0, r["value"]], [y, y], color=color, lw=1, linestyle=":", zorder=2)
        ax2.plot([r["value"]], [y], marker=marker, color=color, markersize=8 if on or chang else 6,
                 linestyle="none", zorder=3)
        ax2.annotate(r["text"], (r["value"], y), xytext=(7, 0), textcoords="offset points", va="center",
                     fontsize=9, color="black" if on or chang else "#555555")
    ax2.set_yticks(range(len(rows)),
                   [r["label"] + (" (5-year)" if r["fact"] == CHANG_FACTS[-1] else "") for r in rows],
                   fontsize=8.5)
    ax2.set_xlim(0, max(r["value"] for r in rows) * 1.3)
    ax2.set_xticks(range(0, int(ax2.get_xlim()[1]) + 1, 2))
    ax2.set_ylim(-0.6, len(rows) + 0.6)
    ax2.set_xlabel("Recurrence reported (%)")
    ax2.set_title("Other series (follow-up and definitions differ)", fontsize=10.5,
                  color="black" if on else "#555555")
    data = {"view": view, "risk_factor": risk, "points": [(p["years"], p["value"]) for p in points],
            "series": {r["label"]: r["value"] for r in rows}, "series_highlighted": on,
            "handout_band": (seed.low, seed.high) if on else None, "landmarks": landmarks,
            "risk_note": note["short"] if note else None, "stratified_curves": 0}
    return fig, data


def timeline_alt(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    pts = ", ".join(f"{p['text']} at {p['years']:g} year{'s' if p['years'] != 1 else ''}" for p in points)
    parts = [f"Step chart of cumulative recurrence after a successful MVD in {points[0]['population']} "
             f"{points[0]['citation']}: {pts}; only the published points are drawn."]
    if view == "two-year mark":
        parts.append(f"Shaded first two years: nearly all failures of first MVDs occurred within "
                     f"{fb.text(TWO_YEAR_FACT)} {fb.labels(TWO_YEAR_FACT)}; yet the Chang curve still rises from "
                     f"{points[1]['text']} to {points[2]['text']} between years 2 and 5.")
    note = risk_factor_note(risk, fb)
    if note:
        parts.append(f"Text box: {note['short']} {note['citation']}; no curve by this factor was published, "
                     "so none is drawn.")
    series = ", ".join(f"{r['label']} {r['text']}" for r in rows)
    parts.append(f"Right: overall recurrence by series, {series} (range {rows[0]['text']} to {rows[-1]['text']})"
                 + (f"; the handout's {fb.seed_claim(HANDOUT_RATE_CLAIM).text()} is shaded." if view == "other series"
                    else "."))
    return " ".join(parts)


def timeline_html(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    e = html.escape
    points = cumulative_points(fb)
    p1, p2, p5 = points
    out = [f"<p><b>Cumulative recurrence after cure:</b> {e(p1['text'])} at 1 year, {e(p2['text'])} at 2 years "
           f"and {e(p5['text'])} at 5 years after a successful MVD ({e(p1['population'])}) {e(p1['citation'])}. "
           "The marks are the published figures; the steps only join them.</p>"]
    if view == "two-year mark":
        out.append(
            f"<p><b>The two-year mark.</b> In a large series of first operations, nearly all failures occurred "
            f"within {e(fb.cite(TWO_YEAR_FACT))}. How small the chance of a recurrence is after two spasm-free "
            "years has no citable figure: the series usually quoted for it could not be identified.</p>"
            f"<p><b>But recurrences keep accruing:</b> the cumulative figure still rose from {e(p2['text'])} to "
            f"{e(p5['text'])} between years 2 and 5 {e(p5['citation'])}. Long-term data point the same way: "
            f"{e(fb.cite('recurrence.long_term_divergence.lee2022'))}</p>")
    if view == "other series":
        rows = series_rates(fb)
        items = "".join(
            f"<li>{e(r['text'])} {e(r['citation'])}{' (unverified)' if r['status'] == 'unverified' else ''}: "
            f"{e(r['definition'])}; {e(r['population'])}</li>" for r in rows)
        seed = fb.seed_claim(HANDOUT_RATE_CLAIM)
        out.append(
            f"<p><b>Other series</b> report overall recurrence from {e(rows[0]['text'])} to {e(rows[-1]['text'])}:"
            f"</p><ul>{items}</ul>"
            + "".join(f"<p>Counts without a rate: {e(fb.cite(n))}</p>" for n in SERIES_NOTES)
            + f"<p>They differ in what counts as recurrence (any return of spasm, or only "
            "after a documented cure), in how long patients were followed, and in size (pooled reviews versus "
            f"one small series). The handout's claim (“{e(seed.claim.rstrip('.'))}”) fits the large series but "
            f"not every series: our check rates it <i>{e(seed.verdict)}</i>.</p>")
    note = risk_factor_note(risk, fb)
    if note:
        ctx = "".join(f" For scale, pooled recurrence in the same meta-analysis: {e(c)}." for c in note["context"])
        out.append(f"<p><b>Risk factor — {e(note['name'])}:</b> {e(note['detail'])} {e(note['citation'])}. "
                   f"Direction: {e(note['direction'])}.{ctx} The source gives this association only; it "
                   "published no recurrence curve for patients with and without the factor, so the plot shows "
                   "the association as text and draws no separate curve. An association is not a cause.</p>")
    else:
        out.append("<p>Choose a <b>Risk factor</b> to read the association a source reported.</p>")
    out.append(style.disclaimer_html("timeline"))
    return "".join(out)


class RecurrenceTimeline(style.FigureDemo):
    """Choose a view and a risk factor → the figure, its alt text and the text below all update."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.view = widgets.ToggleButtons(
            options=list(VIEWS), value=VIEWS[0], description="Show:",
            tooltips=["Cumulative recurrence after cure, published points (Chang 2012)",
                      "Mark the two-year landmark figures on the plot",
                      "Highlight overall recurrence in other series and the handout's claim"],
            style={"description_width": "initial"})
        self.risk = widgets.ToggleButtons(
            options=list(RISK_FACTORS), value="none", description="Risk factor:",
            tooltips=["No risk factor", "Arterial hypertension (Chang 2012)",
                      "Lateral spread response persisting after decompression (Menna 2022)",
                      "Shorter disease duration before surgery (Menna 2022)"],
            style={"description_width": "initial"})
        super().__init__([self.view, self.risk], timeline_figure, timeline_alt, timeline_html, self._fb)


def recurrence_timeline() -> RecurrenceTimeline:
    return RecurrenceTimeline()


# =============================================================================== cause sorter
DOCUMENTED, HYPOTHESIS, UNSORTED = "documented at redo", "hypothesis only", "unsorted"
BINS = (UNSORTED, DOCUMENTED, HYPOTHESIS)


@dataclass(frozen=True)
class Cause:
    key: str
    label: str                         # short name on the control and in the figure
    claim: str                         # the candidate cause in full
    documented: bool                   # found and reported at redo surgery?
    frequency_facts: tuple[str, ...]   # reported shares at redo (% of redo operations), one per series
    note_facts: tuple[str, ...]        # sourced qualitative findings
    seed_claim: str | None = None      # the handout claim this item quotes, if any
    teaching: str = ""                 # one-sentence teaching note (no numbers)


CAUSES: dict[str, Cause] = {c.key: c for c in (
    Cause("elongation", "Artery elongates with age",
          "With age, arteries lengthen and bypass or displace the Teflon pad.",
          False, (), ("cause.vessel_elongation",), "S1-10",
          "Plausible, but no redo series reports it as a finding; it is an explanation, not an observation."),
    Cause("missed_zone", "Missed compression zone or vessel",
          "A compression zone or vessel was not found or not treated at the first operation.",
          True, ("cause.missed_zone_persistent.liu2021", "cause.missed_zone_recurrent.liu2021",
                 "cause.missed_vessel.almutawa2024", "cause.missed_vessel_recurrent.cjfh2024",
                 "cause.missed_vessel_ineffective.cjfh2024"), ("vessel.multiple.sindou",), None,
          "The commonest finding in several redo series, above all when spasm never stopped."),
    Cause("teflon_adhesion", "Teflon adheres to the nerve",
          "The Teflon pledget sticks to the facial nerve (adhesion).",
          True, ("cause.teflon_adhesion.almutawa2024", "cause.adhesion_recurrent.cjfh2024"),
          ("cause.pledget_removal_only.almutawa2024",), None,
          "The commonest finding at revision in two recent series, especially for recurrence after a cure."),
    Cause("push_through", "High-pressure artery pushes through",
          "A high-pressure vertebral or basilar artery pushes through the pad over time.",
          False, (), ("cause.push_through", "vessel.va_complications"), "S1-11",
          "Vertebral artery cases are harder, but 'pushing through' was not found as a mechanism."),
    Cause("insufficient", "Insufficient decompression",
          "The offending vessel was not moved far enough from the nerve.",
          True, ("cause.incomplete_recurrent.cjfh2024",),
          ("cause.missed_culprits.samsung_redo", "recovery.amr_positive.xinhua2015"), None,
          "Found at early and late re-operations; a persisting lateral spread response can point to it."),
    Cause("degradation", "Teflon degrades or thins",
          "The Teflon material degrades or thins over time and stops protecting the nerve.",
          False, (), ("cause.implant_degradation",), "S1-13",
          "What is documented about the implant is adhesion, granuloma and excess Teflon, not thinning."),
    Cause("granuloma", "Teflon granuloma",
          "A granuloma (inflammatory reaction) forms around the Teflon.",
          True, ("cause.teflon_granuloma.liu2021",), (), None,
          "A documented reaction to the implant, found at redo."),
    Cause("technique", "Poor exposure or technique",
          "Inadequate exposure, incomplete decompression, a misidentified vessel or poor Teflon placement.",
          True, ("cause.missed_zone_recurrent.liu2021", "cause.missed_vessel.almutawa2024",
                 "cause.incomplete_recurrent.cjfh2024"), (), "S1-12",
          "The handout's technique item is the one it gets right: its concrete forms are the commonest "
          "redo findings."),
    Cause("vein", "Neglected vein or perforator",
          "A vein or small perforating artery near the nerve was left untreated.",
          True, (), ("cause.missed_culprits.samsung_redo", "cause.vein_at_late_redo.wang2013"), None,
          "Documented at redo, more often at late re-operation; easy to overlook at the first operation."),
    Cause("new_vessels", "New vessel grows into place",
          "A vessel that did not touch the nerve grows or shifts into contact over time.",
          False, (), ("cause.new_vessels",), "S1-14",
          "Veins and perforators are found at redo, but nobody has shown that they were new."),
    Cause("excess_teflon", "Excess Teflon (over-packing)",
          "Too much Teflon is packed around the nerve and itself compresses it.",
          True, ("cause.excess_teflon.liu2021",), ("cause.over_impaction.seaman2020",), None,
          "Documented in a redo series and in a case report with imaging."),
    Cause("arachnoid", "Arachnoid adhesions",
          "Scar of the arachnoid membrane tethers the nerve.",
          True, ("cause.arachnoid_adhesion.liu2021",), (), None,
          "A less frequent finding at redo."),
)}


def _check_assignments(assignments: Mapping[str, str]) -> None:
    for key, choice in assignments.items():
        if key not in CAUSES:
            raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
        if choice not in BINS:
            raise ValueError(f"'{choice}' is not a sorting choice for '{key}'; use one of: {', '.join(BINS)}")


def expected_bin(key: str) -> str:
    if key not in CAUSES:
        raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
    return DOCUMENTED if CAUSES[key].documented else HYPOTHESIS


def cause_evidence(key: str, fb: factbase.FactBase | None = None) -> dict:
    """What the literature reports about one candidate cause: frequencies at redo, notes, handout verdict."""
    if key not in CAUSES:
        raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
    fb = _fb(fb)
    c = CAUSES[key]
    freqs = []
    for fid in c.frequency_facts:
        f = fb.fact(fid)
        freqs.append({"fact": fid, "value": f.value, "text": f.text(), "citation": fb.labels(fid),
                      "label": _ref_labels(fb, fid), "definition": f.definition, "population": f.population})
    values = [r["value"] for r in freqs]
    seed = fb.seed_claim(c.seed_claim) if c.seed_claim else None
    return {"key": key, "label": c.label, "claim": c.claim, "expected": expected_bin(key),
            "frequencies": freqs, "range": (min(values), max(values)) if values else None,
            "notes": [fb.cite(f) for f in c.note_facts], "teaching": c.teaching,
            "handout": {"claim": seed.claim, "verdict": seed.verdict} if seed else None}


def score_sort(assignments: Mapping[str, str], fb: factbase.FactBase | None = None) -> dict:
    """Score a sort (cause key → bin); causes not given count as unsorted. Raises ValueError on bad input."""
    _check_assignments(assignments)
    fb = _fb(fb)
    items = []
    for key in CAUSES:
        choice = assignments.get(key, UNSORTED)
        expected = expected_bin(key)
        status = "unsorted" if choice == UNSORTED else ("correct" if choice == expected else "wrong")
        items.append({"key": key, "choice": choice, "expected": expected, "status": status,
                      "evidence": cause_evidence(key, fb)})
    count = {s: sum(i["status"] == s for i in items) for s in ("correct", "wrong", "unsorted")}
    return {"items": items, "total": len(items), **count}


def _item_html(item: dict) -> str:
    e = html.escape
    ev = item["evidence"]
    mark = {"correct": "✔", "wrong": "✘", "unsorted": "○"}[item["status"]]
    verdict = {"correct": "right", "wrong": f"you chose <i>{e(item['choice'])}</i>",
               "unsorted": "not sorted yet"}[item["status"]]
    parts = [f"<li><b>{mark} {e(ev['label'])}</b> ({verdict}): <i>{e(ev['claim'])}</i> "
             f"Evidence: <b>{e(ev['expected'])}</b>. {e(ev['teaching'])}"]
    if ev["frequencies"]:
        freq = "; ".join(f"{e(r['text'])} {e(r['citation'])} ({e(r['definition'])}; {e(r['population'])})"
                         for r in ev["frequencies"])
        parts.append(f"<br>Reported at redo surgery: {freq}.")
    for note in ev["notes"]:
        parts.append(f"<br>{e(note)}")
    if ev["handout"]:
        parts.append(f"<br>The handout says: “{e(ev['handout']['claim'])}” Our check: "
                     f"<i>{e(ev['handout']['verdict'])}</i> [Seed handout S1].")
    return "".join(parts) + "</li>"


def sort_feedback_html(result: dict) -> str:
    """Per-item feedback for a scored sort (correct and wrong first, unsorted last)."""
    if result["unsorted"] == result["total"]:
        return ("<p role='status'><b>Nothing sorted yet.</b> Choose <i>documented at redo</i> or "
                "<i>hypothesis only</i> on at least one row, then press <i>Check my sort</i>.</p>")
    order = {"wrong": 0, "correct": 1, "unsorted": 2}
    items = sorted(result["items"], key=lambda i: order[i["status"]])
    sorted_n = result["total"] - result["unsorted"]
    head = (f"<p role='status'><b>{result['correct']} of {sorted_n} sorted causes are right</b>"
            f" ({result['wrong']} wrong, {result['unsorted']} not sorted yet).</p>")
    caveat = ("<p><b>Reading the evidence.</b> \"Documented at redo\" means surgeons re-exploring patients "
              "found and reported it. That is strong but not perfect evidence: only re-operated patients are "
              "seen, series define their categories differently, and a finding at redo is an association with "
              "failure, not proof that it caused it. \"Hypothesis only\" means no redo series in the course's "
              "sources reports it; absence of evidence is not evidence of absence, but it must not be taught "
              "as fact.</p>")
    return head + "<ul>" + "".join(_item_html(i) for i in items) + "</ul>" + caveat + style.disclaimer_html("sorter")


_BIN_X = {HYPOTHESIS: 0, UNSORTED: 1, DOCUMENTED: 2}
_BIN_STYLE = {
    DOCUMENTED: dict(marker=style.SERIES[0].marker, color=style.SERIES[0].color, fill=True),
    HYPOTHESIS: dict(marker=style.SERIES[1].marker, color=style.SERIES[1].color, fill=True),
    UNSORTED: dict(marker="o", color=style.GREY, fill=False),
}


def sorter_figure(assignments: Mapping[str, str], checked: bool = False, fb: factbase.FactBase | None = None):
    """The sorting board (left) and, once checked, the frequencies reported at redo (right)."""
    _check_assignments(assignments)
    fb = _fb(fb)
    keys = list(CAUSES)
    n = len(keys)
    result = score_sort(assignments, fb) if checked else None
    if result:  # board plus evidence panel
        fig, (ax, ax2) = _figure(11, 5.2, ncols=2, sharey=True, gridspec_kw={"width_ratios": [1, 1.05]},
                                 margins=dict(left=0.25, right=0.975, bottom=0.1, top=0.86, wspace=0.04))
    else:  # the board alone: the evidence stays hidden until the sort is checked (and redraws stay fast)
        fig, ax = _figure(5.8, 5.2, margins=dict(left=0.47, right=0.96, bottom=0.1, top=0.86))
        ax2 = None
    placed = {}
    for i, key in enumerate(keys):
        y = n - 1 - i
        choice = assignments.get(key, UNSORTED)
        placed[key] = choice
        s = _BIN_STYLE[choice]
        ax.plot([_BIN_X[choice]], [y], linestyle="none", marker=s["marker"], markersize=11,
                markeredgecolor=s["color"], markerfacecolor=s["color"] if s["fill"] else "white",
                markeredgewidth=2, zorder=3)
        if result:
            status = result["items"][i]["status"]
            glyph, colour = {"correct": ("✔", style.OKABE_ITO["bluish_green"]),
                             "wrong": ("✘", style.OKABE_ITO["vermillion"]),
                             "unsorted": ("?", "#555555")}[status]
            ax.text(2.45, y, glyph, va="center", ha="center", fontsize=13, color=colour, fontweight="bold")
    ax.set_xticks([0, 1, 2], ["hypothesis\nonly", "unsorted", "documented\nat redo"], fontsize=9.5)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, 2.75)
    ax.set_yticks(range(n), [CAUSES[k].label for k in reversed(keys)], fontsize=9.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_title("Your sort" + (" (✔ right, ✘ wrong, ? unsorted)" if result else ""), fontsize=11)
    ax.grid(axis="x", alpha=0.4)

    frequencies = {}
    if result:
        fst = style.SERIES[0]
        for i, key in enumerate(keys):
            y = n - 1 - i
            ev = result["items"][i]["evidence"]
            xs = [r["value"] for r in ev["frequencies"]]
            frequencies[key] = xs
            if xs:
                ax2.plot([min(xs), max(xs)], [y, y], color=fst.color, lw=2, zorder=2)
                ax2.plot(xs, [y] * len(xs), linestyle="none", marker=fst.marker, color=fst.color,
                         markersize=7, zorder=3)
                ax2.annotate(f"{min(xs):g}" + (f"–{max(xs):g}%" if max(xs) != min(xs) else "%"),
                             (max(xs), y), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8.5)
            elif ev["expected"] == DOCUMENTED:
                ax2.text(2, y, "documented (case counts, no % reported)", va="center", fontsize=8.5,
                         color=fst.color, style="italic")
            else:
                ax2.text(2, y, "hypothesis: not reported at redo", va="center", fontsize=8.5,
                         color=style.SERIES[1].color, style="italic")
        ax2.set_xlim(0, 100)
        ax2.set_xlabel("% of redo operations with this finding (one mark per series)")
        ax2.set_title("What redo series report", fontsize=11)
        ax2.tick_params(axis="y", left=False)
    else:
        ax.set_xlabel("Press “Check my sort” to see\nwhat redo series report", fontsize=9.5, color="#555555")
    data = {"placed": placed, "checked": checked, "frequencies": frequencies,
            "score": {k: result[k] for k in ("correct", "wrong", "unsorted")} if result else None}
    return fig, data


def sorter_alt(assignments: Mapping[str, str], checked: bool = False, fb: factbase.FactBase | None = None) -> str:
    _check_assignments(assignments)
    fb = _fb(fb)
    groups = {b: [CAUSES[k].label for k in CAUSES if assignments.get(k, UNSORTED) == b] for b in BINS}
    parts = ["Sorting board of candidate causes of failure after MVD. "
             f"Placed as documented at redo: {', '.join(groups[DOCUMENTED]) or 'none'}. "
             f"Placed as hypothesis only: {', '.join(groups[HYPOTHESIS]) or 'none'}. "
             f"Unsorted: {len(groups[UNSORTED])}."]
    if checked:
        r = score_sort(assignments, fb)
        freq = []
        for item in r["items"]:
            ev = item["evidence"]
            if ev["range"]:
                lo, hi = ev["range"]
                freq.append(f"{ev['label']} {lo:g}%" + (f" to {hi:g}%" if hi != lo else ""))
        hyp = [CAUSES[k].label for k in CAUSES if not CAUSES[k].documented]
        parts.append(f"Checked: {r['correct']} right, {r['wrong']} wrong, {r['unsorted']} unsorted. "
                     f"Right panel, share of redo operations with each finding: {'; '.join(freq)}. "
                     f"Not reported at redo (hypotheses): {', '.join(hyp)}.")
    else:
        parts.append("The evidence panel appears when the sort is checked.")
    return " ".join(parts)


class CauseSorter(widgets.VBox):
    """One control per candidate cause (unsorted / documented at redo / hypothesis only) and a Check button."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.checked = False
        self._bulk = False
        self.toggles: dict[str, widgets.ToggleButtons] = {}
        for key, c in CAUSES.items():
            t = widgets.ToggleButtons(options=list(BINS), value=UNSORTED, description=c.label,
                                      tooltip=c.claim, tooltips=["not sorted yet", "found at redo surgery",
                                                                 "proposed, not documented"],
                                      style={"description_width": "17em", "button_width": "9.5em"})
            t.observe(lambda change: self._changed(), names="value")
            self.toggles[key] = t
        self.check_button = widgets.Button(description="Check my sort", icon="check",
                                           tooltip="Score the sort and show the evidence for every cause")
        self.reset_button = widgets.Button(description="Start again", icon="undo",
                                           tooltip="Set every cause back to unsorted")
        self.check_button.on_click(lambda _b: self.check())
        self.reset_button.on_click(lambda _b: self.reset())
        self.figure = style.FigurePanel()
        self.feedback = widgets.HTML()
        self.update()
        super().__init__([*self.toggles.values(), widgets.HBox([self.check_button, self.reset_button]),
                          self.figure, self.feedback])

    def assignments(self) -> dict[str, str]:
        return {k: t.value for k, t in self.toggles.items()}

    def _changed(self) -> None:
        if self._bulk:
            return
        self.checked = False
        self.update()

    def update(self) -> None:
        a = self.assignments()
        checked = self.checked

        def make():
            fig, data = sorter_figure(a, checked, self._fb)
            return fig, sorter_alt(a, checked, self._fb), data
        self.figure.draw_cached((tuple(a.values()), checked), make)
        if checked:
            self.feedback.value = sort_feedback_html(score_sort(a, self._fb))
        else:
            n = sum(v != UNSORTED for v in a.values())
            self.feedback.value = (f"<p role='status'>{n} of {len(a)} causes sorted. Press <i>Check my sort</i> "
                                   "for feedback on each one.</p>")

    def check(self) -> dict | None:
        """What the Check button does; returns the scored result, or None if nothing was sorted."""
        a = self.assignments()
        if all(v == UNSORTED for v in a.values()):
            self.checked = False
            self.update()
            self.feedback.value = sort_feedback_html(score_sort(a, self._fb))
            return None
        self.checked = True
        self.update()
        return score_sort(a, self._fb)

    def reset(self) -> None:
        self._bulk = True  # one redraw for the whole reset, not one per control
        try:
            for t in self.toggles.values():
                t.value = UNSORTED
        finally:
            self._bulk = False
        self.checked = False
        self.update()


def cause_sorter() -> CauseSorter:
    return CauseSorter()


# =============================================================================== case vignettes
@dataclass(frozen=True)
class Vignette:
    key: str
    title: str
    course: str                             # the clinical course (text; numbers only as placeholders)
    op_note: str
    imaging: str
    timeline: tuple[tuple[str, str], ...]   # (kind, label): kinds mvd, free, spasm, partial, lsr, mri, redo
    options: tuple[str, ...]                # cause keys offered
    answer: str
    explanation: str
    feedback: Mapping[str, str]             # why each wrong option is wrong
    cited: tuple[str, ...] = ()             # facts whose sources the texts cite by label


VIGNETTES: dict[str, Vignette] = {v.key: v for v in (
    Vignette(
        "never_free", "Case A: never spasm-free",
        "Spasm continued unchanged after the first MVD and never stopped. The team waited "
        "{value:recovery.judge_at_1y} before judging the result.",
        "AICA compressing the root exit zone was decompressed with a Teflon pad. The areas in front of and "
        "below the root exit zone (ventrolateral pons, bulbopontine sulcus) are not described.",
        "CISS and TOF MRI: Teflon at the root exit zone; a PICA loop touches the nerve further down, at the "
        "bulbopontine sulcus. Imaging supports the decision; it does not make it.",
        (("mvd", "first MVD"), ("spasm", "spasm never stops"), ("mri", "MRI after waiting")),
        ("missed_zone", "new_vessels", "elongation", "granuloma"), "missed_zone",
        "This is persistence (never cured), not recurrence. At redo for persistent spasm, missed compression "
        "zones (ventrolateral pons or bulbopontine sulcus) were found in {fact:cause.missed_zone_persistent.liu2021}, "
        "and a missed vessel in {fact:cause.missed_vessel_ineffective.cjfh2024} of re-operations for an "
        "ineffective first MVD. Conflicts are multiple in {value:vessel.multiple.sindou} of operations "
        "[Sindou 2009], which is why the whole root exit zone must be explored.",
        {"new_vessels": "A 'new' vessel cannot explain spasm that never stopped, and growth of a new offending "
                        "vessel has not been shown [Samsung redo series; Wang 2013].",
         "elongation": "Elongation with age is an undocumented hypothesis, and it could not act before the "
                       "patient was ever spasm-free.",
         "granuloma": "Teflon granuloma is documented ({fact:cause.teflon_granuloma.liu2021}), but spasm that "
                      "never stopped plus a vessel seen at an unexplored zone points first to a missed zone."},
        ("cause.new_vessels",)),
    Vignette(
        "pledget", "Case B: cured, then back; a large pledget",
        "Spasm-free after the first MVD; later the spasm returned. A revision was done "
        "{value:redo.interval.almutawa2024} after the first operation (the median interval in the revision "
        "series this case is modelled on).",
        "The whole root exit zone was explored (zones 1 to 3); AICA was decompressed and a large Teflon "
        "pledget was packed against the facial nerve.",
        "Teflon and scar at the root exit zone; no vessel touches the nerve anywhere along it. Whether the "
        "Teflon adheres to the nerve is not something MRI is expected to show (an expert expectation; no "
        "study has measured it).",
        (("mvd", "first MVD"), ("free", "spasm-free"), ("spasm", "spasm returns"), ("mri", "MRI"),
         ("redo", "revision")),
        ("teflon_adhesion", "degradation", "push_through", "missed_zone"), "teflon_adhesion",
        "Teflon adhering to the facial nerve was the commonest finding at revision: "
        "{fact:cause.teflon_adhesion.almutawa2024}; adhesion of the padding was found in "
        "{fact:cause.adhesion_recurrent.cjfh2024} of re-operations for recurrent spasm. Removing the pledget "
        "alone was enough in {fact:cause.pledget_removal_only.almutawa2024}. {fact:imaging.after_mvd_limits}",
        {"degradation": "The handout's 'degrades or thins' was not found in the literature searched; what is "
                        "documented about the implant is adhesion, granuloma and excess Teflon "
                        "[Al Mutawa 2024; Liu 2021].",
         "push_through": "'Pushing through' by a high-pressure artery is not a documented mechanism, and here "
                         "no vessel touches the nerve at all.",
         "missed_zone": "Missed zones are common at redo for recurrence "
                        "({fact:cause.missed_zone_recurrent.liu2021}), but here the whole root exit zone was "
                        "explored and MRI shows no contact; the large pledget against the nerve points to "
                        "adhesion."},
        ("cause.implant_degradation",)),
    Vignette(
        "overpacked", "Case C: better at first, then worse",
        "Spasm improved over the first months, then came back within months of the operation.",
        "Several Teflon pledgets were packed between the vessels and the nerves.",
        "Teflon pledgets displace the facial and vestibulocochlear nerves.",
        (("mvd", "first MVD"), ("partial", "improving"), ("spasm", "spasm returns"), ("mri", "MRI"),
         ("redo", "redo"), ("free", "spasm-free")),
        ("excess_teflon", "granuloma", "degradation", "new_vessels"), "excess_teflon",
        "Over-packing (over-impaction) with Teflon. The published case this vignette follows: "
        "{fact:cause.over_impaction.seaman2020} Excess Teflon was found in {fact:cause.excess_teflon.liu2021} "
        "of redo operations in a larger series.",
        {"granuloma": "Teflon granuloma is documented too ({fact:cause.teflon_granuloma.liu2021}), and only "
                      "exploration fully separates the two; but the operative note (several pledgets) and MRI "
                      "(pledgets displacing the nerves) point to too much Teflon.",
         "degradation": "Thinning Teflon would press less, not more, and degradation was not found in the "
                        "literature searched [Al Mutawa 2024; Liu 2021].",
         "new_vessels": "MRI shows the pledgets, not a new vessel; growth of a new offending vessel has not "
                        "been shown [Samsung redo series; Wang 2013]."},
        ("cause.implant_degradation", "cause.new_vessels")),
    Vignette(
        "no_change", "Case D: no change on waking",
        "Spasm unchanged on waking. The lateral spread response (LSR, also called AMR) was still present at "
        "the end of surgery and again when re-tested the next day.",
        "The vertebral artery pushed PICA onto the root exit zone; the vertebral artery was only partly "
        "mobilised and a small pad was placed.",
        "No new imaging before an early re-operation.",
        (("mvd", "first MVD"), ("lsr", "LSR still present"), ("spasm", "spasm unchanged"), ("redo", "early redo")),
        ("insufficient", "push_through", "elongation", "teflon_adhesion"), "insufficient",
        "Insufficient decompression: the vessel was not moved far enough. In a series that re-tested the LSR "
        "(AMR) the next day: {fact:recovery.amr_positive.xinhua2015} Another redo series: "
        "{fact:cause.missed_culprits.samsung_redo} Incomplete decompression was also found in "
        "{fact:cause.incomplete_recurrent.cjfh2024} of re-operations for recurrence in a third series.",
        {"push_through": "The handout's 'high-pressure artery pushes through the pad over time' is not a "
                         "documented mechanism, and there was no spasm-free time for anything to push through. "
                         "What is documented is that vertebral artery cases are harder and have more "
                         "complications [Li 2022].",
         "elongation": "Elongation with age is undocumented, and the spasm never stopped.",
         "teflon_adhesion": "Adhesion led the findings at re-operation for recurrent spasm "
                            "({fact:cause.adhesion_recurrent.cjfh2024}), whereas a missed vessel led when the "
                            "first operation was ineffective ({fact:cause.missed_vessel_ineffective.cjfh2024}); "
                            "spasm unchanged on waking with a persisting LSR points to the decompression "
                            "itself."},
        ("vessel.va_complications",)),
    Vignette(
        "late_vein", "Case E: years spasm-free, then back",
        "Spasm-free for years after the first MVD, then the spasm returned. A redo was done "
        "{value:redo.interval.samsung_redo} after the first operation (the median interval in the redo series "
        "this case is modelled on).",
        "The AICA loop was transposed away from the nerve; no vein is described.",
        "The transposed artery stays away from the nerve; a small vein crosses the nerve at its cisternal "
        "segment.",
        (("mvd", "first MVD"), ("free", "spasm-free for years"), ("spasm", "spasm returns"), ("mri", "MRI"),
         ("redo", "redo")),
        ("vein", "new_vessels", "elongation", "teflon_adhesion"), "vein",
        "A neglected vein. {fact:cause.missed_culprits.samsung_redo} {fact:cause.vein_at_late_redo.wang2013} "
        "Nobody can prove afterwards that the vein was there at the first operation, but 'a new vessel grew' "
        "has never been shown, while veins missed at the first operation are documented.",
        {"new_vessels": "This is the handout's explanation. {fact:cause.new_vessels}",
         "elongation": "The transposed artery stays away from the nerve on MRI, and elongation with age is an "
                       "undocumented hypothesis anyway.",
         "teflon_adhesion": "The artery was transposed, so no pledget needs to lie on the nerve; adhesion to a "
                            "pledget is unlikely here."},
        ()),
    Vignette(
        "appraisal", "Case F: hypertension and a handout's explanation",
        "Spasm-free after the first MVD, then the spasm returned. The patient has arterial hypertension. A web "
        "handout told the patient that arteries elongate with age and bypass the pad.",
        "AICA at the root exit zone (zone 1) was decompressed with a small Teflon pad; the areas in front of "
        "and below it are not described.",
        "Tortuous vertebrobasilar arteries; Teflon at the root exit zone; possible contact further down that "
        "the radiologist cannot confirm on these images.",
        (("mvd", "first MVD"), ("free", "spasm-free"), ("spasm", "spasm returns"), ("mri", "MRI")),
        ("missed_zone", "elongation", "push_through", "teflon_adhesion"), "missed_zone",
        "A missed compression zone fits this case's details best: the operative note describes only the root "
        "exit zone itself, and MRI raises a possible contact further down. Missed compression zones were "
        "found in {fact:cause.missed_zone_recurrent.liu2021} of redo operations for recurrent spasm in one "
        "series. But Teflon adhesion is about as likely on the published figures: in another series adhesion "
        "of the padding led at re-operation for recurrence ({fact:cause.adhesion_recurrent.cjfh2024}), and a "
        "small pad does not rule it out. Only exploration at redo decides between them, so the surgeon looks "
        "for both. Hypertension is a reported association, not a mechanism: "
        "{fact:recurrence.hypertension.chang2012} Elongation with age is a hypothesis: "
        "{fact:cause.vessel_elongation}",
        {"elongation": "This is the handout's claim. It is plausible but was not found as a documented "
                       "mechanism; tortuous arteries on MRI do not show that anything moved after surgery "
                       "[Seed handout S1].",
         "push_through": "Hypertension is associated with recurrence [Chang 2012], but 'pushing through the "
                         "pad' was not found as a mechanism: an association is not a mechanism.",
         "teflon_adhesion": "A close second, and only exploration can decide: adhesion led at re-operation "
                            "for recurrence in one series ({fact:cause.adhesion_recurrent.cjfh2024}) and was "
                            "the commonest finding in a revision series "
                            "({fact:cause.teflon_adhesion.almutawa2024}), while missed zones led in another "
                            "({value:cause.missed_zone_recurrent.liu2021}). What tips this case towards a "
                            "missed zone is its details: an operative note that describes only the root exit "
                            "zone, and a possible contact further down on MRI."},
        ()),
)}


def _render(text: str, fb: factbase.FactBase) -> str:
    return html.escape(fb.render(text))


def vignette_options(case: str) -> list[tuple[str, str]]:
    """(label, cause key) pairs offered for one case."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    return [(CAUSES[k].label, k) for k in VIGNETTES[case].options]


def grade_vignette(case: str, choice: str | None, fb: factbase.FactBase | None = None) -> dict:
    """Grade one answer. ``choice`` None gives status 'unanswered'; a cause not offered raises ValueError."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    fb = _fb(fb)
    if choice is None:
        return {"status": "unanswered", "html": "<p role='status'>Choose the most likely cause first, then "
                                                "press <i>Check answer</i>.</p>"}
    if choice not in v.options:
        offered = ", ".join(v.options)
        raise ValueError(f"'{choice}' is not one of the causes offered for case '{case}'; choose one of: {offered}")
    explanation = _render(v.explanation, fb)
    answer = CAUSES[v.answer].label
    if choice == v.answer:
        others = "".join(f"<li><b>{html.escape(CAUSES[k].label)}</b>: {_render(v.feedback[k], fb)}</li>"
                         for k in v.options if k != v.answer)
        body = (f"<p><b>✔ Right: {html.escape(answer)}.</b> {explanation}</p>"
                f"<p>Why the other options are less likely:</p><ul>{others}</ul>")
        status = "correct"
    else:
        body = (f"<p><b>✘ Not the most likely: {html.escape(CAUSES[choice].label)}.</b> "
                f"{_render(v.feedback[choice], fb)}</p><p>Try another option.</p>")
        status = "wrong"
    return {"status": status, "answer": v.answer, "html": f"<div role='status'>{body}</div>"}


def case_html(case: str, fb: factbase.FactBase | None = None) -> str:
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    fb = _fb(fb)
    v = VIGNETTES[case]
    return (f"<h4 style='margin:4px 0'>{html.escape(v.title)}</h4>"
            f"<p><b>Course:</b> {_render(v.course, fb)}</p>"
            f"<p><b>Operative note (first MVD):</b> {_render(v.op_note, fb)}</p>"
            f"<p><b>Imaging:</b> {_render(v.imaging, fb)}</p>"
            "<p>Which cause is the most likely? Choose one and press <i>Check answer</i>.</p>")


_PHASE_STYLE = {
    "free": dict(facecolor="#CDEBE0", edgecolor=style.OKABE_ITO["bluish_green"], hatch=""),
    "spasm": dict(facecolor="#F8D9C4", edgecolor=style.OKABE_ITO["vermillion"], hatch="////"),
    "partial": dict(facecolor="#FCEBC2", edgecolor=style.OKABE_ITO["orange"], hatch=".."),
}
_EVENT_STYLE = {
    "mvd": dict(marker="^", color=style.OKABE_ITO["black"]),
    "lsr": dict(marker="P", color=style.OKABE_ITO["reddish_purple"]),
    "mri": dict(marker="s", color=style.OKABE_ITO["blue"]),
    "redo": dict(marker="D", color=style.OKABE_ITO["black"]),
}


def vignette_figure(case: str, fb: factbase.FactBase | None = None):
    """A schematic timeline of the case (order of events, not to scale). Returns ``(fig, data)``."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    fig, ax = _figure(10, 2.3, margins=dict(left=0.01, right=0.99, bottom=0.02, top=0.86))
    x = 0.0
    for i, (kind, label) in enumerate(v.timeline):
        if kind in _PHASE_STYLE:
            s = _PHASE_STYLE[kind]
            ax.barh(0, 2.4, left=x, height=0.5, facecolor=s["facecolor"], edgecolor=s["edgecolor"],
                    hatch=s["hatch"], lw=1.5)
            ax.text(x + 1.2, 0.42, label, ha="center", va="bottom", fontsize=9.5)
            x += 2.4
        else:
            s = _EVENT_STYLE[kind]
            ax.plot([x + 0.3], [0], linestyle="none", marker=s["marker"], color=s["color"], markersize=13,
                    zorder=3)
            ax.text(x + 0.3, -0.42, label, ha="center", va="top", fontsize=9.5, color=s["color"])
            x += 0.6
    ax.annotate("", xy=(x + 0.2, -0.85), xytext=(-0.2, -0.85),
                arrowprops=dict(arrowstyle="->", lw=1, color="#555555"))
    ax.text(x + 0.2, -0.8, "time (not to scale)", ha="right", va="bottom", fontsize=8, color="#555555")
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-0.95, 0.95)
    ax.axis("off")
    ax.set_title(f"{v.title} — order of events (schematic, not to scale)", fontsize=11)
    return fig, {"case": case, "timeline": [list(t) for t in v.timeline]}


def vignette_alt(case: str, fb: factbase.FactBase | None = None) -> str:
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    steps = " → ".join(label for _kind, label in v.timeline)
    return (f"Schematic timeline of {v.title}, not to scale: {steps}. Spasm phases are hatched, "
            "spasm-free phases plain, improving phases dotted; a triangle marks the first MVD, a plus sign the "
            "lateral spread response, a square imaging and a diamond a re-operation.")


class CaseVignettes(widgets.VBox):
    """Choose a case → its timeline, operative note and imaging; pick the most likely cause → feedback."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.case = widgets.Dropdown(options=[(v.title, k) for k, v in VIGNETTES.items()],
                                     value=next(iter(VIGNETTES)), description="Case:",
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="32em"))
        self.choice = widgets.RadioButtons(options=vignette_options(self.case.value), value=None,
                                           description="Most likely cause:",
                                           style={"description_width": "initial"},
                                           layout=widgets.Layout(width="auto"))
        self.check_button = widgets.Button(description="Check answer", icon="check",
                                           tooltip="Show whether the chosen cause is the most likely, and why")
        self.figure = style.FigurePanel()
        self.details = widgets.HTML()
        self.feedback = widgets.HTML()
        self.case.observe(lambda change: self.update(), names="value")
        self.choice.observe(lambda change: self._clear_feedback(), names="value")
        self.check_button.on_click(lambda _b: self.check())
        self.update()
        super().__init__([self.case, self.figure, self.details, self.choice, self.check_button, self.feedback,
                          widgets.HTML(style.disclaimer_html("case exercise"))])

    def _clear_feedback(self) -> None:
        self.feedback.value = ""

    def update(self) -> None:
        case = self.case.value

        def make():
            fig, data = vignette_figure(case, self._fb)
            return fig, vignette_alt(case, self._fb), data
        self.figure.draw_cached(case, make)
        self.details.value = case_html(case, self._fb)
        self.choice.options = vignette_options(case)
        self.choice.value = None
        self.feedback.value = ""

    def check(self) -> str:
        """What the Check button does. Returns 'correct', 'wrong' or 'unanswered'."""
        result = grade_vignette(self.case.value, self.choice.value, self._fb)
        self.feedback.value = result["html"]
        return result["status"]


def case_vignettes() -> CaseVignettes:
    return CaseVignettes()


# =============================================================================== registry
def _placeholder_ids() -> list[str]:
    out = []
    for v in VIGNETTES.values():
        for text in (v.course, v.op_note, v.imaging, v.explanation, *v.feedback.values()):
            out += _PLACEHOLDER.findall(text)
        out += list(v.cited)
    return out


def _unique(ids) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


#: Every fact this module shows (the lesson's reference list is built from it).
FACT_IDS = _unique(
    list(CHANG_FACTS) + list(SERIES_FACTS) + list(SERIES_NOTES) + list(LANDMARK_FACTS)
    + [f for rf in RISK_FACTORS.values() if rf for f in (rf.fact, *rf.context)]
    + [f for c in CAUSES.values() for f in c.frequency_facts + c.note_facts]
    + _placeholder_ids())

#: The lesson's interactive demos; the first has the toggle that redraws the first figure (browser test).
#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = (HANDOUT_RATE_CLAIM,) + tuple(c.seed_claim for c in CAUSES.values() if c.seed_claim)

DEMOS = (recurrence_timeline, cause_sorter, case_vignettes)
