"""WS-Discovery: unicast Probe → ProbeMatches."""

import socket

import pytest
from lxml import etree

from simlib import probe

WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
NS = {"s": "http://www.w3.org/2003/05/soap-envelope", "a": WSA, "d": WSD}


def test_probe_is_answered_with_probe_matches(new_camera):
    camera = new_camera("hikvision")
    message_id, data = probe(camera.address, types="dn:NetworkVideoTransmitter")
    reply = etree.fromstring(data)
    assert reply.findtext("s:Header/a:RelatesTo", namespaces=NS) == message_id
    assert reply.findtext("s:Header/a:Action", namespaces=NS) == WSD + "/ProbeMatches"
    match = reply.find("s:Body/d:ProbeMatches/d:ProbeMatch", NS)
    assert match.findtext("a:EndpointReference/a:Address", namespaces=NS) == "urn:uuid:" + camera.uuid
    assert match.findtext("d:Types", namespaces=NS) == "dn:NetworkVideoTransmitter tds:Device"
    assert match.findtext("d:XAddrs", namespaces=NS) == camera.device_url
    scopes = match.findtext("d:Scopes", namespaces=NS).split()
    assert "onvif://www.onvif.org/hardware/DS-2CD2043G2-I" in scopes
    assert "onvif://www.onvif.org/name/HIKVISION" in scopes
    assert "onvif://www.onvif.org/Profile/Streaming" in scopes
    assert int(match.findtext("d:MetadataVersion", namespaces=NS)) >= 1


@pytest.mark.parametrize("types,scopes,answered", [
    (None, None, True),
    ("tds:Device", None, True),
    ("dn:NetworkVideoTransmitter tds:Device", None, True),
    ("p:Printer", None, False),
    (None, "onvif://www.onvif.org/name/AXIS", True),
    (None, "onvif://www.onvif.org/hardware", True),
    (None, "onvif://www.onvif.org/name/HIKVISION", False),
])
def test_probe_filters(new_camera, types, scopes, answered):
    camera = new_camera("axis")
    reply = probe(camera.address, types=types, scopes=scopes, timeout=2.0 if answered else 0.3)[1]
    assert (reply is not None) == answered


def test_garbage_gets_no_answer(new_camera):
    camera = new_camera("generic")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(0.3)
        udp.bind(("127.0.0.1", 0))
        udp.sendto(b"<not xml", (camera.address, 3702))
        with pytest.raises(socket.timeout):
            udp.recvfrom(65535)
    assert probe(camera.address)[1] is not None  # still alive
