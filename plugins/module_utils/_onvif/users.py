# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Camera accounts for onvif_camera_user: logging in, planning a change, applying it.

Passwords are never read from a camera (ONVIF GetUsers does not return them), never compared
with anything but by logging in with them, and never put into a result, a diff or a message.

A camera counts every refused login and some lock the account, or the controller's address,
after a few; :class:`Logins` therefore tries each user/password pair at most once per run and
reuses the outcome. Nothing is inferred that was not seen: a camera counts as never activated
only on positive evidence (it says so, or it accepts a password it cannot have), and the factory
login is tried (once) or reported unknown, never guessed from the account list.

A password is checked against a policy (:func:`check_password_policy`) before any request.
"""

from __future__ import annotations

import re
import secrets

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.client import OnvifClient
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifError, OnvifFaultError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import (
    as_list, connection_problem, get_identity, get_users, text,
)

LEVELS = ('Administrator', 'Operator', 'User')
VENDORS = tuple(sorted(quirks.FACTORY_CREDENTIALS))
# The logins onvif_camera_user tries, in this order (names only ever reach a result).
LOGIN_ORDER = ('desired', 'given', 'factory', 'activation')
# What a diff shows instead of a password.
PASSWORD_SET = 'set'
PASSWORD_CHANGED = 'changed'

_BAD_NAME = re.compile(r'[\s:]')

# The password policy of onvif_camera_user (its password_policy option; defaults as documented).
PASSWORD_POLICY = {'min_length': 8, 'min_classes': 3, 'max_length': None, 'forbid_factory': True}
CHARACTER_CLASSES = (('lower-case letters', r'[a-z]'), ('upper-case letters', r'[A-Z]'), ('digits', r'[0-9]'),
                     ('other characters', r'[^A-Za-z0-9]'))


class AccountError(OnvifError):
    """What the module cannot or will not do with a camera's accounts (the message says why)."""

    @property
    def message(self):
        return '%s: %s' % (self.device, self.cause) if self.device else self.cause


def check_password_policy(password, name, policy=None, vendor=None, option='user_password'):
    """Refuse a weak password before it reaches a camera; the AccountError names the rule, never the password.

    ``policy`` overrides PASSWORD_POLICY key by key (None keeps the default); the vendor's own
    limits (PASSWORD_LIMITS) apply on top, the stricter one winning.
    """
    rules = dict(PASSWORD_POLICY)
    rules.update((k, v) for k, v in (policy or {}).items() if v is not None and k in PASSWORD_POLICY)
    if not isinstance(rules['min_length'], int) or rules['min_length'] < 1:
        raise AccountError('password_policy.min_length: %r must be at least 1' % rules['min_length'])
    if not 1 <= rules['min_classes'] <= len(CHARACTER_CLASSES):
        raise AccountError('password_policy.min_classes: %r must be from 1 to %d' % (rules['min_classes'], len(CHARACTER_CLASSES)))
    if rules['max_length'] is not None and rules['max_length'] < rules['min_length']:
        raise AccountError('password_policy.max_length: %r is below password_policy.min_length (%r)'
                           % (rules['max_length'], rules['min_length']))
    limits = quirks.PASSWORD_LIMITS.get(vendor) or {}
    checks = [('min_length', rules['min_length'], 'password_policy.min_length')]
    if limits.get('min_length', 0) > rules['min_length']:
        checks = [('min_length', limits['min_length'], vendor)]
    length = len(password)
    for dummy, minimum, source in checks:
        if length < minimum:
            raise AccountError('%s: must have at least %d characters (%s)' % (option, minimum, source))
    maxima = [(m, s) for m, s in ((rules['max_length'], 'password_policy.max_length'), (limits.get('max_length'), vendor)) if m]
    for maximum, source in sorted(maxima, key=lambda m: m[0])[:1]:
        if length > maximum:
            raise AccountError('%s: must have at most %d characters (%s)' % (option, maximum, source))
    min_classes, source = rules['min_classes'], 'password_policy.min_classes'
    if limits.get('min_classes', 0) > min_classes:
        min_classes, source = limits['min_classes'], vendor
    used = sum(1 for dummy, pattern in CHARACTER_CLASSES if re.search(pattern, password))
    if used < min_classes:
        raise AccountError('%s: must use at least %d of the character classes %s (%s); it uses %d' % (
            option, min_classes, ', '.join(label for label, dummy in CHARACTER_CLASSES), source, used))
    if name and password.lower() == name.lower():
        raise AccountError('%s: must not be the account name %r' % (option, name))
    if rules['forbid_factory'] and password.lower() in quirks.KNOWN_FACTORY_PASSWORDS:
        raise AccountError('%s: is a known factory password (password_policy.forbid_factory)' % option)


def validate(params):
    """Check the options before any request; raise AccountError naming the option (never a password's value)."""
    problem = connection_problem(params)
    if problem:
        raise AccountError(problem)
    name = params['name']
    if not name or _BAD_NAME.search(name) or len(name) > 32:
        raise AccountError("name: %r is not a usable account name (1 to 32 characters, no spaces or ':')" % name)
    for option in ('password', 'user_password', 'factory_password'):
        if params.get(option) == '':
            raise AccountError('%s: must not be empty' % option)
    if params.get('factory_username') == '':
        raise AccountError('factory_username: must not be empty')
    if params['state'] == 'present' and params.get('user_password'):
        refuse_factory_password(params, factory_login(params))
        vendor = params.get('vendor') if params.get('vendor') != 'auto' else None
        check_password_policy(params['user_password'], params['name'], params.get('password_policy'), vendor)


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
        self.done = []  # what was written to the camera, for a failure after it (never a password)
        self._outcomes = {}
        self._notes = []

    @property
    def device(self):
        return self.clients[0].device if self.clients else '%s:%s' % (self.params['hostname'], self.params['port'])

    def warn(self, text):
        if text not in self._notes:
            self._notes.append(text)

    def any_login_worked(self):
        return any(client is not None for client in self._outcomes.values())

    @property
    def warnings(self):
        seen = list(self._notes)
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
    """Whether the camera was never activated, on positive evidence only.

    It said so in a refusal; or it lists no account without credentials and either refused every
    login, or (when a login worked) it also accepts a password it cannot have, so it checks no
    credentials at all (the ONVIF core rule for a device without users). A camera that refuses
    anonymous access, lists an account, or checks the password of a login that worked has users.
    """
    if logins.not_activated:
        return True
    client = logins.connect('', '')
    try:
        listed = client.call_anonymous('device', 'GetUsers')
    except OnvifAuthError as exc:
        return is_not_activated(exc.fault)
    except OnvifFaultError:
        return False
    if [u for u in as_list(listed) if isinstance(u, dict) and text(u.get('Username'))]:
        return False
    if not logins.any_login_worked():
        return True
    return accepts_any_password(logins)


def accepts_any_password(logins):
    """Whether the camera accepts a random password for the given user (one request; a refusal is expected)."""
    client = logins.connect(logins.params['username'] or 'admin', 'not-a-password-' + secrets.token_hex(12))
    try:
        get_identity(client)
    except OnvifError:
        return False
    return True


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


def describe(name, change):
    """What apply() did, in words (never a password): 'SetUser changed the password of 'admin''."""
    if change['action'] == 'delete':
        return 'DeleteUsers removed %r' % name
    if change['action'] == 'create':
        return 'CreateUsers created %r (%s)' % (name, change['level'])
    return 'SetUser %s of %r (level %s)' % ('changed the password' if change['password'] else 'kept the password', name, change['level'])


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
    knows when it can (the pair was tried; it is the managed account and the desired password
    works), else by logging in with it once. An account missing from GetUsers proves nothing
    (some cameras hide it): it is tried too. When the try itself fails (not a refusal), the
    answer is unknown (None, with a warning), never False.
    """
    if factory is None:
        return None, None
    dummy, username, password = factory
    if username == params['name'] and params['state'] == 'present' and password_works and not logins.tried(username, password):
        before = False  # its password is the desired one, which refuse_factory_password() keeps apart
    else:
        try:
            before = logins.attempt(username, password) is not None
        except OnvifError as exc:
            logins.warn('%s: the factory login could not be tried (%s): factory_credentials_accepted is unknown'
                        % (logins.device, exc.cause))
            return None, None
    after = before
    if before and username == params['name'] and change and (change['action'] == 'delete' or change['password']):
        after = False
    return before, after


def refuse_factory_password(params, factory):
    """A hardened account must not get the factory password of the same account."""
    if (factory and params['state'] == 'present' and factory[1] == params['name']
            and factory[2] == params['user_password']):
        raise AccountError("user_password: is the factory password of the account %r; choose another one" % params['name'])


# ------------------------------------------------------------------------------ the run --
def _no_login_error(logins, tries):
    tried = ', '.join('%s (user %r)' % (label, username) for label, username, dummy in tries) or 'none'
    hint = ''
    if not any(label == 'factory' for label, dummy, dummy2 in tries):
        hint = '; the factory login is not known: set vendor or factory_username/factory_password'
    return AccountError(
        'none of the logins was accepted for managing accounts (tried %s)%s; the camera has accounts, so it cannot be '
        'activated' % (tried, hint), device=logins.device)


def manage(params, check_mode, logins):
    """onvif_camera_user: read the accounts, plan, apply unless in check mode, and report (the result dict).

    Warnings go to ``logins.warn``; what was written is in ``logins.done`` when a later step fails.
    """
    name, password = params['name'], params['user_password']
    present = params['state'] == 'present'
    factory = factory_login(params)
    refuse_factory_password(params, factory)

    # Read: log in (desired, given, factory), else find out whether the camera has no user.
    tries = candidates(params)
    session = open_session(logins, tries)
    if session is None:
        if not has_no_users(logins):
            raise _no_login_error(logins, tries)
        if not present:
            return dict(changed=False, login_used=None, user=None, users=[], activated=False,
                        factory_credentials_accepted=False, factory_credentials_accepted_before=False,
                        factory_credentials_source=factory[0] if factory else None, identity=None,
                        diff=dict(before=diff_view([]), after=diff_view([])))
        if not params['activate']:
            raise AccountError('the camera has no user (it was never activated) and activate is false', device=logins.device)
        session = ('activation', None, [])
    login_used, client, before = session
    if client is not None and not before and not has_no_users(logins):
        # Activated, yet it lists nobody (Pelco answers GetUsers without any User): nothing can be planned safely.
        raise AccountError('the camera lists no account (GetUsers is empty) although it accepted the login of %r; '
                           'accounts it does not list cannot be managed' % client.username, device=logins.device)
    activation = not before
    if activation and params['level'] not in (None, 'Administrator'):
        raise AccountError('level: the first account of a camera must be an Administrator, not %r' % params['level'],
                           device=logins.device)

    if present and params['vendor'] == 'auto' and logins.identity:  # the vendor's password limits, before any change
        check_password_policy(password, name, params['password_policy'],
                              vendor_of(logins.identity['manufacturer']))
    if factory is None and params['factory_username'] is None and logins.identity:
        factory = factory_login(params, logins.identity['manufacturer'])
        refuse_factory_password(params, factory)
        if factory is None:
            logins.warn('%s: no factory login is known for manufacturer %r; set vendor or factory_username/factory_password '
                        'to check it' % (logins.device, logins.identity['manufacturer']))

    # Diff: what the managed account needs.
    password_works = bool(present and find(before, name) and logins.tried(name, password)
                          and logins.attempt(name, password) is not None)
    if activation and present:
        change = {'action': 'create', 'level': 'Administrator', 'password': True}
    else:
        change = plan(before, params, password_works)
    if change and change['action'] == 'delete' and client.username == name:
        raise AccountError('refusing to remove the account %r: this task logged in with it; log in as another '
                           'Administrator (username/password)' % name, device=logins.device)
    factory_before, factory_after = factory_status(logins, factory, before, params, password_works, change)
    after = predict(before, name, change)

    # Apply, unless in check mode; then read the accounts again, logged in with what works now.
    if change and not check_mode:
        if activation:
            activate(logins, name, password)
            logins.done.append('CreateUsers created the first Administrator %r' % name)
        else:
            apply(client, name, password, change)
            logins.done.append(describe(name, change))
        reader = client
        if change['password']:
            logins.forget(name, password)
            proved = logins.attempt(name, password)
            if proved is None:
                raise AccountError('the camera accepted the new password of %r but refuses it at login' % name,
                                   device=logins.device)
            if activation or client.username == name:
                reader = proved
        after = get_users(reader)

    user = find(after, name)
    return dict(changed=bool(change), login_used='activation' if activation and present else login_used,
                user=dict(user) if user else None, users=after, activated=bool(after),
                factory_credentials_accepted=factory_after, factory_credentials_accepted_before=factory_before,
                factory_credentials_source=factory[0] if factory else None, identity=logins.identity,
                diff=dict(before=diff_view(before), after=diff_view(after, name, change)))
