"""Benchmark: start N simulated cameras in one process, then one ONVIF call to each.

    PYTHONPATH=tools python bench/sim_start.py [--count 200] [--workers 16]

Prints the start time, the process's resident memory, and the time of one round of
GetDeviceInformation (WS-Security digest) on every camera. Figures only: nothing asserted.
"""

import argparse
import base64
import concurrent.futures
import datetime
import hashlib
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))

started_import = time.perf_counter()
import camsim  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - started_import
VENDORS = ("hikvision", "axis", "generic")
PASSWORDS = {"hikvision": ("admin", "Bench2026x"), "axis": ("root", "pass"), "generic": ("admin", "admin")}


def rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def free_block():
    """A 127.X.Y.0/24 block where nothing listens on port 8000 of .1."""
    for x in range(210, 250):
        for y in range(0, 256, 17):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.%d.%d.1" % (x, y), 8000))
                    return "127.%d.%d" % (x, y)
                except OSError:
                    continue
    raise SystemExit("no free loopback block found")


def request(user, password):
    nonce = os.urandom(16)
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>'
        '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" '
        'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
        "<wsse:UsernameToken><wsse:Username>%s</wsse:Username><wsse:Password Type=\"http://docs.oasis-open.org/"
        "wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest\">%s</wsse:Password>"
        "<wsse:Nonce>%s</wsse:Nonce><wsu:Created>%s</wsu:Created></wsse:UsernameToken></wsse:Security>"
        "</s:Header><s:Body><GetDeviceInformation xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/></s:Body>"
        "</s:Envelope>" % (user, digest, base64.b64encode(nonce).decode(), created)).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    if args.count > 253:
        raise SystemExit("--count up to 253 (one /24 block)")
    block = free_block()
    cameras = [{"name": "bench-%03d" % i, "vendor": VENDORS[i % 3], "address": "%s.%d" % (block, i + 1),
                "clock_offset": 0, "password": PASSWORDS["hikvision"][1] if i % 3 == 0 else None}
               for i in range(args.count)]
    baseline = rss_mb()
    began = time.perf_counter()
    # ONVIF accounts from the start (the default first boot is the vendors' way, ONVIF off until then).
    site = camsim.Site.from_dict({"defaults": {"first_boot": "factory_account"}, "cameras": cameras})
    loaded = time.perf_counter()
    site.start()
    up = time.perf_counter()
    memory = rss_mb()
    print("cameras:              %d (%s.1-%d)" % (args.count, block, args.count))
    print("import camsim:        %.3f s" % IMPORT_SECONDS)
    print("load site:            %.3f s" % (loaded - began))
    print("start (all listening): %.3f s" % (up - loaded))
    print("RSS before start:     %.1f MB" % baseline)
    print("RSS after start:      %.1f MB  (+%.1f MB, %.1f kB per camera)"
          % (memory, memory - baseline, (memory - baseline) * 1024 / args.count))

    import requests  # imported late so it does not count in the RSS figures above

    local = __import__("threading").local()

    def call(camera):
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
            http.trust_env = False  # loopback only: never a proxy
        response = http.post(camera.device_url, data=request(*PASSWORDS[camera.vendor]), timeout=10,
                             headers={"Content-Type": "application/soap+xml; charset=utf-8"})
        return response.status_code == 200 and b"SerialNumber" in response.content

    try:
        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(call, site.cameras.values()))
        elapsed = time.perf_counter() - began
        print("GetDeviceInformation: %d/%d ok in %.3f s (%d client threads, %.0f calls/s)"
              % (sum(results), len(results), elapsed, args.workers, len(results) / elapsed))
        print("RSS after the round:  %.1f MB (client included)" % rss_mb())
    finally:
        began = time.perf_counter()
        site.stop()
        print("stop:                 %.3f s" % (time.perf_counter() - began))


if __name__ == "__main__":
    main()
