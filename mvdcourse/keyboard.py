"""Keyboard and screen-reader support for the ipywidgets controls of every demo and self-check.

ipywidgets draws a ``RadioButtons`` widget as separate radio inputs with no shared name (one Tab stop
each, arrow keys do nothing), ``ToggleButtons`` as plain buttons that do not say which one is pressed, and
JupyterLab takes the arrow, Enter and Space keys of a focused control for its own notebook shortcuts. One
invisible widget, :func:`support`, put into every demo and self-check, fixes this in the page:

* radio options form a real group (``role=radiogroup``, one ``name``, labelled by the question): one Tab
  stop, arrow keys move the choice;
* toggle-button groups are ``role=group`` labelled by their description, each button says
  ``aria-pressed``, one Tab stop, arrow keys (and Home/End) move the choice; single toggle buttons say
  ``aria-pressed`` too;
* every control of a widget keeps its keys from JupyterLab (``data-lm-suppress-shortcuts``), so arrows
  change a slider, dropdown or radio group, and Enter/Space press a button;
* panels marked ``mvd-live`` (self-check feedback, a demo's text panel) are polite live regions, so a
  change is announced;
* a figure box too narrow for its figure (:func:`mvdcourse.style.img_html` keeps figure text legible by
  letting the box scroll sideways) becomes a named Tab stop, scrolled with the arrow keys, with a line under
  it saying how to see all of the figure;
* a toggle-button group marked ``mvd-row`` shows its description beside its buttons (above them when the
  notebook is too narrow);
* a visible focus ring (3 px, 4.8:1 against white) on every control; toggle-button and description labels
  wrap instead of being cut off, and anything still cut off (a text box's hint included) gets its full
  text as a tooltip.
"""

from __future__ import annotations

import anywidget
import ipywidgets as widgets

from .style import FIGURE_BOX_CLASS

#: The focus ring's colour: dark orange, 4.8:1 against white (WCAG 2.1 asks 3:1 for focus indicators).
FOCUS_RING = "#b35900"

_ESM = """
const NAV = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"]);
let counter = 0;
const uid = (kind) => `mvd-${kind}-${Date.now().toString(36)}-${counter++}`;
const setAttr = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
const idOf = (el) => { if (!el.id) el.id = uid("label"); return el.id; };

function labelIds(widget) {
  const ids = [];
  const check = widget.closest(".mvd-selfcheck, .mvd-exercise");
  const prompt = check && check.querySelector(".mvd-prompt");
  if (prompt) ids.push(idOf(prompt));
  const label = widget.querySelector(":scope > .widget-label");
  if (label && label.textContent.trim()) ids.push(idOf(label));
  return ids.join(" ");
}

function fullText(el) {
  const text = el.textContent.trim();
  if (!text || el.scrollWidth <= el.clientWidth + 1) return;
  const title = el.getAttribute("title") || "";
  if (!title.includes(text)) setAttr(el, "title", title ? `${text}: ${title}` : text);
}

function onToggleKey(event) {
  if (!NAV.has(event.key)) return;
  const group = event.currentTarget.closest(".widget-toggle-buttons");
  const buttons = [...group.querySelectorAll("button.widget-toggle-button")].filter((b) => !b.disabled);
  const i = buttons.indexOf(event.currentTarget);
  const back = event.key === "ArrowLeft" || event.key === "ArrowUp";
  const j = event.key === "Home" ? 0 : event.key === "End" ? buttons.length - 1
    : (i + (back ? -1 : 1) + buttons.length) % buttons.length;
  event.preventDefault();
  event.stopPropagation();
  buttons[j].focus();
  buttons[j].click();
}

const SCROLL_HINT = "Figure wider than the notebook: scroll sideways with the arrow keys to see all of it";
const resizes = new ResizeObserver((entries) => { for (const e of entries) scrollable(e.target); });

const SEE_ALL = "\u2194 Wider than the notebook: scroll it sideways, or fold the file browser (Ctrl+B), "
  + "to see all of it.";

function hintOf(box, make) {  // the line under a figure box that says how to see all of the figure
  const next = box.nextElementSibling;
  if (next && next.classList.contains("mvd-scroll-hint")) return next;
  if (!make) return null;
  const hint = document.createElement("p");
  hint.className = "mvd-scroll-hint";
  hint.setAttribute("aria-hidden", "true");  // the box's own name says it to a screen reader
  hint.textContent = SEE_ALL;
  box.after(hint);
  return hint;
}

function scrollable(box) {  // a figure box narrower than its figure (style.img_html): a named Tab stop
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (scrolls) {
    setAttr(box, "tabindex", "0");
    setAttr(box, "role", "group");
    setAttr(box, "aria-label", SCROLL_HINT);
    setAttr(box, "data-lm-suppress-shortcuts", "true");
  } else {
    for (const name of ["tabindex", "role", "aria-label"]) box.removeAttribute(name);
  }
  const hint = hintOf(box, scrolls);
  if (hint && hint.hidden === scrolls) hint.hidden = !scrolls;
}

function enhance() {
  for (const box of document.querySelectorAll(".__FIGURE_BOX__")) {
    if (!box.dataset.mvdWatched) { box.dataset.mvdWatched = "1"; resizes.observe(box); }
    scrollable(box);
  }
  for (const widget of document.querySelectorAll(".widget-radio")) {
    const box = widget.querySelector(".widget-radio-box");
    if (!box) continue;
    setAttr(box, "role", "radiogroup");
    const ids = labelIds(widget);
    if (ids) setAttr(box, "aria-labelledby", ids);
    if (!box.dataset.mvdName) box.dataset.mvdName = uid("group");
    for (const input of box.querySelectorAll("input[type=radio]")) {
      if (input.name !== box.dataset.mvdName) input.name = box.dataset.mvdName;
    }
  }
  for (const widget of document.querySelectorAll(".widget-toggle-buttons")) {
    const buttons = [...widget.querySelectorAll("button.widget-toggle-button")];
    if (!buttons.length) continue;
    setAttr(widget, "role", "group");
    const ids = labelIds(widget);
    if (ids) setAttr(widget, "aria-labelledby", ids);
    const active = buttons.find((b) => b.classList.contains("mod-active")) || buttons[0];
    for (const b of buttons) {
      setAttr(b, "tabindex", b === active ? "0" : "-1");
      if (!b.dataset.mvdKeys) { b.dataset.mvdKeys = "1"; b.addEventListener("keydown", onToggleKey); }
    }
  }
  for (const b of document.querySelectorAll("button.widget-toggle-button")) {
    setAttr(b, "aria-pressed", String(b.classList.contains("mod-active")));
  }
  for (const c of document.querySelectorAll(".jupyter-widgets :is(button, input, select, textarea)")) {
    setAttr(c, "data-lm-suppress-shortcuts", "true");
    if (c.tagName === "BUTTON") fullText(c);
  }
  for (const label of document.querySelectorAll(".jupyter-widgets .widget-label")) fullText(label);
  for (const box of document.querySelectorAll(".jupyter-widgets :is(input, textarea)[placeholder]")) {
    if (box.placeholder && !box.title) box.title = box.placeholder;  // the full hint, however narrow the box
  }
  for (const panel of document.querySelectorAll(".mvd-live")) setAttr(panel, "aria-live", "polite");
}

function render({ el }) {
  el.style.display = "none";
  if (window.__mvdKeyboard) return;
  window.__mvdKeyboard = true;
  let queued = false;
  const run = () => { queued = false; enhance(); };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(run); } })
    .observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  window.addEventListener("resize", () => { if (!queued) { queued = true; requestAnimationFrame(run); } });
  enhance();
}
export default { render };
""".replace("__FIGURE_BOX__", FIGURE_BOX_CLASS)

_CSS = f"""
:is(.jupyter-widgets :is(button, input, select, textarea), .{FIGURE_BOX_CLASS}):focus-visible {{
  outline: 3px solid {FOCUS_RING} !important; outline-offset: 2px; }}
.widget-toggle-buttons button.widget-toggle-button {{ white-space: normal; height: auto;
  min-height: var(--jp-widgets-inline-height); line-height: 1.25; padding-top: 3px; padding-bottom: 3px; }}
.widget-toggle-buttons .widget-toggle-button {{ text-overflow: clip; }}
.jupyter-widgets.widget-toggle-buttons > div {{ display: flex; flex-wrap: wrap; align-items: stretch; }}
.mvd-scroll-hint {{ font-size: 12px; color: #4a4a4a; margin: 2px 0 0; }}
.widget-toggle-buttons.mvd-row {{ display: flex; flex-wrap: wrap; align-items: center; gap: 2px 0.5em;
  margin-bottom: 6px; }}
.widget-toggle-buttons.mvd-row > .widget-label {{ white-space: normal; line-height: 1.3; height: auto; }}
.jupyter-widgets.widget-checkbox {{ height: auto; }}
.jupyter-widgets.widget-checkbox .widget-label-basic {{ white-space: normal; height: auto; line-height: 1.3; }}
"""


class KeyboardSupport(anywidget.AnyWidget):
    """Invisible: makes the page's widgets keyboard-operable and announced (see the module docstring)."""

    _esm = _ESM
    _css = _CSS


_support: KeyboardSupport | None = None


def support() -> KeyboardSupport:
    """The one keyboard-support widget of this kernel (put it into any demo; one on the page serves all)."""
    global _support
    if _support is None:
        _support = KeyboardSupport(layout=widgets.Layout(display="none"))
    return _support
