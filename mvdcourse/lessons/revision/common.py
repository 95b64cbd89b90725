"""Helpers shared by the Lesson 4 demos."""

from __future__ import annotations

import html

from ... import content

#: Short texts the demos reuse (``assets/lessons/04_revision/texts.yaml``).
TEXTS = content.lesson_texts("04_revision")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _text_width_in(labels, fontsize: float, bold: bool = False) -> float:
    """Rough width in inches of the longest label (DejaVu Sans averages ~0.56 em per character).

    Figures here are laid out with fixed margins computed from this estimate instead of a layout
    engine: a layout engine measures every text once more before drawing, which doubles redraw time.
    """
    em = 0.62 if bold else 0.56
    return max((len(t) for t in labels), default=0) * em * fontsize / 72
