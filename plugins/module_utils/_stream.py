# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prove that a camera streams: RTSP OPTIONS/DESCRIBE and the snapshot download.

Used by ``onvif_stream_check`` (SOP-PIAK-02 step 5). Standard library only; the pictures are
decoded and judged in ``_picture`` (Pillow).

Safety rule (absolute)
    A stream or snapshot URI comes from the camera. :func:`check_uri_host` refuses any URI whose
    host is not the ``hostname`` the user gave (a name resolving to the URI's address counts),
    and the connection is then made to that ``hostname`` itself, on the URI's port. Redirects
    are followed only to the same host. No proxy is used.

Other rules
    * Every connection and every answer has a timeout; an RTSP exchange as a whole finishes
      within its timeout. Answers are size-limited.
    * HTTP Digest (MD5, MD5-sess, SHA-256, qop ``auth``/``auth-int`` or none) answers a 401
      challenge, for RTSP and for HTTP; Basic only when it is the only scheme the camera offers.
    * Errors are :class:`StreamError` subclasses whose message names what was tried, on which
      host:port, and the cause. No message holds the password or more than a short, printable
      excerpt of a reply.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import os
import re
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

USER_AGENT = 'dukcapil.cctv onvif_stream_check'
DEFAULT_PORTS = {'rtsp': 554, 'http': 80, 'https': 443}
MAX_HEADER_BYTES = 64 * 1024
MAX_SDP_BYTES = 1024 * 1024
MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 3
# RTP payload types with a static meaning (RFC 3551), for an SDP without a=rtpmap.
STATIC_VIDEO_PAYLOADS = {'26': 'JPEG', '31': 'H261', '32': 'MPV', '33': 'MP2T', '34': 'H263'}

_STATUS_LINE = re.compile(r'^(RTSP|HTTP)/(\d)\.(\d)\s+(\d{3})(?:\s+(.*))?$')
_AUTH_PARAM = re.compile(r'([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)')


# ---------------------------------------------------------------------------------- errors --
class StreamError(Exception):
    """Base of this module's errors. ``operation`` is e.g. ``RTSP DESCRIBE``, ``target`` host:port."""

    def __init__(self, cause, operation=None, target=None):
        super().__init__(cause)
        self.cause = cause
        self.operation = operation
        self.target = target

    @property
    def message(self):
        if self.operation and self.target:
            return '%s on %s failed: %s' % (self.operation, self.target, self.cause)
        if self.operation:
            return '%s failed: %s' % (self.operation, self.cause)
        return self.cause

    def __str__(self):
        return self.message


class StreamAddressRefused(StreamError):
    """The URI names another host than the camera's: it is not contacted."""


class StreamConnectionError(StreamError):
    """Refused, unreachable, name not found, TLS failure, connection closed early."""


class StreamTimeoutError(StreamError):
    """No connection or no (complete) answer within the timeout."""


class StreamAuthError(StreamError):
    """The camera refused the credentials, or asked for an authentication scheme not supported."""


class StreamResponseError(StreamError):
    """An answer that is not what the protocol or the check expects."""


# ----------------------------------------------------------------------------- addresses --
def format_target(host, port):
    """'host:port', with brackets around an IPv6 literal."""
    return '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)


def _same_host(uri_host, hostname):
    uri_host, hostname = uri_host.lower(), hostname.strip('[]').lower()
    if uri_host == hostname:
        return True
    try:
        ipaddress.ip_address(uri_host)
    except ValueError:
        return False  # another name: never looked up
    try:
        ipaddress.ip_address(hostname)
        return False  # two different addresses
    except ValueError:
        pass
    try:
        resolved = set(info[4][0] for info in socket.getaddrinfo(hostname, None))
    except (OSError, UnicodeError):
        return False
    return uri_host in resolved


def check_uri_host(uri, hostname, schemes, what='URI'):
    """``(scheme, port, request_target)`` of a URI that points at ``hostname``; else StreamAddressRefused.

    ``request_target`` is the path with its query (``/`` when empty). The URI must use one of
    ``schemes`` and carry no credentials (URIs from the ONVIF readers never do).
    """
    hostname = str(hostname).strip().strip('[]')
    try:
        parts = urlsplit(str(uri).strip())
        port = parts.port
    except ValueError as exc:
        raise StreamAddressRefused('the %s %r cannot be read (%s)' % (what, uri, exc))
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise StreamAddressRefused('the %s %s has the scheme %r; only %s is supported'
                                   % (what, uri, parts.scheme, ' or '.join(schemes)))
    if parts.username is not None or parts.password is not None:
        raise StreamAddressRefused('the %s holds credentials; give them as username and password instead' % what)
    host = (parts.hostname or '').lower()
    if not host or not _same_host(host, hostname):
        raise StreamAddressRefused(
            'the camera gives a %s on %s, not on %s: the module only contacts the host it was given '
            '(a camera behind NAT or port forwarding reports its own address; fix the camera or the address used)'
            % (what, host or 'no host', hostname))
    target = parts.path or '/'
    if parts.query:
        target += '?' + parts.query
    return scheme, port or DEFAULT_PORTS[scheme], target


# ---------------------------------------------------------------------------- authentication --
def parse_challenges(values):
    """WWW-Authenticate header values -> {scheme (lower case): {param: value}}.

    Each value is one challenge (cameras send one header per scheme); a value holding a Digest
    and a Basic challenge together is split at the second scheme name.
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


def _hash(algorithm, text):
    name = 'sha256' if algorithm.upper().startswith('SHA-256') else 'md5'
    return hashlib.new(name, text.encode('utf-8')).hexdigest()


class Credentials:
    """Answers Digest (preferred) or Basic challenges for one user; keeps the nonce count."""

    DIGEST_ALGORITHMS = ('MD5', 'MD5-SESS', 'SHA-256', 'SHA-256-SESS')

    def __init__(self, username, password):
        self.username = username or ''
        self.password = password or ''
        self.scheme = None
        self.challenge = None
        self._nc = 0

    def accept(self, header_values):
        """Take the challenge of a 401 answer; return the scheme used, or raise StreamAuthError."""
        challenges = parse_challenges(header_values)
        digest = challenges.get('digest')
        if digest is not None:
            algorithm = digest.get('algorithm', 'MD5').upper()
            if algorithm not in self.DIGEST_ALGORITHMS:
                raise StreamAuthError('the camera asks for Digest with the %s algorithm, which is not supported' % algorithm)
            if 'nonce' not in digest or 'realm' not in digest:
                raise StreamAuthError('the Digest challenge has no realm or nonce')
            self.scheme, self.challenge, self._nc = 'digest', digest, 0
        elif 'basic' in challenges:
            self.scheme, self.challenge = 'basic', challenges['basic']
        elif challenges:
            raise StreamAuthError('the camera asks for %s authentication; only Digest and Basic are supported'
                                  % ', '.join(sorted(challenges)))
        else:
            raise StreamAuthError('the camera answered 401 without an authentication challenge')
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
        realm, nonce = ch['realm'], ch['nonce']
        qops = [q.strip().lower() for q in ch.get('qop', '').split(',') if q.strip()]
        qop = 'auth' if 'auth' in qops else ('auth-int' if 'auth-int' in qops else None)
        self._nc += 1
        nc = '%08x' % self._nc
        cnonce = self.new_cnonce()
        ha1 = _hash(algorithm, '%s:%s:%s' % (self.username, realm, self.password))
        if algorithm.upper().endswith('-SESS'):
            ha1 = _hash(algorithm, '%s:%s:%s' % (ha1, nonce, cnonce))
        if qop == 'auth-int':
            ha2 = _hash(algorithm, '%s:%s:%s' % (method, uri, _hash(algorithm, body.decode('latin-1'))))
        else:
            ha2 = _hash(algorithm, '%s:%s' % (method, uri))
        if qop:
            response = _hash(algorithm, ':'.join((ha1, nonce, nc, cnonce, qop, ha2)))
        else:
            response = _hash(algorithm, '%s:%s:%s' % (ha1, nonce, ha2))
        fields = [('username', self.username), ('realm', realm), ('nonce', nonce), ('uri', uri),
                  ('response', response), ('algorithm', algorithm)]
        if 'opaque' in ch:
            fields.append(('opaque', ch['opaque']))
        header = 'Digest ' + ', '.join('%s="%s"' % (k, v.replace('\\', '\\\\').replace('"', '\\"')) for k, v in fields)
        if qop:
            header += ', qop=%s, nc=%s, cnonce="%s"' % (qop, nc, cnonce)
        return header


def is_stale(header_values):
    digest = parse_challenges(header_values).get('digest') or {}
    return digest.get('stale', '').lower() == 'true'


def printable(data, limit=40):
    """A short, printable excerpt of reply bytes for an error message."""
    text = data[:limit].decode('latin-1')
    text = ''.join(c if 32 <= ord(c) < 127 else '.' for c in text)
    return repr(text + ('...' if len(data) > limit else ''))


# ------------------------------------------------------------------------------------ RTSP --
class RtspResponse:
    """One RTSP answer: ``status``, ``reason``, ``headers`` (list of (name, value)), ``body``."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header(self, name, default=None):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return default

    def header_all(self, name):
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]


def parse_rtsp_head(head):
    """The bytes before the blank line -> (status, reason, headers); StreamResponseError if not RTSP."""
    lines = head.decode('latin-1').split('\r\n') if b'\r\n' in head else head.decode('latin-1').split('\n')
    match = _STATUS_LINE.match(lines[0].strip())
    if not match or match.group(1) != 'RTSP':
        raise StreamResponseError('the reply is not RTSP (it starts with %s)' % printable(head))
    headers = []
    for line in lines[1:]:
        if not line.strip():
            continue
        if line[0] in ' \t' and headers:  # folded continuation
            headers[-1] = (headers[-1][0], headers[-1][1] + ' ' + line.strip())
            continue
        name, sep, value = line.partition(':')
        if not sep:
            raise StreamResponseError('the reply has a malformed header line %s' % printable(line.encode('latin-1')))
        headers.append((name.strip(), value.strip()))
    return int(match.group(4)), (match.group(5) or '').strip(), headers


class RtspClient:
    """RTSP/1.0 over one TCP connection to ``hostname:port``, reconnecting when the camera closes it.

    ``request(method, uri)`` answers a 401 with the credentials (Digest preferred) and returns
    the final :class:`RtspResponse`; any status is returned, only protocol and transport
    failures raise. Each request (connection included) finishes within ``timeout`` seconds.
    """

    def __init__(self, hostname, port, username, password, timeout=10.0):
        self.hostname = str(hostname).strip().strip('[]')
        self.port = int(port)
        self.target = format_target(self.hostname, self.port)
        self.timeout = float(timeout)
        self.credentials = Credentials(username, password)
        self.sock = None
        self.cseq = 0
        self._buffer = b''

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
                self._buffer = b''

    def _fail(self, cls, cause, method):
        return cls(cause, operation='RTSP %s' % method, target=self.target)

    def _connect(self, method, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._fail(StreamTimeoutError, 'no connection within %s s' % self.timeout, method)
        try:
            self.sock = socket.create_connection((self.hostname, self.port), timeout=remaining)
        except socket.timeout:
            raise self._fail(StreamTimeoutError, 'no connection within %s s (host unreachable or port filtered)'
                             % self.timeout, method)
        except ConnectionRefusedError:
            raise self._fail(StreamConnectionError, 'connection refused (nothing listens on port %d)' % self.port, method)
        except socket.gaierror:
            raise self._fail(StreamConnectionError, 'host name %s not found' % self.hostname, method)
        except OSError as exc:
            raise self._fail(StreamConnectionError, 'connection failed (%s)' % (exc.strerror or exc), method)
        self._buffer = b''

    def _recv(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout()
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError('closed')
        return chunk

    def _read_response(self, method, deadline):
        while b'\r\n\r\n' not in self._buffer and b'\n\n' not in self._buffer.lstrip(b'\r\n'):
            start = self._buffer.lstrip(b'\r\n')[:5]
            if start and not b'RTSP/'.startswith(start):  # no need to wait for more: it is not RTSP
                raise self._fail(StreamResponseError, 'the reply is not RTSP (it starts with %s)'
                                 % printable(self._buffer.lstrip(b'\r\n')), method)
            if len(self._buffer) > MAX_HEADER_BYTES:
                raise self._fail(StreamResponseError, 'the reply headers exceed %d bytes' % MAX_HEADER_BYTES, method)
            self._buffer += self._recv(deadline)
        data = self._buffer.lstrip(b'\r\n')
        sep = b'\r\n\r\n' if b'\r\n\r\n' in data else b'\n\n'
        head, dummy, rest = data.partition(sep)
        try:
            status, reason, headers = parse_rtsp_head(head)
        except StreamResponseError as exc:
            raise self._fail(StreamResponseError, exc.cause, method)
        response = RtspResponse(status, reason, headers, b'')
        try:
            length = int(response.header('content-length', '0'))
        except ValueError:
            raise self._fail(StreamResponseError, 'the reply has an invalid Content-Length %s'
                             % printable(response.header('content-length').encode('latin-1')), method)
        if length < 0 or length > MAX_SDP_BYTES:
            raise self._fail(StreamResponseError, 'the reply announces a body of %d bytes' % length, method)
        while len(rest) < length:
            rest += self._recv(deadline)
        response.body, self._buffer = rest[:length], rest[length:]
        if (response.header('connection') or '').lower() == 'close':
            self.close()
        return response

    def _exchange(self, method, uri, headers, authorization, deadline):
        for attempt in (1, 2):
            fresh = self.sock is None
            if fresh:
                self._connect(method, deadline)
            self.cseq += 1
            lines = ['%s %s RTSP/1.0' % (method, uri), 'CSeq: %d' % self.cseq, 'User-Agent: %s' % USER_AGENT]
            lines += ['%s: %s' % item for item in headers]
            if authorization:
                lines.append('Authorization: %s' % authorization)
            try:
                self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                self.sock.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode('utf-8'))
                return self._read_response(method, deadline)
            except socket.timeout:
                self.close()
                raise self._fail(StreamTimeoutError, 'no complete answer within %s s (the camera accepted the '
                                 'connection but did not reply)' % self.timeout, method)
            except OSError as exc:
                got_bytes = bool(self._buffer)
                self.close()
                # A camera may close a kept-alive connection (after a 401, say): reconnect once.
                if attempt == 1 and not fresh and not got_bytes:
                    continue
                cause = 'the camera closed the connection' if isinstance(exc, ConnectionResetError) else str(exc)
                raise self._fail(StreamConnectionError, cause + (' in the middle of its answer' if got_bytes else
                                                                 ' without answering'), method)
        raise self._fail(StreamConnectionError, 'the camera closed the connection without answering', method)

    def request(self, method, uri, headers=()):
        headers = list(headers)
        response = self._exchange(method, uri, headers, None, time.monotonic() + self.timeout)
        if response.status != 401:
            return response
        try:
            scheme = self.credentials.accept(response.header_all('www-authenticate'))
        except StreamAuthError as exc:
            raise self._fail(StreamAuthError, exc.cause, method)
        for attempt in (1, 2):
            response = self._exchange(method, uri, headers, self.credentials.header(method, uri),
                                      time.monotonic() + self.timeout)
            if attempt == 2 or response.status != 401 or not is_stale(response.header_all('www-authenticate')):
                break
            try:  # the nonce expired between the two requests: once more with the new one
                self.credentials.accept(response.header_all('www-authenticate'))
            except StreamAuthError as exc:
                raise self._fail(StreamAuthError, exc.cause, method)
        if response.status == 401:
            raise self._fail(StreamAuthError, 'the camera refused the credentials of user %r (401 after %s authentication)'
                             % (self.credentials.username, scheme.capitalize()), method)
        return response


def parse_sdp(text):
    """SDP text -> ``{'video': [{'port', 'proto', 'payloads', 'codec', 'clock_rate', 'control'}], 'media': [kinds]}``.

    ``codec`` is the encoding name of the first payload type of the media line, from its
    ``a=rtpmap`` or, for a static payload type, from RFC 3551 (``None`` when unknown).
    """
    media, video, current = [], [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith('m='):
            fields = line[2:].split()
            media.append(fields[0] if fields else '')
            current = None
            if fields and fields[0].lower() == 'video':
                current = {'port': fields[1] if len(fields) > 1 else None, 'proto': fields[2] if len(fields) > 2 else None,
                           'payloads': fields[3:], 'rtpmap': {}, 'control': None}
                video.append(current)
        elif current is not None and line.startswith('a=rtpmap:'):
            payload, dummy, encoding = line[len('a=rtpmap:'):].partition(' ')
            current['rtpmap'][payload.strip()] = encoding.strip()
        elif current is not None and line.startswith('a=control:'):
            current['control'] = line[len('a=control:'):].strip()
    for entry in video:
        payload = entry['payloads'][0] if entry['payloads'] else None
        encoding = entry['rtpmap'].get(payload) if payload is not None else None
        if encoding:
            name, dummy, clock = encoding.partition('/')
            entry['codec'], entry['clock_rate'] = name, int(clock.split('/')[0]) if clock.split('/')[0].isdigit() else None
        else:
            entry['codec'], entry['clock_rate'] = STATIC_VIDEO_PAYLOADS.get(payload), None
        del entry['rtpmap']
    return {'media': media, 'video': video}


def describe_stream(uri, hostname, username, password, timeout=10.0):
    """RTSP OPTIONS then DESCRIBE on ``uri`` (at ``hostname``); the stream's description or a StreamError.

    Returns ``{'codec', 'clock_rate', 'media' (kinds in the SDP), 'public' (methods from OPTIONS),
    'server'}``. Fails unless both answer 200, DESCRIBE with an ``application/sdp`` body that
    has a video media line.
    """
    dummy, port, dummy = check_uri_host(uri, hostname, ('rtsp',), what='stream URI')
    with RtspClient(hostname, port, username, password, timeout) as client:
        options = client.request('OPTIONS', uri)
        if options.status != 200:
            raise StreamResponseError('answered %d %s' % (options.status, options.reason), 'RTSP OPTIONS', client.target)
        described = client.request('DESCRIBE', uri, [('Accept', 'application/sdp')])
    if described.status != 200:
        raise StreamResponseError('answered %d %s' % (described.status, described.reason), 'RTSP DESCRIBE', client.target)
    content_type = (described.header('content-type') or '').split(';')[0].strip().lower()
    if content_type != 'application/sdp':
        shown = repr(content_type) if content_type else 'without Content-Type'
        raise StreamResponseError('the answer is %s, not application/sdp' % shown, 'RTSP DESCRIBE', client.target)
    sdp = parse_sdp(described.body.decode('utf-8', 'replace'))
    if not sdp['video']:
        raise StreamResponseError('the session description has no video media line (m=video; it has: %s)'
                                  % (', '.join(sdp['media']) or 'no media at all'), 'RTSP DESCRIBE', client.target)
    public = [m.strip() for m in (options.header('public') or '').split(',') if m.strip()]
    return {'codec': sdp['video'][0]['codec'], 'clock_rate': sdp['video'][0]['clock_rate'], 'media': sdp['media'],
            'public': public, 'server': described.header('server') or options.header('server')}


# ------------------------------------------------------------------------------- snapshots --
def _http_get(scheme, hostname, port, target, headers, timeout, validate_certs):
    if scheme == 'https':
        context = ssl.create_default_context()
        if not validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(hostname, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(hostname, port, timeout=timeout)
    try:
        conn.request('GET', target, headers=headers)
        response = conn.getresponse()
        length = response.getheader('content-length')
        if length and length.isdigit() and int(length) > MAX_SNAPSHOT_BYTES:
            raise StreamResponseError('the snapshot announces %s bytes (more than %d)' % (length, MAX_SNAPSHOT_BYTES))
        body = response.read(MAX_SNAPSHOT_BYTES + 1)
        if len(body) > MAX_SNAPSHOT_BYTES:
            raise StreamResponseError('the snapshot is larger than %d bytes' % MAX_SNAPSHOT_BYTES)
        return response.status, response.reason, response.msg, body
    finally:
        conn.close()


def fetch_snapshot(uri, hostname, username, password, timeout=10.0, validate_certs=True):
    """GET a snapshot URI (at ``hostname``) with Digest (or Basic) auth; ``(body, content_type)``.

    Same-host redirects are followed (at most 3). Anything but a final 200 is a StreamError.
    """
    credentials = Credentials(username, password)
    authorization = None
    redirects = stale_retries = 0
    scheme, port, target = check_uri_host(uri, hostname, ('http', 'https'), what='snapshot URI')
    operation = 'HTTP GET snapshot'
    while True:
        where = format_target(str(hostname).strip('[]'), port)
        headers = {'User-Agent': USER_AGENT, 'Accept': 'image/jpeg, */*'}
        if authorization:
            headers['Authorization'] = authorization
        try:
            status, reason, msg, body = _http_get(scheme, str(hostname).strip('[]'), port, target, headers, timeout,
                                                  validate_certs)
        except StreamError as exc:
            raise exc.__class__(exc.cause, operation, where)
        except socket.timeout:
            raise StreamTimeoutError('no answer within %s s' % timeout, operation, where)
        except ssl.SSLError as exc:
            raise StreamConnectionError('TLS failed (%s); set validate_certs=false only for a camera with a '
                                        'self-signed certificate on a trusted network' % exc.reason, operation, where)
        except ConnectionRefusedError:
            raise StreamConnectionError('connection refused (nothing listens on port %d)' % port, operation, where)
        except socket.gaierror:
            raise StreamConnectionError('host name %s not found' % hostname, operation, where)
        except (OSError, http.client.HTTPException) as exc:
            raise StreamConnectionError('connection failed (%s: %s)' % (type(exc).__name__, exc), operation, where)
        if status == 401:
            challenge = msg.get_all('WWW-Authenticate') or []
            stale = authorization is not None and credentials.scheme == 'digest' and is_stale(challenge)
            if stale:
                stale_retries += 1
            if authorization is None or (stale and stale_retries == 1):
                try:
                    credentials.accept(challenge)
                except StreamAuthError as exc:
                    raise StreamAuthError(exc.cause, operation, where)
                authorization = credentials.header('GET', target)
                continue
            raise StreamAuthError('the camera refused the credentials of user %r (401 after %s authentication)'
                                  % (credentials.username, credentials.scheme.capitalize()), operation, where)
        if status in (301, 302, 303, 307, 308):
            location = msg.get('Location')
            redirects += 1
            if not location or redirects > MAX_REDIRECTS:
                raise StreamResponseError('HTTP %d %s: too many redirects or no Location' % (status, reason), operation, where)
            scheme, port, target = check_uri_host(urljoin('%s://%s%s' % (scheme, where, target), location), hostname,
                                                  ('http', 'https'), what='snapshot redirect')
            authorization, stale_retries = None, 0  # a Digest answer is bound to its URI: the new one is challenged anew
            continue
        if status != 200:
            raise StreamResponseError('HTTP %d %s' % (status, reason), operation, where)
        return body, (msg.get('Content-Type') or '').split(';')[0].strip().lower() or None

