"""Lesson 4 — planning a revision (redo) MVD: when, how, at what risk, and the alternatives.

Pure functions return data or figures (easy to test); three builders wrap them in widgets:

* ``risk_comparator()`` — first MVD beside redo MVD, per 1,000 patients, like with like (permanent vs
  permanent, transient vs transient), pooled analyses and single series kept apart, every bar labelled
  with its source;
* ``bont_planner()`` — botulinum toxin injection dates → expected onset, effect and wear-off windows drawn
  as bands (never as a smooth curve), and injections per decade beside one operation;
* ``revision_walkthrough()`` — a branching teaching case (``RevisionCase`` is the pure state machine):
  at each step the student chooses and reads the literature position and its evidence. It never
  recommends anything for a real patient, and says so on every step.

Every clinical number comes from the fact base. The only arithmetic is "per 1,000 = % × 10" in the
comparator and calendar arithmetic on the student's own dates in the planner.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import ipywidgets as widgets
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from .. import facts as factbase
from .. import style
from .. import widgets as demo

# ============================================================================ shared helpers
_TEMPLATE = re.compile(r"\{(fact|value|labels):([^{}\s]+)\}")


def _template_facts(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        for _kind, fid in _TEMPLATE.findall(text):
            if fid not in out:
                out.append(fid)
    return out


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _text_width_in(labels, fontsize: float, bold: bool = False) -> float:
    """Rough width in inches of the longest label (DejaVu Sans averages ~0.56 em per character).

    Figures here are laid out with fixed margins computed from this estimate instead of a layout
    engine: a layout engine measures every text once more before drawing, which doubles redraw time.
    """
    em = 0.62 if bold else 0.56
    return max((len(t) for t in labels), default=0) * em * fontsize / 72


# ============================================================================ 1. risk comparator
KINDS = {"permanent": "Permanent", "transient": "Transient or early"}
DATA_VIEWS = {"pooled": "Pooled analyses", "single": "Single series"}

#: Sources that pool several studies (systematic review or meta-analysis); every other source is one series.
POOLED_SOURCES = frozenset({"miller2012", "sharma2017"})


@dataclass(frozen=True)
class Complication:
    key: str
    name: str
    kind: str                      # "permanent" or "transient"
    first: tuple[str, ...]         # fact ids, first MVD
    redo: tuple[str, ...]          # fact ids, redo MVD (may be empty: no figure found)
    notes: tuple[str, ...] = ()    # statement facts shown under the plot


COMPLICATIONS: tuple[Complication, ...] = (
    # ---- permanent (persistent) deficits
    Complication("perm_facial", "Facial weakness", "permanent",
                 ("risk.first.perm_facial.miller2012", "risk.first.perm_facial.hyun2010",
                  "risk.first.perm_facial.huh2008", "risk.first.perm_facial.chung2001"),
                 ("redo.perm_facial.samsung_redo",)),
    Complication("perm_hearing", "Hearing loss", "permanent",
                 ("risk.first.perm_hearing.miller2012", "risk.first.perm_hearing.hyun2010",
                  "risk.first.perm_hearing.huh2008", "risk.first.perm_hearing.chung2001",
                  "risk.first.perm_hearing.preemptive2024"),
                 ("redo.perm_hearing.samsung_redo",)),
    Complication("perm_any", "Any permanent complication", "permanent",
                 ("risk.first.perm_complications.weidemeier", "risk.first.persistent_any.preemptive2024"),
                 ("redo.perm_complications.repeat2018",)),
    Complication("perm_lcn", "Swallowing or voice (lower cranial nerves)", "permanent",
                 ("risk.first.perm_lcn.huh2008",), (), ("redo.other_events.samsung_redo",)),
    Complication("stroke", "Stroke or brainstem infarction", "permanent",
                 ("risk.first.stroke.miller2012", "risk.first.brainstem_infarct.barker1995"), (),
                 ("redo.other_events.samsung_redo",)),
    Complication("death", "Death", "permanent",
                 ("risk.first.death.miller2012", "risk.first.death.barker1995"), ()),
    # ---- transient deficits and early complications
    Complication("tr_facial", "Facial weakness", "transient",
                 ("risk.first.transient_facial.miller2012", "risk.first.transient_facial.sharma2017",
                  "risk.first.transient_facial.hyun2010"), ()),
    Complication("tr_hearing", "Hearing loss", "transient",
                 ("risk.first.transient_hearing.miller2012", "risk.first.transient_hearing.hyun2010"), ()),
    Complication("csf", "CSF leak", "transient",
                 ("risk.first.csf_leak.miller2012", "risk.first.csf_leak.hyun2010",
                  "risk.first.csf_leak.preemptive2024"), ()),
    Complication("meningitis", "Meningitis", "transient",
                 ("risk.first.meningitis.preemptive2024",), ()),
    Complication("tr_lcn", "Swallowing or voice (lower cranial nerves)", "transient",
                 ("risk.first.transient_lcn.preemptive2024", "risk.first.lcn_any.huh2008"), ()),
)

#: How Wang 2013 is always described: "no significant difference" in a small sample is not "the same".
WANG_SAMPLE = "33 late redos vs 243 first operations; a small sample, so equivalence is not shown"

#: Facts the comparator's text panel quotes (seed check, heterogeneity, figures it deliberately does not plot).
COMPARATOR_NOTE_FACTS = (
    "redo.no_difference.wang2013", "redo.complications_more.barker1995", "redo.facial.failedmvd2016",
    "redo.hearing.failedmvd2016", "redo.short_complications.repeat2018", "risk.first.any_complication.huh2008",
    "risk.first.any_complication.zhao2017", "risk.first.wound_bleeding.zhao2017", "risk.first.abducens",
    "risk.anaesthesia", "risk.first.deaf_ear.barker1995", "risk.first.perm_facial.barker1995",
)


def is_pooled(fact_id: str, fb: factbase.FactBase | None = None) -> bool:
    """True when every source of the fact pools several studies."""
    fb = fb or factbase.default()
    return set(fb.fact(fact_id).sources) <= POOLED_SOURCES


def per_1000_text(fact_id: str, fb: factbase.FactBase | None = None) -> str:
    """The fact's percentage as a count per 1,000 patients (% × 10), keeping its qualifier."""
    fb = fb or factbase.default()
    f = fb.fact(fact_id)
    if f.unit != "%" or f.value is None:
        raise ValueError(f"'{fact_id}' is not a single percentage, so it has no per-1,000 figure")
    n = round(f.value * 10, 4)
    prefix = {"<": "<", ">": ">", "~": "about ", "<=": "up to ", ">=": "at least ", None: ""}[f.qualifier]
    return f"{prefix}{n:g} per 1,000"


def _bar(fact_id: str, arm: str, fb: factbase.FactBase) -> dict:
    f = fb.fact(fact_id)
    pooled = is_pooled(fact_id, fb)
    flag = " (unverified)" if f.status == "unverified" else ""
    return {"fact": fact_id, "arm": arm, "percent": f.value, "per_1000": round(f.value * 10, 4),
            "per_1000_text": per_1000_text(fact_id, fb), "percent_text": f.text() + flag,
            "source": "; ".join(r.label for r in fb.sources(fact_id)), "pooled": pooled,
            "design": "pooled" if pooled else "single series", "population": f.population or "",
            "definition": f.definition or ""}


def risk_rows(kind: str = "permanent", data: str = "pooled",
              fb: factbase.FactBase | None = None) -> list[dict]:
    """The complications the comparator draws for one kind (permanent/transient) and one data view.

    Each row has the first-MVD bars and the redo bars of that view; a row with no redo figure keeps an
    empty ``redo`` list (drawn as "no redo figure found"). Nothing is computed except % × 10.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
    if data not in DATA_VIEWS:
        raise ValueError(f"data must be one of {', '.join(DATA_VIEWS)}, not '{data}'")
    fb = fb or factbase.default()
    want_pooled = data == "pooled"
    rows = []
    for c in COMPLICATIONS:
        if c.kind != kind:
            continue
        first = [_bar(f, "first", fb) for f in c.first if is_pooled(f, fb) == want_pooled]
        redo = [_bar(f, "redo", fb) for f in c.redo if is_pooled(f, fb) == want_pooled]
        if not first and not redo:
            continue
        rows.append({"key": c.key, "name": c.name, "first": first, "redo": redo,
                     "notes": [fb.cite(n) for n in c.notes]})
    return rows


_ARM_STYLE = {
    "first": dict(series=style.SERIES[0], hatch="", label="First MVD", short="First"),
    "redo": dict(series=style.SERIES[1], hatch="///", label="Redo MVD", short="Redo"),
}


def risk_figure(kind: str = "permanent", data: str = "pooled", fb: factbase.FactBase | None = None):
    """Horizontal bars per 1,000 patients, first MVD beside redo, each bar labelled with its source.

    Returns ``(fig, data)``; ``data`` lists what was drawn (plain values, for tests and benchmarks).
    """
    fb = fb or factbase.default()
    rows = risk_rows(kind, data, fb)
    labels, bars, header_idx, missing = [], [], [], []
    for row in rows:
        header_idx.append(len(labels))
        labels.append(row["name"])
        bars.append(None)
        for b in row["first"] + row["redo"]:
            labels.append(f"{_ARM_STYLE[b['arm']]['short']} · {b['source']}")
            bars.append(b)
        if not row["redo"]:
            labels.append("Redo · none found")
            bars.append(None)
            missing.append(len(labels) - 1)
    n = len(labels)
    width, height = 9.5, 1.45 + 0.27 * n
    fig, ax = style.new_figure(width, height, layout=None)
    left = max(_text_width_in([labels[i] for i in range(n) if i not in header_idx], 8.5),
               _text_width_in([labels[i] for i in header_idx], 9.5, bold=True)) + 0.15
    fig.subplots_adjust(left=left / width, right=1 - 0.15 / width, top=1 - 0.6 / height,
                        bottom=0.85 / height)
    ys = list(range(n))[::-1]
    top = max([b["per_1000"] for b in bars if b] + [1])
    for y, b in zip(ys, bars):
        if b is None:
            continue
        st = _ARM_STYLE[b["arm"]]
        ax.barh(y, b["per_1000"], height=0.62, color=st["series"].color, hatch=st["hatch"],
                edgecolor="black" if b["arm"] == "redo" else st["series"].color, linewidth=0.6,
                alpha=1.0 if b["pooled"] else 0.75)
        ax.plot([b["per_1000"]], [y], marker=st["series"].marker, color="black", markersize=5,
                linestyle="none")
        ax.text(b["per_1000"] + top * 0.015, y, f"  {b['per_1000_text']} ({b['percent_text']})",
                va="center", fontsize=8.5)
    for i in missing:
        ax.plot([0], [ys[i]], marker="x", color="#555555", markersize=7, linestyle="none", clip_on=False)
        ax.text(top * 0.015, ys[i], "  no redo figure found", va="center", fontsize=8.5,
                style="italic", color="#555555")
    ax.set_yticks(ys, labels, fontsize=8.5)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i in header_idx:
            tick.set_fontweight("bold")
            tick.set_fontsize(9.5)
    ax.set_xlim(0, top * 1.55)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Patients affected per 1,000 operations (per 1,000 = % × 10)\n"
                  "Studies differ in era, definitions and follow-up: compare with care.", fontsize=9.5)
    ax.set_title(f"{KINDS[kind]} complications: first MVD beside redo MVD\n{DATA_VIEWS[data]} "
                 f"({'systematic reviews and meta-analyses' if data == 'pooled' else 'one centre each'})",
                 fontsize=11, loc="left")
    handles = [Patch(facecolor=_ARM_STYLE[a]["series"].color, hatch=_ARM_STYLE[a]["hatch"],
                     edgecolor="black", label=f"{_ARM_STYLE[a]['label']} ({m} at bar end)")
               for a, m in (("first", "circle"), ("redo", "square"))]
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=True)
    drawn = [{"name": r["name"],
              "first": [(b["source"], b["per_1000"]) for b in r["first"]],
              "redo": [(b["source"], b["per_1000"]) for b in r["redo"]]} for r in rows]
    return fig, {"kind": kind, "data": data, "rows": drawn}


def risk_alt(kind: str, data: str, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    parts = []
    for r in risk_rows(kind, data, fb):
        first = "; ".join(f"{b['per_1000_text']} ({b['percent_text']}, {b['source']})" for b in r["first"]) \
            or "no figure in this view"
        redo = "; ".join(f"{b['per_1000_text']} ({b['percent_text']}, {b['source']})" for b in r["redo"]) \
            or "no figure found"
        parts.append(f"{r['name']}: first MVD {first}; redo {redo}")
    return (f"Horizontal bar chart of {KINDS[kind].lower()} complications per 1,000 operations, first MVD "
            f"(solid bars, circle) beside redo MVD (hatched bars, square), {DATA_VIEWS[data].lower()}. "
            + ". ".join(parts) + ".")


def risk_text(kind: str, data: str, fb: factbase.FactBase | None = None) -> str:
    """The panel under the comparator: a table with definitions and designs, then the caveats."""
    fb = fb or factbase.default()
    rows = risk_rows(kind, data, fb)
    other = "single" if data == "pooled" else "pooled"
    out = [f"<p><b>{_esc(KINDS[kind])} complications, {_esc(DATA_VIEWS[data].lower())}.</b> "
           f"Per 1,000 = % × 10; nothing else is calculated. Switch <i>Data</i> to "
           f"<i>{_esc(DATA_VIEWS[other])}</i> to see the other kind of evidence.</p>",
           "<table style='border-collapse:collapse;font-size:90%'><thead><tr>"
           "<th style='text-align:left;padding:2px 6px'>Complication</th>"
           "<th style='text-align:left;padding:2px 6px'>Operation</th>"
           "<th style='text-align:left;padding:2px 6px'>Figure</th>"
           "<th style='text-align:left;padding:2px 6px'>Source and design</th>"
           "<th style='text-align:left;padding:2px 6px'>What was measured; who</th></tr></thead><tbody>"]
    for r in rows:
        for b in r["first"] + r["redo"]:
            out.append("<tr>" + "".join(f"<td style='padding:2px 6px'>{_esc(x)}</td>" for x in (
                r["name"], _ARM_STYLE[b["arm"]]["label"], f"{b['per_1000_text']} ({b['percent_text']})",
                f"[{b['source']}] {b['design']}", f"{b['definition']}; {b['population']}")) + "</tr>")
        if not r["redo"]:
            out.append("<tr>" + "".join(f"<td style='padding:2px 6px'>{_esc(x)}</td>" for x in (
                r["name"], "Redo MVD", "no figure found", "—",
                "redo series in the course's sources do not report it")) + "</tr>")
    out.append("</tbody></table>")
    notes = sorted({n for r in rows for n in r["notes"]})
    for n in notes:
        out.append(f"<p>Note: {_esc(n)}</p>")
    if kind == "permanent":
        out.append(
            "<p><b>The handout's \"slightly elevated\" understates the risk.</b> In a small series of redos, "
            f"persistent facial palsy was {_esc(fb.cite('redo.perm_facial.samsung_redo'))} and persistent "
            f"hearing loss {_esc(fb.text('redo.perm_hearing.samsung_redo'))}, against "
            f"{_esc(fb.cite('risk.first.perm_facial.miller2012'))} and "
            f"{_esc(fb.text('risk.first.perm_hearing.miller2012'))} after a first MVD in pooled data. No pooled "
            "figure for redos can be cited: the one meta-analysis found could not be identified. "
            "One single series reported permanent "
            f"complications in {_esc(fb.cite('redo.perm_complications.repeat2018'))}. "
            f"{_esc(fb.cite('redo.complications_more.barker1995'))} One series found no significant "
            f"difference in relief or complications ({WANG_SAMPLE}) "
            f"{_esc(fb.labels('redo.no_difference.wang2013'))}.</p>")
    else:
        out.append(
            "<p><b>Why are there no redo bars for transient deficits?</b> No citable source gives them: the "
            "one meta-analysis that pooled them could not be identified, and the redo series define "
            "\"transient\" differently (some count any deficit on waking, others only those still present at "
            "discharge). "
            f"First-MVD series that report \"any complication\" range from "
            f"{_esc(fb.cite('risk.first.any_complication.zhao2017'))} to "
            f"{_esc(fb.cite('risk.first.any_complication.huh2008'))} for the same reason. A redo series "
            f"reported short-term complications in {_esc(fb.cite('redo.short_complications.repeat2018'))}; "
            "no first-MVD figure with the same definition was found, so it is not plotted.</p>")
    out.append(
        "<p><b>Heterogeneity warning.</b> Bars from different studies are placed side by side, not combined: "
        "centres, eras, surgical technique, monitoring, definitions (\"permanent\" or \"persistent\") and "
        "length of follow-up all differ, and redo series are small. Pooled figures average many centres; a "
        "single series shows one centre's experience. Do not subtract or divide bars from different studies.</p>"
        "<p><b>Not plotted:</b> facial paralysis "
        f"{_esc(fb.cite('redo.facial.failedmvd2016'))} and hearing loss "
        f"{_esc(fb.cite('redo.hearing.failedmvd2016'))} after late redo (not said whether transient or "
        f"permanent); complete deafness {_esc(fb.cite('risk.first.deaf_ear.barker1995'))} and permanent "
        f"<i>severe</i> facial weakness {_esc(fb.cite('risk.first.perm_facial.barker1995'))} after a first MVD "
        "(narrower definitions).</p>"
        "<p><b>Risks the handout lists without figures for a redo:</b> bleeding, infection, fluid under the skin "
        f"and delayed wound healing ({_esc(fb.cite('risk.first.wound_bleeding.zhao2017'))}), double vision "
        f"({_esc(fb.cite('risk.first.abducens'))}) and anaesthesia "
        f"({_esc(fb.cite('risk.anaesthesia'))}).</p>"
        + demo.disclaimer_html("comparator"))
    return "".join(out)


class RiskComparator(demo.FigureDemo):
    """Choose permanent or transient, pooled or single series → bars per 1,000, first beside redo."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.kind = widgets.ToggleButtons(
            options=[(v, k) for k, v in KINDS.items()], value="permanent", description="Compare:",
            tooltips=["Deficits still present at the end of follow-up",
                      "Deficits that recovered, and early complications such as CSF leak"],
            style={"description_width": "initial"})
        self.data = widgets.ToggleButtons(
            options=[(v, k) for k, v in DATA_VIEWS.items()], value="pooled", description="Data:",
            tooltips=["Systematic reviews and meta-analyses", "One centre's series"],
            style={"description_width": "initial"})
        super().__init__([self.kind, self.data], risk_figure, risk_alt, risk_text, self._fb)


def risk_comparator() -> RiskComparator:
    """Lesson 4 demo: complication risks of a redo against a first MVD, pooled or by series."""
    return RiskComparator()


# ============================================================================ 2. botulinum toxin planner
class PlannerInputError(ValueError):
    """The injection dates cannot be planned; the message says what to change."""


#: The drawn onset comes from one series' mean only; the other series' median (Dantas 2025) is named in the
#: text and never drawn (a median and a mean are different summaries).
ONSET_FACT = "bont.onset_days.arqnp2017"
DURATION_FACT = "bont.duration_range"
INTERVAL_FACT = "bont.reinjection_interval"
PLANNER_TEXT_FACTS = ("bont.response_range", "bont.effect_months.arqnp2017", "bont.onset_days.dantas2025",
                      "bont.duration_months.dantas2025", "bont.cochrane2020", "bont.rct_crossover.cochrane2005",
                      "bont.ptosis", "redo.complete_range", "redo.any_relief_range",
                      "redo.perm_facial.samsung_redo", "redo.perm_hearing.samsung_redo")
DECADE_MONTHS = 120  # ten years: the planner's horizon, and the "per decade" comparison
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAYS_PER_MONTH = 365.25 / 12

EXAMPLES = {
    "Every ~3 months": "2025-01-06, 2025-04-07, 2025-07-07, 2025-10-06, 2026-01-05",
    "Every ~4 months": "2025-01-06, 2025-05-05, 2025-09-01, 2026-01-05",
    "Irregular": "2025-01-06, 2025-04-14, 2025-10-13, 2026-01-19",
}


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
    return {"onset_mean_days": onset,
            "effect_low_weeks": dur.low, "effect_high_weeks": dur.high,
            "min_interval_months": min_months, "max_interval_months": max_months,
            "max_injections": DECADE_MONTHS // min_months,
            "per_decade": (DECADE_MONTHS // max_months, DECADE_MONTHS // min_months)}


def parse_dates(text: str, fb: factbase.FactBase | None = None) -> list[date]:
    """Read injection dates (YYYY-MM-DD, separated by commas, semicolons, spaces or new lines)."""
    lim = planner_limits(fb)
    tokens = [t for t in re.split(r"[,;\s]+", (text or "").strip()) if t]
    if not tokens:
        raise PlannerInputError("Enter at least one injection date, written as YYYY-MM-DD "
                                "(for example 2025-01-06).")
    if len(tokens) > lim["max_injections"]:
        raise PlannerInputError(
            f"{len(tokens)} dates were entered; the planner draws at most {lim['max_injections']} "
            f"(one decade at the shortest usual interval of {lim['min_interval_months']} months). "
            "Remove some dates.")
    out = []
    for i, tok in enumerate(tokens, start=1):
        if not _DATE.match(tok):
            raise PlannerInputError(f"Date {i}, '{tok}', is not written as YYYY-MM-DD "
                                    "(for example 2025-01-06).")
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
        raise PlannerInputError("Enter at least one injection date, written as YYYY-MM-DD "
                                "(for example 2025-01-06).")
    for i, (a, b) in enumerate(zip(dates, dates[1:]), start=1):
        if b == a:
            raise PlannerInputError(f"{a.isoformat()} is entered twice (dates {i} and {i + 1}); "
                                    "remove one.")
        if b < a:
            raise PlannerInputError(f"Dates must be in time order: date {i + 1} ({b.isoformat()}) comes "
                                    f"before date {i} ({a.isoformat()}).")
        if (b - a) < timedelta(weeks=lim["effect_low_weeks"]):
            raise PlannerInputError(
                f"{a.isoformat()} and {b.isoformat()} are only {(b - a).days} days apart. Injections are "
                f"usually repeated at intervals of {fb.text(INTERVAL_FACT)} {fb.labels(INTERVAL_FACT)}; this "
                f"planner only draws schedules in which each injection comes at least "
                f"{lim['effect_low_weeks']:g} weeks after the previous one (the lower end of the average "
                f"effect, {fb.text(DURATION_FACT)} {fb.labels(DURATION_FACT)}).")
    if dates[-1] >= _add_months(dates[0], DECADE_MONTHS):
        raise PlannerInputError(f"The dates span from {dates[0].isoformat()} to {dates[-1].isoformat()}, "
                                "more than a decade; the planner covers at most ten years.")


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
    injections = [{"date": d, "onset": (d, d + onset), "effect": (d + onset, d + eff_lo),
                   "wear_off": (d + eff_lo, d + eff_hi)} for d in dates]
    gaps = []
    for a, b in zip(injections, injections[1:]):
        next_effect = b["onset"][1]
        if next_effect <= a["wear_off"][0]:
            status = "covered"
        elif next_effect <= a["wear_off"][1]:
            status = "possible"
        else:
            status = "likely"
        gaps.append({"from": a["date"], "to": b["date"], "days": (b["date"] - a["date"]).days,
                     "status": status, "uncovered_days": max(0, (next_effect - a["wear_off"][1]).days)})
    per_decade = None
    if len(dates) >= 2:
        mean_days = (dates[-1] - dates[0]).days / (len(dates) - 1)
        per_decade = round(DECADE_MONTHS * _DAYS_PER_MONTH / mean_days)
    return {"dates": dates, "injections": injections, "gaps": gaps, "per_decade_yours": per_decade,
            "per_decade_usual": lim["per_decade"], "limits": lim}


ONE_REDO = "One redo MVD"  # the planner is for patients who already had a first MVD

_BAND = {  # colour + hatch + label: never colour alone
    "onset": dict(color=style.OKABE_ITO["sky_blue"], hatch="....", label="building up (to the mean onset)"),
    "effect": dict(color=style.OKABE_ITO["bluish_green"], hatch="", label="effect expected"),
    "wear_off": dict(color=style.OKABE_ITO["yellow"], hatch="\\\\\\", label="wearing off (average duration ends)"),
    "gap": dict(color=style.OKABE_ITO["vermillion"], hatch="xx", label="beyond the average durations"),
}


def planner_figure(plan: dict, fb: factbase.FactBase | None = None):
    """Timeline bands per injection, plus injections per decade beside one operation. ``(fig, data)``."""
    fb = fb or factbase.default()
    lim = plan["limits"]
    inj = plan["injections"]
    n = len(inj)
    lane_h = 0.32 if n <= 12 else 0.14
    # fixed layout in inches (see _text_width_in): title, lanes, date ticks + legend, decade panel, x label
    top_in, lanes_in, mid_in, dec_in, bottom_in = 0.6, max(1.0, lane_h * n), 0.9, 1.35, 0.55
    width, height = 10.0, top_in + lanes_in + mid_in + dec_in + bottom_in
    left = (max(_text_width_in([f"Injection {n}: 2025-01-06"], 8 if n <= 12 else 6),
                _text_width_in(["Your schedule, continued"], 8.5)) + 0.15) / width
    right = 1 - 0.2 / width
    with plt.rc_context(style.RC):  # style.new_figure makes one row; this figure needs two
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((left, (bottom_in + dec_in + mid_in) / height, right - left, lanes_in / height))
        ax2 = fig.add_axes((left, bottom_in / height, right - left, dec_in / height))
    num = mdates.date2num
    for lane, i in enumerate(inj):
        y = n - 1 - lane
        for key in ("onset", "effect", "wear_off"):
            a, b = i[key]
            st = _BAND[key]
            ax.barh(y, num(b) - num(a), left=num(a), height=0.6, color=st["color"], hatch=st["hatch"],
                    edgecolor="#333333", linewidth=0.4)
        ax.plot([num(i["date"])], [y], marker="v", color="black", markersize=6, linestyle="none")
    for lane, g in enumerate(plan["gaps"]):
        if g["status"] == "likely":
            y = n - 1 - lane
            prev = inj[lane]
            start, end = prev["wear_off"][1], inj[lane + 1]["onset"][1]
            st = _BAND["gap"]
            ax.barh(y, num(end) - num(start), left=num(start), height=0.6, color=st["color"],
                    hatch=st["hatch"], edgecolor="#333333", linewidth=0.4, alpha=0.85)
    ax.set_yticks(range(n), [f"Injection {k + 1}: {d['date'].isoformat()}" for k, d in enumerate(inj)][::-1],
                  fontsize=8 if n <= 12 else 6)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.6, n - 0.4)
    handles = [Patch(facecolor=v["color"], hatch=v["hatch"], edgecolor="#333333", label=v["label"])
               for v in _BAND.values()]
    handles.append(ax.plot([], [], marker="v", color="black", linestyle="none", label="injection")[0])
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.3 / lanes_in - 0.02), ncol=5,
              fontsize=7.5, frameon=False, borderaxespad=0)
    ax.set_title(f"Expected windows after each injection (group averages drawn as bands, not a curve)\n"
                 f"Mean onset on day {lim['onset_mean_days']:g}; average effect lasts "
                 f"{lim['effect_low_weeks']:g}–{lim['effect_high_weeks']:g} weeks",
                 fontsize=10, loc="left")
    # per-decade comparison: dots, one per injection, beside one redo operation
    lo, hi = lim["per_decade"]
    rows = [(f"Every ~{lim['max_interval_months']} months", lo, "o"),
            (f"Every ~{lim['min_interval_months']} months", hi, "o")]
    if plan["per_decade_yours"]:
        rows.append(("Your schedule, continued", plan["per_decade_yours"], "D"))
    rows.append((ONE_REDO, 1, "s"))
    for k, (label, count, marker) in enumerate(rows):
        y = len(rows) - 1 - k
        color = style.OKABE_ITO["vermillion"] if label == ONE_REDO else (
            style.OKABE_ITO["reddish_purple"] if marker == "D" else style.OKABE_ITO["blue"])
        ax2.plot(range(1, count + 1), [y] * count, marker=marker, linestyle="none", color=color,
                 markersize=4.5 if count > 1 else 8)
        ax2.text(count + 0.8, y, f"{count} {'operation' if label == ONE_REDO else 'injections'}",
                 va="center", fontsize=8.5)
    ax2.set_yticks(range(len(rows)), [r[0] for r in rows][::-1], fontsize=8.5)
    ax2.set_xlim(0, max(r[1] for r in rows) + 9)
    ax2.set_ylim(-0.6, len(rows) - 0.4)
    ax2.grid(axis="y", visible=False)
    ax2.set_xlabel("Count in one decade (one mark each)")
    ax2.set_title("Injections per decade beside one redo operation", fontsize=10, loc="left")
    data = {"dates": [d.isoformat() for d in plan["dates"]], "gaps": [g["status"] for g in plan["gaps"]],
            "per_decade_usual": plan["per_decade_usual"], "per_decade_yours": plan["per_decade_yours"],
            "valid": True}
    return fig, data


def planner_error_figure(message: str):
    """A placeholder drawn when the dates cannot be planned (so no stale plan stays on screen)."""
    fig, ax = style.new_figure(10, 1.6)
    ax.axis("off")
    ax.text(0.01, 0.6, "No plan drawn: the dates need correcting (see the message below).", fontsize=11,
            fontweight="bold", transform=ax.transAxes)
    return fig, {"dates": [], "gaps": [], "valid": False, "error": message}


def planner_alt(plan: dict) -> str:
    lim = plan["limits"]
    n = len(plan["dates"])
    gaps = {s: sum(1 for g in plan["gaps"] if g["status"] == s) for s in ("covered", "possible", "likely")}
    yours = (f" At this schedule's average spacing, about {plan['per_decade_yours']} injections a decade."
             if plan["per_decade_yours"] else "")
    return (f"Timeline of {n} botulinum toxin injection{'s' if n != 1 else ''} from "
            f"{plan['dates'][0].isoformat()} to {plan['dates'][-1].isoformat()}, each with bands: building up to "
            f"the mean onset on day {lim['onset_mean_days']:g}, effect expected to "
            f"week {lim['effect_low_weeks']:g}, wearing off to week {lim['effect_high_weeks']:g}. Between "
            f"injections: {gaps['possible']} interval(s) where spasm may return briefly and {gaps['likely']} "
            f"where the next effect begins after the average durations. Below: "
            f"{plan['per_decade_usual'][0]} to {plan['per_decade_usual'][1]} injections per decade at the usual "
            f"interval, beside one redo operation.{yours}")


def planner_text(plan: dict, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    lim = plan["limits"]
    lo, hi = plan["per_decade_usual"]
    items = []
    words = {"covered": "the next effect is expected before the previous one starts to wear off",
             "possible": "the next effect begins inside the previous wear-off window: spasm may return "
                         "for a short time before it",
             "likely": "the next effect begins after both average durations have passed: spasm is likely "
                       "to be back for about {d} days before it"}
    for g in plan["gaps"]:
        items.append(f"<li>{g['from'].isoformat()} → {g['to'].isoformat()} ({g['days']} days): "
                     + words[g["status"]].format(d=g["uncovered_days"]) + "</li>")
    gap_html = f"<ul>{''.join(items)}</ul>" if items else "<p>Enter a second date to see the interval.</p>"
    yours = (f" At your schedule's average spacing that would be about {plan['per_decade_yours']} "
             "injections in a decade." if plan["per_decade_yours"] else "")
    return (
        f"<p><b>How the bands are drawn.</b> The first band runs from the injection to the mean onset of "
        f"effect, {_esc(fb.cite(ONSET_FACT))}. A second series reported a median onset of "
        f"{_esc(fb.cite('bont.onset_days.dantas2025'))}; a median and a mean are different summaries, so the "
        "median is not drawn. The average effect lasts "
        f"{_esc(fb.cite(DURATION_FACT))}; one series gives {_esc(fb.cite('bont.effect_months.arqnp2017'))} "
        f"and another {_esc(fb.cite('bont.duration_months.dantas2025'))}. These are group averages: an "
        "individual's effect can begin sooner or later and last shorter or longer, so the planner draws "
        "bands, never a curve.</p>"
        f"<p><b>Intervals in this schedule</b></p>{gap_html}"
        f"<p><b>Per decade.</b> Re-injection at intervals of {_esc(fb.cite(INTERVAL_FACT))} means {lo} to {hi} "
        f"injection visits in ten years (120 months ÷ {lim['max_interval_months']} or "
        f"{lim['min_interval_months']}).{yours} For a patient who has already had an MVD, the operation to "
        "set beside them is a <i>redo</i>: a single operation, with its risks at the time of surgery. After a "
        f"redo, complete relief is {_esc(fb.cite('redo.complete_range'))} and any relief "
        f"{_esc(fb.cite('redo.any_relief_range'))}; lasting deficits are more frequent than after a first MVD "
        f"(persistent facial palsy {_esc(fb.cite('redo.perm_facial.samsung_redo'))}, persistent hearing loss "
        f"{_esc(fb.cite('redo.perm_hearing.samsung_redo'))} in a small series; see the risk comparator and "
        "Sections 5 and 6).</p>"
        f"<p><b>Evidence status.</b> {_esc(fb.cite('bont.cochrane2020'))} "
        f"{_esc(fb.cite('bont.rct_crossover.cochrane2005'))} Response is reported in "
        f"{_esc(fb.cite('bont.response_range'))}. {_esc(fb.cite('bont.ptosis'))}</p>"
        + demo.disclaimer_html("planner")
        + "<p style='font-size:90%'>It does not schedule real injections: dose, interval and side effects are "
        "decided by the treating clinician with the patient.</p>")


def planner_error_text(message: str) -> str:
    return (f"<p role='alert'><b>Please check the dates.</b> {_esc(message)}</p>"
            + demo.disclaimer_html("planner"))


class BotoxPlanner(widgets.VBox):
    """Injection dates → expected onset/effect/wear-off bands and injections per decade."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self._filling = False
        self.example = widgets.ToggleButtons(
            options=list(EXAMPLES) + ["Custom"], value="Every ~3 months", description="Example schedule:",
            tooltips=["Fills in injections about 3 months apart", "Fills in injections about 4 months apart",
                      "Fills in a schedule with one long gap", "Type your own dates below"],
            style={"description_width": "initial"})
        self.dates = widgets.Textarea(
            value=EXAMPLES["Every ~3 months"], description="Injection dates:",
            placeholder="YYYY-MM-DD, separated by commas or new lines", continuous_update=False,
            layout=widgets.Layout(width="95%", height="4.5em"), style={"description_width": "initial"})
        self.draw_button = widgets.Button(description="Draw plan", icon="refresh",
                                          tooltip="Redraw the bands for the dates above")
        self.figure = demo.FigurePanel()
        self.info = widgets.HTML()
        self.example.observe(self._on_example, names="value")
        self.dates.observe(self._on_dates, names="value")
        self.draw_button.on_click(lambda _b: self.update())
        self.update()
        super().__init__([self.example, self.dates, self.draw_button, self.figure, self.info])

    def _on_example(self, change) -> None:
        if change["new"] in EXAMPLES:
            self._filling = True
            try:
                self.dates.value = EXAMPLES[change["new"]]
            finally:
                self._filling = False
            self.update()

    def _on_dates(self, change) -> None:
        if not self._filling:
            if self.dates.value not in EXAMPLES.values():
                self.example.value = "Custom"
            self.update()

    def update(self) -> None:
        try:
            plan = plan_schedule(self.dates.value, self._fb)
        except PlannerInputError as exc:
            message = str(exc)
            fig, data = planner_error_figure(message)
            self.figure.draw(fig, f"No plan drawn: {message}", data)
            self.info.value = planner_error_text(message)
            return

        def make():
            fig, data = planner_figure(plan, self._fb)
            return fig, planner_alt(plan), data
        self.figure.draw_cached(tuple(plan["dates"]), make)
        self.info.value = planner_text(plan, self._fb)


def bont_planner() -> BotoxPlanner:
    """Lesson 4 demo: type planned botulinum toxin dates; see the schedule against one redo MVD over ten years."""
    return BotoxPlanner()


# ============================================================================ 3. revision walkthrough
@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    position: str      # what the literature says (template with fact-base placeholders)
    evidence: str      # what kind of evidence that is
    next: str          # key of the next step


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    prompt: str
    choices: tuple[Choice, ...] = ()


NO_TRIAL = "No randomised trial has compared these timing strategies."

STEPS: dict[str, Step] = {s.key: s for s in (
    Step("start", "What kind of spasm is this?",
         "A patient had a first MVD for hemifacial spasm and comes back with twitching on the same side. "
         "Before anyone talks about a second operation: what is the story?",
         (Choice("persistent", "The spasm never stopped after the operation (persistent, or residual, spasm)",
                 "Not every twitch after MVD is a failure: relief is often delayed (pooled delayed relief "
                 "{fact:recovery.delayed.pooled}). If it does not settle, redo series find missed compression "
                 "zones in {fact:cause.missed_zone_persistent.liu2021} of persistent cases and a missed vessel in "
                 "{fact:cause.missed_vessel_ineffective.cjfh2024} of ineffective first operations. The question "
                 "of when to operate again is the next step.",
                 "Systematic review of 12 studies (delayed relief); retrospective redo series (causes).",
                 "timing"),
          Choice("recurrent", "The spasm stopped for months, then came back (recurrence)",
                 "Recurrence after cure was {fact:first_mvd.recurrence.miller2012} in pooled data. At redo for "
                 "recurrent spasm, adhesion of the padding material was found in "
                 "{fact:cause.adhesion_recurrent.cjfh2024} and missed compression zones in "
                 "{fact:cause.missed_zone_recurrent.liu2021}. In one series, late re-operation for recurrence did "
                 "less well than early re-operation {labels:redo.early_better.engh2005}. There is no delayed cure "
                 "to wait "
                 "for, so the timing question is about how disabling the spasm is and the work-up.",
                 "Systematic review (recurrence); retrospective redo series (causes, outcome).",
                 "workup"),
          Choice("unsure", "Not sure: the notes do not say whether the spasm ever stopped",
                 "Then finding out is the first task, because the distinction changes what is likely to be "
                 "found and how well a redo works. {fact:redo.early_better.engh2005} Ask the patient, the "
                 "family and the first team, and read the discharge and follow-up notes.",
                 "A retrospective redo series (outcome by timing of the redo).",
                 "workup"))),
    Step("timing", "When to operate again?",
         "Some weeks after the operation the spasm is still there, a little weaker. The patient asks when a "
         "second operation would be done. Look at each position before moving on.",
         (Choice("early_amr", "Early redo, if the abnormal muscle response (AMR/LSR) persists on re-testing",
                 "One centre re-tested the AMR the day after surgery. {fact:recovery.amr_positive.xinhua2015} "
                 "A second MVD was less successful unless done within {fact:redo.timing.barker_30d} of the first, "
                 "and early re-operation did better than late {labels:redo.early_better.engh2005}. Note what "
                 "the centre acted on: a positive AMR re-test the next day in patients not relieved, not the "
                 "result at the end of surgery. For the end of surgery, a meta-analysis found that with a "
                 "persisting LSR, spasm fell from {value:lsr.persist_hfs.discharge} at discharge to "
                 "{value:lsr.persist_hfs.1y} at 1 year {labels:lsr.persist_hfs.1y}; no figure is given for "
                 "patients still twitching at a given time.",
                 "Single-centre retrospective series; the AMR-guided figures come from a secondary summary. "
                 + NO_TRIAL,
                 "workup"),
          Choice("wait_3_4wk", "Wait {value:redo.timing.postpone_3_4wk}, then decide",
                 "{fact:redo.second_mvd.taipei1992} Another series re-operated 12 of 15 non-responders "
                 "without benefit {labels:redo.no_benefit.choi1999}.",
                 "Two retrospective single-centre series. " + NO_TRIAL,
                 "workup"),
          Choice("wait_6m", "Wait about {value:redo.timing.six_months} (the handout's rule)",
                 "The handout's waiting period of {value:redo.timing.six_months} "
                 "{labels:redo.timing.six_months} is a convention, not a tested rule. It has some support. "
                 "{fact:recovery.outcome_6mo_equals_12mo} By 6 months, {value:recovery.by_6mo_range} of eventual "
                 "cures had happened in two series {labels:recovery.by_6mo_range}.",
                 "One large retrospective series and two series with cumulative data. " + NO_TRIAL,
                 "workup"),
          Choice("wait_1y", "Wait {value:recovery.judge_at_1y}",
                 "Cure can be delayed for months, so the final result should be judged after "
                 "{fact:recovery.judge_at_1y}. {fact:recovery.over_1y.inha2008}",
                 "One series and one expert review. " + NO_TRIAL,
                 "workup"),
          Choice("wait_2y", "Wait {value:redo.timing.wait_2y}",
                 "A series of late re-operations suggests waiting {fact:redo.timing.wait_2y} before a redo for "
                 "unresolved spasm; immediate cure after late redo was {fact:redo.immediate.failedmvd2016}. "
                 "Another series of late redos found no significant difference in relief or complications "
                 "from first operations (" + WANG_SAMPLE + ") {labels:redo.no_difference.wang2013}.",
                 "Small retrospective series (26 and 33 late redo operations). " + NO_TRIAL,
                 "workup"))),
    Step("workup", "What do you do first?",
         "Whatever the timing, a redo is planned only after a work-up. Which comes first?",
         (Choice("history", "Confirm the story and its timing, and read the first operation note (vessel, "
                            "technique, Teflon)",
                 "This is where the work-up starts. What the first surgeon saw and did guides the search: at "
                 "revision, a Teflon pledget adhered to the facial nerve in "
                 "{fact:cause.teflon_adhesion.almutawa2024} "
                 "and a vascular compression had been missed in {fact:cause.missed_vessel.almutawa2024}. "
                 "{fact:imaging.after_mvd_limits}",
                 "Retrospective redo series; the order of the work-up is expert practice, not trial evidence.",
                 "imaging"),
          Choice("mri_first", "Order an MRI and let it decide",
                 "MRI is needed, but it cannot decide alone. {fact:mechanism.normal_contact} "
                 "{fact:imaging.after_mvd_limits}",
                 "Imaging studies and a revision series.",
                 "imaging"),
          Choice("book", "Book the redo straight away",
                 "No source supports operating again without a work-up. A redo carries more risk than a first "
                 "operation: persistent facial palsy {fact:redo.perm_facial.samsung_redo} in a small redo series "
                 "against {fact:risk.first.perm_facial.miller2012} after a first MVD.",
                 "A small redo series beside a systematic review of first operations.",
                 "imaging"))),
    Step("imaging", "Which imaging?",
         "Secondary causes must be excluded and the anatomy planned. Which MRI do you ask for?",
         (Choice("ciss_tof", "High-resolution 3D CISS (or FIESTA) with 3D TOF angiography",
                 "Combined 3D TOF and 3D CISS reached an accuracy of {fact:imaging.tof_ciss_accuracy.tofciss} "
                 "(TOF alone {value:imaging.tof_accuracy.tofciss}, "
                 "CISS alone {value:imaging.ciss_accuracy.tofciss}). "
                 "CISS found the conflict in {fact:imaging.ciss_sensitivity.tarnaris2007}, but in only 13 "
                 "patients. {value:imaging.fiesta} {labels:imaging.fiesta} {fact:imaging.protocol.neuchi2018}",
                 "Small diagnostic studies; none of them reports accuracy after a previous MVD.",
                 "monitoring"),
          Choice("routine", "A routine brain MRI with standard T2 images",
                 "Routine T2 images showed the conflict in {fact:imaging.routine_t2.tarnaris2007}, "
                 "high-resolution T2 images in {value:imaging.hires_t2.tarnaris2007}.",
                 "One diagnostic study of 47 patients.",
                 "monitoring"),
          Choice("mra", "MR angiography alone",
                 "MR angiography alone had a sensitivity of {fact:imaging.mra_sensitivity.tarnaris2007}; "
                 "3D TOF source images {fact:imaging.tof_sensitivity.radiology1995} sensitivity and "
                 "{value:imaging.tof_specificity.radiology1995} specificity.",
                 "Two diagnostic studies.",
                 "monitoring"),
          Choice("no_mri", "No imaging: the operation note is enough",
                 "The note is essential but does not exclude a secondary cause or show the present anatomy. "
                 "{fact:imaging.protocol.neuchi2018}",
                 "Imaging review (expert practice).",
                 "monitoring"))),
    Step("monitoring", "Monitoring during the redo?",
         "The redo is planned. Which intraoperative monitoring do you expect the team to use?",
         (Choice("lsr_baep", "Lateral spread response (LSR/AMR) and brainstem auditory evoked potentials (BAEP)",
                 "Both are used. During late redo, the LSR disappeared in {fact:redo.lsr_disappeared.wang2013}. "
                 "BAEP guards hearing: when wave V was lost, hearing loss followed in "
                 "{fact:baep.hl_with_loss.thirumala2015}, against {value:baep.hl_without_loss.thirumala2015} "
                 "when it was kept. But routine LSR monitoring did not change the 1-year cure rate in a "
                 "prospective comparison ({fact:lsr.monitoring_1y.with.wei2018} with, "
                 "{value:lsr.monitoring_1y.without.wei2018} without).",
                 "Retrospective series and one prospective comparison (in first operations).",
                 "counsel"),
          Choice("baep_only", "BAEP only",
                 "BAEP watches the hearing pathway, the deficit most likely to be permanent: "
                 "{fact:baep.alarm_criteria} It says nothing about whether the decompression is complete; the "
                 "LSR is used for that, with the limits shown in Lesson 1.",
                 "Meta-analysis and series of BAEP monitoring.",
                 "counsel"),
          Choice("none", "No monitoring",
                 "The handout says monitoring \"enhances accuracy and safety\"; that is partly supported. "
                 "Routine LSR monitoring did not change 1-year cure ({fact:lsr.monitoring_1y.with.wei2018} vs "
                 "{value:lsr.monitoring_1y.without.wei2018}), but hearing loss after MVD with monitoring was "
                 "{fact:baep.hearing_loss.ionm_meta2022} in pooled data, and wave V loss warns of it.",
                 "One prospective comparison; a meta-analysis of monitored series.",
                 "counsel"))),
    Step("counsel", "What do you tell the patient?",
         "The patient asks: \"How likely is it to work, and is it riskier than the first time?\" Which "
         "statement is closest to the literature?",
         (Choice("slight", "\"The risk is only slightly higher than the first time\" (handout S0)",
                 "Understated: lasting deficits are more frequent after a redo. In a small redo series persistent "
                 "facial palsy was {fact:redo.perm_facial.samsung_redo} and persistent hearing loss "
                 "{value:redo.perm_hearing.samsung_redo}, against {fact:risk.first.perm_facial.miller2012} and "
                 "{value:risk.first.perm_hearing.miller2012} after a first MVD; permanent complications "
                 "{fact:redo.perm_complications.repeat2018} in one series. One series of late redos found no "
                 "significant difference in relief or complications (" + WANG_SAMPLE + ") "
                 "{labels:redo.no_difference.wang2013}.",
                 "Single redo series beside a systematic review of 22 papers on first operations (different "
                 "studies and eras).",
                 "options"),
          Choice("over85", "\"A redo relieves {seed:S1-24} of recurrent cases\" (handout S1)",
                 "Overstated for complete relief: at long follow-up complete relief was "
                 "{fact:redo.complete.almutawa2024} and {fact:redo.longterm_complete.repeat2018} in single "
                 "series; any relief (complete or improved) was {fact:redo.any_relief_range}, and late "
                 "re-operation for recurrence did less well than early re-operation "
                 "{labels:redo.early_better.engh2005}.",
                 "Single series.",
                 "options"),
          Choice("balanced", "\"Complete relief is likely but less certain than the first time; lasting facial "
                             "weakness or hearing loss is more frequent; injections remain an option\"",
                 "Closest to the literature: complete relief {fact:redo.complete_range} and any relief "
                 "{fact:redo.any_relief_range}; lasting facial weakness and hearing loss are more frequent than "
                 "after a first MVD. In one series younger patients did better ({value:redo.cure_young.engh2005} "
                 "cured at 50 or younger, {value:redo.cure_old.engh2005} above) "
                 "{labels:redo.cure_young.engh2005}.",
                 "Single series; the age finding comes from one series of 36 patients.",
                 "options"),
          Choice("certain", "\"A redo almost always cures it, so there is nothing to lose\"",
                 "Not supported: no relief at all after revision in {fact:redo.none.almutawa2024}, and lasting "
                 "deficits are more frequent than after a first MVD (persistent facial palsy "
                 "{fact:redo.perm_facial.samsung_redo} in a small series).",
                 "Single series.",
                 "options"))),
    Step("options", "Which alternatives do you explain?",
         "The patient is unsure about another operation. Which alternative do you explain? (Look at each.)",
         (Choice("bont", "Botulinum toxin injections",
                 "{fact:bont.first_line} Response {fact:bont.response_range}; the effect lasts "
                 "{fact:bont.duration_range} and injections are repeated at intervals of "
                 "{fact:bont.reinjection_interval}. "
                 "{fact:bont.cochrane2020} {fact:bont.ptosis}",
                 "Consistent observational studies; almost no randomised evidence.",
                 "end"),
          Choice("drugs", "Tablets: carbamazepine, clonazepam or gabapentin",
                 "{fact:drug.clonazepam_rct} {fact:drug.carbamazepine_gabapentin}",
                 "One negative randomised trial; otherwise expert opinion and a case report.",
                 "end"),
          Choice("tms", "Magnetic stimulation (TMS) or facial neuromuscular retraining",
                 "{fact:other.tms_retraining}",
                 "No therapeutic study found.",
                 "end"),
          Choice("redo", "A redo MVD after counselling",
                 "Complete relief {fact:redo.complete_range}, any relief {fact:redo.any_relief_range}; "
                 "excellent quality of life at long-term follow-up in {fact:redo.qol.repeat2018}. Risks as in the "
                 "counselling step.",
                 "Single series.",
                 "end"))),
    Step("end", "End of the case",
         "You have seen one path through the case. Go back to compare other choices, or start again."),
)}

STEP_ORDER = ("start", "timing", "workup", "imaging", "monitoring", "counsel", "options", "end")
NOT_A_RECOMMENDATION = ("This walkthrough shows what the literature says about each choice. It never gives a "
                        "recommendation for a real patient: a real decision rests on that patient's history, "
                        "examination, imaging, the surgeon's findings and the patient's own values.")


class RevisionCase:
    """The walkthrough's state machine (pure Python; the widget only displays it).

    ``select(key)`` chooses an option at the current step and shows its literature position; ``advance()``
    moves to the step that choice leads to; ``back()`` returns to the previous step with its choice;
    ``restart()`` goes back to the start. Invalid actions raise ``ValueError`` with a clear message.
    """

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.restart()

    # -- state
    def restart(self) -> None:
        self.step_key = "start"
        self.selected: str | None = None
        self.history: list[tuple[str, str]] = []  # (step key, choice key) of the steps left behind

    @property
    def step(self) -> Step:
        return STEPS[self.step_key]

    @property
    def at_end(self) -> bool:
        return not self.step.choices

    def choice(self, key: str) -> Choice:
        for c in self.step.choices:
            if c.key == key:
                return c
        valid = ", ".join(c.key for c in self.step.choices) or "none (this is the last step)"
        raise ValueError(f"'{key}' is not an option at the step \"{self.step.title}\"; the options are: {valid}")

    def select(self, key: str) -> Choice:
        c = self.choice(key)
        self.selected = key
        return c

    def advance(self) -> str:
        if self.at_end:
            raise ValueError("This is the last step: press Back to compare other choices, or Start again.")
        if self.selected is None:
            raise ValueError("Choose an option first, then press Next step.")
        nxt = self.choice(self.selected).next
        self.history.append((self.step_key, self.selected))
        self.step_key, self.selected = nxt, None
        return nxt

    def back(self) -> str:
        if not self.history:
            raise ValueError("You are at the first step; there is nothing to go back to.")
        self.step_key, self.selected = self.history.pop()
        return self.step_key

    # -- what the student sees
    def position(self, key: str | None = None) -> dict | None:
        key = key or self.selected
        if key is None:
            return None
        c = self.choice(key)
        return {"choice": self._fb.render(c.label), "position": self._fb.render(c.position),
                "evidence": c.evidence}

    def path(self) -> list[dict]:
        """The steps taken so far, each with the choice made and its literature position."""
        out = []
        for step_key, choice_key in self.history:
            c = next(c for c in STEPS[step_key].choices if c.key == choice_key)
            out.append({"step": STEPS[step_key].title, "choice": self._fb.render(c.label),
                        "position": self._fb.render(c.position), "evidence": c.evidence})
        return out

    def step_number(self) -> tuple[int, int]:
        return STEP_ORDER.index(self.step_key) + 1, len(STEP_ORDER)

    def view(self) -> dict:
        n, total = self.step_number()
        return {"step": self.step_key, "number": n, "total": total, "title": self.step.title,
                "prompt": self._fb.render(self.step.prompt),
                "options": [(c.key, self._fb.render(c.label)) for c in self.step.choices],
                "selected": self.selected, "position": self.position(), "path": self.path(),
                "at_end": self.at_end, "notice": NOT_A_RECOMMENDATION}

    def html(self, message: str = "") -> str:
        v = self.view()
        parts = [f"<h4 style='margin:4px 0'>Step {v['number']} of {v['total']}: {_esc(v['title'])}</h4>",
                 f"<p>{_esc(v['prompt'])}</p>"]
        if message:
            parts.append(f"<p role='alert' style='color:#8B0000'><b>{_esc(message)}</b></p>")
        if v["position"]:
            p = v["position"]
            parts.append(f"<div role='status' style='border-left:4px solid {style.OKABE_ITO['blue']};"
                         f"padding-left:8px'><p><b>You chose:</b> {_esc(p['choice'])}</p>"
                         f"<p><b>What the literature says:</b> {_esc(p['position'])}</p>"
                         f"<p><b>Evidence:</b> {_esc(p['evidence'])}</p></div>")
        elif not v["at_end"]:
            parts.append("<p><i>Choose an option to see the literature position and its evidence.</i></p>")
        if v["at_end"]:
            rows = "".join(f"<li><b>{_esc(s['step'])}</b> — {_esc(s['choice'])}. "
                           f"<i>Literature:</i> {_esc(s['position'])} <i>Evidence:</i> {_esc(s['evidence'])}</li>"
                           for s in v["path"])
            parts.append(f"<p><b>Your path through the case:</b></p><ol>{rows}</ol>")
        parts.append(f"<p style='font-size:90%'><b>Not a recommendation.</b> {_esc(v['notice'])}</p>")
        parts.append(demo.disclaimer_html("walkthrough"))
        return "".join(parts)


class RevisionWalkthrough(widgets.VBox):
    """A branching case: choose at each step, read the literature position, move on or go back."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self.case = RevisionCase(fb)
        self._syncing = False
        self.panel = widgets.HTML()
        self.choice = widgets.RadioButtons(options=[], value=None, description="Your choice:",
                                           layout=widgets.Layout(width="auto"),
                                           style={"description_width": "initial"})
        self.back_button = widgets.Button(description="Back", icon="arrow-left",
                                          tooltip="Return to the previous step")
        self.next_button = widgets.Button(description="Next step", icon="arrow-right",
                                          tooltip="Go to the step your choice leads to")
        self.restart_button = widgets.Button(description="Start again", icon="undo",
                                             tooltip="Return to the first step")
        self.choice.observe(self._on_choice, names="value")
        self.back_button.on_click(lambda _b: self._act(self.case.back))
        self.next_button.on_click(lambda _b: self._act(self.case.advance))
        self.restart_button.on_click(lambda _b: self._act(self.case.restart))
        self.update()
        super().__init__([self.panel, self.choice,
                          widgets.HBox([self.back_button, self.next_button, self.restart_button])])

    def _labels(self) -> dict[str, str]:
        return {label: key for key, label in self.case.view()["options"]}

    def _on_choice(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self.case.select(self._labels()[change["new"]])
        self.update()

    def _act(self, action) -> None:
        try:
            action()
        except ValueError as exc:
            self.update(str(exc))
            return
        self.update()

    def update(self, message: str = "") -> None:
        v = self.case.view()
        labels = [label for _key, label in v["options"]]
        selected_label = dict(v["options"]).get(v["selected"]) if v["selected"] else None
        self._syncing = True
        try:
            if list(self.choice.options) != labels:
                self.choice.options = labels
            self.choice.value = selected_label
        finally:
            self._syncing = False
        self.choice.layout.display = "none" if v["at_end"] else None
        self.next_button.disabled = v["at_end"]
        self.back_button.disabled = not self.case.history
        self.panel.value = self.case.html(message)


def revision_walkthrough() -> RevisionWalkthrough:
    """Lesson 4 demo: walk a revision case step by step; each choice shows what the literature says."""
    return RevisionWalkthrough()


# ============================================================================ registry
_WALKTHROUGH_FACTS = _template_facts(*(t for s in STEPS.values() for c in s.choices
                                       for t in (c.label, c.position)))

#: Every fact this module shows (the lesson's reference list is built from it).
FACT_IDS = tuple(dict.fromkeys(
    [f for c in COMPLICATIONS for f in c.first + c.redo + c.notes]
    + list(COMPARATOR_NOTE_FACTS)
    + ["redo.perm_facial.samsung_redo", "risk.first.perm_facial.miller2012", "redo.perm_hearing.samsung_redo",
       "risk.first.perm_hearing.miller2012", "redo.perm_complications.repeat2018"]
    + [ONSET_FACT, DURATION_FACT, INTERVAL_FACT] + list(PLANNER_TEXT_FACTS)
    + _WALKTHROUGH_FACTS))

#: Handout claims the widgets quote (their handouts join the lesson's reference list).
SEED_CLAIM_IDS = tuple(factbase.FactBase.seed_ids(*(t for s in STEPS.values() for c in s.choices
                                                   for t in (c.label, c.position))))

#: The lesson's interactive demos (benchmarks and browser tests iterate over these); the comparator comes
#: first because its first ToggleButtons group redraws a figure.
DEMOS = (risk_comparator, bont_planner, revision_walkthrough)
