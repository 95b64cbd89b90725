"""Lesson 4 demo 2 — botulinum toxin injection dates → expected onset, effect and wear-off windows.

Drawn as bands (never as a smooth curve), with injections per decade beside one operation. The only
arithmetic is calendar arithmetic on the student's own dates (:mod:`.schedule`).
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS, _esc, _text_width_in
from .schedule import (
    _EXAMPLES,
    DECADE_MONTHS,
    DURATION_FACT,
    EXAMPLES,
    INTERVAL_FACT,
    ONSET_FACT,
    PlannerInputError,
    plan_schedule,
)

ONE_REDO = "One redo MVD"  # the planner is for patients who already had a first MVD

_BAND = {  # colour + hatch + label: never colour alone
    "onset": dict(color=style.OKABE_ITO["sky_blue"], hatch="....", label=TEXTS["planner.band_building"]),
    "effect": dict(color=style.OKABE_ITO["bluish_green"], hatch="", label="effect expected"),
    "wear_off": dict(color=style.OKABE_ITO["yellow"], hatch="\\\\\\", label="wearing off (average duration ends)"),
    "gap": dict(color=style.OKABE_ITO["vermillion"], hatch="xx", label="beyond the average durations"),
}


def _draw_decade(ax2, plan: dict, lim: dict) -> None:
    """Injections per decade at the usual intervals (and this schedule's), one dot each, beside one redo."""
    lo, hi = lim["per_decade"]
    rows = [
        (f"Every ~{lim['max_interval_months']} months", lo, "o"),
        (f"Every ~{lim['min_interval_months']} months", hi, "o"),
    ]
    if plan["per_decade_yours"]:
        rows.append(("Your schedule, continued", plan["per_decade_yours"], "D"))
    rows.append((ONE_REDO, 1, "s"))
    for k, (label, count, marker) in enumerate(rows):
        y = len(rows) - 1 - k
        color = (
            style.OKABE_ITO["vermillion"]
            if label == ONE_REDO
            else (style.OKABE_ITO["reddish_purple"] if marker == "D" else style.OKABE_ITO["blue"])
        )
        ax2.plot(
            range(1, count + 1),
            [y] * count,
            marker=marker,
            linestyle="none",
            color=color,
            markersize=4.5 if count > 1 else 8,
        )
        ax2.text(
            count + 0.8, y, f"{count} {'operation' if label == ONE_REDO else 'injections'}", va="center", fontsize=8.5
        )
    ax2.set_yticks(range(len(rows)), [r[0] for r in rows][::-1], fontsize=8.5)
    ax2.set_xlim(0, max(r[1] for r in rows) + 9)
    ax2.set_ylim(-0.6, len(rows) - 0.4)
    ax2.grid(axis="y", visible=False)
    ax2.set_xlabel(TEXTS["planner.decade_x_label"])
    ax2.set_title(TEXTS["planner.decade_title"], fontsize=10, loc="left")


def _band(ax, y: float, start, end, key: str, **kwargs) -> None:
    """One window of one lane, from ``start`` to ``end`` (dates), in the band style of ``key``."""
    num = mdates.date2num
    st = _BAND[key]
    ax.barh(
        y,
        num(end) - num(start),
        left=num(start),
        height=0.6,
        color=st["color"],
        hatch=st["hatch"],
        edgecolor="#333333",
        linewidth=0.4,
        **kwargs,
    )


def _draw_lanes(ax, plan: dict, n: int) -> None:
    """One lane per injection: its three windows as hatched bands, and any interval beyond the average durations."""
    inj = plan["injections"]
    num = mdates.date2num
    for lane, i in enumerate(inj):
        y = n - 1 - lane
        for key in ("onset", "effect", "wear_off"):
            _band(ax, y, *i[key], key)
        ax.plot([num(i["date"])], [y], marker="v", color="black", markersize=6, linestyle="none")
    for lane, g in enumerate(plan["gaps"]):
        if g["status"] == "likely":
            y = n - 1 - lane
            prev = inj[lane]
            start, end = prev["wear_off"][1], inj[lane + 1]["onset"][1]
            _band(ax, y, start, end, "gap", alpha=0.85)


def _band_legend(ax, lanes_in: float) -> None:
    """The bands (colour and hatch) and the injection marker, in one row under the date axis."""
    handles = [
        Patch(facecolor=v["color"], hatch=v["hatch"], edgecolor="#333333", label=v["label"]) for v in _BAND.values()
    ]
    handles.append(ax.plot([], [], marker="v", color="black", linestyle="none", label="injection")[0])
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3 / lanes_in - 0.02),
        ncol=5,
        fontsize=7.5,
        frameon=False,
        borderaxespad=0,
    )


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
    left = (
        max(
            _text_width_in([f"Injection {n}: 2025-01-06"], 8 if n <= 12 else 6),
            _text_width_in(["Your schedule, continued"], 8.5),
        )
        + 0.15
    ) / width
    right = 1 - 0.2 / width
    with plt.rc_context(style.RC):  # style.new_figure makes one row; this figure needs two
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((left, (bottom_in + dec_in + mid_in) / height, right - left, lanes_in / height))
        ax2 = fig.add_axes((left, bottom_in / height, right - left, dec_in / height))
    _draw_lanes(ax, plan, n)
    ax.set_yticks(
        range(n),
        [f"Injection {k + 1}: {d['date'].isoformat()}" for k, d in enumerate(inj)][::-1],
        fontsize=8 if n <= 12 else 6,
    )
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.6, n - 0.4)
    _band_legend(ax, lanes_in)
    ax.set_title(
        content.fill(TEXTS["planner.title"], fb, **lim),
        fontsize=10,
        loc="left",
    )
    _draw_decade(ax2, plan, lim)
    data = {
        "dates": [d.isoformat() for d in plan["dates"]],
        "gaps": [g["status"] for g in plan["gaps"]],
        "per_decade_usual": plan["per_decade_usual"],
        "per_decade_yours": plan["per_decade_yours"],
        "valid": True,
    }
    return fig, data


def planner_error_figure(message: str):
    """A placeholder drawn when the dates cannot be planned (so no stale plan stays on screen)."""
    fig = demo.blank_figure(TEXTS["planner.nothing_drawn"])
    return fig, {"dates": [], "gaps": [], "valid": False, "error": message}


def planner_alt(plan: dict) -> str:
    lim = plan["limits"]
    n = len(plan["dates"])
    gaps = {s: sum(1 for g in plan["gaps"] if g["status"] == s) for s in ("covered", "possible", "likely")}
    yours = (
        content.fill(TEXTS["planner.alt_per_decade"], None, per_decade_yours=plan["per_decade_yours"])
        if plan["per_decade_yours"]
        else ""
    )
    return content.fill(
        TEXTS["planner.planner_alt"],
        None,
        n=n,
        plural="s" if n != 1 else "",
        date_1=plan["dates"][0].isoformat(),
        dates=plan["dates"][-1].isoformat(),
        onset_mean_days=lim["onset_mean_days"],
        effect_low_weeks=lim["effect_low_weeks"],
        effect_high_weeks=lim["effect_high_weeks"],
        possible=gaps["possible"],
        likely=gaps["likely"],
        per_decade_usual_1=plan["per_decade_usual"][0],
        per_decade_usual_2=plan["per_decade_usual"][1],
        yours=yours,
    )


def planner_text(plan: dict, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    lim = plan["limits"]
    lo, hi = plan["per_decade_usual"]
    items = []
    words = {
        "covered": TEXTS["planner.gap_covered"],
        "possible": TEXTS["planner.gap_possible"],
        "likely": content.fill(TEXTS["planner.gap_likely"], fb),
    }
    for g in plan["gaps"]:
        items.append(
            f"<li>{g['from'].isoformat()} → {g['to'].isoformat()} ({g['days']} days): "
            + words[g["status"]].format(d=g["uncovered_days"])
            + "</li>"
        )
    gap_html = f"<ul>{''.join(items)}</ul>" if items else TEXTS["planner.one_date"]
    yours = (
        content.fill(TEXTS["planner.per_decade_yours"], fb, per_decade_yours=plan["per_decade_yours"])
        if plan["per_decade_yours"]
        else ""
    )
    return (
        content.fill(
            TEXTS["planner.how_drawn_html"],
            fb,
            onset_fact=_esc(fb.cite(ONSET_FACT)),
            duration_fact=_esc(fb.cite(DURATION_FACT)),
            gap_html=gap_html,
            interval_fact=_esc(fb.cite(INTERVAL_FACT)),
            lo=lo,
            hi=hi,
            decade_months=DECADE_MONTHS,
            max_interval_months=lim["max_interval_months"],
            min_interval_months=lim["min_interval_months"],
            yours=yours,
        )
        + demo.disclaimer_html("planner")
        + TEXTS["planner.not_a_schedule"]
    )


def planner_error_text(message: str) -> str:
    return f"<p role='alert'><b>Please check the dates.</b> {_esc(message)}</p>" + demo.disclaimer_html("planner")


class BotoxPlanner(demo.InputDemo):
    """Injection dates → expected onset/effect/wear-off bands and injections per decade."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self._filling = False
        self.example = widgets.ToggleButtons(
            options=list(EXAMPLES) + ["Custom"],
            value=next(iter(EXAMPLES)),
            description="Example schedule:",
            tooltips=[e.tooltip for e in _EXAMPLES.values()] + ["Type your own dates below"],
            style={"description_width": "initial"},
        )
        self.dates = widgets.Textarea(
            value=next(iter(EXAMPLES.values())),
            description="Injection dates:",
            placeholder="YYYY-MM-DD, separated by commas or new lines",
            continuous_update=False,
            layout=widgets.Layout(width="95%", height="4.5em"),
            style={"description_width": "initial"},
        )
        self.draw_button = widgets.Button(
            description="Draw plan", icon="refresh", tooltip="Redraw the bands for the dates above"
        )
        self.draw_button.on_click(lambda _b: self.update())
        super().__init__(
            [self.example, self.dates],
            plan_schedule,
            planner_figure,
            _plan_alt,
            planner_text,
            self._fb,
            errors=(PlannerInputError,),
            buttons=(self.draw_button,),
            error_figure=_error_figure,
            error_text=planner_error_text,
        )

    def values(self) -> tuple:
        return (self.dates.value,)

    def reachable_states(self) -> list[tuple]:
        """The example schedules: what the Example menu reaches in one step (drawn ahead)."""
        return [(dates,) for dates in EXAMPLES.values() if (dates,) != self.values()]

    def changed(self, change) -> None:
        if change["owner"] is self.example:
            if change["new"] in EXAMPLES:
                self._filling = True
                try:
                    self.dates.value = EXAMPLES[change["new"]]
                finally:
                    self._filling = False
                self.update()
            return
        if self._filling:
            return
        if self.dates.value not in EXAMPLES.values():
            self.example.value = "Custom"
        self.update()


def _plan_alt(plan: dict, data: dict) -> str:
    return planner_alt(plan)


def _error_figure(message: str):
    fig, data = planner_error_figure(message)
    return fig, f"No plan drawn: {message}", data


def bont_planner() -> BotoxPlanner:
    """Lesson 4 demo: type planned botulinum toxin dates; see the schedule against one redo MVD over ten years."""
    return BotoxPlanner()
