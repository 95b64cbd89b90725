"""The animated schematic face: typical and atypical HFS and three mimics, frame by frame.

An original drawing (matplotlib), not to scale and not a photograph. Each condition is a keyframe table
that says how strongly each muscle group of each side moves in each frame; the drawing, the alt text and
the tests all read the same table, so what a student sees is what the tests check (for example: in
blepharospasm both eyes close in the same frames; in HFS the other side never moves).

Builders: ``face_player()`` (choose a condition, play or step through the clip) and ``which_is_it()``
(an unnamed clip, choose the diagnosis, read why each answer is right or wrong).
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Ellipse, Polygon

from ... import facts as factbase
from ... import style
from ... import widgets as demo
from . import content

N_FRAMES = 12
SIDES = ("right", "left")  # the patient's sides; the patient's left is drawn on the viewer's right
AFFECTED = "left"
MUSCLES = ("brow", "eye", "cheek", "mouth", "neck", "ripple")


@dataclass(frozen=True)
class Frame:
    """How much each muscle group moves, per side, in one frame (0 = rest).

    brow: +1 raised, -1 pulled down; eye: 0 open .. 1 shut; cheek: 0..1 pulled up; mouth: +1 corner pulled
    up and out, -1 drooping; neck: 0..1 platysma bands; ripple: 0..1 undulating myokymia.
    """

    right: dict
    left: dict
    caption: str
    voluntary: bool = False  # the patient is moving the face on request (a smile)

    def side(self, name: str) -> dict:
        return self.right if name == "right" else self.left


def _side(brow=0.0, eye=0.0, cheek=0.0, mouth=0.0, neck=0.0, ripple=0.0) -> dict:
    return {"brow": brow, "eye": eye, "cheek": cheek, "mouth": mouth, "neck": neck, "ripple": ripple}


REST = _side()


def _one_sided(rows, captions) -> list[Frame]:
    """Frames in which only the patient's left side moves; rows are (brow, eye, cheek, mouth, neck)."""
    return [Frame(right=REST, left=_side(*row), caption=cap) for row, cap in zip(rows, captions)]


def _typical() -> list[Frame]:
    rows = [
        (0, 0, 0, 0, 0),
        (0, 0.35, 0, 0, 0),
        (0, 0, 0, 0, 0),
        (0, 0.55, 0, 0, 0),
        (0, 0.2, 0, 0, 0),
        (0.3, 0.8, 0.2, 0, 0),
        (0.8, 1, 0.6, 0.4, 0),
        (0.9, 1, 0.9, 0.8, 0.6),
        (0.9, 1, 0.9, 0.8, 0.6),
        (0.4, 0.6, 0.4, 0.3, 0.2),
        (0, 0.2, 0.1, 0, 0),
        (0, 0, 0, 0, 0),
    ]
    caps = [
        "at rest",
        "twitch of the left lower lid",
        "at rest",
        "stronger lid twitch",
        "lid twitch fading",
        "the left eye closes",
        "eye shut and the left eyebrow RISES: the other Babinski sign",
        "tonic spasm spreads down: cheek, mouth corner and neck pulled",
        "tonic spasm held (it continues in sleep)",
        "spasm easing",
        "last lid twitch",
        "at rest",
    ]
    return _one_sided(rows, caps)


def _atypical() -> list[Frame]:
    rows = [
        (0, 0, 0, 0, 0),
        (0, 0, 0.2, 0.35, 0),
        (0, 0, 0, 0, 0),
        (0, 0, 0.5, 0.6, 0),
        (0, 0, 0.2, 0.3, 0),
        (0, 0, 0.8, 0.8, 0.3),
        (0, 0.4, 0.8, 0.8, 0.4),
        (0.8, 1, 0.9, 0.9, 0.5),
        (0.8, 1, 0.9, 0.9, 0.5),
        (0.3, 0.5, 0.4, 0.4, 0.2),
        (0, 0, 0.2, 0.2, 0),
        (0, 0, 0, 0, 0),
    ]
    caps = [
        "at rest",
        "twitch of the left mouth corner and cheek",
        "at rest",
        "stronger mouth twitch",
        "mouth twitch fading",
        "cheek, mouth and neck pulled; the eye still open",
        "the spasm spreads UP: the left eye begins to close",
        "eye shut, eyebrow raised, whole left side",
        "tonic spasm held",
        "spasm easing",
        "mouth twitch fading",
        "at rest",
    ]
    return _one_sided(rows, caps)


def _blepharospasm() -> list[Frame]:
    eye = [0, 0.3, 0.1, 0.6, 1, 1, 0.5, 0.2, 0.8, 1, 0.4, 0]
    caps = [
        "at rest",
        "both eyes blink hard together",
        "almost open",
        "both eyes squeeze",
        "both eyes shut, both eyebrows pulled DOWN",
        "held shut (functional blindness)",
        "opening",
        "open",
        "both eyes squeeze again",
        "both shut, brows down",
        "opening",
        "at rest",
    ]
    frames = []
    for e, cap in zip(eye, caps):
        s = _side(brow=-0.7 * e, eye=e)
        frames.append(Frame(right=s, left=s, caption=cap))
    return frames


def _myokymia() -> list[Frame]:
    amp = [0.7, 0.8, 0.9, 1, 0.9, 0.8, 0.7, 0.8, 0.9, 1, 0.9, 0.8]
    return [
        Frame(
            right=REST,
            left=_side(ripple=a),
            caption="continuous rippling under the left cheek and chin; the eye stays open",
        )
        for a in amp
    ]


def _synkinesis() -> list[Frame]:
    frames = []
    smile = [0, 0, 0, 0.5, 0.9, 1, 1, 0.6, 0, 0, 0, 0]
    for s in smile:
        voluntary = s > 0
        left = _side(eye=0.65 * s, cheek=0.5 * s, mouth=-0.25 + 0.6 * s)
        right = _side(cheek=0.7 * s, mouth=0.9 * s)
        cap = (
            "asked to smile: the LEFT eye narrows with the smile (synkinesis)"
            if voluntary
            else "at rest: the left mouth corner droops a little (old palsy); nothing moves"
        )
        frames.append(Frame(right=right, left=left, caption=cap, voluntary=voluntary))
    return frames


CLIPS = {
    "typical_hfs": _typical(),
    "atypical_hfs": _atypical(),
    "blepharospasm": _blepharospasm(),
    "myokymia": _myokymia(),
    "synkinesis": _synkinesis(),
}


def clip(key: str) -> list[Frame]:
    """The keyframes of one condition (``N_FRAMES`` of them)."""
    if key not in CLIPS:
        raise ValueError(f"unknown condition '{key}'; choose one of {', '.join(CLIPS)}")
    return CLIPS[key]


def condition(key: str) -> content.Condition:
    if key in content.conditions():
        return content.conditions()[key]
    raise ValueError(f"unknown condition '{key}'; choose one of {', '.join(CLIPS)}")


def _check_frame(frame: int) -> int:
    """Frames are numbered 1..N_FRAMES, as the slider and the title show them."""
    if not isinstance(frame, (int, np.integer)) or not 1 <= frame <= N_FRAMES:
        raise ValueError(f"frame must be a whole number from 1 to {N_FRAMES}, not {frame!r}")
    return int(frame)


# ----------------------------------------------------------------------------- drawing
ACTIVE = style.OKABE_ITO["vermillion"]
RIPPLE = style.OKABE_ITO["blue"]
SKIN = "#F3E6D8"


def _draw_side(ax, name: str, m: dict, phase: int) -> list[str]:
    """Draw one half of the face; return the labels of the muscle groups that move."""
    sx = 1 if name == "left" else -1  # patient's left on the viewer's right
    moving = []
    # eyebrow
    bx = np.array([0.18, 0.38, 0.62]) * sx
    by = 0.62 + 0.16 * m["brow"] + np.array([0.0, 0.05, 0.02])
    on = abs(m["brow"]) > 0.05
    ax.plot(bx, by, color=ACTIVE if on else "black", lw=5 if on else 3, solid_capstyle="round")
    if on:
        arrow = "▲ brow up" if m["brow"] > 0 else "▼ brow down"
        ax.text(0.95 * sx, 0.78, arrow, ha="center", fontsize=9, color=ACTIVE, fontweight="bold")
        moving.append("eyebrow raised" if m["brow"] > 0 else "eyebrow pulled down")
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
        ax.text(
            cx,
            cy - 0.2,
            "eye closing" if m["eye"] < 0.95 else "eye SHUT",
            ha="center",
            fontsize=9,
            color=ACTIVE,
            fontweight="bold",
        )
        moving.append("eye closing" if m["eye"] < 0.95 else "eye shut")
    # nasolabial fold (cheek)
    on = m["cheek"] > 0.05
    fx = np.array([0.16, 0.30, 0.40]) * sx
    fy = np.array([0.02, -0.22, -0.48]) + 0.12 * m["cheek"]
    ax.plot(fx + 0.06 * m["cheek"] * sx, fy, color=ACTIVE if on else "#7A6A5A", lw=2.5 if on else 1.2)
    if on:
        ax.text(0.78 * sx, -0.12, "cheek pulled", ha="center", fontsize=9, color=ACTIVE, fontweight="bold")
        moving.append("cheek pulled")
    # half of the mouth: centre to corner; the corner moves up/out (or droops)
    corner = (0.36 * sx + 0.06 * m["mouth"] * sx, -0.62 + 0.13 * m["mouth"])
    on = abs(m["mouth"]) > 0.05
    ax.plot(
        [0, corner[0]], [-0.64, corner[1]], color=ACTIVE if on else "black", lw=3 if on else 2, solid_capstyle="round"
    )
    if on:
        word = "mouth pulled up" if m["mouth"] > 0 else "mouth droops"
        ax.text(0.72 * sx, -0.82, word, ha="center", fontsize=9, color=ACTIVE, fontweight="bold")
        moving.append("mouth corner pulled up" if m["mouth"] > 0 else "mouth corner drooping")
    # platysma bands in the neck
    if m["neck"] > 0.05:
        for k in range(3):
            x0 = (0.12 + 0.1 * k) * sx
            ax.plot([x0, x0 + 0.12 * sx], [-1.12, -1.45], color=ACTIVE, lw=1 + 2 * m["neck"])
        ax.text(0.7 * sx, -1.32, "neck bands", ha="center", fontsize=9, color=ACTIVE, fontweight="bold")
        moving.append("neck (platysma) pulled")
    # myokymia: travelling waves under the skin of cheek and chin
    if m["ripple"] > 0.05:
        t = np.linspace(0, 1, 40)
        for row in range(4):
            y0 = -0.1 - 0.18 * row
            xs_r = (0.2 + 0.45 * t) * sx
            ys_r = y0 + 0.025 * m["ripple"] * np.sin(2 * np.pi * (3 * t - phase / 4 + row / 3))
            ax.plot(xs_r, ys_r, color=RIPPLE, lw=1.6, linestyle="-" if row % 2 else "--")
        ax.text(0.86 * sx, -0.45, "rippling", ha="center", fontsize=9, color=RIPPLE, fontweight="bold")
        moving.append("rippling under the skin")
    return moving


def face_figure(key: str = "typical_hfs", frame: int = 1, fb: factbase.FactBase | None = None):
    """One frame (1..N_FRAMES) of one condition as a schematic face. Returns ``(fig, data)``."""
    frame = _check_frame(frame)
    f = clip(key)[frame - 1]
    fig, ax = style.new_figure(6.2, 5.4)
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


def _moving_text(moving: dict) -> str:
    parts = []
    for side in ("left", "right"):
        parts.append(f"patient's {side}: " + (", ".join(moving[side]) if moving[side] else "at rest"))
    return "; ".join(parts)


def face_alt(key: str, frame: int, fb: factbase.FactBase | None = None) -> str:
    frame = _check_frame(frame)
    f = clip(key)[frame - 1]
    moving = {side: _describe(f.side(side)) for side in SIDES}
    extra = " The patient is smiling on request." if f.voluntary else ""
    return (
        f"Schematic face (original drawing), {condition(key).name}, frame {frame} of {N_FRAMES}: "
        f"{f.caption}. {_moving_text(moving)}.{extra}"
    )


def _describe(m: dict) -> list[str]:
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
    return (
        f"<p><b>{html.escape(c.name)}.</b> <b>What separates it:</b> "
        f"{html.escape(fb.render(c.separating_feature))}</p>"
        f"<p><b>In this clip:</b> {html.escape(c.seen_in_clip)}</p>"
        "<p style='font-size:90%'>Colour and bold labels mark the muscles that move in this frame; "
        "the drawing is a schematic made for this course, not a patient.</p>"
    )


FRAME_SECONDS = 0.45  # how long each frame of the clip stays on screen while playing


def _player_controls():
    """A labelled Play/Pause toggle and a named frame slider (both keyboard-operable, with accessible names)."""
    play = widgets.ToggleButton(
        value=False, description="Play clip", icon="play", tooltip="Play or pause the clip, frame after frame"
    )
    frame = demo.NamedSlider(value=1, min=1, max=N_FRAMES, step=1, description="Frame:", unit=f"of {N_FRAMES}")
    return play, frame


class _PlaysClip:
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
        while self.play.value:
            time.sleep(FRAME_SECONDS)
            if self.play.value:
                self.frame.value = self.frame.value % N_FRAMES + 1


class FacePlayer(_PlaysClip, demo.FigureDemo):
    """Choose a condition, then press Play clip (or move the Frame slider) to watch its clip."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        names = [(condition(k).name, k) for k in CLIPS]
        self.condition = widgets.ToggleButtons(
            options=names,
            value="typical_hfs",
            description="Condition:",
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.play, self.frame = _player_controls()
        super().__init__([self.condition, self.frame], face_figure, face_alt, face_html, self._fb)
        self._watch_play()
        self.children = [self.condition, widgets.HBox([self.play, self.frame]), self.figure, self.info]


def face_player() -> FacePlayer:
    """The animated schematic face: choose a condition, then play or step through its clip."""
    return FacePlayer()


# ----------------------------------------------------------------------------- which is it?
def verdict(case_label: str, answer: str, fb: factbase.FactBase | None = None) -> dict:
    """Whether ``answer`` (a condition key) is the diagnosis of ``case_label``, and why."""
    fb = fb or factbase.default()
    case = next((c for c in content.cases().values() if c.label == case_label), None)
    if case is None:
        raise ValueError(f"unknown case '{case_label}'")
    truth, chosen = condition(case.condition), condition(answer)
    if answer == case.condition:
        why = (
            f"Yes, {truth.name.lower()}. In the clip: {truth.seen_in_clip} "
            f"That is the separating feature: {fb.render(truth.separating_feature)}"
        )
        return {"correct": True, "text": why}
    why = (
        f"Not {chosen.name.lower()}: {fb.render(chosen.separating_feature)} In this clip, instead: {truth.seen_in_clip}"
    )
    return {"correct": False, "text": why}


class WhichIsIt(_PlaysClip, widgets.VBox):
    """An unnamed clip: watch it, choose the diagnosis, press Check, read the reasoning."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        cases = list(content.cases().values())
        self.case = widgets.Dropdown(
            options=[c.label for c in cases],
            value=cases[0].label,
            description="Case:",
            style={"description_width": "initial"},
        )
        self.vignette = widgets.HTML()
        self.play, self.frame = _player_controls()
        self.figure = demo.FigurePanel()
        self.answer = widgets.RadioButtons(
            options=[(condition(k).name, k) for k in CLIPS],
            value=None,
            description="Your diagnosis:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.button = widgets.Button(
            description="Check answer", icon="check", tooltip="Show whether the chosen diagnosis fits the clip, and why"
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("mvd-live")  # announced (mvdcourse.keyboard)
        super().__init__(
            [
                self.case,
                self.vignette,
                widgets.HBox([self.play, self.frame]),
                self.figure,
                self.answer,
                self.button,
                self.feedback,
            ]
        )
        self.case.observe(lambda _c: self._new_case(), names="value")
        self.frame.observe(lambda _c: self._draw(), names="value")
        self._watch_play()
        self.button.on_click(lambda _b: self.check())
        self._new_case()

    def _condition(self) -> str:
        return next(c.condition for c in content.cases().values() if c.label == self.case.value)

    def _new_case(self) -> None:
        case = next(c for c in content.cases().values() if c.label == self.case.value)
        self.vignette.value = f"<p><b>{html.escape(case.label)}.</b> {html.escape(case.vignette)}</p>"
        self.answer.value = None
        self.feedback.value = ""
        self._draw()

    def _draw(self) -> None:
        key, frame = self._condition(), self.frame.value

        def make():
            fig, data = face_figure(key, frame, self._fb)
            # the clip is unnamed: the title and alt text must not give the answer away
            fig.axes[0].set_title(f"{self.case.value} — frame {frame} of {N_FRAMES}", fontsize=10)
            f = clip(key)[frame - 1]
            moving = {side: _describe(f.side(side)) for side in SIDES}
            extra = " The patient is smiling on request." if f.voluntary else ""
            alt = (
                f"Schematic face (original drawing), {self.case.value}, frame {frame} of {N_FRAMES}: "
                f"{_moving_text(moving)}.{extra}"
            )
            return fig, alt, {**data, "case": self.case.value}

        self.figure.draw_cached((self.case.value, frame), make)

    def check(self) -> str:
        if self.answer.value is None:
            self.feedback.value = "<p role='status'>Choose a diagnosis first, then press <i>Check answer</i>.</p>"
            return "unanswered"
        v = verdict(self.case.value, self.answer.value, self._fb)
        mark = "✔ Correct." if v["correct"] else "✘ Not quite."
        self.feedback.value = f"<div role='status'><p><b>{mark}</b> {html.escape(v['text'])}</p></div>"
        return "correct" if v["correct"] else "wrong"


def which_is_it() -> WhichIsIt:
    """An unnamed clip with a one-line history: choose the diagnosis and read why each answer fits or not."""
    return WhichIsIt()
