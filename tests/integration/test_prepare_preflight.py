# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 1's preflight: every refusal names the variable and the value (issue 10, case 23).

A malformed window, an operator without a NIP, or a missing controller library used to fail with
a template or Python error that named neither the variable nor what to fix. No camera is needed:
the preflight runs on the controller before the plan is read.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration

OPERATOR = {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002', 'certificate': '800/017/SERT-APK/2024'}
WINDOW = {'start': '2026-01-01T00:00:00+07:00', 'end': '2030-12-31T23:59:59+07:00'}


def inventory(run_dir):
    return {'all': {
        'hosts': {'localhost': {'ansible_connection': 'local'}},
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}',
                 'cctv_site': {'code': 'UJI', 'name': 'Dinas Uji'}, 'cctv_run_id': 'UJI-PREFLIGHT-01',
                 'cctv_run_record': str(run_dir / 'record.json'), 'cctv_operator': OPERATOR,
                 'cctv_administrators': [OPERATOR], 'cctv_window': WINDOW}}}


STEP1 = [{'name': 'Step 1 on its own', 'ansible.builtin.import_playbook': 'dukcapil.cctv.step1_prepare'}]


@pytest.mark.parametrize('extra, message', [
    ({'cctv_window': dict(WINDOW, start='2026-03-10 08:00')},
     "prepare_window.start: '2026-03-10 08:00' is not a time in ISO 8601 with its offset (e.g. 2026-03-10T08:00:00+07:00)"),
    ({'cctv_window': {'start': WINDOW['start']}},
     'prepare_window.end: missing (a time in ISO 8601 with its offset, e.g. 2026-03-10T16:00:00+07:00)'),
    ({'cctv_window': {'start': '2020-03-10T08:00:00+07:00', 'end': '2020-03-10T16:00:00+07:00'}},
     'prepare_window: now ('),
    ({'cctv_operator': {'name': 'Budi', 'certificate': '800/017/SERT-APK/2024'}},
     'prepare_operator.nip: missing (operator Budi)'),
    ({'cctv_operator': dict(OPERATOR, nip='199001152019031005')},
     "prepare_operator.nip: '199001152019031005' (operator Budi Santoso, S.Kom.) is not the NIP of any of prepare_administrators"),
    ({'cctv_operator': dict(OPERATOR, certificate='800/999/SERT-APK/2020')},
     "prepare_operator.certificate: '800/999/SERT-APK/2020' (operator Budi Santoso, S.Kom.) is not the certificate"
     " '800/017/SERT-APK/2024' appointed to NIP 198805122015031002 in prepare_administrators"),
    ({'prepare_controller_modules': ['json', 'dukcapil_no_such_library']},
     "prepare_controller_modules: the controller's Python"),
])
def test_each_preflight_refusal_names_the_variable_and_value(tmp_path, run_playbook, extra, message):
    result = run_playbook(STEP1, inventory=inventory(tmp_path / 'run'), extra_args=['-e', json.dumps(extra)])
    assert result.rc != 0, result
    assert message in result.stdout, result
    assert not (tmp_path / 'run' / 'record.json').exists()
    if 'prepare_controller_modules' in extra:
        assert "cannot import dukcapil_no_such_library (No module named 'dukcapil_no_such_library')" in result.stdout, result
    if 'now (' in message:
        assert 'is outside the installation window 2020-03-10T08:00:00+07:00 - 2020-03-10T16:00:00+07:00' in result.stdout, result


def test_a_valid_preflight_opens_the_record(tmp_path, run_playbook):
    result = run_playbook(STEP1, inventory=inventory(tmp_path / 'run'))
    assert result.rc == 0, result
    assert (tmp_path / 'run' / 'record.json').exists()
