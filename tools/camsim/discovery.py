"""WS-Discovery (2005/04) over unicast UDP: answer a Probe with ProbeMatches.

Each camera listens on UDP <its address>:3702 and replies to the sender, which must be a
loopback address (anything else is dropped). Multicast is not joined.
"""

import asyncio
import ipaddress
import itertools
import logging
import time
import uuid

from lxml import etree

from .xmlutil import DN, SOAP_ENV, TDS, WSA, WSD, child, parse, q, serialize, sub, text

LOG = logging.getLogger("camsim.discovery")

PORT = 3702
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
ACTION_PROBE_MATCHES = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
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


def probe_matches(camera, data):
    """The ProbeMatches datagram for a Probe, or None when the camera should stay silent."""
    try:
        envelope = parse(data)
    except etree.XMLSyntaxError:
        return None
    if envelope.tag != q(SOAP_ENV, "Envelope"):
        return None
    body = child(envelope, "Body")
    probe = child(body, "Probe")
    message_id = text(child(envelope, "Header"), "MessageID")
    if probe is None or etree.QName(probe).namespace != WSD or not message_id:
        return None
    scopes = [uri for definition, uri in camera.scopes()]
    if not _types_match(probe) or not _scopes_match(probe, scopes):
        return None
    prefix = camera.personality["envelope"]["prefix"]
    root = etree.Element(q(SOAP_ENV, "Envelope"), nsmap={
        prefix: SOAP_ENV, "wsa": WSA, "d": WSD, "dn": DN, "tds": TDS})
    header = sub(root, SOAP_ENV, "Header")
    sub(header, WSA, "MessageID", "urn:uuid:%s" % uuid.uuid4())
    sub(header, WSA, "RelatesTo", message_id)
    sub(header, WSA, "To", ANONYMOUS)
    sub(header, WSA, "Action", ACTION_PROBE_MATCHES)
    sub(header, WSD, "AppSequence", attrib={"InstanceId": str(_INSTANCE),
                                            "MessageNumber": str(next(_MESSAGE_NUMBER))})
    match = sub(sub(sub(root, SOAP_ENV, "Body"), WSD, "ProbeMatches"), WSD, "ProbeMatch")
    sub(sub(match, WSA, "EndpointReference"), WSA, "Address", "urn:uuid:" + camera.uuid)
    sub(match, WSD, "Types", "dn:NetworkVideoTransmitter tds:Device")
    sub(match, WSD, "Scopes", " ".join(scopes))
    sub(match, WSD, "XAddrs", camera.device_url)
    sub(match, WSD, "MetadataVersion", str(camera.boot_count or 1))
    return serialize(root)


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
    return transport
