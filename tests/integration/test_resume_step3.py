# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A run interrupted in step 3 resumes: some cameras already moved, the others not.

Steps 1 and 2 run on a copy of the demo site, step 3 only for two of the six cameras
(``--limit``, as if the run had stopped there), then the whole procedure: it finds the moved
cameras at their planned addresses, moves the others, and ends with one agenda entry.

The copy lives on other loopback addresses than the demo (127.0.41.x / 127.0.42.x /
127.0.43.x instead of 127.0.1.x / 127.0.10.x / 127.0.11.x), so this test can run in
parallel with test_install_cctv.py under xdist.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest
import yaml

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO_SITE = os.path.join(ROOT, 'tools', 'camsim', 'sites', 'demo.yml')
ACCEPT = ['-e', 'mount_attested_by=Budi Santoso', '-e', 'review_sub_koordinator_decision=accepted',
          '-e', 'review_kepala_bidang_decision=accepted']
# The demo's blocks (factory addresses, Ruang Server, Ruang Cadangan) and this test's.
BLOCKS = {'1': '41', '10': '42', '11': '43'}
ADDRESS = re.compile(r'\b127\.0\.(1|10|11)\.(\d{1,3})\b')
INTERRUPTED = ['cam-srv-01', 'cam-bak-02']

pytestmark = pytest.mark.integration


def moved(text):
    """The text with the demo's loopback blocks replaced by this test's."""
    return ADDRESS.sub(lambda m: '127.0.%s.%s' % (BLOCKS[m.group(1)], m.group(2)), text)


@pytest.fixture
def resume_site():
    with open(DEMO_SITE, encoding='utf-8') as f:
        data = yaml.safe_load(moved(f.read()))
    data['defaults']['reboot_seconds'] = 0.5
    site = camsim.Site.from_dict(data).start()
    yield site
    site.stop()


def test_resume_interrupted_step3(tmp_path, run_playbook, resume_site, copy_demo_inventory):
    inventory = str(tmp_path / 'inventory')
    plan = dict((name, {'factory': host['ansible_host'], 'planned': host['camera_address']})
                for name, host in copy_demo_inventory(inventory, moved).items())
    assert len(plan) == 6
    assert all(p['factory'].startswith('127.0.41.') for p in plan.values()), plan
    assert all(re.match(r'127\.0\.4[23]\.', p['planned']) for p in plan.values()), plan
    assert all(resume_site.cameras[n].address == p['factory'] for n, p in plan.items())

    viewer = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'make_demo_viewer.py'),
                             '--output-dir', str(tmp_path / 'dist')], check=True, capture_output=True, text=True)
    env = {'CCTV_DEMO_DIR': str(tmp_path), 'CCTV_DEMO_VIEWER_CHECKSUM': viewer.stdout.splitlines()[1]}
    args = ['-i', inventory, '-f', '6'] + ACCEPT

    def stages(*names):
        return [{'name': 'Step %s' % name, 'ansible.builtin.import_playbook': 'dukcapil.cctv.%s' % name} for name in names]

    first = run_playbook(stages('step1_prepare', 'step2_mount'), extra_args=args, env=env)
    assert first.rc == 0, first

    # Step 3 stops after two cameras: they are at their planned addresses, the others not.
    interrupted = run_playbook(stages('step3_camera_ip'), extra_args=args + ['--limit', ','.join(INTERRUPTED)], env=env)
    assert interrupted.rc == 0, interrupted
    assert sorted(interrupted.recap) == sorted(INTERRUPTED), interrupted
    for name, where in plan.items():
        expected = where['planned'] if name in INTERRUPTED else where['factory']
        assert resume_site.cameras[name].address == expected, (name, resume_site.cameras[name].address)

    whole = run_playbook(stages('install_cctv'), extra_args=args, env=env)
    assert whole.rc == 0, whole

    record = json.loads((tmp_path / 'run' / 'record.json').read_text())
    cameras = {c['name']: c for c in record['cameras']}
    assert sorted(cameras) == sorted(plan)
    for name, where in plan.items():
        assert resume_site.cameras[name].address == where['planned'], name
        assert cameras[name]['address'] == where['planned'], cameras[name]
        assert cameras[name]['factory_address'] == where['factory'], cameras[name]
        assert cameras[name]['hardening']['factory_password_removed'], cameras[name]
        assert cameras[name]['stream_uri'].startswith('rtsp://%s:' % where['planned']), cameras[name]
    assert all(record['steps'][str(n)]['result'] == 'ok' for n in range(1, 10)), record['steps']
    assert record['agenda']['number'].endswith('/PIAK/%s' % record['agenda']['date'][:4])

    with sqlite3.connect(str(tmp_path / 'buku-agenda.sqlite3')) as book:
        entries = book.execute('SELECT COUNT(*) FROM entries').fetchone()[0]
    assert entries == 1
