"""Just enough RTSP/1.0: OPTIONS, and DESCRIBE behind HTTP Digest returning an SDP.

SETUP/PLAY/TEARDOWN are listed in ``Public`` (as cameras do) but no media is ever sent:
SETUP answers 461 Unsupported Transport, PLAY/TEARDOWN 454 Session Not Found.
"""

import asyncio
import email.utils
import logging
from urllib.parse import urlsplit

from .config import SLOW_DRIP_LIMIT
from .httpd import HttpError, MAX_HEADER_BYTES, drip_write, close_writer, read_request
from .webapp import digest_user

LOG = logging.getLogger("camsim.rtsp")

PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"
IDLE_TIMEOUT = 60.0
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           454: "Session Not Found", 461: "Unsupported Transport", 501: "Not Implemented"}
SPROP = "Z00AKZpkA8ARPyzUBAQFAAADA+gAAOpgBA==,aO48gA=="


def sdp(camera, profile):
    """Session description for a profile's stream."""
    media = ("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
             "a=fmtp:96 packetization-mode=1;profile-level-id=4D0029;sprop-parameter-sets=%s\r\n"
             % SPROP) if profile["encoding"] == "H264" else "m=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\n"
    return ("v=0\r\no=- %d 1 IN IP4 %s\r\ns=%s\r\ni=%s\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
            "a=control:*\r\na=range:npt=now-\r\n%sa=framerate:%s\r\na=control:trackID=1\r\n"
            % (camera.boot_count, camera.address, "Media Presentation", profile["name"], media,
               profile["fps"])).encode()


def _stream(camera, target):
    path = urlsplit(target).path
    # Profiles may share a path and differ by the query (Axis media.amp?profile=...): an exact
    # path+query match names the profile; otherwise the first profile on that path answers.
    parts = urlsplit(target)
    for profile in camera.personality["profiles"]:
        wanted = urlsplit(profile["rtsp_path"])
        if (wanted.path, wanted.query) == (parts.path, parts.query):
            return profile
    for profile in camera.personality["profiles"]:
        if urlsplit(profile["rtsp_path"]).path == path:
            return profile
    return None


def answer(camera, request):
    """``(status, headers, body)`` for one RTSP request."""
    method = request.method
    if method == "OPTIONS":
        return 200, [("Public", PUBLIC)], b""
    if method == "DESCRIBE":
        profile = _stream(camera, request.target)
        if profile is None:
            return 404, [], b""
        user, stale = digest_user(camera, request)
        if user is None:
            return 401, [("WWW-Authenticate", camera.digest.challenge(stale))], b""
        base = request.target if request.target.endswith("/") else request.target + "/"
        return 200, [("Content-Type", "application/sdp"), ("Content-Base", base)], sdp(camera, profile)
    if method == "SETUP":
        return 461, [], b""
    if method in ("PLAY", "TEARDOWN", "PAUSE", "GET_PARAMETER"):
        return 454, [], b""
    return 501, [("Public", PUBLIC)], b""


def encode(camera, status, cseq, headers, body):
    lines = ["RTSP/1.0 %d %s" % (status, REASONS.get(status, "Error"))]
    if cseq is not None:
        lines.append("CSeq: %s" % cseq)
    lines.append("Date: %s" % email.utils.formatdate(camera.now(), usegmt=True))
    lines.append("Server: %s" % camera.personality.get("rtsp_server", "camsim"))
    lines += ["%s: %s" % item for item in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1") + body


async def serve_connection(camera, reader, writer, tracker):
    tracker.add(writer)
    try:
        while True:
            try:
                request = await asyncio.wait_for(read_request(reader, ("RTSP/1.0",)), IDLE_TIMEOUT)
            except HttpError:
                writer.write(encode(camera, 400, None, [], b""))
                break
            if request is None:
                break
            cseq = request.header("cseq")
            status, headers, body = (400, [], b"") if cseq is None else answer(camera, request)
            data = encode(camera, status, cseq, headers, body)
            drip = (camera.quirks.get("slow_drip") or {}).get("Rtsp" + request.method.capitalize())
            if drip:
                data = await drip_write(writer, data, drip, camera.quirks.get("slow_drip_limit") or SLOW_DRIP_LIMIT)
            writer.write(data)
            await writer.drain()
    except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError):
        pass
    except Exception:
        LOG.exception("%s: RTSP error", camera.name)
    finally:
        tracker.discard(writer)
        await close_writer(writer)


async def start_server(camera, tracker):
    async def on_connect(reader, writer):
        await serve_connection(camera, reader, writer, tracker)

    return await asyncio.start_server(on_connect, host=camera.address, port=camera.rtsp_port,
                                      reuse_address=True, limit=MAX_HEADER_BYTES, backlog=32)
