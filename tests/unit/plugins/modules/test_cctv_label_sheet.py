# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_label_sheet: change, idempotent, check-mode change, check-mode idempotent, register filters, failures."""

from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets
from ansible_collections.dukcapil.cctv.plugins.module_utils import _labels
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_label_sheet

pypdf = pytest.importorskip('pypdf')

CAMERAS = [('DS-2CD2143G2-I20240312AAWRF12345678', 'Hikvision', 'Sudut timur laut'), ('ACCC8EF1A2B3', 'Axis', 'Pintu masuk'),
           ('7J04126PAZ3F9C1', 'Dahua', 'Sudut barat daya')]


@pytest.fixture
def register(tmp_path):
    path = str(tmp_path / 'aset.sqlite3')
    for index, (serial, maker, position) in enumerate(CAMERAS):
        _assets.assign(path, {'serial': serial, 'maker': maker, 'site': 'SMG', 'year': 2026, 'room': 'Ruang Server',
                              'position': position, 'run_id': 'R-1'}, now='2026-03-10T09:1%d:00+07:00' % index)
    _assets.assign(path, {'serial': 'SW-1', 'kind': 'NET', 'site': 'SMG', 'year': 2026, 'run_id': 'R-0'},
                   now='2026-03-01T08:00:00+07:00')
    return path


@pytest.fixture
def dest(tmp_path):
    return str(tmp_path / 'label' / 'sheet.pdf')


def text_of(path):
    return '\n'.join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_sheet_from_the_register(run_module, register, dest):
    result, failed = run_module(cctv_label_sheet.main, {'database': register, 'run_id': 'R-1', 'dest': dest})
    assert not failed, result
    assert result['changed'] is True
    assert result['tags'] == ['DUKCAPIL-SMG/CCTV/2026/00%d' % i for i in (1, 2, 3)]
    assert (result['labels'], result['pages'], result['created']) == (3, 1, '2026-03-10T09:12:00+07:00')
    assert result['title'] == 'Label Aset Kamera Pengawas \u2014 Ruang Server'
    with open(dest, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest() == result['sha256']
    text = text_of(dest)
    assert all(tag in text for tag in result['tags']) and 'SW-1' not in text


def test_second_run_changes_nothing(run_module, register, dest):
    first, _failed = run_module(cctv_label_sheet.main, {'database': register, 'dest': dest})
    mtime = os.stat(dest).st_mtime_ns
    again, failed = run_module(cctv_label_sheet.main, {'database': register, 'dest': dest})
    assert not failed and again['changed'] is False and again['sha256'] == first['sha256']
    assert os.stat(dest).st_mtime_ns == mtime
    assert first['tags'][-1] == 'DUKCAPIL-SMG/NET/2026/001' and first['title'] == 'Label Aset Perangkat Keras'


def test_check_mode_change_and_idempotent(run_module, register, dest):
    args = {'database': register, 'site': 'SMG', 'kind': 'CCTV', 'dest': dest}
    result, failed = run_module(cctv_label_sheet.main, args, check_mode=True, diff=True)
    assert not failed and result['changed'] is True and not os.path.exists(dest)
    assert result['diff']['before'] == '' and result['diff']['after_header'] == dest
    assert 'DUKCAPIL-SMG/CCTV/2026/002  S/N ACCC8EF1A2B3  Ruang Server  Pintu masuk' in result['diff']['after']
    run_module(cctv_label_sheet.main, args)
    result, failed = run_module(cctv_label_sheet.main, args, check_mode=True, diff=True)
    assert not failed and result['changed'] is False
    assert result['diff']['before'].split('\n')[0] == result['diff']['after'].split('\n')[0]


def test_sheet_from_given_assets_follows_a_move(run_module, register, dest):
    assets = _assets.list_assets(register, run_id='R-1')
    first, failed = run_module(cctv_label_sheet.main, {'assets': assets, 'dest': dest, 'language': 'en'})
    assert not failed and first['changed'] and 'Surveillance Camera Asset Labels' in text_of(dest)
    _assets.assign(register, {'serial': 'ACCC8EF1A2B3', 'site': 'SMG', 'room': 'Ruang Arsip', 'run_id': 'R-2'},
                   now='2026-04-01T10:00:00+07:00')
    moved, _failed = run_module(cctv_label_sheet.main, {'database': register, 'run_id': 'R-2', 'dest': dest, 'language': 'en'})
    assert moved['changed'] is True and moved['tags'] == ['DUKCAPIL-SMG/CCTV/2026/002']
    assert moved['created'] == '2026-04-01T10:00:00+07:00' and 'Ruang Arsip' in text_of(dest)


def test_layout_options(run_module, register, dest):
    result, failed = run_module(cctv_label_sheet.main, {'database': register, 'dest': dest, 'columns': 2, 'rows': 7,
                                                        'label_width': 99.1, 'label_height': 38.1, 'outline': False,
                                                        'copies': 2, 'skip': 13, 'owner_line': 'Milik Disdukcapil'})
    assert not failed, result
    assert (result['labels'], result['pages']) == (8, 2)


@pytest.mark.parametrize('args, message', [
    ({'database': 'REGISTER', 'run_id': 'R-9'}, 'the asset register REGISTER holds no assets with run_id=R-9'),
    ({'database': 'REGISTER', 'columns': 4}, '4 columns of 63.5 mm'),
    ({'assets': [{'tag': 'T'}]}, 'assets[0].serial is missing or empty'),
    ({'assets': [{'tag': 'T', 'serial': 'S'}], 'site': 'SMG'}, 'parameters are mutually exclusive: assets|site'),
    ({}, 'one of the following is required: assets, database'),
])
def test_failures(run_module, register, dest, args, message):
    args = {k: register if v == 'REGISTER' else v for k, v in args.items()}
    result, failed = run_module(cctv_label_sheet.main, dict(args, dest=dest))
    assert failed and message.replace('REGISTER', register) in result['msg'], result['msg']
    assert not os.path.exists(dest)


@pytest.mark.parametrize('flag, name', [('HAS_SEGNO', 'segno'), ('HAS_FPDF', 'fpdf2')])
def test_missing_library(run_module, register, dest, monkeypatch, flag, name):
    monkeypatch.setattr(_labels, flag, False)
    result, failed = run_module(cctv_label_sheet.main, {'database': register, 'dest': dest})
    assert failed and 'Failed to import the required Python library (%s)' % name in result['msg']
