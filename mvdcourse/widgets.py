"""The one widget layer every lesson demo is built from: controls → cached figure with alt text → text panel.

* :class:`FigureDemo`: controls whose values go straight into the lesson's pure functions
  ``figure(*values, fb) -> (fig, data)``, ``alt(*values, fb) -> str`` and ``text(*values, fb) -> html``.
* :class:`InputDemo`: controls a student types into. ``parse(*values, fb)`` turns them into a state (or
  raises the lesson's input error); the figure and text are drawn from that state, or an error panel says
  what to change. A student never sees a traceback.

Naming rule for the lesson functions these call: ``<demo>_figure`` returns ``(fig, data)``, ``<demo>_alt``
the alt text and ``<demo>_html`` the HTML of the text panel. Every figure of a state already seen is
served from a cache, so going back to a state costs no re-rendering.

Speed (issue #17): drawing a figure costs 50–250 ms on the course's machines, too slow for a control that
should answer within 100 ms. So once a browser shows a demo, a background thread draws every state its
controls can reach (when there are at most :data:`MAX_PRERENDER`), nearest states first, into the same
cache; a change then only swaps a cached ``<img>``. A state not drawn yet is drawn at once, and while it
is, :class:`BusyStatus` says "Redrawing the figure…" and marks the demo ``aria-busy``.
"""

from __future__ import annotations

import html
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable

import anywidget
import ipywidgets as widgets
import traitlets

from . import keyboard, style


class NamedSlider(anywidget.AnyWidget):
    """A slider that is a native ``<input type="range">`` with a real ``<label>``.

    ipywidgets' ``IntSlider`` draws a handle with no accessible name (axe: ``aria-input-field-name``) and
    JupyterLab can take its arrow keys. This one is named by its label, says its value with its unit
    (``aria-valuetext``), moves with the arrow, Page and Home/End keys, shows a visible focus ring, and
    sends ``value`` to Python on each committed change (key press or pointer release).
    """

    _esm = """
    function render({ model, el }) {
      const id = "mvd-range-" + Math.random().toString(36).slice(2);
      const label = document.createElement("label");
      const input = document.createElement("input");
      const out = document.createElement("output");
      label.htmlFor = id; input.type = "range"; input.id = id; out.htmlFor = id;
      out.setAttribute("aria-hidden", "true");
      input.setAttribute("data-lm-suppress-shortcuts", "true");
      const text = (v) => v + (model.get("unit") ? " " + model.get("unit") : "");
      const sync = () => {
        label.textContent = model.get("description");
        input.min = model.get("min"); input.max = model.get("max"); input.step = model.get("step");
        input.value = model.get("value");
        input.setAttribute("aria-valuetext", text(model.get("value")));
        out.textContent = text(model.get("value"));
      };
      sync();
      model.on("change", sync);
      input.addEventListener("input", () => { out.textContent = text(input.value); });
      input.addEventListener("change", () => { model.set("value", Number(input.value)); model.save_changes(); });
      input.addEventListener("keydown", (e) => e.stopPropagation());
      el.classList.add("mvd-slider");
      el.append(label, input, out);
    }
    export default { render };
    """
    _css = """
    .mvd-slider { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; margin: 4px 0; }
    .mvd-slider label { font-size: var(--jp-widgets-font-size, 13px); }
    .mvd-slider input[type=range] { width: min(320px, 100%); accent-color: #0072B2; }
    .mvd-slider input[type=range]:focus-visible { outline: 3px solid #b35900; outline-offset: 3px; }
    .mvd-slider output { min-width: 6em; font-variant-numeric: tabular-nums; }
    """
    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("").tag(sync=True)

    @traitlets.validate("value")
    def _clamp(self, proposal):
        return max(self.min, min(self.max, proposal["value"]))


class BusyStatus(anywidget.AnyWidget):
    """The busy indicator of one figure, and the signal that a browser shows it.

    While ``busy`` is true (after ``show_after`` ms, so that a quick redraw does not flicker) it shows
    "Redrawing the figure…" over the top of the figure (a ``role=status`` live region) and sets
    ``aria-busy="true"`` on its demo (the nearest ``.mvd-demo``). When a browser first
    renders it, it sets ``shown`` — the cue for its :class:`FigurePanel` to start drawing states ahead.
    """

    _esm = """
    function render({ model, el }) {
      el.classList.add("mvd-busy-status");
      const note = document.createElement("span");
      note.setAttribute("role", "status");
      el.append(note);
      let timer = null;
      const show = (busy) => {
        note.textContent = busy ? "Redrawing the figure…" : "";
        el.classList.toggle("mvd-busy-on", busy);
        const demo = el.closest(".mvd-demo") || el.parentElement;
        if (demo) demo.setAttribute("aria-busy", busy ? "true" : "false");
      };
      // shown only when a redraw takes longer than show_after ms: a quick one must not flicker
      const sync = () => {
        clearTimeout(timer);
        if (model.get("busy")) timer = setTimeout(() => show(true), model.get("show_after"));
        else show(false);
      };
      show(false);
      model.on("change:busy", sync);
      if (!model.get("shown")) { model.set("shown", true); model.save_changes(); }
    }
    export default { render };
    """
    _css = """
    .mvd-busy-status { position: relative; height: 0; overflow: visible; z-index: 2; }
    .mvd-busy-status span:not(:empty) {
      position: absolute; top: 6px; left: 6px; padding: 2px 10px 2px 28px; border-radius: 4px;
      background: #fff8e1; color: #1a1a1a; border: 1px solid #8a6d00; font-size: 13px;
    }
    .mvd-busy-status span:not(:empty)::before {
      content: ""; position: absolute; left: 8px; top: 3px; width: 12px; height: 12px;
      border: 2px solid #8a6d00; border-right-color: transparent; border-radius: 8px;
      animation: mvd-spin 0.8s linear infinite;
    }
    .mvd-demo[aria-busy="true"] .mvd-figure img { opacity: 0.55; }
    @keyframes mvd-spin { to { transform: rotate(360deg); } }
    @media (prefers-reduced-motion: reduce) { .mvd-busy-status span::before { animation: none; } }
    """
    busy = traitlets.Bool(False).tag(sync=True)
    shown = traitlets.Bool(False).tag(sync=True)
    #: ms a redraw may take before the indicator appears (the course's target for a control is 100 ms)
    show_after = traitlets.Int(100).tag(sync=True)


#: Most states a demo draws ahead of time (each is a PNG of 20–150 kB kept in memory).
MAX_PRERENDER = 120
#: One figure is drawn at a time: matplotlib's pyplot state and rcParams are shared by all threads.
_DRAWING = threading.RLock()
log = logging.getLogger(__name__)


class _DrawAhead:
    """One background thread for the whole kernel that draws the panels' queued states, taking the next
    state from the panel a student used last (so the demo in hand is served first)."""

    def __init__(self):
        self.panels: list[FigurePanel] = []
        self.wake = threading.Condition()
        self.thread: threading.Thread | None = None

    def add(self, panel: FigurePanel) -> None:
        with self.wake:
            if panel not in self.panels:
                self.panels.append(panel)
            self.wake.notify()
            if not (self.thread and self.thread.is_alive()):
                self.thread = threading.Thread(target=self._run, daemon=True, name="mvd-draw-ahead")
                self.thread.start()

    def _next(self):
        with self.wake:
            while True:
                waiting = [p for p in self.panels if p._ahead]
                if waiting:
                    panel = max(waiting, key=lambda p: p._used)
                    panel._busy_ahead = True
                    return panel, panel._ahead.pop(0)
                self.wake.wait()

    def _run(self) -> None:
        while True:
            panel, (key, make) = self._next()
            time.sleep(0.002)  # a student's change, waiting on the main thread, takes the lock first
            try:
                panel._rendered(key, make)
            except Exception:  # a state that cannot be drawn is drawn (or explained) when it is chosen
                log.debug("drawing %r ahead failed", key, exc_info=True)
            finally:
                panel._busy_ahead = False


_AHEAD = _DrawAhead()


class FigurePanel(widgets.HTML):
    """A widget that shows one figure with alt text and keeps the data it was drawn from.

    ``figure_data`` holds what the last drawing showed (a plain dict), so tests and benchmarks
    can check what a student sees without reading pixels.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.alt = ""
        self.figure_data: dict = {}
        self._cache: dict = {}
        self.status = BusyStatus()
        self._ahead: list = []
        self._used = 0.0  # when a student last changed this panel
        self._busy_ahead = False
        self.add_class("mvd-figure")
        self.status.observe(lambda _change: self._start_ahead(), names="shown")

    def draw(self, fig, alt: str, data: dict) -> None:
        self.alt = alt
        self.figure_data = data
        self.value = style.img_html(fig, alt)

    def _rendered(self, key: Hashable, make: Callable[[], tuple]) -> tuple:
        """The cache entry for ``key`` (html, alt, data), drawing it first if nobody has yet."""
        with _DRAWING:
            if key not in self._cache:
                fig, alt, data = make()
                self._cache[key] = (style.img_html(fig, alt), alt, data)
            return self._cache[key]

    def draw_cached(self, key: Hashable, make: Callable[[], tuple]) -> None:
        """Draw ``make()`` → ``(fig, alt, data)``, rendering each distinct ``key`` only once.

        A state not in the cache yet is drawn with the busy indicator on."""
        if self._cache:  # not the first drawing, made while the demo is built: a student's change
            self._used = time.monotonic()
        entry = self._cache.get(key)
        if entry is not None:
            self.value, self.alt, self.figure_data = entry
            return
        self.status.busy = True
        try:
            self.value, self.alt, self.figure_data = self._rendered(key, make)
        finally:
            self.status.busy = False

    def draw_ahead(self, states: Iterable[tuple[Hashable, Callable[[], tuple]]]) -> None:
        """Queue ``(key, make)`` pairs to draw in a background thread once a browser shows this panel
        (never in a headless run, where nobody would look at them)."""
        self._ahead = list(itertools.islice(states, MAX_PRERENDER))
        if self.status.shown:
            self._start_ahead()

    def _start_ahead(self) -> None:
        _AHEAD.add(self)  # panels nobody has used yet are served in the order they were shown: top first

    def wait_ahead(self, timeout: float = 60.0) -> None:
        """Block until every queued state is drawn (for tests and benchmarks)."""
        self._start_ahead()
        deadline = time.monotonic() + timeout
        while (self._ahead or self._busy_ahead) and time.monotonic() < deadline:
            time.sleep(0.01)


class FigureDemo(widgets.VBox):
    """Controls, one figure and one text panel, redrawn whenever a control changes.

    ``figure``, ``alt`` and ``text`` are the lesson's pure functions, each called with the controls'
    values followed by the fact base (subclasses may add state by overriding :meth:`values`).
    ``buttons`` go right below the controls, ``extra`` widgets below the text panel.
    """

    def __init__(self, controls: list, figure, alt, text, fb, extra: tuple = (), buttons: tuple = ()):
        self.controls = list(controls)
        self._draw, self._alt, self._text, self._fb = figure, alt, text, fb
        self.figure = FigurePanel()
        self.info = widgets.HTML()
        self.info.add_class("mvd-live")  # announced when it changes
        super().__init__(
            [*self.controls, *buttons, self.figure.status, self.figure, self.info, *extra, keyboard.support()]
        )
        self.add_class("mvd-demo")
        for control in self.controls:
            control.observe(self.changed, names="value")
        self.update()

    def changed(self, change) -> None:
        """What a control's change does (redraw); subclasses may reset state first."""
        self.update()

    def values(self) -> tuple:
        """The state the figure and text are drawn from (also the figure cache's key)."""
        return tuple(c.value for c in self.controls)

    def _maker(self, values: tuple) -> Callable[[], tuple]:
        """What draws state ``values``: a function of the values only, so any thread may call it."""

        def make():
            fig, data = self._draw(*values, self._fb)
            return fig, self._alt(*values, self._fb), data

        return make

    def reachable_states(self) -> list[tuple]:
        """The states worth drawing ahead from the current one, nearest first: every state the controls can
        reach, or only those one change away when there are more than :data:`MAX_PRERENDER`; a typed
        control keeps its current value. [] when a subclass keeps state of its own (``values`` overridden:
        it may override this too)."""
        if type(self).values is not FigureDemo.values:
            return []
        now = self.values()
        choices = [control_choices(c) or [v] for c, v in zip(self.controls, now, strict=True)]
        if math.prod(len(c) for c in choices) <= MAX_PRERENDER:
            states = [s for s in itertools.product(*choices) if s != now]
        else:
            states = [(*now[:i], v, *now[i + 1 :]) for i, c in enumerate(choices) for v in c if v != now[i]]
        here = [c.index(v) for c, v in zip(choices, now, strict=True)]

        def distance(state):  # controls changed, then how far along each control's options
            steps = [abs(c.index(v) - h) for c, v, h in zip(choices, state, here, strict=True)]
            return sum(step > 0 for step in steps), sum(steps)

        return sorted(states, key=distance)

    def _look_ahead(self) -> None:
        """Queue the states reachable from here, unless this state was itself queued from an earlier one."""
        now = self.values()
        if now in self._queued:
            return
        states = self.reachable_states()
        self._queued = {now, *states}
        self.figure.draw_ahead((state, self._maker(state)) for state in states)

    _queued: set = frozenset()

    def update(self) -> None:
        values = self.values()
        self.figure.draw_cached(values, self._maker(values))
        self.info.value = self._text(*values, self._fb)
        self._look_ahead()


class InputDemo(FigureDemo):
    """Typed input: ``parse(*values, fb)`` → state → figure and text, or an error panel.

    ``figure(state, fb) -> (fig, data)``, ``alt(state, data) -> str``, ``text(state, fb) -> html``.
    ``errors`` are the exception types whose message is shown to the student as is (the lesson's input
    errors); anything else is reported as input that could not be read, never as a traceback.
    ``self.state`` is the last parsed state (None after an error); ``self.error`` the message shown.
    ``error_figure(message) -> (fig, alt, data)`` and ``error_text(message) -> html`` draw the error state.
    """

    def __init__(
        self,
        controls: list,
        parse,
        figure,
        alt,
        text,
        fb,
        errors: tuple = (ValueError,),
        kind: str = "widget",
        extra: tuple = (),
        buttons: tuple = (),
        error_figure=None,
        error_text=None,
    ):
        self._parse, self._errors = parse, errors
        self._error_figure = error_figure or globals()["error_figure"]
        self._error_text = error_text or (lambda message: error_html(message, kind))
        self.state = None
        self.error = ""
        super().__init__(controls, figure, alt, text, fb, extra, buttons)

    def update(self) -> None:
        values = self.values()
        try:
            self.state, self.error = self._parse(*values, self._fb), ""
        except self._errors as exc:
            self.state, self.error = None, str(exc)
        except Exception as exc:  # a widget must never show a traceback to a student
            self.state, self.error = None, f"This input could not be read ({type(exc).__name__}: {exc})."
        if self.state is None:
            message = self.error
            self.figure.draw_cached(("error", message), lambda: self._error_figure(message))
            self.info.value = self._error_text(message)
            return
        self.figure.draw_cached(values, self._maker(values))
        self.info.value = self._text(self.state, self._fb)
        self._look_ahead()

    def _maker(self, values: tuple) -> Callable[[], tuple]:
        def make():
            state = self._parse(*values, self._fb)
            fig, data = self._draw(state, self._fb)
            return fig, self._alt(state, data), data

        return make


def blank_figure(headline: str):
    """A figure that only says, in bold, why nothing is drawn (so no stale figure stays on screen)."""
    fig, ax = style.new_figure(10, 1.6)
    ax.axis("off")
    ax.text(0.01, 0.6, headline, fontsize=11, fontweight="bold", transform=ax.transAxes)
    return fig


def error_figure(message: str):
    """The error state's figure, alt text and data, for input that cannot be drawn."""
    fig = blank_figure("Nothing drawn: the entries need correcting (see the message below).")
    return fig, f"Nothing drawn: {message}", {"valid": False, "error": message}


def error_html(message: str, kind: str = "widget") -> str:
    """The error panel: what is wrong and what to change, then the standing notice."""
    return (
        f"<p role='alert' style='color:#8B2500'><b>⚠ Please check the entries.</b> {html.escape(message)}</p>"
        + disclaimer_html(kind)
    )


def disclaimer_html(kind: str = "widget") -> str:
    """The standing notice for anything that could look like a clinical tool."""
    return (
        "<p role='note' style='font-size:90%'><b>Education only.</b> This "
        + html.escape(kind)
        + " illustrates published group averages for teaching. It is not a clinical decision tool "
        "and says nothing about an individual patient.</p>"
    )


# ----------------------------------------------------------------------------- walking a demo's widgets
SELECTIONS = (widgets.ToggleButtons, widgets.Dropdown, widgets.RadioButtons, widgets.SelectionSlider, widgets.Select)
NUMERIC = (widgets.IntSlider, widgets.FloatSlider, NamedSlider)


def control_choices(control) -> list | None:
    """Every value ``control`` can take, or None if it can take too many (text, long sliders)."""
    if isinstance(control, SELECTIONS):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, widgets.Checkbox):
        return [False, True]
    if isinstance(control, NUMERIC) and isinstance(control.step, int) and control.step > 0:
        values = list(range(control.min, control.max + 1, control.step))
        return values if len(values) <= MAX_PRERENDER else None
    return None


def controls(widget, prefix: str = "") -> list[tuple[str, widgets.Widget]]:
    """(label, control) for every interactive control inside ``widget`` (selections, sliders, boxes, buttons)."""
    found = []
    if isinstance(widget, (*SELECTIONS, *NUMERIC, widgets.Checkbox, widgets.Button)):
        label = getattr(widget, "description", "") or type(widget).__name__
        found.append((f"{prefix}{label}".strip(), widget))
    for child in getattr(widget, "children", ()):
        found += controls(child, prefix)
    return found


def next_values(control, repeats: int) -> list:
    """``repeats`` values to set on ``control`` in turn, cycling through its options (None = click it)."""
    if isinstance(control, SELECTIONS):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        start = values.index(control.value) if control.value in values else 0
        return [values[(start + i + 1) % len(values)] for i in range(repeats)]
    if isinstance(control, NUMERIC):
        lo, hi, step = control.min, control.max, control.step or 1
        n = max(1, int(round((hi - lo) / step)))
        return [lo + ((i % n) + 1) * step if lo + ((i % n) + 1) * step <= hi else lo for i in range(repeats)]
    if isinstance(control, widgets.Checkbox):
        return [bool((i + 1 + control.value) % 2) for i in range(repeats)]
    return [None] * repeats  # buttons: click


def panel_texts(widget) -> list[str]:
    """Every HTML panel's text and every figure's alt text inside ``widget``."""
    out = []
    if isinstance(widget, widgets.HTML):
        out.append(widget.value)
        if getattr(widget, "alt", ""):
            out.append(widget.alt)
    for child in getattr(widget, "children", ()):
        out += panel_texts(child)
    return out


def choice_buttons(options, description: str, value=None) -> widgets.ToggleButtons:
    """Labelled toggle buttons, each as wide as its text; ``value`` defaults to the first option."""
    first = options[0][1] if isinstance(options[0], tuple) else options[0]
    return widgets.ToggleButtons(
        options=options,
        value=first if value is None else value,
        description=description,
        style={"description_width": "initial", "button_width": "auto"},
    )


def checkbox(description: str) -> widgets.Checkbox:
    """A labelled checkbox, unticked, whose whole label shows (no indent, width to fit)."""
    return widgets.Checkbox(value=False, description=description, indent=False, layout=widgets.Layout(width="auto"))
