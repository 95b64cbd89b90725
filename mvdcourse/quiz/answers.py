"""Read answers from a notebook without running it, normalise them, and score them against the key.

An answer cell holds one assignment of a plain literal, e.g. ``q3 = "C"``. The grader parses the
cell's source with :mod:`ast` and evaluates only literals (:func:`ast.literal_eval`), so nothing a
student's code does at run time (objects that claim to equal anything, patched builtins, files read
from disk) can change a closed-form score. Harmless variations are accepted: case, spaces,
``"(c)"``, ``"c."``, a numeric string, ``"92.5%"``, ``"A, D"``, ``"3,1,2,4"``.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from itertools import combinations

_LETTER = re.compile(r"^\(?\s*([A-Za-z])\s*[).]?$")


class FormatProblem(ValueError):
    """The answer is not in a gradable format; the message tells the student what to write."""


@dataclass(frozen=True)
class Spec:
    """What an answer must look like (no key here: the visible check uses this too)."""

    kind: str  # single | multiple | numeric | ordering
    variable: str
    options: str = ""  # letters, for single / multiple
    steps: int = 0  # number of steps, for ordering

    def example(self) -> str:
        """A well-formed (not necessarily correct) answer, for messages."""
        first, last = (self.options[:1] or "A"), (self.options[-1:] or "B")
        if self.kind == "single":
            return f'{self.variable} = "{first}"'
        if self.kind == "multiple":
            return f'{self.variable} = ["{first}", "{last}"]'
        if self.kind == "numeric":
            return f"{self.variable} = 12.5"
        return f"{self.variable} = {list(range(max(self.steps, 3), 0, -1))}"


def _letter(value, spec: Spec) -> str:
    if not isinstance(value, str):
        raise FormatProblem(
            f"{spec.variable} should be a letter in quotes, e.g. {spec.example()}; got {type(value).__name__}"
        )
    m = _LETTER.match(value.strip())
    if not m:
        raise FormatProblem(f"{spec.variable} should be one letter ({', '.join(spec.options)}); got {value!r}")
    letter = m.group(1).upper()
    if letter not in spec.options:
        raise FormatProblem(f"{spec.variable}: '{letter}' is not an option; choose from {', '.join(spec.options)}")
    return letter


def normalise(value, spec: Spec):
    """The canonical form of an answer, or FormatProblem saying what is wrong (never the key)."""
    if value is None or value is Ellipsis:
        raise FormatProblem(f"{spec.variable} has no answer yet; write e.g. {spec.example()}")
    if spec.kind == "single":
        return _letter(value, spec)
    if spec.kind == "multiple":
        if isinstance(value, str):
            parts = [p for p in re.split(r"[\s,;]+", value.strip()) if p]
            if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
                parts = list(parts[0])
        elif isinstance(value, (list, tuple, set)):
            parts = list(value)
        else:
            raise FormatProblem(f"{spec.variable} should be a list of letters, e.g. {spec.example()}")
        letters = [_letter(p, spec) for p in parts]
        if not letters:
            raise FormatProblem(f"{spec.variable} is empty; list at least one letter, e.g. {spec.example()}")
        if len(set(letters)) != len(letters):
            raise FormatProblem(f"{spec.variable} lists a letter twice")
        return sorted(letters)
    if spec.kind == "numeric":
        if isinstance(value, bool):
            raise FormatProblem(f"{spec.variable} should be a number, e.g. {spec.example()}")
        if isinstance(value, str):
            text = value.strip().removesuffix("%").strip()
            if text.count(",") == 1 and "." not in text:  # decimal comma, e.g. "92,5"
                text = text.replace(",", ".")
            try:
                value = float(text)
            except ValueError:
                raise FormatProblem(
                    f"{spec.variable} should be a number, e.g. {spec.example()}; got {value!r}"
                ) from None
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise FormatProblem(f"{spec.variable} should be a finite number, e.g. {spec.example()}")
        return float(value)
    if spec.kind == "ordering":
        if isinstance(value, str):
            value = [p for p in re.split(r"[\s,;>\-]+", value.strip()) if p]
        if not isinstance(value, (list, tuple)):
            raise FormatProblem(f"{spec.variable} should be a list of step numbers, e.g. {spec.example()}")
        try:
            order = [int(str(v).strip()) if not isinstance(v, bool) else None for v in value]
        except ValueError:
            raise FormatProblem(f"{spec.variable} should contain step numbers only, e.g. {spec.example()}") from None
        if None in order or sorted(order) != list(range(1, spec.steps + 1)):
            raise FormatProblem(f"{spec.variable} should list each of the steps 1 to {spec.steps} exactly once")
        return order
    raise ValueError(f"unknown answer kind {spec.kind!r}")


def score(kind: str, answer, key, points: float, tolerance: float = 0.0) -> float:
    """Points earned by a normalised answer.

    single: all or nothing. multiple: (correct picks − wrong picks) / number of keyed options, not below 0.
    numeric: full within the stated absolute tolerance. ordering: share of pairs in the right order.
    """
    if kind == "single":
        return points if answer == key else 0.0
    if kind == "multiple":
        hits = len(set(answer) & set(key))
        wrong = len(set(answer) - set(key))
        return round(points * max(0.0, (hits - wrong) / len(key)), 2)
    if kind == "numeric":
        return points if abs(answer - key) <= tolerance + 1e-9 else 0.0
    if kind == "ordering":
        if list(answer) == list(key):
            return points
        position = {step: i for i, step in enumerate(answer)}
        pairs = list(combinations(key, 2))
        right = sum(position[a] < position[b] for a, b in pairs)
        return round(points * right / len(pairs), 2)
    raise ValueError(f"unknown answer kind {kind!r}")


def literal_assignment(source: str, variable: str):
    """The literal value the cell assigns to ``variable`` (last assignment wins), without running it.

    Raises FormatProblem when the cell does not parse, does not assign ``variable``, or assigns
    something that is not a plain literal (a call, a name, an object, an f-string…).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise FormatProblem(
            f"the answer cell for {variable} is not valid Python (line {exc.lineno}: "
            f'{exc.msg}); write e.g. {variable} = "C"'
        ) from None
    found = None
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign) and node.value is not None
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == variable for t in targets):
            found = node.value
    if found is None:
        raise FormatProblem(f'the answer cell does not assign {variable}; write e.g. {variable} = "C"')
    try:
        return ast.literal_eval(found)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise FormatProblem(
            f"{variable} must be a plain value (a letter in quotes, a number or a list), "
            "not a calculation, a name or an object"
        ) from None
