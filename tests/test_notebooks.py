"""Every lesson executes top to bottom in a fresh kernel, headless, and is committed clean."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from mvdcourse import paths

from .conftest import LESSON_NOTEBOOKS


def execute(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(paths.LESSONS)}}
    ).execute()
    return nb


@pytest.fixture(scope="module", params=LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def executed(request):
    return request.param, execute(request.param)


def test_lessons_exist():
    assert [p.stem for p in LESSON_NOTEBOOKS][:2] == ["00_recognising_hfs", "01_hfs_and_mvd"]


def test_lesson_executes_without_error_or_stderr(executed):
    path, nb = executed
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i}: stderr: {out.text[:200]}")
    assert problems == [], f"{path.name}:\n" + "\n".join(problems)


def test_every_widget_and_reference_cell_renders(executed):
    path, nb = executed
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = cell.source
        outputs = cell.get("outputs", [])
        if re.search(r"\.(\w+_\w+|ask)\(", src) and "import" not in src:
            kinds = [o.get("data", {}) for o in outputs if o.output_type == "execute_result"]
            assert kinds, f"{path.name}: cell {src!r} displayed nothing"
            data = kinds[0]
            if "references.for_lesson" in src:
                assert data["text/html"].startswith("<ol class='mvd-references'><li>")
            else:
                assert "application/vnd.jupyter.widget-view+json" in data, f"{src!r} did not render a widget"


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_or_execution_counts(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert dirty == [], f"{path.name}: cells {dirty} carry outputs; run `make strip`"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state; run `make strip`"


@pytest.mark.slow  # a kernel runs the notebook
def test_course_home_executes_and_shows_every_lesson():
    nb = execute(paths.LESSONS / "course_home.ipynb")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0].data
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    report = next(m["state"]["value"] for m in state.values() if "<h2>" in str(m["state"].get("value", "")))
    assert report.count("<h2>") == len(LESSON_NOTEBOOKS)
