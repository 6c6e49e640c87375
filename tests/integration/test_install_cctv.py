# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole procedure (dukcapil.cctv.install_cctv) on the demo site, twice: the second run changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO_SITE = os.path.join(ROOT, 'tools', 'camsim', 'sites', 'demo.yml')
DEMO_INVENTORY = os.path.join(ROOT, 'inventory', 'demo')
ACCEPT = ['-e', 'mount_attested_by=Budi Santoso', '-e', 'review_sub_koordinator_decision=accepted',
          '-e', 'review_kepala_bidang_decision=accepted']


def changed_tasks(stdout):
    """The names of the tasks that reported a change, for the failure message."""
    names, task = [], None
    for line in stdout.splitlines():
        if line.startswith('TASK ['):
            task = line.rstrip('* ')
        elif line.startswith('changed:') and task not in names:
            names.append(task)
    return names


@pytest.fixture
def demo_site():
    with open(DEMO_SITE) as f:
        data = yaml.safe_load(f)
    data['defaults']['reboot_seconds'] = 0.5
    site = camsim.Site.from_dict(data).start()
    yield site
    site.stop()


@pytest.mark.integration
def test_whole_procedure_twice(tmp_path, run_playbook, demo_site):
    viewer = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'make_demo_viewer.py'),
                             '--output-dir', str(tmp_path / 'dist')], check=True, capture_output=True, text=True)
    env = {'CCTV_DEMO_DIR': str(tmp_path), 'CCTV_DEMO_VIEWER_CHECKSUM': viewer.stdout.splitlines()[1]}
    plays = [{'name': 'The whole procedure', 'ansible.builtin.import_playbook': 'dukcapil.cctv.install_cctv'}]
    args = ['-i', DEMO_INVENTORY, '-f', '6'] + ACCEPT

    first = run_playbook(plays, extra_args=args, env=env)
    assert first.rc == 0, first
    record = json.loads((tmp_path / 'run' / 'record.json').read_text())
    assert record['agenda']['number'].endswith('/PIAK/%s' % record['agenda']['date'][:4])
    assert sorted(c['address'] for c in record['cameras']) == [
        '127.0.10.11', '127.0.10.12', '127.0.10.13', '127.0.11.11', '127.0.11.12', '127.0.11.13']
    assert all(c['hardening']['factory_password_removed'] for c in record['cameras'])
    assert all(demo_site.cameras[c['name']].address == c['address'] for c in record['cameras'])
    # The workstations name the viewer itself (not the profile) and the address Ansible reached them at.
    assert [(w['name'], w['viewer'], w.get('address')) for w in record['workstations']] == [
        ('ws-apk-01', 'cctv-viewer', '127.0.0.1'), ('ws-kabid-01', 'cctv-viewer', '127.0.0.1')], record['workstations']
    assert (tmp_path / 'run' / 'label-aset.pdf').exists()
    assert (tmp_path / 'run' / 'laporan' / 'SMG-DEMO-01.id.pdf').exists()

    second = run_playbook(plays, extra_args=args, env=env)
    assert second.rc == 0, second
    assert second.changed == 0, changed_tasks(second.stdout)
    assert json.loads((tmp_path / 'run' / 'record.json').read_text()) == record
