"""Lesson 1 — hemifacial spasm and how microvascular decompression works.

Pure functions return data or figures (easy to test); the two builders wrap them in widgets:
``anatomy_explorer()`` (which vessel compresses the facial nerve, and how often) and
``monitoring_interpreter()`` (what the lateral spread response at the end of surgery does and does
not predict).
"""

from .anatomy import (
    AnatomyExplorer,
    anatomy_alt,
    anatomy_explorer,
    anatomy_figure,
    vessel_info_html,
    vessel_shares,
    vessel_summary,
)
from .data import FACT_IDS, LSR_FACTS, MONITORING_CAVEAT_FACTS, TEXTS, TIME_POINTS, VESSELS, LsrTimePoint, Vessel
from .monitoring import (
    MonitoringInterpreter,
    monitoring_alt,
    monitoring_figure,
    monitoring_interpreter,
    monitoring_text,
    persisting_spasm,
)

#: Handout claims the widgets quote (none: Lesson 1's handout section is in the notebook's text).
SEED_CLAIM_IDS: tuple[str, ...] = ()

DEMOS = (anatomy_explorer, monitoring_interpreter)

__all__ = [
    "FACT_IDS",
    "SEED_CLAIM_IDS",
    "DEMOS",
    "AnatomyExplorer",
    "MonitoringInterpreter",
    "anatomy_alt",
    "anatomy_explorer",
    "anatomy_figure",
    "monitoring_alt",
    "monitoring_figure",
    "monitoring_interpreter",
    "monitoring_text",
    "persisting_spasm",
    "vessel_info_html",
    "vessel_shares",
    "vessel_summary",
    "LSR_FACTS",
    "MONITORING_CAVEAT_FACTS",
    "TEXTS",
    "TIME_POINTS",
    "VESSELS",
    "LsrTimePoint",
    "Vessel",
]
