# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The network writers and the safe address change (``_onvif/network.py``), against a fake network.

:class:`FakeNetwork` holds fake cameras by address; :class:`FakeClient` stands in for
OnvifClient (same ``call``/``get_system_date_and_time``/``refresh_clock`` interface, replies as
the client's plain data) and records every request. Like a real camera, a fake camera refuses
signed requests whose time is more than 5 minutes from its own clock, so a job that forgets to
re-read the clock after changing it fails here too. ``test_onvif_camera_ip.py`` loads this file
with :func:`load`.
"""

from __future__ import annotations

import datetime
import os
import socket
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import PlanError, who_answers
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import network
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.clock import parse_system_date_and_time
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifConnectionError, OnvifError, OnvifFaultError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.network import (
    AddressTakenError, CameraIpJob, CameraLostError, NetworkChangeError, OtherDeviceError, Plan,
)

PASSWORD = 'Cam-Pa55word'


def load():
    """This module, for other test files (pytest runs with --import-mode=importlib)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('onvif_network_fake', os.path.abspath(__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fault(op, subcode='ter:InvalidArgVal', reason='the parameter value is illegal'):
    return OnvifFaultError({'code': 'env:Sender', 'subcodes': [subcode], 'reason': reason, 'detail': ''}, operation=op)


# -------------------------------------------------------------------------- the fake --
class FakeCamera:
    """One camera's state. ``faults`` maps an operation to an exception it raises."""

    def __init__(self, address='127.0.10.10', prefix=24, serial='SN-0001', mac='ac:cc:8e:00:00:01', manufacturer='HIKVISION',
                 clock_offset=0.0, dhcp=False, dhcp_address=None, gateway=('127.0.10.1',), dns=('127.0.10.53',), ntp=('ntp.example.org',),
                 hostname='cam-factory', timezone='CST-8:00:00', date_time_type='Manual', reboot_needed=True, reboot_delay=0.15,
                 never_return=False, apply_on_reboot=True, faults=None, missing=(), ignored=(), empty=(), set_reply='default',
                 show_pending=False):
        self.address, self.prefix, self.serial, self.mac, self.manufacturer = address, prefix, serial, mac, manufacturer
        self.clock_offset, self.dhcp, self.dhcp_address = clock_offset, dhcp, dhcp_address
        self.gateway, self.gateway6 = list(gateway), []
        self.dns = {'from_dhcp': False, 'manual': list(dns), 'search': ['example.org']}
        self.ntp = {'from_dhcp': False, 'manual': list(ntp)}
        self.hostname, self.timezone, self.date_time_type = hostname, timezone, date_time_type
        self.reboot_needed, self.reboot_delay, self.never_return, self.apply_on_reboot = reboot_needed, reboot_delay, never_return, apply_on_reboot
        self.faults = dict(faults or {})
        self.missing = set(missing)  # operations answered with ActionNotSupported
        self.ignored = set(ignored)  # Set operations answered with an empty reply that change nothing
        self.empty = set(empty)      # Get operations answered with an empty response element (None)
        self.set_reply = set_reply   # SetNetworkInterfaces: 'default' (RebootNeeded), or this reply as is
        self.show_pending = show_pending  # GetNetworkInterfaces shows a pending (not live) change
        self.pending = None
        self.down_until = None
        self.dead = False
        self.reboots = 0

    def now(self):
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.clock_offset)

    def apply_pending(self):
        pending, self.pending = self.pending, None
        if pending:
            self.dhcp = pending['dhcp']
            if self.dhcp:
                self.address = self.dhcp_address or self.address
            else:
                self.address, self.prefix = pending['address'], pending['prefix']


class FakeNetwork:
    """Cameras by address, every request made (``calls``: (host, operation, params)) and occupied addresses."""

    def __init__(self, *cameras, squatters=None):
        self.cameras = list(cameras)
        self.calls = []
        self.squatters = dict(squatters or {})  # address -> what answers there
        self.checked = []                       # who_answers calls: (address, ports)
        self.clients = []

    def at(self, host):
        for camera in self.cameras:
            if camera.down_until is not None and time.monotonic() >= camera.down_until:
                camera.down_until = None
                if camera.apply_on_reboot:
                    camera.apply_pending()
                camera.dead = camera.never_return
            if camera.address == host and camera.down_until is None and not camera.dead:
                return camera
        return None

    def connect(self, host, timeout=None, password=PASSWORD):
        client = FakeClient(self, host, password, timeout)
        self.clients.append(client)
        return client

    def who_answers(self, address, ports, timeout=1.0, refused_means_taken=False, methods=('tcp',)):
        self.checked.append((address, list(ports)))
        self.methods = list(methods)
        if address in self.squatters:
            return '%s:%d answers (%s)' % (address, ports[0], self.squatters[address])
        return None

    def ops(self, host=None):
        return [op for h, op, dummy in self.calls if host is None or h == host]

    def writes(self):
        return [op for op in self.ops() if not op.startswith('Get')]


def _host(value):
    if any(c.isalpha() for c in value) and ':' not in value:
        return {'Type': 'DNS', 'DNSname': value}
    return {'Type': 'IPv4', 'IPv4Address': value}


class FakeClient:
    """Stands in for OnvifClient: one host, replies as plain data, errors as the client raises them."""

    def __init__(self, net, host, password, timeout):
        self.net, self.hostname, self.password, self.timeout = net, host, password, timeout
        self.port = 8000
        self.device = '%s:%d' % (host, self.port)
        self.warnings = []
        self.offset = None
        self.closed = False

    def warn(self, text):
        if text not in self.warnings:
            self.warnings.append(text)

    def close(self):
        self.closed = True

    def _camera(self, op):
        camera = self.net.at(self.hostname)
        if camera is None:
            raise OnvifConnectionError('connection refused (nothing listens on port %d)' % self.port, self.device, op)
        return camera

    def get_system_date_and_time(self):
        camera = self._camera('GetSystemDateAndTime')
        self.net.calls.append((self.hostname, 'GetSystemDateAndTime', {}))
        now = camera.now()
        clock = parse_system_date_and_time({
            'DateTimeType': camera.date_time_type, 'DaylightSavings': False, 'TimeZone': {'TZ': camera.timezone},
            'UTCDateTime': {'Date': {'Year': now.year, 'Month': now.month, 'Day': now.day},
                            'Time': {'Hour': now.hour, 'Minute': now.minute, 'Second': now.second}}})
        self.offset = camera.clock_offset
        clock['offset_seconds'] = int(round(camera.clock_offset))
        return clock

    def refresh_clock(self):
        return self.get_system_date_and_time()

    def call(self, service, op, **params):
        camera = self._camera(op)
        self.net.calls.append((self.hostname, op, params))
        if self.offset is None:  # the real client reads the clock before the first signed request
            self.get_system_date_and_time()
        if self.password != PASSWORD or abs(self.offset - camera.clock_offset) > 300:
            raise OnvifAuthError("the camera refused the credentials of user 'admin' (tried WS-Security UsernameToken): "
                                 "SOAP fault ter:NotAuthorized (Sender not Authorized)", self.device, op)
        if op in camera.faults:
            raise camera.faults[op].add_context(self.device, op)
        if op in camera.missing:
            raise fault(op, 'ter:ActionNotSupported', 'Optional Action Not Implemented').add_context(self.device, op)
        if op in camera.ignored or op in camera.empty:
            return None
        return getattr(self, 'op_' + op)(camera, **params)

    # reads
    def op_GetDeviceInformation(self, cam):
        return {'Manufacturer': cam.manufacturer, 'Model': 'FAKE-1', 'FirmwareVersion': '1.0', 'SerialNumber': cam.serial, 'HardwareId': '1'}

    def op_GetServices(self, cam, **params):
        return []

    def op_GetNetworkInterfaces(self, cam):
        entry = {'Address': cam.address, 'PrefixLength': cam.prefix}
        dhcp, manual = cam.dhcp, [] if cam.dhcp else [entry]
        if cam.show_pending and cam.pending:
            dhcp = cam.pending['dhcp']
            manual = [] if dhcp else [{'Address': cam.pending['address'], 'PrefixLength': cam.pending['prefix']}]
        return [{'token': 'eth0', 'Enabled': True, 'Info': {'Name': 'eth0', 'HwAddress': cam.mac.upper(), 'MTU': 1500},
                 'IPv4': {'Enabled': True, 'Config': {'Manual': manual, 'FromDHCP': entry if cam.dhcp else None,
                                                      'LinkLocal': None, 'DHCP': dhcp}}, 'IPv6': None}]

    def op_GetNetworkDefaultGateway(self, cam):
        return {'IPv4Address': list(cam.gateway), 'IPv6Address': list(cam.gateway6)}

    def op_GetDNS(self, cam):
        return {'FromDHCP': cam.dns['from_dhcp'], 'SearchDomain': list(cam.dns['search']),
                'DNSFromDHCP': [_host('127.0.10.1')] if cam.dns['from_dhcp'] else [], 'DNSManual': [_host(s) for s in cam.dns['manual']]}

    def op_GetNTP(self, cam):
        return {'FromDHCP': cam.ntp['from_dhcp'], 'NTPFromDHCP': [], 'NTPManual': [_host(s) for s in cam.ntp['manual']]}

    def op_GetHostname(self, cam):
        return {'FromDHCP': False, 'Name': cam.hostname}

    def op_GetNetworkProtocols(self, cam):
        return [{'Name': 'HTTP', 'Enabled': True, 'Port': [8000]}]

    # writes
    def op_SetNTP(self, cam, FromDHCP, NTPManual):
        cam.ntp = {'from_dhcp': FromDHCP, 'manual': [h.get('DNSname') or h.get('IPv4Address') or h.get('IPv6Address') for h in NTPManual]}

    def op_SetDNS(self, cam, FromDHCP, SearchDomain, DNSManual):
        cam.dns = {'from_dhcp': FromDHCP, 'search': SearchDomain, 'manual': [h.get('IPv4Address') or h.get('IPv6Address') for h in DNSManual]}

    def op_SetHostname(self, cam, Name):
        cam.hostname = Name

    def op_SetNetworkDefaultGateway(self, cam, IPv4Address, IPv6Address):
        cam.gateway, cam.gateway6 = IPv4Address, IPv6Address

    def op_SetSystemDateAndTime(self, cam, DateTimeType, DaylightSavings, TimeZone=None, UTCDateTime=None):
        cam.date_time_type = DateTimeType
        if TimeZone:
            cam.timezone = TimeZone['TZ']
        if DateTimeType == 'NTP':
            cam.clock_offset = 0.0
        elif UTCDateTime:
            d, t = UTCDateTime['Date'], UTCDateTime['Time']
            stamp = datetime.datetime(d['Year'], d['Month'], d['Day'], t['Hour'], t['Minute'], t['Second'], tzinfo=datetime.timezone.utc)
            cam.clock_offset = (stamp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()

    def op_SetNetworkInterfaces(self, cam, InterfaceToken, NetworkInterface):
        assert InterfaceToken == 'eth0'
        ipv4 = NetworkInterface['IPv4']
        manual = ipv4.get('Manual') or [{}]
        cam.pending = {'dhcp': ipv4['DHCP'], 'address': manual[0].get('Address'), 'prefix': manual[0].get('PrefixLength')}
        if not cam.reboot_needed:
            cam.apply_pending()
        return cam.reboot_needed if cam.set_reply == 'default' else cam.set_reply

    def op_SystemReboot(self, cam):
        cam.reboots += 1
        cam.down_until = time.monotonic() + cam.reboot_delay
        return 'Rebooting'


def params(**options):
    result = dict(hostname='127.0.10.10', port=8000, username='admin', password=PASSWORD, use_tls=False, validate_certs=True,
                  timeout=5, auth_mode='auto', address=None, prefix_length=None, dhcp=None, dhcp_expected_address=None, gateway=None,
                  dns_servers=None, ntp_servers=None, camera_hostname=None, timezone=None, clock_max_offset=60, reboot_timeout=5,
                  conflict_check_ports=None, conflict_check_methods=None)
    result.update(options)
    return result


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(network, 'POLL_INTERVAL', 0.02)


def job_for(net, monkeypatch, check_mode=False, **options):
    monkeypatch.setattr(network, 'who_answers', net.who_answers)
    logged = []
    job = CameraIpJob(Plan(params(**options)), lambda host, timeout=None: net.connect(host, timeout), check_mode=check_mode,
                      log=logged.append)
    job.logged = logged
    return job


# ------------------------------------------------------------------------------ plan --
@pytest.mark.parametrize('options, message', [
    ({'address': '127.0.10.300', 'prefix_length': 24}, "address: '127.0.10.300' is not an IPv4 address"),
    ({'address': '127.0.10.20', 'prefix_length': 33}, 'prefix_length: 33 is out of range (1 to 30)'),
    ({'address': '127.0.10.0', 'prefix_length': 24}, 'address: 127.0.10.0 is the network address of 127.0.10.0/24'),
    ({'address': '127.0.10.255', 'prefix_length': 24}, 'address: 127.0.10.255 is the broadcast address of 127.0.10.0/24'),
    ({'address': '127.0.10.20', 'prefix_length': 24, 'gateway': '127.0.11.1'},
     'gateway: 127.0.11.1 is outside the subnet 127.0.10.0/24 of address 127.0.10.20'),
    ({'address': '127.0.10.20', 'prefix_length': 24, 'gateway': '127.0.10.20'}, 'address: 127.0.10.20 is also the gateway'),
    ({'gateway': 'router'}, "gateway: 'router' is not an IPv4 address"),
    ({'dns_servers': ['127.0.0.53', '1.2.3']}, "dns_servers[1]: '1.2.3' is not an IP address"),
    ({'dns_servers': ['dns.example.org']}, "dns_servers[0]: 'dns.example.org' is not an IP address"),
    ({'ntp_servers': ['bad_name!']}, "ntp_servers[0]: 'bad_name!' is neither an IP address nor a DNS name"),
    ({'ntp_servers': ['1.2.3.4.5']}, "ntp_servers[0]: '1.2.3.4.5' is neither an IP address nor a DNS name"),
    ({'camera_hostname': 'cam_01'}, "camera_hostname: 'cam_01' is not a valid host name"),
    ({'camera_hostname': '-cam'}, "camera_hostname: '-cam' is not a valid host name"),
    ({'timezone': 'Asia/Jakarta'}, "timezone: 'Asia/Jakarta' is not a POSIX TZ string"),
    ({'timezone': 'WIB'}, "timezone: 'WIB' is not a POSIX TZ string"),
    ({'dhcp': True, 'dhcp_expected_address': '127.0.10'}, "dhcp_expected_address: '127.0.10' is not an IPv4 address"),
    ({'dhcp': False, 'dhcp_expected_address': '127.0.10.9'}, "dhcp_expected_address: '127.0.10.9' is only used with dhcp=true"),
    ({'reboot_timeout': 0}, 'reboot_timeout: 0 is out of range (1 to 3600 seconds)'),
    ({'clock_max_offset': 0}, 'clock_max_offset: 0 must be at least 1'),
    ({'conflict_check_ports': [80, 70000]}, 'conflict_check_ports[1]: 70000 is not a TCP port'),
    ({'conflict_check_methods': ['tcp', 'smoke']}, "conflict_check_methods[1]: 'smoke' is not one of tcp, icmp, neighbour"),
])
def test_plan_errors_name_field_and_value(options, message):
    with pytest.raises(PlanError) as exc:
        Plan(params(**options))
    assert message in str(exc.value)


def test_plan_normalises():
    plan = Plan(params(address='127.0.20.7', prefix_length=16, gateway='127.0.0.1', ntp_servers=['NTP.Example.org', '127.0.0.123'],
                       timezone=' WIB-7 '))
    assert (plan.address, plan.prefix_length, plan.gateway, plan.timezone) == ('127.0.20.7', 16, '127.0.0.1', 'WIB-7')
    assert plan.ntp_servers == ['ntp.example.org', '127.0.0.123']
    assert plan.check_ports == [8000, 80, 443, 554]
    assert Plan(params(port=80)).check_ports == [80, 443, 554]


@pytest.mark.parametrize('tz', ['WIB-7', 'CST-8:00:00', 'UTC0', 'GMT0', '<+07>-7', 'EST5EDT,M3.2.0,M11.1.0',
                                'CST7:00:00DST01:00:00,M3.2.0/02:00:00,M11.1.0/02:00:00'])
def test_posix_tz_pattern_accepts(tz):
    assert network.POSIX_TZ_PATTERN.match(tz)


@pytest.mark.parametrize('one, other, same', [
    ('WIB-7', 'wib-7', True), ('WIB-7', 'CST-7:00:00', True), ('WIB-7', 'CST-8:00:00', False),
    ('EST5EDT,M3.2.0,M11.1.0', 'EST5', False), (None, 'UTC0', False), (None, None, True),
])
def test_same_timezone(one, other, same):
    assert network.same_timezone(one, other) is same


def test_writer_shapes():
    calls = []

    class Recorder:
        def call(self, service, op, **kw):
            calls.append((op, kw))
            return {'RebootNeeded': 'false'} if op == 'SetNetworkInterfaces' else None

    assert network.set_ipv4(Recorder(), 'eth0', False, '127.0.3.4', 24) is False
    manual = [{'Address': '127.0.3.4', 'PrefixLength': 24}]
    assert calls[-1][1]['NetworkInterface'] == {'Enabled': True, 'IPv4': {'Enabled': True, 'DHCP': False, 'Manual': manual}}
    network.set_ntp(Recorder(), ['ntp.example.org', '127.0.0.1', '::1'])
    assert calls[-1][1]['NTPManual'] == [{'Type': 'DNS', 'DNSname': 'ntp.example.org'}, {'Type': 'IPv4', 'IPv4Address': '127.0.0.1'},
                                         {'Type': 'IPv6', 'IPv6Address': '::1'}]
    network.set_date_time(Recorder(), 'Manual', 'WIB-7', False)
    sent = calls[-1][1]
    assert sent['DateTimeType'] == 'Manual' and sent['TimeZone'] == {'TZ': 'WIB-7'} and set(sent['UTCDateTime']) == {'Date', 'Time'}
    network.set_date_time(Recorder(), 'NTP', None, True)
    assert calls[-1][1] == {'DateTimeType': 'NTP', 'DaylightSavings': True}

    class NoAnswer:
        def call(self, service, op, **kw):
            return None
    assert network.set_ipv4(NoAnswer(), 'eth0', True) is None  # no RebootNeeded: unknown, read the interface back


# --------------------------------------------------------------------- the procedure --
def test_settings_change_then_nothing(monkeypatch):
    cam = FakeCamera()
    net = FakeNetwork(cam)
    options = dict(camera_hostname='cam-r1-01', dns_servers=['127.0.10.54', '127.0.10.55'], ntp_servers=['127.0.10.123'],
                   timezone='WIB-7', gateway='127.0.10.254')
    result = job_for(net, monkeypatch, **options).run()
    assert result['changed'] is True
    assert net.writes() == ['SetNTP', 'SetSystemDateAndTime', 'SetDNS', 'SetHostname', 'SetNetworkDefaultGateway']
    assert (cam.hostname, cam.dns['manual'], cam.dns['search'], cam.ntp['manual'], cam.timezone, cam.date_time_type, cam.gateway) == (
        'cam-r1-01', ['127.0.10.54', '127.0.10.55'], ['example.org'], ['127.0.10.123'], 'WIB-7', 'NTP', ['127.0.10.254'])
    assert result['address'] == result['old_address'] == '127.0.10.10'
    assert result['diff']['after']['hostname'] == 'cam-r1-01' and result['diff']['before']['hostname'] == 'cam-factory'
    assert result['network']['hostname']['name'] == 'cam-r1-01' and result['clock']['timezone'] == 'WIB-7'

    net.calls.clear()
    again = job_for(net, monkeypatch, **options).run()
    assert again['changed'] is False and again['changes'] == [] and net.writes() == []
    assert again['diff']['before'] == again['diff']['after']


def test_check_mode_predicts_and_only_reads(monkeypatch):
    cam = FakeCamera(clock_offset=7200)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, check_mode=True, camera_hostname='cam-r1-01', address='127.0.20.10', prefix_length=24,
                     gateway='127.0.20.1').run()
    assert result['changed'] is True and net.writes() == []
    assert {c['field'] for c in result['changes']} == {'hostname', 'address', 'gateway', 'clock_offset_seconds'}
    assert result['address'] == '127.0.10.10'  # nothing moved
    assert result['diff']['after']['address'] == '127.0.20.10/24'
    assert net.checked == [('127.0.20.10', [8000, 80, 443, 554])]  # the occupancy check runs in check mode too
    assert net.methods == ['tcp', 'icmp', 'neighbour']  # case 3: more than a few TCP ports, by default
    assert (cam.address, cam.hostname, cam.clock_offset) == ('127.0.10.10', 'cam-factory', 7200)


def test_clock_far_off_is_set_first_and_the_client_re_reads_it(monkeypatch, fast):
    cam = FakeCamera(clock_offset=7200)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, ntp_servers=['127.0.10.123'], camera_hostname='cam-2', address='127.0.20.10', prefix_length=24).run()
    assert net.writes()[:3] == ['SetNTP', 'SetSystemDateAndTime', 'SetSystemDateAndTime']
    assert [p['DateTimeType'] for h, op, p in net.calls if op == 'SetSystemDateAndTime'] == ['Manual', 'NTP']
    assert abs(cam.clock_offset) < 2 and cam.date_time_type == 'NTP'
    assert result['changed'] and cam.address == '127.0.20.10' and cam.hostname == 'cam-2'


def test_clock_without_ntp_is_set_manually_and_small_offsets_are_left_alone(monkeypatch):
    cam = FakeCamera(clock_offset=-3 * 3600, date_time_type='NTP')
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch).run()
    assert [c['field'] for c in result['changes']] == ['clock_offset_seconds', 'date_time_type']
    assert cam.date_time_type == 'Manual' and abs(cam.clock_offset) < 2
    cam.clock_offset = 45  # within clock_max_offset (60)
    net.calls.clear()
    assert job_for(net, monkeypatch).run()['changed'] is False and net.writes() == []


def test_address_change_with_reboot_and_re_identification(monkeypatch, fast):
    cam = FakeCamera()
    net = FakeNetwork(cam)
    job = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24, gateway='127.0.20.1')
    result = job.run()
    assert result['changed'] and result['old_address'] == '127.0.10.10' and result['address'] == '127.0.20.10'
    assert cam.address == '127.0.20.10' and cam.reboots == 1 and cam.gateway == ['127.0.20.1']
    assert net.ops('127.0.10.10')[-2:] == ['SetNetworkInterfaces', 'SystemReboot']
    assert 'GetDeviceInformation' in net.ops('127.0.20.10')
    assert result['network']['addresses'] == ['127.0.20.10/24']
    events = [p['event'] for p in result['progress']]
    assert any(e.startswith('SystemReboot sent') for e in events)
    assert any('serial and MAC match' in e for e in events)
    assert all(set(p) == {'time', 'elapsed', 'event'} for p in result['progress'])
    assert job.logged and job.logged[0].startswith('onvif_camera_ip 127.0.10.10: ')
    assert all(c.closed for c in net.clients if c.hostname == '127.0.20.10' and c.timeout)  # probes are closed


def test_new_address_taken_is_refused_before_any_write(monkeypatch):
    cam = FakeCamera()
    net = FakeNetwork(cam, squatters={'127.0.20.10': 'HTTP server "nginx/1.22"'})
    with pytest.raises(AddressTakenError) as exc:
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24, camera_hostname='x1').run()
    assert 'the new address 127.0.20.10 is taken: 127.0.20.10:8000 answers (HTTP server "nginx/1.22")' in str(exc.value)
    assert net.writes() == [] and cam.hostname == 'cam-factory'


def test_camera_that_never_comes_back(monkeypatch, fast):
    cam = FakeCamera(never_return=True, manufacturer='HIKVISION')
    net = FakeNetwork(cam)
    job = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24, reboot_timeout=1)
    started = time.monotonic()
    with pytest.raises(CameraLostError) as exc:
        job.run()
    assert time.monotonic() - started < 3
    message = str(exc.value)
    for part in ('SetNetworkInterfaces (static 127.0.20.10/24) and SystemReboot at 127.0.10.10:8000',
                 'did not answer at 127.0.20.10:8000 within reboot_timeout=1 s', 'NOT confirmed',
                 'does not answer at its old address 127.0.10.10 either', 'dukcapil.cctv.onvif_discovery',
                 'MAC ac:cc:8e:00:00:01', 'factory address 192.168.1.64'):
        assert part in message
    assert [c['field'] for c in job.applied] == ['address']
    assert job.progress[-1]['event'].startswith('gave up waiting for 127.0.20.10')


def test_camera_that_keeps_its_old_address_is_reported_there(monkeypatch, fast):
    cam = FakeCamera(reboot_needed=False, apply_on_reboot=False)
    net = FakeNetwork(cam)
    cam.apply_pending = lambda: None  # accepts SetNetworkInterfaces but never switches
    with pytest.raises(CameraLostError) as exc:
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24, reboot_timeout=1).run()
    assert 'It still answers at its old address 127.0.10.10' in str(exc.value)
    assert 'SystemReboot' not in net.ops()


def test_a_different_device_at_the_new_address_is_a_failure(monkeypatch, fast):
    cam = FakeCamera()
    other = FakeCamera(address='127.0.20.10', serial='SN-9999', mac='ac:cc:8e:00:00:99')
    net = FakeNetwork(cam, other)
    net.who_answers = lambda *a, **k: None  # appeared after the check
    with pytest.raises(OtherDeviceError) as exc:
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert 'a different device answers at 127.0.20.10 (serial SN-9999, MAC ac:cc:8e:00:00:99' in str(exc.value)
    assert 'NOT confirmed' in str(exc.value)


def test_credentials_refused_at_the_new_address_is_not_success(monkeypatch, fast):
    cam = FakeCamera()
    other = FakeCamera(address='127.0.20.10', serial='SN-0001')
    net = FakeNetwork(cam, other)
    net.who_answers = lambda *a, **k: None
    other.faults['GetDeviceInformation'] = OnvifAuthError('credentials refused')
    with pytest.raises(OtherDeviceError, match='refuses the credentials'):
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()


def test_dhcp_needs_the_expected_address(monkeypatch):
    cam = FakeCamera()
    net = FakeNetwork(cam)
    with pytest.raises(NetworkChangeError) as exc:
        job_for(net, monkeypatch, dhcp=True).run()
    assert 'dhcp_expected_address' in str(exc.value) and 'MAC ac:cc:8e:00:00:01' in str(exc.value)
    assert net.writes() == [] and net.checked == []


def test_static_to_dhcp_and_back_to_static_on_the_same_address(monkeypatch, fast):
    cam = FakeCamera(dhcp_address='127.0.10.77')
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, dhcp=True, dhcp_expected_address='127.0.10.77').run()
    assert result['address'] == '127.0.10.77' and cam.dhcp is True and cam.address == '127.0.10.77'
    assert result['diff'] == {'before': {'dhcp': False, 'address': '127.0.10.10/24'}, 'after': {'dhcp': True, 'address': '127.0.10.77/24'}}
    net.calls.clear()
    assert job_for(net, monkeypatch, hostname='127.0.10.77', dhcp=True).run()['changed'] is False  # no expected address needed now
    result = job_for(net, monkeypatch, hostname='127.0.10.77', address='127.0.10.77', prefix_length=24).run()
    assert result['changed'] and cam.dhcp is False and cam.address == '127.0.10.77' and cam.reboots == 2
    assert net.checked == [('127.0.10.77', [8000, 80, 443, 554])]  # only for the DHCP lease, not for its own address


def test_dhcp_false_on_a_dhcp_camera_needs_an_address(monkeypatch):
    net = FakeNetwork(FakeCamera(dhcp=True))
    with pytest.raises(NetworkChangeError, match='give address and prefix_length'):
        job_for(net, monkeypatch, dhcp=False).run()
    assert job_for(FakeNetwork(FakeCamera()), monkeypatch, dhcp=False).run()['changed'] is False


def test_gateway_refused_before_the_move_is_set_at_the_new_address(monkeypatch, fast):
    cam = FakeCamera(faults={'SetNetworkDefaultGateway': fault('SetNetworkDefaultGateway')})
    net = FakeNetwork(cam)
    original = FakeClient.op_SetNetworkInterfaces

    def and_accept_gateway(self, camera, **kw):
        camera.faults.clear()
        return original(self, camera, **kw)
    monkeypatch.setattr(FakeClient, 'op_SetNetworkInterfaces', and_accept_gateway)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24, gateway='127.0.20.1').run()
    assert cam.gateway == ['127.0.20.1'] and 'SetNetworkDefaultGateway' in net.ops('127.0.20.10')
    assert any('set again at the new address' in p['event'] for p in result['progress'])


def test_gateway_fault_without_a_move_fails(monkeypatch):
    net = FakeNetwork(FakeCamera(faults={'SetNetworkDefaultGateway': fault('SetNetworkDefaultGateway')}))
    with pytest.raises(OnvifFaultError, match='SetNetworkDefaultGateway'):
        job_for(net, monkeypatch, gateway='127.0.10.2').run()


def test_gateway_alone_must_be_in_the_camera_subnet(monkeypatch):
    net = FakeNetwork(FakeCamera())
    with pytest.raises(PlanError, match=r'gateway: 127\.0\.11\.1 is outside the subnet 127\.0\.10\.0/24 of the camera address'):
        job_for(net, monkeypatch, gateway='127.0.11.1').run()
    assert net.writes() == []


def test_no_reboot_needed(monkeypatch, fast):
    cam = FakeCamera(reboot_needed=False)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert result['address'] == '127.0.20.10' and 'SystemReboot' not in net.ops() and cam.reboots == 0


def test_reboot_refused_says_where_the_camera_is(monkeypatch, fast):
    cam = FakeCamera(faults={'SystemReboot': fault('SystemReboot', 'ter:OperationProhibited', 'Operation Prohibited')})
    net = FakeNetwork(cam)
    with pytest.raises(NetworkChangeError) as exc:
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert 'refused SystemReboot' in str(exc.value) and 'still runs at 127.0.10.10' in str(exc.value)


def test_set_network_interfaces_without_answer_still_waits(monkeypatch, fast):
    cam = FakeCamera(reboot_needed=False)
    net = FakeNetwork(cam)
    original = FakeClient.op_SetNetworkInterfaces

    def switch_and_drop(self, camera, **kw):
        original(self, camera, **kw)
        raise OnvifConnectionError('connection failed (reset by peer)')
    monkeypatch.setattr(FakeClient, 'op_SetNetworkInterfaces', switch_and_drop)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert result['address'] == '127.0.20.10'
    assert any('got no answer' in p['event'] for p in result['progress'])


def test_unimplemented_setting_is_refused_before_writes(monkeypatch):
    net = FakeNetwork(FakeCamera(missing={'GetDNS'}))
    with pytest.raises(NetworkChangeError, match='dns_from_dhcp cannot be managed on 127.0.10.10: the camera does not implement GetDNS'):
        job_for(net, monkeypatch, camera_hostname='x2', dns_servers=['127.0.0.53']).run()
    assert net.writes() == []


def test_still_waiting_events(monkeypatch, fast):
    monkeypatch.setattr(network, 'STILL_WAITING_EVERY', 0.05)
    cam = FakeCamera(reboot_delay=0.3)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert any(p['event'].startswith('still waiting for 127.0.20.10') for p in result['progress'])


def test_errors_keep_what_was_applied(monkeypatch):
    net = FakeNetwork(FakeCamera(faults={'SetHostname': fault('SetHostname', 'ter:InvalidHostname', 'bad name')}))
    job = job_for(net, monkeypatch, dns_servers=['127.0.0.53'], camera_hostname='cam-3')
    with pytest.raises(OnvifError, match='SetHostname'):
        job.run()
    assert [c['field'] for c in job.applied] == ['dns_servers'] and net.cameras[0].dns['manual'] == ['127.0.0.53']


# ------------------------------------------------- issue 10: the device is the judge --
@pytest.mark.parametrize('op, options, field', [
    ('SetHostname', {'camera_hostname': 'cam-r1-01'}, 'hostname'),
    ('SetDNS', {'dns_servers': ['127.0.10.54']}, 'dns_servers'),
    ('SetNTP', {'ntp_servers': ['127.0.10.123']}, 'ntp_servers'),
    ('SetNetworkDefaultGateway', {'gateway': '127.0.10.254'}, 'gateway'),
    ('SetSystemDateAndTime', {'timezone': 'WIB-7'}, 'timezone'),
])
def test_set_accepted_but_nothing_changed_fails(monkeypatch, op, options, field):
    """Case 5: an empty reply to a Set that changed nothing is a failure naming what was sent and what the device holds."""
    cam = FakeCamera(ignored={op}, date_time_type='NTP')  # NTP servers alone: nothing else to change
    net = FakeNetwork(cam)
    job = job_for(net, monkeypatch, **options)
    with pytest.raises(network.NotAppliedError) as exc:
        job.run()
    message = str(exc.value)
    assert op in message and field in message and 'now reports' in message
    assert job.changed is False  # the device holds what it held before


def test_set_partly_applied_reports_changed(monkeypatch):
    """Case 5: ``changed`` reports what the device now holds: the hostname took, DNS did not."""
    cam = FakeCamera(ignored={'SetDNS'})
    net = FakeNetwork(cam)
    job = job_for(net, monkeypatch, camera_hostname='cam-r1-01', dns_servers=['127.0.10.54'])
    with pytest.raises(network.NotAppliedError, match=r"dns_servers.*\['127.0.10.53'\]"):
        job.run()
    assert job.changed is True and cam.hostname == 'cam-r1-01'
    assert [c['field'] for c in job.verified] == ['hostname']


@pytest.mark.parametrize('op, options', [
    ('GetDNS', {'dns_servers': ['127.0.10.54']}),
    ('GetHostname', {'camera_hostname': 'cam-r1-01'}),
    ('GetNTP', {'ntp_servers': ['127.0.10.123']}),
    ('GetNetworkDefaultGateway', {'gateway': '127.0.10.254'}),
])
def test_empty_get_reply_is_unknown_and_not_managed(monkeypatch, op, options):
    """Case 6: an empty Get response is unknown (None plus a warning), never an empty setting; no write against it."""
    net = FakeNetwork(FakeCamera(empty={op}))
    job = job_for(net, monkeypatch, **options)
    with pytest.raises(NetworkChangeError) as exc:
        job.run()
    assert 'empty reply' in str(exc.value) and op in str(exc.value) and 'does not implement' not in str(exc.value)
    assert net.writes() == []
    assert any(op in w and 'empty' in w for w in job.warnings)


def test_empty_get_replies_read_as_unknown():
    """Case 6: get_network gives None for every part answered by an empty element, with a warning each."""
    from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import get_network
    net = FakeNetwork(FakeCamera(empty={'GetDNS', 'GetHostname', 'GetNTP', 'GetNetworkDefaultGateway', 'GetNetworkProtocols'}))
    client = net.connect('127.0.10.10')
    result = get_network(client)
    assert [result[k] for k in ('dns', 'hostname', 'ntp', 'gateway', 'protocols')] == [None] * 5
    assert len([w for w in client.warnings if 'empty' in w]) == 5


def test_failed_read_is_not_called_not_implemented(monkeypatch):
    """Case 23: a GetDNS that faults for another reason is not reported as "does not implement GetDNS"."""
    net = FakeNetwork(FakeCamera(faults={'GetDNS': fault('GetDNS', 'ter:InvalidArgVal', 'internal error')}))
    with pytest.raises(NetworkChangeError) as exc:
        job_for(net, monkeypatch, dns_servers=['127.0.0.53']).run()
    assert 'does not implement' not in str(exc.value)
    assert 'GetDNS failed' in str(exc.value) and 'internal error' in str(exc.value)


@pytest.mark.parametrize('options, message', [
    ({'port': 70000}, 'port: 70000 is not a TCP port (1 to 65535)'),
    ({'port': 0}, 'port: 0 is not a TCP port (1 to 65535)'),
    ({'hostname': ''}, "hostname: '' is empty"),
    ({'hostname': 'http://cam'}, "hostname: 'http://cam' is not a host name or IP address"),
    ({'timeout': 0}, 'timeout: 0 must be at least 1'),
])
def test_connection_options_name_the_option(options, message):
    """Case 23: port 70000 is blamed on port, an empty hostname on hostname (not "Invalid URL")."""
    with pytest.raises(PlanError) as exc:
        Plan(params(**options))
    assert message in str(exc.value)


def test_empty_set_interfaces_reply_that_changed_nothing_does_not_reboot(monkeypatch, fast):
    """Case 9: an empty SetNetworkInterfaces reply is not RebootNeeded; the read-back shows nothing pending: fail, no reboot."""
    cam = FakeCamera(ignored={'SetNetworkInterfaces'})
    net = FakeNetwork(cam)
    with pytest.raises(network.NotAppliedError) as exc:
        job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert 'SystemReboot' not in net.ops() and cam.reboots == 0
    assert 'SetNetworkInterfaces' in str(exc.value) and '127.0.10.10/24' in str(exc.value)


def test_empty_set_interfaces_reply_with_a_pending_change_reboots(monkeypatch, fast):
    """Case 9: the read-back shows the new address pending while the camera still answers at the old one: reboot."""
    cam = FakeCamera(set_reply=None, show_pending=True)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert cam.reboots == 1 and result['address'] == '127.0.20.10'
    assert any('pending' in p['event'] for p in result['progress'])


def test_empty_set_interfaces_reply_applied_at_once_needs_no_reboot(monkeypatch, fast):
    """Case 9: an empty reply and the camera gone from its old address: it switched, wait at the new one, no reboot."""
    cam = FakeCamera(reboot_needed=False, set_reply=None)
    net = FakeNetwork(cam)
    result = job_for(net, monkeypatch, address='127.0.20.10', prefix_length=24).run()
    assert cam.reboots == 0 and 'SystemReboot' not in net.ops() and result['address'] == '127.0.20.10'


def test_clock_step_that_does_not_take_fails(monkeypatch):
    """Case 11: SetSystemDateAndTime accepted, clock still 2 h off: a failure, not changed plus a warning."""
    cam = FakeCamera(clock_offset=7200, ignored={'SetSystemDateAndTime'})
    net = FakeNetwork(cam)
    job = job_for(net, monkeypatch)
    with pytest.raises(network.NotAppliedError) as exc:
        job.run()
    assert 'SetSystemDateAndTime' in str(exc.value) and '7200 s off' in str(exc.value)
    assert job.changed is False


# ------------------------------------------------------------------ _netplan extension --
def test_who_answers_refused_means_taken_only_when_asked():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    assert who_answers('127.0.0.1', [port], timeout=0.5) is None
    assert who_answers('127.0.0.1', [port], timeout=0.5, refused_means_taken=True) == (
        '127.0.0.1:%d refuses connections (a live host, or a firewall in front of one, is at that address)' % port)


def test_loopback_targets_do_not_count_resets(monkeypatch):
    seen = []
    monkeypatch.setattr(network, 'who_answers', lambda address, ports, timeout, refused_means_taken, methods: seen.append(refused_means_taken))
    net = FakeNetwork(FakeCamera())
    job = CameraIpJob(Plan(params(address='127.0.20.10', prefix_length=24)), net.connect, check_mode=True)
    job.run()
    assert seen == [False]
