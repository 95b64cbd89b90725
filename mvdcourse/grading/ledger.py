"""The outcome ledger: one line per graded submission, appended and flushed as soon as it is known.

``assignments/grading/<assignment>.jsonl`` keeps, for every submission, its status (``graded``,
``missing``, ``malformed``, ``timeout``, ``kernel_died``, ``tampered``, ``error``), the reason, and a
fingerprint of the submitted files and one of the key it was graded against (item bank + released
notebook + grader version). A run that is killed loses nothing already written; the next run skips
submissions whose two fingerprints are unchanged, so a corrected key re-grades everyone. The last line
for a student wins. ``--regrade`` leaves a marker (``grading/<assignment>-regrade.json``) until every
submission has a line newer than it, so an interrupted regrade resumes like a first grading.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

STATUSES = ("graded", "missing", "malformed", "timeout", "kernel_died", "tampered", "error")


def path_for(course: Path, assignment: str) -> Path:
    return Path(course) / "grading" / f"{assignment}.jsonl"


def fingerprint(folder: Path) -> str:
    """A hash of every file in a submission folder (names and bytes)."""
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def key_fingerprint(course: Path, assignment: str) -> str:
    """A hash of what scores depend on besides the submission: item bank, released notebook, grader."""
    from mvdcourse import __version__

    h = hashlib.sha256(__version__.encode())
    for p in (
        Path(course) / "items" / f"{assignment}.yaml",
        Path(course) / "release" / assignment / f"{assignment}.ipynb",
    ):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def regrade_marker(course: Path, assignment: str) -> Path:
    return Path(course) / "grading" / f"{assignment}-regrade.json"


def regrade_started(course: Path, assignment: str) -> float | None:
    """When the unfinished ``--regrade`` of ``assignment`` started, or None."""
    path = regrade_marker(course, assignment)
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def start_regrade(course: Path, assignment: str) -> float:
    path = regrade_marker(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    path.write_text(json.dumps({"started": started}), encoding="utf-8")
    return started


def record(course: Path, assignment: str, student: str, status: str, reason: str = "", **extra) -> dict:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    entry = {"student": student, "status": status, "reason": reason, "time": time.time(), **extra}
    path = path_for(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def latest(course: Path, assignment: str) -> dict[str, dict]:
    """The last recorded outcome per student (a torn last line from a crash is ignored)."""
    path = path_for(course, assignment)
    out: dict[str, dict] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        out[entry["student"]] = entry
    return out
