"""One plot style for the whole course: colour-blind-safe colours with redundant cues, and alt text.

Colours are the Okabe-Ito palette; every series also gets its own marker and line style, and plots
label series directly, so no information is carried by colour alone. Figures reach the page through
:class:`FigurePanel` or :func:`show`, both of which attach alt text.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # figures are rendered to PNG by the course itself, never by a GUI backend
import matplotlib.pyplot as plt  # noqa: E402
import ipywidgets as widgets  # noqa: E402

#: Okabe & Ito (2008) colour-universal-design palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#9A9A9A"


@dataclass(frozen=True)
class SeriesStyle:
    """Colour plus two redundant cues (marker, line style) for one data series."""

    color: str
    marker: str
    linestyle: str

    def kwargs(self) -> dict:
        return {"color": self.color, "marker": self.marker, "linestyle": self.linestyle}


#: Series styles in the order plots use them; each differs from the others in all three cues.
SERIES = (
    SeriesStyle(OKABE_ITO["blue"], "o", "-"),
    SeriesStyle(OKABE_ITO["vermillion"], "s", "--"),
    SeriesStyle(OKABE_ITO["bluish_green"], "^", "-."),
    SeriesStyle(OKABE_ITO["reddish_purple"], "D", ":"),
    SeriesStyle(OKABE_ITO["orange"], "v", (0, (5, 1, 1, 1))),
    SeriesStyle(OKABE_ITO["sky_blue"], "P", (0, (1, 1))),
)

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}


def new_figure(width: float = 7.0, height: float = 4.0, ncols: int = 1, **kwargs):
    """A figure in the course style (returns ``fig, ax`` like ``plt.subplots``).

    Layout is "constrained" (computed once, while rendering); calling ``tight_layout`` as well would
    only add a second, slower layout pass.
    """
    kwargs.setdefault("layout", "constrained")
    with plt.rc_context(RC):
        fig, ax = plt.subplots(1, ncols, figsize=(width, height), **kwargs)
    return fig, ax


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    with plt.rc_context(RC):
        fig.savefig(buf, format="png")
    return buf.getvalue()


def img_html(fig, alt: str) -> str:
    """An ``<img>`` tag holding the figure as PNG, with alt text; closes the figure."""
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    plt.close(fig)
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            f'style="max-width:100%;height:auto">')


class AltFigure:
    """A rendered figure that Jupyter displays as an image with alt text (text/plain shows the alt)."""

    def __init__(self, fig, alt: str):
        if not alt.strip():
            raise ValueError("every figure needs alt text")
        self.alt = alt
        self.html = img_html(fig, alt)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": f"[Figure] {self.alt}"}


def show(fig, alt: str) -> AltFigure:
    """Wrap a figure for display with alt text (put it last in a cell, or pass it to ``display``)."""
    return AltFigure(fig, alt)


class FigurePanel(widgets.HTML):
    """A widget that shows one figure with alt text and keeps the data it was drawn from.

    ``figure_data`` holds what the last drawing showed (a plain dict), so tests and benchmarks
    can check what a student sees without reading pixels.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.alt = ""
        self.figure_data: dict = {}

    def draw(self, fig, alt: str, data: dict) -> None:
        self.alt = alt
        self.figure_data = data
        self.value = img_html(fig, alt)

    def draw_cached(self, key, make) -> None:
        """Draw ``make()`` → ``(fig, alt, data)``, rendering each distinct ``key`` only once.

        For figures fully determined by a few control values: switching back to a state already
        seen costs no re-rendering.
        """
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            fig, alt, data = make()
            cache[key] = (img_html(fig, alt), alt, data)
        self.value, self.alt, self.figure_data = cache[key]


class FigureDemo(widgets.VBox):
    """A demo made of controls, one figure and one text panel, redrawn whenever a control changes.

    ``figure``, ``alt`` and ``text`` are the lesson's pure functions, each called with the controls'
    values followed by the fact base: ``figure(*values, fb) -> (fig, data)``, ``alt(*values, fb) -> str``,
    ``text(*values, fb) -> html``. The figure of a state already seen is not rendered again.
    """

    def __init__(self, controls: list, figure, alt, text, fb):
        self.controls = list(controls)
        self._draw, self._alt, self._text, self._fb = figure, alt, text, fb
        self.figure = FigurePanel()
        self.info = widgets.HTML()
        super().__init__([*self.controls, self.figure, self.info])
        for control in self.controls:
            control.observe(lambda change: self.update(), names="value")
        self.update()

    def _render(self, values: tuple):
        fig, data = self._draw(*values, self._fb)
        return fig, self._alt(*values, self._fb), data

    def update(self) -> None:
        values = tuple(c.value for c in self.controls)
        self.figure.draw_cached(values, lambda: self._render(values))
        self.info.value = self._text(*values, self._fb)


def disclaimer_html(kind: str = "widget") -> str:
    """The standing notice for anything that could look like a clinical tool."""
    return ("<p role='note' style='font-size:90%'><b>Education only.</b> This " + html.escape(kind) +
            " illustrates published group averages for teaching. It is not a clinical decision tool "
            "and says nothing about an individual patient.</p>")
