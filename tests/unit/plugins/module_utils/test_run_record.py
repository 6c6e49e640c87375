# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The run record: schema validation with named errors, facts hash, review state, atomic updates."""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import shutil

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
RECORD = os.path.join(FIXTURES, 'smg-2026-03-10-01.json')
SUB = {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'}
KABID = {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}


@pytest.fixture
def record():
    return rr.load(RECORD)


@pytest.fixture
def run_dir(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return dest


class FakeModule:
    """What _files.write_file needs from AnsibleModule."""

    def __init__(self, check_mode=False):
        self.check_mode = check_mode

    @staticmethod
    def atomic_move(src, dest):
        os.replace(src, dest)

    @staticmethod
    def set_fs_attributes_if_different(file_args, changed, diff=None, expand=True):
        return changed


def errors_of(record, complete=True):
    return rr.validate(record, complete=complete)


def test_fixture_is_a_complete_record(record):
    assert errors_of(record) == []


def test_malformed_mac_is_named_with_its_value(record):
    record['cameras'][1]['mac'] = '44:19:b6:zz'
    assert errors_of(record) == ["cameras[1].mac: '44:19:b6:zz' is not a MAC address"]


def test_missing_fact_is_named(record):
    del record['cameras'][0]['serial']
    del record['operator']['nip']
    assert errors_of(record) == ['operator.nip: missing', 'cameras[0].serial: missing']


@pytest.mark.parametrize('path, value, expected', [
    (('operator', 'nip'), '12345', "operator.nip: '12345' is not a NIP"),
    (('operator', 'nip'), '198813122015031002', "operator.nip: '198813122015031002' is not a NIP"),
    (('window', 'start'), '2026-03-10T08:00:00', "window.start: '2026-03-10T08:00:00' is not a time in ISO 8601 with offset"),
    (('cameras', 0, 'address'), '10.33.22.300', "cameras[0].address: '10.33.22.300' is not an IP address"),
    (('cameras', 0, 'hostname'), 'cam_01', "cameras[0].hostname: 'cam_01' is not a host name"),
    (('cameras', 0, 'ntp_servers'), 'pool.ntp.org', "cameras[0].ntp_servers: 'pool.ntp.org' is not a list"),
    (('cameras', 0, 'ntp_servers'), ['ntp server'], "cameras[0].ntp_servers[0]: 'ntp server' is not a host name or address"),
    (('cameras', 0, 'hardening', 'factory_password_removed'), 'yes', "cameras[0].hardening.factory_password_removed: 'yes' is not true or false"),
    (('cameras', 0, 'hardening', 'accounts', 0, 'level'), 'root', "cameras[0].hardening.accounts[0].level: 'root' is not one of"),
    (('cameras', 0, 'stream_uri'), 'ftp://10.33.22.11/x', "cameras[0].stream_uri: 'ftp://10.33.22.11/x' is not a stream URI"),
    (('cameras', 0, 'mount', 'at'), 'kemarin', "cameras[0].mount.at: 'kemarin' is not a time"),
    (('steps', '3', 'result'), 'done', "steps.3.result: 'done' is not one of ok, failed, skipped"),
    (('site', 'code'), 'smg', "site.code: 'smg' is not an office code"),
    (('run_id', ), 'SMG 2026/01', "run_id: 'SMG 2026/01' is not a run id"),
    (('problems', 0, 'step'), 10, 'problems[0].step: 10 is not a step of the SOP (1-9)'),
])
def test_malformed_facts_are_named(record, path, value, expected):
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = errors_of(record)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


def test_credentials_in_a_stream_uri_are_refused_and_not_echoed(record):
    record['cameras'][0]['stream_uri'] = 'rtsp://admin:Rahasia123@10.33.22.11:554/Streaming/Channels/101'
    record['cameras'][1]['stream_uri'] = 'rtsp://10.33.22.12/cam?user=admin&password=Rahasia123'
    errors = errors_of(record)
    assert errors == ["cameras[0].stream_uri: '<hidden>' must not hold credentials",
                      "cameras[1].stream_uri: '<hidden>' must not hold credentials"]
    assert 'Rahasia123' not in json.dumps(errors)


def test_secrets_are_refused_anywhere(record):
    record['cameras'][0]['hardening']['accounts'][0]['password'] = 'Rahasia123'
    record['operator']['api_token'] = 'x'
    errors = errors_of(record)
    assert 'cameras[0].hardening.accounts[0].password: the run record must not hold secrets' in errors
    assert 'operator.api_token: the run record must not hold secrets' in errors


def test_unknown_field_lists_the_known_ones(record):
    record['cameras'][0]['mack'] = '44:19:b6:3a:10:01'
    errors = errors_of(record)
    assert errors[0].startswith('cameras[0].mack: unknown field (known: address, asset_tag,')


def test_cross_checks(record):
    record['cameras'][1]['mac'] = record['cameras'][0]['mac'].upper()
    record['cameras'][1]['room'] = 'Gudang'
    record['workstations'][0]['rooms'] = ['Ruang Server', 'Lobi']
    record['problems'][0]['camera'] = 'CAM-X'
    record['window']['end'] = '2026-03-10T07:00:00+07:00'
    record['steps']['2']['ended'] = '2026-03-10T08:00:00+07:00'
    errors = errors_of(record)
    assert "cameras[1].mac: '44:19:B6:3A:10:01' is the same MAC address as cameras[0]" in errors
    assert "cameras[1].room: 'Gudang' is not one of rooms[].name" in errors
    assert "workstations[0].rooms[1]: 'Lobi' is not one of rooms[].name" in errors
    assert "problems[0].camera: 'CAM-X' is not one of cameras[].name" in errors
    assert any(e.startswith('window.end:') and 'before window.start' in e for e in errors)
    assert any(e.startswith('steps.2.ended:') and 'before started' in e for e in errors)


def test_required_steps_and_step_times(record):
    del record['steps']['4']
    record['steps']['5'] = {'result': 'ok'}
    record['steps']['3'] = {'result': 'skipped', 'notes': 'tidak perlu'}
    errors = errors_of(record)
    # A step never closed is not a malformed record but an open problem: the report shows it.
    assert not any(e.startswith('steps.4') for e in errors)
    assert {'step': 4, 'subject': '', 'code': 'step_not_completed', 'text': 'step 4 was not completed'} in rr.open_problems(record)
    assert 'steps.5.started: missing (the step was not skipped)' in errors
    assert not any(e.startswith('steps.3') for e in errors)
    record['steps']['12'] = {'result': 'ok'}
    assert "steps: '12' is not a step of the SOP (1-9)" in errors_of(record)


def test_a_partial_record_is_valid_while_being_built():
    record = rr.new('SMG-2026-03-10-01', {'code': 'SMG', 'name': 'Disdukcapil Kab. Semarang'},
                    {'name': 'Budi', 'nip': '198805122015031002', 'certificate': 'C-1'})
    rr.upsert_room(record, {'name': 'Ruang Server'})
    rr.upsert_camera(record, {'name': 'CAM-1', 'room': 'Ruang Server', 'mac': '44:19:b6:3a:10:01'})
    rr.set_step(record, 1, 'ok', started='2026-03-02T09:00:00+07:00', ended='2026-03-02T09:20:00+07:00')
    assert rr.validate(record, complete=False) == []
    assert 'cameras[0].serial: missing' in rr.validate(record, complete=True)
    rr.upsert_camera(record, {'name': 'CAM-1', 'mac': 'nope'})
    assert rr.validate(record, complete=False) == ["cameras[0].mac: 'nope' is not a MAC address"]
    assert record['cameras'][0]['room'] == 'Ruang Server'  # merged, not replaced
    rr.add_problem(record, 2, 'kabel kurang', camera='CAM-1')
    rr.add_problem(record, 2, 'kabel kurang', camera='CAM-1')
    assert len(record['problems']) == 1
    assert rr.validate({'schema_version': 1}, complete=False) == ['run_id: missing']


def test_unsupported_schema_version(record):
    record['schema_version'] = 2
    assert errors_of(record) == ['schema_version: 2 is not supported (this collection reads version 1)']


def test_check_raises_with_every_error(record):
    record['cameras'][0]['mac'] = 'x'
    record['cameras'][1]['address'] = 'y'
    with pytest.raises(rr.RecordInvalid) as exc:
        rr.check(record)
    assert exc.value.errors == ["cameras[0].mac: 'x' is not a MAC address", "cameras[1].address: 'y' is not an IP address"]
    assert "cameras[0].mac: 'x' is not a MAC address" in str(exc.value)


def test_facts_hash_binds_the_facts_and_snapshots_not_reviews(run_dir):
    record = rr.load(str(run_dir / 'smg-2026-03-10-01.json'))
    base = str(run_dir)
    digest = rr.facts_hash(rr.facts(record, base))
    shuffled = json.loads(json.dumps(record, sort_keys=False))
    shuffled = dict(reversed(list(shuffled.items())))
    assert rr.facts_hash(rr.facts(shuffled, base)) == digest
    later = copy.deepcopy(record)
    later['reviews'] = [dict(SUB, role='sub_koordinator', decision='accepted', note='', at='2026-03-10T13:00:00+07:00',
                             report_hash=digest)]
    later['agenda'] = {'number': '001/PIAK/2026', 'date': '2026-03-11', 'entry_hash': '0' * 64, 'report_hash': digest,
                       'database': '/x'}
    later['steps']['7'] = {'result': 'ok', 'started': '2026-03-10T12:00:00+07:00', 'ended': '2026-03-10T13:00:00+07:00'}
    assert rr.facts_hash(rr.facts(later, base)) == digest
    changed = copy.deepcopy(record)
    changed['cameras'][0]['firmware'] = 'V5.7.4'
    assert rr.facts_hash(rr.facts(changed, base)) != digest
    (run_dir / 'snapshots' / 'cam-srv-01.jpg').write_bytes(b'\xff\xd8\xff other picture')
    assert rr.facts_hash(rr.facts(record, base)) != digest


def _review(role, person, digest, decision='accepted', note='', at='2026-03-10T13:00:00+07:00'):
    return dict(person, role=role, decision=decision, note=note, at=at, report_hash=digest)


def test_review_state_marks_void_and_superseded(record):
    digest, old = 'a' * 64, 'b' * 64
    record['reviews'] = [
        _review('sub_koordinator', SUB, old),
        _review('sub_koordinator', SUB, digest, decision='returned', note='foto kurang'),
        _review('sub_koordinator', SUB, digest),
    ]
    state = rr.review_state(record, digest)
    assert [r['state'] for r in state['reviews']] == ['void', 'superseded', 'valid']
    assert [r['counts'] for r in state['reviews']] == [False, False, True]
    assert state['status'] == 'awaiting_kepala_bidang'
    record['reviews'].append(_review('kepala_bidang', KABID, digest))
    assert rr.review_state(record, digest)['status'] == 'accepted'
    assert rr.review_state(record, 'c' * 64)['status'] == 'awaiting_sub_koordinator'


def test_update_is_atomic_validated_and_idempotent(tmp_path):
    path = str(tmp_path / 'runs' / 'r.json')
    module = FakeModule()

    def create():
        return rr.new('R-1', {'code': 'SMG', 'name': 'Kantor'}, {'name': 'Budi', 'nip': '198805122015031002', 'certificate': 'C'})

    changed, before, after = rr.update(module, path, lambda r: rr.upsert_room(r, {'name': 'Ruang Server'}), create=create)
    assert changed and before is None and after['rooms'] == [{'name': 'Ruang Server'}]
    text = open(path).read()
    assert text == rr.dumps(after) and text.endswith('\n')
    assert rr.update(module, path, lambda r: rr.upsert_room(r, {'name': 'Ruang Server'}))[0] is False
    with pytest.raises(rr.RecordInvalid, match=r"cameras\[0\].mac: 'zz' is not a MAC address"):
        rr.update(module, path, lambda r: rr.upsert_camera(r, {'name': 'C', 'mac': 'zz'}))
    assert open(path).read() == text
    changed, dummy, after = rr.update(FakeModule(check_mode=True), path, lambda r: rr.upsert_room(r, {'name': 'Lobi'}))
    assert changed and len(after['rooms']) == 2
    assert open(path).read() == text
    with pytest.raises(rr.RecordNotFound):
        rr.update(module, str(tmp_path / 'none.json'), lambda r: None)


def _add_problems(path, worker):
    for i in range(10):
        rr.update(FakeModule(), path, lambda r, i=i: rr.add_problem(r, 2, 'w%d-%d' % (worker, i)))


def test_concurrent_updates_lose_nothing(tmp_path):
    path = str(tmp_path / 'r.json')
    rr.save(FakeModule(), path, rr.new('R-1', {'code': 'SMG', 'name': 'K'}, {'name': 'B', 'nip': '198805122015031002', 'certificate': 'C'}))
    ctx = multiprocessing.get_context('fork')
    procs = [ctx.Process(target=_add_problems, args=(path, w)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0] * 6
    assert len(rr.load(path)['problems']) == 60


def test_load_errors(tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"run_id": ')
    with pytest.raises(rr.RecordError, match='is not JSON'):
        rr.load(str(bad))
    bad.write_text('[1, 2]')
    with pytest.raises(rr.RecordError, match='is not a JSON object'):
        rr.load(str(bad))


def test_docs_page_holds_the_schema_table():
    with open(os.path.join(ROOT, 'docs', 'run-record.md'), encoding='utf-8') as f:
        page = f.read()
    assert rr.schema_markdown() in page, 'docs/run-record.md is out of date: paste _run_record.schema_markdown() into it'


# Issue 10 case 21: control characters.

@pytest.mark.parametrize('field, value', [
    ('stream_uri', 'rtsp://10.33.22.11:554/Streaming/101\nX-Injected: 1'),
    ('stream_uri', 'rtsp://10.33.22.11:554/Stream\rmain'),
    ('model', 'DS-2CD2043G2-I\x1b[31m'),
    ('name', 'CAM-SRV-01\x00'),
    ('position', 'rak\x85server'),
])
def test_control_characters_are_refused_in_every_string(record, field, value):
    record['cameras'][0][field] = value
    errors = errors_of(record)
    assert any(e.startswith('cameras[0].%s: holds the control character U+' % field) for e in errors), errors


def test_free_text_may_hold_newlines_but_no_other_control(record):
    record['steps']['1']['notes'] = 'baris satu\nbaris dua\tselesai'
    assert errors_of(record) == []
    record['steps']['1']['notes'] = 'bel\x07'
    assert errors_of(record) == ['steps.1.notes: holds the control character U+0007 at position 3 (not allowed in the record)']


# Issue 10 case 1: every planned camera, failed ones with their problem.

def test_a_failed_camera_may_lack_facts_only_with_a_problem(record):
    record['cameras'].append({'name': 'CAM-SRV-03', 'room': record['rooms'][0]['name'], 'position': 'lorong',
                              'planned_address': '10.33.22.13'})
    assert 'cameras[2].serial: missing' in errors_of(record)
    rr.add_problem(record, 2, 'onvif_camera_user: SOAP fault GetUsers', camera='CAM-SRV-03')
    assert errors_of(record) == []
    lines = [rr.problem_line(p) for p in rr.open_problems(record)]
    assert 'step 2, CAM-SRV-03: onvif_camera_user: SOAP fault GetUsers' in lines
    assert 'step 3, CAM-SRV-03: %s' % rr.FACTORY_CREDENTIALS_TEXT in lines


def test_close_step_derives_the_result_from_every_planned_host(record):
    names = [c['name'] for c in record['cameras']]
    record['cameras'].append({'name': 'CAM-SRV-03', 'room': record['rooms'][0]['name'], 'position': 'lorong'})
    assert rr.close_step(record, 2, names, names, '2026-03-10T10:00:00+07:00') == 'ok'
    assert rr.close_step(record, 2, names + ['CAM-SRV-03'], names, '2026-03-10T10:00:00+07:00') == 'failed'
    assert {'step': 2, 'camera': 'CAM-SRV-03', 'text': rr.NOT_FINISHED_TEXT % 2} in record['problems']
    # A later run in which it finishes resolves its problem of that step.
    assert rr.close_step(record, 2, ['CAM-SRV-03'], ['CAM-SRV-03'], '2026-03-10T11:00:00+07:00') == 'ok'
    assert [p.get('resolved') for p in record['problems'] if p.get('camera') == 'CAM-SRV-03'] == ['2026-03-10T11:00:00+07:00']


def test_open_problems_of_a_complete_record(record):
    assert rr.open_problems(record) == []
    record['steps']['3']['result'] = 'failed'
    del record['steps']['5']['result']
    record['cameras'][1]['hardening']['factory_password_removed'] = False
    codes = [(p['step'], p['code']) for p in rr.open_problems(record)]
    assert codes == [(3, 'step_failed'), (5, 'step_not_completed'), (3, 'factory_credentials')]


# Issue 10 case 4: a reviewed record is final.

def test_reviewed_facts_are_final(record):
    before = copy.deepcopy(record)
    after = copy.deepcopy(record)
    rr.add_problem(after, 5, 'tidak ditemukan', camera='CAM-SRV-01')
    rr.check_not_final(before, after)  # not reviewed yet: allowed
    before['reviews'] = after['reviews'] = [dict(SUB, role='sub_koordinator', decision='accepted',
                                                 at='2026-03-10T13:00:00+07:00', report_hash='0' * 64)]
    with pytest.raises(rr.RecordFinal, match='has been reviewed .* its facts are final .* problems'):
        rr.check_not_final(before, after)
    later = copy.deepcopy(before)
    rr.set_step(later, 8, 'ok', started='2026-03-10T14:00:00+07:00', ended='2026-03-10T14:05:00+07:00')
    rr.check_not_final(before, later)  # steps 7-9 come after the report
