"""Lesson 3 demo 2's data and rules: the candidate causes of failure, the bin each belongs in ("documented at
redo" or "hypothesis only"), scoring a sort and the per-item feedback (the widget is :mod:`.sorter`).

The causes, their reported frequencies at redo and the handout claims they quote are data:
``assets/lessons/03_recurrence/causes.yaml``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from ... import content
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS, _fb, ref_labels

DOCUMENTED, HYPOTHESIS, UNSORTED = "documented at redo", "hypothesis only", "unsorted"
BINS = (UNSORTED, DOCUMENTED, HYPOTHESIS)


class Cause(content.Record):
    """One candidate cause of failure (``assets/lessons/03_recurrence/causes.yaml``)."""

    id: str
    label: str  # short name on the control and in the figure
    claim: str  # the candidate cause in full
    documented: bool  # found and reported at redo surgery?
    frequency_facts: tuple[str, ...] = ()  # reported shares at redo (% of redo operations), one per series
    note_facts: tuple[str, ...] = ()  # sourced qualitative findings
    seed_claim: str | None = None  # the handout claim this item quotes, if any
    teaching: str = ""  # one-sentence teaching note (no numbers)

    @property
    def key(self) -> str:
        return self.id


CAUSES: dict[str, Cause] = content.lesson_records("03_recurrence", "causes", Cause)


def check_assignments(assignments: Mapping[str, str]) -> None:
    for key, choice in assignments.items():
        if key not in CAUSES:
            raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
        if choice not in BINS:
            raise ValueError(f"'{choice}' is not a sorting choice for '{key}'; use one of: {', '.join(BINS)}")


def expected_bin(key: str) -> str:
    if key not in CAUSES:
        raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
    return DOCUMENTED if CAUSES[key].documented else HYPOTHESIS


def cause_evidence(key: str, fb: factbase.FactBase | None = None) -> dict:
    """What the literature reports about one candidate cause: frequencies at redo, notes, handout verdict."""
    if key not in CAUSES:
        raise ValueError(f"unknown cause '{key}'; the causes are: {', '.join(CAUSES)}")
    fb = _fb(fb)
    c = CAUSES[key]
    freqs = []
    for fid in c.frequency_facts:
        f = fb.fact(fid)
        freqs.append(
            {
                "fact": fid,
                "value": f.value,
                "text": f.text(),
                "citation": fb.labels(fid),
                "label": ref_labels(fb, fid),
                "definition": f.definition,
                "population": f.population,
            }
        )
    values = [r["value"] for r in freqs]
    seed = fb.seed_claim(c.seed_claim) if c.seed_claim else None
    return {
        "key": key,
        "label": c.label,
        "claim": c.claim,
        "expected": expected_bin(key),
        "frequencies": freqs,
        "range": (min(values), max(values)) if values else None,
        "notes": [fb.cite(f) for f in c.note_facts],
        "teaching": c.teaching,
        "handout": {"claim": seed.claim, "verdict": seed.verdict} if seed else None,
    }


def score_sort(assignments: Mapping[str, str], fb: factbase.FactBase | None = None) -> dict:
    """Score a sort (cause key → bin); causes not given count as unsorted. Raises ValueError on bad input."""
    check_assignments(assignments)
    fb = _fb(fb)
    items = []
    for key in CAUSES:
        choice = assignments.get(key, UNSORTED)
        expected = expected_bin(key)
        status = "unsorted" if choice == UNSORTED else ("correct" if choice == expected else "wrong")
        items.append(
            {"key": key, "choice": choice, "expected": expected, "status": status, "evidence": cause_evidence(key, fb)}
        )
    count = {s: sum(i["status"] == s for i in items) for s in ("correct", "wrong", "unsorted")}
    return {"items": items, "total": len(items), **count}


def _item_html(item: dict) -> str:
    e = html.escape
    ev = item["evidence"]
    mark = {"correct": "✔", "wrong": "✘", "unsorted": "○"}[item["status"]]
    verdict = {"correct": "right", "wrong": f"you chose <i>{e(item['choice'])}</i>", "unsorted": "not sorted yet"}[
        item["status"]
    ]
    parts = [
        f"<li><b>{mark} {e(ev['label'])}</b> ({verdict}): <i>{e(ev['claim'])}</i> "
        f"Evidence: <b>{e(ev['expected'])}</b>. {e(ev['teaching'])}"
    ]
    if ev["frequencies"]:
        freq = "; ".join(
            f"{e(r['text'])} {e(r['citation'])} ({e(r['definition'])}; {e(r['population'])})" for r in ev["frequencies"]
        )
        parts.append(f"<br>Reported at redo surgery: {freq}.")
    for note in ev["notes"]:
        parts.append(f"<br>{e(note)}")
    if ev["handout"]:
        parts.append(
            content.fill(
                TEXTS["causes.item_html"], None, claim=e(ev["handout"]["claim"]), verdict=e(ev["handout"]["verdict"])
            )
        )
    return "".join(parts) + "</li>"


def sort_feedback_html(result: dict) -> str:
    """Per-item feedback for a scored sort (correct and wrong first, unsorted last)."""
    if result["unsorted"] == result["total"]:
        return TEXTS["causes.nothing_sorted_html"]
    order = {"wrong": 0, "correct": 1, "unsorted": 2}
    items = sorted(result["items"], key=lambda i: order[i["status"]])
    sorted_n = result["total"] - result["unsorted"]
    head = content.fill(
        TEXTS["causes.score_html"],
        None,
        correct=result["correct"],
        sorted_n=sorted_n,
        wrong=result["wrong"],
        unsorted=result["unsorted"],
    )
    caveat = TEXTS["causes.reading_html"]
    return head + "<ul>" + "".join(_item_html(i) for i in items) + "</ul>" + caveat + demo.disclaimer_html("sorter")
