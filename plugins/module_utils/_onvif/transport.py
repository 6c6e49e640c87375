# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ONVIF client's view of the HTTP layer: addresses, the guard, the camera-time WS-Security token.

The HTTP itself (deadline, Digest, TLS, refusing any other host:port, redirects included) is
``module_utils/_http``; this module adds what is ONVIF's: the device's name for messages, the
guard's ONVIF exception, and the UsernameToken signed with the camera's clock.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from urllib.parse import urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import OnvifAddressRefused


def find_wsdl_dir():
    """onvif-zeep's ``wsdl/`` folder (beside the ``onvif`` package), found without importing it.

    Development only (the schema source of ``tools/gen_onvif_soap_table.py`` and of the tests);
    the runtime reads no WSDL. Returns None when onvif-zeep is not installed.
    """
    candidates = []
    try:
        spec = importlib.util.find_spec('onvif')
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        for location in spec.submodule_search_locations or [os.path.dirname(spec.origin or '')]:
            candidates.append(os.path.join(os.path.dirname(location), 'wsdl'))
    candidates.extend(os.path.join(p, 'wsdl') for p in sys.path if p)
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, 'devicemgmt.wsdl')):
            return folder
    return None


def host_port(url, default_scheme='http'):
    parts = urlsplit(url)
    scheme = (parts.scheme or default_scheme).lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if scheme == 'https' else 80
    return scheme, (parts.hostname or '').lower(), port


def format_device(hostname, port):
    """'host:port', with brackets around an IPv6 literal."""
    hostname = hostname.strip('[]')
    return '[%s]:%d' % (hostname, port) if ':' in hostname else '%s:%d' % (hostname, port)


class AddressGuard:
    """Refuses any URL whose host:port is not the configured camera's (OnvifAddressRefused)."""

    def __init__(self, hostname, port):
        self.hostname = hostname.strip('[]').lower()
        self.port = int(port)
        self.device = format_device(hostname, port)

    def check(self, url):
        if not str(url).lower().startswith(('http://', 'https://')):
            raise OnvifAddressRefused('refused to contact %r: only http(s) URLs on %s are allowed' % (url, self.device),
                                      device=self.device)
        dummy, host, port = host_port(url)
        if (host, port) != (self.hostname, self.port):
            raise OnvifAddressRefused(
                'refused to contact %s:%s: this client only contacts the configured camera %s' % (host, port, self.device),
                device=self.device)


class CameraTimeUsernameToken:
    """WS-Security UsernameToken (PasswordDigest) whose Created is the camera's time.

    ``clock`` returns the camera's current UTC time (controller time plus the measured offset),
    so a camera whose clock is hours off still finds the token fresh.
    """

    def __init__(self, username, password, clock):
        self.username = username
        self.password = password
        self.clock = clock

    def header(self):
        from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import soap
        return soap.username_token(self.username, self.password, self.clock())
