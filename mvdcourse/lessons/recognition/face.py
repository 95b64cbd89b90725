"""The animated schematic face: typical and atypical HFS and three mimics, frame by frame.

An original drawing (matplotlib), not to scale and not a photograph. The clips (which muscle moves in which
frame) are data read by :mod:`.clips`; :mod:`.drawing` draws a frame; :mod:`.which` is the unnamed-clip quiz.

Builders: ``face_player()`` (choose a condition, play or step through the clip) and ``which_is_it()``
(an unnamed clip, choose the diagnosis, read why each answer is right or wrong).
"""

from __future__ import annotations

import ipywidgets as widgets

from ... import facts as factbase
from ... import widgets as demo
from .clips import AFFECTED, CLIPS, MUSCLES, N_FRAMES, SIDES, Frame, clip, condition
from .drawing import PlaysClip, face_alt, face_figure, face_html, player_controls
from .which import WhichIsIt, verdict, which_is_it

__all__ = [
    "AFFECTED",
    "CLIPS",
    "MUSCLES",
    "N_FRAMES",
    "SIDES",
    "Frame",
    "clip",
    "condition",
    "face_alt",
    "face_figure",
    "face_html",
    "FacePlayer",
    "face_player",
    "WhichIsIt",
    "verdict",
    "which_is_it",
]

FRAME_SECONDS = 0.45  # how long each frame of the clip stays on screen while playing


class FacePlayer(PlaysClip, demo.FigureDemo):
    """Choose a condition, then press Play clip (or move the Frame slider) to watch its clip."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        names = [(condition(k).name, k) for k in CLIPS]
        self.condition = demo.choice_buttons(names, "Condition:", value="typical_hfs")
        self.play, self.frame = player_controls()
        super().__init__([self.condition, self.frame], face_figure, face_alt, face_html, self._fb)
        self._watch_play()
        self.children = [
            self.condition,
            widgets.HBox([self.play, self.frame]),
            self.figure.status,
            self.figure,
            self.info,
        ]


def face_player() -> FacePlayer:
    """The animated schematic face: choose a condition, then play or step through its clip."""
    return FacePlayer()
