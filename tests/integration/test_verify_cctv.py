# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scheduled verification (dukcapil.cctv.verify_cctv, issue 15) against a disturbed demo site.

The demo site is installed once (install_cctv, accepted) on this file's loopback blocks
(127.0.61-63.x), in one test so that pytest-xdist keeps it in one worker. Then:

- the healthy site passes, and the history holds that verification;
- six cameras are disturbed at once, one way each (camsim.disturb: swap identity, factory reset,
  aim, cover, freeze, clock drift): the playbook fails, and for each camera exactly the check
  that the disturbance concerns is a problem with its reason, the others pass (or are skipped
  with the reason, where the failing check makes them impossible), the untouched workstations
  pass, and the history holds both runs;
- a setting changed behind the collection's back is a settings problem, and a workstation's emptied
  camera list a viewer problem; with ``verify_remediate=true`` both are set again and recorded, and
  the next run passes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')
from camsim.disturb import disturb  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
DEMO_SITE = os.path.join(ROOT, 'tools', 'camsim', 'sites', 'demo.yml')
BLOCKS = {'1': '61', '10': '62', '11': '63'}
ADDRESS = re.compile(r'\b127\.0\.(1|10|11)\.(\d{1,3})\b')
ACCEPT = ['-e', 'mount_attested_by=Budi Santoso', '-e', 'review_sub_koordinator_decision=accepted',
          '-e', 'review_kepala_bidang_decision=accepted']
VERIFY = [{'name': 'Verify', 'ansible.builtin.import_playbook': 'dukcapil.cctv.verify_cctv'}]

#: camera -> (disturbance, its parameters, the check that must fail, words of its reason)
DISTURBANCES = {
    'cam-srv-01': ('swap_identity', {}, 'identity', 'a different device answers at 127.0.62.11'),
    'cam-srv-02': ('aim', {}, 'scene', 'another scene than the reference frame'),
    'cam-srv-03': ('factory_reset', {}, 'credentials', 'the office account does not log in'),
    'cam-bak-01': ('cover', {}, 'stream', 'not_uniform: the picture is uniform'),
    'cam-bak-02': ('freeze', {}, 'stream', 'not_frozen: the picture is frozen'),
    'cam-bak-03': ('drift_clock', {'seconds': 900}, 'clock', 's off the controller'),
}
#: checks a failing check makes impossible, and the word their skip reason has
SKIPPED = {'credentials': ({'identity', 'settings', 'clock', 'stream', 'scene'}, 'office account'), 'stream': ({'scene'}, 'not compared')}

pytestmark = pytest.mark.integration


def moved(text):
    return ADDRESS.sub(lambda m: '127.0.%s.%s' % (BLOCKS[m.group(1)], m.group(2)), text)


class Site:
    """The installed demo copy: its folder, inventory, environment and simulator."""

    def __init__(self, tmp, collections_path):
        self.tmp = tmp
        self.inventory = str(tmp / 'inventory')
        shutil.copytree(os.path.join(ROOT, 'inventory', 'demo'), self.inventory)
        for folder, _dirs, files in os.walk(self.inventory):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(moved(text))
        with open(DEMO_SITE, encoding='utf-8') as f:
            data = yaml.safe_load(moved(f.read()))
        data['defaults']['reboot_seconds'] = 0.5
        self.sim = camsim.Site.from_dict(data).start()
        viewer = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'make_demo_viewer.py'),
                                 '--output-dir', str(tmp / 'dist')], check=True, capture_output=True, text=True)
        self.env = dict(os.environ, CCTV_DEMO_DIR=str(tmp), CCTV_DEMO_VIEWER_CHECKSUM=viewer.stdout.splitlines()[1],
                        ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                        ANSIBLE_LOCAL_TEMP=str(tmp / 'ansible-local'), ANSIBLE_HOME=str(tmp / 'ansible-home'),
                        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_RETRY_FILES_ENABLED='False')
        self.runs = 0

    def play(self, plays, *args):
        self.runs += 1
        book = self.tmp / ('playbook-%d.yml' % self.runs)
        book.write_text(yaml.safe_dump(plays, sort_keys=False))
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', self.inventory, '-f', '6', str(book)]
                              + list(args), cwd=str(self.tmp), env=self.env, capture_output=True, text=True,
                              timeout=900, check=False)
        return proc

    def verify(self, *args):
        proc = self.play(VERIFY, *args)
        reports = sorted((self.tmp / 'verifikasi').glob('verifikasi-*.json'), key=os.path.getmtime)
        report = json.loads(reports[-1].read_text(encoding='utf-8')) if reports else None
        return proc, report

    def history(self, sql):
        with sqlite3.connect(str(self.tmp / 'verifikasi.sqlite3')) as conn:
            return conn.execute(sql).fetchall()


def shown(proc):
    return 'rc=%s\n%s\n%s' % (proc.returncode, proc.stdout[-8000:], proc.stderr[-3000:])


def checks_of(report, subject):
    return next(r['checks'] for r in report['results'] if r['subject'] == subject)


def install(tmp_path, collections_path):
    installed = Site(tmp_path, collections_path)
    proc = installed.play([{'name': 'Install', 'ansible.builtin.import_playbook': 'dukcapil.cctv.install_cctv'}], *ACCEPT)
    if proc.returncode != 0:
        installed.sim.stop()
    assert proc.returncode == 0, shown(proc)
    return installed


def check_baseline(site, baseline):
    proc, report = baseline
    assert proc.returncode == 0, shown(proc)
    assert report['watched'] and report['passed'] and report['problems'] == []
    assert sorted(r['subject'] for r in report['results']) == sorted(list(DISTURBANCES) + ['ws-apk-01', 'ws-kabid-01'])
    for result in report['results']:
        assert {c['status'] for c in result['checks'].values()} == {'ok'}, result
    assert set(checks_of(report, 'cam-srv-01')) == {'identity', 'credentials', 'clock', 'settings', 'stream', 'scene'}
    assert (site.tmp / 'verifikasi' / 'frames' / 'cam-srv-01.jpg').exists()
    page = next((site.tmp / 'verifikasi').glob('verifikasi-*.id.html')).read_text(encoding='utf-8')
    assert 'Semua ruangan diawasi.' in page


def check_disturbed(site, disturbed):
    proc, report = disturbed
    assert proc.returncode != 0, shown(proc)
    assert 'a room is NOT watched' in proc.stdout, shown(proc)
    assert not report['watched'] and {r['name']: r['watched'] for r in report['rooms']} == {
        'Ruang Server': False, 'Ruang Cadangan': False}
    assert {r['subject'] for r in report['results'][:6]} == set(DISTURBANCES), 'problems first'
    for workstation in ('ws-apk-01', 'ws-kabid-01'):
        assert list(checks_of(report, workstation)) == ['viewer']
        assert checks_of(report, workstation)['viewer']['status'] == 'ok'
    rows = site.history('SELECT watched, problems FROM verifications ORDER BY id')
    assert rows[:2] == [(1, 0), (0, 6)], rows
    assert site.history("SELECT COUNT(*) FROM checks WHERE status = 'problem' AND verification_id = 2") == [(6,)]


def check_disturbance(report, camera):
    """The disturbance of ``camera`` fails its own check with its reason; the others pass or are skipped."""
    kind, _params, failing, words = DISTURBANCES[camera]
    checks = checks_of(report, camera)
    problems = {name for name, check in checks.items() if check['status'] == 'problem'}
    assert problems == {failing}, (kind, checks)
    assert words in checks[failing]['reason'], (kind, checks[failing])
    skipped, because = SKIPPED.get(failing, (set(), ''))
    for name, check in checks.items():
        if name in skipped:
            assert check['status'] == 'skipped' and because in check['reason'], (kind, name, check)
        elif name != failing:
            assert check['status'] == 'ok', (kind, name, check)


def check_remediation(site):
    camera = site.sim.cameras['cam-bak-03']
    disturb(camera, 'change_setting', field='hostname', value='diubah-orang')
    camera_list = site.tmp / 'workstations' / 'ws-kabid-01' / 'cameras.json'
    installed_list = camera_list.read_text(encoding='utf-8')
    camera_list.write_text('[]\n', encoding='utf-8')   # someone emptied the room's camera list
    try:
        proc, report = site.verify('-e', 'verify_remediate=true')
    finally:
        remediated_name = camera.hostname
        disturb(camera, 'heal')
    assert proc.returncode != 0, shown(proc)
    checks = checks_of(report, 'cam-bak-03')
    assert checks['settings']['status'] == 'problem', checks
    assert 'hostname is diubah-orang, desired cam-bak-03' in checks['settings']['reason']
    assert {n for n, c in checks.items() if c['status'] != 'ok'} == {'settings'}
    assert remediated_name == 'cam-bak-03', 'remediation set the host name again'
    viewer = checks_of(report, 'ws-kabid-01')['viewer']
    assert viewer['status'] == 'problem' and "the room's camera list would be installed again" in viewer['reason'], viewer
    assert checks_of(report, 'ws-apk-01')['viewer']['status'] == 'ok'
    assert camera_list.read_text(encoding='utf-8') == installed_list, 'remediation wrote the camera list again'
    assert report['remediated'] == [{'subject': 'cam-bak-03', 'changes': ['hostname: diubah-orang -> cam-bak-03']},
                                    {'subject': 'ws-kabid-01', 'changes': ['viewer: camera_list written again']}]
    assert site.history('SELECT subject, change FROM remediations ORDER BY id') == [
        ('cam-bak-03', 'hostname: diubah-orang -> cam-bak-03'), ('ws-kabid-01', 'viewer: camera_list written again')]
    proc, report = site.verify('--tags', 'verify')
    assert proc.returncode == 0 and report['passed'], shown(proc)
    assert len(site.history('SELECT id FROM verifications')) == 4


def test_the_verification_catches_each_disturbance_with_its_own_check(tmp_path, collections_path):
    """One test (one installation, on this file's blocks, in one xdist worker), in four parts."""
    site = install(tmp_path, collections_path)
    try:
        check_baseline(site, site.verify())
        for name, (kind, params, _check, _words) in DISTURBANCES.items():
            disturb(site.sim.cameras[name], kind, **params)
        try:
            disturbed = site.verify()
        finally:
            for name in DISTURBANCES:
                disturb(site.sim.cameras[name], 'heal')
        check_disturbed(site, disturbed)
        failures = []
        for camera in sorted(DISTURBANCES):
            try:
                check_disturbance(disturbed[1], camera)
            except AssertionError as exc:
                failures.append('%s (%s): %s' % (camera, DISTURBANCES[camera][0], exc))
        assert not failures, '\n'.join(failures)
        check_remediation(site)
    finally:
        site.sim.stop()
