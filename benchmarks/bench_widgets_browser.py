"""Browser benchmark: every control of every demo, from input event to updated output, in real JupyterLab.

Starts JupyterLab (student launch, isolated Jupyter folders, a free loopback port) on a copy of the lessons,
opens each lesson in Debian's Chromium (Playwright, ``/usr/bin/chromium``), runs all cells, then drives every
control of every demo the lesson registry lists (toggle buttons, dropdowns, radio buttons, check boxes,
sliders, buttons, the Play clip toggle, text boxes) with real input events (clicks, key presses, a ``<select>``
change, typing then Enter or Tab), ``--changes`` times each. A change's latency runs from the input event's
timestamp to the moment the demo's output (its figure and text panels, controls excluded) differs in the DOM
and no busy indicator (``aria-busy``) is shown.

A change is a *first visit* when the output it produced had not been on screen before in this session,
otherwise a *revisit*. Changes that leave the output as it was (a radio option before "Check answer",
a button clicked twice) are counted as "no change". Prints per-control p50/p95 for both; asserts nothing.
Targets (issue #17): p50 ≤ 100 ms, p95 ≤ 200 ms, first visits included.

Usage: python benchmarks/bench_widgets_browser.py [--changes N] [lesson-name ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mvdcourse import lessons, paths  # noqa: E402

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # the message below says what to do
    sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
TOKEN = "mvd-course-bench"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
IDLE = "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle/.test(e.textContent))"
ALL_RUN = (
    "() => { const nb = window.jupyterapp.shell.currentWidget?.content; if (!nb?.model) return false;"
    " const cells = [...nb.model.cells].filter(c => c.type === 'code');"
    " return cells.length > 0 && cells.every(c => c.executionCount > 0); }"
)

# In-page helpers: find a demo's controls in document order, sign its output, time one change.
HELPERS = r"""
window.mvdBench = {
  CONTROL: '.widget-toggle-buttons, .widget-dropdown, .widget-radio-box, .widget-checkbox, .mvd-slider, '
         + 'button.jupyter-button, .widget-text, .widget-textarea',
  demo(name) { return document.querySelector(`[data-bench-demo="${name}"]`); },
  controls(name) {
    const root = this.demo(name);
    return [...root.querySelectorAll(this.CONTROL)].filter(
      (e) => !e.parentElement.closest('.widget-toggle-buttons, .widget-radio-box, .widget-checkbox, .mvd-slider'));
  },
  label(el) {
    const texts = [...el.querySelectorAll('.widget-label, .widget-label-basic, label'), el]
      .map((l) => (l.textContent || '').replace(/[\u200b\s]+/g, ' ').trim()).filter((t) => t);
    return (texts[0] || el.tagName).slice(0, 40);
  },
  signature(name) {
    const root = this.demo(name);
    const parts = [];
    for (const e of root.querySelectorAll('.widget-html-content, .mvd-output')) {
      if (e.closest(this.CONTROL)) continue;
      parts.push(e.innerHTML);
    }
    return parts.join('\u0001');
  },
  busy(name) { return !!this.demo(name).querySelector('[aria-busy="true"]'); },
  arm(name) {
    const root = this.demo(name);
    const before = this.signature(name);
    const state = { start: null, end: null, busySeen: false };
    const onInput = (e) => { if (state.start === null) state.start = e.timeStamp; };
    for (const type of ['click', 'change', 'keydown']) {
      root.addEventListener(type, onInput, { capture: true, once: true });
    }
    const check = () => {
      if (state.start === null || state.end !== null) return;
      if (this.busy(name)) { state.busySeen = true; return; }
      if (this.signature(name) !== before) { state.end = performance.now(); observer.disconnect(); }
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    this.pending = { state, observer };
  },
  result() {
    const { state, observer } = this.pending;
    observer.disconnect();
    return { start: state.start, end: state.end, busy: state.busySeen, sig: this.signature(this.current) };
  },
};
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(home: Path, root: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[var] = str(home / var.lower())
    env["JUPYTER_CONFIG_PATH"] = str(paths.COURSE_ROOT / "config" / "student")
    env["MVDCOURSE_ROOT"] = str(paths.COURSE_ROOT)
    labconfig = home / "jupyter_config_dir" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    port = free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += [f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w")  # noqa: SIM115 — closed with the process
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.terminate()
    sys.exit(f"JupyterLab did not start; see {home / 'server.log'}")


def demo_cells(lesson) -> dict[str, int]:
    """Demo builder name → index of the notebook cell that builds it (``module.builder()``)."""
    import nbformat

    nb = nbformat.read(lesson.notebook_path, as_version=4)
    found = {}
    for index, cell in enumerate(nb.cells):
        for build in lesson.demos:
            if cell.cell_type == "code" and re.search(rf"\b{build.__name__}\(", cell.source):
                found[build.__name__] = index
    return found


def change(page, demo: str, index: int) -> bool:
    """One real input event on control ``index`` of ``demo``: the next option, a key or a click.

    Returns False (nothing done) for a disabled button."""
    handle = page.evaluate_handle(f"() => mvdBench.controls({json.dumps(demo)})[{index}]")
    kind = page.evaluate(
        "(e) => e.matches('.widget-toggle-buttons') ? 'toggle' : e.matches('.widget-dropdown') ? 'select'"
        " : e.matches('.widget-radio-box') ? 'radio' : e.matches('.widget-checkbox') ? 'checkbox'"
        " : e.matches('.mvd-slider') ? 'slider' : e.matches('.widget-text, .widget-textarea') ? 'text' : 'button'",
        handle,
    )
    element = handle.as_element()
    if kind in ("toggle", "radio"):
        options = element.query_selector_all("button" if kind == "toggle" else "input[type=radio]")
        current = next((i for i, o in enumerate(options) if o.evaluate(SELECTED)), 0)
        options[(current + 1) % len(options)].click()
    elif kind == "select":
        select = element.query_selector("select")
        n = select.evaluate("(s) => s.options.length")
        select.select_option(index=(select.evaluate("(s) => s.selectedIndex") + 1) % n)
    elif kind == "checkbox":
        element.query_selector("input").click()
    elif kind == "slider":
        slider = element.query_selector("input")
        at_max = slider.evaluate("(s) => Number(s.value) >= Number(s.max)")
        slider.focus()
        page.keyboard.press("Home" if at_max else "ArrowRight")
    elif kind == "text":
        box = element.query_selector("input, textarea")
        type_text(box, box.evaluate(NEXT_TEXT))
    elif element.is_enabled():  # a button, or the Play clip toggle
        element.click()
    else:
        return False  # a disabled button (e.g. "Back" on the first step): nothing a student can do
    return True


def type_text(box, text: str) -> None:
    """Type ``text`` into a text box and commit it as a student does: Enter in a line, Tab out of a box."""
    box.fill(text)
    box.press("Tab" if box.evaluate("(b) => b.tagName") == "TEXTAREA" else "Enter")


# The next text to type: a number one higher (a blank box gets 6); in a list of dates, one date fewer until two
# are left, then the dropped dates back one by one.
NEXT_TEXT = """(box) => {
  const v = box.value.trim();
  if (box.tagName !== 'TEXTAREA') return /^\\d+$/.test(v) ? String(Number(v) + 1) : '6';
  const parts = v.split(/[,\\n]+/).map((s) => s.trim()).filter(Boolean);
  const stash = JSON.parse(box.dataset.benchStash || '[]');
  if (box.dataset.benchUp !== '1' && parts.length > 2) stash.push(parts.pop());
  else if (stash.length) { parts.push(stash.pop()); box.dataset.benchUp = stash.length ? '1' : '0'; }
  box.dataset.benchStash = JSON.stringify(stash);
  return parts.join(', '); }"""

SELECTED = "(o) => o.classList.contains('mod-active') || o.checked === true"


def measure_demo(page, demo: str, changes: int, timeout_ms: int) -> list[tuple[str, list, list, int, int]]:
    """(label, first-visit ms, revisit ms, no-change count, busy-shown count) per control of ``demo``."""
    seen = {page.evaluate(f"() => mvdBench.signature({json.dumps(demo)})")}
    rows = []
    count = page.evaluate(f"() => mvdBench.controls({json.dumps(demo)}).length")
    for index in range(count):
        label = page.evaluate(f"() => mvdBench.label(mvdBench.controls({json.dumps(demo)})[{index}])")
        first, again, unchanged, busy = [], [], 0, 0
        box = page.evaluate_handle(
            f"() => mvdBench.controls({json.dumps(demo)})[{index}].querySelector('.widget-text input, textarea')"
        ).as_element()
        typed_before = box.input_value() if box else None
        for _ in range(changes):
            page.evaluate(f"() => {{ mvdBench.current = {json.dumps(demo)}; mvdBench.arm({json.dumps(demo)}); }}")
            if not change(page, demo, index):
                unchanged += 1
                continue
            with contextlib.suppress(PlaywrightTimeout):  # the output did not change
                page.wait_for_function("() => mvdBench.pending.state.end !== null", timeout=timeout_ms)
            result = page.evaluate("() => mvdBench.result()")
            page.wait_for_function(IDLE, timeout=60_000)
            if result["end"] is None or result["start"] is None:
                unchanged += 1
                continue
            ms = result["end"] - result["start"]
            busy += result["busy"]
            (again if result["sig"] in seen else first).append(ms)
            seen.add(result["sig"])
        if box:  # put the text back, so that the next controls are measured from the demo's own state
            type_text(box, typed_before)
            page.wait_for_function(IDLE, timeout=60_000)
        rows.append((label, first, again, unchanged, busy))
    return rows


def pct(values: list[float], q: float) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10, help="input events per control (default 10)")
    parser.add_argument("--timeout", type=int, default=3000, help="ms to wait for an output change (default 3000)")
    parser.add_argument("lessons", nargs="*", help="lesson names (default: all)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium).")
    if sync_playwright is None:
        sys.exit("playwright is not installed in this environment: run `make .venv/.installed`.")
    books = [lesson for lesson in lessons.LESSONS if not args.lessons or lesson.notebook in args.lessons]
    home = Path(tempfile.mkdtemp(prefix="mvd-bench-"))
    shutil.copytree(paths.LESSONS, home / "course" / "lessons", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    proc, url = start_lab(home, home / "course")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that the server is stopped too
    all_first, all_again, loads = [], [], []
    print(f"\nWidget latency in Chromium: input event → output updated in the DOM ({args.changes} changes per control)")
    print("targets: p50 ≤ 100 ms, p95 ≤ 200 ms (first visits included); busy = changes that showed the busy indicator")
    print(
        f"{'demo':<24}{'control':<34}{'first n':>8}{'p50':>6}{'p95':>6}{'revisit n':>10}{'p50':>6}{'p95':>6}"
        f"{'no change':>10}{'busy':>6}"
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for lesson in books:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{url}/lab/tree/lessons/{lesson.notebook}.ipynb?token={TOKEN}&reset")
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
                page.wait_for_function(IDLE, timeout=60_000)
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_function(ALL_RUN, timeout=120_000)
                page.wait_for_function(IDLE, timeout=60_000)
                page.evaluate(HELPERS)
                print(f"{lesson.notebook}")
                for demo, cell in demo_cells(lesson).items():
                    page.evaluate(
                        "([i, name]) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];"
                        " w.node.querySelector('.jp-Cell-outputArea').setAttribute('data-bench-demo', name);"
                        " w.node.scrollIntoView(); }",
                        [cell, demo],
                    )
                    loads.append(os.getloadavg()[0])
                    for label, first, again, unchanged, busy in measure_demo(page, demo, args.changes, args.timeout):
                        all_first += first
                        all_again += again
                        print(
                            f"  {demo[:22]:<22}{label[:33]:<34}{len(first):>8}{pct(first, 0.5):>6}{pct(first, 0.95):>6}"
                            f"{len(again):>10}{pct(again, 0.5):>6}{pct(again, 0.95):>6}{unchanged:>10}{busy:>6}"
                        )
                page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"all controls: first visits n={len(all_first)} p50 {pct(all_first, 0.5)} ms p95 {pct(all_first, 0.95)} ms; "
        f"revisits n={len(all_again)} p50 {pct(all_again, 0.5)} ms p95 {pct(all_again, 0.95)} ms; "
        f"1-min load average during the run {min(loads, default=0):.1f}–{max(loads, default=0):.1f} "
        f"(median {statistics.median(loads) if loads else 0:.1f}) on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
