# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""WS-Discovery and factory-address probing behind onvif_discovery.

A tiny WS-Discovery responder (:class:`Responder`, UDP 3702 on a random loopback address of
127.250.0.0-127.254.255.255) stands for a camera; the module tests load it with :func:`load`.
Nothing is sent outside 127.0.0.0/8 and no multicast is sent here.
"""

from __future__ import annotations

import importlib.util
import os
import random
import socket
import threading
import time

import pytest
from lxml import etree

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import discovery

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('onvif_fakecam', os.path.join(HERE, 'test_onvif_fakecam.py'))
fakecam = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fakecam)

NS = {'s': 'http://www.w3.org/2003/05/soap-envelope', 'a': 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
      'd': 'http://schemas.xmlsoap.org/ws/2005/04/discovery'}

MATCHES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
    ' xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"'
    ' xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Header><wsa:MessageID>urn:uuid:reply</wsa:MessageID>'
    '<wsa:RelatesTo>%(relates)s</wsa:RelatesTo></env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>'
    '<wsa:EndpointReference><wsa:Address>%(endpoint)s</wsa:Address></wsa:EndpointReference>'
    '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>%(scopes)s </d:Scopes>'
    '<d:XAddrs>%(xaddrs)s</d:XAddrs><d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches>'
    '</env:Body></env:Envelope>'
)
SCOPES = ('onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming '
          'onvif://www.onvif.org/MAC/44-19-B6-01-02-03 onvif://www.onvif.org/hardware/DS-2CD2043G2-I '
          'onvif://www.onvif.org/name/HIKVISION onvif://www.onvif.org/location/city/semarang')


def load():
    """This module, for the module tests (pytest runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location('onvif_discovery_helpers', os.path.abspath(__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Responder:
    """Answers WS-Discovery Probes on UDP <random loopback address>:3702.

    ``ignore`` Probes are dropped first (to test the resend), ``garbage`` sends a non-XML
    datagram before each answer, ``silent`` never answers; ``xaddrs`` is the device service
    URL it announces (default: its own address, port 80).
    """

    def __init__(self, ignore=0, garbage=False, silent=False, xaddrs=None, scopes=SCOPES, others=()):
        self.others = list(others)  # (endpoint, xaddrs) of more devices answering from the same address
        self.ignore = ignore
        self.garbage = garbage
        self.silent = silent
        self.scopes = scopes
        self.probes = []
        rng = random.Random()
        for dummy in range(50):
            self.address = '127.%d.%d.%d' % (rng.randrange(250, 255), rng.randrange(0, 256), rng.randrange(1, 255))
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                self.sock.bind((self.address, discovery.WSD_PORT))
                break
            except OSError:
                self.sock.close()
        else:
            pytest.skip('no free loopback address for UDP 3702')
        self.xaddrs = xaddrs or 'http://%s/onvif/device_service' % self.address
        self.endpoint = 'urn:uuid:00000000-0000-4000-8000-%012d' % rng.randrange(10 ** 12)
        self.sock.settimeout(0.05)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join(2)
        self.sock.close()

    def _serve(self):
        while self.running:
            try:
                data, source = self.sock.recvfrom(65535)
            except (socket.timeout, OSError):
                continue
            self.probes.append(data)
            if self.silent or len(self.probes) <= self.ignore:
                continue
            if self.garbage:
                self.sock.sendto(b'<not xml', source)
            message_id = etree.fromstring(data).findtext('s:Header/a:MessageID', namespaces=NS)
            reply = MATCHES % {'relates': message_id, 'endpoint': self.endpoint, 'scopes': self.scopes, 'xaddrs': self.xaddrs}
            self.sock.sendto(reply.encode(), source)
            for endpoint, xaddrs in self.others:
                reply = MATCHES % {'relates': message_id, 'endpoint': endpoint, 'scopes': self.scopes, 'xaddrs': xaddrs}
                self.sock.sendto(reply.encode(), source)


def free_loopback():
    """A loopback address where nothing listens on UDP 3702 (a silent 'camera')."""
    with Responder(silent=True) as silent:
        address = silent.address
    return address


# ------------------------------------------------------------------------------- messages --
def test_probe_is_a_ws_discovery_2005_04_probe_for_video_transmitters():
    message_id, data = discovery.build_probe()
    root = etree.fromstring(data)
    assert root.findtext('s:Header/a:MessageID', namespaces=NS) == message_id and message_id.startswith('urn:uuid:')
    assert root.findtext('s:Header/a:Action', namespaces=NS) == 'http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe'
    assert root.findtext('s:Header/a:To', namespaces=NS) == 'urn:schemas-xmlsoap-org:ws:2005:04:discovery'
    types = root.find('s:Body/d:Probe/d:Types', NS)
    assert types.text == 'dn:NetworkVideoTransmitter' and types.nsmap['dn'] == 'http://www.onvif.org/ver10/network/wsdl'
    assert discovery.build_probe()[0] != message_id


@pytest.mark.parametrize('scopes,expected', [
    (SCOPES.split(), {'maker': 'HIKVISION', 'model': 'DS-2CD2043G2-I', 'name': 'HIKVISION', 'location': 'city/semarang',
                      'mac': '44:19:b6:01:02:03'}),
    # dvc-dcn-bm2220lpr: an empty location scope
    (['onvif://www.onvif.org/hardware/DCN-BM2220LPR', 'onvif://www.onvif.org/location/', 'onvif://www.onvif.org/name/DVC'],
     {'maker': 'DVC', 'model': 'DCN-BM2220LPR', 'name': 'DVC', 'location': None, 'mac': None}),
    # hikvision-dfi6256te: no name scope, and a scope that is not an onvif:// one
    (['onvif://www.onvif.org/hardware/DFI6256TE', 'http:123', 'onvif://www.onvif.org/MAC/68:6d:bc:5c:b1:5d'],
     {'maker': None, 'model': 'DFI6256TE', 'name': None, 'location': None, 'mac': '68:6d:bc:5c:b1:5d'}),
    # URL-encoded values (the simulator's Axis), a maker scope beside a renamed camera
    (['onvif://www.onvif.org/hardware/AXIS%20Q6045-E', 'onvif://www.onvif.org/name/Ruang%20Server%201',
      'onvif://www.onvif.org/mfr/AXIS'],
     {'maker': 'AXIS', 'model': 'AXIS Q6045-E', 'name': 'Ruang Server 1', 'location': None, 'mac': None}),
    ([], {'maker': None, 'model': None, 'name': None, 'location': None, 'mac': None}),
])
def test_parse_scopes(scopes, expected):
    assert discovery.parse_scopes(scopes) == expected


# ----------------------------------------------------------------------------- validation --
@pytest.fixture
def no_dns(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError('a DNS lookup was attempted: %r' % (args,))
    monkeypatch.setattr(socket, 'getaddrinfo', refuse)


def options(**extra):
    result = {'addresses': [], 'factory_addresses': [], 'multicast_interface': None, 'port': 80, 'timeout': 3,
              'username': None, 'password': None, 'auth_mode': 'auto', 'validate_certs': True}
    result.update(extra)
    return result


@pytest.mark.parametrize('extra,message', [
    ({}, 'give at least one of addresses, factory_addresses or multicast_interface'),
    ({'addresses': ['127.0.0.300']}, "addresses: '127.0.0.300' is not an IPv4 address or a host name"),
    ({'factory_addresses': ['not a name']}, "factory_addresses: 'not a name' is not an IPv4 address or a host name"),
    ({'addresses': ['::1']}, "addresses: '::1' is not an IPv4 address or a host name"),
    ({'multicast_interface': 'eth0'}, "multicast_interface: 'eth0' is not an IPv4 address"),
    ({'addresses': ['127.0.0.1'], 'timeout': 0}, 'timeout: must be a positive number of seconds, not 0'),
    ({'addresses': ['127.0.0.1'], 'port': 0}, 'port: 0 is not a TCP port'),
])
def test_validate_names_the_option_without_dns(no_dns, extra, message):
    with pytest.raises(discovery.DiscoveryError) as exc:
        discovery.validate(options(**extra))
    assert str(exc.value).startswith(message)


def test_host_names_are_resolved_to_ipv4(monkeypatch):
    monkeypatch.setattr(socket, 'getaddrinfo', lambda *a, **k: [(socket.AF_INET, socket.SOCK_DGRAM, 17, '', ('127.0.9.9', 3702))])
    assert discovery.validate(options(addresses=['cam-1.example'], multicast_interface=' 127.0.0.1 ')) == (
        ['127.0.9.9'], [], '127.0.0.1')


def test_package_exports_discovery():
    assert _onvif.discovery is discovery and issubclass(_onvif.DiscoveryError, _onvif.OnvifError)


# ------------------------------------------------------------------------------ UDP probe --
def test_unicast_probe_returns_as_soon_as_every_address_answered():
    with Responder() as one, Responder(garbage=True) as two:
        started = time.monotonic()
        answers, errors = discovery.probe_udp([one.address, two.address], None, started + 3)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 and errors == []
    assert sorted(a[0] for a in answers) == sorted([one.address, two.address])
    assert all(via == 'unicast' for dummy, via, dummy2 in answers)
    match = [m for a, v, m in answers if a == one.address][0][0]
    assert match['endpoint'] == one.endpoint and match['xaddrs'] == [one.xaddrs]
    assert 'onvif://www.onvif.org/name/HIKVISION' in match['scopes']


def test_unicast_probe_is_bounded_by_the_deadline():
    silent = free_loopback()
    started = time.monotonic()
    answers, errors = discovery.probe_udp([silent], None, started + 1)
    elapsed = time.monotonic() - started
    assert answers == [] and errors == []
    assert 0.9 <= elapsed < 1.4


def test_unicast_probe_is_sent_again_to_the_silent():
    with Responder(ignore=1) as late:
        started = time.monotonic()
        answers, dummy = discovery.probe_udp([late.address], None, started + 1.5)
    assert [a[0] for a in answers] == [late.address]
    assert len(late.probes) == 2  # the first was dropped, the second answered


# ------------------------------------------------------------------- factory-address probe --
def test_http_probe_finds_what_speaks_onvif_only():
    html = (200, '<html><head><title>nginx</title></head></html>', 'text/html')
    locked = (401, fakecam.NOT_AUTHORIZED, 'application/soap+xml')
    with fakecam.FakeCamera() as camera, fakecam.FakeCamera(responses={'GetSystemDateAndTime': html}) as web, \
            fakecam.FakeCamera(responses={'GetSystemDateAndTime': locked}) as strict:
        found = {}
        for cam in (camera, web, strict):
            found[cam.port] = discovery.probe_http(['127.0.0.1'], cam.port, time.monotonic() + 3).get('127.0.0.1')
    assert found == {camera.port: 'clock', web.port: None, strict.port: 'auth'}
    # never signed: no credentials in any request
    assert all(r['wsse'] is None and 'Authorization' not in r['headers'] for r in camera.requests + strict.requests)


def test_http_probe_is_bounded():
    def slow(req):
        time.sleep(3)
        return 200, '', 'text/plain'

    with fakecam.FakeCamera(responses={'GetSystemDateAndTime': slow}) as cam:
        started = time.monotonic()
        assert discovery.probe_http(['127.0.0.1'], cam.port, started + 1) == {}
        assert time.monotonic() - started < 1.5


# ------------------------------------------------------------------------------- identity --
def device(port, address='127.0.0.1'):
    return {'address': address, 'port': port, '_scheme': 'http', 'mac': None, 'identity': None, 'identity_error': None}


def test_identities_are_read_in_parallel_within_the_deadline():
    def slow(req):
        time.sleep(3)
        return 200, '', 'text/plain'

    params = options(username='admin', password='s3cret-Pa55')
    with fakecam.FakeCamera() as good, fakecam.FakeCamera(password='other') as locked, \
            fakecam.FakeCamera(responses={'GetDeviceInformation': slow}) as stuck:
        devices = [device(good.port), device(locked.port), device(stuck.port)]
        started = time.monotonic()
        discovery.read_identities(devices, params, started + 1)
        elapsed = time.monotonic() - started
    assert elapsed < 1.6
    assert devices[0]['identity']['serial_number'] == 'FC1-0001' and devices[0]['mac'] == 'ac:cc:8e:01:02:03'
    assert devices[0]['identity_error'] is None
    assert devices[1]['identity'] is None and "refused the credentials of user 'admin'" in devices[1]['identity_error']
    assert devices[2]['identity'] is None and devices[2]['identity_error']
    assert 's3cret-Pa55' not in repr(devices)


def test_identity_is_kept_when_the_mac_read_fails():
    """Case 7: the identity read first is not thrown away when GetNetworkInterfaces fails afterwards."""
    not_implemented = (500, fakecam.fault(), 'application/soap+xml')
    params = options(username='admin', password='s3cret-Pa55')
    with fakecam.FakeCamera(responses={'GetNetworkInterfaces': not_implemented}) as cam:
        devices = [device(cam.port)]
        devices[0]['mac'] = '44:19:b6:01:02:03'  # from a MAC scope
        warnings = []
        discovery.read_identities(devices, params, time.monotonic() + 2, warnings=warnings)
    assert devices[0]['identity']['serial_number'] == 'FC1-0001' and devices[0]['identity_error'] is None
    assert devices[0]['mac'] == '44:19:b6:01:02:03'
    assert any('GetNetworkInterfaces' in w and 'MAC' in w for w in warnings)


def test_two_devices_behind_one_source_address_are_both_kept():
    """Case 13: two ProbeMatches from one source address (different endpoint references and ports) are two devices."""
    with Responder() as first:
        other = ('urn:uuid:00000000-0000-4000-8000-00000000beef', 'http://%s:8081/onvif/device_service' % first.address)
        first.others.append(other)
        devices, not_found, warnings = discovery.discover(options(addresses=[first.address], timeout=1))
    assert not_found == []
    assert sorted((d['endpoint'], d['port']) for d in devices) == sorted([(first.endpoint, 80), (other[0], 8081)])
    assert all(d['address'] == first.address for d in devices)


def test_timeout_bounds_the_whole_discovery():
    """Case 15: ``timeout`` bounds probing and the identity reads together, not each of them."""
    def slow(req):
        time.sleep(3)
        return 200, '', 'text/plain'

    with Responder() as answering, fakecam.FakeCamera(responses={'GetDeviceInformation': slow}) as stuck:
        params = options(addresses=[answering.address], factory_addresses=['127.0.0.1'], port=stuck.port, timeout=1,
                         username='admin', password='s3cret-Pa55')
        started = time.monotonic()
        devices, not_found, warnings = discovery.discover(params)
        elapsed = time.monotonic() - started
    assert elapsed < 1.4, elapsed
    assert [d for d in devices if d['address'] == '127.0.0.1'][0]['identity_error']


# --------------------------------------------------------------------------- all together --
def test_discover_merges_unicast_and_http_and_lists_the_silent(monkeypatch):
    silent = free_loopback()
    with Responder(xaddrs='http://192.0.2.1:8080/onvif/device_service') as answering, fakecam.FakeCamera() as cam:
        params = options(addresses=[answering.address, silent], factory_addresses=['127.0.0.1'], port=cam.port, timeout=1,
                         username='admin', password='s3cret-Pa55')
        started = time.monotonic()
        devices, not_found, warnings = discovery.discover(params)
        elapsed = time.monotonic() - started
    assert not_found == [silent]
    assert elapsed < 1.4  # probes and identities within the one timeout (case 15)
    by_address = dict((d['address'], d) for d in devices)
    assert list(by_address) == sorted(by_address, key=lambda a: tuple(int(p) for p in a.split('.')))
    http_only = by_address['127.0.0.1']
    assert http_only['found_by'] == ['http'] and http_only['port'] == cam.port and http_only['scopes'] == []
    assert http_only['identity']['serial_number'] == 'FC1-0001' and http_only['mac'] == 'ac:cc:8e:01:02:03'
    wsd = by_address[answering.address]
    assert wsd['found_by'] == ['unicast'] and wsd['maker'] == 'HIKVISION' and wsd['model'] == 'DS-2CD2043G2-I'
    assert wsd['endpoint'] == answering.endpoint and wsd['mac'] == '44:19:b6:01:02:03'
    assert wsd['port'] == 8080 and wsd['identity'] is None and wsd['identity_error']  # nothing listens there
    # the XAddr named another host: it was not contacted, and the warning says so
    assert warnings == ['%s advertises its device service at 192.0.2.1; identity is read at %s:8080 instead (the address '
                        'that answered)' % (answering.address, answering.address)]
    assert set(wsd) == {'address', 'port', 'xaddrs', 'endpoint', 'types', 'scopes', 'maker', 'model', 'name', 'location',
                        'mac', 'found_by', 'identity', 'identity_error'}


# ------------------------------------------------------------------ direct asks (issue 11) --
def _hanging(address, port):
    """A TCP listener at address:port that accepts and never answers (a device that is slow to reply)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((address, port))
    sock.listen(4)
    return sock


def test_direct_returns_as_soon_as_the_expected_identity_answered():
    """Issue 11 case 3: no blind wait -- the camera answered, a silent address does not hold the module."""
    silent = free_loopback()
    with fakecam.FakeCamera() as cam:
        params = options(addresses=['127.0.0.1', silent], factory_addresses=['127.0.0.1', silent], port=cam.port, timeout=3,
                         username='admin', password='s3cret-Pa55', direct=True, expected_serial='FC1-0001',
                         expected_mac='AC:CC:8E:01:02:03')
        started = time.monotonic()
        devices, not_found, warnings = discovery.discover(params)
        elapsed = time.monotonic() - started
    assert elapsed < 0.9, elapsed
    assert [(d['address'], d['found_by'], d['identity']['serial_number'], d['mac']) for d in devices] == [
        ('127.0.0.1', ['direct'], 'FC1-0001', 'ac:cc:8e:01:02:03')]
    assert not_found == [silent] and warnings == []


def test_direct_does_not_wait_for_an_address_where_nothing_connects(monkeypatch):
    """An address that does not even accept a connection (an ARP timeout on a real network) gets GRACE only."""
    silent = free_loopback()
    real = socket.create_connection

    def connect(address, timeout=None, *args):
        if address[0] == silent:
            time.sleep(timeout)
            raise socket.timeout('timed out')
        return real(address, timeout, *args)

    monkeypatch.setattr(discovery.socket, 'create_connection', connect)
    with fakecam.FakeCamera() as cam:
        params = options(addresses=['127.0.0.1', silent], port=cam.port, timeout=3, username='admin',
                         password='s3cret-Pa55', direct=True, expected_serial='FC1-0001')
        started = time.monotonic()
        devices, not_found, warnings = discovery.discover(params)
        elapsed = time.monotonic() - started
    assert elapsed < 0.9, elapsed
    assert [d['address'] for d in devices] == ['127.0.0.1'] and not_found == [silent]


def test_direct_hears_out_an_address_that_accepted_a_connection():
    """Something lives there (it accepted the connection): it is heard out, up to the timeout, to spot a stranger."""
    silent = free_loopback()
    with fakecam.FakeCamera() as cam:
        hung = _hanging(silent, cam.port)
        try:
            params = options(addresses=['127.0.0.1', silent], port=cam.port, timeout=1, username='admin',
                             password='s3cret-Pa55', direct=True, expected_serial='FC1-0001')
            started = time.monotonic()
            devices, not_found, warnings = discovery.discover(params)
            elapsed = time.monotonic() - started
        finally:
            hung.close()
    assert 0.8 < elapsed < 1.4, elapsed
    assert [d['address'] for d in devices] == ['127.0.0.1'] and not_found == [silent]


def test_direct_waits_for_every_address_that_answers_without_an_expected_identity():
    """Without an expected identity every address is heard (or refuses), still without a probe timeout."""
    silent = free_loopback()
    with fakecam.FakeCamera() as cam, fakecam.FakeCamera(password='other') as other:
        assert other.port != cam.port
        params = options(addresses=['127.0.0.1', silent], port=cam.port, timeout=3, username='admin',
                         password='s3cret-Pa55', direct=True)
        started = time.monotonic()
        devices, not_found, warnings = discovery.discover(params)
        elapsed = time.monotonic() - started
    assert elapsed < 0.9, elapsed
    assert [d['address'] for d in devices] == ['127.0.0.1'] and not_found == [silent]


def test_direct_reports_another_device_that_answers():
    """A device that is not the expected one is reported, with its identity (locate refuses such a stranger)."""
    with fakecam.FakeCamera() as cam:
        params = options(addresses=['127.0.0.1'], port=cam.port, timeout=3, username='admin', password='s3cret-Pa55',
                         direct=True, expected_serial='NOT-THIS-ONE')
        devices, not_found, warnings = discovery.discover(params)
    assert [(d['found_by'], d['identity']['serial_number']) for d in devices] == [(['direct'], 'FC1-0001')]


def test_direct_probes_only_when_nothing_answered_directly():
    with Responder() as answering:
        params = options(addresses=[answering.address], port=helper_port(), timeout=2, username='admin',
                         password='s3cret-Pa55', direct=True, expected_serial='FC1-0001')
        devices, not_found, warnings = discovery.discover(params)
    assert [(d['address'], d['found_by']) for d in devices] == [(answering.address, ['unicast'])]
    assert len(answering.probes) >= 1


def test_direct_needs_credentials():
    with pytest.raises(discovery.DiscoveryError, match='direct: needs username and password'):
        discovery.discover(options(addresses=['127.0.0.1'], direct=True))
    with pytest.raises(discovery.DiscoveryError, match='expected_serial: only with direct'):
        discovery.discover(options(addresses=['127.0.0.1'], expected_serial='X'))


def helper_port():
    """A TCP port where nothing listens on loopback."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
