"""Lesson 0's content data (assets/lessons/00_recognising_hfs/*.yaml): loaded once, validated, rendered.

Text may hold fact-base placeholders (``{fact:ID}``); every placeholder and every fact id must resolve,
or loading stops with a message naming the file and the record.
"""
from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ... import facts as factbase
from ... import paths

FOLDER = paths.ASSETS / "lessons" / "00_recognising_hfs"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    key: str = Field(pattern=r"^[a-z_]+$")
    name: str
    separating_feature: str
    seen_in_clip: str
    facts: list[str] = []


class Case(_Strict):
    label: str
    condition: str
    vignette: str


class Segment(_Strict):
    key: str
    name: str
    fact: str
    where: str


class SmcGrade(_Strict):
    grade: str
    criterion: str
    hfs7_fact: str


class CohenAlbertGrade(_Strict):
    grade: str
    description: str


class CohenAlbert(_Strict):
    fact: str
    grades: list[CohenAlbertGrade]


class Conditions(_Strict):
    conditions: list[Condition]
    cases: list[Case]


class Segments(_Strict):
    segments: list[Segment]


class Severity(_Strict):
    smc_grades: list[SmcGrade]
    cohen_albert: CohenAlbert


def _load(name: str, model, fb: factbase.FactBase):
    path = FOLDER / name
    data = factbase.read_yaml(path)
    try:
        obj = model.model_validate(data)
    except Exception as exc:  # pydantic's message names the field
        raise factbase.FactBaseError(f"{path}: {exc}") from None
    problems = []
    for text in _texts(obj):
        try:
            fb.render(text)
        except KeyError as exc:
            problems.append(exc.args[0])
    for fid in _fact_ids(obj):
        if fid not in fb.facts:
            problems.append(f"unknown fact '{fid}'")
    if problems:
        raise factbase.FactBaseError(f"{path}: " + "; ".join(problems))
    return obj


def _texts(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, BaseModel):
        return [t for v in obj.__dict__.values() for t in _texts(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in _texts(v)]
    return []


def _fact_ids(obj) -> list[str]:
    out = []
    if isinstance(obj, BaseModel):
        for name, v in obj.__dict__.items():
            if name in ("fact", "hfs7_fact"):
                out.append(v)
            elif name == "facts":
                out += list(v)
            else:
                out += _fact_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            out += _fact_ids(v)
    return out


@functools.lru_cache(maxsize=1)
def conditions() -> Conditions:
    data = _load("conditions.yaml", Conditions, factbase.default())
    keys = {c.key for c in data.conditions}
    bad = [c.label for c in data.cases if c.condition not in keys]
    if bad:
        raise factbase.FactBaseError(f"{FOLDER / 'conditions.yaml'}: cases {bad} name an unknown condition")
    return data


@functools.lru_cache(maxsize=1)
def segments() -> Segments:
    return _load("rez_segments.yaml", Segments, factbase.default())


@functools.lru_cache(maxsize=1)
def severity() -> Severity:
    return _load("severity.yaml", Severity, factbase.default())


def all_fact_ids() -> tuple[str, ...]:
    """Every fact the lesson's content data shows: named fields and ``{fact:ID}`` placeholders in text."""
    fb = factbase.default()
    ids = []
    for obj in (conditions(), segments(), severity()):
        ids += _fact_ids(obj)
        ids += [key for text in _texts(obj) for kind, key in fb.placeholders(text) if kind != "seed"]
    return tuple(dict.fromkeys(ids))
