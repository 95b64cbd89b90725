"""Accessibility audit of a page with axe-core (WCAG 2.0/2.1, levels A and AA), for the browser tests.

axe-core's script comes from npm (``package.json``; ``make test`` runs ``npm ci``). Each violating
node is sorted into *course content* (rendered markdown and cell outputs: the lesson's text, widgets,
figures and self-checks), which must have none, and *JupyterLab* (its own menus, toolbars, prompts),
whose known violations are listed in ``a11y_baseline.json`` so that a new one fails.
Regenerate the baseline, after reading what changed, with ``MVD_A11Y_BASELINE=write``.

Pitfall (JupyterLab 4.6): ``<body>`` is 0 px tall with ``overflow: hidden``, so every element counts as
clipped and the ``color-contrast`` rule silently checks nothing; and cells scrolled out of the notebook
panel are clipped too, so axe skips them. :func:`audit` sets ``body { overflow: visible }`` and makes
the window tall enough to show the whole notebook at once (then restores it);
``test_audit_catches_planted_low_contrast_text`` proves it works.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mvdcourse import paths

AXE = paths.COURSE_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: What counts as course content inside JupyterLab: rendered markdown and everything a cell outputs.
LAB_CONTENT = ".jp-MarkdownOutput, .jp-OutputArea-output"
BASELINE = Path(__file__).with_name("a11y_baseline.json")

#: How far the last cell of the open notebook reaches below the window (0 or less: all on screen).
_BELOW_FOLD = """() => { const cells = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell');
  return cells.length ? Math.ceil(cells[cells.length - 1].getBoundingClientRect().bottom - window.innerHeight) : 0; }"""
_RUN = """async ([tags, content, scope]) => {
  const r = await axe.run(scope ? document.querySelector(scope) : document,
                          {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const out = [];
  for (const v of r.violations) for (const n of v.nodes) {
    const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
    const anchor = el && el.closest('[class*="jp-"], [class*="lm-"]');
    const classes = anchor ? [...anchor.classList].filter(c => /^(jp|lm)-/.test(c) && !/-mod-/.test(c)).sort() : [];
    out.push({rule: v.id, impact: v.impact, help: v.help, target: n.target.join(' '),
              html: n.html.slice(0, 300), summary: (n.failureSummary || '').slice(0, 400),
              content: content ? !!(el && el.closest(content)) : true,
              where: anchor ? anchor.tagName.toLowerCase() + '.' + classes.join('.') : '(page)'});
  }
  return out;
}"""


def audit(page, content: str | None = LAB_CONTENT, scope: str | None = None) -> list[dict]:
    """Every WCAG A/AA violation on ``page`` (or inside ``scope``), one dict per node.

    ``content`` is the selector of course content (``None``: the whole page is content, as on the
    static site); each node says whether it lies inside it (``content``) and where it sits (``where``).
    """
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_style_tag(content="body { overflow: visible !important; }")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    size = page.viewport_size
    try:
        for _ in range(4):
            below = page.evaluate(_BELOW_FOLD)
            if below <= 0:
                break
            current = page.viewport_size
            page.set_viewport_size({"width": current["width"], "height": current["height"] + below + 20})
            page.wait_for_timeout(400)
        return page.evaluate(_RUN, [WCAG_TAGS, content, scope])
    finally:
        page.set_viewport_size(size)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['rule']} ({v['impact']}): {v['help']}\n    at {v['target']}\n    {v['html'][:160]}\n"
        f"    {v['summary'][:240]}"
        for v in violations
    )


def lab_keys(violations: list[dict]) -> set[str]:
    """JupyterLab's own violations as stable keys: rule and the JupyterLab component they sit in."""
    return {f"{v['rule']} @ {v['where']}" for v in violations if not v["content"]}


def check_against_baseline(violations: list[dict]) -> list[str]:
    """JupyterLab violations not in the checked-in baseline (with MVD_A11Y_BASELINE=write: add them)."""
    known = set(json.loads(BASELINE.read_text())["known"]) if BASELINE.exists() else set()
    new = sorted(lab_keys(violations) - known)
    if new and os.environ.get("MVD_A11Y_BASELINE") == "write":
        data = {
            "about": "JupyterLab's own WCAG A/AA violations (rule @ component), known and accepted; "
            "course content must have none. See tests/a11y.py.",
            "known": sorted(known | set(new)),
        }
        BASELINE.write_text(json.dumps(data, indent=1) + "\n")
        return []
    return new
