# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The procedure tells the truth about every planned camera (issue 10, cases 1, 2 and 4).

Each test runs the real playbooks (``ansible-playbook``, from the built tarball) against a copy
of the demo site on its own loopback blocks, so the tests run beside test_install_cctv.py:

- a camera whose GetUsers answers a SOAP fault in step 2 stays in the record and the report
  with its reason and its factory credentials, the playbook exits non-zero, no acceptance is
  recorded without the explicit rule, nothing goes into the agenda book; and with the rule
  (``accept_with_problems``) both reviewers accept the listed problems and the agenda records it;
- a device already answering with the office password at a camera's planned address is not
  adopted: the camera's identity is bound in step 2 at its factory address, and step 3 refuses
  the squatter, naming both identities;
- after a complete, reviewed run, ``step5_activate --tags activate`` runs the locate gate and
  leaves the record as it was; a re-run that would write a problem into it is refused.
"""

from __future__ import annotations

import io
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
ATTEST = ['-e', 'mount_attested_by=Budi Santoso']
ACCEPT = ATTEST + ['-e', 'review_sub_koordinator_decision=accepted', '-e', 'review_kepala_bidang_decision=accepted']
WITH_PROBLEMS = ['-e', 'review_sub_koordinator_accept_with_problems=true',
                 '-e', 'review_kepala_bidang_accept_with_problems=true']
ADDRESS = re.compile(r'\b127\.0\.(1|10|11)\.(\d{1,3})\b')
FACTORY_TEXT = 'the factory credentials are not proven removed'

pytestmark = pytest.mark.integration


def mover(blocks):
    return lambda text: ADDRESS.sub(lambda m: '127.0.%s.%s' % (blocks[m.group(1)], m.group(2)), text)


def start_site(moved, change=None):
    with open(DEMO_SITE, encoding='utf-8') as f:
        data = yaml.safe_load(moved(f.read()))
    data['defaults']['reboot_seconds'] = 0.5
    if change:
        change(data)
    return camsim.Site.from_dict(data).start()


@pytest.fixture
def demo_copy(tmp_path, request, copy_demo_inventory):
    """(inventory path, plan, env, site) of a demo copy on the blocks of request.param."""
    blocks = request.param['blocks']
    moved = mover(blocks)
    inventory = str(tmp_path / 'inventory')
    plan = copy_demo_inventory(inventory, moved)
    site = start_site(moved, request.param.get('change'))
    viewer = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'make_demo_viewer.py'),
                             '--output-dir', str(tmp_path / 'dist')], check=True, capture_output=True, text=True)
    env = {'CCTV_DEMO_DIR': str(tmp_path), 'CCTV_DEMO_VIEWER_CHECKSUM': viewer.stdout.splitlines()[1]}
    yield inventory, plan, env, site
    site.stop()


def stages(*names):
    return [{'name': 'Step %s' % name, 'ansible.builtin.import_playbook': 'dukcapil.cctv.%s' % name} for name in names]


def load_record(tmp_path):
    return json.loads((tmp_path / 'run' / 'record.json').read_text(encoding='utf-8'))


def agenda_entries(tmp_path):
    book = tmp_path / 'buku-agenda.sqlite3'
    if not book.exists():
        return 0
    with sqlite3.connect(str(book)) as conn:
        if not conn.execute("SELECT name FROM sqlite_master WHERE name = 'entries'").fetchone():
            return 0
        return conn.execute('SELECT COUNT(*) FROM entries').fetchone()[0]


def pdf_text(path):
    pypdf = pytest.importorskip('pypdf')
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return ' '.join(' '.join((page.extract_text() or '').split()) for page in reader.pages)


def fail_get_users(data):
    """cam-srv-03 (Axis-like, arrives with root/pass) answers GetUsers with a SOAP fault."""
    for camera in data['cameras']:
        if camera['name'] == 'cam-srv-03':
            camera['first_boot'] = 'factory_account'  # the old firmware of this test, not AXIS OS 10's setup
            camera['faults'] = {'operations': {'GetUsers': {
                'subcode': 'ter:InvalidArgVal', 'reason': 'Simulated failure of the user list', 'code': 'Receiver',
                'http_status': 500}}}


@pytest.mark.parametrize('demo_copy', [{'blocks': {'1': '51', '10': '52', '11': '53'}, 'change': fail_get_users}],
                         indirect=True)
def test_a_camera_failing_in_step_2_stays_in_the_record_and_blocks_the_agenda(tmp_path, run_playbook, demo_copy):
    inventory, plan, env, site = demo_copy
    result = run_playbook(stages('install_cctv'), extra_args=['-i', inventory, '-f', '6'] + ACCEPT, env=env)
    assert result.rc != 0 and (tmp_path / 'run' / 'record.json').exists(), result
    assert 'cam-srv-03' in result.recap and result.recap['cam-srv-03']['failed'] >= 1, result

    record = load_record(tmp_path)
    cameras = {c['name']: c for c in record['cameras']}
    assert sorted(cameras) == sorted(plan), 'every planned camera is in the record'
    problems = [p for p in record['problems'] if p.get('camera') == 'cam-srv-03' and not p.get('resolved')]
    reasons = [p['text'] for p in problems if p['step'] == 2]
    assert reasons and 'Give the camera its first password' in reasons[0], problems
    assert any(FACTORY_TEXT in p['text'] for p in problems), problems
    assert record['steps']['2']['result'] == 'failed', record['steps']
    assert all(record['steps'][str(n)].get('result') != 'ok' or not any(
        p['step'] == n and not p.get('resolved') for p in record['problems']) for n in range(2, 6) if str(n) in record['steps'])
    # The camera still opens with its factory password, and the record says so.
    factory = site.cameras['cam-srv-03'].find_user('root')
    assert factory is not None and factory['password'] == 'pass'

    # The report (step 6) lists all six cameras and names the failed one with its reason, in every format.
    report_dir = tmp_path / 'run' / 'laporan'
    document = json.loads((report_dir / 'SMG-DEMO-01.json').read_text(encoding='utf-8'))
    assert sorted(c['name'] for c in document['facts']['cameras']) == sorted(plan)
    assert document['complete'] is False
    assert any(line.startswith('step 2, cam-srv-03: Give the camera its first password') for line in document['open_problems'])
    assert any(line.startswith('step 3, cam-srv-03: ' + FACTORY_TEXT) for line in document['open_problems'])
    html = (report_dir / 'SMG-DEMO-01.id.html').read_text(encoding='utf-8')
    assert html.count('cam-srv-0') >= 3 and 'cam-srv-03' in html and 'Give the camera its first password' in html
    assert FACTORY_TEXT in html
    text = pdf_text(report_dir / 'SMG-DEMO-01.id.pdf')
    for name in plan:
        assert name in text, name
    assert 'Give the camera its first password' in text

    # No acceptance without the explicit rule, no agenda entry.
    assert 'accept_with_problems' in result.stdout, result
    assert not record.get('reviews'), record.get('reviews')
    assert 'agenda' not in record
    assert agenda_entries(tmp_path) == 0

    # The reviewers accept it as it is, explicitly: the decisions carry the problems they saw.
    accepted = run_playbook(stages('install_cctv'), extra_args=['-i', inventory, '-f', '6'] + ACCEPT + WITH_PROBLEMS, env=env)
    assert accepted.rc != 0, accepted  # cam-srv-03 still fails step 2
    record = load_record(tmp_path)
    assert [r['role'] for r in record['reviews']] == ['sub_koordinator', 'kepala_bidang'], record['reviews']
    for review in record['reviews']:
        assert review['decision'] == 'accepted'
        assert any(line.startswith('step 2, cam-srv-03: Give the camera its first password') for line in review['accepted_problems'])
        assert any(FACTORY_TEXT in line for line in review['accepted_problems'])
    assert record['agenda']['number'].endswith('/PIAK/%s' % record['agenda']['date'][:4])
    assert agenda_entries(tmp_path) == 1


def squat_planned_address(data):
    """A device with the office password already answers at cam-srv-01's planned address."""
    data['cameras'].append({'name': 'squatter', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': '127.0.55.11',
                            'password': 'Demo-Kamera-26!', 'serial': 'DS-2CD2043G2-I20200101CCWR000000666',
                            'mac': '44:19:b6:66:66:66'})


@pytest.mark.parametrize('demo_copy', [{'blocks': {'1': '54', '10': '55', '11': '56'}, 'change': squat_planned_address}],
                         indirect=True)
def test_a_device_at_a_planned_address_is_never_adopted(tmp_path, run_playbook, demo_copy):
    inventory, plan, env, site = demo_copy
    assert plan['cam-srv-01']['camera_address'] == '127.0.55.11'
    real = site.cameras['cam-srv-01']
    result = run_playbook(stages('step1_prepare', 'step2_mount', 'step3_camera_ip'),
                          extra_args=['-i', inventory, '-f', '6'] + ATTEST, env=env)
    assert result.rc != 0 and (tmp_path / 'run' / 'record.json').exists(), result

    record = load_record(tmp_path)
    camera = next(c for c in record['cameras'] if c['name'] == 'cam-srv-01')
    # Bound in step 2 to the new camera at its factory address, which is now activated.
    assert camera['serial'] == real.serial and camera['mac'].lower() == real.mac.lower(), camera
    assert camera['factory_address'] == plan['cam-srv-01']['ansible_host']
    assert real.activated and real.find_user('admin') is not None
    # Step 3 refuses the squatter, naming both identities; nothing moved onto the occupied address.
    refusal = [p['text'] for p in record['problems'] if p.get('camera') == 'cam-srv-01' and p['step'] == 3]
    assert refusal, record['problems']
    for fact in ('DS-2CD2043G2-I20200101CCWR000000666', '44:19:b6:66:66:66', real.serial, real.mac.lower(), '127.0.55.11'):
        assert fact in refusal[0], (fact, refusal[0])
    assert real.address == plan['cam-srv-01']['ansible_host']
    assert site.cameras['squatter'].address == '127.0.55.11'
    assert record['steps']['3']['result'] == 'failed'
    assert all(c.get('serial') != 'DS-2CD2043G2-I20200101CCWR000000666' for c in record['cameras'])


@pytest.mark.parametrize('demo_copy', [{'blocks': {'1': '57', '10': '58', '11': '59'}}], indirect=True)
def test_a_tagged_rerun_leaves_a_reviewed_record_alone(tmp_path, run_playbook, demo_copy):
    inventory, plan, env, site = demo_copy
    args = ['-i', inventory, '-f', '6'] + ACCEPT
    whole = run_playbook(stages('install_cctv'), extra_args=args, env=env)
    assert whole.rc == 0, whole
    record_file = tmp_path / 'run' / 'record.json'
    before = record_file.read_bytes()
    assert len(json.loads(before)['reviews']) == 2

    # The stage by its own tag: the locate gate runs, every camera is found at its planned address.
    tagged = run_playbook(stages('step5_activate'), extra_args=args + ['--tags', 'activate'], env=env)
    assert tagged.rc == 0, tagged
    assert 'Ask the camera' in tagged.stdout, 'the locate tasks ran under --tags activate'
    assert record_file.read_bytes() == before

    # A re-run that would write a problem into the reviewed record is refused, and writes nothing.
    site.cameras['cam-bak-01'].set_faults({'covered': True})
    broken = run_playbook(stages('step5_activate'), extra_args=args + ['--tags', 'activate'], env=env)
    assert broken.rc != 0, broken
    assert 'has been reviewed' in broken.stdout and 'start a new run' in broken.stdout, broken
    assert record_file.read_bytes() == before
