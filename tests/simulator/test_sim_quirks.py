"""Device behaviours of third-party cameras that a test can switch on (``quirks``).

One test per case of issue 10 section B (the case number is in each docstring); the README
("Fault injection") documents every key.
"""

import email.utils
import io
import json
import socket
import time
import urllib.request

import pytest
from lxml import etree
from PIL import Image, ImageStat
from requests.auth import HTTPDigestAuth

from simlib import NS, created_now, creds, envelope, http_get, soap

import camsim

QUIRK = "X-Camsim-Quirk"
SET_HOSTNAME = "<tds:SetHostname><tds:Name>%s</tds:Name></tds:SetHostname>"
SET_DNS = ("<tds:SetDNS><tds:FromDHCP>false</tds:FromDHCP><tds:DNSManual><tt:Type>IPv4</tt:Type>"
           "<tt:IPv4Address>127.0.1.53</tt:IPv4Address></tds:DNSManual></tds:SetDNS>")
SET_NTP = ("<tds:SetNTP><tds:FromDHCP>false</tds:FromDHCP><tds:NTPManual><tt:Type>IPv4</tt:Type>"
           "<tt:IPv4Address>127.0.1.123</tt:IPv4Address></tds:NTPManual></tds:SetNTP>")
SET_GATEWAY = "<tds:SetNetworkDefaultGateway><tds:IPv4Address>127.0.1.254</tds:IPv4Address></tds:SetNetworkDefaultGateway>"
SET_CLOCK_NTP = ("<tds:SetSystemDateAndTime><tds:DateTimeType>NTP</tds:DateTimeType>"
                 "<tds:DaylightSavings>false</tds:DaylightSavings></tds:SetSystemDateAndTime>")
SET_IP = ("<tds:SetNetworkInterfaces><tds:InterfaceToken>eth0</tds:InterfaceToken><tds:NetworkInterface>"
          "<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Manual><tt:Address>%s</tt:Address><tt:PrefixLength>24"
          "</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:IPv4></tds:NetworkInterface>"
          "</tds:SetNetworkInterfaces>")


def set_clock_manual(moment):
    return ("<tds:SetSystemDateAndTime><tds:DateTimeType>Manual</tds:DateTimeType>"
            "<tds:DaylightSavings>false</tds:DaylightSavings><tds:UTCDateTime><tt:Time>"
            "<tt:Hour>{0.tm_hour}</tt:Hour><tt:Minute>{0.tm_min}</tt:Minute><tt:Second>{0.tm_sec}"
            "</tt:Second></tt:Time><tt:Date><tt:Year>{0.tm_year}</tt:Year><tt:Month>{0.tm_mon}</tt:Month>"
            "<tt:Day>{0.tm_mday}</tt:Day></tt:Date></tds:UTCDateTime></tds:SetSystemDateAndTime>"
            .format(time.gmtime(moment)))


def raw_post(url, data, timeout=10):
    """POST bytes with a plain socket and return (status, headers, body, seconds)."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    assert parts.hostname.startswith("127.")
    head = ("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/soap+xml\r\n"
            "Content-Length: %d\r\n\r\n" % (parts.path, parts.netloc, len(data))).encode()
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head + data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, dummy, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, dummy, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body, time.monotonic() - started


# -- case 1 ---------------------------------------------------------------------------------
def test_case1_soap_fault_on_get_users_of_an_axis_camera(new_camera):
    """Case 1: a SOAP fault on GetUsers of an Axis-like camera (faults.operations)."""
    camera = new_camera("axis", faults={"operations": {"GetUsers": "ter:Action"}})
    reply = soap(camera.device_url, "<tds:GetUsers/>", *creds(camera))
    assert reply.is_fault and reply.subcodes == ["ter:Action"] and reply.reason == "Action failed"
    assert reply.status == 500
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera)).is_fault


# -- case 5 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("body,read,attribute", [
    (SET_HOSTNAME % "changed-name", "<tds:GetHostname/>", "hostname"),
    (SET_DNS, "<tds:GetDNS/>", "dns"),
    (SET_NTP, "<tds:GetNTP/>", "ntp"),
    (SET_GATEWAY, "<tds:GetNetworkDefaultGateway/>", "gateway"),
    (SET_CLOCK_NTP, "<tds:GetSystemDateAndTime/>", "clock_offset"),
])
def test_case5_set_accepted_nothing_changed(new_camera, body, read, attribute):
    """Case 5: Set* answers an empty success and changes nothing (per operation)."""
    operation = body[5:].split(">")[0]
    camera = new_camera("generic", clock_offset=7200, quirks={"set_ignored": [operation]})
    before = getattr(camera, attribute)
    before_read = soap(camera.device_url, read, *creds(camera), created=created_now(7200))
    reply = soap(camera.device_url, body, *creds(camera), created=created_now(7200))
    assert reply.status == 200 and not reply.is_fault
    assert reply.element.tag == "{%s}%sResponse" % (NS["tds"], operation) and len(reply.element) == 0
    assert getattr(camera, attribute) == before
    after_read = soap(camera.device_url, read, *creds(camera), created=created_now(7200))
    if attribute != "clock_offset":
        assert etree.tostring(after_read.element) == etree.tostring(before_read.element)
    # only the operations listed are ignored
    if operation != "SetHostname":
        soap(camera.device_url, SET_HOSTNAME % "other-name", *creds(camera), created=created_now(7200))
        assert camera.hostname == "other-name"


# -- case 6 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("operation", ["GetDNS", "GetHostname", "GetNTP", "GetNetworkDefaultGateway",
                                       "GetNetworkProtocols"])
def test_case6_empty_get_responses(new_camera, operation):
    """Case 6: ``<tds:GetDNSResponse/>`` and alike (marked, the schema tests skip them)."""
    camera = new_camera("hikvision", quirks={"empty_get": [operation]})
    reply = soap(camera.device_url, "<tds:%s/>" % operation, *creds(camera))
    assert reply.status == 200 and not reply.is_fault
    assert reply.element.tag == "{%s}%sResponse" % (NS["tds"], operation) and len(reply.element) == 0
    assert reply.headers[QUIRK] == "empty_get"
    other = "GetHostname" if operation != "GetHostname" else "GetDNS"
    full = soap(camera.device_url, "<tds:%s/>" % other, *creds(camera))
    assert len(full.element) and QUIRK not in full.headers


# -- case 7 ---------------------------------------------------------------------------------
def test_case7_missing_operation(new_camera):
    """Case 7: GetNetworkInterfaces (any operation) answers ActionNotSupported."""
    camera = new_camera("hikvision", faults={"operations": {"GetNetworkInterfaces": "ter:ActionNotSupported"}})
    reply = soap(camera.device_url, "<tds:GetNetworkInterfaces/>", *creds(camera))
    assert reply.status == 500 and reply.subcodes == ["ter:ActionNotSupported", "ter:InvalidOperation"]
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera)).is_fault
    # after authentication, like a real device: a wrong login still gets NotAuthorized
    assert soap(camera.device_url, "<tds:GetNetworkInterfaces/>", "admin", "Wrong1234x").subcodes == [
        "ter:NotAuthorized"]


# -- case 8 ---------------------------------------------------------------------------------
def test_case8_anonymous_get_users_is_empty_while_users_exist(new_camera):
    """Case 8: anonymous GetUsers answers an empty list; the login is accepted."""
    camera = new_camera("hikvision", quirks={"anonymous_get_users_empty": True})
    anonymous = soap(camera.device_url, "<tds:GetUsers/>")
    assert anonymous.status == 200 and not anonymous.is_fault and len(anonymous.element) == 0
    signed = soap(camera.device_url, "<tds:GetUsers/>", *creds(camera))
    assert [u.text for u in signed.root.iterfind(".//tt:Username", NS)] == ["admin"]
    assert camera.activated
    # the empty list does not let anyone create a user anonymously
    create = ("<tds:CreateUsers><tds:User><tt:Username>intruder</tt:Username><tt:Password>Intrud3r99"
              "</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User></tds:CreateUsers>")
    assert soap(camera.device_url, create).subcodes == ["ter:NotAuthorized"]


# -- case 9 ---------------------------------------------------------------------------------
def test_case9_empty_set_network_interfaces_reply_change_ignored(new_camera, take_addresses):
    """Case 9a: SetNetworkInterfaces answers without RebootNeeded and ignores the change."""
    camera = new_camera("generic", quirks={"network_interfaces_reply": "empty_ignored"})
    old = camera.address
    reply = soap(camera.device_url, SET_IP % take_addresses()[0], *creds(camera))
    assert reply.status == 200 and len(reply.element) == 0
    assert reply.headers[QUIRK] == "network_interfaces_reply"
    assert camera.pending_network is None and camera.address == old
    address = soap(camera.device_url, "<tds:GetNetworkInterfaces/>", *creds(camera)).findtext(
        ".//tt:IPv4/tt:Config/tt:Manual/tt:Address")
    assert address == old


def test_case9_empty_set_network_interfaces_reply_applied_live(new_camera, take_addresses):
    """Case 9b: SetNetworkInterfaces answers without RebootNeeded and moves at once."""
    camera = new_camera("generic", quirks={"network_interfaces_reply": "empty_live"})
    old, new = camera.address, take_addresses()[0]
    reply = soap(camera.device_url, SET_IP % new, *creds(camera))
    assert reply.status == 200 and len(reply.element) == 0
    deadline = time.monotonic() + 5
    while camera.address != new or camera.status != "running":
        assert time.monotonic() < deadline, camera.status
        time.sleep(0.02)
    assert camera.boot_count == 1  # no reboot
    assert soap(camera.device_url, "<tds:GetNetworkInterfaces/>", *creds(camera)).findtext(
        ".//tt:IPv4/tt:Config/tt:Manual/tt:Address") == new
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect((old, camera.http_port))


# -- case 10 --------------------------------------------------------------------------------
def test_case10_everything_needs_authentication_and_401_dates_the_device_clock(new_camera):
    """Case 10: even GetSystemDateAndTime needs a login; the 401's Date is the device's clock."""
    camera = new_camera("hikvision", clock_offset=7200, quirks={"no_pre_auth": True})
    reply = soap(camera.device_url, "<tds:GetSystemDateAndTime/>")
    assert reply.status == 401 and reply.subcodes == ["ter:NotAuthorized"]
    assert reply.headers["WWW-Authenticate"].startswith("Digest ")
    device_clock = email.utils.parsedate_to_datetime(reply.headers["Date"]).timestamp()
    assert abs(device_clock - (time.time() + 7200)) < 5
    # signed with the host clock: refused; signed with the device clock (from Date): accepted
    assert soap(camera.device_url, "<tds:GetSystemDateAndTime/>", *creds(camera)).is_fault
    assert not soap(camera.device_url, "<tds:GetSystemDateAndTime/>", *creds(camera),
                    created=created_now(device_clock - time.time())).is_fault


def test_case10_every_answer_dates_the_device_clock(new_camera):
    """Case 10: HTTP and RTSP ``Date`` follow the camera clock (the default: right)."""
    camera = new_camera("axis", clock_offset=-10800)
    reply = soap(camera.device_url, "<tds:GetDeviceInformation/>")
    assert reply.status == 401
    stamp = email.utils.parsedate_to_datetime(reply.headers["Date"]).timestamp()
    assert abs(stamp - (time.time() - 10800)) < 5


# -- case 11 --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["NTP", "Manual"])
def test_case11_clock_step_does_not_take(new_camera, kind):
    """Case 11: SetSystemDateAndTime is accepted, the clock stays 2 h off."""
    camera = new_camera("generic", clock_offset=7200, quirks={"clock_step_ignored": True})
    body = SET_CLOCK_NTP if kind == "NTP" else set_clock_manual(time.time())
    reply = soap(camera.device_url, body, *creds(camera), created=created_now(7200))
    assert reply.status == 200 and not reply.is_fault
    assert camera.clock_offset == 7200 and camera.date_time_type == kind
    camera.set_quirks({"clock_step_ignored": None})
    soap(camera.device_url, body, *creds(camera), created=created_now(7200))
    assert abs(camera.clock_offset) < 5


# -- case 12 --------------------------------------------------------------------------------
def _snapshot(camera):
    uri = "http://%s:%d%s" % (camera.address, camera.http_port, camera.personality["profiles"][0]["snapshot_path"])
    response = http_get(uri, auth=HTTPDigestAuth(*creds(camera)))
    assert response.status_code == 200
    return response.content


def test_case12_covered_camera_with_an_on_screen_clock(new_camera):
    """Case 12a: a black frame with a small bright clock overlay."""
    camera = new_camera("generic", quirks={"picture": "covered_osd"})
    image = Image.open(io.BytesIO(_snapshot(camera))).convert("L")
    histogram = image.histogram()
    pixels = image.size[0] * image.size[1]
    bright = sum(histogram[128:])
    assert 0 < bright < pixels * 0.01       # a small bright overlay...
    assert sum(histogram[:16]) > pixels * 0.97  # ...on an otherwise black frame
    assert image.getextrema()[1] > 200


def test_case12_frozen_scene_where_only_the_clock_changes(new_camera):
    """Case 12b: the same still scene; only the clock digits differ between frames."""
    camera = new_camera("generic", quirks={"picture": "frozen_osd"})
    first = Image.open(io.BytesIO(_snapshot(camera))).convert("L")
    time.sleep(1.1)
    second = Image.open(io.BytesIO(_snapshot(camera))).convert("L")
    width, height = first.size
    diff = [abs(a - b) for a, b in zip(first.tobytes(), second.tobytes())]
    changed = [i for i, d in enumerate(diff) if d > 40]
    assert changed, "the clock did not change"
    rows = {i // width for i in changed}
    columns = {i % width for i in changed}
    assert max(rows) < height * 0.1 and max(columns) < width * 0.3  # only in the clock corner
    assert ImageStat.Stat(first).stddev[0] > 10  # a real scene, not a uniform frame


# -- case 13 --------------------------------------------------------------------------------
def test_case13_two_devices_answer_one_probe_from_one_address(make_site, take_addresses):
    """Case 13: one Probe, two ProbeMatches from the same source address, different
    endpoint references and XAddr ports."""
    address = take_addresses()[0]
    site = make_site([
        {"name": "nvr-ch1", "vendor": "generic", "address": address},
        {"name": "nvr-ch2", "vendor": "generic", "address": address, "http_port": 8001,
         "rtsp_port": 8555, "quirks": {"discovery_via": "nvr-ch1"}},
    ])
    first, second = site.cameras["nvr-ch1"], site.cameras["nvr-ch2"]
    # collect every datagram answering one probe
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(1.0)
        udp.bind(("127.0.0.1", 0))
        udp.sendto(_probe_bytes(), (address, 3702))
        answers = []
        try:
            while True:
                data, sender = udp.recvfrom(65535)
                answers.append((data, sender))
        except socket.timeout:
            pass
    assert len(answers) == 2 and {sender[0] for dummy, sender in answers} == {address}
    assert len({sender for dummy, sender in answers}) == 1  # same source address and port
    wsd = {"a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
           "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery"}
    refs = {etree.fromstring(d).findtext(".//d:ProbeMatch/a:EndpointReference/a:Address", namespaces=wsd)
            for d, dummy in answers}
    xaddrs = {etree.fromstring(d).findtext(".//d:ProbeMatch/d:XAddrs", namespaces=wsd) for d, dummy in answers}
    assert refs == {"urn:uuid:" + first.uuid, "urn:uuid:" + second.uuid}
    assert xaddrs == {first.device_url, second.device_url}
    assert ":8001/" in second.device_url
    for camera in (first, second):
        assert soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera)).findtext(
            "tds:SerialNumber") == camera.serial


def _probe_bytes():
    return ('<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header>'
            '<w:MessageID>urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301</w:MessageID>'
            '<w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>'
            '<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>'
            '<e:Body><d:Probe/></e:Body></e:Envelope>').encode()


def test_case13_discovery_via_must_name_a_camera_on_the_same_address(take_addresses):
    first, other = take_addresses(2)
    with pytest.raises(camsim.SiteError, match="discovery_via"):
        camsim.Site.from_dict({"cameras": [
            {"name": "a", "address": first},
            {"name": "b", "address": other, "http_port": 8001, "rtsp_port": 8555,
             "quirks": {"discovery_via": "a"}}]})
    with pytest.raises(camsim.SiteError, match="discovery_via"):
        camsim.Site.from_dict({"cameras": [{"name": "a", "address": first, "quirks": {"discovery_via": "x"}}]})


# -- case 14 --------------------------------------------------------------------------------
def test_case14_truncated_reply_with_an_honest_content_length(new_camera):
    """Case 14a: the XML cut in the middle; Content-Length is the length actually sent."""
    camera = new_camera("generic", quirks={"truncated": ["GetDeviceInformation"]})
    reply = soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera))
    assert reply.status == 200 and reply.headers[QUIRK] == "truncated"
    assert int(reply.headers["Content-Length"]) == len(reply.content)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(reply.content)
    assert b"Envelope" in reply.content and not reply.content.rstrip().endswith(b"Envelope>")


def test_case14_wrong_response_element(new_camera):
    """Case 14b: the Body holds the response of another operation."""
    camera = new_camera("generic", quirks={"wrong_response": {"GetDeviceInformation": "GetHostname"}})
    reply = soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera))
    assert reply.status == 200 and reply.headers[QUIRK] == "wrong_response"
    assert reply.element.tag == "{%s}GetHostnameResponse" % NS["tds"]
    assert reply.findtext("tds:HostnameInformation/tt:Name") == camera.hostname


# -- case 15 --------------------------------------------------------------------------------
def test_case15_slow_drip(new_camera):
    """Case 15: one byte every interval, bounded by ``slow_drip_limit``."""
    camera = new_camera("generic", quirks={"slow_drip": {"GetSystemDateAndTime": 0.05}, "slow_drip_limit": 1.5})
    data = envelope("<tds:GetSystemDateAndTime/>")
    with socket.create_connection((camera.address, camera.http_port), timeout=5) as sock:
        sock.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\n"
                      "Content-Length: %d\r\n\r\n" % (camera.personality["paths"]["device"], len(data))).encode() + data)
        first = sock.recv(65536)
        assert len(first) == 1   # a single byte at first
        time.sleep(0.5)
        assert len(sock.recv(65536)) < 20  # about 10 more in half a second
    status, headers, body, seconds = raw_post(camera.device_url, data)
    assert status == 200 and b"GetSystemDateAndTimeResponse" in body
    assert 1.4 < seconds < 4  # bounded: the rest came at once after the limit
    started = time.monotonic()
    assert raw_post(camera.device_url, envelope("<tds:GetCapabilities/>"))[0] == 200
    assert time.monotonic() - started < 1  # other operations are not slowed


# -- case 16 --------------------------------------------------------------------------------
def test_case16_get_users_hides_the_factory_account(new_camera):
    """Case 16a: GetUsers does not list root, yet root/pass still logs in."""
    camera = new_camera("axis", users=[{"username": "operator", "password": "Oper4tor99", "level": "Operator"}],
                        quirks={"get_users_hides_factory": True})
    reply = soap(camera.device_url, "<tds:GetUsers/>", "root", "pass")
    assert not reply.is_fault
    assert [u.text for u in reply.root.iterfind(".//tt:Username", NS)] == ["operator"]
    assert camera.find_user("root")


def test_case16_truncated_get_users(new_camera):
    """Case 16b: a truncated GetUsers (the ``truncated`` quirk on GetUsers)."""
    camera = new_camera("axis", quirks={"truncated": ["GetUsers"]})
    reply = soap(camera.device_url, "<tds:GetUsers/>", "root", "pass")
    assert reply.status == 200
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(reply.content)


# -- the switches themselves ----------------------------------------------------------------
def test_quirks_merge_at_run_time_and_through_the_control_endpoint(make_site, take_addresses):
    site = make_site([{"name": "cam-q", "vendor": "generic", "address": take_addresses()[0],
                       "quirks": {"empty_get": ["GetDNS"]}}], control_port=0)
    camera = site.cameras["cam-q"]
    camera.set_quirks({"truncated": ["GetNTP"]})
    assert camera.quirks == {"empty_get": ["GetDNS"], "truncated": ["GetNTP"]}
    camera.set_quirks({"empty_get": None})
    assert camera.quirks == {"truncated": ["GetNTP"]}
    with pytest.raises(camsim.SiteError, match="no_such_quirk"):
        camera.set_quirks({"no_such_quirk": True})
    with pytest.raises(camsim.SiteError, match="picture"):
        camera.set_quirks({"picture": "sideways"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = site.control_url + "/cameras/cam-q/quirks"
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, json.dumps({"slow_drip": {"GetDNS": 0.1}}).encode(), method="POST")
    with opener.open(request, timeout=5) as response:
        assert json.load(response) == {"truncated": ["GetNTP"], "slow_drip": {"GetDNS": 0.1}}
    with opener.open(urllib.request.Request(url, method="DELETE"), timeout=5) as response:
        assert json.load(response) == {}
    assert camera.quirks == {}


def test_quirks_are_personality_data(make_site, take_addresses):
    site = make_site([{"name": "cam-p", "vendor": "generic", "address": take_addresses()[0],
                       "overrides": {"quirks": {"no_pre_auth": True}}}])
    assert site.cameras["cam-p"].quirks == {"no_pre_auth": True}
    with pytest.raises(camsim.SiteError, match="quirks"):
        camsim.Site.from_dict({"cameras": [{"name": "x", "address": "127.0.0.9", "quirks": {"empty_get": 3}}]})


def _first_bytes_slowly(address, port, request):
    """Send ``request``; return (bytes received in the first 0.5 s, total bytes, seconds)."""
    with socket.create_connection((address, port), timeout=10) as sock:
        sock.sendall(request)
        started = time.monotonic()
        early = b""
        sock.settimeout(0.1)
        while time.monotonic() - started < 0.5:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            early += chunk
        sock.settimeout(10)
        data = early
        while not (request.startswith(b"OPTIONS") and data.endswith(b"\r\n\r\n")):
            chunk = sock.recv(65536)  # RTSP keeps the connection: stop at the end of the head
            if not chunk:
                break
            data += chunk
        return len(early), data, time.monotonic() - started


def test_case15_slow_drip_of_snapshots_and_rtsp(new_camera):
    """Case 15: snapshots (``Snapshot``) and RTSP (``RtspOptions``) drip too."""
    camera = new_camera("generic", quirks={"slow_drip": {"Snapshot": 0.05, "RtspOptions": 0.05},
                                           "slow_drip_limit": 1.0})
    early, data, seconds = _first_bytes_slowly(
        camera.address, camera.http_port, b"GET /snapshot.jpg HTTP/1.1\r\nHost: x\r\n\r\n")
    assert early < 20 and data.startswith(b"HTTP/1.1 401") and seconds >= 0.5
    early, data, seconds = _first_bytes_slowly(
        camera.address, camera.rtsp_port, b"OPTIONS rtsp://x/stream1 RTSP/1.0\r\nCSeq: 1\r\n\r\n")
    assert early < 20 and data.startswith(b"RTSP/1.0 200") and b"Public:" in data


def test_case15_slow_drip_slows_faults_too(new_camera):
    """Case 15: a refused request of a dripping operation drips as well."""
    camera = new_camera("generic", quirks={"slow_drip": {"GetDeviceInformation": 0.05}, "slow_drip_limit": 0.6})
    status, headers, body, seconds = raw_post(camera.device_url, envelope("<tds:GetDeviceInformation/>"))
    assert status == 401 and b"NotAuthorized" in body and seconds >= 0.55
