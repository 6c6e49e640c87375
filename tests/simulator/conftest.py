"""Fixtures for the camera simulator tests.

Every test gets its own loopback addresses (see ``simlib.AddressPool``), so the folder runs
in parallel under pytest-xdist. Run with::

    PYTHONPATH=tools python -m pytest -q tests/simulator -n 2
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools")
for folder in (TOOLS, HERE):  # camsim, and the helpers beside this file (any import mode)
    if folder not in sys.path:
        sys.path.insert(0, folder)

import camsim  # noqa: E402

from simlib import CREDENTIALS, POOL, unique_name  # noqa: E402

# The simulator's personalities boot the vendors' way by default (issue 12). These tests were
# written for the ONVIF-only first boot: a camera that does not name its first_boot gets it.
ONVIF_FIRST_BOOT = {"hikvision": "profile_q", "axis": "factory_account", "generic": "factory_account"}


def onvif_first_boot(camera, defaults):
    """The camera entry with the ONVIF-only first boot its tests were written for."""
    if "first_boot" in camera or "first_boot" in defaults or camera.get("vendor") not in ONVIF_FIRST_BOOT:
        return camera
    return dict(camera, first_boot=ONVIF_FIRST_BOOT[camera["vendor"]])


@pytest.fixture
def take_addresses():
    """``take_addresses(n)`` → n fresh loopback addresses for this test."""
    return POOL.take


@pytest.fixture
def make_site():
    """``make_site(cameras, squatters=(), defaults=None, **site_kwargs)`` → a started Site
    (background thread), stopped after the test. Reboots take 0.3 s unless told."""
    sites = []

    def factory(cameras, squatters=(), defaults=None, **kwargs):
        defaults = dict({"reboot_seconds": 0.3}, **(defaults or {}))
        data = {"defaults": defaults, "cameras": [onvif_first_boot(c, defaults) for c in cameras],
                "squatters": list(squatters)}
        site = camsim.Site.from_dict(data, **kwargs).start()
        sites.append(site)
        return site

    yield factory
    for site in reversed(sites):
        site.stop()


@pytest.fixture
def new_camera(make_site):
    """``new_camera(vendor="hikvision", activated=True, **entry)`` → a running Camera on a
    fresh address. Activated Hikvision cameras get admin/Admin12345, Axis ones a correct
    clock (clock_offset 0) unless told otherwise."""

    def factory(vendor="hikvision", activated=True, **entry):
        entry.setdefault("name", unique_name(vendor[:3]))
        entry.setdefault("address", POOL.take()[0])
        entry["vendor"] = vendor
        if vendor == "hikvision" and activated:
            entry.setdefault("password", CREDENTIALS["hikvision"][1])
        if vendor == "hikvision" and not activated:
            entry["activated"] = False
        if vendor == "axis":
            entry.setdefault("clock_offset", 0)
        site = make_site([entry])
        return site.cameras[entry["name"]]

    return factory
