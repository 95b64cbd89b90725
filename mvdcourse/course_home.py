"""The course home: the student's progress per lesson and learning objective, what to revisit, a reset.

Shown by ``lessons/course_home.ipynb`` (one cell: ``course_home.show()``). Objectives are read from each
lesson's *Learning objectives* list; ``assets/objectives.yaml`` says which objective each self-check
practises. Progress comes from :mod:`mvdcourse.progress`.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass

import ipywidgets as widgets
import yaml

from . import facts as factbase
from . import keyboard, paths, progress, selfcheck


@dataclass(frozen=True)
class LessonInfo:
    name: str
    title: str
    objectives: tuple[str, ...]


def _markdown_cells(name: str) -> list[str]:
    nb = json.loads((paths.LESSONS / f"{name}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def lesson_info(name: str) -> LessonInfo:
    """A lesson's title (its H1) and learning objectives (the numbered list under that heading)."""
    cells = _markdown_cells(name)
    title = next((m.group(1) for c in cells for m in [re.search(r"^# (.+)$", c, re.M)] if m), name)
    block = next((c for c in cells if c.startswith("## Learning objectives")), "")
    objectives = tuple(re.sub(r"[*_]", "", m.group(1)).rstrip(";.") for m in re.finditer(r"^\d+\. (.+)$", block, re.M))
    return LessonInfo(name, title, objectives)


@functools.lru_cache(maxsize=1)
def objective_map() -> dict[str, dict[str, list[int]]]:
    """Lesson -> question id -> objective numbers, from assets/objectives.yaml."""
    return yaml.safe_load((paths.ASSETS / "objectives.yaml").read_text(encoding="utf-8"))


def _status(correct: int, wrong: int, total: int) -> str:
    if total == 0:
        return "no self-check for this objective; use the lesson's guiding questions"
    if correct == total:
        return f"✔ done: {correct} of {total} self-checks right"
    parts = [f"{correct} of {total} right"] + ([f"{wrong} to revisit"] if wrong else [])
    return "◐ " + ", ".join(parts) if correct or wrong else f"○ not started: {total} self-checks"


def report_html(data: dict | None = None) -> str:
    """The progress report: a section per lesson with its objectives and the self-checks to revisit."""
    fb = factbase.default()
    data = data if data is not None else progress.load()
    out = [f"<p role='alert'>{html.escape(n)}</p>" for n in progress.notices]
    for row in progress.summary(data):
        info = lesson_info(row.lesson)
        done = (
            f"completed on {html.escape(row.completed.replace('T', ' at '))}"
            if row.completed
            else f"{len(row.correct)} of {len(row.questions)} self-checks right"
        )
        out.append(
            f"<h2>{html.escape(info.title)}</h2><p><b>Progress:</b> {done}. "
            f"<a href='{row.lesson}.ipynb'>Open the lesson</a></p>"
        )
        mapping = objective_map().get(row.lesson, {})
        out.append(
            "<table><caption>Learning objectives</caption><thead><tr><th scope='col'>#</th>"
            "<th scope='col'>Objective</th><th scope='col'>Status</th></tr></thead><tbody>"
        )
        for number, text in enumerate(info.objectives, 1):
            qs = [q for q, objs in mapping.items() if number in objs]
            status = _status(sum(q in row.correct for q in qs), sum(q in row.wrong for q in qs), len(qs))
            out.append(f"<tr><td>{number}</td><td>{html.escape(text)}</td><td>{html.escape(status)}</td></tr>")
        out.append("</tbody></table>")
        if row.wrong:
            items = "".join(f"<li>{html.escape(fb.render(selfcheck.bank()[q].prompt))}</li>" for q in row.wrong)
            out.append(f"<p><b>To revisit</b> (answered wrongly last time):</p><ul>{items}</ul>")
    return "".join(out)


class CourseHome(widgets.VBox):
    """Report, a refresh button, and a reset that asks for confirmation before forgetting anything."""

    def __init__(self):
        self.report = widgets.HTML()
        self.refresh_button = widgets.Button(
            description="Refresh", icon="refresh", tooltip="Read your saved progress again"
        )
        choices = [("Choose what to reset…", "")] + [(lesson_info(n).title, n) for n in progress.lesson_questions()]
        self.scope = widgets.Dropdown(
            options=choices + [("The whole course", "all")],
            value="",
            description="Reset progress of:",
            style={"description_width": "initial"},
        )
        self.reset_button = widgets.Button(
            description="Reset…", icon="undo", tooltip="Forget the saved self-check answers (asks first)"
        )
        self.confirm_button = widgets.Button(
            description="Yes, forget them", button_style="danger", layout=widgets.Layout(display="none")
        )
        self.cancel_button = widgets.Button(description="Cancel", layout=widgets.Layout(display="none"))
        self.message = widgets.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.reset_button.on_click(lambda _b: self.ask_reset())
        self.confirm_button.on_click(lambda _b: self.confirm_reset())
        self.cancel_button.on_click(lambda _b: self._confirming(False, "<p role='status'>Nothing was reset.</p>"))
        controls = widgets.HBox(
            [self.scope, self.reset_button, self.confirm_button, self.cancel_button],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        self.message.add_class("mvd-live")  # announced (mvdcourse.keyboard)
        super().__init__([self.refresh_button, self.report, controls, self.message, keyboard.support()])
        self.refresh()

    def refresh(self) -> None:
        self.report.value = report_html()

    def _confirming(self, on: bool, message: str) -> None:
        for b in (self.confirm_button, self.cancel_button):
            b.layout.display = None if on else "none"
        self.message.value = message

    def ask_reset(self) -> None:
        if not self.scope.value:
            self.message.value = "<p role='status'>Choose a lesson (or the whole course) to reset first.</p>"
            return
        what = "the whole course" if self.scope.value == "all" else lesson_info(self.scope.value).title
        self._confirming(
            True,
            f"<p role='status'>Forget every saved self-check answer of {html.escape(what)}? This cannot be undone.</p>",
        )

    def confirm_reset(self) -> None:
        scope = self.scope.value
        progress.reset(None if scope == "all" else scope)
        self.refresh()
        self._confirming(False, "<p role='status'>Progress reset.</p>")


def show() -> CourseHome:
    return CourseHome()
