# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The office's time zone: every time and date the collection writes for people is shown in it.

``cctv_timezone`` (default ``Asia/Jakarta``) names the office's zone, whatever the zone of the
controller (an AWX execution environment runs in UTC). Stored times stay ISO 8601 with their
offset; only what is *shown* (the report, the review's times, the agenda date and number year,
the labels' year) is converted here.

Why a table before :mod:`zoneinfo`: the collection supports controller Pythons from 3.8, and
``zoneinfo`` exists from 3.9 only; it also needs the system's tz database (absent from some
minimal images). Indonesia's three zones have kept fixed offsets without daylight saving since
1964 (WIB +07:00, WITA +08:00, WIT +09:00), so a table of them is exact for every date a report
can carry. Other IANA names are taken from ``zoneinfo`` when it is there. A camera-style POSIX
TZ string without daylight saving (``WIB-7``, the form cameras take in step 3) is read too, so
one inventory value can serve both.

Tests fix the clock with the environment variable ``DUKCAPIL_CCTV_NOW`` (an ISO 8601 time with
offset): :func:`now` returns it instead of the system clock.
"""

from __future__ import annotations

import datetime
import os
import re

try:
    import zoneinfo
    HAS_ZONEINFO = True
except ImportError:  # Python 3.8: the fixed table below still covers Indonesia's zones
    zoneinfo = None
    HAS_ZONEINFO = False

DEFAULT = 'Asia/Jakarta'
NOW_VARIABLE = 'DUKCAPIL_CCTV_NOW'

#: IANA names of Indonesia's zones: (minutes east of UTC, abbreviation).
FIXED = {
    'Asia/Jakarta': (420, 'WIB'),
    'Asia/Pontianak': (420, 'WIB'),
    'Asia/Makassar': (480, 'WITA'),
    'Asia/Ujung_Pandang': (480, 'WITA'),
    'Asia/Jayapura': (540, 'WIT'),
    'UTC': (0, 'UTC'),
    'Etc/UTC': (0, 'UTC'),
}
#: Abbreviations shown after a time, by offset (the Indonesian zones by their own names).
ABBREVIATIONS = {420: 'WIB', 480: 'WITA', 540: 'WIT', 0: 'UTC'}

POSIX_RE = re.compile(r'^(?P<name>[A-Za-z]{3,6}|<[A-Za-z0-9+-]{1,10}>)(?P<sign>[+-]?)(?P<hours>\d{1,2})(?::(?P<minutes>\d{2}))?$')


class TimezoneError(ValueError):
    """A time zone name that cannot be used (names the value)."""


def _fixed(minutes, name):
    return datetime.timezone(datetime.timedelta(minutes=minutes), name)


def zone(name=None):
    """The tzinfo of ``name``: an IANA name (``Asia/Jakarta``) or a POSIX TZ without DST (``WIB-7``)."""
    name = DEFAULT if name in (None, '') else name
    if not isinstance(name, str):
        raise TimezoneError('timezone %r is not a time zone name such as Asia/Jakarta' % (name,))
    name = name.strip()
    if name in FIXED:
        return _fixed(*FIXED[name])
    match = POSIX_RE.match(name)
    if match and '/' not in name:
        minutes = int(match.group('hours')) * 60 + int(match.group('minutes') or 0)
        if minutes > 14 * 60:
            raise TimezoneError('timezone %r: an offset of more than 14 hours' % name)
        # POSIX counts hours west of UTC: WIB-7 is seven hours east.
        minutes = minutes if match.group('sign') == '-' else -minutes
        return _fixed(minutes, match.group('name').strip('<>'))
    if HAS_ZONEINFO:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise TimezoneError('timezone %r is not a known IANA time zone (e.g. Asia/Jakarta, Asia/Makassar, '
                                'Asia/Jayapura): %s' % (name, exc)) from exc
    raise TimezoneError('timezone %r is not one of %s (this Python has no zoneinfo for other zones)'
                        % (name, ', '.join(sorted(FIXED))))


def check(name):
    """``name`` if it is a usable zone (raises TimezoneError naming it otherwise)."""
    zone(name)
    return name


def now(name=None):
    """The current time in the zone ``name``, to the second (``DUKCAPIL_CCTV_NOW`` fixes it for tests)."""
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        moment = parse(fixed)
        if moment is None:
            raise TimezoneError('%s=%r is not an ISO 8601 time with offset' % (NOW_VARIABLE, fixed))
    else:
        moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.astimezone(zone(name)).replace(microsecond=0)


def now_iso(name=None):
    """:func:`now` as ISO 8601 with the zone's offset, e.g. ``2026-03-10T09:12:00+07:00``."""
    return now(name).isoformat()


def today(name=None):
    """Today's date in the zone ``name`` (not the controller's)."""
    return now(name).date()


def parse(text):
    """An ISO 8601 time with offset (``Z`` allowed) as an aware datetime; None when it is not one."""
    if isinstance(text, datetime.datetime):
        return text if text.tzinfo is not None else None
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    if value.endswith('Z') or value.endswith('z'):
        value = value[:-1] + '+00:00'
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def local(value, name=None):
    """``value`` (ISO text or aware datetime) in the zone ``name``; None when it is not a time."""
    moment = parse(value)
    return moment.astimezone(zone(name)) if moment is not None else None


def abbreviation(moment):
    """``WIB``/``WITA``/``WIT`` for Indonesia's offsets, the zone's own name else, or ``UTC+hh:mm``."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    if minutes in ABBREVIATIONS:
        return ABBREVIATIONS[minutes]
    name = moment.tzname()
    if name and re.match(r'^[A-Z]{2,6}$', name):
        return name
    sign = '+' if minutes >= 0 else '-'
    return 'UTC%s%02d:%02d' % (sign, abs(minutes) // 60, abs(minutes) % 60)


def posix(name=None):
    """The POSIX TZ string a camera takes for the zone ``name`` (``Asia/Jakarta`` -> ``WIB-7``).

    Only zones with one fixed offset have one (cameras in Indonesia): others raise TimezoneError.
    """
    name = DEFAULT if name in (None, '') else name
    if isinstance(name, str) and POSIX_RE.match(name.strip()):
        return name.strip()
    tz = zone(name)
    january = datetime.datetime(2026, 1, 15, tzinfo=datetime.timezone.utc).astimezone(tz)
    july = datetime.datetime(2026, 7, 15, tzinfo=datetime.timezone.utc).astimezone(tz)
    if january.utcoffset() != july.utcoffset():
        raise TimezoneError('timezone %r has daylight saving: give the camera its POSIX TZ string instead' % name)
    minutes = int(january.utcoffset().total_seconds() // 60)
    abbr = abbreviation(january)
    if not re.match(r'^[A-Z]{3,6}$', abbr):
        abbr = '<%s%+03d>' % ('UTC', minutes // 60)
    hours, rest = divmod(abs(minutes), 60)
    offset = '%s%d%s' % ('-' if minutes > 0 else '', hours, ':%02d' % rest if rest else '')
    return abbr + offset
