"""The fact base loads, validates, cites, and rejects malformed files with messages that name the problem."""

from __future__ import annotations

import textwrap

import pytest

from mvdcourse import facts, paths

GOOD_REFS = textwrap.dedent("""\
    references:
      - id: smith2020
        label: Smith 2020
        table_id: L-99
        authors: Smith A
        title: A study
        journal: J Test
        year: 2020
        volume: "1"
        pages: 1-2
        pmid: "12345678"
        doi: null
        url: null
        verified:
          date: 2026-12-07
          checked: abstract
          against: the PubMed abstract
    """)

GOOD_FACTS = textwrap.dedent("""\
    facts:
      - id: test.cure
        value: 91.1
        unit: "%"
        definition: complete relief at 2 years
        sources: [smith2020]
        status: verified
        read_in: abstract
      - id: test.range
        low: 3
        high: 4
        unit: months
        definition: interval
        sources: [smith2020]
        status: verified
        read_in: abstract
    seed_claims:
      - id: S1-02
        seed: seed_s1
        claim: up to 98%
        value: 98
        unit: "%"
        verdict: overstated
        facts: [test.cure]
    """)


def sub(old: str, new: str, text: str = GOOD_FACTS) -> str:
    assert old in text, f"test setup: {old!r} not in the sample file"
    return text.replace(old, new)


def write(tmp_path, facts_text=GOOD_FACTS, refs_text=GOOD_REFS):
    f, r = tmp_path / "facts.yaml", tmp_path / "references.yaml"
    f.write_text(facts_text)
    r.write_text(refs_text)
    return f, r


def test_course_fact_base_loads_and_every_reference_is_used(fb):
    assert len(fb.facts) > 200
    used = {s for f in fb.facts.values() for s in f.sources} | {c.seed for c in fb.seed_claims.values()}
    kept = {r.id for r in fb.references.values() if r.unidentifiable}  # documented, no longer cited
    assert set(fb.references) - kept == used - kept, "every citable reference is cited by at least one fact"
    assert "lcn_series" in kept - used
    assert "revision_meta2024" in used - kept  # identified in the second pass (Li 2024), cited again
    assert "recurrence_neurosurgery" in used - kept  # identified on 2026-12-07 (Payner 1996), now cited


def test_cite_formats_value_range_qualifier_and_sources(fb):
    assert fb.cite("first_mvd.complete.miller2012") == "91.1% [Miller 2012]"
    assert fb.text("risk.first.death.miller2012") == "<0.1%"
    assert fb.text("bont.reinjection_interval") == "about 3–4 months"
    assert fb.text("recovery.judge_at_1y") == "at least 1 year"
    assert fb.labels("recovery.judge_at_1y") == "[Goto 2002; Sindou 2009]"
    assert fb.cite("cause.vessel_elongation").endswith("(unverified)")
    assert fb.cite("bont.onset_days.dantas2025") == "4 days [Dantas 2025]"  # re-found and checked 2026-12-07
    assert fb.cite("imaging.fiesta").lower().count("unverified") == 1  # said once, by its label
    assert fb.text("recovery.duration_or.nuntaaree2024") == "odds ratio 3.75"


def test_render_fills_placeholders(fb):
    text = fb.render("cure {fact:first_mvd.complete.miller2012}, claim {seed:S1-02}, {value:lsr.persist_hfs.1y}")
    assert text == "cure 91.1% [Miller 2012], claim 98%, 24.4%"
    with pytest.raises(KeyError, match="no fact 'nope.x'"):
        fb.render("{fact:nope.x}")


def test_unknown_fact_suggests_close_ids(fb):
    with pytest.raises(KeyError, match="did you mean first_mvd.complete.miller2012"):
        fb.fact("first_mvd.complete.miller2011")


def test_references_cite_by_identifier_never_by_mirror(fb):
    allowed = (
        "https://pubmed.ncbi.nlm.nih.gov/",
        "https://pmc.ncbi.nlm.nih.gov/",
        "https://doi.org/",
        "https://thejns.org/",
        "https://www.frontiersin.org/",
        "http://jkns.or.kr/",
        "https://surgicalneurologyint.com/",
        "https://www.medscape.com/",
        "https://www.scielo.br/",
    )  # SciELO hosts Arq Neuropsiquiatr, its journal
    for ref in fb.references.values():
        link = ref.link()
        assert link is None or link.startswith(allowed), f"{ref.id}: {link} is not a publisher/PubMed/DOI address"
        assert ref.vancouver().startswith((ref.authors or "[Authors not found]", ref.title or "[Source"))


def test_minimal_files_load(tmp_path):
    base = facts.load(*write(tmp_path))
    assert base.text("test.range") == "3–4 months"
    assert base.seed_claim("S1-02").text() == "98%"


@pytest.mark.parametrize(
    "bad, needle",
    [
        (
            sub('unit: "%"\n    definition: complete', 'unit: "percent"\n    definition: complete'),
            "fact 'test.cure': field 'unit'",
        ),
        (
            sub(
                "    sources: [smith2020]\n    status: verified\n    read_in: abstract\n  - id: test.range",
                "    status: verified\n    read_in: abstract\n  - id: test.range",
            ),
            "fact 'test.cure': field 'sources': Field required",
        ),
        (
            sub(
                "sources: [smith2020]\n    status: verified\n    read_in: abstract\n  - id: test.range",
                "sources: [jones1999]\n    status: verified\n    read_in: abstract\n  - id: test.range",
            ),
            "fact 'test.cure': field 'sources': unknown reference 'jones1999'",
        ),
        (
            sub("low: 3\n    high: 4", "low: 5\n    high: 4"),
            "fact 'test.range': field '(record)': 'low' (5.0) is greater than 'high' (4.0)",
        ),
        (
            sub("low: 3\n    high: 4", "low: 3"),
            "fact 'test.range': field '(record)': a range needs both 'low' and 'high'",
        ),
        (sub("- id: test.range", "- id: test.cure"), "fact 'test.cure': field 'id': duplicate id"),
        (
            sub("value: 91.1", "value: 91.1\n    statement: also text"),
            "fact 'test.cure': field '(record)': a 'statement' fact carries no",
        ),
        (
            sub("facts: [test.cure]", "facts: [test.gone]"),
            "seed claim 'S1-02': field 'facts': unknown fact 'test.gone'",
        ),
        (sub("value: 91.1", "value: ninety"), "fact 'test.cure': field 'value'"),
        (sub("  - id: test.cure\n", "  - value: 1\n"), "fact #1 (no id)"),
    ],
)
def test_malformed_fact_file_names_file_fact_and_field(tmp_path, bad, needle):
    f, r = write(tmp_path, facts_text=bad)
    with pytest.raises(facts.FactBaseError) as err:
        facts.load(f, r)
    message = str(err.value)
    assert str(f) in message and needle in message, message


def test_malformed_reference_and_yaml_syntax(tmp_path):
    f, r = write(tmp_path, refs_text=GOOD_REFS.replace('pmid: "12345678"', 'pmid: "PMID-1"'))
    with pytest.raises(facts.FactBaseError, match=r"reference 'smith2020': field 'pmid'"):
        facts.load(f, r)
    f, r = write(tmp_path, facts_text=GOOD_FACTS.replace("facts:\n", "facts:\n  - [unclosed\n", 1))
    with pytest.raises(facts.FactBaseError, match=r"facts.yaml: line \d+: not valid YAML"):
        facts.load(f, r)
    with pytest.raises(facts.FactBaseError, match="cannot be read"):
        facts.load(tmp_path / "missing.yaml", r)
    f, r = write(tmp_path, facts_text="facts: 3\n")
    with pytest.raises(facts.FactBaseError, match="expected a top-level 'facts:' list"):
        facts.load(f, r)


def test_invalid_file_never_half_loads(tmp_path):
    """One bad record among good ones: load raises, nothing is returned, every error is listed."""
    bad = GOOD_FACTS.replace("unit: months", "unit: fortnights").replace("value: 91.1", "value: [1]")
    f, r = write(tmp_path, facts_text=bad)
    result = None
    with pytest.raises(facts.FactBaseError) as err:
        result = facts.load(f, r)
    assert result is None
    assert "test.cure" in str(err.value) and "test.range" in str(err.value)


def test_default_paths_point_into_assets():
    assert paths.FACTS_FILE.parent == paths.ASSETS and paths.FACTS_FILE.exists()
