"""Axis VAPIX first boot of a ``first_boot: vapix`` camera (AXIS OS 10+, INDEX.md A1-A3).

Factory state: no account (``needsetup``). Anonymous: ``systemready.cgi`` and
``basicdeviceinfo.cgi getAllUnrestrictedProperties`` (shapes of the captures in
vendor-captures/axis), and ``pwdgrp.cgi?action=add`` *while no administrator exists* (answer:
the captured HTML page). Once an administrator exists every other call needs HTTP Digest
(``AXIS_<MAC>`` realm), ``pwdgrp.cgi`` too, and ONVIF works with the VAPIX accounts (inferred:
INDEX.md A4 says ONVIF is off until the first account exists).
"""

import json
import logging
import re
from urllib.parse import parse_qs

from .auth import AuthError
from .httpd import Response

LOG = logging.getLogger("camsim.vapix")

JSON = "application/json"
HTML = "text/html"
PATHS = ("/axis-cgi/systemready.cgi", "/axis-cgi/basicdeviceinfo.cgi", "/axis-cgi/pwdgrp.cgi",
         "/axis-cgi/param.cgi")
USERNAME = re.compile(r"^[A-Za-z0-9]{1,14}$")
GROUPS = ("admin", "operator", "viewer", "ptz")


def handles(camera, path):
    return camera.first_boot == "vapix" and path in PATHS


def _page(line):
    """The HTML page pwdgrp.cgi answers (byte for byte the captured shape)."""
    return ("<html><head><title>User accounts</title></head><body bgcolor=#ffffff>%s\n</body>\n\n</html>\n"
            % line).encode()


def _json(data, status=200):
    return Response(status, json.dumps(data, indent=2).encode() + b"\n", JSON)


def _json_request(request):
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _json_error(data, code, message):
    answer = {"apiVersion": (data or {}).get("apiVersion", "1.0"), "error": {"code": code, "message": message}}
    if data and data.get("method"):
        answer["method"] = data["method"]
    return _json(answer)


def systemready(camera, request):
    data = _json_request(request)
    if data is None or data.get("method") != "systemready":
        return _json_error(data, 4000, "Invalid parameter")   # inferred code and text
    answer = {"apiVersion": camera.personality["vapix"]["systemready_api"], "method": "systemready"}
    if "context" in data:
        answer["context"] = data["context"]
    answer["data"] = {"systemready": "yes", "needsetup": "no" if camera.activated else "yes"}
    return _json(answer)


def _properties(camera, restricted):
    p, vapix = camera.personality, camera.personality["vapix"]
    model = p["model"].replace("AXIS ", "")
    properties = {"ProdNbr": model, "HardwareID": p["hardware_id"],
                  "ProdFullName": "%s %s" % (p["model"], vapix["prod_type"]), "Version": vapix["os_version"],
                  "ProdType": vapix["prod_type"], "Brand": "AXIS", "WebURL": "http://www.axis.com",
                  "ProdVariant": "", "SerialNumber": camera.serial, "ProdShortName": p["model"],
                  "BuildDate": vapix["build_date"]}
    if restricted:
        properties.update({"Architecture": "aarch64", "Soc": "Axis Artpec-8", "SocSerialNumber": ""})
    return properties


def basicdeviceinfo(camera, request):
    data = _json_request(request)
    method = (data or {}).get("method")
    if method == "getAllUnrestrictedProperties":
        return _json({"apiVersion": camera.personality["vapix"]["basicdeviceinfo_api"],
                      "data": {"propertyList": _properties(camera, False)}})
    if method != "getAllProperties":
        return _json_error(data, 4002, "Method not supported")   # inferred code and text
    user = _login(camera, request)
    if not isinstance(user, dict):
        return user
    answer = {"apiVersion": camera.personality["vapix"]["basicdeviceinfo_api"]}
    if "context" in data:
        answer["context"] = data["context"]
    answer["method"] = method
    answer["data"] = {"propertyList": _properties(camera, True)}
    return _json(answer)


def _login(camera, request, level="User"):
    """The user an HTTP Digest header proves, or the 401 Response to send."""
    try:
        user = camera.digest.verify(request.header("authorization"), request.method,
                                    request.target, camera.find_user)
    except AuthError as exc:
        user, stale = None, "stale" in str(exc)
    else:
        stale = False
    if user is None or (level == "Administrator" and user["level"] != "Administrator"):
        return Response(401, b"<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD></HTML>\n", HTML,
                        [("WWW-Authenticate", camera.digest.challenge(stale))])
    return user


def _level(sgrp):
    groups = sgrp.split(":")
    return "Administrator" if "admin" in groups else "Operator" if "operator" in groups else "User"


def _groups_of(user):
    return {"Administrator": GROUPS, "Operator": ("operator", "viewer"), "User": ("viewer",)}[user["level"]]


def pwdgrp(camera, request):
    query = {k: v[-1] for k, v in parse_qs(request.query, keep_blank_values=True).items()}
    action = query.get("action", "")
    setup = not camera.activated
    if not (setup and action == "add"):
        user = _login(camera, request, "Administrator")
        if not isinstance(user, dict):
            return user
    name, password = query.get("user", ""), query.get("pwd")
    if action == "get":
        lines = ['%s="%s"' % (group, ",".join(u["username"] for u in camera.users if group in _groups_of(u)))
                 for group in GROUPS]
        lines.append('digusers="%s"' % ",".join(u["username"] for u in camera.users))
        return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain")
    if action not in ("add", "update", "remove"):
        return Response(200, _page("Error: unknown action."), HTML)   # inferred wording
    if not USERNAME.match(name):
        return Response(200, _page("Error: invalid user name."), HTML)   # inferred wording
    existing = camera.find_user(name)
    if action == "remove":
        if existing is None or name == "root":
            return Response(200, _page("Error: cannot remove account %s." % name), HTML)
        camera.users.remove(existing)
        camera.changed()
        return Response(200, _page("Removed account %s." % name), HTML)
    if password is not None and not (1 <= len(password) <= 64 and all(32 <= ord(c) <= 126 for c in password)):
        return Response(200, _page("Error: invalid password."), HTML)
    if action == "update":
        if existing is None:
            return Response(200, _page("Error: no account %s." % name), HTML)
        if password is not None:
            existing["password"] = password
        if query.get("sgrp"):
            existing["level"] = _level(query["sgrp"])
        camera.changed()
        return Response(200, _page("Modified account %s." % name), HTML)
    level = _level(query.get("sgrp", "viewer"))
    if existing is not None or password is None or (setup and level != "Administrator"):
        return Response(200, _page("Error: cannot create account %s." % name), HTML)
    camera.users.append({"username": name, "password": password, "level": level})
    camera.changed()
    if setup:
        LOG.info("%s: first administrator %s created (VAPIX)", camera.name, name)
    return Response(200, _page("Created account %s." % name), HTML)


def param(camera, request):
    user = _login(camera, request)
    if not isinstance(user, dict):
        return user
    query = {k: v[-1] for k, v in parse_qs(request.query).items()}
    p = camera.personality
    values = {
        "root.Brand.Brand": "AXIS", "root.Brand.ProdFullName": "%s Network Camera" % p["model"],
        "root.Brand.ProdNbr": p["model"].replace("AXIS ", ""), "root.Brand.ProdShortName": p["model"],
        "root.Brand.ProdType": "Network Camera", "root.Brand.ProdVariant": "",
        "root.Brand.WebURL": "http://www.axis.com",
        "root.Properties.API.Browser.RootPwdSetValue": "yes" if camera.activated else "no",
        "root.Network.BootProto": "dhcp" if camera.dhcp else "none",
        "root.Network.IPAddress": camera.address, "root.Network.HostName": camera.hostname,
    }
    if query.get("action", "list") != "list":
        return Response(200, b"# Error: only action=list is simulated\n", "text/plain")
    group = query.get("group", "")
    prefix = group if group.startswith("root.") or not group else "root." + group
    lines = ["%s=%s" % (k, v) for k, v in values.items() if k == prefix or k.startswith(prefix + ".") or not group]
    if not lines:
        return Response(200, ("# Error: Error -1 getting param in group '%s'\n" % group).encode(), "text/plain")
    return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain")


async def handle(camera, request):
    path = request.path
    if path == "/axis-cgi/pwdgrp.cgi":
        return pwdgrp(camera, request)
    if path == "/axis-cgi/param.cgi":
        return param(camera, request)
    if request.method != "POST":
        return Response(405, b"Method Not Allowed\n", headers=[("Allow", "POST")])
    if path == "/axis-cgi/systemready.cgi":
        return systemready(camera, request)
    return basicdeviceinfo(camera, request)
