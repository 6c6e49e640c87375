"""Axis VAPIX first administrator (``first_boot: vapix``) and Dahua initialisation
(``first_boot: devinit``) with its CGI reads (issue 12, requirement 4)."""

import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from simlib import soap
from vendorlib import base, request, vapix_json

SYSTEMREADY = {"apiVersion": "1.0", "method": "systemready", "params": {"timeout": 10}}
ADD_ROOT = "/axis-cgi/pwdgrp.cgi?action=add&user=root&pwd=%s&grp=root&sgrp=admin:operator:viewer:ptz"
CREATED_ROOT = (b"<html><head><title>User accounts</title></head><body bgcolor=#ffffff>Created account root.\n"
                b"</body>\n\n</html>\n")


# -- Axis -----------------------------------------------------------------------------------
def test_axis_default_keeps_the_factory_account(new_camera):
    camera = new_camera("axis")
    assert camera.first_boot == "factory_account" and camera.find_user("root")
    assert request("POST", base(camera) + "/axis-cgi/systemready.cgi", "{}").status_code == 404


def test_axis_needs_setup_until_the_first_administrator(new_camera):
    camera = new_camera("axis", first_boot="vapix")
    ready = vapix_json(camera, "/axis-cgi/systemready.cgi", SYSTEMREADY)
    assert ready.status_code == 200
    assert ready.json() == {"apiVersion": "1.2", "method": "systemready",
                            "data": {"systemready": "yes", "needsetup": "yes"}}
    # ONVIF is not usable yet: nobody can log in
    assert soap(camera.device_url, "<tds:GetDeviceInformation/>", "root", "Axis-2026").status == 401
    info = vapix_json(camera, "/axis-cgi/basicdeviceinfo.cgi",
                      {"apiVersion": "1.0", "method": "getAllUnrestrictedProperties"})
    assert info.status_code == 200 and set(info.json()) == {"apiVersion", "data"}
    assert info.json()["data"]["propertyList"]["SerialNumber"] == camera.serial
    created = request("GET", base(camera) + ADD_ROOT % "Axis-2026")
    assert (created.status_code, created.content) == (200, CREATED_ROOT)
    ready = vapix_json(camera, "/axis-cgi/systemready.cgi", SYSTEMREADY)
    assert ready.json()["data"]["needsetup"] == "no"
    # afterwards anonymous add is refused with a Digest challenge; the admin may add users
    again = request("GET", base(camera) + ADD_ROOT.replace("root", "evil", 1) % "x")
    assert again.status_code == 401 and again.headers["WWW-Authenticate"].startswith("Digest ")
    assert len(camera.users) == 1
    added = request("GET", base(camera) + "/axis-cgi/pwdgrp.cgi?action=add&user=viewer1&pwd=View-2026"
                    "&grp=users&sgrp=viewer&strict_pwd=1", auth=("root", "Axis-2026"))
    assert b"Created account viewer1." in added.content
    groups = request("GET", base(camera) + "/axis-cgi/pwdgrp.cgi?action=get", auth=("root", "Axis-2026")).text
    assert 'admin="root"' in groups and 'viewer="root,viewer1"' in groups
    flag = request("GET", base(camera) + "/axis-cgi/param.cgi?action=list&group=root.Properties.API.Browser."
                   "RootPwdSetValue", auth=("root", "Axis-2026"))
    assert flag.text == "root.Properties.API.Browser.RootPwdSetValue=yes\n"
    # ONVIF now works with the administrator
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", "root", "Axis-2026").is_fault


def test_axis_first_account_must_be_an_administrator(new_camera):
    camera = new_camera("axis", first_boot="vapix")
    refused = request("GET", base(camera) + "/axis-cgi/pwdgrp.cgi?action=add&user=v&pwd=x&grp=users&sgrp=viewer")
    assert b"Error" in refused.content and not camera.activated


def test_axis_restricted_properties_need_a_login(new_camera):
    camera = new_camera("axis", first_boot="vapix", password="Axis-2026")
    payload = {"apiVersion": "1.0", "context": "t", "method": "getAllProperties"}
    assert vapix_json(camera, "/axis-cgi/basicdeviceinfo.cgi", payload).status_code == 401
    answer = vapix_json(camera, "/axis-cgi/basicdeviceinfo.cgi", payload, auth=("root", "Axis-2026")).json()
    assert list(answer) == ["apiVersion", "context", "method", "data"]


# -- Dahua ----------------------------------------------------------------------------------
def _rpc(camera, path, method, params=None, session=None, call_id=1):
    call = {"method": method, "params": params or {}, "id": call_id}
    if session is not None:
        call["session"] = session
    return request("POST", base(camera) + path, json.dumps(call)).json()


def _envelope(pub, payload):
    """INDEX.md D3: RPAC-256 envelope of ``payload`` for the device key ``N:<hex>,E:<hex>``."""
    parts = dict(item.split(":", 1) for item in pub.split(","))
    public = RSAPublicNumbers(int(parts["E"], 16), int(parts["N"], 16)).public_key()
    key = "".join(str(b % 10) for b in os.urandom(32)).encode()
    data = json.dumps(payload).encode()
    data += b"\0" * (-len(data) % 16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(b"0000000000000000")).encryptor()
    return {"cipher": "RPAC-256", "salt": public.encrypt(key, padding.PKCS1v15()).hex(),
            "content": base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()}


def _md5_upper(text):
    return hashlib.md5(text.encode()).hexdigest().upper()


def test_dahua_initialisation_then_cgi_and_rpc2(new_camera):
    camera = new_camera("dahua")
    assert camera.first_boot == "devinit" and not camera.activated
    cgi = base(camera) + "/cgi-bin/magicBox.cgi?action=getDeviceType"
    refused = request("GET", cgi)
    assert (refused.status_code, refused.text.strip()) == (401, "Invalid Authority!")
    status = _rpc(camera, "/OutsideCmd", "DevInit.getStatus")
    assert status["result"] is True and status["params"]["Init"] & 3 == 1
    info = _rpc(camera, "/OutsideCmd", "Security.getEncryptInfo", session=0)["params"]
    assert info["asymmetric"] == "RSA" and info["pub"].startswith("N:")
    account = _envelope(info["pub"], {"name": "admin", "pwd": "Dahua-2026", "CellPhone": "", "Mail": ""})
    early = _rpc(camera, "/OutsideCmd", "DevInit.account", account)
    assert early["result"] is False       # the protocol agreement comes first
    assert _rpc(camera, "/OutsideCmd", "DevInit.setProtocolAgree", {"ProtocolEnable": True}, session=0)["result"]
    assert _rpc(camera, "/OutsideCmd", "DevInit.account", account)["result"] is True
    assert _rpc(camera, "/OutsideCmd", "DevInit.access", {"NetAccess": 0, "UpgradeCheck": 2})["result"]
    assert _rpc(camera, "/OutsideCmd", "DevInit.getStatus")["params"]["Init"] & 3 == 2
    # CGI with Digest: the real key=value format
    answer = request("GET", cgi, auth=("admin", "Dahua-2026"))
    assert (answer.status_code, answer.text) == (200, "type=IPC-HDW5831R-ZE\r\n")
    system = request("GET", base(camera) + "/cgi-bin/magicBox.cgi?action=getSystemInfo", auth=("admin", "Dahua-2026"))
    assert "serialNumber=%s\r\n" % camera.serial in system.text
    # RPC2 login, Default encryption (INDEX.md D1)
    first = _rpc(camera, "/RPC2_Login", "global.login", {"userName": "admin", "password": "", "clientType": "Web3.0"})
    assert first["error"]["code"] == 268632079 and first["params"]["realm"] == "Login to " + camera.serial
    ha1 = _md5_upper("admin:%s:Dahua-2026" % first["params"]["realm"])
    second = _rpc(camera, "/RPC2_Login", "global.login", {
        "userName": "admin", "password": _md5_upper("admin:%s:%s" % (first["params"]["random"], ha1)),
        "clientType": "Web3.0", "authorityType": "Default", "passwordType": "Default"}, session=first["session"])
    assert second["result"] is True
    serial = _rpc(camera, "/RPC2", "magicBox.getSerialNo", session=first["session"])
    assert serial["params"]["sn"] == camera.serial
    # ONVIF with the admin (inferred, README)
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", "admin", "Dahua-2026").is_fault


def test_dahua_refuses_a_weak_first_password(new_camera):
    camera = new_camera("dahua")
    info = _rpc(camera, "/OutsideCmd", "Security.getEncryptInfo", session=0)["params"]
    _rpc(camera, "/OutsideCmd", "DevInit.setProtocolAgree", {"ProtocolEnable": True}, session=0)
    answer = _rpc(camera, "/OutsideCmd", "DevInit.account", _envelope(info["pub"], {"name": "admin", "pwd": "abc"}))
    assert answer["result"] is False and "shorter" in answer["error"]["message"] and not camera.activated
