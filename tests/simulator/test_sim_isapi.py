"""Hikvision first boot through ISAPI (``first_boot: isapi``): activation crypto, ONVIF off
until Integrate, separate ONVIF users, ISAPI reads and writes (issue 12, requirement 4)."""

import base64
import os
import re
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

import camsim
from camsim import hikcrypto
from simlib import probe, soap
from vendorlib import base, field, hik_activate, hik_challenge, isapi, request, xml

CAPTURES = "/work/shared/vendor-captures/hikvision/unknown-model-std-cgi-ns"
PASSWORD = "Kamera-2026"
ADMIN = ("admin", PASSWORD)


def _vector_key():
    """The qb60 test RSA key from the verbatim test module (INDEX.md H2)."""
    with open(os.path.join(CAPTURES, "activation-crypto-test-vectors.excerpt.txt"), encoding="utf-8") as handle:
        text = handle.read()
    pem = re.search(r"-----BEGIN RSA PRIVATE KEY-----.*?-----END RSA PRIVATE KEY-----", text, re.S).group(0)
    pem = "\n".join(line.strip() for line in pem.splitlines())
    return serialization.load_pem_private_key(pem.encode(), password=None)


needs_captures = pytest.mark.skipif(not os.path.isdir(CAPTURES), reason="vendor captures not present")


# -- the crypto against INDEX.md H2's verified vectors ------------------------------------
def test_device_decrypts_the_verified_aes_vector():
    encrypted = "NDk5M2NhMWZiNTdmNDViNzY1NDlkOTVkMTI4YjBkODhmY2U5M2QwZTcxMzdhYmJlZWM1YzU2ZmE3YTczNDQ1Nw=="
    assert hikcrypto.decrypt_password(encrypted, "c8059b41126bd480f684b6a46d48804c") == "qwer1234"


def test_device_refuses_a_password_encrypted_with_another_key():
    encrypted = "NDk5M2NhMWZiNTdmNDViNzY1NDlkOTVkMTI4YjBkODhmY2U5M2QwZTcxMzdhYmJlZWM1YzU2ZmE3YTczNDQ1Nw=="
    with pytest.raises(ValueError, match="this challenge's key"):
        hikcrypto.decrypt_password(encrypted, "1ad021adbbecb495fa4794e12f0ac63c")


@needs_captures
def test_device_challenge_decrypts_with_the_vector_private_key_like_the_capture():
    """Encrypting the vector's random key under the qb60 public key gives a <key> of the
    captured form (base64 of 256 lower-case hex characters), and the qb60 private key
    decrypts it (PKCS#1 v1.5) back to the 32 hex characters."""
    key = _vector_key()
    modulus_b64 = base64.b64encode(("%x" % key.public_key().public_numbers().n).encode()).decode()
    assert hikcrypto.modulus_from_key(modulus_b64) == key.public_key().public_numbers().n
    ours = hikcrypto.encrypt_random_key("1ad021adbbecb495fa4794e12f0ac63c",
                                        hikcrypto.modulus_from_key(modulus_b64))
    with open(os.path.join(CAPTURES, "POST_ISAPI_Security_challenge.xml"), "rb") as handle:
        captured = re.search(rb"<key>(.*)</key>", handle.read()).group(1).decode()
    for value in (ours, captured):
        hex_text = base64.b64decode(value).decode()
        assert re.fullmatch("[0-9a-f]{256}", hex_text)
        plain = key.decrypt(bytes.fromhex(hex_text), padding.PKCS1v15())
        assert plain == b"1ad021adbbecb495fa4794e12f0ac63c"


# -- the activation exchange over HTTP ------------------------------------------------------
def test_default_first_boot_stays_profile_q(new_camera):
    camera = new_camera("hikvision", activated=False)
    assert camera.first_boot == "profile_q"
    assert request("GET", base(camera) + "/SDK/activateStatus").status_code == 404
    reply = soap(camera.device_url, "<tds:CreateUsers><tds:User><tt:Username>admin</tt:Username>"
                 "<tt:Password>%s</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User>"
                 "</tds:CreateUsers>" % PASSWORD)
    assert not reply.is_fault and camera.activated


def test_inactive_camera_activates_through_isapi(new_camera):
    camera = new_camera("hikvision", activated=False, first_boot="isapi")
    status = request("GET", base(camera) + "/SDK/activateStatus")
    assert status.status_code == 200
    assert xml(status).tag == "{http://www.hikvision.com/ver20/XMLSchema}ActivateStatus"
    assert field(status, "Activated") == "false"
    # nothing else works before activation: no user can log in (401 + Digest challenge)
    refused = isapi(camera, "GET", "/ISAPI/System/deviceInfo")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Digest ")
    assert field(refused, "subStatusCode") == "notActivated"
    answer = hik_activate(camera, PASSWORD)
    assert answer.status_code == 200, answer.text
    assert (field(answer, "statusCode"), field(answer, "statusString"), field(answer, "subStatusCode")) == (
        "1", "OK", "ok")
    assert field(request("GET", base(camera) + "/SDK/activateStatus"), "Activated") == "true"
    info = isapi(camera, "GET", "/ISAPI/System/deviceInfo")
    assert info.status_code == 200 and field(info, "serialNumber") == camera.serial
    assert field(info, "model") == "DS-2CD2043G2-I"


def test_activation_refusals(new_camera):
    camera = new_camera("hikvision", activated=False, first_boot="isapi")
    url = base(camera) + "/ISAPI/System/activate"
    body = "<ActivateInfo><password>eA==</password></ActivateInfo>"
    no_challenge = request("PUT", url, body)
    assert no_challenge.status_code == 403
    assert (field(no_challenge, "statusCode"), field(no_challenge, "subStatusCode")) == ("4", "invalidOperation")
    weak = hik_activate(camera, "12345678")        # one character class only
    assert weak.status_code == 400 and field(weak, "subStatusCode") == "badParameters"
    assert not camera.activated
    bad_key = request("POST", base(camera) + "/ISAPI/Security/challenge", "<PublicKey><key>!!</key></PublicKey>")
    assert bad_key.status_code == 400 and field(bad_key, "statusCode") == "6"
    assert hik_activate(camera, PASSWORD).status_code == 200
    again = hik_activate(camera, "Other-Pass-1")
    assert again.status_code == 403 and field(again, "subStatusCode") == "invalidOperation"
    assert isapi(camera, "GET", "/ISAPI/System/deviceInfo", auth=("admin", "Other-Pass-1")).status_code == 401
    assert isapi(camera, "GET", "/ISAPI/System/deviceInfo").status_code == 200


def test_challenge_answers_in_the_configured_namespace(new_camera):
    camera = new_camera("hikvision", activated=False, first_boot="isapi",
                        overrides={"isapi_namespace": "http://www.std-cgi.com/ver20/XMLSchema"})
    dummy, random_key, response = hik_challenge(camera)
    assert re.fullmatch("[0-9a-f]{32}", random_key)
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Challenge version='2.0' "
                                       b"xmlns='http://www.std-cgi.com/ver20/XMLSchema'>")


# -- ONVIF off until Integrate; separate ONVIF users ----------------------------------------
def _onvif_admin(name="onvifadmin", password="Onvif-2026x"):
    return ("<User><id>1</id><userName>%s</userName><password>%s</password>"
            "<userType>administrator</userType></User>" % (name, password))


def test_onvif_is_off_until_integrate_and_its_users_are_separate(new_camera):
    camera = new_camera("hikvision", activated=False, first_boot="isapi")
    assert hik_activate(camera, PASSWORD).status_code == 200
    # ONVIF off: the SOAP path is not there and WS-Discovery is silent (README "First boot")
    assert soap(camera.device_url, "<tds:GetSystemDateAndTime/>").status == 404
    assert probe(camera.address, timeout=0.3)[1] is None
    integrate = isapi(camera, "GET", "/ISAPI/System/Network/Integrate")
    assert xml(integrate).findtext("{*}ONVIF/{*}enable") == "false"
    # the web admin is not an ONVIF user
    assert field(isapi(camera, "GET", "/ISAPI/Security/ONVIF/users"), "User") is None
    assert isapi(camera, "PUT", "/ISAPI/Security/ONVIF/users/1", _onvif_admin()).status_code == 200
    switched = isapi(camera, "PUT", "/ISAPI/System/Network/Integrate",
                     "<Integrate><ONVIF><enable>true</enable><certificateType/></ONVIF></Integrate>")
    assert switched.status_code == 200 and field(switched, "statusCode") == "1"
    assert probe(camera.address)[1] is not None
    info = "<tds:GetDeviceInformation/>"
    assert not soap(camera.device_url, info, "onvifadmin", "Onvif-2026x").is_fault
    assert soap(camera.device_url, info, *ADMIN).subcodes == ["ter:NotAuthorized"]
    users = xml(isapi(camera, "GET", "/ISAPI/Security/ONVIF/users"))
    assert [(u.findtext("{*}id"), u.findtext("{*}userName"), u.findtext("{*}userType"))
            for u in users.findall("{*}User")] == [("1", "onvifadmin", "administrator")]
    # same id again updates (idempotent re-run), a weak password is refused
    assert isapi(camera, "PUT", "/ISAPI/Security/ONVIF/users/1", _onvif_admin()).status_code == 200
    weak = isapi(camera, "PUT", "/ISAPI/Security/ONVIF/users/1", _onvif_admin(password="abc"))
    assert weak.status_code == 400 and field(weak, "subStatusCode") == "badParameters"
    assert len(camera.users) == 1


def test_supplier_activated_camera_keeps_onvif_off(new_camera):
    camera = new_camera("hikvision", first_boot="isapi", password=PASSWORD)
    assert camera.activated and not camera.onvif_enabled
    assert field(request("GET", base(camera) + "/SDK/activateStatus"), "Activated") == "true"
    assert hik_activate(camera, "Other-Pass-1").status_code == 403


# -- ISAPI reads and writes -----------------------------------------------------------------
def test_isapi_reads_and_writes(new_camera, take_addresses):
    camera = new_camera("hikvision", first_boot="isapi", password=PASSWORD)
    assert isapi(camera, "PUT", "/ISAPI/System/deviceInfo",
                 '<DeviceInfo version="2.0"><deviceName>lobby</deviceName></DeviceInfo>').status_code == 200
    assert field(isapi(camera, "GET", "/ISAPI/System/deviceInfo"), "deviceName") == "lobby"
    ntp = ("<NTPServerList><NTPServer><id>1</id><addressingFormatType>hostname</addressingFormatType>"
           "<hostName>ntp.example.test</hostName><portNo>123</portNo><synchronizeInterval>60</synchronizeInterval>"
           "</NTPServer></NTPServerList>")
    assert isapi(camera, "PUT", "/ISAPI/System/time/ntpServers", ntp).status_code == 200
    servers = xml(isapi(camera, "GET", "/ISAPI/System/time/ntpServers"))
    assert servers.findtext("{*}NTPServer/{*}hostName") == "ntp.example.test"
    assert isapi(camera, "PUT", "/ISAPI/System/time",
                 "<Time><timeMode>NTP</timeMode><timeZone>CST-7:00:00</timeZone></Time>").status_code == 200
    now = xml(isapi(camera, "GET", "/ISAPI/System/time"))
    assert (now.findtext("{*}timeMode"), now.findtext("{*}timeZone")) == ("NTP", "CST-7:00:00")
    # users: add a viewer; the viewer cannot write; loginPassword must be the caller's
    viewer = ("<User><userName>video</userName><password>Video-2026x</password><userLevel>Viewer</userLevel>"
              "<loginPassword>%s</loginPassword></User>" % PASSWORD)
    assert isapi(camera, "POST", "/ISAPI/Security/users", viewer).status_code == 200
    names = [u.findtext("{*}userName") for u in xml(isapi(camera, "GET", "/ISAPI/Security/users")).findall("{*}User")]
    assert names == ["admin", "video"]
    refused = isapi(camera, "PUT", "/ISAPI/System/deviceInfo", "<DeviceInfo><deviceName>x</deviceName></DeviceInfo>",
                    auth=("video", "Video-2026x"))
    assert refused.status_code == 403 and field(refused, "statusString") == "Invalid Operation"
    # network: Reboot Required, then the reboot moves the camera
    new = take_addresses()[0]
    ip = isapi(camera, "GET", "/ISAPI/System/Network/interfaces/1/ipAddress")
    assert field(ip, "ipAddress") == camera.address and field(ip, "addressingType") == "static"
    body = ip.content.replace(camera.address.encode(), new.encode())
    changed = isapi(camera, "PUT", "/ISAPI/System/Network/interfaces/1/ipAddress", body)
    assert (changed.status_code, field(changed, "statusCode"), field(changed, "statusString")) == (
        200, "7", "Reboot Required")
    assert isapi(camera, "PUT", "/ISAPI/System/reboot").status_code == 200
    deadline = time.monotonic() + 10
    while camera.address != new or camera.status != "running":
        assert time.monotonic() < deadline, camera.status
        time.sleep(0.05)
    assert field(isapi(camera, "GET", "/ISAPI/System/deviceInfo"), "deviceName") == "lobby"


def test_unknown_isapi_url_and_bad_xml(new_camera):
    camera = new_camera("hikvision", first_boot="isapi", password=PASSWORD)
    missing = isapi(camera, "GET", "/ISAPI/Nothing/here")
    assert missing.status_code == 403 and field(missing, "subStatusCode") == "notSupport"
    bad = isapi(camera, "PUT", "/ISAPI/System/time", "<Time><timeMode>")
    assert bad.status_code == 400 and field(bad, "subStatusCode") == "badXmlContent"
    assert xml(bad).tag == "{http://www.hikvision.com/ver20/XMLSchema}ResponseStatus"


def test_site_rejects_a_first_boot_of_another_vendor(take_addresses):
    with pytest.raises(camsim.SiteError, match="first_boot: vapix is not how a hikvision camera boots"):
        camsim.Site.from_dict({"cameras": [{"name": "x", "vendor": "hikvision", "first_boot": "vapix",
                                            "address": take_addresses()[0]}]})


def test_activation_and_onvif_switch_survive_a_restart_with_persist(make_site, take_addresses, tmp_path):
    entry = {"name": "persisted-hik", "vendor": "hikvision", "first_boot": "isapi", "activated": False,
             "address": take_addresses()[0]}
    flash = str(tmp_path / "flash.json")
    site = make_site([entry], persist=flash)
    camera = site.cameras["persisted-hik"]
    assert hik_activate(camera, PASSWORD).status_code == 200
    isapi(camera, "PUT", "/ISAPI/System/Network/Integrate",
          "<Integrate><ONVIF><enable>true</enable></ONVIF></Integrate>")
    site.stop()
    again = make_site([entry], persist=flash).cameras["persisted-hik"]
    assert again.activated and again.onvif_enabled
    assert isapi(again, "GET", "/ISAPI/System/deviceInfo").status_code == 200
    assert "Kamera" not in again.summary()["credentials"]
