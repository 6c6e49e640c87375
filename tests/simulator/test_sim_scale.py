"""Two hundred cameras start in one process (timing lives in bench/sim_start.py)."""

import random

from simlib import POOL, creds, soap

COUNT = 200


def test_two_hundred_cameras_start(make_site):
    vendors = ("hikvision", "axis", "generic")
    addresses = POOL.take(COUNT)
    cameras = [{"name": "cam-%03d" % i, "vendor": vendors[i % 3], "address": address,
                "password": "Scale2026x" if i % 3 == 0 else None, "clock_offset": 0}
               for i, address in enumerate(addresses)]
    site = make_site(cameras)
    assert len(site.cameras) == COUNT
    assert all(c.status == "running" for c in site.cameras.values())
    for camera in random.sample(list(site.cameras.values()), 6):
        user, password = creds(camera) if camera.vendor != "hikvision" else ("admin", "Scale2026x")
        reply = soap(camera.device_url, "<tds:GetDeviceInformation/>", user, password)
        assert reply.findtext("tds:SerialNumber") == camera.serial
