"""Lesson 0's clinical content as data (``assets/lessons/00_recognising_hfs/*.yaml``), loaded through
:mod:`mvdcourse.content`: every record is validated and every ``{fact:ID}`` placeholder must resolve."""

from __future__ import annotations

import functools

from ... import content
from ... import facts as factbase

LESSON = "00_recognising_hfs"


class Condition(content.Record):
    """A condition the animated face plays (its movements are a keyframe table in :mod:`.face`)."""

    id: str
    name: str
    separating_feature: str
    seen_in_clip: str
    facts: tuple[str, ...] = ()


class Case(content.Record):
    """A "which is it?" case: one condition's clip shown without its name."""

    id: str
    label: str
    condition: str
    vignette: str


class Segment(content.Record):
    """One segment of the facial nerve's root exit zone, with the fact giving its share of compressions."""

    id: str
    name: str
    fact: str
    where: str


class SmcGrade(content.Record):
    id: str
    grade: str
    criterion: str
    hfs7_fact: str


class CohenAlbertGrade(content.Record):
    id: str
    fact: str
    grade: str
    description: str


def _records(kind: str, model) -> dict:
    records = content.lesson_records(LESSON, kind, model, factbase.default())
    fb = factbase.default()
    missing = [
        f"{kind} '{rid}': unknown fact '{fid}'"
        for rid, rec in records.items()
        for fid in _named_facts(rec)
        if fid not in fb.facts
    ]
    if missing:
        raise content.ContentError(f"{content.lesson_file(LESSON, kind)}: " + "; ".join(missing))
    return records


def _named_facts(rec) -> list[str]:
    ids = list(getattr(rec, "facts", ()))
    ids += [getattr(rec, name) for name in ("fact", "hfs7_fact") if hasattr(rec, name)]
    return ids


@functools.lru_cache(maxsize=1)
def conditions() -> dict[str, Condition]:
    return _records("conditions", Condition)


@functools.lru_cache(maxsize=1)
def cases() -> dict[str, Case]:
    found = _records("cases", Case)
    bad = [c.label for c in found.values() if c.condition not in conditions()]
    if bad:
        raise content.ContentError(f"{content.lesson_file(LESSON, 'cases')}: cases {bad} name an unknown condition")
    return found


@functools.lru_cache(maxsize=1)
def segments() -> dict[str, Segment]:
    return _records("segments", Segment)


@functools.lru_cache(maxsize=1)
def smc_grades() -> dict[str, SmcGrade]:
    return _records("smc_grades", SmcGrade)


@functools.lru_cache(maxsize=1)
def cohen_albert_grades() -> dict[str, CohenAlbertGrade]:
    return _records("cohen_albert_grades", CohenAlbertGrade)


def all_fact_ids() -> tuple[str, ...]:
    """Every fact the lesson's content data shows: named fields and placeholders in its text."""
    fb = factbase.default()
    ids: list[str] = []
    for group in (conditions(), cases(), segments(), smc_grades(), cohen_albert_grades()):
        for rec in group.values():
            ids += _named_facts(rec)
            ids += fb.fact_ids(*content.texts(rec))
    return tuple(dict.fromkeys(ids))


#: The texts the lesson's widgets show (panels, alt texts, titles), by id (``texts.yaml``).
TEXTS = content.lesson_texts(LESSON)
#: The one filler of ``$name`` fields and fact placeholders, for the lesson's modules.
fill = content.fill
