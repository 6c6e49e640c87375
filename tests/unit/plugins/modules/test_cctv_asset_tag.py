# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_asset_tag: change, idempotent, check-mode change, check-mode idempotent, moves, diff, bad input."""

from __future__ import annotations

import datetime
import os

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _assets
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_asset_tag


@pytest.fixture
def register(tmp_path):
    return str(tmp_path / 'aset.sqlite3')


@pytest.fixture
def args(register):
    return {'database': register, 'serial': 'ACCC8EF1A2B3', 'site': 'SMG', 'year': 2026, 'maker': 'Axis',
            'model': 'M3106-L Mk II', 'room': 'Ruang Server', 'position': 'Pintu masuk', 'run_id': 'SMG-2026-03-10-01'}


def test_new_serial_gets_a_tag(run_module, args, register):
    result, failed = run_module(cctv_asset_tag.main, args)
    assert not failed, result
    assert (result['changed'], result['assigned'], result['tag']) == (True, True, 'DUKCAPIL-SMG/CCTV/2026/001')
    assert result['asset']['serial'] == 'ACCC8EF1A2B3' and result['asset']['room'] == 'Ruang Server'
    assert result['database'] == register
    assert _assets.list_assets(register) == [result['asset']]


def test_same_serial_is_idempotent(run_module, args):
    first, _failed = run_module(cctv_asset_tag.main, args)
    again, failed = run_module(cctv_asset_tag.main, dict(args, year=2027))
    assert not failed
    assert (again['changed'], again['assigned'], again['tag'], again['asset']) == (False, False, first['tag'], first['asset'])


def test_check_mode_predicts_without_writing(run_module, args, register):
    result, failed = run_module(cctv_asset_tag.main, args, check_mode=True, diff=True)
    assert not failed
    assert (result['changed'], result['tag']) == (True, 'DUKCAPIL-SMG/CCTV/2026/001')
    assert result['diff']['before'] == {} and result['diff']['after']['tag'] == result['tag']
    assert not os.path.exists(register)


def test_check_mode_idempotent(run_module, args, register):
    run_module(cctv_asset_tag.main, args)
    mtime = os.stat(register).st_mtime_ns
    result, failed = run_module(cctv_asset_tag.main, args, check_mode=True)
    assert not failed and result['changed'] is False and result['tag'] == 'DUKCAPIL-SMG/CCTV/2026/001'
    assert os.stat(register).st_mtime_ns == mtime


def test_next_serial_next_number(run_module, args):
    run_module(cctv_asset_tag.main, args)
    result, _failed = run_module(cctv_asset_tag.main, dict(args, serial='7J04126PAZ3F9C1', maker='Dahua'))
    assert result['tag'] == 'DUKCAPIL-SMG/CCTV/2026/002'


def test_moved_camera_changes_with_a_diff(run_module, args, register):
    run_module(cctv_asset_tag.main, args)
    moved = dict(args, room='Ruang Arsip', position='Sudut utara', run_id='SMG-2026-05-02-01')
    result, failed = run_module(cctv_asset_tag.main, moved, check_mode=True, diff=True)
    assert not failed and result['changed'] is True
    assert _assets.history(register, result['tag']) == []
    result, failed = run_module(cctv_asset_tag.main, moved, diff=True)
    assert (result['changed'], result['assigned'], result['tag']) == (True, False, 'DUKCAPIL-SMG/CCTV/2026/001')
    before, after = result['diff']['before'], result['diff']['after']
    assert {k for k in after if after[k] != before[k]} == {'room', 'position', 'updated_at'}
    assert after['room'] == 'Ruang Arsip' and after['run_id'] == 'SMG-2026-03-10-01'
    assert [h['run_id'] for h in _assets.history(register, result['tag'])] == ['SMG-2026-05-02-01']
    again, _failed = run_module(cctv_asset_tag.main, moved)
    assert again['changed'] is False


def test_format_alias_and_default_year(run_module, args):
    result, failed = run_module(cctv_asset_tag.main, dict(args, year=None, format='{site}-{kind}-{year}-{seq:04d}', kind='NVR'))
    assert not failed
    assert result['tag'] == 'SMG-NVR-%d-0001' % datetime.date.today().year


@pytest.mark.parametrize('changes, message', [
    ({'serial': ''}, "cannot tag serial '': serial '' is empty"),
    ({'tag_format': '{prefix}/{site}'}, "tag_format '{prefix}/{site}' has no {seq} field"),
    ({'tag_format': '{prefix}/{room}/{seq}'}, "tag_format '{prefix}/{room}/{seq}' uses {room}"),
    ({'mac': 'not-a-mac'}, "mac 'not-a-mac' is not a MAC address"),
    ({'site': 'Kab Semarang'}, "site 'Kab Semarang' is not a code"),
])
def test_bad_input_fails_naming_the_field(run_module, args, register, changes, message):
    result, failed = run_module(cctv_asset_tag.main, dict(args, **changes))
    assert failed and message in result['msg'], result['msg']
    assert not os.path.exists(register)


def test_missing_serial_is_refused_by_the_argument_spec(run_module, args):
    del args['serial']
    result, failed = run_module(cctv_asset_tag.main, args)
    assert failed and 'serial' in result['msg']


def test_unwritable_register(run_module, args, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    result, failed = run_module(cctv_asset_tag.main, dict(args, database=str(blocker / 'aset.sqlite3')))
    assert failed and 'cannot create the folder of the asset register' in result['msg']
