"""The animated schematic face: typical and atypical HFS and three mimics, frame by frame.

An original drawing (matplotlib), not to scale and not a photograph. The clips (which muscle moves in which
frame) are data read by :mod:`.clips`; :mod:`.drawing` draws a frame; :mod:`.which` is the unnamed-clip quiz.

Builders: ``face_player()`` (choose a condition, play or step through the clip) and ``which_is_it()``
(an unnamed clip, choose the diagnosis, read why each answer is right or wrong).
"""

from __future__ import annotations

import threading
import time

import ipywidgets as widgets

from ... import facts as factbase
from ... import widgets as demo
from .clips import AFFECTED, CLIPS, MUSCLES, N_FRAMES, SIDES, Frame, clip, condition
from .drawing import face_alt, face_figure, face_html, player_controls
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


class FacePlayer(demo.FigureDemo):
    """Choose a condition, then press Play clip (or move the Frame slider) to watch its clip."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        names = [(condition(k).name, k) for k in CLIPS]
        self.condition = demo.choice_buttons(names, "Condition:", value="typical_hfs")
        self.play, self.frame = player_controls()
        self._player: threading.Thread | None = None
        super().__init__([self.condition, self.frame], face_figure, face_alt, face_html, self._fb)
        self.play.observe(self._on_play, names="value")
        self.children = [
            self.condition,
            widgets.HBox([self.play, self.frame]),
            self.figure.status,
            self.figure,
            self.info,
        ]

    def _on_play(self, change) -> None:
        self.play.description, self.play.icon = ("Pause clip", "pause") if change["new"] else ("Play clip", "play")
        if change["new"] and not (self._player and self._player.is_alive()):
            self._player = threading.Thread(target=self._advance, daemon=True)
            self._player.start()

    def _advance(self) -> None:
        """Step through the clip while Play is pressed (in a thread, so the kernel stays responsive)."""
        while self.play.value:
            time.sleep(FRAME_SECONDS)
            if self.play.value:
                self.frame.value = self.frame.value % N_FRAMES + 1


def face_player() -> FacePlayer:
    """The animated schematic face: choose a condition, then play or step through its clip."""
    return FacePlayer()
