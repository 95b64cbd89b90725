"""Helpers shared by the lesson tests: reading Python string literals and YAML strings, measuring modules.

The control walkers the widget tests use (``controls``, ``next_values``, ``panel_texts``) live in
:mod:`mvdcourse.widgets`, next to the widgets they walk.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ipywidgets as widgets

#: A literal with this many words (HTML tags and ``{field}`` holes removed) reads as prose and belongs in
#: ``assets/lessons/<lesson>/texts.yaml``. Six: the longest control label or short axis label in the course
#: has five; every clinical sentence has more.
PROSE_WORDS = 6

#: Keyword arguments whose value is a control's label, not a text a panel shows.
LABEL_KEYWORDS = {"description", "tooltip", "tooltips", "placeholder"}

#: Widget factories (mvdcourse.widgets) whose string arguments are labels.
LABEL_CALLS = {"checkbox", "choice_buttons"}

#: Calls whose string argument is a pattern, not prose.
PATTERN_CALLS = {"compile", "match", "fullmatch", "search", "sub", "findall"}


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def python_string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in a module, docstrings excluded (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _exempt(tree: ast.AST) -> set[int]:
    """Nodes whose strings are not prose a panel shows: docstrings, error messages, labels, patterns, f-string parts."""
    out = _docstrings(tree)
    for node in ast.walk(tree):
        inside = []
        if isinstance(node, ast.Raise):  # an input error: says what to type, shown as a sentence (never clinical)
            inside = [node]
        elif isinstance(node, ast.keyword) and node.arg in LABEL_KEYWORDS:
            inside = [node.value]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in PATTERN_CALLS:
            inside = node.args[:1]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in LABEL_CALLS:
            inside = node.args
        elif isinstance(node, ast.JoinedStr):  # judged whole, not part by part
            inside = node.values
        out |= {id(m) for n in inside for m in ast.walk(n)}
    return out


def words(text: str) -> list[str]:
    """The words of a literal once HTML tags are removed (an f-string's holes count as none)."""
    return re.findall(r"[A-Za-z][A-Za-z'’-]+", re.sub(r"<[^>]+>", " ", text))


def prose_literals(path: Path, min_words: int = PROSE_WORDS) -> list[tuple[int, str]]:
    """(line, text) of every string literal in a module that reads as prose (``min_words`` or more words).

    An f-string counts as one literal (its holes as ``{}``). Not counted: docstrings, ``raise`` messages,
    control labels (``description=``, ``tooltip(s)=``, ``placeholder=``, ``demo.checkbox(...)``), patterns
    passed to ``re`` and strings without a space (ids, paths).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _exempt(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if " " in text.strip() and len(words(text)) >= min_words:
            found.append((node.lineno, text))
    return sorted(found)


def long_functions(path: Path, max_lines: int) -> list[tuple[str, int]]:
    """(name, lines) of every function or method in a module longer than ``max_lines``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > max_lines
    ]


def yaml_strings(data) -> list[str]:
    """Every string in a loaded YAML document (mappings and lists walked), in order."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in yaml_strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in yaml_strings(v)]
    return []


def descendants(widget) -> list:
    """``widget`` and every widget inside it, depth first."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += descendants(child)
    return out


def value_controls(widget) -> list:
    """Every control inside ``widget`` that holds a value and has a label (typed fields included)."""
    return [w for w in descendants(widget) if isinstance(w, widgets.ValueWidget) and hasattr(w, "description")]
