# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_picture.compare_scene: does the camera still show the scene of its reference frame (issue 15)?

The same room with a person passing, another exposure and the on-screen clock ticking is the same
scene; the camera turned to a wall or another corner is not; a uniform frame cannot be compared.
"""

from __future__ import annotations

import io

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _picture

Image = pytest.importorskip('PIL.Image')
ImageDraw = pytest.importorskip('PIL.ImageDraw')
ImageEnhance = pytest.importorskip('PIL.ImageEnhance')

SIZE = (640, 360)


def decoded(image):
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=80)
    return _picture.decode_jpeg(buffer.getvalue())


def server_room(person_at=None, stamp='2026-03-10 11:06:02'):
    """Racks left and right, a lit floor, the door in the middle; optionally a person at x."""
    image = Image.new('RGB', SIZE, (70, 74, 80))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 360), fill=(150, 150, 140))
    for left in (20, 120, 480, 560):
        draw.rectangle((left, 40, left + 70, 300), fill=(20, 22, 26))
        for y in range(60, 290, 20):
            draw.line((left + 8, y, left + 62, y), fill=(60, 200, 90))
    draw.rectangle((280, 90, 360, 300), fill=(120, 90, 60))
    if person_at is not None:
        draw.ellipse((person_at, 120, person_at + 40, 160), fill=(220, 180, 150))
        draw.rectangle((person_at - 5, 160, person_at + 45, 290), fill=(30, 60, 160))
    draw.text((16, 14), stamp, fill=(255, 255, 255))
    return image


def wall():
    """The camera turned towards the wall: a bright plaster surface with a cable tray."""
    image = Image.new('RGB', SIZE, (200, 196, 184))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 150, 640, 180), fill=(90, 90, 90))
    draw.rectangle((300, 0, 320, 360), fill=(120, 120, 110))
    return image


def test_the_same_scene_with_a_person_another_exposure_and_the_clock_is_the_same_scene():
    reference = decoded(server_room())
    later = server_room(person_at=200, stamp='2026-06-01 02:59:59')
    later = ImageEnhance.Brightness(later).enhance(0.6)   # night: the camera's gain is lower
    found = _picture.compare_scene(reference, decoded(later))
    assert found['similarity'] >= _picture.SCENE_THRESHOLD, found
    assert found['same_scene'] is True
    assert 'similarity' in found['detail'] and str(_picture.SCENE_THRESHOLD) in found['detail']


def test_a_camera_turned_to_the_wall_or_mirrored_is_another_scene():
    reference = decoded(server_room())
    for other in (wall(), server_room().transpose(Image.Transpose.FLIP_TOP_BOTTOM)):
        found = _picture.compare_scene(reference, decoded(other))
        assert found['similarity'] < _picture.SCENE_THRESHOLD, found
        assert found['same_scene'] is False
        assert 'another scene' in found['detail']


def test_a_smaller_frame_of_the_same_scene_is_compared_at_the_reference_size():
    reference = decoded(server_room())
    found = _picture.compare_scene(reference, decoded(server_room(person_at=420).resize((320, 180))))
    assert found['same_scene'] is True, found


def test_a_uniform_frame_cannot_be_compared():
    reference = decoded(server_room())
    found = _picture.compare_scene(reference, decoded(Image.new('RGB', SIZE, (0, 0, 0))))
    assert found['same_scene'] is None and found['similarity'] is None
    assert 'uniform' in found['detail']
    found = _picture.compare_scene(decoded(Image.new('RGB', SIZE, (0, 0, 0))), reference)
    assert found['same_scene'] is None and 'reference' in found['detail']


def test_the_threshold_is_an_argument():
    reference = decoded(server_room())
    panned = server_room().crop((100, 0, 640, 360)).resize(SIZE)   # turned a little: most racks still in view
    assert _picture.compare_scene(reference, decoded(panned))['same_scene'] is True
    found = _picture.compare_scene(reference, decoded(panned), threshold=0.99)
    assert found['same_scene'] is False and '0.99' in found['detail']


def test_the_simulator_scenes_normal_and_turned():
    snapshot = pytest.importorskip('camsim.snapshot')

    class Cam:
        name = 'cam-x'
        personality = {'manufacturer': 'HIKVISION', 'model': 'DS-2CD2043G2-I'}
        frame_counter = 0
        frozen_frame = None
        faults = {}

        def __init__(self, aim=None):
            self.quirks = {'aim': aim} if aim else {}

        @staticmethod
        def now():
            return 1.7e9

    normal = Cam()
    first = _picture.decode_jpeg(snapshot.frame(normal))
    for dummy in range(5):
        later = _picture.decode_jpeg(snapshot.frame(normal))
    assert _picture.compare_scene(first, later)['same_scene'] is True
    camera = Cam(aim=1)
    data = snapshot.frame(camera)
    turned = _picture.decode_jpeg(data)
    assert _picture.compare_scene(first, turned)['same_scene'] is False
    again = snapshot.frame(camera)
    verdicts, _measured = _picture.judge_frames((data, turned), (again, _picture.decode_jpeg(again)), 1.0, 5.0, 0.5)
    assert verdicts['not_uniform'][0] and verdicts['not_frozen'][0], 'the turned scene is live: only the scene check fails'
