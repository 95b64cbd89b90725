"""What a student's quiz notebook runs to show each choice item's options in that student's own order.

On the course hub the student id is known (``JUPYTERHUB_USER``). Offline (the downloadable bundle), the
student types it once into the ``student_id = ""`` cell at the top; the grader compares it with the
folder the submission arrives in and reports a mismatch instead of scoring silently.
"""

from __future__ import annotations

import html
import os

from .order import LETTERS, shown_order

HUB_VARIABLE = "JUPYTERHUB_USER"
MISSING = (
    "**Your student id is needed to show the options.** Type it between the quotes in the "
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


def show_options(assignment: str, item_id: str, options: list[str], declared_id: str | None = None):
    """Display the options of one item in this student's order (a Markdown list), or how to get them."""
    from IPython.display import Markdown, display

    sid = resolve_id(declared_id)
    hub = os.environ.get(HUB_VARIABLE, "").strip()
    if sid is None:
        display(Markdown(MISSING))
        return
    note = ""
    if hub and (declared_id or "").strip() and declared_id.strip().lower() != hub.lower():
        note = (
            f"\n\n*Note: you typed the student id “{html.escape(declared_id.strip())}”, but you are "
            f"signed in as “{html.escape(hub)}”; the options are shown for “{html.escape(hub)}”.*"
        )
    display(Markdown(options_markdown(assignment, item_id, options, sid) + note))
