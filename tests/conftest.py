"""Shared fixtures. Under `make test` (MVDCOURSE_NO_SKIPS=1) and CI (CI=true) a skipped test is a failure."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvdcourse import facts, paths

LESSON_NOTEBOOKS = sorted(paths.LESSONS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(autouse=True)
def student_data_dir(tmp_path_factory, monkeypatch):
    """Each test has its own Jupyter data folder, so self-check answers (mvdcourse.progress) are never
    written to the real one and never leak from one test into another (kernels inherit it too)."""
    path = tmp_path_factory.mktemp("jupyter-data")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def fb() -> facts.FactBase:
    return facts.default()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    strict = os.environ.get("CI") == "true" or os.environ.get("MVDCOURSE_NO_SKIPS") == "1"
    if strict and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but make test and CI must run every test: {reason}"


def notebook_text(path: Path, cell_type: str = "markdown") -> list[str]:
    import nbformat
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == cell_type]
