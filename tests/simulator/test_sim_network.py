"""Network settings: pending IPv4 change, reboot to the new address, hostname, DNS, NTP, clock."""

import socket
import time

from simlib import NS, created_now, creds, probe, soap

SET_IP = ("<tds:SetNetworkInterfaces><tds:InterfaceToken>eth0</tds:InterfaceToken><tds:NetworkInterface>"
          "<tt:IPv4><tt:Enabled>true</tt:Enabled>%s<tt:DHCP>%s</tt:DHCP></tt:IPv4></tds:NetworkInterface>"
          "</tds:SetNetworkInterfaces>")
MANUAL = "<tt:Manual><tt:Address>%s</tt:Address><tt:PrefixLength>%d</tt:PrefixLength></tt:Manual>"


def set_ip(address, prefix=24):
    return SET_IP % (MANUAL % (address, prefix), "false")


def refused(address, port):
    with socket.socket() as sock:
        sock.settimeout(2)
        try:
            sock.connect((address, port))
        except ConnectionRefusedError:
            return True
        return False


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def hours_around(offset):
    """UTC hours of now + offset, give or take a few seconds (no flake at the hour)."""
    return {time.gmtime(time.time() + offset + delta).tm_hour for delta in (-5, 0, 5)}


def reboot(camera):
    reply = soap(camera.device_url, "<tds:SystemReboot/>", *creds(camera))
    assert reply.findtext("tds:Message")
    return reply


def test_new_address_is_pending_until_reboot_then_the_camera_moves(new_camera, take_addresses):
    camera = new_camera("hikvision")
    old, new = camera.address, take_addresses(1)[0]
    reply = soap(camera.device_url, set_ip(new, 16), *creds(camera))
    assert reply.findtext("tds:RebootNeeded") == "true"
    running = soap(camera.device_url, "<tds:GetNetworkInterfaces/>", *creds(camera))
    assert running.findtext(".//tt:IPv4/tt:Config/tt:Manual/tt:Address") == old
    assert camera.pending_network == {"dhcp": False, "address": new, "prefix_length": 16}

    reboot(camera)
    assert wait_for(lambda: camera.status == "running" and camera.address == new)
    for port in (camera.http_port, camera.rtsp_port):
        assert refused(old, port)
    assert probe(old, timeout=0.3)[1] is None

    device_url = "http://%s:%d/onvif/device_service" % (new, camera.http_port)
    assert camera.device_url == device_url
    caps = soap(device_url, "<tds:GetCapabilities/>", *creds(camera))
    assert caps.findtext(".//tt:Device/tt:XAddr") == device_url
    assert caps.findtext(".//tt:Media/tt:XAddr") == "http://%s:%d/onvif/Media" % (new, camera.http_port)
    services = soap(device_url, "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability>"
                                "</tds:GetServices>", *creds(camera))
    assert all(x.text.startswith("http://%s:%d/" % (new, camera.http_port))
               for x in services.element.iterfind("tds:Service/tds:XAddr", NS))
    interfaces = soap(device_url, "<tds:GetNetworkInterfaces/>", *creds(camera))
    assert interfaces.findtext(".//tt:Manual/tt:Address") == new
    assert interfaces.findtext(".//tt:Manual/tt:PrefixLength") == "16"
    uri = soap(camera.media_url, "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>"
                                 "<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>"
                                 "<trt:ProfileToken>Profile_1</trt:ProfileToken></trt:GetStreamUri>", *creds(camera))
    assert uri.findtext(".//tt:Uri").startswith("rtsp://%s:%d/" % (new, camera.rtsp_port))
    assert b"http://%s:%d/onvif/device_service" % (new.encode(), camera.http_port) in probe(new)[1]
    assert not refused(new, camera.rtsp_port)
    assert camera.boot_count == 2


def test_never_return_after_reboot(new_camera):
    camera = new_camera("generic", faults={"never_return_after_reboot": True})
    reboot(camera)
    assert wait_for(lambda: camera.status == "dead")
    assert refused(camera.address, camera.http_port) and refused(camera.address, camera.rtsp_port)


def test_reboot_onto_an_occupied_address_leaves_the_camera_unreachable(make_site, take_addresses):
    mine, squatted = take_addresses(2)
    site = make_site([{"name": "cam-x", "vendor": "generic", "address": mine}],
                     squatters=[{"address": squatted, "port": 8000, "banner": "nginx"}])
    camera = site.cameras["cam-x"]
    assert not soap(camera.device_url, set_ip(squatted), *creds(camera)).is_fault
    reboot(camera)
    assert wait_for(lambda: camera.status == "conflict")
    assert refused(mine, 8000)


def test_invalid_addresses_are_refused(new_camera):
    camera = new_camera("hikvision")
    for address, prefix in (("192.168.1.10", 24), ("127.0.5.0", 24), ("127.0.5.255", 24),
                            ("300.1.1.1", 24), ("127.0.5.9", 40)):
        reply = soap(camera.device_url, set_ip(address, prefix), *creds(camera))
        assert reply.is_fault and reply.subcodes[0] == "ter:InvalidArgVal", address
    bad_token = set_ip("127.0.5.9").replace(">eth0<", ">eth9<")
    assert soap(camera.device_url, bad_token, *creds(camera)).subcodes[-1] == "ter:InvalidNetworkInterface"
    assert camera.pending_network is None


def test_dhcp_after_reboot(new_camera, take_addresses):
    lease = take_addresses(1)[0]
    camera = new_camera("axis", dhcp_address=lease)
    assert not soap(camera.device_url, SET_IP % ("", "true"), *creds(camera)).is_fault
    reboot(camera)
    assert wait_for(lambda: camera.status == "running" and camera.address == lease)
    reply = soap(camera.device_url, "<tds:GetNetworkInterfaces/>", *creds(camera))
    assert reply.findtext(".//tt:Config/tt:DHCP") == "true"
    assert reply.findtext(".//tt:Config/tt:FromDHCP/tt:Address") == lease


def test_site_api_reboot(make_site, take_addresses):
    site = make_site([{"name": "cam-y", "vendor": "generic", "address": take_addresses(1)[0]}])
    site.reboot("cam-y")
    camera = site.cameras["cam-y"]
    assert wait_for(lambda: camera.boot_count == 2 and camera.status == "running")


def test_hostname_dns_ntp_gateway_round_trips(new_camera):
    camera = new_camera("hikvision")
    user, password = creds(camera)
    url = camera.device_url
    assert soap(url, "<tds:SetHostname><tds:Name>bad_name</tds:Name></tds:SetHostname>", user,
                password).subcodes[-1] == "ter:InvalidHostname"
    soap(url, "<tds:SetHostname><tds:Name>kantor-cam-01</tds:Name></tds:SetHostname>", user, password)
    assert soap(url, "<tds:GetHostname/>", user, password).findtext(".//tt:Name") == "kantor-cam-01"
    assert camera.hostname == "kantor-cam-01"

    soap(url, "<tds:SetDNS><tds:FromDHCP>false</tds:FromDHCP><tds:DNSManual><tt:Type>IPv4</tt:Type>"
              "<tt:IPv4Address>127.0.1.53</tt:IPv4Address></tds:DNSManual></tds:SetDNS>", user, password)
    assert camera.dns == {"from_dhcp": False, "search": [], "manual": ["127.0.1.53"]}
    bad = soap(url, "<tds:SetDNS><tds:FromDHCP>false</tds:FromDHCP><tds:DNSManual><tt:Type>IPv4</tt:Type>"
                    "<tt:IPv4Address>1.2.3</tt:IPv4Address></tds:DNSManual></tds:SetDNS>", user, password)
    assert bad.subcodes[-1] == "ter:InvalidIPv4Address"

    soap(url, "<tds:SetNTP><tds:FromDHCP>false</tds:FromDHCP><tds:NTPManual><tt:Type>DNS</tt:Type>"
              "<tt:DNSname>pool.ntp.org</tt:DNSname></tds:NTPManual></tds:SetNTP>", user, password)
    ntp = soap(url, "<tds:GetNTP/>", user, password)
    assert ntp.findtext(".//tt:NTPManual/tt:DNSname") == "pool.ntp.org"
    assert ntp.findtext(".//tt:NTPManual/tt:Type") == "DNS"

    soap(url, "<tds:SetNetworkDefaultGateway><tds:IPv4Address>127.0.1.254</tds:IPv4Address>"
              "</tds:SetNetworkDefaultGateway>", user, password)
    gateway = soap(url, "<tds:GetNetworkDefaultGateway/>", user, password)
    assert gateway.findtext(".//tt:IPv4Address") == "127.0.1.254"

    protocols = soap(url, "<tds:GetNetworkProtocols/>", user, password)
    ports = {p.findtext("tt:Name", namespaces=NS): p.findtext("tt:Port", namespaces=NS)
             for p in protocols.element}
    assert ports["HTTP"] == str(camera.http_port) and ports["RTSP"] == str(camera.rtsp_port)


def test_setting_ntp_synchronises_the_clock(new_camera):
    camera = new_camera("hikvision", clock_offset=7200)
    user, password = creds(camera)
    stamp = soap(camera.device_url, "<tds:GetSystemDateAndTime/>").findtext(".//tt:UTCDateTime/tt:Time/tt:Hour")
    assert int(stamp) in hours_around(7200)
    body = ("<tds:SetSystemDateAndTime><tds:DateTimeType>NTP</tds:DateTimeType>"
            "<tds:DaylightSavings>false</tds:DaylightSavings><tds:TimeZone><tt:TZ>WIB-7</tt:TZ></tds:TimeZone>"
            "</tds:SetSystemDateAndTime>")
    assert not soap(camera.device_url, body, user, password, created=created_now(7200)).is_fault
    assert camera.clock_offset == 0 and camera.timezone == "WIB-7" and camera.date_time_type == "NTP"
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", user, password).is_fault
    local = soap(camera.device_url, "<tds:GetSystemDateAndTime/>").findtext(".//tt:LocalDateTime/tt:Time/tt:Hour")
    assert int(local) in hours_around(7 * 3600)


def connect_outcome(address, port, timeout=0.5):
    """'refused', 'timeout' or 'connected' for one TCP connect."""
    with socket.socket() as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except ConnectionRefusedError:
            return "refused"
        except (socket.timeout, TimeoutError):
            return "timeout"
        return "connected"


def test_a_rebooting_camera_is_unreachable_not_refusing(new_camera):
    """Section C: while a camera reboots, connections time out (no RST) and Probes get no
    answer; afterwards it answers again."""
    camera = new_camera("hikvision", reboot_seconds=2.5)
    reboot(camera)
    assert wait_for(lambda: camera.status == "rebooting")
    started = time.monotonic()
    for port in (camera.http_port, camera.rtsp_port):
        assert connect_outcome(camera.address, port) == "timeout"
    assert time.monotonic() - started >= 0.9
    assert probe(camera.address, timeout=0.3)[1] is None
    assert wait_for(lambda: camera.status == "running", timeout=6)
    assert connect_outcome(camera.address, camera.http_port) == "connected"
    assert not soap(camera.device_url, "<tds:GetDeviceInformation/>", *creds(camera)).is_fault
