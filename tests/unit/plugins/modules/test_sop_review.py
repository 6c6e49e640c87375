# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sop_review: every rule of the chain, the hash binding, idempotence and check mode."""

from __future__ import annotations

import os
import shutil

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _report
from ansible_collections.dukcapil.cctv.plugins.module_utils import _run_record as rr
from ansible_collections.dukcapil.cctv.plugins.modules import sop_review

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'run_record')
SUB = {'name': 'Sri Wahyuni, S.T.', 'nip': '197903152005012003'}
SUB2 = {'name': 'Dwi Lestari, S.Kom.', 'nip': '198204172008012005'}
KABID = {'name': 'Ir. Agus Prasetyo, M.M.', 'nip': '197008231998031004'}
APK = {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002'}


@pytest.fixture
def record_path(tmp_path):
    dest = tmp_path / 'run'
    shutil.copytree(FIXTURES, dest)
    return str(dest / 'smg-2026-03-10-01.json')


def current_hash(path):
    return rr.facts_hash(rr.facts(rr.load(path), os.path.dirname(path)))


@pytest.fixture
def review(run_module, record_path):
    def _review(role, person, decision='accepted', note='', report_hash=None, time='2026-03-10T13:10:00+07:00',
                check_mode=False, diff=False):
        args = dict(person, record=record_path, role=role, decision=decision, note=note,
                    report_hash=report_hash or current_hash(record_path), time=time)
        return run_module(sop_review.main, args, check_mode=check_mode, diff=diff)
    return _review


def reviews_in(path):
    return rr.load(path).get('reviews', [])


def test_the_full_chain(review, record_path):
    result, failed = review('sub_koordinator', SUB)
    assert not failed and result['changed']
    assert result['review_status'] == 'awaiting_kepala_bidang'
    assert result['review'] == dict(SUB, role='sub_koordinator', decision='accepted', note='',
                                    at='2026-03-10T13:10:00+07:00', report_hash=current_hash(record_path))
    result, failed = review('kepala_bidang', KABID, time='2026-03-10T14:02:00+07:00')
    assert not failed and result['changed'] and result['review_status'] == 'accepted'
    assert [r['counts'] for r in result['reviews']] == [True, True]
    assert [r['role'] for r in reviews_in(record_path)] == ['sub_koordinator', 'kepala_bidang']


def test_idempotent_whatever_the_time(review, record_path):
    review('sub_koordinator', SUB)
    before = open(record_path).read()
    result, failed = review('sub_koordinator', SUB, time='2026-03-10T15:00:00+07:00')
    assert not failed and result['changed'] is False
    assert result['review']['at'] == '2026-03-10T13:10:00+07:00'
    assert open(record_path).read() == before


def test_check_mode(review, record_path):
    before = open(record_path).read()
    result, failed = review('sub_koordinator', SUB, check_mode=True, diff=True)
    assert not failed and result['changed'] and result['review_status'] == 'awaiting_kepala_bidang'
    assert result['diff']['before']['reviews'] == [] and len(result['diff']['after']['reviews']) == 1
    assert open(record_path).read() == before
    assert not os.path.exists(record_path + '.lock')
    review('sub_koordinator', SUB)
    result, failed = review('sub_koordinator', SUB, check_mode=True)
    assert not failed and result['changed'] is False


def refused(result_failed, *fragments):
    result, failed = result_failed
    assert failed, result
    assert result['msg'].startswith('review refused, nothing recorded: ')
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']


def test_head_of_division_cannot_go_first(review, record_path):
    refused(review('kepala_bidang', KABID), 'cannot decide before the Sub Koord has accepted')
    assert reviews_in(record_path) == []


def test_head_of_division_cannot_follow_a_return(review, record_path):
    review('sub_koordinator', SUB, decision='returned', note='Foto kamera kedua buram')
    refused(review('kepala_bidang', KABID), 'cannot decide before the Sub Koord has accepted')
    result, failed = review('sub_koordinator', SUB)  # reconsidered on the same facts
    assert not failed and result['changed'] and result['review_status'] == 'awaiting_kepala_bidang'
    assert [r['state'] for r in result['reviews']] == ['superseded', 'valid']


def test_one_person_cannot_hold_two_places(review, record_path):
    review('sub_koordinator', SUB)
    refused(review('kepala_bidang', dict(SUB, name='Sri W.')), 'one person cannot hold two places')
    assert len(reviews_in(record_path)) == 1


def test_the_administrator_cannot_accept_his_report(review, record_path):
    refused(review('sub_koordinator', APK), 'wrote the report as APK and cannot also accept it')
    review('sub_koordinator', SUB)
    refused(review('kepala_bidang', APK), 'wrote the report as APK')
    assert len(reviews_in(record_path)) == 1


def test_the_hash_must_be_the_current_one(review, record_path):
    refused(review('sub_koordinator', SUB, report_hash='0' * 64), 'reviewed the report with facts hash 0000',
            'but the current facts hash is %s' % current_hash(record_path), 'render the report again')
    assert reviews_in(record_path) == []


def test_changed_facts_void_the_acceptances(review, record_path):
    old = current_hash(record_path)
    review('sub_koordinator', SUB)
    review('kepala_bidang', KABID)
    record = rr.load(record_path)
    record['cameras'][0]['firmware'] = 'V5.7.4 build 230301'
    open(record_path, 'w').write(rr.dumps(record))
    new = current_hash(record_path)
    assert new != old
    refused(review('kepala_bidang', KABID, report_hash=old), 'the facts changed')
    refused(review('kepala_bidang', KABID, report_hash=new), 'cannot decide before the Sub Koord')
    result, failed = review('sub_koordinator', SUB, report_hash=new)
    assert not failed and result['changed']
    assert [r['state'] for r in result['reviews']] == ['void', 'void', 'valid']
    assert result['review_status'] == 'awaiting_kepala_bidang'
    view = _report.build(rr.load(record_path), base_dir=os.path.dirname(record_path))
    assert [r['state'] for r in view['document']['reviews']] == ['void', 'void', 'valid']
    assert 'Batal (fakta laporan telah berubah)' in _report.render_html(view)


def test_an_acceptance_is_final(review, record_path):
    review('sub_koordinator', SUB)
    refused(review('sub_koordinator', SUB, decision='returned', note='salah'), 'an acceptance is final')
    refused(review('sub_koordinator', SUB2), 'already accepted by Sri Wahyuni')
    review('kepala_bidang', KABID)
    refused(review('kepala_bidang', KABID, decision='returned', note='x'), 'an acceptance is final')


def test_a_deputy_may_accept_after_a_return(review):
    review('sub_koordinator', SUB, decision='returned', note='Lengkapi foto')
    result, failed = review('sub_koordinator', SUB2)
    assert not failed and result['review_status'] == 'awaiting_kepala_bidang'


def test_return_needs_a_note(review, record_path):
    refused(review('sub_koordinator', SUB, decision='returned'), 'without a note')
    assert reviews_in(record_path) == []


def test_head_of_division_returns(review):
    review('sub_koordinator', SUB)
    result, failed = review('kepala_bidang', KABID, decision='returned', note='Tambahkan foto rak')
    assert not failed and result['review_status'] == 'returned_by_kepala_bidang'


def test_bad_input(review, run_module, record_path):
    result, failed = review('sub_koordinator', dict(SUB, nip='1979'))
    assert failed and "review.nip: '1979' is not a NIP" in result['msg']
    result, failed = review('sub_koordinator', SUB, time='13:10')
    assert failed and "review.at: '13:10' is not a time" in result['msg']
    result, failed = review('sub_koordinator', SUB, report_hash='xyz')
    assert failed and 'review.report_hash' in result['msg']
    result, failed = run_module(sop_review.main, dict(SUB, record=record_path + '.none', role='sub_koordinator',
                                                      decision='accepted', report_hash='0' * 64))
    assert failed and 'does not exist' in result['msg']


def test_incomplete_record_is_refused(review, record_path):
    record = rr.load(record_path)
    del record['cameras'][0]['serial']
    open(record_path, 'w').write(rr.dumps(record))
    result, failed = review('sub_koordinator', SUB, report_hash='0' * 64)
    assert failed and 'cameras[0].serial: missing' in result['msg'] and result['errors'] == ['cameras[0].serial: missing']


def test_default_time_is_now_with_offset(run_module, record_path):
    result, failed = run_module(sop_review.main, dict(SUB, record=record_path, role='sub_koordinator', decision='accepted',
                                                      report_hash=current_hash(record_path)))
    assert not failed and rr.parse_time(result['review']['at']) is not None


# Issue 10 case 1: a report with open problems is accepted only explicitly, with the problems recorded.

def _fail_a_camera(path):
    record = rr.load(path)
    record['cameras'].append({'name': 'CAM-SRV-03', 'room': record['rooms'][0]['name'], 'position': 'lorong'})
    rr.add_problem(record, 2, 'Give the camera its first password: SOAP fault from GetUsers', camera='CAM-SRV-03')
    record['steps']['2']['result'] = 'failed'
    with open(path, 'w', encoding='utf-8') as f:
        f.write(rr.dumps(record))


def test_open_problems_refuse_a_plain_acceptance(review, record_path):
    _fail_a_camera(record_path)
    result, failed = review('sub_koordinator', SUB)
    assert failed, result
    assert 'open problem(s)' in result['msg'] and 'CAM-SRV-03' in result['msg'] and 'accept_with_problems' in result['msg']
    assert 'factory credentials are not proven removed' in result['msg']
    assert reviews_in(record_path) == []
    # Returning it needs no rule.
    result, failed = review('sub_koordinator', SUB, decision='returned', note='Kamera ketiga belum terpasang')
    assert not failed and result['changed']


def test_accept_with_problems_records_the_list(run_module, record_path):
    _fail_a_camera(record_path)
    args = dict(SUB, record=record_path, role='sub_koordinator', decision='accepted', accept_with_problems=True,
                report_hash=current_hash(record_path), time='2026-03-10T13:10:00+07:00')
    result, failed = run_module(sop_review.main, args)
    assert not failed and result['changed'], result
    recorded = reviews_in(record_path)[0]['accepted_problems']
    assert recorded == result['open_problems']
    assert 'step 2, CAM-SRV-03: Give the camera its first password: SOAP fault from GetUsers' in recorded
    assert 'step 2: step 2 failed' in recorded
    assert run_module(sop_review.main, args)[0]['changed'] is False
