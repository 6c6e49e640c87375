# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles camera_ip, activate and viewer reused on their own (issue 13, point 3).

A plain playbook includes them with only their own variables and a tiny inventory of its own:
no ``cctv_*`` site variable, no room groups, no ``camera_address``. The camera is simulated on
this test's loopback block (127.0.71.x before, 127.0.72.x after its address change); the
workstation is localhost with a portable viewer extracted under tmp_path. The run record is
opened beforehand with the camera's identity bound, as steps 1 and 2 leave it.

Run twice: the second run changes nothing.
"""

from __future__ import annotations

import json
import socket

import pytest
import yaml

import make_demo_viewer

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
FACTORY = '127.0.71.10'
PLANNED = '127.0.72.10'
PASSWORD = 'Admin12345'


@pytest.fixture
def alone_site():
    for address in (FACTORY, PLANNED):
        probe = socket.socket()
        try:
            if probe.connect_ex((address, HTTP_PORT)) == 0:
                pytest.skip('something already listens on %s:%d' % (address, HTTP_PORT))
        finally:
            probe.close()
    data = {'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 0.5},
            'cameras': [{'name': 'cam-alone', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'activated': True,
                         'password': PASSWORD, 'address': FACTORY}]}
    with camsim.Site.from_dict(data) as running:
        yield running


def plays(tmp_path, viewer_src, viewer_checksum):
    record = str(tmp_path / 'run' / 'record.json')
    onvif = {'group/dukcapil.cctv.onvif': {'hostname': '{{ ansible_host }}', 'port': '{{ onvif_port }}',
                                           'username': '{{ onvif_username }}', 'password': '{{ onvif_password }}'}}
    return [
        {'name': 'Step 3 alone', 'hosts': 'cameras', 'gather_facts': False, 'module_defaults': onvif,
         'roles': [{'role': 'dukcapil.cctv.camera_ip', 'vars': {
             'camera_ip_run_record': record, 'camera_ip_address': PLANNED, 'camera_ip_prefix_length': 24,
             'camera_ip_hostname': 'kamera-alone', 'camera_ip_reboot_timeout': 20}}]},
        {'name': 'Step 5 alone', 'hosts': 'cameras', 'gather_facts': False, 'module_defaults': onvif,
         'roles': [{'role': 'dukcapil.cctv.activate', 'vars': {'activate_run_record': record, 'activate_frame_interval': 0.2}}]},
        {'name': 'Step 4 alone', 'hosts': 'workstations', 'gather_facts': False,
         'roles': [{'role': 'dukcapil.cctv.viewer', 'vars': {
             'viewer_profile': 'generic', 'viewer_source': 'archive', 'viewer_src': viewer_src,
             'viewer_checksum': viewer_checksum, 'viewer_prefix': str(tmp_path / 'viewer'),
             'viewer_executable': 'bin/cctv-viewer', 'viewer_operator': 'root',
             'viewer_cameras': [{'name': 'cam-alone', 'room': 'Ruang Server', 'position': 'Pintu',
                                 'stream_uri': 'rtsp://%s:8554/Streaming/Channels/101' % PLANNED}]}}]},
    ]


def test_camera_ip_activate_and_viewer_with_only_their_own_variables(tmp_path, run_playbook, alone_site):
    camera = alone_site.cameras['cam-alone']
    inventory = {'all': {'children': {
        'cameras': {'hosts': {'cam_alone': {'ansible_host': FACTORY, 'onvif_port': HTTP_PORT,
                                            'onvif_username': 'admin', 'onvif_password': PASSWORD}},
                    'vars': {'ansible_connection': 'local'}},
        'workstations': {'hosts': {'ws_alone': {'ansible_connection': 'local'}}}}}}
    assert 'cctv_' not in yaml.safe_dump(inventory)
    opened = run_playbook([{'name': 'The run record as steps 1 and 2 leave it', 'hosts': 'localhost', 'gather_facts': False,
                            'tasks': [{'name': 'Open it with the camera bound', 'dukcapil.cctv.sop_run_record': {
                                'path': str(tmp_path / 'run' / 'record.json'), 'run_id': 'ALONE-01',
                                'site': {'code': 'TST', 'name': 'Kantor Uji'},
                                'operator': {'name': 'Budi', 'nip': '199001152019031005', 'certificate': '800/017/SERT-APK/2024'},
                                'cameras': [{'name': 'cam_alone', 'serial': camera.serial, 'mac': camera.mac}]}}]}])
    assert opened.rc == 0, opened
    src, digest = make_demo_viewer.build('1.0.0', str(tmp_path / 'dist'))
    book = plays(tmp_path, src, 'sha256:' + digest)
    assert 'cctv_' not in yaml.safe_dump(book)

    first = run_playbook(book, inventory=inventory)
    assert first.rc == 0, first
    assert (camera.address, camera.hostname) == (PLANNED, 'kamera-alone')
    record = json.loads((tmp_path / 'run' / 'record.json').read_text())
    recorded = record['cameras'][0]
    assert recorded['address'] == PLANNED and recorded['hardening']['factory_password_removed'] is True, recorded
    assert recorded['snapshot'] == 'snapshots/cam_alone.jpg' and (tmp_path / 'run' / 'snapshots' / 'cam_alone.jpg').is_file()
    doc = json.loads((tmp_path / 'viewer' / 'cameras.json').read_text(encoding='utf-8'))
    assert [c['title'] for c in doc['cameras']] == [u'Ruang Server \u2014 Pintu']

    # Again, with the inventory still at the factory address: the camera is found where it moved.
    second = run_playbook(book, inventory=inventory)
    assert second.rc == 0, second
    assert second.changed == 0, second
    assert json.loads((tmp_path / 'run' / 'record.json').read_text()) == record
