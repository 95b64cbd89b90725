"""The widget layer: a control change redraws figure, alt text and panel; typed input errors become a message."""

from __future__ import annotations

import ipywidgets as widgets

from mvdcourse import style
from mvdcourse import widgets as demo


def line_figure(slope, fb):
    fig, ax = style.new_figure(3, 2)
    ax.plot([0, 1], [0, slope])
    return fig, {"slope": slope}


def test_figure_demo_redraws_on_each_change_and_serves_seen_states_from_cache(monkeypatch):
    slope = widgets.IntSlider(value=1, min=0, max=3, description="Slope:")
    drawn = []

    def figure(s, fb):
        drawn.append(s)
        return line_figure(s, fb)

    d = demo.FigureDemo([slope], figure, lambda s, fb: f"Line of slope {s}", lambda s, fb: f"<p>slope {s}</p>", None)
    assert d.figure.alt == "Line of slope 1" and d.info.value == "<p>slope 1</p>"
    assert 'alt="Line of slope 1"' in d.figure.value and d.figure.figure_data == {"slope": 1}
    slope.value = 2
    assert d.figure.alt == "Line of slope 2" and d.info.value == "<p>slope 2</p>"
    slope.value = 1  # seen before: not drawn again
    assert drawn == [1, 2] and d.figure.alt == "Line of slope 1"
    assert [label for label, _ in demo.controls(d)] == ["Slope:"]


class BadNumber(ValueError):
    pass


def parse(text, fb):
    if not text.strip().isdigit():
        raise BadNumber(f"“{text}” is not a whole number; type one, e.g. 2.")
    if text == "13":
        raise RuntimeError("unlucky")
    return int(text)


def test_input_demo_shows_the_lesson_error_or_a_generic_one_never_a_traceback():
    box = widgets.Text(value="2", description="Slope:")
    d = demo.InputDemo(
        [box],
        parse,
        line_figure,
        lambda s, data: f"Line of slope {s}",
        lambda s, fb: f"<p>slope {s}</p>",
        None,
        errors=(BadNumber,),
        kind="toy",
    )
    assert d.state == 2 and d.error == "" and d.figure.figure_data == {"slope": 2}
    box.value = "two"
    assert d.state is None and "“two” is not a whole number" in d.info.value and "role='alert'" in d.info.value
    assert d.figure.alt.startswith("Nothing drawn: ") and d.figure.figure_data["valid"] is False
    assert "Education only" in d.info.value and "This toy" in d.info.value
    box.value = "13"
    assert "could not be read (RuntimeError: unlucky)" in d.info.value and "Traceback" not in d.info.value
    box.value = "3"
    assert d.state == 3 and d.info.value == "<p>slope 3</p>"


def test_figure_fingerprint_tells_apart_what_figures_show():
    """The fast tier compares fingerprints instead of PNGs (tests/conftest.py): the same figure gives the same
    fingerprint, a figure that shows other data or text another one."""
    from mvdcourse.lessons import mechanics

    from .conftest import figure_fingerprint

    def fingerprint(vessel):
        return figure_fingerprint(mechanics.anatomy_figure(vessel)[0])

    assert fingerprint("AICA") == fingerprint("AICA") != fingerprint("VA")
    line = line_figure(1, None)[0]
    steeper = line_figure(2, None)[0]
    assert figure_fingerprint(line) != figure_fingerprint(steeper)
