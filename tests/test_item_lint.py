"""Item-writing rules hold for every self-check file and item bank; test-wise strategies score at chance."""

from __future__ import annotations

import pytest
import yaml

from mvdcourse import item_lint
from tests.quizkit import FIXTURE

BANKS = item_lint.all_banks()


@pytest.mark.parametrize("bank", sorted(BANKS))
def test_bank_passes_the_item_writing_rules(bank):
    problems = item_lint.lint_bank(bank, BANKS[bank])
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("bank", sorted(BANKS))
def test_always_a_and_longest_option_score_at_chance(bank):
    s = item_lint.strategy_scores(BANKS[bank])
    assert s["n"] > 0
    # "chance level": no better than guessing plus the linter's margin, on every set
    assert s["always_a"] <= s["chance"] + item_lint.LONGEST_ABOVE_CHANCE, s
    assert s["longest"] <= s["chance"] + item_lint.LONGEST_ABOVE_CHANCE, s


def test_every_lesson_has_at_least_six_selfchecks_and_every_bank_is_linted():
    from mvdcourse import paths
    from mvdcourse.quiz import items

    names = set(BANKS)
    assert {f"selfchecks/{p.stem}" for p in paths.SELFCHECKS.glob("*.yaml")} <= names
    assert set(items.all_assignments()) <= names
    for bank, entries in BANKS.items():
        if bank.startswith("selfchecks/"):
            assert len(entries) >= item_lint.MIN_SELFCHECKS, bank


GOOD = {
    "id": "q42",
    "type": "single",
    "points": 1,
    "lesson": 1,
    "level": "application",
    "objective": "a planted item for the linter test",
    "take_home": "One line that sums the item up.",
    "stem": (
        "A woman aged 52 has had twitching around her left eye for two years, spreading to the cheek "
        "and mouth on the same side and continuing in sleep."
    ),
    "lead_in": "Which diagnosis is most likely?",
    "options": {
        "A": "Benign blepharospasm",
        "B": "A motor tic disorder",
        "C": "Hemifacial spasm",
        "D": "Focal motor seizures",
    },
    "answer": "C",
    "explanations": {k: f"Because of reason {k}, explained at length." for k in "ABCD"},
}


def _lint_one(tmp_path, item: dict) -> list[item_lint.Problem]:
    bank = yaml.safe_load(FIXTURE.read_text())
    bank["items"] = [item]
    path = tmp_path / "planted.yaml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True))
    return [p for p in item_lint.lint_bank("planted", item_lint.bank_entries(path)) if p.item != "*"]


def test_a_well_written_planted_item_passes(tmp_path):
    assert _lint_one(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    "change, rule",
    [
        (
            dict(options={**GOOD["options"], "C": "Hemifacial spasm caused by a vessel at the root exit zone"}),
            "length-ratio",
        ),
        (dict(options={**GOOD["options"], "A": "Always blepharospasm"}), "absolute-terms"),
        (dict(options={**GOOD["options"], "C": "Most likely hemifacial spasm"}), "hedged-key"),
        (dict(options={**GOOD["options"], "D": "Both of the above"}), "all-none-of-above"),
        (dict(lead_in="Which diagnosis is not likely?"), "negative-lead-in"),
        (
            dict(options={**GOOD["options"], "C": "Spasm persists at one year", "B": "Spasm disappears at one year"}),
            "mirror-pair",
        ),
        (dict(explanations={**GOOD["explanations"], "B": GOOD["explanations"]["A"]}), "explanation"),
        (dict(take_home=None), "take-home"),
        (dict(level=None), "level"),
        (dict(stem="A woman has twitching."), "vignette"),
    ],
)
def test_a_planted_flawed_item_fails_with_its_id_and_rule(tmp_path, change, rule):
    item = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    problems = _lint_one(tmp_path, item)
    assert [(p.item, p.rule) for p in problems] == [("q42", rule)], problems
    assert "item 'q42'" in str(problems[0]) and rule in str(problems[0])


def test_bank_rules_catch_key_position_longest_key_recall_and_multiple_select(tmp_path):
    def entry(item_id, kind, options, key, explanations):
        return item_lint.Entry(
            "b", item_id, kind, "stem " * 30, "Which?", options, {key}, explanations, "recall", "A take-home line."
        )

    entries = [
        entry(
            f"i{n}",
            "single",
            ["aa", "bb", "cc", "dddd"],
            0,
            ["explanation one", "explanation two", "explanation three", "explanation four"],
        )
        for n in range(4)
    ]
    entries += [
        entry(f"m{n}", "multiple", ["aa", "bb", "cc", "dd"], 3, ["expl one a", "expl two b", "expl three", "expl four"])
        for n in range(2)
    ]
    rules = {p.rule for p in item_lint.lint_bank("b", entries) if p.item == "*"}
    assert {"key-position", "application-share", "multiple-select"} <= rules
    for e in entries[:4]:
        e.keys = {3}
        e.options = ["aa", "bb", "cc", "dd"]
    entries[0].options = ["aa", "bb", "cc", "ddd"]
    entries[1].options = ["aa", "bb", "cc", "ddd"]
    rules = {p.rule for p in item_lint.lint_bank("b", entries) if p.item == "*"}
    assert "key-longest" in rules


def test_strategy_scores_are_computed_not_assumed():
    e = lambda key, opts: item_lint.Entry("b", "x", "single", "", "", opts, {key}, [], None, None)
    s = item_lint.strategy_scores([e(0, ["long one", "a", "b", "c"]), e(1, ["a", "bb", "c", "d"])])
    assert s == {"n": 2, "always_a": 0.5, "longest": 1.0, "chance": 0.25}
    s = item_lint.strategy_scores([e(2, ["aa", "bb", "cc", "dd"])])
    assert s["longest"] == 0.25 and s["always_a"] == 0.0


def test_summary_cli_prints_one_row_per_bank_with_the_measured_figures(capsys):
    from mvdcourse import cli

    assert cli.main(["lint-items", "--summary"]) == 0
    table = capsys.readouterr().out
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines() if line.startswith("| ")}
    assert set(BANKS) <= set(rows)
    for bank, entries in BANKS.items():
        s = item_lint.strategy_scores(entries)
        pos = item_lint.key_positions(entries)
        cells = [c.strip() for c in rows[bank].strip("| ").split(" | ")]
        assert cells[1] == str(len(entries)) and cells[2] == str(s["n"])
        assert cells[3] == " ".join(f"{k}:{v}" for k, v in pos.items())
        assert sum(pos.values()) == s["n"]
        assert cells[4] == f"{max(pos.values()) / s['n']:.0%}" and cells[5] == f"{s['longest']:.0%}"
        assert cells[8] == f"{item_lint.application_share(entries):.0%}"
    # the check mode agrees with the rules: the banks pass, so it exits 0 and says so
    assert cli.main(["lint-items"]) == 0
    assert "0 item-writing problem(s)" in capsys.readouterr().out


def test_summary_counts_change_with_the_bank(tmp_path):
    """A bank whose keys all sit at A and are the longest option shows exactly that in the summary."""
    item = dict(GOOD, answer="A", options={**GOOD["options"], "A": "Benign essential blepharospasm of both eyes"})
    entries = []
    for n in range(4):
        path = tmp_path / f"b{n}.yaml"
        bank = {"assignment": "planted", "title": "t", "introduction": "i", "lessons": [1], "items": [item]}
        path.write_text(yaml.safe_dump(bank))
        entries += item_lint.bank_entries(path)
    row = item_lint.summary_table(
        [
            {
                "bank": "planted",
                "items": len(entries),
                "single_key_items": 4,
                "key_positions": item_lint.key_positions(entries),
                "always_a": item_lint.strategy_scores(entries)["always_a"],
                "key_longest": item_lint.strategy_scores(entries)["longest"],
                "chance": 0.25,
                "application": item_lint.application_share(entries),
            }
        ]
    ).splitlines()[-1]
    assert row == "| planted | 4 | 4 | A:4 | 100% | 100% | 100% | 25% | 100% |"
