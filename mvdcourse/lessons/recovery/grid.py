"""Lesson 2 demo 2 — final outcome × time to cure, filled from a handout's list or from one published series.

The handout's list adds up to more than 100%: one of its categories belongs on the other axis. The list and
the grid's sources are data: ``assets/lessons/02_recovery/{seed_list,grid_sources}.yaml``.
"""

from __future__ import annotations

import html
from typing import Literal

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .series import TEXTS, _fb

ROWS = ("Complete relief at last follow-up", "Relief, then spasm came back", "Never complete relief")
COLS = ("Immediate", "Delayed", "Never complete")
_COL_HEAD = ("Immediate", "Delayed", "Never\ncomplete")
#: Cells that cannot hold anyone: complete relief needs relief; never-complete has no time to cure.
IMPOSSIBLE = {(0, 2), (1, 2), (2, 0), (2, 1)}


class ListedCategory(content.Record):
    """One category of the handout's outcome list, the claim giving its share and the axis it belongs to."""

    id: str
    claim: str
    axis: Literal["final outcome", "time to cure"]


class GridSource(content.Record):
    """What can fill the grid, and the text that explains it (placeholders; one kind of markup, <i>)."""

    id: str
    name: str
    text: str


#: The seed handout's list (S1): category, seed claim, what axis it belongs to.
SEED_LIST = tuple(
    (c.id, c.claim, c.axis) for c in content.lesson_records("02_recovery", "seed_list", ListedCategory).values()
)

SEED_SUM_KEY = "Handout S1's list"

#: One published series with both margins reported (Nunta-aree 2024, 100 patients, so count = %).
SERIES_ROWS = (
    "recovery.final_complete.nuntaaree2024",
    "recovery.recurrence.nuntaaree2024",
    "recovery.incomplete.nuntaaree2024",
)
SERIES_COLS = (
    "recovery.immediate.nuntaaree2024",
    "recovery.delayed.nuntaaree2024",
    "recovery.incomplete.nuntaaree2024",
)
_SOURCES = content.lesson_records("02_recovery", "grid_sources", GridSource)
GRID_SOURCES = {k: src.name for k, src in _SOURCES.items()}
GRID_TEXT = {k: src.text for k, src in _SOURCES.items()}


def grid_data(source: str = "seed", fb: factbase.FactBase | None = None) -> dict:
    """What the grid shows: cell texts, margins and the sums a reader might form."""
    if source not in GRID_SOURCES:
        raise ValueError(f"unknown grid source '{source}'; choose one of {', '.join(GRID_SOURCES)}")
    fb = _fb(fb)
    cells = {(r, c): ("impossible" if (r, c) in IMPOSSIBLE else "") for r in range(3) for c in range(3)}
    if source == "seed":
        listed = [(name, fb.seed_claim(cid).value, fb.seed_claim(cid).text(), axis) for name, cid, axis in SEED_LIST]
        cells[(0, 0)] = "complete resolution"
        cells[(0, 1)] = TEXTS["grid.double_counted"]
        cells[(1, 0)] = "not in the list"
        cells[(1, 1)] = TEXTS["grid.delayed_cure_only"]
        cells[(2, 2)] = "significant improvement; no improvement"
        total = round(sum(v for _, v, _, _ in listed), 1)
        sums = {SEED_SUM_KEY: total}
        return {
            "source": source,
            "cells": cells,
            "listed": listed,
            "row_totals": None,
            "col_totals": None,
            "sums": sums,
            "double_counted": [(0, 1)],
        }
    rows = [fb.fact(f).value for f in SERIES_ROWS]
    cols = [fb.fact(f).value for f in SERIES_COLS]
    for rc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        cells[rc] = "split not reported"
    cells[(2, 2)] = fb.text(SERIES_COLS[2])
    mixed = [("Complete relief", rows[0]), ("Delayed cure", cols[1]), ("Never complete", rows[2])]
    sums = {
        "Final outcome (rows)": round(sum(rows), 1),
        "Time to cure (columns)": round(sum(cols), 1),
        "Mixed like the handout": round(sum(v for _, v in mixed), 1),
    }
    return {
        "source": source,
        "cells": cells,
        "row_totals": rows,
        "col_totals": cols,
        "listed": [(n, v, f"{v:g}%", "mixed") for n, v in mixed],
        "sums": sums,
        "double_counted": [],
        "consistency": {
            "cured_columns": round(cols[0] + cols[1], 1),
            "complete_plus_recurred": round(rows[0] + rows[1], 1),
        },
    }


def _fill_from_handout(ax, d: dict) -> None:
    """The handout's list on the grid: the complete-resolution row and delayed-cure column overlap."""
    blue, verm = style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
    listed = {name: txt for name, _, txt, _ in d["listed"]}
    ax.add_patch(Rectangle((0.04, 2.08), 1.92, 0.84, facecolor=blue, alpha=0.18, edgecolor=blue, lw=2))
    ax.text(
        0.5,
        2.5,
        f"Complete\nresolution\n{listed['Complete resolution']}",
        fontsize=8.5,
        color=blue,
        ha="center",
        va="center",
        fontweight="bold",
    )
    ax.annotate("", (1.1, 2.85), xytext=(0.85, 2.85), arrowprops=dict(arrowstyle="->", color=blue, lw=1.5))
    ax.add_patch(Rectangle((1.1, 1.06), 0.8, 1.8, facecolor=verm, alpha=0.15, edgecolor=verm, lw=2, linestyle="--"))
    ax.text(
        1.5,
        1.5,
        f"Delayed cure\n{listed['Delayed cure']}",
        fontsize=8.5,
        color=verm,
        ha="center",
        va="center",
        fontweight="bold",
    )
    ax.add_patch(Rectangle((1.1, 2.1), 0.8, 0.55, facecolor="none", edgecolor="black", hatch="////", lw=0))
    ax.text(
        1.5,
        2.38,
        "counted\ntwice",
        ha="center",
        va="center",
        fontsize=8.5,
        fontweight="bold",
        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="black"),
    )
    ax.text(0.5, 1.5, "recurrence:\nnot in\nthe list", ha="center", va="center", fontsize=8, color="#555555")
    ax.text(
        2.5,
        0.5,
        f"Significant\nimprovement {listed['Significant improvement']}\n\nNo improvement\n{listed['No improvement']}",
        ha="center",
        va="center",
        fontsize=8.5,
    )


def _fill_from_series(ax, d: dict, n: int) -> None:
    """One series on the grid: its margins, and the cells whose split is not reported."""
    for (r, c), text in d["cells"].items():
        if text == "split not reported":
            ax.text(
                c + 0.5,
                n - 1 - r + 0.5,
                "?\nsplit not\nreported",
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
            )
    ax.text(2.5, 0.5, d["cells"][(2, 2)], ha="center", va="center", fontsize=12, fontweight="bold")
    for r, v in enumerate(d["row_totals"]):
        ax.text(3.08, n - 1 - r + 0.5, f"{v:g}%", va="center", fontsize=10, fontweight="bold")
    for c, v in enumerate(d["col_totals"]):
        ax.text(c + 0.5, -0.22, f"{v:g}%", ha="center", va="center", fontsize=10, fontweight="bold")
    ax.text(3.08, -0.22, "100%", va="center", fontsize=9, color="#555555")
    ax.text(3.08, 3.06, "row\ntotal", fontsize=8.5, color="#555555", va="bottom")
    ax.text(-0.06, -0.22, "column total", ha="right", va="center", fontsize=8.5, color="#555555")


def _draw_grid(ax, d: dict, fb: factbase.FactBase) -> None:
    n = 3
    for r, c in d["cells"]:
        y = n - 1 - r
        if (r, c) in IMPOSSIBLE:
            ax.add_patch(Rectangle((c, y), 1, 1, facecolor="#EEEEEE", edgecolor="#BBBBBB", hatch="xx", lw=0.8))
            ax.text(c + 0.5, y + 0.5, "impossible", ha="center", va="center", fontsize=7.5, color="#777777")
            continue
        ax.add_patch(Rectangle((c, y), 1, 1, facecolor="white", edgecolor="#555555", lw=1))
    if d["source"] == "seed":
        _fill_from_handout(ax, d)
    else:
        _fill_from_series(ax, d, n)
    for c, name in enumerate(_COL_HEAD):
        ax.text(c + 0.5, 3.06, name, ha="center", va="bottom", fontsize=9)
    for r, name in enumerate(ROWS):
        ax.text(
            -0.06,
            n - 1 - r + 0.5,
            name.replace(", ", ",\n").replace(" at ", "\nat "),
            ha="right",
            va="center",
            fontsize=8.5,
        )
    ax.text(1.5, 3.45, "Time to cure →", ha="center", fontsize=9.5, fontweight="bold")
    ax.text(-1.55, 3.45, "Final outcome ↓", ha="left", fontsize=9.5, fontweight="bold")
    ax.set_xlim(-1.6, 3.5)
    ax.set_ylim(-0.45, 3.7)
    ax.set_aspect("auto")
    ax.axis("off")


def _draw_sums(ax, d: dict) -> None:
    hatches = ("", "//", "..", "xx", "\\\\")
    colors = (
        style.OKABE_ITO["blue"],
        style.OKABE_ITO["orange"],
        style.OKABE_ITO["vermillion"],
        style.OKABE_ITO["bluish_green"],
        style.OKABE_ITO["reddish_purple"],
    )
    if d["source"] == "seed":
        bars = [("Handout S1's list", [(n, v) for n, v, _, _ in d["listed"]])]
    else:
        rows = list(zip(("complete", "recurred", "never complete"), d["row_totals"]))
        cols = list(zip(("immediate", "delayed", "never complete"), d["col_totals"]))
        bars = [
            ("Rows (final outcome)", rows),
            ("Columns (time to cure)", cols),
            ("Mixed like the handout", [(n, v) for n, v, _, _ in d["listed"]]),
        ]
    bars = [(f"{name}: " + " + ".join(f"{v:g}" for _, v in segs), segs) for name, segs in bars]
    for y, (_name, segs) in enumerate(reversed(bars)):
        left = 0
        for i, (seg, v) in enumerate(segs):
            ax.barh(
                y,
                v,
                left=left,
                color=colors[i % 5],
                alpha=0.55,
                hatch=hatches[i % 5],
                edgecolor="black",
                lw=0.6,
                height=0.6,
            )
            if v >= 12:
                ax.text(
                    left + v / 2,
                    y,
                    f"{seg} {v:g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.7),
                )
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
    title = (
        TEXTS["grid.seed_title"]
        if source == "seed"
        else content.fill(TEXTS["grid.series_title"], fb, series_rows_1=fb.labels(SERIES_ROWS[0]))
    )
    ax.set_title(title, fontsize=10.5)
    data = {
        "source": source,
        "add_up": add_up,
        "cells": {f"{ROWS[r]} × {COLS[c]}": t for (r, c), t in d["cells"].items()},
        "row_totals": d["row_totals"],
        "col_totals": d["col_totals"],
        "sums": d["sums"],
        "listed": [(n, v) for n, v, _, _ in d["listed"]],
    }
    return fig, data


def _totals(d: dict) -> dict:
    """The grid's row and column totals as text fields: ``row_total_1`` .. ``col_total_3``."""
    return {f"{axis}_total_{i}": v for axis in ("row", "col") for i, v in enumerate(d[f"{axis}_totals"], start=1)}


def grid_alt(source: str, add_up: bool = False, fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    d = grid_data(source, fb)
    head = TEXTS["grid.alt_axes"]
    if source == "seed":
        listed = "; ".join(f"{n} {t} ({axis})" for n, _, t, axis in d["listed"])
        text = head + content.fill(TEXTS["grid.alt_seed"], fb, listed=listed)
    else:
        text = head + content.fill(TEXTS["grid.alt_series"], fb, **_totals(d))
    if add_up:
        text += (
            TEXTS["grid.sums_alt"] + "; ".join(f"{k.replace(chr(10), ' ')} {v:g}%" for k, v in d["sums"].items()) + "."
        )
    return text


def grid_html(source: str, add_up: bool = False, fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    d = grid_data(source, fb)
    # GRID_TEXT holds placeholders and one kind of markup (<i>); escape everything, then restore <i>.
    text = html.escape(fb.render(GRID_TEXT[source]), quote=False)
    parts = [f"<p>{text.replace('&lt;i&gt;', '<i>').replace('&lt;/i&gt;', '</i>')}</p>"]
    if source == "series":
        c = d["consistency"]
        parts.append(content.fill(TEXTS["grid.consistency_html"], fb, **_totals(d), **c))
    if add_up:
        if source == "seed":
            taken = ", ".join(html.escape(t) for _, _, t, _ in d["listed"])
            parts.append(content.fill(TEXTS["grid.seed_sum_html"], fb, sums=d["sums"][SEED_SUM_KEY], taken=taken))
        else:
            s = d["sums"]
            parts.append(
                content.fill(
                    TEXTS["grid.series_sums_html"],
                    fb,
                    final_outcome__rows=s["Final outcome (rows)"],
                    time_to_cure__columns=s["Time to cure (columns)"],
                    mixed_like_the_handout=s["Mixed like the handout"],
                )
            )
    return "".join(parts)


class OutcomeGrid(demo.FigureDemo):
    """Choose what fills the grid; optionally add the listed categories up."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.source = widgets.ToggleButtons(
            options=[(v, k) for k, v in GRID_SOURCES.items()],
            value="seed",
            description="Fill the grid from:",
            style={"description_width": "initial"},
        )
        self.add_up = widgets.Checkbox(
            value=False,
            indent=False,
            layout=widgets.Layout(width="auto"),
            description="Add the listed percentages together",
        )
        super().__init__([self.source, self.add_up], grid_figure, grid_alt, grid_html, self._fb)


def outcome_grid() -> OutcomeGrid:
    """Lesson 2 demo: place a handout's outcome list or one series on the outcome × timing grid; add it up."""
    return OutcomeGrid()
