# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sop_agenda: record after acceptance, idempotence, check mode, the run record's agenda, verify, export."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _agenda
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.modules import sop_agenda
from ansible_collections.dukcapil.cctv.plugins.modules import sop_review

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
SUB = {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'}
KABID = {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}


@pytest.fixture
def record_path(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return str(dest / 'smg-2026-03-10-01.json')


@pytest.fixture
def book(tmp_path):
    return str(tmp_path / 'agenda' / 'buku-agenda.sqlite3')


def current_hash(path):
    return rr.facts_hash(rr.facts(rr.load(path), os.path.dirname(path)))


@pytest.fixture
def accept(run_module, record_path):
    def _accept(roles=('sub_koordinator', 'kepala_bidang')):
        for role, person in (('sub_koordinator', SUB), ('kepala_bidang', KABID)):
            if role in roles:
                result, failed = run_module(sop_review.main, dict(person, record=record_path, role=role, decision='accepted',
                                                                  report_hash=current_hash(record_path),
                                                                  time='2026-03-10T13:10:00+07:00'))
                assert not failed, result
    return _accept


@pytest.fixture
def args(record_path, book):
    return {'record': record_path, 'database': book, 'report_location': '/srv/laporan/SMG-2026-03-10-01', 'date': '2026-03-11'}


def test_refused_before_both_acceptances(run_module, args, accept, book):
    result, failed = run_module(sop_agenda.main, args)
    assert failed and 'is not accepted by the Sub Koord and the Kabid' in result['msg']
    assert 'awaiting_sub_koordinator' in result['msg']
    accept(roles=('sub_koordinator',))
    result, failed = run_module(sop_agenda.main, args)
    assert failed and 'awaiting_kepala_bidang' in result['msg']
    assert not os.path.exists(book)


def test_record_then_idempotent(run_module, args, accept, record_path):
    accept()
    result, failed = run_module(sop_agenda.main, args)
    assert not failed and result['changed']
    entry = result['entry']
    assert (entry['number'], entry['date'], entry['position']) == ('001/PIAK/2026', '2026-03-11', 1)
    assert entry['report_hash'] == current_hash(record_path)
    assert (entry['sub_koordinator_nip'], entry['kepala_bidang_nip']) == (SUB['nip'], KABID['nip'])
    assert entry['subject'] == ('Laporan Pemasangan Kamera Pengawas pada Ruangan Perangkat Keras - '
                                'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang')
    agenda = rr.load(record_path)['agenda']
    assert agenda == {'number': '001/PIAK/2026', 'date': '2026-03-11', 'entry_hash': entry['entry_hash'],
                      'report_hash': entry['report_hash'], 'database': args['database'], 'recorded_at': entry['recorded_at']}
    before = open(record_path).read()
    again, failed = run_module(sop_agenda.main, dict(args, date='2026-03-12'))
    assert not failed and again['changed'] is False and again['entry'] == entry
    assert open(record_path).read() == before
    assert len(_agenda.entries(args['database'])) == 1


def test_check_mode(run_module, args, accept, record_path, book):
    accept()
    before = open(record_path).read()
    result, failed = run_module(sop_agenda.main, args, check_mode=True, diff=True)
    assert not failed and result['changed'] and result['entry']['number'] == '001/PIAK/2026'
    assert '001/PIAK/2026' in result['diff']['after']
    assert not os.path.exists(book) and open(record_path).read() == before
    run_module(sop_agenda.main, args)
    result, failed = run_module(sop_agenda.main, args, check_mode=True)
    assert not failed and result['changed'] is False


def test_changed_facts_make_a_new_entry(run_module, args, accept, record_path):
    accept()
    first, dummy = run_module(sop_agenda.main, args)
    record = rr.load(record_path)
    record['problems'].append({'step': 3, 'text': 'NTP diganti', 'camera': 'CAM-SRV-01', 'resolved': '2026-03-10T11:00:00+07:00'})
    open(record_path, 'w').write(rr.dumps(record))
    result, failed = run_module(sop_agenda.main, args)
    assert failed and 'not accepted' in result['msg']
    accept()
    result, failed = run_module(sop_agenda.main, args)
    assert not failed and result['changed'] and result['entry']['number'] == '002/PIAK/2026'
    assert [e['number'] for e in result['previous_entries']] == ['001/PIAK/2026']
    assert rr.load(record_path)['agenda']['number'] == '002/PIAK/2026'


def test_options(run_module, args, accept, record_path):
    accept()
    result, failed = run_module(sop_agenda.main, dict(args, number_format='{seq:03d}/{code}/{month_roman}/{year}', code='PIAK-SMG',
                                                      subject='Perihal khusus', update_record=False, language='en'))
    assert not failed and result['entry']['number'] == '001/PIAK-SMG/III/2026'
    assert result['entry']['subject'] == 'Perihal khusus'
    assert 'agenda' not in rr.load(record_path)
    result, failed = run_module(sop_agenda.main, dict(args, number_format='{year}'))
    assert failed and 'no {seq} field' in result['msg']


def test_required_options(run_module, book):
    result, failed = run_module(sop_agenda.main, {'database': book})
    assert failed and 'record' in result['msg'] and 'report_location' in result['msg']
    result, failed = run_module(sop_agenda.main, {'database': book, 'action': 'export'})
    assert failed and 'dest' in result['msg']


def test_verify_and_export(run_module, args, accept, book, tmp_path):
    accept()
    run_module(sop_agenda.main, args)
    result, failed = run_module(sop_agenda.main, {'action': 'verify', 'database': book})
    assert not failed and result['changed'] is False
    assert result['verify']['ok'] and result['verify']['entries'] == 1
    dest = str(tmp_path / 'export' / 'agenda.csv')
    result, failed = run_module(sop_agenda.main, {'action': 'export', 'database': book, 'dest': dest}, diff=True)
    assert not failed and result['changed'] and result['export'] == {'path': dest, 'entries': 1}
    rows = list(csv.reader(open(dest, newline='')))
    assert rows[0][0] == 'Nomor Agenda' and rows[1][0] == '001/PIAK/2026'
    result, failed = run_module(sop_agenda.main, {'action': 'export', 'database': book, 'dest': dest})
    assert not failed and result['changed'] is False
    result, failed = run_module(sop_agenda.main, {'action': 'export', 'database': book, 'dest': dest, 'year': 2025})
    assert not failed and result['changed'] and result['export']['entries'] == 0
    conn = sqlite3.connect(book)
    conn.execute('DROP TRIGGER IF EXISTS entries_no_update')
    conn.execute("UPDATE entries SET kepala_bidang_name = 'Orang Lain'")
    conn.commit()
    conn.close()
    result, failed = run_module(sop_agenda.main, {'action': 'verify', 'database': book})
    assert failed and 'is not intact: entry 1 (001/PIAK/2026) was altered' in result['msg']
    assert result['verify']['first_bad']['position'] == 1


def test_verify_missing_book(run_module, book):
    result, failed = run_module(sop_agenda.main, {'action': 'verify', 'database': book})
    assert failed and 'does not exist' in result['msg']


# Issue 10 case 1: nothing in the agenda for an installation neither complete nor accepted with its problems.

def test_refused_for_problems_not_accepted(run_module, args, record_path, book):
    record = rr.load(record_path)
    record['steps']['5']['result'] = 'failed'
    digest = rr.facts_hash(rr.facts(record, os.path.dirname(record_path)))
    # Acceptances written without the rule (an older collection, or by hand): the agenda still refuses.
    record['reviews'] = [
        {'role': 'sub_koordinator', 'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003', 'decision': 'accepted',
         'note': '', 'at': '2026-03-10T13:10:00+07:00', 'report_hash': digest},
        {'role': 'kepala_bidang', 'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004', 'decision': 'accepted',
         'note': '', 'at': '2026-03-10T14:10:00+07:00', 'report_hash': digest}]
    with open(record_path, 'w', encoding='utf-8') as f:
        f.write(rr.dumps(record))
    result, failed = run_module(sop_agenda.main, args)
    assert failed and 'not complete' in result['msg'] and 'step 5: step 5 failed' in result['msg'], result
    assert not os.path.exists(book) or _agenda.entries(book) == []
    assert 'agenda' not in rr.load(record_path)
    for review in record['reviews']:
        review['accepted_problems'] = ['step 5: step 5 failed']
    with open(record_path, 'w', encoding='utf-8') as f:
        f.write(rr.dumps(record))
    result, failed = run_module(sop_agenda.main, args)
    assert not failed and result['changed'], result
