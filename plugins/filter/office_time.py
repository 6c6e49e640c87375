# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: office_time
short_description: A time a person gives in the office's clock, as ISO 8601 with the office's offset
version_added: 1.0.0
author:
  - dukcapil.cctv contributors (!UNKNOWN)
description:
  - Turns a time a person types or an AWX survey gives in the office's own clock (C(2026-03-10 08:05)) into the
    ISO 8601 time with offset that the run record stores (C(2026-03-10T08:05:00+07:00)), whatever the zone of the
    controller. Used for the installer's attested start and end of the mounting (step 2).
  - A time that already has an offset (C(2026-03-10T01:05:00Z)) is kept as that moment; an empty value stays empty.
options:
  _input:
    description: C(YYYY-MM-DD HH:MM), C(YYYY-MM-DDTHH:MM[:SS]) in the office's clock, or ISO 8601 with offset.
    type: str
    required: true
  timezone:
    description:
      - The office's time zone, an IANA name (V(Asia/Jakarta), V(Asia/Makassar), V(Asia/Jayapura)) or a POSIX TZ
        string without daylight saving (V(WIB-7)).
    type: str
    default: Asia/Jakarta
'''

EXAMPLES = r'''
- name: Take the installer's attested start of the mounting (WIB) for the run record
  ansible.builtin.set_fact:
    mount_started_iso: "{{ '2026-03-10 08:05' | dukcapil.cctv.office_time(cctv_timezone | default('Asia/Jakarta')) }}"
'''

RETURN = r'''
_value:
  description: The time as ISO 8601 with the office's offset, to the second; empty for an empty input.
  type: str
  sample: '2026-03-10T08:05:00+07:00'
'''

import datetime
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz

LOCAL_RE = re.compile(r'^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$')


def office_time(value, timezone=_tz.DEFAULT):
    """See DOCUMENTATION."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ''
    try:
        zone = _tz.zone(timezone)
    except _tz.TimezoneError as exc:
        raise AnsibleFilterError('office_time: %s' % exc) from exc
    text = str(value).strip()
    moment = _tz.parse(text)
    if moment is None:
        match = LOCAL_RE.match(text)
        if not match:
            raise AnsibleFilterError('office_time: %r is not a time (YYYY-MM-DD HH:MM in the office clock, or ISO 8601 '
                                     'with offset)' % (text,))
        try:
            day = datetime.date.fromisoformat(match.group(1))
            moment = datetime.datetime(day.year, day.month, day.day, int(match.group(2)), int(match.group(3)),
                                       int(match.group(4) or 0))
        except ValueError as exc:
            raise AnsibleFilterError('office_time: %r is not a time: %s' % (text, exc)) from exc
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


class FilterModule:
    """dukcapil.cctv.office_time."""

    def filters(self):
        return {'office_time': office_time}
