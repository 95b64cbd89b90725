"""Lesson 3 demo 1's figure: cumulative recurrence after cure (left panel) and overall recurrence by series
(right panel), drawn in full (:func:`timeline_figure`) or composed from its two cached panels
(:func:`timeline_png`, what the widget shows). The figures come from :mod:`.rates`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ... import content, style
from ... import facts as factbase
from .common import TEXTS, _fb, ref_labels
from .rates import (
    CHANG_FACTS,
    HANDOUT_RATE_CLAIM,
    TWO_YEAR_FACT,
    _check_view,
    _edge_years,
    cumulative_points,
    risk_factor_note,
    series_rates,
)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _draw_two_year_mark(ax, points: list[dict], fb: factbase.FactBase) -> dict:
    """Shade the first two years, label the landmark figures and the rise after them; return the figures."""
    within = fb.fact(TWO_YEAR_FACT)
    edge = _edge_years(fb)
    ax.axvspan(0, edge, facecolor=style.OKABE_ITO["sky_blue"], alpha=0.18, lw=0, zorder=1)
    ax.axvline(edge, color="black", linestyle="--", lw=1.2, zorder=2)
    ax.text(
        0.1,
        4.5,
        content.fill(
            TEXTS["timeline.draw_two_year_mark"], fb, within=within.text(), ref_labels=ref_labels(fb, TWO_YEAR_FACT)
        ),
        fontsize=8.5,
        va="top",
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
        "failures_within_months": within.value,
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
    ax2.set_title(TEXTS["timeline.series_panel_title"], fontsize=10.5, color="black" if on else "#555555")
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
            content.fill(TEXTS["timeline.draw_risk_note"], None, short=note["short"], citation=note["citation"]),
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


def _new_figure():
    """The figure and its two axes: cumulative recurrence (left), series (right), at fixed margins."""
    return style.fixed_figure(
        11,
        4.4,
        ncols=2,
        gridspec_kw={"width_ratios": [1.45, 1]},
        margins=dict(left=0.06, right=0.975, bottom=0.115, top=0.87, wspace=0.62),
    )


def _draw_curve_panel(ax, view: str, risk: str, fb: factbase.FactBase, points: list[dict]) -> tuple[dict, dict]:
    """The left panel: published points, the two-year mark when chosen, the risk note; returns both's data."""
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
    ax.set_title(TEXTS["timeline.title"], fontsize=11)
    return landmarks, note


def timeline_figure(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None):
    """Cumulative recurrence after cure (left) and overall rates by series (right). Returns ``(fig, data)``."""
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    fig, (ax, ax2) = _new_figure()
    landmarks, note = _draw_curve_panel(ax, view, risk, fb, points)
    on, seed = _draw_series(ax2, rows, points, view == "other series", fb)
    return fig, _timeline_data(view, risk, points, rows, on, seed, landmarks, note)


def _timeline_data(view, risk, points, rows, on, seed, landmarks, note) -> dict:
    return {
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


def _panel_pixels(draw) -> tuple[np.ndarray, float, object]:
    """One panel drawn alone on the full figure (the other axes hidden): its RGBA pixels, smallest font
    size (as :func:`style.img_html` measures it) and what ``draw(ax, ax2)`` returned."""
    fig, axes = _new_figure()
    result = draw(*axes)
    plt.close(fig)  # kept off pyplot's figure list: only its pixels are cached
    canvas = FigureCanvasAgg(fig)
    style.enlarge_small_text(fig)  # as style.img_html does to a full drawing
    canvas.draw()
    return np.array(canvas.buffer_rgba()), style.min_font_px(fig), result


#: Each panel's pixels, drawn once per the state of that panel only: the curve panel by (two-year mark
#: shown, risk factor), the series panel by highlighted or not.
_PANELS: dict[tuple, tuple[np.ndarray, float, object]] = {}


def timeline_png(view: str = "cumulative", risk: str = "none", fb: factbase.FactBase | None = None):
    """:func:`timeline_figure` as PNG bytes and its data, composed from its two panels, each drawn alone
    and cached: a change of view or risk factor draws at most one panel (the series panel has two states,
    the curve panel eight), instead of the whole figure.

    The panels' pixels do not overlap, except where the risk note's dashed frame meets a (black) tick label
    of the series panel (5 pixels): there the label is blended over the frame as Agg blends black ink
    (multiply). The pixels are those of :func:`timeline_figure` (tests/test_style.py, every state)."""
    _check_view(view, risk)
    fb = _fb(fb)
    points = cumulative_points(fb)
    rows = series_rates(fb)
    on = view == "other series"
    left_view = "two-year mark" if view == "two-year mark" else "cumulative"
    left_key, right_key = (id(fb), "curve", left_view, risk), (id(fb), "series", on)
    if left_key not in _PANELS:
        _PANELS[left_key] = _panel_pixels(
            lambda ax, ax2: (ax2.set_visible(False), _draw_curve_panel(ax, left_view, risk, fb, points))[1]
        )
    if right_key not in _PANELS:
        _PANELS[right_key] = _panel_pixels(
            lambda ax, ax2: (ax.set_visible(False), _draw_series(ax2, rows, points, on, fb))[1]
        )
    left, left_px, (landmarks, note) = _PANELS[left_key]
    right, right_px, (_on, seed) = _PANELS[right_key]
    out = left.copy()
    inked = (right[..., :3] != 255).any(axis=-1)  # the series panel's pixels (the figure is white)
    out[inked] = right[inked]
    both = inked & (left[..., :3] != 255).any(axis=-1)  # its black tick labels over the curve panel's ink:
    out[both] = (left[both].astype(np.uint16) * right[both] // 255).astype(np.uint8)  # Agg's blend of black
    data = _timeline_data(view, risk, points, rows, on, seed, landmarks, note)
    return style.rgba_png(out, min(left_px, right_px)), data
