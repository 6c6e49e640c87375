"""Dispatch on the SOAP Body, faults for what is not implemented, fault injection."""

import time

import pytest
from lxml import etree

from simlib import creds, http_get, soap

INFO = "<tds:GetDeviceInformation/>"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
MISLEADING = "http://www.onvif.org/ver10/device/wsdl/SystemReboot"


def test_dispatch_ignores_soapaction_and_action_parameter(new_camera):
    camera = new_camera("hikvision")
    for headers in ({}, {"SOAPAction": MISLEADING},
                    {"Content-Type": 'application/soap+xml; charset=utf-8; action="%s"' % MISLEADING}):
        reply = soap(camera.device_url, INFO, *creds(camera), headers=headers)
        assert reply.element.tag.endswith("GetDeviceInformationResponse"), headers
    assert camera.status == "running"


def test_every_soap_path_accepts_every_service(new_camera):
    camera = new_camera("hikvision")
    assert soap(camera.media_url, INFO, *creds(camera)).element.tag.endswith("GetDeviceInformationResponse")
    assert soap(camera.device_url, "<trt:GetProfiles/>", *creds(camera)).element.tag.endswith("GetProfilesResponse")


def test_unknown_operation_gets_the_vendors_action_not_supported(new_camera):
    hik = new_camera("hikvision")
    reply = soap(hik.device_url, "<tds:GetGeoLocation/>", *creds(hik))
    assert reply.code == "env:Receiver" and reply.status == 500
    assert reply.subcodes == ["ter:ActionNotSupported", "ter:InvalidOperation"]
    assert reply.reason == "Optional Action Not Implemented"
    axis = new_camera("axis")
    reply = soap(axis.device_url, "<tds:GetGeoLocation/>", *creds(axis))
    assert reply.code == "SOAP-ENV:Receiver" and reply.subcodes == ["ter:ActionNotSupported"]
    # right name, wrong namespace: not an operation this camera knows
    wrong_ns = '<x:GetDeviceInformation xmlns:x="urn:example:not-onvif"/>'
    assert soap(hik.device_url, wrong_ns, *creds(hik)).subcodes[0] == "ter:ActionNotSupported"


def test_axis_firmware_has_no_get_services(new_camera):
    camera = new_camera("axis")
    reply = soap(camera.device_url,
                 "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
                 *creds(camera))
    assert reply.subcodes == ["ter:Action"] and reply.reason == "Action failed"
    generic = new_camera("generic", overrides={"unsupported": {"GetServices": "ActionNotSupported"}})
    assert soap(generic.device_url, "<tds:GetServices/>", *creds(generic)).subcodes == ["ter:ActionNotSupported"]


def test_malformed_xml_and_soap11_are_sender_faults(new_camera):
    camera = new_camera("generic")
    reply = soap(camera.device_url, b"<s:Envelope><oops")
    assert reply.status == 400 and reply.code == "s:Sender" and reply.subcodes == ["ter:WellFormed"]
    empty = b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>'
    assert soap(camera.device_url, empty).subcodes == ["ter:InvalidArgs"]


def test_other_http_requests(new_camera):
    camera = new_camera("hikvision")
    assert http_get(camera.device_url).status_code == 405
    response = http_get("http://%s:%d/nothing-here" % (camera.address, camera.http_port))
    assert response.status_code == 404 and response.headers["Server"] == "App-webs/"


def test_injected_faults_from_the_site_and_at_run_time(new_camera):
    camera = new_camera("hikvision", faults={"operations": {"SetDNS": "ter:InvalidArgVal"}})
    set_dns = "<tds:SetDNS><tds:FromDHCP>false</tds:FromDHCP></tds:SetDNS>"
    reply = soap(camera.device_url, set_dns, *creds(camera))
    assert reply.subcodes == ["ter:InvalidArgVal", "ter:InvalidParameter"]  # Hikvision's shape
    assert reply.reason == "the parameter value is illegal"
    camera.faults["operations"]["GetNTP"] = "ter:ActionNotSupported"
    assert soap(camera.device_url, "<tds:GetNTP/>", *creds(camera)).subcodes[0] == "ter:ActionNotSupported"
    camera.set_faults({"operations": {"SetDNS": None, "GetNTP": None}})
    assert not soap(camera.device_url, set_dns, *creds(camera)).is_fault
    camera.set_faults({"operations": {"GetHostname": {"subcode": "ter:OperationProhibited",
                                                      "reason": "busy", "http_status": 503}}})
    reply = soap(camera.device_url, "<tds:GetHostname/>", *creds(camera))
    assert reply.status == 503 and reply.reason == "busy"


def test_delays(new_camera):
    camera = new_camera("generic", faults={"delay": {"GetDeviceInformation": 0.6}})
    started = time.monotonic()
    soap(camera.device_url, INFO, *creds(camera))
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    soap(camera.device_url, "<tds:GetHostname/>", *creds(camera))
    assert time.monotonic() - started < 0.5
    camera.set_faults({"delay_all": 0.4})
    started = time.monotonic()
    soap(camera.device_url, "<tds:GetSystemDateAndTime/>")
    assert time.monotonic() - started >= 0.4


SOAP11 = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
          b'<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></e:Body></e:Envelope>')
S11 = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.mark.parametrize("vendor,upgrade", [("generic", True), ("hikvision", False), ("axis", False)])
def test_soap11_request_gets_a_soap11_version_mismatch(new_camera, vendor, upgrade):
    """Section C: a SOAP 1.1 request gets a SOAP 1.1 VersionMismatch fault on HTTP 500
    (SOAP 1.2 Part 1, Appendix A), with the Upgrade header block (5.4.7) where the
    personality sends it - never a SOAP 1.2 fault on 400."""
    camera = new_camera(vendor)
    reply = soap(camera.device_url, SOAP11, *creds(camera))
    assert reply.status == 500 and reply.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(reply.content)
    assert root.tag == "{%s}Envelope" % S11
    fault = root.find("{%s}Body/{%s}Fault" % (S11, S11))
    code = fault.findtext("faultcode")
    prefix, dummy, local = code.partition(":")
    assert local == "VersionMismatch" and fault.nsmap[prefix] == S11
    assert fault.findtext("faultstring")
    supported = root.find("{%s}Header/{%s}Upgrade/{%s}SupportedEnvelope" % (S11, SOAP12, SOAP12))
    assert (supported is not None) == upgrade
    if upgrade:
        qname = supported.get("qname")
        assert supported.nsmap[qname.split(":")[0]] == SOAP12 and qname.endswith(":Envelope")
