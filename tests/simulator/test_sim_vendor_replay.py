"""Replay every file of /work/shared/vendor-captures against the simulator: send the same
request to a camera in the matching state and compare the structure of the answers (root
element and namespace, XML fields, JSON keys, ``key=value`` keys). Values differ (serials,
keys, addresses), structure must not.

Every file in the folder must be covered here (``test_every_capture_is_replayed``); a file
the simulator cannot answer is listed in NOT_REPLAYED with the reason.
"""

import json
import os
import re

import pytest
from lxml import etree

from vendorlib import base, hik_challenge, request, vapix_json

ROOT = "/work/shared/vendor-captures"
pytestmark = pytest.mark.skipif(not os.path.isdir(ROOT), reason="vendor captures not present")
ADMIN_PASSWORD = "Replay-2026x"

NOT_REPLAYED = {
    "hikvision/unknown-model-std-cgi-ns/activation-crypto-test-vectors.excerpt.txt":
        "crypto vectors, checked in test_sim_isapi.py",
    "hikvision/_requests/qb60-cam_config-request-bodies.excerpt.txt":
        "request bodies, not answers (the ISAPI tests send these shapes)",
}


def _read(relative):
    with open(os.path.join(ROOT, relative), "rb") as handle:
        return handle.read()


def _excerpt_body(relative):
    """The body lines of an excerpt file (after its ``----- body`` or ``docstring`` marker)."""
    text = _read(relative).decode()
    body = re.split(r"^----- (?:body|docstring lines)[^\n]*\n", text, flags=re.M)[1]
    return body.split("\n...\n")[0]


def _keys(text):
    return [line.split("=", 1)[0] for line in text.replace("\r\n", "\n").splitlines() if "=" in line]


def _json_shape(value):
    if isinstance(value, dict):
        return {key: _json_shape(item) for key, item in value.items()}
    return type(value).__name__


def _xml_shape(element):
    return (element.tag, sorted(element.attrib), [_xml_shape(c) for c in element if isinstance(c.tag, str)])


@pytest.fixture
def cameras(new_camera):
    """Cameras in the state each capture was taken in."""
    return {
        "hik_oem": new_camera("hikvision", activated=False, first_boot="isapi",
                              overrides={"isapi_namespace": "http://www.std-cgi.com/ver20/XMLSchema"}),
        "axis_fresh": new_camera("axis", first_boot="vapix"),
        "axis_admin": new_camera("axis", first_boot="vapix", password=ADMIN_PASSWORD),
        "dahua": new_camera("dahua", first_boot="devinit", password=ADMIN_PASSWORD),
    }


ROOT_AUTH = ("root", ADMIN_PASSWORD)
DAHUA_AUTH = ("admin", ADMIN_PASSWORD)


def _get(camera, path, auth=None):
    answer = request("GET", base(camera) + path, auth=auth)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
    return answer


def replay(relative, cams):
    """Compare one capture with the simulator's answer; return a short description."""
    if relative.endswith("POST_ISAPI_Security_challenge.xml"):
        captured = etree.fromstring(_read(relative))
        ours = etree.fromstring(hik_challenge(cams["hik_oem"])[2].content)
        assert _xml_shape(ours) == _xml_shape(captured)
        assert ours.nsmap == captured.nsmap and ours.get("version") == captured.get("version")
        return "xml"
    if relative.endswith("POST_axis-cgi_systemready.cgi.json"):
        captured = json.loads(_read(relative))
        ours = vapix_json(cams["axis_fresh"], "/axis-cgi/systemready.cgi",
                          {"apiVersion": "1", "method": "systemready", "params": {"timeout": 10}}).json()
        assert list(ours) == list(captured)
        assert ours["data"]["needsetup"] == captured["data"]["needsetup"] == "yes"
        # 10.12 answers exactly these keys; 11.11 adds uptime/bootid/previewmode (not simulated)
        assert set(ours["data"]) <= set(captured["data"])
        if "10.12" in relative:
            assert _json_shape(ours) == _json_shape(captured)
        return "json"
    if relative.endswith("getAllUnrestrictedProperties.json"):
        captured = json.loads(_read(relative))
        ours = vapix_json(cams["axis_fresh"], "/axis-cgi/basicdeviceinfo.cgi",
                          {"apiVersion": "1.0", "method": "getAllUnrestrictedProperties"}).json()
        assert _json_shape(ours) == _json_shape(captured)
        assert list(ours["data"]["propertyList"]) == list(captured["data"]["propertyList"])
        return "json"
    if relative.endswith("getAllProperties.reserialized.json"):
        captured = json.loads(_read(relative))
        ours = vapix_json(cams["axis_admin"], "/axis-cgi/basicdeviceinfo.cgi",
                          {"apiVersion": "1.0", "context": "Axis library", "method": "getAllProperties"},
                          auth=ROOT_AUTH).json()
        assert list(ours) == list(captured)
        assert sorted(ours["data"]["propertyList"]) == sorted(captured["data"]["propertyList"])
        return "json"
    if relative.endswith("pwdgrp.cgi_action=add_user=root_grp=root.html"):
        answer = _get(cams["axis_fresh"], "/axis-cgi/pwdgrp.cgi?action=add&user=root&pwd=%s&grp=root"
                      "&sgrp=admin:operator:viewer:ptz" % ADMIN_PASSWORD)
        assert answer.content == _read(relative)
        return "html"
    if relative.endswith("pwdgrp.cgi_action=get.txt"):
        ours = _keys(_get(cams["axis_admin"], "/axis-cgi/pwdgrp.cgi?action=get", ROOT_AUTH).text)
        captured = _keys(_read(relative).decode())
        assert set(ours) <= set(captured)      # unknown-model has more (ACAP) groups
        assert all(re.fullmatch(r'[a-z-]+="[^"]*"', line) for line in
                   _get(cams["axis_admin"], "/axis-cgi/pwdgrp.cgi?action=get", ROOT_AUTH).text.splitlines())
        return "key=value"
    if "param.cgi_action=list" in relative:
        captured = _keys(_read(relative).decode())
        group = "group=Brand" in relative
        ours = _keys(_get(cams["axis_admin"], "/axis-cgi/param.cgi?action=list" + ("&group=Brand" if group else ""),
                          ROOT_AUTH).text)
        if group and "M1065" in relative:
            assert ours == captured
        else:
            assert set(ours) - {"root.Brand.ProdVariant"} <= set(captured)   # fw 5.51 has no ProdVariant
        return "key=value"
    if relative.startswith("dahua/") and "magicBox.cgi" in relative or "configManager.cgi" in relative:
        action = re.search(r"action=([A-Za-z]+)", relative).group(1)
        path = "/cgi-bin/magicBox.cgi?action=" + action
        if "configManager" in relative:
            path = "/cgi-bin/configManager.cgi?action=getConfig&name=General.MachineName"
        ours = _get(cams["dahua"], path, DAHUA_AUTH).text
        assert _keys(ours) == _keys(_excerpt_body(relative))
        assert ours.endswith("\r\n")
        return "key=value"
    if relative.endswith("POST_RPC2_Login_global.login.excerpt.txt"):
        lines = [line.lstrip(" #") for line in _read(relative).decode().splitlines()]
        start = lines.index("Example:") + 1
        captured = json.loads("".join(lines[start:start + 3]))
        ours = request("POST", base(cams["dahua"]) + "/RPC2_Login", json.dumps(
            {"method": "global.login", "params": {"userName": "admin", "password": "", "clientType": "Web3.0",
                                                  "loginType": "Direct"}, "id": 1})).json()
        assert _json_shape(ours) == _json_shape(captured)
        assert ours["error"] == captured["error"]
        return "json"
    raise AssertionError("no replay for %s" % relative)


def _captures():
    found = []
    for folder, dummy, files in os.walk(ROOT):
        for name in files:
            relative = os.path.relpath(os.path.join(folder, name), ROOT)
            if relative != "INDEX.md":
                found.append(relative)
    return sorted(found)


@pytest.mark.parametrize("relative", [c for c in (_captures() if os.path.isdir(ROOT) else [])
                                      if c not in NOT_REPLAYED])
def test_replay(relative, cameras):
    assert replay(relative, cameras)


def test_every_capture_is_replayed():
    assert len(_captures()) == 20
    assert set(NOT_REPLAYED) <= set(_captures())
