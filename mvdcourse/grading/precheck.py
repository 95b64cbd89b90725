"""Check a submitted notebook before any of it runs: is it a notebook, and were locked cells tampered with?

Compared with the *released* notebook (what the student received): an honest submission changes only
its answer cells and may add cells of its own; that raises no alarm. Anything else about the cells the
course owns — a locked or test cell edited, deleted, duplicated or re-typed, points or nbgrader metadata
changed — is repaired from the released copy and reported. A file that cannot be read as a notebook is
``malformed`` and is not graded; the reason says what is wrong with it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field

import nbformat

OWNED_FIELDS = ("grade", "solution", "locked", "task", "points", "schema_version", "grade_id")


@dataclass
class Prepared:
    status: str  # ok | tampered | malformed
    reason: str = ""
    notebook: dict | None = None  # repaired notebook JSON, ready to grade
    tamper: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _nbg(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


#: Start of a file -> what it is, for files students hand in instead of the notebook.
SIGNATURES = [
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (a Word document or zipped folder?)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"<!DOCTYPE html", "an HTML page (an exported notebook?)"),
    (b"<html", "an HTML page (an exported notebook?)"),
    (b"{\\rtf", "an RTF document"),
]


def _other_format(raw: bytes) -> str | None:
    head = raw.lstrip()[:16]
    for magic, what in SIGNATURES:
        if head[: len(magic)].lower() == magic.lower():
            return what
    return None


def read_notebook(raw: bytes) -> tuple[dict | None, str]:
    """Parse and validate; convert nbformat 3. Returns (notebook, '') or (None, reason)."""
    if not raw.strip():
        return None, "the file is empty"
    other = _other_format(raw)
    if other:
        return None, f"the file is {other}, not a Jupyter notebook; ask the student for the .ipynb file"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return (
            None,
            f"not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); the file may be truncated",
        )
    if not isinstance(data, dict) or "nbformat" not in data:
        return None, "not a Jupyter notebook (no 'nbformat' field)"
    major = data.get("nbformat")
    if not isinstance(major, int) or major < 3:
        return None, f"unsupported notebook format version {major!r}"
    if major > 4:
        return None, f"notebook format {major} is newer than this course supports (4); save it with Jupyter 4 or later"
    ids_repaired = major == 4 and _repair_ids(data)  # before nbformat would repair them with random ids
    try:  # validated once (nbformat.reads and .writes would validate again, only to log)
        nb = nbformat.convert(nbformat.reader.reads(json.dumps(data)), 4)  # converts nbformat 3
        nbformat.validator.normalize(nb)
        nbformat.validate(nb)
    except Exception as exc:
        return None, f"the notebook structure is invalid ({str(exc).splitlines()[0][:200]})"
    out = json.loads(nbformat.v4.nbjson.writes(nb))
    if major == 3:
        out.setdefault("metadata", {})["mvdcourse_converted_from"] = 3
        seen: set = set()
        for index, cell in enumerate(out["cells"]):  # nbformat's conversion gives random ids
            cell["id"] = _new_id(seen, f"converted {index}")
    if ids_repaired:
        out.setdefault("metadata", {})["mvdcourse_ids_repaired"] = True
    return out, ""


def _repair_ids(data: dict) -> bool:
    """Give cells of a format 4.5+ notebook that lack an id, or repeat one, a new one; True if any did."""
    cells = data.get("cells")
    if not isinstance(cells, list) or not isinstance(data.get("nbformat_minor"), int) or data["nbformat_minor"] < 5:
        return False
    cells = [c for c in cells if isinstance(c, dict)]
    seen = {c.get("id") for c in cells}
    used: set = set()
    repaired = False
    for index, cell in enumerate(cells):
        if not isinstance(cell.get("id"), str) or not cell["id"] or cell["id"] in used:
            cell["id"] = _new_id(seen, f"cell {index}")
            repaired = True
        used.add(cell["id"])
    return repaired


def _new_id(seen: set, salt: str) -> str:
    """A cell id not in ``seen`` (added to it), the same every time for the same notebook: grading is repeatable."""
    n = 0
    while True:
        cid = hashlib.sha256(f"{salt} {n}".encode()).hexdigest()[:8]
        if cid not in seen:
            seen.add(cid)
            return cid
        n += 1


def prepare(raw: bytes, release: dict) -> Prepared:
    nb, reason = read_notebook(raw)
    if nb is None:
        return Prepared("malformed", reason)
    notes, tamper = [], []
    if nb.get("metadata", {}).pop("mvdcourse_converted_from", None):
        notes.append("converted from notebook format 3")
    if nb.get("metadata", {}).pop("mvdcourse_ids_repaired", None):
        notes.append("cell ids repaired")

    # cell ids: repair duplicates or gaps quietly (copy-paste does this), noting it
    seen = {c.get("id") for c in nb["cells"]}
    used = set()
    for index, cell in enumerate(nb["cells"]):
        cid = cell.get("id")
        if not cid or cid in used:
            cell["id"] = _new_id(seen, f"cell {index}")
            notes.append("cell ids repaired")
        used.add(cell["id"])

    owned = {_nbg(c)["grade_id"]: c for c in release["cells"] if _nbg(c).get("grade_id")}
    order = [_nbg(c)["grade_id"] for c in release["cells"] if _nbg(c).get("grade_id")]
    kept: dict[str, dict] = {}
    cells = []
    for cell in nb["cells"]:
        meta = _nbg(cell)
        gid = meta.get("grade_id")
        if not meta:
            cells.append(cell)
            continue
        if gid not in owned:
            tamper.append(f"cell with unknown grade id {gid!r}: nbgrader metadata removed")
            cell["metadata"].pop("nbgrader", None)
            cells.append(cell)
            continue
        ref = owned[gid]
        if gid in kept:
            tamper.append(f"{gid}: duplicated; the copy was removed")
            continue
        repaired = cell
        ref_meta = _nbg(ref)
        changed = [f for f in OWNED_FIELDS if meta.get(f) != ref_meta.get(f)]
        if ref_meta.get("locked") or ref_meta.get("grade") and not ref_meta.get("solution"):
            problems = []
            if cell.get("cell_type") != ref["cell_type"]:
                problems.append(f"re-typed as {cell.get('cell_type')}")
            if _source(cell) != _source(ref):
                problems.append("edited")
            if changed:
                problems.append("metadata changed (" + ", ".join(changed) + ")")
            if problems:
                tamper.append(f"{gid}: " + "; ".join(problems) + " — restored from the released copy")
                repaired = copy.deepcopy(ref)
                repaired["id"] = cell["id"]
        else:  # an answer cell: its source is the student's; the cell itself belongs to the course
            problems = []
            if cell.get("cell_type") != ref["cell_type"]:
                problems.append(f"re-typed as {cell.get('cell_type')}")
            if changed:
                problems.append("metadata changed (" + ", ".join(changed) + ")")
            if problems:
                tamper.append(f"{gid}: " + "; ".join(problems) + " — type and metadata restored, answer kept")
                repaired = copy.deepcopy(ref)
                repaired["source"] = _source(cell)
                repaired["id"] = cell["id"]
        if repaired.get("cell_type") == "code":
            repaired.setdefault("outputs", [])
            repaired.setdefault("execution_count", None)
        else:
            repaired.pop("outputs", None)
            repaired.pop("execution_count", None)
        kept[gid] = repaired
        cells.append(repaired)

    # re-insert deleted course cells after their predecessor
    for i, gid in enumerate(order):
        if gid in kept:
            continue
        tamper.append(f"{gid}: deleted — re-inserted from the released copy")
        cell = copy.deepcopy(owned[gid])
        cell["id"] = _new_id(seen, f"restored {gid}")
        prev = next((kept[g] for g in reversed(order[:i]) if g in kept), None)
        pos = next((k + 1 for k, c in enumerate(cells) if c is prev), 0)
        cells.insert(pos, cell)
        kept[gid] = cell
    nb["cells"] = cells
    return Prepared("tampered" if tamper else "ok", "; ".join(tamper), nb, tamper, sorted(set(notes)))
