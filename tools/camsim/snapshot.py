"""Snapshot frames: real JPEGs drawn with Pillow, at the resolution of the profile asked for.

A normal frame shows the camera name, its clock and a frame counter, with a box that moves
from frame to frame (consecutive frames differ). Picture modes (``quirks.picture``, or the
older ``faults.covered`` / ``faults.frozen``):

* ``covered``: a uniform black frame;
* ``frozen``: the very same bytes every time;
* ``covered_osd``: black, with a small bright on-screen clock (a covered camera with OSD);
* ``frozen_osd``: the same still scene every time, only the on-screen clock digits change.

``quirks.aim`` (a whole number other than 0) draws another scene: the camera was turned away
(``camsim.disturb``).
"""

import functools
import io
import time

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 360


@functools.lru_cache(maxsize=16)
def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: bitmap font only
        return ImageFont.load_default()


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def black_frame(width=WIDTH, height=HEIGHT):
    return _jpeg(Image.new("RGB", (width, height), (0, 0, 0)))


def _clock(camera):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(camera.now()))


def _osd(draw, camera, scale):
    """The small bright on-screen clock in the top left corner."""
    draw.text((int(12 * scale), int(10 * scale)), _clock(camera), font=_font(max(8, int(14 * scale))),
              fill=(255, 255, 255))


def _turned_scene(camera, width, height, count, aim):
    """What a camera turned away (``quirks.aim``) sees: a lit wall with cable trays, no racks."""
    scale = width / WIDTH
    image = Image.new("RGB", (width, height), (176, 168, 150))
    draw = ImageDraw.Draw(image)
    stripes = 3 + abs(aim) % 4
    for index in range(stripes):
        left = int((index + 0.5) * width / stripes - 18 * scale)
        draw.rectangle((left, 0, left + int(36 * scale), height), fill=(40, 40, 48))
    x = (count * int(61 * scale)) % max(1, width - int(110 * scale))
    draw.rectangle((x, int(20 * scale), x + int(110 * scale), int(110 * scale)), fill=(200, 60, 60))
    return image, draw, scale


def _scene(camera, width, height, count):
    aim = camera.quirks.get("aim")
    if aim:
        return _turned_scene(camera, width, height, count, aim)
    scale = width / WIDTH
    image = Image.new("RGB", (width, height), (34, 52, 70))
    draw = ImageDraw.Draw(image)
    ground = int(250 * height / HEIGHT)
    draw.rectangle((0, ground, width, height), fill=(60, 80, 60))
    box_w, box_h = int(80 * scale), int(60 * height / HEIGHT)
    x = (count * int(47 * scale)) % max(1, width - box_w)
    y = int(270 * height / HEIGHT)
    draw.rectangle((x, y, x + box_w, y + box_h), fill=(230, 180, 40), outline=(255, 255, 255))
    return image, draw, scale


def draw_frame(camera, width=WIDTH, height=HEIGHT):
    camera.frame_counter += 1
    count = camera.frame_counter
    image, draw, scale = _scene(camera, width, height, count)
    p = camera.personality
    draw.text((int(16 * scale), int(14 * scale)), camera.name, font=_font(max(8, int(34 * scale))),
              fill=(255, 255, 255))
    draw.text((int(16 * scale), int(60 * scale)), _clock(camera) + " UTC",
              font=_font(max(8, int(22 * scale))), fill=(255, 255, 255))
    draw.text((int(16 * scale), int(92 * scale)), "%s %s  #%d" % (p["manufacturer"], p["model"], count),
              font=_font(max(8, int(16 * scale))), fill=(200, 200, 200))
    return _jpeg(image)


def picture_mode(camera):
    mode = camera.quirks.get("picture")
    if mode and mode != "normal":
        return mode
    if camera.faults.get("covered"):
        return "covered"
    if camera.faults.get("frozen"):
        return "frozen"
    return "normal"


def frame(camera, width=WIDTH, height=HEIGHT):
    """The JPEG bytes the camera's snapshot URL returns now, ``width`` x ``height``."""
    mode = picture_mode(camera)
    if mode == "covered":
        return black_frame(width, height)
    if mode == "covered_osd":
        image = Image.new("RGB", (width, height), (0, 0, 0))
        _osd(ImageDraw.Draw(image), camera, width / WIDTH)
        return _jpeg(image)
    if mode == "frozen_osd":
        image, draw, scale = _scene(camera, width, height, 0)
        _osd(draw, camera, scale)
        return _jpeg(image)
    if mode == "frozen":
        if camera.frozen_frame is None:
            camera.frozen_frame = draw_frame(camera, width, height)
        return camera.frozen_frame
    return draw_frame(camera, width, height)
