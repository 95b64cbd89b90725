"""Lesson 0 widgets: the animated face shows each condition's separating feature, frame by frame; the
which-is-it exercise, the root-exit-zone explorer and the severity calculator react to their controls."""

from __future__ import annotations

import pytest

from mvdcourse.lessons import recognition
from mvdcourse.lessons.recognition import content, face, rez, severity


def frames(key):
    return face.clip(key)


def moves(side: dict, muscle: str) -> bool:
    return abs(side[muscle]) > 0.05


@pytest.mark.parametrize("key", list(face.CLIPS))
def test_every_clip_has_all_frames_and_a_content_entry(key):
    assert len(frames(key)) == face.N_FRAMES
    assert face.condition(key).separating_feature


@pytest.mark.parametrize("key", ["typical_hfs", "atypical_hfs", "myokymia"])
def test_hfs_and_myokymia_are_strictly_one_sided(key):
    assert all(not any(moves(f.right, m) for m in face.MUSCLES) for f in frames(key))
    assert any(any(moves(f.left, m) for m in face.MUSCLES) for f in frames(key))


def _first(key, muscles):
    return min(i for i, f in enumerate(frames(key)) if any(moves(f.left, m) for m in muscles))


def test_typical_starts_at_the_eye_and_atypical_in_the_lower_face():
    assert _first("typical_hfs", ["eye"]) < _first("typical_hfs", ["cheek", "mouth", "neck"])
    assert _first("atypical_hfs", ["cheek", "mouth"]) < _first("atypical_hfs", ["eye"])


@pytest.mark.parametrize("key", ["typical_hfs", "atypical_hfs"])
def test_hfs_shows_the_other_babinski_sign_when_the_eye_is_shut(key):
    shut = [f for f in frames(key) if f.left["eye"] >= 0.95]
    assert shut and all(f.left["brow"] > 0.5 for f in shut)


def test_blepharospasm_is_bilateral_synchronous_with_brows_down_and_lower_face_spared():
    fs = frames("blepharospasm")
    assert all(f.left["eye"] == f.right["eye"] for f in fs)
    assert any(f.left["eye"] >= 0.95 for f in fs)
    assert all(f.left["brow"] < 0 for f in fs if f.left["eye"] > 0.5)
    assert all(f.left[m] == 0 and f.right[m] == 0 for f in fs for m in ("cheek", "mouth", "neck"))


def test_myokymia_ripples_in_every_frame_without_eye_closure():
    fs = frames("myokymia")
    assert all(f.left["ripple"] > 0.5 and f.left["eye"] == 0 and f.left["brow"] == 0 for f in fs)
    assert all(f.left["ripple"] == 0 for k in face.CLIPS if k != "myokymia" for f in frames(k))


def test_synkinesis_moves_the_eye_only_with_a_voluntary_smile():
    fs = frames("synkinesis")
    assert any(f.voluntary for f in fs) and any(not f.voluntary for f in fs)
    assert all((f.left["eye"] > 0.05) == f.voluntary for f in fs)
    assert all(f.left["mouth"] < 0 for f in fs if not f.voluntary)  # residual weakness at rest
    assert not any(f.voluntary for k in face.CLIPS if k != "synkinesis" for f in frames(k))


def test_face_figure_alt_text_names_what_moves():
    fig, data = face.face_figure("typical_hfs", 7)
    assert data["moving"]["right"] == [] and "eyebrow raised" in data["moving"]["left"]
    alt = face.face_alt("typical_hfs", 7)
    assert "other Babinski sign" in alt and "patient's right: at rest" in alt
    assert "both" not in face.face_alt("typical_hfs", 1)
    with pytest.raises(ValueError, match="frame must be a whole number from 1 to 12"):
        face.face_figure("typical_hfs", 0)
    with pytest.raises(ValueError, match="unknown condition 'tic'"):
        face.face_figure("tic", 1)


def test_face_player_follows_frame_and_condition():
    w = recognition.face_player()
    assert w.figure.figure_data == {**w.figure.figure_data, "condition": "typical_hfs", "frame": 1}
    first = w.figure.value
    w.frame.value = 7
    assert w.figure.value != first and w.figure.figure_data["left"]["brow"] > 0.5
    assert "other Babinski sign" in w.figure.alt
    w.condition.value = "blepharospasm"
    assert w.figure.figure_data["right"]["eye"] == w.figure.figure_data["left"]["eye"] > 0
    assert "Blepharospasm" in w.info.value and "synchronous" in w.info.value
    assert w.frame.max == face.N_FRAMES and w.frame.min == 1 and w.play in w.children[1].children


def test_which_is_it_gives_reasoning_per_answer_and_never_names_the_case_condition():
    w = recognition.which_is_it()
    assert w.check() == "unanswered"
    truth = next(c.condition for c in content.cases().values() if c.label == w.case.value)
    name = face.condition(truth).name
    for frame in range(1, face.N_FRAMES + 1):
        w.frame.value = frame
        assert name.lower() not in w.figure.alt.lower() and name.lower() not in w.figure.value.lower()
    wrong = next(k for k in face.CLIPS if k != truth)
    w.answer.value = wrong
    assert w.check() == "wrong"
    assert face.condition(wrong).name.lower() in w.feedback.value.lower()
    assert face.condition(truth).seen_in_clip[:40] in w.feedback.value
    w.answer.value = truth
    assert w.check() == "correct"
    w.case.value = "Case C"
    assert w.answer.value is None and w.feedback.value == "" and "Case C" in w.vignette.value


def test_cases_cover_every_condition_once():
    assert sorted(c.condition for c in content.cases().values()) == sorted(face.CLIPS)


def test_rez_shares_come_from_the_fact_base_and_follow_the_control(fb):
    assert rez.shares(fb) == {"rexp": 10, "as": 64, "rdp": 22, "cp": 3}
    w = recognition.rez_explorer()
    assert w.figure.figure_data["selected"] == "as" and "64% [J Neurosurg 2008" in w.info.value
    before = w.figure.value
    w.segment.value = "rdp"
    assert w.figure.value != before and "22%" in w.info.value and "Root detachment point" in w.figure.alt
    assert "87.5%" in w.info.value  # the Lesson 3 link: missed zones at redo
    with pytest.raises(ValueError, match="unknown segment 'xyz'"):
        rez.rez_figure("xyz")


@pytest.mark.parametrize(
    "spread, tonic, disfig, grade",
    [
        ("around the eye only", False, False, "I"),
        ("spread to other facial muscles", False, False, "II"),
        ("around the eye only", True, False, "III"),
        ("spread to other facial muscles", True, True, "IV"),
    ],
)
def test_smc_grade_is_the_highest_criterion_met(spread, tonic, disfig, grade):
    assert severity.smc_grade(spread, tonic, disfig) == grade


def test_severity_calculator_reacts_and_flags_unverified_outcome_grades():
    w = recognition.severity_calculator()
    assert w.figure.figure_data == {"grade": "I", "hfs7_by_grade": [9, 12, 16, 17]}
    w.tonic.value = True
    assert w.figure.figure_data["grade"] == "III" and "SMC grade III" in w.info.value
    assert "HFS-7 score of 16" in w.info.value and "SMC grade III, highlighted" in w.figure.alt
    assert "definitions unverified" in w.info.value and "Education only" in w.info.value
    with pytest.raises(ValueError, match="spread must be one of"):
        severity.smc_grade("everywhere", False, False)


def test_fact_ids_cover_the_content_data():
    ids = set(recognition.FACT_IDS)
    assert {
        "rez.as.campos2008",
        "scale.smc.hfs7_g3.lee2012",
        "dx.atypical.share.wn2017",
        "dx.babinski2.sign",
        "cause.missed_zone_recurrent.liu2021",
    } <= ids


def test_play_clip_steps_through_the_frames_until_paused(monkeypatch):
    """Play clip is a labelled toggle: pressed, the frame advances by itself (wrapping); pressed again, it stops."""
    import time

    monkeypatch.setattr(face, "FRAME_SECONDS", 0.01)
    player = face.face_player()
    player.frame.value = face.N_FRAMES - 1
    player.play.value = True
    assert player.play.description == "Pause clip"
    deadline = time.monotonic() + 20
    seen = set()
    while time.monotonic() < deadline and len(seen) < 3:
        seen.add(player.frame.value)
        time.sleep(0.005)
    player.play.value = False
    assert {face.N_FRAMES, 1} <= seen, seen  # reached the last frame, then wrapped to the first
    assert player.play.description == "Play clip"
    player._player.join(timeout=20)
    stopped = player.frame.value
    time.sleep(0.1)
    assert player.frame.value == stopped  # paused: no further frames
    assert player.frame.description == "Frame:"  # a named slider (accessible name)


def test_play_clip_shows_the_next_frame_at_once_not_after_a_frame_interval(monkeypatch):
    """Pressing Play answers the click: the next frame comes at once, the one after only a frame later."""
    import time

    monkeypatch.setattr(face, "FRAME_SECONDS", 30.0)
    player = face.face_player()
    player.frame.value = 4
    player.play.value = True
    deadline = time.monotonic() + 10
    while player.frame.value == 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert player.frame.value == 5  # at once (not 30 s later), and only one step
    player.play.value = False
