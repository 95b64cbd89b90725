"""The outcome ledger: one line per graded submission, appended and flushed as soon as it is known.

``assignments/grading/<assignment>.jsonl`` keeps, for every submission, its status (``graded``,
``missing``, ``malformed``, ``timeout``, ``kernel_died``, ``tampered``, ``error``), the reason, and a
fingerprint of the submitted files. A run that is killed loses nothing already written; the next run
skips submissions whose fingerprint is unchanged. The last line for a student wins.
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
