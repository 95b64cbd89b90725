"""Drawing the schematic face: one frame of one clip as a matplotlib figure, its alt text, and the controls
that step through a clip (an original drawing, not to scale and not a photograph)."""

from __future__ import annotations

import html
import threading
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Ellipse, Polygon

from ... import facts as factbase
from ... import style
from ... import widgets as demo
from . import content
from .clips import N_FRAMES, SIDES, check_frame, clip, condition
from .content import TEXTS

ACTIVE = style.OKABE_ITO["vermillion"]
RIPPLE = style.OKABE_ITO["blue"]
SKIN = "#F3E6D8"


def _label(ax, x: float, y: float, text: str, color: str = ACTIVE) -> None:
    ax.text(x, y, text, ha="center", fontsize=9, color=color, fontweight="bold")


def _draw_upper(ax, sx: int, m: dict) -> None:
    """Eyebrow and eye of one side (``sx`` = +1 for the patient's left, drawn on the viewer's right)."""
    bx = np.array([0.18, 0.38, 0.62]) * sx
    by = 0.62 + 0.16 * m["brow"] + np.array([0.0, 0.05, 0.02])
    on = abs(m["brow"]) > 0.05
    ax.plot(bx, by, color=ACTIVE if on else "black", lw=5 if on else 3, solid_capstyle="round")
    if on:
        _label(ax, 0.95 * sx, 0.78, "▲ brow up" if m["brow"] > 0 else "▼ brow down")
    # eye: almond outline whose opening shrinks as the lid closes
    cx, cy = 0.40 * sx, 0.32
    opening = 0.13 * (1 - m["eye"])
    xs = np.linspace(-0.2, 0.2, 30)
    upper = cy + opening * np.sqrt(1 - (xs / 0.2) ** 2) - 0.01 * m["eye"]
    lower = cy - max(opening * 0.7, 0.004) * np.sqrt(1 - (xs / 0.2) ** 2)
    on = m["eye"] > 0.05
    col = ACTIVE if on else "black"
    ax.fill_between(cx + xs, lower, upper, color="white", zorder=2)
    ax.plot(cx + xs, upper, color=col, lw=2.5 if on else 1.5, zorder=3)
    ax.plot(cx + xs, lower, color=col, lw=1.5, zorder=3)
    if opening > 0.03:
        ax.add_patch(Ellipse((cx, cy), 0.1, min(0.1, 2 * opening * 0.85), color="#333333", zorder=3))
    if on:
        _label(ax, cx, cy - 0.2, "eye closing" if m["eye"] < 0.95 else "eye SHUT")


def _draw_lower(ax, sx: int, m: dict, phase: int) -> None:
    """Cheek fold, half of the mouth, platysma bands and myokymia ripples of one side."""
    on = m["cheek"] > 0.05
    fx = np.array([0.16, 0.30, 0.40]) * sx
    fy = np.array([0.02, -0.22, -0.48]) + 0.12 * m["cheek"]
    ax.plot(fx + 0.06 * m["cheek"] * sx, fy, color=ACTIVE if on else "#7A6A5A", lw=2.5 if on else 1.2)
    if on:
        _label(ax, 0.78 * sx, -0.12, "cheek pulled")
    # half of the mouth: centre to corner; the corner moves up/out (or droops)
    corner = (0.36 * sx + 0.06 * m["mouth"] * sx, -0.62 + 0.13 * m["mouth"])
    on = abs(m["mouth"]) > 0.05
    ax.plot(
        [0, corner[0]], [-0.64, corner[1]], color=ACTIVE if on else "black", lw=3 if on else 2, solid_capstyle="round"
    )
    if on:
        _label(ax, 0.72 * sx, -0.82, "mouth pulled up" if m["mouth"] > 0 else "mouth droops")
    if m["neck"] > 0.05:
        for k in range(3):
            x0 = (0.12 + 0.1 * k) * sx
            ax.plot([x0, x0 + 0.12 * sx], [-1.12, -1.45], color=ACTIVE, lw=1 + 2 * m["neck"])
        _label(ax, 0.7 * sx, -1.32, "neck bands")
    if m["ripple"] > 0.05:  # myokymia: travelling waves under the skin of cheek and chin
        t = np.linspace(0, 1, 40)
        for row in range(4):
            y0 = -0.1 - 0.18 * row
            xs_r = (0.2 + 0.45 * t) * sx
            ys_r = y0 + 0.025 * m["ripple"] * np.sin(2 * np.pi * (3 * t - phase / 4 + row / 3))
            ax.plot(xs_r, ys_r, color=RIPPLE, lw=1.6, linestyle="-" if row % 2 else "--")
        _label(ax, 0.86 * sx, -0.45, "rippling", RIPPLE)


def _draw_side(ax, name: str, m: dict, phase: int) -> list[str]:
    """Draw one half of the face; return the labels of the muscle groups that move."""
    sx = 1 if name == "left" else -1  # patient's left on the viewer's right
    _draw_upper(ax, sx, m)
    _draw_lower(ax, sx, m, phase)
    return describe(m)


def face_figure(key: str = "typical_hfs", frame: int = 1, fb: factbase.FactBase | None = None):
    """One frame (1..N_FRAMES) of one condition as a schematic face. Returns ``(fig, data)``."""
    frame = check_frame(frame)
    f = clip(key)[frame - 1]
    fig, ax = style.placed_figure(6.2, 5.4, (0.197, 0.008, 0.606, 0.915))
    ax.add_patch(Ellipse((0, -0.15), 2.0, 2.55, facecolor=SKIN, edgecolor="#6B5B4B", lw=2, zorder=0))
    ax.add_patch(
        Polygon(
            [[-0.35, -1.3], [0.35, -1.3], [0.45, -1.75], [-0.45, -1.75]],
            closed=True,
            facecolor=SKIN,
            edgecolor="#6B5B4B",
            lw=1.5,
            zorder=-1,
        )
    )
    ax.plot([0, -0.06, 0.06], [0.25, -0.28, -0.3], color="#7A6A5A", lw=1.2)  # nose
    moving = {side: _draw_side(ax, side, f.side(side), frame) for side in SIDES}
    ax.axvline(0, color="#CCCCCC", lw=0.8, linestyle=":", zorder=-2)
    ax.text(-0.62, 1.18, "patient's RIGHT", ha="center", fontsize=9, color="#444444")
    ax.text(0.62, 1.18, "patient's LEFT", ha="center", fontsize=9, color="#444444")
    if f.voluntary:
        ax.text(
            0,
            -2.02,
            "VOLUNTARY SMILE (on request)",
            ha="center",
            fontsize=10,
            fontweight="bold",
            bbox=dict(boxstyle="round", facecolor="#FFFFFF", edgecolor="#000000"),
        )
    name = condition(key).name
    ax.set_title(f"{name} — frame {frame} of {N_FRAMES}\n{f.caption}", fontsize=10)
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-2.2, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, {
        "condition": key,
        "frame": frame,
        "right": dict(f.right),
        "left": dict(f.left),
        "moving": moving,
        "voluntary": f.voluntary,
        "caption": f.caption,
    }


def moving_text(moving: dict) -> str:
    parts = []
    for side in ("left", "right"):
        parts.append(f"patient's {side}: " + (", ".join(moving[side]) if moving[side] else "at rest"))
    return "; ".join(parts)


def face_alt(key: str, frame: int, fb: factbase.FactBase | None = None) -> str:
    frame = check_frame(frame)
    f = clip(key)[frame - 1]
    moving = {side: describe(f.side(side)) for side in SIDES}
    extra = TEXTS["drawing.smiling"] if f.voluntary else ""
    return content.fill(
        TEXTS["drawing.face_alt"],
        fb,
        name=condition(key).name,
        frame=frame,
        n_frames=N_FRAMES,
        caption=f.caption,
        moving_text=moving_text(moving),
        extra=extra,
    )


def describe(m: dict) -> list[str]:
    out = []
    if abs(m["brow"]) > 0.05:
        out.append("eyebrow raised" if m["brow"] > 0 else "eyebrow pulled down")
    if m["eye"] > 0.05:
        out.append("eye closing" if m["eye"] < 0.95 else "eye shut")
    if m["cheek"] > 0.05:
        out.append("cheek pulled")
    if abs(m["mouth"]) > 0.05:
        out.append("mouth corner pulled up" if m["mouth"] > 0 else "mouth corner drooping")
    if m["neck"] > 0.05:
        out.append("neck (platysma) pulled")
    if m["ripple"] > 0.05:
        out.append("rippling under the skin")
    return out


def face_html(key: str, frame: int, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    c = condition(key)
    return content.fill(
        TEXTS["drawing.face_html"],
        fb,
        name=html.escape(c.name),
        separating_feature=html.escape(fb.render(c.separating_feature)),
        seen_in_clip=html.escape(c.seen_in_clip),
    )


def player_controls():
    """A labelled Play/Pause toggle and a named frame slider (both keyboard-operable, with accessible names)."""
    play = widgets.ToggleButton(
        value=False, description="Play clip", icon="play", tooltip="Play or pause the clip, frame after frame"
    )
    frame = demo.NamedSlider(value=1, min=1, max=N_FRAMES, step=1, description="Frame:", unit=f"of {N_FRAMES}")
    return play, frame


class PlaysClip:
    """Play clip / Pause clip: while ``self.play`` is pressed, a thread steps ``self.frame`` through the clip
    (in a thread, so the kernel stays responsive). Call :meth:`_watch_play` once the controls exist."""

    def _watch_play(self) -> None:
        self._player: threading.Thread | None = None
        self.play.observe(self._on_play, names="value")

    def _on_play(self, change) -> None:
        self.play.description, self.play.icon = ("Pause clip", "pause") if change["new"] else ("Play clip", "play")
        if change["new"] and not (self._player and self._player.is_alive()):
            self._player = threading.Thread(target=self._advance, daemon=True)
            self._player.start()

    def _advance(self) -> None:
        """The next frame at once (so that Play answers the click), then one frame per ``FRAME_SECONDS``."""
        while self.play.value:
            from . import face  # (its FRAME_SECONDS: read at each step, so a test can shorten it)

            self.frame.value = self.frame.value % N_FRAMES + 1
            time.sleep(face.FRAME_SECONDS)
