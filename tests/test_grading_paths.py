"""Which path grades a quiz: kernel-less only when no graded cell needs a kernel; the pipeline both use.

No nbgrader command runs here: the released notebook is stood in for by the generated source (the same
cells and nbgrader metadata), which is all the choice reads.
"""

from __future__ import annotations

import json
import shutil

import pytest

from mvdcourse import cli
from mvdcourse.grading import batch, sandbox, steps
from mvdcourse.quiz import course as course_mod

from .quizkit import FIXTURE, make_course

A = "mini"


@pytest.fixture
def course(tmp_path):
    course = make_course(tmp_path, {A: FIXTURE})
    release = course / "release" / A / f"{A}.ipynb"
    release.parent.mkdir(parents=True)
    shutil.copy(course / "source" / A / f"{A}.ipynb", release)
    return course


def add_cell(course, cell_type: str, grade_id: str, **meta) -> None:
    path = course / "release" / A / f"{A}.ipynb"
    nb = json.loads(path.read_text())
    cell = {"cell_type": cell_type, "id": grade_id, "metadata": {}, "source": "assert True"}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    cell["metadata"]["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "points": 1, **meta}
    nb["cells"].append(cell)
    path.write_text(json.dumps(nb))


def test_a_closed_form_quiz_with_free_text_needs_no_kernel(course):
    assert steps.kernel_reason(course, A) == ""


def test_hand_graded_cells_need_no_kernel(course):
    add_cell(course, "markdown", "q9_essay", grade=True, solution=True, locked=False, task=False)
    add_cell(course, "code", "q10_code_by_hand", grade=True, solution=True, locked=False, task=False)
    assert steps.kernel_reason(course, A) == ""


def test_a_code_graded_cell_needs_a_kernel(course):
    add_cell(course, "code", "q9_test", grade=True, solution=False, locked=True, task=False)
    assert steps.kernel_reason(course, A) == "its cell q9_test is graded by running code"


def test_without_an_item_bank_or_closed_form_scoring_a_kernel_is_needed(course):
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace("    GradeClosedForm,\n", ""))
    assert steps.kernel_reason(course, A) == "nbgrader_config.py does not score closed-form items with GradeClosedForm"
    (course / "items" / f"{A}.yaml").unlink()
    assert "it has no item bank (items/mini.yaml)" in steps.kernel_reason(course, A)


def test_both_paths_take_the_configured_steps_changing_only_execute(course):
    from nbgrader.preprocessors import Execute

    from mvdcourse.grading.replay import ReplayExecution

    cfg = steps.course_config(course)
    names = [s.__name__ for s in steps.configured(cfg)]
    assert names[0] == "Execute" and "GradeClosedForm" in names
    assert [s.__name__ for s in steps.autograde_steps(cfg, ReplayExecution)] == ["ReplayExecution"] + names[1:]
    assert [s.__name__ for s in steps.autograde_steps(cfg)] == names[1:]
    config = course / "nbgrader_config.py"  # a step the instructor adds is kept on both paths
    config.write_text(config.read_text().replace("    LimitOutput,\n", "    LimitOutput,\n    ClearHiddenTests,\n"))
    config.write_text("from nbgrader.preprocessors import ClearHiddenTests\n" + config.read_text())
    cfg = steps.course_config(course)
    assert "ClearHiddenTests" in [s.__name__ for s in steps.autograde_steps(cfg, ReplayExecution)]
    assert Execute not in steps.autograde_steps(cfg)


def test_forcing_the_kernel_less_path_on_a_code_graded_quiz_is_refused_with_a_sentence(course):
    add_cell(course, "code", "q9_test", grade=True, solution=False, locked=True, task=False)
    (course / "submitted" / "ann" / A).mkdir(parents=True)
    with pytest.raises(course_mod.CourseError, match="mini cannot be graded without a kernel: its cell q9_test"):
        batch.grade(course, A, execute=False)


def test_a_code_graded_quiz_always_runs_sandboxed(course, monkeypatch, capsys):
    add_cell(course, "code", "q9_test", grade=True, solution=False, locked=True, task=False)
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "bubblewrap is not installed")
    assert cli.main(["--course", str(course), "grade", A]) == 2
    err = capsys.readouterr().err
    assert "refusing to run student code without a sandbox: bubblewrap is not installed" in err


def test_execute_flag_forces_the_sandboxed_path(course, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "bubblewrap is not installed")
    assert cli.main(["--course", str(course), "grade", A, "--execute"]) == 2
    assert "refusing to run student code without a sandbox" in capsys.readouterr().err
