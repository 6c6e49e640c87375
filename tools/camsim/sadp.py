"""Hikvision SADP inquiry (UDP 37020): answer ``<Probe><Types>inquiry</Types>`` with
``<ProbeMatch>`` (INDEX.md H8).

The element list and its order are those of the real ProbeMatch answers INDEX.md H8 lists
(firmware 5.5+ carries ``Activated``). Real devices multicast the answer to
239.255.255.250:37020 (so a tool in another subnet hears it); the simulator does the same,
on ``lo`` only (``camsim.mcast``), from the camera's own address. When the asker's source
port is not 37020 (a tool that cannot bind the SADP port), the answer is also sent unicast to
it. Other SADP ``Types`` (activate, update, reboot, ...) are not answered: their password
encryption is not established (INDEX.md H8), the simulator's activation is ISAPI's.
"""

import asyncio
import ipaddress
import logging
import os
import time

from lxml import etree

from . import mcast
from .xmlutil import parse

LOG = logging.getLogger("camsim.sadp")

PORT = 37020
_BOOT_TIME = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def parse_inquiry(data):
    """The probe's ``Uuid`` when ``data`` is a SADP inquiry, else None."""
    try:
        root = parse(data)
    except etree.XMLSyntaxError:
        return None
    if root.tag != "Probe" or (root.findtext("Types") or "").strip().lower() != "inquiry":
        return None
    return (root.findtext("Uuid") or "").strip()


def _fields(camera, probe_uuid):
    p = camera.personality
    netmask = str(ipaddress.ip_network("0.0.0.0/%d" % camera.prefix_length).netmask)
    version, dummy, build = p["firmware"].partition(" build ")
    return [
        ("Uuid", probe_uuid), ("Types", "inquiry"), ("DeviceType", p.get("device_type_code", "0")),
        ("DeviceDescription", p["model"]), ("DeviceSN", camera.serial), ("CommandPort", "8000"),
        ("HttpPort", str(camera.http_port)), ("MAC", camera.mac.lower().replace(":", "-")),
        ("IPv4Address", camera.address), ("IPv4SubnetMask", netmask),
        ("IPv4Gateway", camera.gateway[0] if camera.gateway else "0.0.0.0"),
        ("IPv6Address", "::"), ("IPv6Gateway", "::"), ("IPv6MaskLen", "64"),
        ("DHCP", "true" if camera.dhcp else "false"), ("AnalogChannelNum", "0"),
        ("DigitalChannelNum", "1"), ("SoftwareVersion", "%sbuild %s" % (version, build) if build else version),
        ("DSPVersion", "V7.3 build %s" % (build or "000000")), ("BootTime", _BOOT_TIME),
        ("Encrypt", "true"), ("ResetAbility", "false"), ("DiskNumber", "0"),
        ("Activated", "true" if camera.activated else "false"), ("PasswordResetAbility", "true"),
        ("PasswordResetModeSecond", "true"), ("DetailOEMCode", "1"),
        ("SupportSecurityQuestion", "true"), ("SupportHCPlatform", "true"),
        ("HCPlatformEnable", "false"), ("IsModifyVerificationCode", "false"),
        ("Salt", camera.uuid.replace("-", "")), ("DeviceLock", "false"), ("SDKOverTLSPort", "8443"),
        ("SDKServerStatus", "true"), ("SDKOverTLSServerStatus", "true"), ("SupportMailBox", "true"),
    ]


def probe_match(camera, probe_uuid):
    """The ProbeMatch document (bytes) a camera sends for an inquiry."""
    root = etree.Element("ProbeMatch")
    for name, value in _fields(camera, probe_uuid):
        etree.SubElement(root, name).text = value
    return b'<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(root, encoding="UTF-8")


def reply(camera, transport, probe_uuid, addr):
    """Send a camera's ProbeMatch: to the group, and unicast to a non-37020 asker."""
    if transport is None or camera.status != "running":
        return
    data = probe_match(camera, probe_uuid)
    mcast.send_to_group(transport, data, PORT)
    if addr[1] != PORT:
        transport.sendto(data, addr)


def answer_multicast(cameras, data, addr):
    """An inquiry sent to the group: every running SADP camera answers."""
    probe_uuid = parse_inquiry(data)
    if probe_uuid is None:
        return
    for camera in cameras:
        transport = getattr(camera.runtime, "sadp", None)
        if transport is not None:
            reply(camera, transport, probe_uuid, addr)


class _UnicastProtocol(asyncio.DatagramProtocol):
    def __init__(self, camera):
        self.camera = camera
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            if not ipaddress.ip_address(addr[0]).is_loopback or len(data) > mcast.MAX_DATAGRAM:
                return
            probe_uuid = parse_inquiry(data)
            if probe_uuid is not None:
                reply(self.camera, self.transport, probe_uuid, addr)
        except Exception:
            LOG.exception("%s: bad SADP datagram", self.camera.name)


async def start(camera):
    """Bind UDP <camera address>:37020 (unicast inquiries; the camera's multicast sender)."""
    loop = asyncio.get_running_loop()
    transport, dummy = await loop.create_datagram_endpoint(lambda: _UnicastProtocol(camera),
                                                           local_addr=(camera.address, PORT))
    mcast.loopback_sender(transport.get_extra_info("socket"))
    return transport


def new_uuid():
    """An upper-case GUID, as SADP tools put in ``<Uuid>``."""
    raw = os.urandom(16).hex().upper()
    return "%s-%s-%s-%s-%s" % (raw[:8], raw[8:12], raw[12:16], raw[16:20], raw[20:])
