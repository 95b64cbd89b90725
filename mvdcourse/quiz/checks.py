"""The visible check students run under each answer: it tests the *format* only, never correctness."""
from __future__ import annotations

from .answers import FormatProblem, Spec, normalise

NOTE = "This check only tests the format; it does not tell you whether your answer is right."


def check_format(variable: str, value, kind: str, options: str = "", steps: int = 0) -> None:
    """Print how the answer will be read, or fail with a message that says how to fix the format."""
    spec = Spec(kind=kind, variable=variable, options=options, steps=steps)
    try:
        read = normalise(value, spec)
    except FormatProblem as problem:
        raise AssertionError(f"Format problem: {problem}") from None
    shown = {"single": lambda r: r, "multiple": lambda r: ", ".join(r),
             "numeric": lambda r: f"{r:g}", "ordering": lambda r: " → ".join(map(str, r))}[kind](read)
    print(f"Format OK: {variable} will be read as {shown}. {NOTE}")
