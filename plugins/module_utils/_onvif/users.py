# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Camera accounts for onvif_camera_user: logging in, planning a change, applying it.

Passwords are never read from a camera (ONVIF GetUsers does not return them), never compared
with anything but by logging in with them, and never put into a result, a diff or a message.

A camera counts every refused login and some lock the account, or the controller's address,
after a few; :class:`Logins` therefore tries each user/password pair at most once per run and
reuses the outcome, and the factory check is answered from the account list whenever it can.
"""

from __future__ import annotations

import re

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.client import OnvifClient
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifError, OnvifFaultError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import as_list, get_identity, get_users, text

LEVELS = ('Administrator', 'Operator', 'User')
VENDORS = tuple(sorted(quirks.FACTORY_CREDENTIALS))
# The logins onvif_camera_user tries, in this order (names only ever reach a result).
LOGIN_ORDER = ('desired', 'given', 'factory', 'activation')
# What a diff shows instead of a password.
PASSWORD_SET = 'set'
PASSWORD_CHANGED = 'changed'

_BAD_NAME = re.compile(r'[\s:]')


class AccountError(OnvifError):
    """What the module cannot or will not do with a camera's accounts (the message says why)."""

    @property
    def message(self):
        return '%s: %s' % (self.device, self.cause) if self.device else self.cause


def validate(params):
    """Check the account options; raise AccountError naming the option (never a password's value)."""
    name = params['name']
    if not name or _BAD_NAME.search(name) or len(name) > 32:
        raise AccountError("name: %r is not a usable account name (1 to 32 characters, no spaces or ':')" % name)
    for option in ('password', 'user_password', 'factory_password'):
        if params.get(option) == '':
            raise AccountError('%s: must not be empty' % option)
    if params.get('factory_username') == '':
        raise AccountError('factory_username: must not be empty')
    if params['timeout'] <= 0:
        raise AccountError('timeout: must be a positive number of seconds, not %r' % params['timeout'])
    if not 0 < params['port'] < 65536:
        raise AccountError('port: %r is not a TCP port (1-65535)' % params['port'])


def is_not_activated(fault):
    """Whether a refusal says the camera was never activated (NOT_ACTIVATED_PATTERNS)."""
    if not fault:
        return False
    said = ' '.join([fault.get('reason') or '', fault.get('detail') or ''])
    return any(re.search(pattern, said, re.IGNORECASE) for pattern in quirks.NOT_ACTIVATED_PATTERNS)


def vendor_of(manufacturer):
    """The FACTORY_CREDENTIALS key whose manufacturer patterns match, or None."""
    for vendor in VENDORS:
        if any(re.search(p, manufacturer or '', re.IGNORECASE) for p in quirks.FACTORY_CREDENTIALS[vendor]['manufacturers']):
            return vendor
    return None


def factory_login(params, manufacturer=None):
    """``(source, username, password)`` of the factory login, or None when it is not known.

    The options factory_username/factory_password win; else the vendor's entry of
    FACTORY_CREDENTIALS (``vendor: auto``: the one matching ``manufacturer``, once known).
    ``source`` is the vendor key, or ``options``.
    """
    if params.get('factory_username') is not None:
        return 'options', params['factory_username'], params['factory_password']
    vendor = params.get('vendor') or 'auto'
    if vendor == 'auto':
        vendor = vendor_of(manufacturer) if manufacturer else None
    entry = quirks.FACTORY_CREDENTIALS.get(vendor)
    return (vendor, entry['username'], entry['password']) if entry else None


def candidates(params):
    """``[(label, username, password)]`` to log in with, in LOGIN_ORDER, each pair once."""
    found = []
    if params['state'] == 'present':
        found.append(('desired', params['name'], params['user_password']))
    found.append(('given', params['username'], params['password']))
    factory = factory_login(params)
    if factory:
        found.append(('factory', factory[1], factory[2]))
    unique, seen = [], set()
    for label, username, password in found:
        if username and password and (username, password) not in seen:
            seen.add((username, password))
            unique.append((label, username, password))
    return unique


class Logins:
    """Logs in to one camera, each user/password pair at most once per run.

    ``attempt()`` proves a pair with GetDeviceInformation (any access level may read it) and
    remembers the client, or None when the camera refused it; ``forget()`` drops an outcome
    after that account's password was changed. The authentication method that worked first
    (WS-Security or HTTP Digest) is used for every later pair, so a refused pair costs one
    refused request, not two.
    """

    def __init__(self, params, client_class=OnvifClient):
        self.params = params
        self.client_class = client_class
        self.auth_mode = params['auth_mode']
        self.not_activated = False
        self.identity = None
        self.clients = []
        self._outcomes = {}

    @property
    def device(self):
        return self.clients[0].device if self.clients else '%s:%s' % (self.params['hostname'], self.params['port'])

    @property
    def warnings(self):
        seen = []
        for client in self.clients:
            seen.extend(w for w in client.warnings if w not in seen)
        return seen

    def connect(self, username, password):
        params = self.params
        client = self.client_class(hostname=params['hostname'], password=password, port=params['port'], username=username,
                                   use_tls=params['use_tls'], validate_certs=params['validate_certs'],
                                   timeout=params['timeout'], auth_mode=self.auth_mode)
        self.clients.append(client)
        return client

    def tried(self, username, password):
        return (username, password) in self._outcomes

    def attempt(self, username, password):
        """The logged-in client, or None when the camera refused this user/password."""
        key = (username, password)
        if key not in self._outcomes:
            client = self.connect(username, password)
            try:
                identity = get_identity(client)
            except OnvifAuthError as exc:
                self.not_activated = self.not_activated or is_not_activated(exc.fault)
                client = None
            else:
                self.identity = self.identity or identity
                if client.auth_used:
                    self.auth_mode = client.auth_used
            self._outcomes[key] = client
        return self._outcomes[key]

    def forget(self, username, password):
        self._outcomes.pop((username, password), None)

    def close(self):
        for client in self.clients:
            client.close()


def open_session(logins, tries):
    """The first of ``tries`` that logs in as an account allowed to read the accounts.

    Returns ``(label, client, users)`` or None. Stops early when a refusal says the camera was
    never activated (no other pair can work then).
    """
    for label, username, password in tries:
        client = logins.attempt(username, password)
        if client is None:
            if logins.not_activated:
                return None
            continue
        try:
            users = get_users(client)
        except OnvifAuthError:
            continue  # a valid login, but not an Administrator: it cannot manage accounts
        return label, client, users
    return None


def has_no_users(logins):
    """Whether the camera was never activated: it said so, or it lists no account to anyone."""
    if logins.not_activated:
        return True
    client = logins.connect('', '')
    try:
        listed = client.call_anonymous('device', 'GetUsers')
    except OnvifAuthError as exc:
        return is_not_activated(exc.fault)
    except OnvifFaultError:
        return False
    return not [u for u in as_list(listed) if isinstance(u, dict) and text(u.get('Username'))]


def activate(logins, name, password):
    """Create the first Administrator of a camera without users (no credentials: ONVIF core rule)."""
    client = logins.connect('', '')
    client.call_anonymous('device', 'CreateUsers', User=[{'Username': name, 'Password': password, 'UserLevel': 'Administrator'}])


def find(users, name):
    return next((u for u in users if u['name'] == name), None)


def plan(users, params, password_works):
    """The change the managed account needs, or None.

    ``{'action': 'create'|'update'|'delete', 'level': str, 'password': bool}``; ``password``
    says whether the password is (re)set. ``password_works``: the desired password logged in.
    """
    current = find(users, params['name'])
    if params['state'] == 'absent':
        return {'action': 'delete', 'level': current['level'], 'password': False} if current else None
    if current is None:
        if not params['level']:
            raise AccountError("level: needed to create the account %r, which the camera does not have" % params['name'])
        return {'action': 'create', 'level': params['level'], 'password': True}
    level = params['level'] or current['level']
    if level == current['level'] and password_works:
        return None
    return {'action': 'update', 'level': level, 'password': not password_works}


def predict(users, name, change):
    """The account list after ``change`` ([{name, level}], as GetUsers would list it)."""
    if change is None:
        return [dict(u) for u in users]
    if change['action'] == 'delete':
        return [dict(u) for u in users if u['name'] != name]
    if change['action'] == 'create':
        return [dict(u) for u in users] + [{'name': name, 'level': change['level']}]
    return [dict(u, level=change['level']) if u['name'] == name else dict(u) for u in users]


def apply(client, name, password, change):
    """Send the change to the camera (CreateUsers, SetUser or DeleteUsers)."""
    if change['action'] == 'delete':
        client.call('device', 'DeleteUsers', Username=[name])
    elif change['action'] == 'create':
        client.call('device', 'CreateUsers', User=[{'Username': name, 'Password': password, 'UserLevel': change['level']}])
    else:
        user = {'Username': name, 'UserLevel': change['level']}
        if change['password']:
            user['Password'] = password
        client.call('device', 'SetUser', User=[user])


def diff_view(users, name=None, change=None):
    """Accounts for a diff: names and levels, and ``password: set/changed`` (never a value)."""
    view = []
    for user in users:
        entry = {'name': user['name'], 'level': user['level']}
        if change and change['password'] and user['name'] == name:
            entry['password'] = PASSWORD_SET if change['action'] == 'create' else PASSWORD_CHANGED
        view.append(entry)
    return {'users': view}


def factory_status(logins, factory, users, params, password_works, change):
    """Whether the camera accepts the factory login before and after the run: ``(before, after)``.

    (None, None) when the factory login is not known. Answered from what the run already
    knows when it can (the pair was tried; the factory account is not listed; it is the
    managed account and the desired password works), else by logging in with it once.
    """
    if factory is None:
        return None, None
    dummy, username, password = factory
    if logins.tried(username, password):
        before = logins.attempt(username, password) is not None
    elif find(users, username) is None:
        before = False
    elif username == params['name'] and params['state'] == 'present' and password_works:
        before = False  # its password is the desired one, which refuse_factory_password() keeps apart
    else:
        before = logins.attempt(username, password) is not None
    after = before
    if before and username == params['name'] and change and (change['action'] == 'delete' or change['password']):
        after = False
    return before, after


def refuse_factory_password(params, factory):
    """A hardened account must not get the factory password of the same account."""
    if (factory and params['state'] == 'present' and factory[1] == params['name']
            and factory[2] == params['user_password']):
        raise AccountError("user_password: is the factory password of the account %r; choose another one" % params['name'])
