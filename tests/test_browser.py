"""Real-browser smoke test: a real JupyterLab server and Debian's Chromium, driven by Playwright.

For every lesson: open it, run all cells, check that no cell shows an error or stderr, that the widgets
rendered with alt text on their figures, then move one control (the first slider, else the second
button of the first toggle group) and check that the first figure changed. A screenshot per lesson is
saved to test-artifacts/. The server runs on a free loopback port, on a copy of the lessons, with
Jupyter's config, data and runtime folders isolated from $HOME.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mvdcourse import paths

from . import a11y
from .conftest import LESSON_NOTEBOOKS

CHROMIUM = "/usr/bin/chromium"
STUDENT_CONFIG = paths.COURSE_ROOT / "config" / "student"
TOKEN = "mvd-course-test"
ARTIFACTS = paths.COURSE_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle/.test(e.textContent))"
# Code cells are folded (source hidden), so their prompts are not on screen: ask the notebook model.
ALL_RUN = (
    "() => { const nb = window.jupyterapp.shell.currentWidget?.content; if (!nb?.model) return false;"
    " const cells = [...nb.model.cells].filter(c => c.type === 'code');"
    " return cells.length > 0 && cells.every(c => c.executionCount !== null && c.executionCount > 0)"
    " && ![...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]"
    ".some(e => e.textContent.includes('*')); }"
)
FIRST_FIGURE = (
    "() => { const i = document.querySelector('.jp-Notebook .widget-html-content img[alt]');"
    " return i ? i.getAttribute('src') : null; }"
)

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(home, root, command=None, student=False):
    """Start JupyterLab on ``root`` (or run ``command(port)`` there) with Jupyter's folders under ``home``;
    yields its base URL. ``student``: launched as ``make start`` does, with config/student on
    JUPYTER_CONFIG_PATH."""
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[var] = str(home / var.lower())
    env.pop("JUPYTER_CONFIG_PATH", None)
    if student:
        env["JUPYTER_CONFIG_PATH"] = str(STUDENT_CONFIG)
    env["MVDCOURSE_ROOT"] = str(paths.COURSE_ROOT)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    # JupyterLab's news pop-up would cover the page: disable it in the isolated config.
    labconfig = home / "jupyter_config_dir" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={TOKEN}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.open_browser=False",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    if command is not None:
        cmd = command(port)
    log = open(home / "server.log", "w")  # noqa: SIM115 — closed when the server stops
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not answer within 60 s")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def need_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`)")


def write_low_contrast_fixture(path):
    """A notebook whose last cell, far below the fold, holds grey-on-white text (contrast about 1.4:1)."""
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("# Audit fixture")]
    cells += [nbformat.v4.new_markdown_cell(f"Paragraph {i} of ordinary, readable text.") for i in range(40)]
    cells.append(nbformat.v4.new_markdown_cell('<p><span style="color:#dddddd">Planted low-contrast text</span></p>'))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


def open_notebook(page, url):
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)


def assert_accessible(page, when):
    """0 violations in course content; JupyterLab's own only those in the checked-in baseline."""
    found = a11y.audit(page)
    content = [v for v in found if v["content"]]
    assert content == [], f"{when}: accessibility violations in course content:\n{a11y.describe(content)}"
    new = a11y.check_against_baseline(found)
    assert new == [], f"{when}: JupyterLab violations not in tests/a11y_baseline.json: {new}\n" + a11y.describe(
        [v for v in found if f"{v['rule']} @ {v['where']}" in new]
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    need_chromium()
    home = tmp_path_factory.mktemp("jupyter")
    work = home / "course"
    shutil.copytree(paths.LESSONS, work / "lessons", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_low_contrast_fixture(work / "fixtures" / "low_contrast.ipynb")
    yield from start_lab(home, work, student=True)


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """The instructor launch, ``mvdcourse lab``, run inside a copy of the nbgrader course directory with
    quiz1 generated (as an instructor has it on a server)."""
    need_chromium()
    from mvdcourse.quiz import course as course_mod

    home = tmp_path_factory.mktemp("instructor")
    course = home / "course"
    course.mkdir()
    for part in ("nbgrader_config.py", "items", "source"):
        src = paths.COURSE_ROOT / "assignments" / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, course / part)
    course_mod.generate(course, "quiz1")

    def instructor_launch(port):
        return [
            sys.executable,
            "-m",
            "mvdcourse.cli",
            "lab",
            f"--port={port}",
            f"--token={TOKEN}",
            "--",
            "--LabApp.expose_app_in_browser=True",
        ]

    yield from start_lab(home, course, instructor_launch)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    page.close()


def move_one_control(page) -> str:
    slider = page.locator(".jp-Notebook .mvd-slider input[type=range]").first
    if slider.count():  # by keyboard alone: focus it, press an arrow key
        slider.scroll_into_view_if_needed()
        slider.focus()
        page.keyboard.press("ArrowRight")
        return "slider (keyboard)"
    button = page.locator(".jp-Notebook .widget-toggle-buttons button").nth(1)
    button.scroll_into_view_if_needed()
    button.click()
    return "toggle button"


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_runs_and_reacts_in_a_real_browser(lab, page, path):
    open_notebook(page, f"{lab}/lab/tree/lessons/{path.name}?reset&token={TOKEN}")
    page.wait_for_timeout(500)
    assert page.locator(".jp-mod-current.jp-mod-dirty").count() == 0, "opening the lesson marked it modified"
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=120_000, polling=250)
    page.wait_for_function(IDLE, timeout=60_000)
    settle(page)

    errors = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.text_content()[:1000]
    assert page.locator("text=Error displaying widget").count() == 0
    assert page.locator(".jp-Notebook .jupyter-widgets.widget-container").count() >= 5
    images = page.locator(".jp-Notebook .widget-html-content img")
    assert images.count() >= 1
    alts = [images.nth(i).get_attribute("alt") for i in range(images.count())]
    assert all(a and len(a) > 20 for a in alts), alts
    assert_accessible(page, "after Run All")

    before = page.evaluate(FIRST_FIGURE)
    assert before, "the first demo shows a figure"
    moved = move_one_control(page)
    page.wait_for_function(f"(before) => ({FIRST_FIGURE})() !== before", arg=before, timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    page.wait_for_timeout(300)
    page.locator(".jp-Notebook .widget-html-content img[alt]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
    assert page.evaluate(FIRST_FIGURE) != before, f"moving a {moved} did not redraw the figure"
    assert_accessible(page, f"after moving a {moved}")
    assert page.errors == [], page.errors


def test_audit_catches_planted_low_contrast_text(lab, page):
    open_notebook(page, f"{lab}/lab/tree/fixtures/low_contrast.ipynb?reset&token={TOKEN}")
    found = [v for v in a11y.audit(page) if v["content"]]
    assert [v["rule"] for v in found] == ["color-contrast"], a11y.describe(found)
    assert "Planted low-contrast text" in found[0]["html"]


def test_student_launch_has_no_instructor_tools(lab, page):
    open_notebook(page, f"{lab}/lab/tree/lessons/{LESSON_NOTEBOOKS[0].name}?reset&token={TOKEN}")
    menus = page.locator(".lm-MenuBar-itemLabel").all_text_contents()
    assert "Run" in menus and "Nbgrader" not in menus, menus
    assert page.locator("[title*='Create Assignment'], #create_assignment_widget").count() == 0
    page.keyboard.press("Control+Shift+C")
    page.keyboard.type("formgrader")
    page.wait_for_timeout(300)
    assert page.locator(".lm-CommandPalette-item:visible").count() == 0, "the command palette offers the formgrader"
    assert page.request.get(f"{lab}/formgrader?token={TOKEN}").status == 404


def test_released_quiz_opens_and_its_checks_speak_about_format_only(course_lab, page):
    page.goto(f"{course_lab}/lab/tree/release/quiz1/quiz1.ipynb?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    # an unanswered quiz: Run All goes through every cell, each check saying one plain sentence
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector("text=Format problem: q1 has no answer yet", timeout=60_000)
    page.wait_for_function(ALL_RUN, timeout=120_000, polling=250)
    page.wait_for_function(IDLE, timeout=60_000)
    settle(page)
    stderr = ".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']"
    # the last outputs can reach the page just after the kernel reports idle; the assertion says what was found
    with contextlib.suppress(Exception):
        page.wait_for_function(f"() => document.querySelectorAll({stderr!r}).length >= 9", timeout=30_000)
    errors = page.locator(stderr)
    texts = [errors.nth(i).text_content().strip() for i in range(errors.count())]  # hidden cells too
    assert len(texts) == 9, texts  # the nine closed questions, the last one included
    assert texts[0] == 'Format problem: q1 has no answer yet; write e.g. q1 = "A".'
    assert all(t.startswith("Format problem:") and t.count("\n") == 0 for t in texts), texts
    assert page.locator(".jp-Notebook .jp-OutputArea-output:has-text('Traceback')").count() == 0
    assert page.locator(".jp-Notebook .jp-OutputArea-output:has-text('AssertionError')").count() == 0
    assert "correct" not in " ".join(texts).lower().replace("incorrect", "")
    rendered = page.locator(".jp-Notebook .jp-MarkdownOutput")
    assert rendered.filter(has_text="Double-click this cell to type your answer here").count() == 1
    assert rendered.filter(has_text="double-click it (or select it and press Enter) to edit it").count() == 1
    assert_accessible(page, "released quiz after Run All")
    page.screenshot(path=str(ARTIFACTS / "quiz1_release.png"))


def test_instructor_launch_opens_formgrader_listing_every_assignment(course_lab, page):
    page.goto(f"{course_lab}/?token={TOKEN}")  # the launch's default page is the formgrader
    page.wait_for_selector("td:has-text('quiz1')", timeout=60_000)
    assert "/formgrader" in page.url
    from mvdcourse.quiz import items

    for name in items.all_assignments():
        assert page.locator(f"td:has-text('{name}')").count() >= 1, name
    assert page.locator("text=No data available in table").count() == 0
    page.screenshot(path=str(ARTIFACTS / "formgrader.png"))


SELF_CHECK = ".jp-Notebook .widget-vbox:has(> .widget-radio):has(> button:has-text('Check answer'))"


def run_all(page):
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


# Widget views are drawn after the kernel reports idle: count the outputs still empty and the figures drawn.
DRAWN = """() => { const views = [...document.querySelectorAll(
    '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')];
  const empty = views.filter(v => !v.querySelector('.jupyter-widgets')).length;
  return [empty, document.querySelectorAll('.jp-Notebook .widget-html-content img[alt]').length]; }"""


def settle(page, timeout_s: float = 30.0) -> None:
    """Wait until every widget output of the notebook is drawn and the number of figures has stopped
    changing for a second (the last views can reach the page just after the kernel reports idle)."""
    deadline = time.monotonic() + timeout_s
    last, steady = None, 0
    while time.monotonic() < deadline and steady < 4:
        now = page.evaluate(DRAWN)
        steady = steady + 1 if (now == last and now[0] == 0) else 0
        last = now
        page.wait_for_timeout(250)


def choose(control) -> None:
    """Check a radio button or check box, as a click does. ipywidgets redraws a radio group's inputs when an
    update from the kernel arrives, so a click can land on an input that is replaced at that moment (and
    Playwright's ``check()`` then reads the replaced one): click the current input until it reads checked."""
    from playwright.sync_api import expect

    for attempt in range(3):
        if not control.is_checked():
            control.click()
        try:
            expect(control).to_be_checked(timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def test_self_check_answer_survives_a_kernel_restart(lab, page):
    open_notebook(page, f"{lab}/lab/tree/lessons/01_hfs_and_mvd.ipynb?reset&token={TOKEN}")
    run_all(page)
    page.wait_for_function(ALL_RUN, timeout=120_000, polling=250)
    check = page.locator(SELF_CHECK).first
    chosen = check.locator(".widget-radio-box label").nth(2).text_content().split(". ", 1)[1]
    choose(check.locator("input[type=radio]").nth(2))
    check.locator("button:has-text('Check answer')").click()
    check.locator("p:has-text('Not quite'), p:has-text('Correct')").first.wait_for(timeout=30_000)
    verdict = "Not quite" if "Not quite (C)" in check.text_content() else "Correct"

    page.evaluate(
        "() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }"
    )  # resolves only after the dialog
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function(IDLE, timeout=60_000)
    run_all(page)
    page.wait_for_selector(".jp-Notebook >> text=Your saved answer from an earlier session", timeout=120_000)
    check = page.locator(SELF_CHECK).first
    # options are shown in a new order each time: the same option comes back chosen, under any letter
    picked = check.locator(".widget-radio-box label:has(input:checked)")
    assert picked.count() == 1 and picked.text_content().split(". ", 1)[1] == chosen
    assert verdict in check.text_content()
    page.screenshot(path=str(ARTIFACTS / "selfcheck_after_restart.png"))


def _wait_for_new_figure(page, index: int, before: str) -> None:
    """Wait until the notebook's ``index``-th figure shows another image than ``before``."""
    page.wait_for_function(
        "([i, b]) => [...document.querySelectorAll('.jp-Notebook .widget-html-content img[alt]')][i]"
        ".getAttribute('src') !== b",
        arg=[index, before],
        timeout=30_000,
    )


def _figure_srcs(page) -> list:
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-Notebook .widget-html-content img[alt]')]"
        ".map(i => i.getAttribute('src'))"
    )


def _figure_alts(page) -> list:
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-Notebook .widget-html-content img[alt]')]"
        ".map(i => i.getAttribute('alt'))"
    )


def test_lesson_zero_face_plays_and_every_new_widget_reacts(lab, page):
    """The animated face plays in the browser (two frames captured), and each Lesson 0 demo redraws."""
    page.goto(f"{lab}/lab/tree/lessons/00_recognising_hfs.ipynb?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=120_000, polling=250)
    page.wait_for_function(IDLE, timeout=60_000)
    settle(page)
    assert page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']").count() == 0

    # demo order: face player, which-is-it, root-exit-zone explorer, severity calculator
    srcs = _figure_srcs(page)
    assert len(srcs) == 4, f"expected four demo figures, found {len(srcs)}"

    # 1. Play the face: the figure changes by itself, frame after frame
    play = page.get_by_role("button", name="Play clip").first
    play.scroll_into_view_if_needed()
    first_alt = _figure_alts(page)[0]
    assert "frame 1 of 12" in first_alt
    page.locator(".jp-Notebook .widget-html-content img[alt]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "00_face_frame_a.png"))
    play.click()
    page.wait_for_function(
        "(a) => { const i = document.querySelector('.jp-Notebook .widget-html-content img[alt]');"
        " return i && i.getAttribute('alt') !== a && !/frame 1 of 12/.test(i.getAttribute('alt')); }",
        arg=first_alt,
        timeout=30_000,
    )
    second_alt = _figure_alts(page)[0]
    # keep playing until the frame with the other Babinski sign (eye shut, eyebrow raised) is on screen
    page.wait_for_function(
        "() => { const i = document.querySelector('.jp-Notebook .widget-html-content img[alt]');"
        " return i && /eyebrow raised, eye shut/.test(i.getAttribute('alt')); }",
        timeout=30_000,
    )
    page.locator(".jp-Notebook .widget-html-content img[alt]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "00_face_frame_b.png"))
    third_alt = _figure_alts(page)[0]
    assert len({first_alt, second_alt, third_alt}) == 3, "the clip did not advance frame by frame"
    page.get_by_role("button", name="Pause clip").first.click()  # pause

    # 2. Which is it: a new case redraws; an answer gets reasoning
    before = _figure_srcs(page)[1]
    dropdown = page.locator(".jp-Notebook .widget-dropdown select").first
    dropdown.scroll_into_view_if_needed()
    dropdown.select_option(label="Case C")
    _wait_for_new_figure(page, 1, before)
    exercise = page.locator(".jp-Notebook .widget-vbox:has(> .widget-dropdown)").first
    choose(exercise.get_by_role("radio", name="Typical hemifacial spasm", exact=True))
    exercise.locator("button:has-text('Check answer')").click()
    exercise.locator("text=Correct.").wait_for(timeout=30_000)
    assert "other Babinski sign" in exercise.inner_text()

    # 3. Root exit zone explorer: choose another segment
    before = _figure_srcs(page)[2]
    button = page.locator(".jp-Notebook .widget-toggle-buttons button:has-text('Root exit point')").first
    button.scroll_into_view_if_needed()
    button.click()
    _wait_for_new_figure(page, 2, before)
    assert "Root exit point (RExP) is highlighted" in _figure_alts(page)[2]

    # 4. Severity calculator: tick a finding, the grade changes
    before = _figure_srcs(page)[3]
    box = page.locator(".jp-Notebook .widget-checkbox:has-text('Disfiguring asymmetry') input").first
    box.scroll_into_view_if_needed()
    choose(box)
    _wait_for_new_figure(page, 3, before)
    assert "SMC grade IV, highlighted" in _figure_alts(page)[3]
    page.screenshot(path=str(ARTIFACTS / "00_severity.png"))
    assert page.errors == [], page.errors


CONSENT_FIGURE = (
    "() => { const i = [...document.querySelectorAll('.jp-Notebook .widget-html-content img[alt]')]"
    ".find(i => i.getAttribute('alt').startsWith('Range chart for a redo MVD'));"
    " return i ? [i.getAttribute('src'), i.getAttribute('alt')] : null; }"
)


def test_lesson_four_consent_conversation_reacts_to_each_control(lab, page):
    """The consent demo in a real browser: ticking the only-hearing-ear box and switching the situation
    redraw the chart (new picture, new alt text) and add the caveats to the conversation."""
    open_notebook(page, f"{lab}/lab/tree/lessons/04_revision.ipynb?reset&token={TOKEN}")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=120_000, polling=250)
    page.wait_for_function(IDLE, timeout=60_000)
    settle(page)
    assert page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    src, alt = page.evaluate(CONSENT_FIGURE)
    assert "persistent spasm" in alt and "only hearing ear" not in alt
    demo = page.locator(".jp-Notebook .widget-vbox:has(.widget-checkbox:has-text('only hearing ear'))").last
    assert "Only hearing ear:" not in demo.inner_text()

    box = demo.locator(".widget-checkbox:has-text('The operated ear is the only hearing ear') input")
    box.scroll_into_view_if_needed()
    choose(box)
    page.wait_for_function(f"(s) => ({CONSENT_FIGURE})()[0] !== s", arg=src, timeout=30_000)
    src, alt = page.evaluate(CONSENT_FIGURE)
    assert "Hearing loss is highlighted because the operated ear is the only hearing ear" in alt
    demo.locator("text=Only hearing ear:").wait_for(timeout=30_000)

    demo.locator(".widget-toggle-buttons button:has-text('recurrent spasm')").click()
    page.wait_for_function(f"(s) => ({CONSENT_FIGURE})()[0] !== s", arg=src, timeout=30_000)
    assert "for recurrent spasm" in page.evaluate(CONSENT_FIGURE)[1]
    demo.locator("text=late re-operation for recurrence did less well").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    demo.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "04_consent.png"))
    assert page.errors == [], page.errors


# Option rows that overlap, or whose text spills out of its row: a wrapped option printed over the next.
OVERLAPPING_OPTIONS = """() => { let n = 0;
  for (const box of document.querySelectorAll('.jp-Notebook .mvd-selfcheck .widget-radio-box')) {
    const labels = [...box.querySelectorAll('label')], r = labels.map(l => l.getBoundingClientRect());
    for (let i = 1; i < r.length; i++) if (r[i].top < r[i - 1].bottom - 1) n++;
    for (const l of labels) if (l.scrollHeight > l.clientHeight + 1) n++; }  // text spilling out of its row
  return n; }"""


def test_self_check_options_wrap_without_overlap_from_700_to_1600_px(lab, page):
    open_notebook(page, f"{lab}/lab/tree/lessons/04_revision.ipynb?reset&token={TOKEN}")
    run_all(page)
    page.wait_for_function(ALL_RUN, timeout=180_000, polling=500)
    settle(page)
    checks = page.locator(".jp-Notebook .mvd-selfcheck")
    assert checks.count() >= 5
    for width in (700, 1100, 1600):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(500)
        assert page.evaluate(OVERLAPPING_OPTIONS) == 0, f"self-check options overlap at {width} px"
        checks.nth(1).scroll_into_view_if_needed()
        checks.nth(1).screenshot(path=str(ARTIFACTS / f"selfcheck_{width}px.png"))


SLOW_DEMO = """\
import time
import ipywidgets as w
from mvdcourse import style, widgets as demo

def figure(s, fb):
    time.sleep(1.5)  # a slow state, so that the busy indicator stays up long enough to see
    fig, ax = style.new_figure(3, 2)
    ax.plot([0, 1], [0, s])
    return fig, {}

slope = w.ToggleButtons(options=[1, 2, 3], description="Slope:")
demo.FigureDemo([slope], figure, lambda s, fb: f"Line of slope {s}", lambda s, fb: f"<p>slope {s}</p>", None)
"""
BUSY = "() => document.querySelector('.mvd-demo')?.getAttribute('aria-busy')"


def test_a_slow_redraw_shows_the_busy_indicator_and_a_cached_one_does_not(lab, page):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SLOW_DEMO)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    body = {"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(nb))}
    assert page.request.put(f"{lab}/api/contents/busy_demo.ipynb?token={TOKEN}", data=body).ok
    open_notebook(page, f"{lab}/lab/tree/busy_demo.ipynb?reset&token={TOKEN}")
    run_all(page)
    page.wait_for_selector(".mvd-demo img[alt='Line of slope 1']", timeout=60_000)
    page.locator(".mvd-demo .widget-toggle-buttons button", has_text="3").click()  # not drawn yet
    page.wait_for_function(f"() => ({BUSY})() === 'true'", timeout=10_000)
    status = page.locator(".mvd-demo .mvd-busy-status [role=status]")
    assert status.text_content() == "Redrawing the figure…"
    page.locator(".mvd-demo").screenshot(path=str(ARTIFACTS / "busy_indicator.png"))
    page.wait_for_selector(".mvd-demo img[alt='Line of slope 3']", timeout=30_000)
    page.wait_for_function(f"() => ({BUSY})() === 'false'", timeout=10_000)
    assert status.text_content() == ""
    page.wait_for_function(IDLE, timeout=30_000)
    page.wait_for_timeout(4000)  # state 2 is drawn ahead meanwhile
    page.evaluate(
        "() => { window.busySeen = false; new MutationObserver(() => { if (document.querySelector("
        "'.mvd-demo[aria-busy=\"true\"]')) window.busySeen = true; }).observe(document.body,"
        " {subtree: true, attributes: true}); }"
    )
    page.locator(".mvd-demo .widget-toggle-buttons button", has_text="2").click()
    page.wait_for_selector(".mvd-demo img[alt='Line of slope 2']", timeout=10_000)
    assert page.evaluate("() => window.busySeen") is False, "a state drawn ahead showed the busy indicator"
    assert page.errors == [], page.errors
