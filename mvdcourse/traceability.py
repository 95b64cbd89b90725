"""Find clinical numbers in course text that the fact base cannot account for.

A percentage, or a count of days, weeks, months or years, written in a lesson must equal a number
stated by a fact or a seed claim in the same unit. Anything else is untraceable and fails the tests.
Write other figures (years of publication, section numbers, minutes of study time) without those units.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .facts import FactBase

_NUM = r"(\d+(?:\.\d+)?)"
_RANGE = _NUM + r"(?:\s*(?:–|-|to)\s*" + _NUM + r")?"
PERCENT = re.compile(r"(?<![\w.])" + _RANGE + r"\s*%")
TIME = re.compile(r"(?<![\w.])" + _RANGE + r"[\s-]*(day|week|month|year)s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    number: float
    unit: str
    context: str

    def __str__(self) -> str:
        return f"{self.number:g} {self.unit} in “…{self.context}…”"


@functools.lru_cache(maxsize=4)
def known_numbers(fb: FactBase) -> dict[str, set[float]]:
    """Every number the fact base states, by unit (facts and seed claims); computed once per fact base."""
    known: dict[str, set[float]] = {}
    for rec in list(fb.facts.values()) + list(fb.seed_claims.values()):
        if rec.unit:
            known.setdefault(rec.unit, set()).update(round(n, 6) for n in rec.numbers())
        # time points and follow-up spans stated in a fact's own definition ("84% at 10 years")
        for text in (
            getattr(rec, "definition", None),
            getattr(rec, "population", None),
            getattr(rec, "statement", None),
            getattr(rec, "claim", None),
        ):
            for n, unit, _ctx in clinical_numbers(text or ""):
                known.setdefault(unit, set()).add(round(n, 6))
    return known


def clinical_numbers(text: str) -> list[tuple[float, str, str]]:
    """(number, unit, context) for each percentage or time span in ``text``."""
    found = []
    for pattern, unit_of in ((PERCENT, lambda m: "%"), (TIME, lambda m: m.group(3).lower() + "s")):
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 40) : m.end() + 10].replace("\n", " ")
            for g in (1, 2):
                if m.group(g) is not None:
                    found.append((float(m.group(g)), unit_of(m), context))
    return found


def untraceable(text: str, fb: FactBase) -> list[Finding]:
    known = known_numbers(fb)
    return [
        Finding(n, unit, ctx) for n, unit, ctx in clinical_numbers(text) if round(n, 6) not in known.get(unit, set())
    ]
