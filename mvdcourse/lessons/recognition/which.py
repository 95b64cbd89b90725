"""Which is it? An unnamed clip with a one-line history: choose the diagnosis, read why each answer fits or not."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import facts as factbase
from ... import widgets as demo
from . import content
from .clips import CLIPS, N_FRAMES, SIDES, clip, condition
from .content import TEXTS
from .drawing import PlaysClip, describe, face_figure, moving_text, player_controls


def verdict(case_label: str, answer: str, fb: factbase.FactBase | None = None) -> dict:
    """Whether ``answer`` (a condition key) is the diagnosis of ``case_label``, and why."""
    fb = fb or factbase.default()
    case = next((c for c in content.cases().values() if c.label == case_label), None)
    if case is None:
        raise ValueError(f"unknown case '{case_label}'")
    truth, chosen = condition(case.condition), condition(answer)
    if answer == case.condition:
        why = content.fill(
            TEXTS["which.verdict"],
            fb,
            lower=truth.name.lower(),
            seen_in_clip=truth.seen_in_clip,
            separating_feature=fb.render(truth.separating_feature),
        )
        return {"correct": True, "text": why}
    why = (
        f"Not {chosen.name.lower()}: {fb.render(chosen.separating_feature)} In this clip, instead: {truth.seen_in_clip}"
    )
    return {"correct": False, "text": why}


class WhichIsIt(PlaysClip, widgets.VBox):
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
        self.play, self.frame = player_controls()
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
                self.figure.status,
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
        self.add_class("mvd-demo")
        self._new_case()
        # every frame of every case, the current case's frames first, drawn ahead once a browser shows it
        labels = sorted(self.case.options, key=lambda label: label != self.case.value)
        states = [(label, frame) for label in labels for frame in range(1, N_FRAMES + 1)]
        self.figure.draw_ahead((state, self._maker(*state)) for state in states)

    def _new_case(self) -> None:
        case = next(c for c in content.cases().values() if c.label == self.case.value)
        self.vignette.value = f"<p><b>{html.escape(case.label)}.</b> {html.escape(case.vignette)}</p>"
        self.answer.value = None
        self.feedback.value = ""
        self._draw()

    def _maker(self, label: str, frame: int):
        """What draws frame ``frame`` of case ``label`` (a function of its arguments only, for any thread)."""
        key = next(c.condition for c in content.cases().values() if c.label == label)

        def make():
            fig, data = face_figure(key, frame, self._fb)
            # the clip is unnamed: the title and alt text must not give the answer away
            fig.axes[0].set_title(f"{label} — frame {frame} of {N_FRAMES}", fontsize=10)
            f = clip(key)[frame - 1]
            moving = {side: describe(f.side(side)) for side in SIDES}
            extra = TEXTS["which.smiling"] if f.voluntary else ""
            alt = content.fill(
                TEXTS["which.alt"],
                self._fb,
                value=label,
                frame=frame,
                n_frames=N_FRAMES,
                moving_text=moving_text(moving),
                extra=extra,
            )
            return fig, alt, {**data, "case": label}

        return make

    def _draw(self) -> None:
        state = (self.case.value, self.frame.value)
        self.figure.draw_cached(state, self._maker(*state))

    def check(self) -> str:
        if self.answer.value is None:
            self.feedback.value = TEXTS["which.choose_first"]
            return "unanswered"
        v = verdict(self.case.value, self.answer.value, self._fb)
        mark = "✔ Correct." if v["correct"] else "✘ Not quite."
        self.feedback.value = f"<div role='status'><p><b>{mark}</b> {html.escape(v['text'])}</p></div>"
        return "correct" if v["correct"] else "wrong"


def which_is_it() -> WhichIsIt:
    """An unnamed clip with a one-line history: choose the diagnosis and read why each answer fits or not."""
    return WhichIsIt()
