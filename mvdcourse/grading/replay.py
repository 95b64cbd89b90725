"""nbgrader autograde step that takes the outputs of the sandboxed run instead of executing again.

``mvdcourse grade`` runs each submission in the sandbox first (in parallel), then lets nbgrader's own
pipeline sanitize, score and store it; this preprocessor, in place of nbgrader's ``Execute``, copies the
sandbox's outputs onto the sanitized notebook by cell id. Student code therefore never runs in the
grader's process, where the gradebook and the key are reachable.
"""

from __future__ import annotations

import json
from pathlib import Path

from nbformat import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


class ReplayExecution(NbGraderPreprocessor):
    runs_dir = Unicode("", help="Folder with <student>.ipynb executed in the sandbox").tag(config=True)

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        path = Path(self.runs_dir) / f"{student}.ipynb"
        if not path.exists():  # the run timed out or died: grade the answers without outputs
            return nb, resources
        executed = json.loads(path.read_text(encoding="utf-8"))
        by_id = {c.get("id"): c for c in executed.get("cells", [])}
        for cell in nb.cells:
            run = by_id.get(cell.get("id"))
            if cell.cell_type == "code" and run is not None:
                cell.outputs = [from_dict(o) for o in run.get("outputs", [])]
                cell.execution_count = run.get("execution_count")
        return nb, resources
