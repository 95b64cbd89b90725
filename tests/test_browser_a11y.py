"""Keyboard, screen-reader and legibility checks of every lesson in a real JupyterLab and Debian Chromium.

* Every control of every demo and self-check (every lesson of the registry) is reached with Tab and
  changed with keys alone, and its output changes (figure, alt text or text panel; a self-check's
  feedback after its Check button is pressed with Enter).
* Radio options are real radio groups (one Tab stop, arrows move the choice), toggle buttons say whether
  they are pressed, the focus ring is visible, feedback is announced (live region).
* Figure text is at least 11 px as rendered, at the width a student has with the file browser open and at
  700, 1100 and 1600 px (a figure too wide for the notebook scrolls sideways in a named Tab stop).
* No button or label is cut off without its full text at hand; screenshots at 700, 1100 and 1600 px.
"""

from __future__ import annotations

import re

import pytest

from mvdcourse.lessons import LESSONS

from .test_browser import (  # noqa: F401 (fixtures)
    ALL_RUN,
    ARTIFACTS,
    IDLE,
    TOKEN,
    browser,
    lab,
    open_notebook,
    page,
    run_all,
    settle,
)

pytestmark = pytest.mark.browser

#: the notebook width a student has at 1280 × 900 with the file browser open (issue 17)
STUDENT_VIEWPORT = {"width": 1280, "height": 900}
MIN_FIGURE_TEXT_PX = 11


def run_lesson(pg, notebook: str, viewport=STUDENT_VIEWPORT) -> None:
    pg.set_viewport_size(viewport)
    open_notebook(pg, f"{pg.context.lab_url}/lab/tree/lessons/{notebook}.ipynb?reset&token={TOKEN}")
    run_all(pg)
    pg.wait_for_function(ALL_RUN, timeout=180_000, polling=500)
    pg.wait_for_function(IDLE, timeout=60_000)
    pg.wait_for_function("() => window.__mvdKeyboard === true", timeout=30_000)
    settle(pg)


@pytest.fixture
def student(request):
    """A browser page on the student launch's JupyterLab (test_browser's ``lab`` and ``page``)."""
    pg = request.getfixturevalue("page")
    pg.context.lab_url = request.getfixturevalue("lab")
    return pg


# --------------------------------------------------------------------------- keyboard, control by control
# Every control group of the lesson's widget outputs, in page order: a radio group, a toggle-button group, or
# one button / select / range / checkbox / text box. Each gets an index (data-mvd-k) to find it again.
CONTROL_GROUPS = """() => {
  const groups = [];
  const seen = new Set();
  const all = document.querySelectorAll(
    '.jp-Notebook .jp-OutputArea .jupyter-widgets :is(button, input, select, textarea)');
  for (const el of all) {
    if (el.disabled || el.closest('[style*="display: none"]') || !el.getClientRects().length) continue;
    const group = el.closest('.widget-radio-box, .widget-toggle-buttons') || el;
    if (seen.has(group)) continue;
    seen.add(group);
    group.dataset.mvdK = String(groups.length);
    const kind = group.classList.contains('widget-radio-box') ? 'radio'
      : group.classList.contains('widget-toggle-buttons') ? 'toggles'
      : el.tagName === 'INPUT' ? el.type : el.tagName.toLowerCase();
    groups.push({k: groups.length, kind, text: (group.textContent || el.placeholder || '').trim().slice(0, 60)});
  }
  return groups; }"""

# What a student can see of the cell output holding control k: figures (src, alt) and text.
OUTPUT_OF = """(k) => { const g = document.querySelector(`[data-mvd-k="${k}"]`);
  const area = g.closest('.jp-OutputArea');
  const imgs = [...area.querySelectorAll('img')].map(i => i.getAttribute('src').slice(-200) + i.alt);
  const text = [...area.querySelectorAll('.widget-html-content')].map(e => e.textContent);
  return imgs.join('|') + '||' + text.join('|'); }"""

IN_GROUP = '(k) => !!document.activeElement?.closest(`[data-mvd-k="${k}"]`)'
STATE_OF = """(k) => { const g = document.querySelector(`[data-mvd-k="${k}"]`);
  const c = g.querySelector('input:checked'); const p = g.querySelector('[aria-pressed=true]');
  return [c ? c.parentElement.textContent : '', p ? p.textContent : '', g.value ?? '', g.checked ?? ''].join('/'); }"""

# Focus what comes just before group k in its cell: the previous control, or else the cell itself (a
# keyboard user selects a cell with the arrow keys in command mode; Tab then enters its output).
FOCUS_BEFORE = """(k) => { const g = document.querySelector(`[data-mvd-k="${k}"]`); const cell = g.closest('.jp-Cell');
  const before = [...cell.querySelectorAll(':is(button, input, select, textarea, a[href], [tabindex])')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length && !g.contains(e)
      && (e.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_FOLLOWING));
  const prev = before.length ? before[before.length - 1] : cell;
  prev.focus(); return prev.outerHTML.slice(0, 120); }"""

KEYS = {  # what a student presses to change each kind of control
    "radio": ["ArrowDown"],
    "toggles": ["ArrowRight"],
    "select": ["ArrowDown"],
    "range": ["ArrowRight"],
    "checkbox": ["Space"],
    "button": ["Enter"],
}


def operate(pg, group: dict, commit: dict | None = None) -> str:
    """Tab into control ``group`` and change it by keyboard (then, for an answer or typed entry, Tab on to
    its ``commit`` button and press Enter); returns 'output' if the cell's output changed, 'state' if only
    the control did, '' if nothing changed."""
    k = group["k"]
    pg.wait_for_function(IDLE, timeout=30_000)  # the previous control's update has fully arrived
    pg.wait_for_timeout(300)
    start = pg.evaluate(FOCUS_BEFORE, k)
    pg.keyboard.press("Tab")
    landed = pg.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")
    assert pg.evaluate(IN_GROUP, k), f"Tab from {start} does not reach {group} but {landed}"
    before, state = pg.evaluate(OUTPUT_OF, k), pg.evaluate(STATE_OF, k)
    typed = group["kind"] in ("text", "textarea")
    original = pg.evaluate("() => document.activeElement.value") if typed else None
    if typed:
        pg.keyboard.press("Control+A")
        pg.keyboard.type("7" if group["kind"] == "text" else "2024-01-10\n2024-04-10")
        if commit is None:
            pg.keyboard.press("Tab")  # leaving the box commits it
    else:
        for key in KEYS[group["kind"]]:
            pg.keyboard.press(key)
    if commit is not None:
        if group["kind"] == "radio" and pg.evaluate(STATE_OF, k) == state:
            return ""  # the arrow key did not move the choice
        pg.keyboard.press("Tab")
        assert pg.evaluate(IN_GROUP, commit["k"]), f"Tab from {group} does not reach its button {commit}"
        pg.keyboard.press("Enter")
    try:
        pg.wait_for_function(f"(b) => ({OUTPUT_OF})({k}) !== b", arg=before, timeout=15_000)
        pg.wait_for_function(IDLE, timeout=30_000)  # let the rest of the update (e.g. new options) arrive
        pg.wait_for_timeout(200)
        if typed and commit is None:  # put the entry back, so the next controls start from the lesson's example
            pg.evaluate(FOCUS_BEFORE, k)
            pg.keyboard.press("Tab")
            pg.keyboard.press("Control+A")
            pg.keyboard.press("Delete")
            pg.keyboard.type(original)
            pg.keyboard.press("Tab")
            pg.wait_for_function(f"(b) => ({OUTPUT_OF})({k}) === b", arg=before, timeout=15_000)
        return "output"
    except Exception:  # no change within 15 s: see whether the state changed
        return "state" if pg.evaluate(STATE_OF, k) != state else ""


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_every_control_is_reached_with_tab_and_changed_with_keys(student, lesson):
    run_lesson(student, lesson.notebook)
    groups = student.evaluate(CONTROL_GROUPS)
    assert len(groups) >= 10, groups
    results, committed = [], set()
    for i, group in enumerate(groups):
        if i in committed:
            continue
        following = groups[i + 1] if i + 1 < len(groups) else None
        commit = None
        if group["kind"] in ("radio", "textarea") and following and following["kind"] == "button":
            # an answer (self-check, exercise) or typed dates: committed with the button that follows
            commit = following
            committed.add(i + 1)
        changed = operate(student, group, commit)
        results.append((group["kind"], group["text"], changed))
    dead = [r for r in results if r[2] != "output"]
    print("\n".join(f"{kind:9} {changed:7} {text}" for kind, text, changed in results))
    assert dead == [], f"{lesson.notebook}: controls whose keyboard change showed nothing: {dead}"
    assert student.errors == [], student.errors


# --------------------------------------------------------------------------- semantics, legibility, layout
SEMANTICS = """() => {
  const out = {problems: []};
  const nb = document.querySelector('.jp-Notebook');
  const nameOf = (el) => (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
    .map(id => document.getElementById(id)?.textContent.trim() || '').join(' ').trim();
  const boxes = [...nb.querySelectorAll('.widget-radio-box')];
  out.radiogroups = boxes.length;
  for (const box of boxes) {
    const names = new Set([...box.querySelectorAll('input[type=radio]')].map(i => i.name));
    if (box.getAttribute('role') !== 'radiogroup') out.problems.push('radio options not a radiogroup');
    if (!nameOf(box)) out.problems.push('radiogroup without a name');
    if (names.size !== 1 || names.has('')) out.problems.push('radio options without one shared name');
  }
  const groups = [...nb.querySelectorAll('.widget-toggle-buttons')];
  out.togglegroups = groups.length;
  for (const g of groups) {
    const buttons = [...g.querySelectorAll('button')];
    const pressed = buttons.filter(b => b.getAttribute('aria-pressed') === 'true');
    if (buttons.some(b => !['true', 'false'].includes(b.getAttribute('aria-pressed'))))
      out.problems.push('toggle button without aria-pressed: ' + g.textContent.slice(0, 40));
    if (pressed.length !== 1 || !pressed[0].classList.contains('mod-active'))
      out.problems.push('aria-pressed does not follow the pressed button: ' + g.textContent.slice(0, 40));
    if (buttons.filter(b => b.tabIndex === 0).length !== 1) out.problems.push('toggle group is not one Tab stop');
    if (!nameOf(g)) out.problems.push('toggle group without a name: ' + g.textContent.slice(0, 40));
  }
  out.live = [...nb.querySelectorAll('.mvd-live')].filter(e => e.getAttribute('aria-live') === 'polite').length;
  return out; }"""

# Smallest figure text as rendered: the image's own smallest font (data-min-font-px) times its displayed scale.
FIGURE_TEXT = """() => [...document.querySelectorAll('.jp-Notebook img[data-min-font-px]')].map(i => ({
  alt: i.alt.slice(0, 70), natural: i.naturalWidth, shown: Math.round(i.getBoundingClientRect().width),
  px: Number(i.dataset.minFontPx) * i.getBoundingClientRect().width / i.naturalWidth }))"""

# Figure boxes that scroll sideways (a figure kept legible in a narrow notebook): each must be a named Tab stop.
SCROLLING_FIGURES = """() => [...document.querySelectorAll('.jp-Notebook .mvd-figure-box')]
  .filter(b => b.getClientRects().length && b.scrollWidth > b.clientWidth + 1)
  .map(b => ({tab: b.tabIndex, name: b.getAttribute('aria-label') || '', overflow: b.scrollWidth - b.clientWidth}))"""

# Buttons, labels and text boxes whose text (or placeholder) is cut off with no title/aria-label holding it, or
# whose wrapped text runs out of the bottom of its box.
CUT_OFF = """() => { const cut = []; const canvas = document.createElement('canvas').getContext('2d');
  const full = (el, text) => [el.getAttribute('title'), el.getAttribute('aria-label'),
    el.closest('[title]')?.getAttribute('title')].some(t => t && t.includes(text));
  for (const el of document.querySelectorAll(
      '.jp-Notebook .jupyter-widgets :is(button, .widget-label, label, select)')) {
    const text = el.textContent.trim();
    if (!text || !el.getClientRects().length || el.tagName === 'SELECT') continue;
    if (el.scrollWidth > el.clientWidth + 1 && !full(el, text)) cut.push(text);
    else if (el.scrollHeight > el.clientHeight + 1) cut.push('a line cut off below: ' + text);
  }
  for (const el of document.querySelectorAll('.jp-Notebook .jupyter-widgets :is(input, textarea)[placeholder]')) {
    const s = getComputedStyle(el); canvas.font = `${s.fontSize} ${s.fontFamily}`;
    const lines = el.tagName === 'TEXTAREA' ? Math.max(1, Math.floor((el.clientHeight - parseFloat(s.paddingTop)
      - parseFloat(s.paddingBottom)) / (parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize)))) : 1;
    const room = (el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)) * lines;
    if (el.placeholder && canvas.measureText(el.placeholder).width > room + 1 && !full(el, el.placeholder))
      cut.push('placeholder: ' + el.placeholder);
  }
  return cut; }"""

FOCUS_RING = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
    : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = el.parentElement, bgc = 'rgb(255, 255, 255)';
  while (bg) { const c = getComputedStyle(bg).backgroundColor; if (c && !c.endsWith(', 0)') && c !== 'transparent')
    { bgc = c; break; } bg = bg.parentElement; }
  const [a, b] = [lum(s.outlineColor), lum(bgc)].sort((x, y) => y - x);
  return {tag: el.tagName, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
          contrast: (a + 0.05) / (b + 0.05)}; }"""

OVERFLOWING = """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output > .jupyter-widgets')]
  .filter(w => w.getClientRects().length && w.scrollWidth > w.clientWidth + 2)
  .map(w => [w.scrollWidth, w.clientWidth, [...w.querySelectorAll('*')].filter(e =>
    e.getBoundingClientRect().right > w.getBoundingClientRect().right + 2).slice(0, 3)
    .map(e => e.className + ': ' + e.textContent.trim().slice(0, 40))])"""


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_widgets_are_named_announced_legible_and_uncut(student, lesson):
    run_lesson(student, lesson.notebook)
    previews = student.locator(".jp-Notebook .jp-InputPlaceholder .jp-PlaceholderText").all_text_contents()
    assert previews and all(p.startswith("# ") for p in previews), f"folded cells preview Python: {previews}"
    found = student.evaluate(SEMANTICS)
    assert found["problems"] == [], found["problems"]
    assert found["radiogroups"] >= 3 and found["live"] >= found["radiogroups"] - 1, found

    # what a screen reader gets: the first self-check is a named radio group, toggle buttons say pressed
    tree = student.locator(".jp-Notebook .mvd-selfcheck").first.aria_snapshot()
    assert re.search(r"^\s*- '?radiogroup \"Self-check \d", tree, re.M) and "- radio " in tree, tree
    if found["togglegroups"]:
        toggles = student.locator(".jp-Notebook .widget-toggle-buttons").first.aria_snapshot()
        assert "[pressed]" in toggles, toggles

    # a radio group is one Tab stop: Tab from its first option leaves the group
    # (the group's Tab stop: its chosen option, or its first if none is chosen yet)
    student.evaluate(
        "() => { const box = document.querySelector('.jp-Notebook .mvd-selfcheck .widget-radio-box');"
        " (box.querySelector('input:checked') || box.querySelector('input')).focus(); }"
    )
    student.keyboard.press("Tab")
    assert student.evaluate("() => document.activeElement.type") != "radio", "Tab stays inside the radio group"
    ring = student.evaluate(FOCUS_RING)  # the Check button, reached by Tab: its focus ring
    assert ring["style"] != "none" and ring["width"] >= 2 and ring["contrast"] >= 3, ring

    # feedback is announced: the checked verdict lands in a polite live region
    live = student.locator(".jp-Notebook .mvd-selfcheck .mvd-live[aria-live=polite]").first
    before = live.inner_text()
    student.keyboard.press("Enter")  # (an answer saved by an earlier test may come back chosen)
    student.wait_for_function(
        "([el, b]) => el.innerText !== b && /Choose an option first|Correct|Not quite/.test(el.innerText)",
        arg=[live.element_handle(), before],
        timeout=15_000,
    )

    figures = student.evaluate(FIGURE_TEXT)
    print("\n".join(f"{f['px']:5.1f} px  {f['natural']}→{f['shown']} px  {f['alt']}" for f in figures))
    assert figures, "no figures found"
    small = [f for f in figures if f["px"] < MIN_FIGURE_TEXT_PX - 0.05]
    assert small == [], f"figure text below {MIN_FIGURE_TEXT_PX} px as rendered: {small}"

    for width in (700, 1100, 1600):
        student.set_viewport_size({"width": width, "height": 1000})
        # at 700 px the file browser would leave the notebook 330 px: a student folds it away (Ctrl+B)
        student.evaluate(f"() => window.jupyterapp.shell.{'collapseLeft' if width < 900 else 'expandLeft'}()")
        student.wait_for_timeout(600)
        shown = [f for f in student.evaluate(FIGURE_TEXT) if f["shown"] > 0]
        assert shown and [f for f in shown if f["px"] < MIN_FIGURE_TEXT_PX - 0.05] == [], (width, shown)
        scrolling = student.evaluate(SCROLLING_FIGURES)
        print(
            f"{width} px: {len(scrolling)} of {len(shown)} figures scroll sideways", [b["overflow"] for b in scrolling]
        )
        assert all(b["tab"] == 0 and "scroll sideways" in b["name"] for b in scrolling), (width, scrolling)
        hints = student.evaluate(
            "() => [...document.querySelectorAll('.jp-Notebook .mvd-scroll-hint')].filter(h => !h.hidden"
            " && h.getClientRects().length && h.previousElementSibling.scrollWidth > h.previousElementSibling"
            ".clientWidth + 1).length"
        )
        assert hints == len(scrolling), f"{width} px: {hints} hints under {len(scrolling)} figures that scroll"
        if scrolling:  # the keyboard scrolls it: focus the first such box, press the right arrow
            box = student.locator(".jp-Notebook .mvd-figure-box[tabindex='0']").first
            box.focus()
            student.keyboard.press("ArrowRight")
            student.wait_for_function("(b) => b.scrollLeft > 0", arg=box.element_handle(), timeout=5_000)
            box.evaluate("b => { b.scrollLeft = 0; }")
        assert student.evaluate(CUT_OFF) == [], f"cut off at {width} px: {student.evaluate(CUT_OFF)}"
        wide = student.evaluate(OVERFLOWING)
        assert wide == [], f"widgets wider than the notebook at {width} px: {wide}"
        # what a student sees of each demo: the window scrolled to the demo's cell
        demos = student.locator(".jp-Notebook .jp-Cell:has(.jupyter-widgets img[data-min-font-px])")
        for i in range(demos.count()):
            for _ in range(2):  # cells above are measured as they render: scroll again once they are
                demos.nth(i).evaluate("cell => cell.scrollIntoView({block: 'start'})")
                student.wait_for_timeout(400)
            student.screenshot(path=str(ARTIFACTS / f"{lesson.notebook}_demo{i + 1}_{width}px.png"))
    assert student.errors == [], student.errors
