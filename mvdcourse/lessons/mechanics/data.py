"""Lesson 1's data: the offending vessels, the LSR time points and the widget texts, loaded from
``assets/lessons/01_hfs_and_mvd/`` and validated (errors name file, record and field)."""

from __future__ import annotations

from ... import content


class Vessel(content.Record):
    """One offending vessel (``assets/lessons/01_hfs_and_mvd/vessels.yaml``)."""

    id: str
    name: str
    share_facts: tuple[str, ...] = ()  # reported shares as offending vessel, one per series
    note_facts: tuple[str, ...] = ()  # qualitative findings
    teaching: str  # one-sentence teaching note (no numbers)

    @property
    def key(self) -> str:
        return self.id


VESSELS: dict[str, Vessel] = content.lesson_records("01_hfs_and_mvd", "vessels", Vessel)


class LsrTimePoint(content.Record):
    """Facts giving the share with spasm still present at one time point, by LSR status."""

    id: str
    persisted: str
    disappeared: str


_TIME_POINTS = content.lesson_records("01_hfs_and_mvd", "lsr_time_points", LsrTimePoint)
#: Monitoring data: spasm still present, by LSR status at the end of surgery and time point.
LSR_FACTS = {
    status: {t.id: getattr(t, status) for t in _TIME_POINTS.values()} for status in ("persisted", "disappeared")
}
TIME_POINTS = tuple(_TIME_POINTS)
TEXTS = content.lesson_texts("01_hfs_and_mvd")
MONITORING_CAVEAT_FACTS = (
    "lsr.monitoring_1y.with.wei2018",
    "lsr.monitoring_1y.without.wei2018",
    "lsr.longterm_not_significant.nugroho2021",
    "lsr.specificity",
    "lsr.sensitivity",
)

#: Every fact this lesson's widgets show (the lesson's reference list is built from it).
FACT_IDS = tuple(
    dict.fromkeys(
        [f for v in VESSELS.values() for f in v.share_facts + v.note_facts]
        + [f for d in LSR_FACTS.values() for f in d.values()]
        + list(MONITORING_CAVEAT_FACTS)
    )
)
