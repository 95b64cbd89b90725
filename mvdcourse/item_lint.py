"""Item-writing rules (NBME style) checked over every self-check file and every quiz item bank.

``lint_all()`` reads every ``assets/selfchecks/*.yaml`` and ``assignments/items/*.yaml`` (new files are
picked up automatically) and returns one :class:`Problem` per broken rule, naming the bank, the item
and the rule. Rules per item: option length ratio, absolute or hedged words confined to one side,
no "all/none of the above", negative lead-ins only as bold capitals, no mirror-image option pair
holding the key, an explanation for every option, a one-line take-home, a declared level with a
vignette for application items, numeric items only as application (a calculation or a figure shown).
Rules per bank: key position spread, key-is-longest rate, application share, at most one
multiple-select item per quiz, at least six self-checks per lesson. ``strategy_scores`` measures what
the "always A" and "pick the longest option" strategies would score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import facts as factbase
from . import paths, selfcheck
from .quiz import items as itembank

MAX_KEY_POSITION_SHARE = 0.35
LONGEST_ABOVE_CHANCE = 0.10
MAX_LENGTH_RATIO = 2.0
MIN_APPLICATION_SHARE = 0.80
MIN_SELFCHECKS = 6
MAX_MULTIPLE_SELECT = 1
MIN_VIGNETTE_WORDS = 20
MAX_TAKE_HOME_CHARS = 220

ABSOLUTE = re.compile(r"\b(always|never|only|all|cannot|can't|proves?|proven|certainly|guarantee[sd]?|none)\b", re.I)
HEDGE = re.compile(r"\b(may|might|most|often|usually|likely|probably|some|possibly|generally|typically)\b", re.I)
ALL_NONE = re.compile(r"\b(all|none|both) of the (above|options|these)\b", re.I)
NEGATIVE = re.compile(r"\*\*(NOT|EXCEPT|LEAST)\*\*|\b(not|except|(?<!most to )least)\b", re.I)
POLARITY = {
    "not",
    "no",
    "never",
    "more",
    "less",
    "fewer",
    "higher",
    "lower",
    "increase",
    "increases",
    "decrease",
    "decreases",
    "raises",
    "lowers",
    "better",
    "worse",
    "before",
    "after",
    "longer",
    "shorter",
    "earlier",
    "later",
    "faster",
    "slower",
    "persists",
    "disappears",
    "with",
    "without",
    "most",
    "few",
    "does",
    "doesn't",
    "is",
    "isn't",
    "did",
    "didn't",
    "can",
    "cannot",
}
NUMERIC_OPTION = re.compile(r"^[\s\d.,%<>~≈±–\-/()a-z]{0,12}$", re.I)


@dataclass
class Entry:
    """One item in a common shape: options as rendered text, keyed positions, explanations."""

    bank: str
    id: str
    kind: str  # single, multiple, numeric, ordering, free_text, selfcheck
    stem: str
    lead_in: str
    options: list[str] = field(default_factory=list)
    keys: set[int] = field(default_factory=set)
    explanations: list[str] = field(default_factory=list)
    level: str | None = None
    take_home: str | None = None


@dataclass(frozen=True)
class Problem:
    bank: str
    item: str  # "*" for a bank-wide rule
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.bank}: item '{self.item}': [{self.rule}] {self.message}"


def selfcheck_entries(path: Path, fb: factbase.FactBase | None = None) -> list[Entry]:
    fb = fb or factbase.default()
    name = f"selfchecks/{Path(path).stem}"
    return [
        Entry(
            name,
            q.id,
            "selfcheck",
            fb.render(q.prompt),
            fb.render(q.prompt),
            [fb.render(o.text) for o in q.options],
            {i for i, o in enumerate(q.options) if o.correct},
            [fb.render(o.feedback) for o in q.options],
            q.level,
            q.take_home,
        )
        for q in selfcheck.load_file(path, fb).values()
    ]


def bank_entries(name_or_path: str | Path, fb: factbase.FactBase | None = None) -> list[Entry]:
    fb = fb or factbase.default()
    bank = itembank.load(name_or_path, fb)
    out = []
    for it in bank.items:
        entry = Entry(
            bank.assignment,
            it.id,
            it.type,
            fb.render(it.stem),
            fb.render(it.lead_in),
            level=it.level,
            take_home=it.take_home,
        )
        if it.type in ("single", "multiple"):
            letters = list(it.options)
            keyed = set(it.answer) if it.type == "multiple" else {it.answer}
            entry.options = [fb.render(it.options[k]) for k in letters]
            entry.keys = {i for i, k in enumerate(letters) if k in keyed}
            entry.explanations = [fb.render(it.explanations.get(k, "")) for k in letters]
        out.append(entry)
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _mirror(a: str, b: str) -> bool:
    """Two options that say the same thing with the polarity flipped (negation or an opposite word)."""
    wa, wb = _words(a), _words(b)
    pa, pb = [w for w in wa if w in POLARITY], [w for w in wb if w in POLARITY]
    ca, cb = set(wa) - POLARITY, set(wb) - POLARITY
    if not ca or not cb or sorted(pa) == sorted(pb):
        return False
    return len(ca & cb) / len(ca | cb) >= 0.75


def _question_sentence(prompt: str) -> str:
    """The question of a self-check prompt: its last sentence (the case before it may say "not")."""
    sentences = re.split(r"(?<=[.?!])\s+", prompt.strip())
    return sentences[-1] if sentences else prompt


def _is_numeric(options: list[str]) -> bool:
    return all(NUMERIC_OPTION.match(o) and re.search(r"\d", o) for o in options)


def lint_item(e: Entry) -> list[Problem]:
    probs: list[Problem] = []

    def bad(rule: str, message: str) -> None:
        probs.append(Problem(e.bank, e.id, rule, message))

    if not e.take_home:
        bad("take-home", "needs a one-line take_home (the bottom line shown with the feedback)")
    elif "\n" in e.take_home.strip() or len(e.take_home) > MAX_TAKE_HOME_CHARS:
        bad("take-home", f"take_home must be one line of at most {MAX_TAKE_HOME_CHARS} characters")
    if e.level is None:
        bad("level", "declare level: application (vignette + decision) or recall")
    elif e.level == "application" and len(_words(e.stem)) < MIN_VIGNETTE_WORDS:
        bad(
            "vignette",
            f"an application item needs a vignette of at least {MIN_VIGNETTE_WORDS} words "
            f"in its stem (has {len(_words(e.stem))})",
        )
    if e.kind == "numeric" and e.level != "application":
        bad(
            "numeric-recall",
            "a numeric item must be a calculation or the reading of a figure the item "
            "shows (level: application), not recall of one paper's number",
        )
    lead = e.lead_in if e.kind != "selfcheck" else _question_sentence(e.stem)
    # a free-text task's instructions ("do not recommend one") are not a negatively worded question
    for m in NEGATIVE.finditer(lead) if e.kind != "free_text" else ():
        if m.group(2):
            bad(
                "negative-lead-in",
                f"negative word '{m.group(2)}' in the question: avoid it, or write it as bold capitals (**NOT**)",
            )
    if not e.options:
        return probs
    for i, text in enumerate(e.options):
        if ALL_NONE.search(text):
            bad("all-none-of-above", f"option {chr(65 + i)} is an 'all/none of the above' option")
        if len(e.explanations) <= i or len(e.explanations[i].strip()) < 10:
            bad("explanation", f"option {chr(65 + i)} has no explanation of its own")
    if len(set(e.explanations)) != len(e.explanations):
        bad("explanation", "two options share the same explanation; explain each one")
    lengths = [len(o) for o in e.options]
    if not _is_numeric(e.options) and max(lengths) > MAX_LENGTH_RATIO * min(lengths):
        bad(
            "length-ratio",
            f"longest option is {max(lengths) / min(lengths):.1f}× the shortest "
            f"(limit {MAX_LENGTH_RATIO:g}); make the options homogeneous",
        )
    key_text = [e.options[k] for k in e.keys]
    distractors = [o for i, o in enumerate(e.options) if i not in e.keys]
    if any(ABSOLUTE.search(d) for d in distractors) and not any(ABSOLUTE.search(k) for k in key_text):
        words = sorted({m.lower() for d in distractors for m in ABSOLUTE.findall(d)})
        bad("absolute-terms", f"absolute words ({', '.join(words)}) appear only in distractors")
    if (
        e.kind != "multiple"
        and any(HEDGE.search(k) for k in key_text)
        and not any(HEDGE.search(d) for d in distractors)
    ):
        bad("hedged-key", "only the key is hedged (may/most/often/usually...); hedge distractors alike or neither")
    for i in range(len(e.options)):
        for j in range(i + 1, len(e.options)):
            if (i in e.keys or j in e.keys) and _mirror(e.options[i], e.options[j]):
                bad(
                    "mirror-pair",
                    f"options {chr(65 + i)} and {chr(65 + j)} are mirror images "
                    "(one negates the other); a test-wise student picks one of the pair",
                )
    return probs


def _single_key(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.options and len(e.keys) == 1]


def strategy_scores(entries: list[Entry]) -> dict[str, float]:
    """Expected share correct for 'always A', 'pick the longest option' (ties at random) and chance."""
    items = _single_key(entries)
    if not items:
        return {"n": 0, "always_a": 0.0, "longest": 0.0, "chance": 0.0}
    always_a = sum(0 in e.keys for e in items) / len(items)
    longest = 0.0
    for e in items:
        top = max(len(o) for o in e.options)
        tied = [i for i, o in enumerate(e.options) if len(o) == top]
        longest += len(set(tied) & e.keys) / len(tied)
    chance = sum(1 / len(e.options) for e in items) / len(items)
    return {"n": len(items), "always_a": always_a, "longest": longest / len(items), "chance": chance}


def key_positions(entries: list[Entry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in _single_key(entries):
        letter = chr(65 + next(iter(e.keys)))
        counts[letter] = counts.get(letter, 0) + 1
    return dict(sorted(counts.items()))


def application_share(entries: list[Entry]) -> float:
    return sum(e.level == "application" for e in entries) / len(entries) if entries else 0.0


def lint_bank(bank: str, entries: list[Entry]) -> list[Problem]:
    """Every item rule for every entry, plus the bank-wide rules."""
    probs = [p for e in entries for p in lint_item(e)]

    def bad(rule: str, message: str) -> None:
        probs.append(Problem(bank, "*", rule, message))

    items = _single_key(entries)
    if items:
        pos = key_positions(entries)
        letter, top = max(pos.items(), key=lambda kv: kv[1])
        if top / len(items) > MAX_KEY_POSITION_SHARE:
            ids = [e.id for e in items if ord(letter) - 65 in e.keys]
            bad(
                "key-position",
                f"{top} of {len(items)} keys are at {letter} ({top / len(items):.0%} > "
                f"{MAX_KEY_POSITION_SHARE:.0%}): {', '.join(ids)}; spread: {pos}",
            )
        s = strategy_scores(entries)
        if s["longest"] > s["chance"] + LONGEST_ABOVE_CHANCE:
            bad(
                "key-longest",
                f"the key is the longest option in {s['longest']:.0%} of items (chance "
                f"{s['chance']:.0%}, limit chance + {LONGEST_ABOVE_CHANCE:.0%})",
            )
    share = application_share(entries)
    if share < MIN_APPLICATION_SHARE:
        recall = [e.id for e in entries if e.level != "application"]
        bad(
            "application-share",
            f"{share:.0%} application items (need {MIN_APPLICATION_SHARE:.0%}); not application: {', '.join(recall)}",
        )
    multiple = [e.id for e in entries if e.kind == "multiple"]
    if len(multiple) > MAX_MULTIPLE_SELECT:
        bad(
            "multiple-select",
            f"{len(multiple)} multiple-select items ({', '.join(multiple)}); at most {MAX_MULTIPLE_SELECT} per quiz",
        )
    if bank.startswith("selfchecks/") and len(entries) < MIN_SELFCHECKS:
        bad("selfcheck-count", f"{len(entries)} self-checks; a lesson needs at least {MIN_SELFCHECKS}")
    return probs


def all_banks(fb: factbase.FactBase | None = None) -> dict[str, list[Entry]]:
    """Every self-check file and every quiz bank of the course, by bank name."""
    fb = fb or factbase.default()
    banks = {f"selfchecks/{p.stem}": selfcheck_entries(p, fb) for p in sorted(paths.SELFCHECKS.glob("*.yaml"))}
    banks.update({name: bank_entries(name, fb) for name in itembank.all_assignments()})
    return banks


def lint_all(fb: factbase.FactBase | None = None) -> list[Problem]:
    return [p for bank, entries in all_banks(fb).items() for p in lint_bank(bank, entries)]


def summary(fb: factbase.FactBase | None = None) -> list[dict]:
    """Per bank: key-position spread, key-is-longest rate, always-A rate, chance, application share."""
    rows = []
    for bank, entries in all_banks(fb).items():
        s = strategy_scores(entries)
        rows.append(
            {
                "bank": bank,
                "items": len(entries),
                "single_key_items": s["n"],
                "key_positions": key_positions(entries),
                "always_a": s["always_a"],
                "key_longest": s["longest"],
                "chance": s["chance"],
                "application": application_share(entries),
            }
        )
    return rows


def summary_table(rows: list[dict]) -> str:
    """The :func:`summary` rows as a Markdown table (the closing note's per-bank figures)."""
    lines = [
        "| bank | items | single-key | key positions | largest share | key longest | always A | chance | application |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pos = r["key_positions"]
        n = r["single_key_items"]
        spread = " ".join(f"{k}:{v}" for k, v in pos.items()) or "-"
        top = f"{max(pos.values()) / n:.0%}" if n else "-"
        lines.append(
            f"| {r['bank']} | {r['items']} | {n} | {spread} | {top} | {r['key_longest']:.0%} | "
            f"{r['always_a']:.0%} | {r['chance']:.0%} | {r['application']:.0%} |"
        )
    return "\n".join(lines)
