"""The severity-grade calculator: turn what you see into an SMC grade, and see what grading can and
cannot tell you (quality of life by grade, agreement between raters, unverified outcome grades).

The SMC grade's definitions and the HFS-7 scores by grade are from Lee 2012 (verified in its abstract);
the Cohen-Albert outcome grade is shown flagged, because its definitions were not verified.
"""

from __future__ import annotations

import html

from ... import facts as factbase
from ... import style
from ... import widgets as demo
from . import content
from .content import TEXTS

SPREAD = ("around the eye only", "spread to other facial muscles")
RELIABILITY_FACTS = ("scale.smc.icc_round1.irr2023", "scale.smc.icc_round2.irr2023")
NOTE_FACTS = (
    "scale.smc.definition.lee2012",
    "scale.smc.correlation.lee2012",
    "scale.hfs7.items",
    "scale.hfs7.scoring",
    "scale.cohen_albert",
) + RELIABILITY_FACTS


def smc_grade(spread: str, tonic_vision: bool, disfiguring: bool) -> str:
    """The SMC grade (I-IV): the highest criterion the findings meet."""
    if spread not in SPREAD:
        raise ValueError(f"spread must be one of: {', '.join(SPREAD)}; not '{spread}'")
    if disfiguring:
        return "IV"
    if tonic_vision:
        return "III"
    return "II" if spread == SPREAD[1] else "I"


def severity_figure(
    spread: str = SPREAD[0], tonic_vision: bool = False, disfiguring: bool = False, fb: factbase.FactBase | None = None
):
    """HFS-7 score reported for each SMC grade, the computed grade highlighted. Returns ``(fig, data)``."""
    fb = fb or factbase.default()
    grade = smc_grade(spread, tonic_vision, disfiguring)
    grades = list(content.smc_grades().values())
    fig, ax = style.placed_figure(7, 3.6, (0.109, 0.081, 0.885, 0.854))
    values = []
    for i, g in enumerate(grades):
        v = fb.fact(g.hfs7_fact).value
        values.append(v)
        on = g.grade == grade
        ax.bar(i, v, color=style.OKABE_ITO["blue"] if on else style.GREY, hatch="xx" if on else None, edgecolor="black")
        ax.text(
            i,
            v + 0.4,
            f"{v:g}" + ("  ◀ these findings" if on else ""),
            ha="center",
            fontweight="bold" if on else "normal",
            fontsize=9,
        )
    ax.set_xticks(range(len(grades)), [f"SMC {g.grade}" for g in grades])
    ax.set_ylim(0, 28)
    ax.set_ylabel(TEXTS["severity.y_label"])
    ax.set_title(content.fill(TEXTS["severity.title"], fb, labels=fb.labels(grades[0].hfs7_fact)), fontsize=10)
    return fig, {"grade": grade, "hfs7_by_grade": values}


def severity_alt(spread: str, tonic_vision: bool, disfiguring: bool, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    grade = smc_grade(spread, tonic_vision, disfiguring)
    pairs = ", ".join(f"grade {g.grade} {fb.fact(g.hfs7_fact).value:g}" for g in content.smc_grades().values())
    return content.fill(TEXTS["severity.severity_alt"], fb, pairs=pairs, grade=grade)


def severity_html(spread: str, tonic_vision: bool, disfiguring: bool, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    grade = smc_grade(spread, tonic_vision, disfiguring)
    g = next(x for x in content.smc_grades().values() if x.grade == grade)
    rows = "".join(
        f"<li>grade {html.escape(x.grade)}: {html.escape(x.description)}</li>"
        for x in content.cohen_albert_grades().values()
    )
    return content.fill(
        TEXTS["severity.severity_html"],
        fb,
        grade=grade,
        criterion=html.escape(g.criterion),
        labels=html.escape(fb.labels(g.hfs7_fact)),
        value=fb.fact(g.hfs7_fact).value,
        scale=html.escape(fb.fact(g.hfs7_fact).definition.split("(")[-1].rstrip(")")),
        value2=fb.fact(RELIABILITY_FACTS[0]).value,
        value3=fb.fact(RELIABILITY_FACTS[1]).value,
        labels2=html.escape(fb.labels(RELIABILITY_FACTS[0])),
        rows=rows,
    ) + demo.disclaimer_html("calculator")


class SeverityCalculator(demo.FigureDemo):
    """Enter what you see → SMC grade, the quality of life reported at that grade, and the caveats."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.spread = demo.choice_buttons(list(SPREAD), "Spasm:")
        self.tonic = demo.checkbox("Frequent tonic spasms that interfere with vision")
        self.disfiguring = demo.checkbox("Disfiguring asymmetry")
        super().__init__(
            [self.spread, self.tonic, self.disfiguring], severity_figure, severity_alt, severity_html, self._fb
        )


def severity_calculator() -> SeverityCalculator:
    """The severity-grade calculator: findings to SMC grade, quality of life by grade, and the caveats."""
    return SeverityCalculator()
