"""Item banks follow the item-writing rules, and the committed source notebooks are generated from them."""

from __future__ import annotations

import json

import pytest
import yaml

from mvdcourse import facts
from mvdcourse.quiz import build, items

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "mini.yaml"
BANKS = items.all_assignments()


def mutate(tmp_path, change):
    data = yaml.safe_load(FIXTURE.read_text())
    change(data)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    "change, needle",
    [
        (lambda d: d["items"][0].update(lead_in="Which complication is NOT permanent?"), "must not be negative"),
        (lambda d: d["items"][0]["options"].update(D="All of the above"), "no 'all/none of the above'"),
        (lambda d: d["items"][0]["explanations"].pop("C"), "every option needs an explanation"),
        (lambda d: d["items"][0].update(answer="E"), "answer 'E' is not one of the options"),
        (lambda d: d["items"][0].update(facts=["no.such.fact"]), "unknown fact 'no.such.fact'"),
        (lambda d: d["items"][2].pop("tolerance"), "item 'q3': field 'tolerance'"),
        (lambda d: d["items"][3].update(answer=[1, 2, 2, 4]), "permutation"),
        (lambda d: d["items"][1].update(id="q1"), "item 'q1': field 'id': duplicate id"),
        (lambda d: d["items"][0].update(stem="Figure {fact:nope.x} here."), "no fact 'nope.x'"),
    ],
)
def test_item_rules_are_enforced_with_named_errors(tmp_path, change, needle):
    with pytest.raises(facts.FactBaseError) as err:
        items.load(mutate(tmp_path, change))
    assert needle in str(err.value)


def test_fixture_loads():
    bank = items.load(FIXTURE)
    assert [i.type for i in bank.items] == ["single", "multiple", "numeric", "ordering", "free_text"]


@pytest.mark.parametrize("name", BANKS)
def test_bank_size_and_item_mix(name):
    bank = items.load(name)
    kinds = [i.type for i in bank.items]
    assert len(bank.items) >= (12 if name == "final_exam" else 8)
    assert kinds.count("free_text") == 1
    for kind in ("single", "multiple", "numeric", "ordering"):
        assert kind in kinds, f"{name} has no {kind} item"


@pytest.mark.parametrize("name", BANKS)
def test_committed_source_notebook_is_generated_from_the_bank(name):
    path = build.source_path(name)
    assert path.exists(), f"run `mvdcourse build {name}`"
    assert path.read_text(encoding="utf-8") == build.render(name), f"{path} differs: run `mvdcourse build {name}`"


@pytest.mark.parametrize("name", BANKS)
def test_source_notebook_metadata_is_nbgrader_v3(name):
    nb = json.loads(build.source_path(name).read_text())
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids))
    assert all(c["metadata"]["nbgrader"]["schema_version"] == 3 for c in nb["cells"] if "nbgrader" in c["metadata"])


@pytest.mark.parametrize("name", BANKS)
def test_every_number_in_a_quiz_is_in_the_fact_base(name):
    from mvdcourse import traceability

    fb = facts.default()
    problems = [
        f"{item.id}: {f}"
        for item in items.load(name).items
        for text in item.texts()
        for f in traceability.untraceable(fb.render(text), fb)
    ]
    assert problems == [], "\n".join(problems)
