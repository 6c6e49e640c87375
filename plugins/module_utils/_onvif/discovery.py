# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding ONVIF devices for onvif_discovery, within one deadline.

Four ways, each only when asked:

* direct asks (``direct``): identity (GetDeviceInformation) and MAC (GetNetworkInterfaces) read
  with the credentials on the ONVIF port of every given address, all at once. They end as soon as
  the expected identity (``expected_serial``, and ``expected_mac`` when given) answered and
  every other address either answered, refused, or did not even accept a TCP connection within
  GRACE (nothing lives there) -- or when every address answered or refused. A
  WS-Discovery probe is sent only when nothing answered directly, so a camera at a known address
  is found in the time of its own answer, not of a probe timeout;

* unicast WS-Discovery (SOAP-over-UDP, the 2005/04 namespace the ONVIF core uses): a Probe for
  ``dn:NetworkVideoTransmitter`` to UDP port 3702 of each given address;
* multicast WS-Discovery: the same Probe to 239.255.255.250:3702, sent out of one interface
  chosen by its address (IP_MULTICAST_IF) with a TTL of 1, so it never leaves that link;
* factory-default addresses: GetSystemDateAndTime without credentials on the ONVIF HTTP port
  (through :class:`OnvifClient`, so only that address and port are contacted). A WS-Discovery
  unicast Probe goes there too, for the scopes.

With credentials, each device's identity (GetDeviceInformation) and MAC address
(GetNetworkInterfaces) are then read through :class:`OnvifClient`, at the address that
answered and the port of its own XAddr, all devices in parallel. ``timeout`` bounds the whole
discovery: with credentials the probes get at most half of it, the identity reads the rest.

A device is one WS-Discovery endpoint reference (with its XAddrs), not one source address: two
devices answering from the same address (a NAT, a recorder fronting cameras) are two entries.
"""

from __future__ import annotations

import ipaddress
import re
import select
import socket
import threading
import time
import uuid
from urllib.parse import unquote

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.client import OnvifClient
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifError, OnvifFaultError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import (
    get_identity, get_network_interfaces, normalise_mac, parse_probe_matches, primary_interface,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.transport import host_port

WSD_PORT = 3702
MULTICAST_GROUP = '239.255.255.250'
SCOPE_PREFIX = 'onvif://www.onvif.org/'
FOUND_BY = ('direct', 'unicast', 'multicast', 'http')
MAX_DATAGRAM = 65535
# After every unicast address answered: how long more answers are read (a second device behind
# the same address answers the same probe a moment later).
LINGER = 0.2
# After the expected identity answered a direct ask: how long an address that has not yet accepted
# a TCP connection still gets. A device on the camera network accepts within milliseconds (and is
# then heard out, so locate sees a stranger at the planned address); an address where nothing
# lives (an ARP timeout, seconds) is not waited for.
GRACE = 0.3

# A WS-Discovery (2005/04) Probe for ONVIF video transmitters; only the MessageID changes.
PROBE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
    ' xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
    ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
    ' xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
    '<s:Header>'
    '<a:MessageID>%s</a:MessageID>'
    '<a:To s:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>'
    '<a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>'
    '<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>'
    '</s:Header>'
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>'
    '</s:Envelope>'
)

_NUMERIC = re.compile(r'^[0-9.]*$')
_NAME = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$')


class DiscoveryError(OnvifError):
    """Bad input, or a probe that could not be sent at all (the message names the option)."""

    @property
    def message(self):
        return self.cause


def build_probe(message_id=None):
    """``(message_id, datagram bytes)`` of a Probe."""
    message_id = message_id or 'urn:uuid:%s' % uuid.uuid4()
    return message_id, (PROBE % message_id).encode('utf-8')


def resolve(option, value):
    """An IPv4 address or host name -> IPv4 address string; DiscoveryError naming the option otherwise.

    A value made of digits and dots that is not an address is refused without a DNS lookup.
    """
    value = str(value or '').strip()
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        pass
    if _NUMERIC.match(value) or not _NAME.match(value):
        raise DiscoveryError('%s: %r is not an IPv4 address or a host name' % (option, value))
    try:
        infos = socket.getaddrinfo(value, WSD_PORT, socket.AF_INET, socket.SOCK_DGRAM)
    except (OSError, UnicodeError) as exc:
        raise DiscoveryError('%s: cannot resolve %r (%s)' % (option, value, exc)) from None
    return infos[0][4][0]


def parse_scopes(scopes):
    """ONVIF scopes -> ``{maker, model, name, location, mac}`` (None where the camera gave none).

    ``onvif://www.onvif.org/<key>/<value>``: name, hardware (model), location, MAC; the maker
    from a maker scope (MAKER_SCOPE_KEYS) or else the name scope. Values are URL-decoded.
    """
    found = {}
    for scope in scopes or []:
        if not scope.lower().startswith(SCOPE_PREFIX):
            continue
        key, sep, value = scope[len(SCOPE_PREFIX):].partition('/')
        value = unquote(value).strip().strip('/')
        if sep and value:
            found.setdefault(key.lower(), []).append(value)

    def first(keys):
        for key in keys:
            if found.get(key):
                return found[key][0]
        return None

    name = first(('name',))
    mac = first(quirks.MAC_SCOPE_KEYS)
    return {'maker': first(quirks.MAKER_SCOPE_KEYS) or name, 'model': first(('hardware',)), 'name': name,
            'location': first(('location',)), 'mac': normalise_mac(mac) if mac else None}


def _new_device(address):
    return {'address': address, 'port': None, 'xaddrs': [], 'endpoint': None, 'types': [], 'scopes': [],
            'maker': None, 'model': None, 'name': None, 'location': None, 'mac': None, 'found_by': [],
            'identity': None, 'identity_error': None, '_scheme': 'http'}


def _add_match(device, match):
    """Merge one ProbeMatch into a device entry (the first match fills the fields)."""
    if device['endpoint'] is None:
        device['endpoint'] = match['endpoint'] or None
        device['types'] = list(match['types'])
        device['scopes'] = list(match['scopes'])
        device['xaddrs'] = list(match['xaddrs'])
        for key, value in parse_scopes(match['scopes']).items():
            device[key] = device[key] or value


def _service_port(device, warnings):
    """The device's ONVIF port (and scheme) from its XAddrs: the one on the answering address, http first."""
    parsed = []
    for xaddr in device['xaddrs']:
        try:
            parsed.append(host_port(xaddr))
        except ValueError:
            continue
    ranked = sorted(parsed, key=lambda p: (p[1] != device['address'], p[0] != 'http'))
    if not ranked:
        return
    scheme, host, port = ranked[0]
    if host != device['address']:
        warnings.append('%s advertises its device service at %s; identity is read at %s:%d instead (the address that '
                        'answered)' % (device['address'], host, device['address'], port))
    device['port'], device['_scheme'] = port, scheme


class _Probe:
    """The UDP side: one socket for unicast, one for multicast, read until the deadline."""

    def __init__(self, targets, multicast_interface, clock):
        self.targets = list(targets)
        self.multicast_interface = multicast_interface
        self.clock = clock
        self.message_id, self.datagram = build_probe()
        self.sockets = {}
        self.pending = set(self.targets)
        self.answers = []  # (source address, via, matches)
        self.errors = []

    def open(self):
        if self.targets:
            self.sockets['unicast'] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if self.multicast_interface:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sockets['multicast'] = sock
            try:
                sock.bind((self.multicast_interface, 0))
            except OSError as exc:
                raise DiscoveryError('multicast_interface: %s is not an address of this host (%s)'
                                     % (self.multicast_interface, exc.strerror or exc)) from None
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(self.multicast_interface))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        for sock in self.sockets.values():
            sock.setblocking(False)
        return self

    def close(self):
        for sock in self.sockets.values():
            sock.close()

    def send(self):
        for target in sorted(self.pending):
            try:
                self.sockets['unicast'].sendto(self.datagram, (target, WSD_PORT))
            except OSError as exc:
                self.pending.discard(target)
                self.errors.append('%s: the WS-Discovery probe could not be sent (%s)' % (target, exc.strerror or exc))
        if 'multicast' in self.sockets:
            try:
                self.sockets['multicast'].sendto(self.datagram, (MULTICAST_GROUP, WSD_PORT))
            except OSError as exc:
                raise DiscoveryError('multicast_interface: the multicast probe could not be sent from %s (%s)'
                                     % (self.multicast_interface, exc.strerror or exc)) from None

    def done(self):
        return 'multicast' not in self.sockets and not self.pending

    def receive(self, until):
        """Read answers until ``until`` (monotonic seconds), or a short LINGER after done().

        Every wait is only the time remaining, so the deadline bounds the whole receive.
        """
        by_socket = dict((sock, via) for via, sock in self.sockets.items())
        lingering = False
        while True:
            if self.done() and not lingering:
                lingering = True
                until = min(until, self.clock() + LINGER)
            wait = until - self.clock()
            if wait <= 0:
                return
            readable = select.select(list(by_socket), [], [], wait)[0]
            for sock in readable:
                try:
                    payload, source = sock.recvfrom(MAX_DATAGRAM)
                except OSError:
                    continue
                try:
                    matches = parse_probe_matches(payload)
                except OnvifError:
                    continue  # not XML: not an answer to our probe
                if matches:
                    self.answers.append((source[0], by_socket[sock], matches))
                    self.pending.discard(source[0])


def probe_udp(targets, multicast_interface, deadline, clock=time.monotonic):
    """Send the Probes, resend once to the silent ones at a third of the time, collect answers until the deadline."""
    if not targets and not multicast_interface:
        return [], []
    probe = _Probe(targets, multicast_interface, clock).open()
    try:
        probe.send()
        resend_at = clock() + (deadline - clock()) / 3.0
        probe.receive(resend_at)
        if not probe.done() and clock() < deadline:
            probe.send()  # UDP may drop a datagram: SOAP-over-UDP repeats a probe
            probe.receive(deadline)
    finally:
        probe.close()
    return probe.answers, probe.errors


def _in_threads(items, work, deadline, clock):
    """Run ``work(item, deadline)`` for every item in daemon threads; return when all ended or at the deadline."""
    threads = []
    for item in items:
        thread = threading.Thread(target=work, args=(item, deadline))
        thread.daemon = True
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(max(0.0, deadline - clock()))


def probe_http(addresses, port, deadline, client_class=OnvifClient, clock=time.monotonic):
    """Anonymous GetSystemDateAndTime on each address: ``{address: 'clock'|'auth'|'fault'}`` for those that answered ONVIF.

    A reply that is not SOAP (a web server at that address), a refused connection or silence
    means nothing ONVIF answers there. Never signs a request, so it is never a failed login.
    """
    answered = {}
    lock = threading.Lock()

    def one(address, until):
        remaining = until - clock()
        if remaining <= 0:
            return
        client = None
        outcome = None
        try:
            client = client_class(hostname=address, password='', username='', port=port, timeout=remaining)
            client.call_anonymous('device', 'GetSystemDateAndTime')
            outcome = 'clock'
        except OnvifAuthError:
            outcome = 'auth'  # an ONVIF service that wants credentials even for its clock
        except OnvifFaultError:
            outcome = 'fault'
        except OnvifError:
            outcome = None
        finally:
            if client is not None:
                client.close()
        if outcome:
            with lock:
                answered[address] = outcome

    _in_threads(addresses, one, deadline, clock)
    with lock:
        return dict(answered)


def _read_one(device, params, until, client_class, clock):
    """``(identity, mac, error, note, answered)`` of one device; ``answered`` False when nothing ONVIF answered."""
    client = None
    try:
        client = client_class(hostname=device['address'], port=device['port'], username=params['username'],
                              password=params['password'], use_tls=device['_scheme'] == 'https',
                              validate_certs=params['validate_certs'], timeout=max(until - clock(), 0.1),
                              auth_mode=params['auth_mode'])
        identity = get_identity(client)
        try:
            primary = primary_interface(get_network_interfaces(client), device['address'])
        except OnvifError as exc:
            return (identity, None, None, '%s:%s: identity read, but not its MAC address (%s)'
                    % (device['address'], device['port'], exc), True)
        return (identity, (primary or {}).get('mac'), None, None, True)
    except (OnvifAuthError, OnvifFaultError) as exc:
        return (None, None, str(exc), None, True)  # an ONVIF service answered, and refused
    except OnvifError as exc:
        return (None, None, str(exc), None, False)  # refused, silent, or not ONVIF
    finally:
        if client is not None:
            client.close()


def _is_expected(identity, mac, params):
    serial = (identity or {}).get('serial_number') or ''
    if not params.get('expected_serial') or serial != params['expected_serial']:
        return False
    return not params.get('expected_mac') or normalise_mac(mac) == normalise_mac(params['expected_mac'])


def ask_directly(addresses, params, deadline, client_class=OnvifClient, clock=time.monotonic, warnings=None):
    """Read identity and MAC at every address at once; return the devices that answered ONVIF.

    Returns when the expected identity answered and GRACE passed (or everything else settled),
    when every address answered or refused, or at the deadline -- whichever comes first.
    """
    done = {}
    found_at = []
    cond = threading.Condition()

    connected = set()

    def one(address, until):
        device = _new_device(address)
        device['port'] = params['port']
        try:
            # Only to know that something lives there: such an address is heard out (see below).
            socket.create_connection((address, params['port']), max(until - clock(), 0.1)).close()
        except OSError:
            outcome = (None, None, None, None, False)
        else:
            with cond:
                connected.add(address)
            outcome = _read_one(device, params, until, client_class, clock)
        with cond:
            done[address] = (device, outcome)
            if not found_at and _is_expected(outcome[0], outcome[1], params):
                found_at.append(clock())
            cond.notify_all()

    for address in addresses:
        thread = threading.Thread(target=one, args=(address, deadline))
        thread.daemon = True
        thread.start()
    with cond:
        while len(done) < len(addresses):
            # Once the expected device answered, an address that accepted a connection is still
            # heard out (until the deadline); one that has not even connected gets GRACE.
            heard_out = any(a in connected for a in addresses if a not in done)
            until = min(deadline, found_at[0] + GRACE) if found_at and not heard_out else deadline
            wait = until - clock()
            if wait <= 0:
                break
            cond.wait(wait)
        finished = dict(done)
    devices = []
    for address in addresses:
        device, outcome = finished.get(address, (None, (None, None, None, None, False)))
        identity, mac, error, note, answered = outcome
        if not answered:
            continue
        device['identity'], device['identity_error'], device['mac'] = identity, error, mac
        device['found_by'] = ['direct']
        devices.append(device)
        if note and warnings is not None:
            warnings.append(note)
    return devices


def read_identities(devices, params, deadline, client_class=OnvifClient, clock=time.monotonic, warnings=None):
    """Fill identity and MAC of each device through OnvifClient (in parallel, until the deadline).

    Each thread only hands back its result; a device whose thread is still waiting at the
    deadline gets ``identity_error`` and is not touched afterwards. An identity that was read
    is kept when the MAC read fails afterwards (a warning in ``warnings`` says so).
    """
    results = {}
    lock = threading.Lock()

    def one(index, until):
        outcome = _read_one(devices[index], params, until, client_class, clock)
        with lock:
            results[index] = outcome[:4]

    _in_threads(range(len(devices)), one, deadline, clock)
    with lock:
        finished = dict(results)
    for index, device in enumerate(devices):
        identity, mac, error, note = finished.get(index, (None, None, 'no answer within the timeout', None))
        device['identity'], device['identity_error'] = identity, error
        device['mac'] = mac or device['mac']
        if note and warnings is not None:
            warnings.append(note)


def validate(params):
    """Check the options; return ``(unicast targets, factory targets, multicast interface)`` (IPv4 strings)."""
    if not (params['addresses'] or params['factory_addresses'] or params['multicast_interface']):
        raise DiscoveryError('give at least one of addresses, factory_addresses or multicast_interface')
    if params['timeout'] <= 0:
        raise DiscoveryError('timeout: must be a positive number of seconds, not %r' % params['timeout'])
    if not 0 < params['port'] < 65536:
        raise DiscoveryError('port: %r is not a TCP port (1 to 65535)' % params['port'])
    direct = params.get('direct')
    if direct and not (params['username'] and params['password']):
        raise DiscoveryError('direct: needs username and password (the direct asks read identity and MAC)')
    for option in ('expected_serial', 'expected_mac'):
        if params.get(option) and not direct:
            raise DiscoveryError('%s: only with direct (it ends the direct asks early)' % option)
    interface = params['multicast_interface']
    if interface is not None:
        try:
            interface = str(ipaddress.IPv4Address(interface.strip()))
        except ValueError:
            raise DiscoveryError('multicast_interface: %r is not an IPv4 address (give the address of the controller on '
                                 'the camera network)' % interface) from None
    unicast = [resolve('addresses', a) for a in params['addresses']]
    factory = [resolve('factory_addresses', a) for a in params['factory_addresses']]
    return unicast, factory, interface


def _device_key(source, match):
    """A device is its endpoint reference and XAddrs; the source address only when it gives neither."""
    if match['endpoint'] or match['xaddrs']:
        return (match['endpoint'] or None, tuple(match['xaddrs']))
    return ('source', source)


def _sort_key(device):
    return (ipaddress.IPv4Address(device['address']), device['port'] or 0, device['endpoint'] or '')


def discover(params, client_class=OnvifClient, clock=time.monotonic):
    """Run the probes asked for, then read identities. Return ``(devices, not_found, warnings)``.

    Everything ends within ``params['timeout']`` seconds: the probes (earlier when every address
    answered and multicast is off) take at most half of it when identities are to be read, the
    identity reads what is left.
    """
    unicast, factory, interface = validate(params)
    started = clock()
    deadline = started + params['timeout']
    identities = bool(params['username'] and params['password'])
    probe_deadline = started + params['timeout'] / 2.0 if identities else deadline
    warnings = []
    if params.get('direct'):
        targets = sorted(set(unicast + factory), key=ipaddress.IPv4Address)
        found = ask_directly(targets, params, deadline, client_class, clock, warnings)
        if found or not (targets or interface):
            return _finish(found, params, unicast, factory), _not_found(found, params, unicast, factory), warnings
        # Nothing answered directly: the probes (and identity reads) get what is left of the timeout.
        started = clock()
        deadline = max(deadline, started + 0.1)
        probe_deadline = started + (deadline - started) / 2.0
    http = {}
    http_thread = None
    if factory:
        def run_http():
            http.update(probe_http(sorted(set(factory)), params['port'], probe_deadline, client_class, clock))
        http_thread = threading.Thread(target=run_http)
        http_thread.daemon = True
        http_thread.start()
    targets = sorted(set(unicast + factory), key=ipaddress.IPv4Address)
    answers, errors = probe_udp(targets, interface, probe_deadline, clock)
    warnings.extend(errors)
    if http_thread is not None:
        http_thread.join(max(0.0, probe_deadline - clock()))

    devices = {}
    for source, via, matches in answers:
        for match in matches:
            device = devices.setdefault(_device_key(source, match), _new_device(source))
            _add_match(device, match)
            if via not in device['found_by']:
                device['found_by'].append(via)
    found = list(devices.values())
    for device in found:
        _service_port(device, warnings)
        if device['port'] is None:
            device['port'] = params['port']
    for address, dummy in sorted(dict(http).items()):
        here = [d for d in found if d['address'] == address]
        same_port = [d for d in here if d['port'] == params['port']]
        target = same_port[0] if same_port else (here[0] if len(here) == 1 else None)
        if target is None:
            target = _new_device(address)
            target['port'] = params['port']
            found.append(target)
        target['found_by'].append('http')
    found.sort(key=_sort_key)
    for device in found:
        device['found_by'] = [v for v in FOUND_BY if v in device['found_by']]

    if identities and found:
        read_identities(found, params, deadline, client_class, clock, warnings)
    return _finish(found, params, unicast, factory), _not_found(found, params, unicast, factory), warnings


def _finish(found, params, unicast, factory):
    for device in found:
        device.pop('_scheme', None)
    return found


def _not_found(found, params, unicast, factory):
    seen = set(d['address'] for d in found)
    asked = list(params['addresses']) + list(params['factory_addresses'])
    not_found = []
    for name, address in zip(asked, unicast + factory):
        if address not in seen and name not in not_found:
            not_found.append(name)
    return not_found
