# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_info for real: ansible-playbook against the camera simulator (camsim) on loopback.

One site for the module: an Axis-like camera (root/pass, its clock 3 h behind, GetServices
refused) and an activated Hikvision-like camera whose clock is 2 h ahead. Each test writes the
registered results to JSON files and compares them with what the simulator says it is.
"""

from __future__ import annotations

import json
import os
import time

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HIK_PASSWORD = 'Admin12345'
HTTP_PORT = 8000


@pytest.fixture(scope='module')
def site(free_blocks):
    prefix = free_blocks()[0]
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'cam-axis', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': prefix + '.10'},
            {'name': 'cam-hik', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.11', 'activated': True,
             'password': HIK_PASSWORD, 'clock_offset': 7200},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        running.unused_address = prefix + '.99'
        yield running


def inventory(site, **overrides):
    hosts = {
        'cam_axis': {'ansible_host': site.cameras['cam-axis'].address, 'camera_user': 'root', 'camera_password': 'pass'},
        'cam_hik': {'ansible_host': site.cameras['cam-hik'].address, 'camera_user': 'admin', 'camera_password': HIK_PASSWORD},
    }
    for host, values in overrides.items():
        hosts[host].update(values)
    return {'cameras': {'hosts': hosts, 'vars': {'ansible_connection': 'local'}}}


def info_play(out_dir, task_args=None, ignore_errors=False):
    args = {'hostname': '{{ ansible_host }}'}
    args.update(task_args or {})
    return [{
        'name': 'Read the cameras',
        'hosts': 'cameras',
        'gather_facts': False,
        'module_defaults': {'group/dukcapil.cctv.onvif': {
            'username': '{{ camera_user }}', 'password': '{{ camera_password }}', 'port': HTTP_PORT, 'timeout': 5}},
        'tasks': [
            {'name': 'Read what the camera tells', 'dukcapil.cctv.onvif_camera_info': args, 'delegate_to': 'localhost',
             'register': 'camera_info', 'ignore_errors': ignore_errors},
            {'name': 'Keep the result for the test', 'delegate_to': 'localhost',
             'ansible.builtin.copy': {'content': '{{ camera_info | to_nice_json }}', 'dest': str(out_dir) + '/{{ inventory_hostname }}.json',
                                      'mode': '0600'},
             'check_mode': False},
        ],
    }]


def results(out_dir):
    return dict((name[:-5], json.loads((out_dir / name).read_text())) for name in os.listdir(out_dir) if name.endswith('.json'))


def test_identity_mac_and_address_match_the_simulator(site, run_playbook, tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    run = run_playbook(info_play(out), inventory=inventory(site))
    assert run.rc == 0, run
    assert 'ok: [cam_axis -> localhost]' in run.stdout and 'ok: [cam_hik -> localhost]' in run.stdout  # not changed
    found = results(out)
    for host, name in (('cam_axis', 'cam-axis'), ('cam_hik', 'cam-hik')):
        cam, info = site.cameras[name], found[host]
        assert info['changed'] is False and not info.get('failed')
        assert info['identity']['serial_number'] == cam.serial
        assert info['mac'] == cam.mac.lower()
        assert info['network']['addresses'][0].split('/')[0] == cam.address
        assert info['services']['http://www.onvif.org/ver10/device/wsdl'] == '/onvif/device_service'
        assert info['profiles'] and all(p['stream_uri'].startswith('rtsp://') for p in info['profiles'])
        assert all('@' not in p['stream_uri'] for p in info['profiles'])
        assert set(u['name'] for u in info['users']) >= {'root' if host == 'cam_axis' else 'admin'}
        assert not info.get('warnings')
    assert found['cam_axis']['identity']['manufacturer'] == 'AXIS'
    assert found['cam_hik']['identity']['manufacturer'] == 'HIKVISION'
    # the Axis-like camera refuses GetServices: the service list came from GetCapabilities
    assert found['cam_axis']['services']['http://www.onvif.org/ver10/media/wsdl'] == '/onvif/services'


def test_clock_hours_off_still_answers(site, run_playbook, tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    run = run_playbook(info_play(out, {'gather': ['identity', 'clock']}), inventory=inventory(site), extra_args=['-l', 'cam_hik'])
    assert run.rc == 0, run
    info = results(out)['cam_hik']
    assert abs(info['clock']['offset_seconds'] - 7200) <= 5  # the camera is two hours ahead ...
    assert info['identity']['model']  # ... and still accepted the WS-Security digest signed with its time
    assert set(info) >= {'identity', 'clock', 'services'} and 'network' not in info


def test_check_mode(site, run_playbook, tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    run = run_playbook(info_play(out, {'gather': ['identity', 'network']}), inventory=inventory(site), check=True)
    assert run.rc == 0, run
    assert 'ok: [cam_axis -> localhost]' in run.stdout and 'ok: [cam_hik -> localhost]' in run.stdout  # not changed
    found = results(out)
    assert all(info['changed'] is False for info in found.values())
    assert found['cam_axis']['identity']['serial_number'] == site.cameras['cam-axis'].serial
    assert found['cam_hik']['mac'] == site.cameras['cam-hik'].mac.lower()


def test_wrong_password_fails_clearly(site, run_playbook, tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    run = run_playbook(info_play(out, ignore_errors=True), extra_args=['-l', 'cam_hik'],
                       inventory=inventory(site, cam_hik={'camera_password': 'Wrong-Passw0rd'}))
    assert run.rc == 0, run
    info = results(out)['cam_hik']
    assert info['failed'] is True
    assert "refused the credentials of user 'admin'" in info['msg'] and site.cameras['cam-hik'].address in info['msg']
    assert 'Wrong-Passw0rd' not in run.stdout + run.stderr + json.dumps(info)


def test_unreachable_camera_fails_quickly(site, run_playbook, tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    started = time.monotonic()
    run = run_playbook(info_play(out, {'timeout': 3}, ignore_errors=True), extra_args=['-l', 'cam_axis'],
                       inventory=inventory(site, cam_axis={'ansible_host': site.unused_address}))
    elapsed = time.monotonic() - started
    assert run.rc == 0, run
    info = results(out)['cam_axis']
    assert info['failed'] is True
    assert info['msg'] == ('ONVIF GetSystemDateAndTime on %s:%d failed: connection refused (nothing listens on port %d)'
                           % (site.unused_address, HTTP_PORT, HTTP_PORT))
    assert elapsed < 30


# ------------------------------------------------- issue 10: what a third-party device leaves out --
@pytest.fixture(scope='module')
def partial(free_blocks):
    prefix = free_blocks()[0]
    hik = {'vendor': 'hikvision', 'first_boot': 'profile_q', 'activated': True, 'password': HIK_PASSWORD}
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            dict(hik, name='cam-no-nic', address=prefix + '.20',
                 faults={'operations': {'GetNetworkInterfaces': 'ter:ActionNotSupported'}}),
            dict(hik, name='cam-empty', address=prefix + '.21',
                 quirks={'empty_get': ['GetDNS', 'GetHostname', 'GetNTP', 'GetNetworkDefaultGateway', 'GetNetworkProtocols']}),
        ],
    }
    with camsim.Site.from_dict(data) as running:
        yield running


def partial_inventory(site):
    hosts = dict((name.replace('-', '_'), {'ansible_host': cam.address, 'camera_user': 'admin', 'camera_password': HIK_PASSWORD})
                 for name, cam in site.cameras.items())
    return {'cameras': {'hosts': hosts, 'vars': {'ansible_connection': 'local'}}}


def test_missing_operation_and_empty_replies_keep_every_other_fact(partial, run_playbook, tmp_path):
    """Case 7: no GetNetworkInterfaces is a warning, not a failed task; case 6: empty Get replies are null, not ''/[]."""
    out = tmp_path / 'out'
    out.mkdir()
    run = run_playbook(info_play(out), inventory=partial_inventory(partial))
    assert run.rc == 0, run
    found = results(out)
    no_nic, empty = found['cam_no_nic'], found['cam_empty']
    assert no_nic['identity']['serial_number'] == partial.cameras['cam-no-nic'].serial
    assert no_nic['network']['interfaces'] is None and no_nic['mac'] is None and no_nic['users'] and no_nic['profiles']
    assert no_nic['network']['hostname'] is not None
    assert 'does not implement GetNetworkInterfaces' in run.stdout + run.stderr
    assert [empty['network'][k] for k in ('dns', 'hostname', 'ntp', 'gateway', 'protocols')] == [None] * 5
    assert empty['network']['interfaces'] and empty['mac'] == partial.cameras['cam-empty'].mac.lower()
    assert 'GetDNS answered an empty reply' in run.stdout + run.stderr
