"""Content files load all-or-nothing, with errors that name the file, the record and the field."""

from __future__ import annotations

import pytest
from pydantic import Field

from mvdcourse import content


class Case(content.Record):
    id: str = Field(pattern=r"^[a-z_]+$")
    title: str = Field(min_length=3)
    feedback: dict[str, str] = {}


def write(tmp_path, text: str):
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads_records_by_id(tmp_path, fb):
    path = write(
        tmp_path, "cases:\n  - {id: one, title: First case, feedback: {a: 'cure in {fact:lsr.specificity}'}}\n"
    )
    loaded = content.load_records(path, "cases", Case, "case", fb)
    assert list(loaded) == ["one"] and loaded["one"].title == "First case"
    assert content.texts(loaded["one"]) == ["one", "First case", "cure in {fact:lsr.specificity}"]


def test_every_problem_is_reported_with_file_record_and_field(tmp_path, fb):
    path = write(
        tmp_path,
        "cases:\n"
        "  - {id: one, title: ab}\n"
        "  - {id: two, title: Second, colour: red}\n"
        "  - {id: two, title: Third}\n"
        "  - {id: four, title: Fourth, feedback: {a: 'see {fact:no.such.fact}'}}\n"
        "  - just text\n",
    )
    with pytest.raises(content.ContentError) as err:
        content.load_records(path, "cases", Case, "case", fb)
    msg = str(err.value)
    assert f"{path}: case 'one': field 'title': String should have at least 3 characters" in msg
    assert f"{path}: case 'two': field 'colour': Extra inputs are not permitted" in msg
    assert f"{path}: case 'two': field 'id': duplicate id" not in msg  # the first 'two' was invalid
    assert f"{path}: case 'four': no fact 'no.such.fact'" in msg
    assert f"{path}: case #5 (no id): expected a mapping, got str" in msg


def test_unreadable_and_malformed_files_name_the_file(tmp_path):
    with pytest.raises(content.ContentError, match="cannot be read"):
        content.load_records(tmp_path / "missing.yaml", "cases", Case, "case")
    with pytest.raises(content.ContentError, match=r"line \d+: not valid YAML"):
        content.load_records(write(tmp_path, "cases: [\n"), "cases", Case, "case")
    with pytest.raises(content.ContentError, match="expected a top-level 'cases:' list"):
        content.load_records(write(tmp_path, "steps: []\n"), "cases", Case, "case")


def test_one_placeholder_resolver_lists_fact_and_seed_ids(fb):
    text = "{fact:lsr.specificity} and {value:lsr.sensitivity}, {labels:lsr.specificity}; handout {seed:S1-03}"
    assert fb.fact_ids(text) == ["lsr.specificity", "lsr.sensitivity"]
    assert fb.seed_ids(text) == ["S1-03"]
