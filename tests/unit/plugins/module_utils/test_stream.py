# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_stream: the RTSP client and the snapshot download against tiny fake servers on 127.0.0.1.

The pictures are judged in _picture (its tests: test_picture.py).

The fake servers check Digest answers with their own arithmetic (RFC 2617), written here and
not taken from the client, so a mistake in one does not hide in the other.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import socket
import threading
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _stream

Image = pytest.importorskip('PIL.Image')
ImageDraw = pytest.importorskip('PIL.ImageDraw')

USER, PASSWORD, REALM, NONCE = 'admin', 'S3cret-Pass', 'IP Camera', 'a1b2c3d4e5f6'
SDP = ('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Media Presentation\r\nt=0 0\r\na=control:*\r\n'
       'm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n'
       'm=audio 0 RTP/AVP 0\r\na=control:trackID=2\r\n')


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def digest_ok(header, method, password=PASSWORD, nonce=NONCE):
    """Whether an Authorization header proves USER with ``password`` (RFC 2617, MD5)."""
    if not header or not header.startswith('Digest '):
        return False
    params = dict((k, v.strip('"')) for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', header[7:]))
    ha1 = md5('%s:%s:%s' % (params['username'], REALM, password))
    ha2 = md5('%s:%s' % (method, params['uri']))
    if params.get('qop'):
        expected = md5(':'.join((ha1, params['nonce'], params['nc'], params['cnonce'], params['qop'], ha2)))
    else:
        expected = md5('%s:%s:%s' % (ha1, params['nonce'], ha2))
    return params['username'] == USER and params['nonce'] == nonce and params['response'] == expected


# --------------------------------------------------------------------------- fake RTSP server --
class FakeRtsp:
    """A scripted RTSP server thread: ``handler(request) -> bytes | None | 'close'``.

    ``request`` is a dict (method, uri, headers, raw). None keeps silent (the client must time
    out), 'close' closes the connection without a word.
    """

    def __init__(self, handler, address='127.0.0.1'):
        self.handler = handler
        self.requests = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind((address, 0))
        self.sock.listen(8)
        self.address, self.port = self.sock.getsockname()
        self.uri = 'rtsp://%s:%d/Streaming/Channels/101?transportmode=unicast' % (self.address, self.port)
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the server thread
        except OSError:
            pass
        self.sock.close()
        self.thread.join(2)

    def _serve(self):
        while not self._stop:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn):
        buffer = b''
        with conn:
            conn.settimeout(5)
            while True:
                while b'\r\n\r\n' not in buffer:
                    try:
                        chunk = conn.recv(4096)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buffer += chunk
                head, dummy, buffer = buffer.partition(b'\r\n\r\n')
                lines = head.decode().split('\r\n')
                method, uri, dummy = lines[0].split(' ')
                headers = dict((k.strip().lower(), v.strip()) for k, dummy, v in (l.partition(':') for l in lines[1:]))
                request = {'method': method, 'uri': uri, 'headers': headers, 'raw': head}
                self.requests.append(request)
                reply = self.handler(request)
                if reply is None:
                    time.sleep(3)
                    return
                if reply == 'close':
                    return
                conn.sendall(reply)


def rtsp(status, cseq, headers=(), body=b''):
    reasons = {200: 'OK', 401: 'Unauthorized', 404: 'Not Found'}
    lines = ['RTSP/1.0 %d %s' % (status, reasons.get(status, 'Error')), 'CSeq: %s' % cseq] + ['%s: %s' % h for h in headers]
    if body:
        lines.append('Content-Length: %d' % len(body))
    return ('\r\n'.join(lines) + '\r\n\r\n').encode() + body


def camera(qop=True, close_after_401=False, password=PASSWORD, sdp=SDP, content_type='application/sdp'):
    """A handler behaving like a camera: OPTIONS open, DESCRIBE behind Digest."""
    challenge = 'Digest realm="%s", nonce="%s"%s' % (REALM, NONCE, ', qop="auth"' if qop else '')
    state = {'sent_401': False}

    def handler(request):
        cseq = request['headers'].get('cseq')
        if request['method'] == 'OPTIONS':
            return rtsp(200, cseq, [('Public', 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN')])
        if request['method'] == 'DESCRIBE':
            if not digest_ok(request['headers'].get('authorization'), 'DESCRIBE', password):
                if close_after_401 and state['sent_401']:
                    return 'close'
                state['sent_401'] = True
                return rtsp(401, cseq, [('WWW-Authenticate', challenge)])
            return rtsp(200, cseq, [('Content-Type', content_type), ('Content-Base', request['uri'] + '/')], sdp.encode())
        return rtsp(501, cseq)
    return handler


def test_options_then_describe_answers_the_digest_challenge():
    with FakeRtsp(camera()) as server:
        found = _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=3)
    assert found['codec'] == 'H264' and found['clock_rate'] == 90000
    assert found['media'] == ['video', 'audio'] and 'DESCRIBE' in found['public']
    assert [r['method'] for r in server.requests] == ['OPTIONS', 'DESCRIBE', 'DESCRIBE']
    assert 'authorization' not in server.requests[1]['headers'] and 'qop=auth' in server.requests[2]['headers']['authorization']
    assert all(r['uri'] == server.uri for r in server.requests)
    assert [r['headers']['cseq'] for r in server.requests] == ['1', '2', '3']
    assert not any(PASSWORD.encode() in r['raw'] for r in server.requests)


def test_digest_without_qop_and_a_camera_that_closes_after_401():
    # RFC 2069 style challenge; the camera hangs up after its 401: the client reconnects once.
    def handler(request):
        if request['method'] == 'DESCRIBE' and 'authorization' not in request['headers']:
            challenge = 'Digest realm="%s", nonce="%s"' % (REALM, NONCE)
            return rtsp(401, request['headers']['cseq'], [('WWW-Authenticate', challenge), ('Connection', 'close')])
        return base(request)
    base = camera(qop=False)
    with FakeRtsp(handler) as server:
        found = _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=3)
    assert found['codec'] == 'H264'
    assert server.connections == 2 and 'qop' not in server.requests[-1]['headers']['authorization']


def test_a_stale_nonce_is_answered_once_more():
    def handler(request):
        cseq, auth = request['headers']['cseq'], request['headers'].get('authorization')
        if request['method'] == 'OPTIONS':
            return rtsp(200, cseq)
        if digest_ok(auth, 'DESCRIBE', nonce='fresh-nonce'):
            return rtsp(200, cseq, [('Content-Type', 'application/sdp')], SDP.encode())
        stale = ', stale=TRUE' if digest_ok(auth, 'DESCRIBE') else ''
        nonce = 'fresh-nonce' if stale else NONCE
        return rtsp(401, cseq, [('WWW-Authenticate', 'Digest realm="%s", nonce="%s"%s' % (REALM, nonce, stale))])
    with FakeRtsp(handler) as server:
        found = _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=3)
    assert found['codec'] == 'H264' and [r['method'] for r in server.requests].count('DESCRIBE') == 3


def test_wrong_password_fails_clearly_without_the_password():
    with FakeRtsp(camera(password='another-one')) as server:
        with pytest.raises(_stream.StreamAuthError) as exc:
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=3)
    message = str(exc.value)
    assert message == ("RTSP DESCRIBE on 127.0.0.1:%d failed: the camera refused the credentials of user 'admin' "
                       "(401 after Digest authentication)" % server.port)
    assert PASSWORD not in message


def test_a_silent_camera_times_out():
    with FakeRtsp(lambda request: None) as server:
        started = time.monotonic()
        with pytest.raises(_stream.StreamTimeoutError) as exc:
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=0.5)
        assert time.monotonic() - started < 2
    assert 'RTSP OPTIONS on 127.0.0.1:%d failed: no answer within 0.5 s' % server.port in str(exc.value)


@pytest.mark.parametrize('reply, shown', [
    (b'\x00\x01\x02garbage from a DVR\r\n\r\n', "'...garbage from a DVR"),
    (b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', "'HTTP/1.1 400 Bad Request"),
])
def test_a_reply_that_is_not_rtsp(reply, shown):
    with FakeRtsp(lambda request: reply) as server:
        with pytest.raises(_stream.StreamResponseError) as exc:
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=2)
    assert 'RTSP OPTIONS on 127.0.0.1:%d failed: the reply is not RTSP (it starts with %s' % (server.port, shown) in str(exc.value)


def test_a_description_without_video_or_not_sdp():
    audio_only = 'v=0\r\ns=x\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n'
    with FakeRtsp(camera(sdp=audio_only)) as server:
        with pytest.raises(_stream.StreamResponseError, match=r'no video media line \(m=video; it has: audio\)'):
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=2)
    with FakeRtsp(camera(content_type='text/html')) as server:
        with pytest.raises(_stream.StreamResponseError, match="the answer is 'text/html', not application/sdp"):
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=2)


def test_describe_refused_with_404():
    def handler(request):
        if request['method'] == 'DESCRIBE':
            return rtsp(404, request['headers']['cseq'])
        return camera()(request)
    with FakeRtsp(handler) as server:
        with pytest.raises(_stream.StreamResponseError, match='RTSP DESCRIBE on .* failed: answered 404 Not Found'):
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=2)


def free_port():
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_connection_refused():
    port = free_port()
    with pytest.raises(_stream.StreamConnectionError,
                       match=r'RTSP OPTIONS on 127.0.0.1:%d failed: connection refused \(nothing listens on port %d\)' % (port, port)):
        _stream.describe_stream('rtsp://127.0.0.1:%d/stream1' % port, '127.0.0.1', USER, PASSWORD, timeout=2)


def test_a_uri_on_another_host_is_never_contacted():
    with FakeRtsp(camera(), address='127.0.0.2') as server:
        with pytest.raises(_stream.StreamAddressRefused) as exc:
            _stream.describe_stream(server.uri, '127.0.0.1', USER, PASSWORD, timeout=2)
        time.sleep(0.1)
    assert server.connections == 0
    assert 'the camera gives a stream URI on 127.0.0.2, not on 127.0.0.1' in str(exc.value)


@pytest.mark.parametrize('uri, hostname, expected', [
    ('rtsp://127.0.0.1/stream1', '127.0.0.1', ('rtsp', 554, '/stream1')),
    ('rtsp://127.0.0.1:8554/a?b=c&profile=1', '127.0.0.1', ('rtsp', 8554, '/a?b=c&profile=1')),
    ('http://127.0.0.1/onvif-http/snapshot?Profile_1', '127.0.0.1', ('http', 80, '/onvif-http/snapshot?Profile_1')),
    ('https://CAM.example:8443', 'cam.example', ('https', 8443, '/')),
    ('rtsp://[::1]:554/s', '[::1]', ('rtsp', 554, '/s')),
    ('rtsp://127.0.0.1/s', 'localhost', ('rtsp', 554, '/s')),  # the name resolves to the URI's address
])
def test_check_uri_host_accepts_the_camera(uri, hostname, expected):
    assert _stream.check_uri_host(uri, hostname, ('rtsp', 'http', 'https')) == expected


@pytest.mark.parametrize('uri, hostname, message', [
    ('rtsp://192.168.1.64:554/s', '127.0.0.1', 'gives a URI on 192.168.1.64, not on 127.0.0.1'),
    ('rtsp://cam.example/s', '127.0.0.1', 'gives a URI on cam.example, not on 127.0.0.1'),
    ('rtsps://127.0.0.1/s', '127.0.0.1', "has the scheme 'rtsps'; only rtsp is supported"),
    ('rtsp://admin:x@127.0.0.1/s', '127.0.0.1', 'holds credentials'),
    ('rtsp:///s', '127.0.0.1', 'gives a URI on no host'),
])
def test_check_uri_host_refuses(uri, hostname, message):
    with pytest.raises(_stream.StreamAddressRefused, match=re.escape(message)):
        _stream.check_uri_host(uri, hostname, ('rtsp',))


def test_digest_header_matches_rfc_2617_example(monkeypatch):
    creds = _stream.Credentials('Mufasa', 'Circle Of Life')
    creds.accept(['Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
                  'opaque="5ccc069c403ebaf9f0171e9517f40e41"'])
    monkeypatch.setattr(creds, 'new_cnonce', lambda: '0a4f113b')
    header = creds.header('GET', '/dir/index.html')
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header and 'nc=00000001' in header
    assert 'nc=00000002' in creds.header('GET', '/dir/index.html')


def test_challenges_basic_and_unsupported():
    creds = _stream.Credentials('admin', 'pw')
    assert creds.accept(['Basic realm="cam"']) == 'basic'
    assert creds.header('GET', '/') == 'Basic YWRtaW46cHc='
    assert creds.accept(['Basic realm="cam", Digest realm="cam", nonce="n1"']) == 'digest'
    with pytest.raises(_stream.StreamAuthError, match='asks for negotiate authentication'):
        creds.accept(['Negotiate'])
    with pytest.raises(_stream.StreamAuthError, match='without an authentication challenge'):
        creds.accept([])


def test_parse_sdp_static_payload_and_rtpmap():
    parsed = _stream.parse_sdp('v=0\nm=video 0 RTP/AVP 26\na=control:track1\nm=video 0 RTP/AVP 98\na=rtpmap:98 H265/90000\n')
    found = [(v['codec'], v['clock_rate'], v['control']) for v in parsed['video']]
    assert found == [('JPEG', None, 'track1'), ('H265', 90000, None)]


# --------------------------------------------------------------------------- fake HTTP camera --
def jpeg(image, **save):
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=85, **save)
    return buffer.getvalue()


def scene(shift=0, size=(320, 240)):
    """A picture with structure: a gradient, a few shapes, a box moved by ``shift`` pixels."""
    image = Image.new('RGB', size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line((0, y, size[0], y), fill=(y % 256, 80, 255 - y % 256))
    draw.rectangle((20 + shift, 150, 90 + shift, 210), fill=(240, 200, 30))
    draw.ellipse((200, 30, 280, 110), fill=(20, 20, 20))
    return image


class SnapshotHandler(http.server.BaseHTTPRequestHandler):
    """GET /snap.jpg behind Digest; /moved redirects to /snap.jpg, /away to another host."""

    password = PASSWORD
    body = b''
    redirect_port = None

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        if self.path == '/moved':
            self._send(302, b'', [('Location', '/snap.jpg')])
        elif self.path == '/moved-after-login':  # redirects only an authenticated request
            if digest_ok(self.headers.get('Authorization'), 'GET', self.password):
                self._send(302, b'', [('Location', '/snap.jpg')])
            else:
                self._send(401, b'', [('WWW-Authenticate', 'Digest realm="%s", nonce="%s"' % (REALM, NONCE))])
        elif self.path == '/away':
            self._send(302, b'', [('Location', 'http://127.0.0.2:%d/snap.jpg' % self.server.server_address[1])])
        elif self.path == '/other-port':
            self._send(302, b'', [('Location', 'http://127.0.0.1:%d/snap.jpg' % self.redirect_port)])
        elif self.path != '/snap.jpg':
            self._send(404, b'not found', [('Content-Type', 'text/plain')])
        elif not digest_ok(self.headers.get('Authorization'), 'GET', self.password):
            self._send(401, b'<html>401</html>', [('WWW-Authenticate', 'Digest realm="%s", qop="auth", nonce="%s"' % (REALM, NONCE))])
        else:
            self._send(200, self.body, [('Content-Type', 'image/jpeg')])

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def http_camera():
    handler = type('Handler', (SnapshotHandler,), {'body': jpeg(scene())})
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = 'http://127.0.0.1:%d' % server.server_address[1]
    server.handler = handler
    yield server
    server.shutdown()
    server.server_close()


def test_snapshot_with_digest(http_camera):
    body, content_type = _stream.fetch_snapshot(http_camera.base + '/snap.jpg', '127.0.0.1', USER, PASSWORD, timeout=3)
    assert body == http_camera.handler.body and content_type == 'image/jpeg'


def test_snapshot_same_host_redirect_is_followed_another_host_refused(http_camera):
    for path in ('/moved', '/moved-after-login'):
        body, dummy = _stream.fetch_snapshot(http_camera.base + path, '127.0.0.1', USER, PASSWORD, timeout=3)
        assert body == http_camera.handler.body
    with pytest.raises(_stream.StreamAddressRefused, match='refused to contact http://127.0.0.2:'):
        _stream.fetch_snapshot(http_camera.base + '/away', '127.0.0.1', USER, PASSWORD, timeout=3)


def test_snapshot_redirect_to_another_port_is_refused(http_camera):
    with FakeRtsp(lambda request: None) as other:
        http_camera.handler.redirect_port = other.port
        with pytest.raises(_stream.StreamAddressRefused, match='refused to contact http://127.0.0.1:%d' % other.port):
            _stream.fetch_snapshot(http_camera.base + '/other-port', '127.0.0.1', USER, PASSWORD, timeout=3)
        assert other.requests == []


def _dripping_head_then_body(status_line, headers, body):
    def serve(conn):
        data = ('%s\r\n%s\r\nContent-Length: %d\r\n\r\n' % (status_line, headers, len(body))).encode() + body
        try:
            for byte in data:
                conn.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass
    return serve


class DrippingServer:
    """Reads one request per connection, then answers it one byte every 0.1 s."""

    def __init__(self, serve):
        self.serve = serve
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            conn.recv(65536)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def close(self):
        self.sock.close()


@pytest.mark.parametrize('status, headers, body, expected, call', [
    ('RTSP/1.0 200 OK', 'CSeq: 1\r\nPublic: OPTIONS, DESCRIBE', b'x' * 200, 'RTSP OPTIONS',
     lambda port: _stream.describe_stream('rtsp://127.0.0.1:%d/live' % port, '127.0.0.1', USER, PASSWORD, timeout=1.5)),
    ('HTTP/1.1 200 OK', 'Content-Type: image/jpeg', b'\xff\xd8' + b'x' * 500, 'HTTP GET snapshot',
     lambda port: _stream.fetch_snapshot('http://127.0.0.1:%d/snap.jpg' % port, '127.0.0.1', USER, PASSWORD, timeout=1.5)),
], ids=['rtsp', 'snapshot'])
def test_case15_answer_dripped_byte_by_byte_is_bounded_by_the_timeout(status, headers, body, expected, call):
    server = DrippingServer(_dripping_head_then_body(status, headers, body))
    started = time.monotonic()
    try:
        message = '%s on 127.0.0.1:%d failed: no complete answer within 1.5 s' % (expected, server.port)
        with pytest.raises(_stream.StreamTimeoutError, match=message):
            call(server.port)
    finally:
        server.close()
    assert 1.4 < time.monotonic() - started < 2.5


def test_snapshot_wrong_password_and_404(http_camera):
    with pytest.raises(_stream.StreamAuthError) as exc:
        _stream.fetch_snapshot(http_camera.base + '/snap.jpg', '127.0.0.1', USER, 'Wrong-Pass', timeout=3)
    assert str(exc.value) == ("HTTP GET snapshot on 127.0.0.1:%d failed: the camera refused the credentials of user "
                              "'admin' (401 after Digest authentication)" % http_camera.server_address[1])
    with pytest.raises(_stream.StreamResponseError, match='HTTP 404 Not Found'):
        _stream.fetch_snapshot(http_camera.base + '/nothing.jpg', '127.0.0.1', USER, PASSWORD, timeout=3)


def test_snapshot_timeout():
    with FakeRtsp(lambda request: None) as silent:  # accepts, reads the request, never answers
        started = time.monotonic()
        with pytest.raises(_stream.StreamTimeoutError, match=r'HTTP GET snapshot on 127.0.0.1:\d+ failed: no answer within 0.5 s'):
            _stream.fetch_snapshot('http://127.0.0.1:%d/snap.jpg' % silent.port, '127.0.0.1', USER, PASSWORD, timeout=0.5)
        assert time.monotonic() - started < 2
