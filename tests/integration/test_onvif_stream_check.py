# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_stream_check for real: ansible-playbook against the camera simulator (camsim) on loopback.

One site: an Axis-like camera (root/pass, GetServices refused, JPEG and H.264 profiles), an
activated Hikvision-like camera, and two generic cameras with snapshot faults - one covered
(uniform black frames), one frozen (the same bytes every time). Each task's result is written
to a JSON file and compared with what the simulator is.
"""

from __future__ import annotations

import json
import os

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')
Image = pytest.importorskip('PIL.Image')

pytestmark = pytest.mark.integration

HIK_PASSWORD = 'Admin12345'
HTTP_PORT = 8000
RTSP_PORT = 8554


@pytest.fixture(scope='module')
def site(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': RTSP_PORT},
        'cameras': [
            {'name': 'cam-axis', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': prefix + '.10'},
            {'name': 'cam-hik', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.11', 'activated': True,
             'password': HIK_PASSWORD},
            {'name': 'cam-covered', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.12', 'faults': {'covered': True}},
            {'name': 'cam-frozen', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.13', 'faults': {'frozen': True}},
            {'name': 'cam-covered-osd', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.14', 'quirks': {'picture': 'covered_osd'}},
            {'name': 'cam-frozen-osd', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.15', 'quirks': {'picture': 'frozen_osd'}},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


def inventory(site, **overrides):
    hosts = {
        'cam_axis': {'ansible_host': site.cameras['cam-axis'].address, 'camera_user': 'root', 'camera_password': 'pass'},
        'cam_hik': {'ansible_host': site.cameras['cam-hik'].address, 'camera_user': 'admin', 'camera_password': HIK_PASSWORD},
        'cam_covered': {'ansible_host': site.cameras['cam-covered'].address, 'camera_user': 'admin', 'camera_password': 'admin'},
        'cam_frozen': {'ansible_host': site.cameras['cam-frozen'].address, 'camera_user': 'admin', 'camera_password': 'admin'},
        'cam_covered_osd': {'ansible_host': site.cameras['cam-covered-osd'].address, 'camera_user': 'admin',
                            'camera_password': 'admin'},
        'cam_frozen_osd': {'ansible_host': site.cameras['cam-frozen-osd'].address, 'camera_user': 'admin',
                           'camera_password': 'admin'},
    }
    for host, values in overrides.items():
        hosts[host].update(values)
    return {'cameras': {'hosts': hosts, 'vars': {'ansible_connection': 'local'}}}


def check_play(out_dir, evidence_dir, task_args=None):
    # The connection options are given in the task, not through module_defaults of the action
    # group, so that this test does not depend on meta/runtime.yml.
    args = {'hostname': '{{ ansible_host }}', 'username': '{{ camera_user }}', 'password': '{{ camera_password }}',
            'port': HTTP_PORT, 'timeout': 5, 'name': '{{ inventory_hostname }}', 'dest': str(evidence_dir),
            'frame_interval': 0.2}
    args.update(task_args or {})
    return [{
        'name': 'Prove the cameras watch the room',
        'hosts': 'cameras',
        'gather_facts': False,
        'tasks': [
            {'name': 'Check stream and picture', 'dukcapil.cctv.onvif_stream_check': args, 'delegate_to': 'localhost',
             'register': 'stream_check', 'ignore_errors': True},
            {'name': 'Keep the result for the test', 'delegate_to': 'localhost',
             'ansible.builtin.copy': {'content': '{{ stream_check | to_nice_json }}',
                                      'dest': str(out_dir) + '/{{ inventory_hostname }}.json', 'mode': '0600'},
             'check_mode': False},
        ],
    }]


def run(run_playbook, site, tmp_path, hosts, check=False, task_args=None, **overrides):
    out, evidence = tmp_path / 'out', tmp_path / 'evidence'
    out.mkdir(exist_ok=True)
    played = run_playbook(check_play(out, evidence, task_args), inventory=inventory(site, **overrides), check=check,
                          extra_args=['-l', ','.join(hosts)])
    assert played.rc == 0, played
    found = dict((name[:-5], json.loads((out / name).read_text())) for name in os.listdir(out) if name.endswith('.json'))
    return played, found, evidence


def test_healthy_cameras_watch_and_leave_evidence(site, run_playbook, tmp_path):
    played, found, evidence = run(run_playbook, site, tmp_path, ['cam_axis', 'cam_hik'])
    assert 'changed: [cam_axis -> localhost]' in played.stdout and 'changed: [cam_hik -> localhost]' in played.stdout
    for host, name in (('cam_axis', 'cam-axis'), ('cam_hik', 'cam-hik')):
        cam, result = site.cameras[name], found[host]
        assert not result.get('failed'), result
        assert result['watched'] is True and result['problems'] == []
        assert all(check['ok'] for check in result['checks'].values())
        assert result['codec'] == 'H264'
        assert result['stream_uri'] == cam.stream_uri(cam.personality['profiles'][0])
        assert result['snapshot_uri'].startswith('http://%s:%d/' % (cam.address, HTTP_PORT))
        assert result['evidence'] == str(evidence / (host + '.jpg'))
        with Image.open(result['evidence']) as picture:
            picture.load()
            # the simulator sends a snapshot at its profile's resolution
            assert picture.format == 'JPEG' and picture.size == (result['resolution']['width'], result['resolution']['height'])
        assert result['measurements']['difference'] > 0.5
    assert found['cam_axis']['profile']['token'] == 'profile_1_h264'
    assert found['cam_hik']['resolution'] == {'width': 2688, 'height': 1520}


def test_check_mode_writes_no_evidence(site, run_playbook, tmp_path):
    # also: the Axis-like camera's second profile streams Motion JPEG
    dummy, found, evidence = run(run_playbook, site, tmp_path, ['cam_axis'], check=True, task_args={'profile': 'profile_1_jpeg'})
    result = found['cam_axis']
    assert not result.get('failed') and result['watched'] is True and result['changed'] is True
    assert result['profile'] == {'token': 'profile_1_jpeg', 'name': 'profile_1 jpeg'} and result['codec'] == 'JPEG'
    assert result['evidence'] == str(evidence / 'cam_axis.jpg') and not evidence.exists()


@pytest.mark.parametrize('host, check, words', [
    ('cam_covered', 'not_uniform', 'the picture is uniform'),
    ('cam_frozen', 'not_frozen', 'the picture is frozen: the two frames taken 0.2 s apart are byte-identical'),
])
def test_a_covered_or_frozen_camera_fails_naming_the_check(site, run_playbook, tmp_path, host, check, words):
    dummy, found, evidence = run(run_playbook, site, tmp_path, [host])
    result = found[host]
    assert result['failed'] is True and result['watched'] is False
    assert result['msg'].startswith('Camera %s (%s) does not watch the room: %s: %s'
                                    % (host, site.cameras[host.replace('_', '-')].address, check, words))
    assert [p.split(':')[0] for p in result['problems']] == [check]
    assert result['checks']['profiles']['ok'] and result['checks']['stream']['ok'] and result['checks']['snapshot_valid']['ok']
    assert (evidence / (host + '.jpg')).is_file()  # the evidence of the problem is kept


@pytest.mark.parametrize('host, check, words', [
    ('cam_covered_osd', 'not_uniform', 'the picture is uniform apart from on-screen text'),
    ('cam_frozen_osd', 'not_frozen', 'the picture is frozen: apart from'),
])
def test_an_on_screen_clock_does_not_hide_a_covered_or_frozen_camera(site, run_playbook, tmp_path, host, check, words):
    """Case 12: a covered lens with a bright OSD clock is uniform (not frozen); a scene whose clock alone ticks is frozen."""
    dummy, found, evidence = run(run_playbook, site, tmp_path, [host], task_args={'frame_interval': 1.1})
    result = found[host]
    assert result['failed'] is True and result['watched'] is False
    assert result['msg'].startswith('Camera %s (%s) does not watch the room: %s: %s'
                                    % (host, site.cameras[host.replace('_', '-')].address, check, words)), result['msg']
    assert [p.split(':')[0] for p in result['problems']] == [check]
    if check == 'not_uniform':
        assert 'a black frame or a covered lens' in result['msg']
        assert result['checks']['not_frozen']['detail'] == 'not checked: the picture is uniform'
    else:
        assert result['checks']['not_uniform']['ok'] and 'on-screen clock' in result['msg']
        assert result['measurements']['difference'] < 0.5


def test_wrong_password_fails_clearly_without_printing_it(site, run_playbook, tmp_path):
    played, found, evidence = run(run_playbook, site, tmp_path, ['cam_hik'], cam_hik={'camera_password': 'Wrong-Passw0rd'})
    result = found['cam_hik']
    assert result['failed'] is True
    assert result['msg'].startswith('Camera cam_hik (%s) is not shown to watch the room: profiles: ONVIF '
                                    % site.cameras['cam-hik'].address)
    assert "refused the credentials of user 'admin'" in result['msg']
    assert result['checks']['stream']['detail'] == 'not checked: the ONVIF profile could not be read'
    assert 'Wrong-Passw0rd' not in played.stdout + played.stderr + json.dumps(result)
    assert not evidence.exists()
