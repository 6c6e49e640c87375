# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_discovery in-process: a WS-Discovery responder and the client tests' fake camera on loopback."""

from __future__ import annotations

import importlib.util
import json
import os
import time

import pytest
import yaml

from ansible.module_utils import basic

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.modules import onvif_discovery

_HELPER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'test_onvif_discovery.py')
_spec = importlib.util.spec_from_file_location('onvif_discovery_helpers', _HELPER)
helper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helper)
Responder, fakecam = helper.Responder, helper.fakecam

DEVICE_KEYS = {'address', 'port', 'xaddrs', 'endpoint', 'types', 'scopes', 'maker', 'model', 'name', 'location', 'mac',
               'found_by', 'identity', 'identity_error'}


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    return seen


@pytest.mark.parametrize('check_mode', [False, True])
def test_unicast_finds_the_responders(run_module, warnings, check_mode):
    with Responder() as one, Responder() as two:
        result, failed = run_module(onvif_discovery.main, {'addresses': [one.address, two.address]}, check_mode=check_mode)
    assert not failed and result['changed'] is False and result['not_found'] == []
    assert sorted(d['address'] for d in result['devices']) == sorted([one.address, two.address])
    for found in result['devices']:
        assert set(found) == DEVICE_KEYS
        assert found['maker'] == 'HIKVISION' and found['model'] == 'DS-2CD2043G2-I' and found['location'] == 'city/semarang'
        assert found['found_by'] == ['unicast'] and found['port'] == 80 and found['identity'] is None
        assert found['identity_error'] is None  # no credentials: not asked
    assert warnings == []


def test_bounded_by_the_timeout(run_module, warnings):
    silent = helper.free_loopback()
    started = time.monotonic()
    result, failed = run_module(onvif_discovery.main, {'addresses': [silent], 'timeout': 1})
    elapsed = time.monotonic() - started
    assert not failed and result['devices'] == [] and result['not_found'] == [silent]
    assert elapsed < 1.6


def test_factory_address_with_identity(run_module, warnings):
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(onvif_discovery.main, {'factory_addresses': ['127.0.0.1'], 'port': cam.port, 'timeout': 2,
                                                           'username': 'admin', 'password': cam.password})
    assert not failed and result['not_found'] == []
    found = result['devices'][0]
    assert found['address'] == '127.0.0.1' and found['found_by'] == ['http'] and found['port'] == cam.port
    assert found['identity']['serial_number'] == 'FC1-0001' and found['mac'] == 'ac:cc:8e:01:02:03'
    assert cam.password not in json.dumps(result)
    assert [r['op'] for r in cam.requests if r['wsse'] is None][0] == 'GetSystemDateAndTime'  # the probe: anonymous


def test_wrong_password_is_reported_per_device_not_failed(run_module, warnings):
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(onvif_discovery.main, {'factory_addresses': ['127.0.0.1'], 'port': cam.port, 'timeout': 2,
                                                           'username': 'admin', 'password': 'Wr0ng-Guess-1'})
    assert not failed
    found = result['devices'][0]
    assert found['identity'] is None and "refused the credentials of user 'admin'" in found['identity_error']
    assert 'Wr0ng-Guess-1' not in json.dumps(result)


@pytest.mark.parametrize('args,message', [
    ({}, 'give at least one of addresses, factory_addresses or multicast_interface'),
    ({'addresses': ['127.0.0.300']}, "addresses: '127.0.0.300' is not an IPv4 address or a host name"),
    ({'multicast_interface': 'eth0'}, "multicast_interface: 'eth0' is not an IPv4 address"),
    ({'addresses': ['127.0.0.1'], 'username': 'admin'}, 'parameters are required together: username, password'),
    ({'addresses': ['127.0.0.1'], 'timeout': -1}, 'timeout: must be a positive number of seconds, not -1'),
])
def test_bad_input_names_the_option(run_module, warnings, args, message):
    result, failed = run_module(onvif_discovery.main, args)
    assert failed and message in result['msg'] and not result.get('changed')


def test_missing_library(run_module, monkeypatch):
    monkeypatch.setattr(_onvif, 'HAS_ONVIF_LIBS', False)
    monkeypatch.setattr(_onvif, 'ONVIF_IMPORT_ERROR', 'ImportError: No module named zeep')
    result, failed = run_module(onvif_discovery.main, {'addresses': ['127.0.0.1']})
    assert failed and '(lxml)' in result['msg']


def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(onvif_discovery.DOCUMENTATION)
    assert 'dukcapil.cctv.onvif' not in doc['extends_documentation_fragment']  # no hostname: not in the action group
    assert doc['attributes']['action_group']['support'] == 'none'
    assert set(doc['options']) == {'addresses', 'factory_addresses', 'port', 'multicast_interface', 'timeout', 'username',
                                   'password', 'auth_mode', 'validate_certs', 'direct', 'expected_serial', 'expected_mac'}
    returned = yaml.safe_load(onvif_discovery.RETURN)
    assert set(returned) == {'devices', 'not_found'}
    assert set(returned['devices']['contains']) == DEVICE_KEYS
    yaml.safe_load(onvif_discovery.EXAMPLES)


def test_direct_finds_the_expected_camera_without_a_probe_timeout(run_module, warnings):
    """Issue 11 case 3: locate's call -- the camera answers directly, the silent address costs nothing."""
    silent = helper.free_loopback()
    with fakecam.FakeCamera() as cam:
        started = time.monotonic()
        result, failed = run_module(onvif_discovery.main, {
            'addresses': ['127.0.0.1', silent], 'factory_addresses': ['127.0.0.1', silent], 'port': cam.port,
            'timeout': 3, 'username': 'admin', 'password': cam.password, 'direct': True,
            'expected_serial': 'FC1-0001', 'expected_mac': 'ac-cc-8e-01-02-03'})
        elapsed = time.monotonic() - started
    assert not failed and elapsed < 0.9, (result, elapsed)
    assert [(d['address'], d['found_by']) for d in result['devices']] == [('127.0.0.1', ['direct'])]
    assert set(result['devices'][0]) == DEVICE_KEYS and result['not_found'] == [silent]
    assert cam.password not in json.dumps(result)
