"""Lesson 2 demo 3 — a student types a patient's timeline and gets its classification.

Immediate cure, delayed cure, delayed cure in progress, persistent spasm or recurrence, with the reasoning and
the figures behind it (the rules: :mod:`.verdict`). This module draws the timeline and builds the widget.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .series import TEXTS, _fb, _months, sqrt_scale
from .verdict import CONVENTIONS, NOW_OPTIONS, Timeline, TimelineError, Verdict, classify, parse_timeline


def _segments(t: Timeline) -> list[tuple[str, float, float]]:
    """(phase, start, end) in months: spasm present, spasm-free, spasm back."""
    F = _months(t.follow_up_days)
    S = None if t.free_day is None else _months(t.free_day)
    B = None if t.back_day is None else _months(t.back_day)
    if S is None:
        return [("spasm present", 0.0, F)]
    segments = [("spasm present", 0.0, S)] if S > 0 else []
    segments.append(("spasm-free", S, B if B is not None else F))
    if B is not None:
        segments.append(("spasm back" if t.now != "gone" else "spasm back, then gone", B, F))
    return segments


def _draw_segments(ax, segments: list[tuple[str, float, float]], xmax: float) -> None:
    """One hatched bar per phase, labelled inside when wide enough, else with an arrow."""
    look = {
        "spasm present": (style.OKABE_ITO["vermillion"], "///"),
        "spasm-free": (style.OKABE_ITO["bluish_green"], ""),
        "spasm back": (style.OKABE_ITO["reddish_purple"], "xx"),
        "spasm back, then gone": (style.OKABE_ITO["reddish_purple"], ".."),
    }
    root = math.sqrt(xmax)
    small = 0
    for name, a, b in segments:
        color, hatch = look[name]
        width = max(b - a, (0.004 * root) ** 2)
        ax.barh(
            0,
            width,
            left=a,
            height=0.5,
            color=color,
            alpha=0.45 if hatch else 0.6,
            hatch=hatch,
            edgecolor="black",
            lw=0.8,
        )
        mid = ((math.sqrt(a) + math.sqrt(b)) / 2) ** 2
        if math.sqrt(b) - math.sqrt(a) > 0.2 * root:
            ax.text(
                mid,
                0,
                name,
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.75),
            )
        else:
            near_edge = math.sqrt(mid) < 0.12 * root
            ax.annotate(
                name,
                (mid, 0.25),
                xytext=(0 if near_edge else mid, 0.45 + 0.3 * small),
                fontsize=8,
                ha="left" if near_edge else "center",
                va="bottom",
                arrowprops=dict(arrowstyle="->", lw=0.7),
            )
            small += 1


def _draw_nothing(ax) -> None:
    """An empty axis pointing to the message below (the timeline cannot be drawn)."""
    ax.text(
        0.5,
        0.5,
        TEXTS["classifier.nothing_to_draw"],
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=11,
    )
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)


def classifier_figure(v: Verdict, immediate_by_day: int = 7, convention: str = "1 year"):
    """The patient's timeline as a bar (spasm present / spasm-free / spasm back). Returns ``(fig, data)``."""
    fig, ax = style.new_figure(7, 2.4, layout=None)  # fixed margins: no layout pass on each redraw
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.22, top=0.88)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    horizon = CONVENTIONS[convention][0]
    t = v.timeline
    if t is None or v.category == "invalid":
        _draw_nothing(ax)
        return fig, {"category": v.category, "segments": [], "follow_up_months": None}
    F = _months(t.follow_up_days)
    segments = _segments(t)
    xmax = max(F, horizon, 1) * 1.1
    sqrt_scale(ax, xmax)
    ticks = [x for x in (0, 1, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200) if x <= xmax]
    ax.set_xticks(ticks, [f"{x:g}" for x in ticks])
    _draw_segments(ax, segments, xmax)
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
    return fig, {
        "category": v.category,
        "segments": [(n, round(a, 2), round(b, 2)) for n, a, b in segments],
        "follow_up_months": round(F, 2),
    }


def classifier_alt(v: Verdict, data: dict, convention: str = "1 year") -> str:
    if v.category == "invalid":
        return TEXTS["classifier.alt_empty"]
    segs = "; ".join(f"{n} from month {a:g} to {b:g}" for n, a, b in data["segments"])
    return content.fill(
        TEXTS["classifier.alt"],
        None,
        follow_up_months=data["follow_up_months"],
        segs=segs,
        convention=convention,
        category=v.category,
    )


def classifier_html(v: Verdict) -> str:
    parts = []
    if v.message:
        parts.append(
            f"<p role='alert' style='color:#8B2500'><b>{'⚠ ' if v.category == 'invalid' else 'ℹ '}"
            f"{html.escape(v.message)}</b></p>"
        )
    parts.append(f"<h4 style='margin:4px 0'>{html.escape(v.headline)}</h4>")
    if v.category != "invalid":
        parts.append(f"<p>Category: <b>{html.escape(v.category)}</b></p>")
    if v.reasons:
        parts.append("<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in v.reasons) + "</ul>")
    parts.append(demo.disclaimer_html("classifier"))
    return "".join(parts)


def _text_input(description: str, placeholder: str, value: str = "") -> widgets.Text:
    """A labelled text box that reports its value when the student presses Enter or leaves it."""
    return widgets.Text(
        value=value,
        description=description,
        placeholder=placeholder,
        continuous_update=False,
        style={"description_width": "initial"},
    )


class TimelineClassifier(demo.InputDemo):
    """Type a timeline; read its classification, the reasoning and the figures. Never raises."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        st = {"description_width": "initial"}
        self.follow_up = _text_input("Months since MVD:", "e.g. 2 or 10 days", "2")
        self.free_day = _text_input("First spasm-free on day:", "blank = not yet")
        self.back_at = _text_input("Spasm came back at (months):", "blank = did not come back")
        self.now = widgets.Dropdown(options=list(NOW_OPTIONS), value="improving", description="Spasm now:", style=st)
        self.immediate_by = widgets.ToggleButtons(
            options=[("day 3", 3), ("day 7", 7)], value=7, description="“Immediate” means spasm-free by:", style=st
        )
        self.convention = widgets.ToggleButtons(
            options=list(CONVENTIONS), value="1 year", description="Judge the final result at:", style=st
        )
        super().__init__(
            [self.follow_up, self.free_day, self.back_at, self.now, self.immediate_by, self.convention],
            _parse,
            _state_figure,
            _state_alt,
            _state_html,
            self._fb,
            errors=(TimelineError,),
            kind="classifier",
        )

    @property
    def verdict(self) -> Verdict:
        """The classification shown (``category='invalid'`` with the message when the entries cannot be read)."""
        return self.state or Verdict("invalid", "Please check the entries", message=self.error)


def _parse(follow_up, free_day, back_at, now, immediate_by, convention, fb) -> Verdict:
    return classify(parse_timeline(follow_up, free_day, back_at, now), immediate_by, convention, fb)


def _state_figure(v: Verdict, fb):
    return classifier_figure(v, v.immediate_by_day, v.convention)


def _state_alt(v: Verdict, data: dict) -> str:
    return classifier_alt(v, data, v.convention)


def _state_html(v: Verdict, fb) -> str:
    return classifier_html(v)


def timeline_classifier() -> TimelineClassifier:
    """Lesson 2 demo: type a patient's timeline; read its classification, the reasoning and the figures."""
    return TimelineClassifier()
