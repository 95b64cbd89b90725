"""The anatomy explorer: which vessel compresses the facial nerve at the root exit zone, and how often."""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .data import TEXTS, VESSELS


def vessel_shares(key: str, fb: factbase.FactBase | None = None) -> list[dict]:
    """Reported shares of one vessel as offender: one row per series (value %, label, definition)."""
    fb = fb or factbase.default()
    rows = []
    for fid in VESSELS[key].share_facts:
        f = fb.fact(fid)
        rows.append(
            {
                "fact": fid,
                "value": f.value,
                "text": f.text(),
                "citation": fb.labels(fid),
                "definition": f.definition,
                "population": f.population,
                "upper_bound": f.qualifier in ("<", "<="),
            }
        )
    return rows


def vessel_summary(key: str, fb: factbase.FactBase | None = None) -> dict:
    """What the explorer says about one vessel: range across series, per-series rows, notes."""
    fb = fb or factbase.default()
    v = VESSELS[key]
    rows = vessel_shares(key, fb)
    values = [r["value"] for r in rows if not r["upper_bound"]]  # "up to 40%" is a bound, not a share
    return {
        "key": key,
        "name": v.name,
        "rows": rows,
        # a range needs two comparable shares; one share beside a bound is listed, not ranged
        "range": (min(values), max(values)) if len(values) >= 2 else None,
        "notes": [fb.cite(f) for f in v.note_facts],
        "teaching": v.teaching,
    }


# Schematic geometry (arbitrary units; an original drawing, not to scale).
_PATHS = {
    "VA": ([3.9, 4.0, 3.7, 3.1, 2.3], [0.1, 1.2, 2.3, 3.1, 3.6]),
    "AICA": ([2.3, 3.0, 3.8, 4.6, 5.3, 5.9, 6.3, 6.2, 6.6], [4.9, 4.75, 4.5, 4.45, 4.75, 5.45, 5.2, 4.5, 3.9]),
    "PICA": ([3.85, 4.5, 4.7, 4.2, 4.0, 4.7, 5.8, 6.6], [1.0, 1.5, 2.6, 3.35, 3.75, 3.2, 2.4, 2.1]),
    "Vein": ([4.6, 4.25, 4.0, 4.2, 4.9], [6.9, 5.9, 4.7, 3.3, 2.4]),
}
_VESSEL_STYLE = {
    "VA": dict(color=style.OKABE_ITO["vermillion"], linestyle="-", lw=7),
    "AICA": dict(color=style.OKABE_ITO["blue"], linestyle="-", lw=4),
    "PICA": dict(color=style.OKABE_ITO["bluish_green"], linestyle="--", lw=4),
    "Vein": dict(color=style.OKABE_ITO["reddish_purple"], linestyle=":", lw=4),
}
_LABEL_AT = {"VA": (4.15, 0.6), "AICA": (6.75, 3.8), "PICA": (6.0, 1.65), "Vein": (4.7, 6.9)}
REZ_CENTRE = (3.55, 3.95)


def _draw_schematic(ax, selected: str) -> list[str]:
    """Draw the cerebellopontine angle; return the vessels drawn highlighted."""
    ax.add_patch(Ellipse((2.0, 5.6), 3.0, 3.4, facecolor="#EFE6DA", edgecolor="#6B5B4B", lw=1.2))
    ax.add_patch(
        FancyBboxPatch(
            (1.05, 0.2), 2.0, 3.6, boxstyle="round,pad=0.1", facecolor="#EFE6DA", edgecolor="#6B5B4B", lw=1.2
        )
    )
    ax.add_patch(Ellipse((8.0, 3.3), 4.6, 5.2, facecolor="#F4F0EA", edgecolor="#8C8C8C", lw=1.0, hatch="..", alpha=0.6))
    ax.text(1.9, 6.0, "Pons", ha="center", fontsize=10)
    ax.text(2.05, 1.6, "Medulla", ha="center", fontsize=10)
    ax.text(9.0, 2.5, "Cerebellum", ha="center", fontsize=10, color="#555555")
    # facial (VII) and vestibulocochlear (VIII) nerves leaving at the pontomedullary junction
    ax.plot([3.3, 5.5, 8.6], [4.0, 4.9, 6.3], color="#222222", lw=3.2, solid_capstyle="round")
    ax.plot([3.25, 5.5, 8.6], [3.7, 4.45, 5.85], color="#666666", lw=4.5, linestyle=(0, (3, 1)))
    ax.text(8.7, 6.45, "Facial nerve (VII)", fontsize=9)
    ax.text(8.7, 5.35, "Vestibulocochlear\nnerve (VIII)", fontsize=9, va="top")
    ax.add_patch(Circle(REZ_CENTRE, 0.42, facecolor="none", edgecolor="#000000", lw=1.6, linestyle="--", hatch="////"))
    ax.annotate(
        "Root exit zone (REZ)",
        xy=(REZ_CENTRE[0] + 0.1, REZ_CENTRE[1] - 0.42),
        xytext=(5.0, 0.15),
        fontsize=9,
        arrowprops=dict(arrowstyle="->", lw=1),
    )
    ax.plot([2.3, 2.3], [3.6, 7.6], color=style.GREY, lw=6, solid_capstyle="round")
    ax.text(2.45, 7.3, "Basilar a.", fontsize=8, color="#444444")
    highlighted = list(_PATHS) if selected == "Multiple" else [selected]
    for key, (xs, ys) in _PATHS.items():
        st = dict(_VESSEL_STYLE[key])
        on = key in highlighted
        if not on:
            st.update(color=style.GREY, lw=max(1.5, st["lw"] / 2.5), alpha=0.7)
        ax.plot(xs, ys, solid_capstyle="round", zorder=3 if on else 2, **st)
        ax.text(
            *_LABEL_AT[key],
            key,
            fontsize=10 if on else 8,
            fontweight="bold" if on else "normal",
            color=st["color"] if on else "#555555",
        )
    ax.set_xlim(0, 11.5)
    ax.set_ylim(0, 8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(TEXTS["mechanics.schematic_title"], fontsize=11)
    return highlighted


def _draw_shares(ax, selected: str, fb: factbase.FactBase) -> dict[str, list[float]]:
    keys = [k for k in VESSELS if VESSELS[k].share_facts]
    plotted = {}
    for y, key in enumerate(reversed(keys)):
        rows = vessel_shares(key, fb)
        xs = [r["value"] for r in rows if not r["upper_bound"]]
        plotted[key] = xs
        on = key == selected or selected == "Multiple" and key == "Multiple"
        marker = "o" if on else "x"
        color = style.OKABE_ITO["blue"] if on else style.GREY
        ax.scatter(xs, [y] * len(xs), s=70 if on else 30, marker=marker, zorder=3, color=color)
        for r in rows:
            if r["upper_bound"]:  # an upper bound: drawn as "up to" bracket, not as a share
                ax.annotate(
                    f"up to {r['value']:g}",
                    (r["value"], y),
                    xytext=(0, -16),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    color=color,
                )
                ax.scatter([r["value"]], [y], marker=4, s=90 if on else 50, color=color, zorder=3)
        if xs:
            ax.plot([min(xs), max(xs)], [y, y], color=style.OKABE_ITO["blue"] if on else style.GREY, lw=2 if on else 1)
        if on:
            for i, r in enumerate(sorted((r for r in rows if not r["upper_bound"]), key=lambda r: r["value"])):
                ax.annotate(
                    f"{r['value']:g}",
                    (r["value"], y),
                    xytext=(0, (9, -15, 21, -27)[i % 4]),
                    textcoords="offset points",
                    fontsize=8,
                    ha="center",
                )
    ax.set_yticks(range(len(keys)), [VESSELS[k].key for k in reversed(keys)])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(keys) - 0.2)
    ax.set_xlabel(TEXTS["mechanics.shares_x_label"])
    ax.set_title(TEXTS["mechanics.shares_title"], fontsize=11)
    return plotted


def anatomy_figure(selected: str = "AICA", fb: factbase.FactBase | None = None):
    """Schematic plus dot plot of reported shares. Returns ``(fig, data)``."""
    if selected not in VESSELS:
        raise ValueError(f"unknown vessel '{selected}'; choose one of {', '.join(VESSELS)}")
    fb = fb or factbase.default()
    fig, (ax1, ax2) = style.placed_figure(11, 4.2, (0.046, 0.119, 0.452, 0.824), (0.613, 0.119, 0.37, 0.824))
    highlighted = _draw_schematic(ax1, selected)
    shares = _draw_shares(ax2, selected, fb)
    return fig, {"selected": selected, "highlighted": highlighted, "shares": shares}


def anatomy_alt(selected: str, fb: factbase.FactBase | None = None) -> str:
    s = vessel_summary(selected, fb)
    rng = (
        content.fill(TEXTS["mechanics.vessel_range"], fb, range_1=s["range"][0], range_2=s["range"][1])
        if s["range"]
        else "reported as " + "; ".join(f"{r['text']} ({r['definition']})" for r in s["rows"])
        if s["rows"]
        else "no share reported"
    )
    return content.fill(TEXTS["mechanics.anatomy_alt"], fb, name=s["name"], selected=selected, rng=rng)


def vessel_info_html(selected: str, fb: factbase.FactBase | None = None) -> str:
    s = vessel_summary(selected, fb)
    parts = [f"<h4 style='margin:4px 0'>{html.escape(s['name'])}</h4>", f"<p>{html.escape(s['teaching'])}</p>"]
    if s["range"]:
        lo, hi = s["range"]
        parts.append(
            content.fill(
                TEXTS["mechanics.vessel_info_html"],
                fb,
                lo=lo,
                hi=hi,
                total=sum(not r["upper_bound"] for r in s["rows"]),
            )
        )
        for r in s["rows"]:
            parts.append(
                f"<li>{html.escape(r['text'])} {html.escape(r['citation'])}: "
                f"{html.escape(r['definition'])}; {html.escape(r['population'])}</li>"
            )
        parts.append("</ul>")
    elif s["rows"]:
        parts.append(TEXTS["mechanics.vessel_figures_html"])
        for r in s["rows"]:
            parts.append(
                f"<li>{html.escape(r['text'])} {html.escape(r['citation'])}: "
                f"{html.escape(r['definition'])}; {html.escape(r['population'])}</li>"
            )
        parts.append("</ul>")
    for note in s["notes"]:
        parts.append(f"<p>Note: {html.escape(note)}</p>")
    return "".join(parts)


class AnatomyExplorer(demo.FigureDemo):
    """Choose a vessel → it is highlighted on the schematic and its reported shares are listed."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.vessel = widgets.ToggleButtons(
            options=list(VESSELS),
            value="AICA",
            description="Vessel:",
            tooltips=[v.name for v in VESSELS.values()],
            style={"description_width": "initial"},
        )
        super().__init__([self.vessel], anatomy_figure, anatomy_alt, vessel_info_html, self._fb)


def anatomy_explorer() -> AnatomyExplorer:
    """Lesson 1 demo: choose a vessel; see it on the schematic and how often series report it as the offender."""
    return AnatomyExplorer()
