# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hikvision ISAPI first boot: activation, ONVIF switched on (Integrate), the ONVIF account.

The facts this relies on, with the confidence of the vendor captures' INDEX.md, are in
:data:`EVIDENCE` (the module's documentation lists them too).
"""

from __future__ import annotations

import base64
import json
import secrets

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import crypto
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    VendorApi, VendorError, VendorRefused, VendorStateError, VendorUnsupported, child, child_text, etree, local,
    parse_xml,
)

EVIDENCE = {
    'GET /SDK/activateStatus answers <ActivateStatus><Activated> without credentials': 'third party (H1)',
    'a missing <Activated> means activated (older firmware)': 'third party (H1, qb60)',
    'supportVersion >= 3 asks for the V3 activation': 'third party (H1, H3)',
    'V3: GetChallengeV3 with a 3072-bit key, StartActivateV3 with AES-CBC (PKCS#7) and a random IV '
    '(NOT YET VERIFIED ON A DEVICE)': 'third party (H3)',
    'POST /ISAPI/Security/challenge with <PublicKey><key>base64(hex(n))</key>, RSA-1024': 'seen in a real capture (H2)',
    '<Challenge><key> is base64(hex(RSA PKCS#1 v1.5 ciphertext)) of 32 hex characters': 'seen in a real capture (H2)',
    'password = base64(hex(AES-128-ECB(challenge[:16] + password, zero padded)))': 'seen in a real capture (H2 vector)',
    'PUT /ISAPI/System/activate <ActivateInfo><password>, success statusCode 1 OK': 'third party (H2, qb60)',
    'the administrator after activation is admin': 'third party (H2, qb60)',
    'ISAPI uses HTTP Digest after activation': 'documented (H4)',
    'ONVIF is off by default from V5.5.0 and switched on by PUT Integrate (the GET body edited)': 'documented (H6)',
    'ONVIF accounts: GET /ISAPI/Security/ONVIF/users, PUT .../users/<id> <User>': 'third party (H6, Nx)',
    'ResponseStatus statusCode/statusString/subStatusCode on errors': 'documented (H5)',
}

ACTIVATE_STATUS = '/SDK/activateStatus'
CHALLENGE = '/ISAPI/Security/challenge'
ACTIVATE = '/ISAPI/System/activate'
INTEGRATE = '/ISAPI/System/Network/Integrate'
ONVIF_USERS = '/ISAPI/Security/ONVIF/users'
CHALLENGE_V3 = '/ISAPI/System/activate/GetChallengeV3?format=json'
ACTIVATE_V3 = '/ISAPI/System/activate/StartActivateV3?format=json'
RSA_BITS = 1024
RSA_BITS_V3 = 3072  # H3: 2048 reportedly answers "Invalid JSON Content"
JSON = 'application/json'
XML = 'application/xml; charset="UTF-8"'


def response_status(body):
    """(statusCode, statusString, subStatusCode) of an ISAPI ResponseStatus body (XML or JSON), or None."""
    doc = parse_xml(body)
    if doc is not None and local(doc.tag) == 'ResponseStatus':
        return (child_text(doc, 'statusCode'), child_text(doc, 'statusString'), child_text(doc, 'subStatusCode'))
    answer = _json(body)
    if 'statusCode' in answer:
        return (str(answer['statusCode']), answer.get('statusString'), answer.get('subStatusCode'))
    return None


def encrypt_password(challenge, password):
    """The activation password field: base64(hex(AES-128-ECB(key = hex-decoded challenge)(challenge[:16] ‖ password))).

    ``challenge`` is the 32 hex characters the device sent (str); the password is zero-padded to
    16-byte blocks (longer passwords become more blocks, as the web client does).
    """
    key = bytes.fromhex(challenge)
    data = challenge[:16].encode('ascii') + crypto.zero_pad(password.encode('utf-8'))
    return base64.b64encode(crypto.aes_ecb_encrypt(key, data).hex().encode('ascii')).decode('ascii')


def encrypt_password_v3(challenge, password, iv):
    """V3 (H3, third party, not verified on a device): base64(hex(AES-CBC(key, challenge[:16] ‖ password, PKCS#7)))."""
    key = bytes.fromhex(challenge)
    data = crypto.pkcs7_pad(challenge[:16].encode('ascii') + password.encode('utf-8'))
    return base64.b64encode(crypto.aes_cbc_encrypt(key, iv, data).hex().encode('ascii')).decode('ascii')


def _json(body):
    try:
        value = json.loads(body.decode('utf-8'))
    except (ValueError, UnicodeError, AttributeError):
        return {}
    return value if isinstance(value, dict) else {}


def public_key_field(key):
    """<PublicKey><key> content: base64 of the lower-case hex modulus."""
    return base64.b64encode(key.modulus_hex().encode('ascii')).decode('ascii')


def decrypt_challenge(key, field):
    """The 32-hex-character challenge from the <key> of the device's <Challenge>."""
    try:
        ciphertext = bytes.fromhex(base64.b64decode(field, validate=True).decode('ascii'))
        plain = crypto.rsa_pkcs1v15_decrypt(key, ciphertext).decode('ascii')
        bytes.fromhex(plain)
    except (ValueError, UnicodeError) as exc:
        raise ValueError('the challenge is not base64(hex(RSA ciphertext)) of hex characters: %s' % exc) from None
    if len(plain) != 32:
        raise ValueError('the challenge has %d characters, 32 expected' % len(plain))
    return plain


def _xml(root, **fields):
    element = etree.Element(root)
    for name, value in fields.items():
        etree.SubElement(element, name).text = str(value)
    return etree.tostring(element, xml_declaration=True, encoding='UTF-8')


class Hikvision(VendorApi):
    VENDOR = 'hikvision'
    ADMIN_USERNAME = 'admin'
    EVIDENCE = EVIDENCE

    def device_status(self, response):
        status = response_status(response.body) if response is not None else None
        if not status:
            return None
        code, string, sub = status
        return 'statusCode %s (%s), subStatusCode %s' % (code, string, sub)

    def expect_ok(self, step, response, what):
        status = response_status(response.body)
        if response.status == 401:
            raise self.error(VendorRefused, step, 'the administrator %r with admin_password is refused' % self.admin_username,
                             response)
        if response.status != 200 or (status and status[0] not in ('1', None)):
            raise self.error(VendorError, step, '%s was refused' % what, response)

    def read(self):
        step = 'activation status (GET %s)' % ACTIVATE_STATUS
        response = self.request(step, 'GET', ACTIVATE_STATUS)
        doc = parse_xml(response.body)
        if response.status != 200 or doc is None or local(doc.tag) != 'ActivateStatus':
            raise self.error(VendorStateError, step, 'no <ActivateStatus> answer: not a Hikvision ISAPI device, or '
                             'firmware without activation', response)
        activated = (child_text(doc, 'Activated') or 'true').lower() == 'true'
        version = child_text(doc, 'supportVersion') or ''
        self.support_version = int(version) if version.isdigit() else 0
        state = {'activated': activated, 'onvif_enabled': None, 'onvif_user': None, 'onvif_login': None}
        if not activated:
            return state
        step = 'ONVIF switch (GET %s)' % INTEGRATE
        response = self.request(step, 'GET', INTEGRATE, auth=True)
        if response.status == 401:
            raise self.error(VendorRefused, 'administrator login (GET %s)' % INTEGRATE,
                             'the device is already activated and refuses %r with admin_password: activated by someone '
                             'else (or with another password); it is not re-activated. Give its password, or reset it '
                             'to factory defaults' % self.admin_username, response)
        self.integrate = parse_xml(response.body) if response.status == 200 else None
        if self.integrate is not None and local(self.integrate.tag) == 'Integrate':
            state['onvif_enabled'] = (child_text(self.integrate, 'ONVIF', 'enable') or '').lower() == 'true'
        else:
            self.integrate = None
            self.warnings.append('%s: no Integrate (HTTP %s): firmware before V5.5 keeps ONVIF on, taken as on'
                                 % (self.device, response.status))
            state['onvif_enabled'] = True
        users = self.onvif_users()
        user = next((u for u in users if u['name'] == self.params['username']), None)
        state['onvif_user'] = {'name': user['name'], 'level': user['level']} if user else None
        if state['onvif_enabled'] and user:
            state['onvif_login'] = self.onvif.login_works(self.params['username'], self.params['password'], self.VENDOR)
        return state

    def onvif_users(self):
        step = 'ONVIF accounts (GET %s)' % ONVIF_USERS
        response = self.request(step, 'GET', ONVIF_USERS, auth=True)
        doc = parse_xml(response.body)
        if response.status != 200 or doc is None or local(doc.tag) != 'UserList':
            raise self.error(VendorUnsupported, step, 'no ONVIF account list: this firmware keeps no separate ONVIF '
                             'accounts through ISAPI, which this collection does not support yet', response)
        users = []
        for item in doc:
            if local(item.tag) == 'User':
                users.append({'id': child_text(item, 'id'), 'name': child_text(item, 'userName') or '',
                              'level': child_text(item, 'userType') or ''})
        return users

    @staticmethod
    def plan(state):
        if not state['activated']:
            return ['activate', 'enable_onvif', 'set_onvif_user']
        steps = []
        if state['onvif_enabled'] is False:
            steps.append('enable_onvif')
        user = state['onvif_user']
        if not user or user['level'] != 'administrator' or not state['onvif_login']:
            steps.append('set_onvif_user')
        return steps

    def check_supported(self, steps):
        if 'activate' in steps and self.support_version > 3:
            raise self.error(VendorUnsupported, 'activation', 'the device asks for activation version %d '
                             '(supportVersion): not supported by this collection yet (the legacy exchange and V3 are); '
                             'activate it with SADP or the web page' % self.support_version, device_status='')

    def apply(self, steps):
        for name in steps:
            getattr(self, name)()

    def activate(self):
        if self.support_version >= 3:
            return self.activate_v3()
        key = crypto.generate_rsa_key(RSA_BITS)
        step = 'activation challenge (POST %s)' % CHALLENGE
        body = b'<?xml version="1.0" encoding="UTF-8"?><PublicKey><key>%s</key></PublicKey>' % public_key_field(key).encode()
        response = self.request(step, 'POST', CHALLENGE, body, content_type=XML)
        doc = parse_xml(response.body)
        if response.status != 200 or doc is None or child_text(doc, 'key') is None:
            raise self.error(VendorError, step, 'no <Challenge><key> in the answer', response)
        try:
            challenge = decrypt_challenge(key, child_text(doc, 'key'))
        except ValueError as exc:
            raise self.error(VendorError, step, str(exc), response) from None
        step = 'activation (PUT %s)' % ACTIVATE
        body = _xml('ActivateInfo', password=encrypt_password(challenge, self.params['admin_password']))
        response = self.request(step, 'PUT', ACTIVATE, body, content_type=XML)
        self.expect_ok(step, response, 'the activation')
        self.done.append('activated the device (administrator %s)' % self.admin_username)

    def activate_v3(self):
        """V3 activation (H3): third-party evidence only, NOT YET VERIFIED ON A DEVICE."""
        key = crypto.generate_rsa_key(RSA_BITS_V3)
        step = 'V3 activation challenge (POST %s)' % CHALLENGE_V3.split('?', 1)[0]
        response = self.request(step, 'POST', CHALLENGE_V3, json.dumps({'publicKey': public_key_field(key)}),
                                content_type=JSON)
        field = _json(response.body).get('challenge')
        if response.status != 200 or not isinstance(field, str):
            raise self.error(VendorError, step, 'no "challenge" in the answer', response)
        try:
            challenge = decrypt_challenge(key, field)
        except ValueError as exc:
            raise self.error(VendorError, step, str(exc), response) from None
        step = 'V3 activation (POST %s)' % ACTIVATE_V3.split('?', 1)[0]
        iv = secrets.token_bytes(16)
        body = json.dumps({'password': encrypt_password_v3(challenge, self.params['admin_password'], iv), 'iv': iv.hex()})
        response = self.request(step, 'POST', ACTIVATE_V3, body, content_type=JSON)
        self.expect_ok(step, response, 'the V3 activation')
        self.done.append('activated the device (administrator %s, V3)' % self.admin_username)

    def enable_onvif(self):
        step = 'switch ONVIF on (PUT %s)' % INTEGRATE
        response = self.request(step, 'GET', INTEGRATE, auth=True)
        self.expect_ok(step, response, 'reading Integrate')
        doc = parse_xml(response.body)
        onvif = child(doc, 'ONVIF') if doc is not None and local(doc.tag) == 'Integrate' else None
        enable = child(onvif, 'enable')
        if enable is None:
            raise self.error(VendorUnsupported, step, 'Integrate has no ONVIF/enable: this firmware cannot switch '
                             'ONVIF on through ISAPI', response)
        enable.text = 'true'  # send back the GET document with one value changed (some firmware wants that)
        response = self.request(step, 'PUT', INTEGRATE, etree.tostring(doc, xml_declaration=True, encoding='UTF-8'),
                                auth=True, content_type=XML)
        self.expect_ok(step, response, 'switching ONVIF on')
        self.done.append('switched ONVIF on')

    def set_onvif_user(self):
        name = self.params['username']
        users = self.onvif_users()
        existing = next((u for u in users if u['name'] == name), None)
        ids = [int(u['id']) for u in users if (u['id'] or '').isdigit()]
        user_id = existing['id'] if existing else str(max(ids) + 1 if ids else 1)
        path = '%s/%s' % (ONVIF_USERS, user_id)
        step = 'ONVIF account (PUT %s)' % path
        body = _xml('User', id=user_id, userName=name, password=self.params['password'], userType='administrator')
        response = self.request(step, 'PUT', path, body, auth=True, content_type=XML)
        self.expect_ok(step, response, 'writing the ONVIF account %r' % name)
        self.onvif.forget()
        self.done.append('%s the ONVIF administrator %s' % ('updated' if existing else 'created', name))
