"""Activation (Hikvision-like) and user management."""

from simlib import NS, creds, soap

INFO = "<tds:GetDeviceInformation/>"


def create(username, password, level="Administrator"):
    return ("<tds:CreateUsers><tds:User><tt:Username>%s</tt:Username><tt:Password>%s</tt:Password>"
            "<tt:UserLevel>%s</tt:UserLevel></tds:User></tds:CreateUsers>" % (username, password, level))


def users(camera, user, password):
    reply = soap(camera.device_url, "<tds:GetUsers/>", user, password)
    return {u.findtext("tt:Username", namespaces=NS): u.findtext("tt:UserLevel", namespaces=NS)
            for u in reply.element}


def test_factory_hikvision_must_be_activated_through_create_users(new_camera):
    camera = new_camera("hikvision", activated=False)
    assert not camera.activated and camera.users == []
    refused = soap(camera.device_url, INFO)
    assert refused.subcodes == ["ter:NotAuthorized"] and refused.status == 401
    assert b"not activated" in refused.content
    assert soap(camera.device_url, INFO, "admin", "12345").subcodes == ["ter:NotAuthorized"]
    assert not soap(camera.device_url, "<tds:GetSystemDateAndTime/>").is_fault
    assert not soap(camera.device_url, "<tds:GetCapabilities/>").is_fault

    weak = soap(camera.device_url, create("admin", "12345"))
    assert weak.subcodes == ["ter:OperationProhibited", "ter:PasswordTooWeak"]
    not_admin = soap(camera.device_url, create("viewer", "Viewer2026", "User"))
    assert not_admin.subcodes[0] == "ter:InvalidArgVal"
    assert not camera.activated

    assert not soap(camera.device_url, create("admin", "Kantor2026")).is_fault
    assert camera.activated
    assert not soap(camera.device_url, INFO, "admin", "Kantor2026").is_fault
    # once activated, CreateUsers needs an Administrator like everything else
    assert soap(camera.device_url, create("other", "Other2026x")).subcodes == ["ter:NotAuthorized"]


def test_axis_is_activated_with_factory_credentials(new_camera):
    camera = new_camera("axis")
    assert camera.activated
    assert users(camera, "root", "pass") == {"root": "Administrator"}


def test_site_password_activates_a_hikvision(new_camera):
    camera = new_camera("hikvision", password="Site2026pw")
    assert users(camera, "admin", "Site2026pw") == {"admin": "Administrator"}
    assert "Site2026pw" not in str(camera.summary())


def test_user_management(new_camera):
    camera = new_camera("hikvision")
    admin, password = creds(camera)
    url = camera.device_url
    assert not soap(url, create("operator1", "Oper4tor99", "Operator"), admin, password).is_fault
    clash = soap(url, create("operator1", "Oper4tor99", "Operator"), admin, password)
    assert clash.subcodes == ["ter:OperationProhibited", "ter:UsernameClash"]
    assert users(camera, admin, password) == {admin: "Administrator", "operator1": "Operator"}

    set_user = ("<tds:SetUser><tds:User><tt:Username>operator1</tt:Username><tt:Password>Changed2026"
                "</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User></tds:SetUser>")
    assert not soap(url, set_user, admin, password).is_fault
    assert not soap(camera.media_url, "<trt:GetProfiles/>", "operator1", "Changed2026").is_fault

    missing = soap(url, "<tds:DeleteUsers><tds:Username>ghost</tds:Username></tds:DeleteUsers>", admin, password)
    assert missing.subcodes == ["ter:InvalidArgVal", "ter:UsernameMissing"]
    assert not soap(url, "<tds:DeleteUsers><tds:Username>operator1</tds:Username></tds:DeleteUsers>",
                    admin, password).is_fault
    assert users(camera, admin, password) == {admin: "Administrator"}


def test_the_last_administrator_stays(new_camera):
    camera = new_camera("axis")
    url = camera.device_url
    delete = soap(url, "<tds:DeleteUsers><tds:Username>root</tds:Username></tds:DeleteUsers>", "root", "pass")
    assert delete.is_fault and delete.subcodes == ["ter:InvalidArgVal", "ter:FixedUser"]
    demote = ("<tds:SetUser><tds:User><tt:Username>root</tt:Username><tt:UserLevel>Operator</tt:UserLevel>"
              "</tds:User></tds:SetUser>")
    assert soap(url, demote, "root", "pass").subcodes[-1] == "ter:FixedUser"
    # with a second administrator the first may go
    assert not soap(url, create("admin2", "pw"), "root", "pass").is_fault
    assert not soap(url, "<tds:DeleteUsers><tds:Username>root</tds:Username></tds:DeleteUsers>",
                    "admin2", "pw").is_fault
    assert [u["username"] for u in camera.users] == ["admin2"]
