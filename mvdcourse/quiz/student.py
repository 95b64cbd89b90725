"""What a student's quiz notebook runs to show each choice item's options (and, where items are
interchangeable, which question fills each numbered slot) in that student's own order.

On the course hub the student id is known (``JUPYTERHUB_USER``). Offline (the downloadable bundle), the
student types it once into the ``student_id = ""`` cell at the top; the grader compares it with the
folder the submission arrives in and reports a mismatch instead of scoring silently.
"""

from __future__ import annotations

import html
import os

from .order import LETTERS, placement, shown_order

HUB_VARIABLE = "JUPYTERHUB_USER"
MISSING = (
    "**Your student id is needed to show the question and its options.** Type it between the quotes in the "
    '`student_id = ""` cell at the top of this notebook, then choose *Run → Run All Cells*.'
)


def resolve_id(declared: str | None) -> str | None:
    """The id that orders this student's options: the hub's user name, else the id the student typed."""
    hub = os.environ.get(HUB_VARIABLE, "").strip()
    if hub:
        return hub
    declared = (declared or "").strip()
    return declared or None


def options_markdown(assignment: str, item_id: str, options: list[str], student_id: str) -> str:
    """The option list as this student sees it: ``options`` in the bank's order, shown in the student's."""
    shown = shown_order(assignment, item_id, student_id, LETTERS[: len(options)])
    return "\n".join(
        f"- **{LETTERS[i]}.** {html.escape(options[LETTERS.index(c)], quote=False)}" for i, c in enumerate(shown)
    )


def question_markdown(assignment: str, slot: str, questions: dict, student_id: str) -> str:
    """The question this student sees in ``slot``: stem, lead-in and options, all in their own order.

    ``questions`` is the notebook's ``QUESTIONS`` cell: ``{"groups": [[item ids]], "items": {id: {"stem",
    "lead_in", "options", "choose"}}}`` (texts only; no key).
    """
    item_id = placement(assignment, questions["groups"], student_id).get(slot, slot)
    q = questions["items"][item_id]
    return "\n\n".join(
        [q["stem"], f"**{q['lead_in']}**", options_markdown(assignment, item_id, q["options"], student_id), q["choose"]]
    )


def _note(declared_id: str | None) -> str:
    hub = os.environ.get(HUB_VARIABLE, "").strip()
    if hub and (declared_id or "").strip() and declared_id.strip().lower() != hub.lower():
        return (
            f"\n\n*Note: you typed the student id “{html.escape(declared_id.strip())}”, but you are "
            f"signed in as “{html.escape(hub)}”; the questions are shown for “{html.escape(hub)}”.*"
        )
    return ""


def show_options(assignment: str, item_id: str, options: list[str], declared_id: str | None = None):
    """Display the options of one item in this student's order (a Markdown list), or how to get them."""
    from IPython.display import Markdown, display

    sid = resolve_id(declared_id)
    if sid is None:
        display(Markdown(MISSING))
        return
    display(Markdown(options_markdown(assignment, item_id, options, sid) + _note(declared_id)))


def show_question(assignment: str, slot: str, questions: dict, declared_id: str | None = None):
    """Display the question this student sees in ``slot`` (stem, lead-in, options), or how to get it."""
    from IPython.display import Markdown, display

    sid = resolve_id(declared_id)
    if sid is None:
        display(Markdown(MISSING))
        return
    display(Markdown(question_markdown(assignment, slot, questions, sid) + _note(declared_id)))
