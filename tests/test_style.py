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
    assert bundle["text/html"].startswith('<img src="data:image/png;base64,')
    assert bundle["text/plain"] == '[Figure] Line from "1,3" to 2,4'
    fig2, _ = style.new_figure()
    with pytest.raises(ValueError, match="alt text"):
        style.show(fig2, "  ")


def test_series_styles_differ_in_colour_marker_and_linestyle():
    for attr in ("color", "marker", "linestyle"):
        values = [getattr(s, attr) for s in style.SERIES]
        assert len(set(map(str, values))) == len(values), attr


def test_sorting_board_stamped_on_its_cached_layer_is_pixel_for_pixel_the_full_drawing():
    """The cause sorter's static-layer fast path (Lesson 3) draws exactly what a full drawing does."""
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
    for assignments in sorts:
        png, data = sorter.sorter_board_png(assignments)
        fig, full_data = sorter.sorter_figure(assignments, False)
        stamped = np.asarray(Image.open(io.BytesIO(png)))
        drawn = np.asarray(Image.open(io.BytesIO(style.png_bytes(fig))))
        assert stamped.shape == drawn.shape and (stamped == drawn).all()
        assert data == full_data
