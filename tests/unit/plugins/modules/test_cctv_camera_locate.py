# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_camera_locate in-process against the client tests' fake camera on loopback."""

from __future__ import annotations

import importlib.util
import json
import os
import time

import yaml

from ansible_collections.dukcapil.cctv.plugins.modules import cctv_camera_locate

_HELPER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'test_onvif_discovery.py')
_spec = importlib.util.spec_from_file_location('onvif_discovery_helpers', _HELPER)
helper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helper)
fakecam = helper.fakecam


def args(cam, record, silent):
    return {'name': 'cam-01', 'run_record': str(record), 'addresses': [silent, '127.0.0.1'], 'factory_address': silent,
            'planned_address': '127.0.0.1', 'port': cam.port, 'username': 'admin', 'password': cam.password, 'timeout': 3}


def test_finds_the_bound_camera_at_once_and_reports_its_identity(run_module, tmp_path):
    record = tmp_path / 'record.json'
    record.write_text(json.dumps({'cameras': [{'name': 'cam-01', 'serial': 'FC1-0001', 'mac': 'AC:CC:8E:01:02:03'}]}))
    silent = helper.free_loopback()
    with fakecam.FakeCamera() as cam:
        started = time.monotonic()
        result, failed = run_module(cctv_camera_locate.main, args(cam, record, silent), check_mode=True)
        elapsed = time.monotonic() - started
    assert not failed and elapsed < 0.9, (result, elapsed)
    assert (result['address'], result['bound'], result['mac']) == ('127.0.0.1', True, 'ac:cc:8e:01:02:03')
    assert result['identity']['serial_number'] == 'FC1-0001' and result['changed'] is False
    assert cam.password not in json.dumps(result)


def test_another_identity_at_the_planned_address_is_refused(run_module, tmp_path):
    record = tmp_path / 'record.json'
    record.write_text(json.dumps({'cameras': [{'name': 'cam-01', 'serial': 'BOUND-1', 'mac': 'ac:cc:8e:99:99:99'}]}))
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(cctv_camera_locate.main, args(cam, record, helper.free_loopback()))
    assert failed and 'unknown device answers at the planned address 127.0.0.1' in result['msg'], result
    assert 'FC1-0001' in result['msg'] and 'BOUND-1' in result['msg']


def test_a_broken_run_record_names_the_option(run_module, tmp_path):
    record = tmp_path / 'record.json'
    record.write_text('{not json')
    with fakecam.FakeCamera() as cam:
        result, failed = run_module(cctv_camera_locate.main, args(cam, record, helper.free_loopback()))
    assert failed and result['msg'].startswith('run_record: ') and str(record) in result['msg'], result


def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(cctv_camera_locate.DOCUMENTATION)
    assert set(doc['options']) == {'name', 'run_record', 'addresses', 'factory_address', 'planned_address', 'port',
                                   'username', 'password', 'timeout', 'auth_mode', 'validate_certs'}
    assert set(yaml.safe_load(cctv_camera_locate.RETURN)) == {'address', 'port', 'bound', 'identity', 'mac', 'devices'}
    yaml.safe_load(cctv_camera_locate.EXAMPLES)
