# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Dahua first boot: device initialisation (DevInit over /OutsideCmd) and the RPC2 login.

NOT YET VERIFIED ON A DEVICE: the initialisation exchange rests on third-party
reverse-engineering only (INDEX.md D3); no licensed capture of it exists. The facts and their
confidence are in :data:`EVIDENCE`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import crypto
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    VendorApi, VendorError, VendorRefused, VendorStateError, VendorUnsupported,
)

EVIDENCE = {
    'POST /OutsideCmd DevInit.getStatus without credentials: params.Init & 3 == 1 means factory state':
        'third party (D3)',
    'Security.getEncryptInfo gives the RSA key "N:<hex>,E:010001"': 'third party (D3)',
    'DevInit.setProtocolAgree, then DevInit.account in an RPAC-256 envelope (RSA PKCS#1 v1.5 salt, AES-256-CBC '
    'zero padded, IV "0000000000000000")': 'third party (D3)',
    'DevInit.access {NetAccess: 0, UpgradeCheck: 2}; its failure is tolerated': 'third party (D3)',
    'a NotifyMethod push can arrive as the body of the next answer: ask again': 'third party (D3)',
    'RPC2 login: global.login challenge, then UPPER(MD5(user:random:UPPER(MD5(user:realm:password))))':
        'seen in a real capture (D1)',
    'ONVIF accounts and the ONVIF switch have no established API: ONVIF CreateUsers/SetUser as the administrator':
        'inferred (D5)',
}

OUTSIDE = '/OutsideCmd'
RPC2_LOGIN = '/RPC2_Login'
RPC2 = '/RPC2'
IV = b'0000000000000000'


def envelope(n, e, payload, digits=32):
    """The RPAC envelope of ``payload`` (a dict): {cipher, salt, content} (D3)."""
    key = ''.join(secrets.choice('0123456789') for dummy in range(digits)).encode('ascii')
    salt = crypto.rsa_pkcs1v15_encrypt(n, e, key).hex()
    data = json.dumps(payload, separators=(',', ':')).encode('utf-8')
    content = base64.b64encode(crypto.aes_cbc_encrypt(key, IV, crypto.zero_pad(data))).decode('ascii')
    return {'cipher': 'RPAC-256' if digits == 32 else 'RPAC', 'salt': salt, 'content': content}


def parse_public_key(text):
    """(n, e) from "N:<hex>,E:<hex>"."""
    fields = dict(part.split(':', 1) for part in str(text).split(',') if ':' in part)
    return int(fields['N'], 16), int(fields.get('E', '010001'), 16)


def login_hash(user, password, realm, random):
    ha1 = hashlib.md5(('%s:%s:%s' % (user, realm, password)).encode('utf-8')).hexdigest().upper()
    return hashlib.md5(('%s:%s:%s' % (user, random, ha1)).encode('utf-8')).hexdigest().upper()


class Dahua(VendorApi):
    VENDOR = 'dahua'
    ADMIN_USERNAME = 'admin'
    EVIDENCE = EVIDENCE
    ONVIF_HINT = ('. Newer Dahua firmware keeps ONVIF off, or its ONVIF accounts apart, and the API that changes '
                  'that is not established (not supported by this collection yet): switch ONVIF on in the web page')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._id = 0

    def device_status(self, response):
        try:
            error = json.loads(response.body.decode('utf-8')).get('error')
        except (ValueError, UnicodeError, AttributeError):
            return None
        return 'error code %s: %s' % (error.get('code'), error.get('message')) if isinstance(error, dict) else None

    def rpc(self, step, path, method, params=None, session=None, with_session=False):
        """One JSON-RPC call; the decoded answer. A pushed NotifyMethod answer is skipped by asking again once."""
        for dummy in range(2):
            self._id += 1
            call = {'method': method, 'params': params, 'id': self._id}
            if with_session or session is not None:
                call['session'] = session if session is not None else 0
            response = self.request(step, 'POST', path, json.dumps(call), content_type='application/json')
            try:
                answer = json.loads(response.body.decode('utf-8'))
            except (ValueError, UnicodeError):
                raise self.error(VendorStateError, step, 'the answer is not JSON-RPC: not a Dahua device, or firmware '
                                 'without %s' % method, response) from None
            if isinstance(answer, dict) and ('NotifyMethod' in answer or str(answer.get('method', '')).startswith('client.notify')):
                continue
            self.last = response
            return answer if isinstance(answer, dict) else {}
        raise self.error(VendorStateError, step, 'only notifications came back', response)

    def read(self):
        step = 'initialisation status (POST %s DevInit.getStatus)' % OUTSIDE
        answer = self.rpc(step, OUTSIDE, 'DevInit.getStatus')
        init = (answer.get('params') or {}).get('Init')
        if not isinstance(init, int):
            raise self.error(VendorStateError, step, 'no params.Init in the answer: not a Dahua device, or firmware '
                             'this collection does not know', self.last)
        state = {'activated': init & 3 != 1, 'onvif_enabled': None, 'onvif_user': None, 'onvif_login': None}
        if not state['activated']:
            return state
        if not self.login():
            raise self.error(VendorRefused, 'administrator login (POST %s)' % RPC2_LOGIN,
                             'the device is already initialised and refuses %r with admin_password: initialised by '
                             'someone else (or with another password); it is not initialised again' % self.admin_username,
                             self.last)
        works = self.onvif.login_works(self.params['username'], self.params['password'], self.VENDOR)
        state.update(onvif_login=works, onvif_enabled=True if works else None,
                     onvif_user={'name': self.params['username'], 'level': 'Administrator'} if works else None)
        return state

    def login(self):
        """RPC2 login with the administrator and admin_password (D1); True when accepted, logged out again."""
        step = 'administrator login (POST %s)' % RPC2_LOGIN
        user, password = self.admin_username, self.params['admin_password']
        first = self.rpc(step, RPC2_LOGIN, 'global.login', {'userName': user, 'password': '', 'clientType': 'Web3.0',
                                                            'loginType': 'Direct'})
        params, session = first.get('params') or {}, first.get('session')
        if params.get('encryption') != 'Default' or not params.get('random'):
            raise self.error(VendorUnsupported, step, 'login encryption %r is not supported (only Default)'
                             % params.get('encryption'), self.last)
        second = self.rpc(step, RPC2_LOGIN, 'global.login', {
            'userName': user, 'password': login_hash(user, password, params.get('realm', ''), params['random']),
            'clientType': 'Web3.0', 'loginType': 'Direct', 'authorityType': 'Default', 'passwordType': 'Default'},
            session=session)
        if second.get('result') is True:
            self.rpc('logout (POST %s)' % RPC2, RPC2, 'global.logout', session=session)
            return True
        return False

    @staticmethod
    def plan(state):
        if not state['activated']:
            return ['initialise', 'set_onvif_user']
        return [] if state['onvif_login'] else ['set_onvif_user']

    def check_supported(self, steps):
        return None

    def apply(self, steps):
        if 'initialise' in steps:
            self.initialise()
        if 'set_onvif_user' in steps:
            same = (self.params['username'], self.params['password']) == (self.admin_username, self.params['admin_password'])
            if not same:
                self.onvif.ensure_user(self.admin_username, self.params['admin_password'], self.params['username'],
                                       self.params['password'], self.VENDOR)
                self.done.append('set the ONVIF administrator %s' % self.params['username'])

    def initialise(self):
        step = 'encryption key (POST %s Security.getEncryptInfo)' % OUTSIDE
        pub = None
        for dummy in range(3):
            pub = (self.rpc(step, OUTSIDE, 'Security.getEncryptInfo', with_session=True).get('params') or {}).get('pub')
            if pub:
                break
        try:
            n, e = parse_public_key(pub)
        except (KeyError, ValueError, TypeError):
            raise self.error(VendorUnsupported, step, 'no usable RSA key ("N:<hex>,E:<hex>") in the answer', self.last) from None
        for method, params, session, tolerated in (
                ('DevInit.setProtocolAgree', {'ProtocolEnable': True}, True, False),
                ('DevInit.account', envelope(n, e, {'name': self.admin_username, 'pwd': self.params['admin_password'],
                                                    'CellPhone': '', 'Mail': ''}), False, False),
                ('DevInit.access', {'NetAccess': 0, 'UpgradeCheck': 2}, False, True)):
            step = 'initialisation (POST %s %s)' % (OUTSIDE, method)
            answer = self.rpc(step, OUTSIDE, method, params, with_session=session)
            if answer.get('result') is not True:
                if tolerated:
                    self.warnings.append('%s: %s was refused (%s); continuing' % (self.device, method,
                                                                                  self.device_status(self.last)))
                    continue
                raise self.error(VendorError, step, '%s was refused' % method, self.last)
            if method == 'DevInit.account':
                self.done.append('initialised the device (administrator %s)' % self.admin_username)
