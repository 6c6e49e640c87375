# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a camera's GetSystemDateAndTime: dates that are not zero-padded, a missing UTCDateTime,
vendor-flavoured POSIX time zones."""

from __future__ import annotations

import datetime
import re

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks


def tz_std_offset_seconds(tz):
    """Seconds east of UTC of a time zone string's standard time, or None when not understood.

    POSIX TZ signs are west-positive: 'CST-08:00' is UTC+8, 'MST7MDT,...' is UTC-7. A name
    like ':America/Edmonton' or 'Europe/Berlin' is looked up in the system zone database.
    """
    if not tz:
        return None
    match = re.match(quirks.POSIX_TZ_STD_PATTERN, tz)
    if match:
        sign, hours, minutes, seconds = match.groups()
        west = int(hours) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
        return west if sign == '-' else -west
    name = tz.strip().lstrip(':')
    if '/' in name:
        try:
            import zoneinfo
            zone = zoneinfo.ZoneInfo(name)
            offset = datetime.datetime.now(zone).utcoffset()
            return int(offset.total_seconds()) if offset is not None else None
        except Exception:  # pylint: disable=broad-except
            return None
    return None


def _onvif_datetime(value):
    """tt:DateTime dict -> naive datetime, or None. Tolerates strings and a leap second."""
    if not isinstance(value, dict):
        return None
    date = value.get('Date') or {}
    time = value.get('Time') or {}
    try:
        raw = (date.get('Year'), date.get('Month'), date.get('Day'), time.get('Hour'), time.get('Minute'), time.get('Second'))
        fields = [int(str(x).strip()) for x in raw]
    except (TypeError, ValueError):
        return None
    fields[5] = min(fields[5], 59)
    try:
        return datetime.datetime(*fields)
    except ValueError:
        return None


def parse_system_date_and_time(sdt):
    """GetSystemDateAndTime reply (plain dict) -> clock dict without the offset.

    Keys: utc_time (datetime, aware, or None), local_time (naive datetime or None),
    date_time_type, daylight_savings, timezone, utc_source ('UTCDateTime', 'LocalDateTime' or
    None).
    """
    sdt = sdt or {}
    tz = (sdt.get('TimeZone') or {}).get('TZ')
    tz = tz.strip() if isinstance(tz, str) else None
    utc = _onvif_datetime(sdt.get('UTCDateTime'))
    local = _onvif_datetime(sdt.get('LocalDateTime'))
    source = 'UTCDateTime' if utc is not None else None
    if utc is None and local is not None:
        offset = tz_std_offset_seconds(tz)
        utc = local - datetime.timedelta(seconds=offset or 0)
        source = 'LocalDateTime'
    daylight = sdt.get('DaylightSavings')
    return {
        'utc_time': utc.replace(tzinfo=datetime.timezone.utc) if utc is not None else None,
        'local_time': local,
        'date_time_type': sdt.get('DateTimeType'),
        'daylight_savings': bool(daylight) if daylight is not None else None,
        'timezone': tz,
        'utc_source': source,
    }
