"""Dahua HTTP API: device initialisation (``first_boot: devinit``), RPC2 login and CGI reads.

Evidence (INDEX.md D1-D3) and its confidence:

* ``magicBox.cgi`` / ``configManager.cgi`` answers are ``key=value`` lines [works: the
  docstring examples in vendor-captures/dahua]; ``setConfig`` answers ``OK`` [common
  knowledge, not captured].
* RPC2 login (``/RPC2_Login`` ``global.login`` challenge, ``Default`` encryption) [works].
* Initialisation [3rd: one reverse-engineering write-up]: an uninitialised camera answers
  every CGI with ``401 Invalid Authority!``; anonymous JSON-RPC on ``/OutsideCmd``:
  ``DevInit.getStatus`` (``Init & 3`` 1 = factory, 2 = initialised), ``Security.getEncryptInfo``
  (the device's RSA key as ``N:<hex>,E:010001``), ``DevInit.setProtocolAgree``,
  ``DevInit.account`` in an ``RPAC-256`` envelope, ``DevInit.access``. The asynchronous
  ``NotifyMethod`` push after setProtocolAgree is **not** simulated.
* [inferred] After initialisation the admin also logs in over ONVIF (older firmware; D5 says
  newer firmware keeps ONVIF users separate and how to enable them over the API is not
  established). Error codes of refused RPC calls are the simulator's own (code 0 with a
  message): none was captured.
"""

import base64
import binascii
import hashlib
import json
import logging
import os
from urllib.parse import parse_qs

from .auth import AuthError
from .httpd import Response
from .user_ops import password_problem

LOG = logging.getLogger("camsim.dahua")

TEXT = "text/plain;charset=utf-8"
JSON = "application/json"
LOGIN_CHALLENGE = 268632079
IV = b"0000000000000000"


def handles(camera, path):
    if camera.vendor != "dahua":
        return False
    if path in ("/OutsideCmd", "/RPC2", "/RPC2_Login"):
        return True
    return path.startswith("/cgi-bin/") and path not in (camera.personality.get("snapshot_aliases") or ())


def _web_users(camera):
    return camera.native.get("web_users") if camera.first_boot == "devinit" else camera.users


def _find(camera, name):
    return next((u for u in _web_users(camera) or () if u["username"] == name), None)


def _json(data):
    return Response(200, json.dumps(data).encode(), JSON)


# -- initialisation --------------------------------------------------------------------------
def _rsa_key(camera):
    key = camera.volatile.get("rsa")
    if key is None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        camera.volatile["rsa"] = key
    return key


def _open_envelope(camera, params):
    """The JSON payload of an ``RPAC-256`` envelope (INDEX.md D3); ValueError otherwise."""
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if not isinstance(params, dict) or params.get("cipher") != "RPAC-256":
        raise ValueError("expected an RPAC-256 envelope")
    try:
        key = _rsa_key(camera).decrypt(bytes.fromhex(params["salt"]), padding.PKCS1v15())
        content = base64.b64decode(params["content"], validate=True)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(IV)).decryptor()
        plain = (decryptor.update(content) + decryptor.finalize()).rstrip(b"\x00")
        return json.loads(plain.decode())
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError("cannot open the envelope: %s" % exc) from None


def outside_cmd(camera, call):
    method, params = call.get("method"), call.get("params") or {}
    answer = {"id": call.get("id"), "result": True}
    if method == "DevInit.getStatus":
        answer["params"] = {"Init": 2 if camera.activated else 1, "Find": "BC"}
    elif method == "Security.getEncryptInfo":
        numbers = _rsa_key(camera).public_key().public_numbers()
        answer["params"] = {"AESPadding": ["ZERO", "PKCS7"], "asymmetric": "RSA", "cipher": ["AES", "RPAC"],
                            "pub": "N:%X,E:%06X" % (numbers.n, numbers.e), "suggestedAsymmetric": "RSA"}
        answer["session"] = 0
    elif method == "DevInit.setProtocolAgree":
        camera.volatile["protocol_agreed"] = bool(params.get("ProtocolEnable"))
    elif method == "DevInit.account":
        return _init_account(camera, params, answer)
    elif method == "DevInit.access":
        camera.volatile["access"] = params
    else:
        return _refuse(answer, "method %s is not simulated on /OutsideCmd" % method)
    return _json(answer)


def _refuse(answer, message):
    answer.update({"result": False, "error": {"code": 0, "message": message}})
    return _json(answer)


def _init_account(camera, params, answer):
    if camera.activated:
        return _refuse(answer, "the device is already initialised")
    if not camera.volatile.get("protocol_agreed"):
        return _refuse(answer, "DevInit.setProtocolAgree first")
    try:
        account = _open_envelope(camera, params)
    except ValueError as exc:
        return _refuse(answer, str(exc))
    name, password = str(account.get("name", "")), str(account.get("pwd", ""))
    problem = password_problem(camera, password, name) if name == "admin" else "name must be admin"
    if problem:
        return _refuse(answer, problem)
    admin = {"id": 1, "username": "admin", "password": password, "level": "Administrator"}
    camera.native["web_users"] = [admin]
    if camera.find_user("admin") is None:
        camera.users.insert(0, {"username": "admin", "password": password, "level": "Administrator"})
    camera.changed()
    LOG.info("%s: initialised (DevInit.account)", camera.name)
    return _json(answer)


# -- RPC2 login ----------------------------------------------------------------------------
def _md5_upper(text):
    return hashlib.md5(text.encode()).hexdigest().upper()


def rpc2_login(camera, call):
    params = call.get("params") or {}
    sessions = camera.volatile.setdefault("sessions", {})
    name = str(params.get("userName", ""))
    user = _find(camera, name)
    session = call.get("session")
    pending = sessions.get(str(session)) if session else None
    if pending is None or not params.get("password"):
        session = int.from_bytes(os.urandom(4), "big") >> 1
        random = str(int.from_bytes(os.urandom(3), "big"))
        realm = "Login to %s" % camera.serial
        sessions[str(session)] = {"random": random, "realm": realm, "user": None}
        return _json({"error": {"code": LOGIN_CHALLENGE, "message": "Component error: login challenge!"},
                      "id": call.get("id"), "params": {
                          "authorization": hashlib.sha1(os.urandom(8)).hexdigest(), "encryption": "Default",
                          "mac": camera.mac.replace(":", "").upper(), "random": random, "realm": realm},
                      "result": False, "session": session})
    expected = None
    if user is not None:
        ha1 = _md5_upper("%s:%s:%s" % (name, pending["realm"], user["password"]))
        expected = _md5_upper("%s:%s:%s" % (name, pending["random"], ha1))
    if expected is None or str(params["password"]) != expected:
        sessions.pop(str(session), None)
        return _json({"error": {"code": 268632085, "message": "Component error: User or password not valid!"},
                      "id": call.get("id"), "params": None, "result": False, "session": session})
    pending["user"] = name
    return _json({"id": call.get("id"), "params": {"keepAliveInterval": 60}, "result": True,
                  "session": session})


def rpc2(camera, call):
    sessions = camera.volatile.setdefault("sessions", {})
    state = sessions.get(str(call.get("session")))
    answer = {"id": call.get("id"), "session": call.get("session"), "result": True}
    if state is None or state.get("user") is None:
        return _refuse(answer, "not logged in")
    p, method = camera.personality, call.get("method")
    results = {"magicBox.getSerialNo": {"sn": camera.serial},
               "magicBox.getDeviceType": {"type": p["model"]},
               "magicBox.getSoftwareVersion": {"version": {"Version": p["firmware"],
                                                           "BuildDate": p.get("firmware_build", "")}}}
    if method == "global.logout":
        sessions.pop(str(call.get("session")), None)
    elif method in results:
        answer["params"] = results[method]
    else:
        return _refuse(answer, "method %s is not simulated" % method)
    return _json(answer)


# -- CGI -------------------------------------------------------------------------------------
def _lines(pairs):
    return Response(200, "".join("%s=%s\r\n" % pair for pair in pairs).encode(), TEXT)


def magic_box(camera, action):
    p = camera.personality
    answers = {
        "getSystemInfo": [("appAutoStart", "true"), ("deviceType", p["model"]),
                          ("hardwareVersion", p.get("hardware_version", "1.00")),
                          ("processor", p.get("processor", "")), ("serialNumber", camera.serial),
                          ("updateSerial", p.get("update_serial", p["model"])),
                          ("updateSerialCloudUpgrade", p.get("update_serial_cloud", ""))],
        "getDeviceType": [("type", p["model"])],
        "getSoftwareVersion": [("version", "%s,build:%s" % (p["firmware"], p.get("firmware_build", "")))],
        "getMachineName": [("name", camera.native.get("device_name") or camera.hostname)],
        "getVendor": [("vendor", p.get("vendor_name", "Dahua"))],
        "getSerialNo": [("sn", camera.serial)],
    }
    if action == "reboot":
        response = Response(200, b"OK\r\n", TEXT)
        if camera.runtime is not None:
            response.after = camera.runtime.schedule_reboot
        return response
    if action not in answers:
        return Response(400, b"Error\r\nBad Request!\r\n", TEXT)
    return _lines(answers[action])


def config_manager(camera, query):
    action = query.get("action")
    tables = {"General.MachineName": lambda: camera.native.get("device_name") or camera.hostname}
    if action == "getConfig" and query.get("name") in tables:
        name = query["name"]
        return _lines([("table." + name, tables[name]())])
    if action == "setConfig" and "General.MachineName" in query:
        camera.native["device_name"] = query["General.MachineName"]
        camera.changed()
        return Response(200, b"OK\r\n", TEXT)
    return Response(400, b"Error\r\nBad Request!\r\n", TEXT)


def _cgi_login(camera, request):
    if not camera.activated:
        return Response(401, b"Invalid Authority!\r\n", TEXT)
    try:
        user = camera.digest.verify(request.header("authorization"), request.method,
                                    request.target, lambda name: _find(camera, name))
    except AuthError as exc:
        user, stale = None, "stale" in str(exc)
    else:
        stale = False
    if user is None:
        return Response(401, b"Invalid Authority!\r\n", TEXT,
                        [("WWW-Authenticate", camera.digest.challenge(stale))])
    return user


async def handle(camera, request):
    path = request.path
    if path in ("/OutsideCmd", "/RPC2", "/RPC2_Login"):
        try:
            call = json.loads(request.body or b"{}")
        except ValueError:
            call = None
        if request.method != "POST" or not isinstance(call, dict):
            return Response(400, b"Bad Request\r\n", TEXT)
        if path == "/OutsideCmd" or (path == "/RPC2" and call.get("method") == "Security.getEncryptInfo"):
            return outside_cmd(camera, call)
        if not camera.activated:
            return _refuse({"id": call.get("id"), "result": False}, "the device is not initialised")
        return rpc2_login(camera, call) if path == "/RPC2_Login" else rpc2(camera, call)
    user = _cgi_login(camera, request)
    if not isinstance(user, dict):
        return user
    query = {k: v[-1] for k, v in parse_qs(request.query).items()}
    if path == "/cgi-bin/magicBox.cgi":
        return magic_box(camera, query.get("action"))
    if path == "/cgi-bin/configManager.cgi":
        return config_manager(camera, query)
    return Response(404, b"Not Found\r\n", TEXT)
