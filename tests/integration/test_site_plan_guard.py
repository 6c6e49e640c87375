# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every step playbook that touches devices checks the site plan first (issue 10, case 3).

The inventory has been edited after step 1: camera cam-a is now planned onto the address of
the database server db-utama, which listens only on its database port (5432), so no probe of
camera ports would see it. Step 3 run on its own, as an AWX job template runs it, must stop
before any device is touched: both simulated cameras keep their factory state, the run record
is not written, and the error names the camera, the address and the server.
"""

from __future__ import annotations

import copy
import socket

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
PASSWORD = 'Kamera-Uji-2026!'
OPERATOR = {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002', 'certificate': '800/017/SERT-APK/2024'}
SITE = {'cctv_site': {'code': 'UJI', 'name': 'Dinas Uji', 'address': 'Jl. Uji 1'}, 'cctv_run_id': 'UJI-GUARD-01',
        'cctv_operator': OPERATOR, 'cctv_administrators': [OPERATOR], 'cctv_ntp_servers': ['127.0.0.1'], 'cctv_timezone': 'WIB-7',
        'cctv_window': {'start': '2026-01-01T00:00:00+07:00', 'end': '2030-12-31T23:59:59+07:00'}}
STATE = ('address', 'prefix_length', 'gateway', 'hostname', 'dns', 'ntp', 'timezone', 'users', 'boot_count', 'dhcp')


@pytest.fixture
def guarded_site(free_blocks):
    factory, room = free_blocks(2)
    cameras = [{'name': name, 'vendor': 'hikvision', 'activated': True, 'password': PASSWORD, 'address': factory + suffix}
               for name, suffix in (('cam-a', '.64'), ('cam-b', '.65'))]
    database = socket.socket()
    database.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    database.bind((room + '.5', 5432))
    database.listen(8)
    # A trap on the server's address at the cameras' ONVIF port: any request sent there is seen.
    trap = socket.socket()
    trap.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    trap.bind((room + '.5', HTTP_PORT))
    trap.listen(8)
    trap.setblocking(False)
    with database, trap, camsim.Site.from_dict({'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 0.5},
                                                'cameras': cameras}) as site:
        site.factory, site.room, site.trap = factory, room, trap
        yield site


def contacted(trap):
    """Whether anything connected to the trap on the protected server's address."""
    try:
        conn, dummy = trap.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def inventory(site, run_dir, planned_a, current_a=None):
    camera = {'onvif_username': 'admin', 'camera_vendor': 'hikvision', 'camera_position': 'Pintu masuk'}
    return {'all': {
        'vars': dict(SITE, cctv_run_dir=str(run_dir), cctv_run_record=str(run_dir / 'record.json'),
                     cctv_asset_database=str(run_dir / 'aset.sqlite3'),
                     ansible_python_interpreter='{{ ansible_playbook_python }}'),
        'children': {
            'cameras': {
                'vars': {'onvif_port': HTTP_PORT, 'onvif_password': PASSWORD},
                'children': {'room_server': {
                    'vars': {'room_name': 'Ruang Server', 'room_subnet': site.room + '.0/24', 'room_gateway': site.room + '.1'},
                    'hosts': {
                        'cam-a': dict(camera, ansible_host=current_a or site.factory + '.64', camera_address=planned_a,
                                      camera_hostname='cam-a'),
                        'cam-b': dict(camera, ansible_host=site.factory + '.65', camera_address=site.room + '.12',
                                      camera_hostname='cam-b'),
                    }}}},
            'protected': {'hosts': {'db-utama': {'ansible_host': site.room + '.5'}}},
        }}}


def snapshot(site):
    return {name: {key: copy.deepcopy(getattr(camera, key)) for key in STATE} for name, camera in site.cameras.items()}


def step(name):
    return [{'name': 'SOP step on its own', 'ansible.builtin.import_playbook': 'dukcapil.cctv.%s' % name}]


def test_step3_alone_refuses_a_camera_planned_onto_a_protected_server(tmp_path, run_playbook, guarded_site):
    # Step 1 ran on the plan as it was: the run record is open.
    prepared = run_playbook(step('step1_prepare'), inventory=inventory(guarded_site, tmp_path / 'run', guarded_site.room + '.11'))
    assert prepared.rc == 0, prepared
    record = (tmp_path / 'run' / 'record.json').read_text()

    before = snapshot(guarded_site)
    server = guarded_site.room + '.5'
    result = run_playbook(step('step3_camera_ip'), inventory=inventory(guarded_site, tmp_path / 'run', server))

    assert result.rc != 0, result
    assert snapshot(guarded_site) == before
    assert guarded_site.cameras['cam-a'].address == guarded_site.factory + '.64'
    assert (tmp_path / 'run' / 'record.json').read_text() == record
    # The error names the field, the camera, the address and the server.
    assert ('cameras[0].address: %s (camera cam-a) is the reserved address of protected host db-utama' % server) in result.stdout, result
    # It was the plan check that stopped the run, before the first task of step 3.
    assert 'Check the site plan' in result.stdout, result
    assert 'Mark step 3 started' not in result.stdout, result
    assert 'Find the camera' not in result.stdout, result
    assert not contacted(guarded_site.trap)


@pytest.mark.parametrize('playbook', ['step2_mount', 'step5_activate'])
def test_other_device_steps_check_the_plan_too(tmp_path, run_playbook, guarded_site, playbook):
    before = snapshot(guarded_site)
    server = guarded_site.room + '.5'
    result = run_playbook(step(playbook), inventory=inventory(guarded_site, tmp_path / 'run', server),
                          extra_args=['--limit', 'cam-b'])

    # --limit to a camera whose own plan is fine: the plan is still checked as a whole.
    assert result.rc != 0, result
    assert snapshot(guarded_site) == before
    assert ('cameras[0].address: %s (camera cam-a) is the reserved address of protected host db-utama' % server) in result.stdout, result
    assert not (tmp_path / 'run' / 'record.json').exists()


def test_checked_once_per_run_unless_the_plan_changes(tmp_path, run_playbook, guarded_site):
    # install_cctv imports the check before each device step: a plan that passed is not checked
    # again, a plan that changed during the run (here a fact on cam-a) is.
    server = guarded_site.room + '.5'
    check = {'name': 'Check', 'ansible.builtin.import_playbook': 'dukcapil.cctv.site_plan_check'}
    plays = [check, check,
             {'name': 'Change the plan of cam-a', 'hosts': 'cam-a', 'gather_facts': False,
              'tasks': [{'name': 'Aim cam-a at the server', 'ansible.builtin.set_fact': {'camera_address': server}}]},
             check]
    result = run_playbook(plays, inventory=inventory(guarded_site, tmp_path / 'run', guarded_site.room + '.11'))

    assert result.rc != 0, result
    runs = result.stdout.split('TASK [Check the site plan')[1:]
    assert len(runs) == 3, result
    assert runs[0].split('\n\n')[0].strip().endswith('ok: [cam-a -> localhost]'), result
    assert 'skipping: [cam-a]' in runs[1].split('\n\n')[0], result
    assert ('cameras[0].address: %s (camera cam-a) is the reserved address of protected host db-utama' % server) in runs[2], result


def test_step2_alone_never_contacts_a_camera_whose_inventory_address_is_a_protected_server(tmp_path, run_playbook, guarded_site):
    # The planned address is fine, but the camera's ansible_host (where it is reached now) is the server's.
    server = guarded_site.room + '.5'
    prepared = run_playbook(step('step1_prepare'), inventory=inventory(guarded_site, tmp_path / 'run', guarded_site.room + '.11'))
    assert prepared.rc == 0, prepared
    before = snapshot(guarded_site)
    result = run_playbook(step('step2_mount'), inventory=inventory(guarded_site, tmp_path / 'run', guarded_site.room + '.11', server),
                          extra_args=['-e', 'mount_attested_by=Budi Santoso'])

    assert result.rc != 0, result
    assert not contacted(guarded_site.trap), result
    assert snapshot(guarded_site) == before
    assert ('cameras[0].current_address: %s (camera cam-a) is the reserved address of protected host db-utama' % server) in result.stdout, result
