"""The lesson registry: one record per lesson, naming its notebook, module, self-checks, quiz and content.

Everything that needs to know which files make up a lesson (the reference lists, the traceability and
widget-number scans, the contract test, the benchmarks) reads :data:`LESSONS`; nothing parses notebooks
to find a lesson's module. Adding a lesson is one entry here plus its files (see ``lessons/README.md``).

Each lesson module satisfies :class:`LessonModule`: it lists the facts and seed claims its widgets show
and the builders of its interactive demos.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol, runtime_checkable

from .. import paths


@runtime_checkable
class LessonModule(Protocol):
    """What every lesson module provides (checked by ``tests/test_lesson_contract.py``)."""

    #: Every fact the module's widgets show (the lesson's reference list is built from it).
    FACT_IDS: tuple[str, ...]
    #: Seed-handout claims the widgets quote (their handouts join the reference list).
    SEED_CLAIM_IDS: tuple[str, ...]
    #: Builders of the lesson's interactive demos (the notebook's first demo first); each returns one widget.
    DEMOS: tuple[Callable[[], object], ...]


@dataclass(frozen=True)
class Lesson:
    """One lesson and the four names it goes by."""

    number: int
    notebook: str  # file name without .ipynb under lessons/, e.g. "01_hfs_and_mvd"
    module: str  # module under mvdcourse.lessons, e.g. "mechanics"
    quiz: str  # nbgrader assignment that tests it, e.g. "quiz1"

    @property
    def selfcheck_prefix(self) -> str:
        """Self-check question ids of this lesson start with this, e.g. ``l1_``."""
        return f"l{self.number}_"

    @property
    def notebook_path(self) -> Path:
        return paths.LESSONS / f"{self.notebook}.ipynb"

    @property
    def selfcheck_file(self) -> Path:
        return paths.SELFCHECKS / f"{self.notebook}.yaml"

    @property
    def content_dir(self) -> Path:
        """Clinical content as data (vignettes, steps, tables): ``assets/lessons/<notebook>/``."""
        return paths.LESSON_CONTENT / self.notebook

    @property
    def quiz_items(self) -> Path:
        return paths.COURSE_ROOT / "assignments" / "items" / f"{self.quiz}.yaml"

    def load(self) -> ModuleType:
        """The lesson module (imported on first use)."""
        return importlib.import_module(f"{__name__}.{self.module}")

    @property
    def fact_ids(self) -> tuple[str, ...]:
        return tuple(self.load().FACT_IDS)

    @property
    def seed_claim_ids(self) -> tuple[str, ...]:
        return tuple(self.load().SEED_CLAIM_IDS)

    @property
    def demos(self) -> tuple[Callable[[], object], ...]:
        return tuple(self.load().DEMOS)


LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "00_recognising_hfs", "recognition", "quiz0"),
    Lesson(1, "01_hfs_and_mvd", "mechanics", "quiz1"),
    Lesson(2, "02_recovery", "recovery", "quiz2"),
    Lesson(3, "03_recurrence", "recurrence", "quiz3"),
    Lesson(4, "04_revision", "revision", "quiz4"),
)


def get(name: str | int) -> Lesson:
    """A lesson by notebook name (``"02_recovery"``), module name (``"recovery"``) or number (``2``)."""
    for lesson in LESSONS:
        if name in (lesson.notebook, lesson.module, lesson.number):
            return lesson
    known = ", ".join(lesson.notebook for lesson in LESSONS)
    raise KeyError(f"no lesson '{name}' in the registry (mvdcourse/lessons/__init__.py); known: {known}")
