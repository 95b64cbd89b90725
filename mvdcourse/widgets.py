"""The one widget layer every lesson demo is built from: controls → cached figure with alt text → text panel.

* :class:`FigureDemo`: controls whose values go straight into the lesson's pure functions
  ``figure(*values, fb) -> (fig, data)``, ``alt(*values, fb) -> str`` and ``text(*values, fb) -> html``.
* :class:`InputDemo`: controls a student types into. ``parse(*values, fb)`` turns them into a state (or
  raises the lesson's input error); the figure and text are drawn from that state, or an error panel says
  what to change. A student never sees a traceback.

Naming rule for the lesson functions these call: ``<demo>_figure`` returns ``(fig, data)``, ``<demo>_alt``
the alt text and ``<demo>_html`` the HTML of the text panel. Every figure of a state already seen is
served from a cache, so going back to a state costs no re-rendering.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable

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

    def draw(self, fig, alt: str, data: dict) -> None:
        self.alt = alt
        self.figure_data = data
        self.value = style.img_html(fig, alt)

    def draw_cached(self, key: Hashable, make: Callable[[], tuple]) -> None:
        """Draw ``make()`` → ``(fig, alt, data)``, rendering each distinct ``key`` only once."""
        if key not in self._cache:
            fig, alt, data = make()
            self._cache[key] = (style.img_html(fig, alt), alt, data)
        self.value, self.alt, self.figure_data = self._cache[key]


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
        super().__init__([*self.controls, *buttons, self.figure, self.info, *extra, keyboard.support()])
        for control in self.controls:
            control.observe(self.changed, names="value")
        self.update()

    def changed(self, change) -> None:
        """What a control's change does (redraw); subclasses may reset state first."""
        self.update()

    def values(self) -> tuple:
        """The state the figure and text are drawn from (also the figure cache's key)."""
        return tuple(c.value for c in self.controls)

    def _render(self, values: tuple):
        fig, data = self._draw(*values, self._fb)
        return fig, self._alt(*values, self._fb), data

    def update(self) -> None:
        values = self.values()
        self.figure.draw_cached(values, lambda: self._render(values))
        self.info.value = self._text(*values, self._fb)


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
        state = self.state

        def make():
            fig, data = self._draw(state, self._fb)
            return fig, self._alt(state, data), data

        self.figure.draw_cached(values, make)
        self.info.value = self._text(state, self._fb)


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
