# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HttpClient: requests to ONE host:port, each bounded by one deadline, Digest answered, nothing else contacted."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils._http.digest import Credentials, is_stale
from ansible_collections.dukcapil.cctv.plugins.module_utils._http.errors import (
    HttpAddressRefused, HttpError, HttpProtocolError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._http.wire import (
    DEFAULT_MAX_BODY, Connection, Deadline, format_target, tls_context,
)

USER_AGENT = 'dukcapil.cctv'
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3


class HttpClient:
    """HTTP/1.1 to one device: ``scheme://host:port`` and nothing else.

    ``request(method, path_or_url, body, headers)`` returns the final answer (any status) as a
    :class:`wire.Message` (``status``, ``reason``, ``headers``, ``body``, ``date``). Within one
    call: a 401 with a Digest (or Basic-only) challenge is answered once when credentials are
    set (and once more if the nonce went stale); redirects are followed (307/308 for any method,
    301/302/303 for GET and HEAD), at most 3, only to the same scheme, host and port (anything else raises :class:`HttpAddressRefused`); the whole of
    it -- connections, sends, every byte of every answer -- finishes within ``timeout`` seconds
    or raises. After the first challenge, later requests carry the Authorization at once
    (``preemptive``), as browsers and ``requests`` do. One connection per request
    (``Connection: close``); proxies from the environment are never used.
    """

    def __init__(self, host, port, use_tls=False, validate_certs=True, timeout=10, username=None, password=None,
                 user_agent=USER_AGENT, max_body=DEFAULT_MAX_BODY):
        self.host = str(host).strip().strip('[]')
        self.port = int(port)
        self.scheme = 'https' if use_tls else 'http'
        self.target = format_target(self.host, self.port)
        self.base_url = '%s://%s' % (self.scheme, self.target)
        self.timeout = float(timeout)
        self.user_agent = user_agent
        self.max_body = max_body
        self._tls = tls_context(validate_certs) if use_tls else None
        self.credentials = Credentials(username, password) if username is not None else None
        self.last_response = None

    def check(self, url):
        """The request target (path and query) of ``url`` when it is on this client's scheme://host:port.

        A bare path is taken as relative to the device. Anything else raises HttpAddressRefused.
        """
        url = str(url)
        if url.startswith('/'):
            return url
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise HttpAddressRefused('refused to contact %r: not a usable URL' % url, self.target) from None
        scheme = parts.scheme.lower()
        if scheme not in ('http', 'https'):
            raise HttpAddressRefused('refused to contact %r: only http(s) URLs on %s are allowed' % (url, self.target),
                                     self.target)
        host = (parts.hostname or '').lower()
        port = port or (443 if scheme == 'https' else 80)
        if (scheme, host, port) != (self.scheme, self.host.lower(), self.port):
            raise HttpAddressRefused('refused to contact %s://%s: this client only contacts %s'
                                     % (scheme, format_target(host, port), self.base_url), self.target)
        path = parts.path or '/'
        return path + ('?' + parts.query if parts.query else '')

    def request(self, method, url='/', body=b'', headers=None, auth=True, timeout=None, operation=None):
        """Send one request (following its redirects and auth challenge); the final answer as a Message."""
        operation = operation or '%s %s' % (method, urlsplit(str(url)).path or '/')
        deadline = Deadline(self.timeout if timeout is None else timeout)
        self.last_response = None
        path = self.check(url)
        redirects = stale = 0
        answered = False
        try:
            while True:
                authorization = None
                if auth and self.credentials is not None and self.credentials.ready:
                    authorization = self.credentials.header(method, path, body)
                response = self._send(method, path, body, headers, authorization, deadline)
                self.last_response = response
                if response.status == 401 and auth and self.credentials is not None:
                    challenge = response.headers.get_all('WWW-Authenticate')
                    # Answer a challenge once per request: the first one, one whose nonce went stale,
                    # or a fresh one when a header built from an older challenge was refused.
                    if authorization is not None and is_stale(challenge) and stale == 0:
                        stale, answered = 1, False
                    if challenge and not answered:
                        self.credentials.accept(challenge)
                        answered = True
                        continue
                    return response
                if response.status in (307, 308) or (response.status in REDIRECTS and method in ('GET', 'HEAD')):
                    location = response.headers.get('Location')
                    redirects += 1
                    if not location:
                        raise HttpProtocolError('HTTP %d without a Location header' % response.status)
                    if redirects > MAX_REDIRECTS:
                        raise HttpProtocolError('more than %d redirects' % MAX_REDIRECTS)
                    path = self.check(urljoin(self.base_url + path, location))
                    continue
                return response
        except HttpError as exc:
            if exc.target is None:
                exc.target = self.target
            if exc.operation is None:
                exc.operation = operation
            raise

    def _send(self, method, path, body, headers, authorization, deadline):
        lines = ['%s %s HTTP/1.1' % (method, path), 'Host: %s' % self.target, 'User-Agent: %s' % self.user_agent,
                 'Accept-Encoding: identity', 'Connection: close']
        names = set()
        for name, value in (headers or {}).items():
            lines.append('%s: %s' % (name, value))
            names.add(name.lower())
        if body or method in ('POST', 'PUT'):
            lines.append('Content-Length: %d' % len(body or b''))
        if authorization:
            lines.append('Authorization: %s' % authorization)
        data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + (body or b'')
        connection = Connection(self.host, self.port, deadline, self._tls)
        try:
            connection.sendall(data)
            return connection.read_message(method, ('HTTP',), self.max_body)
        finally:
            connection.close()
