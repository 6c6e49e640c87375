"""Snapshot frames: real JPEGs drawn with Pillow.

A normal frame shows the camera name, its clock and a frame counter, with a box that moves
from frame to frame (consecutive frames differ). Faults: ``covered`` gives a uniform black
frame, ``frozen`` repeats the very same bytes forever.
"""

import functools
import io
import time

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 360


@functools.lru_cache(maxsize=4)
def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: bitmap font only
        return ImageFont.load_default()


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@functools.lru_cache(maxsize=1)
def black_frame():
    return _jpeg(Image.new("RGB", (WIDTH, HEIGHT), (0, 0, 0)))


def draw_frame(camera):
    camera.frame_counter += 1
    count = camera.frame_counter
    image = Image.new("RGB", (WIDTH, HEIGHT), (34, 52, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, WIDTH, HEIGHT), fill=(60, 80, 60))
    x = (count * 47) % (WIDTH - 80)
    draw.rectangle((x, 270, x + 80, 330), fill=(230, 180, 40), outline=(255, 255, 255))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(camera.now()))
    p = camera.personality
    draw.text((16, 14), camera.name, font=_font(34), fill=(255, 255, 255))
    draw.text((16, 60), stamp + " UTC", font=_font(22), fill=(255, 255, 255))
    draw.text((16, 92), "%s %s  #%d" % (p["manufacturer"], p["model"], count),
              font=_font(16), fill=(200, 200, 200))
    return _jpeg(image)


def frame(camera):
    """The JPEG bytes the camera's snapshot URL returns now."""
    if camera.faults.get("covered"):
        return black_frame()
    if camera.faults.get("frozen"):
        if camera.frozen_frame is None:
            camera.frozen_frame = draw_frame(camera)
        return camera.frozen_frame
    return draw_frame(camera)
