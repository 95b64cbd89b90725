"""The cause sorter: sort candidate causes of failure after MVD into "documented at redo" and "hypothesis
only", then check the sort against what redo series report (per-item feedback with frequencies and sources)."""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .causes import BINS, CAUSES, DOCUMENTED, HYPOTHESIS, UNSORTED, check_assignments, score_sort, sort_feedback_html
from .common import TEXTS, _fb

_BIN_X = {HYPOTHESIS: 0, UNSORTED: 1, DOCUMENTED: 2}
_BIN_STYLE = {
    DOCUMENTED: dict(marker=style.SERIES[0].marker, color=style.SERIES[0].color, fill=True),
    HYPOTHESIS: dict(marker=style.SERIES[1].marker, color=style.SERIES[1].color, fill=True),
    UNSORTED: dict(marker="o", color=style.GREY, fill=False),
}

#: the mark beside each cause once the sort is checked
_GLYPHS = {
    "correct": ("✔", style.OKABE_ITO["bluish_green"]),
    "wrong": ("✘", style.OKABE_ITO["vermillion"]),
    "unsorted": ("?", "#555555"),
}


def _draw_evidence(ax2, result: dict, keys: list[str]) -> dict[str, list[float]]:
    """The frequencies reported at redo for each cause, one mark per series; return them by cause."""
    n = len(keys)
    frequencies = {}
    fst = style.SERIES[0]
    for i, key in enumerate(keys):
        y = n - 1 - i
        ev = result["items"][i]["evidence"]
        xs = [r["value"] for r in ev["frequencies"]]
        frequencies[key] = xs
        if xs:
            ax2.plot([min(xs), max(xs)], [y, y], color=fst.color, lw=2, zorder=2)
            ax2.plot(xs, [y] * len(xs), linestyle="none", marker=fst.marker, color=fst.color, markersize=7, zorder=3)
            ax2.annotate(
                f"{min(xs):g}" + (f"–{max(xs):g}%" if max(xs) != min(xs) else "%"),
                (max(xs), y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
            )
        elif ev["expected"] == DOCUMENTED:
            ax2.text(
                2,
                y,
                "documented (case counts, no % reported)",
                va="center",
                fontsize=8.5,
                color=fst.color,
                style="italic",
            )
        else:
            ax2.text(
                2,
                y,
                "hypothesis: not reported at redo",
                va="center",
                fontsize=8.5,
                color=style.SERIES[1].color,
                style="italic",
            )
    ax2.set_xlim(0, 100)
    ax2.set_xlabel(TEXTS["causes.evidence_x_label"])
    ax2.set_title("What redo series report", fontsize=11)
    ax2.tick_params(axis="y", left=False)
    return frequencies


def _sorter_axes(checked: bool):
    """The board alone until the sort is checked (the evidence stays hidden, redraws stay fast), then two panels."""
    if checked:  # board plus evidence panel
        fig, (ax, ax2) = style.fixed_figure(
            11,
            5.2,
            ncols=2,
            sharey=True,
            gridspec_kw={"width_ratios": [1, 1.05]},
            margins=dict(left=0.25, right=0.975, bottom=0.1, top=0.86, wspace=0.04),
        )
    else:  # the board alone: the evidence stays hidden until the sort is checked (and redraws stay fast)
        fig, ax = style.fixed_figure(5.8, 5.2, margins=dict(left=0.47, right=0.96, bottom=0.1, top=0.86))
        ax2 = None
    return fig, ax, ax2


def sorter_figure(assignments: Mapping[str, str], checked: bool = False, fb: factbase.FactBase | None = None):
    """The sorting board (left) and, once checked, the frequencies reported at redo (right)."""
    check_assignments(assignments)
    fb = _fb(fb)
    keys = list(CAUSES)
    n = len(keys)
    result = score_sort(assignments, fb) if checked else None
    fig, ax, ax2 = _sorter_axes(bool(result))
    placed = {}
    for i, key in enumerate(keys):
        y = n - 1 - i
        choice = assignments.get(key, UNSORTED)
        placed[key] = choice
        s = _BIN_STYLE[choice]
        ax.plot(
            [_BIN_X[choice]],
            [y],
            linestyle="none",
            marker=s["marker"],
            markersize=11,
            markeredgecolor=s["color"],
            markerfacecolor=s["color"] if s["fill"] else "white",
            markeredgewidth=2,
            zorder=3,
        )
        if result:
            glyph, colour = _GLYPHS[result["items"][i]["status"]]
            ax.text(2.45, y, glyph, va="center", ha="center", fontsize=13, color=colour, fontweight="bold")
    ax.set_xticks([0, 1, 2], ["hypothesis\nonly", "unsorted", "documented\nat redo"], fontsize=9.5)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.5, 2.75)
    ax.set_yticks(range(n), [CAUSES[k].label for k in reversed(keys)], fontsize=9.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_title("Your sort" + (" (✔ right, ✘ wrong, ? unsorted)" if result else ""), fontsize=11)
    ax.grid(axis="x", alpha=0.4)

    frequencies = _draw_evidence(ax2, result, keys) if result else {}
    if not result:
        ax.set_xlabel(TEXTS["causes.press_check"], fontsize=9.5, color="#555555")
    data = {
        "placed": placed,
        "checked": checked,
        "frequencies": frequencies,
        "score": {k: result[k] for k in ("correct", "wrong", "unsorted")} if result else None,
    }
    return fig, data


class _BoardLayer:
    """The board (with the evidence panel once checked) drawn once without its marks (the static layer:
    axes, labels, grid, evidence); a state restores that layer, stamps its twelve markers (and, checked,
    its twelve ✔/✘/? marks) on it and encodes the PNG, in a few milliseconds instead of a full drawing.
    The pixels are those of :func:`sorter_figure`."""

    def __init__(self, fb: factbase.FactBase, checked: bool = False):
        self.fb, self.checked = fb, checked
        self.fig, data = sorter_figure({}, checked, fb)
        plt.close(self.fig)  # kept here, not by pyplot (which warns past 20 open figures) ...
        FigureCanvasAgg(self.fig)  # ... on a canvas of its own
        style.enlarge_small_text(self.fig)  # as style.img_html does to a full drawing
        self.min_font_px = style.min_font_px(self.fig)
        self.frequencies = data["frequencies"]
        self.ax = self.fig.axes[0]
        self.markers = list(self.ax.lines)  # one per cause, in CAUSES order: the board's only lines
        self.glyphs = list(self.ax.texts)  # checked: one per cause, in CAUSES order: the board's only texts
        moving = set(self.markers + self.glyphs)
        self.stamped = [a for a in self.ax.get_children() if a in moving]  # in the full drawing's order
        for artist in self.stamped:
            artist.set_animated(True)
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def png(self, assignments: Mapping[str, str]) -> tuple[bytes, dict]:
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        for key, line in zip(CAUSES, self.markers, strict=True):
            choice = assignments.get(key, UNSORTED)
            s = _BIN_STYLE[choice]
            line.set_xdata([_BIN_X[choice]])
            line.set_marker(s["marker"])
            line.set_markeredgecolor(s["color"])
            line.set_markerfacecolor(s["color"] if s["fill"] else "white")
        result = score_sort(assignments, self.fb) if self.checked else None
        for item, text in zip(result["items"] if result else (), self.glyphs, strict=True):
            glyph, colour = _GLYPHS[item["status"]]
            text.set_text(glyph)
            text.set_color(colour)
        for artist in self.stamped:
            self.ax.draw_artist(artist)
        data = {
            "placed": {k: assignments.get(k, UNSORTED) for k in CAUSES},
            "checked": self.checked,
            "frequencies": self.frequencies,
            "score": {k: result[k] for k in ("correct", "wrong", "unsorted")} if result else None,
        }
        return style.rgba_png(np.asarray(canvas.buffer_rgba()), self.min_font_px), data


_BOARDS: dict[tuple[int, bool], _BoardLayer] = {}


def sorter_board_png(
    assignments: Mapping[str, str], fb: factbase.FactBase | None = None, checked: bool = False
) -> tuple[bytes, dict]:
    """The board as PNG bytes and the data :func:`sorter_figure` returns, from the cached layer."""
    check_assignments(assignments)
    fb = _fb(fb)
    key = (id(fb), checked)
    layer = _BOARDS.get(key) or _BOARDS.setdefault(key, _BoardLayer(fb, checked))
    return layer.png(assignments)


def sorter_alt(assignments: Mapping[str, str], checked: bool = False, fb: factbase.FactBase | None = None) -> str:
    check_assignments(assignments)
    fb = _fb(fb)
    groups = {b: [CAUSES[k].label for k in CAUSES if assignments.get(k, UNSORTED) == b] for b in BINS}
    parts = [
        content.fill(
            TEXTS["causes.alt_board"],
            fb,
            groups=", ".join(groups[DOCUMENTED]) or "none",
            groups2=", ".join(groups[HYPOTHESIS]) or "none",
            count=len(groups[UNSORTED]),
        )
    ]
    if checked:
        r = score_sort(assignments, fb)
        freq = []
        for item in r["items"]:
            ev = item["evidence"]
            if ev["range"]:
                lo, hi = ev["range"]
                freq.append(f"{ev['label']} {lo:g}%" + (f" to {hi:g}%" if hi != lo else ""))
        hyp = [CAUSES[k].label for k in CAUSES if not CAUSES[k].documented]
        parts.append(
            content.fill(
                TEXTS["causes.alt_checked"],
                fb,
                **r,
                freq="; ".join(freq),
                hyp=", ".join(hyp),
            )
        )
    else:
        parts.append(TEXTS["causes.alt_unchecked"])
    return " ".join(parts)


class CauseSorter(demo.FigureDemo):
    """One control per candidate cause (unsorted / documented at redo / hypothesis only) and a Check button."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.checked = False
        self._bulk = False
        self.toggles: dict[str, widgets.ToggleButtons] = {
            key: widgets.ToggleButtons(
                options=list(BINS),
                value=UNSORTED,
                description=c.label,
                tooltip=c.claim,
                tooltips=["not sorted yet", "found at redo surgery", "proposed, not documented"],
                style={"description_width": "17em", "button_width": "9.5em"},
            )
            for key, c in CAUSES.items()
        }
        for toggle in self.toggles.values():
            toggle.add_class("mvd-row")  # the cause's name beside its buttons, wrapping when narrow
        self.check_button = widgets.Button(
            description="Check my sort", icon="check", tooltip="Score the sort and show the evidence for every cause"
        )
        self.reset_button = widgets.Button(
            description="Start again", icon="undo", tooltip="Set every cause back to unsorted"
        )
        self.check_button.on_click(lambda _b: self.check())
        self.reset_button.on_click(lambda _b: self.reset())
        super().__init__(
            list(self.toggles.values()),
            self._figure,
            self._alt,
            self._html,
            self._fb,
            buttons=(widgets.HBox([self.check_button, self.reset_button]),),
        )
        self.feedback = self.info

    def assignments(self) -> dict[str, str]:
        return {k: t.value for k, t in self.toggles.items()}

    def values(self) -> tuple:
        return tuple(t.value for t in self.toggles.values()), self.checked

    def reachable_states(self) -> list[tuple]:
        """The current sort checked: drawn ahead, "Check my sort" only swaps the image (the first one
        drawn ahead also builds the checked layer)."""
        placed, checked = self.values()
        return [] if checked or set(placed) == {UNSORTED} else [(placed, True)]

    @staticmethod
    def _figure(placed: tuple, checked: bool, fb):
        """The board (and the evidence once checked), stamped on its cached static layer."""
        return sorter_board_png(dict(zip(CAUSES, placed)), fb, checked)

    @staticmethod
    def _alt(placed: tuple, checked: bool, fb) -> str:
        return sorter_alt(dict(zip(CAUSES, placed)), checked, fb)

    @staticmethod
    def _html(placed: tuple, checked: bool, fb) -> str:
        a = dict(zip(CAUSES, placed))
        return sort_feedback_html(score_sort(a, fb)) if checked else _progress_html(a)

    def changed(self, change) -> None:
        if self._bulk:
            return
        self.checked = False
        self.update()

    def check(self) -> dict | None:
        """What the Check button does; returns the scored result, or None if nothing was sorted."""
        a = self.assignments()
        if all(v == UNSORTED for v in a.values()):
            self.checked = False
            self.update()
            self.info.value = sort_feedback_html(score_sort(a, self._fb))
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


def _progress_html(assignments: Mapping[str, str]) -> str:
    n = sum(v != UNSORTED for v in assignments.values())
    return content.fill(TEXTS["causes.progress_html"], None, n=n, count=len(assignments))


def cause_sorter() -> CauseSorter:
    """Lesson 3 demo: sort candidate causes of failure into documented and hypothesis; check against redo series."""
    return CauseSorter()
