"""Classical item statistics as pure functions of score matrices (rows = students, columns = items).

Every function takes numpy arrays and returns numbers or arrays; nothing here reads a gradebook. Scores
are *fractions of the item's maximum* (0..1) unless a function says points. ``nan`` marks a score that
does not exist yet (a free-text answer awaiting a hand grade); such cells are left out, never read as 0.
Variances are population variances (denominator n) throughout, so that KR-20 equals Cronbach's alpha on
0/1 items, as in Cronbach (1951).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import fdtri  # inverse F distribution (scipy.stats costs ~1 s and 40 MB to import)

#: Kelley (1939): upper and lower groups of 27 % of the class.
GROUP_SHARE = 0.27
#: Tarrant, Ware & Mohammed (2009): a distractor chosen by fewer than 5 % of examinees is non-functional.
NON_FUNCTIONAL_BELOW = 0.05


def difficulty(fractions: np.ndarray) -> np.ndarray:
    """Proportion correct per item (mean fraction of the maximum for partial credit), ignoring nan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(np.asarray(fractions, dtype=float), axis=0)


def _pearson_columns(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r between column j of x and column j of y, over the rows where both exist; nan when
    either column has no variance (every student scored the same)."""
    ok = ~(np.isnan(x) | np.isnan(y))
    n = ok.sum(axis=0)
    x = np.where(ok, x, 0.0)
    y = np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = x.sum(axis=0) / n
        my = y.sum(axis=0) / n
        dx = np.where(ok, x - mx, 0.0)
        dy = np.where(ok, y - my, 0.0)
        sxy = (dx * dy).sum(axis=0)
        sxx = (dx * dx).sum(axis=0)
        syy = (dy * dy).sum(axis=0)
        r = sxy / np.sqrt(sxx * syy)
    r[(sxx <= 1e-12) | (syy <= 1e-12) | (n < 3)] = np.nan
    return r


def corrected_point_biserial(points: np.ndarray, in_total: np.ndarray | None = None) -> np.ndarray:
    """Item–rest correlation: each item's score against the total *without that item*.

    ``points`` are earned points (nan = not graded yet). The total is the sum over the items flagged in
    ``in_total`` (default: items with no nan); an item outside the total is correlated with the whole
    total. For 0/1 items this is the point-biserial correlation; for partial credit, the Pearson r.
    """
    points = np.asarray(points, dtype=float)
    if in_total is None:
        in_total = ~np.isnan(points).any(axis=0)
    total = np.nansum(points[:, in_total], axis=1)
    rest = total[:, None] - np.where(in_total[None, :], np.nan_to_num(points), 0.0)
    rest = np.where(np.isnan(points), np.nan, rest)
    return _pearson_columns(points, rest)


def upper_lower_groups(totals: np.ndarray, share: float = GROUP_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the upper and lower ``share`` of students by total score (Kelley 1939).

    Group size is ``round(share * n)`` (at least 1). Ties at a boundary are broken by row order (a stable
    sort), so the same data always give the same groups.
    """
    totals = np.asarray(totals, dtype=float)
    size = max(1, int(round(share * len(totals))))
    order = np.argsort(totals, kind="stable")
    return order[::-1][:size], order[:size]


def upper_lower_index(fractions: np.ndarray, totals: np.ndarray, share: float = GROUP_SHARE) -> np.ndarray:
    """Discrimination index D = (mean score in the upper group) − (mean score in the lower group)."""
    fractions = np.asarray(fractions, dtype=float)
    upper, lower = upper_lower_groups(totals, share)
    with warnings.catch_warnings():  # an item nobody in a group has been graded on yet: nan, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(fractions[upper], axis=0) - np.nanmean(fractions[lower], axis=0)


def choice_rates(choices: list, options: str) -> dict[str, float]:
    """Share of students choosing each option letter. ``choices`` holds, per student, a set of letters
    (one letter for single-best-answer, any number for multiple-select); an empty set is no valid answer.
    The denominator is every student, so a distractor nobody could be bothered to choose shows 0."""
    n = len(choices)
    if n == 0:
        return {k: float("nan") for k in options}
    return {k: sum(k in c for c in choices) / n for k in options}


def non_functional(rates: dict[str, float], keyed: set[str], below: float = NON_FUNCTIONAL_BELOW) -> list[str]:
    """Distractors (options not in the key) chosen by fewer than ``below`` of students."""
    return [k for k, r in rates.items() if k not in keyed and r < below]


def distractor_efficiency(rates: dict[str, float], keyed: set[str], below: float = NON_FUNCTIONAL_BELOW) -> float:
    """Share of an item's distractors that function (chosen by at least ``below``); nan if it has none."""
    distractors = [k for k in rates if k not in keyed]
    if not distractors:
        return float("nan")
    return 1 - len(non_functional(rates, keyed, below)) / len(distractors)


def is_dichotomous(fractions: np.ndarray) -> bool:
    f = np.asarray(fractions, dtype=float)
    f = f[~np.isnan(f)]
    return bool(np.all((f == 0) | (f == 1)))


def cronbach_alpha(points: np.ndarray) -> float:
    """Cronbach's (1951) alpha: k/(k−1) · (1 − Σ item variances / variance of totals). Complete rows only."""
    x = np.asarray(points, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    total_var = x.sum(axis=1).var()
    if k < 2 or total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0).sum() / total_var))


def kr20(binary: np.ndarray) -> float:
    """Kuder & Richardson (1937) formula 20 for 0/1 items: k/(k−1) · (1 − Σ p·q / variance of totals)."""
    x = np.asarray(binary, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("KR-20 needs items scored 0 or 1; use cronbach_alpha for partial credit")
    k = x.shape[1]
    p = x.mean(axis=0)
    total_var = x.sum(axis=1).var()
    if k < 2 or total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / total_var))


def feldt_interval(reliability: float, n_students: int, n_items: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for KR-20 / alpha (Feldt 1965): (1 − ρ)/(1 − r) follows F(n−1, (n−1)(k−1))."""
    if not np.isfinite(reliability) or n_students < 3 or n_items < 2:
        return float("nan"), float("nan")
    df1, df2 = n_students - 1, (n_students - 1) * (n_items - 1)
    tail = (1 - level) / 2
    lower = 1 - (1 - reliability) * fdtri(df1, df2, 1 - tail)
    upper = 1 - (1 - reliability) * fdtri(df1, df2, tail)
    return float(lower), float(upper)
