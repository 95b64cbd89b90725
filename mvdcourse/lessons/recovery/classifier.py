"""Lesson 2 demo 3 — a student types a patient's timeline and gets its classification.

Immediate cure, delayed cure, delayed cure in progress, persistent spasm or recurrence, with the reasoning and
the figures behind it. What the classifier says is data (``assets/lessons/02_recovery/classifier_texts.yaml``,
``conventions.yaml``); this module holds only the rules that choose between the texts.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import ipywidgets as widgets

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .series import CURE_SERIES, DAYS_PER_MONTH, _fb, _fmt_months, _months, reported_share, sqrt_scale

IMMEDIATE_CUTOFFS = {  # day by which a spasm-free patient counts as an "immediate" cure
    3: "recovery.immediate_3d.choi1999",
    7: "recovery.immediate_7d.delayedcure2022",
}


class Convention(content.Record):
    """When the final result is judged: its horizon, who uses it and the fact cited."""

    id: str
    months: float
    basis: str
    fact: str


_CONVENTIONS = content.lesson_records("02_recovery", "conventions", Convention)
#: label -> (months, who uses it, fact cited)
CONVENTIONS = {k: (c.months, c.basis, c.fact) for k, c in _CONVENTIONS.items()}
TEXTS = content.lesson_texts("02_recovery", "classifier_texts")
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
    message: str = ""  # what is wrong or missing in the input
    timeline: Timeline | None = None
    immediate_by_day: int = 7  # the settings it was classified with
    convention: str = "1 year"

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



def say(text_id: str, fb: factbase.FactBase, **fields) -> str:
    """One of the classifier's texts, its $fields filled from the timeline and its placeholders rendered."""
    return content.fill(TEXTS[text_id], fb, **fields)


def _conv_basis(convention: str, fb) -> str:
    _, text, fid = CONVENTIONS[convention]
    return f"{fb.render(text)} {fb.labels(fid)}"


def _cum_by(months: float, fb) -> str:
    rs = [reported_share(k, months, fb) for k in CURE_SERIES]
    parts = [f"{r['text']} [{CURE_SERIES[r['series']].name}]" for r in rs if r["value"] is not None]
    return "; ".join(parts) if parts else say("no_point_yet", fb)


def _share_reached(months: float, fb) -> str:
    return say("share_reached", fb, when=_fmt_months(months), shares=_cum_by(months, fb))


def _contradiction(t: Timeline, fb) -> str | None:
    """Why the timeline cannot happen, or None."""
    F, S, B, now = t.follow_up_days, t.free_day, t.back_day, t.now
    fm = f"{_months(F):.1f}"
    if B is not None and S is None:
        return say("back_before_cure", fb)
    if S is not None and S > F + 1e-9:
        return say("free_after_now", fb, free=f"{S:g}", follow_up_days=f"{F:.0f}", follow_up_months=fm)
    if B is not None and B <= S:
        return say("back_before_free", fb, back=_fmt_months(_months(B)), free=f"{S:g}")
    if B is not None and B > F + 1e-9:
        return say("back_after_now", fb, back=_fmt_months(_months(B)), follow_up_months=fm)
    if S is not None and B is None and now != "gone":
        return say("free_but_not_gone", fb, free=f"{S:g}", now=now)
    return None


def _never_free(t: Timeline, immediate_by_day: int, convention: str, fb) -> Verdict:
    """No spasm-free date: timing unknown, a delayed cure still possible, or persistent spasm."""
    fm = _months(t.follow_up_days)
    if t.now == "gone":
        return Verdict("cured, timing unknown", say("headline_timing_unknown", fb),
                       [say("immediate_definition", fb, immediate_by=immediate_by_day), say("durability", fb)],
                       message=say("missing_free_day", fb), timeline=t)
    trend = say("trend_improving" if t.now == "improving" else "trend_unchanged", fb)
    other = next(k for k in CONVENTIONS if k != convention)
    if fm < CONVENTIONS[convention][0]:
        failed_elsewhere = CONVENTIONS[other][0] < CONVENTIONS[convention][0] and fm >= CONVENTIONS[other][0]
        early_note = (say("failure_by_other_convention", fb, other=other) if failed_elsewhere
                      else say("no_failure_yet", fb))
        return Verdict("delayed cure in progress", say("headline_in_progress", fb, convention=convention),
                       [trend, say("median_delayed", fb),
                        _share_reached(fm, fb) + " " + say("still_to_come", fb),
                        say("delayed_common", fb), early_note, say("later_tail", fb)], timeline=t)
    reasons = [trend,
               say("failure_by_convention", fb, convention=convention, basis=_conv_basis(convention, fb),
                   when=_fmt_months(fm)),
               _share_reached(fm, fb), say("later_tail", fb), say("failures_within", fb)]
    if fm < CONVENTIONS[other][0]:
        reasons.insert(2, say("possible_by_other_convention", fb, other=other))
    return Verdict("persistent spasm", say("headline_persistent", fb, convention=convention), reasons, timeline=t)


def _came_back(t: Timeline, immediate_by_day: int, fb) -> Verdict:
    """Spasm-free, then back: a silent period before a delayed cure, or a recurrence."""
    S, B = t.free_day, t.back_day
    silent = S <= immediate_by_day and (B - S) <= fb.fact(SILENT_FACT).value + 1e-9
    silent_text = say("silent_period", fb)
    if silent and t.now == "gone":
        return Verdict("delayed cure", say("headline_silent_cured", fb),
                       [silent_text, say("early_return_not_recurrence", fb), say("durability", fb)], timeline=t)
    if silent:
        return Verdict("delayed cure in progress", say("headline_silent_in_progress", fb),
                       [silent_text, say("returned_within_silent", fb, gap=f"{B - S:.0f}"),
                        _share_reached(_months(t.follow_up_days), fb), say("median_delayed", fb)], timeline=t)
    if t.now == "gone":
        return Verdict("not classified", say("headline_not_classified", fb),
                       [silent_text, say("not_classified_reason", fb)],
                       message=say("not_classified_message", fb), timeline=t)
    free_for = B - S
    return Verdict("recurrence", say("headline_recurrence", fb),
                   [say("recurrence_free_for", fb, days=f"{free_for:.0f}", months=f"{_months(free_for):.1f}"),
                    say("recurrence_rates", fb), say("persistent_vs_recurrent", fb),
                    say("recurrence_in_lesson_3", fb)], timeline=t)


def _still_free(t: Timeline, immediate_by_day: int, convention: str, fb) -> Verdict:
    """Spasm-free and still free: an immediate or a delayed cure."""
    S = t.free_day
    immediate_def, durability = say("immediate_definition", fb, immediate_by=immediate_by_day), say("durability", fb)
    if S <= immediate_by_day:
        reasons = [immediate_def, durability]
        if t.follow_up_days < 30:  # within the first month the label can still change
            reasons.insert(0, say("too_soon_to_tell", fb))
        return Verdict("immediate cure", say("headline_immediate", fb, free=f"{S:g}"), reasons, timeline=t)
    reasons = [immediate_def, say("median_all_and_delayed", fb), _share_reached(_months(S), fb), durability]
    if S > CONVENTIONS[convention][0] * DAYS_PER_MONTH:
        reasons.insert(1, say("after_horizon", fb, convention=convention))
    return Verdict("delayed cure", say("headline_delayed", fb, when=_fmt_months(_months(S))), reasons, timeline=t)


def classify(t: Timeline, immediate_by_day: int = 7, convention: str = "1 year",
             fb: factbase.FactBase | None = None) -> Verdict:
    """Classify a patient timeline. Contradictions come back as ``category='invalid'`` with a message."""
    fb = _fb(fb)
    if immediate_by_day not in IMMEDIATE_CUTOFFS:
        raise ValueError(f"immediate cure cut-off must be one of {sorted(IMMEDIATE_CUTOFFS)} days")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}")
    problem = _contradiction(t, fb)
    if problem:
        v = Verdict("invalid", say("headline_invalid", fb), message=problem, timeline=t)
    elif t.free_day is None:
        v = _never_free(t, immediate_by_day, convention, fb)
    elif t.back_day is not None:
        v = _came_back(t, immediate_by_day, fb)
    else:
        v = _still_free(t, immediate_by_day, convention, fb)
    v.immediate_by_day, v.convention = immediate_by_day, convention
    return v


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
        ax.text(0.5, 0.5, "No timeline to draw: read the message below.", ha="center", va="center",
                transform=ax.transAxes, fontsize=11)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        return fig, {"category": v.category, "segments": [], "follow_up_months": None}
    F = _months(t.follow_up_days)
    segments = _segments(t)
    look = {"spasm present": (style.OKABE_ITO["vermillion"], "///"),
            "spasm-free": (style.OKABE_ITO["bluish_green"], ""),
            "spasm back": (style.OKABE_ITO["reddish_purple"], "xx"),
            "spasm back, then gone": (style.OKABE_ITO["reddish_purple"], "..")}
    xmax = max(F, horizon, 1) * 1.1
    sqrt_scale(ax, xmax)
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


class TimelineClassifier(demo.InputDemo):
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
        super().__init__([self.follow_up, self.free_day, self.back_at, self.now, self.immediate_by, self.convention],
                         _parse, _state_figure, _state_alt, _state_html, self._fb, errors=(TimelineError,),
                         kind="classifier")

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
