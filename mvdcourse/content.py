"""Course content as data: read YAML record files and validate them, with errors naming file, record and field.

The fact base, the self-checks, the quiz item banks and each lesson's clinical content
(``assets/lessons/<lesson>/<kind>.yaml``: vignettes, cause lists, walkthrough steps, complication tables)
are all lists of records under one top-level key. Loading is all-or-nothing: every problem is collected
and raised together as one :class:`ContentError`, and nothing is half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from . import paths


class ContentError(ValueError):
    """A content file is malformed; the message names file, record and field."""


class Record(BaseModel):
    """Base of every content record: unknown fields are errors, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


R = TypeVar("R", bound=BaseModel)


#: libyaml's safe loader when PyYAML has it (10x faster on the fact base; same data), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> object:
    """Parse a YAML file; ContentError names the file and line on failure."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        pass
    try:  # a broken file: the Python parser's message (the line it names is the one to fix)
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(f"{path}:{where}: not valid YAML ({problem})") from None


def records(data: object, key: str, path: Path) -> list:
    """The list under ``key`` in a loaded YAML file, or ContentError naming the file."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ContentError(f"{path}: expected a top-level '{key}:' list")
    return data[key]


def _describe(err: dict, loc_start: int = 0) -> str:
    field = ".".join(str(p) for p in err["loc"][loc_start:]) or "(record)"
    msg = err["msg"].removeprefix("Value error, ")
    return f"field '{field}': {msg}"


def parse_records(
    validate: Callable[[dict], R], rows: list, kind: str, path: Path, errors: list[str], loc_start: int = 0
) -> dict[str, R]:
    """Validate every record with ``validate``; collect messages naming file, record and field in ``errors``.

    Returns {id: record} for the valid ones; a repeated id is an error. ``loc_start`` skips leading
    parts of pydantic's error location (e.g. a union's tag).
    """
    parsed: dict = {}
    for i, row in enumerate(rows, start=1):
        rid = row.get("id") if isinstance(row, dict) else None
        where = f"{path}: {kind} '{rid}'" if rid else f"{path}: {kind} #{i} (no id)"
        if not isinstance(row, dict):
            errors.append(f"{where}: expected a mapping, got {type(row).__name__}")
            continue
        try:
            obj = validate(row)
        except ValidationError as exc:
            errors.extend(f"{where}: {_describe(e, loc_start)}" for e in exc.errors())
            continue
        if obj.id in parsed:
            errors.append(f"{where}: field 'id': duplicate id")
            continue
        parsed[obj.id] = obj
    return parsed


def texts(record: BaseModel) -> list[str]:
    """Every string a record holds (nested models, lists and mappings included), in field order."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(record)
    return out


def load_records(path: Path, key: str, model: type[R], kind: str, fb=None) -> dict[str, R]:
    """Load one record file: validate every record with ``model``; with ``fb``, every placeholder must resolve."""
    path = Path(path)
    errors: list[str] = []
    parsed = parse_records(model.model_validate, records(read_yaml(path), key, path), kind, path, errors)
    if fb is not None:
        for rid, rec in parsed.items():
            for text in texts(rec):
                try:
                    fb.render(text)
                except KeyError as exc:
                    errors.append(f"{path}: {kind} '{rid}': {exc.args[0]}")
    if errors:
        raise ContentError(f"Invalid {kind} records:\n  " + "\n  ".join(errors))
    return parsed


def lesson_file(lesson: str, kind: str) -> Path:
    """Where a lesson keeps one kind of content: ``assets/lessons/<lesson>/<kind>.yaml``."""
    return paths.LESSON_CONTENT / lesson / f"{kind}.yaml"


def lesson_records(lesson: str, kind: str, model: type[R], fb=None) -> dict[str, R]:
    """The records of one kind for one lesson (``kind`` is also the top-level key of the file)."""
    return load_records(lesson_file(lesson, kind), kind, model, kind.rstrip("s"), fb)


class Text(Record):
    """A named text of a lesson (``assets/lessons/<lesson>/texts.yaml``)."""

    id: str
    text: str


def lesson_texts(lesson: str, kind: str = "texts") -> dict[str, str]:
    """A lesson's named texts, by id (placeholders unrendered)."""
    return {k: t.text for k, t in lesson_records(lesson, kind, Text).items()}


def fill(template: str, fb=None, **fields) -> str:
    """A content text with its ``$name`` fields filled (from the student's input or a computation) and its
    fact-base placeholders rendered (by ``fb``, the course's fact base when None). Numbers are written as the
    fact base writes them (``91.1``, ``12``)."""
    if fb is None:
        from . import facts

        fb = facts.default()
    shown = {k: f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in fields.items()}
    return fb.render(Template(template).substitute(shown))


def lesson_files() -> list[Path]:
    """Every lesson content file (the traceability scan reads them all)."""
    return sorted(paths.LESSON_CONTENT.glob("*/*.yaml"))
