# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lean SOAP layer (_onvif/soap.py) against its contract, onvif-zeep's WSDL and XSD files.

* The schema table is what tools/gen_onvif_soap_table.py derives from the files today.
* Every request the modules build (one per call() site in readers, network, users, discovery,
  with the parameters those sites pass) is valid against the XSDs (lxml XMLSchema, offline),
  and so is every request the client sent to the fake camera while reading everything.
* Replies are read strictly into the shapes the readers rely on.
"""

from __future__ import annotations

import datetime
import importlib.util
import os

import pytest
from lxml import etree

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import OnvifError, OnvifResponseError, soap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..'))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


onvif_schema = _load('onvif_schema', os.path.join(ROOT, 'tests', 'simulator', 'onvif_schema.py'))
generator = _load('gen_onvif_soap_table', os.path.join(ROOT, 'tools', 'gen_onvif_soap_table.py'))
fakecam = _load('onvif_fakecam', os.path.join(HERE, 'test_onvif_fakecam.py'))

NOW = datetime.datetime(2026, 12, 3, 8, 0, 5, tzinfo=datetime.timezone.utc)
USER = {'Username': 'operator1', 'Password': 'Op3rator-Pass', 'UserLevel': 'Operator'}

# Every call() the collection makes: (service, operation, parameters as the call site passes them).
REQUESTS = [
    ('device', 'GetSystemDateAndTime', {}),
    ('device', 'GetServices', {'IncludeCapability': False}),
    ('device', 'GetCapabilities', {'Category': ['All']}),
    ('device', 'GetDeviceInformation', {}),
    ('device', 'GetNetworkInterfaces', {}),
    ('device', 'GetNetworkDefaultGateway', {}),
    ('device', 'GetDNS', {}),
    ('device', 'GetNTP', {}),
    ('device', 'GetHostname', {}),
    ('device', 'GetNetworkProtocols', {}),
    ('device', 'GetUsers', {}),
    ('device', 'CreateUsers', {'User': [dict(USER, UserLevel='Administrator')]}),
    ('device', 'DeleteUsers', {'Username': ['operator1']}),
    ('device', 'SetUser', {'User': [USER]}),
    ('device', 'SetNTP', {'FromDHCP': False, 'NTPManual': [
        {'Type': 'IPv4', 'IPv4Address': '127.0.0.123'}, {'Type': 'DNS', 'DNSname': 'ntp.example.org'}]}),
    ('device', 'SetDNS', {'FromDHCP': False, 'SearchDomain': ['example.org'],
                          'DNSManual': [{'Type': 'IPv6', 'IPv6Address': 'fd00::53'}]}),
    ('device', 'SetDNS', {'FromDHCP': False, 'SearchDomain': [], 'DNSManual': []}),
    ('device', 'SetHostname', {'Name': 'cam-101'}),
    ('device', 'SetNetworkDefaultGateway', {'IPv4Address': ['127.0.0.254'], 'IPv6Address': []}),
    ('device', 'SetSystemDateAndTime', {'DateTimeType': 'Manual', 'DaylightSavings': False, 'TimeZone': {'TZ': 'WIB-7'},
                                        'UTCDateTime': {'Date': {'Year': 2026, 'Month': 12, 'Day': 3},
                                                        'Time': {'Hour': 8, 'Minute': 0, 'Second': 5}}}),
    ('device', 'SetSystemDateAndTime', {'DateTimeType': 'NTP', 'DaylightSavings': True}),
    ('device', 'SetNetworkInterfaces', {'InterfaceToken': 'eth0', 'NetworkInterface': {
        'Enabled': True, 'IPv4': {'Enabled': True, 'DHCP': False, 'Manual': [{'Address': '127.0.0.9', 'PrefixLength': 24}]}}}),
    ('device', 'SetNetworkInterfaces', {'InterfaceToken': 'eth0', 'NetworkInterface': {
        'Enabled': True, 'IPv4': {'Enabled': True, 'DHCP': True}}}),
    ('device', 'SystemReboot', {}),
    ('media', 'GetProfiles', {}),
    ('media', 'GetStreamUri', {'ProfileToken': 'Profile_1',
                               'StreamSetup': {'Stream': 'RTP-Unicast', 'Transport': {'Protocol': 'RTSP'}}}),
    ('media', 'GetSnapshotUri', {'ProfileToken': 'Profile_1'}),
]


def test_the_schema_table_is_what_the_generator_derives_today():
    if generator.importlib.util.find_spec('onvif') is None:
        pytest.skip('onvif-zeep (the schema source) is not installed')
    with open(generator.OUTPUT, encoding='utf-8') as table:
        assert table.read() == generator.render(generator.build_table()), \
            'soap_table.py is out of date: run tools/gen_onvif_soap_table.py'


@pytest.mark.parametrize('service, operation, params', REQUESTS,
                         ids=['%s-%d' % (r[1], i) for i, r in enumerate(REQUESTS)])
def test_every_request_the_modules_build_is_schema_valid(service, operation, params):
    security = soap.username_token('admin', 'pw', NOW)
    message = soap.envelope(soap.request_body(service, operation, params), security)
    root = onvif_schema.validate(message)
    body = root.find('{%s}Body' % soap.SOAP12_ENV)[0]
    assert etree.QName(body).localname == operation


def test_every_call_site_is_listed():
    """The REQUESTS list above covers every call('service', 'Operation' ...) in plugins/."""
    import re
    listed = set((s, o) for s, o, dummy in REQUESTS)
    found = set()
    for folder, dummy, files in os.walk(os.path.join(ROOT, 'plugins')):
        for name in files:
            if name.endswith('.py'):
                with open(os.path.join(folder, name), encoding='utf-8') as source:
                    found.update(re.findall(r"\.call(?:_anonymous)?\(\s*'(\w+)',\s*'(\w+)'", source.read()))
    assert found and found <= listed, sorted(found - listed)


def test_every_request_sent_while_reading_everything_is_schema_valid():
    with fakecam.FakeCamera() as cam:
        with _onvif.OnvifClient('127.0.0.1', cam.password, port=cam.port, username=cam.username, timeout=5) as client:
            _onvif.get_info(client)
    assert len(cam.requests) > 10
    for request in cam.requests:
        onvif_schema.validate(request['body'])


def test_request_order_and_namespaces_follow_the_schema():
    body = soap.request_body('device', 'SetNetworkInterfaces', {'NetworkInterface': {
        'IPv4': {'Manual': [{'PrefixLength': 24, 'Address': '127.0.0.9'}], 'DHCP': False}, 'Enabled': True},
        'InterfaceToken': 'eth0'})
    tds, tt = '{http://www.onvif.org/ver10/device/wsdl}', '{http://www.onvif.org/ver10/schema}'
    assert [c.tag for c in body] == [tds + 'InterfaceToken', tds + 'NetworkInterface']
    assert [c.tag for c in body[1]] == [tt + 'Enabled', tt + 'IPv4']
    assert [c.tag for c in body[1][1][0]] == [tt + 'Address', tt + 'PrefixLength']
    assert body[1][0].text == 'true'


@pytest.mark.parametrize('params, message', [
    ({'Nmae': 'x'}, 'SetHostname has no field Nmae'),
    ({}, 'SetHostname.Name is required'),
])
def test_bad_parameters_fail_before_sending(params, message):
    with pytest.raises(OnvifError, match=message):
        soap.request_body('device', 'SetHostname', params)


def test_unknown_operation_points_at_call_raw():
    with pytest.raises(OnvifError, match='use call_raw'):
        soap.request_body('device', 'GetNothing', {})


def test_username_token_digest():
    import base64
    import hashlib
    token = soap.username_token('admin', 'pw', NOW, nonce=b'0123456789abcdef')
    ns = {'wsse': soap.WSSE, 'wsu': soap.WSU}
    assert token.findtext('wsse:UsernameToken/wsu:Created', namespaces=ns) == '2026-12-03T08:00:05Z'
    expected = base64.b64encode(hashlib.sha1(b'0123456789abcdef2026-12-03T08:00:05Zpw').digest()).decode()
    assert token.findtext('wsse:UsernameToken/wsse:Password', namespaces=ns) == expected


# ------------------------------------------------------------------------------- replies --
def reply(body):
    return soap.parse_strict((fakecam.ENVELOPE % body).encode())


def test_reply_shapes_match_what_the_readers_use():
    cam = fakecam.FakeCamera.__new__(fakecam.FakeCamera)
    cam.port, cam.advertise, cam.server, cam.stream_uri, cam.password = 80, '127.0.0.1:80', None, None, 'x'
    cam.clock_offset, cam.services_fault = datetime.timedelta(0), False
    interfaces = soap.read_reply('device', 'GetNetworkInterfaces', reply(cam.op_GetNetworkInterfaces(None)))
    assert isinstance(interfaces, list) and interfaces[0]['token'] == 'eth0' and interfaces[0]['Enabled'] is True
    assert interfaces[0]['Info']['MTU'] == 1500 and interfaces[0]['IPv6'] is None
    assert interfaces[0]['IPv4']['Config']['Manual'] == [{'Address': '127.0.0.1', 'PrefixLength': 8}]
    users = soap.read_reply('device', 'GetUsers', reply(cam.op_GetUsers(None)))
    assert [u['Username'] for u in users] == ['admin', 'viewer'] and users[1]['Password'] is None
    sdt = soap.read_reply('device', 'GetSystemDateAndTime', reply(cam.op_GetSystemDateAndTime(None)))
    assert sdt['DaylightSavings'] is False and isinstance(sdt['UTCDateTime']['Date']['Year'], int)
    profiles = soap.read_reply('media', 'GetProfiles', reply(cam.op_GetProfiles(None)))
    assert profiles[0]['fixed'] is True and profiles[0]['VideoEncoderConfiguration']['Resolution'] == {'Width': 1920, 'Height': 1080}
    assert soap.read_reply('device', 'SetHostname', reply('<tds:SetHostnameResponse/>')) is None
    assert soap.read_reply('device', 'GetUsers', reply('<tds:GetUsersResponse/>')) == []
    assert soap.read_reply('device', 'SetNetworkInterfaces', reply(
        '<tds:SetNetworkInterfacesResponse><tds:RebootNeeded>true</tds:RebootNeeded></tds:SetNetworkInterfacesResponse>')) is True


def test_vendor_elements_the_schema_does_not_declare_are_kept():
    info = soap.read_reply('device', 'GetDeviceInformation', reply(
        '<tds:GetDeviceInformationResponse><tds:Manufacturer>V</tds:Manufacturer><tds:Model>M</tds:Model>'
        '<tds:FirmwareVersion>1</tds:FirmwareVersion><tds:SerialNumber>S</tds:SerialNumber><tds:HardwareId>H</tds:HardwareId>'
        '<tds:Extra a="1"><tt:Deep>x</tt:Deep></tds:Extra></tds:GetDeviceInformationResponse>'))
    assert info['Manufacturer'] == 'V' and info['Extra'] == {'a': '1', 'Deep': 'x'}


def test_strict_parsing_refuses_what_a_recovering_parser_would_repair():
    assert soap.parse_strict(b'<a><b>unclosed</a>') is None
    assert soap.parse_strict(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>') is None \
        or 'root:' not in etree.tostring(soap.parse_strict(
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')).decode()


def test_wrong_response_element_names_the_operation():
    with pytest.raises(OnvifResponseError, match='holds GetHostnameResponse instead of GetDeviceInformationResponse'):
        soap.read_reply('device', 'GetDeviceInformation', reply('<tds:GetHostnameResponse/>'))
