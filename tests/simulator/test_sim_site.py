"""Site loading rules (loopback only, unique endpoints), squatters, identity, persistence,
the control endpoint and the demo site file."""

import json
import os

import pytest
import yaml

import camsim
from simlib import creds, http_get, session, soap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("address", ["192.168.1.64", "10.0.0.1", "0.0.0.0", "::1", "localhost"])
def test_non_loopback_addresses_are_refused_at_load(address):
    with pytest.raises(camsim.SiteError, match="127.0.0.0/8|not an IP"):
        camsim.Site.from_dict({"cameras": [{"name": "c", "vendor": "hikvision", "address": address}]})
    with pytest.raises(camsim.SiteError):
        camsim.Site.from_dict({"cameras": [], "squatters": [{"address": address, "port": 80}]})


def test_two_listeners_on_one_endpoint_is_an_error_naming_both():
    with pytest.raises(camsim.SiteError, match="camera cam-1 and camera cam-2 both want 127.0.7.1:8000/tcp"):
        camsim.Site.from_dict({"cameras": [{"name": "cam-1", "address": "127.0.7.1"},
                                           {"name": "cam-2", "address": "127.0.7.1"}]})
    with pytest.raises(camsim.SiteError, match="camera cam-1 and squatter 127.0.7.1:8554"):
        camsim.Site.from_dict({"cameras": [{"name": "cam-1", "address": "127.0.7.1"}],
                               "squatters": [{"address": "127.0.7.1", "port": 8554}]})


def test_other_load_errors():
    for bad, message in (({"cameras": [{"name": "a"}, {"name": "a", "address": "127.0.7.2"}]}, "unique"),
                         ({"cameras": [{"name": "a", "vendor": "sony"}]}, "unknown vendor"),
                         ({"cameras": [{"name": "a", "colour": "red"}]}, "unknown key"),
                         ({"cameras": [{"name": "a", "faults": {"explode": True}}]}, "unknown key")):
        with pytest.raises(camsim.SiteError, match=message):
            camsim.Site.from_dict(bad)


def test_identity_is_deterministic_and_vendor_shaped():
    data = {"cameras": [{"name": "cam-r1-01", "vendor": "hikvision"}, {"name": "cam-a1", "vendor": "axis"},
                        {"name": "cam-x", "vendor": "hikvision", "address": "127.0.7.3",
                         "serial": "DS2CD2043-20260001", "mac": "44:19:b6:00:00:01"}]}
    first, second = camsim.Site.from_dict(data), camsim.Site.from_dict(data)
    hik, axis, given = (first.cameras[n] for n in ("cam-r1-01", "cam-a1", "cam-x"))
    assert hik.address == "127.0.1.64" and axis.address == "127.0.1.90"  # factory addresses
    assert hik.serial == second.cameras["cam-r1-01"].serial and hik.serial.startswith("DS-2CD2043G2-I")
    assert hik.mac.startswith("44:19:b6:") and axis.mac.startswith("00:40:8C:")
    assert axis.serial == axis.mac.replace(":", "") and axis.hostname == "axis-" + axis.serial.lower()
    assert (given.serial, given.mac) == ("DS2CD2043-20260001", "44:19:b6:00:00:01")


def test_squatter_answers_anything(make_site, take_addresses):
    address = take_addresses(1)[0]
    make_site([], squatters=[{"address": address, "port": 8000, "banner": "nginx"}])
    response = http_get("http://%s:8000/onvif/device_service" % address)
    assert response.status_code == 200 and response.headers["Server"] == "nginx"
    assert b"nginx" in response.content
    reply = soap("http://%s:8000/onvif/device_service" % address, "<tds:GetDeviceInformation/>")
    assert reply.status == 200 and reply.root.tag == "html"  # not SOAP at all


def test_state_persists_across_restarts(make_site, take_addresses, tmp_path):
    old, new = take_addresses(2)
    persist = str(tmp_path / "state.json")
    entry = {"name": "cam-p", "vendor": "hikvision", "address": old, "password": "Kantor2026"}
    site = make_site([entry], persist=persist)
    camera = site.cameras["cam-p"]
    soap(camera.device_url, "<tds:SetHostname><tds:Name>persisted</tds:Name></tds:SetHostname>",
         "admin", "Kantor2026")
    camera.address = new  # as if a reboot had moved it
    site.stop()
    saved = json.load(open(persist))["cameras"]["cam-p"]
    assert saved["hostname"] == "persisted" and saved["address"] == new
    again = make_site([entry], persist=persist).cameras["cam-p"]
    assert again.hostname == "persisted" and again.address == new
    assert not soap(again.device_url, "<tds:GetHostname/>", "admin", "Kantor2026").is_fault


def test_control_endpoint(make_site, take_addresses):
    site = make_site([{"name": "cam-c", "vendor": "generic", "address": take_addresses(1)[0]}],
                     control_port=0)
    base = site.control_url
    cameras = http_get(base + "/cameras").json()
    assert cameras[0]["name"] == "cam-c" and cameras[0]["address"] == site.cameras["cam-c"].address
    assert "password" not in json.dumps(cameras).lower().replace("pending", "")
    with session() as http:
        answer = http.post(base + "/cameras/cam-c/faults", json={"operations": {"GetHostname": "ter:InvalidArgVal"}},
                           timeout=5)
        assert answer.status_code == 200
        camera = site.cameras["cam-c"]
        assert soap(camera.device_url, "<tds:GetHostname/>", *creds(camera)).subcodes[0] == "ter:InvalidArgVal"
        assert http.post(base + "/cameras/cam-c/faults", data=b"[1]", timeout=5).status_code == 400
        assert http.delete(base + "/cameras/cam-c/faults", timeout=5).status_code == 200
        assert not soap(camera.device_url, "<tds:GetHostname/>", *creds(camera)).is_fault
        assert http.get(base + "/cameras/nope", timeout=5).status_code == 404


def test_demo_site_file_loads():
    path = os.path.join(ROOT, "tools", "camsim", "sites", "demo.yml")
    site = camsim.Site.from_file(path)
    vendors = sorted(c.vendor for c in site.cameras.values())
    assert vendors == ["axis", "axis", "hikvision", "hikvision", "hikvision", "hikvision"]
    with open(path) as handle:
        assert len(yaml.safe_load(handle)["cameras"]) == 6
