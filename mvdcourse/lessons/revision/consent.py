"""Lesson 4's consent-conversation demo: the numbers a patient considering a redo MVD should hear for
their situation - a redo, botulinum toxin, or doing nothing - each with its source.

It assembles published group figures; it is education, not advice, and says so on every state.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import facts as factbase
from ... import style
from ... import widgets as demo

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
    ax.set_xlabel("Patients (%): a bar spans a range between series;\na dot alone is one figure")
    ax.set_title(f"Numbers to discuss before a redo for {situation}\n(group figures, not a prediction)", fontsize=10)
    return fig, {"situation": situation, "only_hearing_ear": only_hearing_ear, "vertebral": vertebral, "shown": shown}


def consent_alt(situation: str, only_hearing_ear: bool, vertebral: bool, fb: factbase.FactBase | None = None) -> str:
    _check(situation)
    fb = fb or factbase.default()
    rows = "; ".join(f"{label} {fb.text(fid)}" for label, fid in REDO_ROWS + TOXIN_ROWS)
    extra = " Hearing loss is highlighted because the operated ear is the only hearing ear." if only_hearing_ear else ""
    return f"Range chart for a redo MVD for {situation} and for botulinum toxin: {rows}.{extra}"


def consent_html(situation: str, only_hearing_ear: bool, vertebral: bool, fb: factbase.FactBase | None = None) -> str:
    _check(situation)
    fb = fb or factbase.default()
    c = lambda fid: html.escape(fb.cite(fid))
    items = [
        f"<li><b>What the problem is:</b> {html.escape(situation)} after a first MVD."
        + (
            f" In one series late re-operation for recurrence did less well: {c('redo.early_better.engh2005')}"
            if situation == "recurrent spasm"
            else ""
        )
        + "</li>",
        f"<li><b>Option 1 - a redo MVD:</b> complete relief {c('redo.complete_range')}, any relief "
        f"{c('redo.any_relief_range')}, no relief in {c('redo.none.almutawa2024')}; permanent facial weakness "
        f"{c('redo.perm_facial.samsung_redo')} and permanent hearing loss {c('redo.perm_hearing.samsung_redo')} in a "
        f"small series, up to {c('redo.perm_complications.repeat2018')} with any permanent complication in one "
        "series.</li>",
        f"<li><b>Option 2 - botulinum toxin:</b> response {c('bont.response_range')}, each treatment lasting "
        f"{c('bont.duration_range')}, so injections continue for as long as the spasm does. "
        f"{c('bont.cochrane2020')}</li>",
        "<li><b>Option 3 - doing nothing:</b> no treatment risk; the spasm continues. It is a legitimate "
        "choice and must be offered.</li>",
    ]
    if only_hearing_ear:
        items.append(
            f"<li><b>Only hearing ear:</b> {c('redo.only_hearing_ear')} The hearing-loss figure above "
            "would mean deafness, not one-sided loss.</li>"
        )
    if vertebral:
        items.append(
            f"<li><b>Vertebral artery involved:</b> {c('vessel.va_complications')} {c('redo.va_sling.statement')}</li>"
        )
    items.append(
        "<li><b>Check understanding:</b> ask the patient to say back what each option offers and "
        "risks, and what matters most to them.</li>"
    )
    return (
        "<p>A structured consent conversation, assembled from the fact base:</p><ol>"
        + "".join(items)
        + "</ol>"
        + demo.disclaimer_html("summary")
    )


class ConsentConversation(demo.FigureDemo):
    """Choose the situation → the numbers and caveats a patient should hear, with sources."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.situation = widgets.ToggleButtons(
            options=list(SITUATIONS),
            value=SITUATIONS[0],
            description="Situation:",
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.only_ear = widgets.Checkbox(
            value=False,
            description="The operated ear is the only hearing ear",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.vertebral = widgets.Checkbox(
            value=False,
            description="The vertebral artery is involved",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        super().__init__(
            [self.situation, self.only_ear, self.vertebral], consent_figure, consent_alt, consent_html, self._fb
        )


def consent_conversation() -> ConsentConversation:
    """The numbers a patient considering a redo should hear, assembled for their situation, with sources."""
    return ConsentConversation()
