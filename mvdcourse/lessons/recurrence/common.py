"""Helpers shared by the Lesson 3 demos."""

from __future__ import annotations

import html
import re

from ... import content
from ... import facts as factbase

_YEARS = re.compile(r"(\d+(?:\.\d+)?)\s*years?\b")


#: The texts the lesson's widgets show (panels, alt texts, titles), by id (``assets/lessons/03_recurrence/texts.yaml``).
TEXTS = content.lesson_texts("03_recurrence")


def _fb(fb: factbase.FactBase | None) -> factbase.FactBase:
    return fb or factbase.default()


def _years_in(fact: factbase.Fact) -> float:
    """The time point (in years) a fact's definition states, e.g. '... 5 years after ...' → 5."""
    m = _YEARS.search(fact.definition or "")
    if not m:
        raise factbase.FactBaseError(f"fact '{fact.id}': its definition states no time point in years")
    return float(m.group(1))


def _parenthesis(text: str | None) -> str:
    """The first parenthesised part of a fact's definition (e.g. its confidence interval)."""
    m = re.search(r"\(([^()]*)\)", text or "")
    return m.group(1) if m else ""


def ref_labels(fb: factbase.FactBase, fact_id: str) -> str:
    """The source labels of a fact, joined (no brackets)."""
    return "; ".join(r.label for r in fb.sources(fact_id))


def render(text: str, fb: factbase.FactBase) -> str:
    """A content text with its placeholders filled, escaped for HTML."""
    return html.escape(fb.render(text))
