# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""IPv4 address plans: validate them before any device is touched, and see who is on an address.

Used by ``onvif_camera_ip`` (one camera's new address) and by the site-plan checks of the
``prepare`` stage (every camera of a site). Errors name the field and the value.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import time

# How who_answers() looks at an address: TCP connections to the given ports, one ICMP echo
# (where this host lets an unprivileged user send one), and the kernel's neighbour (ARP) table
# after those (read-only). Only the address itself is ever contacted.
CHECK_METHODS = ('tcp', 'icmp', 'neighbour')
ARP_TABLE = '/proc/net/arp'
ATF_COM = 0x2  # a complete ARP entry: the address answered an ARP request


class PlanError(ValueError):
    """An address plan that must not be applied; the message names the field and the value."""


def parse_ipv4(value, field):
    try:
        return ipaddress.IPv4Address(str(value))
    except (ipaddress.AddressValueError, ValueError):
        raise PlanError('%s: %r is not an IPv4 address' % (field, value)) from None


def check_ipv4_plan(address, prefix_length, gateway=None, field_prefix=''):
    """Check one static IPv4 configuration; return the interface (address/prefix) when valid.

    Rules: a valid address; 1 <= prefix_length <= 30 (a /31 or /32 leaves no room for a gateway
    and a camera); the address is neither the subnet's network nor its broadcast address; the
    gateway (when given) is a valid address inside the subnet and not the camera's own address.
    """
    addr = parse_ipv4(address, field_prefix + 'address')
    try:
        prefix = int(prefix_length)
    except (TypeError, ValueError):
        raise PlanError('%sprefix_length: %r is not a number' % (field_prefix, prefix_length)) from None
    if not 1 <= prefix <= 30:
        raise PlanError('%sprefix_length: %r is out of range (1 to 30)' % (field_prefix, prefix_length))
    iface = ipaddress.IPv4Interface('%s/%d' % (addr, prefix))
    net = iface.network
    if addr == net.network_address:
        raise PlanError('%saddress: %s is the network address of %s' % (field_prefix, addr, net))
    if addr == net.broadcast_address:
        raise PlanError('%saddress: %s is the broadcast address of %s' % (field_prefix, addr, net))
    if gateway not in (None, ''):
        gw = parse_ipv4(gateway, field_prefix + 'gateway')
        if gw not in net:
            raise PlanError('%sgateway: %s is outside the subnet %s of address %s' % (field_prefix, gw, net, addr))
        if gw == addr:
            raise PlanError('%saddress: %s is also the gateway' % (field_prefix, addr))
        if gw in (net.network_address, net.broadcast_address):
            raise PlanError('%sgateway: %s is the network or broadcast address of %s' % (field_prefix, gw, net))
    return iface


def who_answers(address, ports, timeout=1.0, refused_means_taken=False, methods=('tcp',), arp_table=ARP_TABLE):
    """Return a description of what answers on ``address``, or None.

    ``methods`` (of CHECK_METHODS), in this order:

    * ``tcp``: a connection accepted on any of ``ports`` means the address is taken. For an
      HTTP service the ``Server`` header (or the status line) says what it is. With
      ``refused_means_taken``, a refused connection (a TCP reset) counts too: on a real network
      only a live host (or a firewall rejecting for it) resets a connection, an empty address
      times out. Leave it off for loopback, where the local kernel resets every closed port.
    * ``icmp``: one echo request; a reply means a live host. Skipped where this host does not
      allow unprivileged ICMP sockets (``net.ipv4.ping_group_range``), and for loopback
      addresses (the local kernel answers for all of 127.0.0.0/8).
    * ``neighbour``: after the attempts above made the kernel resolve the address, a complete
      entry in its ARP table means a device on the local segment answered for it (a host that
      drops every TCP port and ICMP still answers ARP). Read-only; meaningless for loopback
      and for an address behind a router (only the router's own entry would show).
    """
    loopback = ipaddress.ip_address(str(address)).is_loopback
    found = None
    if 'tcp' in methods:
        found = _tcp_answer(address, ports, timeout, refused_means_taken)
    if found is None and 'icmp' in methods and not loopback and icmp_echo(address, timeout):
        found = '%s answers ICMP echo (ping)' % address
    if found is None and 'neighbour' in methods and not loopback:
        mac = neighbour_mac(address, arp_table)
        if mac:
            found = '%s is in this host\'s ARP table with MAC %s (a device on the segment answers for it)' % (address, mac)
    return found


def icmp_echo(address, timeout=1.0):
    """True when ``address`` answers one ICMP echo, False when not; None when this host may not send one."""
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    except OSError:
        return None
    payload = b'dukcapil.cctv address check'
    header = struct.pack('!BBHHH', 8, 0, 0, 0, 1)
    checksum = _checksum(header + payload)
    packet = struct.pack('!BBHHH', 8, 0, checksum, 0, 1) + payload
    deadline = time.monotonic() + timeout
    with sock:
        try:
            sock.sendto(packet, (str(address), 0))
        except OSError:
            return None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            sock.settimeout(remaining)
            try:
                data, source = sock.recvfrom(2048)
            except socket.timeout:
                return False
            except OSError:
                return None
            if source[0] == str(address) and data[:1] == b'\x00':  # echo reply
                return True


def _checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def neighbour_mac(address, arp_table=ARP_TABLE):
    """The MAC of a complete entry for ``address`` in the kernel's ARP table, or None (also when unreadable)."""
    if not os.path.exists(arp_table):
        return None
    try:
        with open(arp_table) as handle:
            lines = handle.read().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 4 and fields[0] == str(address):
            try:
                flags = int(fields[2], 16)
            except ValueError:
                continue
            if flags & ATF_COM and fields[3] != '00:00:00:00:00:00':
                return fields[3].lower()
    return None


def _tcp_answer(address, ports, timeout, refused_means_taken):
    refused = None
    for port in ports:
        try:
            sock = socket.create_connection((str(address), int(port)), timeout=timeout)
        except ConnectionRefusedError:
            refused = refused or port
            continue
        except OSError:
            continue
        with sock:
            banner = _http_banner(sock, address, timeout)
        return '%s:%d answers (%s)' % (address, port, banner) if banner else '%s:%d accepts connections' % (address, port)
    if refused_means_taken and refused is not None:
        return '%s:%d refuses connections (a live host, or a firewall in front of one, is at that address)' % (address, refused)
    return None


def _http_banner(sock, address, timeout):
    try:
        sock.settimeout(timeout)
        sock.sendall(('HEAD / HTTP/1.0\r\nHost: %s\r\n\r\n' % address).encode('ascii'))
        data = sock.recv(4096).decode('latin-1')
    except OSError:
        return None
    lines = data.split('\r\n')
    for line in lines[1:]:
        if line.lower().startswith('server:'):
            return 'HTTP server "%s"' % line.split(':', 1)[1].strip()
    return lines[0].strip() or None
