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
from pathlib import Path

from . import facts as factbase
from . import lessons, paths, selfcheck


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


def link_name(ref: factbase.Reference) -> str:
    """What a link leads to, as its text: PubMed, DOI or the publisher's page."""
    return (
        "PubMed"
        if ref.pmid
        else "DOI"
        if ref.doi
        else "PubMed Central"
        if "ncbi.nlm.nih.gov" in (ref.url or "")
        else "publisher's page"
    )


def citation_html(ref: factbase.Reference) -> str:
    """One Vancouver citation with its PubMed/DOI link, as HTML."""
    link = ref.link()
    tail = (  # underlined: a link is not told apart by colour alone
        f' <a href="{html.escape(link)}" target="_blank" rel="noopener" style="text-decoration: underline">'
        f"{link_name(ref)}</a>"
        if link
        else ""
    )
    flag = " <i>(record incomplete: see the course bibliography)</i>" if ref.incomplete else ""
    return f"<b>[{html.escape(ref.label)}]</b> {html.escape(ref.vancouver())}{tail}{flag}"


def citation_markdown(ref: factbase.Reference) -> str:
    """One Vancouver citation with its PubMed/DOI link, as Markdown."""
    link = ref.link()
    text = ref.vancouver().replace("[", "\\[").replace("]", "\\]")
    return f"**\\[{ref.label}\\]** {text}" + (f" [{link_name(ref)}]({link})" if link else "")


class ReferenceList:
    """Displays as a numbered HTML list (and plain text) of Vancouver citations with their links."""

    def __init__(self, refs: list[factbase.Reference]):
        self.refs = refs

    def _repr_html_(self) -> str:
        return (
            "<ol class='mvd-references'>" + "".join(f"<li>{citation_html(r)}</li>" for r in self.refs) + "</ol>"
            "<p>Every source of the course, with what it was checked against: "
            "<a href='bibliography.md' style='text-decoration: underline'>the course bibliography</a>.</p>"
        )

    def __repr__(self) -> str:
        return "\n".join(f"[{r.label}] {r.vancouver()}" + (f" {r.link()}" if r.link() else "") for r in self.refs)


def sources_in_texts(texts: list[str], fb: factbase.FactBase) -> list[factbase.Reference]:
    """The sources behind the placeholders in ``texts`` (quiz explanations), sorted by label."""
    ids: list[str] = []
    for text in texts:
        for kind, key in fb.placeholders(text):
            rids = [fb.seed_claim(key).seed] if kind == "seed" else fb.fact(key).sources
            ids += [r for r in rids if r not in ids]
    return sorted((fb.references[i] for i in ids), key=lambda r: r.label.lower())


def for_lesson(name: str) -> ReferenceList:
    """The references section of lesson ``name`` (the notebook's file name without .ipynb)."""
    return ReferenceList(sources_for_lesson(name))


BIBLIOGRAPHY = paths.LESSONS / "bibliography.md"


def bibliography(fb: factbase.FactBase | None = None) -> str:
    """The course-wide bibliography page (Markdown): every source, in Vancouver style, with its link."""
    fb = fb or factbase.default()
    refs = sorted(fb.references.values(), key=lambda r: r.label.lower())
    cited = {s for f in fb.facts.values() for s in f.sources} | {c.seed for c in fb.seed_claims.values()}
    groups = [
        (
            "Sources",
            "Complete records: authors, title, journal, year and PMID or DOI.",
            [r for r in refs if r.complete and not r.unidentifiable],
        ),
        (
            "Sources with incomplete records",
            "Identified by title and journal or by an identifier, but some details were not found in the records "
            "checked; what is missing is said in square brackets and under each entry.",
            [r for r in refs if r.incomplete],
        ),
        (
            "Not citable",
            "Handouts, placeholders and papers that could not be identified. No figure taught in the course rests "
            "on these alone.",
            [r for r in refs if r.unidentifiable],
        ),
    ]
    lines = [
        "# Bibliography",
        "",
        "Every source the course cites, in Vancouver style. Links go to PubMed, to doi.org or to the "
        "publisher, never to a copy elsewhere. Each entry says what its figures were checked against and "
        "when. This page is generated from `assets/references.yaml` by `mvdcourse bibliography`; do not edit "
        "it by hand.",
        "",
    ]
    for title, intro, group in groups:
        lines += [f"## {title} ({len(group)})", "", intro, ""]
        for n, r in enumerate(group, start=1):
            when = r.verified.date.isoformat() if r.verified.date else "not re-checked since the reference table"
            lines.append(f"{n}. {citation_markdown(r)}  ")
            lines.append(
                f"   *Checked ({r.verified.checked}; {when}):* {r.verified.against}"
                + ("" if r.id in cited else " *Not cited by any figure.*")
                + "  "
            )
            for word, text in (("Missing", r.incomplete), ("Why not citable", r.unidentifiable), ("Note", r.note)):
                if text:
                    lines.append(f"   *{word}:* {text}  ")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_bibliography(path: Path = BIBLIOGRAPHY) -> Path:
    path.write_text(bibliography(), encoding="utf-8")
    return path
