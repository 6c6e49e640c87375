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
    "prefix_length", "timezone", "users", "overrides", "quirks", "first_boot", "onvif_enabled",
))
DEFAULT_KEYS = CAMERA_KEYS - {"name", "address", "serial", "mac", "dhcp_address"}
FAULT_KEYS = frozenset((
    "operations", "delay", "delay_all", "never_return_after_reboot", "clock_offset", "covered",
    "frozen",
))
#: Device behaviours seen on third-party cameras (README "Fault injection" → ``quirks``).
#: Value kinds: "ops" a list of operation names, "op_map" operation → value, "bool",
#: "number", or a tuple of allowed strings.
QUIRK_KINDS = {
    "set_ignored": "ops",                   # issue 10 case 5
    "empty_get": "ops",                     # case 6
    "anonymous_get_users_empty": "bool",    # case 8
    "network_interfaces_reply": ("reboot_needed", "empty_ignored", "empty_live"),  # case 9
    "no_pre_auth": "bool",                  # case 10
    "clock_step_ignored": "bool",           # case 11
    "picture": ("normal", "covered", "frozen", "covered_osd", "frozen_osd"),      # case 12
    "discovery_via": "name",                # case 13
    "truncated": "ops",                     # cases 14, 16
    "wrong_response": "op_map",             # case 14
    "slow_drip": "op_map",                  # case 15
    "slow_drip_limit": "number",            # case 15
    "get_users_hides_factory": "bool",      # case 16
    "aim": "int",                           # issue 15: the camera was turned (another scene)
}
QUIRK_KEYS = frozenset(QUIRK_KINDS)
SLOW_DRIP_LIMIT = 30.0
SQUATTER_KEYS = frozenset(("address", "port", "banner", "status", "body"))
SITE_KEYS = frozenset(("defaults", "cameras", "squatters", "control_port"))
USER_LEVELS = ("Administrator", "Operator", "User", "Anonymous")
#: How a camera leaves the factory (README "First boot"): ``native`` is the personality's own
#: vendor way (its ``native_first_boot``); the others name the mechanism.
FIRST_BOOT_MODES = ("factory_account", "profile_q", "isapi", "vapix", "devinit", "native")
SADP_PORT = 37020
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


def _op_name(value, what):
    if not isinstance(value, str) or not value.isidentifier():
        raise SiteError("%s: %r is not an operation name (e.g. GetDNS)" % (what, value))
    return value


def check_quirks(quirks, what):
    """Validate a quirks mapping (site YAML, personality or runtime API); return a copy
    with normalised values (lists of operation names, numbers)."""
    quirks = dict(quirks or {})
    _check_keys(quirks, QUIRK_KEYS, what + ".quirks")
    for key, value in list(quirks.items()):
        kind = QUIRK_KINDS[key]
        where = "%s.quirks.%s" % (what, key)
        if kind == "ops":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                raise SiteError("%s: give a list of operation names" % where)
            quirks[key] = [_op_name(v, where) for v in value]
        elif kind == "op_map":
            if not isinstance(value, dict):
                raise SiteError("%s: give a mapping of operation names" % where)
            checked = {}
            for op, item in value.items():
                _op_name(op, where)
                if key == "slow_drip":
                    try:
                        item = float(item)
                    except (TypeError, ValueError):
                        raise SiteError("%s.%s: seconds per byte must be a number" % (where, op)) from None
                    if not 0 < item <= 5:
                        raise SiteError("%s.%s: seconds per byte must be in (0, 5]" % (where, op))
                else:
                    _op_name(item, "%s.%s" % (where, op))
                checked[op] = item
            quirks[key] = checked
        elif kind == "bool":
            if not isinstance(value, bool):
                raise SiteError("%s: true or false" % where)
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise SiteError("%s: a whole number" % where)
        elif kind == "number":
            try:
                quirks[key] = float(value)
            except (TypeError, ValueError):
                raise SiteError("%s: a number of seconds" % where) from None
            if quirks[key] <= 0:
                raise SiteError("%s: must be positive" % where)
        elif kind == "name":
            if not isinstance(value, str) or not value:
                raise SiteError("%s: the name of another camera" % where)
        elif value not in kind:
            raise SiteError("%s: %r is not one of %s" % (where, value, ", ".join(kind)))
    return quirks


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
    merged = dict(personality.get("quirks") or {})
    merged.update(entry.get("quirks") or {})
    entry["quirks"] = check_quirks(merged, what)
    entry["users"] = _users(entry.get("users"), what)
    entry["first_boot"] = _first_boot(entry.get("first_boot"), personality, what)
    if not isinstance(entry.get("onvif_enabled", False), bool):
        raise SiteError("%s.onvif_enabled: true or false" % what)
    return entry


def _first_boot(value, personality, what):
    """The camera's first-boot mode: the site's value, else the personality's default."""
    value = value or personality.get("first_boot", "factory_account")
    if value not in FIRST_BOOT_MODES:
        raise SiteError("%s.first_boot: %r is not one of %s" % (what, value, ", ".join(FIRST_BOOT_MODES)))
    native = personality.get("native_first_boot", "profile_q")
    if value == "native":
        value = native
    if value not in ("factory_account", "profile_q", native):
        raise SiteError("%s.first_boot: %s is not how a %s camera boots (use factory_account, "
                        "profile_q or %s)" % (what, value, personality["name"], native))
    return value


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

    by_name = {camera["name"]: camera for camera in cameras}
    for camera in cameras:
        claim(("tcp", camera["address"], camera["http_port"]), "camera " + camera["name"])
        claim(("tcp", camera["address"], camera["rtsp_port"]), "camera " + camera["name"])
        via = camera["quirks"].get("discovery_via")
        if camera["personality"].get("sadp") and via is None:
            claim(("udp", camera["address"], SADP_PORT), "camera " + camera["name"])
        if via is None:
            claim(("udp", camera["address"], DISCOVERY_PORT), "camera " + camera["name"])
            continue
        host = by_name.get(via)
        if host is None or via == camera["name"] or host["quirks"].get("discovery_via"):
            raise SiteError("camera %s.quirks.discovery_via: %r is not another camera that answers "
                            "discovery itself" % (camera["name"], via))
        if host["address"] != camera["address"]:
            raise SiteError("camera %s.quirks.discovery_via: %s listens on %s, not on %s (one "
                            "device answers for both)" % (camera["name"], via, host["address"],
                                                          camera["address"]))
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
