"""Profiles, stream/snapshot URIs, snapshot over HTTP Digest, RTSP OPTIONS/DESCRIBE."""

import hashlib
import io
import re
import socket

from PIL import Image
from requests.auth import HTTPDigestAuth

from simlib import creds, http_get, soap


def snapshot_uri(camera, token):
    reply = soap(camera.media_url, "<trt:GetSnapshotUri><trt:ProfileToken>%s</trt:ProfileToken>"
                                   "</trt:GetSnapshotUri>" % token, *creds(camera))
    return reply.findtext(".//tt:Uri")


def fetch(camera, uri, password=None):
    user, right = creds(camera)
    return http_get(uri, auth=HTTPDigestAuth(user, password or right))


def test_profiles_and_uris_look_like_the_vendor(new_camera):
    hik = new_camera("hikvision")
    reply = soap(hik.media_url, "<trt:GetProfiles/>", *creds(hik))
    tokens = [p.get("token") for p in reply.element]
    assert tokens == ["Profile_1", "Profile_2"]
    assert reply.findtext("trt:Profiles/tt:Name") == "mainStream"
    stream = soap(hik.media_url, "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>"
                                 "<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>"
                                 "<trt:ProfileToken>Profile_2</trt:ProfileToken></trt:GetStreamUri>", *creds(hik))
    uri = stream.findtext(".//tt:Uri")
    assert uri == "rtsp://%s:%d/Streaming/Channels/102?transportmode=unicast&profile=Profile_2" % (
        hik.address, hik.rtsp_port)
    assert "@" not in uri
    assert snapshot_uri(hik, "Profile_1") == "http://%s:%d/onvif-http/snapshot?Profile_1" % (
        hik.address, hik.http_port)
    axis = new_camera("axis")
    assert soap(axis.media_url, "<trt:GetProfiles/>", *creds(axis)).element[0].get("token") == "profile_1_h264"
    missing = soap(axis.media_url, "<trt:GetProfile><trt:ProfileToken>Profile_9</trt:ProfileToken>"
                                   "</trt:GetProfile>", *creds(axis))
    assert missing.subcodes == ["ter:InvalidArgVal", "ter:NoProfile"]


def test_snapshot_needs_http_digest_and_returns_changing_jpegs(new_camera):
    camera = new_camera("hikvision")
    uri = snapshot_uri(camera, "Profile_1")
    challenge = http_get(uri)
    assert challenge.status_code == 401
    header = challenge.headers["WWW-Authenticate"]
    assert header.startswith("Digest ") and 'qop="auth"' in header and "nonce=" in header
    assert fetch(camera, uri, "Wrong12345").status_code == 401
    first, second = fetch(camera, uri), fetch(camera, uri)
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(first.content))
    assert image.format == "JPEG" and image.size == (2688, 1520)  # Profile_1: mainStream
    assert first.content != second.content


def test_axis_snapshot_paths(new_camera):
    camera = new_camera("axis")
    uri = snapshot_uri(camera, "profile_1_jpeg")
    assert "/onvif-cgi/jpg/image.cgi?" in uri
    assert fetch(camera, uri).status_code == 200
    vapix = "http://%s:%d/axis-cgi/jpg/image.cgi" % (camera.address, camera.http_port)
    assert fetch(camera, vapix).headers["Content-Type"] == "image/jpeg"


def test_covered_and_frozen(new_camera):
    covered = new_camera("generic", faults={"covered": True})
    uri = snapshot_uri(covered, "MainProfile")
    image = Image.open(io.BytesIO(fetch(covered, uri).content)).convert("L")
    assert image.getextrema()[1] < 16  # uniformly black (JPEG noise aside)
    frozen = new_camera("generic", faults={"frozen": True})
    uri = snapshot_uri(frozen, "MainProfile")
    assert fetch(frozen, uri).content == fetch(frozen, uri).content
    frozen.set_faults({"frozen": None})
    assert fetch(frozen, uri).content != fetch(frozen, uri).content


# -- RTSP ------------------------------------------------------------------------------------
class Rtsp:
    def __init__(self, address, port):
        self.sock = socket.create_connection((address, port), timeout=5)
        self.buffer = b""

    def request(self, method, uri, cseq, headers=()):
        lines = ["%s %s RTSP/1.0" % (method, uri), "CSeq: %d" % cseq] + list(headers)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(65536)
        head, dummy, self.buffer = self.buffer.partition(b"\r\n\r\n")
        text = head.decode()
        length = int(re.search(r"Content-Length: (\d+)", text).group(1)) if "Content-Length" in text else 0
        while len(self.buffer) < length:
            self.buffer += self.sock.recv(65536)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        status = int(text.split()[1])
        headers = dict(line.split(": ", 1) for line in text.split("\r\n")[1:])
        return status, headers, body.decode()

    def close(self):
        self.sock.close()


def digest_header(challenge, user, password, method, uri):
    params = dict(re.findall(r'(\w+)="?([^",]+)"?', challenge))
    ha1 = hashlib.md5(("%s:%s:%s" % (user, params["realm"], password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    cnonce, nc = "0a4f113b", "00000001"
    response = hashlib.md5(":".join((ha1, params["nonce"], nc, cnonce, "auth", ha2)).encode()).hexdigest()
    return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", qop=auth, nc=%s, '
            'cnonce="%s", response="%s"' % (user, params["realm"], params["nonce"], uri, nc, cnonce, response))


def test_rtsp_options_and_describe_with_digest(new_camera):
    camera = new_camera("hikvision")
    uri = camera.rtsp_url
    client = Rtsp(camera.address, camera.rtsp_port)
    try:
        status, headers, body = client.request("OPTIONS", uri, 1)
        assert status == 200 and headers["CSeq"] == "1"
        assert headers["Public"] == "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"
        status, headers, body = client.request("DESCRIBE", uri, 2, ["Accept: application/sdp"])
        assert status == 401 and headers["CSeq"] == "2"
        challenge = headers["WWW-Authenticate"]
        wrong = digest_header(challenge, "admin", "Wrong1234x", "DESCRIBE", uri)
        assert client.request("DESCRIBE", uri, 3, [wrong])[0] == 401
        right = digest_header(challenge, *creds(camera), "DESCRIBE", uri)
        status, headers, body = client.request("DESCRIBE", uri, 4, [right])
        assert status == 200 and headers["CSeq"] == "4" and headers["Content-Type"] == "application/sdp"
        assert "m=video 0 RTP/AVP 96" in body and "a=rtpmap:96 H264/90000" in body
        assert body.startswith("v=0\r\n")
        missing = "rtsp://%s:%d/nothing" % (camera.address, camera.rtsp_port)
        assert client.request("DESCRIBE", missing, 5)[0] == 404
        assert client.request("SETUP", uri + "/trackID=1", 6)[0] == 461
    finally:
        client.close()


def test_snapshot_has_the_resolution_of_its_profile(new_camera):
    """Section C: each profile's snapshot URL gives a JPEG of that profile's resolution."""
    for vendor in ("hikvision", "axis", "generic"):
        camera = new_camera(vendor)
        for profile in camera.personality["profiles"]:
            image = Image.open(io.BytesIO(fetch(camera, snapshot_uri(camera, profile["token"])).content))
            assert image.size == (profile["width"], profile["height"]), (vendor, profile["token"])
    hik = new_camera("hikvision")
    sizes = {token: Image.open(io.BytesIO(fetch(hik, snapshot_uri(hik, token)).content)).size
             for token in ("Profile_1", "Profile_2")}
    assert sizes == {"Profile_1": (2688, 1520), "Profile_2": (640, 360)}  # subStream is smaller
    covered = new_camera("hikvision", faults={"covered": True})
    image = Image.open(io.BytesIO(fetch(covered, snapshot_uri(covered, "Profile_2")).content))
    assert image.size == (640, 360)
