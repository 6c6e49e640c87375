"""Disturbances: what happens to an installed camera behind the installer's back.

The scheduled verification (``dukcapil.cctv.verify_cctv``) must catch each of these; the
simulator makes them at run time, through the Python API or the control endpoint
(``POST /cameras/<name>/disturb`` with ``{"kind": ..., ...}``):

================  ======================================================================
kind              what the camera does from then on
================  ======================================================================
swap_identity     another device of the same model sits at the address: new serial
                  number and MAC (``serial``/``mac`` to choose them), same accounts
factory_reset     a soft factory reset (network kept, as ONVIF SetSystemFactoryDefault
                  Soft): the accounts are the factory login again (the personality's
                  factory user and password open it), the office account is gone
aim               the camera was turned: snapshots show another scene (``aim``: a
                  number other than 0, default 1)
cover             the lens is covered: uniform black snapshots (``quirks.picture``)
freeze            the encoder is stuck: the very same bytes every time
drift_clock       the clock drifted by ``seconds`` (default 600) more
change_setting    someone changed ``field`` (hostname, dns, ntp, gateway, timezone) to
                  ``value`` with the vendor's web page
heal              every disturbance above is undone (the state before the first one)
================  ======================================================================

The first disturbance of a camera keeps a copy of what they change, so ``heal`` brings the
camera back exactly; nothing else (faults, other quirks, boot count) is touched.
"""

import copy

from .camera import make_mac
from .config import SiteError, check_loopback

KINDS = ("swap_identity", "factory_reset", "aim", "cover", "freeze", "drift_clock", "change_setting", "heal")
SETTINGS = ("hostname", "dns", "ntp", "gateway", "timezone")
_KEPT = ("serial", "mac", "uuid", "users", "native", "clock_offset", "hostname", "dns", "ntp", "gateway",
         "timezone", "frozen_frame")


def _keep(camera):
    if getattr(camera, "undisturbed", None) is None:
        camera.undisturbed = {
            "state": {key: copy.deepcopy(getattr(camera, key)) for key in _KEPT},
            "picture": camera.quirks.get("picture"), "aim": camera.quirks.get("aim"),
        }


def _list(value, what):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise SiteError("%s: give a list of addresses or names" % what)
    return list(value)


def _change_setting(camera, field, value):
    what = "disturbance change_setting of camera %s" % camera.name
    if field not in SETTINGS:
        raise SiteError("%s: field must be one of %s, not %r" % (what, ", ".join(SETTINGS), field))
    if field == "hostname":
        if not isinstance(value, str) or not value:
            raise SiteError("%s: a host name is expected" % what)
        camera.hostname = value
        camera.hostname_from_dhcp = False
    elif field == "timezone":
        if not isinstance(value, str) or not value:
            raise SiteError("%s: a POSIX time zone is expected" % what)
        camera.timezone = value
    elif field == "gateway":
        camera.gateway = [check_loopback(v, what) for v in _list(value, what)]
    elif field == "dns":
        camera.dns = {**camera.dns, "from_dhcp": False, "manual": _list(value, what)}
    else:
        camera.ntp = {**camera.ntp, "from_dhcp": False, "manual": _list(value, what)}


def disturb(camera, kind, **params):
    """Disturb ``camera`` the way ``kind`` names (see the module docstring); SiteError if unknown."""
    if kind not in KINDS:
        raise SiteError("camera %s: unknown disturbance %r (one of %s)" % (camera.name, kind, ", ".join(KINDS)))
    if kind == "heal":
        return heal(camera)
    _keep(camera)
    if kind == "swap_identity":
        salt = camera.name + "/swapped"
        camera.mac = params.get("mac") or make_mac(camera.personality["mac_oui"], salt,
                                                   camera.personality.get("mac_upper"))
        camera.serial = params.get("serial") or camera.serial[:-4] + "%04d" % (int(camera.mac[-5:].replace(":", ""), 16) % 10000)
        camera.uuid = camera.uuid[:-12] + camera.mac.replace(":", "").lower()
    elif kind == "factory_reset":
        p = camera.personality
        account = {"username": p["factory_user"], "password": str(p["factory_password"]), "level": "Administrator"}
        camera.users = [dict(account)]
        if "web_users" in camera.native:
            camera.native["web_users"] = [dict(account, id=1)]
        camera.first_boot = "factory_account" if camera.first_boot == "profile_q" else camera.first_boot
    elif kind == "aim":
        aim = params.get("aim", 1)
        if not isinstance(aim, int) or isinstance(aim, bool) or aim == 0:
            raise SiteError("camera %s: disturbance aim: aim must be a whole number other than 0" % camera.name)
        camera.set_quirks({"aim": aim})
    elif kind == "cover":
        camera.set_quirks({"picture": "covered"})
    elif kind == "freeze":
        camera.frozen_frame = None
        camera.set_quirks({"picture": "frozen"})
    elif kind == "drift_clock":
        seconds = params.get("seconds", 600)
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise SiteError("camera %s: disturbance drift_clock: seconds must be a number" % camera.name)
        camera.clock_offset += float(seconds)
    elif kind == "change_setting":
        _change_setting(camera, params.get("field"), params.get("value"))
    camera.changed()
    return camera.summary()


def heal(camera):
    """Undo every disturbance of ``camera``; a camera never disturbed is left as it is."""
    kept = getattr(camera, "undisturbed", None)
    if kept is not None:
        for key, value in kept["state"].items():
            setattr(camera, key, copy.deepcopy(value))
        camera.set_quirks({"picture": kept["picture"], "aim": kept["aim"]})
        camera.undisturbed = None
        camera.changed()
    return camera.summary()
