"""onvif-zeep's own generic client talks to the simulator (WS-Security digest)."""

import logging

import pytest
import requests

onvif = pytest.importorskip("onvif")
from zeep.transports import Transport  # noqa: E402

from onvif_schema import wsdl_dir  # noqa: E402
from simlib import creds  # noqa: E402


def transport():
    http = requests.Session()
    http.trust_env = False  # loopback only, never a proxy
    return Transport(session=http, timeout=5, operation_timeout=5)


@pytest.mark.parametrize("vendor", ["hikvision", "generic"])
def test_onvif_camera_reads_the_simulator(new_camera, vendor):
    level = logging.getLogger().level
    camera = new_camera(vendor)
    try:
        # contacts the device in the constructor: GetCapabilities, then tries events (absent)
        client = onvif.ONVIFCamera(camera.address, camera.http_port, *creds(camera), wsdl_dir(),
                                   no_cache=True, transport=transport())
    finally:
        logging.getLogger().setLevel(level)  # onvif-zeep sets the root logger to INFO
    info = client.devicemgmt.GetDeviceInformation()
    assert info.Manufacturer == camera.personality["manufacturer"] and info.SerialNumber == camera.serial
    interfaces = client.devicemgmt.GetNetworkInterfaces()
    assert interfaces[0].Info.HwAddress == camera.mac
    assert interfaces[0].IPv4.Config.Manual[0].Address == camera.address
    media = client.create_media_service()
    profiles = media.GetProfiles()
    assert [p.token for p in profiles] == [p["token"] for p in camera.personality["profiles"]]
    uri = media.GetStreamUri({"StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                              "ProfileToken": profiles[0].token})
    assert uri.Uri == camera.rtsp_url


def test_onvif_service_with_a_wrong_password_gets_the_fault(new_camera):
    camera = new_camera("axis")
    service = onvif.ONVIFService(camera.device_url, "root", "wrong", wsdl_dir() + "/devicemgmt.wsdl",
                                 no_cache=True, transport=transport(),
                                 binding_name="{http://www.onvif.org/ver10/device/wsdl}DeviceBinding")
    with pytest.raises(onvif.ONVIFError) as error:
        service.GetHostname()
    assert "not authorized" in str(error.value.__context__).lower()
    assert service.GetSystemDateAndTime().DateTimeType == "Manual"
