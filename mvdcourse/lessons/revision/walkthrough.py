"""Lesson 4 demo 3 — a branching teaching case about a revision.

At each step the student chooses and reads the literature position and its evidence
(``assets/lessons/04_revision/steps.yaml``). ``RevisionCase`` is the pure state machine; the widget only
displays it. It never recommends anything for a real patient, and says so on every step.
"""

from __future__ import annotations

import ipywidgets as widgets

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS, _esc


class Choice(content.Record):
    id: str
    label: str
    position: str  # what the literature says (template with fact-base placeholders)
    evidence: str  # what kind of evidence that is
    next: str  # id of the next step

    @property
    def key(self) -> str:
        return self.id


class Step(content.Record):
    id: str
    title: str
    prompt: str
    choices: tuple[Choice, ...] = ()

    @property
    def key(self) -> str:
        return self.id


def _load_steps() -> dict[str, Step]:
    path = content.lesson_file("04_revision", "steps")
    steps = content.lesson_records("04_revision", "steps", Step)
    errors = [
        f"{path}: step '{s.id}': choice '{c.id}': field 'next': no step '{c.next}'"
        for s in steps.values()
        for c in s.choices
        if c.next not in steps
    ]
    if errors:
        raise content.ContentError("Invalid step records:\n  " + "\n  ".join(errors))
    return steps


STEPS: dict[str, Step] = _load_steps()
STEP_ORDER = tuple(STEPS)
NOT_A_RECOMMENDATION = TEXTS["not_a_recommendation"]


class RevisionCase:
    """The walkthrough's state machine (pure Python; the widget only displays it).

    ``select(key)`` chooses an option at the current step and shows its literature position; ``advance()``
    moves to the step that choice leads to; ``back()`` returns to the previous step with its choice;
    ``restart()`` goes back to the start. Invalid actions raise ``ValueError`` with a clear message.
    """

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.restart()

    # -- state
    def restart(self) -> None:
        self.step_key = "start"
        self.selected: str | None = None
        self.history: list[tuple[str, str]] = []  # (step key, choice key) of the steps left behind

    @property
    def step(self) -> Step:
        return STEPS[self.step_key]

    @property
    def at_end(self) -> bool:
        return not self.step.choices

    def choice(self, key: str) -> Choice:
        for c in self.step.choices:
            if c.key == key:
                return c
        valid = ", ".join(c.key for c in self.step.choices) or TEXTS["walkthrough.last_step"]
        raise ValueError(f"'{key}' is not an option at the step \"{self.step.title}\"; the options are: {valid}")

    def select(self, key: str) -> Choice:
        c = self.choice(key)
        self.selected = key
        return c

    def advance(self) -> str:
        if self.at_end:
            raise ValueError("This is the last step: press Back to compare other choices, or Start again.")
        if self.selected is None:
            raise ValueError("Choose an option first, then press Next step.")
        nxt = self.choice(self.selected).next
        self.history.append((self.step_key, self.selected))
        self.step_key, self.selected = nxt, None
        return nxt

    def back(self) -> str:
        if not self.history:
            raise ValueError("You are at the first step; there is nothing to go back to.")
        self.step_key, self.selected = self.history.pop()
        return self.step_key

    # -- what the student sees
    def position(self, key: str | None = None) -> dict | None:
        key = key or self.selected
        if key is None:
            return None
        c = self.choice(key)
        return {"choice": self._fb.render(c.label), "position": self._fb.render(c.position), "evidence": c.evidence}

    def path(self) -> list[dict]:
        """The steps taken so far, each with the choice made and its literature position."""
        out = []
        for step_key, choice_key in self.history:
            c = next(c for c in STEPS[step_key].choices if c.key == choice_key)
            out.append(
                {
                    "step": STEPS[step_key].title,
                    "choice": self._fb.render(c.label),
                    "position": self._fb.render(c.position),
                    "evidence": c.evidence,
                }
            )
        return out

    def step_number(self) -> tuple[int, int]:
        return STEP_ORDER.index(self.step_key) + 1, len(STEP_ORDER)

    def view(self) -> dict:
        n, total = self.step_number()
        return {
            "step": self.step_key,
            "number": n,
            "total": total,
            "title": self.step.title,
            "prompt": self._fb.render(self.step.prompt),
            "options": [(c.key, self._fb.render(c.label)) for c in self.step.choices],
            "selected": self.selected,
            "position": self.position(),
            "path": self.path(),
            "at_end": self.at_end,
            "notice": NOT_A_RECOMMENDATION,
        }

    def html(self, message: str = "") -> str:
        v = self.view()
        parts = [
            f"<h4 style='margin:4px 0'>Step {v['number']} of {v['total']}: {_esc(v['title'])}</h4>",
            f"<p>{_esc(v['prompt'])}</p>",
        ]
        if message:
            parts.append(f"<p role='alert' style='color:#8B0000'><b>{_esc(message)}</b></p>")
        if v["position"]:
            p = v["position"]
            parts.append(
                content.fill(
                    TEXTS["walkthrough.chosen"],
                    None,
                    blue=style.OKABE_ITO["blue"],
                    choice=_esc(p["choice"]),
                    position=_esc(p["position"]),
                    evidence=_esc(p["evidence"]),
                )
            )
        elif not v["at_end"]:
            parts.append(TEXTS["walkthrough.choose_option"])
        if v["at_end"]:
            rows = "".join(
                f"<li><b>{_esc(s['step'])}</b> — {_esc(s['choice'])}. "
                f"<i>Literature:</i> {_esc(s['position'])} <i>Evidence:</i> {_esc(s['evidence'])}</li>"
                for s in v["path"]
            )
            parts.append(f"<p><b>Your path through the case:</b></p><ol>{rows}</ol>")
        parts.append(f"<p style='font-size:90%'><b>Not a recommendation.</b> {_esc(v['notice'])}</p>")
        parts.append(demo.disclaimer_html("walkthrough"))
        return "".join(parts)


class RevisionWalkthrough(widgets.VBox):
    """A branching case: choose at each step, read the literature position, move on or go back."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self.case = RevisionCase(fb)
        self._syncing = False
        self.panel = widgets.HTML()
        self.panel.add_class("mvd-live")  # each step is announced (mvdcourse.keyboard)
        self.choice = widgets.RadioButtons(
            options=[],
            value=None,
            description="Your choice:",
            layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self.back_button = widgets.Button(description="Back", icon="arrow-left", tooltip="Return to the previous step")
        self.next_button = widgets.Button(
            description="Next step", icon="arrow-right", tooltip="Go to the step your choice leads to"
        )
        self.restart_button = widgets.Button(description="Start again", icon="undo", tooltip="Return to the first step")
        self.choice.observe(self._on_choice, names="value")
        self.back_button.on_click(lambda _b: self._act(self.case.back))
        self.next_button.on_click(lambda _b: self._act(self.case.advance))
        self.restart_button.on_click(lambda _b: self._act(self.case.restart))
        self.update()
        super().__init__(
            [self.panel, self.choice, widgets.HBox([self.back_button, self.next_button, self.restart_button])]
        )

    def _labels(self) -> dict[str, str]:
        return {label: key for key, label in self.case.view()["options"]}

    def _on_choice(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self.case.select(self._labels()[change["new"]])
        self.update()

    def _act(self, action) -> None:
        try:
            action()
        except ValueError as exc:
            self.update(str(exc))
            return
        self.update()

    def update(self, message: str = "") -> None:
        v = self.case.view()
        labels = [label for _key, label in v["options"]]
        selected_label = dict(v["options"]).get(v["selected"]) if v["selected"] else None
        self._syncing = True
        try:
            if list(self.choice.options) != labels:
                self.choice.options = labels
            self.choice.value = selected_label
        finally:
            self._syncing = False
        self.choice.layout.display = "none" if v["at_end"] else None
        self.next_button.disabled = v["at_end"]
        self.back_button.disabled = not self.case.history
        self.panel.value = self.case.html(message)


def revision_walkthrough() -> RevisionWalkthrough:
    """Lesson 4 demo: walk a revision case step by step; each choice shows what the literature says."""
    return RevisionWalkthrough()
