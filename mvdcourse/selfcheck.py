"""Self-check questions inside lessons: choose an option, press Check, read why it is right or wrong.

Questions live in ``assets/selfchecks/*.yaml`` (one file per lesson), never in notebook cells. Their text
may use fact-base placeholders (``{fact:ID}``, ``{value:ID}``, ``{seed:ID}``), so every number they show
comes from the fact base. These are formative checks, not graded.
"""

from __future__ import annotations

import functools
import html
import random
from pathlib import Path
from typing import Literal

import ipywidgets as widgets
from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import content, keyboard, paths, progress
from . import facts as factbase


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Field(min_length=1)
    correct: bool = False
    feedback: str = Field(min_length=10, description="why this option is right or wrong")


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    prompt: str = Field(min_length=10)
    options: list[Option] = Field(min_length=3, max_length=6)
    level: Literal["application", "recall"] | None = Field(
        None, description="application: a short case and a decision or interpretation; recall: a fact"
    )
    take_home: str | None = Field(None, min_length=10, description="the one-line bottom line shown once answered")

    @model_validator(mode="after")
    def _one_correct(self) -> Question:
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"needs exactly one correct option, has {n}")
        texts = [o.text for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("options must differ")
        return self

    def texts(self) -> list[str]:
        """All text a student can read in this question (prompt, options, feedback), unrendered."""
        return (
            [self.prompt]
            + [t for o in self.options for t in (o.text, o.feedback)]
            + ([self.take_home] if self.take_home else [])
        )


def load_file(path: Path, fb: factbase.FactBase | None = None) -> dict[str, Question]:
    """Load and validate one question file; every placeholder must resolve in the fact base."""
    fb = fb or factbase.default()
    path = Path(path)
    return content.load_records(path, "questions", Question, "question", fb)


@functools.lru_cache(maxsize=1)
def bank() -> dict[str, Question]:
    """Every self-check question of the course, by id."""
    questions: dict[str, Question] = {}
    for path in sorted(paths.SELFCHECKS.glob("*.yaml")):
        for qid, q in load_file(path).items():
            if qid in questions:
                raise content.ContentError(f"{path}: question '{qid}' is already defined in another file")
            questions[qid] = q
    return questions


#: ipywidgets gives each radio label a fixed one-line height, so a wrapped option printed over the next one
#: (hiding its radio button) in a narrow notebook; let labels wrap and grow, and show a clear focus ring.
SELFCHECK_CSS = """<style>
.mvd-selfcheck .widget-radio-box label { display: flex; align-items: flex-start; height: auto; white-space: normal;
  line-height: 1.35; padding: 2px 0; }
.mvd-selfcheck .widget-radio-box input { order: -1; float: none; flex: none; margin-top: 0.15em; }
.mvd-selfcheck .widget-radio { flex-wrap: wrap; }
.mvd-selfcheck input:focus-visible, .mvd-selfcheck button:focus-visible { outline: 3px solid #b35900;
  outline-offset: 2px; }
</style>"""


class SelfCheck(widgets.VBox):
    """One multiple-choice self-check with per-option feedback. ``check()`` is what the button does.

    The options are shuffled every time the widget is made (``rng`` fixes the order in tests), so the
    position of the right answer carries no information; letters and feedback follow the shown order.
    A checked answer is kept in the student's progress file (:mod:`mvdcourse.progress`); when the
    self-check is shown again (after a restart, another day) it comes back chosen, with its feedback.
    """

    def __init__(
        self,
        question: Question,
        number: int | None = None,
        fb: factbase.FactBase | None = None,
        rng: random.Random | None = None,
    ):
        fb = fb or factbase.default()
        self.question = question
        #: ``order[i]`` is the bank index of the option shown at position i
        self.order = (rng or random.SystemRandom()).sample(range(len(question.options)), len(question.options))
        self._options = [(fb.render(question.options[i].text), question.options[i]) for i in self.order]
        title = f"Self-check {number}" if number else "Self-check"
        self.prompt = widgets.HTML(f"<p><b>{title}.</b> {html.escape(fb.render(question.prompt))}</p>")
        self.prompt.add_class("mvd-prompt")  # names the radio group
        labels = [f"{chr(65 + i)}. {text}" for i, (text, _) in enumerate(self._options)]
        self.choice = widgets.RadioButtons(
            options=labels,
            value=None,
            description="Your answer:",
            layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self.button = widgets.Button(
            description="Check answer",
            button_style="",
            tooltip="Show whether the chosen option is right, and why",
            icon="check",
        )
        self.feedback = widgets.HTML(value="")
        self.feedback.add_class("mvd-live")  # the verdict is announced
        self._fb = fb
        self.button.on_click(lambda _b: self.check())
        super().__init__(
            [widgets.HTML(SELFCHECK_CSS), self.prompt, self.choice, self.button, self.feedback, keyboard.support()]
        )
        self.add_class("mvd-selfcheck")
        self._restore()

    def _restore(self) -> None:
        saved = progress.answer(self.question.id)
        if not saved or not 0 <= saved.get("choice", -1) < len(self.question.options):
            return
        kept = self.question.options[saved["choice"]]
        index = next(i for i, (_, o) in enumerate(self._options) if o == kept)
        self.choice.value = self.choice.options[index]
        self._show(index, note="<p><i>Your saved answer from an earlier session.</i></p>")

    def letter_of(self, bank_index: int) -> str:
        """The letter under which the bank's option ``bank_index`` is shown in this rendering."""
        return chr(65 + self.order.index(bank_index))

    def select(self, letter: str) -> None:
        """Choose the shown option ``letter`` (A, B, ...) as a student would by clicking it."""
        index = ord(letter.upper()) - 65
        self.choice.value = self.choice.options[index]

    def check(self) -> str:
        """Show feedback for the chosen option; once correct, explain every option. Returns the verdict."""
        if self.choice.value is None:
            self.feedback.value = "<p role='status'>Choose an option first, then press <i>Check answer</i>.</p>"
            return "unanswered"
        index = self.choice.options.index(self.choice.value)
        verdict = self._show(index)
        try:
            progress.record_answer(
                self.question.id, self.question.options.index(self._options[index][1]), verdict == "correct"
            )
        except progress.ProgressError as exc:
            self.feedback.value += f"<p role='alert'>{html.escape(str(exc))}</p>"
        return verdict

    def _show(self, index: int, note: str = "") -> str:
        """Show the feedback for the option shown at ``index``; returns the verdict."""
        text, option = self._options[index]
        letter = chr(65 + index)
        why = html.escape(self._fb.render(option.feedback))
        if option.correct:
            rows = []
            for i, (_text, o) in enumerate(self._options):
                mark = "✔ correct" if o.correct else "✘ wrong"
                rows.append(f"<li><b>{chr(65 + i)}</b> ({mark}): {html.escape(self._fb.render(o.feedback))}</li>")
            bottom = (
                f"<p><b>Bottom line:</b> {html.escape(self._fb.render(self.question.take_home))}</p>"
                if self.question.take_home
                else ""
            )
            self.feedback.value = (
                f"<div role='status'><p><b>✔ Correct ({letter}).</b> {why}</p>"
                f"<p>Why each option is right or wrong:</p><ul>{''.join(rows)}</ul>{bottom}{note}</div>"
            )
            return "correct"
        self.feedback.value = (
            f"<div role='status'><p><b>✘ Not quite ({letter}).</b> {why}</p><p>Try another option.</p>{note}</div>"
        )
        return "wrong"


def ask(question_id: str, number: int | None = None, rng: random.Random | None = None) -> SelfCheck:
    """The self-check widget for one question of the bank, e.g. ``ask("l1_rez", 1)``."""
    try:
        question = bank()[question_id]
    except KeyError:
        raise KeyError(f"no self-check question '{question_id}' in {paths.SELFCHECKS}") from None
    return SelfCheck(question, number, rng=rng)
