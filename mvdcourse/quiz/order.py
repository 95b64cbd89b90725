"""Per-student option order: every student sees the options of a choice item in their own order.

The order is derived from (assignment, item, student id) with a hash, so it is reproducible anywhere —
in the student's notebook, which shows the options, and in the grader, which recomputes the order
from the submission's folder and maps the student's letter back to the bank's canonical option. No
secret is needed: an order says nothing about which option is right. Nothing the submission claims
about its order is trusted.

``shown[i]`` is the canonical letter of the option shown at position i (shown letter ``LETTERS[i]``).

Item order works the same way. The notebook keeps one fixed sequence of numbered *slots* (Question 1,
Question 2, …; answer variable ``q1``, ``q2``, … and nbgrader grade cells ``q1_check``, …), because nbgrader
releases one notebook to everyone and keeps one gradebook row per grade cell. Within a *group* of
interchangeable items (same type, points and number of options, none fixed in place), each student gets
their own assignment of items to slots: :func:`placement` maps slot id → canonical item id. The slots of
a group are the canonical positions of its items, so a group's permutation never moves an item into
another group's slot or changes a grade cell's points.
"""

from __future__ import annotations

import hashlib
import random

LETTERS = "ABCDEF"


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def normalise_id(student_id: str) -> str:
    """Student ids compare without surrounding spaces and case (nbgrader ids are usually lower case)."""
    return str(student_id).strip().lower()


def shown_order(assignment: str, item_id: str, student_id: str, canonical: str) -> str:
    """The canonical letters in the order this student sees them, e.g. ``"CAEBD"`` for ``"ABCDE"``."""
    letters = list(canonical)
    _rng("options", assignment, item_id, normalise_id(student_id)).shuffle(letters)
    return "".join(letters)


def to_canonical(answer, shown: str):
    """Map a shown letter (or a list of them) to the canonical letter(s); other values pass through."""
    if isinstance(answer, str) and len(answer) == 1 and answer in LETTERS[: len(shown)]:
        return shown[LETTERS.index(answer)]
    if isinstance(answer, list):
        return sorted(to_canonical(a, shown) for a in answer)
    return answer


def to_shown(canonical_answer, shown: str):
    """Map a canonical letter (or a list of them) to the letter(s) this student sees."""
    if isinstance(canonical_answer, str):
        return LETTERS[shown.index(canonical_answer)]
    return sorted(to_shown(a, shown) for a in canonical_answer)


def placement(assignment: str, groups: list[list[str]], student_id: str) -> dict[str, str]:
    """Slot id → the canonical item shown in that slot for this student, for every item in ``groups``.

    Each group (a list of canonical item ids, in the bank's order) is permuted on its own, from
    (assignment, group, student id); items in no group keep their slot, so callers use
    ``placement(...).get(slot, slot)``.
    """
    out: dict[str, str] = {}
    for group in groups:
        items = list(group)
        _rng("items", assignment, *group, normalise_id(student_id)).shuffle(items)
        out.update(zip(group, items))
    return out
