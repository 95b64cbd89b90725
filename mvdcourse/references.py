"""Reference lists for lessons, generated from the fact base so that they never drift from the text.

A lesson cites in its markdown with reference labels in square brackets, e.g. ``[Miller 2012]`` or
``[Goto 2002; Sindou 2009]``. Its references section is one call, ``references.for_lesson(NAME)``,
which lists every source cited in the markdown, in its self-checks and by its widgets (a lesson module's
``FACT_IDS``, and ``SEED_CLAIM_IDS`` for handout claims its widgets quote).
"""
from __future__ import annotations

import html
import importlib
import json
import re
from pathlib import Path

from . import facts as factbase
from . import paths, selfcheck

_LESSON_IMPORT = re.compile(r"(?:from\s+mvdcourse\.lessons\s+import\s+([\w, ]+)|mvdcourse\.lessons\.(\w+))")
_ASK = re.compile(r"ask\(\s*['\"]([a-z0-9_]+)['\"]")


def cited_labels(markdown: str, fb: factbase.FactBase) -> list[str]:
    """Reference labels cited in ``markdown`` (only bracketed text that is a known label counts)."""
    labels = {r.label for r in fb.references.values()}
    out = []
    for m in re.finditer(r"\[([^\[\]]+)\]", markdown):
        for part in m.group(1).split(";"):
            part = part.strip()
            if part in labels and part not in out:
                out.append(part)
    return out


def _notebook(name: str) -> dict:
    path = paths.LESSONS / f"{name}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def sources_for_lesson(name: str, fb: factbase.FactBase | None = None) -> list[factbase.Reference]:
    """Every source a lesson relies on: cited in markdown, used by its self-checks or by its widgets."""
    fb = fb or factbase.default()
    nb = _notebook(name)
    ids: list[str] = []

    def add_source(rid: str) -> None:
        if rid not in ids:
            ids.append(rid)

    def add_fact(fid: str) -> None:
        for src in fb.fact(fid).sources:
            add_source(src)

    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            for label in cited_labels(src, fb):
                add_source(fb.reference_by_label(label).id)
            continue
        for m in _LESSON_IMPORT.finditer(src):
            for mod in filter(None, re.split(r"[,\s]+", m.group(1) or m.group(2) or "")):
                module = importlib.import_module(f"mvdcourse.lessons.{mod}")
                for fid in getattr(module, "FACT_IDS", ()):
                    add_fact(fid)
                for cid in getattr(module, "SEED_CLAIM_IDS", ()):  # handout claims the widgets quote
                    add_source(fb.seed_claim(cid).seed)
        for qid in _ASK.findall(src):
            q = selfcheck.bank()[qid]
            for text in q.texts():
                for kind, key in fb.placeholders(text):
                    if kind == "seed":
                        add_source(fb.seed_claim(key).seed)
                    else:
                        add_fact(key)
    return sorted((fb.references[i] for i in ids), key=lambda r: r.label.lower())


class ReferenceList:
    """Displays as a numbered HTML list (and plain text) of full citations."""

    def __init__(self, refs: list[factbase.Reference]):
        self.refs = refs

    def _repr_html_(self) -> str:
        items = []
        for r in self.refs:
            link = r.link()
            tail = (f' <a href="{html.escape(link)}" target="_blank" rel="noopener" style="text-decoration: underline">'
                    f'{html.escape(link)}</a>') if link else ""  # underlined: not told apart by colour alone
            flag = " <i>(bibliographic details unverified)</i>" if r.unverified else ""
            items.append(f"<li><b>[{html.escape(r.label)}]</b> {html.escape(r.citation())}{tail}{flag}</li>")
        return "<ol>" + "".join(items) + "</ol>"

    def __repr__(self) -> str:
        return "\n".join(f"[{r.label}] {r.citation()}" for r in self.refs)


def for_lesson(name: str) -> ReferenceList:
    """The references section of lesson ``name`` (the notebook's file name without .ipynb)."""
    return ReferenceList(sources_for_lesson(name))
