"""The report as one self-contained HTML page (plots embedded as PNG with alt text), CSV files and JSON.

The page works offline (no script, no external file), reads without colour (flags are words and
symbols; plots use markers, hatching and direct labels) and keeps headings in order.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .. import style
from ..quiz.export import write_csv
from .analysis import SOURCES, Report

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fff;
line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.flag td:first-child{font-weight:700}
.flag-word{font-weight:700}
.note{background:#fff8e1;border-left:4px solid #8a6d00;padding:.4rem .8rem}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.summary dt{font-weight:600}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#333}
"""


def scoped_css(scope: str) -> str:
    """The page's CSS limited to elements inside ``scope`` (in JupyterLab it must not restyle Lab itself)."""

    def prefix(m: re.Match) -> str:
        sels = [sel.strip() for sel in m.group(1).split(",")]
        return ",".join(scope if sel in ("body", "main") else f"{scope} {sel}" for sel in sels) + "{"

    return re.sub(r"([^{}]+)\{", prefix, CSS)


def _fmt(x, digits: int = 2, percent: bool = False) -> str:
    if x is None:
        return "—"
    if percent:
        return f"{100 * x:.0f} %"
    return f"{x:.{digits}f}"


def _table(
    caption: str,
    columns: list[str],
    rows: list[list[str]],
    row_classes: list[str] | None = None,
    numeric: set[int] = frozenset(),
) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(f"<td{' class=num' if j in numeric else ''}>{v}</td>" for j, v in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# --- figures: each returns (fig, alt) -------------------------------------------------------------


def score_histogram(report: Report):
    s = report.summary
    pct = np.asarray(report.totals_percent)
    fig, ax = style.new_figure(7, 3.6)
    ax.hist(
        pct,
        bins=np.arange(0, 101, 10),
        color=style.OKABE_ITO["sky_blue"],
        edgecolor="black",
        hatch="//",
        label="students per score band",
    )
    if len(pct):
        ax.axvline(s["mean_percent"], color="black", linestyle="--", label=f"mean {s['mean_percent']:.0f} %")
        ax.axvline(
            s["median_percent"],
            color=style.OKABE_ITO["vermillion"],
            linestyle=":",
            linewidth=2,
            label=f"median {s['median_percent']:.0f} %",
        )
    ax.set_xlabel("quiz score (% of the points in the total)")
    ax.set_ylabel("students")
    ax.set_xlim(0, 100)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
    counts = np.array(list(s["score_bands"].values()))
    modes = [int(i) for i in np.flatnonzero(counts == counts.max())] if len(pct) else [0]
    alt = (
        f"Histogram of quiz scores for {s['students_scored']} students: mean {_fmt(s['mean_percent'], 0)} %, "
        f"SD {_fmt(s['sd_percent'], 0)} %, median {_fmt(s['median_percent'], 0)} %, range "
        f"{_fmt(s['min_percent'], 0)} to {_fmt(s['max_percent'], 0)} %; the most common score band"
        f"{'s are ' if len(modes) > 1 else ' is '}"
        + " and ".join(f"{m * 10}–{m * 10 + 10} %" for m in modes)
        + f" ({counts[modes[0]] if len(pct) else 0} students{' each' if len(modes) > 1 else ''})."
    )
    return fig, alt


def item_map(report: Report):
    t = report.thresholds
    rows = [r for r in report.items if r["difficulty"] is not None and r["discrimination"] is not None]
    fig, ax = style.new_figure(7, 4.4)
    ax.axvspan(0, t.too_hard, color="#dddddd", zorder=0)
    ax.axvspan(t.too_easy, 1, color="#dddddd", zorder=0)
    ax.axhline(t.low_discrimination, color="black", linestyle="--", linewidth=1)
    ax.axhline(0, color="black", linewidth=1)
    ax.text(0.01, t.low_discrimination + 0.01, f"discrimination {t.low_discrimination:.2f}", fontsize=8)
    for flagged, st, label in ((False, style.SERIES[0], "no flag"), (True, style.SERIES[1], "flagged")):
        sel = [r for r in rows if r["flagged"] == flagged]
        ax.scatter(
            [r["difficulty"] for r in sel],
            [r["discrimination"] for r in sel],
            s=60,
            marker="o" if not flagged else "X",
            color=st.color,
            edgecolor="black",
            label=label,
            zorder=3,
        )
    for r in rows:
        ax.annotate(
            r["item"], (r["difficulty"], r["discrimination"]), xytext=(4, 4), textcoords="offset points", fontsize=9
        )
    ax.set_xlim(0, 1)
    low = min([-0.2] + [r["discrimination"] - 0.05 for r in rows])
    ax.set_ylim(low, 1)
    ax.set_xlabel("difficulty (proportion correct; shaded: too hard / too easy)")
    ax.set_ylabel("corrected point-biserial")
    ax.legend(loc="upper left")
    flagged = [r for r in rows if r["flagged"]]
    alt = f"Scatter plot of {len(rows)} items, difficulty against corrected point-biserial discrimination. " + (
        (
            "Flagged: "
            + "; ".join(
                f"{r['item']} (difficulty {r['difficulty']:.2f}, discrimination {r['discrimination']:.2f})"
                for r in flagged
            )
            + "."
        )
        if flagged
        else "No item is flagged."
    )
    return fig, alt


def mastery_chart(report: Report):
    t = report.thresholds
    rows = sorted((r for r in report.objectives if r["class_mastery"] is not None), key=lambda r: r["number"])
    fig, ax = style.new_figure(7, 0.45 * max(len(rows), 2) + 1.2)
    labels = [f"O{r['number']}" for r in rows]
    values = [r["class_mastery"] for r in rows]
    below = [v < t.mastery for v in values]
    bars = ax.barh(
        labels,
        values,
        color=[style.OKABE_ITO["vermillion"] if b else style.OKABE_ITO["blue"] for b in below],
        edgecolor="black",
    )
    for bar, b, v in zip(bars, below, values):
        if b:
            bar.set_hatch("xx")
        ax.text(
            v + 0.01, bar.get_y() + bar.get_height() / 2, f"{v:.0%}{' below' if b else ''}", va="center", fontsize=9
        )
    ax.axvline(t.mastery, color="black", linestyle="--", label=f"mastery threshold {t.mastery:.0%}")
    ax.set_xlim(0, 1.15)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.invert_yaxis()
    ax.set_xlabel("class mastery (mean share of the objective's points)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / max(len(rows), 2)), ncol=1)
    alt = (
        "Bar chart of class mastery by learning objective: "
        + "; ".join(f"O{r['number']} {r['class_mastery']:.0%}" for r in rows)
        + f". Threshold {t.mastery:.0%}; below it: "
        + (", ".join(f"O{r['number']}" for r, b in zip(rows, below) if b) or "none")
        + "."
    )
    return fig, alt


FIGURES = (
    ("Score distribution", score_histogram),
    ("Item map", item_map),
    ("Mastery by learning objective", mastery_chart),
)


def figures(report: Report) -> list[style.AltFigure]:
    """The report's plots, each displayable in JupyterLab with its alt text."""
    return [style.show(*make(report)) for _, make in FIGURES]


def _figure_html(report: Report, make, caption: str) -> str:
    fig, alt = make(report)
    text = f"{html.escape(caption)}. {html.escape(alt)}"
    return f"<figure>{style.img_html(fig, alt)}<figcaption>{text}</figcaption></figure>"


# --- sections ---------------------------------------------------------------------------------------


def _summary_html(report: Report) -> str:
    s, t = report.summary, report.thresholds
    rel = (
        f"{s['reliability']:.2f} (95 % interval {_fmt(s['reliability_ci95'][0])} to "
        f"{_fmt(s['reliability_ci95'][1])}; {s['students_scored']} students, {s['items_in_total']} items)"
        if s["reliability"] is not None
        else f"not reported: {s['reliability_note']}"
    )
    pairs = [
        ("Students scored", str(s["students_scored"])),
        (
            "Without a scored submission",
            f"{s['students_not_scored']}" + (" (listed below)" if s["students_not_scored"] else ""),
        ),
        ("Items", f"{s['items']} ({s['items_in_total']} in the total)"),
        ("Mean score", f"{_fmt(s['mean_percent'], 1)} % (SD {_fmt(s['sd_percent'], 1)} %)"),
        (
            "Median, range",
            f"{_fmt(s['median_percent'], 1)} %, {_fmt(s['min_percent'], 0)}–{_fmt(s['max_percent'], 0)} %",
        ),
        (s["reliability_method"], rel),
        ("Items flagged", ", ".join(s["flagged_items"]) or "none"),
    ]
    out = [
        '<dl class="summary">'
        + "".join(f"<dt>{html.escape(a)}</dt><dd>{html.escape(b)}</dd>" for a, b in pairs)
        + "</dl>"
    ]
    if s["items_awaiting_hand_grades"]:
        out.append(
            f'<p class="note">Hand grading is not finished for {", ".join(s["items_awaiting_hand_grades"])}: '
            "these items are left out of totals, discrimination and reliability until every answer "
            "is graded in formgrader.</p>"
        )
    if s["students_scored"] < t.min_students:
        out.append(
            f'<p class="note">Only {s["students_scored"]} students: item statistics are unstable; '
            "read them as hints, not verdicts.</p>"
        )
    if s["not_scored"]:
        out.append(
            "<details><summary>Students without a scored submission</summary><ul>"
            + "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in s["not_scored"].items())
            + "</ul></details>"
        )
    return "".join(out)


def _rates_text(row: dict) -> str:
    if not row["choice_rates"]:
        return "—"
    keyed = set(row["key"])
    parts = [
        f"{o}{' ✔' if o in keyed else ''} {_fmt(v, percent=True)}"
        + (" (non-functional)" if o in row["non_functional"] else "")
        for o, v in row["choice_rates"].items()
    ]
    if row.get("no_valid_answer"):
        parts.append(f"no valid answer {_fmt(row['no_valid_answer'], percent=True)}")
    return html.escape("; ".join(parts))


def _items_html(report: Report) -> str:
    cols = [
        "Item",
        "Type",
        "Lesson",
        "Responses",
        "Difficulty",
        "Discrimination (item–rest r)",
        "Upper–lower 27 % index",
        "Distractor efficiency",
        "Choices (✔ = key)",
        "Flag",
    ]
    rows, classes = [], []
    for r in report.items:
        rows.append(
            [
                html.escape(r["item"]),
                r["type"],
                str(r["lesson"]),
                str(r["responses"]),
                _fmt(r["difficulty"]),
                _fmt(r["discrimination"]),
                _fmt(r["upper_lower"]),
                _fmt(r["distractor_efficiency"], percent=True),
                _rates_text(r),
                ('<span class="flag-word">⚑ Review:</span> ' + html.escape("; ".join(r["reasons"])))
                if r["flagged"]
                else "✓ none",
            ]
        )
        classes.append("flag" if r["flagged"] else "")
    return _table(
        "Item statistics (difficulty = proportion correct or mean fraction of the points)",
        cols,
        rows,
        classes,
        numeric={3, 4, 5, 6, 7},
    )


def _free_text_html(report: Report) -> str:
    if not report.free_text:
        return ""
    rows = [
        [
            r["item"],
            f"{r['max_points']:g}",
            str(r["graded"]),
            str(r["awaiting_hand_grade"]),
            html.escape(", ".join(f"{k} points: {v}" for k, v in r["distribution"].items()) or "—"),
        ]
        for r in report.free_text
    ]
    return "<h2>Free-text items (hand-graded)</h2>" + _table(
        "Distribution of hand grades",
        ["Item", "Max", "Graded", "Awaiting a hand grade", "Students per score"],
        rows,
        numeric={1, 2, 3},
    )


def _mastery_table(report: Report, rows: list[dict], label: str) -> str:
    t = report.thresholds
    out = []
    for r in rows:
        who = ", ".join(r["below_ids"])
        name = (f"O{r['number']}: " if label == "objective" else "Lesson ") + html.escape(str(r[label]))
        out.append(
            [
                name,
                html.escape(r["items"]),
                _fmt(r["class_mastery"], percent=True),
                f"{r['students_below']} of {r['students']}"
                + (f"<details><summary>who</summary>{html.escape(who)}</details>" if who else ""),
            ]
        )
    return _table(
        f"Class mastery by {label}, lowest first (re-teach from the top); below = under {t.mastery:.0%}",
        [label.capitalize(), "Items", "Class mastery", "Students below the threshold"],
        out,
    )


def _students_html(report: Report) -> str:
    if not report.students:
        return ""
    obj = sorted(report.objectives, key=lambda r: r["number"])
    cols = ["Student", "Name", "Score", *[f"O{r['number']}" for r in obj], "Objectives below"]
    rows = [
        [
            html.escape(s["student_id"]),
            html.escape(s["name"]),
            _fmt(s["percent"] / 100 if s["percent"] is not None else None, percent=True),
            *[_fmt(s[f"objective {r['number']}"], percent=True) for r in obj],
            str(s["objectives_below"]),
        ]
        for s in sorted(report.students, key=lambda s: (-s["objectives_below"], s["student_id"]))
    ]
    return (
        "<h2>Students by objective (instructor only)</h2><details><summary>Show the table "
        f"({len(rows)} students, most objectives below the threshold first)</summary>"
        + _table("Each student's share of the points per objective", cols, rows, numeric=set(range(2, len(cols))))
        + "</details>"
    )


def _method_html(report: Report) -> str:
    t = report.thresholds
    rules = [
        f"Too easy: difficulty above {t.too_easy:.2f}; too hard: below {t.too_hard:.2f}. {SOURCES['difficulty']}",
        f"Discrimination is the corrected point-biserial (each item against the total without it); "
        f"below {t.low_discrimination:.2f} is flagged, below 0 means the strongest students tend to miss "
        f"the item: check the key. {SOURCES['discrimination']}",
        f"Upper–lower index: mean item score in the top {t.group_share:.0%} minus the bottom "
        f"{t.group_share:.0%} of the class by total. {SOURCES['groups']}",
        f"A distractor chosen by fewer than {t.non_functional:.0%} of students is non-functional; distractor "
        f"efficiency is the share of an item's distractors that function. {SOURCES['distractors']}",
        f"Reliability: KR-20 when every item is scored right/wrong, Cronbach's alpha with partial credit, "
        f"with a 95 % interval; not reported below {t.min_students} students. {SOURCES['kr20']} "
        f"{SOURCES['alpha']} {SOURCES['interval']} {SOURCES['min_students']}",
        f"Mastery: a student's share of the points of an objective's (or lesson's) items; below "
        f"{t.mastery:.0%} counts as not mastered (--mastery).",
    ]
    return "<h2>How to read this report</h2><ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in rules) + "</ul>"


def report_html(report: Report, standalone: bool = True) -> str:
    s = report.summary
    body = [
        f"<h1>Item analysis: {html.escape(report.title)}</h1>",
        f"<p>Assignment <b>{html.escape(report.assignment)}</b> · generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {s['students_scored']} students scored. "
        "Instructor-only: this page names students.</p>",
        "<h2>Summary</h2>",
        _summary_html(report),
        _figure_html(report, score_histogram, "Score distribution"),
    ]
    flagged = [r for r in report.items if r["flagged"]]
    body.append("<h2>Items to review</h2>")
    body.append(
        "<ul>"
        + "".join(f"<li><b>{html.escape(r['item'])}</b>: {html.escape('; '.join(r['reasons']))}</li>" for r in flagged)
        + "</ul>"
        if flagged
        else "<p>No item is flagged.</p>"
    )
    body += [
        "<h2>All items</h2>",
        _figure_html(report, item_map, "Item map"),
        _items_html(report),
        _free_text_html(report),
        "<h2>Mastery by learning objective</h2>",
        _figure_html(report, mastery_chart, "Mastery by learning objective"),
        _mastery_table(report, report.objectives, "objective"),
        "<h2>Mastery by lesson</h2>",
        _mastery_table(report, report.lessons, "lesson"),
        _students_html(report),
        _method_html(report),
    ]
    if not standalone:  # inside a notebook: no second <main> landmark, styles kept to this output
        return f"<div class='mvd-report'><style>{scoped_css('.mvd-report')}</style>{''.join(body)}</div>"
    main = "<main>" + "".join(body) + "</main>"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Item analysis: {html.escape(report.assignment)}</title><style>{CSS}</style></head>"
        f"<body>{main}</body></html>"
    )


ITEM_CSV = [
    "item",
    "type",
    "lesson",
    "objective",
    "max_points",
    "responses",
    "difficulty",
    "discrimination",
    "upper_lower",
    "key",
    "choice_rates",
    "no_valid_answer",
    "non_functional",
    "distractor_efficiency",
    "flagged",
    "reasons",
]
OBJECTIVE_CSV = ["number", "objective", "items", "students", "class_mastery", "students_below", "below_ids"]
LESSON_CSV = ["lesson", "items", "students", "class_mastery", "students_below", "below_ids"]


def _flat(rows: list[dict]) -> list[dict]:
    def cell(v):
        if isinstance(v, dict):
            return "; ".join(f"{k} {'' if x is None else x}" for k, x in v.items())
        if isinstance(v, list):
            return "; ".join(map(str, v))
        return v

    return [{k: cell(v) for k, v in r.items()} for r in rows]


def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """Write ``<assignment>-report.html``, ``.json`` and the CSV tables into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    a = report.assignment
    paths = {"html": out_dir / f"{a}-report.html", "json": out_dir / f"{a}-report.json"}
    paths["html"].write_text(report_html(report), encoding="utf-8")
    paths["json"].write_text(json.dumps(report.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    paths["items"] = write_csv(out_dir / f"{a}-items.csv", ITEM_CSV, _flat(report.items))
    paths["objectives"] = write_csv(out_dir / f"{a}-objectives.csv", OBJECTIVE_CSV, _flat(report.objectives))
    paths["lessons"] = write_csv(out_dir / f"{a}-lessons.csv", LESSON_CSV, _flat(report.lessons))
    student_cols = list(report.students[0]) if report.students else ["student_id"]
    paths["students"] = write_csv(out_dir / f"{a}-students.csv", student_cols, report.students)
    return paths
