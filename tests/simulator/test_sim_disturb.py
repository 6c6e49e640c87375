"""Disturbances at run time (camsim.disturb, ``POST /cameras/<name>/disturb``): what the
scheduled verification of issue 15 must catch, and ``heal`` undoing them."""

import io
import json
import urllib.error
import urllib.request

import pytest
from PIL import Image
from requests.auth import HTTPDigestAuth

from simlib import NS, http_get, soap

import camsim
from camsim.disturb import disturb

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def control(site, name, body):
    url = site.control_url + "/cameras/%s/disturb" % name
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST")
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def identity(camera, username="admin", password="admin"):
    reply = soap(camera.device_url, "<tds:GetDeviceInformation/>", username, password)
    if reply.is_fault:
        return None
    return reply.findtext("tds:SerialNumber")


@pytest.fixture
def site(make_site, take_addresses):
    return make_site([{"name": "cam-d", "vendor": "generic", "address": take_addresses()[0],
                       "first_boot": "factory_account", "users": [
                           {"username": "kantor", "password": "Kantor-2026!", "level": "Administrator"}]}],
                     control_port=0)


def test_swap_identity_then_heal(site):
    camera = site.cameras["cam-d"]
    serial, mac = camera.serial, camera.mac
    status, summary = control(site, "cam-d", {"kind": "swap_identity"})
    assert status == 200 and summary["serial"] != serial and summary["mac"] != mac
    assert identity(camera, "kantor", "Kantor-2026!") == summary["serial"]   # the same accounts open it
    status, summary = control(site, "cam-d", {"kind": "heal"})
    assert status == 200 and (summary["serial"], summary["mac"]) == (serial, mac)


def test_factory_reset_brings_back_the_factory_login(site):
    camera = site.cameras["cam-d"]
    camera.users = [u for u in camera.users if u["username"] == "kantor"]   # as installed: factory gone
    assert identity(camera) is None and identity(camera, "kantor", "Kantor-2026!")
    assert control(site, "cam-d", {"kind": "factory_reset"})[0] == 200
    assert identity(camera) == camera.serial                       # admin/admin opens it again
    assert identity(camera, "kantor", "Kantor-2026!") is None      # the office account is gone
    control(site, "cam-d", {"kind": "heal"})
    assert identity(camera) is None and identity(camera, "kantor", "Kantor-2026!")


def _picture(camera):
    reply = http_get("http://%s:%d/snapshot.jpg" % (camera.address, camera.http_port),
                     auth=HTTPDigestAuth("admin", "admin"))
    assert reply.status_code == 200
    return reply.content


def test_aim_cover_freeze_change_the_picture(site):
    camera = site.cameras["cam-d"]
    normal = Image.open(io.BytesIO(_picture(camera))).convert("L").resize((32, 18))
    control(site, "cam-d", {"kind": "aim"})
    turned = Image.open(io.BytesIO(_picture(camera))).convert("L").resize((32, 18))
    differing = sum(1 for a, b in zip(normal.tobytes(), turned.tobytes()) if abs(a - b) > 40)
    assert differing > 32 * 18 // 2, "another scene, not the same one with a moved box"
    control(site, "cam-d", {"kind": "cover"})
    covered = Image.open(io.BytesIO(_picture(camera))).convert("L")
    assert covered.getextrema() == (0, 0)
    control(site, "cam-d", {"kind": "heal"})
    control(site, "cam-d", {"kind": "freeze"})
    assert _picture(camera) == _picture(camera)
    control(site, "cam-d", {"kind": "heal"})
    assert _picture(camera) != _picture(camera)
    assert "aim" not in camera.quirks and "picture" not in camera.quirks


def test_drift_clock_and_change_setting(site):
    camera = site.cameras["cam-d"]
    control(site, "cam-d", {"kind": "change_setting", "field": "hostname", "value": "renamed"})
    reply = soap(camera.device_url, "<tds:GetHostname/>", "admin", "admin")
    assert reply.findtext(".//tt:Name") == "renamed"
    control(site, "cam-d", {"kind": "change_setting", "field": "dns", "value": ["127.0.9.9"]})
    assert camera.dns["manual"] == ["127.0.9.9"]
    before = camera.clock_offset
    control(site, "cam-d", {"kind": "drift_clock", "seconds": 900})
    assert camera.clock_offset == before + 900
    control(site, "cam-d", {"kind": "heal"})
    assert camera.clock_offset == before and camera.hostname != "renamed" and camera.dns["manual"] != ["127.0.9.9"]


def test_bad_disturbances_are_refused(site):
    camera = site.cameras["cam-d"]
    assert control(site, "cam-d", {"kind": "melt"})[0] == 400
    assert control(site, "cam-d", {"kind": "change_setting", "field": "address", "value": "x"})[0] == 400
    assert control(site, "cam-d", {"kind": "change_setting", "field": "gateway", "value": "10.0.0.1"})[0] == 400
    assert control(site, "cam-d", {"nokind": 1})[0] == 400
    with pytest.raises(camsim.SiteError, match="aim"):
        disturb(camera, "aim", aim=0)
    assert camera.quirks == {}
    assert NS  # the SOAP helpers' namespaces are loaded
