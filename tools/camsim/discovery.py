"""WS-Discovery (2005/04): answer Probes with ProbeMatches; announce Hello and Bye.

Each camera listens on UDP <its address>:3702 and replies to the sender, which must be a
loopback address (anything else is dropped). A multicast Probe to 239.255.255.250:3702 is
received once per site on ``lo`` (``camsim.mcast``) and answered by every running camera from
its own socket, unicast to the sender, as WS-Discovery prescribes. Hello (when a camera comes
up) and Bye (before it reboots) go to the group on ``lo`` only (TTL 0).

A camera whose vendor keeps ONVIF switched off (Hikvision before ``Integrate``) is silent on
WS-Discovery: it has no ONVIF service to announce (inferred; INDEX.md H8 says WS-Discovery
of such a camera is not established, and SADP is the way to find it).
"""

import asyncio
import ipaddress
import itertools
import logging
import time
import uuid

from lxml import etree

from . import mcast
from .xmlutil import DN, SOAP_ENV, TDS, WSA, WSD, child, parse, q, serialize, sub, text

LOG = logging.getLogger("camsim.discovery")

PORT = 3702
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
ACTION_PROBE_MATCHES = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
ACTION_HELLO = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello"
ACTION_BYE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Bye"
TO_DISCOVERY = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
DEVICE_TYPES = ("NetworkVideoTransmitter", "Device")
MAX_DATAGRAM = 64 * 1024
_INSTANCE = int(time.time())
_MESSAGE_NUMBER = itertools.count(1)


def _types_match(probe):
    """Loose Types filter: no types, or any requested local name among the device's types."""
    requested = (text(probe, "Types") or "").split()
    return not requested or any(t.rpartition(":")[2] in DEVICE_TYPES for t in requested)


def _scopes_match(probe, scopes):
    """RFC 3986-style prefix match of every requested scope (trailing slashes ignored)."""
    requested = (text(probe, "Scopes") or "").split()
    ours = [s.rstrip("/") for s in scopes]
    return all(any(s == r.rstrip("/") or s.startswith(r.rstrip("/") + "/") for s in ours)
               for r in requested)


def discoverable(camera):
    """True when the camera answers WS-Discovery (its ONVIF service is on)."""
    return camera.status == "running" and camera.onvif_enabled


def _envelope(camera, action, relates_to=None, to=ANONYMOUS):
    """``(root, body)`` of a discovery message from ``camera``."""
    prefix = camera.personality["envelope"]["prefix"]
    root = etree.Element(q(SOAP_ENV, "Envelope"), nsmap={
        prefix: SOAP_ENV, "wsa": WSA, "d": WSD, "dn": DN, "tds": TDS})
    header = sub(root, SOAP_ENV, "Header")
    sub(header, WSA, "MessageID", "urn:uuid:%s" % uuid.uuid4())
    if relates_to:
        sub(header, WSA, "RelatesTo", relates_to)
    sub(header, WSA, "To", to)
    sub(header, WSA, "Action", action)
    sub(header, WSD, "AppSequence", attrib={"InstanceId": str(_INSTANCE),
                                            "MessageNumber": str(next(_MESSAGE_NUMBER))})
    return root, sub(root, SOAP_ENV, "Body")


def _describe(parent, camera, full=True):
    sub(sub(parent, WSA, "EndpointReference"), WSA, "Address", "urn:uuid:" + camera.uuid)
    if full:
        sub(parent, WSD, "Types", "dn:NetworkVideoTransmitter tds:Device")
        sub(parent, WSD, "Scopes", " ".join(uri for definition, uri in camera.scopes()))
        sub(parent, WSD, "XAddrs", camera.device_url)
        sub(parent, WSD, "MetadataVersion", str(camera.boot_count or 1))


def parse_probe(data):
    """``(message_id, probe element)`` of a Probe datagram, or None."""
    try:
        envelope = parse(data)
    except etree.XMLSyntaxError:
        return None
    if envelope.tag != q(SOAP_ENV, "Envelope"):
        return None
    probe = child(child(envelope, "Body"), "Probe")
    message_id = text(child(envelope, "Header"), "MessageID")
    if probe is None or etree.QName(probe).namespace != WSD or not message_id:
        return None
    return message_id, probe


def probe_matches(camera, data):
    """The ProbeMatches datagram for a Probe (bytes or ``parse_probe``'s pair), or None when
    the camera should stay silent."""
    parsed = parse_probe(data) if isinstance(data, (bytes, str)) else data
    if parsed is None or not camera.onvif_enabled:
        return None
    message_id, probe = parsed
    scopes = [uri for definition, uri in camera.scopes()]
    if not _types_match(probe) or not _scopes_match(probe, scopes):
        return None
    root, body = _envelope(camera, ACTION_PROBE_MATCHES, relates_to=message_id)
    _describe(sub(sub(body, WSD, "ProbeMatches"), WSD, "ProbeMatch"), camera)
    return serialize(root)


def hello(camera):
    """The Hello a camera multicasts when it comes up."""
    root, body = _envelope(camera, ACTION_HELLO, to=TO_DISCOVERY)
    _describe(sub(body, WSD, "Hello"), camera)
    return serialize(root)


def bye(camera):
    """The Bye a camera multicasts before it goes away (reboot)."""
    root, body = _envelope(camera, ACTION_BYE, to=TO_DISCOVERY)
    _describe(sub(body, WSD, "Bye"), camera, full=False)
    return serialize(root)


def announce(camera, message):
    """Multicast ``hello`` or ``bye`` from the camera's discovery socket (on lo only)."""
    runtime = camera.runtime
    transport = getattr(runtime, "udp", None)
    if transport is None or not camera.onvif_enabled:
        return
    try:
        mcast.send_to_group(transport, message(camera), PORT)
    except OSError as exc:
        LOG.warning("%s: cannot multicast %s: %s", camera.name, message.__name__, exc.strerror or exc)


def answer_multicast(cameras, data, addr):
    """A Probe sent to the group: every running camera that answers discovery replies,
    unicast to the sender, from its own socket."""
    parsed = parse_probe(data)
    if parsed is None:
        return
    for camera in cameras:
        transport = getattr(camera.runtime, "udp", None)
        if transport is None or camera.status != "running":
            continue
        for each in answering(camera):
            reply = probe_matches(each, parsed)
            if reply is not None:
                transport.sendto(reply, addr)


def answering(camera):
    """The camera and every running camera whose ``discovery_via`` quirk names it: one
    device (an NVR, or two services on one box) answers a Probe for all of them, each in its
    own ProbeMatches from the same source address."""
    others = [c for c in camera.peers.values()
              if c is not camera and c.quirks.get("discovery_via") == camera.name and c.status == "running"]
    return [camera] + others


class DiscoveryProtocol(asyncio.DatagramProtocol):
    def __init__(self, camera):
        self.camera = camera
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            if not ipaddress.ip_address(addr[0]).is_loopback or len(data) > MAX_DATAGRAM:
                return
            replies = [probe_matches(camera, data) for camera in answering(self.camera)]
        except Exception:
            LOG.exception("%s: bad discovery datagram", self.camera.name)
            return
        for reply in replies:
            if reply is not None:
                LOG.debug("%s: ProbeMatches to %s:%d", self.camera.name, addr[0], addr[1])
                self.transport.sendto(reply, addr)


async def start(camera):
    """Bind the camera's discovery socket; return the transport."""
    loop = asyncio.get_running_loop()
    transport, dummy = await loop.create_datagram_endpoint(lambda: DiscoveryProtocol(camera),
                                                           local_addr=(camera.address, PORT))
    mcast.loopback_sender(transport.get_extra_info("socket"))
    return transport
