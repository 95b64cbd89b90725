"""The monitoring interpreter: what the lateral spread response at the end of surgery does and does not predict."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import content, style
from ... import facts as factbase
from ... import widgets as demo
from .data import LSR_FACTS, TEXTS, TIME_POINTS


def persisting_spasm(lsr: str, time_point: str, fb: factbase.FactBase | None = None) -> dict:
    """Reported share of patients with spasm still present, by LSR status and time point."""
    if lsr not in LSR_FACTS:
        raise ValueError(f"LSR status must be one of {', '.join(LSR_FACTS)}, not '{lsr}'")
    if time_point not in TIME_POINTS:
        raise ValueError(f"time point must be one of {', '.join(TIME_POINTS)}, not '{time_point}'")
    fb = fb or factbase.default()
    fid = LSR_FACTS[lsr][time_point]
    return {"fact": fid, "value": fb.fact(fid).value, "text": fb.text(fid), "citation": fb.labels(fid)}


def monitoring_figure(lsr: str = "disappeared", time_point: str = TIME_POINTS[-1], fb: factbase.FactBase | None = None):
    """Both LSR curves over the three time points, the chosen point ringed. Returns ``(fig, data)``."""
    fb = fb or factbase.default()
    chosen = persisting_spasm(lsr, time_point, fb)
    fig, ax = style.new_figure(7, 3.8)
    curves = {}
    for _i, status in enumerate(("persisted", "disappeared")):
        ys = [persisting_spasm(status, t, fb)["value"] for t in TIME_POINTS]
        curves[status] = ys
        st = style.SERIES[1 if status == "persisted" else 0]
        ax.plot(
            TIME_POINTS,
            ys,
            lw=2.5 if status == lsr else 1.5,
            markersize=8,
            alpha=1 if status == lsr else 0.6,
            **st.kwargs(),
        )
        ax.annotate(
            f"LSR {status}",
            (2, ys[-1]),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            color=st.color,
            fontsize=10,
        )
    x = TIME_POINTS.index(time_point)
    ax.scatter([x], [chosen["value"]], s=380, facecolor="none", edgecolor="black", lw=2, zorder=4)
    ax.annotate(
        chosen["text"], (x, chosen["value"]), xytext=(0, 14), textcoords="offset points", ha="center", fontweight="bold"
    )
    ax.set_ylim(0, 60)
    ax.set_xlim(-0.3, 2.9)
    ax.set_ylabel("Patients with spasm still present (%)")
    ax.set_xlabel("Time after surgery")
    ax.set_title(
        TEXTS["mechanics.monitoring_title"] + chosen["citation"] + " (pooled, 26 studies)",
        fontsize=11,
    )
    return fig, {"lsr": lsr, "time_point": time_point, "chosen": chosen["value"], "curves": curves}


def monitoring_text(lsr: str, time_point: str, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    c = persisting_spasm(lsr, time_point, fb)
    other = "disappeared" if lsr == "persisted" else "persisted"
    o = persisting_spasm(other, time_point, fb)
    return content.fill(
        TEXTS["monitoring"],
        fb,
        lsr=lsr,
        share=c["text"],
        time_point=time_point,
        citation=html.escape(c["citation"]),
        other=other,
        other_share=o["text"],
    ) + demo.disclaimer_html("interpreter")


def monitoring_alt(lsr: str, time_point: str, fb: factbase.FactBase | None = None) -> str:
    fb = fb or factbase.default()
    per = [persisting_spasm("persisted", t, fb)["text"] for t in TIME_POINTS]
    dis = [persisting_spasm("disappeared", t, fb)["text"] for t in TIME_POINTS]
    c = persisting_spasm(lsr, time_point, fb)
    when = ", ".join(TIME_POINTS[:-1]) + " and " + TIME_POINTS[-1]
    return content.fill(
        TEXTS["mechanics.monitoring_alt"],
        fb,
        when=when,
        per=", ".join(per),
        dis=", ".join(dis),
        lsr=lsr,
        time_point=time_point,
        text=c["text"],
    )


class MonitoringInterpreter(demo.FigureDemo):
    """Choose LSR status and time point → the reported share with persisting spasm, with caveats."""

    def __init__(self, fb: factbase.FactBase | None = None):
        self._fb = fb or factbase.default()
        self.lsr = widgets.ToggleButtons(
            options=["disappeared", "persisted"],
            value="disappeared",
            description="LSR at end of surgery:",
            style={"description_width": "initial"},
        )
        self.time_point = widgets.ToggleButtons(
            options=list(TIME_POINTS),
            value=TIME_POINTS[-1],
            description="Time after surgery:",
            style={"description_width": "initial"},
        )
        super().__init__([self.lsr, self.time_point], monitoring_figure, monitoring_alt, monitoring_text, self._fb)


def monitoring_interpreter() -> MonitoringInterpreter:
    """Lesson 1 demo: choose LSR status and time point; read the share with persisting spasm and the caveats."""
    return MonitoringInterpreter()
