# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_user in-process, against a fake camera with accounts (HTTP on 127.0.0.1).

The four-case matrix (change, idempotent, check-mode change, check-mode idempotent) for a
password rotation, an account creation and a removal; factory rotation and activation; the
failure paths. Every test also checks that no password reached the result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import time

import pytest
import yaml
from lxml import etree

from ansible.module_utils import basic

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.modules import onvif_camera_user

_HELPER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'test_onvif_users.py')
_spec = importlib.util.spec_from_file_location('onvif_account_camera', _HELPER)
helper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helper)
AccountCamera, fakecam = helper.AccountCamera, helper.fakecam

VAULT = 'Vault-Adm1n-2026'
OLD = 'Old-Adm1n-Pass'
SECRETS = (VAULT, OLD, 'Wr0ng-Guess-1', 'Wr0ng-Guess-2', 'Fact0ry-Pass', 'View3r-Pass')
TOP_KEYS = {'changed', 'login_used', 'user', 'users', 'activated', 'factory_credentials_accepted',
            'factory_credentials_accepted_before', 'factory_credentials_source', 'identity'}


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: seen.append(text))
    return seen


def admin(password=OLD, name='admin', level='Administrator'):
    return {'name': name, 'password': password, 'level': level}


def args(cam, **extra):
    result = {'hostname': '127.0.0.1', 'port': cam.port, 'username': 'admin', 'password': OLD, 'timeout': 5,
              'name': 'admin', 'user_password': VAULT}
    result.update(extra)
    return dict((k, v) for k, v in result.items() if v is not None)  # None: the option is not given


def no_secret(result):
    text = json.dumps(result)
    for secret in SECRETS:
        assert secret not in text


def run(run_module, cam, check_mode=False, diff=True, **extra):
    result, failed = run_module(onvif_camera_user.main, args(cam, **extra), check_mode=check_mode, diff=diff)
    no_secret(result)
    return result, failed


# ------------------------------------------------------------- rotating a password: 4 cases --
def test_rotate_password_change(run_module, warnings):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam)
    assert not failed and result['changed'] is True
    assert TOP_KEYS <= set(result)
    assert cam.account('admin')['password'] == VAULT and cam.changes() == ['SetUser']
    assert result['login_used'] == 'given'
    assert result['user'] == {'name': 'admin', 'level': 'Administrator'}
    assert result['diff'] == {'before': {'users': [{'name': 'admin', 'level': 'Administrator'}]},
                              'after': {'users': [{'name': 'admin', 'level': 'Administrator', 'password': 'changed'}]}}
    assert result['identity']['manufacturer'] == 'FakeVendor'
    assert result['factory_credentials_accepted'] is None and result['factory_credentials_source'] is None
    assert len(warnings) == 1 and "no factory login is known for manufacturer 'FakeVendor'" in warnings[0]


def test_rotate_password_idempotent(run_module, warnings):
    with AccountCamera(accounts=[admin(VAULT)]) as cam:
        result, failed = run(run_module, cam)
    assert not failed and result['changed'] is False
    assert result['login_used'] == 'desired' and cam.changes() == []
    assert cam.refused() == 0  # the desired password logged in first: no refused login at all
    assert result['diff']['before'] == result['diff']['after']


def test_rotate_password_check_mode_change(run_module, warnings):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, check_mode=True)
    assert not failed and result['changed'] is True
    assert cam.changes() == [] and cam.account('admin')['password'] == OLD
    assert result['diff']['after']['users'][0]['password'] == 'changed'


def test_rotate_password_check_mode_idempotent(run_module, warnings):
    with AccountCamera(accounts=[admin(VAULT)]) as cam:
        result, failed = run(run_module, cam, check_mode=True)
    assert not failed and result['changed'] is False and cam.changes() == []


def test_no_diff_without_diff_mode(run_module, warnings):
    with AccountCamera(accounts=[admin(VAULT)]) as cam:
        result, failed = run(run_module, cam, diff=False)
    assert not failed and 'diff' not in result


# ------------------------------------------------------------------------- factory logins --
def axis_like(password='pass'):
    return AccountCamera(accounts=[admin(password, name='root')], manufacturer='AXIS')


def test_factory_rotation_check_then_apply_then_idempotent(run_module, warnings):
    with axis_like() as cam:
        options = dict(username='root', password=VAULT, name='root', vendor='axis')
        checked, failed = run(run_module, cam, check_mode=True, **options)
        assert not failed and checked['changed'] is True and cam.changes() == []
        assert checked['login_used'] == 'factory'
        assert checked['factory_credentials_accepted_before'] is True
        assert checked['factory_credentials_accepted'] is False  # predicted
        applied, failed = run(run_module, cam, **options)
        assert not failed and applied['changed'] is True and cam.changes() == ['SetUser']
        assert cam.account('root')['password'] == VAULT
        assert (applied['factory_credentials_accepted_before'], applied['factory_credentials_accepted']) == (True, False)
        again, failed = run(run_module, cam, **options)
    assert not failed and again['changed'] is False and again['login_used'] == 'desired'
    assert (again['factory_credentials_accepted_before'], again['factory_credentials_accepted']) == (False, False)
    assert warnings == []


def test_vendor_auto_checks_the_factory_login_of_the_reported_manufacturer(run_module, warnings):
    accounts = [admin(VAULT), admin('pass', name='root')]
    with AccountCamera(accounts=accounts, manufacturer='AXIS') as cam:
        result, failed = run(run_module, cam)
    assert not failed and result['changed'] is False
    assert result['factory_credentials_source'] == 'axis'
    assert result['factory_credentials_accepted'] is True  # root still has its factory password
    assert warnings == []


def test_explicit_factory_login_wins(run_module, warnings):
    with AccountCamera(accounts=[admin('Fact0ry-Pass', name='service')]) as cam:
        result, failed = run(run_module, cam, name='service', username='service', password=VAULT,
                             factory_username='service', factory_password='Fact0ry-Pass', vendor='axis')
    assert not failed and result['changed'] is True and result['login_used'] == 'factory'
    assert result['factory_credentials_source'] == 'options'
    assert cam.account('service')['password'] == VAULT


def test_refuses_the_factory_password_as_the_new_one(run_module, warnings):
    with axis_like() as cam:
        result, failed = run_module(onvif_camera_user.main, args(cam, username='root', name='root', user_password='pass',
                                                                 vendor='axis'))
    assert failed and 'user_password: is the factory password of the account' in result['msg']
    assert cam.requests == []


# ----------------------------------------------------------------------------- activation --
def test_activation_check_then_apply_then_idempotent(run_module, warnings):
    with AccountCamera(manufacturer='HIKVISION') as cam:
        options = dict(password=VAULT, vendor='hikvision')
        checked, failed = run(run_module, cam, check_mode=True, **options)
        assert not failed and checked['changed'] is True and checked['login_used'] == 'activation'
        assert cam.accounts == [] and cam.changes() == []
        assert checked['activated'] is True and checked['identity'] is None
        assert checked['diff'] == {'before': {'users': []},
                                   'after': {'users': [{'name': 'admin', 'level': 'Administrator', 'password': 'set'}]}}
        applied, failed = run(run_module, cam, **options)
        assert not failed and applied['changed'] is True and applied['login_used'] == 'activation'
        assert cam.accounts == [{'name': 'admin', 'password': VAULT, 'level': 'Administrator'}]
        assert applied['identity']['manufacturer'] == 'HIKVISION'
        again, failed = run(run_module, cam, **options)
    assert not failed and again['changed'] is False and again['login_used'] == 'desired'
    assert again['factory_credentials_accepted'] is False


def test_activation_on_a_core_rule_camera(run_module, warnings):
    with AccountCamera(core_rule=True) as cam:
        result, failed = run(run_module, cam, password=VAULT, level='Administrator')
    assert not failed and result['changed'] is True and result['login_used'] == 'activation'
    assert cam.account('admin')['level'] == 'Administrator'


def test_a_camera_that_lists_no_account_is_not_taken_for_a_new_one(run_module, warnings):
    with AccountCamera(accounts=[admin()], hide_users=True) as cam:
        result, failed = run(run_module, cam)
    assert failed and result['msg'] == ("127.0.0.1:%d: the camera lists no account (GetUsers is empty) although it accepted the "
                                        "login of 'admin'; accounts it does not list cannot be managed" % cam.port)
    assert cam.changes() == []


def test_activation_refused_when_not_wanted(run_module, warnings):
    with AccountCamera() as cam:
        result, failed = run(run_module, cam, activate=False)
    assert failed and result['msg'].endswith('the camera has no user (it was never activated) and activate is false')
    assert cam.changes() == []


def test_activation_needs_an_administrator(run_module, warnings):
    with AccountCamera() as cam:
        result, failed = run(run_module, cam, level='User')
    assert failed and "level: the first account of a camera must be an Administrator, not 'User'" in result['msg']
    assert cam.changes() == []


# --------------------------------------------------------------- another account: 4 cases --
def viewer_args(**extra):
    result = {'name': 'viewer', 'user_password': 'View3r-Pass', 'level': 'User'}
    result.update(extra)
    return result


@pytest.mark.parametrize('check_mode', [False, True])
def test_create_account(run_module, warnings, check_mode):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, check_mode=check_mode, **viewer_args())
    assert not failed and result['changed'] is True and result['login_used'] == 'given'
    assert result['user'] == {'name': 'viewer', 'level': 'User'}
    assert result['users'] == [{'name': 'admin', 'level': 'Administrator'}, {'name': 'viewer', 'level': 'User'}]
    assert result['diff']['after']['users'][-1]['password'] == 'set'
    if check_mode:
        assert cam.changes() == [] and cam.account('viewer') is None
    else:
        assert cam.changes() == ['CreateUsers'] and cam.account('viewer') == {'name': 'viewer', 'password': 'View3r-Pass',
                                                                              'level': 'User'}


@pytest.mark.parametrize('check_mode', [False, True])
def test_create_account_idempotent(run_module, warnings, check_mode):
    with AccountCamera(accounts=[admin(), admin('View3r-Pass', 'viewer', 'User')]) as cam:
        result, failed = run(run_module, cam, check_mode=check_mode, **viewer_args())
    assert not failed and result['changed'] is False and cam.changes() == []


def test_level_change_keeps_the_password(run_module, warnings):
    with AccountCamera(accounts=[admin(), admin('View3r-Pass', 'viewer', 'User')]) as cam:
        result, failed = run(run_module, cam, **viewer_args(level='Operator'))
        set_user = [r for r in cam.requests if r['op'] == 'SetUser'][0]
    assert not failed and result['changed'] is True
    user = etree.fromstring(set_user['body']).find('.//{http://www.onvif.org/ver10/device/wsdl}User')
    assert [etree.QName(e).localname for e in user] == ['Username', 'UserLevel']  # no Password: it is not changed
    assert cam.account('viewer') == {'name': 'viewer', 'password': 'View3r-Pass', 'level': 'Operator'}
    assert result['diff']['after']['users'][1] == {'name': 'viewer', 'level': 'Operator'}


def test_creating_needs_a_level(run_module, warnings):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, **viewer_args(level=None))
    assert failed and "level: needed to create the account 'viewer'" in result['msg'] and cam.changes() == []


# ------------------------------------------------------------------- state absent: 4 cases --
@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_removes(run_module, warnings, check_mode):
    with AccountCamera(accounts=[admin(), admin('View3r-Pass', 'viewer', 'User')]) as cam:
        result, failed = run(run_module, cam, check_mode=check_mode, name='viewer', user_password=None, state='absent')
    assert not failed and result['changed'] is True and result['user'] is None
    assert result['users'] == [{'name': 'admin', 'level': 'Administrator'}]
    assert cam.changes() == ([] if check_mode else ['DeleteUsers'])
    assert [u['name'] for u in cam.accounts] == (['admin', 'viewer'] if check_mode else ['admin'])


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_idempotent(run_module, warnings, check_mode):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, check_mode=check_mode, name='viewer', user_password=None, state='absent')
    assert not failed and result['changed'] is False and cam.changes() == []


def test_absent_refuses_the_login_account(run_module, warnings):
    with AccountCamera(accounts=[admin(), admin(OLD, 'root')]) as cam:
        result, failed = run(run_module, cam, username='root', name='root', user_password=None, state='absent')
    assert failed and "refusing to remove the account 'root': this task logged in with it" in result['msg']
    assert cam.changes() == []


def test_absent_on_a_camera_without_users(run_module, warnings):
    with AccountCamera() as cam:
        result, failed = run(run_module, cam, name='viewer', user_password=None, state='absent')
    assert not failed and result['changed'] is False and result['login_used'] is None and result['activated'] is False


# ------------------------------------------------------------------------- failure paths --
def test_wrong_password_for_every_login(run_module, warnings):
    with axis_like('Fact0ry-Pass') as cam:
        result, failed = run(run_module, cam, username='root', password='Wr0ng-Guess-1', name='root',
                             user_password='Wr0ng-Guess-2', vendor='axis')
    assert failed and result['changed'] is False
    assert result['msg'] == ("127.0.0.1:%d: none of the logins was accepted for managing accounts (tried desired (user 'root'), "
                             "given (user 'root'), factory (user 'root')); the camera has accounts, so it cannot be activated"
                             % cam.port)
    assert cam.changes() == []
    # no method is known before a login worked, so auth_mode=auto costs each pair WS-Security and HTTP Digest,
    # plus GetUsers without credentials (is the camera without users?)
    assert cam.refused() == 7


def test_wrong_password_without_a_known_factory_login_says_what_to_set(run_module, warnings):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, password='Wr0ng-Guess-1')
    assert failed and 'the factory login is not known: set vendor or factory_username/factory_password' in result['msg']


def test_unreachable_camera(run_module, warnings):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    result, failed = run_module(onvif_camera_user.main, {'hostname': '127.0.0.1', 'port': port, 'password': OLD, 'timeout': 2,
                                                         'name': 'admin', 'user_password': VAULT})
    assert failed and result['changed'] is False
    assert result['msg'] == ('ONVIF GetSystemDateAndTime on 127.0.0.1:%d failed: connection refused (nothing listens on port %d)'
                             % (port, port))
    no_secret(result)


def test_soap_fault_on_the_change(run_module, warnings):
    fault = (400, fakecam.fault('s:Sender', ('ter:OperationProhibited', 'ter:PasswordTooWeak'), 'Too weak password.'),
             'application/soap+xml')
    with AccountCamera(accounts=[admin()], responses={'SetUser': fault}) as cam:
        result, failed = run(run_module, cam)
    assert failed and result['changed'] is False
    assert result['msg'] == ('ONVIF SetUser on 127.0.0.1:%d failed: SOAP fault ter:OperationProhibited/ter:PasswordTooWeak '
                             '(Too weak password.)' % cam.port)
    assert cam.account('admin')['password'] == OLD


def test_timeout(run_module, warnings):
    def slow(req):
        time.sleep(3)
        return 200, '', 'text/plain'

    with AccountCamera(accounts=[admin()], responses={'GetDeviceInformation': slow}) as cam:
        started = time.monotonic()
        result, failed = run(run_module, cam, timeout=1)
        elapsed = time.monotonic() - started
    assert failed and elapsed < 2.5
    assert result['msg'] == ('ONVIF GetDeviceInformation on 127.0.0.1:%d failed: no answer within 1 s (the camera accepted the '
                             'connection but did not reply)' % cam.port)
    assert cam.changes() == []


@pytest.mark.parametrize('extra,message', [
    ({'name': 'bad name'}, "name: 'bad name' is not a usable account name"),
    ({'level': 'Root'}, 'value of level must be one of: Administrator, Operator, User, got: Root'),
    ({'vendor': 'acme'}, 'value of vendor must be one of: auto, axis, dahua, generic, hikvision, uniview, got: acme'),
    ({'user_password': None}, 'state is present but all of the following are missing: user_password'),
    ({'factory_username': 'root'}, 'parameters are required together: factory_username, factory_password'),
    ({'port': 0}, 'port: 0 is not a TCP port'),
])
def test_bad_input_names_the_option(run_module, warnings, extra, message):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, **extra)
    assert failed and message in result['msg']
    assert cam.requests == []


# ---------------------------------------------------------------------------------- issue 10 --
def test_a_login_that_works_means_activated(run_module, warnings):
    """Case 8: anonymous GetUsers answers [] although users exist, and the given login was accepted: never activation."""
    with AccountCamera(accounts=[admin()], hide_users=True, anonymous_users_empty=True) as cam:
        result, failed = run(run_module, cam)
    assert failed and 'CreateUsers' not in cam.ops() and cam.changes() == []
    assert 'lists no account' in result['msg']


def test_a_login_below_administrator_means_activated(run_module, warnings):
    """Case 8: the given login works but may not manage accounts; anonymous GetUsers is []: no anonymous CreateUsers."""
    with AccountCamera(accounts=[admin(level='Operator')], anonymous_users_empty=True) as cam:
        result, failed = run(run_module, cam)
    assert failed and 'CreateUsers' not in cam.ops() and cam.changes() == []


def test_factory_login_is_tried_not_inferred(run_module, warnings):
    """Case 16: the factory account is hidden from GetUsers but root/pass still logs in: accepted=true, not false."""
    with AccountCamera(accounts=[admin(), admin(name='root', password='pass')], hidden={'root'}, manufacturer='AXIS') as cam:
        result, failed = run(run_module, cam, vendor='axis')
    assert not failed and result['factory_credentials_accepted'] is True
    assert result['factory_credentials_accepted_before'] is True


def test_factory_login_that_cannot_be_tried_is_unknown(run_module, warnings):
    """Case 16: when the factory login cannot be tried (the camera fails the request), it is unknown (null), never false."""
    def flaky(req):
        token = req['wsse'] or {}
        if token.get('username') == 'root':
            return 500, fakecam.fault('s:Receiver', ('ter:Action',), 'Action failed'), 'application/soap+xml'
        return None
    with AccountCamera(accounts=[admin(password=VAULT)], manufacturer='AXIS') as cam:
        original = cam.answer
        cam.answer = lambda req: (req['op'] == 'GetDeviceInformation' and flaky(req)) or original(req)
        result, failed = run(run_module, cam, vendor='axis', password=VAULT)
    assert not failed and result['factory_credentials_accepted'] is None
    assert any('factory login' in w for w in warnings)


@pytest.mark.parametrize('user_password, rule', [
    ('a', 'at least 8 characters'),
    ('12345678', 'at least 3 of the character classes'),
    ('admin', 'at least 8 characters'),
])
def test_weak_password_is_refused_before_any_request(run_module, warnings, user_password, rule):
    """Case 17: the policy is checked before any device call; the error names the rule, never the password."""
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run_module(onvif_camera_user.main, args(cam, user_password=user_password))
    assert failed and rule in result['msg'] and cam.requests == []
    if len(user_password) > 1:
        assert user_password not in result['msg']


def test_vendor_password_limit(run_module, warnings):
    """Case 17: the vendor's own limit (Hikvision 8-16) is data and is checked before any request."""
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run(run_module, cam, vendor='hikvision', user_password=VAULT + '-Longer')
    assert failed and 'at most 16 characters (hikvision)' in result['msg'] and cam.requests == []


def test_password_policy_can_be_relaxed(run_module, warnings):
    with AccountCamera(accounts=[admin()]) as cam:
        result, failed = run_module(onvif_camera_user.main, args(cam, user_password='onlylowercase',
                                                                 password_policy={'min_classes': 1}))
    assert not failed, result['msg']
    assert cam.account('admin')['password'] == 'onlylowercase'


def test_changed_when_a_later_call_fails(run_module, warnings):
    """Case 18: SetUser succeeded, reading the accounts back failed: failed with changed=true and what was done."""
    calls = []

    def users_then_fail(req):
        calls.append(req['op'])
        if len(calls) > 1:
            return 500, fakecam.fault('s:Receiver', ('ter:Action',), 'Action failed'), 'application/soap+xml'
        return None
    with AccountCamera(accounts=[admin()]) as cam:
        original = cam.answer
        cam.answer = lambda req: (req['op'] == 'GetUsers' and users_then_fail(req)) or original(req)
        result, failed = run(run_module, cam)
        assert cam.account('admin')['password'] == VAULT
    assert failed and result['changed'] is True and 'SetUser' in result['msg'] and 'GetUsers' in result['msg']


def test_missing_library(run_module, monkeypatch):
    monkeypatch.setattr(_onvif, 'HAS_ONVIF_LIBS', False)
    monkeypatch.setattr(_onvif, 'ONVIF_IMPORT_ERROR', 'ImportError: No module named zeep')
    result, failed = run_module(onvif_camera_user.main, {'hostname': '127.0.0.1', 'password': 'x', 'name': 'admin',
                                                         'user_password': VAULT})
    assert failed and '(lxml)' in result['msg']


# -------------------------------------------------------------------------- documentation --
def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(onvif_camera_user.DOCUMENTATION)
    options = doc['options']
    assert options['vendor']['choices'] == ['auto'] + list(_onvif.users.VENDORS)
    assert options['level']['choices'] == list(_onvif.users.LEVELS)
    assert 'dukcapil.cctv.attributes.ONVIF' in doc['extends_documentation_fragment']
    returned = yaml.safe_load(onvif_camera_user.RETURN)
    assert set(returned) == TOP_KEYS - {'changed'}
    yaml.safe_load(onvif_camera_user.EXAMPLES)
