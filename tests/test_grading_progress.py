"""Progress: one rewritten line on a terminal; sparse plain lines otherwise; a summary table by outcome."""

from __future__ import annotations

import io

from mvdcourse.grading.batch import Progress, summary


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_progress_rewrites_one_line_with_estimate_and_failures():
    out = Terminal()
    p = Progress(4, out)
    for student, outcome in [("a", "graded"), ("b", "timeout"), ("c", "graded"), ("d", "graded")]:
        p.step(student, outcome)
    text = out.getvalue()
    assert text.count("\r\033[K") == 4 and text.endswith("\n")
    assert "graded 4/4" in text and "s left" in text and "1 not graded normally" in text


def test_non_terminal_progress_is_line_oriented_and_quiet():
    out = io.StringIO()
    p = Progress(20, out)
    for i in range(20):
        p.step(f"s{i}", "graded" if i != 7 else "malformed")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert "s7: malformed" in lines
    assert len(lines) <= 7 and lines[-1].startswith("graded 20/20")


def test_summary_counts_each_outcome():
    table = summary(
        {
            "a": {"status": "graded"},
            "b": {"status": "graded", "skipped": True},
            "c": {"status": "timeout"},
            "d": {"status": "malformed"},
        }
    )
    assert "graded                   2" in table and "timeout                  1" in table
    assert "total                    4   (1 unchanged, not re-graded)" in table
