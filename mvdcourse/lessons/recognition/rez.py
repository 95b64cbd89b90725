"""The root-exit-zone explorer: where along the facial nerve compression is found.

Four segments, proximal to distal (root exit point, attached segment, root detachment point with the
transition zone, distal cisternal portion), drawn as an original schematic of the brainstem seen from
the side, with the reported share of primary compression sites per segment. These are the zones that a
first operation can miss (Lesson 3).
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.patches import FancyBboxPatch, Polygon

from ... import facts as factbase
from ... import style
from ... import widgets as demo
from . import content
from .content import TEXTS

#: Redo findings that tie the segments to Lesson 3's "missed compression".
MISSED_ZONE_FACTS = ("cause.missed_zone_persistent.liu2021", "cause.missed_zone_recurrent.liu2021")
NOTE_FACTS = (
    "rez.definition.campos2008",
    "rez.multiple.campos2008",
    "rez.attached_length.neurographics2015",
    "dx.atypical.site.liu2018",
)

# Schematic geometry (arbitrary units): the nerve runs from the sulcus along the pons, then free.
_SEGMENT_PATH = {
    "rexp": ([2.2, 2.6], [2.2, 2.35]),
    "as": ([2.6, 3.2, 3.8], [2.35, 2.75, 3.05]),
    "rdp": ([3.8, 4.3], [3.05, 3.3]),
    "cp": ([4.3, 5.6, 7.0], [3.3, 3.8, 4.2]),
}
_LINESTYLE = {"rexp": ":", "as": "-", "rdp": "--", "cp": "-."}
_LABEL_AT = {"rexp": (2.3, 1.2), "as": (3.2, 1.75), "rdp": (4.5, 2.4), "cp": (5.6, 3.0)}


def segment(key: str) -> content.Segment:
    if key in content.segments():
        return content.segments()[key]
    keys = ", ".join(content.segments())
    raise ValueError(f"unknown segment '{key}'; choose one of {keys}")


def shares(fb: factbase.FactBase | None = None) -> dict[str, float]:
    """Reported share (%) of primary compression sites, by segment key, proximal to distal."""
    fb = fb or factbase.default()
    return {s.id: fb.fact(s.fact).value for s in content.segments().values()}


def _draw_brainstem(ax1, selected: str) -> None:
    """The schematic: pons, medulla, the nerve's segments (the chosen one highlighted), the meatus."""
    # pons (upper) and medulla (lower), lateral view; the pontomedullary sulcus between them
    ax1.add_patch(
        FancyBboxPatch((0.2, 2.3), 3.6, 3.2, boxstyle="round,pad=0.2", facecolor="#EFE6DA", edgecolor="#6B5B4B")
    )
    ax1.add_patch(
        Polygon([[0.4, 2.1], [2.3, 2.1], [2.0, 0.2], [0.7, 0.2]], closed=True, facecolor="#EFE6DA", edgecolor="#6B5B4B")
    )
    ax1.plot([0.2, 2.5], [2.2, 2.2], color="#6B5B4B", lw=1, linestyle="--")
    ax1.text(1.6, 4.6, "Pons", fontsize=11, ha="center")
    ax1.text(1.3, 1.0, "Medulla", fontsize=11, ha="center")
    ax1.text(0.3, 2.35, "pontomedullary\nsulcus", fontsize=8, color="#555555", va="bottom")
    ax1.add_patch(
        Polygon(
            [[7.0, 3.6], [7.8, 3.6], [7.8, 4.9], [7.0, 4.9]],
            closed=True,
            facecolor="#DDDDDD",
            edgecolor="#888888",
            hatch="//",
        )
    )
    ax1.text(7.4, 5.05, "internal\nauditory meatus", fontsize=8, ha="center", va="bottom")
    for seg in content.segments().values():
        xs, ys = _SEGMENT_PATH[seg.id]
        on = seg.id == selected
        ax1.plot(
            xs,
            ys,
            color=style.OKABE_ITO["vermillion"] if on else "#333333",
            lw=7 if on else 3,
            linestyle=_LINESTYLE[seg.id],
            solid_capstyle="round",
            zorder=3,
        )
        ax1.annotate(
            seg.name.split(" (")[0],
            (np.mean(xs), np.mean(ys)),
            xytext=_LABEL_AT[seg.id],
            fontsize=8,
            fontweight="bold" if on else "normal",
            arrowprops=dict(arrowstyle="-", lw=0.6, color="#555555"),
        )
    ax1.set_title(TEXTS["rez.schematic_title"], fontsize=11)
    ax1.set_xlim(0, 8.2)
    ax1.set_ylim(0, 6)
    ax1.set_aspect("equal")
    ax1.axis("off")


def rez_figure(selected: str = "as", fb: factbase.FactBase | None = None):
    """Schematic plus bar chart, the chosen segment highlighted. Returns ``(fig, data)``."""
    fb = fb or factbase.default()
    segment(selected)
    fig, (ax1, ax2) = style.placed_figure(11, 4.2, (0.035, 0.119, 0.408, 0.781), (0.651, 0.119, 0.336, 0.781))
    _draw_brainstem(ax1, selected)
    sh = shares(fb)
    keys = list(sh)
    for i, key in enumerate(keys):
        on = key == selected
        ax2.barh(
            i,
            sh[key],
            color=style.OKABE_ITO["vermillion"] if on else style.GREY,
            hatch="//" if on else None,
            edgecolor="black",
        )
        ax2.text(sh[key] + 1, i, f"{sh[key]:g}%", va="center", fontweight="bold" if on else "normal")
    ax2.set_yticks(range(len(keys)), [segment(k).name.split(" (")[0] for k in keys])
    ax2.invert_yaxis()
    ax2.set_xlim(0, 80)
    ax2.set_xlabel("Primary compression site (% of patients)")
    ax2.set_title(content.fill(TEXTS["rez.shares_title"], fb), fontsize=10)
    return fig, {"selected": selected, "shares": sh}


def rez_alt(selected: str, fb: factbase.FactBase | None = None) -> str:
    sh = shares(fb)
    listing = ", ".join(f"{segment(k).name.split(' (')[0]} {v:g}%" for k, v in sh.items())
    return content.fill(TEXTS["rez.rez_alt"], fb, name=segment(selected).name, listing=listing)


def rez_html(selected: str, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    s = segment(selected)
    zones = " and ".join(fb.cite(f) for f in MISSED_ZONE_FACTS)
    return content.fill(
        TEXTS["rez.rez_html"],
        fb,
        name=html.escape(s.name),
        where=html.escape(s.where),
        fact=html.escape(fb.cite(s.fact)),
        zones=html.escape(zones),
    )


class RezExplorer(demo.FigureDemo):
    """Choose a segment → it is highlighted on the schematic and its share of compressions is given."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.segment = demo.choice_buttons(
            [(s.name.split(" (")[0], s.id) for s in content.segments().values()], "Segment:", value="as"
        )
        super().__init__([self.segment], rez_figure, rez_alt, rez_html, self._fb)


def rez_explorer() -> RezExplorer:
    """The root-exit-zone explorer: the four segments of the nerve and where compression is found."""
    return RezExplorer()
