# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks share: the built collection, a simulated site, a timed playbook run.

Benchmarks print figures and assert nothing about speed. They run the collection as users
do: from its tarball, through ansible-playbook, against cameras of the simulator on loopback.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
BIN = os.path.dirname(sys.executable)
WORK = os.path.join(ROOT, 'build', 'bench')

import camsim  # noqa: E402  pylint: disable=wrong-import-position

# Credentials the simulated cameras are given (activated, so every one answers ONVIF at once).
CREDENTIALS = {'hikvision': ('admin', 'Bench-2026-admin'), 'axis': ('root', 'pass')}
# The simulator boots the vendors' way by default (Hikvision ONVIF off until ISAPI activation, no
# Axis account until VAPIX). The benchmarks measure the ONVIF path, as the figures before that
# default did: cameras come with their ONVIF account (README of tools/camsim, "First boot").
FIRST_BOOT = 'factory_account'


def load_average():
    """The 1-minute load average, printed beside every figure (the machine is shared)."""
    return os.getloadavg()[0]


def install_collection():
    """Build the tarball and install it under build/bench/collections; return that path."""
    dest = os.path.join(WORK, 'collections')
    dist = os.path.join(WORK, 'dist')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', dist],
                   cwd=ROOT, check=True, capture_output=True)
    tarball = sorted(glob.glob(os.path.join(dist, 'dukcapil-cctv-*.tar.gz')))[-1]
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '-p', dest, tarball],
                   cwd=ROOT, check=True, capture_output=True)
    return dest


def camera_site(count, block='127.0.20', port=8000, **camera_args):
    """A site of ``count`` activated cameras, half Hikvision-like and half Axis-like."""
    cameras = []
    for i in range(count):
        vendor = ('hikvision', 'axis')[i % 2]
        user, password = CREDENTIALS[vendor]
        entry = {'name': 'cam-%03d' % (i + 1), 'vendor': vendor,
                 'address': '%s.%d' % (block, 10 + i), 'activated': True}
        if vendor == 'hikvision':
            entry['password'] = password
        entry.update(camera_args)
        cameras.append(entry)
    return camsim.Site.from_dict({'defaults': {'http_port': port, 'rtsp_port': 8554, 'reboot_seconds': 2,
                                               'first_boot': FIRST_BOOT},
                                  'cameras': cameras})


def camera_inventory(site):
    """The inventory a user would write for ``site``: a `cameras` group with ONVIF access."""
    hosts = {}
    for name, cam in site.cameras.items():
        user, password = CREDENTIALS[cam.vendor]
        hosts[name] = {'ansible_host': cam.address, 'onvif_port': cam.http_port,
                       'onvif_username': user, 'onvif_password': password}
    return {'all': {'children': {'cameras': {'hosts': hosts}}}}


def run_timed(plays, inventory, collections, forks=10, extra_env=None, extra_args=()):
    """Run a playbook once; return (wall seconds, {task name: wall seconds}) from the task_timer callback."""
    os.makedirs(WORK, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='run-', dir=WORK)
    pb, inv, times = (os.path.join(tmp, n) for n in ('playbook.yml', 'inventory.yml', 'times.json'))
    with open(pb, 'w') as f:
        yaml.safe_dump(plays, f, sort_keys=False)
    with open(inv, 'w') as f:
        yaml.safe_dump(inventory, f)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, 'bench', 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_timer', TASK_TIMER_FILE=times,
               ANSIBLE_LOCAL_TEMP=os.path.join(tmp, 'tmp'), ANSIBLE_HOME=os.path.join(tmp, 'home'))
    env.update(extra_env or {})
    start = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inv, '-f', str(forks), pb] + list(extra_args),
                          env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    with open(os.path.join(tmp, 'output.log'), 'w') as f:
        f.write(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        failures = [line for line in proc.stdout.splitlines() if line.startswith(('fatal:', 'failed:'))]
        sys.exit('the playbook failed (whole output: %s):\n%s\n%s'
                 % (os.path.join(tmp, 'output.log'), '\n'.join(failures[:5]), proc.stderr[-2000:]))
    totals = {}
    with open(times) as f:
        for entry in json.load(f):  # a task that runs several times (an included role) adds up
            totals[entry['task']] = totals.get(entry['task'], 0.0) + entry['seconds']
    return wall, totals
