"""The rendered face, not only its keyframe table: each clip's pictures differ in the feature that separates
the condition. Every frame is drawn as the student sees it, and regions of the picture (brow, eye, lower face
of each side) are compared with the face at rest, on a grid fixed in drawing coordinates."""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mvdcourse.lessons.recognition import face

# Regions in drawing coordinates for the patient's LEFT side (viewer's right); mirrored for the right side.
REGIONS = {
    "brow": ((0.12, 0.66), (0.47, 0.86)),
    "eye": ((0.16, 0.64), (0.17, 0.46)),
    "lower": ((0.12, 0.66), (-0.72, -0.05)),
}
VOLUNTARY_BOX = ((-0.45, 0.45), (-2.08, -1.96))
FRAMES = range(1, face.N_FRAMES + 1)
SKIN = np.array([0xF3, 0xE6, 0xD8])


@cache
def picture(key: str, frame: int) -> dict:
    """Sample one rendered frame on a fixed grid per region: {(side, region): (rgb grid, y grid)}."""
    fig, _ = face.face_figure(key, frame)
    fig.set_layout_engine("none")  # the same axes box for every frame, so grids compare pixel for pixel
    fig.axes[0].set_position([0.02, 0.02, 0.96, 0.84])
    fig.set_dpi(50)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    ax = fig.axes[0]
    out = {}
    boxes = {(side, name): box for name, box in REGIONS.items() for side in face.SIDES}
    boxes[("both", "voluntary")] = VOLUNTARY_BOX
    for (side, name), ((x0, x1), (y0, y1)) in boxes.items():
        sx = -1 if side == "right" else 1
        xs, ys = np.meshgrid(np.linspace(x0, x1, 40) * sx, np.linspace(y0, y1, 24))
        px = ax.transData.transform(np.c_[xs.ravel(), ys.ravel()])
        rows = np.clip((img.shape[0] - px[:, 1]).astype(int), 0, img.shape[0] - 1)
        cols = np.clip(px[:, 0].astype(int), 0, img.shape[1] - 1)
        out[(side, name)] = (img[rows, cols].reshape(24, 40, 3), ys)
    plt.close(fig)
    return out


REST = ("typical_hfs", 1)  # both sides at rest


def changed(key: str, frame: int, side: str, region: str) -> float:
    """Share of the region's grid points whose colour differs from the face at rest."""
    now, _ = picture(key, frame)[(side, region)]
    rest, _ = picture(*REST)[(side, region)]
    return float((np.abs(now - rest).max(axis=2) > 40).mean())


def brow_height(key: str, frame: int, side: str) -> float:
    """Mean height (drawing units) of the drawn brow: grid points far from skin and background."""
    rgb, ys = picture(key, frame)[(side, "brow")]
    ink = (np.abs(rgb - SKIN).max(axis=2) > 60) & (rgb.min(axis=2) < 200)
    assert ink.any(), f"no brow drawn in {key} frame {frame}"
    return float(ys[ink].mean())


def first(key, side, region):
    return min(f for f in FRAMES if changed(key, f, side, region) > 0)


def test_the_rest_frame_is_its_own_reference_and_a_moving_frame_is_not():
    assert changed(*REST, "left", "eye") == 0
    assert changed("typical_hfs", 7, "left", "eye") > 0.05  # eye shut in frame 7


@pytest.mark.parametrize("key", ["typical_hfs", "atypical_hfs", "myokymia"])
def test_hfs_and_myokymia_pictures_change_on_one_side_only(key):
    for f in FRAMES:
        assert all(changed(key, f, "right", r) == 0 for r in REGIONS), f"frame {f}: the other side moved"
    assert any(changed(key, f, "left", r) > 0 for f in FRAMES for r in REGIONS)


def test_typical_hfs_shows_the_eye_first_and_atypical_the_lower_face_first():
    assert first("typical_hfs", "left", "eye") < first("typical_hfs", "left", "lower")
    assert first("atypical_hfs", "left", "lower") < first("atypical_hfs", "left", "eye")


@pytest.mark.parametrize("key", ["typical_hfs", "atypical_hfs"])
def test_hfs_brow_is_drawn_higher_when_the_eye_is_shut(key):
    rest = brow_height(*REST, "left")
    shut = [f for f, fr in zip(FRAMES, face.clip(key)) if fr.left["eye"] >= 0.95]
    assert shut and all(brow_height(key, f, "left") > rest + 0.05 for f in shut)


def test_blepharospasm_pictures_are_mirror_images_with_brows_down_and_lower_face_still():
    frames = face.clip("blepharospasm")
    moving = [f for f in FRAMES if changed("blepharospasm", f, "left", "eye") > 0]
    assert moving
    for f in FRAMES:
        assert changed("blepharospasm", f, "left", "eye") == pytest.approx(
            changed("blepharospasm", f, "right", "eye"), abs=0.03
        ), f"frame {f}: the eyes do not close together"
        assert all(changed("blepharospasm", f, side, "lower") == 0 for side in face.SIDES)
    rest = brow_height(*REST, "left")
    for f, fr in zip(FRAMES, frames):
        if fr.left["eye"] > 0.5:
            assert all(brow_height("blepharospasm", f, side) < rest - 0.05 for side in face.SIDES)


def test_myokymia_ripples_in_every_picture_and_moves_between_pictures_without_closing_the_eye():
    for f in FRAMES:
        assert changed("myokymia", f, "left", "lower") > 0.02
        assert changed("myokymia", f, "left", "eye") == 0 and changed("myokymia", f, "left", "brow") == 0
    lower = [picture("myokymia", f)[("left", "lower")][0] for f in FRAMES]
    assert all(np.abs(a - b).max() > 40 for a, b in zip(lower, lower[1:])), "the ripple does not move"


def test_synkinesis_picture_narrows_the_eye_only_when_the_voluntary_smile_is_shown():
    for f in FRAMES:
        box, _ = picture("synkinesis", f)[("both", "voluntary")]
        smile_shown = bool((box.max(axis=2) < 80).any())  # the label's black text
        assert (changed("synkinesis", f, "left", "eye") > 0) == smile_shown, f"frame {f}"
        assert changed("synkinesis", f, "right", "eye") == 0
    assert any(picture("synkinesis", f)[("both", "voluntary")][0].max(axis=2).min() < 80 for f in FRAMES)
