"""Authentication: WS-Security UsernameToken (digest and text), HTTP Digest, levels."""

import os

import pytest
import requests

from simlib import check_loopback_url, created_now, creds, envelope, session, soap

INFO = "<tds:GetDeviceInformation/>"


def test_password_digest_is_accepted(new_camera):
    camera = new_camera("hikvision")
    reply = soap(camera.device_url, INFO, *creds(camera))
    assert reply.status == 200 and not reply.is_fault
    assert reply.findtext("tds:SerialNumber") == camera.serial


def test_wrong_password_is_refused_like_the_vendor(new_camera):
    hik = new_camera("hikvision")
    reply = soap(hik.device_url, INFO, "admin", "Wrong12345")
    assert reply.is_fault and reply.subcodes == ["ter:NotAuthorized"]
    assert reply.code.endswith(":Sender")
    assert reply.status == 401 and reply.headers["WWW-Authenticate"].startswith("Digest ")
    generic = new_camera("generic")
    reply = soap(generic.device_url, INFO, "admin", "nope")
    assert reply.status == 400 and reply.subcodes == ["ter:NotAuthorized"]


@pytest.mark.parametrize("vendor", ["hikvision", "axis", "generic"])
def test_no_credentials_get_401_and_a_digest_challenge(new_camera, vendor):
    """Section C: every personality advertises HTTP Digest (HttpDigest="true"), so a
    request without any credentials gets 401 and a Digest challenge, as the DVC (gSOAP)
    and EZVIZ captures do; wrong WS-Security credentials keep the vendor's status."""
    camera = new_camera(vendor)
    reply = soap(camera.device_url, INFO)
    assert reply.status == 401 and reply.subcodes == ["ter:NotAuthorized"]
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith("Digest ") and 'qop="auth"' in challenge and "nonce=" in challenge
    assert 'realm="%s"' % camera.digest.realm in challenge
    basic = soap(camera.device_url, INFO, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert basic.status == 401 and basic.headers["WWW-Authenticate"].startswith("Digest ")


def test_no_credentials_are_refused_but_pre_auth_operations_answer(new_camera):
    camera = new_camera("hikvision")
    assert soap(camera.device_url, INFO).subcodes == ["ter:NotAuthorized"]
    for body in ("<tds:GetSystemDateAndTime/>", "<tds:GetCapabilities/>",
                 "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>"):
        assert not soap(camera.device_url, body).is_fault, body


def test_axis_narrows_pre_auth_to_the_clock(new_camera):
    camera = new_camera("axis")
    assert not soap(camera.device_url, "<tds:GetSystemDateAndTime/>").is_fault
    assert soap(camera.device_url, "<tds:GetCapabilities/>").subcodes == ["ter:NotAuthorized"]
    assert not soap(camera.device_url, "<tds:GetCapabilities/>", *creds(camera)).is_fault


@pytest.mark.parametrize("offset", [-360, 360])
def test_created_six_minutes_off_is_refused(new_camera, offset):
    camera = new_camera("hikvision")
    reply = soap(camera.device_url, INFO, *creds(camera), created=created_now(offset))
    assert reply.subcodes == ["ter:NotAuthorized"]
    assert not soap(camera.device_url, INFO, *creds(camera), created=created_now(offset * 4 / 6)).is_fault


def test_created_is_compared_with_the_camera_clock(new_camera):
    camera = new_camera("hikvision", clock_offset=7200)
    assert soap(camera.device_url, INFO, *creds(camera)).is_fault
    assert not soap(camera.device_url, INFO, *creds(camera), created=created_now(7200)).is_fault
    camera.clock_offset = 0
    assert not soap(camera.device_url, INFO, *creds(camera)).is_fault


def test_axis_default_clock_is_hours_wrong(new_camera):
    camera = new_camera("axis", clock_offset=None)  # the personality's default
    assert camera.clock_offset <= -3600
    assert soap(camera.device_url, INFO, *creds(camera)).is_fault


def test_replayed_nonce_is_refused(new_camera):
    camera = new_camera("hikvision")
    token = {"created": created_now(), "nonce": os.urandom(16)}
    assert not soap(camera.device_url, INFO, *creds(camera), **token).is_fault
    replay = soap(camera.device_url, INFO, *creds(camera), **token)
    assert replay.subcodes == ["ter:NotAuthorized"]


@pytest.mark.parametrize("style", ["Z", "+00:00", "fraction", "+02:00"])
def test_created_formats_are_accepted(new_camera, style):
    camera = new_camera("generic")
    reply = soap(camera.device_url, INFO, *creds(camera), created=created_now(0, style))
    assert not reply.is_fault, reply.content


def test_password_text_is_accepted(new_camera):
    camera = new_camera("hikvision")
    user, password = creds(camera)
    assert not soap(camera.device_url, INFO, user, password, digest=False).is_fault
    assert soap(camera.device_url, INFO, user, "Wrong12345", digest=False).is_fault


def test_http_digest_is_accepted_for_soap(new_camera):
    camera = new_camera("hikvision")
    check_loopback_url(camera.device_url)
    with session() as http:
        response = http.post(camera.device_url, data=envelope(INFO), timeout=10,
                             headers={"Content-Type": "application/soap+xml"},
                             auth=requests.auth.HTTPDigestAuth(*creds(camera)))
    assert response.status_code == 200 and b"GetDeviceInformationResponse" in response.content


def test_user_levels_limit_operations(new_camera):
    camera = new_camera("hikvision", users=[{"username": "viewer", "password": "View3rPass",
                                             "level": "User"}])
    assert not soap(camera.device_url, "<trt:GetProfiles/>", "viewer", "View3rPass").is_fault
    for body in ("<tds:GetUsers/>", "<tds:SetHostname><tds:Name>x1</tds:Name></tds:SetHostname>"):
        assert soap(camera.device_url, body, "viewer", "View3rPass").subcodes == ["ter:NotAuthorized"]


def test_passwords_never_appear_in_answers(new_camera):
    camera = new_camera("hikvision")
    user, password = creds(camera)
    for body in ("<tds:GetUsers/>", INFO, "<trt:GetProfiles/>", "<tds:GetNetworkInterfaces/>"):
        url = camera.media_url if "trt:" in body else camera.device_url
        reply = soap(url, body, user, password)
        assert password.encode() not in reply.content and b"Password" not in reply.content
