"""Lesson 2 demo 1 — the cumulative share of eventual cures over the months after surgery.

Drawn as steps from two published series; a month slider reads the curves off, and the seed handouts'
claims can be laid over them as bands (``assets/lessons/02_recovery/seed_bands.yaml``).
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .series import (
    CURE_SERIES,
    MAX_MONTHS,
    TEXTS,
    TimePoint,
    _fb,
    _fmt_months,
    _months,
    curve,
    reported_share,
    sqrt_scale,
)

#: latest spontaneous cures reported (the end of the tail).
MEDIAN_MARKER = ("recovery.median_all.inha2008", "JKNS 2008 median")
TAIL_MARKERS = (("recovery.longest.inha2008", "JKNS 2008"), ("recovery.delayed_latest.taipei1992", "Neurosurgery 1992"))


class SeedBand(content.Record):
    """A handout claim drawn as a band over the curves, with the check of it against the curves."""

    id: str  # the seed claim
    label: str  # control label
    start: TimePoint  # window the claim puts the cures in
    end: TimePoint
    share: tuple[float, float] | None = None  # for a claim about the immediate share: y band (%)
    check: str  # how the claim fares against the curves (placeholders)

    @property
    def key(self) -> str:
        return self.id

    @property
    def claim(self) -> str:
        return self.id

    @property
    def months(self) -> tuple[float, float]:
        return self.start.in_months, self.end.in_months


SEED_BANDS: dict[str, SeedBand] = content.lesson_records("02_recovery", "seed_bands", SeedBand)
OVERLAY_OPTIONS = [("none", "none")] + [(b.label, b.key) for b in SEED_BANDS.values()]


def _draw_band(ax, overlay: str, fb: factbase.FactBase) -> dict | None:
    """Shade the window a handout claim puts the cures in; return what was drawn."""
    if overlay == "none":
        return None
    b = SEED_BANDS[overlay]
    y0, y1 = b.share or (0, 104)
    band = {"claim": b.claim, "months": b.months, "share": (y0, y1), "verdict": fb.seed_claim(b.claim).verdict}
    ax.add_patch(
        Rectangle(
            (b.months[0], y0),
            b.months[1] - b.months[0],
            y1 - y0,
            facecolor=style.OKABE_ITO["yellow"],
            alpha=0.35,
            hatch="//",
            edgecolor="#7a6f00",
            lw=1.2,
            zorder=1,
        )
    )
    x_mid = ((math.sqrt(b.months[0]) + math.sqrt(b.months[1])) / 2) ** 2
    ax.text(
        max(x_mid, 0.6),
        105,
        f"{b.label} ({band['verdict']})",
        ha="center" if x_mid > 2 else "left",
        va="bottom",
        fontsize=8.5,
        color="#5a5200",
        fontweight="bold",
    )
    return band


def _draw_curves(ax, fb: factbase.FactBase) -> dict:
    """The published points of each series as steps, labelled directly; return them by series."""
    curves = {}
    label_at = {"delayedcure2022": (1.15, 40), "goto2002": (0.08, 66)}
    for i, (key, s) in enumerate(CURE_SERIES.items()):
        pts = curve(key, fb)
        xs = [p["months"] for p in pts] + [MAX_MONTHS]
        ys = [p["value"] for p in pts] + [pts[-1]["value"]]
        st = style.SERIES[i]
        curves[key] = [(p["months"], p["value"]) for p in pts]
        ax.step(xs, ys, where="post", color=st.color, linestyle=st.linestyle, lw=2, zorder=3)
        ax.plot(xs[:-1], ys[:-1], linestyle="none", marker=st.marker, color=st.color, markersize=6, zorder=4)
        name = s.name + (" (bins approx.)" if s.approximate else "")
        ax.text(
            *label_at[key],
            name,
            color=st.color,
            fontsize=9,
            fontweight="bold",
            zorder=6,
            bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8),
        )
        if s.tail_fact:
            ax.plot([20, 20], [88, pts[-1]["value"] - 1], color=st.color, lw=1)
            ax.text(20, 84, f"{fb.text(s.tail_fact)} later (time not given)", fontsize=8, color=st.color, ha="center")
    return curves


def _draw_markers(ax, fb: factbase.FactBase) -> None:
    """The median of all cures and the latest cures reported."""
    med_fact, med_label = MEDIAN_MARKER
    med = _months(fb.fact(med_fact).value)
    ax.plot([med], [50], marker="X", color=style.OKABE_ITO["black"], markersize=8, linestyle="none", zorder=4)
    ax.plot([med, 0.55], [47, 27], color=style.OKABE_ITO["black"], lw=0.8)
    ax.text(0.35, 16, f"{med_label}: {fb.text(med_fact)}\n(all cured, immediate cures included)", fontsize=8)
    for j, (fid, label) in enumerate(TAIL_MARKERS):
        f = fb.fact(fid)
        x = _months(f.value) if f.unit == "days" else f.value
        ax.plot([x], [100], marker="|", markersize=14, mew=2.5, color=style.OKABE_ITO["black"], zorder=4)
        y_text = (66, 30)[j % 2]
        ax.plot([x, x], [y_text + 14, 98], color=style.OKABE_ITO["black"], lw=0.8)
        ax.text(
            x,
            y_text,
            f"latest cure\n{label}:\n{f.text()}",
            fontsize=7.5,
            ha="center",
            va="bottom",
            bbox=dict(boxstyle="square,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85),
        )


def _draw_month(ax, month: float, readings: dict) -> list:
    """The month's reading: dashed line, one ring per series where it reads off a value, the month's label.
    Returns those artists (a ring whose series gives no value is drawn invisible, so that the cached
    layer of :class:`_TimelineLayer` holds one ring per series)."""
    line = ax.axvline(month, color="#333333", lw=1.2, linestyle=(0, (2, 2)), zorder=2)
    rings = [
        ax.plot(
            [month],
            [math.nan],
            marker="o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor=style.SERIES[i].color,
            mew=2,
            zorder=5,
        )[0]
        for i in range(len(readings))
    ]
    label = ax.text(month, 2, "", fontsize=9, va="bottom")
    artists = [line, *rings, label]
    _set_month(artists, month, readings)
    return artists


def _set_month(artists: list, month: float, readings: dict) -> None:
    """Move the artists of :func:`_draw_month` to ``month``."""
    line, *rings, label = artists
    line.set_xdata([month, month])
    for ring, r in zip(rings, readings.values(), strict=True):
        ring.set_data([month], [math.nan if r["value"] is None else r["value"]])
        ring.set_visible(r["value"] is not None)
    label.set_x(month)
    label.set_text(f" {_fmt_months(month)}")
    label.set_horizontalalignment("left" if month < 24 else "right")


def _timeline(month: float, overlay: str, fb: factbase.FactBase):
    """The full drawing: ``(fig, data, month artists)``."""
    if overlay != "none" and overlay not in SEED_BANDS:
        raise ValueError(f"unknown overlay '{overlay}'; choose none or one of {', '.join(SEED_BANDS)}")
    readings = {k: reported_share(k, month, fb) for k in CURE_SERIES}
    # Fixed margins instead of a layout engine: this figure is redrawn on every slider step, and a
    # layout pass (an extra full draw) would double the cost. The margins fit the fixed labels.
    fig, ax = style.new_figure(7, 4, layout=None)
    fig.subplots_adjust(left=0.095, right=0.975, bottom=0.125, top=0.92)
    sqrt_scale(ax, MAX_MONTHS)
    band = _draw_band(ax, overlay, fb)
    curves = _draw_curves(ax, fb)
    _draw_markers(ax, fb)
    artists = _draw_month(ax, month, readings)
    ax.set_ylim(0, 112)
    ax.set_yticks([0, 20, 40, 60, 80, 100])
    ax.set_ylabel("Eventual cures already spasm-free (%)")
    ax.set_xlabel(TEXTS["timeline.x_label"])
    ax.set_title(TEXTS["timeline.title"], fontsize=10.5)
    return fig, _timeline_data(month, overlay, fb, readings, band, curves), artists


def _timeline_data(month, overlay, fb, readings, band, curves) -> dict:
    """What the figure shows, as :func:`timeline_figure` returns it."""
    return {
        "month": month,
        "overlay": overlay,
        "band": band,
        "curves": curves,
        "readings": {k: r["value"] for k, r in readings.items()},
        "median_days": fb.fact(MEDIAN_MARKER[0]).value,
    }


def timeline_figure(month: float = 6, overlay: str = "none", fb: factbase.FactBase | None = None):
    """Step plot of the cumulative share of eventual cures, read off at ``month``. Returns ``(fig, data)``."""
    fig, data, _artists = _timeline(month, overlay, _fb(fb))
    return fig, data


class _TimelineLayer:
    """One overlay's figure drawn once up to the month's artists (axes, grid, band: the background), then
    completed without them (the static layer). The month line lies under the curves and labels, so a month
    restores the background, draws its artists and, in the full drawing's order, the artists stacked above
    them that come near them, and takes only the pixels around its artists from that drawing, the rest from
    the static layer. Texts, the costly part, are thus redrawn only where the month crosses them. The
    pixels are those of :func:`timeline_figure` (tests/test_style.py)."""

    #: pixels around an artist's extent that its drawing may still touch (antialiasing, a marker's edge)
    PAD = 4

    def __init__(self, overlay: str, fb: factbase.FactBase):
        self.fig, data, self.month_artists = _timeline(0, overlay, fb)
        self.band, self.curves = data["band"], data["curves"]
        plt.close(self.fig)  # kept here, not by pyplot (which warns past 20 open figures) ...
        canvas = FigureCanvasAgg(self.fig)  # ... on a canvas of its own
        style.enlarge_small_text(self.fig)  # as style.img_html does to a full drawing
        self.min_font_px = style.min_font_px(self.fig)
        self.ax = self.fig.axes[0]
        # Axes.draw's order: its children but the patch, stably sorted by zorder
        order = sorted((a for a in self.ax.get_children() if a is not self.ax.patch), key=lambda a: a.zorder)
        self.above = order[min(order.index(a) for a in self.month_artists) :]
        for artist in self.above:
            artist.set_animated(True)
        canvas.draw()
        self.background = canvas.copy_from_bbox(self.fig.bbox)
        static = [a for a in self.above if a not in self.month_artists]
        for artist in static:
            self.ax.draw_artist(artist)
        self.static = np.array(canvas.buffer_rgba())
        renderer = canvas.get_renderer()
        self.reach = {a: self._extents(a, renderer) for a in static}

    @classmethod
    def _extents(cls, artist, renderer) -> list:
        """Where ``artist`` draws, in display pixels (a text's box too), padded by :data:`PAD`."""
        patch = getattr(artist, "get_bbox_patch", lambda: None)()
        boxes = [artist.get_window_extent(renderer)] + ([patch.get_window_extent(renderer)] if patch else [])
        return [box.padded(cls.PAD) for box in boxes]

    def png(self, month: float, readings: dict) -> bytes:
        canvas = self.fig.canvas
        renderer = canvas.get_renderer()
        _set_month(self.month_artists, month, readings)
        regions = [box for a in self.month_artists if a.get_visible() for box in self._extents(a, renderer)]
        canvas.restore_region(self.background)
        for artist in self.above:
            near = artist not in self.reach or any(b.overlaps(r) for b in self.reach[artist] for r in regions)
            if near:
                self.ax.draw_artist(artist)
        drawn = np.asarray(canvas.buffer_rgba())
        out = self.static.copy()
        height, width = out.shape[:2]
        for r in regions:
            cols = slice(max(0, math.floor(r.x0)), min(width, math.ceil(r.x1)))
            rows = slice(max(0, height - math.ceil(r.y1)), min(height, height - math.floor(r.y0)))
            out[rows, cols] = drawn[rows, cols]
        return style.rgba_png(out, self.min_font_px)


_LAYERS: dict[tuple[int, str], _TimelineLayer] = {}


def timeline_png(month: float = 6, overlay: str = "none", fb: factbase.FactBase | None = None) -> tuple[bytes, dict]:
    """:func:`timeline_figure` as PNG bytes and its data, from the overlay's cached layer (one full drawing
    per overlay, then a few milliseconds a month)."""
    if overlay != "none" and overlay not in SEED_BANDS:
        raise ValueError(f"unknown overlay '{overlay}'; choose none or one of {', '.join(SEED_BANDS)}")
    fb = _fb(fb)
    key = (id(fb), overlay)
    layer = _LAYERS.get(key) or _LAYERS.setdefault(key, _TimelineLayer(overlay, fb))
    readings = {k: reported_share(k, month, fb) for k in CURE_SERIES}
    data = _timeline_data(month, overlay, fb, readings, layer.band, layer.curves)
    return layer.png(month, readings), data


def timeline_alt(month: float, overlay: str = "none", fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    parts = []
    for key, s in CURE_SERIES.items():
        pts = ", ".join(f"{fb.text(p['fact'])} {p['label']}" for p in curve(key, fb))
        tail = f", {fb.text(s.tail_fact)} later" if s.tail_fact else ""
        parts.append(f"{s.name}: {pts}{tail}")
    reads = "; ".join(
        f"{CURE_SERIES[k].name} {r['text']}" for k, r in ((k, reported_share(k, month, fb)) for k in CURE_SERIES)
    )
    text = (
        content.fill(TEXTS["timeline.alt_steps"], fb, max_months=MAX_MONTHS)
        + ". ".join(parts)
        + content.fill(
            TEXTS["timeline.alt_marker"], fb, median=fb.text(MEDIAN_MARKER[0]), month=_fmt_months(month), reads=reads
        )
    )
    if overlay != "none":
        b = SEED_BANDS[overlay]
        text += f" Shaded band: handout claim {b.claim} ({b.label}), verdict {fb.seed_claim(b.claim).verdict}."
    return text


def timeline_html(month: float, overlay: str = "none", fb: factbase.FactBase | None = None) -> str:
    fb = _fb(fb)
    rows = []
    for key, s in CURE_SERIES.items():
        r = reported_share(key, month, fb)
        approx = " (bin edges approximate)" if s.approximate else ""
        rows.append(
            f"<li><b>[{html.escape(s.name)}]</b>, {html.escape(s.population)}{approx}: {html.escape(r['text'])}.</li>"
        )
    parts = [
        content.fill(TEXTS["timeline.shares_at_html"], fb, month=html.escape(_fmt_months(month)))
        + "".join(rows)
        + "</ul>",
        TEXTS["timeline.read_as_at_least_html"]
        + html.escape(fb.render(content.fill(TEXTS["timeline.medians"], fb)))
        + ".</p>",
    ]
    if overlay != "none":
        b = SEED_BANDS[overlay]
        c = fb.seed_claim(b.claim)
        parts.append(
            content.fill(
                TEXTS["timeline.claim_html"],
                fb,
                claim=html.escape(b.claim),
                claim2=html.escape(c.claim),
                verdict=html.escape(c.verdict),
                check=html.escape(fb.render(b.check)),
            )
        )
    return "".join(parts)


class TimelineExplorer(demo.FigureDemo):
    """Months slider (the lesson's first slider) and handout-claim overlay."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.month = demo.NamedSlider(
            value=6, min=0, max=MAX_MONTHS, step=1, description="Months since surgery:", unit="months"
        )
        self.overlay = widgets.Dropdown(
            options=OVERLAY_OPTIONS,
            value="none",
            description="Overlay a handout claim:",
            style={"description_width": "initial"},
        )
        super().__init__([self.month, self.overlay], timeline_png, timeline_alt, timeline_html, self._fb)


def timeline_explorer() -> TimelineExplorer:
    """Lesson 2 demo: move the month slider along the published cure curves; overlay a handout's claim."""
    return TimelineExplorer()
