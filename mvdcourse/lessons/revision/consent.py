"""Lesson 4's consent-conversation demo: the numbers a patient considering a redo MVD should hear for
their situation - a redo, botulinum toxin, or doing nothing - each with its source.

It assembles published group figures; it is education, not advice, and says so on every state.
"""

from __future__ import annotations

import html

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS

SITUATIONS = ("persistent spasm", "recurrent spasm")

#: (label, fact) rows of the chart, in the order the conversation takes them.
REDO_ROWS = (
    ("Redo: complete relief", "redo.complete_range"),
    ("Redo: any relief", "redo.any_relief_range"),
    ("Redo: no relief (one series)", "redo.none.almutawa2024"),
    ("Redo: permanent facial weakness", "redo.perm_facial.samsung_redo"),
    ("Redo: permanent hearing loss", "redo.perm_hearing.samsung_redo"),
)
TOXIN_ROWS = (("Toxin: patients responding", "bont.response_range"),)
NOTE_FACTS = (
    "redo.early_better.engh2005",
    "redo.only_hearing_ear",
    "vessel.va_complications",
    "redo.va_sling.statement",
    "bont.duration_range",
    "bont.cochrane2020",
    "redo.perm_complications.repeat2018",
)
FACT_IDS = tuple(f for _l, f in REDO_ROWS + TOXIN_ROWS) + NOTE_FACTS


def _check(situation: str) -> None:
    if situation not in SITUATIONS:
        raise ValueError(f"situation must be one of: {', '.join(SITUATIONS)}; not '{situation}'")


def consent_figure(
    situation: str = SITUATIONS[0],
    only_hearing_ear: bool = False,
    vertebral: bool = False,
    fb: factbase.FactBase | None = None,
):
    """Bars (ranges as spans) for the redo and toxin figures; hearing highlighted for an only-hearing ear."""
    _check(situation)
    fb = fb or factbase.default()
    rows = REDO_ROWS + TOXIN_ROWS
    fig, ax = style.new_figure(8, 3.8)
    shown = {}
    for i, (label, fid) in enumerate(rows):
        f = fb.fact(fid)
        lo, hi = (f.low, f.high) if f.value is None else (f.value, f.value)
        emphasise = only_hearing_ear and "hearing" in label
        colour = (
            style.OKABE_ITO["vermillion"]
            if emphasise
            else (style.OKABE_ITO["orange"] if label.startswith("Toxin") else style.OKABE_ITO["blue"])
        )
        ax.plot([lo, hi], [i, i], color=colour, lw=9, solid_capstyle="butt")
        ax.plot([lo], [i], marker="D" if label.startswith("Toxin") else "o", color="black", markersize=5)
        ax.text(
            hi + 1.5,
            i,
            f.text() + ("  ◀ only hearing ear" if emphasise else ""),
            va="center",
            fontsize=9,
            fontweight="bold" if emphasise else "normal",
        )
        shown[label] = f.text()
    ax.set_yticks(range(len(rows)), [label for label, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    # two lines each: the row labels leave too little width for one line (it was clipped in the browser)
    ax.set_xlabel(TEXTS["consent.x_label"])
    ax.set_title(content.fill(TEXTS["consent.title"], fb, situation=situation), fontsize=10)
    return fig, {"situation": situation, "only_hearing_ear": only_hearing_ear, "vertebral": vertebral, "shown": shown}


def consent_alt(situation: str, only_hearing_ear: bool, vertebral: bool, fb: factbase.FactBase | None = None) -> str:
    _check(situation)
    fb = fb or factbase.default()
    rows = "; ".join(f"{label} {fb.text(fid)}" for label, fid in REDO_ROWS + TOXIN_ROWS)
    extra = TEXTS["consent.alt_only_ear"] if only_hearing_ear else ""
    return content.fill(TEXTS["consent.consent_alt"], fb, situation=situation, rows=rows, extra=extra)


def consent_html(situation: str, only_hearing_ear: bool, vertebral: bool, fb: factbase.FactBase | None = None) -> str:
    _check(situation)
    fb = fb or factbase.default()
    items = [
        content.fill(TEXTS["consent.problem"], fb, situation=html.escape(situation))
        + (content.fill(TEXTS["consent.late_redo"], fb) if situation == "recurrent spasm" else "")
        + "</li>",
        content.fill(TEXTS["consent.option_redo"], fb),
        content.fill(TEXTS["consent.option_toxin"], fb),
        TEXTS["consent.option_nothing"],
    ]
    if only_hearing_ear:
        items.append(content.fill(TEXTS["consent.only_hearing_ear"], fb))
    if vertebral:
        items.append(content.fill(TEXTS["consent.vertebral"], fb))
    items.append(TEXTS["consent.check_understanding"])
    return TEXTS["consent.intro"] + "".join(items) + "</ol>" + demo.disclaimer_html("summary")


class ConsentConversation(demo.FigureDemo):
    """Choose the situation → the numbers and caveats a patient should hear, with sources."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.situation = demo.choice_buttons(list(SITUATIONS), "Situation:")
        self.only_ear = demo.checkbox("The operated ear is the only hearing ear")
        self.vertebral = demo.checkbox("The vertebral artery is involved")
        super().__init__(
            [self.situation, self.only_ear, self.vertebral], consent_figure, consent_alt, consent_html, self._fb
        )


def consent_conversation() -> ConsentConversation:
    """The numbers a patient considering a redo should hear, assembled for their situation, with sources."""
    return ConsentConversation()
