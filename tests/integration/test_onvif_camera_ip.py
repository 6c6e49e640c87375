# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_camera_ip for real: ansible-playbook against the camera simulator (camsim) on loopback.

One site per test module (per xdist worker), one camera per test: each test changes its own
camera and checks the result both in what the module returned (JSON files written by the
play) and in the simulator's own state (``site.cameras[name]``). Reboots take 1 s.
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
    home, away = free_blocks(2)
    hik = {'vendor': 'hikvision', 'first_boot': 'profile_q', 'activated': True, 'password': HIK_PASSWORD}
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            dict(hik, name='cam-move', address=home + '.10'),
            {'name': 'cam-dhcp', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': home + '.11', 'dhcp_address': home + '.111'},
            dict(hik, name='cam-squat', address=home + '.12'),
            {'name': 'cam-dead', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': home + '.13', 'faults': {'never_return_after_reboot': True}},
            dict(hik, name='cam-clock', address=home + '.14', clock_offset=7200),
            dict(hik, name='cam-pass', address=home + '.15'),
        ],
        'squatters': [{'address': away + '.99', 'port': HTTP_PORT, 'banner': 'nginx'}],
    }
    with camsim.Site.from_dict(data) as running:
        running.home, running.away = home, away
        yield running


CREDENTIALS = {'hikvision': ('admin', HIK_PASSWORD), 'axis': ('root', 'pass'), 'generic': ('admin', 'admin')}


def inventory(site, name, **overrides):
    camera = site.cameras[name]
    user, password = CREDENTIALS[camera.vendor]
    host = {'ansible_host': camera.address, 'camera_user': user, 'camera_password': password}
    host.update(overrides)
    return {'cameras': {'hosts': {name.replace('-', '_'): host}, 'vars': {'ansible_connection': 'local'}}}


def play(out, tasks):
    """One play over the cameras; each task dict gets delegate_to and, when it registers, a copy of its result into out/."""
    steps = []
    for task in tasks:
        task = dict(task, delegate_to='localhost')
        steps.append(task)
        if 'register' in task:
            steps.append({'name': 'Keep %s for the test' % task['register'], 'delegate_to': 'localhost', 'check_mode': False,
                          'changed_when': False,
                          'ansible.builtin.copy': {'content': '{{ %s | to_nice_json }}' % task['register'],
                                                   'dest': '%s/%s.json' % (out, task['register']), 'mode': '0600'}})
    return [{
        'name': 'Configure the camera network',
        'hosts': 'cameras',
        'gather_facts': False,
        'module_defaults': {'group/dukcapil.cctv.onvif': {
            'username': '{{ camera_user }}', 'password': '{{ camera_password }}', 'port': HTTP_PORT, 'timeout': 5}},
        'tasks': steps,
    }]


def ip_task(register, ignore_errors=False, **options):
    task = {'name': 'Configure the IP settings (%s)' % register,
            'dukcapil.cctv.onvif_camera_ip': dict({'hostname': '{{ ansible_host }}'}, **options), 'register': register}
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def results(out):
    return dict((name[:-5], json.loads((out / name).read_text())) for name in os.listdir(out) if name.endswith('.json'))


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / 'out'
    folder.mkdir()
    return folder


def test_address_change_check_mode_apply_and_second_run(site, run_playbook, out):
    cam = site.cameras['cam-move']
    old, new = cam.address, site.away + '.20'
    settings = {'address': new, 'prefix_length': 24, 'gateway': site.away + '.1', 'dns_servers': [site.away + '.53'],
                'ntp_servers': [site.away + '.123'], 'camera_hostname': 'kamera-server-01', 'timezone': 'WIB-7', 'reboot_timeout': 20}
    tasks = [ip_task('camera_ip', **settings),
             {'name': 'Talk to the camera at its new address', 'ansible.builtin.set_fact': {'ansible_host': '{{ camera_ip.address }}'}},
             {'name': 'Read it there', 'dukcapil.cctv.onvif_camera_info': {'hostname': '{{ ansible_host }}', 'gather': ['identity', 'network']},
              'register': 'camera_info'}]

    # check mode: predicts the change, changes nothing on the simulator
    checked = run_playbook(play(out, tasks[:1]), inventory=inventory(site, 'cam-move'), check=True, diff=True)
    assert checked.rc == 0, checked
    assert checked.recap['cam_move']['changed'] == 1
    predicted = results(out)['camera_ip']
    assert predicted['changed'] is True and predicted['address'] == old
    assert {c['field'] for c in predicted['changes']} >= {'address', 'gateway', 'dns_servers', 'ntp_servers', 'hostname', 'timezone'}
    assert '"%s/24"' % new in checked.stdout or '%s/24' % new in checked.stdout  # the diff
    assert (cam.address, cam.pending_network, cam.boot_count, cam.hostname) == (old, None, 1, 'localhost')
    assert cam.timezone != 'WIB-7' and cam.date_time_type == 'Manual'

    # the real run: moves, reboots, re-identifies, and the play goes on at the new address
    applied = run_playbook(play(out, tasks), inventory=inventory(site, 'cam-move'))
    assert applied.rc == 0, applied
    assert applied.recap['cam_move']['changed'] == 1 and applied.recap['cam_move']['failed'] == 0
    found = results(out)
    result = found['camera_ip']
    assert (result['old_address'], result['address']) == (old, new)
    assert result['network']['addresses'] == ['%s/24' % new]
    assert any('serial and MAC match' in p['event'] for p in result['progress'])
    assert found['camera_info']['identity']['serial_number'] == cam.serial
    assert (cam.address, cam.status, cam.boot_count, cam.hostname) == (new, 'running', 2, 'kamera-server-01')
    assert cam.gateway == [site.away + '.1'] and cam.dns['manual'] == [site.away + '.53'] and cam.ntp['manual'] == [site.away + '.123']
    assert (cam.timezone, cam.date_time_type) == ('WIB-7', 'NTP')

    # a whole second run, with the inventory at the new address, changes nothing
    again = run_playbook(play(out, tasks), inventory=inventory(site, 'cam-move'), diff=True)
    assert again.rc == 0, again
    assert again.changed == 0 and again.recap['cam_move']['changed'] == 0
    assert results(out)['camera_ip']['changes'] == [] and cam.boot_count == 2


def test_static_to_dhcp_and_dhcp_to_static(site, run_playbook, out):
    cam = site.cameras['cam-dhcp']  # an Axis-like camera: its clock is 3 h behind out of the box
    lease, static = cam.dhcp_address, site.home + '.21'
    tasks = [ip_task('to_dhcp', dhcp=True, dhcp_expected_address=lease, reboot_timeout=20),
             {'name': 'Follow the camera', 'ansible.builtin.set_fact': {'ansible_host': '{{ to_dhcp.address }}'}},
             ip_task('to_static', address=static, prefix_length=24, reboot_timeout=20)]
    run = run_playbook(play(out, tasks), inventory=inventory(site, 'cam-dhcp'))
    assert run.rc == 0, run
    found = results(out)
    assert found['to_dhcp']['address'] == lease and found['to_dhcp']['network']['dhcp'] is True
    assert {c['field'] for c in found['to_dhcp']['changes']} == {'dhcp', 'clock_offset_seconds'}
    assert found['to_static']['old_address'] == lease and found['to_static']['address'] == static
    assert found['to_static']['network']['dhcp'] is False
    assert (cam.address, cam.dhcp, cam.boot_count) == (static, False, 3) and abs(cam.clock_offset) < 3


def test_conflicting_address_is_refused(site, run_playbook, out):
    cam = site.cameras['cam-squat']
    taken = site.away + '.99'
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True, address=taken, prefix_length=24, camera_hostname='cam-x')]),
                       inventory=inventory(site, 'cam-squat'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['failed'] is True and result['changed'] is False
    assert 'the new address %s is taken: %s:%d answers (HTTP server "nginx")' % (taken, taken, HTTP_PORT) in result['msg']
    assert (cam.address, cam.pending_network, cam.boot_count, cam.hostname, cam.status) == (site.home + '.12', None, 1, 'localhost', 'running')


def test_camera_that_never_comes_back(site, run_playbook, out):
    cam = site.cameras['cam-dead']
    old, new = cam.address, site.away + '.23'
    started = time.monotonic()
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True, address=new, prefix_length=24, reboot_timeout=3)]),
                       inventory=inventory(site, 'cam-dead'))
    elapsed = time.monotonic() - started
    assert run.rc == 0, run
    assert run.recap['cam_dead']['ignored'] == 1
    result = results(out)['camera_ip']
    assert result['failed'] is True and result['changed'] is True and 'address' not in result
    for part in ('was sent SetNetworkInterfaces (static %s/24) and SystemReboot at %s:%d' % (new, old, HTTP_PORT),
                 'did not answer at %s:%d within reboot_timeout=3 s' % (new, HTTP_PORT), 'NOT confirmed',
                 'does not answer at its old address %s either' % old, 'dukcapil.cctv.onvif_discovery', cam.mac.lower()):
        assert part in result['msg']
    assert cam.status == 'dead'
    assert elapsed < 20


def test_clock_two_hours_off(site, run_playbook, out):
    cam = site.cameras['cam-clock']
    assert cam.clock_offset == 7200
    run = run_playbook(play(out, [ip_task('camera_ip', ntp_servers=['pool.ntp.org'], timezone='WIB-7', camera_hostname='kamera-jam')]),
                       inventory=inventory(site, 'cam-clock'), diff=True)
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['changes'][0]['operation'] in ('SetNTP', 'SetSystemDateAndTime')  # time first
    assert {c['field'] for c in result['changes']} >= {'clock_offset_seconds', 'date_time_type', 'timezone', 'hostname'}
    assert abs(result['clock']['offset_seconds']) <= 2 and result['clock']['date_time_type'] == 'NTP'
    assert abs(cam.clock_offset) < 2 and cam.date_time_type == 'NTP' and cam.timezone == 'WIB-7' and cam.hostname == 'kamera-jam'


def test_wrong_password(site, run_playbook, out):
    cam = site.cameras['cam-pass']
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True, camera_hostname='cam-y')]),
                       inventory=inventory(site, 'cam-pass', camera_password='Wrong-Passw0rd'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['failed'] is True and result['changed'] is False
    assert "refused the credentials of user 'admin'" in result['msg'] and cam.address in result['msg']
    assert 'Wrong-Passw0rd' not in run.stdout + run.stderr + json.dumps(result)
    assert cam.hostname == 'localhost'


def test_examples_pass_syntax_check(run_playbook):
    """The EXAMPLES use documentation addresses (not loopback): they are parsed, never run."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'plugins', 'modules',
                        'onvif_camera_ip.py')
    spec = importlib.util.spec_from_file_location('onvif_camera_ip_doc', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = run_playbook(module.EXAMPLES, extra_args=['--syntax-check'])
    assert run.rc == 0, run


# ------------------------------------------------- issue 10: devices that do not do what they say --
@pytest.fixture(scope='module')
def quirky(free_blocks):
    """Cameras with the simulator's third-party quirks (tools/camsim/README.md, "Fault injection")."""
    home, away = free_blocks(2)
    hik = {'vendor': 'hikvision', 'first_boot': 'profile_q', 'activated': True, 'password': HIK_PASSWORD}
    data = {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            dict(hik, name='cam-ignores', address=home + '.30', quirks={'set_ignored': ['SetHostname']}),
            dict(hik, name='cam-empty', address=home + '.31', quirks={'empty_get': ['GetDNS']}),
            dict(hik, name='cam-nic-ignored', address=home + '.32', quirks={'network_interfaces_reply': 'empty_ignored'}),
            dict(hik, name='cam-nic-live', address=home + '.33', quirks={'network_interfaces_reply': 'empty_live'}),
            dict(hik, name='cam-stuck-clock', address=home + '.34', clock_offset=7200, quirks={'clock_step_ignored': True}),
        ],
    }
    with camsim.Site.from_dict(data) as running:
        running.home, running.away = home, away
        yield running


def test_set_accepted_but_not_applied_fails_every_run(quirky, run_playbook, out):
    """Case 5: SetHostname answered with an empty success and nothing changed: failed, changed=false, both values named."""
    cam = quirky.cameras['cam-ignores']
    for attempt in range(2):
        folder = out / str(attempt)
        folder.mkdir()
        run = run_playbook(play(folder, [ip_task('camera_ip', ignore_errors=True, camera_hostname='kamera-31')]),
                           inventory=inventory(quirky, 'cam-ignores'))
        assert run.rc == 0, run
        result = results(folder)['camera_ip']
        assert result['failed'] is True and result['changed'] is False, result
        assert "SetHostname sent hostname='kamera-31', the camera now reports hostname='localhost'" in result['msg']
    assert cam.hostname == 'localhost'


def test_empty_get_reply_is_not_managed(quirky, run_playbook, out):
    """Case 6 and 23: <tds:GetDNSResponse/> is unknown, so DNS is not managed against it; no write, the reason named."""
    cam = quirky.cameras['cam-empty']
    dns_before = cam.dns
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True, dns_servers=[quirky.away + '.53'])]),
                       inventory=inventory(quirky, 'cam-empty'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['failed'] is True and result['changed'] is False
    assert 'GetDNS answered an empty reply' in result['msg'] and 'does not implement' not in result['msg']
    assert cam.dns == dns_before


def test_empty_interfaces_reply_that_changed_nothing_is_not_a_reboot(quirky, run_playbook, out):
    """Case 9: an empty SetNetworkInterfaces reply, change dropped: failed, no SystemReboot, the camera where it was."""
    cam = quirky.cameras['cam-nic-ignored']
    old, boots = cam.address, cam.boot_count
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True, address=quirky.away + '.32', prefix_length=24,
                                          reboot_timeout=10)]), inventory=inventory(quirky, 'cam-nic-ignored'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['failed'] is True and 'did not take' in result['msg'] and 'not rebooted' in result['msg']
    assert result['changed'] is False
    assert (cam.address, cam.boot_count, cam.status) == (old, boots, 'running')


def test_empty_interfaces_reply_applied_at_once_is_not_rebooted(quirky, run_playbook, out):
    """Case 9: an empty reply and the address live at once: found at the new address, no reboot."""
    cam = quirky.cameras['cam-nic-live']
    new, boots = quirky.away + '.33', cam.boot_count
    run = run_playbook(play(out, [ip_task('camera_ip', address=new, prefix_length=24, reboot_timeout=10)]),
                       inventory=inventory(quirky, 'cam-nic-live'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['changed'] is True and result['address'] == new
    assert (cam.address, cam.boot_count) == (new, boots)


def test_clock_step_that_does_not_take_fails(quirky, run_playbook, out):
    """Case 11: SetSystemDateAndTime accepted, clock still 2 h off: the task fails (not changed plus a warning)."""
    run = run_playbook(play(out, [ip_task('camera_ip', ignore_errors=True)]), inventory=inventory(quirky, 'cam-stuck-clock'))
    assert run.rc == 0, run
    result = results(out)['camera_ip']
    assert result['failed'] is True and 'the clock step did not take' in result['msg'] and 's off' in result['msg']
    assert abs(quirky.cameras['cam-stuck-clock'].clock_offset - 7200) < 5
