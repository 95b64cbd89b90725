"""Lesson 0 — recognising hemifacial spasm: the animated face and its mimics, the root-exit-zone
explorer and the severity-grade calculator. Text lives in assets/lessons/00_recognising_hfs/."""

from __future__ import annotations

from . import content, face, rez, severity
from .face import face_player, which_is_it
from .rez import rez_explorer
from .severity import severity_calculator

#: Every fact this lesson's widgets show (its reference list is built from it).
FACT_IDS = tuple(dict.fromkeys(content.all_fact_ids() + rez.MISSED_ZONE_FACTS + rez.NOTE_FACTS + severity.NOTE_FACTS))

#: Handout claims the widgets quote (none: Lesson 0's handout section is in the notebook's text).
SEED_CLAIM_IDS: tuple[str, ...] = ()

#: The lesson's interactive demos (benchmarks, browser and number tests iterate over these).
DEMOS = (face_player, which_is_it, rez_explorer, severity_calculator)

__all__ = [
    "FACT_IDS",
    "SEED_CLAIM_IDS",
    "DEMOS",
    "face_player",
    "which_is_it",
    "rez_explorer",
    "severity_calculator",
    "content",
    "face",
    "rez",
    "severity",
]
