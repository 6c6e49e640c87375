# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hikvision SADP inquiry for cctv_sadp_info: find Hikvision devices, activated or not.

SADP (INDEX.md H8, documented and third-party captures): an XML ``<Probe>`` with an upper-case
GUID and ``<Types>inquiry</Types>`` to UDP 37020; devices answer ``<ProbeMatch>`` with the GUID,
the model (``DeviceDescription``), serial (``DeviceSN``), ``MAC`` (``aa-bb-cc-dd-ee-ff``),
``IPv4Address``, ports and, on firmware from 2015, ``Activated``. Devices multicast the answer to
239.255.255.250:37020 (even from another subnet), so the multicast listener also catches answers
to a unicast probe.

Network safety: datagrams go only to the addresses given (unicast) and, when an interface is
given, to the group 239.255.255.250 out of that interface only (IP_MULTICAST_IF) with a TTL of
1, so nothing leaves the link. Nothing is sent anywhere else.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import struct
import time
import uuid

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    VendorError, child_text, local, parse_xml,
)

SADP_PORT = 37020
MULTICAST_GROUP = '239.255.255.250'
MAX_DATAGRAM = 65535
PROBE = '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>%s</Uuid><Types>inquiry</Types></Probe>'


class SadpError(VendorError):
    """A problem with the options or the sockets (the message names the option)."""


def build_probe(probe_id=None):
    probe_id = (probe_id or str(uuid.uuid4())).upper()
    return probe_id, (PROBE % probe_id).encode('utf-8')


def _bool(value):
    return None if value is None else value.strip().lower() == 'true'


def _int(value):
    return int(value) if value and value.strip().isdigit() else None


def normalise_mac(value):
    digits = ''.join(c for c in (value or '').lower() if c in '0123456789abcdef')
    return ':'.join(digits[i:i + 2] for i in range(0, 12, 2)) if len(digits) == 12 else None


def parse_match(payload):
    """A <ProbeMatch> datagram as a device dict, or None when it is not one."""
    doc = parse_xml(payload)
    if doc is None or local(doc.tag) != 'ProbeMatch':
        return None

    def get(name):
        return child_text(doc, name)

    return {
        'probe_id': (get('Uuid') or '').upper(),
        'vendor': 'hikvision',
        'model': get('DeviceDescription'),
        'serial': get('DeviceSN'),
        'mac': normalise_mac(get('MAC')),
        'address': get('IPv4Address'),
        'subnet_mask': get('IPv4SubnetMask'),
        'gateway': get('IPv4Gateway'),
        'dhcp': _bool(get('DHCP')),
        'http_port': _int(get('HttpPort')),
        'command_port': _int(get('CommandPort')),
        'software_version': get('SoftwareVersion'),
        'activated': _bool(get('Activated')),
    }


def validate(params):
    """(unicast IPv4 targets, multicast interface address or None); SadpError names the option."""
    if not params['addresses'] and not params['multicast_interface']:
        raise SadpError('give at least one of addresses or multicast_interface')
    if params['timeout'] <= 0:
        raise SadpError('timeout: must be a positive number of seconds, not %r' % params['timeout'])
    if not 0 < params['port'] < 65536:
        raise SadpError('port: %r is not a UDP port (1 to 65535)' % params['port'])
    targets = []
    for value in params['addresses']:
        try:
            address = ipaddress.IPv4Address(str(value).strip())
        except ValueError:
            raise SadpError('addresses: %r is not an IPv4 address' % value) from None
        if address.is_multicast or address == ipaddress.IPv4Address('255.255.255.255'):
            raise SadpError('addresses: %s is not a unicast address (use multicast_interface for multicast)' % address)
        targets.append(str(address))
    interface = params['multicast_interface']
    if interface is not None:
        try:
            interface = str(ipaddress.IPv4Address(interface.strip()))
        except ValueError:
            raise SadpError('multicast_interface: %r is not an IPv4 address (give the address of the controller on '
                            'the camera network)' % interface) from None
    return targets, interface


def inquire(params, clock=time.monotonic):
    """Send the inquiry as asked, collect answers for ``timeout`` seconds; (devices, warnings)."""
    targets, interface = validate(params)
    port = params['port']
    probe_id, datagram = build_probe()
    sockets, warnings = [], []
    try:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sockets.append(sender)
        if interface:
            try:
                sender.bind((interface, 0))
            except OSError as exc:
                raise SadpError('multicast_interface: %s is not an address of this host (%s)'
                                % (interface, exc.strerror or exc)) from None
            sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
            # TTL 1: never beyond the link; on loopback 0, so only the host's own copy is delivered.
            loopback = ipaddress.IPv4Address(interface).is_loopback
            sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0 if loopback else 1)
            sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sockets.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, 'SO_REUSEPORT'):
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            try:
                listener.bind((MULTICAST_GROUP, port))
                listener.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                    struct.pack('4s4s', socket.inet_aton(MULTICAST_GROUP), socket.inet_aton(interface)))
            except OSError as exc:
                raise SadpError('multicast_interface: cannot listen for SADP answers on %s:%d from %s (%s)'
                                % (MULTICAST_GROUP, port, interface, exc.strerror or exc)) from None
        for sock in sockets:
            sock.setblocking(False)
        destinations = [(t, 'unicast') for t in targets] + ([(MULTICAST_GROUP, 'multicast')] if interface else [])
        return _exchange(sockets, sender, datagram, probe_id, destinations, port, params['timeout'], clock, warnings)
    finally:
        for sock in sockets:
            sock.close()


def _exchange(sockets, sender, datagram, probe_id, destinations, port, timeout, clock, warnings):
    devices = {}
    deadline = clock() + timeout
    resend_at = clock() + timeout / 3.0
    sent_again = False

    def send():
        for target, via in destinations:
            try:
                sender.sendto(datagram, (target, port))
            except OSError as exc:
                warnings.append('%s: the SADP inquiry could not be sent (%s)' % (target, exc.strerror or exc))

    send()
    while True:
        now = clock()
        if not sent_again and now >= resend_at:
            send()  # UDP may drop a datagram: ask once more
            sent_again = True
        until = deadline if sent_again else resend_at
        wait = until - now
        if wait <= 0 and sent_again:
            break
        for sock in select.select(sockets, [], [], max(wait, 0))[0]:
            try:
                payload, source = sock.recvfrom(MAX_DATAGRAM)
            except OSError:
                continue
            match = parse_match(payload)
            if not match or (match['probe_id'] and match['probe_id'] != probe_id):
                continue  # not an answer to this inquiry
            key = match['serial'] or match['mac'] or source[0]
            entry = devices.setdefault(key, dict(match, answered_from=source[0], found_by=[]))
            via = 'multicast' if sock is not sender else 'unicast'
            if via not in entry['found_by']:
                entry['found_by'].append(via)
    result = []
    for entry in devices.values():
        entry.pop('probe_id')
        entry['protocol'] = 'sadp'
        entry['found_by'].sort()
        result.append(entry)
    result.sort(key=lambda d: (ipaddress.IPv4Address(d['address']) if _is_ipv4(d['address']) else ipaddress.IPv4Address(0),
                               d['serial'] or ''))
    return result, warnings


def _is_ipv4(value):
    try:
        ipaddress.IPv4Address(value or '')
    except ValueError:
        return False
    return True
