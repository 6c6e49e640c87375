# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_ip in-process: the four-case matrix and every failure path.

Most tests replace OnvifClient with the stateful fake of ``test_onvif_network.py`` (a fake
client object that records every request); the connection failures (unreachable, wrong
password, SOAP fault, timeout) go through the real client to the HTTP fake camera of the client
tests. Every failure test asserts that no request that changes the camera was made.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import time

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import network
from ansible_collections.dukcapil.cctv.plugins.modules import onvif_camera_ip

_UTILS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils')


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(_UTILS, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fake = _load('onvif_network_fake', 'test_onvif_network.py')
fakecam = _load('onvif_fakecam', 'test_onvif_fakecam.py')

RESULT_KEYS = {'changed', 'old_address', 'address', 'network', 'clock', 'changes', 'progress'}


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    monkeypatch.setattr(basic.AnsibleModule, 'log', lambda self, msg, log_args=None: None)
    return seen


@pytest.fixture
def world(monkeypatch, warnings):
    """A fake network with one camera at 127.0.10.10, wired in place of OnvifClient."""
    net = fake.FakeNetwork(fake.FakeCamera())

    class Factory:
        @staticmethod
        def from_params(params):
            return net.connect(params['hostname'], params['timeout'], password=params['password'])

    monkeypatch.setattr(onvif_camera_ip, 'OnvifClient', Factory)
    monkeypatch.setattr(network, 'who_answers', net.who_answers)
    monkeypatch.setattr(network, 'POLL_INTERVAL', 0.02)
    return net


def args(**options):
    result = {'hostname': '127.0.10.10', 'port': 8000, 'password': fake.PASSWORD, 'timeout': 5}
    result.update(options)
    return result


SETTINGS = dict(camera_hostname='cam-r1-01', dns_servers=['127.0.10.54'], ntp_servers=['127.0.10.123'], timezone='WIB-7')


# ------------------------------------------------------------------- the four cases --
def test_change(run_module, world):
    result, failed = run_module(onvif_camera_ip.main, args(**SETTINGS), diff=True)
    assert not failed and result['changed'] is True
    assert RESULT_KEYS | {'diff'} == set(result)
    assert world.writes() == ['SetNTP', 'SetSystemDateAndTime', 'SetDNS', 'SetHostname']
    assert {c['field'] for c in result['changes']} == {'ntp_servers', 'date_time_type', 'timezone', 'dns_servers', 'hostname'}
    assert result['diff']['before'] == {'dns_from_dhcp': False, 'dns_servers': ['127.0.10.53'], 'ntp_from_dhcp': False,
                                        'ntp_servers': ['ntp.example.org'], 'date_time_type': 'Manual', 'hostname': 'cam-factory',
                                        'timezone': 'CST-8:00:00'}
    assert result['diff']['after'] == {'dns_from_dhcp': False, 'dns_servers': ['127.0.10.54'], 'ntp_from_dhcp': False,
                                       'ntp_servers': ['127.0.10.123'], 'date_time_type': 'NTP', 'hostname': 'cam-r1-01',
                                       'timezone': 'WIB-7'}
    assert result['network']['hostname'] == {'name': 'cam-r1-01', 'from_dhcp': False}
    assert result['address'] == result['old_address'] == '127.0.10.10'


def test_idempotent(run_module, world):
    run_module(onvif_camera_ip.main, args(**SETTINGS))
    world.calls.clear()
    result, failed = run_module(onvif_camera_ip.main, args(**SETTINGS), diff=True)
    assert not failed and result['changed'] is False and result['changes'] == []
    assert world.writes() == []
    assert result['diff']['before'] == result['diff']['after']


def test_check_mode_change(run_module, world):
    cam = world.cameras[0]
    result, failed = run_module(onvif_camera_ip.main, args(address='127.0.20.10', prefix_length=24, **SETTINGS), check_mode=True, diff=True)
    assert not failed and result['changed'] is True
    assert world.writes() == [] and all(op.startswith('Get') for op in world.ops())
    assert (cam.address, cam.hostname, cam.timezone, cam.reboots) == ('127.0.10.10', 'cam-factory', 'CST-8:00:00', 0)
    assert result['address'] == '127.0.10.10' and result['diff']['after']['address'] == '127.0.20.10/24'
    real, dummy = run_module(onvif_camera_ip.main, args(address='127.0.20.10', prefix_length=24, **SETTINGS))
    assert sorted(c['field'] for c in real['changes']) == sorted(c['field'] for c in result['changes'])  # predicted exactly


def test_check_mode_idempotent(run_module, world):
    run_module(onvif_camera_ip.main, args(**SETTINGS))
    world.calls.clear()
    result, failed = run_module(onvif_camera_ip.main, args(**SETTINGS), check_mode=True)
    assert not failed and result['changed'] is False and world.writes() == []


def test_no_diff_without_diff_mode(run_module, world):
    result, dummy = run_module(onvif_camera_ip.main, args(camera_hostname='cam-x'))
    assert 'diff' not in result


# ------------------------------------------------------------------ address changes --
def test_address_change_returns_old_and_new_address(run_module, world):
    cam = world.cameras[0]
    cam.clock_offset = 7200
    result, failed = run_module(onvif_camera_ip.main, args(address='127.0.20.10', prefix_length=24, gateway='127.0.20.1',
                                                           reboot_timeout=5))
    assert not failed, result
    assert (result['old_address'], result['address']) == ('127.0.10.10', '127.0.20.10')
    assert cam.address == '127.0.20.10' and cam.reboots == 1 and abs(cam.clock_offset) < 2
    assert world.writes()[0] == 'SetSystemDateAndTime'  # time first
    assert result['network']['addresses'] == ['127.0.20.10/24'] and result['clock']['offset_seconds'] in (-1, 0, 1)
    assert any('serial and MAC match' in p['event'] for p in result['progress'])


def test_conflicting_address_is_refused_and_camera_untouched(run_module, world):
    world.squatters['127.0.20.10'] = 'HTTP server "nginx"'
    result, failed = run_module(onvif_camera_ip.main, args(address='127.0.20.10', prefix_length=24, camera_hostname='cam-y'))
    assert failed and result['changed'] is False and result['applied'] == []
    assert 'the new address 127.0.20.10 is taken: 127.0.20.10:8000 answers (HTTP server "nginx")' in result['msg']
    assert world.writes() == [] and world.cameras[0].hostname == 'cam-factory'


def test_camera_lost_fails_within_the_timeout(run_module, world):
    world.cameras[0].never_return = True
    started = time.monotonic()
    result, failed = run_module(onvif_camera_ip.main, args(address='127.0.20.10', prefix_length=24, reboot_timeout=1))
    assert time.monotonic() - started < 4
    assert failed and result['changed'] is True and 'address' not in result
    assert [c['field'] for c in result['applied']] == ['address'] and result['old_address'] == '127.0.10.10'
    assert 'did not answer at 127.0.20.10:8000 within reboot_timeout=1 s' in result['msg'] and 'NOT confirmed' in result['msg']
    assert result['progress'][-1]['event'].startswith('gave up waiting')


def test_dhcp_without_expected_address_changes_nothing(run_module, world):
    result, failed = run_module(onvif_camera_ip.main, args(dhcp=True))
    assert failed and 'dhcp_expected_address' in result['msg'] and world.writes() == []


def test_dhcp_with_expected_address(run_module, world):
    world.cameras[0].dhcp_address = '127.0.10.200'
    result, failed = run_module(onvif_camera_ip.main, args(dhcp=True, dhcp_expected_address='127.0.10.200'))
    assert not failed and result['address'] == '127.0.10.200' and result['network']['dhcp'] is True


# ---------------------------------------------------------------------- bad input --
@pytest.mark.parametrize('options, expected', [
    ({'address': '127.0.10.300', 'prefix_length': 24}, "address: '127.0.10.300' is not an IPv4 address"),
    ({'address': '127.0.20.10', 'prefix_length': 31}, 'prefix_length: 31 is out of range (1 to 30)'),
    ({'address': '127.0.20.255', 'prefix_length': 24}, 'address: 127.0.20.255 is the broadcast address of 127.0.20.0/24'),
    ({'address': '127.0.20.0', 'prefix_length': 24}, 'address: 127.0.20.0 is the network address of 127.0.20.0/24'),
    ({'address': '127.0.20.10', 'prefix_length': 24, 'gateway': '127.0.21.1'}, 'gateway: 127.0.21.1 is outside the subnet 127.0.20.0/24'),
    ({'address': '127.0.20.10', 'prefix_length': 24, 'gateway': '127.0.20.10'}, 'address: 127.0.20.10 is also the gateway'),
    ({'dns_servers': ['127.0.0.53', 'x.y']}, "dns_servers[1]: 'x.y' is not an IP address"),
    ({'ntp_servers': ['ntp server']}, "ntp_servers[0]: 'ntp server' is neither an IP address nor a DNS name"),
    ({'camera_hostname': 'kamera_01'}, "camera_hostname: 'kamera_01' is not a valid host name"),
    ({'timezone': 'Asia/Jakarta'}, "timezone: 'Asia/Jakarta' is not a POSIX TZ string"),
    ({'dhcp': True, 'dhcp_expected_address': '127.0.0'}, "dhcp_expected_address: '127.0.0' is not an IPv4 address"),
    ({'reboot_timeout': 0}, 'reboot_timeout: 0 is out of range'),
    ({'clock_max_offset': -5}, 'clock_max_offset: -5 must be at least 1'),
    ({'conflict_check_ports': [0]}, 'conflict_check_ports[0]: 0 is not a TCP port'),
    ({'dhcp': True, 'address': '127.0.20.10', 'prefix_length': 24}, 'parameters are mutually exclusive: dhcp|address'),
    ({'dhcp': True, 'gateway': '127.0.10.1'}, 'parameters are mutually exclusive: dhcp|gateway'),
    ({'address': '127.0.20.10'}, 'parameters are required together: address, prefix_length'),
    ({'dhcp_expected_address': '127.0.10.5'}, 'missing parameter(s) required by \'dhcp_expected_address\': dhcp'),
    ({'port': 70000}, 'port: 70000 is not a TCP port (1 to 65535)'),
    ({'hostname': ''}, "hostname: '' is empty"),
    ({'conflict_check_methods': ['tcp', 'smoke']}, 'conflict_check_methods'),
])
def test_bad_input_names_field_and_value_and_contacts_nothing(run_module, world, options, expected):
    result, failed = run_module(onvif_camera_ip.main, args(**options))
    assert failed and expected in result['msg'] and not result.get('changed')
    assert world.calls == [] and world.clients == [] and world.checked == []  # not even a read


def test_gateway_outside_the_current_subnet_is_refused_before_writes(run_module, world):
    result, failed = run_module(onvif_camera_ip.main, args(gateway='127.0.99.1', camera_hostname='cam-z'))
    assert failed and 'gateway: 127.0.99.1 is outside the subnet 127.0.10.0/24' in result['msg'] and world.writes() == []


# ------------------------------------------------------------ failures (fake client) --
def test_wrong_password_fake(run_module, world):
    result, failed = run_module(onvif_camera_ip.main, args(password='Not-The-Password-1', camera_hostname='cam-q'))
    assert failed and "refused the credentials of user 'admin'" in result['msg']
    assert world.writes() == [] and 'Not-The-Password-1' not in repr(result)


def test_fault_on_a_write_reports_what_was_applied(run_module, world):
    world.cameras[0].faults['SetHostname'] = fake.fault('SetHostname', 'ter:InvalidArgVal', 'the parameter value is illegal')
    result, failed = run_module(onvif_camera_ip.main, args(dns_servers=['127.0.0.9'], camera_hostname='cam-w'))
    assert failed and 'ONVIF SetHostname on 127.0.10.10:8000 failed: SOAP fault ter:InvalidArgVal' in result['msg']
    assert result['changed'] is True and [c['field'] for c in result['applied']] == ['dns_servers']
    assert world.writes() == ['SetDNS', 'SetHostname']


def test_set_accepted_but_not_applied_fails_unchanged(run_module, world):
    """Case 5: the camera answers SetHostname with an empty reply and keeps its name: failed, changed=false, both values named."""
    world.cameras[0].ignored.add('SetHostname')
    result, failed = run_module(onvif_camera_ip.main, args(camera_hostname='cam-r1-01'))
    assert failed and result['changed'] is False
    assert "SetHostname sent hostname='cam-r1-01', the camera now reports hostname='cam-factory'" in result['msg']
    world.calls.clear()
    again, failed = run_module(onvif_camera_ip.main, args(camera_hostname='cam-r1-01'))
    assert failed and again['changed'] is False  # never "changed" run after run


def test_set_partly_applied_fails_changed(run_module, world):
    """Case 5: ``changed`` is what the camera now holds: the DNS took, the host name did not."""
    world.cameras[0].ignored.add('SetHostname')
    result, failed = run_module(onvif_camera_ip.main, args(camera_hostname='cam-r1-01', dns_servers=['127.0.10.54']))
    assert failed and result['changed'] is True and 'Read back as changed: dns_servers' in result['msg']


def test_clock_that_does_not_take_fails(run_module, world):
    """Case 11: a clock step that does not take fails (it was changed plus a warning, every run)."""
    world.cameras[0].clock_offset = 7200
    world.cameras[0].ignored.add('SetSystemDateAndTime')
    result, failed = run_module(onvif_camera_ip.main, args())
    assert failed and result['changed'] is False and 'still 7200 s off' in result['msg']


# ------------------------------------------------------- failures (real client, HTTP) --
def http_args(cam, **options):
    result = {'hostname': '127.0.0.1', 'port': cam.port, 'username': 'admin', 'password': cam.password, 'timeout': 2}
    result.update(options)
    return result


def writes(cam):
    return [op for op in cam.ops() if op and not op.startswith('Get')]


def test_unreachable_camera(run_module, warnings):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    result, failed = run_module(onvif_camera_ip.main, {'hostname': '127.0.0.1', 'port': port, 'password': 'x', 'timeout': 2,
                                                       'camera_hostname': 'cam-a'})
    assert failed and result['changed'] is False
    assert result['msg'] == ('ONVIF GetSystemDateAndTime on 127.0.0.1:%d failed: connection refused (nothing listens on port %d)'
                             % (port, port))


def test_wrong_password_http(run_module, warnings):
    with fakecam.FakeCamera(auth='either') as cam:
        result, failed = run_module(onvif_camera_ip.main, http_args(cam, password='Wrong-Passw0rd', camera_hostname='cam-b'))
    assert failed and "refused the credentials of user 'admin'" in result['msg'] and '127.0.0.1:%d' % cam.port in result['msg']
    assert writes(cam) == [] and 'Wrong-Passw0rd' not in repr(result)


def test_soap_fault_http(run_module, warnings):
    refused = (500, fakecam.fault('s:Sender', ('ter:InvalidArgVal', 'ter:InvalidHostname'), 'bad host name'), 'application/soap+xml')
    with fakecam.FakeCamera(responses={'SetHostname': refused}) as cam:
        result, failed = run_module(onvif_camera_ip.main, http_args(cam, camera_hostname='cam-c'))
    assert failed and result['changed'] is False
    assert 'ONVIF SetHostname on 127.0.0.1:%d failed: SOAP fault ter:InvalidArgVal/ter:InvalidHostname (bad host name)' % cam.port \
        in result['msg']
    assert writes(cam) == ['SetHostname']  # the refused one, nothing after it


def test_timeout_http(run_module, warnings):
    def slow(req):
        time.sleep(3)
        return 500, fakecam.fault(), 'application/soap+xml'
    with fakecam.FakeCamera(responses={'GetNetworkInterfaces': slow}) as cam:
        result, failed = run_module(onvif_camera_ip.main, http_args(cam, timeout=1, camera_hostname='cam-d'))
    assert failed and 'GetNetworkInterfaces' in result['msg'] and 'no answer within 1 s' in result['msg']
    assert writes(cam) == []


def test_missing_library(run_module, monkeypatch):
    monkeypatch.setattr(_onvif, 'HAS_ONVIF_LIBS', False)
    monkeypatch.setattr(_onvif, 'ONVIF_IMPORT_ERROR', 'ImportError: No module named zeep')
    result, failed = run_module(onvif_camera_ip.main, {'hostname': '127.0.0.1', 'password': 'x'})
    assert failed and '(lxml)' in result['msg']


# ------------------------------------------------------------------- documentation --
def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(onvif_camera_ip.DOCUMENTATION)
    spec = onvif_camera_ip.ip_argument_spec()
    assert set(doc['options']) == set(spec)
    for name, option in spec.items():
        assert doc['options'][name]['type'] == option['type'], name
        assert doc['options'][name].get('default') == option.get('default'), name
        assert doc['options'][name].get('elements') == option.get('elements'), name
    assert 'dukcapil.cctv.onvif' in doc['extends_documentation_fragment']
    assert {k: v['support'] for k, v in doc['attributes'].items()} == {'check_mode': 'full', 'diff_mode': 'full', 'idempotent': 'full'}
    returned = yaml.safe_load(onvif_camera_ip.RETURN)
    assert set(returned) == RESULT_KEYS - {'changed'} | {'applied'}
    examples = yaml.safe_load(onvif_camera_ip.EXAMPLES)
    tasks = [task for play in examples for task in play['tasks']]
    assert all(task.get('name') for task in tasks)
    assert all(key.startswith(('dukcapil.cctv.', 'ansible.builtin.')) for task in tasks for key in task
               if key not in ('name', 'delegate_to', 'register'))
