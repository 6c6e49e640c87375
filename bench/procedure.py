# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the whole SOP-PIAK-02 (dukcapil.cctv.install_cctv) on a large simulated site.

    .venv/bin/python bench/procedure.py [--cameras 100] [--workstations 10] [--forks 10]

One ansible-playbook run on one inventory: a ping task on every camera, then steps 1-9 for
the site (cameras in rooms of 20, half Hikvision-like to activate, half Axis-like with their
factory password; workstations on this machine with the portable demo viewer). Prints the wall
time, each stage's time, and the procedure's per-camera cost as a ratio to the ping task's.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys

import yaml

import _bench

ROOM_SIZE = 20
PASSWORD = 'Bench-Proc-26!'


def site_and_inventory(count, workstations, work):
    cameras, rooms = [], {}
    for i in range(count):
        room = i // ROOM_SIZE
        # Factory addresses 200 to a /24, rooms in 127.61.0.0/16: apart from the test suites' 127.0.x.0/24 blocks.
        factory = '127.60.%d.%d' % (i // 200, 10 + i % 200)
        vendor = ('hikvision', 'axis')[i % 2]
        name = 'cam-%03d' % (i + 1)
        cameras.append({'name': name, 'vendor': vendor, 'address': factory, 'activated': False} if vendor == 'hikvision' else
                       {'name': name, 'vendor': vendor, 'address': factory})
        group = rooms.setdefault('room_%02d' % (room + 1), {
            'vars': {'room_name': 'Ruang %02d' % (room + 1), 'room_subnet': '127.61.%d.0/24' % (room + 1),
                     'room_gateway': '127.61.%d.1' % (room + 1)},
            'hosts': {}})
        group['hosts'][name] = {'ansible_host': factory, 'camera_vendor': vendor,
                                'camera_address': '127.61.%d.%d' % (room + 1, 10 + i % ROOM_SIZE),
                                'camera_hostname': name, 'camera_position': 'Posisi %d' % (i % ROOM_SIZE + 1),
                                'onvif_username': 'admin' if vendor == 'hikvision' else 'root'}
    room_names = [g['vars']['room_name'] for g in rooms.values()]
    with open(os.path.join(_bench.ROOT, 'inventory', 'demo', 'group_vars', 'all', 'site.yml')) as f:
        site_vars = yaml.safe_load(f)
    site_vars.update(cctv_run_id='BENCH-01', cctv_run_dir=os.path.join(work, 'run'),
                     cctv_report_dir=os.path.join(work, 'run', 'laporan'),
                     cctv_agenda_database=os.path.join(work, 'buku-agenda.sqlite3'),
                     cctv_asset_database=os.path.join(work, 'aset.sqlite3'),
                     cctv_run_record=os.path.join(work, 'run', 'record.json'))
    viewer = subprocess.run([sys.executable, os.path.join(_bench.ROOT, 'tools', 'make_demo_viewer.py'),
                             '--output-dir', os.path.join(work, 'dist')], check=True, capture_output=True, text=True)
    path, checksum = viewer.stdout.splitlines()[:2]
    stations = {'ws-%02d' % (i + 1): {'workstation_rooms': room_names[i % len(room_names):][:1]} for i in range(workstations)}
    inventory = {'all': {'vars': site_vars, 'children': {
        'cameras': {'vars': {'onvif_port': 8000, 'onvif_password': PASSWORD}, 'children': rooms},
        'workstations': {'hosts': stations, 'vars': {
            'ansible_connection': 'local', 'viewer_profile': 'generic', 'viewer_source': 'archive',
            'viewer_src': path, 'viewer_checksum': checksum, 'viewer_executable': 'bin/cctv-viewer',
            'viewer_operator': 'root', 'viewer_prefix': os.path.join(work, 'workstations', '{{ inventory_hostname }}')}},
        'protected': {'hosts': {'db-utama': {'ansible_host': '127.61.1.5'}}}}}}
    # The cameras boot the vendors' way (the simulator's default), as step 2 expects of new cameras.
    site = _bench.camsim.Site.from_dict({'defaults': {'http_port': 8000, 'rtsp_port': 8554, 'reboot_seconds': 2},
                                         'cameras': cameras})
    return site, inventory


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', type=int, default=100)
    parser.add_argument('--workstations', type=int, default=10)
    parser.add_argument('--forks', type=int, default=10)
    args = parser.parse_args()

    load_before = _bench.load_average()
    collections_path = _bench.install_collection()
    work = os.path.join(_bench.WORK, 'procedure')
    subprocess.run(['rm', '-rf', work], check=True)
    os.makedirs(work)
    site, inventory = site_and_inventory(args.cameras, args.workstations, work)
    plays = [
        {'name': 'Ping every camera', 'hosts': 'cameras', 'gather_facts': False, 'connection': 'local',
         'tasks': [{'name': 'ping', 'ansible.builtin.ping': {}}]},
        {'name': 'The whole procedure', 'ansible.builtin.import_playbook': 'dukcapil.cctv.install_cctv'},
    ]
    with site:
        wall, times = _bench.run_timed(plays, inventory, collections_path, forks=args.forks,
                                       extra_args=['-e', 'mount_attested_by=Bench', '-e', 'review_sub_koordinator_decision=accepted',
                                                   '-e', 'review_kepala_bidang_decision=accepted'])
    stages = collections.OrderedDict()
    for task, seconds in times.items():
        stage = task.split(' : ')[0].replace('dukcapil.cctv.', '') if ' : ' in task else 'playbook tasks'
        stages[stage] = stages.get(stage, 0.0) + seconds
    ping = times['ping']
    procedure = sum(s for t, s in times.items() if t != 'ping')
    print('cameras: %d, workstations: %d, forks: %d' % (args.cameras, args.workstations, args.forks))
    print('wall time: %.1f s (procedure %.1f s, ping task %.1f s)' % (wall, procedure, ping))
    for stage, seconds in stages.items():
        print('  %-16s %7.1f s' % (stage, seconds))
    print('ratio procedure / ping (per camera, same inventory, same run): %.1f' % (procedure / ping))
    print('per camera: %.2f s of task time; ping %.3f s' % (procedure / args.cameras, ping / args.cameras))
    slowest = sorted(times.items(), key=lambda item: -item[1])[:12]
    print('slowest tasks (sum over hosts of the task\'s wall time):')
    for task, seconds in slowest:
        print('  %7.1f s  %s' % (seconds, task))
    print('load average (1 min) before / after: %.2f / %.2f' % (load_before, _bench.load_average()))


if __name__ == '__main__':
    main()
