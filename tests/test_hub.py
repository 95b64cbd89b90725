"""A whole class on one server, end to end on loopback: the recipe in deploy/ brings up JupyterHub with real
system users, PAM login, configurable-http-proxy, nbgrader's exchange and a PostgreSQL server (started here,
in a temp folder, stopped after). One instructor and five students run the real cycle:

release → each student's own server fetches, answers (differently) and submits through the hub's API →
collect → ``mvdcourse grade`` (a closed-form quiz: without a kernel, in batched PostgreSQL transactions) →
one free-text answer graded by hand in formgrader (Chromium, logged in as the instructor) → feedback
generated, released and fetched.

Asserted: exact scores; the rows are in PostgreSQL and no SQLite file exists anywhere; students cannot read
each other's work, the exchange's inbound, the sources, keys or gradebook password; students have no
formgrader and cannot reach the instructor's server.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from deploy import coursehub, hubclient
from mvdcourse import paths
from mvdcourse.quiz import items as itembank
from mvdcourse.quiz import order

from . import hubkit
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

COURSE, QUIZ = "mvd-course", "quiz1"
INSTRUCTOR = "mvdtest-inst"
STUDENTS = [f"mvdtest-s{n}" for n in range(1, 6)]
USERS = [{"username": INSTRUCTOR, "role": "instructor", "password": "I-" + secrets.token_hex(6)}] + [
    {"username": s, "role": "student", "password": "S-" + secrets.token_hex(6)} for s in STUDENTS
]
PASSWORD = {u["username"]: u["password"] for u in USERS}
BANK = itembank.load(paths.COURSE_ROOT / "assignments" / "items" / f"{QUIZ}.yaml")

pytestmark = [pytest.mark.hub, pytest.mark.slow]


def as_shown(item, canonical, student: str):
    """A canonical answer as the letter(s) this student sees (options are shuffled per student)."""
    if not (BANK.shuffle_options and getattr(item, "options", None)):
        return canonical
    return order.to_shown(canonical, order.shown_order(QUIZ, item.id, student, "".join(item.options)))


def answers_for(n: int, student: str) -> tuple[dict[str, str], float]:
    """Student n answers the first n+2 closed questions correctly; single-answer items after that with a
    wrong option, the others left blank — each question slot holding the item this student sees there, in
    letters of their own option order (both differ per student, issue 12). Returns (answer cell sources by
    slot, expected automatic score)."""
    cells, expected = {}, 0.0
    placement = BANK.placement(student)
    for k, slot in enumerate(i.id for i in BANK.closed_items):
        item = BANK.item(placement[slot])
        if k < n + 2:
            cells[slot] = f"{slot} = {as_shown(item, item.answer, student)!r}"
            expected += item.points
        elif item.type == "single":
            wrong = next(o for o in item.options if o != item.answer)
            cells[slot] = f"{slot} = {as_shown(item, wrong, student)!r}"
    return cells, expected


def free_text(student: str) -> str:
    return f"Answer by {student}: the nerve recovers gradually after decompression, so we wait and review."


@pytest.fixture(scope="module")
def hub():
    reason = hubkit.missing_requirements()
    if reason:
        pytest.skip(reason)
    with coursehub.temporary(
        "hubtest", USERS, port=9400, pg_port=9433, user_ports=(9403, 9419), env=hubkit.TEST_ENV
    ) as site:
        yield site, hubclient.Hub(site.url, site.ops_token)


def instructor(site, script: str, **kw):
    return hubkit.as_user(site, INSTRUCTOR, f"cd ~/mvd-course && {script}", **kw)


@pytest.fixture(scope="module")
def cycle(hub):
    """Release, fetch, answer, submit, collect, grade: the state every test below inspects."""
    site, client = hub
    instructor(site, f"nbgrader generate_assignment {QUIZ} --force && nbgrader release_assignment {QUIZ} --force")
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(client.start, [INSTRUCTOR, *STUDENTS]))
    expected = {}
    for n, student in enumerate(STUDENTS):
        client.fetch(student, COURSE, QUIZ)
        nb = client.read_notebook(student, f"{QUIZ}/{QUIZ}.ipynb")
        cells, expected[student] = answers_for(n, student)
        for cell in nb["cells"]:
            gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
            if gid.endswith("_answer") and gid.removesuffix("_answer") in cells:
                cell["source"] = cells[gid.removesuffix("_answer")]
            if cell.get("id", "").endswith("-response"):
                cell["source"] = free_text(student)
        client.write_notebook(student, f"{QUIZ}/{QUIZ}.ipynb", nb)
        client.submit(student, COURSE, QUIZ)
    instructor(site, f"nbgrader collect {QUIZ}")
    graded = instructor(site, f"mvdcourse grade {QUIZ}")
    return {"expected": expected, "grade_output": graded.stdout}


def auto_scores(site) -> dict:
    return hubkit.gradebook(
        site,
        (f"result = {{s.student_id: [s.score, s.needs_manual_grade] for s in gb.assignment_submissions({QUIZ!r})}}"),
    )


def test_every_student_graded_exactly_from_postgresql(hub, cycle):
    site, _ = hub
    assert "graded" in cycle["grade_output"] and "error" not in cycle["grade_output"].split("outcome")[-1]
    assert f"grading {QUIZ} without a kernel" in cycle["grade_output"]  # the batched path, on PostgreSQL
    scores = auto_scores(site)
    assert set(scores) == set(STUDENTS)
    for student in STUDENTS:
        score, needs_manual = scores[student]
        assert score == pytest.approx(cycle["expected"][student]), student
        assert needs_manual, f"{student}'s free-text answer should wait for the instructor"
    # The rows are in the PostgreSQL gradebook, read with SQL, not through nbgrader.
    rows = hubkit.psql(
        site,
        "gradebook",
        f"SELECT count(*) FROM submitted_assignment sa JOIN assignment a "
        f"ON a.id = sa.assignment_id WHERE a.name = '{QUIZ}'",
    )
    assert int(rows) == len(STUDENTS)
    grade_rows = int(hubkit.psql(site, "gradebook", "SELECT count(*) FROM grade"))
    assert grade_rows == len(STUDENTS) * (len(BANK.closed_items) + 1)
    # JupyterHub's own database is PostgreSQL too.
    hub_users = hubkit.psql(site, "jupyterhub", "SELECT name FROM users ORDER BY name").split()
    assert set(hub_users) >= {INSTRUCTOR, *STUDENTS}


def test_students_cannot_read_each_other_or_the_instructor(hub, cycle):
    site, client = hub
    state = Path(site.state)
    inbound = state / "exchange" / COURSE / "inbound"
    victim_home = Path(f"/home/{STUDENTS[0]}")
    probes = {
        "another student's home": f"ls {victim_home}",
        "another student's fetched quiz": f"cat {victim_home}/{QUIZ}/{QUIZ}.ipynb",
        "the exchange's inbound (all submissions)": f"ls {inbound}",
        "the course directory": f"ls {state}/course",
        "the item bank with the keys": f"cat {state}/course/items/{QUIZ}.yaml",
        "the gradebook password": f"cat {state}/course/nbgrader_config.py",
        "the collected submissions": f"ls {state}/course/submitted",
        "the hub's secrets": f"ls {state}/secrets",
        "the database files": f"ls {state}/postgres",
    }
    for what, script in probes.items():
        proc = hubkit.as_user(site, STUDENTS[1], script, check=False)
        assert proc.returncode != 0 and "Permission denied" in proc.stderr, f"a student could read {what}"
    # The keys are not in the shared user environment either (only lessons, fact base, package).
    proc = hubkit.as_user(site, STUDENTS[1], f"grep -rl 'answer: C' {site.venv}/../content || true")
    assert proc.stdout.strip() == ""
    # Through the hub: another user's server and the instructor's server are closed to a student's token.
    for other in (INSTRUCTOR, STUDENTS[0]):
        with pytest.raises(hubclient.HubAPIError) as err:
            client.server(other, "api/contents/", token=client.token(STUDENTS[1]))
        assert err.value.status in (403, 404)
    # The submission names in inbound carry a random part: knowing a classmate's name is not enough.
    names = [p.name for p in inbound.iterdir()]
    assert len(names) == len(STUDENTS) and all(len(n.split("+")) == 4 for n in names)


def test_student_servers_have_no_formgrader(hub, cycle):
    _, client = hub
    with pytest.raises(hubclient.HubAPIError) as err:
        client.server(STUDENTS[0], "formgrader")
    assert err.value.status == 404
    assert "Manage Assignments" in client.server(INSTRUCTOR, "formgrader")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def login(browser, site, user: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{site.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/**", timeout=120_000)
    return context, page


def test_hand_grading_in_formgrader_then_feedback_only_to_each_student(hub, cycle, browser):
    site, client = hub
    first = STUDENTS[0]
    notebook_id = hubkit.gradebook(site, (f"result = gb.find_submission_notebook({QUIZ!r}, {QUIZ!r}, {first!r}).id"))
    # A student who types the formgrader address gets "not found".
    context, page = login(browser, site, STUDENTS[1])
    response = page.goto(f"{site.url}/user/{STUDENTS[1]}/formgrader")
    assert response.status == 404
    page.goto(f"{site.url}/user/{STUDENTS[1]}/lab/tree/{QUIZ}/{QUIZ}.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "hub-student-quiz.png"))
    context.close()

    context, page = login(browser, site, INSTRUCTOR)
    page.goto(f"{site.url}/user/{INSTRUCTOR}/formgrader/submissions/{notebook_id}/?index=0")
    page.wait_for_load_state("networkidle")
    score = page.locator("input.score#q10_task")
    score.wait_for(timeout=60_000)
    assert free_text(first) in page.content()
    score.click()
    score.type("2")
    score.press("Tab")  # formgrader saves on change
    for _ in range(60):  # the one manual score in the gradebook, read with SQL
        if hubkit.psql(site, "gradebook", "SELECT count(*) FROM grade WHERE manual_score = 2") == "1":
            break
        page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "hub-formgrader-manual-grade.png"))
    context.close()

    manual_score = f"result = gb.find_grade('q10_task', {QUIZ!r}, {QUIZ!r}, {first!r}).manual_score"
    assert hubkit.gradebook(site, manual_score) == 2
    assert auto_scores(site)[first][0] == pytest.approx(cycle["expected"][first] + 2)

    # Four free-text answers still wait for grading: --partial sends provisional feedback (it says so).
    instructor(site, f"mvdcourse feedback {QUIZ} --partial && nbgrader release_feedback {QUIZ}")
    for student in STUDENTS:
        client.fetch_feedback(student, COURSE, QUIZ)
        folder = client.server(student, f"api/contents/{QUIZ}/feedback")["content"]
        assert len(folder) == 1
        html = client.server(student, f"api/contents/{quote(folder[0]['path'])}/{QUIZ}.html?content=1&format=text")
        text = html["content"]
        assert free_text(student) in text and "MARK SCHEME" not in text
        assert not any(free_text(other) in text for other in STUDENTS if other != student)
    # Everyone's feedback sits in one exchange folder that students can enter but not list.
    proc = hubkit.as_user(site, STUDENTS[1], f"ls {site.state}/exchange/{COURSE}/feedback", check=False)
    assert proc.returncode != 0 and "Permission denied" in proc.stderr


def test_no_sqlite_file_anywhere(hub, cycle):
    """Last: after servers, kernels (the browser opened a quiz), grading, formgrader and feedback ran."""
    site, _ = hub
    homes = [Path(f"/home/{u['username']}") for u in USERS]
    venv = str(Path(site.venv))
    found = hubkit.sqlite_files(Path(site.state), *homes, skip=(venv,))
    assert found == []
