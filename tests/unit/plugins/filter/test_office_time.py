# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""office_time and posix_tz: a person's time in the office's clock, and the office's zone for a camera."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dukcapil.cctv.plugins.filter.office_time import office_time
from ansible_collections.dukcapil.cctv.plugins.filter.posix_tz import posix_tz


@pytest.mark.parametrize('value, zone, expected', [
    ('2026-03-10 08:05', 'Asia/Jakarta', '2026-03-10T08:05:00+07:00'),
    ('2026-03-10T08:05:30', 'Asia/Makassar', '2026-03-10T08:05:30+08:00'),
    ('2026-12-31T23:30:00Z', 'Asia/Jakarta', '2027-01-01T06:30:00+07:00'),
    ('2026-03-10 08:05', 'WIT-9', '2026-03-10T08:05:00+09:00'),
    ('', 'Asia/Jakarta', ''),
])
def test_office_time(value, zone, expected, monkeypatch):
    monkeypatch.setenv('TZ', 'UTC')
    assert office_time(value, zone) == expected


@pytest.mark.parametrize('value, zone, message', [
    ('kemarin pagi', 'Asia/Jakarta', "'kemarin pagi' is not a time"),
    ('2026-02-30 08:00', 'Asia/Jakarta', "'2026-02-30 08:00' is not a time"),
    ('2026-03-10 08:05', 'Asia/Nowhere', "timezone 'Asia/Nowhere'"),
])
def test_office_time_names_the_bad_value(value, zone, message):
    with pytest.raises(AnsibleFilterError, match=message):
        office_time(value, zone)


def test_posix_tz():
    assert [posix_tz(z) for z in ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'WIB-7', 'UTC')] == \
        ['WIB-7', 'WITA-8', 'WIT-9', 'WIB-7', 'UTC0']
    with pytest.raises(AnsibleFilterError, match='daylight saving'):
        posix_tz('Europe/Amsterdam')
