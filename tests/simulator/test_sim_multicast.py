"""Multicast WS-Discovery (Probe, Hello, Bye) and SADP inquiry on the loopback interface,
and proof in a network namespace that nothing the simulator multicasts leaves ``lo``."""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from lxml import etree

from vendorlib import (collect, hik_activate, isapi, loopback_multicast_socket, sadp_inquiry,
                       ws_probe_message)

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools")
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
NS = {"s": "http://www.w3.org/2003/05/soap-envelope", "a": WSA, "d": WSD}


def _messages(received, kind, cameras):
    """``{camera name: [element, ...]}`` of WS-Discovery ``kind`` messages from ``cameras``."""
    by_uuid = {"urn:uuid:" + c.uuid: c.name for c in cameras}
    found = {}
    for data, dummy in received:
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        for element in root.iterfind("s:Body/d:%s" % kind, NS):
            name = by_uuid.get(element.findtext("a:EndpointReference/a:Address", namespaces=NS))
            if name:
                found.setdefault(name, []).append(element)
    return found


def _site(make_site, take_addresses, *entries):
    addresses = take_addresses(len(entries))
    cameras = [dict(entry, name="mc-%s-%d" % (uuid.uuid4().hex[:6], i), address=address)
               for i, (entry, address) in enumerate(zip(entries, addresses))]
    return make_site(cameras)


def test_multicast_probe_is_answered_by_every_personality(make_site, take_addresses):
    site = _site(make_site, take_addresses, {"vendor": "hikvision", "activated": False}, {"vendor": "axis"},
                 {"vendor": "generic"}, {"vendor": "dahua"},
                 {"vendor": "hikvision", "first_boot": "isapi", "activated": False})
    cameras = list(site.cameras.values())
    with loopback_multicast_socket() as sock:
        message_id, probe = ws_probe_message()
        sock.sendto(probe, ("239.255.255.250", 3702))
        received = collect(sock, 2.0,
                           until=lambda got: len(_messages(got, "ProbeMatches/d:ProbeMatch", cameras)) >= 4)
    matches = _messages(received, "ProbeMatches/d:ProbeMatch", cameras)
    # the ISAPI camera keeps ONVIF off: silent on WS-Discovery (README "First boot")
    assert sorted(matches) == sorted(c.name for c in cameras if c.onvif_enabled)
    sources = {addr[0] for data, addr in received}
    assert {c.address for c in cameras if c.onvif_enabled} <= sources    # each answers from its own address
    for name, (element,) in matches.items():
        assert element.findtext("d:XAddrs", namespaces=NS) == site.cameras[name].device_url


def test_hello_when_up_bye_before_reboot(make_site, take_addresses):
    with loopback_multicast_socket(3702, join=True) as group:
        site = _site(make_site, take_addresses, {"vendor": "axis"}, {"vendor": "generic"})
        cameras = list(site.cameras.values())
        hellos = _messages(collect(group, 2.0, until=lambda got: len(_messages(got, "Hello", cameras)) == 2),
                           "Hello", cameras)
        assert sorted(hellos) == sorted(c.name for c in cameras)
        first = cameras[0]
        assert hellos[first.name][0].findtext("d:XAddrs", namespaces=NS) == first.device_url
        site.reboot(first.name)
        received = collect(group, 5.0, until=lambda got: _messages(got, "Hello", [first]))
    assert list(_messages(received, "Bye", [first])) == [first.name]
    hello = _messages(received, "Hello", [first])[first.name][0]
    assert hello.findtext("d:MetadataVersion", namespaces=NS) == "2"     # boot count after the reboot


def test_integrate_switching_onvif_on_says_hello(make_site, take_addresses):
    site = _site(make_site, take_addresses, {"vendor": "hikvision", "first_boot": "isapi", "activated": False})
    camera = next(iter(site.cameras.values()))
    with loopback_multicast_socket(3702, join=True) as group:
        assert hik_activate(camera, "Kamera-2026").status_code == 200
        assert not _messages(collect(group, 0.3), "Hello", [camera])
        isapi(camera, "PUT", "/ISAPI/System/Network/Integrate",
              "<Integrate><ONVIF><enable>true</enable></ONVIF></Integrate>")
        assert _messages(collect(group, 2.0, until=lambda got: _messages(got, "Hello", [camera])), "Hello", [camera])


def _sadp_matches(received, cameras):
    serials = {c.serial: c.name for c in cameras}
    found = {}
    for data, addr in received:
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        if root.tag == "ProbeMatch" and root.findtext("DeviceSN") in serials:
            found.setdefault(serials[root.findtext("DeviceSN")], []).append((root, addr))
    return found


def test_sadp_inquiry_is_answered_on_the_group_and_unicast(make_site, take_addresses):
    site = _site(make_site, take_addresses, {"vendor": "hikvision", "first_boot": "isapi", "activated": False},
                 {"vendor": "hikvision", "password": "Kamera-2026"}, {"vendor": "axis"})
    cameras = list(site.cameras.values())
    with loopback_multicast_socket(37020, join=True) as group, loopback_multicast_socket() as asker:
        probe_uuid, inquiry = sadp_inquiry()
        asker.sendto(inquiry, ("239.255.255.250", 37020))

        def both(got):
            return len(_sadp_matches(got, cameras)) == 2

        unicast = _sadp_matches(collect(asker, 2.0, until=both), cameras)
        on_group = _sadp_matches(collect(group, 1.0, until=both), cameras)
    hik = [c for c in cameras if c.vendor == "hikvision"]
    assert sorted(unicast) == sorted(on_group) == sorted(c.name for c in hik)
    for camera in hik:
        root, addr = unicast[camera.name][0]
        assert addr == (camera.address, 37020)
        assert root.findtext("Uuid") == probe_uuid and root.findtext("Types") == "inquiry"
        assert root.findtext("DeviceDescription") == "DS-2CD2043G2-I"
        assert root.findtext("MAC") == camera.mac.replace(":", "-").lower()
        assert root.findtext("IPv4Address") == camera.address
        assert root.findtext("Activated") == ("true" if camera.activated else "false")
        assert root.findtext("HttpPort") == str(camera.http_port)
    assert [c.activated for c in hik] == [False, True]


# -- nothing leaves lo ----------------------------------------------------------------------
NETNS_SCRIPT = r"""
import json, socket, sys, time
sys.path[:0] = [%(tools)r, %(here)r]
import camsim
from vendorlib import collect, loopback_multicast_socket, sadp_inquiry, ws_probe_message

def tx():
    with open("/sys/class/net/mc0/statistics/tx_packets") as handle:
        return int(handle.read())

result = {}
# control: a socket that is NOT restricted to lo sends through mc0 (the default route)
before = tx()
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as free:
    free.sendto(b"control", ("239.255.255.250", 3702))
time.sleep(0.2)
result["control_tx"] = tx() - before

before = tx()
cameras = [{"name": "n-%%d" %% i, "vendor": v, "first_boot": b, "address": "127.0.9.%%d" %% (i + 1)}
           for i, (v, b) in enumerate([("hikvision", "profile_q"), ("axis", "factory_account"),
                                       ("generic", "factory_account"), ("dahua", "devinit")])]
cameras.append({"name": "n-isapi", "vendor": "hikvision", "first_boot": "isapi", "address": "127.0.9.9"})
site = camsim.Site.from_dict({"defaults": {"reboot_seconds": 0.2}, "cameras": cameras}).start()
with loopback_multicast_socket() as sock:
    sock.sendto(ws_probe_message()[1], ("239.255.255.250", 3702))
    result["probe_answers"] = len(collect(sock, 1.0))
    sock.sendto(sadp_inquiry()[1], ("239.255.255.250", 37020))
    result["sadp_answers"] = len(collect(sock, 1.0))
site.reboot("n-1")
time.sleep(1.0)
site.stop()
time.sleep(0.2)
result["simulator_tx"] = tx() - before
print(json.dumps(result))
"""


def _ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, capture_output=True, text=True, timeout=30)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("ip"), reason="needs root and iproute2 (ip netns)")
def test_nothing_leaves_lo_in_a_namespace_with_a_default_route():
    """In a network namespace the test builds (lo plus a veth pair mc0/mc1 inside it, mc0
    carrying the default route; nothing connects it to the host), an unrestricted multicast
    sender goes out mc0 (control), while the simulator's Hello, Bye, ProbeMatches and SADP
    answers never do."""
    name = "camsim-mc-%d-%s" % (os.getpid(), uuid.uuid4().hex[:6])
    if _ip("netns", "add", name, check=False).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    try:
        for command in (("link", "set", "lo", "up"), ("link", "add", "mc0", "type", "veth", "peer", "name", "mc1"),
                        ("addr", "add", "198.51.100.1/24", "dev", "mc0"), ("link", "set", "mc1", "up"),
                        ("link", "set", "mc0", "up"), ("route", "add", "default", "dev", "mc0")):
            _ip("-n", name, *command)
        # no IPv6 chatter (router solicitations, MLD) on mc0 to blur the counter
        subprocess.run(["ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.mc0.disable_ipv6=1"], check=True, capture_output=True, timeout=30)
        time.sleep(0.5)
        script = NETNS_SCRIPT % {"tools": TOOLS, "here": HERE}
        done = subprocess.run(["ip", "netns", "exec", name, sys.executable, "-c", script],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        _ip("netns", "del", name, check=False)
    assert result["control_tx"] >= 1            # the check can see a leak
    assert result["probe_answers"] == 4         # every ONVIF-on camera answered on lo
    assert result["sadp_answers"] >= 1
    assert result["simulator_tx"] == 0          # and nothing left through mc0


def test_sadp_unicast_inquiry_and_silence_while_rebooting(make_site, take_addresses):
    site = _site(make_site, take_addresses, {"vendor": "hikvision", "first_boot": "isapi", "activated": False,
                                             "reboot_seconds": 1.0})
    camera = next(iter(site.cameras.values()))
    with loopback_multicast_socket() as asker:
        asker.sendto(sadp_inquiry()[1], (camera.address, 37020))
        assert list(_sadp_matches(collect(asker, 2.0, until=lambda got: got), [camera])) == [camera.name]
        site.reboot(camera.name)
        time.sleep(0.2)
        asker.sendto(sadp_inquiry()[1], (camera.address, 37020))
        assert not _sadp_matches(collect(asker, 0.5), [camera])
