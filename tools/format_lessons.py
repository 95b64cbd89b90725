"""Give every lesson notebook the student-facing cell format of lessons/README.md (run by `make strip`).

- Every code cell's source is collapsed (``metadata.jupyter.source_hidden``): a student sees the
  widgets, figures and self-checks a cell makes, never its Python.
- The Setup cell no longer asks the student to run it by hand (Run All Cells does).
- The cell after the title says how to use the lesson: Run All Cells, and what to do after a restart.
- Every code cell starts with a comment saying what it shows: a folded cell shows its first line as its
  preview, which should read "# Self-check 3", not Python.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

RUN_ALL_MARKER = "**How to use this lesson.**"
RUN_ALL_NOTE = (
    f"> {RUN_ALL_MARKER} Choose **Run ▸ Run All Cells** once when the lesson opens. The figures, demos "
    "and self-checks then appear in place; you never need to read or write code (the grey bars marked "
    "**⋯** fold away the code that draws them).\n>\n"
    "> If the demos stop answering or show a broken-picture icon, the Python kernel has restarted: choose "
    "**Run ▸ Run All Cells** again. Your self-check answers are kept, and the course home "
    "(`lessons/course_home.ipynb`) shows your progress."
)

SETUP_OLD = "Run this cell first. It loads"
SETUP_NEW = "The folded cell below loads"


def preview_line(source: str, before: str) -> str:
    """The comment a folded code cell shows, short enough for a narrow window: what its output is
    (``before``: the markdown cell above it)."""
    check = re.search(r"selfcheck\.ask\([^,]+,\s*(\d+)\)", source)
    demo = re.search(r"Interactive demo (\d+\.\d+)", before)
    if check:
        return f"# Self-check {check.group(1)}"
    if "references.for_lesson" in source:
        return "# Reference list"
    if source.lstrip().startswith(("from ", "import ")):
        return "# Setup (loads the lesson)"
    if demo:
        return f"# Interactive demo {demo.group(1)}"
    return "# Folded code"


def format_notebook(nb: nbformat.NotebookNode) -> bool:
    """Apply the format in place; returns whether anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata.get("jupyter", {}).get("source_hidden"):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            changed = True
    before = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            before = cell.source
        else:
            first, _, rest = cell.source.partition("\n")
            code = rest if first.startswith("# ") else cell.source
            line = preview_line(code, before)
            if first != line:
                cell.source = line + "\n" + code
                changed = True
    for cell in nb.cells:
        if cell.cell_type == "markdown" and SETUP_OLD in cell.source:
            cell.source = cell.source.replace(SETUP_OLD, SETUP_NEW)
            changed = True
    notes = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and RUN_ALL_MARKER in c.source]
    if notes and nb.cells[notes[0]].source != RUN_ALL_NOTE:
        nb.cells[notes[0]].source = RUN_ALL_NOTE
        changed = True
    elif not notes:
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(RUN_ALL_NOTE))
        changed = True
    return changed


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        if format_notebook(nb):
            nbformat.validate(nb)
            nbformat.write(nb, path)
            print(f"formatted {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
