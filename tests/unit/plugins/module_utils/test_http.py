# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP layer (module_utils/_http): deadline, address guard, Digest, TLS -- against servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import socket
import ssl
import subprocess
import threading
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _http
from ansible_collections.dukcapil.cctv.plugins.module_utils._http import (
    Credentials, HttpAddressRefused, HttpClient, HttpConnectionError, HttpProtocolError, HttpTimeoutError,
    HttpTlsError, digest_response, parse_challenges,
)


class RawServer:
    """127.0.0.1 TCP server; ``handler(conn, request_bytes)`` answers each connection; requests are kept."""

    def __init__(self, handler, tls_context=None):
        self.handler = handler
        self.requests = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.tls = tls_context
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            conn.settimeout(5)
            data = b''
            while b'\r\n\r\n' not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, dummy, body = data.partition(b'\r\n\r\n')
            length = 0
            for line in head.split(b'\r\n')[1:]:
                if line.lower().startswith(b'content-length:'):
                    length = int(line.split(b':', 1)[1])
            while len(body) < length:
                body += conn.recv(65536)
            self.requests.append(head.decode('latin-1'))
            self.handler(conn, head.decode('latin-1'))
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.sock.close()


@pytest.fixture
def serve():
    servers = []

    def start(handler, tls_context=None):
        server = RawServer(handler, tls_context)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.close()


def answer(status='200 OK', body=b'hello', headers=()):
    def handler(conn, request):
        lines = ['HTTP/1.1 %s' % status, 'Content-Length: %d' % len(body)] + ['%s: %s' % h for h in headers]
        conn.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode() + body)
    return handler


# ------------------------------------------------------------------------------------ Digest --
# RFC 7616 section 3.9.1: Mufasa / "Circle of Life", GET /dir/index.html, qop=auth.
RFC = dict(username='Mufasa', realm='http-auth@example.org', password='Circle of Life', method='GET',
           uri='/dir/index.html', nonce='7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', nc='00000001',
           cnonce='f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', qop='auth')


def test_digest_md5_rfc7616_vector():
    assert digest_response('MD5', **RFC) == '8ca523f5e9506fed4657c9700eebdbec'


def test_digest_sha256_rfc7616_vector():
    assert digest_response('SHA-256', **RFC) == '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'


def test_digest_md5_sess_and_rfc2069_forms():
    def h(text):
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = h('%s:%s:%s' % (h('Mufasa:r:pw'), 'n', 'c'))
    assert digest_response('MD5-sess', 'Mufasa', 'r', 'pw', 'GET', '/', 'n', '00000001', 'c', 'auth') == \
        h('%s:n:00000001:c:auth:%s' % (ha1, h('GET:/')))
    assert digest_response('MD5', 'Mufasa', 'r', 'pw', 'GET', '/', 'n') == h('%s:n:%s' % (h('Mufasa:r:pw'), h('GET:/')))


def test_challenge_parsing_and_header():
    challenges = parse_challenges(['Digest realm="cam", qop="auth,auth-int", nonce="abc", algorithm=SHA-256, opaque="o"',
                                   'Basic realm="cam"'])
    assert challenges['digest']['algorithm'] == 'SHA-256' and 'basic' in challenges
    creds = Credentials('admin', 'secret')
    assert creds.accept(['Digest realm="cam", qop="auth", nonce="abc", algorithm=SHA-256, opaque="o"']) == 'digest'
    header = creds.header('POST', '/onvif/device_service')
    assert header.startswith('Digest ') and 'nc=00000001' in header and 'opaque="o"' in header and 'secret' not in header
    assert 'nc=00000002' in creds.header('POST', '/onvif/device_service')  # the nonce count goes up


def test_unsupported_challenge_is_a_clear_error():
    with pytest.raises(_http.HttpAuthError, match='(?i)ntlm'):
        Credentials('a', 'b').accept(['NTLM'])


# ----------------------------------------------------------------------------------- basics --
def test_get_with_content_length_headers_and_date(serve):
    server = serve(answer(headers=[('Date', 'Thu, 03 Dec 2026 17:01:02 GMT'), ('X-Thing', 'v')]))
    response = HttpClient('127.0.0.1', server.port, timeout=2).request('GET', '/x')
    assert (response.status, response.reason, response.body) == (200, 'OK', b'hello')
    assert response.headers.get('x-THING') == 'v'
    assert response.date.isoformat() == '2026-12-03T17:01:02+00:00'
    assert server.requests[0].startswith('GET /x HTTP/1.1\r\nHost: 127.0.0.1:%d' % server.port)


def test_chunked_and_until_close_bodies(serve):
    def chunked(conn, request):
        conn.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6; ext=1\r\n world\r\n0\r\n\r\n')

    def until_close(conn, request):
        conn.sendall(b'HTTP/1.0 200 OK\r\n\r\nno length here')
    assert HttpClient('127.0.0.1', serve(chunked).port, timeout=2).request('GET').body == b'hello world'
    assert HttpClient('127.0.0.1', serve(until_close).port, timeout=2).request('GET').body == b'no length here'


def test_truncated_body_is_an_error(serve):
    server = serve(lambda conn, request: conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'))
    with pytest.raises(HttpConnectionError, match='middle of its body'):
        HttpClient('127.0.0.1', server.port, timeout=2).request('GET')


def test_not_http_is_a_protocol_error(serve):
    server = serve(lambda conn, request: conn.sendall(b'SSH-2.0-OpenSSH\r\n'))
    with pytest.raises(HttpProtocolError, match='not HTTP'):
        HttpClient('127.0.0.1', server.port, timeout=2).request('GET')


def test_connection_refused_names_the_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(HttpConnectionError, match='refused .*port %d' % port) as info:
        HttpClient('127.0.0.1', port, timeout=2).request('GET', '/a')
    assert info.value.target == '127.0.0.1:%d' % port and str(info.value).startswith('GET /a on 127.0.0.1')


# --------------------------------------------------------------------------------- deadline --
def _dripping(conn, request):
    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n')
    for dummy in range(1000):
        conn.sendall(b'x')
        time.sleep(0.1)


def test_deadline_bounds_a_dripping_body(serve):
    server = serve(_dripping)
    started = time.monotonic()
    with pytest.raises(HttpTimeoutError, match='no complete answer within 1.5 s'):
        HttpClient('127.0.0.1', server.port, timeout=1.5).request('GET')
    assert 1.4 < time.monotonic() - started < 2.5


def test_deadline_bounds_dripping_headers(serve):
    def handler(conn, request):
        for byte in b'HTTP/1.1 200 OK\r\nX-Long: ' + b'y' * 1000:
            conn.sendall(bytes([byte]))
            time.sleep(0.1)
    server = serve(handler)
    started = time.monotonic()
    with pytest.raises(HttpTimeoutError):
        HttpClient('127.0.0.1', server.port, timeout=1).request('GET')
    assert time.monotonic() - started < 2


# ------------------------------------------------------------------------------------ guard --
def test_redirect_to_another_port_is_refused(serve):
    other = serve(answer(body=b'elsewhere'))
    server = serve(answer('302 Found', b'', [('Location', 'http://127.0.0.1:%d/snap.jpg' % other.port)]))
    with pytest.raises(HttpAddressRefused, match='only contacts http://127.0.0.1:%d' % server.port):
        HttpClient('127.0.0.1', server.port, timeout=2).request('GET', '/')
    assert other.requests == []


def test_redirect_on_the_same_port_is_followed(serve):
    def handler(conn, request):
        if request.startswith('GET /old'):
            answer('301 Moved', b'', [('Location', '/new')])(conn, request)
        else:
            answer(body=b'new')(conn, request)
    server = serve(handler)
    assert HttpClient('127.0.0.1', server.port, timeout=2).request('GET', '/old').body == b'new'


def test_other_host_and_scheme_urls_are_refused_before_connecting():
    client = HttpClient('127.0.0.1', 9, timeout=1)
    for url in ('http://127.0.0.2:9/', 'https://127.0.0.1:9/', 'http://127.0.0.1:10/', 'ftp://127.0.0.1:9/'):
        with pytest.raises(HttpAddressRefused):
            client.request('GET', url)


def test_environment_proxy_is_ignored(serve, monkeypatch):
    monkeypatch.setenv('http_proxy', 'http://127.0.0.9:1')
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.9:1')
    server = serve(answer())
    assert HttpClient('127.0.0.1', server.port, timeout=2).request('GET').status == 200


# ------------------------------------------------------------------------------------ auth --
def _digest_server(algorithm='MD5'):
    def handler(conn, request):
        authorization = [l for l in request.split('\r\n') if l.lower().startswith('authorization:')]
        if not authorization:
            answer('401 Unauthorized', b'', [('WWW-Authenticate', 'Digest realm="cam", qop="auth", nonce="n1", '
                                              'algorithm=%s' % algorithm)])(conn, request)
            return
        params = parse_challenges([authorization[0].split(':', 1)[1].strip()])['digest']
        expected = digest_response(algorithm, 'admin', 'cam', 'pw', request.split()[0], params['uri'], 'n1',
                                   params['nc'], params['cnonce'], 'auth')
        if params['response'] == expected:
            answer(body=b'in')(conn, request)
        else:
            answer('401 Unauthorized', b'', [('WWW-Authenticate', 'Digest realm="cam", qop="auth", nonce="n1"')])(conn, request)
    return handler


@pytest.mark.parametrize('algorithm', ['MD5', 'SHA-256', 'MD5-sess'])
def test_digest_against_a_server(serve, algorithm):
    server = serve(_digest_server(algorithm))
    client = HttpClient('127.0.0.1', server.port, timeout=2, username='admin', password='pw')
    assert client.request('POST', '/onvif/device_service', b'<x/>').body == b'in'
    assert client.request('POST', '/onvif/device_service', b'<x/>').body == b'in'
    assert len(server.requests) == 3  # challenge, answer, then the second request answered at once


def test_wrong_password_returns_the_401(serve):
    server = serve(_digest_server())
    response = HttpClient('127.0.0.1', server.port, timeout=2, username='admin', password='nope').request('GET')
    assert response.status == 401 and len(server.requests) == 2


# ------------------------------------------------------------------------------------- TLS --
@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp('tls')
    key, cert = str(folder / 'key.pem'), str(folder / 'cert.pem')
    try:
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
                        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip('openssl is needed to make a test certificate')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


def test_tls_verified_by_default(serve, certificate):
    server = serve(answer(), tls_context=certificate[0])
    with pytest.raises(HttpTlsError, match='validate_certs=false'):
        HttpClient('127.0.0.1', server.port, use_tls=True, timeout=2).request('GET')


def test_tls_without_verification(serve, certificate):
    server = serve(answer(body=b'secure'), tls_context=certificate[0])
    assert HttpClient('127.0.0.1', server.port, use_tls=True, validate_certs=False, timeout=2).request('GET').body == b'secure'


def test_tls_trusted_certificate(serve, certificate, monkeypatch):
    server = serve(answer(body=b'trusted'), tls_context=certificate[0])
    monkeypatch.setenv('SSL_CERT_FILE', certificate[1])
    assert HttpClient('127.0.0.1', server.port, use_tls=True, timeout=2).request('GET').body == b'trusted'
