# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14 point 1: the office's zone (default Asia/Jakarta) governs every date the modules write, with the
controller in UTC at 23:30 on 31 December (the clock fixed with DUKCAPIL_CCTV_NOW)."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_asset_tag
from ansible_collections.dukcapil.cctv.plugins.modules import sop_agenda
from ansible_collections.dukcapil.cctv.plugins.modules import sop_review

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
SUB = {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'}
KABID = {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}


@pytest.fixture
def new_years_eve_in_utc(monkeypatch):
    """The controller in UTC, its clock at 23:30 UTC on 31 December 2026 (06:30 WIB on 1 January 2027)."""
    monkeypatch.setenv('TZ', 'UTC')
    time.tzset()
    monkeypatch.setenv('DUKCAPIL_CCTV_NOW', '2026-12-31T23:30:00+00:00')
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def record_path(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return str(dest / 'smg-2026-03-10-01.json')


def current_hash(path):
    return rr.facts_hash(rr.facts(rr.load(path), os.path.dirname(path)))


def test_review_and_agenda_on_new_years_eve_in_utc(run_module, record_path, tmp_path, new_years_eve_in_utc):
    for role, person in (('sub_koordinator', SUB), ('kepala_bidang', KABID)):
        result, failed = run_module(sop_review.main, dict(person, record=record_path, role=role, decision='accepted',
                                                          report_hash=current_hash(record_path)))
        assert not failed, result
    reviews = rr.load(record_path)['reviews']
    assert [r['at'] for r in reviews] == ['2027-01-01T06:30:00+07:00'] * 2
    book = str(tmp_path / 'buku-agenda.sqlite3')
    result, failed = run_module(sop_agenda.main, {'record': record_path, 'database': book,
                                                  'report_location': '/srv/laporan/SMG-2026-03-10-01'})
    assert not failed, result
    entry = result['entry']
    assert (entry['date'], entry['number'], entry['year']) == ('2027-01-01', '001/PIAK/2027', 2027)
    assert entry['recorded_at'] == '2027-01-01T06:30:00+07:00'


def test_agenda_in_another_office_zone(run_module, record_path, tmp_path, new_years_eve_in_utc):
    for role, person in (('sub_koordinator', SUB), ('kepala_bidang', KABID)):
        run_module(sop_review.main, dict(person, record=record_path, role=role, decision='accepted',
                                         report_hash=current_hash(record_path), timezone='Asia/Jayapura'))
    assert rr.load(record_path)['reviews'][0]['at'] == '2027-01-01T08:30:00+09:00'
    result, failed = run_module(sop_agenda.main, {'record': record_path, 'database': str(tmp_path / 'b.sqlite3'),
                                                  'report_location': '/srv/x', 'timezone': 'UTC'})
    assert not failed and result['entry']['number'] == '001/PIAK/2026'  # an office in UTC is still in 2026


def test_asset_tag_year_on_new_years_eve_in_utc(run_module, tmp_path, new_years_eve_in_utc):
    result, failed = run_module(cctv_asset_tag.main, {'database': str(tmp_path / 'aset.sqlite3'), 'serial': 'ACCC8EF1A2B3',
                                                      'site': 'SMG'})
    assert not failed, result
    assert result['tag'] == 'DUKCAPIL-SMG/CCTV/2027/001'
    assert result['asset']['assigned_at'] == '2027-01-01T06:30:00+07:00'


@pytest.mark.parametrize('module, args', [
    (sop_review, {'role': 'sub_koordinator', 'decision': 'accepted', 'report_hash': 'a' * 64}),
    (sop_agenda, {'report_location': '/srv/x'}),
])
def test_bad_timezone_is_named_before_anything_is_written(run_module, record_path, tmp_path, module, args):
    before = open(record_path).read()
    args = dict(args, record=record_path, timezone='Asia/Nowhere')
    if module is sop_review:
        args.update(SUB)
    else:
        args['database'] = str(tmp_path / 'b.sqlite3')
    result, failed = run_module(module.main, args)
    assert failed and "timezone 'Asia/Nowhere'" in result['msg'], result
    assert open(record_path).read() == before and not os.path.exists(str(tmp_path / 'b.sqlite3'))
