# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP Digest (RFC 7616) and Basic, for HTTP and RTSP alike: one challenge parser, one header builder.

Digest algorithms MD5, MD5-sess, SHA-256 and SHA-256-sess; qop ``auth`` (preferred),
``auth-int``, or none (RFC 2069 style, still seen on old cameras); the nonce count and a fresh
client nonce per request; ``opaque`` echoed. ``userhash`` is not supported (no camera asks).
Basic is used only when it is the only scheme offered.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

from ansible_collections.dukcapil.cctv.plugins.module_utils._http.errors import HttpAuthError

_AUTH_PARAM = re.compile(r'([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)')
_HASHES = {'MD5': 'md5', 'MD5-SESS': 'md5', 'SHA-256': 'sha256', 'SHA-256-SESS': 'sha256'}


def parse_challenges(values):
    """WWW-Authenticate header values -> {scheme (lower case): {param (lower case): value}}.

    Each value is one challenge (cameras send one header per scheme); a value holding a Digest
    and a Basic challenge together is split at the second scheme name. The first challenge of
    a scheme wins.
    """
    challenges = {}
    for value in values or []:
        for chunk in re.split(r',\s*(?=(?:Digest|Basic)\s)', value.strip(), flags=re.I):
            scheme, dummy, rest = chunk.strip().partition(' ')
            params = {}
            for key, raw in _AUTH_PARAM.findall(rest):
                if raw.startswith('"'):
                    raw = re.sub(r'\\(.)', r'\1', raw[1:-1])
                params[key.lower()] = raw
            if scheme:
                challenges.setdefault(scheme.lower(), params)
    return challenges


def is_stale(values):
    """True when the Digest challenge says ``stale=true`` (the nonce expired, the password was fine)."""
    digest = parse_challenges(values).get('digest') or {}
    return digest.get('stale', '').lower() == 'true'


def _h(algorithm, text):
    return hashlib.new(_HASHES[algorithm.upper()], text.encode('utf-8')).hexdigest()


def digest_response(algorithm, username, realm, password, method, uri, nonce, nc=None, cnonce=None, qop=None, body=b''):
    """The ``response`` value of RFC 7616 section 3.4.1 (RFC 2069 form when ``qop`` is None)."""
    ha1 = _h(algorithm, '%s:%s:%s' % (username, realm, password))
    if algorithm.upper().endswith('-SESS'):
        ha1 = _h(algorithm, '%s:%s:%s' % (ha1, nonce, cnonce))
    if qop == 'auth-int':
        ha2 = _h(algorithm, '%s:%s:%s' % (method, uri, hashlib.new(_HASHES[algorithm.upper()], body or b'').hexdigest()))
    else:
        ha2 = _h(algorithm, '%s:%s' % (method, uri))
    if qop:
        return _h(algorithm, ':'.join((ha1, nonce, nc, cnonce, qop, ha2)))
    return _h(algorithm, '%s:%s:%s' % (ha1, nonce, ha2))


def _quote(value):
    return '"%s"' % value.replace('\\', '\\\\').replace('"', '\\"')


class Credentials:
    """One user's answers to Digest (preferred) or Basic challenges; keeps the challenge and nonce count.

    ``accept(www_authenticate_values)`` takes a 401's challenge; ``header(method, uri, body)``
    then gives the Authorization value for each request (preemptively, nc counting up) until
    the next challenge.
    """

    def __init__(self, username, password):
        self.username = username or ''
        self.password = password or ''
        self.scheme = None
        self.challenge = None
        self._nc = 0

    @property
    def ready(self):
        return self.scheme is not None

    def accept(self, header_values):
        """Take the challenge of a 401 answer; return the scheme used ('digest' or 'basic'), or raise HttpAuthError."""
        challenges = parse_challenges(header_values)
        digest = challenges.get('digest')
        if digest is not None:
            algorithm = digest.get('algorithm', 'MD5').upper()
            if algorithm not in _HASHES:
                raise HttpAuthError('the device asks for Digest with the %s algorithm, which is not supported' % algorithm)
            if 'nonce' not in digest or 'realm' not in digest:
                raise HttpAuthError('the Digest challenge has no realm or nonce')
            self.scheme, self.challenge, self._nc = 'digest', digest, 0
        elif 'basic' in challenges:
            self.scheme, self.challenge = 'basic', challenges['basic']
        elif challenges:
            raise HttpAuthError('the device asks for %s authentication; only Digest and Basic are supported'
                                % ', '.join(sorted(challenges)))
        else:
            raise HttpAuthError('the device answered 401 without an authentication challenge')
        return self.scheme

    @staticmethod
    def new_cnonce():
        return hashlib.sha256(os.urandom(16)).hexdigest()[:16]

    def header(self, method, uri, body=b''):
        """The Authorization header value for one request (after :meth:`accept`)."""
        if self.scheme == 'basic':
            token = base64.b64encode(('%s:%s' % (self.username, self.password)).encode('utf-8')).decode('ascii')
            return 'Basic ' + token
        ch = self.challenge
        algorithm = ch.get('algorithm', 'MD5')
        qops = [q.strip().lower() for q in ch.get('qop', '').split(',') if q.strip()]
        qop = 'auth' if 'auth' in qops else ('auth-int' if 'auth-int' in qops else None)
        self._nc += 1
        nc, cnonce = '%08x' % self._nc, self.new_cnonce()
        response = digest_response(algorithm, self.username, ch['realm'], self.password, method, uri, ch['nonce'],
                                   nc, cnonce, qop, body)
        fields = [('username', self.username), ('realm', ch['realm']), ('nonce', ch['nonce']), ('uri', uri),
                  ('response', response), ('algorithm', algorithm)]
        if 'opaque' in ch:
            fields.append(('opaque', ch['opaque']))
        header = 'Digest ' + ', '.join('%s=%s' % (k, _quote(v)) for k, v in fields)
        if qop:
            header += ', qop=%s, nc=%s, cnonce="%s"' % (qop, nc, cnonce)
        return header
