"""Benchmark every lesson: headless execution time, kernel peak memory, widget update times.

Prints figures; asserts nothing. Targets (issue #2): a lesson executes headless in under 5 s, its kernel
stays under 200 MB, a control updates its output in under 100 ms at the median.

Widget timings are measured in-process: each demo the lesson registry lists (``Lesson.demos``) is built, and every
control in it (toggle buttons, dropdowns, radio buttons, sliders, check boxes, buttons) is changed
repeatedly; the time from setting the value to the return of the synchronous update (the figure
re-rendered to PNG and the HTML rebuilt) is recorded. "first" is the first change (nothing cached yet);
panels that cache a rendered state (``FigurePanel.draw_cached``) are cheaper on later visits. The browser adds
a transfer and paint on top (measured at roughly 0.35–0.5 s end to end on this machine class for a PNG redraw).

Usage: python benchmarks/bench_lessons.py [--repeats N] [lesson-name ...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mvdcourse import lessons  # noqa: E402
from mvdcourse.widgets import controls, next_values  # noqa: E402

PEAK_RSS = (
    "import resource\nu = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print('PEAK_RSS_KB', u.ru_maxrss, 'CPU_S', u.ru_utime + u.ru_stime)"
)


def execute(path: Path) -> tuple[float, float, float, float]:
    """(wall seconds incl. kernel start, seconds executing cells, kernel peak RSS in MB, kernel CPU seconds).

    The kernel's CPU time (start-up included) depends far less on what else the machine runs than wall time."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(PEAK_RSS))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        t1 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        t2 = time.perf_counter()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    found = re.search(r"PEAK_RSS_KB (\d+) CPU_S ([\d.]+)", text)
    return t2 - t0, t2 - t1, int(found.group(1)) / 1024, float(found.group(2))


def time_control(control, repeats: int) -> list[float]:
    times = []
    for value in next_values(control, repeats):
        t0 = time.perf_counter()
        if value is None:
            control.click()
        else:
            control.value = value
        times.append((time.perf_counter() - t0) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="value changes per control (default 30)")
    parser.add_argument("lessons", nargs="*", help="lesson names (default: all)")
    args = parser.parse_args()
    books = [lesson for lesson in lessons.LESSONS if not args.lessons or lesson.notebook in args.lessons]

    print("Lesson execution (fresh kernel, headless)          targets: < 5 s, < 200 MB")
    print(f"{'lesson':<22}{'wall incl. kernel start':>24}{'cells only':>12}{'kernel CPU':>12}{'kernel peak RSS':>18}")
    for lesson in books:
        wall, cells, mb, cpu = execute(lesson.notebook_path)
        print(f"{lesson.notebook:<22}{wall:>22.2f} s{cells:>10.2f} s{cpu:>10.2f} s{mb:>15.0f} MB")
    print(f"(1-min load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

    print(f"\nWidget control -> output updated ({args.repeats} changes each)   target: median < 100 ms")
    print(f"{'lesson':<16}{'demo':<24}{'control':<32}{'first':>9}{'median':>9}{'p95':>9}{'max':>9}")
    for lesson in books:
        for build in lesson.demos:
            demo = build()
            for label, control in controls(demo):
                times = time_control(control, args.repeats)
                print(
                    f"{lesson.notebook[:15]:<16}{build.__name__[:23]:<24}{label[:31]:<32}"
                    f"{times[0]:>7.1f}ms{statistics.median(times):>7.1f}ms{p95(times):>7.1f}ms"
                    f"{max(times):>7.1f}ms"
                )


if __name__ == "__main__":
    main()
