# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 2 (dukcapil.cctv.step2_mount) boots every camera the vendor's way (issue 12, requirement 3).

One site in its own loopback blocks, every camera as it leaves the box in the simulator's default
(vendor-native) first boot: a Hikvision camera inactive with ONVIF off, an Axis camera that needs
setup, a Dahua camera not initialised, a generic ONVIF Profile Q camera, and a Hikvision camera
the supplier already activated with another password. ``camera_vendor`` is ``auto`` for most, so
the evidence (SADP answer, vendor status URLs, HTTP Server header) chooses. SADP and multicast
WS-Discovery run on loopback only (the simulator's lo-only sockets, TTL 1 out of 127.0.0.1).
"""

from __future__ import annotations

import json

import pytest

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
PASSWORD = 'Kantor#2026a'   # within every vendor's policy (Hikvision 8-16, Dahua none of ; : & quotes)
THEIRS = 'Their#Pass26'
OPERATOR = {'name': 'Budi Santoso, S.Kom.', 'nip': '198805122015031002', 'certificate': '800/017/SERT-APK/2024'}
SITE = {'cctv_site': {'code': 'UJI', 'name': 'Dinas Uji', 'address': 'Jl. Uji 1'}, 'cctv_run_id': 'UJI-BOOT-01',
        'cctv_operator': OPERATOR, 'cctv_administrators': [OPERATOR], 'cctv_ntp_servers': ['127.0.0.1'],
        'cctv_timezone': 'WIB-7', 'mount_attested_by': 'Budi Santoso, S.Kom.', 'mount_ready_timeout': 20,
        'cctv_window': {'start': '2026-01-01T00:00:00+07:00', 'end': '2030-12-31T23:59:59+07:00'}}
# name: (personality, factory suffix, planned suffix, camera_vendor, onvif_username)
CAMERAS = {
    'cam-hik': ('hikvision', '.64', '.11', 'auto', 'admin'),
    'cam-axis': ('axis', '.90', '.12', 'axis', 'root'),
    'cam-dahua': ('dahua', '.108', '.13', 'auto', 'admin'),
    'cam-gen': ('generic', '.20', '.14', 'auto', 'admin'),
    'cam-taken': ('hikvision', '.65', '.15', 'hikvision', 'admin'),
}
BOOTED = ('cam-hik', 'cam-axis', 'cam-dahua', 'cam-gen')


@pytest.fixture
def native_site(free_blocks):
    factory, room = free_blocks(2)
    cameras = []
    for name, (vendor, suffix, dummy, dummy2, dummy3) in CAMERAS.items():
        entry = {'name': name, 'vendor': vendor, 'address': factory + suffix}  # the personality's own first boot
        if name == 'cam-taken':
            entry.update(activated=True, password=THEIRS)
        elif vendor == 'hikvision':
            entry['activated'] = False
        cameras.append(entry)
    with camsim.Site.from_dict({'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 0.5},
                                'cameras': cameras}) as site:
        site.factory, site.room = factory, room
        yield site


def inventory(site, run_dir):
    hosts = {}
    for name, (dummy, suffix, planned, vendor, user) in CAMERAS.items():
        hosts[name] = {'ansible_host': site.factory + suffix, 'camera_address': site.room + planned,
                       'camera_hostname': name, 'camera_position': 'Pintu masuk', 'camera_vendor': vendor,
                       'onvif_username': user}
    return {'all': {
        'vars': dict(SITE, cctv_run_dir=str(run_dir), cctv_run_record=str(run_dir / 'record.json'),
                     cctv_asset_database=str(run_dir / 'aset.sqlite3'),
                     ansible_python_interpreter='{{ ansible_playbook_python }}'),
        'children': {'cameras': {
            'vars': {'onvif_port': HTTP_PORT, 'onvif_password': PASSWORD},
            'children': {'room_server': {
                'vars': {'room_name': 'Ruang Server', 'room_subnet': site.room + '.0/24', 'room_gateway': site.room + '.1'},
                'hosts': hosts}}}}}}


def step(name):
    return [{'name': 'SOP step on its own', 'ansible.builtin.import_playbook': 'dukcapil.cctv.%s' % name}]


def find_on_loopback(run_playbook, tmp_path, name):
    """(SADP devices, WS-Discovery devices) heard by multicast out of 127.0.0.1 only."""
    out = tmp_path / (name + '.json')
    plays = [{'name': 'Find by multicast on loopback', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'SADP inquiry', 'dukcapil.cctv.cctv_sadp_info': {'multicast_interface': '127.0.0.1', 'timeout': 2},
         'register': 'found_sadp'},
        {'name': 'WS-Discovery Probe', 'dukcapil.cctv.onvif_discovery': {
            'multicast_interface': '127.0.0.1', 'timeout': 2, 'port': HTTP_PORT},
         'register': 'found_wsd'},
        {'name': 'Keep them', 'ansible.builtin.copy': {
            'content': '{{ {"sadp": found_sadp.devices, "wsd": found_wsd.devices} | to_nice_json }}', 'dest': str(out),
            'mode': '0600'}}]}]
    run = run_playbook(plays)
    assert run.rc == 0, run
    found = json.loads(out.read_text())
    return found['sadp'], found['wsd']


def test_sadp_and_multicast_ws_discovery_find_every_camera(tmp_path, run_playbook, native_site):
    addresses = dict((name, camera.address) for name, camera in native_site.cameras.items())
    sadp, wsd = find_on_loopback(run_playbook, tmp_path, 'before')
    by_sadp = set(d['answered_from'] for d in sadp) & set(addresses.values())
    by_wsd = set(d['address'] for d in wsd) & set(addresses.values())
    # SADP finds both Hikvision cameras, activated or not; WS-Discovery every camera whose ONVIF is on.
    assert by_sadp == {addresses['cam-hik'], addresses['cam-taken']}, sadp
    assert by_wsd == {addresses['cam-axis'], addresses['cam-dahua'], addresses['cam-gen']}, wsd
    assert by_sadp | by_wsd == set(addresses.values())
    activated = dict((d['answered_from'], d['activated']) for d in sadp)
    assert activated[addresses['cam-hik']] is False and activated[addresses['cam-taken']] is True


def test_step2_boots_each_camera_the_vendors_way_twice(tmp_path, run_playbook, native_site):
    run_dir = tmp_path / 'run'
    prepared = run_playbook(step('step1_prepare'), inventory=inventory(native_site, run_dir))
    assert prepared.rc == 0, prepared

    first = run_playbook(step('step2_mount'), inventory=inventory(native_site, run_dir), extra_args=['-f', '5'])
    # The camera activated by someone else fails step 2, with a clear error, and is not activated again.
    assert first.rc != 0 and first.recap['cam-taken']['failed'] >= 1, first
    for name in BOOTED:
        assert first.recap[name]['failed'] == 0, (name, first)
    taken = native_site.cameras['cam-taken']
    assert taken.find_web_user('admin')['password'] == THEIRS and not taken.onvif_enabled
    record = json.loads((run_dir / 'record.json').read_text())
    problems = [p['text'] for p in record['problems'] if p.get('camera') == 'cam-taken' and p['step'] == 2]
    assert problems and 'Give the camera its first password' in problems[0], record['problems']
    assert 'refuse' in problems[0].lower() or 'someone else' in problems[0], problems
    assert PASSWORD not in first.stdout and THEIRS not in first.stdout

    # Each booted the vendor's way, the output naming the evidence that chose the vendor.
    hik, axis = native_site.cameras['cam-hik'], native_site.cameras['cam-axis']
    assert hik.activated and hik.onvif_enabled and hik.find_user('admin') is not None
    assert axis.activated and axis.find_user('root') is not None
    assert native_site.cameras['cam-dahua'].activated and native_site.cameras['cam-gen'].activated
    assert 'cam-hik: hikvision first boot (activate, enable_onvif, set_onvif_user)' in ' '.join(first.stdout.split()), first
    assert 'SADP' in first.stdout and 'the vendor option' in first.stdout

    # The identity (serial AND MAC) bound in step 2 is the device's at the factory address.
    cameras = dict((c['name'], c) for c in record['cameras'])
    for name in BOOTED:
        camera = native_site.cameras[name]
        assert cameras[name]['serial'] == camera.serial and cameras[name]['mac'].lower() == camera.mac.lower(), name
        assert cameras[name]['factory_address'] == camera.address
    assert 'serial' not in cameras['cam-taken']

    # A second run finds the booted cameras by their identity and changes nothing on them.
    before = dict((name, (native_site.cameras[name].boot_count, json.dumps(native_site.cameras[name].users, sort_keys=True)))
                  for name in BOOTED)
    second = run_playbook(step('step2_mount'), inventory=inventory(native_site, run_dir), extra_args=['-f', '5'])
    assert second.recap['cam-taken']['failed'] >= 1, second
    for name in BOOTED:
        assert second.recap[name]['failed'] == 0, (name, second)
        state = (native_site.cameras[name].boot_count, json.dumps(native_site.cameras[name].users, sort_keys=True))
        assert state == before[name], name
    assert 'nothing to do' in second.stdout

    # After the first boot, multicast WS-Discovery finds every booted camera, the Hikvision one too.
    dummy, wsd = find_on_loopback(run_playbook, tmp_path, 'after')
    heard = set(d['address'] for d in wsd)
    assert all(native_site.cameras[name].address in heard for name in BOOTED), wsd


# Cameras that still ship with a factory account (AXIS OS before 10: root/pass; many generic ONVIF
# cameras: admin/admin) have no first boot to do: step 2 replaces the factory password over ONVIF.
FACTORY = {'cam-old-axis': ('axis', '.91', '.21', 'axis', 'root'),
           'cam-old-gen': ('generic', '.21', '.22', 'auto', 'admin')}


def test_step2_replaces_a_factory_password_when_the_camera_ships_with_one(tmp_path, run_playbook, free_blocks):
    factory, room = free_blocks(2)
    cameras = [{'name': name, 'vendor': vendor, 'address': factory + suffix, 'first_boot': 'factory_account'}
               for name, (vendor, suffix, dummy, dummy2, dummy3) in FACTORY.items()]
    with camsim.Site.from_dict({'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 0.5},
                                'cameras': cameras}) as site:
        site.factory, site.room = factory, room
        run_dir = tmp_path / 'run'
        hosts = {}
        for name, (dummy, suffix, planned, vendor, user) in FACTORY.items():
            hosts[name] = {'ansible_host': factory + suffix, 'camera_address': room + planned, 'camera_hostname': name,
                           'camera_position': 'Rak server', 'camera_vendor': vendor, 'onvif_username': user,
                           'camera_first_boot': 'factory_password'}
        # A generic camera's factory login is not in the vendor table: the inventory names it.
        hosts['cam-old-gen'].update(camera_factory_username='admin', camera_factory_password='admin')
        inv = inventory(site, run_dir)
        inv['all']['children']['cameras']['children']['room_server']['hosts'] = hosts
        assert run_playbook(step('step1_prepare'), inventory=inv).rc == 0

        first = run_playbook(step('step2_mount'), inventory=inv)
        assert first.rc == 0, first
        for name, (dummy, dummy2, dummy3, dummy4, user) in FACTORY.items():
            camera = site.cameras[name]
            assert camera.find_user(user)['password'] == PASSWORD, name
        record = json.loads((run_dir / 'record.json').read_text())
        bound = dict((c['name'], c) for c in record['cameras'])
        for name in FACTORY:
            assert bound[name]['serial'] == site.cameras[name].serial, record
        assert not [p for p in record.get('problems', []) if p['step'] == 2], record['problems']
        assert PASSWORD not in first.stdout

        second = run_playbook(step('step2_mount'), inventory=inv)
        assert second.rc == 0 and all(second.recap[name]['changed'] == 0 for name in FACTORY), second
