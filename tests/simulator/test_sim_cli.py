"""``python -m camsim start/status/stop`` with a state file, in a separate process."""

import json
import os
import socket
import subprocess
import sys
import time

import yaml

from simlib import soap

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools")


def camsim(*args, timeout=60):
    env = dict(os.environ, PYTHONPATH=TOOLS)
    return subprocess.run([sys.executable, "-m", "camsim"] + list(args), env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_start_status_stop(tmp_path, take_addresses):
    first, second = take_addresses(2)
    site = tmp_path / "site.yml"
    site.write_text(yaml.safe_dump({
        "defaults": {"http_port": 8000, "rtsp_port": 8554},
        "cameras": [{"name": "cam-a1", "vendor": "hikvision", "first_boot": "profile_q", "address": first,
                     "password": "Kantor2026"},
                    {"name": "cam-b1", "vendor": "axis", "first_boot": "factory_account", "address": second,
                     "clock_offset": 0}]}))
    state = tmp_path / "sim.json"
    log = tmp_path / "sim.log"
    started = camsim("start", str(site), "--state-file", str(state), "--log", str(log))
    assert started.returncode == 0, started.stderr
    assert "cam-a1" in started.stdout and "http://%s:8000/onvif/device_service" % first in started.stdout
    assert "root/pass (factory)" in started.stdout and "Kantor2026" not in started.stdout
    info = json.loads(state.read_text())
    pid = info["pid"]
    try:
        assert {c["name"]: c["address"] for c in info["cameras"]} == {"cam-a1": first, "cam-b1": second}
        reply = soap(info["cameras"][0]["device_url"], "<tds:GetDeviceInformation/>", "admin", "Kantor2026")
        assert reply.findtext("tds:Manufacturer") == "HIKVISION"

        again = camsim("start", str(site), "--state-file", str(state))
        assert again.returncode == 1 and "already running" in again.stderr
        clash = camsim("start", str(site), "--state-file", str(tmp_path / "other.json"))
        assert clash.returncode == 1 and "cannot listen" in clash.stderr

        status = camsim("status", "--state-file", str(state))
        assert status.returncode == 0 and "cam-b1" in status.stdout and "running" in status.stdout
        as_json = json.loads(camsim("status", "--state-file", str(state), "--json").stdout)
        assert as_json["cameras"][1]["address"] == second
    finally:
        stopped = camsim("stop", "--state-file", str(state))
    assert stopped.returncode == 0, stopped.stderr
    assert gone(pid) and not state.exists()
    with socket.socket() as sock:
        assert sock.connect_ex((first, 8000)) != 0
    assert camsim("status", "--state-file", str(state)).returncode == 3
    assert "not running" in camsim("stop", "--state-file", str(state)).stdout
    assert "site up" in log.read_text()


def test_start_refuses_a_bad_site(tmp_path):
    site = tmp_path / "site.yml"
    site.write_text("cameras:\n  - {name: x, vendor: axis, address: 192.168.0.90}\n")
    result = camsim("start", str(site), "--state-file", str(tmp_path / "s.json"))
    assert result.returncode == 2 and "127.0.0.0/8" in result.stderr


def test_run_in_the_foreground_stops_on_sigterm(tmp_path, take_addresses):
    site = tmp_path / "site.yml"
    address = take_addresses(1)[0]
    site.write_text(yaml.safe_dump({"cameras": [{"name": "cam-f", "vendor": "generic", "address": address}]}))
    env = dict(os.environ, PYTHONPATH=TOOLS)
    process = subprocess.Popen([sys.executable, "-m", "camsim", "run", str(site)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("NAME")
        assert "cam-f" in process.stdout.readline()
        assert not soap("http://%s:8000/onvif/device_service" % address, "<tds:GetSystemDateAndTime/>").is_fault
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
    time.sleep(0.05)
    with socket.socket() as sock:
        assert sock.connect_ex((address, 8000)) != 0
