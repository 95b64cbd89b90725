"""Per-student option order: every student sees the options of a choice item in their own order.

The order is derived from (assignment, item, student id) with a hash, so it is reproducible anywhere —
in the student's notebook, which shows the options, and in the grader, which recomputes the order
from the submission's folder and maps the student's letter back to the bank's canonical option. No
secret is needed: an order says nothing about which option is right. Nothing the submission claims
about its order is trusted.

``shown[i]`` is the canonical letter of the option shown at position i (shown letter ``LETTERS[i]``).
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
