"""Device service network settings: interfaces, hostname, DNS, NTP, gateway, protocols.

A new IPv4 configuration (SetNetworkInterfaces) is *pending*: GetNetworkInterfaces keeps
reporting the running one until SystemReboot applies it. DNS, NTP and gateway values are
stored strings; the simulator never contacts them.
"""

import ipaddress
import re

from .config import SiteError, check_loopback
from .registry import operation
from .soap import SoapFault
from .xmlutil import TDS, child, children, parse_bool, sub, text, tt, xbool

INTERFACE = "eth0"
DHCP_SERVER = "127.0.1.1"  # what a simulated DHCP server hands out for DNS and NTP
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def _kind(value):
    """'IPv4', 'IPv6' or 'DNS' for a stored address or host name."""
    try:
        return "IPv%d" % ipaddress.ip_address(value).version
    except ValueError:
        return "DNS"


def _bool_arg(request, name, default=None):
    try:
        value = parse_bool(text(request, name), default)
    except ValueError:
        raise SoapFault("InvalidArgVal", reason="%s is not a boolean" % name) from None
    if value is None:
        raise SoapFault("InvalidArgs", reason="%s is required" % name)
    return value


def _ip_arg(value, version):
    try:
        parsed = ipaddress.ip_address((value or "").strip())
        if parsed.version != version:
            raise ValueError(value)
    except ValueError:
        raise SoapFault("InvalidArgVal", "InvalidIPv%dAddress" % version,
                        reason="The suggested IPv%d address is invalid" % version) from None
    return str(parsed)


def _ip_entries(elements, allow_dns=False):
    """Addresses of tt:IPAddress / tt:NetworkHost request elements, validated."""
    values = []
    for element in elements:
        kind = text(element, "Type", "IPv4")
        if kind == "IPv4":
            values.append(_ip_arg(text(element, "IPv4Address"), 4))
        elif kind == "IPv6":
            values.append(_ip_arg(text(element, "IPv6Address"), 6))
        elif kind == "DNS" and allow_dns:
            name = text(element, "DNSname", "")
            if not _HOSTNAME.match(name):
                raise SoapFault("InvalidArgVal", "InvalidDnsName", reason="The DNS name is invalid")
            values.append(name)
        else:
            raise SoapFault("InvalidArgVal", reason="Unsupported address type %r" % kind)
    return values


def _ip_out(parent, name, values):
    """Write addresses as tt:IPAddress or tt:NetworkHost elements (same shape)."""
    for value in values:
        element = tt(parent, name)
        kind = _kind(value)
        tt(element, "Type", kind)
        tt(element, {"IPv4": "IPv4Address", "IPv6": "IPv6Address", "DNS": "DNSname"}[kind], value)


@operation(TDS, "GetNetworkInterfaces")
def get_network_interfaces(ctx, request):
    camera = ctx.camera
    interface = sub(ctx.respond(), TDS, "NetworkInterfaces", attrib={"token": INTERFACE})
    tt(interface, "Enabled", "true")
    info = tt(interface, "Info")
    tt(info, "Name", INTERFACE)
    tt(info, "HwAddress", camera.mac)
    tt(info, "MTU", 1500)
    link = tt(interface, "Link")
    for name in ("AdminSettings", "OperSettings"):
        setting = tt(link, name)
        tt(setting, "AutoNegotiation", "true")
        tt(setting, "Speed", 100)
        tt(setting, "Duplex", "Full")
    tt(link, "InterfaceType", camera.personality.get("interface_type", 6))
    ipv4 = tt(interface, "IPv4")
    tt(ipv4, "Enabled", "true")
    config = tt(ipv4, "Config")
    address = tt(config, "FromDHCP" if camera.dhcp else "Manual")
    tt(address, "Address", camera.address)
    tt(address, "PrefixLength", camera.prefix_length)
    tt(config, "DHCP", xbool(camera.dhcp))


def _new_ipv4(camera, ipv4):
    """The IPv4 configuration requested by SetNetworkInterfaces, validated."""
    if not _bool_arg(ipv4, "Enabled", True):
        raise SoapFault("OperationProhibited", reason="IPv4 cannot be disabled on this device")
    current = camera.pending_network or {"dhcp": camera.dhcp, "address": camera.address,
                                         "prefix_length": camera.prefix_length}
    dhcp = _bool_arg(ipv4, "DHCP", current["dhcp"])
    manual = children(ipv4, "Manual")
    address, prefix = current["address"], current["prefix_length"]
    if manual:
        address = _ip_arg(text(manual[0], "Address"), 4)
        try:
            prefix = int(text(manual[0], "PrefixLength", ""))
            network = ipaddress.ip_interface("%s/%d" % (address, prefix)).network
        except ValueError:
            raise SoapFault("InvalidArgVal", reason="Invalid PrefixLength") from None
        if prefix < 31 and ipaddress.ip_address(address) in (network.network_address,
                                                             network.broadcast_address):
            raise SoapFault("InvalidArgVal", "InvalidIPv4Address",
                            reason="The suggested IPv4 address is invalid")
        try:
            check_loopback(address, "new address")
        except SiteError as exc:
            raise SoapFault("InvalidArgVal", "InvalidIPv4Address",
                            reason="The suggested IPv4 address is invalid", detail=str(exc)) from None
    elif not dhcp and current["dhcp"]:
        raise SoapFault("InvalidArgVal", reason="A manual IPv4 address is required when DHCP is off")
    return {"dhcp": dhcp, "address": address, "prefix_length": prefix}


@operation(TDS, "SetNetworkInterfaces", level="Administrator")
def set_network_interfaces(ctx, request):
    camera = ctx.camera
    if text(request, "InterfaceToken") != INTERFACE:
        raise SoapFault("InvalidArgVal", "InvalidNetworkInterface",
                        reason="The supplied network interface token does not exist")
    ipv4 = child(child(request, "NetworkInterface"), "IPv4")
    reply = camera.quirks.get("network_interfaces_reply", "reboot_needed")
    new = _new_ipv4(camera, ipv4) if ipv4 is not None else None
    if reply == "empty_ignored":
        ctx.respond()           # no RebootNeeded, and the change is dropped
        return
    if new is not None:
        camera.pending_network = new
        camera.changed()
    if reply == "empty_live":
        ctx.respond()           # no RebootNeeded: the new address is live at once
        if camera.runtime is not None:
            ctx.after_response = camera.runtime.schedule_move
        return
    sub(ctx.respond(), TDS, "RebootNeeded", "true")


@operation(TDS, "GetHostname")
def get_hostname(ctx, request):
    info = sub(ctx.respond(), TDS, "HostnameInformation")
    tt(info, "FromDHCP", xbool(ctx.camera.hostname_from_dhcp))
    tt(info, "Name", ctx.camera.hostname)


@operation(TDS, "SetHostname", level="Administrator")
def set_hostname(ctx, request):
    name = text(request, "Name", "")
    if not _HOSTNAME.match(name):
        raise SoapFault("InvalidArgVal", "InvalidHostname",
                        reason="The requested hostname cannot be accepted by the device")
    ctx.camera.hostname = name
    ctx.camera.hostname_from_dhcp = False
    ctx.camera.changed()
    ctx.respond()


@operation(TDS, "SetHostnameFromDHCP", level="Administrator")
def set_hostname_from_dhcp(ctx, request):
    ctx.camera.hostname_from_dhcp = _bool_arg(request, "FromDHCP")
    ctx.camera.changed()
    sub(ctx.respond(), TDS, "RebootNeeded", "false")


@operation(TDS, "GetDNS")
def get_dns(ctx, request):
    dns = ctx.camera.dns
    info = sub(ctx.respond(), TDS, "DNSInformation")
    tt(info, "FromDHCP", xbool(dns["from_dhcp"]))
    for domain in dns.get("search", []):
        tt(info, "SearchDomain", domain)
    if dns["from_dhcp"] and ctx.camera.dhcp:
        _ip_out(info, "DNSFromDHCP", [DHCP_SERVER])
    _ip_out(info, "DNSManual", dns.get("manual", []))


@operation(TDS, "SetDNS", level="Administrator")
def set_dns(ctx, request):
    from_dhcp = _bool_arg(request, "FromDHCP")
    search = [e.text.strip() for e in children(request, "SearchDomain") if e.text and e.text.strip()]
    manual = _ip_entries(children(request, "DNSManual"))
    ctx.camera.dns = {"from_dhcp": from_dhcp, "search": search, "manual": manual}
    ctx.camera.changed()
    ctx.respond()


@operation(TDS, "GetNTP")
def get_ntp(ctx, request):
    ntp = ctx.camera.ntp
    info = sub(ctx.respond(), TDS, "NTPInformation")
    tt(info, "FromDHCP", xbool(ntp["from_dhcp"]))
    if ntp["from_dhcp"] and ctx.camera.dhcp:
        _ip_out(info, "NTPFromDHCP", [DHCP_SERVER])
    _ip_out(info, "NTPManual", ntp.get("manual", []))


@operation(TDS, "SetNTP", level="Administrator")
def set_ntp(ctx, request):
    from_dhcp = _bool_arg(request, "FromDHCP")
    manual = _ip_entries(children(request, "NTPManual"), allow_dns=True)
    ctx.camera.ntp = {"from_dhcp": from_dhcp, "manual": manual}
    ctx.camera.changed()
    ctx.respond()


@operation(TDS, "GetNetworkDefaultGateway")
def get_network_default_gateway(ctx, request):
    gateway = sub(ctx.respond(), TDS, "NetworkGateway")
    for version in (4, 6):
        for value in ctx.camera.gateway:
            if _kind(value) == "IPv%d" % version:
                tt(gateway, "IPv%dAddress" % version, value)


@operation(TDS, "SetNetworkDefaultGateway", level="Administrator")
def set_network_default_gateway(ctx, request):
    values = [_ip_arg(e.text, 4) for e in children(request, "IPv4Address")]
    values += [_ip_arg(e.text, 6) for e in children(request, "IPv6Address")]
    ctx.camera.gateway = values
    ctx.camera.changed()
    ctx.respond()


@operation(TDS, "GetNetworkProtocols")
def get_network_protocols(ctx, request):
    response = ctx.respond()
    for name, enabled, port in (("HTTP", True, ctx.camera.http_port), ("HTTPS", False, 443),
                                ("RTSP", True, ctx.camera.rtsp_port)):
        protocol = sub(response, TDS, "NetworkProtocols")
        tt(protocol, "Name", name)
        tt(protocol, "Enabled", xbool(enabled))
        tt(protocol, "Port", port)
