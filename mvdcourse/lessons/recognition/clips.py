"""The clips the animated face plays: per condition, frame by frame, how much each muscle group moves.

The keyframes and captions are data (``assets/lessons/00_recognising_hfs/clips.yaml``); the drawing, the alt
text and the tests all read the same table, so what a student sees is what the tests check (for example: in
blepharospasm both eyes close in the same frames; in HFS the other side never moves).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from pydantic import field_validator

from ... import content as course_content
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


class KeyFrame(course_content.Record):
    caption: str
    right: dict[str, float] = {}
    left: dict[str, float] = {}
    voluntary: bool = False

    @field_validator("right", "left")
    @classmethod
    def _known_muscles(cls, side: dict) -> dict:
        unknown = sorted(set(side) - set(MUSCLES))
        if unknown:
            raise ValueError(f"unknown muscle group(s) {unknown}; use {', '.join(MUSCLES)}")
        return side


class Clip(course_content.Record):
    id: str
    frames: tuple[KeyFrame, ...]

    @field_validator("frames")
    @classmethod
    def _n_frames(cls, frames: tuple) -> tuple:
        if len(frames) != N_FRAMES:
            raise ValueError(f"a clip has {N_FRAMES} frames, this one {len(frames)}")
        return frames


def _frame(k: KeyFrame) -> Frame:
    def full(side: dict) -> dict:
        return {m: float(side.get(m, 0.0)) for m in MUSCLES}

    return Frame(right=full(k.right), left=full(k.left), caption=k.caption, voluntary=k.voluntary)


@functools.lru_cache(maxsize=1)
def clips() -> dict[str, list[Frame]]:
    """Every clip's frames, by condition id (each clip's id must be a condition of ``conditions.yaml``)."""
    found = course_content.lesson_records(content.LESSON, "clips", Clip)
    unknown = [k for k in found if k not in content.conditions()]
    if unknown:
        path = course_content.lesson_file(content.LESSON, "clips")
        raise course_content.ContentError(f"{path}: clips {unknown} name no condition of conditions.yaml")
    return {k: [_frame(f) for f in c.frames] for k, c in found.items()}


CLIPS = clips()


def clip(key: str) -> list[Frame]:
    """The keyframes of one condition (``N_FRAMES`` of them)."""
    if key not in CLIPS:
        raise ValueError(f"unknown condition '{key}'; choose one of {', '.join(CLIPS)}")
    return CLIPS[key]


def condition(key: str) -> content.Condition:
    """The named condition (its name, separating feature and what its clip shows)."""
    if key in content.conditions():
        return content.conditions()[key]
    raise ValueError(f"unknown condition '{key}'; choose one of {', '.join(CLIPS)}")


def check_frame(frame: int) -> int:
    """Frames are numbered 1..N_FRAMES, as the slider and the title show them."""
    if not isinstance(frame, (int, np.integer)) or not 1 <= frame <= N_FRAMES:
        raise ValueError(f"frame must be a whole number from 1 to {N_FRAMES}, not {frame!r}")
    return int(frame)
