# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the per-task cost of onvif_camera_info against ansible.builtin.ping.

    .venv/bin/python bench/info_vs_ping.py [--cameras 20] [--forks 5]

One ansible-playbook run on one inventory of simulated cameras: a ping task on every camera
host (connection local, as camera tasks run), then an onvif_camera_info task on every camera.
Prints each task's wall time, its time per camera and the ratio info / ping. Then, outside
Ansible, the time one module process takes (the installed module file run with its arguments
on stdin, best and median of ``--processes`` runs): onvif_camera_info against one camera,
ansible.builtin.ping alone -- the start-up cost every task pays.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import _bench


def time_process(argv, stdin, env=None, runs=7):
    """(best, median) wall seconds of ``runs`` runs of a command."""
    times = []
    for dummy in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, input=stdin, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - started)
    times.sort()
    return times[0], times[len(times) // 2]


def module_processes(site, collections, runs):
    """(info best, info median, ping best, ping median) of single module processes."""
    camera = sorted(site.cameras.values(), key=lambda c: c.name)[0]
    user, password = _bench.CREDENTIALS[camera.vendor]
    module = os.path.join(collections, 'ansible_collections', 'dukcapil', 'cctv', 'plugins', 'modules', 'onvif_camera_info.py')
    args = {'ANSIBLE_MODULE_ARGS': {'hostname': camera.address, 'port': camera.http_port, 'username': user,
                                    'password': password}}
    env = dict(os.environ, PYTHONPATH=collections)
    info = time_process([sys.executable, module], json.dumps(args).encode(), env, runs)
    ping = time_process([sys.executable, '-m', 'ansible.modules.ping'], b'{"ANSIBLE_MODULE_ARGS": {}}', None, runs)
    return info + ping


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cameras', type=int, default=20)
    parser.add_argument('--forks', type=int, default=5)
    parser.add_argument('--processes', type=int, default=7, help='single-process runs to time (0: none)')
    args = parser.parse_args()

    load_before = _bench.load_average()
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
        processes = module_processes(site, collections, args.processes) if args.processes else None
    ping, info = times['ping'], times['onvif_camera_info']
    print('cameras: %d, forks: %d, playbook wall time: %.2f s' % (args.cameras, args.forks, wall))
    print('ping task:              %6.2f s  (%.3f s per camera)' % (ping, ping / args.cameras))
    print('onvif_camera_info task: %6.2f s  (%.3f s per camera)' % (info, info / args.cameras))
    print('ratio onvif_camera_info / ping: %.2f' % (info / ping))
    if processes:
        print('one module process, best / median of %d: onvif_camera_info %.3f / %.3f s, ping %.3f / %.3f s '
              '(ratio of the best: %.2f)' % ((args.processes,) + processes + (processes[0] / processes[2],)))
    print('load average (1 min) before / after: %.2f / %.2f' % (load_before, _bench.load_average()))


if __name__ == '__main__':
    main()
