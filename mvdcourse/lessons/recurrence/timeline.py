"""Lesson 3 demo 1 — cumulative recurrence after cure, drawn only from published points.

Steps and markers, never a fitted curve; the reported risk factors are shown as labelled text, because no
stratified curve was published. The figures come from :mod:`.rates`.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as widgets

from ... import facts as factbase
from ... import style
from ... import widgets as demo
from .common import _fb, _years_in, ref_labels
from .rates import (
    CHANG_FACTS,
    HANDOUT_RATE_CLAIM,
    RISK_FACTORS,
    SERIES_NOTES,
    VIEWS,
    _check_view,
    cumulative_points,
    risk_factor_note,
    series_rates,
)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _draw_two_year_mark(ax, points: list[dict], fb: factbase.FactBase) -> dict:
    """Shade the first two years, label the landmark figures and the rise after them; return the figures."""
    within = fb.fact("recurrence.within_2y.share")
    edge = _years_in(within)
    ax.axvspan(0, edge, facecolor=style.OKABE_ITO["sky_blue"], alpha=0.18, lw=0, zorder=1)
    ax.axvline(edge, color="black", linestyle="--", lw=1.2, zorder=2)
    ax.text(
        0.1,
        4.5,
        f"{within.text()} of recurrences\noccur within {edge:g} years\n(literature review)",
        fontsize=8.5,
        va="top",
    )
    after = fb.fact("recurrence.after_2y_free")
    ax.text(
        edge + 0.12, 5.0, f'after {edge:g} spasm-free years:\n"only a {after.text()} chance"', fontsize=8.5, va="top"
    )
    two, five = points[1], points[2]
    ax.annotate(
        "",
        xy=(five["years"], five["value"] + 0.15),
        xytext=(two["years"] + 0.1, two["value"] + 0.15),
        arrowprops=dict(arrowstyle="->", lw=1.5, color=style.OKABE_ITO["vermillion"]),
    )
    ax.text(
        (two["years"] + five["years"]) / 2,
        (two["value"] + five["value"]) / 2 + 0.75,
        f"still rising after year {edge:g}:\n{two['text']} → {five['text']}",
        ha="center",
        fontsize=8.5,
        color=style.OKABE_ITO["vermillion"],
    )
    return {
        "within_2y": within.value,
        "after_2y_free": after.value,
        "edge_years": edge,
        "rise_after": (two["value"], five["value"]),
    }


def _draw_series(ax2, rows: list[dict], points: list[dict], on: bool, fb: factbase.FactBase):
    """Overall recurrence reported by series (highlighted with the handout's range when ``on``)."""
    seed = fb.seed_claim(HANDOUT_RATE_CLAIM)
    if on:
        ax2.axvspan(seed.low, seed.high, facecolor=style.OKABE_ITO["reddish_purple"], alpha=0.2, lw=0)
        ax2.text(
            (seed.low + seed.high) / 2,
            len(rows) - 0.35,
            f"handout:\n{seed.text()}",
            ha="center",
            va="bottom",
            fontsize=8,
            color="#7A3B63",
        )
    st, sst = style.SERIES[0], style.SERIES[2]
    for y, r in enumerate(rows):
        chang = r["fact"] == CHANG_FACTS[-1]
        color = (st.color if chang else sst.color) if on or chang else style.GREY
        marker = st.marker if chang else sst.marker
        ax2.plot([0, r["value"]], [y, y], color=color, lw=1, linestyle=":", zorder=2)
        ax2.plot(
            [r["value"]],
            [y],
            marker=marker,
            color=color,
            markersize=8 if on or chang else 6,
            linestyle="none",
            zorder=3,
        )
        ax2.annotate(
            r["text"],
            (r["value"], y),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color="black" if on or chang else "#555555",
        )
    ax2.set_yticks(
        range(len(rows)),
        [r["label"] + (f" ({points[-1]['years']:g}-year)" if r["fact"] == CHANG_FACTS[-1] else "") for r in rows],
        fontsize=8.5,
    )
    ax2.set_xlim(0, max(r["value"] for r in rows) * 1.3)
    ax2.set_xticks(range(0, int(ax2.get_xlim()[1]) + 1, 2))
    ax2.set_ylim(-0.6, len(rows) + 0.6)
    ax2.set_xlabel("Recurrence reported (%)")
    ax2.set_title("Other series (follow-up and definitions differ)", fontsize=10.5, color="black" if on else "#555555")
    return on, seed


def _draw_cumulative(ax, points: list[dict], fb: factbase.FactBase) -> None:
    """Published cumulative points, joined as steps (no fitting), labelled with their source."""
    st = style.SERIES[0]
    xs = [0.0] + [p["years"] for p in points]
    ys = [0.0] + [p["value"] for p in points]
    ax.step(xs, ys, where="post", color=st.color, linestyle=st.linestyle, lw=2, zorder=3)
    ax.plot(
        xs[1:],
        ys[1:],
        linestyle="none",
        marker=st.marker,
        color=st.color,
        markersize=8,
        zorder=4,
        label="published point",
    )
    for i, p in enumerate(points):
        left = i == 1  # the 2-year point sits on the two-year landmark line: label it to the left
        ax.annotate(
            p["text"],
            (p["years"], p["value"]),
            xytext=(-7, 6) if left else (0, 9),
            textcoords="offset points",
            ha="right" if left else "center",
            fontsize=10,
            fontweight="bold",
            color=st.color,
        )
    last = points[-1]
    ax.text(
        (points[1]["years"] + last["years"]) / 2,
        points[1]["value"] - 0.3,
        f"{ref_labels(fb, last['fact'])}, {last['population']}",
        ha="center",
        va="top",
        fontsize=9,
        color=st.color,
    )


def _draw_risk_note(ax, note: dict) -> None:
    """The reported association as a dashed text box: no curve by the factor was published."""
    ax.text(
        0.015,
        0.975,
        _wrap(
            f"{note['short']} {note['citation']}. No recurrence curve by this factor was published, so none is drawn.",
            78,
        ),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=8.5,
        bbox=dict(
            boxstyle="round,pad=0.4",
            facecolor="#FFF8E1",
            edgecolor=style.OKABE_ITO["orange"],
            lw=1.5,
            linestyle="--",
        ),
    )


def timeline_figure(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None):
    """Cumulative recurrence after cure (left) and overall rates by series (right). Returns ``(fig, data)``."""
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    fig, (ax, ax2) = style.fixed_figure(
        11,
        4.4,
        ncols=2,
        gridspec_kw={"width_ratios": [1.45, 1]},
        margins=dict(left=0.06, right=0.975, bottom=0.115, top=0.87, wspace=0.62),
    )

    _draw_cumulative(ax, points, fb)
    landmarks = _draw_two_year_mark(ax, points, fb) if view == "two-year mark" else {}
    note = risk_factor_note(risk, fb)
    if note:
        _draw_risk_note(ax, note)
    ax.set_xlim(0, 5.6)
    ax.set_ylim(0, 7.0)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel("Years since a successful MVD")
    ax.set_ylabel("Cumulative recurrence (%)")
    ax.set_title("Recurrence after cure: published points only\n(steps join them; no curve is fitted)", fontsize=11)

    on, seed = _draw_series(ax2, rows, points, view == "other series", fb)
    data = {
        "view": view,
        "risk_factor": risk,
        "points": [(p["years"], p["value"]) for p in points],
        "series": {r["label"]: r["value"] for r in rows},
        "series_highlighted": on,
        "handout_band": (seed.low, seed.high) if on else None,
        "landmarks": landmarks,
        "risk_note": note["short"] if note else None,
        "stratified_curves": 0,
    }
    return fig, data


def timeline_alt(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    pts = ", ".join(f"{p['text']} {_at(p)}" for p in points)
    parts = [
        f"Step chart of cumulative recurrence after a successful MVD in {points[0]['population']} "
        f"{points[0]['citation']}: {pts}; only the published points are drawn."
    ]
    if view == "two-year mark":
        edge = _years_in(fb.fact("recurrence.within_2y.share"))
        parts.append(
            f"Shaded first two years: {fb.text('recurrence.within_2y.share')} of recurrences occur "
            f"within {edge:g} years; after {edge:g} spasm-free years the chance is "
            f"{fb.text('recurrence.after_2y_free')} {fb.labels('recurrence.within_2y.share')}; yet the Chang "
            f"curve still rises from {points[1]['text']} to {points[2]['text']} between years "
            f"{points[1]['years']:g} and {points[2]['years']:g}."
        )
    note = risk_factor_note(risk, fb)
    if note:
        parts.append(
            f"Text box: {note['short']} {note['citation']}; no curve by this factor was published, so none is drawn."
        )
    series = ", ".join(f"{r['label']} {r['text']}" for r in rows)
    parts.append(
        f"Right: overall recurrence by series, {series} (range {rows[0]['text']} to {rows[-1]['text']})"
        + (f"; the handout's {fb.seed_claim(HANDOUT_RATE_CLAIM).text()} is shaded." if view == "other series" else ".")
    )
    return " ".join(parts)


def _at(point: dict) -> str:
    """``at 1 year`` / ``at 5 years``: a published time point as the text states it."""
    return f"at {point['years']:g} year{'s' if point['years'] != 1 else ''}"


def timeline_html(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None) -> str:
    _check_view(view, risk)
    fb = _fb(fb)
    e = html.escape
    points = cumulative_points(fb)
    p1, p2, p5 = points
    out = [
        f"<p><b>Cumulative recurrence after cure:</b> {e(p1['text'])} {_at(p1)}, {e(p2['text'])} {_at(p2)} "
        f"and {e(p5['text'])} {_at(p5)} after a successful MVD ({e(p1['population'])}) {e(p1['citation'])}. "
        "The marks are the published figures; the steps only join them.</p>"
    ]
    if view == "two-year mark":
        edge = _years_in(fb.fact("recurrence.within_2y.share"))
        out.append(
            f"<p><b>The two-year mark.</b> A literature review found {e(fb.cite('recurrence.within_2y.share'))} of "
            f'recurrences within {edge:g} years and "only a {e(fb.text("recurrence.after_2y_free"))} chance" after '
            f"{edge:g} spasm-free years. {e(fb.cite('recurrence.none_after_24mo.small_series'))} "
            f"In a large series of first operations, nearly all failures occurred within "
            f"{e(fb.cite('first_mvd.failures_within_24mo.barker1995'))}.</p>"
            f"<p><b>But recurrences keep accruing:</b> the cumulative figure still rose from {e(p2['text'])} to "
            f"{e(p5['text'])} between years {p2['years']:g} and {p5['years']:g} {e(p5['citation'])}. "
            "Long-term data point the same way: "
            f"{e(fb.cite('recurrence.long_term_divergence.lee2022'))}</p>"
        )
    if view == "other series":
        rows = series_rates(fb)
        items = "".join(
            f"<li>{e(r['text'])} {e(r['citation'])}{' (unverified)' if r['status'] == 'unverified' else ''}: "
            f"{e(r['definition'])}; {e(r['population'])}</li>"
            for r in rows
        )
        seed = fb.seed_claim(HANDOUT_RATE_CLAIM)
        out.append(
            f"<p><b>Other series</b> report overall recurrence from {e(rows[0]['text'])} to {e(rows[-1]['text'])}:"
            f"</p><ul>{items}</ul>"
            + "".join(f"<p>Counts without a rate: {e(fb.cite(n))}</p>" for n in SERIES_NOTES)
            + f"<p>They differ in what counts as recurrence (any return of spasm, or only "
            "after a documented cure), in how long patients were followed, and in size (pooled reviews versus "
            f"one small series). The handout's claim (“{e(seed.claim.rstrip('.'))}”) fits the large series but "
            f"not every series: our check rates it <i>{e(seed.verdict)}</i>.</p>"
        )
    note = risk_factor_note(risk, fb)
    if note:
        ctx = "".join(f" For scale, pooled recurrence in the same meta-analysis: {e(c)}." for c in note["context"])
        out.append(
            f"<p><b>Risk factor — {e(note['name'])}:</b> {e(note['detail'])} {e(note['citation'])}. "
            f"Direction: {e(note['direction'])}.{ctx} The source gives this association only; it "
            "published no recurrence curve for patients with and without the factor, so the plot shows "
            "the association as text and draws no separate curve. An association is not a cause.</p>"
        )
    else:
        out.append("<p>Choose a <b>Risk factor</b> to read the association a source reported.</p>")
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
                "Cumulative recurrence after cure, published points (Chang 2012)",
                "Mark the two-year landmark figures on the plot",
                "Highlight overall recurrence in other series and the handout's claim",
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
        super().__init__([self.view, self.risk], timeline_figure, timeline_alt, timeline_html, self._fb)


def recurrence_timeline() -> RecurrenceTimeline:
    """Lesson 3 demo: cumulative recurrence after cure, the two-year mark, other series and risk factors."""
    return RecurrenceTimeline()
