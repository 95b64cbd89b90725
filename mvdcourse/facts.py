"""The fact base: load, validate, look up and cite the clinical figures the course teaches.

Every clinical number shown by a lesson, widget or quiz comes from ``assets/facts.yaml`` with its
sources in ``assets/references.yaml``. Loading is all-or-nothing: a malformed or incomplete file raises
:class:`FactBaseError` naming the file, the record and the field, and nothing is half-loaded.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import math
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from . import paths
from .content import ContentError, Record, parse_records, read_yaml, records

# read_yaml, records and parse_records live in ``content``; they stay importable from here for older callers.
__all__ = [
    "FactBase",
    "FactBaseError",
    "Fact",
    "Reference",
    "SeedClaim",
    "default",
    "load",
    "parse_records",
    "read_yaml",
    "records",
]

Unit = Literal[
    "%",
    "days",
    "weeks",
    "months",
    "years",
    "per 100,000",
    "odds ratio",
    "hazard ratio",
    "risk ratio",
    "patients",
    "ICC",
    "score",
]
Qualifier = Literal["<", ">", "~", "<=", ">="]
TIME_UNITS = ("days", "weeks", "months", "years")


#: Raised for a malformed fact base (or any content file); the message names file, record and field.
FactBaseError = ContentError


class _Strict(Record):
    pass


class Verification(_Strict):
    """What a reference was checked against, how deeply, and when (``date`` null: not re-checked)."""

    date: datetime.date | None
    checked: Literal["full text", "abstract", "record only", "not found"]
    against: str = Field(min_length=10)


# Fields a librarian needs to find a paper; `missing()` names them in these words.
REQUIRED = ("authors", "title", "journal", "year", "PMID or DOI")

# One Vancouver author: surname, then up to three initials ("Barker FG 2nd", "Baizabal-Carvallo JF").
AUTHOR = re.compile(r"^\S+(?: \S+)*? [A-Z]{1,3}(?: (?:2nd|3rd|Jr|Sr))?$")
MAX_AUTHORS = 3  # the file lists the first three, then "et al."


def author_problem(authors: str, note: str | None) -> str | None:
    """What is wrong with an author list, in a sentence, or None when it is Vancouver: the first three, then et al."""
    names = [n.strip() for n in authors.split(",")]
    et_al = names[-1] == "et al."
    names = names[:-1] if et_al else names
    bad = [n for n in names if not AUTHOR.match(n)]
    if bad or not names:
        return f"authors: write each as 'Surname Initials' separated by commas (not {', '.join(bad) or 'empty'})"
    if len(names) > MAX_AUTHORS:
        return f"authors: give the first {MAX_AUTHORS} authors, then 'et al.' ({len(names)} are listed)"
    if et_al and len(names) < MAX_AUTHORS and "author" not in (note or "").lower():
        return (
            f"authors: only {len(names)} listed before 'et al.'; add the first {MAX_AUTHORS}, or say in 'note' "
            "that the other authors were not seen"
        )
    return None


class Reference(_Strict):
    """One source, rendered in Vancouver style and linked to PubMed or doi.org, never to a mirror."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=3)
    table_id: str
    authors: str | None
    title: str | None = Field(min_length=3)
    journal: str | None = Field(min_length=3)
    year: int | None = Field(ge=1900, le=2100)
    volume: str | None = None
    pages: str | None = None
    pmid: str | None = Field(pattern=r"^\d{1,8}$")
    doi: str | None = Field(pattern=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
    url: str | None = Field(pattern=r"^https?://(pmc\.ncbi\.nlm\.nih\.gov|[a-z0-9.-]+)/")
    verified: Verification
    incomplete: str | None = None
    unidentifiable: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _complete_or_explained(self) -> Reference:
        if self.authors and (problem := author_problem(self.authors, self.note)):
            raise ValueError(problem)
        missing = self.missing()
        if self.incomplete and self.unidentifiable:
            raise ValueError("give 'incomplete' or 'unidentifiable', not both")
        if self.unidentifiable:
            return self
        if missing and not self.incomplete:
            raise ValueError(
                f"{', '.join(missing)} missing: find them, or say in 'incomplete' that they were "
                "not found (or mark the source 'unidentifiable' with a reason)"
            )
        if self.incomplete:
            if not missing:
                raise ValueError("'incomplete' is set but authors, title, journal, year and PMID or DOI are all given")
            unnamed = [m for m in missing if m.lower() not in self.incomplete.lower()]
            if unnamed:
                raise ValueError(f"'incomplete' must name what is missing: {', '.join(unnamed)}")
            if not (self.title or self.pmid or self.doi or self.url or (self.journal and self.volume and self.pages)):
                raise ValueError(
                    "too little to identify the source (no title, identifier, or journal with volume "
                    "and pages): mark it 'unidentifiable' with a reason"
                )
        return self

    def missing(self) -> list[str]:
        """Which of authors, title, journal, year, PMID or DOI are not known."""
        have = {
            "authors": self.authors,
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
            "PMID or DOI": self.pmid or self.doi,
        }
        return [k for k in REQUIRED if not have[k]]

    @property
    def complete(self) -> bool:
        return not self.missing()

    def vancouver(self) -> str:
        """The citation in Vancouver (NLM) style; what was not found is said in square brackets."""

        def end(text: str) -> str:
            return text if text.endswith((".", "?", "!")) else text + "."

        if self.unidentifiable:
            return f"{end(self.title or '[Source could not be identified]')} [Unidentifiable: {self.unidentifiable}]"
        parts = [end(self.authors or "[Authors not found]"), end(self.title or "[Title not found]")]
        source = end(self.journal or "[Journal not found]")
        date = str(self.year) if self.year else "[year not found]"
        if self.volume:
            date += f";{self.volume}"
        if self.pages:
            date += f":{self.pages}"
        parts += [source, date + "."]
        if self.doi:
            parts.append(f"doi: {self.doi}.")
        if self.pmid:
            parts.append(f"PMID: {self.pmid}.")
        return " ".join(parts)

    def citation(self) -> str:
        return self.vancouver()

    def link(self) -> str | None:
        """The address to follow: PubMed by PMID, else the DOI resolver, else the publisher's or PMC address."""
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


def _fmt_number(x: float) -> str:
    return f"{x:g}"


def _fmt_quantity(
    value: float | None, low: float | None, high: float | None, qualifier: str | None, unit: str | None
) -> str:
    if value is not None:
        number = _fmt_number(value)
        plural = value != 1
    else:
        number = f"{_fmt_number(low)}–{_fmt_number(high)}"
        plural = True
    prefix = {"~": "about ", "<": "<", ">": ">", "<=": "up to ", ">=": "at least ", None: ""}[qualifier]
    if unit == "%":
        return f"{prefix}{number}%"
    if unit in ("odds ratio", "hazard ratio", "risk ratio"):
        return f"{unit} {prefix}{number}"
    if unit in TIME_UNITS and not plural:
        unit = unit[:-1]
    return f"{prefix}{number} {unit}"


class _Quantity(_Strict):
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier | None = None
    unit: Unit | None = None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None or self.low is not None

    def numbers(self) -> tuple[float, ...]:
        """The numbers this record states (value, or both ends of its range)."""
        if self.value is not None:
            return (self.value,)
        if self.low is not None:
            return (self.low, self.high)
        return ()

    def _check_quantity(self, need: bool) -> None:
        has_value = self.value is not None
        has_range = self.low is not None or self.high is not None
        if has_value and has_range:
            raise ValueError("give either 'value' or 'low' and 'high', not both")
        if has_range and (self.low is None or self.high is None):
            raise ValueError("a range needs both 'low' and 'high'")
        if has_range and self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is greater than 'high' ({self.high})")
        for n in self.numbers():
            if not math.isfinite(n):
                raise ValueError("numbers must be finite")
        if (has_value or has_range) and self.unit is None:
            raise ValueError("a number needs a 'unit'")
        if need and not (has_value or has_range):
            raise ValueError("needs 'value', or 'low' and 'high'")


class Fact(_Quantity):
    """One clinical figure (value or range) or one sourced qualitative finding (statement)."""

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    statement: str | None = None
    definition: str | None = None
    population: str | None = None
    sources: list[str] = Field(min_length=1)
    seed_claims: list[str] = []
    status: Literal["verified", "partial", "unverified"]
    read_in: Literal["abstract", "full text", "secondary summary", "not applicable"]
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Fact:
        if self.statement is not None:
            if self.is_numeric:
                raise ValueError("a 'statement' fact carries no 'value'/'low'/'high'")
            return self
        self._check_quantity(need=True)
        if not self.definition:
            raise ValueError("a numeric fact needs a 'definition' (what was measured, and when)")
        return self

    def text(self) -> str:
        """The figure as a student reads it, e.g. ``91.1%``, ``84–91%``, ``<0.1%``, ``about 12 weeks``."""
        if self.statement is not None:
            return self.statement
        return _fmt_quantity(self.value, self.low, self.high, self.qualifier, self.unit)


class SeedClaim(_Quantity):
    """A claim of one of the two seed handouts, with the facts that check it."""

    id: str = Field(pattern=r"^S[01]-\d{2}[a-z-]*$")
    seed: Literal["seed_s0", "seed_s1"]
    claim: str
    verdict: Literal[
        "supported", "partly supported", "overstated", "understated", "contradicted", "unsupported", "no figure found"
    ]
    facts: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> SeedClaim:
        self._check_quantity(need=False)
        return self

    def text(self) -> str:
        if not self.is_numeric:
            return self.claim
        return _fmt_quantity(self.value, self.low, self.high, self.qualifier, self.unit)


class FactBase:
    """The validated fact base. Look facts up by id; cite them with their sources."""

    def __init__(self, facts: dict[str, Fact], references: dict[str, Reference], seed_claims: dict[str, SeedClaim]):
        self.facts = facts
        self.references = references
        self.seed_claims = seed_claims

    def fact(self, fact_id: str) -> Fact:
        try:
            return self.facts[fact_id]
        except KeyError:
            close = difflib.get_close_matches(fact_id, self.facts, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no fact '{fact_id}' in {paths.FACTS_FILE.name}{hint}") from None

    def seed_claim(self, claim_id: str) -> SeedClaim:
        try:
            return self.seed_claims[claim_id]
        except KeyError:
            raise KeyError(f"no seed claim '{claim_id}' in {paths.FACTS_FILE.name}") from None

    def text(self, fact_id: str) -> str:
        """The figure alone, e.g. ``91.1%``."""
        return self.fact(fact_id).text()

    def sources(self, fact_id: str) -> list[Reference]:
        return [self.references[s] for s in self.fact(fact_id).sources]

    def labels(self, fact_id: str) -> str:
        """In-text citation labels, e.g. ``[Miller 2012]`` or ``[Goto 2002; Sindou 2009]``."""
        return "[" + "; ".join(r.label for r in self.sources(fact_id)) + "]"

    def cite(self, fact_id: str) -> str:
        """Figure plus citation, e.g. ``91.1% [Miller 2012]``; flags unverified and second-hand figures."""
        fact = self.fact(fact_id)
        labels = self.labels(fact_id)
        said = "unverified" in (fact.text() + labels).lower()
        flag = " (unverified)" if fact.status == "unverified" and not said else ""
        if fact.read_in == "secondary summary":
            flag += " (from a secondary summary; the primary paper was not read)"
        return f"{fact.text()} {labels}{flag}"

    _PLACEHOLDER = re.compile(r"\{(fact|value|labels|seed):([^{}\s]+)\}")

    def render(self, text: str) -> str:
        """Fill placeholders from the fact base.

        ``{fact:ID}`` gives figure and citation, ``{value:ID}`` the figure alone, ``{labels:ID}`` the
        citation alone, ``{seed:ID}`` the number a seed handout claims. Unknown ids raise KeyError.
        """

        def fill(m: re.Match) -> str:
            kind, key = m.groups()
            if kind == "fact":
                return self.cite(key)
            if kind == "value":
                return self.text(key)
            if kind == "labels":
                return self.labels(key)
            return self.seed_claim(key).text()

        return self._PLACEHOLDER.sub(fill, text)

    def placeholders(self, text: str) -> list[tuple[str, str]]:
        """The (kind, id) placeholders a text uses."""
        return self._PLACEHOLDER.findall(text)

    @classmethod
    def fact_ids(cls, *texts: str) -> list[str]:
        """The fact ids the placeholders of ``texts`` show (``{seed:ID}`` excluded), first use first, once each."""
        ids = [key for text in texts for kind, key in cls._PLACEHOLDER.findall(text) if kind != "seed"]
        return list(dict.fromkeys(ids))

    @classmethod
    def seed_ids(cls, *texts: str) -> list[str]:
        """The seed-claim ids the ``{seed:ID}`` placeholders of ``texts`` show, once each."""
        return list(dict.fromkeys(key for t in texts for kind, key in cls._PLACEHOLDER.findall(t) if kind == "seed"))

    def reference_by_label(self, label: str) -> Reference:
        for ref in self.references.values():
            if ref.label == label:
                return ref
        raise KeyError(f"no reference labelled '{label}' in {paths.REFERENCES_FILE.name}")


def load(facts_path: Path | str = paths.FACTS_FILE, references_path: Path | str = paths.REFERENCES_FILE) -> FactBase:
    """Read and validate both files; raise FactBaseError listing every problem found."""
    facts_path, references_path = Path(facts_path), Path(references_path)
    errors: list[str] = []
    ref_rows = records(read_yaml(references_path), "references", references_path)
    references = parse_records(Reference.model_validate, ref_rows, "reference", references_path, errors)
    data = read_yaml(facts_path)
    facts = parse_records(Fact.model_validate, records(data, "facts", facts_path), "fact", facts_path, errors)
    claims = parse_records(
        SeedClaim.model_validate, records(data, "seed_claims", facts_path), "seed claim", facts_path, errors
    )

    for fact in facts.values():
        for src in fact.sources:
            if src not in references:
                errors.append(
                    f"{facts_path}: fact '{fact.id}': field 'sources': "
                    f"unknown reference '{src}' (not in {references_path.name})"
                )
        for cid in fact.seed_claims:
            if cid not in claims:
                errors.append(f"{facts_path}: fact '{fact.id}': field 'seed_claims': unknown seed claim '{cid}'")
    for claim in claims.values():
        for fid in claim.facts:
            if fid not in facts:
                errors.append(f"{facts_path}: seed claim '{claim.id}': field 'facts': unknown fact '{fid}'")
    seen: dict[tuple[str, str], str] = {}
    for ref in references.values():
        for field, value in (("label", ref.label), ("pmid", ref.pmid), ("doi", ref.doi and ref.doi.lower())):
            if value and (field, value) in seen:
                errors.append(
                    f"{references_path}: reference '{ref.id}': field '{field}': "
                    f"'{value}' is already used by '{seen[field, value]}'"
                )
            elif value:
                seen[field, value] = ref.id
    if errors:
        raise FactBaseError("The fact base is invalid:\n  " + "\n  ".join(errors))
    return FactBase(facts, references, claims)


@functools.lru_cache(maxsize=1)
def default() -> FactBase:
    """The course's own fact base, loaded once per process."""
    return load()
