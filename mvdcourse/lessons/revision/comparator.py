"""Lesson 4 demo 1 — first MVD beside redo MVD, per 1,000 patients, like with like.

Permanent vs permanent, transient vs transient; pooled analyses and single series kept apart; every bar
labelled with its source. The complications are data: ``assets/lessons/04_revision/complications.yaml``.
"""

from __future__ import annotations

from typing import Literal

import ipywidgets as widgets
from matplotlib.patches import Patch

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .common import TEXTS, _esc, _text_width_in

KINDS = {"permanent": "Permanent", "transient": "Transient or early"}
DATA_VIEWS = {"pooled": "Pooled analyses", "single": "Single series"}

#: Sources that pool several studies (systematic review or meta-analysis); every other source is one series.
POOLED_SOURCES = frozenset({"miller2012", "sharma2017"})


class Complication(content.Record):
    """One complication, with the facts giving its frequency after a first and after a redo MVD."""

    id: str
    name: str
    kind: Literal["permanent", "transient"]
    first: tuple[str, ...]  # fact ids, first MVD
    redo: tuple[str, ...] = ()  # fact ids, redo MVD (empty: no figure found)
    notes: tuple[str, ...] = ()  # statement facts shown under the plot

    @property
    def key(self) -> str:
        return self.id


COMPLICATIONS: tuple[Complication, ...] = tuple(
    content.lesson_records("04_revision", "complications", Complication).values()
)

#: How Wang 2013 is always described: "no significant difference" in a small sample is not "the same".
WANG_SAMPLE = TEXTS["wang_sample"]

#: Facts the comparator's text panel quotes (seed check, heterogeneity, figures it deliberately does not plot).
COMPARATOR_NOTE_FACTS = (
    "redo.no_difference.wang2013",
    "redo.complications_more.barker1995",
    "redo.facial.failedmvd2016",
    "redo.hearing.failedmvd2016",
    "redo.short_complications.repeat2018",
    "risk.first.any_complication.huh2008",
    "risk.first.any_complication.zhao2017",
    "risk.first.wound_bleeding.zhao2017",
    "risk.first.abducens",
    "risk.anaesthesia",
    "risk.first.deaf_ear.barker1995",
    "risk.first.perm_facial.barker1995",
)


def is_pooled(fact_id: str, fb: factbase.FactBase | None = None) -> bool:
    """True when every source of the fact pools several studies."""
    fb = fb or factbase.default()
    return set(fb.fact(fact_id).sources) <= POOLED_SOURCES


def per_1000_text(fact_id: str, fb: factbase.FactBase | None = None) -> str:
    """The fact's percentage as a count per 1,000 patients (% × 10), keeping its qualifier."""
    fb = fb or factbase.default()
    f = fb.fact(fact_id)
    if f.unit != "%" or f.value is None:
        raise ValueError(f"'{fact_id}' is not a single percentage, so it has no per-1,000 figure")
    n = round(f.value * 10, 4)
    prefix = {"<": "<", ">": ">", "~": "about ", "<=": "up to ", ">=": "at least ", None: ""}[f.qualifier]
    return f"{prefix}{n:g} per 1,000"


def _bar(fact_id: str, arm: str, fb: factbase.FactBase) -> dict:
    f = fb.fact(fact_id)
    pooled = is_pooled(fact_id, fb)
    flag = " (unverified)" if f.status == "unverified" else ""
    return {
        "fact": fact_id,
        "arm": arm,
        "percent": f.value,
        "per_1000": round(f.value * 10, 4),
        "per_1000_text": per_1000_text(fact_id, fb),
        "percent_text": f.text() + flag,
        "source": "; ".join(r.label for r in fb.sources(fact_id)),
        "pooled": pooled,
        "design": "pooled" if pooled else "single series",
        "population": f.population or "",
        "definition": f.definition or "",
    }


def risk_rows(kind: str = "permanent", data: str = "pooled", fb: factbase.FactBase | None = None) -> list[dict]:
    """The complications the comparator draws for one kind (permanent/transient) and one data view.

    Each row has the first-MVD bars and the redo bars of that view; a row with no redo figure keeps an
    empty ``redo`` list (drawn as "no redo figure found"). Nothing is computed except % × 10.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
    if data not in DATA_VIEWS:
        raise ValueError(f"data must be one of {', '.join(DATA_VIEWS)}, not '{data}'")
    fb = fb or factbase.default()
    want_pooled = data == "pooled"
    rows = []
    for c in COMPLICATIONS:
        if c.kind != kind:
            continue
        first = [_bar(f, "first", fb) for f in c.first if is_pooled(f, fb) == want_pooled]
        redo = [_bar(f, "redo", fb) for f in c.redo if is_pooled(f, fb) == want_pooled]
        if not first and not redo:
            continue
        rows.append(
            {"key": c.key, "name": c.name, "first": first, "redo": redo, "notes": [fb.cite(n) for n in c.notes]}
        )
    return rows


_ARM_STYLE = {
    "first": dict(series=style.SERIES[0], hatch="", label="First MVD", short="First"),
    "redo": dict(series=style.SERIES[1], hatch="///", label="Redo MVD", short="Redo"),
}


def _rows_to_lines(rows: list[dict]):
    """One line per bar: a bold header per complication, then its bars, or "none found" for a missing redo."""
    labels, bars, header_idx, missing = [], [], [], []
    for row in rows:
        header_idx.append(len(labels))
        labels.append(row["name"])
        bars.append(None)
        for b in row["first"] + row["redo"]:
            labels.append(f"{_ARM_STYLE[b['arm']]['short']} · {b['source']}")
            bars.append(b)
        if not row["redo"]:
            labels.append("Redo · none found")
            bars.append(None)
            missing.append(len(labels) - 1)
    return labels, bars, header_idx, missing


def _draw_bars(ax, ys: list[int], bars: list, missing: list[int], top: float) -> None:
    """One bar per figure (hatched for redo, paler for a single series) and its label; a cross if no redo figure."""
    for y, b in zip(ys, bars):
        if b is None:
            continue
        st = _ARM_STYLE[b["arm"]]
        ax.barh(
            y,
            b["per_1000"],
            height=0.62,
            color=st["series"].color,
            hatch=st["hatch"],
            edgecolor="black" if b["arm"] == "redo" else st["series"].color,
            linewidth=0.6,
            alpha=1.0 if b["pooled"] else 0.75,
        )
        ax.plot([b["per_1000"]], [y], marker=st["series"].marker, color="black", markersize=5, linestyle="none")
        ax.text(
            b["per_1000"] + top * 0.015, y, f"  {b['per_1000_text']} ({b['percent_text']})", va="center", fontsize=8.5
        )
    for i in missing:
        ax.plot([0], [ys[i]], marker="x", color="#555555", markersize=7, linestyle="none", clip_on=False)
        ax.text(
            top * 0.015, ys[i], "  no redo figure found", va="center", fontsize=8.5, style="italic", color="#555555"
        )


def _arm_legend(ax) -> None:
    """First MVD and redo: colour, hatch and bar-end marker (the second and third cue besides colour)."""
    handles = [
        Patch(
            facecolor=_ARM_STYLE[a]["series"].color,
            hatch=_ARM_STYLE[a]["hatch"],
            edgecolor="black",
            label=f"{_ARM_STYLE[a]['label']} ({m} at bar end)",
        )
        for a, m in (("first", "circle"), ("redo", "square"))
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=True)


def risk_figure(kind: str = "permanent", data: str = "pooled", fb: factbase.FactBase | None = None):
    """Horizontal bars per 1,000 patients, first MVD beside redo, each bar labelled with its source.

    Returns ``(fig, data)``; ``data`` lists what was drawn (plain values, for tests and benchmarks).
    """
    fb = fb or factbase.default()
    rows = risk_rows(kind, data, fb)
    labels, bars, header_idx, missing = _rows_to_lines(rows)
    n = len(labels)
    width, height = 9.5, 1.45 + 0.27 * n
    fig, ax = style.new_figure(width, height, layout=None)
    left = (
        max(
            _text_width_in([labels[i] for i in range(n) if i not in header_idx], 8.5),
            _text_width_in([labels[i] for i in header_idx], 9.5, bold=True),
        )
        + 0.15
    )
    fig.subplots_adjust(left=left / width, right=1 - 0.15 / width, top=1 - 0.6 / height, bottom=0.85 / height)
    ys = list(range(n))[::-1]
    top = max([b["per_1000"] for b in bars if b] + [1])
    _draw_bars(ax, ys, bars, missing, top)
    ax.set_yticks(ys, labels, fontsize=8.5)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i in header_idx:
            tick.set_fontweight("bold")
            tick.set_fontsize(9.5)
    ax.set_xlim(0, top * 1.55)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(
        TEXTS["comparator.x_label"],
        fontsize=9.5,
    )
    ax.set_title(
        content.fill(
            TEXTS["comparator.title"],
            fb,
            kinds=KINDS[kind],
            data_views=DATA_VIEWS[data],
            evidence="systematic reviews and meta-analyses" if data == "pooled" else "one centre each",
        ),
        fontsize=11,
        loc="left",
    )
    _arm_legend(ax)
    drawn = [
        {
            "name": r["name"],
            "first": [(b["source"], b["per_1000"]) for b in r["first"]],
            "redo": [(b["source"], b["per_1000"]) for b in r["redo"]],
        }
        for r in rows
    ]
    return fig, {"kind": kind, "data": data, "rows": drawn}


def risk_alt(kind: str, data: str, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    parts = []
    for r in risk_rows(kind, data, fb):
        first = (
            "; ".join(f"{b['per_1000_text']} ({b['percent_text']}, {b['source']})" for b in r["first"])
            or "no figure in this view"
        )
        redo = (
            "; ".join(f"{b['per_1000_text']} ({b['percent_text']}, {b['source']})" for b in r["redo"])
            or "no figure found"
        )
        parts.append(f"{r['name']}: first MVD {first}; redo {redo}")
    return (
        content.fill(TEXTS["comparator.risk_alt"], fb, kinds=KINDS[kind].lower(), data_views=DATA_VIEWS[data].lower())
        + ". ".join(parts)
        + "."
    )


def _tr(*cells: str) -> str:
    return "<tr>" + "".join(f"<td style='padding:2px 6px'>{_esc(x)}</td>" for x in cells) + "</tr>"


def _risk_table(rows: list[dict]) -> str:
    """Every bar as a table row: complication, operation, figure, source and design, definition and population."""
    out = [TEXTS["comparator.risk_table"]]
    for r in rows:
        for b in r["first"] + r["redo"]:
            out.append(
                _tr(
                    r["name"],
                    _ARM_STYLE[b["arm"]]["label"],
                    f"{b['per_1000_text']} ({b['percent_text']})",
                    f"[{b['source']}] {b['design']}",
                    f"{b['definition']}; {b['population']}",
                )
            )
        if not r["redo"]:
            out.append(
                _tr(
                    r["name"],
                    "Redo MVD",
                    "no figure found",
                    "—",
                    TEXTS["comparator.not_reported"],
                )
            )
    out.append("</tbody></table>")
    return "".join(out)


def risk_text(kind: str, data: str, fb: factbase.FactBase | None = None) -> str:
    """The panel under the comparator: a table with definitions and designs, then the caveats."""
    fb = fb or factbase.default()
    rows = risk_rows(kind, data, fb)
    other = "single" if data == "pooled" else "pooled"
    out = [
        content.fill(
            TEXTS["comparator.intro_html"],
            fb,
            kinds=_esc(KINDS[kind]),
            data_views=_esc(DATA_VIEWS[data].lower()),
            data_views2=_esc(DATA_VIEWS[other]),
        ),
        _risk_table(rows),
    ]
    notes = sorted({n for r in rows for n in r["notes"]})
    for n in notes:
        out.append(f"<p>Note: {_esc(n)}</p>")
    if kind == "permanent":
        out.append(content.fill(TEXTS["comparator.understated_html"], fb, wang_sample=WANG_SAMPLE))
    else:
        out.append(content.fill(TEXTS["comparator.no_transient_redo_html"], fb))
    out.append(content.fill(TEXTS["comparator.heterogeneity_html"], fb) + demo.disclaimer_html("comparator"))
    return "".join(out)


class RiskComparator(demo.FigureDemo):
    """Choose permanent or transient, pooled or single series → bars per 1,000, first beside redo."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.kind = widgets.ToggleButtons(
            options=[(v, k) for k, v in KINDS.items()],
            value="permanent",
            description="Compare:",
            tooltips=[
                TEXTS["comparator.permanent_tooltip"],
                TEXTS["comparator.transient_tooltip"],
            ],
            style={"description_width": "initial"},
        )
        self.data = widgets.ToggleButtons(
            options=[(v, k) for k, v in DATA_VIEWS.items()],
            value="pooled",
            description="Data:",
            tooltips=["Systematic reviews and meta-analyses", "One centre's series"],
            style={"description_width": "initial"},
        )
        super().__init__([self.kind, self.data], risk_figure, risk_alt, risk_text, self._fb)


def risk_comparator() -> RiskComparator:
    """Lesson 4 demo: complication risks of a redo against a first MVD, pooled or by series."""
    return RiskComparator()
