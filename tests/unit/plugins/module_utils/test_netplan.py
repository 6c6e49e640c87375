# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import socket
import threading

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _netplan
from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import PlanError, check_ipv4_plan, who_answers


def test_valid_plan_returns_interface():
    iface = check_ipv4_plan('127.0.10.11', 24, '127.0.10.1')
    assert str(iface) == '127.0.10.11/24'


@pytest.mark.parametrize('address, prefix, gateway, message', [
    ('127.0.10.300', 24, None, "address: '127.0.10.300' is not an IPv4 address"),
    ('127.0.10.11', 31, None, 'prefix_length: 31 is out of range (1 to 30)'),
    ('127.0.10.11', 0, None, 'prefix_length: 0 is out of range'),
    ('127.0.10.11', 'x', None, "prefix_length: 'x' is not a number"),
    ('127.0.10.0', 24, None, 'address: 127.0.10.0 is the network address of 127.0.10.0/24'),
    ('127.0.10.255', 24, None, 'address: 127.0.10.255 is the broadcast address of 127.0.10.0/24'),
    ('127.0.10.11', 24, '127.0.11.1', 'gateway: 127.0.11.1 is outside the subnet 127.0.10.0/24 of address 127.0.10.11'),
    ('127.0.10.11', 24, '127.0.10.11', 'address: 127.0.10.11 is also the gateway'),
    ('127.0.10.11', 24, 'gw', "gateway: 'gw' is not an IPv4 address"),
])
def test_bad_plans_name_field_and_value(address, prefix, gateway, message):
    with pytest.raises(PlanError) as exc:
        check_ipv4_plan(address, prefix, gateway)
    assert message in str(exc.value)


def test_field_prefix_is_used():
    with pytest.raises(PlanError, match=r'^cameras\[2\]\.address: '):
        check_ipv4_plan('nope', 24, field_prefix='cameras[2].')


def _serve_once(reply):
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)

    def _answer():
        conn = srv.accept()[0]
        with conn:
            conn.recv(1024)
            if reply:
                conn.sendall(reply)
        srv.close()

    threading.Thread(target=_answer, daemon=True).start()
    return srv.getsockname()[1]


def test_who_answers_names_http_server():
    port = _serve_once(b'HTTP/1.0 200 OK\r\nServer: nginx/1.22\r\n\r\n')
    assert who_answers('127.0.0.1', [port]) == '127.0.0.1:%d answers (HTTP server "nginx/1.22")' % port


def test_who_answers_plain_tcp():
    port = _serve_once(b'')
    assert who_answers('127.0.0.1', [port], timeout=0.5) == '127.0.0.1:%d accepts connections' % port


def test_free_address_gives_none():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    assert who_answers('127.0.0.1', [port], timeout=0.5) is None


# ------------------------------------------------- issue 10 case 3: what the controller can see --
ARP = """IP address       HW type     Flags       HW address            Mask     Device
192.0.2.7        0x1         0x2         3c:ef:8c:00:00:07     *        eth0
192.0.2.8        0x1         0x0         00:00:00:00:00:00     *        eth0
"""


def test_neighbour_table_entry_means_taken(tmp_path):
    """A device that drops TCP and ICMP still answers ARP: a complete entry names it (read-only, nothing is sent)."""
    table = tmp_path / 'arp'
    table.write_text(ARP)
    found = who_answers('192.0.2.7', [], methods=('neighbour',), arp_table=str(table))
    assert found and 'ARP table' in found and '3c:ef:8c:00:00:07' in found
    assert who_answers('192.0.2.8', [], methods=('neighbour',), arp_table=str(table)) is None  # incomplete: nobody answered
    assert _netplan.neighbour_mac('192.0.2.9', str(tmp_path / 'missing')) is None


def test_icmp_reply_means_taken(monkeypatch):
    monkeypatch.setattr(_netplan, 'icmp_echo', lambda address, timeout=1.0: address == '192.0.2.7')
    assert 'answers ICMP echo' in who_answers('192.0.2.7', [], methods=('icmp',))
    assert who_answers('192.0.2.9', [], methods=('icmp',)) is None


def test_loopback_skips_icmp_and_neighbour(monkeypatch, tmp_path):
    """On loopback the kernel answers ICMP for all of 127.0.0.0/8 and keeps no ARP entries: both say nothing."""
    monkeypatch.setattr(_netplan, 'icmp_echo', lambda address, timeout=1.0: True)
    table = tmp_path / 'arp'
    table.write_text(ARP.replace('192.0.2.7', '127.0.10.7'))
    assert who_answers('127.0.10.7', [], methods=('icmp', 'neighbour'), arp_table=str(table)) is None


def test_icmp_echo_on_loopback_is_true_or_not_permitted():
    assert _netplan.icmp_echo('127.0.0.1', 1.0) in (True, None)
