"""Where the course's files live, so that lessons, tests and tools agree on one layout."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the course checkout (the folder holding assets/, lessons/, assignments/).
#: MVDCOURSE_ROOT overrides it, e.g. for a course directory copied elsewhere.
COURSE_ROOT = Path(os.environ.get("MVDCOURSE_ROOT", Path(__file__).resolve().parent.parent))
ASSETS = COURSE_ROOT / "assets"
LESSONS = COURSE_ROOT / "lessons"
FACTS_FILE = ASSETS / "facts.yaml"
REFERENCES_FILE = ASSETS / "references.yaml"
SELFCHECKS = ASSETS / "selfchecks"
LESSON_CONTENT = ASSETS / "lessons"
