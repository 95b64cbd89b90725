"""Figures always carry alt text; the palette gives each series redundant cues."""

from __future__ import annotations

import pytest

from mvdcourse import style


def test_alt_figure_requires_alt_text_and_renders_it():
    fig, ax = style.new_figure()
    ax.plot([1, 2], [3, 4])
    shown = style.show(fig, 'Line from "1,3" to 2,4')
    bundle = shown._repr_mimebundle_()
    assert 'alt="Line from &quot;1,3&quot; to 2,4"' in bundle["text/html"]
    assert bundle["text/html"].startswith('<div class="mvd-figure-box" style="overflow-x:auto;')
    assert '<img src="data:image/png;base64,' in bundle["text/html"]
    assert bundle["text/plain"] == '[Figure] Line from "1,3" to 2,4'
    fig2, _ = style.new_figure()
    with pytest.raises(ValueError, match="alt text"):
        style.show(fig2, "  ")


def test_series_styles_differ_in_colour_marker_and_linestyle():
    for attr in ("color", "marker", "linestyle"):
        values = [getattr(s, attr) for s in style.SERIES]
        assert len(set(map(str, values))) == len(values), attr


@pytest.mark.parametrize("width_in", [6.0, 11.0])
def test_small_figure_text_is_raised_to_11_px_as_shown(width_in):
    """Text set in 6 pt, in a figure that is or is not scaled down to the notebook's width, reaches 11 px."""
    import re

    fig, ax = style.new_figure(width_in, 3)
    ax.plot([0, 1], [0, 1])
    label = ax.text(0.5, 0.5, "tiny label", fontsize=6)
    ax.axis("off")
    tag = style.img_html(fig, "a line and a tiny label")
    shown_scale = min(1.0, style.SHOWN_WIDTH_PX / (width_in * style.RC["savefig.dpi"]))
    smallest = float(re.search(r'data-min-font-px="([\d.]+)"', tag).group(1))
    assert smallest * shown_scale >= style.MIN_TEXT_PX - 0.1
    assert label.get_fontsize() * style.RC["savefig.dpi"] / 72 * shown_scale >= style.MIN_TEXT_PX - 0.1
    # texts of an axis that is switched off are not counted
    assert all(t.get_text() != "0.0" for t in style.drawn_texts(fig))


@pytest.mark.parametrize("fontsize", [6, 20])
def test_a_figure_never_shrinks_below_the_width_where_its_smallest_text_is_11_px(fontsize):
    """In a narrower notebook the image shrinks only as far as its smallest text stays 11 px; its box
    then scrolls sideways. A figure with big text may shrink further than one with small text."""
    import re

    fig, ax = style.new_figure(11.0, 3)
    ax.text(0.5, 0.5, "a label", fontsize=fontsize)
    ax.axis("off")
    tag = style.img_html(fig, "a label")
    assert tag.startswith('<div class="mvd-figure-box" style="overflow-x:auto;max-width:100%;contain:inline-size">')
    width = 11.0 * style.RC["savefig.dpi"]
    smallest = float(re.search(r'data-min-font-px="([\d.]+)"', tag).group(1))
    floor = int(re.search(r"min-width:(\d+)px", tag).group(1))
    assert abs(smallest * floor / width - style.MIN_TEXT_PX) < 0.1  # the smallest text, shown at the floor
    assert floor < width
    assert style.legible_width_px(b"not a png", 12.0) is None
    small = style.new_figure(2, 2)[0]
    png = style.png_bytes(small)
    style.plt.close(small)
    assert style.legible_width_px(png, 0.0) is None  # no text: no floor
    assert style.legible_width_px(png, 5.0) == 2 * style.RC["savefig.dpi"]  # tiny text: never shrunk


def test_every_demo_figure_shows_text_of_at_least_11_px():
    """Every demo's first figure, at the width JupyterLab shows it (the browser test measures it for real)."""
    import base64
    import re
    import struct

    from mvdcourse.lessons import LESSONS
    from mvdcourse.widgets import FigurePanel

    def panels(w):
        if isinstance(w, FigurePanel):
            yield w
        for child in getattr(w, "children", ()):
            yield from panels(child)

    seen = 0
    for lesson in LESSONS:
        for build in lesson.demos:
            for panel in panels(build()):
                png = base64.b64decode(re.search(r"base64,([^\"]+)", panel.value).group(1))
                width = struct.unpack(">I", png[16:20])[0]
                smallest = float(re.search(r'data-min-font-px="([\d.]+)"', panel.value).group(1))
                shown = smallest * min(1.0, style.SHOWN_WIDTH_PX / width)
                assert shown >= style.MIN_TEXT_PX - 0.1, (lesson.notebook, build.__name__, width, smallest)
                seen += 1
    assert seen >= 14


def test_sorting_board_stamped_on_its_cached_layer_is_pixel_for_pixel_the_full_drawing():
    """The cause sorter's static-layer fast path (Lesson 3) draws exactly what a full drawing does, before and
    after "Check my sort"."""
    import io

    import numpy as np
    from PIL import Image

    from mvdcourse import style
    from mvdcourse.lessons.recurrence import causes, sorter

    keys = list(causes.CAUSES)
    sorts = [
        {},
        {keys[0]: causes.DOCUMENTED, keys[3]: causes.HYPOTHESIS},
        {k: (causes.DOCUMENTED if i % 2 else causes.HYPOTHESIS) for i, k in enumerate(keys)},
        {},  # back to the start: the layer keeps no trace of the previous state
    ]
    for checked in (False, True):  # the board alone, then with its ✔/✘/? marks and the evidence panel
        for assignments in sorts:
            png, data = sorter.sorter_board_png(assignments, checked=checked)
            fig, full_data = sorter.sorter_figure(assignments, checked)
            stamped = np.asarray(Image.open(io.BytesIO(png)))
            style.enlarge_small_text(fig)  # what style.img_html shows of a full drawing
            drawn = np.asarray(Image.open(io.BytesIO(style.png_bytes(fig))))
            assert stamped.shape == drawn.shape and (stamped == drawn).all(), (checked, assignments)
            assert data == full_data


def test_recovery_timeline_drawn_on_its_cached_layer_is_pixel_for_pixel_the_full_drawing():
    """Lesson 2's timeline fast path (one cached layer per overlay, the month drawn on it) draws exactly what
    a full drawing does, for months with and without readings, on either side of the label's flip, and
    after other months (the layer keeps no trace of them)."""
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from mvdcourse import style
    from mvdcourse.lessons.recovery import timeline

    overlays = [key for _label, key in timeline.OVERLAY_OPTIONS]
    assert len(overlays) >= 3
    every_month = range(timeline.MAX_MONTHS + 1)
    for overlay, months in ((overlays[0], every_month), (overlays[1], range(0, 37, 5)), (overlays[-1], (6, 0, 24, 6))):
        for month in months:
            png, data = timeline.timeline_png(month, overlay)
            fig, full_data = timeline.timeline_figure(month, overlay)
            stamped = np.asarray(Image.open(io.BytesIO(png)))
            style.enlarge_small_text(fig)  # what style.img_html shows of a full drawing
            drawn = np.asarray(Image.open(io.BytesIO(style.png_bytes(fig))))
            plt.close(fig)
            assert stamped.shape == drawn.shape, (overlay, month)
            assert (stamped == drawn).all(), (overlay, month, int((stamped != drawn).any(axis=2).sum()))
            assert data == full_data


def test_recurrence_timeline_composed_from_cached_panels_is_pixel_for_pixel_the_full_drawing():
    """Lesson 3's recurrence timeline fast path (each panel drawn alone, cached, composed) draws exactly what
    a full drawing does, for every view and risk factor, whichever states were drawn before (the states go
    round twice, so the second round reuses panels cached by other states), with the same smallest text."""
    import base64
    import io
    import itertools
    import re

    import numpy as np
    from PIL import Image

    from mvdcourse import style
    from mvdcourse.lessons.recurrence import rates, timeline_drawing

    states = list(itertools.product(rates.VIEWS, rates.RISK_FACTORS))
    assert len(states) == 12
    timeline_drawing._PANELS.clear()
    for view, risk in [*states, *reversed(states)]:
        png, data = timeline_drawing.timeline_png(view, risk)
        fig, full_data = timeline_drawing.timeline_figure(view, risk)
        html = style.img_html(fig, "alt")  # what a full drawing shows (small text enlarged), as PNG
        drawn = np.asarray(Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1)))))
        stamped = np.asarray(Image.open(io.BytesIO(png)))
        assert stamped.shape == drawn.shape, (view, risk)
        assert (stamped == drawn).all(), (view, risk, int((stamped != drawn).any(axis=2).sum()))
        assert data == full_data
        assert f"{png.min_font_px:.1f}" == re.search(r'data-min-font-px="([^"]+)"', html).group(1)
