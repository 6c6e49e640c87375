"""Helpers for the simulator tests: unique loopback addresses and a raw SOAP client.

The raw client builds WS-Security headers by hand so tests can choose every detail
(Created format and offset, nonce reuse, PasswordText). HTTP goes through a requests
session that ignores proxy settings; every URL is checked to be on loopback.
"""

import base64
import datetime
import hashlib
import ipaddress
import os
import random
import socket
import threading
import uuid
from urllib.parse import urlsplit

import requests
from lxml import etree

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TRT = "http://www.onvif.org/ver10/media/wsdl"
TT = "http://www.onvif.org/ver10/schema"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
NS = {"s": SOAP_ENV, "tds": TDS, "trt": TRT, "tt": TT}

#: Credentials the fixtures give activated cameras.
CREDENTIALS = {"hikvision": ("admin", "Admin12345"), "axis": ("root", "pass"),
               "generic": ("admin", "admin")}


def creds(camera):
    """(username, password) the fixtures gave ``camera``."""
    return CREDENTIALS[camera.vendor]


# -- addresses ---------------------------------------------------------------------------
class AddressPool:
    """Loopback addresses unique to this test process: a random 127.X.Y.0/24 block (X in
    100..199) checked free, handed out one by one. xdist workers and concurrent test runs
    pick different blocks."""

    def __init__(self):
        self._lock = threading.Lock()
        self._block = None
        self._next = 1

    @staticmethod
    def _free(prefix):
        probe = socket.socket()
        try:
            probe.bind((prefix + ".1", 8000))
            return True
        except OSError:
            return False
        finally:
            probe.close()

    def _new_block(self):
        rng = random.Random(os.getpid() ^ int.from_bytes(os.urandom(4), "big"))
        while True:
            prefix = "127.%d.%d" % (rng.randrange(100, 200), rng.randrange(0, 256))
            if self._free(prefix):
                return prefix

    def take(self, count=1):
        """``count`` consecutive fresh addresses (a list)."""
        with self._lock:
            if self._block is None or self._next + count > 254:
                self._block, self._next = self._new_block(), 1
            start, self._next = self._next, self._next + count
            return ["%s.%d" % (self._block, n) for n in range(start, start + count)]


POOL = AddressPool()


# -- HTTP -----------------------------------------------------------------------------------
def check_loopback_url(url):
    host = urlsplit(url).hostname
    assert ipaddress.ip_address(host).is_loopback, "refusing non-loopback URL %s" % url


def session():
    http = requests.Session()
    http.trust_env = False  # never a proxy: everything here is loopback
    return http


def http_get(url, **kwargs):
    check_loopback_url(url)
    with session() as http:
        return http.get(url, timeout=kwargs.pop("timeout", 10), **kwargs)


# -- WS-Security ----------------------------------------------------------------------------
def created_now(offset=0.0, style="Z"):
    """A wsu:Created value ``offset`` seconds from now in one of the styles clients use."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    if style == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "+00:00":
        return moment.replace(microsecond=0).isoformat()
    if style == "fraction":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if style == "+02:00":
        return moment.astimezone(datetime.timezone(datetime.timedelta(hours=2))).replace(
            microsecond=0).isoformat()
    raise ValueError(style)


def security_header(username, password, created=None, nonce=None, digest=True):
    if not digest:
        return ('<wsse:Security xmlns:wsse="%s"><wsse:UsernameToken><wsse:Username>%s</wsse:Username>'
                '<wsse:Password Type="%s#PasswordText">%s</wsse:Password></wsse:UsernameToken>'
                '</wsse:Security>' % (WSSE, username, PROFILE, password))
    created = created or created_now()
    nonce = nonce or os.urandom(16)
    digest_value = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest())
    return ('<wsse:Security xmlns:wsse="%s" xmlns:wsu="%s"><wsse:UsernameToken>'
            '<wsse:Username>%s</wsse:Username><wsse:Password Type="%s#PasswordDigest">%s</wsse:Password>'
            '<wsse:Nonce>%s</wsse:Nonce><wsu:Created>%s</wsu:Created></wsse:UsernameToken></wsse:Security>'
            % (WSSE, WSU, username, PROFILE, digest_value.decode(), base64.b64encode(nonce).decode(), created))


def envelope(body, header=""):
    return ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="%s" xmlns:tds="%s" '
            'xmlns:trt="%s" xmlns:tt="%s"><s:Header>%s</s:Header><s:Body>%s</s:Body></s:Envelope>'
            % (SOAP_ENV, TDS, TRT, TT, header, body)).encode()


class Reply:
    """An HTTP answer to a SOAP request, parsed."""

    def __init__(self, response):
        self.status = response.status_code
        self.headers = response.headers
        self.content = response.content
        self.root = None
        if self.content.lstrip().startswith(b"<"):
            try:
                self.root = etree.fromstring(self.content)
            except etree.XMLSyntaxError:  # a truncated reply (quirk): tests look at .content
                pass

    @property
    def element(self):
        """The first element in the SOAP Body."""
        return self.root.find("s:Body", NS)[0]

    @property
    def is_fault(self):
        return self.root is not None and self.root.find("s:Body/s:Fault", NS) is not None

    @property
    def subcodes(self):
        return [v.text for v in self.root.iterfind("s:Body/s:Fault/s:Code//s:Subcode/s:Value", NS)]

    @property
    def code(self):
        return self.root.findtext("s:Body/s:Fault/s:Code/s:Value", namespaces=NS)

    @property
    def reason(self):
        return self.root.findtext("s:Body/s:Fault/s:Reason/s:Text", namespaces=NS)

    def find(self, path):
        return self.element.find(path, NS)

    def findtext(self, path):
        return self.element.findtext(path, namespaces=NS)


def soap(url, body, username=None, password=None, headers=None, timeout=10, **token):
    """POST a SOAP 1.2 request (no SOAPAction); credentials go in a WS-Security header."""
    check_loopback_url(url)
    header = security_header(username, password, **token) if username is not None else ""
    data = body if isinstance(body, bytes) else envelope(body, header)
    all_headers = {"Content-Type": "application/soap+xml; charset=utf-8"}
    all_headers.update(headers or {})
    with session() as http:
        return Reply(http.post(url, data=data, headers=all_headers, timeout=timeout))


def probe(address, types=None, scopes=None, timeout=2.0):
    """Send a WS-Discovery Probe to ``address``:3702 from 127.0.0.1; return
    ``(message_id, reply bytes or None)``."""
    assert ipaddress.ip_address(address).is_loopback
    message_id = "urn:uuid:%s" % uuid.uuid4()
    body = "".join("<d:%s>%s</d:%s>" % (name, value, name)
                   for name, value in (("Types", types), ("Scopes", scopes)) if value is not None)
    message = (
        '<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="%s" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:tds="%s" xmlns:p="urn:example:printers"><e:Header><w:MessageID>%s</w:MessageID>'
        "<w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
        "<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        "<e:Body><d:Probe>%s</d:Probe></e:Body></e:Envelope>" % (SOAP_ENV, TDS, message_id, body))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(timeout)
        udp.bind(("127.0.0.1", 0))
        udp.sendto(message.encode(), (address, 3702))
        try:
            return message_id, udp.recvfrom(65535)[0]
        except (socket.timeout, ConnectionRefusedError):
            return message_id, None


def unique_name(prefix="cam"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])
