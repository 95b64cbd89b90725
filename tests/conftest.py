"""Shared fixtures and test tiers. Under `make test` (MVDCOURSE_NO_SKIPS=1) and CI
(CI=true) a skipped test is a failure: the suite runs whole or not at all.

Tiers: ``browser`` (real JupyterLab + Chromium), ``sandbox`` (bubblewrap grading), ``slow`` (kernels or
nbgrader). ``make test-fast`` runs everything else; ``make test`` runs all. A test module declares its
tier with ``pytestmark``; the table below tiers the modules that predate the markers.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from mvdcourse import facts, paths, style

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


#: Test modules that read the PNG pixels themselves or show the images in Chromium (the item-analysis
#: report); everywhere else a figure's PNG is its fingerprint.
REAL_PNG_MODULES = {"test_style", "test_site", "test_report_class"}


def figure_fingerprint(fig) -> bytes:
    """What a figure shows, without drawing it: every text and the data of every line, mark, band and patch.

    Drawing a PNG is most of a widget test's time (about 0.1-0.3 s a figure); the widget tests check what the
    controls change (figure data, alt text, panels), so they compare fingerprints. The pixels are checked by
    tests/test_style.py and test_site.py, and every figure is drawn for real when the notebooks execute
    (slow tier) and in the browser tests.
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    parts = [repr(fig.get_size_inches().tolist())]
    for artist in fig.findobj(lambda a: isinstance(a, (Text, Line2D, Patch, Collection))):
        if isinstance(artist, Text):
            parts.append(artist.get_text())
        elif isinstance(artist, Line2D):
            parts.append(repr(artist.get_xydata().tolist()))
        elif isinstance(artist, Collection):  # scatter marks, filled bands
            parts.append(repr([p.vertices.tolist() for p in artist.get_paths()] + artist.get_offsets().tolist()))
        else:
            parts.append(repr(artist.get_extents().bounds if artist.get_visible() else None))
    return hashlib.sha1("\n".join(parts).encode()).digest()


@pytest.fixture(autouse=True)
def fingerprint_figures(request, monkeypatch):
    if request.module.__name__.rpartition(".")[2] not in REAL_PNG_MODULES:
        monkeypatch.setattr(style, "png_bytes", figure_fingerprint)


#: Tier of whole test modules (by file name) and of tests that use a fixture (by fixture name).
MODULE_TIERS = {
    "test_browser": "browser",
    "test_sandbox": "sandbox",
    "test_grading_adversarial": "sandbox",
    "test_instructor_cycle": "sandbox",
    "test_quiz_grading": "slow",
    "test_quiz_release": "slow",
    "test_quiz_order_nbgrader": "slow",  # real nbgrader: generate, release, two students' kernels, feedback
}
FIXTURE_TIERS = {"executed": "slow"}  # test_notebooks: a fresh kernel runs each lesson


def pytest_collection_modifyitems(config, items):
    for item in items:
        tiers = {MODULE_TIERS.get(item.module.__name__.rpartition(".")[2])}
        tiers |= {FIXTURE_TIERS.get(name) for name in item.fixturenames}
        for tier in tiers - {None}:
            item.add_marker(getattr(pytest.mark, tier))


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
    """The sources of a notebook's cells of one type; a code cell's without its first line, the comment a
    folded cell shows as its preview (``# Self-check 3``, see tools/format_lessons.py)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [code_of(c) if cell_type == "code" else c.source for c in nb.cells if c.cell_type == cell_type]


def code_of(cell) -> str:
    """A code cell's code, without the preview comment on its first line."""
    first, _, rest = cell.source.partition("\n")
    return rest if first.startswith("# ") else cell.source
