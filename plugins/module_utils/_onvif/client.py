# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ONVIF client: one camera, one host:port, services built lazily from the local WSDL files.

Read the package docstring (``_onvif/__init__.py``) for the rules this enforces; the short
version: only the configured host:port is ever contacted (Transport and requests adapter both
check every request), WSDL addresses are never used, WS-Security is signed with the camera's
clock, every request has a timeout, every failure is an :class:`OnvifError`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import traceback
from urllib.parse import urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifConnectionError, OnvifError, OnvifFaultError,
    OnvifResponseError, OnvifTimeoutError, describe_body, find_fault, format_fault, is_auth_fault,
    local_name, parse_fault, parse_xml,
)

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.clock import (  # noqa: F401 pylint: disable=unused-import
    parse_system_date_and_time, tz_std_offset_seconds,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.transport import (  # noqa: F401 pylint: disable=unused-import
    AddressGuard, CameraTimeUsernameToken, GuardedAdapter, GuardedTransport, find_wsdl_dir, format_device, host_port,
)

try:
    import requests
    from requests.auth import HTTPDigestAuth
    from lxml import etree
    import zeep
    import zeep.exceptions
    import zeep.wsdl
    from zeep.helpers import serialize_object
    HAS_ONVIF_LIBS = True
    ONVIF_IMPORT_ERROR = None
except ImportError:
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

# Service key -> (namespace, WSDL file in onvif-zeep's wsdl/ folder, binding name).
# A service without a WSDL there (Media2) is reachable with OnvifClient.call_raw() only.
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

# Parsed WSDL documents, by file path (parsing devicemgmt.wsdl costs ~0.1 s).
_DOCUMENTS = {}


def to_plain(value):
    """zeep results (after serialize_object) -> dicts, lists, str, int, float, bool, None."""
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


class _RawReplyError(Exception):
    """Internal: a raw call's reply was a fault or not SOAP; _translate reads last_response."""


class OnvifClient:
    """One camera. Build with the connection options; services are built when first needed.

    ``call(service, operation, **params)`` runs a WSDL operation and returns a plain dict or list.
    ``call_raw(service, operation, params)`` builds the SOAP request itself (for Media2 and for
    operations missing from onvif-zeep's WSDLs) and returns the reply's lxml element.
    """

    def __init__(self, hostname, password, port=80, username='admin', use_tls=False, validate_certs=True,
                 timeout=10, auth_mode='auto', wsdl_dir=None):
        if not HAS_ONVIF_LIBS:
            raise OnvifError('the Python libraries zeep, requests and lxml are needed')
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
        self.wsdl_dir = wsdl_dir or find_wsdl_dir()
        if not self.wsdl_dir:
            raise OnvifError('the ONVIF WSDL files of onvif-zeep were not found (pip install onvif-zeep)', device=self.device)
        self.warnings = []
        self.auth_used = None
        self._offset = None
        self._clock = None
        self._services = None
        self._discovery_source = None
        self._rewritten = set()
        self._resolved = None
        self._zeep_clients = {}
        self._proxies = {}

        self.guard = AddressGuard(self.hostname, self.port)
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment: connect to the camera itself
        self.session.verify = bool(validate_certs)
        self.session.max_redirects = 3
        adapter = GuardedAdapter(self.guard, max_retries=0)
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)
        if not validate_certs:
            try:
                from urllib3.exceptions import InsecureRequestWarning
                requests.packages.urllib3.disable_warnings(InsecureRequestWarning)
            except (ImportError, AttributeError):
                pass
        self.transport = GuardedTransport(self.guard, self.session, timeout)
        self._token = CameraTimeUsernameToken(username, password, self.camera_utcnow)
        self._digest = HTTPDigestAuth(username, password)

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
        self.session.close()

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
        """
        if self._clock is not None:
            return self._clock

        def invoke():
            return self._zeep_call('device', 'GetSystemDateAndTime', {})

        started = datetime.datetime.now(datetime.timezone.utc)
        try:
            raw = self._perform('GetSystemDateAndTime', invoke, anonymous=True)
        except OnvifAuthError:
            # Some firmwares refuse it without credentials (dvc-dcn-bm2220lpr answers HTTP 401,
            # ezviz an HTML 401 page): ask again signed with the controller's clock.
            if self._offset is None:
                self._offset = datetime.timedelta(0)
            started = datetime.datetime.now(datetime.timezone.utc)
            raw = self._perform('GetSystemDateAndTime', invoke)
        finished = datetime.datetime.now(datetime.timezone.utc)
        clock = parse_system_date_and_time(raw)
        if clock['utc_time'] is not None:
            self._offset = clock['utc_time'] - (started + (finished - started) / 2)
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

    def _proxy(self, key):
        if key not in self._proxies:
            namespace, wsdl, binding = SERVICES[key]
            if wsdl is None:
                raise OnvifError('service %s has no WSDL here; use call_raw()' % key, device=self.device)
            if wsdl not in self._zeep_clients:
                settings = zeep.Settings(strict=False, xml_huge_tree=True)
                path = os.path.join(self.wsdl_dir, wsdl)
                if path not in _DOCUMENTS:  # parsed once per process: only local files, no address in it is used
                    _DOCUMENTS[path] = zeep.wsdl.Document(path, self.transport, settings=settings)
                self._zeep_clients[wsdl] = zeep.Client(_DOCUMENTS[path], transport=self.transport,
                                                       settings=settings, wsse=self._token)
            url = self.service_url(key)
            self._proxies[key] = self._zeep_clients[wsdl].create_service('{%s}%s' % (namespace, binding), url)
        return self._proxies[key]

    # ---------------------------------------------------------------------------- calls --
    def call(self, service, operation, **params):
        """Run a WSDL operation with authentication; return its reply as plain data."""
        method = self._method(service, operation)  # may discover services first
        return self._perform(operation, lambda: to_plain(serialize_object(method(**params), dict)))

    def call_anonymous(self, service, operation, **params):
        """Run a WSDL operation without any credentials (no WS-Security header, no HTTP Digest).

        For a device without users (ONVIF core: it accepts requests without authentication,
        and CreateUsers activates it) and for probing whether something answers ONVIF at all.
        Never falls back to a signed request, so it never counts as a failed login.
        """
        method = self._method(service, operation)
        return self._perform(operation, lambda: to_plain(serialize_object(method(**params), dict)), anonymous=True)

    def _method(self, service, operation):
        proxy = self._proxy(service)
        try:
            return getattr(proxy, operation)
        except AttributeError:
            raise OnvifError('operation %s is not in the %s WSDL of onvif-zeep; use call_raw()' % (operation, service),
                             device=self.device, operation=operation) from None

    def _zeep_call(self, service, operation, params):
        return to_plain(serialize_object(self._method(service, operation)(**params), dict))

    def call_raw(self, service, operation, params=None):
        """Run an operation with a hand-built SOAP 1.2 request; return the reply element (lxml).

        ``params`` is a list of (name, value) pairs in the service namespace; a value is a
        string or again such a list. Use for Media2 and operations missing from the WSDLs.
        """
        namespace = SERVICES[service][0] if service in SERVICES else service
        url = self.service_url(service) if service in SERVICES else self.service_url('device')

        def build(parent, items):
            for name, value in items or []:
                child = etree.SubElement(parent, '{%s}%s' % (namespace, name))
                if isinstance(value, (list, tuple)):
                    build(child, value)
                elif value is not None:
                    child.text = str(value)

        def invoke():
            envelope = etree.Element('{%s}Envelope' % SOAP12_ENV, nsmap={'s': SOAP12_ENV, 'o': namespace})
            etree.SubElement(envelope, '{%s}Header' % SOAP12_ENV)
            body = etree.SubElement(envelope, '{%s}Body' % SOAP12_ENV)
            build(etree.SubElement(body, '{%s}%s' % (namespace, operation)), params)
            headers = {'Content-Type': 'application/soap+xml; charset=utf-8; action="%s/%s"' % (namespace, operation)}
            envelope, headers = self._token.apply(envelope, headers)
            response = self.transport.post_xml(url, envelope, headers)
            root = parse_xml(response.content)
            if response.status_code != 200 or root is None or find_fault(root) is not None:
                raise _RawReplyError()
            body = [c for c in root if isinstance(c.tag, str) and local_name(c.tag) == 'Body']
            reply = [c for c in body[0] if isinstance(c.tag, str)] if body else []
            if not reply:
                raise OnvifResponseError('the reply has no %sResponse element' % operation)
            return reply[0]

        return self._perform(operation, invoke)

    def _perform(self, operation, invoke, anonymous=False):
        if anonymous:
            return self._attempt(operation, invoke, None)
        self._ensure_clock()
        if self.auth_used:
            modes = [self.auth_used]
        elif self.auth_mode == 'auto':
            modes = ['wsse', 'digest']
        else:
            modes = [self.auth_mode]
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
        names = {'wsse': 'WS-Security UsernameToken', 'digest': 'HTTP Digest'}
        if self.auth_used:
            cause = ('the camera refused user %r for this operation (with %s; it accepted the same credentials before, '
                     'so the user may lack the access level): %s' % (self.username, names[self.auth_used], refused.detail))
        else:
            cause = 'the camera refused the credentials of user %r (tried %s): %s' % (
                self.username, ' and '.join(names[m] for m in modes), refused.detail)
        raise OnvifAuthError(cause, self.device, operation, fault=refused.fault, http_status=refused.http_status)

    def _attempt(self, operation, invoke, mode):
        self._token.active = mode == 'wsse'
        self.session.auth = self._digest if mode == 'digest' else None
        self.transport.last_response = None
        try:
            return invoke()
        except OnvifError as exc:
            raise exc.add_context(self.device, operation)
        except Exception as exc:  # pylint: disable=broad-except
            raise self._translate(exc, operation) from exc

    def _translate(self, exc, operation):
        """Any exception of a call -> the matching OnvifError, named after device and operation."""
        args = {'device': self.device, 'operation': operation}
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return OnvifConnectionError('no connection within %s s (host unreachable or port filtered)' % self.timeout, **args)
        if isinstance(exc, requests.exceptions.Timeout):
            return OnvifTimeoutError('no answer within %s s (the camera accepted the connection but did not reply)'
                                     % self.timeout, **args)
        if isinstance(exc, requests.exceptions.SSLError):
            return OnvifConnectionError('TLS failed (%s); set validate_certs=false only for a camera with a self-signed '
                                        'certificate on a trusted network' % _short(exc), **args)
        if isinstance(exc, requests.exceptions.ConnectionError):
            text = str(exc)
            if 'refused' in text.lower():
                cause = 'connection refused (nothing listens on port %d)' % self.port
            elif 'Name or service not known' in text or 'nodename nor servname' in text or 'getaddrinfo' in text:
                cause = 'host name %s not found' % self.hostname
            else:
                cause = 'connection failed (%s)' % _short(exc)
            return OnvifConnectionError(cause, **args)
        if isinstance(exc, requests.exceptions.RequestException):
            return OnvifConnectionError('HTTP request failed (%s)' % _short(exc), **args)

        response = self.transport.last_response
        if response is None:  # nothing was sent: the request itself could not be built
            return OnvifError('could not build the request (%s: %s)' % (type(exc).__name__, _short(exc)), **args)
        status = response.status_code
        content = response.content or b''
        content_type = response.headers.get('Content-Type')
        root = parse_xml(content)
        is_soap = root is not None and local_name(root.tag) == 'Envelope'
        fault = parse_fault(root) if is_soap else None
        if fault is None and is_soap and isinstance(exc, zeep.exceptions.Fault) and find_fault(root) is not None:
            fault = {'code': str(exc.code or ''), 'subcodes': [str(getattr(s, 'text', s)) for s in exc.subcodes or []],
                     'reason': str(exc.message or ''), 'detail': ''}
        if is_auth_fault(fault, status):
            detail = format_fault(fault) if fault else 'HTTP %s with %s' % (status, describe_body(content, content_type))
            if fault and status != 200:
                detail = 'HTTP %s, %s' % (status, detail)
            return OnvifAuthError('credentials refused: %s' % detail, fault=fault, http_status=status, detail=detail, **args)
        if fault:
            return OnvifFaultError(fault, http_status=status, **args)
        if not is_soap:
            if status != 200:
                return OnvifResponseError('HTTP %s with %s' % (status, describe_body(content, content_type)), http_status=status, **args)
            return OnvifResponseError('the reply is %s' % describe_body(content, content_type), http_status=status, **args)
        if status != 200:
            return OnvifResponseError('HTTP %s with a SOAP reply that is not a fault' % status, http_status=status, **args)
        return OnvifResponseError('unexpected reply (%s: %s)' % (type(exc).__name__, _short(exc)), http_status=status, **args)


def _short(exc, limit=200):
    text = ' '.join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + '...'
