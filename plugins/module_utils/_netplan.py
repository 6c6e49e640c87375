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
import socket


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


def who_answers(address, ports, timeout=1.0, refused_means_taken=False):
    """Return a description of what answers on ``address`` at any of ``ports``, or None.

    A TCP connection that is accepted means the address is taken. For an HTTP service the
    ``Server`` header (or the status line) says what it is, so an error can name it.

    With ``refused_means_taken``, a refused connection (a TCP reset) also means the address is
    taken: on a real network only a live host (or a firewall rejecting for it) resets a
    connection, an empty address times out. Leave it off for loopback addresses, where the
    local kernel resets every connection to a closed port.
    """
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
