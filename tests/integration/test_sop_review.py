# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sop_review through ansible-playbook: the chain, a refusal, idempotence, and the re-rendered report."""

from __future__ import annotations

import json
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RUN_ID = 'SMG-2026-03-10-01'

pytestmark = pytest.mark.integration


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


def review_play(run_dir, dest):
    record = str(run_dir / 'smg-2026-03-10-01.json')
    return [{
        'name': 'Steps 6 to 8 - report and review',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'cctv_record': record},
        'tasks': [
            {'name': 'Write the report', 'register': 'cctv_report',
             'dukcapil.cctv.sop_report': {'record': '{{ cctv_record }}', 'dest': str(dest)}},
            {'name': 'Step 7 - the sub-coordinator accepts', 'register': 'cctv_sub',
             'dukcapil.cctv.sop_review': {'record': '{{ cctv_record }}', 'role': 'sub_koordinator',
                                          'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003', 'decision': 'accepted',
                                          'report_hash': '{{ cctv_report.facts_hash }}', 'time': '2026-03-10T13:10:00+07:00'}},
            {'name': 'Step 8 - the head of division accepts', 'register': 'cctv_kabid',
             'dukcapil.cctv.sop_review': {'record': '{{ cctv_record }}', 'role': 'kepala_bidang',
                                          'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004',
                                          'decision': 'accepted', 'report_hash': '{{ cctv_report.facts_hash }}',
                                          'time': '2026-03-10T14:02:00+07:00'}},
            {'name': 'Render the report again with the acceptances', 'register': 'cctv_final',
             'dukcapil.cctv.sop_report': {'record': '{{ cctv_record }}', 'dest': str(dest)}},
            {'name': 'The chain is complete and the facts hash unchanged', 'ansible.builtin.assert': {'that': [
                'cctv_kabid.review_status == "accepted"',
                'cctv_final.review_status == "accepted"',
                'cctv_final.facts_hash == cctv_report.facts_hash',
                'cctv_final.reviews | map(attribute="counts") | list == [true, true]',
            ]}},
        ],
    }]


def test_review_chain(run_playbook, run_dir, tmp_path):
    dest = tmp_path / 'laporan'
    play = review_play(run_dir, dest)
    first = run_playbook(play)
    assert first.rc == 0, first
    assert first.recap['localhost']['changed'] == 4  # report, two reviews, report again
    record = json.loads((run_dir / 'smg-2026-03-10-01.json').read_text())
    assert [r['role'] for r in record['reviews']] == ['sub_koordinator', 'kepala_bidang']
    page = (dest / (RUN_ID + '.id.html')).read_text()
    assert 'Diterima secara elektronik 10 Maret 2026 pukul 14.02 WIB' in page
    second = run_playbook(play)
    assert second.rc == 0, second
    assert second.recap['localhost']['changed'] == 0


def test_refusals(run_playbook, run_dir, tmp_path):
    record = str(run_dir / 'smg-2026-03-10-01.json')
    play = [{'name': 'Reviews the chain refuses', 'hosts': 'localhost', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'tasks': [
                 {'name': 'Write the report', 'register': 'cctv_report',
                  'dukcapil.cctv.sop_report': {'record': record, 'dest': str(tmp_path / 'laporan'), 'formats': ['json']}},
                 {'name': 'The head of division may not go first', 'register': 'cctv_too_early', 'ignore_errors': True,
                  'dukcapil.cctv.sop_review': {'record': record, 'role': 'kepala_bidang', 'name': 'Ir. Agus Prasetyo, M.M.',
                                               'nip': '197008231998031004', 'decision': 'accepted',
                                               'report_hash': '{{ cctv_report.facts_hash }}'}},
                 {'name': 'Accept a report whose facts changed since', 'register': 'cctv_stale', 'ignore_errors': True,
                  'dukcapil.cctv.sop_review': {'record': record, 'role': 'sub_koordinator', 'name': 'Sri Wahyuni, S.T.',
                                               'nip': '197903152005012003', 'decision': 'accepted', 'report_hash': 'ab' * 32}},
                 {'name': 'The refusals say why', 'ansible.builtin.assert': {'that': [
                     'cctv_too_early is failed', '"before the Sub Koord has accepted" in cctv_too_early.msg',
                     'cctv_stale is failed', '"the facts changed" in cctv_stale.msg']}},
             ]}]
    result = run_playbook(play)
    assert result.rc == 0, result
    assert result.recap['localhost']['ignored'] == 2
    assert json.loads((run_dir / 'smg-2026-03-10-01.json').read_text())['reviews'] == []


def test_examples_run(run_playbook, tmp_path, sop_example_play):
    result = run_playbook(sop_example_play('sop_review'))
    assert result.rc == 0, result
    record = json.loads((tmp_path / 'var' / 'runs' / (RUN_ID + '.json')).read_text())
    assert [r['decision'] for r in record['reviews']] == ['accepted', 'returned']
