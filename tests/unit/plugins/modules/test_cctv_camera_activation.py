# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_camera_activation: each vendor's first boot as the four-case matrix, and every failure path.

The HTTP layer is replaced at its boundary (``FakeHttp`` for ``_http.HttpClient``), the ONVIF end
by ``FakeOnvif``; the fake devices (test_vendor_fakedevice.py) do the device side of the crypto
with the ``cryptography`` package.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import firstboot
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_camera_activation

pytest.importorskip('cryptography')

import importlib.util  # noqa: E402

_SPEC = importlib.util.spec_from_file_location('vendor_fakedevice', os.path.join(
    os.path.dirname(__file__), '..', 'module_utils', 'test_vendor_fakedevice.py'))
fakes = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fakes)

ADMIN = 'Kantor#2026a'
ONVIF = 'Onvif#2026b'


@pytest.fixture
def camera(monkeypatch):
    """camera(vendor, **state) -> the FakeDevice every request of the module goes to."""
    made = {}

    def make(vendor, refuse_after=False, **state):
        device = fakes.FakeDevice(vendor, **state)
        fakes.FakeHttp.device = device
        made['onvif'] = fakes.FakeOnvif(device, refuse_after)
        monkeypatch.setattr(firstboot, 'HttpClient', fakes.FakeHttp)
        monkeypatch.setattr(firstboot, 'OnvifAccounts', lambda params: made['onvif'])
        monkeypatch.setattr('time.sleep', lambda s: None)
        device.onvif = made['onvif']
        return device
    return make


def args(vendor, **extra):
    base = dict(hostname='127.0.0.1', port=8080, username='onvifadmin', password=ONVIF, admin_password=ADMIN,
                vendor=vendor)
    base.update(extra)
    return base


def writes(device):
    return [(m, p) for m, p, dummy in device.log if m in ('PUT', 'POST') and 'activateStatus' not in p
            and 'systemready' not in p and 'getStatus' not in p]


# ------------------------------------------------------------------------------- Hikvision

def test_hikvision_change(camera, run_module):
    device = camera('hikvision')
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'), diff=True)
    assert not failed, result
    assert result['changed'] and result['steps'] == ['activate', 'enable_onvif', 'set_onvif_user']
    assert device.state['admin_password'] == ADMIN and device.state['onvif_enabled']
    assert device.state['onvif_users']['onvifadmin'] == {'id': '1', 'password': ONVIF, 'level': 'administrator'}
    assert result['onvif_login'] and result['activated'] and not result['activated_before']
    assert result['diff']['before']['activated'] is False and result['diff']['after']['onvif_enabled'] is True
    assert ADMIN not in repr(result) and ONVIF not in repr(result)


def test_hikvision_idempotent(camera, run_module):
    device = camera('hikvision', activated=True, admin='admin', admin_password=ADMIN, onvif_enabled=True,
                    onvif_users={'onvifadmin': {'id': '1', 'password': ONVIF, 'level': 'administrator'}})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert not failed and not result['changed'] and result['steps'] == [] and result['onvif_login']
    assert [m for m, p, a in device.log if m != 'GET'] == []


def test_hikvision_check_mode_change(camera, run_module):
    device = camera('hikvision')
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'), check_mode=True)
    assert not failed and result['changed'] and result['steps'] == ['activate', 'enable_onvif', 'set_onvif_user']
    assert result['activated'] and result['onvif_user'] == {'name': 'onvifadmin', 'level': 'administrator'}
    assert device.state['activated'] is False and [m for m, p, a in device.log if m != 'GET'] == []


def test_hikvision_check_mode_idempotent(camera, run_module):
    device = camera('hikvision', activated=True, admin='admin', admin_password=ADMIN, onvif_enabled=True,
                    onvif_users={'onvifadmin': {'id': '3', 'password': ONVIF, 'level': 'administrator'}})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'), check_mode=True)
    assert not failed and not result['changed']
    assert [m for m, p, a in device.log if m != 'GET'] == []


def test_hikvision_enables_onvif_and_fixes_the_password_of_an_existing_onvif_user(camera, run_module):
    device = camera('hikvision', activated=True, admin='admin', admin_password=ADMIN, onvif_enabled=False,
                    onvif_users={'other': {'id': '1', 'password': 'x', 'level': 'operator'},
                                 'onvifadmin': {'id': '4', 'password': 'Old#pass99', 'level': 'operator'}})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert not failed and result['steps'] == ['enable_onvif', 'set_onvif_user']
    assert device.state['onvif_users']['onvifadmin'] == {'id': '4', 'password': ONVIF, 'level': 'administrator'}
    assert 'activated the device (administrator admin)' not in result['done']


def test_hikvision_new_onvif_user_gets_the_next_id(camera, run_module):
    device = camera('hikvision', activated=True, admin='admin', admin_password=ADMIN, onvif_enabled=True,
                    onvif_users={'other': {'id': '7', 'password': 'x', 'level': 'mediaUser'}})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert not failed and device.state['onvif_users']['onvifadmin']['id'] == '8'


def test_hikvision_activated_by_someone_else_is_refused_not_reactivated(camera, run_module):
    device = camera('hikvision', activated=True, admin='admin', admin_password='Their#pass1')
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and not result['changed']
    assert 'already activated' in result['msg'] and 'not re-activated' in result['msg'] and 'HTTP 401' in result['msg']
    assert not any(p.startswith('/ISAPI/System/activate') or 'challenge' in p for m, p, a in device.log)


def test_hikvision_isapi_error_body_names_step_status_and_substatus(camera, run_module):
    device = camera('hikvision', errors={('PUT', '/ISAPI/System/activate'): (
        400, fakes.status_xml(6, 'Invalid XML Content', 'badXmlContent'))})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and not result['changed']
    msg = result['msg']
    assert msg.startswith('hikvision activation (PUT /ISAPI/System/activate) on 127.0.0.1:8080 failed')
    assert 'HTTP 400' in msg and 'statusCode 6 (Invalid XML Content), subStatusCode badXmlContent' in msg
    assert result['http_status'] == 400 and result['step'] == 'activation (PUT /ISAPI/System/activate)'
    assert device.state['activated'] is False


def test_hikvision_failure_after_activation_reports_changed_and_what_was_done(camera, run_module):
    camera('hikvision', errors={('PUT', '/ISAPI/System/Network/Integrate'): (
        403, fakes.status_xml(4, 'Invalid Operation', 'notSupport'))})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and result['changed'] and result['done'] == ['activated the device (administrator admin)']
    assert 'switch ONVIF on' in result['msg'] and 'subStatusCode notSupport' in result['msg']
    assert 'already done on the camera before that: activated the device' in result['msg']


def test_hikvision_onvif_still_refused_after_enabling(camera, run_module):
    camera('hikvision', refuse_after=True)
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and result['changed']
    assert "ONVIF still refuses 'onvifadmin' after the vendor steps activate, enable_onvif, set_onvif_user" in result['msg']
    assert result['step'] == 'ONVIF login after first boot' and 'switched ONVIF on' in result['done']


@pytest.fixture
def fast_v3_key(monkeypatch):
    """A 3072-bit key made by the cryptography package (pure-Python generation takes seconds; crypto tests cover it)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import crypto, hikvision
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=3072).private_numbers()
    key = crypto.RsaKey(numbers.public_numbers.n, numbers.public_numbers.e, numbers.d, numbers.p, numbers.q)
    original = crypto.generate_rsa_key
    monkeypatch.setattr(hikvision.crypto, 'generate_rsa_key', lambda bits: key if bits == 3072 else original(bits))


def test_hikvision_v3_activation(camera, run_module, fast_v3_key):
    device = camera('hikvision', support_version=3)
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert not failed, result
    assert result['done'][0] == 'activated the device (administrator admin, V3)'
    assert device.state['admin_password'] == ADMIN
    assert ('POST', '/ISAPI/System/activate/StartActivateV3?format=json', False) in device.log


def test_hikvision_v3_refusal_names_the_json_status(camera, run_module, fast_v3_key):
    camera('hikvision', support_version=3, errors={('POST', '/ISAPI/System/activate/StartActivateV3'): (
        400, '{"statusCode": 6, "statusString": "Invalid JSON Content", "subStatusCode": "badJsonContent"}')})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and 'V3 activation (POST /ISAPI/System/activate/StartActivateV3)' in result['msg']
    assert 'statusCode 6 (Invalid JSON Content), subStatusCode badJsonContent' in result['msg']


def test_hikvision_unknown_activation_version_is_refused_with_a_message(camera, run_module):
    device = camera('hikvision', support_version=4)
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and 'activation version 4' in result['msg'] and 'not supported' in result['msg']
    assert [m for m, p, a in device.log if m != 'GET'] == []


def test_not_a_hikvision_says_so(camera, run_module):
    camera('axis')
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and 'no <ActivateStatus> answer' in result['msg'] and 'HTTP 404' in result['msg']


# ------------------------------------------------------------------------------- password policy

@pytest.mark.parametrize('vendor, option, value, rule', [
    ('hikvision', 'admin_password', 'Abcdefgh#12345678', 'at most 16'),
    ('hikvision', 'password', 'Onvif#Onvif#Onvif#', 'at most 16'),
    ('dahua', 'admin_password', 'Kantor;2026a', 'must not contain ;'),
    ('axis', 'admin_password', 'Kantor\u00e92026A', 'printable ASCII'),
    ('onvif', 'password', 'short1A', 'at least 8'),
    ('hikvision', 'password', 'admin', 'at least 8'),
])
def test_password_policy_before_any_request(camera, run_module, vendor, option, value, rule):
    device = camera(vendor)
    result, failed = run_module(cctv_camera_activation.main, args(vendor, **{option: value}))
    assert failed and option in result['msg'] and rule in result['msg'] and value not in result['msg']
    assert device.log == []


def test_axis_user_name_rule(camera, run_module):
    device = camera('axis')
    result, failed = run_module(cctv_camera_activation.main, args('axis', admin_username='root_admin'))
    assert failed and 'admin_username' in result['msg'] and device.log == []


# ------------------------------------------------------------------------------- Axis

def test_axis_change(camera, run_module):
    device = camera('axis', not_ready=1)
    result, failed = run_module(cctv_camera_activation.main, args('axis'))
    assert not failed, result
    assert result['changed'] and result['steps'] == ['create_admin', 'set_onvif_user']
    assert device.state['admin'] == 'root' and device.state['admin_password'] == ADMIN
    assert device.state['onvif_users']['onvifadmin']['password'] == ONVIF and result['onvif_login']
    assert ('GET', '/axis-cgi/pwdgrp.cgi', False) in device.log


def test_axis_idempotent(camera, run_module):
    device = camera('axis', activated=True, admin='root', admin_password=ADMIN,
                    onvif_users={'root': {'password': ADMIN}, 'onvifadmin': {'password': ONVIF}})
    result, failed = run_module(cctv_camera_activation.main, args('axis'))
    assert not failed and not result['changed'] and result['onvif_login']
    assert not any('pwdgrp' in p for m, p, a in device.log)


def test_axis_check_mode_change(camera, run_module):
    device = camera('axis')
    result, failed = run_module(cctv_camera_activation.main, args('axis'), check_mode=True)
    assert not failed and result['changed'] and device.state['activated'] is False
    assert not any('pwdgrp' in p for m, p, a in device.log)


def test_axis_check_mode_idempotent(camera, run_module):
    camera('axis', activated=True, admin='root', admin_password=ADMIN, onvif_users={'onvifadmin': {'password': ONVIF}})
    result, failed = run_module(cctv_camera_activation.main, args('axis'), check_mode=True)
    assert not failed and not result['changed']


def test_axis_set_up_by_someone_else_is_refused(camera, run_module):
    device = camera('axis', activated=True, admin='root', admin_password='Their#pass1')
    result, failed = run_module(cctv_camera_activation.main, args('axis'))
    assert failed and 'already has an administrator' in result['msg'] and 'HTTP 401' in result['msg']
    assert not any('pwdgrp' in p for m, p, a in device.log)


def test_axis_never_ready_fails_naming_the_wait(camera, run_module):
    camera('axis', not_ready=10 ** 6)
    result, failed = run_module(cctv_camera_activation.main, args('axis', ready_timeout=0))
    assert failed and 'systemready "no"' in result['msg']


# ------------------------------------------------------------------------------- Dahua

def test_dahua_change(camera, run_module):
    device = camera('dahua', notify_once=False)
    result, failed = run_module(cctv_camera_activation.main, args('dahua'))
    assert not failed, result
    assert result['steps'] == ['initialise', 'set_onvif_user'] and result['changed']
    assert device.state['init'] == 2 and device.state['admin_password'] == ADMIN
    assert device.state['onvif_users']['onvifadmin']['password'] == ONVIF


def test_dahua_refused_access_step_is_only_a_warning(camera):
    camera('dahua')
    result = firstboot.run(dict(args('dahua'), admin_username=None, use_tls=False, validate_certs=True, timeout=5,
                                ready_timeout=5, discovery=None), False)
    assert any('DevInit.access was refused (error code 268632064' in w for w in result['warnings'])


def test_dahua_idempotent(camera, run_module):
    device = camera('dahua', activated=True, init=2, admin='admin', admin_password=ADMIN,
                    onvif_users={'onvifadmin': {'password': ONVIF}})
    result, failed = run_module(cctv_camera_activation.main, args('dahua'))
    assert not failed and not result['changed']
    assert not any('DevInit.account' in str(x) for x in device.log)


def test_dahua_check_mode_change(camera, run_module):
    device = camera('dahua')
    result, failed = run_module(cctv_camera_activation.main, args('dahua'), check_mode=True)
    assert not failed and result['changed'] and device.state['init'] == 1


def test_dahua_check_mode_idempotent(camera, run_module):
    camera('dahua', activated=True, init=2, admin='admin', admin_password=ADMIN, onvif_users={'onvifadmin': {'password': ONVIF}})
    result, failed = run_module(cctv_camera_activation.main, args('dahua'), check_mode=True)
    assert not failed and not result['changed']


def test_dahua_skips_a_pushed_notification(camera, run_module):
    device = camera('dahua', notify_once=True)
    result, failed = run_module(cctv_camera_activation.main, args('dahua'))
    assert not failed and device.state['init'] == 2


def test_dahua_initialised_by_someone_else_is_refused(camera, run_module):
    device = camera('dahua', activated=True, init=2, admin='admin', admin_password='Their#pass1')
    result, failed = run_module(cctv_camera_activation.main, args('dahua'))
    assert failed and 'already initialised' in result['msg'] and 'error code 268632085' in result['msg']
    assert device.state['admin_password'] == 'Their#pass1'


# ------------------------------------------------------------------------------- ONVIF (Profile Q)

def test_onvif_change_and_idempotent_and_check_modes(camera, run_module):
    device = camera('hikvision')  # the ONVIF fake only needs the user list; the vendor API is not called
    device.vendor = 'onvif'
    result, failed = run_module(cctv_camera_activation.main, args('onvif'), check_mode=True)
    assert not failed and result['changed'] and result['steps'] == ['create_first_admin'] and not device.state['onvif_users']
    result, failed = run_module(cctv_camera_activation.main, args('onvif'))
    assert not failed and result['changed'] and device.state['onvif_users']['onvifadmin']['password'] == ONVIF
    result, failed = run_module(cctv_camera_activation.main, args('onvif'))
    assert not failed and not result['changed']
    result, failed = run_module(cctv_camera_activation.main, args('onvif'), check_mode=True)
    assert not failed and not result['changed']
    assert device.log == []


def test_onvif_device_with_other_users_is_refused(camera, run_module):
    device = camera('hikvision', onvif_users={'admin': {'password': 'Their#pass1'}})
    device.vendor = 'onvif'
    result, failed = run_module(cctv_camera_activation.main, args('onvif'))
    assert failed and 'activated by someone else' in result['msg']


# ------------------------------------------------------------------------------- auto

@pytest.mark.parametrize('vendor, evidence', [
    ('hikvision', 'GET /SDK/activateStatus answered <ActivateStatus>'),
    ('axis', 'POST /axis-cgi/systemready.cgi answered a systemready result'),
    ('dahua', 'POST /OutsideCmd DevInit.getStatus answered params.Init'),
])
def test_auto_says_which_evidence_it_used(camera, run_module, vendor, evidence):
    camera(vendor)
    result, failed = run_module(cctv_camera_activation.main, args('auto'), check_mode=True)
    assert not failed and result['vendor'] == vendor and result['vendor_evidence'][-1] == evidence


def test_auto_from_discovery_entry_makes_no_probe(camera, run_module):
    device = camera('hikvision')
    result, failed = run_module(cctv_camera_activation.main, args('auto', discovery={
        'vendor': 'hikvision', 'serial': 'DS-2CD0001', 'activated': False, 'protocol': 'sadp'}), check_mode=True)
    assert not failed and result['vendor'] == 'hikvision' and 'SADP answer' in result['vendor_evidence'][0]
    assert device.log[0][1] == '/SDK/activateStatus'


def test_auto_from_scopes_and_server_header():
    assert firstboot._from_discovery({'scopes': ['onvif://www.onvif.org/name/AXIS']})[0] == 'axis'
    assert firstboot._from_discovery({'scopes': ['onvif://www.onvif.org/hardware/IPC-HDW5831R-ZE']})[0] == 'dahua'
    assert firstboot._from_discovery({'scopes': ['onvif://www.onvif.org/name/Camera']}) == (None, None)


def test_auto_takes_no_generic_ipc_model_for_dahua():
    # Many makers call a model IPC-<something>: only Dahua's series names are Dahua evidence.
    assert firstboot._from_discovery({'scopes': ['onvif://www.onvif.org/hardware/IPC-GENERIC']}) == (None, None)


def test_auto_falls_back_to_onvif_and_to_the_server_header(camera, run_module):
    device = camera('hikvision', errors={('GET', '/SDK/activateStatus'): (404, '')}, server='App-webs/')
    vendor, evidence = firstboot.detect(args('auto', use_tls=False, validate_certs=True, timeout=5), fakes.FakeHttp)
    assert vendor == 'hikvision' and "Server header 'App-webs/'" in evidence[-1]
    device.state['server'] = None
    vendor, evidence = firstboot.detect(args('auto', use_tls=False, validate_certs=True, timeout=5), fakes.FakeHttp)
    assert vendor == 'onvif' and 'plain ONVIF' in evidence[-1]


def test_dahua_onvif_still_refused_names_the_missing_api(camera, run_module):
    camera('dahua', refuse_after=True)
    result, failed = run_module(cctv_camera_activation.main, args('dahua', username='admin', password=ADMIN))
    assert failed and result['changed'] and result['done'] == ['initialised the device (administrator admin)']
    assert "ONVIF still refuses 'admin'" in result['msg'] and 'not supported by this collection yet' in result['msg']


def test_not_a_dahua_says_so(camera, run_module):
    camera('hikvision')
    result, failed = run_module(cctv_camera_activation.main, args('dahua'))
    assert failed and 'DevInit.getStatus' in result['msg'] and 'not a Dahua device' in result['msg']


def test_not_an_axis_says_so(camera, run_module):
    camera('hikvision')
    result, failed = run_module(cctv_camera_activation.main, args('axis'))
    assert failed and 'no systemready answer' in result['msg'] and 'HTTP 404' in result['msg']


def test_auto_checks_the_vendor_policy_after_the_anonymous_reads_and_before_any_change(camera, run_module):
    device = camera('dahua')
    result, failed = run_module(cctv_camera_activation.main, args('auto', admin_password='Kantor;2026a'))
    assert failed and 'admin_password: must not contain ;' in result['msg'] and not result['changed']
    # the three anonymous status reads of auto, nothing else
    assert [p for m, p, a in device.log] == ['/SDK/activateStatus', '/axis-cgi/systemready.cgi', '/OutsideCmd']
    assert device.state['init'] == 1


def test_secrets_never_in_a_failure(camera, run_module):
    camera('hikvision', activated=True, admin='admin', admin_password=ADMIN, onvif_enabled=True, refuse_after=True,
           onvif_users={'onvifadmin': {'id': '1', 'password': 'old', 'level': 'administrator'}})
    result, failed = run_module(cctv_camera_activation.main, args('hikvision'))
    assert failed and ADMIN not in repr(result) and ONVIF not in repr(result)
