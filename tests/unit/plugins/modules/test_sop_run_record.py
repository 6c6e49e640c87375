# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import multiprocessing

from ansible_collections.dukcapil.cctv.plugins.modules import sop_run_record

OPEN = {
    'run_id': 'SMG-2026-03-10-01',
    'site': {'code': 'SMG', 'name': 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Semarang'},
    'operator': {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002', 'certificate': '800/017/SERT-APK/2024'},
    'window': {'start': '2026-03-10T08:00:00+07:00', 'end': '2026-03-10T16:00:00+07:00'},
    'rooms': [{'name': 'Ruang Server'}],
    'step': {'number': 1, 'result': 'ok', 'started': '2026-03-10T08:00:00+07:00', 'ended': '2026-03-10T08:10:00+07:00'},
}


def _args(tmp_path, **extra):
    args = {'path': str(tmp_path / 'record.json')}
    args.update(extra)
    return args


def _load(tmp_path):
    return json.loads((tmp_path / 'record.json').read_text())


def test_open_creates_then_is_idempotent(tmp_path, run_module):
    result, failed = run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    assert not failed and result['changed'] and result['created']
    assert _load(tmp_path)['steps']['1']['result'] == 'ok'
    result, failed = run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    assert not failed and not result['changed'] and not result['created']


def test_check_mode_predicts_and_writes_nothing(tmp_path, run_module):
    result, failed = run_module(sop_run_record.main, _args(tmp_path, **OPEN), check_mode=True, diff=True)
    assert not failed and result['changed'] and result['diff']['before'] == ''
    assert not (tmp_path / 'record.json').exists()
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    result, failed = run_module(sop_run_record.main, _args(tmp_path, **OPEN), check_mode=True)
    assert not failed and not result['changed']


def test_now_fills_a_time_only_once(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    step = {'number': 2, 'result': 'ok', 'started': 'now', 'ended': 'now'}
    result = run_module(sop_run_record.main, _args(tmp_path, step=step))[0]
    assert result['changed']
    first = _load(tmp_path)['steps']['2']
    assert first['started'].startswith('20') and first['started'][-6] in '+-'
    result = run_module(sop_run_record.main, _args(tmp_path, step=step))[0]
    assert not result['changed'] and _load(tmp_path)['steps']['2'] == first


def test_cameras_merge_by_name(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    run_module(sop_run_record.main, _args(tmp_path, cameras=[{'name': 'cam-1', 'room': 'Ruang Server', 'serial': 'S1'}]))
    result = run_module(sop_run_record.main, _args(tmp_path, cameras=[{'name': 'cam-1', 'mac': '44:19:b6:00:00:01'}]))[0]
    assert result['changed']
    assert _load(tmp_path)['cameras'] == [{'name': 'cam-1', 'room': 'Ruang Server', 'serial': 'S1', 'mac': '44:19:b6:00:00:01'}]


def test_invalid_fact_names_path_and_value_and_leaves_file(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    before = (tmp_path / 'record.json').read_text()
    result, failed = run_module(sop_run_record.main, _args(tmp_path, cameras=[{'name': 'cam-1', 'mac': '44:19:b6:zz'}]))
    assert failed
    assert "cameras[0].mac: '44:19:b6:zz' is not a MAC address" in result['msg']
    assert (tmp_path / 'record.json').read_text() == before


def test_secret_is_refused(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    result, failed = run_module(sop_run_record.main, _args(tmp_path, cameras=[{'name': 'cam-1', 'password': 'hunter2'}]))
    assert failed and 'hunter2' not in result['msg']


def test_create_needs_identity(tmp_path, run_module):
    result, failed = run_module(sop_run_record.main, _args(tmp_path, rooms=[{'name': 'Ruang Server'}]))
    assert failed and result['msg'].startswith('run_id, site, operator: needed to create the run record')


def test_wrong_run_id_and_step_number(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    result, failed = run_module(sop_run_record.main, _args(tmp_path, run_id='OTHER-1'))
    assert failed and "run_id: 'OTHER-1' does not match" in result['msg']
    result, failed = run_module(sop_run_record.main, _args(tmp_path, step={'number': 12, 'result': 'ok'}))
    assert failed and result['msg'] == 'step.number: 12 is not a step of the SOP (1 to 9)'


def _add_camera(path, index):
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    args = {'path': path, 'cameras': [{'name': 'cam-%02d' % index, 'room': 'Ruang Server', 'serial': 'S%02d' % index}]}
    with patch_module_args(args):
        try:
            sop_run_record.main()
        except BaseException:  # pylint: disable=broad-exception-caught
            pass  # exit_json ends the module (SystemExit, or the fixture's exception when inherited)


def test_concurrent_writers_lose_nothing(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, **OPEN))
    ctx = multiprocessing.get_context('fork')
    procs = [ctx.Process(target=_add_camera, args=(str(tmp_path / 'record.json'), i)) for i in range(12)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    names = sorted(c['name'] for c in _load(tmp_path)['cameras'])
    assert names == ['cam-%02d' % i for i in range(12)]


# Issue 10 cases 1 and 4: derived step results, a failed camera kept with its factory credentials, final facts.

PLAN = [{'name': 'cam-1', 'room': 'Ruang Server', 'position': 'pintu'}, {'name': 'cam-2', 'room': 'Ruang Server', 'position': 'rak'}]


def test_step_result_is_derived_from_every_planned_camera(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, cameras=PLAN, **OPEN))
    problem = {'step': 2, 'camera': 'cam-2', 'text': 'Give the camera its first password:\nSOAP fault GetUsers'}
    result, failed = run_module(sop_run_record.main, _args(tmp_path, problems=[problem]))
    assert not failed, result
    record = _load(tmp_path)
    assert {'step': 2, 'camera': 'cam-2', 'text': 'Give the camera its first password: SOAP fault GetUsers'} in record['problems']
    assert any(p['camera'] == 'cam-2' and p['step'] == 3 and 'factory credentials' in p['text'] for p in record['problems'])
    # No task writes ok over a failed camera.
    result, failed = run_module(sop_run_record.main, _args(tmp_path, step={'number': 2, 'result': 'ok', 'ended': 'now'}))
    assert failed and 'cannot be closed ok' in result['msg'] and 'cam-2' in result['msg'], result
    step = {'number': 2, 'started': 'now', 'ended': 'now', 'planned': ['cam-1', 'cam-2'], 'finished': ['cam-1']}
    result, failed = run_module(sop_run_record.main, _args(tmp_path, step=step))
    assert not failed and _load(tmp_path)['steps']['2']['result'] == 'failed', result
    # A planned camera that vanished without a reason gets one.
    step = {'number': 3, 'started': 'now', 'ended': 'now', 'planned': ['cam-1', 'cam-2'], 'finished': ['cam-2']}
    run_module(sop_run_record.main, _args(tmp_path, step=step))
    record = _load(tmp_path)
    assert record['steps']['3']['result'] == 'failed'
    assert {'step': 3, 'camera': 'cam-1', 'text': 'did not finish step 3 (it failed or stopped before a reason could be recorded)'} \
        in record['problems']


def test_a_reviewed_record_refuses_new_facts(tmp_path, run_module):
    run_module(sop_run_record.main, _args(tmp_path, cameras=PLAN, **OPEN))
    record = _load(tmp_path)
    record['reviews'] = [{'role': 'sub_koordinator', 'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003',
                          'decision': 'accepted', 'note': '', 'at': '2026-03-10T13:10:00+07:00', 'report_hash': '0' * 64}]
    (tmp_path / 'record.json').write_text(json.dumps(record))
    before = (tmp_path / 'record.json').read_text()
    result, failed = run_module(sop_run_record.main, _args(tmp_path, problems=[{'step': 5, 'camera': 'cam-1', 'text': 'not found'}]))
    assert failed and 'has been reviewed' in result['msg'] and 'start a new run' in result['msg'], result
    assert (tmp_path / 'record.json').read_text() == before
    # The same facts again change nothing and pass; the steps after the report may be closed.
    assert not run_module(sop_run_record.main, _args(tmp_path, cameras=PLAN))[1]
    result, failed = run_module(sop_run_record.main, _args(tmp_path, step={'number': 7, 'result': 'ok', 'started': 'now', 'ended': 'now'}))
    assert not failed and result['changed']
