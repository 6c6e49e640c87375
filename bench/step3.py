# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: SOP step 3 on N simulated cameras against ansible.builtin.ping, in one run.

    .venv/bin/python bench/step3.py [--cameras 50] [--forks 10] [--reboot-seconds 2]

One ansible-playbook run on one inventory: a ping task on every camera host, then step 3 on
every camera: the admin password rotated (Axis-like from its factory password, Hikvision-like
activated with one), and onvif_camera_ip setting hostname and NTP and moving the camera to a
new address (reboot, wait, re-identification). Prints the wall time, cameras per minute and the
step's per-camera cost as a ratio to the ping task's.
"""

from __future__ import annotations

import argparse

import _bench

NEW_PASSWORD = 'Bench-Step3-26!'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', type=int, default=50)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--reboot-seconds', type=float, default=2.0)
    args = parser.parse_args()

    load_before = _bench.load_average()
    collections = _bench.install_collection()
    cameras, hosts = [], {}
    for i in range(args.cameras):
        vendor = ('hikvision', 'axis')[i % 2]
        name = 'cam-%03d' % (i + 1)
        entry = {'name': name, 'vendor': vendor, 'address': '127.0.50.%d' % (10 + i)}
        if vendor == 'hikvision':
            entry.update(activated=False, first_boot='profile_q')  # activated over ONVIF by onvif_camera_user
        cameras.append(entry)
        hosts[name] = {'ansible_host': entry['address'], 'onvif_port': 8000, 'camera_vendor': vendor,
                       'onvif_username': 'admin' if vendor == 'hikvision' else 'root',
                       'camera_address': '127.0.49.%d' % (10 + i)}
    site = _bench.camsim.Site.from_dict({'defaults': {'http_port': 8000, 'rtsp_port': 8554,
                                                      'reboot_seconds': args.reboot_seconds,
                                                      'first_boot': _bench.FIRST_BOOT},
                                         'cameras': cameras})
    connection = {'hostname': '{{ ansible_host }}', 'port': '{{ onvif_port }}',
                  'username': '{{ onvif_username }}', 'password': NEW_PASSWORD}
    plays = [{
        'name': 'Ping, then step 3 on every camera',
        'hosts': 'cameras', 'gather_facts': False, 'connection': 'local',
        'module_defaults': {'group/dukcapil.cctv.onvif': connection},
        'tasks': [
            {'name': 'ping', 'ansible.builtin.ping': {}},
            {'name': 'password', 'dukcapil.cctv.onvif_camera_user': {
                'name': '{{ onvif_username }}', 'user_password': NEW_PASSWORD, 'level': 'Administrator',
                'vendor': '{{ camera_vendor }}'}},
            {'name': 'network', 'dukcapil.cctv.onvif_camera_ip': {
                'address': '{{ camera_address }}', 'prefix_length': 24, 'gateway': '127.0.49.1',
                'camera_hostname': '{{ inventory_hostname }}', 'ntp_servers': ['127.0.0.1']}},
        ],
    }]
    inventory = {'all': {'children': {'cameras': {'hosts': hosts}}}}
    with site:
        wall, times = _bench.run_timed(plays, inventory, collections, forks=args.forks)
        moved = sum(1 for c in site.cameras.values() if c.address.startswith('127.0.49.'))
    ping = times['ping']
    step3 = times['password'] + times['network']
    print('cameras: %d (moved: %d), forks: %d, simulated reboot: %.1f s' % (args.cameras, moved, args.forks, args.reboot_seconds))
    print('playbook wall time: %.1f s' % wall)
    print('step 3 wall time:   %.1f s (password %.1f s + network %.1f s)' % (step3, times['password'], times['network']))
    print('cameras per minute: %.1f' % (args.cameras / step3 * 60))
    print('ping task:          %.1f s' % ping)
    print('ratio step 3 / ping (per camera, same inventory, same run): %.1f' % (step3 / ping))
    print('load average (1 min) before / after: %.2f / %.2f' % (load_before, _bench.load_average()))


if __name__ == '__main__':
    main()
