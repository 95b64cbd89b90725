"""The course's own autograde steps, and whether an assignment needs a kernel to be graded.

Both grading paths take nbgrader's autograde pipeline from the course's ``nbgrader_config.py``
(``c.Autograde.autograde_preprocessors``) and change one step: the executed path puts
``ReplayExecution`` (the sandbox's outputs) in place of ``Execute``; the kernel-less path drops it.

An assignment is graded without a kernel when nothing a kernel computes can change a score: every
graded cell is the check cell of a closed-form item (scored by ``GradeClosedForm`` from the answer
cell's text) or is graded by hand (nbgrader scores those from the cell's checksum, never its outputs).
"""

from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock


def course_config(course: Path):
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    cfg.CourseDirectory.root = str(course)
    return cfg


def configured(cfg, phase: str = "autograde") -> list:
    """nbgrader's ``sanitize`` or ``autograde`` steps as the config sets them (nbgrader's default otherwise)."""
    from nbgrader.converters import Autograde

    return list(getattr(Autograde(config=cfg), f"{phase}_preprocessors"))


def autograde_steps(cfg, replacement=None) -> list:
    """The configured autograde steps with nbgrader's ``Execute`` replaced by ``replacement`` (or dropped)."""
    from nbgrader.preprocessors import Execute

    steps = configured(cfg)
    if not any(_is(step, Execute) for step in steps):
        return steps
    return [(replacement if _is(step, Execute) else step) for step in steps if replacement or not _is(step, Execute)]


def _is(step, cls) -> bool:
    return isinstance(step, type) and issubclass(step, cls)


def kernel_reason(course: Path, assignment: str) -> str:
    """Why ``assignment`` must be executed to be graded, or '' when its answers need no kernel."""
    from nbgrader.preprocessors import Execute

    from ..quiz import items as itembank
    from ..quiz.preprocessor import GradeClosedForm

    course = Path(course)
    bank_path = course / "items" / f"{assignment}.yaml"
    if not bank_path.exists():
        return f"it has no item bank (items/{assignment}.yaml), so its graded cells are not known to be closed-form"
    steps = configured(course_config(course))
    if not any(_is(s, GradeClosedForm) for s in steps):
        return "nbgrader_config.py does not score closed-form items with GradeClosedForm"
    if not any(_is(s, Execute) for s in steps):
        return "nbgrader_config.py has no Execute step to leave out"
    closed = {f"{item.id}_check" for item in itembank.load(bank_path).closed_items}
    release = json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    for cell in release["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if not meta.get("grade"):
            continue
        gid = meta.get("grade_id", "?")
        if meta.get("solution") or cell.get("cell_type") != "code":
            continue  # graded by hand: nbgrader never scores it from outputs
        if gid not in closed:
            return f"its cell {gid} is graded by running code"
    return ""


class Lent:
    """An open gradebook lent to nbgrader's steps: their ``with Gradebook(...)`` does not close it."""

    def __init__(self, gb):
        self._gb = gb

    def __getattr__(self, name):
        return getattr(self._gb, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class LentForReading(Lent):
    """A lent gradebook that remembers the source notebook's cells (the same for every submission)."""

    def __init__(self, gb):
        super().__init__(gb)
        self._memo: dict = {}

    def _cached(self, name, *key):
        if (name, key) not in self._memo:
            self._memo[name, key] = getattr(self._gb, name)(*key)
        return self._memo[name, key]

    def find_source_cell(self, *key):
        return self._cached("find_source_cell", *key)

    def find_graded_cell(self, *key):
        return self._cached("find_graded_cell", *key)

    def find_notebook(self, *key):
        return self._cached("find_notebook", *key)


class LentForWriting(Lent):
    """A lent gradebook that answers nbgrader's per-cell ``find_grade`` / ``find_comment`` for one submitted
    notebook from two queries (all its grades, all its comments, with their cells) instead of one query per
    cell; the objects are the same ones those lookups return. Anything else goes to the gradebook."""

    def __init__(self, gb, notebook: str, assignment: str, student: str, cell_ids: list[str]):
        from nbgrader.api import Comment, Grade
        from sqlalchemy.orm import joinedload

        super().__init__(gb)
        self._key = (notebook, assignment, student)
        sub = gb.find_submission_notebook(notebook, assignment, student)
        self._rows = {}
        for kind, row in (("find_grade", Grade), ("find_comment", Comment)):
            query = gb.db.query(row).options(joinedload(row.cell))  # by (cell, notebook): nbgrader's unique index
            found = query.filter(row.cell_id.in_(cell_ids), row.notebook_id == sub.id)
            self._rows[kind] = {r.cell.name: r for r in found}

    def _row(self, kind: str, cell: str, *key):
        found = self._rows[kind].get(cell) if key == self._key else None
        return found if found is not None else getattr(self._gb, kind)(cell, *key)

    def find_grade(self, cell: str, *key):
        return self._row("find_grade", cell, *key)

    def find_comment(self, cell: str, *key):
        return self._row("find_comment", cell, *key)


class CheckedSchemas:
    """``jsonschema`` as nbgrader's cell-metadata check calls it (``validate(instance, schema)``), with each
    schema checked once instead of once per cell (most of the time ``nbgrader autograde`` spends scoring)."""

    def __init__(self):
        self._validators: dict = {}

    def validate(self, instance, schema) -> None:
        import jsonschema

        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


SCHEMAS = CheckedSchemas()


@contextmanager
def checked_schemas():
    """Within the block, nbgrader's metadata check validates with schemas checked once per process."""
    import nbgrader.nbgraderformat.common as common

    with mock.patch.object(common, "jsonschema", SCHEMAS):
        yield


#: nbgrader modules whose steps open the gradebook themselves (``Gradebook(db_url)`` per notebook).
OPENERS = (
    "nbgrader.preprocessors.overwritecells",
    "nbgrader.preprocessors.saveautogrades",
    "nbgrader.preprocessors.latesubmissions",
)


@contextmanager
def lend(gb):
    """Within the block, nbgrader's steps use ``gb`` (a :class:`Lent`) instead of opening a connection each."""
    import importlib

    with ExitStack() as stack:
        for name in OPENERS:
            stack.enter_context(mock.patch.object(importlib.import_module(name), "Gradebook", lambda *a, **k: gb))
        yield gb
