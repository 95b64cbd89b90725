"""Citations a medical librarian would accept: complete or explained records, Vancouver rendering with
PubMed/DOI links in lessons, quiz feedback and the bibliography, and no taught figure on an unusable source."""

from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path

import pytest

from mvdcourse import facts, references
from mvdcourse.quiz import items as itembank
from mvdcourse.quiz import preprocessor

from .conftest import LESSON_NOTEBOOKS
from .test_facts import GOOD_FACTS, GOOD_REFS, write

# Vancouver (NLM): Authors. Title. Journal. Year;Volume(Issue):Pages. doi: X. PMID: N.
VANCOUVER = re.compile(
    r"^(?P<authors>[^.]+)\. (?P<title>.+?[.?!]) (?P<journal>[^.]+)\. (?P<year>\d{4})"
    r"(?:;(?P<volume>[^:.]+))?(?::(?P<pages>[^.\s]+))?\.(?: doi: (?P<doi>10\.\S+)\.)?(?: PMID: (?P<pmid>\d{1,8})\.)?$"
)


# Issue 14 stays open while any reference is incomplete. These are identified (title with journal, or an
# identifier) but miss what their `incomplete` field names, after the 2026-12-07 search of stored PubMed copies,
# publisher pages and index records. Completing one means removing it here; a new incomplete one fails the test.
STILL_INCOMPLETE = {
    "baba",
    "barker1995",
    "choi1999",
    "cjfh2024",
    "delayed_review2015",
    "endo2021",
    "failedmvd2016",
    "gomezwong1998",
    "goto2002",
    "gulevich2019",
    "hcn2013_facial_palsy",
    "huh2008",
    "jns2017_babinski",
    "liu2018_atypical",
    "neurographics2015",
    "neurology1979",
    "nsr2020_lsr",
    "park2009_hearing",
    "patel1996",
    "pathophys1984",
    "pathophys2018",
    "radiology1995",
    "repeat2018",
    "samsung2019",
    "samsung_redo",
    "taipei1992",
    "thirumala2015",
    "tofciss",
    "wei2018",
    "weidemeier2023",
}
# Not citable (handouts, placeholders, papers that cannot be identified); no taught figure rests on them alone.
UNIDENTIFIABLE = {
    "course_search",
    "general_knowledge",
    "lcn_series",
    "seed_s0",
    "seed_s1",
    "statpearls_hfs",
    "tan1999",
}


def test_the_incomplete_and_unidentifiable_references_are_exactly_the_known_open_ones(fb):
    incomplete = {r.id for r in fb.references.values() if r.incomplete}
    unidentifiable = {r.id for r in fb.references.values() if r.unidentifiable}
    assert incomplete == STILL_INCOMPLETE, (
        f"newly incomplete: {sorted(incomplete - STILL_INCOMPLETE)}; "
        f"now complete (remove them from STILL_INCOMPLETE): {sorted(STILL_INCOMPLETE - incomplete)}"
    )
    assert unidentifiable == UNIDENTIFIABLE
    complete = [r for r in fb.references.values() if not r.incomplete and not r.unidentifiable]
    assert len(complete) + len(incomplete) + len(unidentifiable) == len(fb.references)
    for ref in complete:  # what the issue asks of every reference
        assert ref.authors and ref.title and ref.journal and ref.year and (ref.pmid or ref.doi), ref.id


def test_the_audit_record_lists_the_references_still_incomplete(fb):
    audit = (Path(__file__).resolve().parents[1] / "docs" / "citation-audit.md").read_text(encoding="utf-8")
    rows = audit.split("## Still incomplete", 1)[1].split("\n\n", 2)[1]
    listed = {
        line.split(" | ")[0].lstrip("| ") for line in rows.splitlines() if line.startswith("| ") and "---" not in line
    }
    assert listed - {"reference"} == {fb.references[i].label for i in STILL_INCOMPLETE}


def test_every_reference_says_what_was_checked_and_when(fb):
    for ref in fb.references.values():
        assert ref.verified.date is not None, f"{ref.id}: no date for its last check"
        assert "not re-checked" not in ref.verified.against, (
            f"{ref.id}: dated, but its check says it was not re-checked"
        )


def test_every_reference_is_complete_or_says_what_is_missing_or_why_it_cannot_be_cited(fb):
    for ref in fb.references.values():
        missing = ref.missing()
        if ref.unidentifiable:
            assert len(ref.unidentifiable) > 20, ref.id
        elif missing:
            assert ref.incomplete and all(m.lower() in ref.incomplete.lower() for m in missing), ref.id
        else:
            assert ref.authors and ref.title and ref.journal and ref.year and (ref.pmid or ref.doi), ref.id
        assert ref.verified.against and ref.verified.checked in ("full text", "abstract", "record only", "not found")


def test_identifiers_are_well_formed_and_unique(fb):
    pmids = [r.pmid for r in fb.references.values() if r.pmid]
    dois = [r.doi.lower() for r in fb.references.values() if r.doi]
    assert all(re.fullmatch(r"\d{1,8}", p) for p in pmids)
    assert all(re.fullmatch(r"10\.\d{4,9}/\S+", d) for d in dois)
    assert len(pmids) == len(set(pmids)) and len(dois) == len(set(dois))


def _refs(text: str) -> str:
    return GOOD_REFS.replace("    authors: Smith A\n", text)


@pytest.mark.parametrize(
    "refs_text, needle",
    [
        (_refs("    authors: null\n"), "authors missing: find them, or say in 'incomplete'"),
        (
            _refs("    authors: null\n    incomplete: the DOI was not found\n"),
            "'incomplete' must name what is missing: authors",
        ),
        (_refs("    authors: Smith A\n    incomplete: authors not found\n"), "are all given"),
        (GOOD_REFS.replace('pmid: "12345678"', 'pmid: "123456789"'), "field 'pmid'"),
        (GOOD_REFS.replace("doi: null", "doi: doi.org/10.1/x"), "field 'doi'"),
        (GOOD_REFS.replace("checked: abstract", "checked: skimmed"), "field 'verified.checked'"),
        (_refs("    authors: Smith A, Jones B, Brown C, Green D\n"), "give the first 3 authors, then 'et al.'"),
        (_refs("    authors: Smith A, et al.\n"), "only 1 listed before 'et al.'"),
        (_refs("    authors: Alan Smith, Jones B\n"), "'Surname Initials' separated by commas (not Alan Smith)"),
        (
            GOOD_REFS
            + GOOD_REFS.split("references:\n")[1].replace("smith2020", "smith2021").replace("Smith 2020", "Smith 2021"),
            "field 'pmid': '12345678' is already used by 'smith2020'",
        ),
    ],
)
def test_loader_rejects_references_a_librarian_would_reject(tmp_path, refs_text, needle):
    f, r = write(tmp_path, refs_text=refs_text)
    with pytest.raises(facts.FactBaseError) as err:
        facts.load(f, r)
    assert needle in str(err.value), str(err.value)


def test_a_short_author_list_loads_when_the_note_says_the_others_were_not_seen(tmp_path):
    text = _refs("    authors: Smith A, et al.\n    note: Only the first author was shown; co-authors not seen.\n")
    f, r = write(tmp_path, refs_text=text)
    assert facts.load(f, r).references["smith2020"].vancouver().startswith("Smith A, et al. A study.")


def test_an_unidentifiable_source_loads_when_it_says_why(tmp_path):
    text = _refs("    authors: null\n    unidentifiable: only an abstract without title or journal was found\n")
    f, r = write(tmp_path, refs_text=text.replace("title: A study", "title: null"))
    ref = facts.load(f, r).references["smith2020"]
    assert ref.unidentifiable and ref.vancouver().startswith("[Source could not be identified]. [Unidentifiable: only")


def test_every_complete_reference_renders_as_vancouver_field_by_field(fb):
    for ref in fb.references.values():
        if not ref.complete:
            continue
        m = VANCOUVER.match(ref.vancouver())
        assert m, f"{ref.id}: not Vancouver: {ref.vancouver()}"
        assert (m["authors"], m["journal"], int(m["year"])) == (ref.authors.rstrip("."), ref.journal, ref.year)
        assert m["title"].rstrip(".") == ref.title.rstrip("."), ref.id
        assert (m["pmid"], m["doi"], m["volume"], m["pages"]) == (ref.pmid, ref.doi, ref.volume, ref.pages), ref.id


def test_vancouver_says_what_was_not_found():
    ref = facts.Reference(
        id="x",
        label="X 2000",
        table_id="L-0",
        authors=None,
        title="A title",
        journal="J X",
        year=2000,
        volume="1(2)",
        pages="3-4",
        pmid=None,
        doi=None,
        url=None,
        verified={"date": None, "checked": "abstract", "against": "the abstract page"},
        incomplete="authors, PMID or DOI not found",
    )
    assert ref.vancouver() == "[Authors not found]. A title. J X. 2000;1(2):3-4."


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_reference_lists_are_vancouver_with_pubmed_or_doi_links(path, fb):
    listing = references.for_lesson(path.stem)
    html = listing._repr_html_()
    items = re.findall(r"<li>(.*?)</li>", html)
    assert len(items) == len(listing.refs) > 0
    for ref, item in zip(listing.refs, items):
        assert html_escape(ref.vancouver()) in item
        if ref.pmid:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"' in item and ">PubMed</a>" in item
        elif ref.doi:
            assert f'href="https://doi.org/{ref.doi}"' in item
    assert "href='bibliography.md'" in html


def test_every_complete_reference_links_to_pubmed_or_doi_and_the_rest_say_why_not(fb):
    page = references.BIBLIOGRAPHY.read_text(encoding="utf-8")
    for ref in fb.references.values():
        link = ref.link()
        if ref.pmid or ref.doi:
            assert link.startswith(("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/")), ref.id
            assert f"]({link})" in page, f"{ref.id}: its link is missing from the bibliography"
        else:  # no identifier: only an incomplete or unidentifiable record, which says what is missing
            assert ref.id in STILL_INCOMPLETE | UNIDENTIFIABLE, f"{ref.id}: complete but without PMID or DOI"
            assert "PMID or DOI" in (ref.incomplete or "") or ref.unidentifiable, ref.id
    flagged = references.citation_html(fb.references["barker1995"])
    assert "record incomplete" in flagged and "PMID or DOI" not in flagged  # the flag points to the bibliography


@pytest.mark.parametrize("quiz", itembank.all_assignments())
def test_every_quiz_item_feedback_lists_its_sources_in_vancouver_with_links(quiz, fb):
    for item in itembank.load(quiz).closed_items:  # open items are graded by hand, without this feedback
        result = {"key": str(item.answer), "answer": "", "earned": 0.0, "status": "missing", "message": ""}
        refs = references.sources_in_texts(item.texts(), fb)
        if not refs:
            continue
        html = preprocessor.feedback_html(item, result, fb)
        for ref in refs:
            assert html_escape(ref.vancouver()) in html or ref.vancouver().replace("'", "&#x27;") in html, (
                quiz,
                item.id,
            )
            if ref.pmid or ref.doi:
                assert f'href="{ref.link()}"' in html, (quiz, item.id, ref.id)


def test_quiz_feedback_ends_with_the_vancouver_references_of_its_figures(fb):
    item = next(i for i in itembank.load("quiz1").items if i.type == "single")
    result = {"key": str(item.answer), "answer": "A", "earned": 0.0, "status": "wrong", "message": ""}
    html = preprocessor.feedback_html(item, result, fb)
    refs = references.sources_in_texts(item.texts(), fb)
    assert refs and "<b>References</b>" in html
    for ref in refs:
        assert ref.vancouver().replace("'", "&#x27;") in html
        link = ref.link()
        assert link is None or f'href="{link}"' in html


def test_bibliography_page_is_current_and_lists_every_source_with_its_check(fb):
    page = references.BIBLIOGRAPHY.read_text(encoding="utf-8")
    assert page == references.bibliography(fb), "run `mvdcourse bibliography` to regenerate lessons/bibliography.md"
    for ref in fb.references.values():
        assert f"**\\[{ref.label}\\]**" in page
    assert page.count("*Checked (") == len(fb.references)
    links = re.findall(r"\]\((https?://[^)]+)\)", page)
    assert links and not any("weglot" in u or "scribd" in u or "47.251" in u for u in links)


def test_figures_from_a_secondary_summary_are_flagged_where_cited(tmp_path):
    f, r = write(tmp_path, facts_text=GOOD_FACTS.replace("read_in: abstract", "read_in: secondary summary", 1))
    base = facts.load(f, r)
    assert base.cite("test.cure") == "91.1% [Smith 2020] (from a secondary summary; the primary paper was not read)"
    assert base.cite("test.range") == "3–4 months [Smith 2020]"


def test_no_taught_figure_rests_only_on_an_unidentifiable_or_second_hand_source(fb):
    usable = {
        r.id for r in fb.references.values() if not r.unidentifiable and r.verified.checked in ("abstract", "full text")
    }
    for fact in fb.facts.values():
        if not fact.is_numeric:
            continue
        assert set(fact.sources) & usable, f"{fact.id}: every source is unidentifiable or was never read"
        assert fact.read_in in ("abstract", "full text"), f"{fact.id}: read in a {fact.read_in}"


def test_statements_from_second_hand_sources_are_flagged_to_students(fb):
    second_hand = [f for f in fb.facts.values() if f.read_in == "secondary summary"]
    assert second_hand, "the test needs at least one second-hand statement to check"
    for fact in second_hand:
        flag = "(from a secondary summary; the primary paper was not read)"
        assert fact.statement and fb.cite(fact.id).endswith(flag)
