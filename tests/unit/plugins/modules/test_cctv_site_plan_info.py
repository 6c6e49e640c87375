# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_site_plan_info as a module; every rule of the validator is in module_utils/test_siteplan.py."""

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
    assert not failed and result['valid'] and not result['changed'] and result['errors'] == []
    assert result['plan']['cameras'][0]['prefix_length'] == 24
    assert result['plan']['cameras'][0]['gateway'] == '127.0.10.1'
    assert result['plan']['cameras'][1]['gateway'] is None


@pytest.mark.parametrize('override, message', [
    ((1, {'room': None}), 'cameras[1].room: None (camera cam-2): the camera belongs to no room'),
    ((1, {'room': 'Gudang'}), "cameras[1].room: 'Gudang' (camera cam-2) is not one of the rooms (Ruang Server, Ruang Arsip)"),
    ((1, {'address': '127.0.10.12'}), "cameras[1].address: 127.0.10.12 (camera cam-2) is outside the subnet 127.0.11.0/24"
                                      " of its room 'Ruang Arsip' (rooms[1].subnet)"),
    # Case 22: the room has a gateway, and still the address is blamed, not the gateway.
    ((0, {'address': '127.0.11.12'}), "cameras[0].address: 127.0.11.12 (camera cam-1) is outside the subnet 127.0.10.0/24"
                                      " of its room 'Ruang Server' (rooms[0].subnet)"),
    ((1, {'address': '127.0.11.11x'}), "cameras[1].address: '127.0.11.11x' (camera cam-2) is not an IPv4 address"),
    ((0, {'address': '127.0.10.5'}), 'cameras[0].address: 127.0.10.5 (camera cam-1) is the reserved address of protected host'
                                     ' db-utama (protected[0].address)'),
    ((0, {'address': '127.0.10.1'}), "cameras[0].address: 127.0.10.1 (camera cam-1) is the gateway of room 'Ruang Server'"
                                     ' (rooms[0].gateway)'),
    ((0, {'address': '127.0.10.255'}), 'cameras[0].address: 127.0.10.255 (camera cam-1) is the broadcast address of 127.0.10.0/24'),
    ((1, {'hostname': 'CAM-1'}), "cameras[1].hostname: 'CAM-1' (camera cam-2) is also the host name of camera cam-1"
                                 ' (cameras[0].hostname)'),
    ((1, {'hostname': 'cam_2'}), "cameras[1].hostname: 'cam_2' (camera cam-2) is not a valid host name"),
    ((1, {'has_credentials': False}), 'cameras[1].has_credentials: False (camera cam-2): no ONVIF credentials'),
    ((1, {'address': None}), 'cameras[1].address: None (camera cam-2): the camera has no planned address'),
])
def test_each_error_names_field_and_value(run_module, override, message):
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': ROOMS, 'cameras': cams(override), 'protected': PROTECTED})
    assert failed and not result['valid']
    assert any(error.startswith(message) for error in result['errors']), result['errors']
    assert message in result['msg']


def test_duplicate_addresses_across_site(run_module):
    cameras = cams((1, {'room': 'Ruang Server', 'address': '127.0.10.11'}))
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': ROOMS, 'cameras': cameras})
    assert failed
    assert result['errors'] == ['cameras[1].address: 127.0.10.11 (camera cam-2) is the planned address of camera cam-1'
                                ' (cameras[0].address)']


def test_gateway_on_a_protected_server(run_module):
    # Case 22: a room gateway equal to a protected server's address was accepted.
    rooms = [dict(ROOMS[0], gateway='127.0.10.6'), ROOMS[1]]
    result, failed = run_module(cctv_site_plan_info.main, {'rooms': rooms, 'cameras': cams(), 'protected': PROTECTED})
    assert failed
    assert result['errors'] == ["rooms[0].gateway: 127.0.10.6 (room 'Ruang Server') is the reserved address of protected host"
                                ' db-cadangan (protected[1].address)']


def test_bad_rooms_and_workstations_without_failing(run_module):
    rooms = [{'name': 'Ruang Server', 'subnet': '127.0.10.0/33'}, {'name': 'X', 'subnet': '127.0.12.0/24', 'gateway': '127.0.13.1'}]
    result, failed = run_module(cctv_site_plan_info.main, {
        'rooms': rooms, 'cameras': [], 'fail_on_error': False,
        'workstations': [{'name': 'ws-1', 'rooms': ['Gudang']}]})
    assert not failed and not result['valid'] and not result['changed']
    assert result['errors'] == ["rooms[0].subnet: '127.0.10.0/33' (room 'Ruang Server') is not an IPv4 subnet"
                                " ('33' is not a valid netmask; e.g. 10.33.22.0/24)",
                                "rooms[1].gateway: 127.0.13.1 (room 'X') is outside the room's subnet 127.0.12.0/24 (rooms[1].subnet)",
                                "workstations[0].rooms: 'Gudang' (workstation ws-1) is not one of the rooms (Ruang Server, X)"]
