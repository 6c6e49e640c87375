# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client's HTTP layer: the address guard, the zeep Transport, the camera-time WS-Security token.

The guard is the safety rule made code: :class:`GuardedTransport` (every zeep POST/GET) and
:class:`GuardedAdapter` (every request the requests session sends, redirects and HTTP Digest
retries included) refuse any host:port but the configured camera's, and no WSDL/XSD document is
ever downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from urllib.parse import urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import OnvifAddressRefused

try:
    from requests.adapters import HTTPAdapter
    from zeep.transports import Transport
    from zeep.wsse.username import UsernameToken
    HAS_TRANSPORT_LIBS = True
    TRANSPORT_IMPORT_ERROR = None
except ImportError:
    HAS_TRANSPORT_LIBS = False
    TRANSPORT_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = Transport = UsernameToken = object


def find_wsdl_dir():
    """onvif-zeep's ``wsdl/`` folder (beside the ``onvif`` package), found without importing it.

    Importing ``onvif`` would set the root logger to INFO and strip proxy variables from the
    environment, so only its location is looked up. Returns None when it is not installed.
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
    """Refuses any URL whose host:port is not the configured camera's."""

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


class GuardedAdapter(HTTPAdapter):
    """requests adapter that checks every request it sends (redirects and auth retries too)."""

    def __init__(self, guard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def send(self, request, *args, **kwargs):  # pylint: disable=arguments-differ
        self.guard.check(request.url)
        return super().send(request, *args, **kwargs)


class GuardedTransport(Transport):
    """zeep Transport that only talks to the configured host:port and never fetches documents.

    WSDL and XSD files are read from onvif-zeep's local folder; any remote document load is
    refused. ``last_response`` keeps the last HTTP reply so faults can be read from the raw bytes.
    """

    def __init__(self, guard, session, timeout):
        super().__init__(timeout=timeout, operation_timeout=(timeout, timeout), session=session)
        self.guard = guard
        self.last_response = None

    def post(self, address, message, headers):
        self.guard.check(address)
        self.last_response = None
        response = super().post(address, message, headers)
        self.last_response = response
        return response

    def get(self, address, params, headers):
        self.guard.check(address)
        self.last_response = None
        response = super().get(address, params, headers)
        self.last_response = response
        return response

    def _load_remote_data(self, url):
        raise OnvifAddressRefused('refused to download %s: WSDL and XSD files are only read from the installed onvif-zeep package'
                                  % url, device=self.guard.device)


class CameraTimeUsernameToken(UsernameToken):
    """WS-Security UsernameToken (PasswordDigest) whose Created is the camera's time.

    ``clock`` returns the camera's current UTC time (controller time plus the measured offset),
    so a camera whose clock is hours off still finds the token fresh. ``active`` switches the
    header off for anonymous calls and HTTP Digest.
    """

    def __init__(self, username, password, clock):
        super().__init__(username, password, use_digest=True, zulu_timestamp=True)
        self.clock = clock
        self.active = True

    def apply(self, envelope, headers):
        if not self.active:
            return envelope, headers
        self.created = self.clock()
        self.nonce = None
        try:
            return super().apply(envelope, headers)
        finally:
            self.created = None
