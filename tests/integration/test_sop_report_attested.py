# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14 points 2 and 6 through the playbooks: the installer's attested start and end of step 2 land in the
run record (labelled attested) and in the report, and the label sheet carries the office's owner line and kode
barang. The controller runs in UTC; the office is in WIB. Cameras on this test's loopback blocks 127.0.81/24
(factory) and 127.0.82/24 (room)."""

from __future__ import annotations

import json
import re

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')
pypdf = pytest.importorskip('pypdf')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
PASSWORD = 'Kantor#2026a'
FACTORY, ROOM = '127.0.81', '127.0.82'
OPERATOR = {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002', 'certificate': '800/017/SERT-APK/2024'}
SITE = {'cctv_site': {'code': 'BYL', 'name': 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Boyolali',
                      'address': 'Jl. Pandanaran No 163 Boyolali'},
        'cctv_run_id': 'BYL-ATTEST-01', 'cctv_operator': OPERATOR, 'cctv_administrators': [OPERATOR],
        'cctv_ntp_servers': ['127.0.0.1'], 'cctv_timezone': 'Asia/Jakarta', 'mount_ready_timeout': 20,
        'mount_attested_by': 'Budi Santoso, S.Kom.',
        'mount_attested_started': '2026-03-10 08:05', 'mount_attested_ended': '2026-03-10 10:10',
        'cctv_office': {'owner_line': 'Milik Pemerintah Kabupaten Boyolali', 'asset_code': '1.3.2.10.02.03.005'},
        'cctv_window': {'start': '2026-01-01T00:00:00+07:00', 'end': '2030-12-31T23:59:59+07:00'}}
CAMERAS = {'cam-gen': ('generic', '.20', '.14'), 'cam-axis': ('axis', '.90', '.12')}
USERS = {'generic': 'admin', 'axis': 'root'}


@pytest.fixture
def site():
    cameras = [{'name': name, 'vendor': vendor, 'address': FACTORY + suffix} for name, (vendor, suffix, dummy) in CAMERAS.items()]
    with camsim.Site.from_dict({'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 0.5},
                                'cameras': cameras}) as running:
        yield running


def inventory(run_dir):
    hosts = {name: {'ansible_host': FACTORY + suffix, 'camera_address': ROOM + planned, 'camera_hostname': name,
                    'camera_position': 'Pintu masuk', 'camera_vendor': vendor, 'onvif_username': USERS[vendor]}
             for name, (vendor, suffix, planned) in CAMERAS.items()}
    return {'all': {
        'vars': dict(SITE, cctv_run_dir=str(run_dir), cctv_run_record=str(run_dir / 'record.json'),
                     cctv_asset_database=str(run_dir / 'aset.sqlite3'),
                     ansible_python_interpreter='{{ ansible_playbook_python }}'),
        'children': {'cameras': {
            'vars': {'onvif_port': HTTP_PORT, 'onvif_password': PASSWORD},
            'children': {'room_server': {
                'vars': {'room_name': 'Ruang Server', 'room_subnet': ROOM + '.0/24', 'room_gateway': ROOM + '.1'},
                'hosts': hosts}}}}}}


def step(name):
    return [{'name': 'SOP step on its own', 'ansible.builtin.import_playbook': 'dukcapil.cctv.%s' % name}]


def test_attested_mounting_times_and_the_office_labels(tmp_path, run_playbook, site):
    del site
    run_dir = tmp_path / 'run'
    env = {'TZ': 'UTC'}
    prepared = run_playbook(step('step1_prepare'), inventory=inventory(run_dir), env=env)
    assert prepared.rc == 0, prepared
    mounted = run_playbook(step('step2_mount'), inventory=inventory(run_dir), env=env)
    assert mounted.rc == 0, mounted
    record = json.loads((run_dir / 'record.json').read_text())
    assert record['steps']['2']['started'] == '2026-03-10T08:05:00+07:00'
    assert record['steps']['2']['ended'] == '2026-03-10T10:10:00+07:00'
    assert record['steps']['2']['timing'] == 'attested'
    assert [c['mount']['at'] for c in record['cameras']] == ['2026-03-10T10:10:00+07:00'] * 2
    again = run_playbook(step('step2_mount'), inventory=inventory(run_dir), env=env)
    assert again.rc == 0, again
    assert json.loads((run_dir / 'record.json').read_text())['steps']['2'] == record['steps']['2']

    sheet = pypdf.PdfReader(str(run_dir / 'label-aset.pdf'))
    text = re.sub(r'\s+', ' ', ' '.join(page.extract_text() for page in sheet.pages))
    assert text.count('Milik Pemerintah Kabupaten Boyolali') == 2 and 'Semarang' not in text
    assert text.count('Kode Barang: 1.3.2.10.02.03.005') == 2
    assert text.count('Tahun Perolehan: ') == 2
