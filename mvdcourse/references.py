"""Reference lists for lessons, generated from the fact base so that they never drift from the text.

A lesson cites in its markdown with reference labels in square brackets, e.g. ``[Miller 2012]`` or
``[Goto 2002; Sindou 2009]``. Its references section is one call, ``references.for_lesson(NAME)``,
which lists every source cited in the markdown, in its self-checks and by its widgets (a lesson module's
``FACT_IDS``, and ``SEED_CLAIM_IDS`` for handout claims its widgets quote), as the lesson registry names them.
"""

from __future__ import annotations

import html
import json
import re

from . import facts as factbase
from . import lessons, selfcheck


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


def _markdown(lesson: lessons.Lesson) -> list[str]:
    nb = json.loads(lesson.notebook_path.read_text(encoding="utf-8"))
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    ]


def sources_for_lesson(name: str, fb: factbase.FactBase | None = None) -> list[factbase.Reference]:
    """Every source a lesson relies on: cited in markdown, used by its self-checks or by its widgets.

    The lesson's module, self-check file and seed claims come from the registry (``mvdcourse.lessons``).
    """
    fb = fb or factbase.default()
    lesson = lessons.get(name)
    ids: list[str] = []

    def add_source(rid: str) -> None:
        if rid not in ids:
            ids.append(rid)

    def add_fact(fid: str) -> None:
        for src in fb.fact(fid).sources:
            add_source(src)

    for text in _markdown(lesson):
        for label in cited_labels(text, fb):
            add_source(fb.reference_by_label(label).id)
    for fid in lesson.fact_ids:
        add_fact(fid)
    for cid in lesson.seed_claim_ids:  # handout claims the widgets quote
        add_source(fb.seed_claim(cid).seed)
    for question in selfcheck.load_file(lesson.selfcheck_file, fb).values():
        texts = question.texts()
        for fid in fb.fact_ids(*texts):
            add_fact(fid)
        for cid in fb.seed_ids(*texts):
            add_source(fb.seed_claim(cid).seed)
    return sorted((fb.references[i] for i in ids), key=lambda r: r.label.lower())


class ReferenceList:
    """Displays as a numbered HTML list (and plain text) of full citations."""

    def __init__(self, refs: list[factbase.Reference]):
        self.refs = refs

    def _repr_html_(self) -> str:
        items = []
        for r in self.refs:
            link = r.link()
            tail = (  # underlined: a link is not told apart by colour alone
                f' <a href="{html.escape(link)}" target="_blank" rel="noopener" style="text-decoration: underline">'
                f"{html.escape(link)}</a>"
                if link
                else ""
            )
            flag = " <i>(bibliographic details unverified)</i>" if r.unverified else ""
            items.append(f"<li><b>[{html.escape(r.label)}]</b> {html.escape(r.citation())}{tail}{flag}</li>")
        return "<ol>" + "".join(items) + "</ol>"

    def __repr__(self) -> str:
        return "\n".join(f"[{r.label}] {r.citation()}" for r in self.refs)


def for_lesson(name: str) -> ReferenceList:
    """The references section of lesson ``name`` (the notebook's file name without .ipynb)."""
    return ReferenceList(sources_for_lesson(name))
