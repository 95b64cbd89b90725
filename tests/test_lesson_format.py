"""Each lesson follows the template in lessons/README.md (the parts a machine can check)."""

from __future__ import annotations

import re

import pytest

from .conftest import LESSON_NOTEBOOKS, notebook_text


def headings(path):
    out = []
    for text in notebook_text(path):
        in_code = False
        for line in text.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            m = re.match(r"^(#{1,6})\s+(.*)", line)
            if m and not in_code:
                out.append((len(m.group(1)), m.group(2).strip()))
    return out


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_structure(path):
    hs = headings(path)
    md = "\n".join(notebook_text(path))
    code = "\n".join(notebook_text(path, "code"))
    assert [h for h in hs if h[0] == 1] == [hs[0]] and hs[0][1].startswith("Lesson"), "exactly one H1, first"
    for (a, _), (b, title) in zip(hs, hs[1:]):
        assert b <= a + 1, f"heading level skips before '{title}'"
    h2 = [t for level, t in hs if level == 2]
    assert h2[0] == "Learning objectives" and re.search(r"\*Estimated time: \d+ minutes\*", md)
    numbered = [t for t in h2 if re.match(r"\d+\. ", t)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, len(numbered) + 1)) and numbered
    order = [t for t in h2 if t in ("Summary", "References")]
    assert order == ["Summary", "References"], "Summary then References"
    assert all(t.startswith("Bonus") for t in h2[h2.index("References") + 1 :]), "Bonus only at the end"
    assert "Education only" in md and "not clinical advice" in md
    assert len(re.findall(r"selfcheck\.ask\(", code)) >= 5


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_demo_is_introduced_and_followed_by_guiding_questions(path):
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    demos = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "Interactive demo" in c.source]
    assert demos, "at least one interactive demo"
    for i in demos:
        assert "What to look for" in cells[i].source, f"demo at cell {i} says what to look for"
        assert cells[i + 1].cell_type == "code"
        after = cells[i + 2]
        assert after.cell_type == "markdown" and "Guiding questions" in after.source
        assert len(re.findall(r"^\d+\. ", after.source, flags=re.M)) >= 2


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_students_see_no_python_and_are_told_to_run_all(path):
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    shown = [
        c.source.splitlines()[0]
        for c in cells
        if c.cell_type == "code" and not c.metadata.get("jupyter", {}).get("source_hidden")
    ]
    assert not shown, f"code cells whose source a student would see (run `make strip`): {shown}"
    # a folded cell shows its first line as a preview: it says what the cell shows, in words
    previews = [c.source.splitlines()[0] for c in cells if c.cell_type == "code"]
    assert all(re.match(r"# [A-Z]", p) for p in previews), f"folded cells that preview Python: {previews}"
    note = cells[1].source
    assert cells[1].cell_type == "markdown" and "Run All Cells" in note and "restarted" in note
    assert not any("Run this cell first" in c.source for c in cells)


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_self_checks_are_numbered_in_the_order_a_student_meets_them(path):
    numbers = [
        int(n) for n in re.findall(r'selfcheck\.ask\("[a-z0-9_]+", (\d+)\)', "\n".join(notebook_text(path, "code")))
    ]
    assert numbers == list(range(1, len(numbers) + 1))
