# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_picture: decoding a snapshot and judging it (covered? frozen?) on pictures drawn here with Pillow.

The pictures imitate what cameras send: a scene, a black or grey frame, a lens covered by a hand,
each with or without the on-screen clock (OSD) that cameras burn into every frame.
"""

from __future__ import annotations

import io
import random

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _picture

Image = pytest.importorskip('PIL.Image')
ImageDraw = pytest.importorskip('PIL.ImageDraw')
ImageFont = pytest.importorskip('PIL.ImageFont')

SIZE = (640, 360)


def jpeg(image, **save):
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=85, **save)
    return buffer.getvalue()


def pair(data):
    return data, _picture.decode_jpeg(data)


def osd(image, stamp='2026-03-10 11:06:02', fill=(255, 255, 255), name='CAM-SRV-01'):
    """The camera's on-screen text: its clock top left, its name bottom right."""
    draw = ImageDraw.Draw(image)
    draw.text((16, 14), stamp, font=ImageFont.load_default(size=22), fill=fill)
    draw.text((SIZE[0] - 170, SIZE[1] - 40), name, font=ImageFont.load_default(size=22), fill=fill)
    return image


def scene(shift=0, size=SIZE, stamp=None):
    """A picture with structure: a gradient, a floor, a lamp, a box moved by ``shift`` pixels."""
    image = Image.new('RGB', size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line((0, y, size[0], y), fill=(y % 256, 80, 255 - y % 256))
    draw.rectangle((0, size[1] * 3 // 4, size[0], size[1]), fill=(60, 80, 60))
    draw.rectangle((40 + shift, 200, 160 + shift, 300), fill=(240, 200, 30))
    draw.ellipse((400, 40, 520, 160), fill=(20, 20, 20))
    return osd(image, stamp) if stamp else image


def flat(colour, stamp=None, fill=(255, 255, 255)):
    image = Image.new('RGB', SIZE, colour)
    return osd(image, stamp, fill) if stamp else image


def hand_over_lens(seed=1):
    """A covered lens: dark skin tone, a slight shading and sensor noise, no structure."""
    rng = random.Random(seed)
    image = Image.new('L', SIZE)
    image.putdata([max(0, min(255, 30 + x * 4 // SIZE[0] + int(rng.gauss(0, 1.5)))) for y in range(SIZE[1])
                   for x in range(SIZE[0])])
    return image.convert('RGB')


def judge(first, second, interval=1.0, uniform=5.0, frozen=0.5):
    return _picture.judge_frames(pair(jpeg(first)), pair(jpeg(second)) if second is not None else None,
                                 interval, uniform, frozen)


# -------------------------------------------------------------------------------- decoding --
def test_a_valid_jpeg_decodes():
    image = _picture.decode_jpeg(jpeg(scene()))
    assert image.size == SIZE and image.format == 'JPEG'


@pytest.mark.parametrize('data, message', [
    (b'', 'the snapshot is empty'),
    (b'<html><body>login</body></html>', "not a JPEG (it starts with '<html><body>login"),
    ('png', 'not a JPEG (it starts with'),
    ('half', 'truncated JPEG (no end-of-image marker'),
    ('corrupt', 'the JPEG does not decode'),
])
def test_broken_frames_are_refused(data, message):
    good = jpeg(scene())
    if data == 'png':
        buffer = io.BytesIO()
        scene().save(buffer, 'PNG')
        data = buffer.getvalue()
    elif data == 'half':
        data = good[:len(good) // 2]
    elif data == 'corrupt':
        data = good[:2] + b'\x00' * 40 + good[-2:]
    with pytest.raises(_picture.FrameError) as exc:
        _picture.decode_jpeg(data)
    assert message in str(exc.value)


# ------------------------------------------------------------------------------- measuring --
def test_picture_stats_sets_the_on_screen_text_aside():
    plain = _picture.picture_stats(_picture.decode_jpeg(jpeg(flat((0, 0, 0)))))
    assert plain['contrast'] < 1 and plain['overlay_tiles'] == 0 and plain['tiles'] == 256
    clocked = _picture.picture_stats(_picture.decode_jpeg(jpeg(flat((0, 0, 0), '2026-03-10 11:06:02'))))
    # the whole frame varies (the bright digits), the frame outside them does not
    assert clocked['full_contrast'] > 10 and clocked['contrast'] < 1
    assert 0 < clocked['overlay_tiles'] <= _picture.overlay_allowance(256)
    assert _picture.picture_stats(_picture.decode_jpeg(jpeg(scene())))['contrast'] > 20


def test_frame_difference_sets_a_changing_clock_aside():
    first = _picture.decode_jpeg(jpeg(scene(stamp='2026-03-10 11:06:02')))
    ticked = _picture.decode_jpeg(jpeg(scene(stamp='2026-03-10 11:06:03')))
    found = _picture.frame_difference(first, ticked)
    assert found['full_difference'] > 0 and found['difference'] < 0.05 and 1 <= found['changed_tiles'] <= 4
    moved = _picture.frame_difference(first, _picture.decode_jpeg(jpeg(scene(shift=60, stamp='2026-03-10 11:06:03'))))
    assert moved['difference'] > 2
    # the same picture saved again with other metadata: other bytes, same pixels
    again = jpeg(scene(), comment=b'2026-03-10 11:06:02')
    assert again != jpeg(scene())
    assert _picture.frame_difference(_picture.decode_jpeg(jpeg(scene())), _picture.decode_jpeg(again))['difference'] < 0.01
    # another size is compared after scaling, not refused
    smaller = _picture.decode_jpeg(jpeg(scene().resize((320, 180))))
    assert _picture.frame_difference(_picture.decode_jpeg(jpeg(scene())), smaller)['difference'] < 5


def test_tiny_pictures_are_measured_without_empty_tiles():
    tiny = _picture.decode_jpeg(jpeg(Image.new('RGB', (5, 3), (10, 10, 10))))
    stats = _picture.picture_stats(tiny)
    assert stats['tiles'] == 15 and stats['contrast'] < 2
    assert _picture.frame_difference(tiny, tiny)['difference'] == 0


# -------------------------------------------------------------------------------- verdicts --
def test_a_live_scene_is_neither_uniform_nor_frozen():
    verdicts, measured = judge(scene(stamp='2026-03-10 11:06:02'), scene(shift=60, stamp='2026-03-10 11:06:03'))
    assert verdicts['not_uniform'][0] is True and verdicts['not_frozen'][0] is True
    assert measured['width'] == 640 and measured['difference'] > 2 and measured['contrast'] > 20


@pytest.mark.parametrize('colour, fill, kind', [
    ((0, 0, 0), (255, 255, 255), 'a black frame or a covered lens'),
    ((128, 128, 128), (255, 255, 255), 'a flat picture: covered, fogged or far out of focus'),
    ((255, 255, 255), (0, 0, 0), 'a blinded lens or a white frame'),
])
def test_a_uniform_frame_with_an_on_screen_clock_is_uniform_not_frozen(colour, fill, kind):
    """Case 12: a black frame with a bright clock was called frozen; its cause is the uniform picture."""
    verdicts, measured = judge(flat(colour, '2026-03-10 11:06:02', fill), flat(colour, '2026-03-10 11:06:03', fill))
    ok, detail = verdicts['not_uniform']
    assert ok is False and kind in detail and 'apart from on-screen text' in detail
    assert verdicts['not_frozen'] == (None, 'the picture is uniform') and measured['difference'] is None
    assert measured['contrast'] < 5


def test_a_frozen_scene_whose_clock_still_ticks_is_frozen():
    """Case 12: the encoder re-sends one picture with a new clock burnt in: that picture is frozen."""
    verdicts, measured = judge(scene(stamp='2026-03-10 11:06:02'), scene(stamp='2026-03-10 11:06:03'))
    assert verdicts['not_uniform'][0] is True
    ok, detail = verdicts['not_frozen']
    assert ok is False and detail.startswith('the picture is frozen: apart from')
    assert 'on-screen clock' in detail and measured['difference'] < 0.5
    # the clock rolling over the hour changes more digits: still frozen
    verdicts, dummy = judge(scene(stamp='2026-03-10 11:59:59'), scene(stamp='2026-03-10 12:00:00'))
    assert verdicts['not_frozen'][0] is False


def test_a_covered_lens_has_low_variance():
    verdicts, measured = judge(hand_over_lens(1), hand_over_lens(2))
    assert verdicts['not_uniform'][0] is False and 'a black frame or a covered lens' in verdicts['not_uniform'][1]
    assert measured['brightness'] < 48


def test_a_plain_black_frame_and_byte_identical_frames():
    black = pair(jpeg(flat((0, 0, 0))))
    verdicts, measured = _picture.judge_frames(black, black, 1.0, 5.0, 0.5)
    assert verdicts['not_uniform'][0] is False and 'a black frame or a covered lens' in verdicts['not_uniform'][1]
    assert 'on-screen text' not in verdicts['not_uniform'][1]
    live = pair(jpeg(scene()))
    verdicts, measured = _picture.judge_frames(live, live, 2.0, 5.0, 0.5)
    assert verdicts['not_frozen'] == (False, 'the picture is frozen: the two frames taken 2.0 s apart are byte-identical')
    assert measured['difference'] == 0.0
    verdicts, dummy = _picture.judge_frames(live, pair(jpeg(scene(), comment=b'new time')), 1.0, 5.0, 0.5)
    assert verdicts['not_frozen'][0] is False and 'show the same picture' in verdicts['not_frozen'][1]
    assert _picture.judge_frames(live, None, 1.0, 5.0, 0.5)[0]['not_frozen'] == (None, 'no valid second frame')


def test_a_large_change_is_never_set_aside_as_a_clock():
    """Only a few tiles may be set aside: a change over a larger area is movement."""
    first = scene()
    second = scene()
    ImageDraw.Draw(second).rectangle((200, 100, 440, 260), fill=(200, 200, 200))
    verdicts, measured = judge(first, second)
    assert verdicts['not_frozen'][0] is True and measured['difference'] > 0.5
