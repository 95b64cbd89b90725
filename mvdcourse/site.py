"""`make site`: the lessons as a static HTML site that works offline and from ``file://``, no kernel.

Why nbconvert's Markdown renderer and our own small template, not Jupyter Book 2 (mystmd): mystmd's HTML
build fetches its site theme from the internet on first use, and its pages load their content with
``fetch()``, which browsers refuse under ``file://``; nbconvert's stock HTML template pulls RequireJS,
MathJax and the widget manager from CDNs. Here every page is one self-contained HTML file (style and
figures inline, the figures as PNG data), with no JavaScript at all.

Each lesson's code cells are executed in this process, in a fresh Jupyter data folder (so nobody's
saved answers show). Widgets are rendered statically: a demo becomes a figure in its default state with
its alt text and a note naming its controls (interactive in JupyterLab); a self-check shows its options,
with the answer and why each option is right or wrong behind a disclosure.
"""

from __future__ import annotations

import argparse
import ast
import html
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import ipywidgets as widgets
import nbformat
from nbconvert.filters import markdown2html_mistune

from . import paths
from .style import FIGURE_BOX_CLASS

RUN_ALL_MARKER = "**How to use this lesson.**"
SITE_NOTE = (
    "<aside class='note' aria-label='About this page'><p><b>Read-only version.</b> Each demo is "
    "shown in its default state; open the lesson in JupyterLab (<code>make start</code>, then "
    "<i>Run ▸ Run All Cells</i>) to use the demos and keep your self-check answers.</p></aside>"
)

CSS = """
:root { color-scheme: light; }
body { font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       background: #fff; margin: 0; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
header nav { border-bottom: 1px solid #767676; padding: .75rem 0; }
nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
a { color: #0b5394; text-decoration: underline; } a:visited { color: #5b2c83; }
a:focus-visible, summary:focus-visible,
.mvd-figure-box:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
[aria-current=page] { font-weight: bold; }
h1 { font-size: 1.9rem; line-height: 1.25; } h2 { margin-top: 2.2rem; }
blockquote, .note { border-left: 4px solid #0072B2; margin: 1rem 0; padding: .25rem 1rem; background: #f3f7fb; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #8c8c8c; padding: .3rem .6rem; text-align: left; vertical-align: top; }
img { max-width: 100%; height: auto; }
figure.demo { margin: 1.5rem 0; padding: .75rem; border: 1px solid #8c8c8c; border-radius: 4px; }
figure.demo figcaption { font-size: .95rem; margin-top: .5rem; }
section.selfcheck { margin: 1.5rem 0; padding: .75rem 1rem; border: 1px solid #8c8c8c; border-radius: 4px; }
section.selfcheck ol { padding-left: 1.75rem; }
details { margin-top: .5rem; } summary { cursor: pointer; color: #0b5394; text-decoration: underline; }
footer { border-top: 1px solid #767676; margin-top: 3rem; padding: 1rem; font-size: .9rem; }
"""


def lesson_notebooks() -> list[Path]:
    return sorted(paths.LESSONS.glob("[0-9][0-9]_*.ipynb"))


def _title(nb) -> str:
    for cell in nb.cells:
        m = re.search(r"^# (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if m:
            return m.group(1).strip()
    return "Lesson"


def markdown_html(source: str) -> str:
    out = markdown2html_mistune(source)
    out = re.sub(r'<a class="anchor-link" href="#[^"]*">&#182;</a>', "", out)
    return re.sub(r'href="([\w-]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', out)


def run_cell(source: str, namespace: dict):
    """Execute one code cell; returns the value of its last expression (None if it ends in a statement)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def _option_label(control, value) -> str:
    labels = dict(zip(control._options_values, control._options_labels))
    return labels.get(value, str(value))


def _controls(w) -> list[str]:
    """Plain-language description of every control inside a widget, with its shown value."""
    out = []
    if isinstance(w, widgets.Box):
        for child in w.children:
            out += _controls(child)
    elif isinstance(w, widgets.Button):
        out.append(f"the button “{html.escape(w.description)}”")
    elif isinstance(w, widgets.ValueWidget) and getattr(w, "description", None) is not None:
        name = (w.description or getattr(w, "placeholder", "") or "a control").rstrip(": ")
        if hasattr(w, "_options_labels"):
            value = _option_label(w, w.value) if w.value is not None else "none chosen"
            options = ", ".join(w._options_labels)
            out.append(f"{html.escape(name)} (choices: {html.escape(options)}; shown: {html.escape(value)})")
        else:
            out.append(f"{html.escape(name)} (shown: {html.escape(str(w.value))})")
    return out


def widget_html(w) -> str:
    """The static content of a widget: its HTML, figures and text, without its controls."""
    if isinstance(w, widgets.Box):
        if getattr(w.layout, "display", None) == "none":
            return ""
        return "".join(widget_html(c) for c in w.children)
    if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
        return w.value
    if isinstance(w, widgets.Label):
        return f"<p>{html.escape(w.value)}</p>"
    if isinstance(w, widgets.Output):
        return "".join(_output_html(o) for o in w.outputs)
    return ""


def _output_html(out: dict) -> str:
    data = out.get("data", {})
    if "text/html" in data:
        return data["text/html"]
    if "image/png" in data:
        alt = html.escape(data.get("text/plain", "figure"))
        return f'<img src="data:image/png;base64,{data["image/png"]}" alt="{alt}">'
    if out.get("output_type") == "stream":
        return f"<pre>{html.escape(out.get('text', ''))}</pre>"
    return f"<pre>{html.escape(data.get('text/plain', ''))}</pre>" if "text/plain" in data else ""


def selfcheck_html(w) -> str:
    letters = [chr(65 + i) for i in range(len(w._options))]
    options = "".join(f"<li>{html.escape(text)}</li>" for text, _ in w._options)
    right = next(letter for letter, (_, o) in zip(letters, w._options) if o.correct)
    why = "".join(
        f"<li><b>{letter}</b> ({'✔ correct' if o.correct else '✘ wrong'}): {html.escape(w._fb.render(o.feedback))}</li>"
        for letter, (_, o) in zip(letters, w._options)
    )
    return (
        f"<section class='selfcheck' aria-label='Self-check'>{w.prompt.value}<ol type='A'>{options}</ol>"
        f"<details><summary>Show the answer and why</summary><p><b>Answer: {right}.</b></p>"
        f"<ul>{why}</ul></details></section>"
    )


def value_html(value) -> str:
    from . import selfcheck

    if value is None:
        return ""
    if isinstance(value, selfcheck.SelfCheck):
        return selfcheck_html(value)
    if isinstance(value, widgets.Widget):
        controls = _controls(value)
        note = (
            (
                "<figcaption><b>Interactive in JupyterLab.</b> Shown here in its default state. Controls: "
                + "; ".join(controls)
                + ".</figcaption>"
            )
            if controls
            else ""
        )
        return f"<figure class='demo'>{widget_html(value)}{note}</figure>"
    if hasattr(value, "_repr_html_"):
        return value._repr_html_()
    return f"<pre>{html.escape(repr(value))}</pre>"


def lesson_body(nb) -> str:
    """Execute a lesson and return its content as HTML (the Setup section and the Run-all note left out)."""
    namespace: dict = {"__name__": "__lesson__"}
    parts: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if RUN_ALL_MARKER in cell.source:
                parts.append(SITE_NOTE)
            elif not cell.source.startswith("## Setup"):
                parts.append(markdown_html(cell.source))
        elif cell.cell_type == "code":
            parts.append(value_html(run_cell(cell.source, namespace)))
    return "\n".join(parts)


#: Links between course files that the site serves as HTML pages: the lessons and the bibliography.
_SITE_LINK = re.compile(r"""href=(["'])([\w-]+)\.(?:ipynb|md)(#[^"']*)?\1""")


# A figure kept legible in a narrow window scrolls sideways (style.img_html); without JavaScript to tell when,
# each figure box is a named Tab stop, so the keyboard can scroll it.
_FIGURE_BOX = f'<div class="{FIGURE_BOX_CLASS}" '
_FIGURE_BOX_KEYS = (
    f'{_FIGURE_BOX}tabindex="0" role="group" '
    'aria-label="Figure: if it is wider than the window, scroll sideways with the arrow keys" '
)


def page(title: str, body: str, nav: list[tuple[str, str]], current: str) -> str:
    body = body.replace(_FIGURE_BOX, _FIGURE_BOX_KEYS)
    body = _SITE_LINK.sub(lambda m: f"href={m.group(1)}{m.group(2)}.html{m.group(3) or ''}{m.group(1)}", body)
    here = " aria-current='page'"
    links = "".join(
        f"<li><a href='{href}'{here if href == current else ''}>{html.escape(label)}</a></li>" for href, label in nav
    )
    return (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · mvd-course</title><style>{CSS}</style></head>"
        f"<body><a class='skip' href='#content'>Skip to the lesson</a>"
        f"<header><nav aria-label='Lessons'><ul>{links}</ul></nav></header>"
        f"<main id='content'>{body}</main>"
        "<footer><p>mvd-course: education only, not clinical advice. Read-only version of the lessons; "
        "the interactive version runs in JupyterLab.</p></footer></body></html>\n"
    )


def build(out: Path) -> list[Path]:
    """Write the site to ``out`` (index.html and one page per lesson); returns the pages."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    notebooks = [(p, nbformat.read(p, as_version=4)) for p in lesson_notebooks()]
    nav = [("index.html", "Course home")] + [(f"{p.stem}.html", _title(nb).split(" — ")[0]) for p, nb in notebooks]
    nav.append(("bibliography.html", "Bibliography"))
    pages = []
    old = os.environ.get("JUPYTER_DATA_DIR")
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as fresh:
        os.environ["JUPYTER_DATA_DIR"] = fresh  # no student's saved answers in the site
        os.chdir(paths.LESSONS)
        try:
            for path, nb in notebooks:
                target = out / f"{path.stem}.html"
                target.write_text(page(_title(nb), lesson_body(nb), nav, target.name), encoding="utf-8")
                pages.append(target)
        finally:
            os.chdir(cwd)
            if old is None:
                os.environ.pop("JUPYTER_DATA_DIR", None)
            else:
                os.environ["JUPYTER_DATA_DIR"] = old
    bibliography = out / "bibliography.html"
    bib_source = (paths.LESSONS / "bibliography.md").read_text(encoding="utf-8")
    bibliography.write_text(page("Bibliography", markdown_html(bib_source), nav, bibliography.name), encoding="utf-8")
    pages.append(bibliography)
    items = "".join(f"<li><a href='{p.stem}.html'>{html.escape(_title(nb))}</a></li>" for p, nb in notebooks)
    index = out / "index.html"
    intro = (
        "<h1>Hemifacial spasm and microvascular decompression</h1><p>A course for medical students: "
        "education only, not clinical advice.</p>" + SITE_NOTE
    )
    index.write_text(
        page("Course home", f"{intro}<h2>Lessons</h2><ol>{items}</ol>", nav, "index.html"), encoding="utf-8"
    )
    return [index] + pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the lessons as a static, offline HTML site.")
    parser.add_argument("--out", default=str(paths.COURSE_ROOT / "_site"), help="output folder (replaced)")
    args = parser.parse_args(argv)
    pages = build(Path(args.out))
    print(f"Wrote {len(pages)} pages to {args.out}; open {Path(args.out).resolve() / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
