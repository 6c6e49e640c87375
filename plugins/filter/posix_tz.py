# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: posix_tz
short_description: The POSIX TZ string a camera takes for the office's time zone
version_added: 1.0.0
author:
  - dukcapil.cctv contributors (!UNKNOWN)
description:
  - Turns the office's time zone (C(cctv_timezone), an IANA name such as C(Asia/Jakarta)) into the POSIX TZ string
    that ONVIF cameras take (C(WIB-7)), so one inventory value serves the documents and the cameras.
  - A POSIX TZ string is returned as it is; a zone with daylight saving is refused (give the camera its POSIX string).
options:
  _input:
    description: V(Asia/Jakarta), V(Asia/Pontianak), V(Asia/Makassar), V(Asia/Jayapura), V(UTC), another IANA name
      without daylight saving, or a POSIX TZ string.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Give a camera the office's time zone
  dukcapil.cctv.onvif_camera_ip:
    timezone: "{{ cctv_timezone | default('Asia/Jakarta') | dukcapil.cctv.posix_tz }}"
'''

RETURN = r'''
_value:
  description: The POSIX TZ string, e.g. C(WIB-7), C(WITA-8), C(WIT-9).
  type: str
  sample: WIB-7
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.dukcapil.cctv.plugins.module_utils import _tz


def posix_tz(value):
    """See DOCUMENTATION."""
    try:
        return _tz.posix(value)
    except _tz.TimezoneError as exc:
        raise AnsibleFilterError('posix_tz: %s' % exc) from exc


class FilterModule:
    """dukcapil.cctv.posix_tz."""

    def filters(self):
        return {'posix_tz': posix_tz}
