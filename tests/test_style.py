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
