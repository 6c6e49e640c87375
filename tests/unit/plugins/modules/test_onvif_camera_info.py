# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_info in-process, against the fake camera of the client tests (HTTP on 127.0.0.1)."""

from __future__ import annotations

import importlib.util
import os
import socket

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.modules import onvif_camera_info

_FAKECAM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'test_onvif_fakecam.py')
_spec = importlib.util.spec_from_file_location('onvif_fakecam', _FAKECAM)
fakecam = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fakecam)

TOP_KEYS = {'changed', 'identity', 'mac', 'network', 'clock', 'users', 'profiles', 'services'}


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    return seen


def args(cam, **extra):
    result = {'hostname': '127.0.0.1', 'port': cam.port, 'username': 'admin', 'password': cam.password, 'timeout': 5}
    result.update(extra)
    return result


def test_everything_by_default(run_module, warnings):
    with fakecam.FakeCamera(clock_offset=7200) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam))
    assert not failed and result['changed'] is False
    assert TOP_KEYS <= set(result)
    assert result['identity'] == {'manufacturer': 'FakeVendor', 'model': 'FC-1', 'firmware_version': '1.0.0',
                                  'serial_number': 'FC1-0001', 'hardware_id': '88'}
    assert result['mac'] == 'ac:cc:8e:01:02:03'
    assert set(result['network']) == {'interfaces', 'dhcp', 'addresses', 'gateway', 'dns', 'ntp', 'hostname', 'protocols'}
    assert result['network']['addresses'] == ['127.0.0.1/8']
    assert abs(result['clock']['offset_seconds'] - 7200) <= 2
    assert set(result['clock']) == {'utc_time', 'local_time', 'offset_seconds', 'date_time_type', 'daylight_savings',
                                    'timezone', 'utc_source'}
    assert result['users'] == [{'name': 'admin', 'level': 'Administrator'}, {'name': 'viewer', 'level': 'User'}]
    assert result['profiles'][0]['snapshot_uri'] == 'http://127.0.0.1:%d/snap.jpg?ch=1' % cam.port
    assert result['services']['http://www.onvif.org/ver10/media/wsdl'] == '/onvif/Media'
    assert cam.password not in repr(result) and 'should-never-show' not in repr(result)
    assert warnings == []


def test_check_mode_reads_the_same_and_changes_nothing(run_module, warnings):
    with fakecam.FakeCamera() as cam:
        normal, dummy = run_module(onvif_camera_info.main, args(cam))
        checked, failed = run_module(onvif_camera_info.main, args(cam), check_mode=True)
    assert not failed and checked['changed'] is False
    assert checked['identity'] == normal['identity'] and checked['profiles'] == normal['profiles']
    assert all(op.startswith('Get') for op in cam.ops())


def test_gather_subset_reads_less(run_module, warnings):
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['identity', 'clock']))
    assert not failed
    assert set(result) == {'changed', 'identity', 'clock', 'services'}
    assert sorted(set(cam.ops())) == ['GetDeviceInformation', 'GetServices', 'GetSystemDateAndTime']


def test_host_rewrite_is_warned(run_module, warnings):
    with fakecam.FakeCamera(advertise='127.0.1.64:80') as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['profiles']))
    assert not failed and result['profiles'][0]['token'] == 'Profile_1'
    assert len(warnings) == 1 and 'http://127.0.1.64:80' in warnings[0] and '127.0.0.1:%d' % cam.port in warnings[0]


def test_wrong_password_fails_clearly(run_module, warnings):
    with fakecam.FakeCamera(auth='either') as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, password='Not-The-Password-9'))
    assert failed and result['changed'] is False
    assert "refused the credentials of user 'admin'" in result['msg']
    assert 'Not-The-Password-9' not in repr(result)


def test_unreachable_camera_fails_clearly(run_module, warnings):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    result, failed = run_module(onvif_camera_info.main, {'hostname': '127.0.0.1', 'port': port, 'password': 'x', 'timeout': 2})
    assert failed
    assert result['msg'] == ('ONVIF GetSystemDateAndTime on 127.0.0.1:%d failed: connection refused (nothing listens on port %d)'
                             % (port, port))


def test_fault_fails_with_subcode(run_module, warnings):
    fault = (500, fakecam.fault(), 'application/soap+xml')
    with fakecam.FakeCamera(responses={'GetDeviceInformation': fault}) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['identity']))
    assert failed and 'GetDeviceInformation' in result['msg'] and 'ter:ActionNotSupported' in result['msg']


NOT_IMPLEMENTED = (500, fakecam.fault(), 'application/soap+xml')


def test_missing_operation_returns_every_other_fact(run_module, warnings):
    """Case 7: no GetNetworkInterfaces: every other fact is returned, with a warning per part not read."""
    with fakecam.FakeCamera(responses={'GetNetworkInterfaces': NOT_IMPLEMENTED}) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam))
    assert not failed, result.get('msg')
    assert result['identity']['serial_number'] == 'FC1-0001' and result['users'] and result['profiles']
    assert result['network']['interfaces'] is None and result['network']['addresses'] is None and result['mac'] is None
    assert result['network']['hostname'] == {'name': 'fakecam', 'from_dhcp': False}
    assert any('network interfaces not available (the camera does not implement GetNetworkInterfaces)' in w for w in warnings)


def test_a_refused_subset_is_null_with_a_warning(run_module, warnings):
    """Case 7: GetUsers refused (an Operator login): users is null, the rest is read."""
    with fakecam.FakeCamera(responses={'GetUsers': (400, fakecam.NOT_AUTHORIZED, 'application/soap+xml')}) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['identity', 'users']))
    assert not failed and result['users'] is None and result['identity']['model'] == 'FC-1'
    assert any('users not read' in w for w in warnings)


def test_wrong_password_with_the_clock_still_fails(run_module, warnings):
    """Case 7 must not hide a wrong password: the pre-auth clock read alone does not make a result."""
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, password='Wrong-Passw0rd', gather=['clock', 'users']))
    assert failed and 'refused the credentials' in result['msg']


def test_nothing_readable_fails(run_module, warnings):
    """Case 7: fail only when nothing the user asked for could be read."""
    with fakecam.FakeCamera(responses={'GetUsers': NOT_IMPLEMENTED}) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['users']))
    assert failed and 'GetUsers' in result['msg']


def test_empty_dns_reply_is_unknown(run_module, warnings):
    """Case 6: <tds:GetDNSResponse/> is null plus a warning, not an empty DNS setting."""
    empty = (200, fakecam.ENVELOPE % '<tds:GetDNSResponse/>', 'application/soap+xml')
    with fakecam.FakeCamera(responses={'GetDNS': empty}) as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, gather=['network']))
    assert not failed and result['network']['dns'] is None
    assert any('GetDNS answered an empty reply' in w for w in warnings)


@pytest.mark.parametrize('extra, message', [
    ({'hostname': ''}, "hostname: '' is empty"),
    ({'port': 70000}, 'port: 70000 is not a TCP port (1 to 65535)'),
    ({'timeout': 0}, 'timeout: 0 must be at least 1'),
])
def test_bad_connection_option_is_named(run_module, warnings, extra, message):
    """Case 23: the option and its value are named (not "Invalid URL")."""
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(onvif_camera_info.main, args(cam, **extra))
        assert failed and message in result['msg'] and cam.requests == []


def test_missing_library(run_module, monkeypatch):
    monkeypatch.setattr(_onvif, 'HAS_ONVIF_LIBS', False)
    monkeypatch.setattr(_onvif, 'ONVIF_IMPORT_ERROR', 'ImportError: No module named zeep')
    result, failed = run_module(onvif_camera_info.main, {'hostname': '127.0.0.1', 'password': 'x'})
    assert failed and '(lxml)' in result['msg']


def test_bad_gather_is_refused(run_module):
    result, failed = run_module(onvif_camera_info.main, {'hostname': '127.0.0.1', 'password': 'x', 'gather': ['passwords']})
    assert failed and 'gather' in result['msg']


def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(onvif_camera_info.DOCUMENTATION)
    assert doc['options']['gather']['default'] == ['all']
    assert doc['options']['gather']['choices'] == list(_onvif.INFO_SUBSETS) + ['all']
    assert 'dukcapil.cctv.onvif' in doc['extends_documentation_fragment']
    returned = yaml.safe_load(onvif_camera_info.RETURN)
    assert set(returned) == TOP_KEYS - {'changed'}
    yaml.safe_load(onvif_camera_info.EXAMPLES)
