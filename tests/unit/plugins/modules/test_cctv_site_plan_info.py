# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.dukcapil.cctv.plugins.modules import cctv_site_plan_info

ROOMS = [{'name': 'Ruang Server', 'subnet': '127.0.10.0/24', 'gateway': '127.0.10.1'},
         {'name': 'Ruang Arsip', 'subnet': '127.0.11.0/24'}]
PROTECTED = [{'name': 'db-utama', 'address': '127.0.10.5'}, {'name': 'db-cadangan', 'address': '127.0.10.6'}]


def cams(*overrides):
    base = [{'name': 'cam-1', 'room': 'Ruang Server', 'address': '127.0.10.11', 'hostname': 'cam-1'},
            {'name': 'cam-2', 'room': 'Ruang Arsip', 'address': '127.0.11.11', 'hostname': 'cam-2'}]
    for index, change in overrides:
        base[index] = dict(base[index], **change)
    return base


def test_valid_plan_is_completed(run_module):
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': ROOMS, 'cameras': cams(), 'protected': PROTECTED,
                                                           'workstations': [{'name': 'ws-1', 'rooms': ['Ruang Server']}]})
    assert not failed and result['valid'] and not result['changed']
    assert result['plan']['cameras'][0]['prefix_length'] == 24
    assert result['plan']['cameras'][0]['gateway'] == '127.0.10.1'


@pytest.mark.parametrize('override, message', [
    ((1, {'room': None}), 'cameras[1].room: camera cam-2 belongs to no room'),
    ((1, {'room': 'Gudang'}), "cameras[1].room: 'Gudang' is not one of the rooms"),
    ((1, {'address': '127.0.10.12'}), 'cameras[1].address: 127.0.10.12 is outside the subnet 127.0.11.0/24'),
    ((1, {'address': '127.0.11.11x'}), "cameras[1].address: '127.0.11.11x' is not an IPv4 address"),
    ((0, {'address': '127.0.10.5'}), 'cameras[0].address: 127.0.10.5 is already held by protected host db-utama'),
    ((0, {'address': '127.0.10.1'}), 'cameras[0].address: 127.0.10.1 is also the gateway'),
    ((0, {'address': '127.0.10.255'}), 'cameras[0].address: 127.0.10.255 is the broadcast address'),
    ((1, {'hostname': 'CAM-1'}), "cameras[1].hostname: 'CAM-1' is also the host name of cam-1"),
    ((1, {'hostname': 'cam_2'}), "cameras[1].hostname: 'cam_2' is not a valid host name"),
    ((1, {'has_credentials': False}), 'cameras[1]: camera cam-2 has no ONVIF credentials'),
    ((1, {'address': None}), 'cameras[1].address: camera cam-2 has no target address'),
])
def test_each_error_names_field_and_value(run_module, override, message):
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': ROOMS, 'cameras': cams(override), 'protected': PROTECTED})
    assert failed
    assert any(error.startswith(message) for error in result['errors']), result['errors']
    assert message in result['msg']


def test_duplicate_addresses_across_site(run_module):
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': ROOMS, 'cameras': cams((1, {'room': 'Ruang Server', 'address': '127.0.10.11'}))})
    assert failed and 'cameras[1].address: 127.0.10.11 is already held by camera cam-1' in result['errors']


def test_bad_rooms_and_workstations(run_module):
    rooms = [{'name': 'Ruang Server', 'subnet': '127.0.10.0/33'}, {'name': 'X', 'subnet': '127.0.12.0/24', 'gateway': '127.0.13.1'}]
    result, failed = run_module(cctv_site_plan_info.main, {
        'rooms': rooms, 'cameras': [], 'fail_on_error': False,
        'workstations': [{'name': 'ws-1', 'rooms': ['Gudang']}]})
    assert not failed and not result['valid']
    assert result['errors'] == ["rooms[0].subnet: '127.0.10.0/33' is not an IPv4 subnet (e.g. 10.33.22.0/24)",
                                'rooms[1].gateway: 127.0.13.1 is outside the subnet 127.0.12.0/24',
                                "workstations[0].rooms: 'Gudang' is not one of the rooms"]
