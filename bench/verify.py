# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the scheduled verification (dukcapil.cctv.verify_cctv) of a large installed site.

    .venv/bin/python bench/verify.py [--cameras 100] [--forks 10]

The site is simulated as installed: every camera at its final address with the office's
password (the factory login refused), its host name, time zone and a correct clock; the run
record names each camera's identity, address and an evidence frame taken from it. One
ansible-playbook run: a ping task on every camera, then the verification (identity, accounts,
clock and settings in check mode, stream, scene, history and report). Prints the wall time,
the time of each check, and the per-camera cost as a ratio to the ping task's in the same run.
The target of issue 15 is under 60 s for 100 cameras with forks 10 on the 2-core machine
(measured, not asserted).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess

import _bench

from camsim import snapshot  # noqa: E402  (tools/ is on sys.path through _bench)

ROOM_SIZE = 20
PASSWORD = 'Bench-Verif-26!'
BLOCK = '127.0.90'   # issue 15's loopback blocks: 127.0.90-94


def site_and_inventory(count, work):
    cameras, rooms, record_cameras = [], {}, []
    for i in range(count):
        vendor = ('hikvision', 'axis')[i % 2]
        name = 'cam-%03d' % (i + 1)
        cameras.append({'name': name, 'vendor': vendor, 'address': '%s.%d' % (BLOCK, 10 + i), 'activated': True,
                        'password': PASSWORD, 'first_boot': 'factory_account', 'hostname': name,
                        'timezone': 'WIB-7', 'clock_offset': 0})
        room = 'Ruang %02d' % (i // ROOM_SIZE + 1)
        group = rooms.setdefault('room_%02d' % (i // ROOM_SIZE + 1), {
            'vars': {'room_name': room, 'room_subnet': BLOCK + '.0/24'}, 'hosts': {}})
        group['hosts'][name] = {'ansible_host': '%s.%d' % (BLOCK, 10 + i), 'camera_address': '%s.%d' % (BLOCK, 10 + i),
                                'camera_hostname': name, 'camera_vendor': vendor,
                                'onvif_username': 'admin' if vendor == 'hikvision' else 'root'}
    site = _bench.camsim.Site.from_dict({'defaults': {'http_port': 8000, 'rtsp_port': 8554, 'reboot_seconds': 2},
                                         'cameras': cameras})
    os.makedirs(os.path.join(work, 'run', 'snapshots'))
    for name, camera in site.cameras.items():
        # The evidence frame of the installation: what the camera showed then.
        with open(os.path.join(work, 'run', 'snapshots', name + '.jpg'), 'wb') as f:
            f.write(snapshot.frame(camera))
        record_cameras.append({'name': name, 'room': 'Ruang %02d' % ((int(name[4:]) - 1) // ROOM_SIZE + 1),
                               'address': camera.address, 'serial': camera.serial, 'mac': camera.mac.lower(),
                               'snapshot': 'snapshots/%s.jpg' % name})
    record = os.path.join(work, 'run', 'record.json')
    with open(record, 'w', encoding='utf-8') as f:
        json.dump({'schema_version': 1, 'run_id': 'BENCH-VERIFY-01', 'site': {'code': 'SMG', 'name': 'Bench'},
                   'cameras': record_cameras}, f)
    inventory = {'all': {'vars': {'cctv_run_record': record, 'verify_require_accepted': False,
                                  'verify_history_database': os.path.join(work, 'verifikasi.sqlite3'),
                                  'cctv_timezone': 'Asia/Jakarta'},
                         'children': {'cameras': {'vars': {'onvif_port': 8000, 'onvif_password': PASSWORD},
                                                  'children': rooms}}}}
    return site, inventory


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', type=int, default=100)
    parser.add_argument('--forks', type=int, default=10)
    args = parser.parse_args()

    load_before = _bench.load_average()
    collections_path = _bench.install_collection()
    work = os.path.join(_bench.WORK, 'verify')
    subprocess.run(['rm', '-rf', work], check=True)
    os.makedirs(work)
    site, inventory = site_and_inventory(args.cameras, work)
    plays = [
        {'name': 'Ping every camera', 'hosts': 'cameras', 'gather_facts': False, 'connection': 'local',
         'tasks': [{'name': 'ping', 'ansible.builtin.ping': {}}]},
        {'name': 'The scheduled verification', 'ansible.builtin.import_playbook': 'dukcapil.cctv.verify_cctv'},
    ]
    with site:
        wall, times = _bench.run_timed(plays, inventory, collections_path, forks=args.forks)
    checks = collections.OrderedDict()
    for task, seconds in times.items():
        checks[task] = checks.get(task, 0.0) + seconds
    ping = times['ping']
    verification = sum(s for t, s in times.items() if t != 'ping')
    print('cameras: %d, forks: %d' % (args.cameras, args.forks))
    print('wall time: %.1f s (the verification %.1f s of task time, ping task %.1f s)' % (wall, verification, ping))
    print('ratio verification / ping (per camera, same inventory, same run): %.1f' % (verification / ping))
    print('per camera: %.2f s of task time; ping %.3f s' % (verification / args.cameras, ping / args.cameras))
    print('tasks (sum over hosts of the task\'s wall time), slowest first:')
    for task, seconds in sorted(checks.items(), key=lambda item: -item[1])[:14]:
        print('  %7.1f s  %s' % (seconds, task))
    print('load average (1 min) before / after: %.2f / %.2f' % (load_before, _bench.load_average()))


if __name__ == '__main__':
    main()
