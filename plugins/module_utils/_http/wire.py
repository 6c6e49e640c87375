# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wire: one deadline, one TCP (or TLS) connection, one HTTP/1.1 or RTSP/1.0 message reader.

Every socket operation (connect, TLS handshake, send, each receive) gets the time that remains
before the deadline as its timeout, so a peer that drips one byte at a time cannot stretch a
request past its ``timeout`` (a per-read timeout would let it run forever).
"""

from __future__ import annotations

import re
import socket
import time

from ansible_collections.dukcapil.cctv.plugins.module_utils._http.errors import (
    HttpConnectionError, HttpConnectTimeout, HttpProtocolError, HttpTimeoutError, HttpTlsError,
)

MAX_HEAD_BYTES = 64 * 1024
DEFAULT_MAX_BODY = 32 * 1024 * 1024
_STATUS_LINE = re.compile(r'^(HTTP|RTSP)/(\d)\.(\d)\s+(\d{3})(?:\s+(.*))?$')


def format_target(host, port):
    """'host:port', with brackets around an IPv6 literal."""
    host = str(host).strip('[]')
    return '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)


def printable(data, limit=40):
    """A short, printable excerpt of reply bytes for an error message."""
    text = data[:limit].decode('latin-1')
    text = ''.join(c if 32 <= ord(c) < 127 else '.' for c in text)
    return repr(text + ('...' if len(data) > limit else ''))


class Deadline:
    """The moment a whole request must be done by; ``remaining()`` raises once it has passed."""

    def __init__(self, seconds):
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def left(self):
        return self.end - time.monotonic()

    def remaining(self, exc=HttpTimeoutError, cause=None):
        left = self.left()
        if left <= 0:
            raise exc(cause or 'no complete answer within %g s' % self.seconds)
        return left


class Headers:
    """Response headers: case-insensitive ``get``, every value with ``get_all``, in order with ``items``."""

    def __init__(self, pairs=()):
        self._pairs = list(pairs)

    def get(self, name, default=None):
        name = name.lower()
        for key, value in self._pairs:
            if key.lower() == name:
                return value
        return default

    def get_all(self, name):
        name = name.lower()
        return [value for key, value in self._pairs if key.lower() == name]

    def items(self):
        return list(self._pairs)

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.get(name) is not None

    def __repr__(self):
        return 'Headers(%r)' % [k for k, v in self._pairs]


class Message:
    """One answer: ``protocol`` ('HTTP'/'RTSP'), ``status``, ``reason``, ``headers`` (:class:`Headers`), ``body``."""

    def __init__(self, protocol, status, reason, headers, body=b''):
        self.protocol = protocol
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def content(self):
        return self.body

    @property
    def status_code(self):
        return self.status

    @property
    def date(self):
        """The ``Date`` header as an aware UTC datetime, or None when absent or unreadable."""
        value = self.headers.get('Date')
        if not value:
            return None
        from email.utils import parsedate_to_datetime
        import datetime
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.astimezone(datetime.timezone.utc)


def tls_context(validate_certs):
    """A client TLS context: verified against the system trust store unless ``validate_certs`` is false.

    ``ssl`` is imported here, not at the top: most cameras speak plain HTTP, and loading OpenSSL
    costs every module start a few milliseconds.
    """
    import ssl
    context = ssl.create_default_context()
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class Connection:
    """One connection to ``host:port`` whose every operation is bounded by a :class:`Deadline`."""

    def __init__(self, host, port, deadline, tls=None, server_hostname=None):
        self.host = str(host).strip('[]')
        self.port = int(port)
        self.deadline = deadline
        self.target = format_target(self.host, self.port)
        self.sock = None
        self.buffer = b''
        self.received = 0
        self._connect(tls, server_hostname)

    def _connect(self, tls, server_hostname):
        timeout_cause = 'no connection within %g s (host unreachable or port filtered)' % self.deadline.seconds
        left = self.deadline.remaining(HttpConnectTimeout, timeout_cause)
        try:
            sock = socket.create_connection((self.host, self.port), timeout=left)
        except socket.timeout:
            raise HttpConnectTimeout(timeout_cause) from None
        except ConnectionRefusedError:
            raise HttpConnectionError('connection refused (nothing listens on port %d)' % self.port) from None
        except socket.gaierror:
            raise HttpConnectionError('host name %s not found' % self.host) from None
        except OSError as exc:
            raise HttpConnectionError('connection failed (%s)' % (exc.strerror or exc)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls is not None:
            import ssl
            try:
                sock.settimeout(self.deadline.remaining(HttpConnectTimeout, timeout_cause))
                sock = tls.wrap_socket(sock, server_hostname=server_hostname or self.host)
            except socket.timeout:
                sock.close()
                raise HttpConnectTimeout('no TLS handshake within %g s' % self.deadline.seconds) from None
            except ssl.SSLError as exc:
                sock.close()
                raise HttpTlsError('TLS failed (%s); set validate_certs=false only for a device with a self-signed '
                                   'certificate on a trusted network' % (getattr(exc, 'verify_message', None) or exc.reason or exc)) from None
            except OSError as exc:
                sock.close()
                raise HttpConnectionError('TLS handshake failed (%s)' % (exc.strerror or exc)) from None
        self.sock = sock

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def _timed_out(self):
        if self.received:
            cause = 'no complete answer within %g s (the device started its reply but did not finish it)'
        else:
            cause = 'no answer within %g s (the device accepted the connection but did not reply)'
        return HttpTimeoutError(cause % self.deadline.seconds, seconds=self.deadline.seconds, started=bool(self.received))

    def sendall(self, data):
        try:
            left = self.deadline.left()
            if left <= 0:
                raise socket.timeout()
            self.sock.settimeout(left)
            self.sock.sendall(data)
        except socket.timeout:
            raise self._timed_out() from None
        except OSError as exc:
            raise HttpConnectionError('the device closed the connection while the request was sent (%s)'
                                      % (exc.strerror or exc)) from None

    def recv(self):
        """More bytes (b'' at the end of the stream), within the deadline."""
        try:
            left = self.deadline.left()
            if left <= 0:
                raise socket.timeout()
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            self.received += len(data)
            return data
        except socket.timeout:
            raise self._timed_out() from None
        except OSError as exc:  # ssl.SSLError included
            raise HttpConnectionError('the connection failed while reading (%s)'
                                      % (exc.strerror or getattr(exc, 'reason', None) or exc)) from None

    def _fill(self, what):
        chunk = self.recv()
        if not chunk:
            if self.buffer:
                raise HttpConnectionError('the device closed the connection in the middle of its %s' % what)
            raise HttpConnectionError('the device closed the connection without answering')
        self.buffer += chunk

    def _read_line(self, limit=MAX_HEAD_BYTES):
        while b'\n' not in self.buffer:
            if len(self.buffer) > limit:
                raise HttpProtocolError('a line of the reply exceeds %d bytes' % limit)
            self._fill('answer')
        line, dummy, self.buffer = self.buffer.partition(b'\n')
        return line.rstrip(b'\r')

    def _read_exact(self, length):
        while len(self.buffer) < length:
            self._fill('body')
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        return data

    def read_head(self, protocols=('HTTP',)):
        """Status line and headers -> (protocol, status, reason, Headers)."""
        while True:
            stripped = self.buffer.lstrip(b'\r\n')
            if stripped and not any(('%s/' % p).encode().startswith(stripped[:len(p) + 1]) for p in protocols):
                raise HttpProtocolError('the reply is not %s (it starts with %s)' % ('/'.join(protocols), printable(stripped)))
            if b'\r\n\r\n' in stripped or b'\n\n' in stripped:
                break
            if len(self.buffer) > MAX_HEAD_BYTES:
                raise HttpProtocolError('the reply headers exceed %d bytes' % MAX_HEAD_BYTES)
            self._fill('headers')
        self.buffer = self.buffer.lstrip(b'\r\n')
        status_line = self._read_line().decode('latin-1').strip()
        match = _STATUS_LINE.match(status_line)
        if not match or match.group(1) not in protocols:
            raise HttpProtocolError('the reply is not %s (it starts with %s)'
                                    % ('/'.join(protocols), printable(status_line.encode('latin-1'))))
        pairs = []
        while True:
            line = self._read_line().decode('latin-1')
            if not line.strip():
                break
            if line[0] in ' \t' and pairs:  # obsolete folding
                pairs[-1] = (pairs[-1][0], pairs[-1][1] + ' ' + line.strip())
                continue
            name, sep, value = line.partition(':')
            if not sep or not name.strip():
                raise HttpProtocolError('the reply has a malformed header line %s' % printable(line.encode('latin-1')))
            pairs.append((name.strip(), value.strip()))
        return match.group(1), int(match.group(4)), (match.group(5) or '').strip(), Headers(pairs)

    def read_message(self, method, protocols=('HTTP',), max_body=DEFAULT_MAX_BODY):
        """One whole answer (head and body: Content-Length, chunked, or until close), within the deadline."""
        while True:
            protocol, status, reason, headers = self.read_head(protocols)
            if protocol == 'HTTP' and 100 <= status < 200 and status != 101:
                continue  # 100 Continue and friends: the real answer follows
            break
        message = Message(protocol, status, reason, headers)
        if method == 'HEAD' or status in (204, 304) or (protocol == 'HTTP' and 100 <= status < 200):
            return message
        encoding = (headers.get('Transfer-Encoding') or '').lower()
        length = headers.get('Content-Length')
        if protocol == 'HTTP' and 'chunked' in encoding:
            message.body = self._read_chunked(max_body)
        elif length is not None:
            try:
                size = int(length.strip())
            except ValueError:
                raise HttpProtocolError('the reply has an invalid Content-Length %s' % printable(length.encode('latin-1'))) from None
            if size < 0 or size > max_body:
                raise HttpProtocolError('the reply announces a body of %d bytes (at most %d accepted)' % (size, max_body))
            message.body = self._read_exact(size)
        elif protocol == 'HTTP':
            message.body = self._read_to_close(max_body)
        return message

    def _read_chunked(self, max_body):
        body = b''
        while True:
            line = self._read_line().split(b';', 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise HttpProtocolError('the reply has a malformed chunk size %s' % printable(line)) from None
            if size == 0:
                while self._read_line().strip():  # trailers
                    pass
                return body
            if len(body) + size > max_body:
                raise HttpProtocolError('the reply body exceeds %d bytes' % max_body)
            body += self._read_exact(size)
            self._read_line()

    def _read_to_close(self, max_body):
        while True:
            if len(self.buffer) > max_body:
                raise HttpProtocolError('the reply body exceeds %d bytes' % max_body)
            chunk = self.recv()
            if not chunk:
                body, self.buffer = self.buffer, b''
                return body
            self.buffer += chunk
