# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The account helpers behind onvif_camera_user, and a fake camera with an account table.

:class:`AccountCamera` extends the client tests' fake camera (test_onvif_fakecam.py) with
several accounts, access levels, GetUsers/CreateUsers/SetUser/DeleteUsers and a factory state
without users; the module tests load it with :func:`load`.
"""

from __future__ import annotations

import importlib.util
import os

import pytest
from lxml import etree

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import users

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('onvif_fakecam', os.path.join(HERE, 'test_onvif_fakecam.py'))
fakecam = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fakecam)

ADMIN_OPS = frozenset(['GetUsers', 'CreateUsers', 'SetUser', 'DeleteUsers'])
CHANGING_OPS = frozenset(['CreateUsers', 'SetUser', 'DeleteUsers'])
NOT_ACTIVATED = fakecam.fault('s:Sender', ('ter:NotAuthorized',), 'Sender not Authorized').replace(
    '</s:Reason>', '</s:Reason><s:Detail>The device is not activated</s:Detail>')


def load():
    """This module, for the module tests (pytest runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location('onvif_account_camera', os.path.abspath(__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _local(element):
    return etree.QName(element).localname


class AccountCamera(fakecam.FakeCamera):
    """A fake camera with accounts: ``accounts`` is a list of {name, password, level}.

    With no account it is "not activated": every authenticated request is refused with "The
    device is not activated" and CreateUsers is accepted without credentials (the simulator's
    Hikvision behaviour), or, with ``core_rule=True``, every request is answered without
    credentials (the ONVIF core rule for a device without users). ``manufacturer`` is what
    GetDeviceInformation reports. WS-Security only.
    """

    def __init__(self, accounts=(), manufacturer='FakeVendor', core_rule=False, hide_users=False, hidden=(),
                 anonymous_users_empty=False, **kwargs):
        super().__init__(**kwargs)
        self.accounts = [dict(a) for a in accounts]
        self.manufacturer = manufacturer
        self.core_rule = core_rule
        self.hide_users = hide_users  # GetUsers lists nobody (as pelco-d6230l does)
        self.hidden = set(hidden)     # accounts GetUsers leaves out (a hidden factory account)
        self.anonymous_users_empty = anonymous_users_empty  # GetUsers without credentials answers an empty list

    def changes(self):
        return [op for op in self.ops() if op in CHANGING_OPS]

    def refused(self):
        """How many requests were refused for their credentials (what a camera counts as failed logins)."""
        return sum(1 for r in self.requests if r.get('refused'))

    def account(self, name):
        return next((a for a in self.accounts if a['name'] == name), None)

    def _caller(self, req):
        token = req['wsse']
        if not token:
            return None
        account = self.account(token['username'])
        if account is None:
            return None
        self.username, self.password = account['name'], account['password']
        return account if self._wsse_ok(req) else None

    def answer(self, req):
        op = req['op']
        if op in self.responses:
            answer = self.responses[op]
            return answer(req) if callable(answer) else answer
        if op == 'GetUsers' and self.anonymous_users_empty and not req['wsse']:
            return 200, fakecam.ENVELOPE % '<tds:GetUsersResponse/>', 'application/soap+xml'
        if op not in self.preauth:
            if not self.accounts and not self.core_rule:
                if op != 'CreateUsers':
                    req['refused'] = True
                    return 400, NOT_ACTIVATED, 'application/soap+xml'
            elif self.accounts:
                caller = self._caller(req)
                if caller is None or (op in ADMIN_OPS and caller['level'] != 'Administrator'):
                    req['refused'] = caller is None
                    return 400, fakecam.NOT_AUTHORIZED, 'application/soap+xml'
        method = getattr(self, 'op_' + op, None)
        if method is None:
            return 500, fakecam.fault(), 'application/soap+xml'
        return 200, fakecam.ENVELOPE % method(req), 'application/soap+xml'

    def _request(self, req):
        body = etree.fromstring(req['body']).find('{http://www.w3.org/2003/05/soap-envelope}Body')
        return body[0]

    def _users_in(self, req):
        found = []
        for element in self._request(req):
            if _local(element) == 'User':
                fields = dict((_local(e), e.text) for e in element)
                found.append({'name': fields.get('Username'), 'password': fields.get('Password'), 'level': fields.get('UserLevel')})
        return found

    def op_GetDeviceInformation(self, req):
        return super().op_GetDeviceInformation(req).replace('FakeVendor', self.manufacturer)

    def op_GetUsers(self, req):
        return '<tds:GetUsersResponse>%s</tds:GetUsersResponse>' % ''.join(
            '<tds:User><tt:Username>%s</tt:Username><tt:UserLevel>%s</tt:UserLevel></tds:User>' % (a['name'], a['level'])
            for a in self.accounts if not self.hide_users and a['name'] not in self.hidden)

    def op_CreateUsers(self, req):
        for user in self._users_in(req):
            if self.account(user['name']):
                raise fakecam._Reply(400, fakecam.fault('s:Sender', ('ter:OperationProhibited', 'ter:UsernameClash'),
                                                        'Username already exists'))
            self.accounts.append(user)
        return '<tds:CreateUsersResponse/>'

    def op_SetUser(self, req):
        for user in self._users_in(req):
            account = self.account(user['name'])
            if account is None:
                raise fakecam._Reply(400, fakecam.fault('s:Sender', ('ter:InvalidArgVal', 'ter:UsernameMissing'),
                                                        'Username NOT recognized.'))
            if user['password'] is not None:
                account['password'] = user['password']
            account['level'] = user['level']
        return '<tds:SetUserResponse/>'

    def op_DeleteUsers(self, req):
        names = [e.text for e in self._request(req) if _local(e) == 'Username']
        self.accounts = [a for a in self.accounts if a['name'] not in names]
        return '<tds:DeleteUsersResponse/>'


def params(cam, **extra):
    result = {'hostname': '127.0.0.1', 'port': cam.port, 'username': 'admin', 'password': 'Adm1n-Vault', 'use_tls': False,
              'validate_certs': True, 'timeout': 5, 'auth_mode': 'auto', 'name': 'admin', 'user_password': 'Adm1n-Vault',
              'level': None, 'state': 'present', 'activate': True, 'vendor': 'auto', 'factory_username': None,
              'factory_password': None}
    result.update(extra)
    return result


# ------------------------------------------------------------------------- pure helpers --
def test_package_exports_the_account_helpers():
    assert _onvif.users is users and _onvif.AccountError is users.AccountError
    assert issubclass(users.AccountError, _onvif.OnvifError)


@pytest.mark.parametrize('manufacturer,vendor', [
    ('AXIS', 'axis'), ('Axis Communications AB', 'axis'), ('HIKVISION', 'hikvision'), ('Dahua', 'dahua'),
    ('UNV', 'uniview'), ('Uniview', 'uniview'), ('ONVIF', None), ('', None), ('Taxis Inc', None),
])
def test_vendor_of_manufacturer(manufacturer, vendor):
    assert users.vendor_of(manufacturer) == vendor


def test_factory_login_sources():
    base = {'factory_username': None, 'factory_password': None, 'vendor': 'auto'}
    assert users.factory_login(base) is None
    assert users.factory_login(base, 'AXIS') == ('axis', 'root', 'pass')
    assert users.factory_login(dict(base, vendor='hikvision'), 'AXIS') == ('hikvision', 'admin', '12345')
    assert users.factory_login(dict(base, vendor='axis', factory_username='svc', factory_password='x')) == ('options', 'svc', 'x')
    assert set(users.VENDORS) == set(quirks.FACTORY_CREDENTIALS)


def test_candidates_follow_the_login_order_without_repeating_a_pair():
    base = {'state': 'present', 'name': 'admin', 'user_password': 'V', 'username': 'admin', 'password': 'V',
            'factory_username': None, 'factory_password': None, 'vendor': 'axis'}
    assert users.candidates(base) == [('desired', 'admin', 'V'), ('factory', 'root', 'pass')]
    assert [c[0] for c in users.candidates(dict(base, password='W'))] == ['desired', 'given', 'factory']
    absent = dict(base, state='absent', user_password=None, vendor='auto')
    assert users.candidates(absent) == [('given', 'admin', 'V')]


@pytest.mark.parametrize('change,message', [
    ({'name': 'two words'}, "name: 'two words' is not a usable account name"),
    ({'name': 'a:b'}, "name: 'a:b' is not a usable account name"),
    ({'name': 'x' * 33}, 'is not a usable account name'),
    ({'user_password': ''}, 'user_password: must not be empty'),
    ({'factory_password': ''}, 'factory_password: must not be empty'),
    ({'timeout': 0}, 'timeout: 0 must be at least 1 (seconds)'),
    ({'port': 70000}, 'port: 70000 is not a TCP port (1 to 65535)'),
    ({'hostname': ''}, "hostname: '' is empty"),
])
def test_validate_names_the_option(change, message):
    base = {'hostname': '127.0.0.1', 'name': 'admin', 'password': 'p', 'user_password': 'Qq-Strong-Pw1', 'factory_username': None,
            'factory_password': None, 'timeout': 5, 'port': 80, 'state': 'present', 'vendor': 'auto', 'password_policy': {}}
    base.update(change)
    with pytest.raises(users.AccountError) as exc:
        users.validate(base)
    assert message in str(exc.value)


@pytest.mark.parametrize('fault,expected', [
    ({'reason': 'Sender not Authorized', 'detail': 'The device is not activated'}, True),
    ({'reason': 'Device not yet activated', 'detail': ''}, True),
    ({'reason': 'Sender not Authorized', 'detail': ''}, False),
    (None, False),
])
def test_is_not_activated(fault, expected):
    assert users.is_not_activated(fault) is expected


USERS = [{'name': 'admin', 'level': 'Administrator'}, {'name': 'viewer', 'level': 'User'}]


@pytest.mark.parametrize('options,works,expected', [
    ({'name': 'admin'}, True, None),
    ({'name': 'admin'}, False, {'action': 'update', 'level': 'Administrator', 'password': True}),
    ({'name': 'viewer', 'level': 'Operator'}, True, {'action': 'update', 'level': 'Operator', 'password': False}),
    ({'name': 'viewer', 'level': 'User'}, True, None),
    ({'name': 'ops', 'level': 'Operator'}, False, {'action': 'create', 'level': 'Operator', 'password': True}),
    ({'name': 'viewer', 'state': 'absent'}, False, {'action': 'delete', 'level': 'User', 'password': False}),
    ({'name': 'nobody', 'state': 'absent'}, False, None),
])
def test_plan(options, works, expected):
    options = dict({'state': 'present', 'level': None}, **options)
    assert users.plan(USERS, options, works) == expected


def test_plan_needs_a_level_to_create():
    with pytest.raises(users.AccountError) as exc:
        users.plan(USERS, {'name': 'ops', 'state': 'present', 'level': None}, False)
    assert str(exc.value) == "level: needed to create the account 'ops', which the camera does not have"


def test_predict_and_diff_view_never_hold_a_password():
    created = {'action': 'create', 'level': 'User', 'password': True}
    after = users.predict(USERS, 'guest', created)
    assert after[-1] == {'name': 'guest', 'level': 'User'}
    assert users.diff_view(after, 'guest', created)['users'][-1] == {'name': 'guest', 'level': 'User', 'password': 'set'}
    rotated = {'action': 'update', 'level': 'Administrator', 'password': True}
    assert users.diff_view(users.predict(USERS, 'admin', rotated), 'admin', rotated)['users'][0]['password'] == 'changed'
    assert users.predict(USERS, 'viewer', {'action': 'delete', 'level': 'User', 'password': False}) == USERS[:1]
    assert users.predict(USERS, 'admin', None) == USERS and users.predict(USERS, 'admin', None) is not USERS


def test_refuse_factory_password_for_the_same_account():
    options = {'state': 'present', 'name': 'root', 'user_password': 'pass'}
    with pytest.raises(users.AccountError) as exc:
        users.refuse_factory_password(options, ('axis', 'root', 'pass'))
    assert 'user_password: is the factory password' in str(exc.value) and "'pass'" not in str(exc.value)
    users.refuse_factory_password(dict(options, name='ops'), ('axis', 'root', 'pass'))  # another account: allowed
    users.refuse_factory_password(options, None)


# --------------------------------------------------------------- against the fake camera --
def test_logins_try_each_pair_once_and_keep_the_working_method():
    with AccountCamera(accounts=[{'name': 'admin', 'password': 'Adm1n-Vault', 'level': 'Administrator'}]) as cam:
        logins = users.Logins(params(cam))
        try:
            assert logins.attempt('admin', 'wrong') is None
            assert logins.attempt('admin', 'wrong') is None  # remembered, not asked again
            refused_once = cam.refused()
            client = logins.attempt('admin', 'Adm1n-Vault')
            assert client is not None and logins.auth_mode == 'wsse'
            assert logins.identity['manufacturer'] == 'FakeVendor'
            assert logins.attempt('nobody', 'x') is None
        finally:
            logins.close()
    assert refused_once == 2  # WS-Security, then HTTP Digest, for the first refused pair
    assert cam.refused() == 3  # ... and only WS-Security once a method is known


def test_open_session_skips_a_login_that_cannot_manage_accounts():
    accounts = [{'name': 'admin', 'password': 'Adm1n-Vault', 'level': 'Administrator'},
                {'name': 'viewer', 'password': 'View3r-Pass', 'level': 'User'}]
    with AccountCamera(accounts=accounts) as cam:
        logins = users.Logins(params(cam))
        try:
            label, client, listed = users.open_session(logins, [('desired', 'viewer', 'View3r-Pass'),
                                                                ('given', 'admin', 'Adm1n-Vault')])
        finally:
            logins.close()
    assert label == 'given' and client.username == 'admin'
    assert listed == [{'name': 'admin', 'level': 'Administrator'}, {'name': 'viewer', 'level': 'User'}]


def test_open_session_stops_at_a_camera_that_is_not_activated():
    with AccountCamera() as cam:
        logins = users.Logins(params(cam))
        try:
            assert users.open_session(logins, [('desired', 'admin', 'a'), ('given', 'admin', 'b')]) is None
            assert logins.not_activated and users.has_no_users(logins)
        finally:
            logins.close()
    assert cam.ops().count('GetDeviceInformation') == 2  # the second pair was not tried (wsse, then digest, of the first)


def test_has_no_users_core_rule_and_activated():
    with AccountCamera(core_rule=True) as cam:
        logins = users.Logins(params(cam))
        try:
            assert users.has_no_users(logins) is True
        finally:
            logins.close()
    with AccountCamera(accounts=[{'name': 'admin', 'password': 'x', 'level': 'Administrator'}]) as cam:
        logins = users.Logins(params(cam))
        try:
            assert users.has_no_users(logins) is False
        finally:
            logins.close()
    assert cam.refused() == 1 and cam.requests[0]['wsse'] is None  # asked without credentials


def test_activate_creates_the_first_administrator_without_credentials():
    with AccountCamera() as cam:
        logins = users.Logins(params(cam))
        try:
            users.activate(logins, 'admin', 'Adm1n-Vault')
        finally:
            logins.close()
        create = [r for r in cam.requests if r['op'] == 'CreateUsers'][0]
    assert create['wsse'] is None and 'Authorization' not in create['headers']
    assert cam.accounts == [{'name': 'admin', 'password': 'Adm1n-Vault', 'level': 'Administrator'}]


def test_factory_status_answers_from_the_account_list_when_it_can():
    accounts = [{'name': 'root', 'password': 'pass', 'level': 'Administrator'},
                {'name': 'admin', 'password': 'Adm1n-Vault', 'level': 'Administrator'}]
    listed = [{'name': a['name'], 'level': a['level']} for a in accounts]
    with AccountCamera(accounts=accounts) as cam:
        logins = users.Logins(params(cam))
        try:
            options = params(cam, name='admin')
            # the factory account is listed and not the managed one: one login answers it
            assert users.factory_status(logins, ('axis', 'root', 'pass'), listed, options, True, None) == (True, True)
            asked = len(cam.requests)
            # asked again: remembered
            assert users.factory_status(logins, ('axis', 'root', 'pass'), listed, options, True, None) == (True, True)
            assert len(cam.requests) == asked
            # rotating the factory account itself: accepted before, not after
            rotate = {'action': 'update', 'level': 'Administrator', 'password': True}
            assert users.factory_status(logins, ('axis', 'root', 'pass'), listed, params(cam, name='root'), False,
                                        rotate) == (True, False)
            # the managed account, whose desired password works: refused without trying
            assert users.factory_status(logins, ('x', 'admin', '12345'), listed, options, True, None) == (False, False)
            assert len(cam.requests) == asked
            # not listed: still tried once (case 16: a hidden account is no proof), never inferred
            assert users.factory_status(logins, ('x', 'installer', 'y'), listed, options, True, None) == (False, False)
            assert len(cam.requests) > asked
            assert users.factory_status(logins, None, listed, options, True, None) == (None, None)
        finally:
            logins.close()


# ------------------------------------------------------------------ issue 10: password policy --
POLICY = {'min_length': 8, 'min_classes': 3, 'max_length': None, 'forbid_factory': True}


@pytest.mark.parametrize('password, vendor, rule', [
    ('a', None, 'at least 8 characters'),
    ('12345678', None, 'at least 3 of the character classes'),
    ('admin', None, 'at least 8 characters'),
    ('Camera-Admin', None, None),
    ('Admin-Pass1', None, 'the account name'),
    ('Vault-Cctv-26!x-long', 'hikvision', 'at most 16 characters (hikvision)'),
    ('Vault-Cctv-26!x', 'hikvision', None),
])
def test_password_policy(password, vendor, rule):
    """Case 17: the rule is named, the password never."""
    name = 'admin-pass1' if password == 'Admin-Pass1' else 'admin'
    if rule is None:
        users.check_password_policy(password, name, POLICY, vendor)
        return
    with pytest.raises(users.AccountError) as exc:
        users.check_password_policy(password, name, POLICY, vendor)
    assert rule in str(exc.value) and 'user_password' in str(exc.value)
    if len(password) > 2:
        assert password not in str(exc.value)


def test_password_policy_refuses_a_known_factory_password():
    policy = dict(POLICY, min_classes=1, min_length=4)
    for known in ('12345', 'pass', '888888'):
        with pytest.raises(users.AccountError, match='known factory password'):
            users.check_password_policy(known, 'viewer', policy, None)


def test_password_policy_is_configurable():
    users.check_password_policy('abcdefgh', 'admin', dict(POLICY, min_classes=1), None)
    with pytest.raises(users.AccountError, match=r'password_policy\.min_classes: 5 must be from 1 to 4'):
        users.check_password_policy('abcdefgh', 'admin', dict(POLICY, min_classes=5), None)
