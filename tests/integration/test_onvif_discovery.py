# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""onvif_discovery for real: ansible-playbook against a 4-camera simulated site on loopback.

Unicast WS-Discovery to each camera's address and the factory-address probe find every camera,
with maker/model from the scopes and, with credentials, serial and MAC. A web server that is
not ONVIF (a squatter) and an empty address are reported as not found.

Multicast is only tested inside a network namespace the test builds (as root): its loopback
gets multicast on, the simulator runs in it behind a small relay that answers the multicast
Probe for each camera, and ansible-playbook runs in it. Skipped where that is not possible.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
import yaml

camsim = pytest.importorskip('camsim', reason='the camera simulator (tools/camsim) is not importable')

pytestmark = pytest.mark.integration

HTTP_PORT = 8000
PASSWORD = 'Site-Adm1n-26'
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def site_data(prefix):
    admin = {'username': 'admin', 'password': PASSWORD, 'level': 'Administrator'}
    return {
        'defaults': {'http_port': HTTP_PORT, 'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'cam-hik', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.10', 'password': PASSWORD, 'location': 'city/semarang'},
            {'name': 'cam-new', 'vendor': 'hikvision', 'first_boot': 'profile_q', 'address': prefix + '.64', 'activated': False},  # just mounted
            {'name': 'cam-axis', 'vendor': 'axis', 'first_boot': 'factory_account', 'address': prefix + '.90', 'users': [admin]},
            {'name': 'cam-gen', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.12', 'password': PASSWORD},
        ],
        'squatters': [{'address': prefix + '.108', 'port': HTTP_PORT, 'banner': 'nginx'}],
    }


@pytest.fixture(scope='module')
def site(free_blocks):
    prefix = free_blocks()[0]
    with camsim.Site.from_dict(site_data(prefix)) as running:
        running.prefix = prefix
        yield running


def discovery_play(out_file, args, check_mode=False):
    return [{
        'name': 'Find the cameras',
        'hosts': 'localhost',
        'gather_facts': False,
        'tasks': [
            {'name': 'Probe', 'dukcapil.cctv.onvif_discovery': args, 'register': 'found', 'check_mode': check_mode},
            {'name': 'Keep the result for the test', 'check_mode': False, 'changed_when': False,
             'ansible.builtin.copy': {'content': '{{ found | to_nice_json }}', 'dest': str(out_file), 'mode': '0600'}},
        ],
    }]


def test_unicast_and_factory_probe_find_every_camera(site, run_playbook, tmp_path):
    cams = site.cameras
    out = tmp_path / 'found.json'
    args = {'addresses': [cams[n].address for n in ('cam-hik', 'cam-axis', 'cam-gen')],
            'factory_addresses': [cams['cam-new'].address, site.prefix + '.108', site.prefix + '.99'],
            'port': HTTP_PORT, 'timeout': 5, 'username': 'admin', 'password': PASSWORD}
    started = time.monotonic()
    run = run_playbook(discovery_play(out, args), extra_args=['-vvv'])
    elapsed = time.monotonic() - started
    assert run.rc == 0, run
    assert run.changed == 0
    found = json.loads(out.read_text())
    assert found['changed'] is False
    devices = dict((d['address'], d) for d in found['devices'])
    assert set(devices) == set(c.address for c in cams.values())  # all four, the squatter is not a camera
    assert found['not_found'] == [site.prefix + '.108', site.prefix + '.99']
    for cam in cams.values():
        device = devices[cam.address]
        assert device['maker'] == cam.personality['manufacturer']
        assert device['model'] == cam.personality['model']
        assert device['endpoint'] == 'urn:uuid:' + cam.uuid
        assert device['xaddrs'] == [cam.device_url] and device['port'] == HTTP_PORT
        assert 'onvif://www.onvif.org/Profile/Streaming' in device['scopes']
        if cam.name == 'cam-new':  # never activated: no credentials work yet
            assert device['found_by'] == ['unicast', 'http']
            assert device['identity'] is None and 'not activated' in device['identity_error']
        else:
            assert device['found_by'] == ['unicast']
            assert device['identity']['serial_number'] == cam.serial
            assert device['mac'] == cam.mac.lower()
    assert devices[cams['cam-hik'].address]['location'] == 'city/semarang'
    assert PASSWORD not in run.stdout + run.stderr
    assert elapsed < 20


def test_check_mode_without_credentials(site, run_playbook, tmp_path):
    out = tmp_path / 'found.json'
    cams = site.cameras
    run = run_playbook(discovery_play(out, {'factory_addresses': [c.address for c in cams.values()], 'port': HTTP_PORT,
                                            'timeout': 5}), check=True)
    assert run.rc == 0, run
    found = json.loads(out.read_text())
    assert found['changed'] is False and found['not_found'] == []
    assert all(d['found_by'] == ['unicast', 'http'] and d['identity'] is None for d in found['devices'])


# -------------------------------------------------------------------------------- multicast --
RELAY = r'''
"""Inside the test's network namespace: run the simulator and answer multicast Probes for its cameras.

The simulator only answers unicast; for each multicast Probe this relay asks every camera by
unicast from the camera's own address and sends each answer back to the prober from that
address, as a camera on the link would. Ends when stdin closes.
"""
import json, select, socket, struct, sys
sys.path.insert(0, sys.argv[1])
import camsim

GROUP = '239.255.255.250'
site = camsim.Site.from_dict(json.loads(sys.argv[2])).start()
group = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
group.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
group.bind((GROUP, 3702))
group.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4s', socket.inet_aton(GROUP), socket.inet_aton('127.0.0.1')))
print('ready', flush=True)
try:
    while True:
        readable = select.select([group, sys.stdin], [], [], 30)[0]
        if sys.stdin in readable and not sys.stdin.readline():
            break
        if group not in readable:
            continue
        probe, prober = group.recvfrom(65535)
        for camera in site.cameras.values():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as ask:
                ask.bind((camera.address, 0))
                ask.settimeout(1)
                ask.sendto(probe, (camera.address, 3702))
                try:
                    ask.sendto(ask.recv(65535), prober)
                except socket.timeout:
                    pass
finally:
    site.stop()
'''


def _ip(*args):
    return subprocess.run(['ip'] + list(args), capture_output=True, text=True, timeout=10, check=False)


@pytest.fixture
def netns():
    """A network namespace of this test with multicast on its loopback; deleted afterwards."""
    if os.geteuid() != 0 or not shutil.which('ip'):
        pytest.skip('multicast is only tested as root in a network namespace of its own')
    name = 'dkc-disc-%d-%d' % (os.getpid(), random.randrange(10 ** 6))
    if _ip('netns', 'add', name).returncode != 0:
        pytest.skip('cannot create a network namespace here')
    try:
        for args in (('link', 'set', 'lo', 'up'), ('link', 'set', 'lo', 'multicast', 'on'),
                     ('route', 'add', '239.0.0.0/8', 'dev', 'lo')):
            result = _ip('-n', name, *args)
            if result.returncode != 0:
                pytest.skip('cannot set up multicast in the namespace: %s' % result.stderr.strip())
        yield name
    finally:
        _ip('netns', 'del', name)


def test_multicast_inside_a_network_namespace(netns, collections_path, tmp_path):
    data = site_data('127.0.5')
    del data['squatters']
    relay = tmp_path / 'relay.py'
    relay.write_text(RELAY)
    proc = subprocess.Popen(['ip', 'netns', 'exec', netns, sys.executable, str(relay), os.path.join(ROOT, 'tools'), json.dumps(data)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == 'ready', proc.stderr.read()
        out = tmp_path / 'found.json'
        playbook = tmp_path / 'playbook.yml'
        playbook.write_text(yaml.safe_dump(discovery_play(out, {'multicast_interface': '127.0.0.1', 'timeout': 5,
                                                                'username': 'admin', 'password': PASSWORD}), sort_keys=False))
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text(textwrap.dedent('''
            all:
              hosts:
                localhost: {ansible_connection: local}
        '''))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'), ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
                   ANSIBLE_NOCOLOR='1')
        started = time.monotonic()
        run = subprocess.run(['ip', 'netns', 'exec', netns, os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                              '-i', str(inventory), str(playbook)], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                             timeout=120, check=False)
        elapsed = time.monotonic() - started
    finally:
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(out.read_text())
    devices = dict((d['address'], d) for d in found['devices'])
    assert set(devices) == set(c['address'] for c in data['cameras'])
    assert all(d['found_by'] == ['multicast'] for d in devices.values())
    assert devices['127.0.5.90']['maker'] == 'AXIS', devices['127.0.5.90']
    assert (devices['127.0.5.90']['identity'] or {}).get('manufacturer') == 'AXIS', devices['127.0.5.90']['identity_error']
    assert devices['127.0.5.64']['identity'] is None  # not activated
    assert found['not_found'] == []
    assert elapsed < 60  # bounded: timeout 5 s for the probe, as much again for identities, plus ansible-playbook


# ---------------------------------------------------------------------------------- issue 10 --
@pytest.fixture(scope='module')
def shared(free_blocks):
    """Two cameras behind one address (an NVR fronting two channels): one Probe, two ProbeMatches."""
    prefix = free_blocks()[0]
    admin = {'username': 'admin', 'password': PASSWORD, 'level': 'Administrator'}
    data = {
        'defaults': {'rtsp_port': 8554, 'reboot_seconds': 1},
        'cameras': [
            {'name': 'nvr-ch1', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.30', 'http_port': 8001, 'rtsp_port': 8554,
             'users': [admin]},
            {'name': 'nvr-ch2', 'vendor': 'generic', 'first_boot': 'factory_account', 'address': prefix + '.30', 'http_port': 8002, 'rtsp_port': 8555,
             'users': [admin], 'quirks': {'discovery_via': 'nvr-ch1'},
             'faults': {'operations': {'GetNetworkInterfaces': 'ter:ActionNotSupported'}}},
        ],
    }
    with camsim.Site.from_dict(data) as running:
        running.prefix = prefix
        yield running


def test_two_devices_behind_one_address_and_a_missing_mac_read(shared, run_playbook, tmp_path):
    """Case 13: both devices are listed (keyed by endpoint and XAddr); case 7: ch2's identity is kept without its MAC;
    case 15: the whole run, identities included, ends within timeout."""
    ch1, ch2 = shared.cameras['nvr-ch1'], shared.cameras['nvr-ch2']
    out = tmp_path / 'found.json'
    args = {'addresses': [ch1.address], 'timeout': 4, 'username': 'admin', 'password': PASSWORD}
    run = run_playbook(discovery_play(out, args))
    assert run.rc == 0, run
    found = json.loads(out.read_text())
    by_endpoint = dict((d['endpoint'], d) for d in found['devices'])
    assert set(by_endpoint) == {'urn:uuid:' + ch1.uuid, 'urn:uuid:' + ch2.uuid}
    one, two = by_endpoint['urn:uuid:' + ch1.uuid], by_endpoint['urn:uuid:' + ch2.uuid]
    assert (one['address'], one['port'], two['address'], two['port']) == (ch1.address, 8001, ch2.address, 8002)
    assert one['identity']['serial_number'] == ch1.serial and one['mac'] == ch1.mac.lower()
    assert two['identity']['serial_number'] == ch2.serial and two['identity_error'] is None
    assert 'identity read, but not its MAC address' in run.stdout + run.stderr
