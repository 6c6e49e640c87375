# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ONVIF end of every first boot, on the collection's ONVIF client (``_onvif.OnvifClient``).

* :meth:`OnvifAccounts.login_works` -- the proof: log in with the ONVIF account and read the
  account list (GetUsers needs an Administrator, the level the later steps need).
* :meth:`OnvifAccounts.anonymous_users` -- GetUsers without credentials: ``[]`` on a device in
  the ONVIF Profile Q factory default state (or one whose refusal says it is not activated),
  None when the device refuses anonymous access.
* :meth:`OnvifAccounts.create_first_admin` -- Profile Q activation (anonymous CreateUsers). Profile
  Q was deprecated by ONVIF in 2022; it stays for devices that implement it (vendor ``onvif``).
* :meth:`OnvifAccounts.ensure_user` -- CreateUsers or SetUser as an existing administrator, the
  ONVIF core way (used for Axis and Dahua, whose native APIs for ONVIF accounts are not
  established by the evidence).
"""

from __future__ import annotations

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    OnvifAuthError, OnvifClient, OnvifConnectionError, OnvifError, OnvifTimeoutError, get_users,
    users as onvif_users,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    VendorConnectionError, VendorError, VendorRefused,
)


class OnvifAccounts:
    """ONVIF calls for first boot, against the one ``hostname``:``port`` of the module's options."""

    def __init__(self, params, client_class=OnvifClient):
        self.params = params
        self.client_class = client_class
        self._logins = {}

    def _client(self, username, password):
        p = self.params
        return self.client_class(hostname=p['hostname'], password=password, port=p['port'], username=username,
                                 use_tls=p['use_tls'], validate_certs=p['validate_certs'], timeout=p['timeout'],
                                 auth_mode=p.get('auth_mode') or 'auto')

    @staticmethod
    def _error(step, exc, vendor):
        cls = VendorError
        if isinstance(exc, (OnvifConnectionError, OnvifTimeoutError)):
            cls = VendorConnectionError
        return cls(exc.cause if getattr(exc, 'cause', None) else str(exc), vendor=vendor, step=step,
                   device=getattr(exc, 'device', None), http_status=getattr(exc, 'http_status', None),
                   device_status=getattr(exc, 'subcode', None))

    def login_works(self, username, password, vendor='onvif', step='ONVIF login'):
        """Whether ``username``/``password`` logs in over ONVIF (GetUsers); refused -> False. Tried once per pair."""
        key = (username, password)
        if key in self._logins:
            return self._logins[key]
        try:
            with self._client(username, password) as client:
                get_users(client)
            works = True
        except OnvifAuthError:
            works = False
        except OnvifError as exc:
            raise self._error(step, exc, vendor) from None
        self._logins[key] = works
        return works

    def forget(self):
        self._logins.clear()

    def anonymous_users(self, vendor='onvif', step='ONVIF GetUsers without credentials'):
        """[{name, level}] without credentials, or None when the device refuses anonymous access."""
        try:
            with self._client('', '') as client:
                listed = client.call_anonymous('device', 'GetUsers')
        except OnvifAuthError as exc:
            # A refusal that says "not activated" is positive evidence of no users (onvif_camera_user's rule).
            return [] if onvif_users.is_not_activated(exc.fault) else None
        except OnvifError as exc:
            raise self._error(step, exc, vendor) from None
        listed = listed if isinstance(listed, list) else [listed] if listed else []
        return [{'name': str(u.get('Username') or ''), 'level': str(u.get('UserLevel') or '')}
                for u in listed if isinstance(u, dict) and u.get('Username')]

    def create_first_admin(self, username, password, vendor='onvif', step='ONVIF CreateUsers without credentials'):
        try:
            with self._client('', '') as client:
                client.call_anonymous('device', 'CreateUsers',
                                      User=[{'Username': username, 'Password': password, 'UserLevel': 'Administrator'}])
        except OnvifError as exc:
            raise self._error(step, exc, vendor) from None
        self.forget()

    def ensure_user(self, admin_username, admin_password, username, password, vendor, step='ONVIF CreateUsers/SetUser'):
        """Create ``username`` as Administrator, or set its password and level, logged in as the administrator."""
        try:
            with self._client(admin_username, admin_password) as client:
                names = [u['name'] for u in get_users(client)]
                user = {'Username': username, 'Password': password, 'UserLevel': 'Administrator'}
                if username in names:
                    client.call('device', 'SetUser', User=[user])
                else:
                    client.call('device', 'CreateUsers', User=[user])
        except OnvifError as exc:
            raise self._error(step, exc, vendor) from None
        self.forget()


class OnvifProfileQ:
    """Vendor ``onvif``: ONVIF Profile Q first boot (anonymous CreateUsers on a device without users).

    Deprecated by ONVIF in 2022 and kept for devices that implement it. The first Administrator
    is the ONVIF account itself (``username``/``password``); ``admin_username`` is not used.
    """

    VENDOR = 'onvif'
    ADMIN_USERNAME = None
    EVIDENCE = {
        'a device in the Profile Q factory default state lists no user without credentials and accepts an '
        'anonymous CreateUsers': 'documented (A4, ONVIF Profile Q, deprecated 2022)',
        'a device must not allow anonymous users to be added once it has users': 'documented (A4, ONVIF Core)',
    }

    def __init__(self, params, onvif, **dummy):
        self.params = params
        self.onvif = onvif
        self.device = '%s:%s' % (params['hostname'], params['port'])
        self.done = []
        self.warnings = []

    def read(self):
        users = self.onvif.anonymous_users()
        if users == []:
            return {'activated': False, 'onvif_enabled': True, 'onvif_user': None, 'onvif_login': None}
        name, password = self.params['username'], self.params['password']
        if not self.onvif.login_works(name, password):
            raise VendorRefused(
                'the device has users and refuses %r with password: activated by someone else (or with another '
                'password); it is not activated again' % name, vendor='onvif', step='ONVIF login', device=self.device)
        return {'activated': True, 'onvif_enabled': True, 'onvif_user': {'name': name, 'level': 'Administrator'},
                'onvif_login': True}

    @staticmethod
    def plan(state):
        return [] if state['activated'] else ['create_first_admin']

    def check_supported(self, steps):
        return None

    def apply(self, steps):
        if 'create_first_admin' in steps:
            self.onvif.create_first_admin(self.params['username'], self.params['password'])
            self.done.append('created the first ONVIF administrator %s (Profile Q)' % self.params['username'])
