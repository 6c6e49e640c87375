# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny fake ONVIF camera on 127.0.0.1 for the client and module unit tests (and its own tests).

It speaks just enough SOAP 1.2 for the read helpers, checks WS-Security UsernameToken digests
against its own (possibly wrong) clock and/or HTTP Digest, and records every request so tests
can look at the headers the client sent. Other test files load it with :func:`load`.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import os
import re
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

NS = {
    's': 'http://www.w3.org/2003/05/soap-envelope',
    'wsse': 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
    'wsu': 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
}
ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" '
            'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error">'
            '<s:Body>%s</s:Body></s:Envelope>')


def fault(code='s:Receiver', subcodes=('ter:ActionNotSupported',), reason='Optional Action Not Implemented'):
    inner = ''
    for sub in reversed(subcodes):
        inner = '<s:Subcode><s:Value>%s</s:Value>%s</s:Subcode>' % (sub, inner)
    return ENVELOPE % ('<s:Fault><s:Code><s:Value>%s</s:Value>%s</s:Code><s:Reason><s:Text xml:lang="en">%s</s:Text>'
                       '</s:Reason></s:Fault>' % (code, inner, reason))


NOT_AUTHORIZED = fault('s:Sender', ('ter:NotAuthorized',), 'Sender not Authorized')


def load():
    """This module, for other test files (pytest runs with --import-mode=importlib)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('onvif_fakecam', os.path.abspath(__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeCamera:
    """A fake camera. ``auth`` is 'wsse', 'digest', 'either' or 'none'.

    ``responses`` maps an operation to (status, body, content type) or to a callable
    ``f(request_dict) -> tuple`` that overrides the built-in answer; ``advertise`` is the
    host:port written into XAddrs (default: the camera's own). ``http_date`` is what its HTTP
    Date header shows: 'camera' (its own clock, as real devices do), 'controller', or None (no
    Date header).
    """

    def __init__(self, username='admin', password='s3cret-Pa55', auth='wsse', clock_offset=0, responses=None,
                 advertise=None, stream_uri=None, services_fault=False, preauth=('GetSystemDateAndTime',), tls=None,
                 http_date='camera'):
        self.http_date = http_date
        self.username = username
        self.password = password
        self.auth = auth
        self.clock_offset = datetime.timedelta(seconds=clock_offset)
        self.responses = dict(responses or {})
        self.advertise = advertise
        self.stream_uri = stream_uri
        self.services_fault = services_fault
        self.preauth = preauth
        self.requests = []
        self.realm = 'fakecam'
        self.nonce = uuid.uuid4().hex
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        if tls is not None:  # an ssl.SSLContext: HTTPS
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def host(self):
        return self.advertise or '127.0.0.1:%d' % self.port

    @property
    def scheme(self):
        return 'https' if isinstance(self.server.socket, ssl.SSLSocket) else 'http'

    def now(self):
        return datetime.datetime.now(datetime.timezone.utc) + self.clock_offset

    def ops(self):
        return [r['op'] for r in self.requests]

    # ------------------------------------------------------------------ auth checks --
    def _wsse_ok(self, req):
        token = req['wsse']
        if not token or token['username'] != self.username:
            return False
        created = datetime.datetime.strptime(token['created'].replace('Z', ''), '%Y-%m-%dT%H:%M:%S').replace(
            tzinfo=datetime.timezone.utc)
        if abs((created - self.now()).total_seconds()) > 300:
            return False
        nonce = base64.b64decode(token['nonce'])
        expected = base64.b64encode(hashlib.sha1(nonce + token['created'].encode() + self.password.encode()).digest()).decode()
        return expected == token['digest']

    def _digest_ok(self, req):
        header = req['headers'].get('Authorization') or ''
        if not header.startswith('Digest '):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))

        def md5(text):
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5('%s:%s:%s' % (fields.get('username'), self.realm, self.password))
        ha2 = md5('POST:%s' % fields.get('uri'))
        expected = md5(':'.join([ha1, fields.get('nonce', ''), fields.get('nc', ''), fields.get('cnonce', ''),
                                 fields.get('qop', ''), ha2]))
        return fields.get('username') == self.username and fields.get('response') == expected

    # ------------------------------------------------------------------------ answers --
    def answer(self, req):
        op = req['op']
        if op in self.responses:
            answer = self.responses[op]
            return answer(req) if callable(answer) else answer
        if op not in self.preauth and self.auth != 'none':
            wsse_ok, digest_ok = self._wsse_ok(req), self._digest_ok(req)
            if self.auth == 'digest' and not digest_ok or self.auth == 'either' and not (wsse_ok or digest_ok):
                return 401, b'<html><head><title>401 Unauthorized</title></head></html>', 'text/html'
            if self.auth == 'wsse' and not wsse_ok:
                return 400, NOT_AUTHORIZED, 'application/soap+xml'
        method = getattr(self, 'op_' + op, None)
        if method is None:
            return 500, fault(), 'application/soap+xml'
        return 200, ENVELOPE % method(req), 'application/soap+xml'

    def op_GetSystemDateAndTime(self, req):
        now = self.now()
        return ('<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType>'
                '<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>WIB-7</tt:TZ></tt:TimeZone>'
                '<tt:UTCDateTime><tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>'
                '<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date></tt:UTCDateTime>'
                '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>'
                % (now.hour, now.minute, now.second, now.year, now.month, now.day))

    def op_GetServices(self, req):
        if self.services_fault:
            raise _Reply(500, fault('s:Receiver', ('ter:Action',), 'Action failed'))
        items = ''.join('<tds:Service><tds:Namespace>%s</tds:Namespace><tds:XAddr>%s://%s%s</tds:XAddr><tds:Version>'
                        '<tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>' % (ns, self.scheme, self.host, path)
                        for ns, path in (('http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service'),
                                         ('http://www.onvif.org/ver10/media/wsdl', '/onvif/Media')))
        return '<tds:GetServicesResponse>%s</tds:GetServicesResponse>' % items

    def op_GetCapabilities(self, req):
        return ('<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>http://%s/onvif/device_service</tt:XAddr>'
                '</tt:Device><tt:Media><tt:XAddr>http://%s/onvif/Media</tt:XAddr></tt:Media></tds:Capabilities>'
                '</tds:GetCapabilitiesResponse>' % (self.host, self.host))

    def op_GetDeviceInformation(self, req):
        return ('<tds:GetDeviceInformationResponse><tds:Manufacturer>FakeVendor</tds:Manufacturer><tds:Model>FC-1</tds:Model>'
                '<tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>FC1-0001</tds:SerialNumber>'
                '<tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>')

    def op_GetNetworkInterfaces(self, req):
        return ('<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>'
                '<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>AC-CC-8E-01-02-03</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>'
                '<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>127.0.0.1</tt:Address>'
                '<tt:PrefixLength>8</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>'
                '</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>')

    def op_GetNetworkDefaultGateway(self, req):
        return ('<tds:GetNetworkDefaultGatewayResponse><tds:NetworkGateway><tt:IPv4Address>127.0.0.254</tt:IPv4Address>'
                '<tt:IPv6Address>::</tt:IPv6Address></tds:NetworkGateway></tds:GetNetworkDefaultGatewayResponse>')

    def op_GetDNS(self, req):
        return ('<tds:GetDNSResponse><tds:DNSInformation><tt:FromDHCP>false</tt:FromDHCP><tt:SearchDomain>example.org'
                '</tt:SearchDomain><tt:DNSManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>127.0.0.53</tt:IPv4Address>'
                '</tt:DNSManual></tds:DNSInformation></tds:GetDNSResponse>')

    def op_GetNTP(self, req):
        return ('<tds:GetNTPResponse><tds:NTPInformation><tt:FromDHCP>false</tt:FromDHCP><tt:NTPManual><tt:Type>DNS</tt:Type>'
                '<tt:DNSname>ntp.example.org</tt:DNSname></tt:NTPManual><tt:NTPManual><tt:Type>IPv4</tt:Type>'
                '<tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:NTPManual></tds:NTPInformation></tds:GetNTPResponse>')

    def op_GetHostname(self, req):
        return ('<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>fakecam</tt:Name>'
                '</tds:HostnameInformation></tds:GetHostnameResponse>')

    def op_GetNetworkProtocols(self, req):
        return ('<tds:GetNetworkProtocolsResponse><tds:NetworkProtocols><tt:Name>HTTP</tt:Name><tt:Enabled>true</tt:Enabled>'
                '<tt:Port>%d</tt:Port></tds:NetworkProtocols><tds:NetworkProtocols><tt:Name>RTSP</tt:Name>'
                '<tt:Enabled>true</tt:Enabled><tt:Port>554</tt:Port></tds:NetworkProtocols></tds:GetNetworkProtocolsResponse>'
                % self.port)

    def op_GetUsers(self, req):
        return ('<tds:GetUsersResponse><tds:User><tt:Username>admin</tt:Username><tt:Password>should-never-show</tt:Password>'
                '<tt:UserLevel>Administrator</tt:UserLevel></tds:User><tds:User><tt:Username>viewer</tt:Username>'
                '<tt:UserLevel>User</tt:UserLevel></tds:User></tds:GetUsersResponse>')

    def op_GetProfiles(self, req):
        return ('<trt:GetProfilesResponse><trt:Profiles token="Profile_1" fixed="true"><tt:Name>mainStream</tt:Name>'
                '<tt:VideoEncoderConfiguration token="VE1"><tt:Name>VE1</tt:Name><tt:UseCount>1</tt:UseCount>'
                '<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height>'
                '</tt:Resolution><tt:Quality>4</tt:Quality></tt:VideoEncoderConfiguration></trt:Profiles>'
                '</trt:GetProfilesResponse>')

    def op_GetStreamUri(self, req):
        uri = self.stream_uri or 'rtsp://%s/Streaming/Channels/101' % self.host.split(':')[0]
        return ('<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>%s</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>'
                '<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT60S</tt:Timeout></trt:MediaUri>'
                '</trt:GetStreamUriResponse>' % uri.replace('&', '&amp;'))

    def op_GetSnapshotUri(self, req):
        return ('<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>http://%s/snap.jpg?user=admin&amp;password=%s&amp;ch=1</tt:Uri>'
                '<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>'
                '<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>' % (self.host, self.password))

    # ------------------------------------------------------------------------ server --
    def _handler(self):
        camera = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                req = {'path': self.path, 'headers': dict(self.headers), 'body': body, 'op': None, 'wsse': None}
                try:
                    root = etree.fromstring(body)
                    op = root.find('s:Body', NS)[0]
                    req['op'] = etree.QName(op).localname
                    token = root.find('s:Header/wsse:Security/wsse:UsernameToken', NS)
                    if token is not None:
                        req['wsse'] = {'username': token.findtext('wsse:Username', namespaces=NS),
                                       'digest': token.findtext('wsse:Password', namespaces=NS),
                                       'nonce': token.findtext('wsse:Nonce', namespaces=NS),
                                       'created': token.findtext('wsu:Created', namespaces=NS)}
                except (etree.XMLSyntaxError, IndexError, TypeError):
                    pass
                camera.requests.append(req)
                try:
                    status, data, ctype = camera.answer(req)
                except _Reply as reply:
                    status, data, ctype = reply.status, reply.body, 'application/soap+xml'
                data = data.encode('utf-8') if isinstance(data, str) else data
                self.send_response(status)
                if status == 401 and camera.auth in ('digest', 'either'):
                    self.send_header('WWW-Authenticate', 'Digest realm="%s", qop="auth", nonce="%s", algorithm=MD5'
                                     % (camera.realm, camera.nonce))
                for name, value in (req.get('extra_headers') or {}).items():
                    self.send_header(name, value)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

            def date_time_string(self, timestamp=None):
                if camera.http_date == 'camera':
                    return email.utils.format_datetime(camera.now().replace(microsecond=0), usegmt=True)
                return super().date_time_string(timestamp)

            def send_header(self, keyword, value):
                if keyword == 'Date' and camera.http_date is None:
                    return
                super().send_header(keyword, value)

        return Handler


class _Reply(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


# ----------------------------------------------------------------- the fake's own tests --
def test_fake_camera_answers_and_checks_wsse():
    import requests
    with FakeCamera() as cam:
        reply = requests.post('http://127.0.0.1:%d/onvif/device_service' % cam.port, timeout=5,
                              data=ENVELOPE % '<tds:GetDeviceInformation/>')
        assert reply.status_code == 400 and b'NotAuthorized' in reply.content
        reply = requests.post('http://127.0.0.1:%d/onvif/device_service' % cam.port, timeout=5,
                              data=ENVELOPE % '<tds:GetSystemDateAndTime/>')
        assert reply.status_code == 200 and b'UTCDateTime' in reply.content
    assert cam.ops() == ['GetDeviceInformation', 'GetSystemDateAndTime']


def test_fake_camera_digest_challenge():
    import requests
    from requests.auth import HTTPDigestAuth
    with FakeCamera(auth='digest') as cam:
        url = 'http://127.0.0.1:%d/onvif/device_service' % cam.port
        data = ENVELOPE % '<tds:GetDeviceInformation/>'
        assert requests.post(url, data=data, timeout=5).status_code == 401
        assert requests.post(url, data=data, timeout=5, auth=HTTPDigestAuth('admin', 'wrong')).status_code == 401
        assert requests.post(url, data=data, timeout=5, auth=HTTPDigestAuth('admin', cam.password)).status_code == 200
