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


def toy_demo(drawn: list):
    """A demo with a 4-value slider and a check box (8 reachable states) that records what it draws."""
    slope = demo.NamedSlider(value=1, min=0, max=3, description="Slope:")
    dashed = widgets.Checkbox(value=False, description="Dashed")

    def figure(s, d, fb):
        drawn.append((s, d))
        fig, ax = style.new_figure(3, 2)
        ax.plot([0, 1], [0, s], linestyle="--" if d else "-")
        return fig, {"slope": s, "dashed": d}

    return demo.FigureDemo(
        [slope, dashed], figure, lambda s, d, fb: f"Line of slope {s}", lambda s, d, fb: f"<p>{s} {d}</p>", None
    )


def test_states_are_drawn_ahead_only_once_a_browser_shows_the_demo_and_match_a_fresh_drawing():
    drawn = []
    d = toy_demo(drawn)
    slope, dashed = d.controls
    # nearest states first: one control away, then two
    assert d.reachable_states()[:4] == [(0, False), (1, True), (2, False), (3, False)]
    assert len(d.reachable_states()) == 7 and "mvd-demo" in d._dom_classes
    assert drawn == [(1, False)]  # headless: nothing drawn ahead, nobody would look
    d.figure.status.shown = True  # what the browser's view of the busy indicator reports when it renders
    d.figure.wait_ahead()
    assert sorted(drawn) == sorted({(s, b) for s in range(4) for b in (False, True)})
    drawn.clear()
    busy = []
    d.figure.status.observe(lambda change: busy.append(change["new"]), names="busy")
    slope.value, dashed.value = 3, True
    assert drawn == [] and busy == []  # served from the cache: no drawing, no busy indicator
    fresh, _ = d._draw(3, True, None)
    assert d.figure.value == style.img_html(fresh, "Line of slope 3")  # the cached layer is the same image


def test_a_state_not_drawn_yet_shows_the_busy_indicator_while_it_is_drawn():
    d = toy_demo([])
    seen = []

    def record(change):
        seen.append((change["new"], d.figure.alt))

    d.figure.status.observe(record, names="busy")
    d.controls[0].value = 2
    assert seen == [(True, "Line of slope 1"), (False, "Line of slope 2")]  # on before drawing, off once shown
    assert "aria-busy" in demo.BusyStatus._esm and 'role", "status' in demo.BusyStatus._esm


def test_demos_with_state_of_their_own_or_unbounded_controls_are_not_drawn_ahead():
    box = widgets.Text(value="2", description="Slope:")
    d = demo.InputDemo([box], parse, line_figure, lambda s, data: "alt", lambda s, fb: "", None, errors=(BadNumber,))
    assert d.reachable_states() == [] and demo.control_choices(box) is None
    wide = widgets.IntSlider(value=0, min=0, max=10_000)
    assert demo.control_choices(wide) is None


def test_after_a_typed_change_the_states_one_choice_away_are_queued_for_drawing_ahead():
    box = widgets.Text(value="2", description="Slope:")
    dashed = widgets.Checkbox(value=False, description="Dashed")

    def figure(state, fb):
        return line_figure(state[0], fb)

    d = demo.InputDemo(
        [box, dashed],
        lambda text, flag, fb: (parse(text, fb), flag),
        figure,
        lambda state, data: f"Line of slope {state[0]}",
        lambda state, fb: "",
        None,
        errors=(BadNumber,),
    )
    assert d.reachable_states() == [("2", True)]  # the typed value stays; the check box may flip
    box.value = "3"
    assert [key for key, _make in d.figure._ahead] == [("3", True)]
    d.figure.wait_ahead()
    busy = []
    d.figure.status.observe(lambda change: busy.append(change["new"]), names="busy")
    dashed.value = True  # drawn ahead: served without the busy indicator
    assert d.figure.alt == "Line of slope 3" and busy == []


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
