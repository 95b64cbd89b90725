"""A simulated class with a known truth, so that the item-analysis report can be checked against it.

Each student has a latent ability θ ~ N(0, 1); each closed item has a designed discrimination ``a`` and
difficulty ``b`` (two-parameter logistic model, P(keyed answer) = 1 / (1 + exp(−1.7·a·(θ − b)))). Wrong
answers score 0 (a wrong multiple-select pick holds only distractors; a wrong order is reversed), so every
closed item is right/wrong and the report uses KR-20. Two flaws are planted on single-best-answer items:

- **wrong key**: ``a < 0``, so the stronger the student the *less* likely the keyed option; strong
  students pick one distractor (the answer a correct key would have). The report should show negative
  discrimination and say "check the key".
- **never-chosen distractor**: one distractor of another item is never picked (non-functional).

The design, each item's expected difficulty, the KR-20 implied by the model and every student's θ are
written to ``demo/<assignment>-design.json`` in the course directory.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import items as itembank
from .demo import demo_class

SCALE = 1.7  # logistic scaling constant (makes the logistic close to the normal ogive)
P_BLANK = 0.02  # students who leave an answer blank (no valid answer, scores 0)


@dataclass(frozen=True)
class ItemDesign:
    item: str
    type: str
    a: float
    b: float
    role: str = ""  # "", "wrong key" or "never-chosen distractor"
    favoured: str = ""  # wrong key: the distractor strong students pick
    never: str = ""  # never-chosen distractor: the option nobody picks

    def p_correct(self, theta):
        return 1 / (1 + np.exp(-SCALE * self.a * (np.asarray(theta) - self.b)))


def design(bank: itembank.Assignment, seed: int = 2026) -> list[ItemDesign]:
    """Designed parameters for the bank's closed items: difficulties spread evenly over −1.8..1.8 in a
    seeded order, discriminations 0.9..1.8; the last single-best-answer item gets a wrong key, the first
    one a never-chosen distractor."""
    rng = random.Random(seed)
    closed = bank.closed_items
    singles = [it for it in closed if it.type == "single"]
    if len(singles) < 2:
        raise ValueError(
            f"{bank.assignment}: the simulated class plants flaws in two single-best-answer items; the bank has fewer"
        )
    wrong_key, never = singles[-1], singles[0]
    others = [it for it in closed if it not in (wrong_key, never)]
    bs = list(np.linspace(-1.8, 1.8, len(others)))
    rng.shuffle(bs)
    out = []
    for it in closed:
        if it is wrong_key:
            favoured = next(k for k in it.options if k != it.answer)
            out.append(ItemDesign(it.id, it.type, -1.2, 0.0, "wrong key", favoured=favoured))
        elif it is never:
            letter = [k for k in it.options if k != it.answer][-1]
            out.append(ItemDesign(it.id, it.type, 1.2, 0.6, "never-chosen distractor", never=letter))
        else:
            out.append(ItemDesign(it.id, it.type, round(rng.uniform(0.9, 1.8), 2), round(float(bs.pop()), 2)))
    return out


def expected_difficulty(d: ItemDesign) -> float:
    """P(keyed answer) averaged over θ ~ N(0, 1) (Gauss–Hermite quadrature), less the blanks."""
    x, w = np.polynomial.hermite_e.hermegauss(60)
    return float((1 - P_BLANK) * np.sum(w * d.p_correct(x)) / np.sum(w))


def implied_kr20(designs: list[ItemDesign], students: int = 50_000, seed: int = 1) -> float:
    """KR-20 of a very large class drawn from the model (what a real class's KR-20 estimates)."""
    from ..report.stats import kr20

    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(students, 1))
    p = np.column_stack([d.p_correct(theta[:, 0]) for d in designs]) * (1 - P_BLANK)
    return kr20((rng.random(p.shape) < p).astype(float))


def _wrong_value(item, d: ItemDesign, rng: random.Random):
    if item.type == "single":
        if d.favoured and rng.random() < 0.8:
            return d.favoured
        return rng.choice([k for k in item.options if k not in (item.answer, d.never)])
    if item.type == "multiple":
        distractors = [k for k in item.options if k not in item.answer]
        return sorted(rng.sample(distractors, rng.randint(1, len(distractors))))
    if item.type == "numeric":
        return round(item.answer + rng.choice([-1, 1]) * (item.tolerance + rng.uniform(2, 15)), 1)
    return list(reversed(item.answer))


def write_class(course: Path, assignment: str, students: int, seed: int = 2026) -> tuple[list[str], Path]:
    """Write the simulated submissions and the design file; returns (student ids, design path)."""
    course = Path(course)
    bank = itembank.load(course / "items" / f"{assignment}.yaml")
    designs = {d.item: d for d in design(bank, seed)}
    theta = np.random.default_rng(seed).normal(size=students)

    def answer_for(n: int, item, rng: random.Random) -> str:
        d = designs[item.id]
        if rng.random() < P_BLANK:
            return f"{item.id} = None\n# YOUR ANSWER HERE"
        value = item.answer if rng.random() < float(d.p_correct(theta[n])) else _wrong_value(item, d, rng)
        return f"{item.id} = {value!r}"

    ids = demo_class(course, assignment, students, seed=seed, answer_for=answer_for)
    path = course / "demo" / f"{assignment}-design.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "assignment": assignment,
                "model": "2PL",
                "scale": SCALE,
                "p_blank": P_BLANK,
                "seed": seed,
                "items": [{**asdict(d), "expected_difficulty": expected_difficulty(d)} for d in designs.values()],
                "implied_kr20": implied_kr20(list(designs.values())),
                "theta": {sid: float(t) for sid, t in zip(ids, theta)},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return ids, path
