"""A class on one server under load: N students (default 50) and two instructors on the deploy/ recipe.

What it does, on loopback with real system users, JupyterHub and a PostgreSQL server started for it:
1. the first instructor releases quiz1; every student's server is started at once (JupyterHub's API);
2. every student fetches quiz1 through their own server and answers it;
3. the first half submit together; instructor A collects and grades them (``mvdcourse grade``);
4. then, at the same time: the second half submit, instructor A collects and grades again (only the new
   submissions), and instructor B hand-grades the first half's free-text answers through formgrader's API;
5. checks: every submission in the exchange was collected, graded once, stored in PostgreSQL; B's manual
   scores are all there; no "database is locked" or other error in any output.

Prints: time to start all servers, the submission window, "collect → all graded" for each wave, the hub's
memory (hub + proxy + culler), each student's server memory (median, max), one lesson kernel's peak memory
(Lesson 1 executed as a student), and the estimate per active student (server + lesson kernel) against the
150 MB target. Asserts nothing about speed. Runs as root (system users). Takes several minutes.

Usage: python benchmarks/bench_hub.py [--students 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy import coursehub, hubclient  # noqa: E402
from mvdcourse.quiz import items as itembank  # noqa: E402

COURSE, QUIZ = "mvd-course", "quiz1"
ENV = ROOT / ".hubenv"
MB = 1024 * 1024


def memory_by_user(names: set[str]) -> dict[str, tuple[int, int]]:
    """(RSS, PSS) of every process owned by each user, in bytes. RSS counts the shared libraries in full
    for every process; PSS splits shared pages between the processes that share them (the fair share)."""
    out = {n: [0, 0] for n in names}
    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] in out:
            try:
                full = proc.memory_full_info()
            except psutil.Error:
                continue
            out[proc.info["username"]][0] += full.rss
            out[proc.info["username"]][1] += full.pss
    return {n: tuple(v) for n, v in out.items()}


def hub_rss(site) -> int:
    pid = coursehub.hub_pid(site)
    hub = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [hub, *hub.children(recursive=True)] if p.username() == "root")


def answer(client, student: str, bank, n: int) -> None:
    nb = client.read_notebook(student, f"{QUIZ}/{QUIZ}.ipynb")
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("_answer"):
            item = bank.item(gid.removesuffix("_answer"))
            right = (n + int(item.id[1:])) % 3 != 0
            cell["source"] = f"{item.id} = {item.answer if right else None!r}"
        elif cell.get("id", "").endswith("-response"):
            cell["source"] = f"Free-text answer of {student}: the nerve settles over weeks to months."
    client.write_notebook(student, f"{QUIZ}/{QUIZ}.ipynb", nb)


def lesson_kernel_peak(site, student: str) -> int:
    """Execute Lesson 1 headless as a student; the peak RSS of its kernel (bytes)."""
    script = (
        "cp lessons/01_hfs_and_mvd.ipynb /tmp/bench-$USER.ipynb && "
        "jupyter nbconvert --to notebook --execute --output /tmp/bench-$USER-out.ipynb "
        "/tmp/bench-$USER.ipynb >/dev/null 2>&1; rm -f /tmp/bench-$USER*.ipynb"
    )
    peak, done = 0, threading.Event()

    def watch():
        nonlocal peak
        while not done.is_set():
            for proc in psutil.process_iter(["username", "cmdline", "memory_info"]):
                if proc.info["username"] == student and "ipykernel_launcher" in " ".join(proc.info["cmdline"] or []):
                    peak = max(peak, proc.info["memory_info"].rss)
            time.sleep(0.2)

    t = threading.Thread(target=watch)
    t.start()
    try:
        coursehub.shell(site, student, script, timeout=300)
    finally:
        done.set()
        t.join()
    return peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=50)
    args = ap.parse_args()
    students = [f"mvdbench-s{n:03d}" for n in range(1, args.students + 1)]
    instructors = ["mvdbench-inst-a", "mvdbench-inst-b"]
    users = [{"username": u, "role": "instructor", "password": ""} for u in instructors] + [
        {"username": u, "role": "student", "password": ""} for u in students
    ]
    bank = itembank.load(ROOT / "assignments" / "items" / f"{QUIZ}.yaml")
    figures = {}
    t0 = time.monotonic()
    with coursehub.temporary("bench", users, port=9440, pg_port=9434, user_ports=(9443, 9499), env=ENV) as site:
        print(f"course server up in {time.monotonic() - t0:.0f} s ({len(students)} students, 2 instructors)")
        client = hubclient.Hub(site.url, site.ops_token)
        a, b = instructors

        def instructor(who, script):
            return coursehub.shell(site, who, f"cd ~/mvd-course && {script}")

        instructor(a, f"nbgrader generate_assignment {QUIZ} --force && nbgrader release_assignment {QUIZ} --force")
        t = time.monotonic()
        with ThreadPoolExecutor(len(students) + 2) as pool:
            list(pool.map(client.start, [*instructors, *students]))
        figures["start all servers"] = time.monotonic() - t
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda s: client.fetch(s, COURSE, QUIZ), students))
            list(pool.map(lambda sn: answer(client, sn[1], bank, sn[0]), enumerate(students)))

        memory = memory_by_user(set(students))
        hub_memory = hub_rss(site)

        first, second = students[: len(students) // 2], students[len(students) // 2 :]
        t = time.monotonic()
        with ThreadPoolExecutor(len(first)) as pool:
            list(pool.map(lambda s: client.submit(s, COURSE, QUIZ), first))
        figures[f"{len(first)} submissions at once"] = time.monotonic() - t
        t = time.monotonic()
        out_a1 = instructor(a, f"nbgrader collect {QUIZ} && mvdcourse grade {QUIZ}").stdout
        figures[f"collect → all graded, wave 1 ({len(first)})"] = time.monotonic() - t

        ids = json.loads(
            coursehub.shell(
                site,
                b,
                f"""cd ~/mvd-course && python -c '
import json
from nbgrader.api import Gradebook
from mvdcourse.quiz.course import db_url
with Gradebook(db_url(".")) as gb:
    print(json.dumps([gb.find_grade("q10_task", "{QUIZ}", "{QUIZ}", s).id for s in {json.dumps(first)}]))'""",
            ).stdout
        )
        b_token = client.token(b)

        def hand_grade():
            for n, grade_id in enumerate(ids):
                hubclient.request(
                    f"{site.url}/user/{b}/formgrader/api/grade/{grade_id}",
                    b_token,
                    "PUT",
                    {"manual_score": n % 4, "extra_credit": 0},
                )

        t = time.monotonic()
        with ThreadPoolExecutor(len(second) + 2) as pool:
            subs = [pool.submit(client.submit, s, COURSE, QUIZ) for s in second]
            time.sleep(2)  # grading starts while submissions still arrive
            grading = pool.submit(instructor, a, f"nbgrader collect {QUIZ} && mvdcourse grade {QUIZ}")
            manual = pool.submit(hand_grade)
            [f.result() for f in subs]
            window = time.monotonic() - t
            out_a2 = grading.result().stdout
            manual.result()
        figures[f"wave 2: {len(second)} submit while A grades and B hand-grades"] = time.monotonic() - t
        figures[f"{len(second)} submissions, grading starting 2 s in"] = window
        # Submissions that arrived after A's second collect: collect and grade them (resumable, only new).
        t = time.monotonic()
        out_a3 = instructor(a, f"nbgrader collect {QUIZ} && mvdcourse grade {QUIZ}").stdout
        figures["final collect → all graded"] = time.monotonic() - t

        check = json.loads(
            coursehub.shell(
                site,
                a,
                f"""cd ~/mvd-course && python -c '
import json
from nbgrader.api import Gradebook
from mvdcourse.quiz.course import db_url
with Gradebook(db_url(".")) as gb:
    subs = gb.assignment_submissions("{QUIZ}")
    print(json.dumps({{"submissions": len(subs), "manual": sum(1 for s in {json.dumps(first)}
        if gb.find_grade("q10_task", "{QUIZ}", "{QUIZ}", s).manual_score is not None)}}))'""",
            ).stdout
        )
        ledger = Path(site.state) / "course" / "grading" / f"{QUIZ}.jsonl"
        outcomes = {}
        for line in ledger.read_text().splitlines():
            row = json.loads(line)
            outcomes.setdefault(row["student"], []).append(row["status"])
        inbound = len(list((Path(site.state) / "exchange" / COURSE / "inbound").iterdir()))
        logs = out_a1 + out_a2 + out_a3
        kernel = lesson_kernel_peak(site, students[0])

    per_server = [memory[s][0] / MB for s in students]
    per_server_pss = [memory[s][1] / MB for s in students]
    print("\n== load ==")
    for name, seconds in figures.items():
        print(f"{name:<58}{seconds:>8.1f} s")
    print(f"{'submissions in the exchange / in the PostgreSQL gradebook':<58}{inbound:>5} / {check['submissions']}")
    print(
        f"{'students with exactly one outcome in the ledger':<58}"
        f"{sum(1 for s in students if len(outcomes.get(s, [])) == 1):>5} of {len(students)}"
        f"  (statuses: {sorted({st for v in outcomes.values() for st in v})})"
    )
    print(f"{'manual scores written by B during grading':<58}{check['manual']:>5} of {len(first)}")
    print(
        f"{'database is locked / error lines in grading output':<58}"
        f"{logs.count('database is locked'):>5} / {sum('error' in ln.lower() for ln in logs.splitlines())}"
    )
    print("\n== memory ==")
    print(f"{'hub + proxy + idle culler':<58}{hub_memory / MB:>8.0f} MB")
    print(
        f"{'a student server, RSS (median / max)':<58}{statistics.median(per_server):>8.0f} / {max(per_server):.0f} MB"
    )
    print(f"{'a student server, PSS: shared libraries split (median)':<58}{statistics.median(per_server_pss):>8.0f} MB")
    print(f"{'Lesson 1 kernel peak (executed as a student)':<58}{kernel / MB:>8.0f} MB")
    for label, server in (("RSS", statistics.median(per_server)), ("PSS", statistics.median(per_server_pss))):
        per_student = server + kernel / MB + hub_memory / MB / len(students)
        print(
            f"{'per active student, ' + label + ' (server + lesson kernel + hub share)':<58}"
            f"{per_student:>8.0f} MB  (target < 150); 50 students: {per_student * 50 / 1024:.1f} GB of 24 GB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
