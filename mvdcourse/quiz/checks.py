"""The visible check students run under each answer: it tests the *format* only, never correctness.

In the student's own notebook a format problem prints one plain sentence and the notebook goes on, so
"Run All" reaches every question. Under nbgrader (validate, autograde: ``NBGRADER_EXECUTION`` is set) the
same problem fails the check, so nbgrader's Validate button and ``mvdcourse check`` see it.
"""

from __future__ import annotations

import os
import sys

from .answers import FormatProblem, Spec, normalise

NOTE = "This check only tests the format; it does not tell you whether your answer is right."


def check_format(variable: str, value, kind: str, options: str = "", steps: int = 0) -> None:
    """Print how the answer will be read, or say in one sentence how to fix the format."""
    spec = Spec(kind=kind, variable=variable, options=options, steps=steps)
    try:
        read = normalise(value, spec)
    except FormatProblem as problem:
        if os.environ.get("NBGRADER_EXECUTION"):
            raise AssertionError(f"Format problem: {problem}") from None
        print(f"Format problem: {problem}.", file=sys.stderr)
        return
    shown = {
        "single": lambda r: r,
        "multiple": lambda r: ", ".join(r),
        "numeric": lambda r: f"{r:g}",
        "ordering": lambda r: " → ".join(map(str, r)),
    }[kind](read)
    print(f"Format OK: {variable} will be read as {shown}. {NOTE}")
