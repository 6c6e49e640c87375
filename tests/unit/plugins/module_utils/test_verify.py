# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_verify.judge_camera / judge_workstation: each disturbance fails its own check, the others pass."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _verify

EXPECTED = {'address': '127.0.10.11', 'port': 8000, 'serial': 'SN1', 'mac': '44:19:b6:00:00:01'}
HEALTHY = {
    'identity': {'devices': [{'address': '127.0.10.11', 'identity': {'serial_number': 'SN1'}, 'mac': '44:19:b6:00:00:01',
                              'identity_error': None}]},
    'credentials': {'changed': False, 'login_used': 'desired', 'factory_credentials_accepted_before': False,
                    'factory_credentials_accepted': False},
    'settings': {'changes': [], 'clock': {'offset_seconds': 1}, 'clock_max_offset': 60},
    'stream': {'watched': True, 'problems': [], 'checks': {'not_uniform': {'ok': True, 'detail': 'varies'},
                                                           'not_frozen': {'ok': True, 'detail': 'differ'}}},
    'scene': {'same_scene': True, 'similarity': 0.97, 'detail': 'the same scene'},
}


def disturbed(**changes):
    observed = copy.deepcopy(HEALTHY)
    for key, value in changes.items():
        if value is None:
            observed.pop(key)
        else:
            observed[key] = value
    return observed


def statuses(checks):
    return {name: check['status'] for name, check in checks.items()}


def test_a_healthy_camera_passes_every_check():
    checks = _verify.judge_camera(EXPECTED, HEALTHY)
    assert set(statuses(checks).values()) == {'ok'} and len(checks) == 6


@pytest.mark.parametrize('name, observed, failing, words', [
    ('swap', disturbed(identity={'devices': [{'address': '127.0.10.11', 'identity': {'serial_number': 'SN9'},
                                              'mac': '44:19:b6:00:00:09'}]}), 'identity', 'different device'),
    ('reset', disturbed(credentials={'changed': True, 'login_used': 'factory', 'factory_credentials_accepted_before': True,
                                     'factory_credentials_source': 'axis'},
                        settings={'error': 'the camera refused the credentials'},
                        stream={'error': 'the camera refused the credentials'}, scene=None), 'credentials',
     'does not log in'),
    ('aim', disturbed(scene={'same_scene': False, 'similarity': 0.1, 'detail': 'another scene than the reference'}),
     'scene', 'another scene'),
    ('cover', disturbed(stream={'watched': False, 'problems': ['not_uniform: the picture is uniform']},
                        scene={'same_scene': None, 'similarity': None, 'detail': 'the frame taken now is uniform'}),
     'stream', 'uniform'),
    ('freeze', disturbed(stream={'watched': False, 'problems': ['not_frozen: the picture is frozen']}), 'stream', 'frozen'),
    ('clock', disturbed(settings={'changes': [{'field': 'clock_offset_seconds', 'before': 600, 'after': 0}],
                                  'clock_max_offset': 60, 'clock': {'offset_seconds': 600}}), 'clock', '600 s off'),
    ('setting', disturbed(settings={'changes': [{'field': 'hostname', 'before': 'renamed', 'after': 'cam-srv-01'}],
                                    'clock_max_offset': 60, 'clock': {'offset_seconds': 0}}), 'settings',
     'hostname is renamed, desired cam-srv-01'),
])
def test_each_disturbance_fails_its_own_check(name, observed, failing, words):
    checks = _verify.judge_camera(EXPECTED, observed)
    problems = [n for n, s in statuses(checks).items() if s == 'problem']
    assert problems == [failing], (name, checks)
    assert words in checks[failing]['reason']


def test_a_camera_that_does_not_answer_is_one_problem_and_the_rest_skipped():
    checks = _verify.judge_camera(EXPECTED, {'identity': {'devices': [], 'not_found': ['127.0.10.11']}})
    assert checks['identity']['status'] == 'problem' and 'nothing answers at the recorded address' in checks['identity']['reason']
    assert {s for n, s in statuses(checks).items() if n != 'identity'} == {'skipped'}


def test_a_camera_missing_from_the_record():
    checks = _verify.judge_camera({}, HEALTHY)
    assert checks['identity']['status'] == 'problem' and 'not in the run record' in checks['identity']['reason']


def test_workstation_and_remediation_lines():
    assert _verify.judge_workstation({'viewer': {'changes': [], 'camera_count': 3, 'camera_list': '/x'}})['viewer']['status'] == 'ok'
    bad = _verify.judge_workstation({'viewer': {'changes': ['camera_list']}})['viewer']
    assert bad['status'] == 'problem' and "camera list" in bad['reason']
    lines = _verify.remediation_lines({'remediation': {
        'credentials': {'changed': True, 'login_used': 'factory', 'factory_credentials_accepted': False},
        'settings': {'changes': [{'field': 'hostname', 'before': 'renamed', 'after': 'cam-srv-01'}]}}})
    assert lines == ['office account set again (logged in with the factory login); factory login now refused',
                     'hostname: renamed -> cam-srv-01']


def test_a_reset_camera_whose_stream_refuses_the_office_account_is_skipped_not_a_second_problem():
    observed = disturbed(credentials={'changed': True, 'login_used': 'factory', 'factory_credentials_accepted_before': True},
                         settings={'error': 'refused'}, scene=None,
                         stream={'watched': False, 'problems': ['profiles: the camera refused the credentials']},
                         identity={'devices': [{'address': '127.0.10.11', 'identity': None,
                                                'identity_error': 'the camera refused the credentials'}]})
    checks = _verify.judge_camera(EXPECTED, observed)
    assert [n for n, c in checks.items() if c['status'] == 'problem'] == ['credentials']
    assert checks['stream']['status'] == 'skipped' and 'office account' in checks['stream']['reason']
    assert checks['identity']['status'] == 'skipped' and 'office account' in checks['identity']['reason']
