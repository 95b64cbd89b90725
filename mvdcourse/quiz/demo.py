"""Simulated classes, so that anyone can try the grading workflow in a minute.

``demo_class`` writes N submissions into ``submitted/<student>/<assignment>/`` from the released
notebook: strong, average and weak students, careless ones (harmless format variations such as
``"(c)"`` or ``"91.1%"``), a few invalid formats, some blanks, and a free-text answer for the grader.
Students get names — including a comma, an apostrophe, non-ASCII letters and a leading ``=`` — so that
the export can be checked for quoting and formula injection.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook

from . import items as itembank
from . import order

NAMES = [
    ("Ada", "Okafor"),
    ("Zoë", "Müller"),
    ("Seán", "O'Brien"),
    ("John", "Doe, Jr."),
    ('=HYPERLINK("x")', "Formula"),
    ("Mei", "Chen"),
    ("Priya", "Raman"),
    ("Lars", "Øster"),
    ("Fatima", "Haddad"),
    ("Tomás", "García"),
    ("Aiko", "Tanaka"),
    ("Noah", "Smith"),
]
FREE_TEXT = [
    "The nerve was irritated for years and needs time to settle after the vessel is moved; many people "
    "stop twitching over weeks to months, so we wait before calling it a failure.",
    "The operation failed, a second one is needed now.",
    "It takes time for the nerve and its nucleus to calm down after decompression.",
]


@dataclass(frozen=True)
class Profile:
    name: str
    p_correct: float
    p_careless: float  # harmless format variation
    p_invalid: float  # a format the checker rejects
    p_blank: float


PROFILES = [
    Profile("strong", 0.9, 0.1, 0.0, 0.0),
    Profile("average", 0.65, 0.2, 0.05, 0.05),
    Profile("weak", 0.35, 0.1, 0.1, 0.1),
    Profile("careless", 0.7, 0.6, 0.15, 0.05),
]


def _wrong(item, rng: random.Random):
    if item.type == "single":
        return rng.choice([k for k in item.options if k != item.answer])
    if item.type == "multiple":
        options = list(item.options)
        while True:
            pick = sorted(rng.sample(options, rng.randint(1, len(options))))
            if pick != sorted(item.answer):
                return pick
    if item.type == "numeric":
        return round(item.answer + rng.choice([-1, 1]) * (item.tolerance + rng.uniform(2, 15)), 1)
    order = list(item.answer)
    while order == list(item.answer):
        rng.shuffle(order)
    return order


def _careless(item, value, rng: random.Random) -> str:
    if item.type == "single":
        return repr(rng.choice([f"({value.lower()})", f" {value.lower()} ", f"{value}."]))
    if item.type == "multiple":
        return repr(", ".join(value).lower())
    if item.type == "numeric":
        return repr(f"{value:g}%")
    return repr(",".join(map(str, value)))


def _invalid(item, rng: random.Random) -> str:
    return {
        "single": lambda: rng.choice(['"C or D"', '"Z"', "3"]),
        "multiple": lambda: rng.choice(['"everything"', "[1, 2]"]),
        "numeric": lambda: rng.choice(['"about ninety"', "[90]"]),
        "ordering": lambda: rng.choice(["[1, 1, 2, 3]", '"first the MRI"']),
    }[item.type]()


def _as_shown(source: str, item, shown: str | None) -> str:
    """An answer cell written in canonical letters, rewritten in the letters this student sees."""
    if not shown:
        return source
    from .answers import FormatProblem, literal_assignment

    try:
        value = literal_assignment(source, item.id)
    except FormatProblem:
        return source
    letters = set(item.options)
    if (isinstance(value, str) and value in letters) or (isinstance(value, list) and value and set(value) <= letters):
        return f"{item.id} = {order.to_shown(value, shown)!r}"
    return source


def _in_slot(source: str, item_id: str, slot: str) -> str:
    """An answer written for ``item_id`` as the student writes it in question slot ``slot``."""
    return source if slot == item_id else re.sub(rf"^{item_id}\b", slot, source, flags=re.M)


def answer_source(item, profile: Profile, rng: random.Random, shown: str | None = None) -> str:
    """The answer cell a simulated student writes; ``shown`` is their option order (they answer with the
    letters they see)."""
    roll = rng.random()
    if roll < profile.p_blank:
        return f"{item.id} = None\n# YOUR ANSWER HERE"
    if roll < profile.p_blank + profile.p_invalid:
        return f"{item.id} = {_invalid(item, rng)}"
    value = item.answer if rng.random() < profile.p_correct else _wrong(item, rng)
    if shown and item.type in ("single", "multiple"):
        value = order.to_shown(value, shown)
    if rng.random() < profile.p_careless:
        return f"{item.id} = {_careless(item, value, rng)}"
    return f"{item.id} = {value!r}"


def demo_class(course: Path, assignment: str, students: int, seed: int = 2026, answer_for=None) -> list[str]:
    """Write ``students`` simulated submissions; returns the student ids.

    ``answer_for(n, item, rng)`` returns the answer cell of student ``n`` (default: the profiles above;
    :mod:`mvdcourse.quiz.demo_irt` passes a latent-ability model)."""
    course = Path(course)
    release = course / "release" / assignment / f"{assignment}.ipynb"
    if not release.exists():
        raise FileNotFoundError(f"{release} does not exist: run `nbgrader generate_assignment {assignment}` first")
    bank = itembank.load(course / "items" / f"{assignment}.yaml")
    base = json.loads(release.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    due = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    ids = []
    from .course import db_url

    with Gradebook(db_url(course)) as gb:
        for n in range(students):
            sid = f"student{n + 1:03d}"
            first, last = NAMES[n % len(NAMES)]
            gb.update_or_create_student(sid, first_name=first, last_name=last, email=f"{sid}@example.org")
            profile = PROFILES[n % len(PROFILES)]
            nb = json.loads(json.dumps(base))
            placement = bank.placement(sid)  # which item this student sees in each question slot
            for cell in nb["cells"]:
                gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
                if gid.endswith("_answer"):
                    slot = gid.removesuffix("_answer")
                    item = bank.item(placement.get(slot, slot))
                    shown = (
                        order.shown_order(assignment, item.id, sid, "".join(item.options))
                        if bank.shuffle_options and item.type in ("single", "multiple")
                        else None
                    )
                    source = (
                        _as_shown(answer_for(n, item, rng), item, shown)
                        if answer_for
                        else answer_source(item, profile, rng, shown)
                    )
                    cell["source"] = _in_slot(source, item.id, slot)
                elif cell.get("id", "").endswith("-response"):
                    cell["source"] = rng.choice(FREE_TEXT)
            folder = course / "submitted" / sid / assignment
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{assignment}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
            # as `nbgrader submit` leaves it; `nbgrader release_feedback` needs it
            (folder / "submission_secret.txt").write_text(f"{rng.getrandbits(512):0128x}")
            stamp = due - timedelta(hours=rng.randint(1, 72))
            (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
            ids.append(sid)
    return ids
