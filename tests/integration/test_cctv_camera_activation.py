# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_camera_activation and cctv_sadp_info for real: ansible-playbook against the simulator's first-boot modes.

One site per test in its own loopback block: a Hikvision camera in ``isapi`` first boot, an Axis
in ``vapix``, a Dahua in ``devinit``, a generic one in ``profile_q``, and a Hikvision camera the
supplier already activated with another password. ``vendor: auto`` chooses each from evidence.
Outputs are searched for every password.
"""

from __future__ import annotations

import json
import os

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
ADMIN = 'Kantor#2026a'   # within every vendor's policy (Hikvision 8-16, Dahua no ; : & quotes)
ONVIF = 'Onvif#2026b'
THEIRS = 'Their#Pass26'
CAMERAS = ('cam-hik', 'cam-axis', 'cam-dahua', 'cam-gen')


@pytest.fixture
def site(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'cam-hik', 'vendor': 'hikvision', 'first_boot': 'isapi', 'address': prefix + '.11'},
            {'name': 'cam-axis', 'vendor': 'axis', 'first_boot': 'vapix', 'address': prefix + '.10'},
            {'name': 'cam-dahua', 'vendor': 'dahua', 'first_boot': 'devinit', 'address': prefix + '.12'},
            {'name': 'cam-gen', 'vendor': 'generic', 'first_boot': 'profile_q', 'address': prefix + '.13'},
            {'name': 'cam-taken', 'vendor': 'hikvision', 'first_boot': 'isapi', 'address': prefix + '.14',
             'activated': True, 'password': THEIRS},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


def inventory(site, names):
    hosts = dict((name.replace('-', '_'), {'ansible_host': site.cameras[name].address}) for name in names)
    return {'cameras': {'hosts': hosts, 'vars': {'ansible_connection': 'local'}}}


def play(out_dir, task_args=None):
    task = {'name': 'First boot', 'dukcapil.cctv.cctv_camera_activation': dict(
        {'hostname': '{{ ansible_host }}', 'admin_password': ADMIN, 'vendor': 'auto', 'ready_timeout': 20},
        **(task_args or {})), 'delegate_to': 'localhost', 'register': 'cctv_activation', 'ignore_unreachable': False}
    return [{
        'name': 'Camera first boot', 'hosts': 'cameras', 'gather_facts': False,
        'module_defaults': {'group/dukcapil.cctv.onvif': {
            'username': 'onvifadmin', 'password': ONVIF, 'port': HTTP_PORT, 'timeout': 5}},
        'tasks': [
            {'name': 'Run it and keep the result', 'block': [task], 'always': [
                {'name': 'Keep the result for the test', 'delegate_to': 'localhost', 'check_mode': False,
                 'changed_when': False, 'ansible.builtin.copy': {
                     'content': '{{ cctv_activation | to_nice_json }}',
                     'dest': str(out_dir) + '/{{ inventory_hostname }}.json', 'mode': '0600'}}]},
        ],
    }]


def results(out_dir):
    return dict((name[:-5], json.loads((out_dir / name).read_text())) for name in os.listdir(out_dir) if name.endswith('.json'))


def fresh(tmp_path, name):
    out = tmp_path / name
    out.mkdir()
    return out


def no_secret(run):
    text = run.stdout + run.stderr
    assert ADMIN not in text and ONVIF not in text and THEIRS not in text


def test_first_boot_of_every_vendor_twice(site, run_playbook, tmp_path):
    hosts = inventory(site, CAMERAS)

    out = fresh(tmp_path, 'check')
    run = run_playbook(play(out), inventory=hosts, check=True, diff=True)
    assert run.rc == 0, run
    no_secret(run)
    predicted = results(out)
    assert dict((h, r['vendor']) for h, r in predicted.items()) == {
        'cam_hik': 'hikvision', 'cam_axis': 'axis', 'cam_dahua': 'dahua', 'cam_gen': 'onvif'}
    assert all(r['changed'] for r in predicted.values()), predicted
    assert predicted['cam_hik']['steps'] == ['activate', 'enable_onvif', 'set_onvif_user']

    out = fresh(tmp_path, 'apply')
    run = run_playbook(play(out), inventory=hosts)
    assert run.rc == 0, run
    no_secret(run)
    applied = results(out)
    for host, result in applied.items():
        assert result['changed'] and result['onvif_login'] and result['activated'], (host, result)
        assert result['steps'] == predicted[host]['steps'], host
    assert 'GET /SDK/activateStatus answered <ActivateStatus>' in applied['cam_hik']['vendor_evidence']

    for check in (False, True):
        out = fresh(tmp_path, 'again-%s' % check)
        run = run_playbook(play(out), inventory=hosts, check=check)
        assert run.rc == 0 and run.changed == 0, run
        assert all(not r['changed'] and r['onvif_login'] for r in results(out).values())


def test_camera_activated_by_someone_else_is_refused(site, run_playbook, tmp_path):
    out = fresh(tmp_path, 'taken')
    run = run_playbook(play(out, {'vendor': 'hikvision'}), inventory=inventory(site, ['cam-taken']))
    assert run.rc != 0
    no_secret(run)
    result = results(out)['cam_taken']
    assert result['failed'] and not result['changed'] and 'not re-activated' in result['msg']
    assert result['done'] == []


def test_sadp_finds_the_hikvision_cameras(site, run_playbook, tmp_path):
    hik, taken = site.cameras['cam-hik'], site.cameras['cam-taken']
    out = tmp_path / 'sadp.json'
    plays = [{'name': 'SADP', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'Ask the cameras', 'dukcapil.cctv.cctv_sadp_info': {'addresses': [hik.address, taken.address],
                                                                     'timeout': 2}, 'register': 'cctv_sadp'},
        {'name': 'Keep it', 'ansible.builtin.copy': {
            'content': '{{ cctv_sadp | to_nice_json }}', 'dest': str(out), 'mode': '0600'}}]}]
    run = run_playbook(plays)
    assert run.rc == 0, run
    devices = dict((d['address'], d) for d in json.loads(out.read_text())['devices'])
    assert devices[hik.address]['activated'] is False and devices[taken.address]['activated'] is True
    assert devices[hik.address]['vendor'] == 'hikvision' and devices[hik.address]['serial']
    assert devices[hik.address]['mac'] and 'unicast' in devices[hik.address]['found_by']


def test_sadp_multicast_on_loopback(site, run_playbook, tmp_path):
    hik = site.cameras['cam-hik']
    out = tmp_path / 'sadp.json'
    plays = [{'name': 'SADP', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'Ask by multicast on loopback', 'dukcapil.cctv.cctv_sadp_info': {'multicast_interface': '127.0.0.1',
                                                                                  'timeout': 2}, 'register': 'cctv_sadp'},
        {'name': 'Keep it', 'ansible.builtin.copy': {
            'content': '{{ cctv_sadp | to_nice_json }}', 'dest': str(out), 'mode': '0600'}}]}]
    run = run_playbook(plays)
    assert run.rc == 0, run
    devices = dict((d['address'], d) for d in json.loads(out.read_text())['devices'])
    assert hik.address in devices and 'multicast' in devices[hik.address]['found_by']
