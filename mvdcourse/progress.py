"""A student's progress, kept between sessions: self-check answers and lesson completion.

One small JSON file per student, ``<Jupyter data dir>/mvdcourse/progress.json`` (``jupyter --data-dir``;
on a shared hub every user has their own). No server is involved, so progress survives kernel and
JupyterLab restarts. A lesson counts as completed once every one of its self-checks has been answered
correctly. :func:`summary` feeds the course home (``lessons/course_home.ipynb``).

Writes are atomic (a temporary file, then a rename). A file that cannot be read is never overwritten
silently: it is moved aside (``progress.json.unreadable-<time>``) and the reason is reported.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

VERSION = 1


class ProgressError(RuntimeError):
    """Progress could not be read or saved; the message says why and what to do."""


def store_path() -> Path:
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "mvdcourse" / "progress.json"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())


def _empty() -> dict:
    return {"version": VERSION, "answers": {}, "completed": {}}


#: Why the last load had to start afresh (an unreadable file moved aside), for the course home to show.
notices: list[str] = []


def load() -> dict:
    """The stored progress (empty if there is none yet)."""
    path = store_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise ValueError("it is not a progress record")
        data.setdefault("completed", {})
        return data
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError) as exc:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.replace(aside)
            notices.append(
                f"Your saved progress in {path} could not be read ({exc}); it was kept as {aside} "
                "and progress starts afresh."
            )
        except OSError:
            notices.append(f"Your saved progress in {path} could not be read ({exc}).")
        return _empty()


def save(data: dict) -> None:
    path = store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        raise ProgressError(
            f"Your answer could not be saved to {path} ({exc.strerror or exc}). "
            "The lesson still works; ask your instructor about the storage space."
        ) from exc


@functools.lru_cache(maxsize=1)
def lesson_questions() -> dict[str, list[str]]:
    """Self-check question ids per lesson (the lesson's notebook name), in the order of its file."""
    from . import lessons, selfcheck

    return {lesson.notebook: list(selfcheck.load_file(lesson.selfcheck_file)) for lesson in lessons.LESSONS}


def lesson_of(question_id: str) -> str | None:
    return next((lesson for lesson, ids in lesson_questions().items() if question_id in ids), None)


def answer(question_id: str) -> dict | None:
    """The stored answer to one self-check: ``choice`` (the option's index in the bank), ``correct``."""
    return load()["answers"].get(question_id)


def record_answer(question_id: str, choice: int, correct: bool) -> dict:
    """Store a checked answer (``choice``: the option's index in the bank); marks the lesson completed
    once all its self-checks are correct. Returns the stored progress."""
    data = load()
    old = data["answers"].get(question_id, {})
    data["answers"][question_id] = {
        "choice": choice,
        "correct": correct,
        "attempts": old.get("attempts", 0) + 1,
        "ever_correct": bool(old.get("ever_correct")) or correct,
        "updated": _now(),
    }
    lesson = lesson_of(question_id)
    questions = lesson_questions().get(lesson, [])
    if lesson and lesson not in data["completed"] and all(data["answers"].get(q, {}).get("correct") for q in questions):
        data["completed"][lesson] = _now()
    save(data)
    return data


def reset(lesson: str | None = None) -> None:
    """Forget the answers and completion of one lesson, or of the whole course."""
    data = load()
    if lesson is None:
        data = _empty()
    else:
        for q in lesson_questions().get(lesson, []):
            data["answers"].pop(q, None)
        data["completed"].pop(lesson, None)
    save(data)


@dataclass
class LessonProgress:
    lesson: str
    questions: list[str]
    correct: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    completed: str | None = None

    @property
    def unanswered(self) -> list[str]:
        return [q for q in self.questions if q not in self.correct and q not in self.wrong]


def summary(data: dict | None = None) -> list[LessonProgress]:
    """Per lesson: which self-checks are answered correctly, answered wrongly (to revisit) or not yet."""
    data = data if data is not None else load()
    out = []
    for lesson, questions in lesson_questions().items():
        p = LessonProgress(lesson, questions, completed=data["completed"].get(lesson))
        for q in questions:
            a = data["answers"].get(q)
            if a is not None:
                (p.correct if a["correct"] else p.wrong).append(q)
        out.append(p)
    return out
