"""Multicast on the loopback interface only: WS-Discovery (3702) and SADP (37020) groups.

Network safety: every socket here joins its group with the interface address 127.0.0.1
(``IP_ADD_MEMBERSHIP`` on ``lo``), and every socket that sends to a group has
``IP_MULTICAST_IF`` = 127.0.0.1, ``IP_MULTICAST_TTL`` = 0 and ``IP_MULTICAST_LOOP`` = 1, so
a datagram to 239.255.255.250 never leaves the host, whatever the routing table says.
Received datagrams from a non-loopback source are dropped. Linux delivers multicast on
``lo`` without the interface's MULTICAST flag, so the host's ``lo`` is never changed
(``tests/simulator/test_sim_multicast.py`` proves in a network namespace it builds that
nothing leaves ``lo``).

One group socket per site and port (bound to the group address, ``SO_REUSEADDR``, so other
simulators and clients on the host can bind it too) hands every datagram to a callback;
the cameras answer from their own unicast sockets, so a reply's source is the camera's
address.
"""

import asyncio
import ipaddress
import logging
import socket

LOG = logging.getLogger("camsim.mcast")

GROUP = "239.255.255.250"
LOOPBACK_INTERFACE = "127.0.0.1"
MAX_DATAGRAM = 64 * 1024


def loopback_sender(sock):
    """Make ``sock`` send multicast on ``lo`` only, never routed (TTL 0), looped back."""
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK_INTERFACE))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    return sock


def group_socket(port, group=GROUP):
    """A UDP socket bound to ``group:port`` and joined to the group on ``lo`` only."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((group, port))
        membership = socket.inet_aton(group) + socket.inet_aton(LOOPBACK_INTERFACE)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        loopback_sender(sock)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class _GroupProtocol(asyncio.DatagramProtocol):
    def __init__(self, callback, what):
        self.callback = callback
        self.what = what

    def datagram_received(self, data, addr):
        try:
            if not ipaddress.ip_address(addr[0]).is_loopback or len(data) > MAX_DATAGRAM:
                return
            self.callback(data, addr)
        except Exception:  # a bad datagram must not stop the listener
            LOG.exception("%s: bad multicast datagram from %s", self.what, addr)


async def listen(port, callback, what):
    """Serve ``callback(data, addr)`` for datagrams to ``GROUP:port`` on ``lo``; return the
    transport, or None (logged) when the group cannot be joined."""
    try:
        sock = group_socket(port)
    except OSError as exc:
        LOG.warning("%s: cannot join %s:%d on lo (%s): multicast is not answered",
                    what, GROUP, port, exc.strerror or exc)
        return None
    loop = asyncio.get_running_loop()
    transport, dummy = await loop.create_datagram_endpoint(lambda: _GroupProtocol(callback, what), sock=sock)
    return transport


def send_to_group(transport, data, port):
    """Multicast ``data`` to ``GROUP:port`` from a transport whose socket went through
    ``loopback_sender`` (checked here: nothing is sent otherwise)."""
    if transport is None or transport.is_closing():
        return
    sock = transport.get_extra_info("socket")
    if (sock is None or sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) != 0
            or sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)
            != socket.inet_aton(LOOPBACK_INTERFACE)):
        raise RuntimeError("refusing to multicast from a socket not restricted to lo")
    transport.sendto(data, (GROUP, port))
