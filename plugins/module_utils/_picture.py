# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Judge camera snapshots: does the picture show a scene (not covered), does it move (not frozen)?

Pure functions on decoded pictures (Pillow); no I/O. Used by ``onvif_stream_check``. Pillow is
needed (``HAS_PIL``; the module reports it with ``missing_required_lib``).

Why tiles
    Cameras burn an on-screen display (OSD) into every frame: a clock, often the camera's name.
    Measured over the whole frame, a black frame with a bright clock has a large grey-level
    spread (it looks like a picture), and a stuck encoder that re-sends one picture with a new
    clock shows a small difference (it looks like movement, or like freezing, depending on the
    font size). So the frame is cut into a grid of at most ``GRID`` x ``GRID`` tiles, and a few
    tiles are set aside before judging:

    * coverage: up to ``OVERLAY_SHARE`` of the tiles (1/8, 32 of 256) - the ones with the most
      detail of their own, as text has - when their detail is above the uniform threshold. The
      contrast of the rest decides. Text on an OSD line takes 2-10 % of the tiles on common
      cameras. A scene keeps its contrast without its 32 busiest tiles; only a scene that is
      dark except for a small bright area (a lamp in a dark room) reads as uniform, and such
      a room is not watched either.
    * movement: up to ``CHANGE_SHARE`` of the tiles (1/64, 4 of 256) - the ones that changed
      most - the digits of a clock that ticked between the two frames (a rollover of the hour
      changes about 3 tiles at 640x360). The mean difference of the rest decides. Movement
      over more than 4 tiles (a person, a moving object, or the sensor noise of any real
      camera, which touches every tile) still counts.

Same scene (issue 15)
    The scheduled verification compares today's frame with the reference frame kept at
    installation (:func:`compare_scene`). The measure is the correlation of the mean grey
    levels of the two frames' tiles (the second scaled to the first's size), after setting
    aside the ``SCENE_SHARE`` (1/8) of tiles that disagree most: a person passing, a moved
    chair, the on-screen text. A correlation does not see the exposure: a darker night
    picture of the same room correlates as well as a day picture (gain and offset cancel).
    A camera turned away shows another arrangement of light and dark, and its correlation
    falls towards 0 (or below, for a mirror image). ``SCENE_THRESHOLD`` (0.5) is the lowest
    correlation that still counts as the same scene: measured here, the same room with a
    person, another exposure and another clock gives 0.9 and more, a turned camera 0.3 and
    less. A uniform frame (covered, black) has no arrangement to compare: ``None``, and the
    coverage check names the cause.

Thresholds
    The grey-level thresholds are the module's options (``uniform_threshold``,
    ``frozen_threshold``); the kinds of uniform picture are told apart by their mean grey level:
    below ``DARK_MEAN`` (48) a black frame or covered lens, above ``BRIGHT_MEAN`` (207) a
    blinded lens or white frame, in between a flat picture (fog, far out of focus, a cloth).
"""

from __future__ import annotations

import io
import math
import traceback

try:
    from PIL import Image, ImageChops, ImageStat
    HAS_PIL = True
    PIL_IMPORT_ERROR = None
except ImportError:
    HAS_PIL = False
    PIL_IMPORT_ERROR = traceback.format_exc()

GRID = 16                 # tiles per side (fewer for a picture narrower than 16 pixels)
OVERLAY_SHARE = 1 / 8.0   # share of tiles that may be set aside as on-screen text (coverage)
CHANGE_SHARE = 1 / 64.0   # share of tiles that may be set aside as a ticking clock (movement)
SCENE_SHARE = 1 / 8.0     # share of tiles set aside as things that moved (scene comparison)
SCENE_THRESHOLD = 0.5     # lowest correlation of tile means that counts as the same scene
SCENE_FLAT = 1.0          # tile means varying less than this (grey levels) are a uniform frame
DARK_MEAN = 48            # mean grey below which a uniform picture is black / covered
BRIGHT_MEAN = 207         # mean grey above which a uniform picture is white / blinded


class FrameError(Exception):
    """The bytes are not a complete, decodable JPEG picture."""


def _excerpt(data, limit=40):
    text = ''.join(c if 32 <= ord(c) < 127 else '.' for c in data[:limit].decode('latin-1'))
    return repr(text + ('...' if len(data) > limit else ''))


def decode_jpeg(data):
    """Decode JPEG bytes completely; the loaded Pillow image, or FrameError saying why not."""
    if not HAS_PIL:
        raise FrameError('Pillow is not installed')
    if not data:
        raise FrameError('the snapshot is empty')
    if not data.startswith(b'\xff\xd8'):
        raise FrameError('not a JPEG (it starts with %s)' % _excerpt(data))
    if not data.rstrip(b'\x00\r\n ').endswith(b'\xff\xd9'):
        raise FrameError('truncated JPEG (no end-of-image marker; %d bytes)' % len(data))
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != 'JPEG':
            raise FrameError('not a JPEG (Pillow reads it as %s)' % image.format)
        image.load()
    except FrameError:
        raise
    except Exception as exc:  # pylint: disable=broad-except
        # Pillow raises OSError, SyntaxError, ValueError, DecompressionBombError... for bad data.
        raise FrameError('the JPEG does not decode (%s: %s)' % (type(exc).__name__, exc))
    return image


# ------------------------------------------------------------------------------- measuring --
def overlay_allowance(tiles):
    """How many of ``tiles`` may be set aside as on-screen text when judging coverage."""
    return int(tiles * OVERLAY_SHARE)


def change_allowance(tiles):
    """How many of ``tiles`` may be set aside as a ticking clock when judging movement (at least 1)."""
    return max(1, int(tiles * CHANGE_SHARE))


def _tiles(grey):
    """Per tile of a grey image: ``(pixel count, sum, sum of squares)``, row by row."""
    width, height = grey.size
    cols, rows = min(GRID, width), min(GRID, height)
    found = []
    for row in range(rows):
        for col in range(cols):
            box = (col * width // cols, row * height // rows, (col + 1) * width // cols, (row + 1) * height // rows)
            stat = ImageStat.Stat(grey.crop(box))
            found.append((stat.count[0], stat.sum[0], stat.sum2[0]))
    return found


def _pooled(tiles):
    """(mean, standard deviation) of the pixels of the given tiles taken together."""
    count = sum(t[0] for t in tiles)
    if not count:
        return 0.0, 0.0
    mean = sum(t[1] for t in tiles) / count
    return mean, math.sqrt(max(0.0, sum(t[2] for t in tiles) / count - mean * mean))


def _tile_stddev(tile):
    count, total, squares = tile
    return math.sqrt(max(0.0, squares / count - (total / count) ** 2)) if count else 0.0


def picture_stats(image, detail_threshold=5.0):
    """Grey levels of a picture with its on-screen text set aside.

    Tiles whose own standard deviation is at least ``detail_threshold`` are candidates; the
    busiest of them, at most :func:`overlay_allowance`, are set aside. Returns ``brightness``
    and ``contrast`` (mean and standard deviation of the rest), ``full_brightness`` and
    ``full_contrast`` (the whole frame), ``overlay_tiles`` (how many were set aside) and
    ``tiles`` (how many there are).
    """
    tiles = _tiles(image.convert('L'))
    ranked = sorted(range(len(tiles)), key=lambda i: _tile_stddev(tiles[i]), reverse=True)
    aside = [i for i in ranked[:overlay_allowance(len(tiles))] if _tile_stddev(tiles[i]) >= detail_threshold]
    kept = [tiles[i] for i in range(len(tiles)) if i not in set(aside)]
    mean, stddev = _pooled(kept)
    full_mean, full_stddev = _pooled(tiles)
    return {'brightness': mean, 'contrast': stddev, 'full_brightness': full_mean, 'full_contrast': full_stddev,
            'overlay_tiles': len(aside), 'tiles': len(tiles)}


def frame_difference(first, second, change_threshold=0.5):
    """Mean absolute grey-level difference of two pictures, with a ticking clock set aside.

    The second picture is scaled to the first's size. The tiles that changed most, at most
    :func:`change_allowance`, are set aside. Returns ``difference`` (mean over the rest),
    ``full_difference`` (whole frame), ``changed_tiles`` (set-aside tiles whose own mean
    difference is at least ``change_threshold``) and ``tiles``.
    """
    a, b = first.convert('L'), second.convert('L')
    if b.size != a.size:
        b = b.resize(a.size)
    tiles = _tiles(ImageChops.difference(a, b))
    ranked = sorted(range(len(tiles)), key=lambda i: tiles[i][1] / tiles[i][0] if tiles[i][0] else 0.0, reverse=True)
    aside = set(ranked[:change_allowance(len(tiles))])
    kept = [tiles[i] for i in range(len(tiles)) if i not in aside]
    changed = sum(1 for i in aside if tiles[i][0] and tiles[i][1] / tiles[i][0] >= change_threshold)
    return {'difference': _pooled(kept)[0], 'full_difference': _pooled(tiles)[0], 'changed_tiles': changed,
            'tiles': len(tiles)}


# -------------------------------------------------------------------------------- verdicts --
def _uniform_kind(mean):
    if mean < DARK_MEAN:
        return 'a black frame or a covered lens'
    if mean > BRIGHT_MEAN:
        return 'a blinded lens or a white frame'
    return 'a flat picture: covered, fogged or far out of focus'


def judge_frames(first, second, interval, uniform_threshold, frozen_threshold):
    """Judge two snapshots taken ``interval`` seconds apart: ``(verdicts, measurements)``.

    ``first`` and ``second`` are ``(bytes, decoded image)``; ``second`` is None when there is no
    valid second frame. ``verdicts`` maps ``not_uniform`` and ``not_frozen`` to ``(True, detail)``,
    ``(False, detail)``, or ``(None, reason)`` when the check cannot be made: a uniform picture is
    not judged for movement, its cause is the uniformity. ``measurements`` has width, height,
    size (bytes), brightness and contrast (mean and standard deviation of the grey levels
    outside on-screen text) and difference (mean absolute grey difference of the two frames
    outside a ticking clock; None when not measured).
    """
    data, image = first
    stats = picture_stats(image, uniform_threshold)
    mean, stddev = stats['brightness'], stats['contrast']
    measured = {'width': image.size[0], 'height': image.size[1], 'size': len(data), 'brightness': round(mean, 2),
                'contrast': round(stddev, 2), 'difference': None}
    where = ('apart from on-screen text (%d of %d tiles set aside), ' % (stats['overlay_tiles'], stats['tiles'])
             if stats['overlay_tiles'] else '')
    verdicts = {}
    uniform = stddev < uniform_threshold
    if uniform:
        verdicts['not_uniform'] = (False, 'the picture is uniform %s(grey-level standard deviation %.2f below %s, mean %.1f: %s)'
                                   % (where, stddev, uniform_threshold, mean, _uniform_kind(mean)))
    else:
        verdicts['not_uniform'] = (True, 'grey levels vary %s(standard deviation %.2f, threshold %s; mean %.1f)'
                                   % (where, stddev, uniform_threshold, mean))
    if second is None:
        verdicts['not_frozen'] = (None, 'no valid second frame')
    elif uniform:
        verdicts['not_frozen'] = (None, 'the picture is uniform')
    elif second[0] == data:
        measured['difference'] = 0.0
        verdicts['not_frozen'] = (False, 'the picture is frozen: the two frames taken %s s apart are byte-identical' % interval)
    else:
        found = frame_difference(image, second[1], frozen_threshold)
        difference = found['difference']
        measured['difference'] = round(difference, 3)
        if difference >= frozen_threshold:
            verdicts['not_frozen'] = (True, 'the frames taken %s s apart differ (mean grey-level difference %.2f, threshold %s)'
                                      % (interval, difference, frozen_threshold))
        elif found['changed_tiles']:
            verdicts['not_frozen'] = (False, 'the picture is frozen: apart from %d small area%s of %d that changed (an '
                                      'on-screen clock), the two frames taken %s s apart show the same picture (mean '
                                      'grey-level difference %.3f below %s)'
                                      % (found['changed_tiles'], '' if found['changed_tiles'] == 1 else 's',
                                         found['tiles'], interval, difference, frozen_threshold))
        else:
            verdicts['not_frozen'] = (False, 'the picture is frozen: the two frames taken %s s apart show the same picture '
                                      '(mean grey-level difference %.3f below %s)' % (interval, difference, frozen_threshold))
    return verdicts, measured


# ------------------------------------------------------------------------------ same scene --
def _correlation(first, second):
    count = len(first)
    mean_a, mean_b = sum(first) / count, sum(second) / count
    cov = sum((a - mean_a) * (b - mean_b) for a, b in zip(first, second))
    var_a = sum((a - mean_a) ** 2 for a in first)
    var_b = sum((b - mean_b) ** 2 for b in second)
    return cov / math.sqrt(var_a * var_b) if var_a > 0 and var_b > 0 else 0.0


def _spread(values):
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def compare_scene(reference, current, threshold=SCENE_THRESHOLD):
    """Whether ``current`` still shows the scene of ``reference`` (both decoded pictures).

    Returns ``similarity`` (the correlation of the tile means with the most disagreeing
    :data:`SCENE_SHARE` of tiles set aside, -1 to 1; None when a frame is uniform),
    ``same_scene`` (similarity at least ``threshold``; None when not comparable), ``set_aside``,
    ``tiles`` and ``detail`` (one sentence for a person).
    """
    ref = reference.convert('L')
    cur = current.convert('L')
    if cur.size != ref.size:
        cur = cur.resize(ref.size)
    first = [t[1] / t[0] for t in _tiles(ref) if t[0]]
    second = [t[1] / t[0] for t in _tiles(cur) if t[0]]
    found = {'similarity': None, 'same_scene': None, 'set_aside': 0, 'tiles': len(first), 'threshold': threshold}
    for values, which in ((first, 'the reference frame'), (second, 'the frame taken now')):
        if _spread(values) < SCENE_FLAT:
            found['detail'] = '%s is uniform: there is no scene to compare' % which
            return found
    mean_a, spread_a = sum(first) / len(first), _spread(first)
    mean_b, spread_b = sum(second) / len(second), _spread(second)
    residual = [abs((a - mean_a) / spread_a - (b - mean_b) / spread_b) for a, b in zip(first, second)]
    aside = set(sorted(range(len(first)), key=lambda i: residual[i], reverse=True)[:int(len(first) * SCENE_SHARE)])
    kept = [i for i in range(len(first)) if i not in aside]
    similarity = _correlation([first[i] for i in kept], [second[i] for i in kept])
    found.update(similarity=round(similarity, 3), same_scene=similarity >= threshold, set_aside=len(aside))
    if found['same_scene']:
        found['detail'] = ('the same scene as the reference frame (similarity %.2f, threshold %s; %d of %d tiles set '
                           'aside as moved)' % (similarity, threshold, len(aside), len(first)))
    else:
        found['detail'] = ('another scene than the reference frame: the camera was turned, moved or its view blocked '
                           '(similarity %.2f below %s)' % (similarity, threshold))
    return found
