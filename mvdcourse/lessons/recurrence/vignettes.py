"""Lesson 3 demo 3 — case vignettes: read a case, choose the most likely cause of failure, get the explanation.

The cases are data: ``assets/lessons/03_recurrence/vignettes.yaml``.
"""

from __future__ import annotations

import html
from typing import Literal

import ipywidgets as widgets
from pydantic import model_validator

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .causes import CAUSES
from .common import TEXTS, _fb, render


class Event(content.Record):
    kind: Literal["mvd", "free", "spasm", "partial", "lsr", "mri", "redo"]
    label: str


class Vignette(content.Record):
    """One case (``assets/lessons/03_recurrence/vignettes.yaml``); numbers only as placeholders."""

    id: str
    title: str
    course: str  # the clinical course
    op_note: str
    imaging: str
    timeline: tuple[Event, ...]  # phases (free, spasm, partial) and events (mvd, lsr, mri, redo) in order
    options: tuple[str, ...]  # cause ids offered
    answer: str
    explanation: str
    feedback: dict[str, str]  # why each wrong option is wrong
    cited: tuple[str, ...] = ()  # facts whose sources the texts cite by label

    @property
    def key(self) -> str:
        return self.id

    @model_validator(mode="after")
    def _options_are_causes(self) -> Vignette:
        unknown = [k for k in self.options if k not in CAUSES]
        if unknown:
            raise ValueError(f"options {unknown} are not causes in causes.yaml")
        if self.answer not in self.options:
            raise ValueError(f"answer '{self.answer}' is not one of the options")
        if set(self.feedback) != set(self.options) - {self.answer}:
            raise ValueError("feedback needs one entry for each option except the answer")
        return self


VIGNETTES: dict[str, Vignette] = content.lesson_records("03_recurrence", "vignettes", Vignette)


def vignette_options(case: str) -> list[tuple[str, str]]:
    """(label, cause key) pairs offered for one case."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    return [(CAUSES[k].label, k) for k in VIGNETTES[case].options]


def grade_vignette(case: str, choice: str | None, fb: factbase.FactBase | None = None) -> dict:
    """Grade one answer. ``choice`` None gives status 'unanswered'; a cause not offered raises ValueError."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    fb = _fb(fb)
    if choice is None:
        return {
            "status": "unanswered",
            "html": TEXTS["vignettes.choose_first"],
        }
    if choice not in v.options:
        offered = ", ".join(v.options)
        raise ValueError(f"'{choice}' is not one of the causes offered for case '{case}'; choose one of: {offered}")
    explanation = render(v.explanation, fb)
    answer = CAUSES[v.answer].label
    if choice == v.answer:
        others = "".join(
            f"<li><b>{html.escape(CAUSES[k].label)}</b>: {render(v.feedback[k], fb)}</li>"
            for k in v.options
            if k != v.answer
        )
        body = content.fill(
            TEXTS["vignettes.right"], fb, answer=html.escape(answer), explanation=explanation, others=others
        )
        status = "correct"
    else:
        body = content.fill(
            TEXTS["vignettes.wrong"],
            fb,
            label=html.escape(CAUSES[choice].label),
            feedback=render(v.feedback[choice], fb),
        )
        status = "wrong"
    return {"status": status, "answer": v.answer, "html": f"<div role='status'>{body}</div>"}


def case_html(case: str, fb: factbase.FactBase | None = None) -> str:
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    fb = _fb(fb)
    v = VIGNETTES[case]
    return content.fill(
        TEXTS["vignettes.case_html"],
        fb,
        title=html.escape(v.title),
        course=render(v.course, fb),
        op_note=render(v.op_note, fb),
        imaging=render(v.imaging, fb),
    )


_PHASE_STYLE = {
    "free": dict(facecolor="#CDEBE0", edgecolor=style.OKABE_ITO["bluish_green"], hatch=""),
    "spasm": dict(facecolor="#F8D9C4", edgecolor=style.OKABE_ITO["vermillion"], hatch="////"),
    "partial": dict(facecolor="#FCEBC2", edgecolor=style.OKABE_ITO["orange"], hatch=".."),
}
_EVENT_STYLE = {
    "mvd": dict(marker="^", color=style.OKABE_ITO["black"]),
    "lsr": dict(marker="P", color=style.OKABE_ITO["reddish_purple"]),
    "mri": dict(marker="s", color=style.OKABE_ITO["blue"]),
    "redo": dict(marker="D", color=style.OKABE_ITO["black"]),
}


def vignette_figure(case: str, fb: factbase.FactBase | None = None):
    """A schematic timeline of the case (order of events, not to scale). Returns ``(fig, data)``."""
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    fig, ax = style.fixed_figure(10, 2.3, margins=dict(left=0.01, right=0.99, bottom=0.02, top=0.86))
    x = 0.0
    for kind, label in ((e.kind, e.label) for e in v.timeline):
        if kind in _PHASE_STYLE:
            s = _PHASE_STYLE[kind]
            ax.barh(
                0, 2.4, left=x, height=0.5, facecolor=s["facecolor"], edgecolor=s["edgecolor"], hatch=s["hatch"], lw=1.5
            )
            ax.text(x + 1.2, 0.42, label, ha="center", va="bottom", fontsize=9.5)
            x += 2.4
        else:
            s = _EVENT_STYLE[kind]
            ax.plot([x + 0.3], [0], linestyle="none", marker=s["marker"], color=s["color"], markersize=13, zorder=3)
            ax.text(x + 0.3, -0.42, label, ha="center", va="top", fontsize=9.5, color=s["color"])
            x += 0.6
    ax.annotate("", xy=(x + 0.2, -0.85), xytext=(-0.2, -0.85), arrowprops=dict(arrowstyle="->", lw=1, color="#555555"))
    ax.text(x + 0.2, -0.8, "time (not to scale)", ha="right", va="bottom", fontsize=8, color="#555555")
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-0.95, 0.95)
    ax.axis("off")
    ax.set_title(content.fill(TEXTS["vignettes.title"], fb, title=v.title), fontsize=11)
    return fig, {"case": case, "timeline": [[e.kind, e.label] for e in v.timeline]}


def vignette_alt(case: str, fb: factbase.FactBase | None = None) -> str:
    if case not in VIGNETTES:
        raise ValueError(f"unknown case '{case}'; the cases are: {', '.join(VIGNETTES)}")
    v = VIGNETTES[case]
    steps = " → ".join(e.label for e in v.timeline)
    return content.fill(TEXTS["vignettes.vignette_alt"], fb, title=v.title, steps=steps)


class CaseVignettes(demo.FigureDemo):
    """Choose a case → its timeline, operative note and imaging; pick the most likely cause → feedback."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = _fb(fb)
        self.case = widgets.Dropdown(
            options=[(v.title, k) for k, v in VIGNETTES.items()],
            value=next(iter(VIGNETTES)),
            description="Case:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em", max_width="100%"),
        )
        self.choice = widgets.RadioButtons(
            options=vignette_options(self.case.value),
            value=None,
            description="Most likely cause:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.check_button = widgets.Button(
            description="Check answer",
            icon="check",
            tooltip="Show whether the chosen cause is the most likely, and why",
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("mvd-live")  # announced (mvdcourse.keyboard)
        self.choice.observe(lambda change: self._clear_feedback(), names="value")
        self.check_button.on_click(lambda _b: self.check())
        extra = (self.choice, self.check_button, self.feedback, widgets.HTML(demo.disclaimer_html("case exercise")))
        super().__init__([self.case], vignette_figure, vignette_alt, case_html, self._fb, extra)
        self.details = self.info

    def _clear_feedback(self) -> None:
        self.feedback.value = ""

    def update(self) -> None:
        super().update()
        self.choice.options = vignette_options(self.case.value)
        self.choice.value = None
        self.feedback.value = ""

    def check(self) -> str:
        """What the Check button does. Returns 'correct', 'wrong' or 'unanswered'."""
        result = grade_vignette(self.case.value, self.choice.value, self._fb)
        self.feedback.value = result["html"]
        return result["status"]


def case_vignettes() -> CaseVignettes:
    """Lesson 3 demo: read a case, choose the most likely cause of failure, get the explanation."""
    return CaseVignettes()
