"""A deliberately small HTTP/1.1 server on asyncio streams (also parses RTSP/1.0 requests).

One request per connection: every answer carries ``Connection: close``. Request bodies
need a Content-Length (no chunked uploads), which is what SOAP clients send.
"""

import asyncio
import email.utils
import http
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOG = logging.getLogger("camsim.http")

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 4 * 1024 * 1024
READ_TIMEOUT = 15.0


class HttpError(Exception):
    """A request the server refuses before any handler sees it."""

    def __init__(self, status, message=""):
        super().__init__(message or str(status))
        self.status = status


@dataclass
class Request:
    method: str
    target: str
    version: str
    headers: dict
    body: bytes = b""
    peer: tuple = ()

    @property
    def path(self):
        return urlsplit(self.target).path or "/"

    @property
    def query(self):
        return urlsplit(self.target).query

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list = field(default_factory=list)
    #: Called (no arguments) once the response has been written and the connection closed.
    after: object = None
    #: Epoch seconds for the ``Date`` header (a camera sends its own clock); None: now.
    date: float = None
    #: Seconds between single bytes ("slow drip", quirk); 0: send at once.
    drip: float = 0.0
    #: After this many seconds of dripping the rest is sent at once (a test always ends).
    drip_limit: float = 30.0


async def read_request(reader, protocols=("HTTP/1.1", "HTTP/1.0"), writer=None):
    """Read one request; return None on a clean end of stream before any byte. With a
    ``writer``, answer ``Expect: 100-continue`` (curl sends it for larger bodies)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise HttpError(400, "truncated request head") from None
    except asyncio.LimitOverrunError:
        raise HttpError(431, "request head too large") from None
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split()
    if len(parts) != 3 or parts[2] not in protocols:
        raise HttpError(400, "bad request line %r" % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise HttpError(400, "bad header line")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise HttpError(411, "chunked request bodies are not supported")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise HttpError(400, "bad Content-Length") from None
    if length < 0 or length > MAX_BODY_BYTES:
        raise HttpError(413, "body too large")
    if writer is not None and length and headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = await reader.readexactly(length) if length else b""
    return Request(parts[0].upper(), parts[1], parts[2], headers, body)


def status_line(status, protocol="HTTP/1.1"):
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Status"
    return "%s %d %s\r\n" % (protocol, status, phrase)


def encode_response(response, server_header):
    head = [status_line(response.status)]
    head.append("Date: %s\r\n" % email.utils.formatdate(response.date, usegmt=True))
    if server_header:
        head.append("Server: %s\r\n" % server_header)
    head.append("Content-Type: %s\r\n" % response.content_type)
    head.append("Content-Length: %d\r\n" % len(response.body))
    for name, value in response.headers:
        head.append("%s: %s\r\n" % (name, value))
    head.append("Connection: close\r\n\r\n")
    return "".join(head).encode("iso-8859-1") + response.body


async def close_writer(writer):
    writer.close()
    try:
        await writer.wait_closed()
    except (OSError, asyncio.CancelledError):
        pass


async def drip_write(writer, data, interval, limit):
    """Send ``data`` one byte every ``interval`` seconds for at most ``limit`` seconds;
    return what is left to send at once."""
    deadline = asyncio.get_running_loop().time() + limit
    sent = 0
    while sent < len(data) and asyncio.get_running_loop().time() < deadline:
        if writer.is_closing():
            raise ConnectionResetError("client went away")
        writer.write(data[sent:sent + 1])
        await writer.drain()
        sent += 1
        await asyncio.sleep(interval)
    return data[sent:]


async def serve_connection(reader, writer, handler, server_header="", tracker=None):
    """Serve one request on a connection: ``await handler(request) -> Response``.

    ``tracker`` (a set) holds the live writers so a rebooting camera can cut them.
    """
    if tracker is not None:
        tracker.add(writer)
    response = None
    try:
        try:
            request = await asyncio.wait_for(read_request(reader, writer=writer), READ_TIMEOUT)
            if request is None:
                return
            request.peer = writer.get_extra_info("peername") or ()
            response = await handler(request)
        except HttpError as exc:
            response = Response(exc.status, (str(exc) + "\n").encode())
        except asyncio.TimeoutError:
            response = Response(408, b"request timeout\n")
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        data = encode_response(response, server_header)
        if response.drip > 0:
            data = await drip_write(writer, data, response.drip, response.drip_limit)
        writer.write(data)
        await writer.drain()
    except (ConnectionError, OSError):
        pass
    except Exception:  # a bug in a handler must not kill the server
        LOG.exception("error while serving a request")
    finally:
        if tracker is not None:
            tracker.discard(writer)
        await close_writer(writer)
        if response is not None and response.after is not None:
            response.after()


async def start_server(handler, host, port, server_header="", tracker=None):
    """Listen on host:port (loopback only; checked by the caller) and serve ``handler``."""

    async def on_connect(reader, writer):
        await serve_connection(reader, writer, handler, server_header, tracker)

    return await asyncio.start_server(on_connect, host=host, port=port, reuse_address=True,
                                      limit=MAX_HEADER_BYTES, backlog=64)


def plain_server(body, server_header, status=200, content_type="text/html"):
    """A handler that answers every request alike (squatters: "something else is here")."""
    payload = body.encode() if isinstance(body, str) else body

    async def handler(request):
        return Response(status, payload if request.method != "HEAD" else b"", content_type)

    return handler
