"""Hikvision ISAPI of a ``first_boot: isapi`` camera (INDEX.md H1-H7).

Factory state: inactive, no web user, ONVIF off. ``GET /SDK/activateStatus``,
``POST /ISAPI/Security/challenge`` and ``PUT /ISAPI/System/activate`` need no credentials
and activate it (``hikcrypto`` is the device side of the crypto); everything else is HTTP
Digest against the *web* users (``camera.native["web_users"]``). ONVIF stays off until
``PUT /ISAPI/System/Network/Integrate`` switches it on; the ONVIF users are the separate list
``/ISAPI/Security/ONVIF/users`` (``camera.users``, what the SOAP side authenticates).

Answers are ``ResponseStatus`` documents (statusCode / statusString / subStatusCode, INDEX.md
H5). Which HTTP status goes with which statusCode is not in the evidence: 200 for 1 (OK) and
7 (Reboot Required), 400 for 6 (Invalid XML Content), 403 for 4 (Invalid Operation), 401
with a Digest challenge for a missing or wrong login (inferred, README "First boot").
"""

import logging
import time

from lxml import etree

from . import hikcrypto
from .auth import AuthError
from .config import SiteError, check_loopback
from .httpd import Response
from .user_ops import password_problem
from .xmlutil import child, children, parse, text

LOG = logging.getLogger("camsim.isapi")

XML = "application/xml; charset=UTF-8"
CHALLENGE_TTL = 60.0
WEB_LEVELS = {"Administrator": 3, "Operator": 2, "Viewer": 1}
ONVIF_TYPES = {"administrator": "Administrator", "operator": "Operator", "mediaUser": "User"}
MAX_USERS = 32
STATUS = {1: ("OK", 200), 3: ("Device Error", 500), 4: ("Invalid Operation", 403),
          6: ("Invalid XML Content", 400), 7: ("Reboot Required", 200)}


class IsapiError(Exception):
    def __init__(self, code, sub_status, message=""):
        super().__init__(message or sub_status)
        self.code = code
        self.sub_status = sub_status


# -- documents -----------------------------------------------------------------------------
def _ns(camera):
    return camera.personality.get("isapi_namespace", "http://www.hikvision.com/ver20/XMLSchema")


def document(camera, root_name, fields=(), version="2.0"):
    """A Hikvision XML document: ``fields`` are (name, value) pairs; a value that is a list
    of pairs becomes a nested element, a list of such lists repeats ``name``."""
    ns = _ns(camera)
    root = etree.Element("{%s}%s" % (ns, root_name), nsmap={None: ns}, version=version)
    _fill(root, ns, fields)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, pretty_print=True)


def _fill(parent, ns, fields):
    for name, value in fields:
        element = etree.SubElement(parent, "{%s}%s" % (ns, name))
        if isinstance(value, (list, tuple)):
            _fill(element, ns, value)
        elif value is not None:
            element.text = "true" if value is True else "false" if value is False else str(value)


def status_response(camera, request, code=1, sub_status="ok", message=None):
    status_string, http_status = STATUS[code]
    fields = [("requestURL", request.path), ("statusCode", code), ("statusString", status_string),
              ("subStatusCode", sub_status)]
    if message:
        fields.append(("errorMsg", message))
    return Response(http_status, document(camera, "ResponseStatus", fields, version="1.0"), XML)


def xml_response(body):
    return Response(200, body, XML)


def _request_xml(request, root_name):
    try:
        root = parse(request.body)
    except etree.XMLSyntaxError:
        raise IsapiError(6, "badXmlContent", "the body is not XML") from None
    if etree.QName(root).localname != root_name:
        raise IsapiError(6, "badXmlContent", "expected <%s>" % root_name)
    return root


# -- activation (no credentials) -----------------------------------------------------------
def activate_status(camera, request):
    return xml_response(document(camera, "ActivateStatus", [("Activated", camera.activated)]))


def challenge(camera, request):
    try:
        root = parse(request.body)
        key = text(root, "key") if etree.QName(root).localname in ("PublicKey", "Challenge") else None
    except etree.XMLSyntaxError:
        key = None
    if not key:
        raise IsapiError(6, "badXmlContent", "expected <PublicKey><key>")
    try:
        modulus = hikcrypto.modulus_from_key(key)
    except ValueError:
        raise IsapiError(6, "badParameters", "the key is not base64 of a hex RSA modulus") from None
    if modulus.bit_length() not in (1024, 2048):
        raise IsapiError(6, "badParameters", "RSA key length %d (1024 or 2048)" % modulus.bit_length())
    random_key = hikcrypto.new_random_key()
    camera.volatile["challenge"] = (random_key, time.monotonic())
    ns = _ns(camera)
    body = ("<?xml version='1.0' encoding='UTF-8'?>\n<Challenge version='2.0' xmlns='%s'>\n<key>%s</key>\n"
            "</Challenge>\n" % (ns, hikcrypto.encrypt_random_key(random_key, modulus))).encode()
    return Response(200, body, XML)


def activate(camera, request):
    if camera.activated:
        raise IsapiError(4, "invalidOperation", "the device is already activated")
    encrypted = text(_request_xml(request, "ActivateInfo"), "password")
    pending = camera.volatile.pop("challenge", None)
    if pending is None or time.monotonic() - pending[1] > CHALLENGE_TTL:
        raise IsapiError(4, "invalidOperation", "no challenge (POST /ISAPI/Security/challenge first)")
    try:
        password = hikcrypto.decrypt_password(encrypted or "", pending[0])
    except ValueError as exc:
        raise IsapiError(6, "badParameters", str(exc)) from None
    problem = password_problem(camera, password, "admin")
    if problem:
        raise IsapiError(6, "badParameters", problem)
    camera.native["web_users"] = [{"id": 1, "username": "admin", "password": password,
                                   "level": "Administrator"}]
    camera.changed()
    LOG.info("%s: activated through ISAPI", camera.name)
    return status_response(camera, request)


# -- system --------------------------------------------------------------------------------
def device_info(camera, request, user):
    p = camera.personality
    if request.method == "PUT":
        _need_admin(user)
        name = text(_request_xml(request, "DeviceInfo"), "deviceName")
        if name:
            camera.native["device_name"] = name
            camera.changed()
        return status_response(camera, request)
    version, dummy, build = p["firmware"].partition(" build ")
    return xml_response(document(camera, "DeviceInfo", [
        ("deviceName", camera.native.get("device_name", "IP CAMERA")), ("deviceID", camera.uuid),
        ("model", p["model"]), ("serialNumber", camera.serial), ("macAddress", camera.mac.lower()),
        ("firmwareVersion", version), ("firmwareReleasedDate", "build " + build if build else ""),
        ("deviceType", "IPCamera"), ("manufacturer", p["manufacturer"].lower())]))


def ip_address(camera, request, user):
    if request.method == "PUT":
        _need_admin(user)
        root = _request_xml(request, "IPAddress")
        dhcp = (text(root, "addressingType") or "static") == "dynamic"
        address, prefix = camera.address, camera.prefix_length
        if not dhcp:
            try:
                address = check_loopback(text(root, "ipAddress") or "", "ipAddress")
                prefix = _prefix(text(root, "subnetMask") or "255.255.255.0")
            except (SiteError, ValueError) as exc:
                raise IsapiError(6, "badParameters", str(exc)) from None
        gateway = text(child(root, "DefaultGateway"), "ipAddress")
        if gateway:
            camera.gateway = [gateway]
        dns = [text(child(root, n), "ipAddress") for n in ("PrimaryDNS", "SecondaryDNS")]
        dns = [d for d in dns if d and d != "0.0.0.0"]
        if dns:
            camera.dns["manual"], camera.dns["from_dhcp"] = dns, False
        camera.pending_network = {"dhcp": dhcp, "address": address, "prefix_length": prefix}
        camera.changed()
        return status_response(camera, request, 7, "rebootRequired")
    dns = list(camera.dns.get("manual") or []) + ["0.0.0.0", "0.0.0.0"]
    return xml_response(document(camera, "IPAddress", [
        ("ipVersion", "dual"), ("addressingType", "dynamic" if camera.dhcp else "static"),
        ("ipAddress", camera.address), ("subnetMask", _netmask(camera.prefix_length)),
        ("ipv6Address", "::"), ("bitMask", 0),
        ("DefaultGateway", [("ipAddress", camera.gateway[0] if camera.gateway else "0.0.0.0"),
                            ("ipv6Address", "::")]),
        ("PrimaryDNS", [("ipAddress", dns[0])]), ("SecondaryDNS", [("ipAddress", dns[1])]),
        ("Ipv6Mode", [("ipV6AddressingType", "ra")])]))


def _netmask(prefix):
    return ".".join(str((0xFFFFFFFF << (32 - prefix) >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _prefix(mask):
    bits = "".join("{:08b}".format(int(part)) for part in mask.split("."))
    if len(bits) != 32 or "01" in bits:
        raise ValueError("subnetMask %r is not a netmask" % mask)
    return bits.count("1")


def time_settings(camera, request, user):
    if request.method == "PUT":
        _need_admin(user)
        root = _request_xml(request, "Time")
        mode = text(root, "timeMode") or "manual"
        if mode not in ("NTP", "manual"):
            raise IsapiError(6, "badParameters", "timeMode %r" % mode)
        camera.date_time_type = "NTP" if mode == "NTP" else "Manual"
        if text(root, "timeZone"):
            camera.timezone = text(root, "timeZone")
        if mode == "NTP":
            camera.clock_offset = 0.0   # "synchronised" (the NTP server is never contacted)
        camera.changed()
        return status_response(camera, request)
    local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(camera.now()))
    return xml_response(document(camera, "Time", [
        ("timeMode", "NTP" if camera.date_time_type == "NTP" else "manual"), ("localTime", local),
        ("timeZone", camera.timezone)]))


def ntp_servers(camera, request, user):
    if request.method == "PUT":
        _need_admin(user)
        servers = []
        for entry in children(_request_xml(request, "NTPServerList"), "NTPServer"):
            kind = text(entry, "addressingFormatType") or "ipaddress"
            value = text(entry, "ipAddress") if kind == "ipaddress" else text(entry, "hostName")
            if not value:
                raise IsapiError(6, "badParameters", "NTPServer without %s"
                                 % ("ipAddress" if kind == "ipaddress" else "hostName"))
            servers.append(value)
        camera.ntp["manual"], camera.ntp["from_dhcp"] = servers, False
        camera.changed()
        return status_response(camera, request)
    entries = []
    for index, server in enumerate(camera.ntp.get("manual") or [], 1):
        is_ip = server.replace(".", "").isdigit()
        entries.append(("NTPServer", [("id", index), ("addressingFormatType", "ipaddress" if is_ip else "hostname"),
                                      ("ipAddress" if is_ip else "hostName", server), ("portNo", 123),
                                      ("synchronizeInterval", 60)]))
    return xml_response(document(camera, "NTPServerList", entries))


def reboot(camera, request, user):
    _need_admin(user)
    response = status_response(camera, request)
    if camera.runtime is not None:
        response.after = camera.runtime.schedule_reboot
    return response


def integrate(camera, request, user):
    if request.method == "PUT":
        _need_admin(user)
        root = _request_xml(request, "Integrate")
        onvif = child(root, "ONVIF")
        was_on = camera.onvif_enabled
        if onvif is not None and text(onvif, "enable") is not None:
            camera.native["onvif_enabled"] = text(onvif, "enable") == "true"
        for name in ("ISAPI", "CGI"):
            section = child(root, name)
            if section is not None and text(section, "enable") is not None:
                camera.native[name.lower() + "_enabled"] = text(section, "enable") == "true"
        camera.changed()
        if camera.onvif_enabled and not was_on:
            from . import discovery  # late: discovery imports nothing from here
            discovery.announce(camera, discovery.hello)
        return status_response(camera, request)
    return xml_response(document(camera, "Integrate", [
        ("CGI", [("enable", camera.native.get("cgi_enabled", False)), ("certificateType", "digest")]),
        ("ONVIF", [("enable", camera.onvif_enabled), ("certificateType", "")]),
        ("ISAPI", [("enable", camera.native.get("isapi_enabled", True))])]))


def network_capabilities(camera, request, user):
    return xml_response(document(camera, "NetworkCap", [("isSupportIntegrate", True)]))


# -- users ---------------------------------------------------------------------------------
def _need_admin(user):
    if WEB_LEVELS.get(user["level"], 0) < WEB_LEVELS["Administrator"]:
        raise IsapiError(4, "invalidOperation", "needs an Administrator")


def _user_fields(root):
    return (text(root, "id"), text(root, "userName"), text(root, "password"))


def web_users(camera, request, user, user_id=None):
    users = camera.native["web_users"]
    if request.method == "GET":
        _need_admin(user)
        return xml_response(document(camera, "UserList", [
            ("User", [("id", u["id"]), ("userName", u["username"]), ("userLevel", u["level"])])
            for u in users]))
    _need_admin(user)
    if request.method == "DELETE":
        target = _by_id(users, user_id)
        if target["id"] == 1:
            raise IsapiError(4, "invalidOperation", "the admin user cannot be deleted")
        users.remove(target)
        camera.changed()
        return status_response(camera, request)
    root = _request_xml(request, "User")
    given_id, name, password = _user_fields(root)
    level = text(root, "userLevel") or "Viewer"
    if level not in WEB_LEVELS:
        raise IsapiError(6, "badParameters", "userLevel %r" % level)
    login_password = text(root, "loginPassword")
    if login_password is not None and login_password != user["password"]:
        raise IsapiError(4, "invalidOperation", "loginPassword is not the caller's password")
    if request.method == "POST":
        if not name or camera.find_web_user(name) or len(users) >= MAX_USERS:
            raise IsapiError(4, "invalidOperation", "userName missing, taken, or too many users")
        _check(camera, password, name)
        users.append({"id": max(u["id"] for u in users) + 1, "username": name, "password": password,
                      "level": level})
    else:
        target = _by_id(users, user_id or given_id)
        if password is not None:
            _check(camera, password, target["username"])
            target["password"] = password
        if target["id"] != 1:
            target["level"] = level
    camera.changed()
    return status_response(camera, request)


def onvif_users(camera, request, user, user_id=None):
    _need_admin(user)
    users = camera.users
    for entry in users:  # users made over ONVIF (CreateUsers) get the next free id
        if "id" not in entry:
            entry["id"] = max([u.get("id", 0) for u in users] + [0]) + 1
    if request.method == "GET":
        types = {v: k for k, v in ONVIF_TYPES.items()}
        return xml_response(document(camera, "UserList", [
            ("User", [("id", u["id"]), ("userName", u["username"]), ("userType", types.get(u["level"], "mediaUser"))])
            for u in users]))
    if request.method == "DELETE":
        users.remove(_by_id(users, user_id))
        camera.changed()
        return status_response(camera, request)
    root = _request_xml(request, "User")
    given_id, name, password = _user_fields(root)
    level = ONVIF_TYPES.get(text(root, "userType") or "mediaUser")
    if level is None or not name:
        raise IsapiError(6, "badParameters", "userName and userType (administrator, operator, mediaUser)")
    wanted = int(user_id or given_id or 0) or max([u["id"] for u in users] + [0]) + 1
    target = next((u for u in users if u["id"] == wanted), None)
    if target is None:
        if password is None or any(u["username"] == name for u in users) or len(users) >= MAX_USERS:
            raise IsapiError(4, "invalidOperation", "new ONVIF user needs a free userName and a password")
        _check(camera, password, name)
        users.append({"id": wanted, "username": name, "password": password, "level": level})
    else:
        if password is not None:
            _check(camera, password, name)
            target["password"] = password
        target["username"], target["level"] = name, level
    camera.changed()
    return status_response(camera, request)


def _by_id(users, user_id):
    try:
        wanted = int(user_id)
    except (TypeError, ValueError):
        raise IsapiError(6, "badParameters", "user id %r" % user_id) from None
    for entry in users:
        if entry.get("id") == wanted:
            return entry
    raise IsapiError(4, "invalidOperation", "no user with id %d" % wanted)


def _check(camera, password, username):
    problem = password_problem(camera, password or "", username)
    if problem:
        raise IsapiError(6, "badParameters", problem)


# -- routing -------------------------------------------------------------------------------
ANONYMOUS = {("GET", "/SDK/activateStatus"): activate_status,
             ("POST", "/ISAPI/Security/challenge"): challenge,
             ("PUT", "/ISAPI/System/activate"): activate}
ROUTES = {"/ISAPI/System/deviceInfo": (device_info, "GET PUT"),
          "/ISAPI/System/Network/interfaces/1/ipAddress": (ip_address, "GET PUT"),
          "/ISAPI/System/time": (time_settings, "GET PUT"),
          "/ISAPI/System/time/ntpServers": (ntp_servers, "GET PUT"),
          "/ISAPI/System/reboot": (reboot, "PUT"),
          "/ISAPI/System/Network/Integrate": (integrate, "GET PUT"),
          "/ISAPI/System/Network/capabilities": (network_capabilities, "GET"),
          "/ISAPI/Security/users": (web_users, "GET POST PUT"),
          "/ISAPI/Security/ONVIF/users": (onvif_users, "GET POST PUT")}
ITEM_ROUTES = {"/ISAPI/Security/users/": (web_users, "PUT DELETE"),
               "/ISAPI/Security/ONVIF/users/": (onvif_users, "PUT DELETE")}


def handles(camera, path):
    return camera.first_boot == "isapi" and (path.startswith("/ISAPI/") or path.startswith("/SDK/"))


def _unauthorized(camera, request, stale=False):
    if camera.activated:
        body = document(camera, "ResponseStatus", [
            ("requestURL", request.path), ("statusCode", 4), ("statusString", "Invalid Operation"),
            ("subStatusCode", "unAuthorized")], version="1.0")
    else:  # nobody can log in before activation (inferred: no capture of this answer)
        body = document(camera, "ResponseStatus", [
            ("requestURL", request.path), ("statusCode", 4), ("statusString", "Invalid Operation"),
            ("subStatusCode", "notActivated")], version="1.0")
    return Response(401, body, XML, [("WWW-Authenticate", camera.digest.challenge(stale))])


async def handle(camera, request):
    """Answer one ISAPI request (``handles`` said yes)."""
    path = request.path
    try:
        anonymous = ANONYMOUS.get((request.method, path))
        if anonymous is not None:
            return anonymous(camera, request)
        handler, methods, item = None, "", None
        if path in ROUTES:
            handler, methods = ROUTES[path]
        else:
            for prefix, (candidate, allowed) in ITEM_ROUTES.items():
                if path.startswith(prefix) and path[len(prefix):].isdigit():
                    handler, methods, item = candidate, allowed, path[len(prefix):]
        if handler is None:
            return status_response(camera, request, 4, "notSupport")
        if request.method not in methods.split():
            return Response(405, b"Method Not Allowed\n", headers=[("Allow", ", ".join(methods.split()))])
        try:
            user = camera.digest.verify(request.header("authorization"), request.method,
                                        request.target, camera.find_web_user)
        except AuthError as exc:
            return _unauthorized(camera, request, "stale" in str(exc))
        if user is None:
            return _unauthorized(camera, request)
        return handler(camera, request, user, item) if item is not None else handler(camera, request, user)
    except IsapiError as exc:
        LOG.info("%s: %s %s -> %d %s (%s)", camera.name, request.method, path, exc.code, exc.sub_status, exc)
        return status_response(camera, request, exc.code, exc.sub_status)
