# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sop_report: change, idempotence, check mode, diff, bad input, missing library."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report_pdf
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.modules import sop_report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RUN_ID = 'SMG-2026-03-10-01'


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


@pytest.fixture
def args(run_dir, tmp_path):
    return {'record': str(run_dir / 'smg-2026-03-10-01.json'), 'dest': str(tmp_path / 'laporan')}


def test_writes_the_three_files(run_module, args):
    result, failed = run_module(sop_report.main, args)
    assert not failed and result['changed']
    assert result['files'] == {'html': os.path.join(args['dest'], RUN_ID + '.id.html'),
                               'pdf': os.path.join(args['dest'], RUN_ID + '.id.pdf'),
                               'json': os.path.join(args['dest'], RUN_ID + '.json')}
    assert sorted(result['changed_files']) == sorted(result['files'].values())
    for path in result['files'].values():
        assert os.path.getsize(path) > 1000
    assert open(result['files']['pdf'], 'rb').read(5) == b'%PDF-'
    assert json.load(open(result['files']['json']))['facts_hash'] == result['facts_hash']
    assert result['review_status'] == 'awaiting_sub_koordinator'
    assert result['reviews'] == []
    assert result['problems'] == [{'step': 2, 'subject': 'CAM-SRV-02', 'source': 'record', 'resolved': '2026-03-10T09:30:00+07:00',
                                   'text': 'Kabel UTP ke rak kurang panjang; diganti kabel 5 m dari gudang.'}]


def test_idempotent(run_module, args):
    first, dummy = run_module(sop_report.main, args)
    stamps = {p: os.stat(p).st_mtime_ns for p in first['files'].values()}
    second, failed = run_module(sop_report.main, args)
    assert not failed and second['changed'] is False and second['changed_files'] == []
    assert second['facts_hash'] == first['facts_hash']
    assert {p: os.stat(p).st_mtime_ns for p in second['files'].values()} == stamps


def test_check_mode_change_and_idempotent(run_module, args):
    result, failed = run_module(sop_report.main, args, check_mode=True, diff=True)
    assert not failed and result['changed']
    assert not os.path.exists(args['dest'])
    assert [d['before'] for d in result['diff']] == ['absent\n'] * 3
    run_module(sop_report.main, args)
    result, failed = run_module(sop_report.main, args, check_mode=True, diff=True)
    assert not failed and result['changed'] is False and result['diff'] == []


def test_diff_names_the_files_that_change(run_module, args, run_dir):
    run_module(sop_report.main, args)
    record = rr.load(args['record'])
    record['problems'].append({'step': 4, 'text': 'Aplikasi diperbarui', 'workstation': 'PC-MONITOR-PIAK-01'})
    (run_dir / 'smg-2026-03-10-01.json').write_text(rr.dumps(record))
    result, failed = run_module(sop_report.main, dict(args, formats=['json', 'html']), diff=True)
    assert not failed and result['changed']
    assert sorted(d['after_header'] for d in result['diff']) == sorted(result['changed_files'])
    assert len(result['changed_files']) == 2
    assert all(d['before'].startswith('sha256: ') for d in result['diff'])


def test_english_subset_and_mode(run_module, args):
    result, failed = run_module(sop_report.main, dict(args, language='en', formats=['pdf'], mode='0640'))
    assert not failed
    assert list(result['files']) == ['pdf'] and result['files']['pdf'].endswith(RUN_ID + '.en.pdf')
    assert oct(os.stat(result['files']['pdf']).st_mode & 0o777) == '0o640'


def test_facts_option(run_module, args, run_dir, monkeypatch):
    monkeypatch.chdir(run_dir)
    facts = rr.load(args['record'])
    result, failed = run_module(sop_report.main, {'facts': facts, 'dest': args['dest'], 'formats': ['json']})
    assert not failed
    by_record, dummy = run_module(sop_report.main, dict(args, formats=['json']))
    assert by_record['facts_hash'] == result['facts_hash']


def test_bad_record_names_the_fact(run_module, args, run_dir):
    record = rr.load(args['record'])
    record['cameras'][1]['mac'] = '44:19:b6:zz'
    (run_dir / 'smg-2026-03-10-01.json').write_text(json.dumps(record))
    result, failed = run_module(sop_report.main, args)
    assert failed
    assert "cameras[1].mac: '44:19:b6:zz' is not a MAC address" in result['msg']
    assert result['errors'] == ["cameras[1].mac: '44:19:b6:zz' is not a MAC address"]
    assert not os.path.exists(args['dest'])


def test_missing_record_and_bad_json(run_module, args, run_dir):
    result, failed = run_module(sop_report.main, dict(args, record=str(run_dir / 'none.json')))
    assert failed and 'does not exist' in result['msg']
    (run_dir / 'broken.json').write_text('{')
    result, failed = run_module(sop_report.main, dict(args, record=str(run_dir / 'broken.json')))
    assert failed and 'is not JSON' in result['msg']


def test_record_and_facts_are_exclusive(run_module, args):
    result, failed = run_module(sop_report.main, dict(args, facts={'run_id': 'x'}))
    assert failed and 'mutually exclusive' in result['msg']


def test_missing_fpdf2(run_module, args, monkeypatch):
    monkeypatch.setattr(_report_pdf, 'HAS_FPDF', False)
    result, failed = run_module(sop_report.main, args)
    assert failed and 'fpdf2' in result['msg']
    result, failed = run_module(sop_report.main, dict(args, formats=['html', 'json']))
    assert not failed and result['changed']


def test_unwritable_dest(run_module, args, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    result, failed = run_module(sop_report.main, dict(args, dest=str(blocker / 'sub')))
    assert failed and 'cannot write the installation report into' in result['msg']


# Issue 14: the office's time zone and values, the fonts' folder.

def test_timezone_and_office_options(run_module, args):
    office = {'approver': {'name': 'Dra. SITI AMINAH, M.Si.', 'nip': '196801021994032005',
                           'title': 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali'},
              'division': 'Bidang Pelayanan Informasi Administrasi Kependudukan', 'sub_unit': 'Pengelolaan Data'}
    result, failed = run_module(sop_report.main, dict(args, formats=['html'], timezone='Asia/Jayapura', office=office))
    assert not failed, result
    page = open(result['files']['html'], encoding='utf-8').read()
    assert '10 Maret 2026 pukul 10.00 WIT' in page  # the window starts 08.00 WIB
    assert 'Dra. SITI AMINAH, M.Si.' in page and 'RUDI SUSANTO' not in page
    assert 'Kepala Bidang Pelayanan Informasi Administrasi Kependudukan' in page


@pytest.mark.parametrize('extra, message', [
    ({'timezone': 'Asia/Nowhere'}, "timezone 'Asia/Nowhere'"),
    ({'office': {'approver': {'nip': '12'}}}, "office.approver.nip: '12' is not a NIP"),
    ({'font_dir': '/nonexistent'}, 'the Liberation Sans font files'),
])
def test_bad_office_values_are_named(run_module, args, extra, message, monkeypatch):
    if 'font_dir' in extra:
        monkeypatch.setattr(_report_pdf, 'FONT_DIR', '/nonexistent-too')
    result, failed = run_module(sop_report.main, dict(args, **extra))
    assert failed and message in result['msg'], result['msg']
    assert not os.path.exists(args['dest'])
