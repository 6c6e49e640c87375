"""Every kind of message the simulator sends is valid against the ONVIF schemas."""

import datetime

import pytest

from onvif_schema import validate, validate_soap11
from simlib import creds, probe, soap

VENDORS = ("hikvision", "axis", "generic")

READS = [
    ("device", "<tds:GetSystemDateAndTime/>"),
    ("device", "<tds:GetDeviceInformation/>"),
    ("device", "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>"),
    ("device", "<tds:GetCapabilities><tds:Category>Media</tds:Category></tds:GetCapabilities>"),
    ("device", "<tds:GetServices><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>"),
    ("device", "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>"),
    ("device", "<tds:GetServiceCapabilities/>"),
    ("device", "<tds:GetScopes/>"),
    ("device", "<tds:GetNetworkInterfaces/>"),
    ("device", "<tds:GetHostname/>"),
    ("device", "<tds:GetDNS/>"),
    ("device", "<tds:GetNTP/>"),
    ("device", "<tds:GetNetworkDefaultGateway/>"),
    ("device", "<tds:GetNetworkProtocols/>"),
    ("device", "<tds:GetUsers/>"),
    ("device", "<tds:GetWsdlUrl/>"),
    ("device", "<tds:GetEndpointReference/>"),
    ("media", "<trt:GetProfiles/>"),
    ("media", "<trt:GetServiceCapabilities/>"),
    ("media", "<trt:GetVideoSources/>"),
]

WRITES = [
    "<tds:SetHostname><tds:Name>cam-lobby-01</tds:Name></tds:SetHostname>",
    "<tds:SetHostnameFromDHCP><tds:FromDHCP>false</tds:FromDHCP></tds:SetHostnameFromDHCP>",
    "<tds:SetDNS><tds:FromDHCP>false</tds:FromDHCP><tds:SearchDomain>dukcapil.local</tds:SearchDomain>"
    "<tds:DNSManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>127.0.1.53</tt:IPv4Address></tds:DNSManual></tds:SetDNS>",
    "<tds:SetNTP><tds:FromDHCP>false</tds:FromDHCP><tds:NTPManual><tt:Type>DNS</tt:Type>"
    "<tt:DNSname>ntp.dukcapil.local</tt:DNSname></tds:NTPManual><tds:NTPManual><tt:Type>IPv4</tt:Type>"
    "<tt:IPv4Address>127.0.1.123</tt:IPv4Address></tds:NTPManual></tds:SetNTP>",
    "<tds:SetNetworkDefaultGateway><tds:IPv4Address>127.0.1.254</tds:IPv4Address></tds:SetNetworkDefaultGateway>",
    "<tds:SetSystemDateAndTime><tds:DateTimeType>Manual</tds:DateTimeType><tds:DaylightSavings>false"
    "</tds:DaylightSavings><tds:TimeZone><tt:TZ>WIB-7</tt:TZ></tds:TimeZone><tds:UTCDateTime><tt:Time>"
    "<tt:Hour>{now:%H}</tt:Hour><tt:Minute>{now:%M}</tt:Minute><tt:Second>{now:%S}</tt:Second></tt:Time>"
    "<tt:Date><tt:Year>{now:%Y}</tt:Year><tt:Month>{now.month}</tt:Month><tt:Day>{now.day}</tt:Day>"
    "</tt:Date></tds:UTCDateTime></tds:SetSystemDateAndTime>",
    "<tds:SetSystemDateAndTime><tds:DateTimeType>NTP</tds:DateTimeType><tds:DaylightSavings>false"
    "</tds:DaylightSavings></tds:SetSystemDateAndTime>",
    "<tds:CreateUsers><tds:User><tt:Username>operator1</tt:Username><tt:Password>Oper4tor99</tt:Password>"
    "<tt:UserLevel>Operator</tt:UserLevel></tds:User></tds:CreateUsers>",
    "<tds:SetUser><tds:User><tt:Username>operator1</tt:Username><tt:Password>Oper4tor98</tt:Password>"
    "<tt:UserLevel>User</tt:UserLevel></tds:User></tds:SetUser>",
    "<tds:DeleteUsers><tds:Username>operator1</tds:Username></tds:DeleteUsers>",
    "<tds:SetNetworkInterfaces><tds:InterfaceToken>eth0</tds:InterfaceToken><tds:NetworkInterface><tt:IPv4>"
    "<tt:Enabled>true</tt:Enabled><tt:Manual><tt:Address>127.0.9.9</tt:Address><tt:PrefixLength>24"
    "</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:IPv4></tds:NetworkInterface></tds:SetNetworkInterfaces>",
]


@pytest.mark.parametrize("vendor", VENDORS)
def test_reads_and_writes_are_schema_valid(new_camera, vendor):
    camera = new_camera(vendor)
    user, password = creds(camera)
    profile = camera.personality["profiles"][0]["token"]
    reads = READS + [
        ("media", "<trt:GetProfile><trt:ProfileToken>%s</trt:ProfileToken></trt:GetProfile>" % profile),
        ("media", "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport>"
                  "<tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>%s"
                  "</trt:ProfileToken></trt:GetStreamUri>" % profile),
        ("media", "<trt:GetSnapshotUri><trt:ProfileToken>%s</trt:ProfileToken></trt:GetSnapshotUri>" % profile),
    ]
    for service, body in reads:
        reply = soap(camera.service_url(service), body, user, password)
        validate(reply.content)
        operation = body[1:].split(">")[0].split(" ")[0].rstrip("/")
        if operation in camera.personality["unsupported"].values() or \
                operation.split(":")[1] in camera.personality["unsupported"]:
            assert reply.is_fault
        else:
            assert reply.status == 200 and not reply.is_fault, (body, reply.content)
    for body in WRITES:
        if "{now" in body:  # a Manual time far from now would lock the test out (Created check)
            body = body.format(now=datetime.datetime.now(datetime.timezone.utc))
        reply = soap(camera.device_url, body, user, password)
        assert reply.status == 200 and not reply.is_fault, (body, reply.content)
        validate(reply.content)


@pytest.mark.parametrize("vendor", VENDORS)
def test_dhcp_state_reads_are_schema_valid(new_camera, vendor):
    camera = new_camera(vendor)
    camera.dhcp = True
    camera.dns["from_dhcp"] = True
    camera.ntp["from_dhcp"] = True
    user, password = creds(camera)
    for body in ("<tds:GetNetworkInterfaces/>", "<tds:GetDNS/>", "<tds:GetNTP/>"):
        reply = soap(camera.device_url, body, user, password)
        assert not reply.is_fault
        validate(reply.content)


@pytest.mark.parametrize("vendor", VENDORS)
def test_faults_are_schema_valid(new_camera, vendor):
    injected = {"GetNTP": "ter:ActionNotSupported", "SetDNS": {"subcode": "InvalidArgVal", "reason": "nope"}}
    camera = new_camera(vendor, faults={"operations": injected})
    user, password = creds(camera)
    cases = [
        ("<tds:GetDeviceInformation/>", None, None),                    # NotAuthorized
        ("<tds:GetDeviceInformation/>", user, "wrong"),                 # NotAuthorized
        ("<tds:GetFoo/>", user, password),                              # ActionNotSupported
        ("<tds:GetNTP/>", user, password),                              # injected
        ("<tds:SetDNS><tds:FromDHCP>true</tds:FromDHCP></tds:SetDNS>", user, password),
        ("<trt:GetProfile><trt:ProfileToken>nope</trt:ProfileToken></trt:GetProfile>", user, password),
        ("<tds:SetHostname><tds:Name>bad name!</tds:Name></tds:SetHostname>", user, password),
        ("<tds:DeleteUsers><tds:Username>%s</tds:Username></tds:DeleteUsers>" % user, user, password),
        ("<tds:CreateUsers><tds:User><tt:Username>%s</tt:Username><tt:Password>Xx12345678</tt:Password>"
         "<tt:UserLevel>User</tt:UserLevel></tds:User></tds:CreateUsers>" % user, user, password),
        ("<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>", user, password),
    ]
    for body, name, secret in cases:
        reply = soap(camera.device_url, body, name, secret)
        if body.startswith("<tds:GetServices") and vendor != "axis":
            continue
        assert reply.is_fault, body
        validate(reply.content)
    reply = soap(camera.device_url, b"<not-xml")
    assert reply.is_fault and reply.status == (500 if vendor == "hikvision" else 400)
    validate(reply.content)
    reply = soap(camera.device_url, b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">'
                                    b"<e:Body><x/></e:Body></e:Envelope>")
    assert reply.status == 500
    validate_soap11(reply.content)


def test_not_activated_fault_is_schema_valid(new_camera):
    camera = new_camera("hikvision", activated=False)
    reply = soap(camera.device_url, "<tds:GetDeviceInformation/>")
    assert reply.is_fault
    validate(reply.content)


def test_reboot_answer_is_schema_valid(new_camera):
    camera = new_camera("generic")
    reply = soap(camera.device_url, "<tds:SystemReboot/>", *creds(camera))
    assert not reply.is_fault
    validate(reply.content)


def test_probe_matches_is_schema_valid(new_camera):
    camera = new_camera("hikvision")
    validate(probe(camera.address, types="dn:NetworkVideoTransmitter")[1])


QUIRKS = {"set_ignored": ["SetHostname", "SetDNS"], "anonymous_get_users_empty": True,
          "get_users_hides_factory": True, "clock_step_ignored": True,
          "empty_get": ["GetDNS", "GetNTP"], "truncated": ["GetHostname"],
          "wrong_response": {"GetDeviceInformation": "GetScopes"},
          "network_interfaces_reply": "empty_ignored"}


@pytest.mark.parametrize("vendor", VENDORS)
def test_quirk_replies_are_valid_unless_marked(new_camera, vendor):
    """Quirks that real devices answer validly stay schema-valid; the deliberately invalid
    ones (empty Get responses, truncated replies, no RebootNeeded) are marked and skipped."""
    camera = new_camera(vendor, quirks=QUIRKS)
    user, password = creds(camera)
    marked = set()
    for body in [b for s, b in READS] + WRITES[:5] + [WRITES[-1]]:
        if "{now" in body:
            body = body.format(now=datetime.datetime.now(datetime.timezone.utc))
        url = camera.media_url if "trt:" in body else camera.device_url
        reply = soap(url, body, user, password)
        if reply.headers.get("X-Camsim-Quirk"):
            marked.add(body[1:].split(">")[0].split(" ")[0].rstrip("/"))
        validate(reply.content, reply.headers)
    anonymous = soap(camera.device_url, "<tds:GetUsers/>")
    validate(anonymous.content, anonymous.headers)
    assert marked == {"tds:GetDNS", "tds:GetNTP", "tds:GetHostname", "tds:GetDeviceInformation",
                      "tds:SetNetworkInterfaces"}
