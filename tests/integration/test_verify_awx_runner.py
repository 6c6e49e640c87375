# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""install_cctv and verify_cctv run the way AWX runs a job: through ansible-runner (issue 15, point 5).

AWX and Automation Controller hand a job to ansible-runner as a private data directory:
``project/`` (the project's checkout), ``inventory/``, ``env/extravars`` (what a survey, a
workflow node or a schedule passes), ``env/passwords`` (answers to prompts: here the vault
password, as a Vault credential gives it), ``env/cmdline``, ``env/envvars``, ``env/settings``;
runner writes ``artifacts/<ident>/`` (``status``, ``rc``, ``stdout``, ``job_events/*.json``),
which is what AWX shows and what fires its notifications. The demo site (its vault file
encrypted) runs here on this file's loopback blocks (127.0.64-66.x): the installation, a
verification that passes, and, with a camera covered, one that fails with the reason in its
job events.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')
from camsim.disturb import disturb  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RUNNER = os.path.join(BIN, 'ansible-runner')
DEMO_SITE = os.path.join(ROOT, 'tools', 'camsim', 'sites', 'demo.yml')
BLOCKS = {'1': '64', '10': '65', '11': '66'}
ADDRESS = re.compile(r'\b127\.0\.(1|10|11)\.(\d{1,3})\b')
VAULT_PASSWORD = 'uji-kata-sandi-vault-2026'

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not os.path.exists(RUNNER), reason='ansible-runner is not installed (requirements-dev.txt)')]


def moved(text):
    return ADDRESS.sub(lambda m: '127.0.%s.%s' % (BLOCKS[m.group(1)], m.group(2)), text)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))


@pytest.fixture(scope='module')
def job(tmp_path_factory, collections_path):
    """run(ident, playbook, extravars) -> artifacts folder; the private data directory as AWX builds it."""
    tmp = tmp_path_factory.mktemp('runner')
    private = tmp / 'private'
    # project/: the project's checkout (AWX syncs the repository there); the collection comes from the EE.
    shutil.copytree(os.path.join(ROOT, 'playbooks'), private / 'project' / 'playbooks')
    shutil.copytree(os.path.join(ROOT, 'roles'), private / 'project' / 'roles')
    # inventory/: the demo site on this file's blocks, its vault file encrypted as a real site's is.
    shutil.copytree(os.path.join(ROOT, 'inventory', 'demo'), private / 'inventory')
    for folder, _dirs, files in os.walk(private / 'inventory'):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, encoding='utf-8') as f:
                text = f.read()
            write(path, moved(text))
    password_file = tmp / 'vault-password'
    password_file.write_text(VAULT_PASSWORD + '\n')
    subprocess.run([os.path.join(BIN, 'ansible-vault'), 'encrypt', '--vault-password-file', str(password_file),
                    str(private / 'inventory' / 'group_vars' / 'all' / 'vault.yml')], check=True, capture_output=True)
    password_file.unlink()
    viewer = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'make_demo_viewer.py'),
                             '--output-dir', str(tmp / 'dist')], check=True, capture_output=True, text=True)
    write(str(private / 'env' / 'envvars'), {
        'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'CCTV_DEMO_DIR': str(tmp), 'CCTV_DEMO_VIEWER_CHECKSUM': viewer.stdout.splitlines()[1],
        'ANSIBLE_HOME': str(tmp / 'ansible-home'), 'ANSIBLE_LOCAL_TEMP': str(tmp / 'ansible-local'),
        'ANSIBLE_NOCOLOR': '1'})
    # The vault password as a Vault credential gives it: the prompt answered from env/passwords.
    write(str(private / 'env' / 'passwords'), {r'^Vault password:\s*?$': VAULT_PASSWORD})
    write(str(private / 'env' / 'cmdline'), '--ask-vault-pass --forks 6')
    write(str(private / 'env' / 'settings'), {'idle_timeout': 600, 'job_timeout': 900, 'pexpect_timeout': 10})
    with open(DEMO_SITE, encoding='utf-8') as f:
        data = yaml.safe_load(moved(f.read()))
    data['defaults']['reboot_seconds'] = 0.5
    site = camsim.Site.from_dict(data).start()

    def run(ident, playbook, extravars):
        write(str(private / 'env' / 'extravars'), extravars)
        proc = subprocess.run([RUNNER, 'run', str(private), '-p', playbook, '--ident', ident],
                              capture_output=True, text=True, timeout=1200, check=False,
                              env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path,
                                       PATH=BIN + os.pathsep + os.environ.get('PATH', '')))
        return proc, private / 'artifacts' / ident

    run.site = site
    run.tmp = tmp
    yield run
    site.stop()


def artifacts(folder):
    status = (folder / 'status').read_text().strip()
    rc = int((folder / 'rc').read_text().strip())
    events = [json.load(open(path, encoding='utf-8')) for path in sorted(glob.glob(str(folder / 'job_events' / '*.json')))]
    return status, rc, events


def shown(proc, folder):
    out = (folder / 'stdout').read_text()[-8000:] if (folder / 'stdout').exists() else proc.stdout[-8000:]
    return 'runner rc=%s\n%s\n%s' % (proc.returncode, out, proc.stderr[-2000:])


def test_install_then_verify_the_awx_way(job):
    proc, folder = job('install', 'playbooks/install_cctv.yml', {
        'mount_attested_by': 'Budi Santoso', 'review_sub_koordinator_decision': 'accepted',
        'review_kepala_bidang_decision': 'accepted'})
    status, rc, events = artifacts(folder)
    assert (status, rc) == ('successful', 0), shown(proc, folder)
    assert any(e['event'] == 'playbook_on_stats' for e in events)
    assert VAULT_PASSWORD not in (folder / 'stdout').read_text(), 'the vault prompt is answered, the password never shown'
    record = json.loads((job.tmp / 'run' / 'record.json').read_text())
    assert record['agenda']['number'] and record['reviews'][-1]['decision'] == 'accepted'

    # The schedule's launch: no survey, only the job template's variables.
    proc, folder = job('verify-1', 'playbooks/verify_cctv.yml', {'verify_language': 'en'})
    status, rc, events = artifacts(folder)
    assert (status, rc) == ('successful', 0), shown(proc, folder)
    history = [e for e in events if e['event'] == 'runner_on_ok'
               and e['event_data'].get('task') == 'Keep the verification as history and write the report']
    assert history and history[0]['event_data']['res']['watched'] is True
    report = history[0]['event_data']['res']['report']['html']
    assert report.endswith('.en.html') and 'Every room is watched.' in open(report, encoding='utf-8').read()

    # A camera covered: the job fails (AWX marks it failed, its error notifications fire), the
    # reason is in the job events, and the history holds both runs.
    disturb(job.site.cameras['cam-srv-02'], 'cover')
    try:
        proc, folder = job('verify-2', 'playbooks/verify_cctv.yml', {'verify_language': 'id'})
    finally:
        disturb(job.site.cameras['cam-srv-02'], 'heal')
    status, rc, events = artifacts(folder)
    assert status == 'failed' and rc != 0, shown(proc, folder)
    failed = [e for e in events if e['event'] == 'runner_on_failed']
    assert [e['event_data']['host'] for e in failed] == ['localhost'], shown(proc, folder)
    message = failed[0]['event_data']['res']['msg']
    assert 'a room is NOT watched' in message and 'cam-srv-02: stream: not_uniform' in message
    import sqlite3
    with sqlite3.connect(str(job.tmp / 'verifikasi.sqlite3')) as conn:
        assert [r[0] for r in conn.execute('SELECT watched FROM verifications ORDER BY id')] == [1, 0]
