"""The state of one simulated camera: identity, network, clock, users, faults.

Nothing here does I/O; the listeners (``camsim.listeners``) serve this state and the
ONVIF operations (``device_ops``, ``network_ops``, ``media_ops``) read and change it.
"""

import copy
import hashlib
import logging
import time
import uuid
from urllib.parse import quote

from .auth import DigestAuthority, NonceCache

LOG = logging.getLogger("camsim.camera")

#: Fields kept across restarts by ``--persist`` (the camera's "flash").
PERSISTED = ("address", "prefix_length", "dhcp", "gateway", "hostname", "hostname_from_dhcp",
             "dns", "ntp", "clock_offset", "date_time_type", "daylight_savings", "timezone",
             "users", "pending_network", "native")


def _digest_int(name, salt):
    return int(hashlib.sha256(("%s/%s" % (salt, name)).encode()).hexdigest(), 16)


def make_mac(oui, name, upper=False):
    tail = _digest_int(name, "mac").to_bytes(32, "big")[:3]
    mac = "%s:%s" % (oui.lower(), ":".join("%02x" % b for b in tail))
    return mac.upper() if upper else mac


def make_serial(fmt, name, model, mac):
    value = _digest_int(name, "serial")
    return fmt.format(model=model, mac_hex=mac.replace(":", "").upper(),
                      date="2025%02d%02d" % (1 + value % 12, 1 + value // 12 % 28),
                      digits="%09d" % (value % 10 ** 9))


class Camera:
    """One camera. Public attributes are the Python API (tests read and change them)."""

    def __init__(self, entry):
        p = entry["personality"]
        self.personality = p
        self.name = entry["name"]
        self.vendor = p["name"]
        self.mac = entry.get("mac") or make_mac(p["mac_oui"], self.name, p.get("mac_upper"))
        self.serial = entry.get("serial") or make_serial(p["serial_format"], self.name, p["model"], self.mac)
        self.uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, "camsim:%s:%s" % (self.vendor, self.serial)))
        self.http_port = entry["http_port"]
        self.rtsp_port = entry["rtsp_port"]
        self.reboot_seconds = entry["reboot_seconds"]
        self.location = entry.get("location") or p.get("location", "")
        # network ("running" values; pending_network applies at the next reboot)
        self.address = entry["address"]
        self.prefix_length = int(entry.get("prefix_length") or p.get("factory_prefix_length", 24))
        self.dhcp = False
        self.dhcp_address = entry.get("dhcp_address")
        self.pending_network = None
        self.gateway = [p.get("factory_gateway")] if p.get("factory_gateway") else []
        self.hostname = entry.get("hostname") or self.fill(p["hostname"])
        self.hostname_from_dhcp = False
        self.dns = copy.deepcopy(p.get("dns") or {"from_dhcp": False, "search": [], "manual": []})
        self.ntp = copy.deepcopy(p.get("ntp") or {"from_dhcp": False, "manual": []})
        # clock
        offset = entry.get("clock_offset")
        self.clock_offset = float(p.get("clock_offset", 0) if offset is None else offset)
        self.date_time_type = p.get("date_time_type", "Manual")
        self.daylight_savings = bool(p.get("daylight_savings"))
        self.timezone = entry.get("timezone") or p["timezone"]
        # users and faults; ``native`` holds the vendor API's own state (web users of
        # ISAPI / Dahua, ONVIF switched on or off, device name), see camsim.firstboot
        self.first_boot = entry.get("first_boot") or "factory_password"
        self.native = {}
        self.volatile = {}   # vendor-API state lost at restart (challenges, sessions, keys)
        self.users = self._initial_users(entry)
        self.faults = entry["faults"]
        self.quirks = entry.get("quirks") or {}
        if "clock_offset" in self.faults:
            self.clock_offset = float(self.faults["clock_offset"])
        # runtime
        self.status = "stopped"
        self.boot_count = 0
        self.frame_counter = 0
        self.frozen_frame = None
        self.nonces = NonceCache()
        self.digest = DigestAuthority(self.fill(p["digest_realm"]))
        self.on_change = None   # set by the Site (persistence)
        self.runtime = None     # the CameraListeners serving this camera
        self.peers = {}         # every camera of the site by name (set by the Site)

    # -- identity ------------------------------------------------------------------------
    def fill(self, template, **extra):
        """Fill a personality template (see personalities.yaml)."""
        mac_hex = self.mac.replace(":", "").upper()
        values = {"model": self.personality["model"], "mac": self.mac, "mac_hex": mac_hex,
                  "mac_hex_lower": mac_hex.lower(),
                  "serial": getattr(self, "serial", ""),
                  "serial_tail": getattr(self, "serial", "")[-5:]}
        values.update(extra)
        return template.format(**values)

    def _initial_users(self, entry):
        """The ONVIF users at first start (and ``native`` for the vendor-API modes)."""
        p = self.personality
        users = [dict(u) for u in entry.get("users") or []]
        mode = self.first_boot
        activated = entry.get("activated")
        if activated is None:
            activated = mode == "factory_account" or bool(entry.get("password"))
        password = str(entry.get("password") or p["factory_password"])
        if mode in ("isapi", "devinit"):
            # the web (ISAPI / Dahua) users are their own list; ONVIF users are separate
            self.native["web_users"] = [{"id": 1, "username": p["factory_user"], "password": password,
                                         "level": "Administrator"}] if activated else []
            self.native["onvif_enabled"] = bool(entry.get("onvif_enabled", mode == "devinit"))
            self.native["device_name"] = entry.get("hostname") or p.get("device_name", "IP CAMERA")
            if mode == "devinit" and activated and not any(u["username"] == p["factory_user"] for u in users):
                users.insert(0, {"username": p["factory_user"], "password": password,
                                 "level": "Administrator"})
            return users
        if activated and not any(u["username"] == p["factory_user"] for u in users):
            users.insert(0, {"username": p["factory_user"], "password": password,
                             "level": "Administrator"})
        return users if activated or users else []

    @property
    def activated(self):
        """False while the camera is in its factory state (no administrator yet): no ONVIF
        user (profile_q), no web user (isapi, devinit), no VAPIX administrator (vapix)."""
        mode = self.first_boot
        if mode == "factory_account":
            return bool(self.users) or not self.personality["requires_activation"]
        if mode in ("isapi", "devinit"):
            return bool(self.native.get("web_users"))
        if mode == "vapix":
            return any(u["level"] == "Administrator" for u in self.users)
        return bool(self.users)

    @property
    def onvif_enabled(self):
        """False while the vendor keeps ONVIF switched off (isapi: until Integrate)."""
        if self.first_boot == "isapi":
            return bool(self.native.get("onvif_enabled"))
        return True

    def find_web_user(self, username):
        for user in self.native.get("web_users") or ():
            if user["username"] == username:
                return user
        return None

    @property
    def credentials_note(self):
        """What a person needs to log in (never a non-factory password)."""
        p = self.personality
        if not self.activated:
            return {"profile_q": "not activated: CreateUsers sets the first admin",
                    "isapi": "not activated: ISAPI activation sets the admin password",
                    "vapix": "needs setup: pwdgrp.cgi add creates the first administrator",
                    "devinit": "not initialised: DevInit sets the admin password",
                    }.get(self.first_boot, "no user")
        if self.first_boot in ("isapi", "devinit"):
            return "web admin set; ONVIF %s, ONVIF users: %s" % (
                "on" if self.onvif_enabled else "off", ",".join(u["username"] for u in self.users) or "-")
        factory = self.find_user(p["factory_user"])
        if factory and factory["password"] == p["factory_password"]:
            return "%s/%s (factory)" % (p["factory_user"], p["factory_password"])
        names = ",".join(u["username"] for u in self.users) or "-"
        return "users: %s (password set)" % names

    # -- URLs ----------------------------------------------------------------------------
    def service_url(self, kind):
        return "http://%s:%d%s" % (self.address, self.http_port, self.personality["paths"][kind])

    @property
    def device_url(self):
        return self.service_url("device")

    @property
    def media_url(self):
        return self.service_url("media")

    def profile(self, token):
        for profile in self.personality["profiles"]:
            if profile["token"] == token:
                return profile
        return None

    def stream_uri(self, profile):
        return "rtsp://%s:%d%s" % (self.address, self.rtsp_port, profile["rtsp_path"])

    def snapshot_uri(self, profile):
        return "http://%s:%d%s" % (self.address, self.http_port, profile["snapshot_path"])

    @property
    def rtsp_url(self):
        return self.stream_uri(self.personality["profiles"][0])

    def scopes(self):
        """``(definition, uri)`` pairs: the ONVIF scopes this camera announces."""
        p = self.personality
        base = "onvif://www.onvif.org/"
        fixed = ["type/video_encoder", "type/Network_Video_Transmitter", "Profile/Streaming",
                 "hardware/" + quote(p["model"])]
        scopes = [("Fixed", base + item) for item in fixed]
        scopes += [("Fixed", self.fill(extra)) for extra in p.get("extra_scopes") or []]
        scopes.append(("Configurable", base + "name/" + quote(p["manufacturer"])))
        if self.location:
            scopes.append(("Configurable", base + "location/" + quote(self.location)))
        return scopes

    # -- clock ---------------------------------------------------------------------------
    def now(self):
        """The camera's clock, epoch seconds (host clock + clock_offset)."""
        return time.time() + self.clock_offset

    # -- users ---------------------------------------------------------------------------
    def find_user(self, username):
        for user in self.users:
            if user["username"] == username:
                return user
        return None

    # -- network -------------------------------------------------------------------------
    def apply_pending_network(self):
        """At boot: the configuration set by SetNetworkInterfaces becomes the running one."""
        pending, self.pending_network = self.pending_network, None
        if not pending:
            return
        self.dhcp = pending["dhcp"]
        if self.dhcp:
            self.address = self.dhcp_address or self.address
        else:
            self.address = pending["address"]
            self.prefix_length = pending["prefix_length"]

    # -- faults --------------------------------------------------------------------------
    def set_faults(self, changes):
        """Merge fault settings (a key set to None is removed). ``clock_offset`` sets the
        clock directly."""
        from .config import check_faults  # late import: config imports personalities only

        merged = dict(self.faults)
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            elif isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
                merged[key] = {k: v for k, v in merged[key].items() if v is not None}
            else:
                merged[key] = value
        merged = check_faults(merged, "camera " + self.name)
        if "clock_offset" in changes and changes["clock_offset"] is not None:
            self.clock_offset = float(changes["clock_offset"])
        self.faults.clear()
        self.faults.update(merged)

    def set_quirks(self, changes):
        """Merge quirk settings like ``set_faults`` (a key set to None is removed; a
        mapping value is merged, a list replaces the old one)."""
        from .config import check_quirks

        merged = dict(self.quirks)
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            elif isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {k: v for k, v in {**merged[key], **value}.items() if v is not None}
            else:
                merged[key] = value
        merged = check_quirks(merged, "camera " + self.name)
        self.quirks.clear()
        self.quirks.update(merged)

    def quirk_ops(self, key):
        """The operation names listed under quirk ``key`` (a list or a mapping)."""
        return self.quirks.get(key) or ()

    # -- state ---------------------------------------------------------------------------
    def changed(self):
        """Tell the site that persisted state changed."""
        if self.on_change is not None:
            self.on_change(self)

    def to_state(self):
        return copy.deepcopy({key: getattr(self, key) for key in PERSISTED})

    def apply_state(self, state):
        for key in PERSISTED:
            if key in state:
                setattr(self, key, copy.deepcopy(state[key]))

    def summary(self):
        """Public description (state file, control endpoint, CLI table). No passwords."""
        return {
            "name": self.name, "vendor": self.vendor, "status": self.status,
            "address": self.address, "http_port": self.http_port, "rtsp_port": self.rtsp_port,
            "device_url": self.device_url, "rtsp_url": self.rtsp_url, "serial": self.serial,
            "mac": self.mac, "hostname": self.hostname, "activated": self.activated,
            "first_boot": self.first_boot, "onvif_enabled": self.onvif_enabled,
            "users": [{"username": u["username"], "level": u["level"]} for u in self.users],
            "credentials": self.credentials_note, "clock_offset": self.clock_offset,
            "pending_network": self.pending_network, "boot_count": self.boot_count,
            "faults": self.faults, "quirks": self.quirks,
        }
