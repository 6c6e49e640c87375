# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The site plan of SOP-PIAK-02 step 1, checked as a whole before any device is touched.

A plan is rooms (each with its camera subnet and gateway), cameras (each with its room and
target address), the protected hosts (the room's main and backup servers: their addresses are
reserved and never targeted) and the workstations. :func:`check_plan` returns every error,
each naming the field and the value, and the plan completed with what the rooms imply.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import PlanError, check_ipv4_plan, parse_ipv4

HOSTNAME_CHARS = set('abcdefghijklmnopqrstuvwxyz0123456789-')


def _valid_hostname(name):
    labels = str(name).lower().split('.')
    return all(0 < len(label) <= 63 and set(label) <= HOSTNAME_CHARS and not label.startswith('-')
               and not label.endswith('-') for label in labels)


def _check_rooms(rooms, errors):
    nets = {}
    for i, room in enumerate(rooms):
        where = 'rooms[%d]' % i
        name = room.get('name')
        if not name:
            errors.append('%s.name: missing' % where)
            continue
        if name in nets:
            errors.append('%s.name: %r is given twice' % (where, name))
        try:
            net = ipaddress.IPv4Network(str(room.get('subnet')), strict=True)
        except (ValueError, TypeError):
            errors.append('%s.subnet: %r is not an IPv4 subnet (e.g. 10.33.22.0/24)' % (where, room.get('subnet')))
            continue
        gateway = room.get('gateway')
        if gateway:
            try:
                if parse_ipv4(gateway, where + '.gateway') not in net:
                    errors.append('%s.gateway: %s is outside the subnet %s' % (where, gateway, net))
            except PlanError as exc:
                errors.append(str(exc))
        nets[name] = (net, gateway)
    return nets


def check_plan(rooms, cameras, protected=(), workstations=()):
    """Return ``(errors, plan)``; ``plan['cameras']`` gains prefix_length and gateway from the room."""
    errors = []
    nets = _check_rooms(rooms, errors)
    taken = {}  # address -> who holds it

    for i, host in enumerate(protected):
        try:
            addr = parse_ipv4(host.get('address'), 'protected[%d].address' % i)
        except PlanError as exc:
            errors.append(str(exc))
            continue
        taken[addr] = 'protected host %s' % host.get('name', i)

    for i, ws in enumerate(workstations):
        for room in ws.get('rooms') or []:
            if room not in nets:
                errors.append('workstations[%d].rooms: %r is not one of the rooms' % (i, room))
        if ws.get('address'):
            try:
                addr = parse_ipv4(ws['address'], 'workstations[%d].address' % i)
            except PlanError as exc:
                errors.append(str(exc))
                continue
            if addr in taken:
                errors.append('workstations[%d].address: %s is already held by %s' % (i, addr, taken[addr]))
            taken.setdefault(addr, 'workstation %s' % ws.get('name', i))

    planned = []
    hostnames = {}
    for i, cam in enumerate(cameras):
        where = 'cameras[%d]' % i
        name = cam.get('name') or '#%d' % i
        entry = dict(cam)
        room = cam.get('room')
        if not room:
            errors.append('%s.room: camera %s belongs to no room' % (where, name))
        elif room not in nets:
            errors.append('%s.room: %r is not one of the rooms' % (where, room))
        if not cam.get('has_credentials', True):
            errors.append('%s: camera %s has no ONVIF credentials (onvif_password from the vault)' % (where, name))
        hostname = cam.get('hostname')
        if hostname:
            if not _valid_hostname(hostname):
                errors.append('%s.hostname: %r is not a valid host name' % (where, hostname))
            elif hostname.lower() in hostnames:
                errors.append('%s.hostname: %r is also the host name of %s' % (where, hostname, hostnames[hostname.lower()]))
            hostnames.setdefault(str(hostname).lower(), name)
        if room in nets and cam.get('address'):
            net, gateway = nets[room]
            try:
                iface = check_ipv4_plan(cam['address'], net.prefixlen, gateway, field_prefix=where + '.')
            except PlanError as exc:
                errors.append(str(exc))
            else:
                if iface.ip not in net:
                    errors.append('%s.address: %s is outside the subnet %s of room %r' % (where, iface.ip, net, room))
                elif iface.ip in taken:
                    errors.append('%s.address: %s is already held by %s' % (where, iface.ip, taken[iface.ip]))
                taken.setdefault(iface.ip, 'camera %s' % name)
                entry.update(prefix_length=net.prefixlen, gateway=gateway)
        elif not cam.get('address'):
            errors.append('%s.address: camera %s has no target address' % (where, name))
        planned.append(entry)

    return errors, {'rooms': list(rooms), 'cameras': planned, 'protected': list(protected),
                    'workstations': list(workstations)}
