"""Item analysis, reliability and mastery for one assignment: :func:`analyse` turns results into tables.

The thresholds that raise a flag are in :class:`Thresholds`, each with the source it comes from
(:data:`SOURCES`); the report prints them next to the flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from . import stats
from .data import ClassResults


@dataclass(frozen=True)
class Thresholds:
    too_easy: float = 0.90  # difficulty above this: too easy
    too_hard: float = 0.30  # difficulty below this: too hard
    low_discrimination: float = 0.20  # corrected point-biserial below this: discriminates poorly
    non_functional: float = stats.NON_FUNCTIONAL_BELOW
    group_share: float = stats.GROUP_SHARE
    mastery: float = 0.70  # a student below this share of an objective's points has not mastered it
    min_students: int = 30  # fewer scored students: no reliability figure


#: Where each threshold and formula comes from (shown in the report).
SOURCES = {
    "difficulty": "Difficulty limits 0.30 and 0.90 are this course's settings (published guides differ, "
    "e.g. 0.30–0.80); change them with --too-hard / --too-easy.",
    "discrimination": "Ebel RL, Frisbie DA. Essentials of Educational Measurement. 5th ed. Englewood Cliffs, NJ: "
    "Prentice Hall; 1991 (discrimination below 0.20: poor item, revise or discard).",
    "groups": "Kelley TL. The selection of upper and lower groups for the validation of test items. "
    "J Educ Psychol. 1939;30(1):17-24. doi:10.1037/h0057123 (upper and lower 27 %).",
    "distractors": "Tarrant M, Ware J, Mohammed AM. An assessment of functioning and non-functioning distractors "
    "in multiple-choice questions: a descriptive analysis. BMC Med Educ. 2009;9:40. "
    "doi:10.1186/1472-6920-9-40 (non-functional: chosen by fewer than 5 % of examinees).",
    "kr20": "Kuder GF, Richardson MW. The theory of the estimation of test reliability. Psychometrika. "
    "1937;2(3):151-160. doi:10.1007/BF02288391.",
    "alpha": "Cronbach LJ. Coefficient alpha and the internal structure of tests. Psychometrika. "
    "1951;16(3):297-334. doi:10.1007/BF02310555.",
    "interval": "Feldt LS. The approximate sampling distribution of Kuder-Richardson reliability coefficient "
    "twenty. Psychometrika. 1965;30(3):357-370. doi:10.1007/BF02289499 (95 % interval).",
    "min_students": "The minimum class size for a reliability figure is this course's setting "
    "(--min-students); the Feldt interval shows how precise the figure is.",
}


def _num(x) -> float | None:
    """A JSON-friendly number: None for nan."""
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass
class Report:
    """The analysis of one assignment. Tables are lists of dicts (one per row) so that they go straight
    to CSV, JSON, HTML or ``pandas.DataFrame(report.items)``."""

    assignment: str
    title: str
    thresholds: Thresholds
    summary: dict
    items: list[dict]
    free_text: list[dict]
    objectives: list[dict]
    lessons: list[dict]
    students: list[dict]
    totals_percent: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "assignment": self.assignment,
            "title": self.title,
            "thresholds": asdict(self.thresholds),
            "sources": SOURCES,
            "summary": self.summary,
            "items": self.items,
            "free_text": self.free_text,
            "objectives": self.objectives,
            "lessons": self.lessons,
            "students": self.students,
        }

    def item(self, item_id: str) -> dict:
        return next(r for r in self.items if r["item"] == item_id)

    def _repr_html_(self) -> str:
        from .render import report_html

        return report_html(self, standalone=False)


def _flags(row: dict, t: Thresholds) -> list[str]:
    reasons = []
    p, r = row["difficulty"], row["discrimination"]
    if p is not None and p > t.too_easy:
        reasons.append(f"too easy (difficulty {p:.2f} > {t.too_easy:.2f})")
    if p is not None and p < t.too_hard:
        reasons.append(f"too hard (difficulty {p:.2f} < {t.too_hard:.2f})")
    if r is not None and r < 0:
        reasons.append(f"negative discrimination ({r:.2f}): check the key")
    elif r is not None and r < t.low_discrimination:
        reasons.append(f"low discrimination ({r:.2f} < {t.low_discrimination:.2f})")
    if row.get("non_functional"):
        reasons.append(
            f"non-functional distractor{'s' if len(row['non_functional']) > 1 else ''} "
            f"{', '.join(row['non_functional'])} (chosen by < {t.non_functional:.0%})"
        )
    return reasons


def _share_by_group(res: ClassResults, groups: dict) -> dict[object, np.ndarray]:
    """Per group (objective or lesson): each student's share of the group's graded points (nan if none)."""
    out = {}
    for key, cols in groups.items():
        pts = res.points[:, cols]
        mx = np.where(np.isnan(pts), 0.0, res.max_points[cols])
        with np.errstate(invalid="ignore", divide="ignore"):
            out[key] = np.nansum(pts, axis=1) / mx.sum(axis=1)
    return out


def _mastery_rows(res: ClassResults, groups: dict, label: str, t: Thresholds) -> tuple[list[dict], dict]:
    shares = _share_by_group(res, groups)
    rows = []
    for key, cols in groups.items():
        share = shares[key]
        below = [res.students[i] for i in np.flatnonzero(share < t.mastery)]
        rows.append(
            {
                label: key,
                "items": ", ".join(res.items[c].id for c in cols),
                "students": int(np.isfinite(share).sum()),
                "class_mastery": _num(np.nanmean(share)) if np.isfinite(share).any() else None,
                "students_below": len(below),
                "below_ids": below,
            }
        )
    rows.sort(key=lambda r: (r["class_mastery"] is None, r["class_mastery"] or 0))
    return rows, shares


def score_bands(percent: np.ndarray) -> dict[str, int]:
    """Students per 10-point band of the percentage score ('90-100' includes 100)."""
    counts, _ = np.histogram(percent, bins=np.arange(0, 101, 10))
    return {f"{10 * i}-{10 * i + 10}": int(c) for i, c in enumerate(counts)}


def analyse(res: ClassResults, thresholds: Thresholds | None = None) -> Report:
    """Item statistics, reliability, score distribution and mastery by objective and lesson."""
    t = thresholds or Thresholds()
    n, k = res.points.shape
    frac = res.fractions
    complete = ~np.isnan(res.points).any(axis=0) if n else np.zeros(k, dtype=bool)
    totals = np.nansum(res.points[:, complete], axis=1)
    max_total = res.max_points[complete].sum()
    p = stats.difficulty(frac) if n else np.full(k, np.nan)
    r = stats.corrected_point_biserial(res.points, complete) if n else np.full(k, np.nan)
    d = stats.upper_lower_index(frac, totals, t.group_share) if n else np.full(k, np.nan)

    items, free_text = [], []
    for j, it in enumerate(res.items):
        graded = ~np.isnan(res.points[:, j])
        row = {
            "item": it.id,
            "type": it.type,
            "objective": it.objective,
            "lesson": it.lesson,
            "max_points": it.points,
            "responses": int(graded.sum()),
            "difficulty": _num(p[j]),
            "discrimination": _num(r[j]),
            "upper_lower": _num(d[j]),
            "choice_rates": {},
            "key": "".join(sorted(it.keyed)),
            "non_functional": [],
            "distractor_efficiency": None,
            "option_mean_score": {},
        }
        if it.has_options and n:
            chosen = res.choices.get(it.id, [frozenset()] * n)
            rates = stats.choice_rates(chosen, it.options)
            row["choice_rates"] = {o: _num(v) for o, v in rates.items()}
            row["no_valid_answer"] = _num(sum(not c for c in chosen) / n)
            row["non_functional"] = stats.non_functional(rates, it.keyed, t.non_functional)
            row["distractor_efficiency"] = _num(stats.distractor_efficiency(rates, it.keyed, t.non_functional))
            pct = totals / max_total if max_total else np.full(n, np.nan)
            row["option_mean_score"] = {
                o: _num(np.mean([pct[i] for i in range(n) if o in chosen[i]])) if rates[o] > 0 else None
                for o in it.options
            }
        row["reasons"] = _flags(row, t)
        row["flagged"] = bool(row["reasons"])
        if it.type == "free_text":
            values, counts = np.unique(res.points[graded, j], return_counts=True)
            free_text.append(
                {
                    "item": it.id,
                    "max_points": it.points,
                    "graded": int(graded.sum()),
                    "awaiting_hand_grade": int(n - graded.sum()),
                    "distribution": {f"{v:g}": int(c) for v, c in zip(values, counts)},
                }
            )
        items.append(row)

    used = res.points[:, complete]
    dichotomous = bool(complete.any()) and stats.is_dichotomous(frac[:, complete])
    method = "KR-20" if dichotomous else "Cronbach's alpha"
    value, note = None, ""
    k_used = int(complete.sum())
    if n < t.min_students:
        note = f"too few students for a stable estimate ({n} scored; the report needs at least {t.min_students})"
    elif k_used < 2:
        note = "fewer than two fully graded items: no reliability figure"
    else:
        value = stats.kr20(frac[:, complete]) if dichotomous else stats.cronbach_alpha(used)
        if not np.isfinite(value):
            value, note = None, "every student has the same total: reliability is undefined"
    ci = stats.feldt_interval(value, n, k_used) if value is not None else (np.nan, np.nan)
    pct = 100 * totals / max_total if n and max_total else np.array([])
    pending = [it.id for it, c in zip(res.items, complete) if not c]
    summary = {
        "students_scored": n,
        "students_not_scored": len(res.not_scored),
        "not_scored": res.not_scored,
        "items": k,
        "items_in_total": k_used,
        "items_awaiting_hand_grades": pending,
        "max_total": float(max_total),
        "mean_percent": _num(pct.mean()) if n else None,
        "sd_percent": _num(pct.std(ddof=1)) if n > 1 else None,
        "median_percent": _num(np.median(pct)) if n else None,
        "min_percent": _num(pct.min()) if n else None,
        "max_percent": _num(pct.max()) if n else None,
        "reliability_method": method,
        "reliability": _num(value),
        "reliability_ci95": [_num(ci[0]), _num(ci[1])],
        "reliability_note": note,
        "score_bands": score_bands(pct),
        "flagged_items": [row["item"] for row in items if row["flagged"]],
    }

    objectives_map: dict[str, list[int]] = {}
    lessons_map: dict[int, list[int]] = {}
    for j, it in enumerate(res.items):
        objectives_map.setdefault(it.objective, []).append(j)
        lessons_map.setdefault(it.lesson, []).append(j)
    objectives, obj_share = _mastery_rows(res, objectives_map, "objective", t)
    lessons, _ = _mastery_rows(res, lessons_map, "lesson", t)
    obj_names = list(objectives_map)
    students = []
    for i, sid in enumerate(res.students):
        row = {
            "student_id": sid,
            "name": res.names.get(sid, ""),
            "total": _num(totals[i]),
            "percent": _num(pct[i]),
            "objectives_below": sum(bool(obj_share[o][i] < t.mastery) for o in obj_names),
        }
        row.update({f"objective {m + 1}": _num(obj_share[o][i]) for m, o in enumerate(obj_names)})
        students.append(row)
    for m, o in enumerate(obj_names):
        next(r for r in objectives if r["objective"] == o)["number"] = m + 1
    return Report(
        res.assignment, res.title, t, summary, items, free_text, objectives, lessons, students, [float(x) for x in pct]
    )
