# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The site-plan validator: every error is blamed on the field that is wrong, with its value."""

from __future__ import annotations

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._siteplan import check_plan


def rooms(**changes):
    """Two rooms; changes maps a room index to the keys it changes."""
    base = [{'name': 'Ruang Server', 'subnet': '127.0.10.0/24', 'gateway': '127.0.10.1'},
            {'name': 'Ruang Cadangan', 'subnet': '127.0.11.0/24', 'gateway': '127.0.11.1'}]
    for index, change in changes.items():
        base[int(index[1:])] = dict(base[int(index[1:])], **change)
    return base


def cameras(**changes):
    base = [{'name': 'cam-srv-01', 'room': 'Ruang Server', 'address': '127.0.10.11', 'hostname': 'cam-srv-01'},
            {'name': 'cam-bak-01', 'room': 'Ruang Cadangan', 'address': '127.0.11.11', 'hostname': 'cam-bak-01'}]
    for index, change in changes.items():
        base[int(index[1:])] = dict(base[int(index[1:])], **change)
    return base


PROTECTED = ({'name': 'db-utama', 'address': '127.0.10.5'}, {'name': 'db-cadangan', 'address': '127.0.11.5'})


def errors_of(room_list=None, camera_list=None, protected=PROTECTED, workstations=()):
    errors, dummy = check_plan(room_list or rooms(), camera_list or cameras(), protected, workstations)
    return errors


def test_valid_plan_has_no_error_and_is_completed():
    errors, plan = check_plan(rooms(), cameras(), PROTECTED, [{'name': 'ws-1', 'rooms': ['Ruang Server'], 'address': '127.0.9.31'}])
    assert errors == []
    assert plan['cameras'][1]['prefix_length'] == 24 and plan['cameras'][1]['gateway'] == '127.0.11.1'


def test_address_outside_its_room_is_blamed_on_the_address_not_the_gateway():
    # Case 22: the room has a gateway; the camera's address is in the other room's subnet.
    errors = errors_of(camera_list=cameras(c1={'address': '127.0.10.12'}))
    assert errors == ["cameras[1].address: 127.0.10.12 (camera cam-bak-01) is outside the subnet 127.0.11.0/24"
                      " of its room 'Ruang Cadangan' (rooms[1].subnet)"]


def test_room_gateway_on_a_protected_server_is_refused():
    # Case 22: a gateway equal to the database server's address.
    errors = errors_of(room_list=rooms(r0={'gateway': '127.0.10.5'}))
    assert errors == ["rooms[0].gateway: 127.0.10.5 (room 'Ruang Server') is the reserved address of protected host db-utama"
                      ' (protected[0].address)']


def test_camera_on_a_protected_server_names_camera_address_and_server():
    # Case 3 (the plan part): the error names the camera, the address and the server.
    errors = errors_of(camera_list=cameras(c0={'address': '127.0.10.5'}))
    assert errors == ['cameras[0].address: 127.0.10.5 (camera cam-srv-01) is the reserved address of protected host'
                      ' db-utama (protected[0].address)']


def test_camera_on_a_protected_server_is_refused_even_when_its_room_is_wrong():
    errors = errors_of(camera_list=cameras(c0={'address': '127.0.10.5', 'room': 'Gudang'}))
    assert "cameras[0].room: 'Gudang' (camera cam-srv-01) is not one of the rooms (Ruang Server, Ruang Cadangan)" in errors
    assert any(e.startswith('cameras[0].address: 127.0.10.5 (camera cam-srv-01) is the reserved address of protected host db-utama')
               for e in errors), errors


@pytest.mark.parametrize('address, message', [
    ('127.0.10.0', 'cameras[0].address: 127.0.10.0 (camera cam-srv-01) is the network address of 127.0.10.0/24'
                   " (room 'Ruang Server')"),
    ('127.0.10.255', 'cameras[0].address: 127.0.10.255 (camera cam-srv-01) is the broadcast address of 127.0.10.0/24'
                     " (room 'Ruang Server')"),
    ('127.0.10.1', "cameras[0].address: 127.0.10.1 (camera cam-srv-01) is the gateway of room 'Ruang Server' (rooms[0].gateway)"),
    ('127.0.11.1', "cameras[0].address: 127.0.11.1 (camera cam-srv-01) is outside the subnet 127.0.10.0/24 of its room"
                   " 'Ruang Server' (rooms[0].subnet)"),
    ('127.0.11.11', 'cameras[0].address: 127.0.11.11 (camera cam-srv-01) is outside the subnet 127.0.10.0/24 of its room'
                    " 'Ruang Server' (rooms[0].subnet)"),
    ('cam', "cameras[0].address: 'cam' (camera cam-srv-01) is not an IPv4 address"),
    (None, 'cameras[0].address: None (camera cam-srv-01): the camera has no planned address'),
])
def test_each_camera_address_error_names_the_field_and_value(address, message):
    assert errors_of(camera_list=cameras(c0={'address': address})) == [message]


def test_planned_addresses_are_unique_across_the_site():
    errors = errors_of(camera_list=cameras(c1={'room': 'Ruang Server', 'address': '127.0.10.11'}))
    assert errors == ['cameras[1].address: 127.0.10.11 (camera cam-bak-01) is the planned address of camera cam-srv-01'
                      ' (cameras[0].address)']


def test_camera_on_a_workstation_address():
    errors = errors_of(camera_list=cameras(c0={'address': '127.0.10.31'}),
                       workstations=[{'name': 'ws-1', 'rooms': ['Ruang Server'], 'address': '127.0.10.31'}])
    assert errors == ['cameras[0].address: 127.0.10.31 (camera cam-srv-01) is the address of workstation ws-1'
                      ' (workstations[0].address)']


@pytest.mark.parametrize('change, message', [
    ({'gateway': '127.0.12.1'}, "rooms[0].gateway: 127.0.12.1 (room 'Ruang Server') is outside the room's subnet"
                                " 127.0.10.0/24 (rooms[0].subnet)"),
    ({'gateway': '127.0.10.0'}, "rooms[0].gateway: 127.0.10.0 (room 'Ruang Server') is the network address of the room's"
                                ' subnet 127.0.10.0/24'),
    ({'gateway': '127.0.10.255'}, "rooms[0].gateway: 127.0.10.255 (room 'Ruang Server') is the broadcast address of the"
                                  " room's subnet 127.0.10.0/24"),
    ({'gateway': 'gw'}, "rooms[0].gateway: 'gw' (room 'Ruang Server') is not an IPv4 address"),
    ({'subnet': '127.0.10.0/31'}, "rooms[0].subnet: '127.0.10.0/31' (room 'Ruang Server') leaves no room for cameras and a gateway"
                                  ' (prefix length 1 to 30)'),
    ({'subnet': '127.0.10.7/24'}, "rooms[0].subnet: '127.0.10.7/24' (room 'Ruang Server') is not an IPv4 subnet"
                                  ' (127.0.10.7/24 has host bits set; e.g. 10.33.22.0/24)'),
    ({'name': None}, 'rooms[0].name: None: the room has no name'),
])
def test_each_room_error_names_the_room_field_and_value(change, message):
    errors = errors_of(room_list=rooms(r0=change), camera_list=cameras(c0={'room': 'Ruang Cadangan', 'address': '127.0.11.12'}))
    assert errors == [message]


def test_room_subnet_errors_are_not_blamed_on_its_cameras():
    errors = errors_of(room_list=rooms(r0={'subnet': '127.0.10.0/31'}))
    assert errors == ["rooms[0].subnet: '127.0.10.0/31' (room 'Ruang Server') leaves no room for cameras and a gateway"
                      ' (prefix length 1 to 30)']


def test_room_given_twice():
    errors = errors_of(room_list=rooms(r1={'name': 'Ruang Server', 'subnet': '127.0.12.0/24', 'gateway': '127.0.12.1'}),
                       camera_list=cameras(c1={'room': 'Ruang Server', 'address': '127.0.10.12'}))
    assert errors == ["rooms[1].name: 'Ruang Server' is also the name of rooms[0]"]


def test_workstation_errors_name_field_and_value():
    errors = errors_of(workstations=[
        {'name': 'ws-1', 'rooms': ['Gudang'], 'address': '127.0.10.5'},
        {'name': 'ws-2', 'rooms': 'Ruang Server'},
        {'name': 'ws-3', 'rooms': [], 'address': '127.0.10.1'}])
    assert errors == [
        "workstations[0].rooms: 'Gudang' (workstation ws-1) is not one of the rooms (Ruang Server, Ruang Cadangan)",
        'workstations[0].address: 127.0.10.5 (workstation ws-1) is the reserved address of protected host db-utama'
        ' (protected[0].address)',
        "workstations[1].rooms: 'Ruang Server' (workstation ws-2) is not a list of room names",
        "workstations[2].address: 127.0.10.1 (workstation ws-3) is the gateway of room 'Ruang Server' (rooms[0].gateway)",
    ]


def test_protected_address_errors_name_field_and_value():
    errors = errors_of(protected=[{'name': 'db-utama', 'address': 'db-utama.local'}])
    assert errors == ["protected[0].address: 'db-utama.local' (protected host db-utama) is not an IPv4 address"
                      ' (the plan reserves protected addresses: give ansible_host as an IPv4 address)']


@pytest.mark.parametrize('change, message', [
    ({'hostname': 'CAM-SRV-01'}, "cameras[1].hostname: 'CAM-SRV-01' (camera cam-bak-01) is also the host name of camera"
                                 ' cam-srv-01 (cameras[0].hostname)'),
    ({'hostname': 'cam_2'}, "cameras[1].hostname: 'cam_2' (camera cam-bak-01) is not a valid host name"),
    ({'hostname': 1234}, None),
    ({'name': 'cam-srv-01'}, "cameras[1].name: 'cam-srv-01' is also the name of cameras[0]"),
    ({'has_credentials': False}, 'cameras[1].has_credentials: False (camera cam-bak-01): no ONVIF credentials'
                                 ' (onvif_password from the vault)'),
    ({'room': None}, 'cameras[1].room: None (camera cam-bak-01): the camera belongs to no room'),
])
def test_each_camera_error_names_the_field_and_value(change, message):
    errors = errors_of(camera_list=cameras(c1=change))
    assert errors == ([message] if message else [])


@pytest.mark.parametrize('current, message', [
    ('127.0.10.5', 'cameras[0].current_address: 127.0.10.5 (camera cam-srv-01) is the reserved address of protected host db-utama'
                   ' (protected[0].address): no request may be sent there (fix the camera\'s ansible_host)'),
    ('127.0.1.64', None),
    ('cam-srv-01.local', None),   # a name: nothing the plan can compare
    (None, None),
])
def test_a_camera_is_never_reached_at_a_protected_address(current, message):
    errors = errors_of(camera_list=cameras(c0={'current_address': current}, c1={'current_address': '127.0.1.64'}))
    assert errors == ([message] if message else [])
