# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Steps 6-9 end to end through ansible-playbook: report, reviews, agenda book, verify, export, idempotence."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3

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


def steps_6_to_9(run_dir, dest, book, csv_path):
    record = str(run_dir / 'smg-2026-03-10-01.json')
    review = {'record': '{{ cctv_record }}', 'decision': 'accepted', 'report_hash': '{{ cctv_report.facts_hash }}'}
    return [{
        'name': 'Steps 6 to 9',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}', 'cctv_record': record, 'cctv_book': str(book)},
        'tasks': [
            {'name': 'Step 6 - write the report', 'register': 'cctv_report',
             'dukcapil.cctv.sop_report': {'record': '{{ cctv_record }}', 'dest': str(dest)}},
            {'name': 'Step 7 - sub-coordinator', 'dukcapil.cctv.sop_review': dict(
                review, role='sub_koordinator', name='Sri Wahyuni, S.T.', nip='197903152005012003', time='2026-03-10T13:10:00+07:00')},
            {'name': 'Step 8 - head of division', 'dukcapil.cctv.sop_review': dict(
                review, role='kepala_bidang', name='Ir. Agus Prasetyo, M.M.', nip='197008231998031004', time='2026-03-10T14:02:00+07:00')},
            {'name': 'Step 9 - agenda book', 'register': 'cctv_agenda', 'dukcapil.cctv.sop_agenda': {
                'record': '{{ cctv_record }}', 'database': '{{ cctv_book }}', 'report_location': str(dest), 'date': '2026-03-10'}},
            {'name': 'Render the report with its agenda number', 'dukcapil.cctv.sop_report': {'record': '{{ cctv_record }}', 'dest': str(dest)}},
            {'name': 'Verify the book', 'register': 'cctv_verify', 'dukcapil.cctv.sop_agenda': {'action': 'verify', 'database': '{{ cctv_book }}'}},
            {'name': 'Export the book', 'dukcapil.cctv.sop_agenda': {'action': 'export', 'database': '{{ cctv_book }}', 'dest': str(csv_path)}},
            {'name': 'Check the entry', 'ansible.builtin.assert': {'that': [
                'cctv_agenda.entry.number == "001/PIAK/2026"',
                'cctv_agenda.entry.report_hash == cctv_report.facts_hash',
                'cctv_verify.verify.ok', 'cctv_verify.verify.entries == 1']}},
        ],
    }]


def test_steps_6_to_9(run_playbook, run_dir, tmp_path):
    dest, book, csv_path = tmp_path / 'laporan', tmp_path / 'agenda' / 'buku.sqlite3', tmp_path / 'agenda.csv'
    play = steps_6_to_9(run_dir, dest, book, csv_path)
    checked = run_playbook(play, check=True)
    # In check mode nothing is recorded, so the reviews and the agenda refuse later tasks: the report alone is predicted.
    assert checked.recap['localhost']['changed'] >= 1
    assert not book.exists() and not dest.exists()
    first = run_playbook(play)
    assert first.rc == 0, first
    assert first.recap['localhost']['changed'] == 6  # report, 2 reviews, agenda (+ record), report again, export
    record = json.loads((run_dir / 'smg-2026-03-10-01.json').read_text())
    assert record['agenda']['number'] == '001/PIAK/2026'
    assert 'Nomor: 001/PIAK/2026' in (dest / (RUN_ID + '.id.html')).read_text()
    rows = list(csv.reader(open(csv_path, newline='')))
    assert rows[1][0] == '001/PIAK/2026' and rows[1][3] == RUN_ID
    second = run_playbook(play)
    assert second.rc == 0, second
    assert second.recap['localhost']['changed'] == 0
    conn = sqlite3.connect(str(book))
    assert conn.execute('SELECT COUNT(*) FROM entries').fetchone()[0] == 1
    conn.execute('DROP TRIGGER IF EXISTS entries_no_delete')
    conn.execute('DELETE FROM entries')
    conn.commit()
    conn.close()
    broken = run_playbook(play)
    assert broken.rc != 0
    assert 'is not intact' in broken.stdout and 'nothing is added to it' in broken.stdout
    conn = sqlite3.connect(str(book))
    assert conn.execute('SELECT COUNT(*) FROM entries').fetchone()[0] == 0


def test_examples_run(run_playbook, tmp_path, sop_example_play):
    play = sop_example_play('sop_agenda')
    # The first example uses the default book; keep it under tmp_path.
    play[0]['module_defaults'] = {'dukcapil.cctv.sop_agenda': {'database': str(tmp_path / 'var' / 'buku-agenda.sqlite3')}}
    review = {'record': str(tmp_path / 'var' / 'runs' / (RUN_ID + '.json')), 'decision': 'accepted', 'report_hash': '{{ cctv_report.facts_hash }}'}
    play[0]['tasks'][:0] = [
        {'name': 'Report', 'register': 'cctv_report',
         'dukcapil.cctv.sop_report': {'record': review['record'], 'dest': str(tmp_path / 'var' / 'reports'), 'formats': ['json']}},
        {'name': 'Sub Koord', 'dukcapil.cctv.sop_review': dict(review, role='sub_koordinator', name='Sri Wahyuni, S.T.', nip='197903152005012003')},
        {'name': 'Kabid', 'dukcapil.cctv.sop_review': dict(review, role='kepala_bidang', name='Ir. Agus Prasetyo, M.M.', nip='197008231998031004')},
    ]
    result = run_playbook(play)
    assert result.rc == 0, result
    assert (tmp_path / 'srv' / 'buku-agenda-2026.csv').exists()
    assert (tmp_path / 'var' / 'buku-agenda.sqlite3').exists() and (tmp_path / 'srv' / 'buku-agenda.sqlite3').exists()
