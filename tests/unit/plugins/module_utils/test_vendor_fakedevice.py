# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake Hikvision / Axis / Dahua devices at the HTTP layer's boundary, for the vendor first-boot tests.

:class:`FakeHttp` stands in for ``_http.HttpClient`` (same constructor and ``request``); every
instance talks to the one :class:`FakeDevice` of the test (``FakeHttp.device``). The device side
of the crypto uses the ``cryptography`` package (a development requirement), not the
collection's ``_vendor.crypto``, so a misreading on one side cannot hide in the other. The
ONVIF end is :class:`FakeOnvif` (the interface of ``_vendor.onvif.OnvifAccounts``).
Other test files load this one with :func:`load`.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import secrets
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from lxml import etree

try:
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover
    HAS_CRYPTOGRAPHY = False

HIK_NS = 'http://www.hikvision.com/ver20/XMLSchema'


def load():
    """This file as a module (tests import it by path, as the ONVIF fake camera is)."""
    name = 'vendor_fakedevice'
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, __file__)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class Headers(dict):
    def get(self, key, default=None):
        return next((v for k, v in self.items() if k.lower() == key.lower()), default)

    def get_all(self, key):
        value = self.get(key)
        return [value] if value else []


class Answer:
    def __init__(self, status, body=b'', headers=None):
        self.status = status
        self.reason = 'OK'
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = Headers(headers or {})


def status_xml(code, string, sub, ns=HIK_NS):
    return ('<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="%s"><requestURL>/x</requestURL>'
            '<statusCode>%s</statusCode><statusString>%s</statusString><subStatusCode>%s</subStatusCode>'
            '</ResponseStatus>' % (ns, code, string, sub))


def _x(text):
    return etree.fromstring(text)


def _find(doc, name):
    found = [e for e in doc.iter() if isinstance(e.tag, str) and etree.QName(e).localname == name]
    return found[0].text if found else None


class FakeDevice:
    """One camera of ``vendor``; ``state`` is what the test sets up and inspects. ``log`` lists (method, path, auth)."""

    def __init__(self, vendor, **state):
        self.vendor = vendor
        self.log = []
        self.state = dict(activated=False, admin=None, admin_password=None, onvif_enabled=False, onvif_users={},
                          support_version=None, server=None, errors={}, init=1, notify_once=False)
        self.state.update(state)
        if vendor == 'dahua':
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        self._challenge = None

    # ------------------------------------------------------------------ plumbing
    def handle(self, client, method, url, body, auth):
        path = urlsplit(url).path
        self.log.append((method, url if 'pwd=' not in url else path, bool(auth)))
        override = self.state['errors'].get((method, path))
        if override:
            return Answer(*override)
        answer = getattr(self, self.vendor)(client, method, path, url, body, auth)
        if self.state['server']:
            answer.headers['Server'] = self.state['server']
        return answer

    def authorised(self, client, auth):
        s = self.state
        return bool(auth and s['activated'] and client.username == s['admin'] and client.password == s['admin_password'])

    # ------------------------------------------------------------------ Hikvision
    def hikvision(self, client, method, path, url, body, auth):
        s = self.state
        if (method, path) == ('GET', '/SDK/activateStatus'):
            extra = '<supportVersion>%s</supportVersion>' % s['support_version'] if s['support_version'] else ''
            return Answer(200, '<?xml version="1.0" encoding="UTF-8"?><ActivateStatus><Activated>%s</Activated>%s'
                          '</ActivateStatus>' % (str(s['activated']).lower(), extra))
        if (method, path) == ('POST', '/ISAPI/Security/challenge'):
            n = int(base64.b64decode(_find(_x(body), 'key')).decode(), 16)
            self._challenge = secrets.token_hex(16)
            ciphertext = RSAPublicNumbers(65537, n).public_key().encrypt(self._challenge.encode(), padding.PKCS1v15())
            return Answer(200, "<?xml version='1.0' encoding='UTF-8'?>\n<Challenge version='2.0' "
                          "xmlns='http://www.std-cgi.com/ver20/XMLSchema'>\n<key>%s</key>\n</Challenge>"
                          % base64.b64encode(ciphertext.hex().encode()).decode())
        if (method, path) == ('POST', '/ISAPI/System/activate/GetChallengeV3'):
            n = int(base64.b64decode(json.loads(body)['publicKey']).decode(), 16)
            if n.bit_length() != 3072:
                return Answer(400, json.dumps({'statusCode': 6, 'statusString': 'Invalid JSON Content',
                                               'subStatusCode': 'badJsonContent'}))
            self._challenge = secrets.token_hex(16)
            ciphertext = RSAPublicNumbers(65537, n).public_key().encrypt(self._challenge.encode(), padding.PKCS1v15())
            return Answer(200, json.dumps({'challenge': base64.b64encode(ciphertext.hex().encode()).decode()}))
        if (method, path) == ('POST', '/ISAPI/System/activate/StartActivateV3'):
            call = json.loads(body)
            data = bytes.fromhex(base64.b64decode(call['password']).decode())
            decryptor = Cipher(algorithms.AES(bytes.fromhex(self._challenge)), modes.CBC(bytes.fromhex(call['iv']))).decryptor()
            plain = decryptor.update(data) + decryptor.finalize()
            plain = plain[:-plain[-1]]
            assert plain[:16] == self._challenge[:16].encode()
            s.update(activated=True, admin='admin', admin_password=plain[16:].decode())
            return Answer(200, json.dumps({'statusCode': 1, 'statusString': 'OK', 'subStatusCode': 'ok'}))
        if (method, path) == ('PUT', '/ISAPI/System/activate'):
            if s['activated'] or (s['support_version'] or 0) >= 3:
                return Answer(403, status_xml(4, 'Invalid Operation', 'invalidOperation'))
            data = bytes.fromhex(base64.b64decode(_find(_x(body), 'password')).decode())
            decryptor = Cipher(algorithms.AES(bytes.fromhex(self._challenge)), modes.ECB()).decryptor()
            plain = decryptor.update(data) + decryptor.finalize()
            assert plain[:16] == self._challenge[:16].encode()
            s.update(activated=True, admin='admin', admin_password=plain[16:].rstrip(b'\0').decode())
            return Answer(200, status_xml(1, 'OK', 'ok'))
        if path.startswith('/ISAPI/') and not self.authorised(client, auth):
            return Answer(401, '', {'WWW-Authenticate': 'Digest realm="IP Camera(X)", nonce="n", qop="auth"'})
        if (method, path) == ('GET', '/ISAPI/System/Network/Integrate'):
            return Answer(200, '<?xml version="1.0" encoding="UTF-8"?><Integrate version="2.0" xmlns="%s"><CGI><enable>'
                          'false</enable><certificateType>digest</certificateType></CGI><ONVIF><enable>%s</enable>'
                          '<certificateType/></ONVIF><ISAPI><enable>true</enable></ISAPI></Integrate>'
                          % (HIK_NS, str(s['onvif_enabled']).lower()))
        if (method, path) == ('PUT', '/ISAPI/System/Network/Integrate'):
            onvif = next(e for e in _x(body).iter() if etree.QName(e).localname == 'ONVIF')
            s['onvif_enabled'] = _find(onvif, 'enable') == 'true'
            return Answer(200, status_xml(1, 'OK', 'ok'))
        if (method, path) == ('GET', '/ISAPI/Security/ONVIF/users'):
            users = ''.join('<User><id>%s</id><userName>%s</userName><userType>%s</userType></User>'
                            % (u['id'], name, u['level']) for name, u in sorted(s['onvif_users'].items()))
            return Answer(200, '<?xml version="1.0" encoding="UTF-8"?><UserList version="2.0" xmlns="%s">%s</UserList>'
                          % (HIK_NS, users))
        match = re.match(r'^/ISAPI/Security/ONVIF/users/(\d+)$', path)
        if method == 'PUT' and match:
            doc = _x(body)
            assert _find(doc, 'id') == match.group(1)
            s['onvif_users'][_find(doc, 'userName')] = {
                'id': match.group(1), 'password': _find(doc, 'password'), 'level': _find(doc, 'userType')}
            return Answer(200, status_xml(1, 'OK', 'ok'))
        return Answer(404, status_xml(4, 'Invalid Operation', 'notSupport'))

    # ------------------------------------------------------------------ Axis
    def axis(self, client, method, path, url, body, auth):
        s = self.state
        if (method, path) == ('POST', '/axis-cgi/systemready.cgi'):
            ready = 'no' if s.get('not_ready', 0) > 0 else 'yes'
            s['not_ready'] = s.get('not_ready', 0) - 1
            return Answer(200, json.dumps({'apiVersion': '1.4', 'method': 'systemready', 'data': {
                'systemready': ready, 'needsetup': 'no' if s['activated'] else 'yes'}}))
        if (method, path) == ('GET', '/axis-cgi/pwdgrp.cgi'):
            query = parse_qs(urlsplit(url).query)
            if s['activated']:
                if not self.authorised(client, auth):
                    return Answer(401, '', {'WWW-Authenticate': 'Digest realm="AXIS_ACCC12345678", nonce="n"'})
                return Answer(200, 'Error: account exists')
            s.update(activated=True, admin=query['user'][0], admin_password=query['pwd'][0])
            s['onvif_users'][query['user'][0]] = {'password': query['pwd'][0], 'level': 'Administrator'}
            return Answer(200, '<html><head><title>User accounts</title></head><body bgcolor=#ffffff>Created account '
                          '%s.\n</body>\n\n</html>\n' % query['user'][0])
        if (method, path) == ('GET', '/axis-cgi/param.cgi'):
            if not self.authorised(client, auth):
                return Answer(401, '', {'WWW-Authenticate': 'Digest realm="AXIS_ACCC12345678", nonce="n"'})
            return Answer(200, 'root.Properties.API.Browser.RootPwdSetValue=yes')
        return Answer(404, 'Not found')

    # ------------------------------------------------------------------ Dahua
    def dahua(self, client, method, path, url, body, auth):
        s = self.state
        if path not in ('/OutsideCmd', '/RPC2_Login', '/RPC2'):
            # D3: an uninitialised camera answers every CGI with 401 "Invalid Authority!".
            return Answer(401 if s['init'] & 3 == 1 else 404, 'Invalid Authority!' if s['init'] & 3 == 1 else '')
        call = json.loads(body)
        m, params = call['method'], call.get('params')
        if s['notify_once']:
            s['notify_once'] = False
            return Answer(200, json.dumps({'NotifyMethod': 'client.notifyDevInit'}))
        if path == '/OutsideCmd':
            if m == 'DevInit.getStatus':
                return Answer(200, json.dumps({'id': call['id'], 'params': {'Init': s['init'], 'Find': 'BC'}, 'result': True}))
            if m == 'Security.getEncryptInfo':
                n = self._key.public_key().public_numbers().n
                return Answer(200, json.dumps({'id': call['id'], 'result': True, 'params': {
                    'AESPadding': ['ZERO', 'PKCS7'], 'asymmetric': 'RSA', 'cipher': ['AES', 'RPAC'],
                    'pub': 'N:%X,E:010001' % n, 'suggestedAsymmetric': 'RSA'}}))
            if m == 'DevInit.setProtocolAgree':
                assert call.get('session') == 0
                s['agreed'] = True
                return Answer(200, json.dumps({'id': call['id'], 'result': True, 'params': None}))
            if m == 'DevInit.account':
                assert 'session' not in call and s.get('agreed') and params['cipher'] == 'RPAC-256'
                key = self._key.decrypt(bytes.fromhex(params['salt']), padding.PKCS1v15())
                assert re.fullmatch(rb'[0-9]{32}', key)
                decryptor = Cipher(algorithms.AES(key), modes.CBC(b'0' * 16)).decryptor()
                plain = decryptor.update(base64.b64decode(params['content'])) + decryptor.finalize()
                account = json.loads(plain.rstrip(b'\0'))
                s.update(activated=True, init=2, admin=account['name'], admin_password=account['pwd'])
                s['onvif_users'][account['name']] = {'password': account['pwd'], 'level': 'Administrator'}
                return Answer(200, json.dumps({'id': call['id'], 'result': True, 'params': None}))
            if m == 'DevInit.access':
                return Answer(200, json.dumps({'id': call['id'], 'result': False, 'error': {'code': 268632064, 'message': 'x'}}))
        if path == '/RPC2_Login' and m == 'global.login':
            if not params['password']:
                self._random = secrets.token_hex(8)
                challenge = {'error': {'code': 268632079, 'message': 'Component error: login challenge!'},
                             'id': call['id'], 'result': False, 'session': 'abc',
                             'params': {'authorization': 'x', 'encryption': 'Default', 'mac': '3CEF8C000001',
                                        'random': self._random, 'realm': 'Login to 4C045ADPAG0001'}}
                return Answer(200, json.dumps(challenge))
            import hashlib
            ha1 = hashlib.md5(('%s:Login to 4C045ADPAG0001:%s' % (params['userName'], s['admin_password'])).encode()).hexdigest().upper()
            good = hashlib.md5(('%s:%s:%s' % (params['userName'], self._random, ha1)).encode()).hexdigest().upper()
            ok = s['activated'] and params['userName'] == s['admin'] and params['password'] == good and call['session'] == 'abc'
            if ok:
                return Answer(200, json.dumps({'id': call['id'], 'params': None, 'result': True, 'session': 'abc'}))
            return Answer(200, json.dumps({'error': {'code': 268632085, 'message': 'User or password not valid'},
                                           'id': call['id'], 'result': False, 'session': 'abc'}))
        if path == '/RPC2' and m == 'global.logout':
            return Answer(200, json.dumps({'id': call['id'], 'result': True}))
        return Answer(404, '')


class FakeHttp:
    """Stands in for _http.HttpClient: same constructor arguments, ``request`` answered by ``FakeHttp.device``."""

    device = None

    def __init__(self, host, port, use_tls=False, validate_certs=True, timeout=10, username=None, password=None,
                 user_agent=None, max_body=None):
        assert host.startswith('127.'), 'tests only ever talk to loopback'
        self.host, self.port, self.username, self.password = host, port, username, password

    def request(self, method, url='/', body=b'', headers=None, auth=True, timeout=None, operation=None):
        return self.device.handle(self, method, url, body, auth and self.username is not None)


class FakeOnvif:
    """The interface of _vendor.onvif.OnvifAccounts, on the fake device's ONVIF user list."""

    def __init__(self, device, refuse_after=False):
        self.device = device
        self.logins = []
        self.refuse_after = refuse_after

    def login_works(self, username, password, vendor='onvif', step=None):
        s = self.device.state
        self.logins.append(username)
        if self.refuse_after or (self.device.vendor == 'hikvision' and not s['onvif_enabled']):
            return False
        user = s['onvif_users'].get(username)
        return bool(user and user['password'] == password)

    def forget(self):
        pass

    def anonymous_users(self, vendor='onvif', step=None):
        users = self.device.state['onvif_users']
        return [] if not users else None

    def create_first_admin(self, username, password, vendor='onvif', step=None):
        assert not self.device.state['onvif_users']
        self.device.state['onvif_users'][username] = {'password': password, 'level': 'Administrator'}

    def ensure_user(self, admin_username, admin_password, username, password, vendor, step=None):
        s = self.device.state
        assert s['onvif_users'][admin_username]['password'] == admin_password
        s['onvif_users'][username] = {'password': password, 'level': 'Administrator'}


@pytest.mark.skipif(not HAS_CRYPTOGRAPHY, reason='cryptography (development requirement) missing')
def test_fake_device_refuses_isapi_without_login():
    device = FakeDevice('hikvision', activated=True, admin='admin', admin_password='Kantor#2026')
    FakeHttp.device = device
    answer = FakeHttp('127.0.0.1', 80).request('GET', '/ISAPI/System/Network/Integrate', auth=False)
    assert answer.status == 401


def test_fake_http_refuses_other_hosts():
    with pytest.raises(AssertionError):
        FakeHttp('192.0.2.1', 80)
