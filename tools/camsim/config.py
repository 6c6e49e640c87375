"""Site description (YAML or dict) → validated, normalised camera and squatter entries.

Network safety lives here: every address the simulator will listen on must be in
127.0.0.0/8, and no two listeners may share an address and port.
"""

import ipaddress

import yaml

from . import personalities

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
DISCOVERY_PORT = 3702

CAMERA_KEYS = frozenset((
    "name", "vendor", "address", "http_port", "rtsp_port", "reboot_seconds", "serial", "mac",
    "password", "activated", "clock_offset", "faults", "hostname", "location", "dhcp_address",
    "prefix_length", "timezone", "users", "overrides",
))
DEFAULT_KEYS = CAMERA_KEYS - {"name", "address", "serial", "mac", "dhcp_address"}
FAULT_KEYS = frozenset((
    "operations", "delay", "delay_all", "never_return_after_reboot", "clock_offset", "covered",
    "frozen",
))
SQUATTER_KEYS = frozenset(("address", "port", "banner", "status", "body"))
SITE_KEYS = frozenset(("defaults", "cameras", "squatters", "control_port"))
USER_LEVELS = ("Administrator", "Operator", "User", "Anonymous")
BUILTIN_DEFAULTS = {"vendor": "generic", "http_port": 8000, "rtsp_port": 8554, "reboot_seconds": 2}


class SiteError(ValueError):
    """The site description is invalid (the message names the offending entry)."""


def check_loopback(address, what):
    """Return ``address`` normalised; raise SiteError unless it is an IPv4 in 127.0.0.0/8."""
    try:
        parsed = ipaddress.ip_address(str(address))
    except ValueError:
        raise SiteError("%s: %r is not an IP address" % (what, address)) from None
    if parsed.version != 4 or parsed not in LOOPBACK:
        raise SiteError("%s: %s is not in 127.0.0.0/8; the simulator only uses loopback "
                        "addresses" % (what, parsed))
    return str(parsed)


def _check_keys(entry, allowed, what):
    if not isinstance(entry, dict):
        raise SiteError("%s: expected a mapping, got %r" % (what, entry))
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise SiteError("%s: unknown key(s) %s (allowed: %s)"
                        % (what, ", ".join(unknown), ", ".join(sorted(allowed))))


def _port(value, what):
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise SiteError("%s: %r is not a port number" % (what, value)) from None
    if not 1 <= port <= 65535:
        raise SiteError("%s: port %d out of range" % (what, port))
    return port


def check_faults(faults, what):
    """Validate a fault-injection mapping (site YAML or runtime API); return a copy."""
    faults = dict(faults or {})
    _check_keys(faults, FAULT_KEYS, what + ".faults")
    for key in ("operations", "delay"):
        if not isinstance(faults.get(key, {}), dict):
            raise SiteError("%s.faults.%s must be a mapping of operation names" % (what, key))
    for op, value in faults.get("operations", {}).items():
        if not isinstance(value, (str, dict)):
            raise SiteError("%s.faults.operations.%s: give a subcode such as "
                            "'ter:InvalidArgVal' or a mapping" % (what, op))
    try:
        faults["delay"] = {op: float(v) for op, v in faults.get("delay", {}).items()}
        faults["delay_all"] = float(faults.get("delay_all") or 0.0)
    except (TypeError, ValueError):
        raise SiteError("%s.faults: delays must be numbers of seconds" % what) from None
    faults.setdefault("operations", {})
    return faults


def _users(entries, what):
    users = []
    for index, entry in enumerate(entries or []):
        _check_keys(entry, {"username", "password", "level"}, "%s.users[%d]" % (what, index))
        level = entry.get("level", "User")
        if level not in USER_LEVELS:
            raise SiteError("%s.users[%d]: level must be one of %s" % (what, index, USER_LEVELS))
        users.append({"username": str(entry["username"]), "password": str(entry.get("password", "")),
                      "level": level})
    return users


def _camera(raw, defaults, index):
    what = "cameras[%d]" % index
    _check_keys(raw, CAMERA_KEYS, what)
    if not raw.get("name"):
        raise SiteError("%s: a camera needs a name" % what)
    what = "camera %s" % raw["name"]
    entry = dict(BUILTIN_DEFAULTS)
    entry.update(defaults)
    entry.update(raw)
    entry["name"] = str(entry["name"])
    try:
        personality = personalities.get(entry["vendor"], entry.get("overrides"))
    except personalities.PersonalityError as exc:
        raise SiteError("%s: %s" % (what, exc)) from None
    entry["personality"] = personality
    entry["address"] = check_loopback(entry.get("address") or personality["factory_address"],
                                      what + ".address")
    if entry.get("dhcp_address"):
        entry["dhcp_address"] = check_loopback(entry["dhcp_address"], what + ".dhcp_address")
    entry["http_port"] = _port(entry["http_port"], what + ".http_port")
    entry["rtsp_port"] = _port(entry["rtsp_port"], what + ".rtsp_port")
    entry["reboot_seconds"] = float(entry["reboot_seconds"])
    entry["faults"] = check_faults(entry.get("faults"), what)
    entry["users"] = _users(entry.get("users"), what)
    return entry


def _squatter(raw, index):
    what = "squatters[%d]" % index
    _check_keys(raw, SQUATTER_KEYS, what)
    entry = {"banner": "nginx", "status": 200, "body": None}
    entry.update(raw)
    entry["address"] = check_loopback(entry.get("address"), what + ".address")
    entry["port"] = _port(entry.get("port", 80), what + ".port")
    entry["name"] = "squatter %s:%d" % (entry["address"], entry["port"])
    return entry


def _check_endpoints(cameras, squatters):
    owners = {}

    def claim(key, owner):
        if key in owners:
            raise SiteError("%s and %s both want %s:%d/%s" % (owners[key], owner, key[1], key[2], key[0]))
        owners[key] = owner

    for camera in cameras:
        claim(("tcp", camera["address"], camera["http_port"]), "camera " + camera["name"])
        claim(("tcp", camera["address"], camera["rtsp_port"]), "camera " + camera["name"])
        claim(("udp", camera["address"], DISCOVERY_PORT), "camera " + camera["name"])
    for squatter in squatters:
        claim(("tcp", squatter["address"], squatter["port"]), squatter["name"])


def load_site_dict(data):
    """Validate a site description; return ``{"cameras": [...], "squatters": [...],
    "control_port": int|None}`` with every camera entry completed from the defaults."""
    if not isinstance(data, dict):
        raise SiteError("a site description is a mapping with a 'cameras' list")
    _check_keys(data, SITE_KEYS, "site")
    defaults = data.get("defaults") or {}
    _check_keys(defaults, DEFAULT_KEYS, "defaults")
    cameras = [_camera(raw, defaults, i) for i, raw in enumerate(data.get("cameras") or [])]
    names = [c["name"] for c in cameras]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SiteError("camera names must be unique: %s" % ", ".join(duplicates))
    squatters = [_squatter(raw, i) for i, raw in enumerate(data.get("squatters") or [])]
    _check_endpoints(cameras, squatters)
    control_port = data.get("control_port")
    return {"cameras": cameras, "squatters": squatters,
            "control_port": None if control_port is None else int(control_port)}


def load_site_file(path):
    with open(path, encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise SiteError("%s: not valid YAML: %s" % (path, exc)) from None
    return load_site_dict(data)
