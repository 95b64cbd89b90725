"""One plot style for the whole course: colour-blind-safe colours with redundant cues, and alt text.

Colours are the Okabe-Ito palette; every series also gets its own marker and line style, and plots
label series directly, so no information is carried by colour alone. Figures reach the page through
:func:`show` or a widget's ``FigurePanel`` (``mvdcourse.widgets``), both of which attach alt text.
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # figures are rendered to PNG by the course itself, never by a GUI backend
import matplotlib.pyplot as plt

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


def fixed_figure(width: float, height: float, ncols: int = 1, margins: dict | None = None, **kwargs):
    """A course-style figure with fixed margins instead of the constrained layout (returns ``fig, ax``).

    For figures redrawn on every control change: a layout engine measures every text once more before
    drawing, which doubles the cost of a redraw; fixed margins are computed once, by hand.
    """
    fig, ax = new_figure(width, height, ncols=ncols, layout=None, **kwargs)
    fig.subplots_adjust(**(margins or {}))
    return fig, ax


#: zlib level for figure PNGs: level 1 encodes in about half the time of the default 6, for files a few
#: per cent larger (measured on the course's figures: flat colours compress well at any level).
PNG_COMPRESS_LEVEL = 1


def placed_figure(width: float, height: float, *boxes: tuple[float, float, float, float]):
    """A course-style figure whose axes sit at fixed ``(left, bottom, width, height)`` boxes (figure
    fractions); returns ``fig, ax`` for one box, ``fig, [ax, ...]`` for several.

    For a figure drawn for every state of a demo: the boxes are the ones the constrained layout computes
    for it (read once from ``ax.get_position()``), so the figure looks the same but a redraw skips the
    layout pass, which measures every text once more and costs about half the drawing time.
    """
    with plt.rc_context(RC):
        fig = plt.figure(figsize=(width, height), layout=None)
        axes = [fig.add_axes(box) for box in boxes]
    return fig, (axes[0] if len(axes) == 1 else axes)


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    with plt.rc_context(RC):
        fig.savefig(buf, format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buf.getvalue()


class StampedPNG(bytes):
    """PNG bytes of a figure stamped on a cached layer, with the smallest font size it shows (image pixels)."""

    min_font_px: float | None = None


def rgba_png(rgba, min_font_px: float | None = None) -> StampedPNG:
    """PNG bytes of an RGBA pixel buffer (e.g. a canvas after blitting), encoded as :func:`png_bytes` does;
    ``min_font_px``: the smallest font size of the figure drawn (:func:`min_font_px`), for :func:`img_html`."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL)
    png = StampedPNG(buf.getvalue())
    png.min_font_px = min_font_px
    return png


def drawn_texts(fig) -> list:
    """Every non-empty text a rendered figure shows (titles, labels, annotations, ticks of shown axes, legends)."""
    texts = list(fig.texts)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        for table in ax.tables:
            texts += [cell.get_text() for cell in table.get_celld().values()]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    texts += [axis.label, *axis.get_ticklabels(), *axis.get_ticklabels(minor=True)]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            texts += [*legend.get_texts(), legend.get_title()]
    for legend in fig.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def min_font_px(fig) -> float:
    """The smallest font size the figure's PNG shows, in image pixels (0 if it shows no text)."""
    dpi = RC["savefig.dpi"]
    return min((t.get_fontsize() * dpi / 72 for t in drawn_texts(fig)), default=0.0)


#: Figure text must be at least this big as a student sees it (issue 17) ...
MIN_TEXT_PX = 11
#: ... in a notebook this wide: JupyterLab at 1280 px with the file browser open shows images up to ~840 px
#: wide (measured by tests/test_browser_a11y.py); a wider figure is scaled down, and its text with it.
SHOWN_WIDTH_PX = 820


def enlarge_small_text(fig) -> None:
    """Raise every text smaller than :data:`MIN_TEXT_PX` as shown (after any scaling down) to that size."""
    dpi = RC["savefig.dpi"]
    scale = min(1.0, SHOWN_WIDTH_PX / (fig.get_figwidth() * dpi))
    smallest_pt = MIN_TEXT_PX / scale * 72 / dpi
    for text in drawn_texts(fig):
        if text.get_fontsize() < smallest_pt:
            text.set_fontsize(smallest_pt)


#: The class of the box around every figure image (:func:`img_html`); the keyboard module and the static site
#: find the figures by it.
FIGURE_BOX_CLASS = "mvd-figure-box"


def img_html(fig, alt: str) -> str:
    """The figure as PNG in an ``<img>`` with alt text, inside a ``mvd-figure-box``; closes the figure.

    ``fig`` may also be PNG bytes already encoded (a figure stamped on a cached static layer).
    ``data-min-font-px`` is the smallest font size in the image's own pixels, so a browser test can check
    the smallest text as rendered (it times the displayed width over the image's width); a figure given as
    PNG bytes has no texts to read, so it goes without, unless it was stamped on a layer that says it
    (:class:`StampedPNG`: the layer's figure had its small text enlarged as here).

    The image shrinks with a narrow notebook, but never below the width at which its smallest text is
    :data:`MIN_TEXT_PX`: narrower still, its box scrolls sideways (and the keyboard module makes such a box
    a Tab stop), so no text is ever shown too small to read."""
    if isinstance(fig, bytes):
        png, smallest = fig, getattr(fig, "min_font_px", None)
    else:
        enlarge_small_text(fig)
        png, smallest = png_bytes(fig), min_font_px(fig)
        plt.close(fig)
    floor = legible_width_px(png, smallest)
    return (
        f'<div class="{FIGURE_BOX_CLASS}" style="overflow-x:auto;max-width:100%;contain:inline-size">'
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
        f'alt="{html.escape(alt, quote=True)}" '
        + (f'data-min-font-px="{smallest:.1f}" ' if smallest is not None else "")
        + f'style="max-width:100%;height:auto{f";min-width:{floor}px" if floor else ""}"></div>'
    )


def legible_width_px(png: bytes, smallest_font_px: float | None) -> int | None:
    """The narrowest the PNG may be shown with its smallest text still :data:`MIN_TEXT_PX` (at most its own
    width; None for a figure without text)."""
    if not smallest_font_px or png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk's width
    return min(width, math.ceil(width * MIN_TEXT_PX / smallest_font_px))


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
