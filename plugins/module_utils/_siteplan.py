# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The site plan of SOP-PIAK-02 step 1, checked as a whole before any device is touched.

A plan is rooms (each with its camera subnet and gateway), cameras (each with its room and
planned address), the protected hosts (the room's main and backup servers: their addresses are
reserved and never targeted) and the workstations. :func:`check_plan` returns every error and
the plan completed with what the rooms imply.

Each error starts with the path of the field that is wrong (``cameras[1].address``) and its
value, names the host it belongs to, and, for a clash, the field it clashes with
(``protected[0].address``). Addresses are claimed in this order: protected hosts, room
gateways, workstations, cameras; a clash is blamed on the later claimant.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import PlanError, parse_ipv4

HOSTNAME_CHARS = set('abcdefghijklmnopqrstuvwxyz0123456789-')


def _valid_hostname(name):
    labels = name.lower().split('.')
    return all(0 < len(label) <= 63 and set(label) <= HOSTNAME_CHARS and not label.startswith('-')
               and not label.endswith('-') for label in labels)


class _Addresses:
    """Who holds each address of the site: the first claim wins, a later one is an error."""

    def __init__(self, errors):
        self.errors = errors
        self.holders = {}  # IPv4Address -> description of the holder, with its field
        self.protected = {}  # the protected hosts' addresses only, with the same descriptions

    def claim(self, address, holder, field, who=''):
        held = self.holders.get(address)
        if held:
            self.errors.append('%s: %s%s is %s' % (field, address, who, held))
            return False
        self.holders[address] = holder
        return True


def _address(value, field, who, errors, hint=''):
    try:
        return parse_ipv4(value, field)
    except PlanError:
        errors.append('%s: %r%s is not an IPv4 address%s' % (field, value, who, hint))
        return None


def _reserve_protected(protected, addresses, errors):
    for i, host in enumerate(protected):
        field = 'protected[%d].address' % i
        name = host.get('name', '#%d' % i)
        addr = _address(host.get('address'), field, ' (protected host %s)' % name, errors,
                        ' (the plan reserves protected addresses: give ansible_host as an IPv4 address)')
        if addr is not None:
            # Two protected names on one address (one server, two roles) reserve it once.
            addresses.holders.setdefault(addr, 'the reserved address of protected host %s (%s)' % (name, field))
            addresses.protected.setdefault(addr, addresses.holders[addr])


def _check_room_net(room, where, who, errors):
    subnet = room.get('subnet')
    try:
        net = ipaddress.IPv4Network(str(subnet), strict=True)
    except ValueError as exc:
        errors.append('%s.subnet: %r%s is not an IPv4 subnet (%s; e.g. 10.33.22.0/24)' % (where, subnet, who, exc))
        return None
    if not 1 <= net.prefixlen <= 30:
        errors.append('%s.subnet: %r%s leaves no room for cameras and a gateway (prefix length 1 to 30)' % (where, subnet, who))
        return None
    return net


def _check_room_gateway(room, where, who, net, addresses, errors):
    gateway = room.get('gateway')
    if gateway in (None, ''):
        return None
    field = where + '.gateway'
    gw = _address(gateway, field, who, errors)
    if gw is None:
        return None
    if net is not None:
        if gw not in net:
            errors.append("%s: %s%s is outside the room's subnet %s (%s.subnet)" % (field, gw, who, net, where))
            return None
        for kind, special in (('network', net.network_address), ('broadcast', net.broadcast_address)):
            if gw == special:
                errors.append("%s: %s%s is the %s address of the room's subnet %s" % (field, gw, who, kind, net))
                return None
    if not addresses.claim(gw, "the gateway of room %r (%s)" % (room.get('name'), field), field, who):
        return None
    return gw


def _check_rooms(rooms, addresses, errors):
    """Return {room name: (index, network or None, gateway address or None)}."""
    nets = {}
    for i, room in enumerate(rooms):
        where = 'rooms[%d]' % i
        name = room.get('name')
        if name in (None, ''):
            errors.append('%s.name: %r: the room has no name' % (where, name))
            continue
        if name in nets:
            errors.append('%s.name: %r is also the name of rooms[%d]' % (where, name, nets[name][0]))
            continue
        who = ' (room %r)' % name
        net = _check_room_net(room, where, who, errors)
        nets[name] = (i, net, _check_room_gateway(room, where, who, net, addresses, errors))
    return nets


def _room_names(nets):
    return ', '.join(str(name) for name in nets) or 'none'


def _check_workstations(workstations, nets, addresses, errors):
    for i, ws in enumerate(workstations):
        where = 'workstations[%d]' % i
        who = ' (workstation %s)' % ws.get('name', '#%d' % i)
        watched = ws.get('rooms')
        if watched is None:
            watched = []
        if not isinstance(watched, list):
            errors.append('%s.rooms: %r%s is not a list of room names' % (where, watched, who))
            watched = []
        for room in watched:
            if room not in nets:
                errors.append('%s.rooms: %r%s is not one of the rooms (%s)' % (where, room, who, _room_names(nets)))
        if ws.get('address') not in (None, ''):
            field = where + '.address'
            addr = _address(ws['address'], field, who, errors)
            if addr is not None:
                addresses.claim(addr, 'the address of workstation %s (%s)' % (ws.get('name', '#%d' % i), field), field, who)


def _check_camera_address(cam, where, who, nets, addresses, errors):
    """Check the planned address; return (prefix_length, gateway) of its room when it fits there."""
    field = where + '.address'
    value = cam.get('address')
    if value in (None, ''):
        errors.append('%s: %r%s: the camera has no planned address' % (field, value, who))
        return None
    addr = _address(value, field, who, errors)
    if addr is None:
        return None
    fits = None
    index, net, gateway = nets.get(cam.get('room'), (None, None, None))
    if net is not None:
        room = ' (room %r)' % cam.get('room')
        if addr not in net:
            errors.append('%s: %s%s is outside the subnet %s of its room %r (rooms[%d].subnet)'
                          % (field, addr, who, net, cam.get('room'), index))
            return None
        if addr == net.network_address:
            errors.append('%s: %s%s is the network address of %s%s' % (field, addr, who, net, room))
            return None
        if addr == net.broadcast_address:
            errors.append('%s: %s%s is the broadcast address of %s%s' % (field, addr, who, net, room))
            return None
        fits = (net.prefixlen, None if gateway is None else str(gateway))
    # Reserved and unique whatever the room: a camera must never be aimed at a protected server.
    if not addresses.claim(addr, 'the planned address of camera %s (%s)' % (cam.get('name'), field), field, who):
        return None
    return fits


def _check_current_address(cam, where, who, addresses, errors):
    """Where the camera is reached now (its ansible_host) must never be a protected server."""
    current = cam.get('current_address')
    if current in (None, ''):
        return
    try:
        addr = ipaddress.IPv4Address(str(current))
    except ValueError:
        return  # a host name: nothing the plan can compare
    if addr in addresses.protected:
        errors.append("%s.current_address: %s%s is %s: no request may be sent there (fix the camera's ansible_host)"
                      % (where, addr, who, addresses.protected[addr]))


def _check_cameras(cameras, nets, addresses, errors):
    planned = []
    names = {}
    hostnames = {}
    for i, cam in enumerate(cameras):
        where = 'cameras[%d]' % i
        name = cam.get('name') or '#%d' % i
        who = ' (camera %s)' % name
        entry = dict(cam)
        if cam.get('name') in names:
            errors.append('%s.name: %r is also the name of cameras[%d]' % (where, cam.get('name'), names[cam.get('name')]))
        names.setdefault(cam.get('name'), i)
        room = cam.get('room')
        if room in (None, ''):
            errors.append('%s.room: %r%s: the camera belongs to no room' % (where, room, who))
        elif room not in nets:
            errors.append('%s.room: %r%s is not one of the rooms (%s)' % (where, room, who, _room_names(nets)))
        if not cam.get('has_credentials', True):
            errors.append('%s.has_credentials: %r%s: no ONVIF credentials (onvif_password from the vault)'
                          % (where, cam.get('has_credentials'), who))
        hostname = cam.get('hostname')
        if hostname not in (None, ''):
            hostname = str(hostname)
            if not _valid_hostname(hostname):
                errors.append('%s.hostname: %r%s is not a valid host name' % (where, hostname, who))
            elif hostname.lower() in hostnames:
                other, index = hostnames[hostname.lower()]
                errors.append('%s.hostname: %r%s is also the host name of camera %s (cameras[%d].hostname)'
                              % (where, hostname, who, other, index))
            hostnames.setdefault(hostname.lower(), (name, i))
        _check_current_address(cam, where, who, addresses, errors)
        fits = _check_camera_address(cam, where, who, nets, addresses, errors)
        if fits:
            entry.update(prefix_length=fits[0], gateway=fits[1])
        planned.append(entry)
    return planned


def check_plan(rooms, cameras, protected=(), workstations=()):
    """Return ``(errors, plan)``; ``plan['cameras']`` gains prefix_length and gateway from the room."""
    errors = []
    addresses = _Addresses(errors)
    _reserve_protected(protected, addresses, errors)
    nets = _check_rooms(rooms, addresses, errors)
    _check_workstations(workstations, nets, addresses, errors)
    planned = _check_cameras(cameras, nets, addresses, errors)
    return errors, {'rooms': list(rooms), 'cameras': planned, 'protected': list(protected),
                    'workstations': list(workstations)}
