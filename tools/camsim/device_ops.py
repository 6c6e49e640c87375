"""Device service (tds): identity, capabilities, services, scopes, clock and reboot.

Network settings are in ``network_ops``, users in ``user_ops``.
"""

import re
import time
from datetime import datetime, timezone

from .media_ops import media_service_capabilities
from .registry import operation
from .soap import SoapFault
from .xmlutil import TDS, TRT, TT, child, children, parse_bool, sub, text, tt, xbool

_POSIX_TZ = re.compile(r"^\s*(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?")
CAPABILITY_CATEGORIES = ("All", "Analytics", "Device", "Events", "Imaging", "Media", "PTZ")


def tz_east_seconds(tz):
    """Seconds east of UTC of a POSIX TZ string's standard time ("CST-8:00:00" → +28800);
    None when it cannot be read. DST rules are ignored."""
    match = _POSIX_TZ.match(tz or "")
    if not match:
        return None
    sign, hours, minutes, seconds = match.groups()
    west = int(hours) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return west if sign == "-" else -west


def _datetime(parent, name, stamp):
    moment = datetime.fromtimestamp(stamp, timezone.utc)
    element = tt(parent, name)
    clock = tt(element, "Time")
    tt(clock, "Hour", moment.hour)
    tt(clock, "Minute", moment.minute)
    tt(clock, "Second", moment.second)
    date = tt(element, "Date")
    tt(date, "Year", moment.year)
    tt(date, "Month", moment.month)
    tt(date, "Day", moment.day)


def _version(parent, ns, name, dotted):
    major, dummy, minor = str(dotted).partition(".")
    element = sub(parent, ns, name)
    tt(element, "Major", int(major))
    tt(element, "Minor", int(minor or 0))


@operation(TDS, "GetSystemDateAndTime")
def get_system_date_and_time(ctx, request):
    camera = ctx.camera
    info = sub(ctx.respond(), TDS, "SystemDateAndTime")
    tt(info, "DateTimeType", camera.date_time_type)
    tt(info, "DaylightSavings", xbool(camera.daylight_savings))
    tt(tt(info, "TimeZone"), "TZ", camera.timezone)
    now = camera.now()
    _datetime(info, "UTCDateTime", now)
    _datetime(info, "LocalDateTime", now + (tz_east_seconds(camera.timezone) or 0))


def _utc_from_request(element):
    try:
        clock, date = child(element, "Time"), child(element, "Date")
        moment = datetime(int(text(date, "Year")), int(text(date, "Month")), int(text(date, "Day")),
                          int(text(clock, "Hour")), int(text(clock, "Minute")),
                          int(text(clock, "Second")), tzinfo=timezone.utc)
    except (TypeError, ValueError):
        raise SoapFault("InvalidArgVal", "InvalidDateTime", reason="An invalid date or time was specified") from None
    return moment.timestamp()


@operation(TDS, "SetSystemDateAndTime", level="Administrator")
def set_system_date_and_time(ctx, request):
    camera = ctx.camera
    kind = text(request, "DateTimeType")
    if kind not in ("Manual", "NTP"):
        raise SoapFault("InvalidArgVal", reason="DateTimeType must be Manual or NTP")
    try:
        daylight = parse_bool(text(request, "DaylightSavings"), camera.daylight_savings)
    except ValueError:
        raise SoapFault("InvalidArgVal", reason="DaylightSavings is not a boolean") from None
    tz = text(child(request, "TimeZone"), "TZ")
    if tz is not None and tz_east_seconds(tz) is None:
        raise SoapFault("InvalidArgVal", "InvalidTimeZone", reason="An invalid time zone was specified")
    utc = child(request, "UTCDateTime")
    stamp = _utc_from_request(utc) if kind == "Manual" and utc is not None else None
    camera.date_time_type = kind
    camera.daylight_savings = daylight
    if tz is not None:
        camera.timezone = tz
    if camera.quirks.get("clock_step_ignored"):
        pass  # accepted, and the clock stays where it was (quirk)
    elif kind == "NTP":
        camera.clock_offset = 0.0  # "synchronised"; the NTP server is never contacted
    elif stamp is not None:
        camera.clock_offset = stamp - time.time()
    camera.changed()
    ctx.respond()


@operation(TDS, "GetDeviceInformation")
def get_device_information(ctx, request):
    p = ctx.camera.personality
    response = ctx.respond()
    sub(response, TDS, "Manufacturer", p["manufacturer"])
    sub(response, TDS, "Model", p["model"])
    sub(response, TDS, "FirmwareVersion", p["firmware"])
    sub(response, TDS, "SerialNumber", ctx.camera.serial)
    sub(response, TDS, "HardwareId", p["hardware_id"])


def _device_capabilities(parent, camera):
    device = tt(parent, "Device")
    tt(device, "XAddr", camera.device_url)
    network = tt(device, "Network")
    for name in ("IPFilter", "ZeroConfiguration", "IPVersion6", "DynDNS"):
        tt(network, name, "false")
    system = tt(device, "System")
    for name in ("DiscoveryResolve", "DiscoveryBye", "RemoteDiscovery", "SystemBackup",
                 "SystemLogging", "FirmwareUpgrade"):
        tt(system, name, "false")
    for dotted in camera.personality["capabilities"]["supported_versions"]:
        _version(system, TT, "SupportedVersions", dotted)
    io = tt(device, "IO")
    tt(io, "InputConnectors", 0)
    tt(io, "RelayOutputs", 0)
    security = tt(device, "Security")
    for name in ("TLS1.1", "TLS1.2", "OnboardKeyGeneration", "AccessPolicyConfig", "X.509Token",
                 "SAMLToken", "KerberosToken", "RELToken"):
        tt(security, name, "false")


def _media_capabilities(parent, camera):
    media = tt(parent, "Media")
    tt(media, "XAddr", camera.media_url)
    streaming = tt(media, "StreamingCapabilities")
    tt(streaming, "RTPMulticast", "false")
    tt(streaming, "RTP_TCP", "true")
    tt(streaming, "RTP_RTSP_TCP", "true")
    profiles = tt(tt(media, "Extension"), "ProfileCapabilities")
    tt(profiles, "MaximumNumberOfProfiles", camera.personality["capabilities"]["max_profiles"])


@operation(TDS, "GetCapabilities")
def get_capabilities(ctx, request):
    wanted = [c.text.strip() for c in children(request, "Category") if c.text] or ["All"]
    bad = [c for c in wanted if c not in CAPABILITY_CATEGORIES]
    if bad:
        raise SoapFault("InvalidArgVal", reason="Unknown capability category %s" % bad[0])
    missing = [c for c in wanted if c not in ("All", "Device", "Media")]
    if missing:
        raise SoapFault("ActionNotSupported", "NoSuchService",
                        reason="The requested WSDL service category is not supported by the device")
    capabilities = sub(ctx.respond(), TDS, "Capabilities")
    if "All" in wanted or "Device" in wanted:
        _device_capabilities(capabilities, ctx.camera)
    if "All" in wanted or "Media" in wanted:
        _media_capabilities(capabilities, ctx.camera)


def device_service_capabilities(parent, camera):
    """Append ``tds:Capabilities`` (GetServices and GetServiceCapabilities share it)."""
    capabilities = sub(parent, TDS, "Capabilities")
    sub(capabilities, TDS, "Network", attrib={
        "IPFilter": "false", "ZeroConfiguration": "false", "IPVersion6": "false",
        "DynDNS": "false", "Dot11Configuration": "false", "HostnameFromDHCP": "true",
        "NTP": "2"})
    sub(capabilities, TDS, "Security", attrib={
        "TLS1.0": "false", "TLS1.1": "false", "TLS1.2": "false", "OnboardKeyGeneration": "false",
        "AccessPolicyConfig": "false", "DefaultAccessPolicy": "true", "Dot1X": "false",
        "RemoteUserHandling": "false", "X.509Token": "false", "SAMLToken": "false",
        "KerberosToken": "false", "UsernameToken": "true", "HttpDigest": "true",
        "RELToken": "false", "MaxUsers": "32"})
    sub(capabilities, TDS, "System", attrib={
        "DiscoveryResolve": "false", "DiscoveryBye": "false", "RemoteDiscovery": "false",
        "SystemBackup": "false", "SystemLogging": "false", "FirmwareUpgrade": "false",
        "HttpFirmwareUpgrade": "false", "HttpSystemBackup": "false",
        "HttpSystemLogging": "false", "HttpSupportInformation": "false"})
    return capabilities


@operation(TDS, "GetServices")
def get_services(ctx, request):
    camera = ctx.camera
    try:
        include = parse_bool(text(request, "IncludeCapability"), False)
    except ValueError:
        raise SoapFault("InvalidArgVal", reason="IncludeCapability is not a boolean") from None
    versions = camera.personality["capabilities"]
    response = ctx.respond()
    for ns, url, version, builder in (
            (TDS, camera.device_url, versions["device_service_version"], device_service_capabilities),
            (TRT, camera.media_url, versions["media_service_version"], media_service_capabilities)):
        service = sub(response, TDS, "Service")
        sub(service, TDS, "Namespace", ns)
        sub(service, TDS, "XAddr", url)
        if include:
            builder(sub(service, TDS, "Capabilities"), camera)
        _version(service, TDS, "Version", version)


@operation(TDS, "GetServiceCapabilities")
def get_service_capabilities(ctx, request):
    device_service_capabilities(ctx.respond(), ctx.camera)


@operation(TDS, "GetScopes")
def get_scopes(ctx, request):
    response = ctx.respond()
    for definition, uri in ctx.camera.scopes():
        scope = sub(response, TDS, "Scopes")
        tt(scope, "ScopeDef", definition)
        tt(scope, "ScopeItem", uri)


@operation(TDS, "GetWsdlUrl")
def get_wsdl_url(ctx, request):
    sub(ctx.respond(), TDS, "WsdlUrl", "http://www.onvif.org/Documents/Specifications.aspx")


@operation(TDS, "GetEndpointReference")
def get_endpoint_reference(ctx, request):
    sub(ctx.respond(), TDS, "GUID", "urn:uuid:" + ctx.camera.uuid)


@operation(TDS, "SystemReboot", level="Administrator")
def system_reboot(ctx, request):
    camera = ctx.camera
    sub(ctx.respond(), TDS, "Message", camera.personality.get("reboot_message", "Rebooting"))
    if camera.runtime is not None:
        ctx.after_response = camera.runtime.schedule_reboot
