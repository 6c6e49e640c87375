# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""SADP inquiry: parsing, option checks, unicast on 127.0.0.1, multicast inside a network namespace of the test's own."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import uuid

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import sadp

# A ProbeMatch with the fields and order of the real captures (INDEX.md H8); values are made up.
MATCH = ('<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>%s</Uuid><Types>inquiry</Types>'
         '<DeviceType>139960</DeviceType><DeviceDescription>DS-2CD2043G2-I</DeviceDescription>'
         '<DeviceSN>%s</DeviceSN><CommandPort>8000</CommandPort><HttpPort>80</HttpPort>'
         '<MAC>44-19-b6-01-02-03</MAC><IPv4Address>%s</IPv4Address><IPv4SubnetMask>255.0.0.0</IPv4SubnetMask>'
         '<IPv4Gateway>127.0.0.1</IPv4Gateway><IPv6Address>::</IPv6Address><DHCP>false</DHCP>'
         '<SoftwareVersion>V5.6.2build 190701</SoftwareVersion><Activated>%s</Activated></ProbeMatch>')


def params(**extra):
    base = dict(addresses=[], multicast_interface=None, port=37020, timeout=1)
    base.update(extra)
    return base


def test_parse_match_fields():
    device = sadp.parse_match((MATCH % ('ABC', 'SN1', '127.0.1.64', 'false')).encode())
    assert device['model'] == 'DS-2CD2043G2-I' and device['serial'] == 'SN1' and device['mac'] == '44:19:b6:01:02:03'
    assert device['address'] == '127.0.1.64' and device['activated'] is False and device['http_port'] == 80
    old = sadp.parse_match(re.sub(r'<Activated>.*</Activated>', '', MATCH % ('A', 'S', '127.0.0.2', 'x')).encode())
    assert old['activated'] is None
    assert sadp.parse_match(b'<Probe/>') is None and sadp.parse_match(b'garbage') is None


def test_probe_is_upper_case_inquiry():
    probe_id, datagram = sadp.build_probe()
    assert probe_id == probe_id.upper() and b'<Types>inquiry</Types>' in datagram and probe_id.encode() in datagram


@pytest.mark.parametrize('extra, message', [
    ({}, 'give at least one of addresses or multicast_interface'),
    ({'addresses': ['camera.local']}, "addresses: 'camera.local' is not an IPv4 address"),
    ({'addresses': ['239.255.255.250']}, 'not a unicast address'),
    ({'multicast_interface': 'eth0'}, "multicast_interface: 'eth0' is not an IPv4 address"),
    ({'addresses': ['127.0.0.1'], 'timeout': 0}, 'timeout: must be a positive'),
])
def test_options_are_checked_before_sending(extra, message):
    with pytest.raises(sadp.SadpError, match=re.escape(message)):
        sadp.inquire(params(**extra))


def _responder(activated='false', serial='DS-SN-0001', wrong_id=False):
    """A SADP device on 127.0.0.1 (an ephemeral port); answers each inquiry (and one stray datagram first)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    sock.settimeout(5)
    seen = []

    def serve():
        try:
            while True:
                data, source = sock.recvfrom(65535)
                seen.append(data)
                probe_id = re.search(rb'<Uuid>(.*?)</Uuid>', data).group(1).decode()
                sock.sendto(b'not xml', source)
                sock.sendto((MATCH % (str(uuid.uuid4()).upper() if wrong_id else probe_id, serial, '127.0.0.1',
                                      activated)).encode(), source)
        except OSError:
            return
    threading.Thread(target=serve, daemon=True).start()
    return sock, seen


def test_unicast_inquiry_on_loopback():
    sock, seen = _responder()
    try:
        devices, warnings = sadp.inquire(params(addresses=['127.0.0.1'], port=sock.getsockname()[1]))
    finally:
        sock.close()
    assert warnings == [] and len(devices) == 1 and seen
    device = devices[0]
    assert device['serial'] == 'DS-SN-0001' and device['activated'] is False and device['found_by'] == ['unicast']
    assert device['vendor'] == 'hikvision' and device['protocol'] == 'sadp' and device['answered_from'] == '127.0.0.1'


def test_answers_to_another_inquiry_are_ignored():
    sock, dummy = _responder(wrong_id=True)
    try:
        devices, dummy2 = sadp.inquire(params(addresses=['127.0.0.1'], port=sock.getsockname()[1]))
    finally:
        sock.close()
    assert devices == []


def test_module_returns_devices(run_module_info):
    sock, dummy = _responder(activated='true')
    try:
        result, failed = run_module_info(addresses=['127.0.0.1'], port=sock.getsockname()[1], timeout=1)
    finally:
        sock.close()
    assert not failed and not result['changed'] and result['devices'][0]['activated'] is True


@pytest.fixture
def run_module_info(monkeypatch):
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.dukcapil.cctv.plugins.modules import cctv_sadp_info

    class Done(Exception):
        pass

    def finish(failed):
        def method(self, **kwargs):
            kwargs['failed'] = failed
            raise Done(kwargs)
        return method
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', finish(False))
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', finish(True))

    def run(**args):
        with patch_module_args(args):
            with pytest.raises(Done) as exc:
                cctv_sadp_info.main()
        result = exc.value.args[0]
        return result, result['failed']
    return run


NETNS_SCRIPT = r'''
import re, socket, struct, sys, threading
sys.path[:0] = %(path)r
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import sadp
MATCH = %(match)r
group = sadp.MULTICAST_GROUP
dev = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dev.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
dev.bind((group, 37020))
dev.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4s', socket.inet_aton(group), socket.inet_aton('10.99.0.3')))
def serve():
    data, source = dev.recvfrom(65535)
    probe_id = re.search(rb'<Uuid>(.*?)</Uuid>', data).group(1).decode()
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('10.99.0.3'))
    out.sendto((MATCH %% (probe_id, 'DS-NETNS-1', '192.168.1.64', 'false')).encode(), (group, 37020))
threading.Thread(target=serve, daemon=True).start()
devices, warnings = sadp.inquire({'addresses': [], 'multicast_interface': '10.99.0.2', 'port': 37020, 'timeout': 1})
print(devices[0]['serial'], devices[0]['found_by'], devices[0]['address'])
'''


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('ip'), reason='needs root and iproute2 for a network namespace')
def test_multicast_inquiry_inside_a_network_namespace_of_its_own():
    """Multicast only inside a namespace the test builds (a veth pair, both ends inside): never a real interface."""
    name = 'dkcsadp%d' % os.getpid()
    try:
        subprocess.run(['ip', 'netns', 'add', name], check=True)
        for command in (['ip', 'link', 'set', 'lo', 'up'],
                        ['ip', 'link', 'add', 'sadp0', 'type', 'veth', 'peer', 'name', 'sadp1'],
                        ['ip', 'addr', 'add', '10.99.0.2/24', 'dev', 'sadp0'],
                        ['ip', 'addr', 'add', '10.99.0.3/24', 'dev', 'sadp1'],
                        ['ip', 'link', 'set', 'sadp0', 'up'],
                        ['ip', 'link', 'set', 'sadp1', 'up']):
            subprocess.run(['ip', 'netns', 'exec', name] + command, check=True)
        script = NETNS_SCRIPT % {'path': [p for p in sys.path if p], 'match': MATCH}
        done = subprocess.run(['ip', 'netns', 'exec', name, sys.executable, '-c', script], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip('network namespaces unavailable here: %s' % exc)
    finally:
        subprocess.run(['ip', 'netns', 'delete', name], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == 'DS-NETNS-1' and "'multicast'" in done.stdout
