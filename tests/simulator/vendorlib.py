"""Test-side clients of the vendor APIs the simulator serves (ISAPI, VAPIX, Dahua, SADP,
multicast WS-Discovery). Written for the tests from INDEX.md, independent of both the
simulator and the collection's plugins."""

import base64
import json
import socket
import uuid

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree
from requests.auth import HTTPDigestAuth

from simlib import SOAP_ENV, TDS, check_loopback_url, session

GROUP = "239.255.255.250"
HIK_NS = "http://www.hikvision.com/ver20/XMLSchema"


def request(method, url, data=None, auth=None, **kwargs):
    check_loopback_url(url)
    with session() as http:
        return http.request(method, url, data=data, auth=HTTPDigestAuth(*auth) if auth else None,
                            timeout=kwargs.pop("timeout", 10), **kwargs)


def base(camera):
    return "http://%s:%d" % (camera.address, camera.http_port)


def xml(response):
    return etree.fromstring(response.content)


def field(response, name):
    return xml(response).findtext("{*}" + name)


# -- Hikvision activation, client side (INDEX.md H2) ----------------------------------------
def hik_challenge(camera, key=None):
    """POST our public key; return (private key, the device's random key as text, response)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=1024)
    modulus_hex = "%x" % key.public_key().public_numbers().n
    body = "<PublicKey><key>%s</key></PublicKey>" % base64.b64encode(modulus_hex.encode()).decode()
    response = request("POST", base(camera) + "/ISAPI/Security/challenge", body)
    if response.status_code != 200:
        return key, None, response
    cipher_hex = base64.b64decode(field(response, "key")).decode()
    random_key = key.decrypt(bytes.fromhex(cipher_hex), padding.PKCS1v15()).decode()
    return key, random_key, response


def hik_encrypt(random_key, password):
    data = random_key[:16].encode() + password.encode()
    data += b"\0" * (-len(data) % 16)
    encryptor = Cipher(algorithms.AES(bytes.fromhex(random_key)), modes.ECB()).encryptor()
    return base64.b64encode((encryptor.update(data) + encryptor.finalize()).hex().encode()).decode()


def hik_activate(camera, password):
    dummy, random_key, response = hik_challenge(camera)
    assert response.status_code == 200, response.text
    body = ('<?xml version="1.0" encoding="UTF-8"?><ActivateInfo><password>%s</password></ActivateInfo>'
            % hik_encrypt(random_key, password))
    return request("PUT", base(camera) + "/ISAPI/System/activate", body)


def isapi(camera, method, path, body=None, auth=("admin", "Kamera-2026")):
    return request(method, base(camera) + path, body, auth=auth)


# -- multicast on lo ------------------------------------------------------------------------
def loopback_multicast_socket(port=0, join=False):
    """A UDP socket that sends multicast on lo only (TTL 0); bound to the group and joined on
    lo when ``join``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    if join:
        sock.bind((GROUP, port))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                        socket.inet_aton(GROUP) + socket.inet_aton("127.0.0.1"))
    else:
        sock.bind(("127.0.0.1", port))
    return sock


def collect(sock, seconds, until=None):
    """Datagrams received for ``seconds`` (or until ``until(list)`` is true)."""
    import time

    received = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until(received)):
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            received.append(sock.recvfrom(65535))
        except socket.timeout:
            break
    return received


def ws_probe_message():
    message_id = "urn:uuid:%s" % uuid.uuid4()
    return message_id, (
        '<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="%s" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:tds="%s"><e:Header>'
        "<w:MessageID>%s</w:MessageID><w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
        "<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        "<e:Body><d:Probe><d:Types>tds:Device</d:Types></d:Probe></e:Body></e:Envelope>"
        % (SOAP_ENV, TDS, message_id)).encode()


def sadp_inquiry():
    probe_uuid = str(uuid.uuid4()).upper()
    return probe_uuid, ('<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>%s</Uuid>'
                        "<Types>inquiry</Types></Probe>" % probe_uuid).encode()


def vapix_json(camera, path, payload, auth=None):
    return request("POST", base(camera) + path, json.dumps(payload),
                   auth=auth, headers={"Content-Type": "application/json"})
