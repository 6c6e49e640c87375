# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ONVIF client: one camera, one host:port, SOAP built from the schema table (no WSDL at run time).

Read the package docstring (``_onvif/__init__.py``) for the rules this enforces; the short
version: only the configured host:port is ever contacted (the guard and the HTTP layer check
every request, redirects included), WSDL addresses are never used, WS-Security is signed with
the camera's clock, ``timeout`` bounds each whole request, every failure is an :class:`OnvifError`.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import traceback
from urllib.parse import urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._http import HttpClient, HttpError
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifError, OnvifFaultError, OnvifResponseError, describe_body, format_fault, from_http_error,
    is_auth_fault, local_name, parse_fault,
)

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.clock import (  # noqa: F401 pylint: disable=unused-import
    parse_system_date_and_time, tz_std_offset_seconds,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.transport import (  # noqa: F401 pylint: disable=unused-import
    AddressGuard, CameraTimeUsernameToken, find_wsdl_dir, format_device, host_port,
)

try:
    from lxml import etree
    from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import soap
    HAS_ONVIF_LIBS = True
    ONVIF_IMPORT_ERROR = None
except ImportError:
    etree = soap = None
    HAS_ONVIF_LIBS = False
    ONVIF_IMPORT_ERROR = traceback.format_exc()

SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope'
NS_DEVICE = 'http://www.onvif.org/ver10/device/wsdl'
NS_MEDIA = 'http://www.onvif.org/ver10/media/wsdl'
NS_MEDIA2 = 'http://www.onvif.org/ver20/media/wsdl'
NS_EVENTS = 'http://www.onvif.org/ver10/events/wsdl'
NS_PTZ = 'http://www.onvif.org/ver20/ptz/wsdl'
NS_IMAGING = 'http://www.onvif.org/ver20/imaging/wsdl'
NS_DEVICEIO = 'http://www.onvif.org/ver10/deviceIO/wsdl'
NS_ANALYTICS = 'http://www.onvif.org/ver20/analytics/wsdl'
NS_RECORDING = 'http://www.onvif.org/ver10/recording/wsdl'
NS_SEARCH = 'http://www.onvif.org/ver10/search/wsdl'
NS_REPLAY = 'http://www.onvif.org/ver10/replay/wsdl'
NS_RECEIVER = 'http://www.onvif.org/ver10/receiver/wsdl'
NS_DISPLAY = 'http://www.onvif.org/ver10/display/wsdl'

# Service key -> (namespace, WSDL file in onvif-zeep's wsdl/ folder, binding name). call() runs the
# operations of the services in the schema table (soap_table.py: device and media); every other
# service, and Media2 (not in onvif-zeep), is reachable with OnvifClient.call_raw().
SERVICES = {
    'device': (NS_DEVICE, 'devicemgmt.wsdl', 'DeviceBinding'),
    'media': (NS_MEDIA, 'media.wsdl', 'MediaBinding'),
    'media2': (NS_MEDIA2, None, None),
    'events': (NS_EVENTS, 'events.wsdl', 'EventBinding'),
    'ptz': (NS_PTZ, 'ptz.wsdl', 'PTZBinding'),
    'imaging': (NS_IMAGING, 'imaging.wsdl', 'ImagingBinding'),
    'deviceio': (NS_DEVICEIO, 'deviceio.wsdl', 'DeviceIOBinding'),
    'analytics': (NS_ANALYTICS, 'analytics.wsdl', 'AnalyticsEngineBinding'),
    'recording': (NS_RECORDING, 'recording.wsdl', 'RecordingBinding'),
    'search': (NS_SEARCH, 'search.wsdl', 'SearchBinding'),
    'replay': (NS_REPLAY, 'replay.wsdl', 'ReplayBinding'),
    'receiver': (NS_RECEIVER, 'receiver.wsdl', 'ReceiverBinding'),
    'display': (NS_DISPLAY, 'display.wsdl', 'DisplayBinding'),
}

# GetCapabilities category (element name) -> service namespace. Categories under
# Capabilities/Extension are looked up in the same table.
CAPABILITY_NAMESPACES = {
    'Device': NS_DEVICE, 'Media': NS_MEDIA, 'Events': NS_EVENTS, 'PTZ': NS_PTZ,
    'Imaging': NS_IMAGING, 'Analytics': NS_ANALYTICS, 'DeviceIO': NS_DEVICEIO,
    'Recording': NS_RECORDING, 'Search': NS_SEARCH, 'Replay': NS_REPLAY,
    'Receiver': NS_RECEIVER, 'Display': NS_DISPLAY,
}

DEVICE_SERVICE_PATH = '/onvif/device_service'


def to_plain(value):
    """Reply data -> dicts, lists, str, int, float, bool, None (lxml elements become their text)."""
    if isinstance(value, dict):
        return dict((str(k), to_plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    if etree is not None and isinstance(value, etree._Element):  # pylint: disable=protected-access
        return ' '.join(' '.join(value.itertext()).split())
    if hasattr(value, 'as_tuple'):  # Decimal
        return int(value) if value == int(value) else float(value)
    return str(value)


AUTH_NAMES = {'wsse': 'WS-Security UsernameToken', 'digest': 'HTTP Digest'}
CLOCK_HINT_SECONDS = 300  # WS-Security tokens older or newer than this are commonly refused


class OnvifClient:
    """One camera. Build with the connection options; nothing is contacted before the first call.

    ``call(service, operation, **params)`` runs an operation of the ONVIF schema (Device and
    Media services) and returns a plain dict or list (see ``soap.py`` for the shape).
    ``call_raw(service, operation, params)`` builds the SOAP request itself (for Media2 and
    other services) and returns the reply's lxml element.
    """

    def __init__(self, hostname, password, port=80, username='admin', use_tls=False, validate_certs=True,
                 timeout=10, auth_mode='auto', wsdl_dir=None):
        if not HAS_ONVIF_LIBS:
            raise OnvifError('the Python library lxml is needed')
        self.hostname = str(hostname).strip().strip('[]')
        self.port = int(port)
        self.username = username
        self.scheme = 'https' if use_tls else 'http'
        self.device = format_device(self.hostname, self.port)
        self.base_url = '%s://%s' % (self.scheme, self.device)
        self.timeout = timeout
        if auth_mode not in ('auto', 'wsse', 'digest'):
            raise OnvifError('auth_mode must be auto, wsse or digest, not %r' % auth_mode, device=self.device)
        self.auth_mode = auth_mode
        self.wsdl_dir = wsdl_dir  # kept for callers; the runtime reads no WSDL
        self.warnings = []
        self.auth_used = None
        self._offset = None
        self._offset_source = None  # 'clock' (GetSystemDateAndTime), 'http-date' (a 401's Date header) or None
        self._clock = None
        self._services = None
        self._discovery_source = None
        self._rewritten = set()
        self._resolved = None
        self.guard = AddressGuard(self.hostname, self.port)
        self.http = HttpClient(self.hostname, self.port, use_tls=use_tls, validate_certs=validate_certs,
                               timeout=timeout, username=username or '', password=password,
                               user_agent='dukcapil.cctv ONVIF')
        self._token = CameraTimeUsernameToken(username, password, self.camera_utcnow)

    @classmethod
    def from_params(cls, params, **kwargs):
        """Build from a module's params (the options of onvif_argument_spec())."""
        return cls(hostname=params['hostname'], password=params['password'], port=params['port'],
                   username=params['username'], use_tls=params['use_tls'],
                   validate_certs=params['validate_certs'], timeout=params['timeout'],
                   auth_mode=params['auth_mode'], **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Nothing stays open between requests (one connection per request); kept for the context manager."""

    def warn(self, text):
        if text not in self.warnings:
            self.warnings.append(text)

    # ----------------------------------------------------------------------------- time --
    @property
    def clock_offset(self):
        """Camera clock minus controller clock, in seconds (0.0 before the clock was read)."""
        return self._offset.total_seconds() if self._offset is not None else 0.0

    def camera_utcnow(self):
        """The camera's current time (aware UTC), from the controller clock and the offset."""
        now = datetime.datetime.now(datetime.timezone.utc)
        return now + self._offset if self._offset is not None else now

    def get_system_date_and_time(self):
        """Read the camera clock once (anonymously first) and set the offset. Return the clock dict.

        Keys: see parse_system_date_and_time(), plus offset_seconds (int, camera minus controller,
        or None when the camera gave no usable time).

        A camera that refuses the anonymous read is asked again signed; the token is then
        dated with the clock its refusal's HTTP ``Date`` header shows (second resolution is
        plenty for WS-Security), so a camera hours off still accepts it. When that fails too,
        the error names the clock as the likely cause.
        """
        if self._clock is not None:
            return self._clock
        started = datetime.datetime.now(datetime.timezone.utc)
        try:
            raw = self._perform('GetSystemDateAndTime', lambda: self._invoke('device', 'GetSystemDateAndTime', {}),
                                anonymous=True)
        except OnvifAuthError as exc:
            # Some firmwares refuse it without credentials (dvc-dcn-bm2220lpr answers HTTP 401,
            # ezviz an HTML 401 page): ask again signed, with the clock the refusal shows.
            self._offset, self._offset_source = self._offset_from_date(exc.device_date, started)
            started = datetime.datetime.now(datetime.timezone.utc)
            try:
                raw = self._perform('GetSystemDateAndTime', lambda: self._invoke('device', 'GetSystemDateAndTime', {}))
            except OnvifAuthError as refused:
                raise self._clock_hint(refused) from None
        finished = datetime.datetime.now(datetime.timezone.utc)
        clock = parse_system_date_and_time(raw)
        if clock['utc_time'] is not None:
            self._offset = clock['utc_time'] - (started + (finished - started) / 2)
            self._offset_source = 'clock'
            clock['offset_seconds'] = int(round(self._offset.total_seconds()))
            if clock['utc_source'] == 'LocalDateTime' and tz_std_offset_seconds(clock['timezone']) is None:
                self.warn('%s: the camera gave only its local time and a time zone (%r) this client does not understand; '
                          'the clock offset assumes the local time is UTC' % (self.device, clock['timezone']))
        else:
            clock['offset_seconds'] = None
            self.warn('%s: GetSystemDateAndTime gave no usable date; WS-Security is signed with the controller clock' % self.device)
            if self._offset is None:
                self._offset = datetime.timedelta(0)
        self._clock = clock
        return clock

    @staticmethod
    def _offset_from_date(device_date, sent):
        """(offset, source) from a reply's HTTP Date (whole seconds: the middle of that second is used)."""
        if device_date is None:
            return datetime.timedelta(0), None
        now = datetime.datetime.now(datetime.timezone.utc)
        middle = sent + (now - sent) / 2
        return device_date + datetime.timedelta(seconds=0.5) - middle, 'http-date'

    def _clock_hint(self, refused):
        """The auth error of the signed clock read, naming the camera clock as the likely cause.

        It is the first signed request, dated with a guessed camera time (the refusal's HTTP
        Date header, or the controller clock when there is none), so a clock the guess missed
        is as likely as a wrong password: the message says which guess was used.
        """
        if 'wsse' not in self._modes():
            return refused  # HTTP Digest does not depend on the clock
        offset = self._offset.total_seconds() if self._offset is not None else 0.0
        if self._offset_source == 'http-date' and abs(offset) > CLOCK_HINT_SECONDS:
            hint = ('; the camera refuses to tell its clock without credentials, and its HTTP Date header says it is '
                    '%s %s the controller: a wrong camera clock is the likely cause (WS-Security tokens are time-limited; '
                    'the request was dated by that header), so set the camera clock or use auth_mode=digest'
                    % (_duration(abs(offset)), 'ahead of' if offset > 0 else 'behind'))
        elif self._offset_source == 'http-date':
            hint = ('; the camera refuses to tell its clock without credentials, so the request was dated by its HTTP Date '
                    'header (which agrees with the controller clock): if the password is right, a camera clock that '
                    'differs from that header is the likely cause (set the camera clock or use auth_mode=digest)')
        else:
            hint = ('; the camera refuses to tell its clock without credentials and sends no HTTP Date header, so the '
                    'request was dated with the controller clock: if the password is right, a camera clock off by '
                    'minutes or more is the likely cause (set the camera clock or use auth_mode=digest)')
        refused.cause += hint
        return refused

    def refresh_clock(self):
        """Forget the clock read before and read it again; return the new clock dict.

        Call it after SetSystemDateAndTime (or anything else that moves the camera clock):
        WS-Security is signed with the camera's time, so the offset must follow the clock.
        """
        self._clock = None
        return self.get_system_date_and_time()

    def _ensure_clock(self):
        if self._offset is not None or self.auth_mode == 'digest':
            return
        self._offset = datetime.timedelta(0)  # also guards against re-entry while reading it
        try:
            self.get_system_date_and_time()
        except (OnvifFaultError, OnvifResponseError) as exc:
            self.warn('%s: could not read the camera clock (%s); WS-Security is signed with the controller clock'
                      % (self.device, exc.cause))

    # ------------------------------------------------------------------------- services --
    def rewrite_xaddr(self, xaddr):
        """Camera-advertised service URL -> URL on the configured host:port (path kept).

        When the XAddr names another host, port or scheme, a warning is recorded once per
        advertised address. Returns None for an empty or unusable XAddr.
        """
        xaddr = (xaddr or '').strip().split()
        if not xaddr:
            return None
        xaddr = xaddr[0]
        try:
            parts = urlsplit(xaddr)
            scheme, host, port = host_port(xaddr, self.scheme)
        except ValueError:
            return None
        path = parts.path or '/'
        if parts.query:
            path += '?' + parts.query
        if (scheme, port) != (self.scheme, self.port) or not self._is_configured_host(host):
            advertised = '%s://%s' % (scheme, format_device(host, port))
            if advertised not in self._rewritten:
                self._rewritten.add(advertised)
                self.warn('the camera at %s advertises its services at %s; the client keeps the paths and contacts %s '
                          '(the host and port given) instead: it never contacts another host or port'
                          % (self.device, advertised, self.base_url))
        return self.base_url + path

    def _is_configured_host(self, host):
        """Whether an advertised host is the configured one (the configured name resolving to it counts)."""
        if host == self.hostname.lower():
            return True
        if self._resolved is None:
            self._resolved = set()
            try:
                ipaddress.ip_address(self.hostname)
            except ValueError:  # a name: what it resolves to (the lookup requests makes anyway)
                try:
                    self._resolved = set(info[4][0] for info in socket.getaddrinfo(self.hostname, self.port))
                except (OSError, UnicodeError):
                    pass
        return host in self._resolved

    def discover(self):
        """Learn the service addresses: GetServices, else GetCapabilities. Return {namespace: path}."""
        if self._services is not None:
            return self.services
        found = {}
        try:
            result = self.call('device', 'GetServices', IncludeCapability=False)
            for service in result or []:
                version = service.get('Version') or {}
                found[(service.get('Namespace') or '').strip()] = (service.get('XAddr'), '%s.%s' % (
                    version.get('Major', ''), version.get('Minor', '')) if version else None)
            self._discovery_source = 'GetServices'
        except (OnvifFaultError, OnvifResponseError) as exc:
            try:
                caps = self.call('device', 'GetCapabilities', Category=['All'])
                found = self._capability_xaddrs(caps)
                self._discovery_source = 'GetCapabilities'
            except (OnvifFaultError, OnvifResponseError) as exc2:
                self.warn('%s answered neither GetServices (%s) nor GetCapabilities (%s); every service is tried at the '
                          'device service address' % (self.device, exc.cause, exc2.cause))
                self._discovery_source = None
        services = {}
        for namespace, (xaddr, version) in found.items():
            url = self.rewrite_xaddr(xaddr)
            if namespace and url:
                services[namespace] = {'xaddr': xaddr.strip(), 'url': url, 'path': url[len(self.base_url):], 'version': version}
        self._services = services
        return self.services

    @staticmethod
    def _capability_xaddrs(caps):
        found = {}

        def walk(node):
            for name, value in (node or {}).items():
                if not isinstance(value, dict):
                    continue
                if name in CAPABILITY_NAMESPACES and value.get('XAddr'):
                    found.setdefault(CAPABILITY_NAMESPACES[name], (value['XAddr'], None))
                if name in ('Extension', '_value_1') or name not in CAPABILITY_NAMESPACES:
                    walk(value)
        walk(caps)
        return found

    @property
    def services(self):
        """{namespace: path} of the services found by discover() ({} before it ran)."""
        return dict((ns, info['path']) for ns, info in (self._services or {}).items())

    @property
    def service_details(self):
        """{namespace: {'xaddr', 'url', 'path', 'version'}} as discovered."""
        return dict((ns, dict(info)) for ns, info in (self._services or {}).items())

    @property
    def discovery_source(self):
        return self._discovery_source

    def has_service(self, key):
        self.discover()
        return SERVICES[key][0] in self._services

    def service_url(self, key):
        """URL on the configured host:port for a service key of SERVICES."""
        namespace = SERVICES[key][0]
        if key == 'device' and self._services is None:
            return self.base_url + DEVICE_SERVICE_PATH
        self.discover()
        if namespace in self._services:
            return self._services[namespace]['url']
        device = self._services.get(NS_DEVICE, {}).get('url') or self.base_url + DEVICE_SERVICE_PATH
        if key != 'device' and self._discovery_source:
            self.warn('%s lists no %s service; trying it at the device service address' % (self.device, key))
        return device

    # ---------------------------------------------------------------------------- calls --
    def call(self, service, operation, **params):
        """Run an operation with authentication; return its reply as plain data."""
        self._check_operation(service, operation)
        return self._perform(operation, lambda: self._invoke(service, operation, params))

    def call_anonymous(self, service, operation, **params):
        """Run an operation without any credentials (no WS-Security header, no HTTP Digest).

        For a device without users (ONVIF core: it accepts requests without authentication,
        and CreateUsers activates it) and for probing whether something answers ONVIF at all.
        Never falls back to a signed request, so it never counts as a failed login.
        """
        self._check_operation(service, operation)
        return self._perform(operation, lambda: self._invoke(service, operation, params), anonymous=True)

    def _check_operation(self, service, operation):
        if service not in SERVICES:
            raise OnvifError('unknown ONVIF service %r' % service, device=self.device, operation=operation)
        if not soap.has_operation(service, operation):
            raise OnvifError('operation %s is not in the %s service of the ONVIF schema; use call_raw()' % (operation, service),
                             device=self.device, operation=operation)

    def _invoke(self, service, operation, params):
        """One request of a schema operation in the current auth mode -> plain data."""
        body = soap.request_body(service, operation, params)
        root = self._post(self.service_url(service), SERVICES[service][0], operation, body)
        return soap.read_reply(service, operation, root)

    def call_raw(self, service, operation, params=None):
        """Run an operation with a hand-built SOAP 1.2 request; return the reply element (lxml).

        ``params`` is a list of (name, value) pairs in the service namespace; a value is a
        string or again such a list. Use for Media2 and operations missing from the schema table.
        """
        namespace = SERVICES[service][0] if service in SERVICES else service
        url = self.service_url(service) if service in SERVICES else self.service_url('device')

        def invoke():
            root = self._post(url, namespace, operation, soap.raw_body(namespace, operation, params))
            reply = soap.body_children(root)
            if not reply:
                raise OnvifResponseError('the reply has an empty SOAP Body instead of %sResponse' % operation)
            if local_name(reply[0].tag) != operation + 'Response':
                raise OnvifResponseError('the reply holds %s instead of %sResponse' % (local_name(reply[0].tag), operation))
            return reply[0]

        return self._perform(operation, invoke)

    def _post(self, url, namespace, operation, body):
        """POST one SOAP request in the current auth mode; the parsed reply envelope, or an OnvifError."""
        self.guard.check(url)
        security = self._token.header() if self._mode == 'wsse' else None
        headers = {'Content-Type': 'application/soap+xml; charset=utf-8; action="%s/%s"' % (namespace, operation)}
        try:
            response = self.http.request('POST', url, soap.envelope(body, security), headers,
                                         auth=self._mode == 'digest', operation=operation)
        except HttpError as exc:
            raise from_http_error(exc, self.device, operation) from None
        return self._check_reply(response, operation)

    def _check_reply(self, response, operation):
        """A SOAP reply that is not a fault -> its parsed envelope; anything else -> the matching OnvifError."""
        args = {'device': self.device, 'operation': operation}
        status, content = response.status, response.body or b''
        content_type = response.headers.get('Content-Type')
        root = soap.parse_strict(content)
        is_soap = root is not None and local_name(root.tag) == 'Envelope'
        fault = parse_fault(root) if is_soap else None
        if is_auth_fault(fault, status):
            detail = format_fault_or_body(fault, status, content, content_type)
            raise OnvifAuthError('credentials refused: %s' % detail, fault=fault, http_status=status, detail=detail,
                                 device_date=response.date, **args)
        if fault:
            raise OnvifFaultError(fault, http_status=status, **args)
        if not is_soap:
            if root is None and content.strip()[:1] == b'<' and b'<html' not in content[:512].lower():
                raise OnvifResponseError('the reply is not well-formed XML (truncated or broken%s)'
                                         % (', HTTP %s' % status if status != 200 else ''), http_status=status, **args)
            if status != 200:
                raise OnvifResponseError('HTTP %s with %s' % (status, describe_body(content, content_type)),
                                         http_status=status, **args)
            raise OnvifResponseError('the reply is %s' % describe_body(content, content_type), http_status=status, **args)
        if status != 200:
            raise OnvifResponseError('HTTP %s with a SOAP reply that is not a fault' % status, http_status=status, **args)
        return root

    def _perform(self, operation, invoke, anonymous=False):
        if anonymous:
            return self._attempt(operation, invoke, None)
        self._ensure_clock()
        modes = self._modes()
        refused = None
        for mode in modes:
            try:
                result = self._attempt(operation, invoke, mode)
            except OnvifAuthError as exc:
                refused = exc
                continue
            if operation not in quirks.PRE_AUTH_OPERATIONS:  # a pre-auth answer proves nothing about the credentials
                self.auth_used = mode
            return result
        if self.auth_used:
            cause = ('the camera refused user %r for this operation (with %s; it accepted the same credentials before, '
                     'so the user may lack the access level): %s' % (self.username, AUTH_NAMES[self.auth_used], refused.detail))
        else:
            cause = 'the camera refused the credentials of user %r (tried %s): %s' % (
                self.username, ' and '.join(AUTH_NAMES[m] for m in modes), refused.detail)
        raise OnvifAuthError(cause, self.device, operation, fault=refused.fault, http_status=refused.http_status,
                             device_date=refused.device_date)

    def _modes(self):
        """The auth modes a signed request tries, in order: what worked before, else what auth_mode allows."""
        if self.auth_used:
            return [self.auth_used]
        return ['wsse', 'digest'] if self.auth_mode == 'auto' else [self.auth_mode]

    def _attempt(self, operation, invoke, mode):
        self._mode = mode
        try:
            return invoke()
        except OnvifError as exc:
            raise exc.add_context(self.device, operation)

    _mode = None


def format_fault_or_body(fault, status, content, content_type):
    """The detail of a refusal: the fault (with a non-200 status), or the status and a body description."""
    if not fault:
        return 'HTTP %s with %s' % (status, describe_body(content, content_type))
    detail = format_fault(fault)
    return 'HTTP %s, %s' % (status, detail) if status != 200 else detail


def _duration(seconds):
    seconds = int(round(seconds))
    if seconds >= 3600:
        hours, rest = divmod(seconds, 3600)
        return '%d h %02d min' % (hours, rest // 60) if rest >= 60 else '%d h' % hours
    if seconds >= 60:
        return '%d min' % (seconds // 60)
    return '%d s' % seconds
