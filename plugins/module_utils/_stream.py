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
    * The transport is the collection's one HTTP layer (``_http``): ``timeout`` bounds each
      whole request -- connect, send and the complete answer, the Digest retry included -- for
      snapshots and for every RTSP request alike, so a camera dripping its answer a byte at a
      time fails at the deadline. Answers are size-limited. A snapshot redirect is followed
      only on the same host and port.
    * HTTP Digest (``_http.Credentials``: MD5, MD5-sess, SHA-256, qop ``auth``/``auth-int`` or
      none) answers a 401 challenge, for RTSP and for HTTP; Basic only when it is the only
      scheme the camera offers.
    * Errors are :class:`StreamError` subclasses whose message names what was tried, on which
      host:port, and the cause. No message holds the password or more than a short, printable
      excerpt of a reply.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ansible_collections.dukcapil.cctv.plugins.module_utils import _http
from ansible_collections.dukcapil.cctv.plugins.module_utils._http import is_stale, parse_challenges, printable  # noqa: F401 pylint: disable=unused-import

USER_AGENT = 'dukcapil.cctv onvif_stream_check'
DEFAULT_PORTS = {'rtsp': 554, 'http': 80, 'https': 443}
MAX_SDP_BYTES = 1024 * 1024
MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024
# RTP payload types with a static meaning (RFC 3551), for an SDP without a=rtpmap.
STATIC_VIDEO_PAYLOADS = {'26': 'JPEG', '31': 'H261', '32': 'MPV', '33': 'MP2T', '34': 'H263'}


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
class Credentials(_http.Credentials):
    """The HTTP layer's Digest/Basic answers, raising StreamAuthError for a challenge it cannot answer."""

    def accept(self, header_values):
        try:
            return super().accept(header_values)
        except _http.HttpAuthError as exc:
            raise StreamAuthError(exc.cause.replace('the device', 'the camera')) from None


def _stream_error(exc, operation, target):
    """An HTTP layer error -> the StreamError of the same meaning (class for class)."""
    for http_class, stream_class in ((_http.HttpAddressRefused, StreamAddressRefused),
                                     (_http.HttpConnectTimeout, StreamTimeoutError),
                                     (_http.HttpConnectionError, StreamConnectionError),
                                     (_http.HttpTimeoutError, StreamTimeoutError),
                                     (_http.HttpAuthError, StreamAuthError)):
        if isinstance(exc, http_class):
            return stream_class(exc.cause.replace('the device', 'the camera'), operation, target)
    return StreamResponseError(exc.cause.replace('the device', 'the camera'), operation, target)


# ------------------------------------------------------------------------------------ RTSP --
class RtspClient:
    """RTSP/1.0 over one TCP connection to ``hostname:port``, reconnecting when the camera closes it.

    ``request(method, uri)`` answers a 401 with the credentials (Digest preferred) and returns
    the final answer (``_http.wire.Message``: status, reason, headers, body); any status is
    returned, only protocol and transport failures raise. Each request -- connecting, sending, the whole answer and the Digest retry
    -- finishes within ``timeout`` seconds (one ``_http.Deadline``).
    """

    def __init__(self, hostname, port, username, password, timeout=10.0):
        self.hostname = str(hostname).strip().strip('[]')
        self.port = int(port)
        self.target = format_target(self.hostname, self.port)
        self.timeout = float(timeout)
        self.credentials = Credentials(username, password)
        self.connection = None
        self.cseq = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def _exchange(self, method, uri, headers, authorization, deadline):
        for attempt in (1, 2):
            fresh = self.connection is None
            if fresh:
                self.connection = _http.Connection(self.hostname, self.port, deadline)
            self.connection.deadline = deadline
            self.cseq += 1
            lines = ['%s %s RTSP/1.0' % (method, uri), 'CSeq: %d' % self.cseq, 'User-Agent: %s' % USER_AGENT]
            lines += ['%s: %s' % item for item in headers]
            if authorization:
                lines.append('Authorization: %s' % authorization)
            received = self.connection.received
            try:
                self.connection.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode('utf-8'))
                message = self.connection.read_message(method, ('RTSP',), MAX_SDP_BYTES)
            except _http.HttpConnectionError:
                got_bytes = self.connection.received > received
                self.close()
                # A camera may close a kept-alive connection (after a 401, say): reconnect once.
                if attempt == 1 and not fresh and not got_bytes:
                    continue
                raise
            except _http.HttpError:
                self.close()
                raise
            if (message.headers.get('connection') or '').lower() == 'close':
                self.close()
            return message
        raise _http.HttpConnectionError('the camera closed the connection without answering')

    def request(self, method, uri, headers=()):
        headers = list(headers)
        deadline = _http.Deadline(self.timeout)
        try:
            response = self._exchange(method, uri, headers, None, deadline)
            if response.status != 401:
                return response
            scheme = self.credentials.accept(response.headers.get_all('www-authenticate'))
            for attempt in (1, 2):
                response = self._exchange(method, uri, headers, self.credentials.header(method, uri), deadline)
                if attempt == 2 or response.status != 401 or not is_stale(response.headers.get_all('www-authenticate')):
                    break
                self.credentials.accept(response.headers.get_all('www-authenticate'))  # the nonce expired: once more
        except StreamError as exc:
            raise exc.__class__(exc.cause, 'RTSP %s' % method, self.target) from None
        except _http.HttpError as exc:
            raise _stream_error(exc, 'RTSP %s' % method, self.target) from None
        if response.status == 401:
            raise StreamAuthError('the camera refused the credentials of user %r (401 after %s authentication)'
                                  % (self.credentials.username, scheme.capitalize()), 'RTSP %s' % method, self.target)
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
    content_type = (described.headers.get('content-type') or '').split(';')[0].strip().lower()
    if content_type != 'application/sdp':
        shown = repr(content_type) if content_type else 'without Content-Type'
        raise StreamResponseError('the answer is %s, not application/sdp' % shown, 'RTSP DESCRIBE', client.target)
    sdp = parse_sdp(described.body.decode('utf-8', 'replace'))
    if not sdp['video']:
        raise StreamResponseError('the session description has no video media line (m=video; it has: %s)'
                                  % (', '.join(sdp['media']) or 'no media at all'), 'RTSP DESCRIBE', client.target)
    public = [m.strip() for m in (options.headers.get('public') or '').split(',') if m.strip()]
    return {'codec': sdp['video'][0]['codec'], 'clock_rate': sdp['video'][0]['clock_rate'], 'media': sdp['media'],
            'public': public, 'server': described.headers.get('server') or options.headers.get('server')}


# ------------------------------------------------------------------------------- snapshots --
def fetch_snapshot(uri, hostname, username, password, timeout=10.0, validate_certs=True):
    """GET a snapshot URI (at ``hostname``) with Digest (or Basic) auth; ``(body, content_type)``.

    Redirects on the same host and port are followed (at most 3); ``timeout`` bounds the whole
    download. Anything but a final 200 is a StreamError.
    """
    scheme, port, target = check_uri_host(uri, hostname, ('http', 'https'), what='snapshot URI')
    operation = 'HTTP GET snapshot'
    client = _http.HttpClient(str(hostname).strip().strip('[]'), port, use_tls=scheme == 'https',
                              validate_certs=validate_certs, timeout=timeout, username=username or '', password=password,
                              user_agent=USER_AGENT, max_body=MAX_SNAPSHOT_BYTES)
    client.credentials = Credentials(username, password)
    try:
        response = client.request('GET', target, headers={'Accept': 'image/jpeg, */*'}, operation=operation)
    except StreamError as exc:
        raise exc.__class__(exc.cause, operation, client.target) from None
    except _http.HttpError as exc:
        raise _stream_error(exc, operation, client.target) from None
    if response.status == 401 and client.credentials.scheme is None:
        raise StreamAuthError('the camera answered 401 without an authentication challenge', operation, client.target)
    if response.status == 401:
        raise StreamAuthError('the camera refused the credentials of user %r (401 after %s authentication)'
                              % (client.credentials.username, client.credentials.scheme.capitalize()), operation, client.target)
    if response.status != 200:
        raise StreamResponseError('HTTP %d %s' % (response.status, response.reason), operation, client.target)
    return response.body, (response.headers.get('Content-Type') or '').split(';')[0].strip().lower() or None
