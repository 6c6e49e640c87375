# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_vendor.onvif.OnvifAccounts: the ONVIF end of first boot, on a stand-in for OnvifClient."""

from __future__ import annotations

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    OnvifAuthError, OnvifConnectionError, OnvifFaultError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import base
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.onvif import OnvifAccounts

NOT_ACTIVATED = {'code': 's:Sender', 'subcodes': ['ter:NotAuthorized'], 'reason': 'Sender not Authorized',
                 'detail': 'The device is not activated'}
REFUSED = {'code': 's:Sender', 'subcodes': ['ter:NotAuthorized'], 'reason': 'Sender not Authorized', 'detail': ''}
PARAMS = dict(hostname='127.0.0.1', port=8000, use_tls=False, validate_certs=True, timeout=5, auth_mode='auto')


class Camera:
    """Users, and what the stand-in client raises."""

    def __init__(self, users=None, anonymous=None, error=None):
        self.users = dict(users or {})
        self.anonymous = anonymous  # None: refuse without 'not activated'; 'fresh': refuse saying not activated
        self.error = error
        self.calls = []


def client_class(camera):
    class Client:
        def __init__(self, hostname, password, port, username, use_tls, validate_certs, timeout, auth_mode):
            assert hostname == '127.0.0.1'
            self.username, self.password = username, password

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def _login(self):
            if camera.error:
                raise camera.error
            if camera.users.get(self.username) != self.password:
                raise OnvifAuthError('credentials refused', device='127.0.0.1:8000', operation='GetUsers', fault=REFUSED)

        def call(self, service, operation, **params):
            self._login()
            camera.calls.append((operation, self.username))
            if operation == 'GetUsers':
                return [{'Username': n, 'UserLevel': 'Administrator'} for n in camera.users]
            user = params['User'][0]
            camera.users[user['Username']] = user['Password']
            return None

        def call_anonymous(self, service, operation, **params):
            camera.calls.append((operation, 'anonymous'))
            if camera.anonymous == 'fresh' and not camera.users:
                if operation == 'CreateUsers':
                    user = params['User'][0]
                    camera.users[user['Username']] = user['Password']
                    return None
                raise OnvifAuthError('refused', device='127.0.0.1:8000', operation=operation, fault=NOT_ACTIVATED)
            raise OnvifAuthError('refused', device='127.0.0.1:8000', operation=operation, fault=REFUSED)
    return Client


def test_login_works_and_is_tried_once_per_pair():
    camera = Camera({'onvifadmin': 'Onvif#2026b'})
    accounts = OnvifAccounts(PARAMS, client_class(camera))
    assert accounts.login_works('onvifadmin', 'Onvif#2026b') is True
    assert accounts.login_works('onvifadmin', 'wrong') is False
    assert accounts.login_works('onvifadmin', 'wrong') is False
    assert camera.calls == [('GetUsers', 'onvifadmin')]


def test_not_activated_refusal_counts_as_no_users_and_profile_q_creates_the_first_admin():
    camera = Camera(anonymous='fresh')
    accounts = OnvifAccounts(PARAMS, client_class(camera))
    assert accounts.anonymous_users() == []
    accounts.create_first_admin('onvifadmin', 'Onvif#2026b')
    assert camera.users == {'onvifadmin': 'Onvif#2026b'}
    assert accounts.anonymous_users() is None


def test_ensure_user_creates_then_updates_as_the_administrator():
    camera = Camera({'root': 'Kantor#2026a'})
    accounts = OnvifAccounts(PARAMS, client_class(camera))
    accounts.ensure_user('root', 'Kantor#2026a', 'onvifadmin', 'Onvif#2026b', 'axis')
    accounts.ensure_user('root', 'Kantor#2026a', 'onvifadmin', 'Onvif#2026c', 'axis')
    assert [c[0] for c in camera.calls] == ['GetUsers', 'CreateUsers', 'GetUsers', 'SetUser']
    assert camera.users['onvifadmin'] == 'Onvif#2026c'


def test_errors_name_vendor_step_and_cause():
    camera = Camera(error=OnvifConnectionError('connection refused', device='127.0.0.1:8000', operation='GetUsers'))
    with pytest.raises(base.VendorConnectionError, match=r'^dahua ONVIF login on 127\.0\.0\.1:8000 failed: '):
        OnvifAccounts(PARAMS, client_class(camera)).login_works('a', 'b', 'dahua')
    fault = {'code': 's:Receiver', 'subcodes': ['ter:ActionNotSupported'], 'reason': 'no', 'detail': ''}
    camera = Camera({'root': 'x'}, error=OnvifFaultError(fault, device='127.0.0.1:8000', operation='CreateUsers'))
    with pytest.raises(base.VendorError) as exc:
        OnvifAccounts(PARAMS, client_class(camera)).ensure_user('root', 'x', 'u', 'p', 'axis')
    assert str(exc.value).startswith('axis ONVIF CreateUsers/SetUser on 127.0.0.1:8000 failed')
    assert 'ter:ActionNotSupported' in str(exc.value)
