# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the per-task cost of onvif_camera_info against ansible.builtin.ping.

    .venv/bin/python bench/info_vs_ping.py [--cameras 20] [--forks 5]

One ansible-playbook run on one inventory of simulated cameras: a ping task on every camera
host (connection local, as camera tasks run), then an onvif_camera_info task on every camera.
Prints each task's wall time, its time per camera and the ratio info / ping.
"""

from __future__ import annotations

import argparse

import _bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', type=int, default=20)
    parser.add_argument('--forks', type=int, default=5)
    args = parser.parse_args()

    collections = _bench.install_collection()
    plays = [{
        'name': 'Ping, then read every camera',
        'hosts': 'cameras', 'gather_facts': False, 'connection': 'local',
        'tasks': [
            {'name': 'ping', 'ansible.builtin.ping': {}},
            {'name': 'onvif_camera_info', 'dukcapil.cctv.onvif_camera_info': {
                'hostname': '{{ ansible_host }}', 'port': '{{ onvif_port }}',
                'username': '{{ onvif_username }}', 'password': '{{ onvif_password }}'}},
        ],
    }]
    with _bench.camera_site(args.cameras) as site:
        wall, times = _bench.run_timed(plays, _bench.camera_inventory(site), collections, forks=args.forks)
    ping, info = times['ping'], times['onvif_camera_info']
    print('cameras: %d, forks: %d, playbook wall time: %.2f s' % (args.cameras, args.forks, wall))
    print('ping task:              %6.2f s  (%.3f s per camera)' % (ping, ping / args.cameras))
    print('onvif_camera_info task: %6.2f s  (%.3f s per camera)' % (info, info / args.cameras))
    print('ratio onvif_camera_info / ping: %.2f' % (info / ping))


if __name__ == '__main__':
    main()
