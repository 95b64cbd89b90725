"""Citations a medical librarian would accept: complete or explained records, Vancouver rendering with
PubMed/DOI links in lessons, quiz feedback and the bibliography, and no taught figure on an unusable source."""

from __future__ import annotations

import re
from html import escape as html_escape

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
