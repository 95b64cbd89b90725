"""The item bank: one instructor-only YAML file per assignment in ``assignments/items/``.

The bank holds everything about an item: stem, options, key, an explanation for every option, the
learning objective, lesson and fact ids, points, and for free-text items the mark scheme. Student
notebooks are generated from it (``mvdcourse build``); the key never leaves the instructor's folder.
Stems, options and explanations may use fact-base placeholders (``{fact:ID}``, ``{value:ID}``,
``{seed:ID}``), so quiz figures come from the fact base like lesson figures.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .. import facts as factbase
from .. import paths

ITEMS_DIR = paths.COURSE_ROOT / "assignments" / "items"
LETTERS = "ABCDEF"
_FORBIDDEN_OPTIONS = re.compile(r"\b(all|none) of the above\b", re.I)
_NEGATIVE_LEAD = re.compile(r"\b(NOT|EXCEPT|LEAST)\b")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^q\d{1,2}$", description="also the answer variable name")
    points: float = Field(gt=0, le=10)
    objective: str = Field(min_length=10, description="the learning objective the item tests")
    lesson: int = Field(ge=0, le=4, description="0 = Recognising HFS, 1-4 = the four MVD lessons")
    facts: list[str] = []
    stem: str = Field(min_length=10, description="the vignette or context; may be short")
    lead_in: str = Field(min_length=8, description="the question; answerable with the options covered")
    level: Literal["application", "recall"] | None = Field(
        None, description="application: a vignette and a decision or interpretation; recall: a fact"
    )
    take_home: str | None = Field(None, min_length=10, description="the one-line bottom line shown in feedback")
    fixed: bool = Field(
        False, description="keep this item in its place (e.g. it refers to another item); others may be reordered"
    )

    def texts(self) -> list[str]:
        return [self.stem, self.lead_in] + ([self.take_home] if self.take_home else [])

    @model_validator(mode="after")
    def _lead_in_rules(self):
        if _NEGATIVE_LEAD.search(self.lead_in):
            raise ValueError("lead-in must not be negative (NOT / EXCEPT / LEAST)")
        if not self.lead_in.rstrip().endswith("?") and self.type != "free_text":
            raise ValueError("lead-in must be a question ending with '?'")
        return self


class _Choice(_Item):
    options: dict[str, str]
    explanations: dict[str, str]

    @model_validator(mode="after")
    def _options_rules(self):
        keys = list(self.options)
        if keys != list(LETTERS[: len(keys)]):
            raise ValueError(f"options must be lettered A, B, C… in order, got {keys}")
        if set(self.explanations) != set(keys):
            raise ValueError("every option needs an explanation (explanations must have the same letters)")
        for letter, text in self.options.items():
            if _FORBIDDEN_OPTIONS.search(text):
                raise ValueError(f"option {letter}: no 'all/none of the above'")
        return self

    def texts(self) -> list[str]:
        return super().texts() + list(self.options.values()) + list(self.explanations.values())


class SingleBestAnswer(_Choice):
    type: Literal["single"]
    answer: str

    @model_validator(mode="after")
    def _key(self):
        if not 4 <= len(self.options) <= 5:
            raise ValueError("single-best-answer items have 4 or 5 options")
        if self.answer not in self.options:
            raise ValueError(f"answer '{self.answer}' is not one of the options")
        return self


class MultipleSelect(_Choice):
    type: Literal["multiple"]
    answer: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _key(self):
        if len(self.options) < 4:
            raise ValueError("multiple-select items have at least 4 options")
        if not set(self.answer) <= set(self.options) or len(set(self.answer)) != len(self.answer):
            raise ValueError("answer letters must be distinct options")
        return self


class Numeric(_Item):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(ge=0, description="absolute tolerance, stated to students")
    unit: str
    explanation: str = Field(min_length=10)

    def texts(self) -> list[str]:
        return super().texts() + [self.explanation]


class Ordering(_Item):
    type: Literal["ordering"]
    steps: dict[int, str]
    answer: list[int]
    explanation: str = Field(min_length=10)

    @model_validator(mode="after")
    def _key(self):
        if sorted(self.steps) != list(range(1, len(self.steps) + 1)) or len(self.steps) < 3:
            raise ValueError("steps must be numbered 1..n (n >= 3)")
        if sorted(self.answer) != sorted(self.steps):
            raise ValueError("answer must be a permutation of the step numbers")
        return self

    def texts(self) -> list[str]:
        return super().texts() + list(self.steps.values()) + [self.explanation]


class FreeText(_Item):
    type: Literal["free_text"]
    mark_scheme: str = Field(min_length=20, description="shown to graders in formgrader, never released")

    def texts(self) -> list[str]:
        return super().texts() + [self.mark_scheme]


Item = Annotated[SingleBestAnswer | MultipleSelect | Numeric | Ordering | FreeText, Field(discriminator="type")]
_ITEM = TypeAdapter(Item)


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    assignment: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    introduction: str
    lessons: list[int]
    items: list[Item]
    shuffle_options: bool = Field(True, description="each student sees choice options in their own order")
    shuffle_items: bool = Field(
        True,
        description="each student sees interchangeable choice items in their own order (needs shuffle_options)",
    )

    def item(self, item_id: str):
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(f"no item '{item_id}' in {self.assignment}")

    @property
    def closed_items(self):
        return [it for it in self.items if it.type != "free_text"]

    def item_groups(self) -> list[list[str]]:
        """Groups of interchangeable items whose order differs per student (see ``order.placement``).

        An item joins a group when it is a choice item and not ``fixed``; a group holds items of the same
        type, points and number of options, so every slot keeps its grade cell's points and format check.
        """
        if not (self.shuffle_items and self.shuffle_options):
            return []
        groups: dict[tuple, list[str]] = {}
        for it in self.items:
            if it.type in ("single", "multiple") and not it.fixed:
                groups.setdefault((it.type, it.points, len(it.options)), []).append(it.id)
        return [g for g in groups.values() if len(g) > 1]

    def placement(self, student_id: str) -> dict[str, str]:
        """Slot id → canonical item id for this student, for every item (identity for items not reordered)."""
        from .order import placement

        placed = placement(self.assignment, self.item_groups(), student_id)
        return {it.id: placed.get(it.id, it.id) for it in self.items}


def load(name_or_path: str | Path, fb: factbase.FactBase | None = None) -> Assignment:
    """Load and validate one assignment's item bank; errors name the file, item and field."""
    path = Path(name_or_path)
    if not path.suffix:
        path = ITEMS_DIR / f"{name_or_path}.yaml"
    fb = fb or factbase.default()
    data = factbase.read_yaml(path)
    errors: list[str] = []
    parsed = factbase.parse_records(
        _ITEM.validate_python, factbase.records(data, "items", path), "item", path, errors, loc_start=1
    )
    for item in parsed.values():
        where = f"{path}: item '{item.id}'"
        for fid in item.facts:
            if fid not in fb.facts:
                errors.append(f"{where}: field 'facts': unknown fact '{fid}'")
        for text in item.texts():
            try:
                fb.render(text)
            except KeyError as exc:
                errors.append(f"{where}: {exc.args[0]}")
    items = list(parsed.values())
    if errors:
        raise factbase.FactBaseError("Invalid item bank:\n  " + "\n  ".join(errors))
    rest = {k: v for k, v in data.items() if k != "items"}
    try:
        return Assignment.model_validate({**rest, "items": items})
    except ValidationError as exc:
        raise factbase.FactBaseError(
            f"{path}: " + "; ".join(f"field '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors())
        ) from None


def all_assignments(items_dir: Path = ITEMS_DIR) -> list[str]:
    """Assignment names with an item bank in ``items_dir`` (default: the checkout's ``assignments/items``)."""
    return sorted(p.stem for p in Path(items_dir).glob("*.yaml"))
