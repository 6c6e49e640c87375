"""The sockets of one camera (HTTP, RTSP, WS-Discovery) and its reboot sequence."""

import asyncio
import logging
import socket

from . import discovery, httpd, rtsp, sadp
from .webapp import camera_handler

LOG = logging.getLogger("camsim.camera")


class Blackhole:
    """What a rebooting camera looks like from the network: nothing answers.

    On loopback a closed port answers a SYN with RST at once ("connection refused"), which
    no rebooting device does. Instead, for every TCP port of the camera a listening socket
    with backlog 0 is opened and its accept queue filled by one connection of our own that
    is never accepted: Linux then drops new SYNs, and a client's connect times out. UDP 3702
    is bound and never read, so a Probe gets no answer (and no ICMP port unreachable).
    """

    def __init__(self, address, tcp_ports, udp_ports=()):
        self.sockets = []
        try:
            for port in tcp_ports:
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.sockets.append(listener)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind((address, port))
                listener.listen(0)
                filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.sockets.append(filler)
                filler.setblocking(False)
                try:
                    filler.connect((address, port))
                except BlockingIOError:
                    pass
            for udp_port in udp_ports:
                silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.sockets.append(silent)
                silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                silent.bind((address, udp_port))
        except OSError:
            self.close()
            raise

    def close(self):
        sockets, self.sockets = self.sockets, []
        for sock in sockets:
            sock.close()


class CameraListeners:
    """Opens and closes a camera's listeners on its current address; reboots it."""

    def __init__(self, camera):
        self.camera = camera
        camera.runtime = self
        self._servers = []
        self.udp = None          # WS-Discovery socket (public: the site's multicast listener uses it)
        self.sadp = None         # SADP socket (personalities with ``sadp: true``)
        self._connections = set()
        self._reboot_task = None
        self._blackhole = None

    async def open(self, boot=True):
        """Listen on the camera's address; raise OSError (after cleaning up) on failure.

        ``boot`` counts the opening as a boot; a live move (``_move``) is not one, and the count
        must never be seen raised while the camera already shows "running" at its new address.
        """
        camera = self.camera
        try:
            self._servers.append(await httpd.start_server(
                camera_handler(camera), camera.address, camera.http_port,
                camera.personality.get("http_server", ""), self._connections))
            self._servers.append(await rtsp.start_server(camera, self._connections))
            if not camera.quirks.get("discovery_via"):
                self.udp = await discovery.start(camera)
                if camera.personality.get("sadp"):
                    self.sadp = await sadp.start(camera)
        except OSError:
            await self.close()
            raise
        if boot:
            camera.boot_count += 1
        camera.status = "running"
        discovery.announce(camera, discovery.hello)

    async def close(self):
        """Stop listening and cut open connections (the camera "goes silent")."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        udp, self.udp, sadp_socket, self.sadp = self.udp, None, self.sadp, None
        for transport in (udp, sadp_socket):
            if transport is not None:
                transport.close()   # the socket itself is closed on the next loop iteration
        if udp is not None or sadp_socket is not None:
            await asyncio.sleep(0)
        for writer in list(self._connections):
            writer.transport.abort()
        self._connections.clear()
        for server in servers:
            await server.wait_closed()
        if self.camera.status == "running":
            self.camera.status = "stopped"

    def schedule_reboot(self):
        """Start the reboot sequence (call from the event loop)."""
        if self._reboot_task is None or self._reboot_task.done():
            self._reboot_task = asyncio.get_running_loop().create_task(self._reboot())

    def schedule_move(self):
        """Apply a pending network configuration live, without a reboot (quirk
        ``network_interfaces_reply: empty_live``)."""
        if self._reboot_task is None or self._reboot_task.done():
            self._reboot_task = asyncio.get_running_loop().create_task(self._move())

    async def _move(self):
        camera = self.camera
        old = camera.address
        await self.close()
        camera.apply_pending_network()
        camera.changed()
        try:
            await self.open(boot=False)
        except OSError as exc:
            camera.status = "conflict"
            LOG.warning("%s: cannot listen on %s: %s", camera.name, camera.address, exc.strerror or exc)
            return
        LOG.info("%s: moved live from %s to %s", camera.name, old, camera.address)

    async def _reboot(self):
        camera = self.camera
        old = camera.address
        LOG.info("%s: rebooting (silent for %.1f s)", camera.name, camera.reboot_seconds)
        discovery.announce(camera, discovery.bye)
        await self.close()
        camera.status = "rebooting"
        try:
            self._blackhole = Blackhole(old, (camera.http_port, camera.rtsp_port),
                                        self._udp_ports())
        except OSError as exc:  # then it refuses instead; still silent
            LOG.warning("%s: cannot hold %s silent during the reboot: %s", camera.name, old, exc)
        try:
            await asyncio.sleep(camera.reboot_seconds)
        finally:
            self._end_blackhole()
        camera.apply_pending_network()
        camera.nonces.clear()
        camera.changed()
        if camera.faults.get("never_return_after_reboot"):
            camera.status = "dead"
            LOG.info("%s: never came back after the reboot (fault)", camera.name)
            return
        try:
            await self.open()
        except OSError as exc:
            camera.status = "conflict"
            LOG.warning("%s: cannot listen on %s after the reboot: %s", camera.name,
                        camera.address, exc.strerror or exc)
            return
        LOG.info("%s: up again on %s%s", camera.name, camera.address,
                 "" if camera.address == old else " (was %s)" % old)

    def _udp_ports(self):
        camera = self.camera
        if camera.quirks.get("discovery_via"):
            return ()
        return (discovery.PORT, sadp.PORT) if camera.personality.get("sadp") else (discovery.PORT,)

    def _end_blackhole(self):
        if self._blackhole is not None:
            self._blackhole.close()
            self._blackhole = None

    async def shutdown(self):
        """Close for good (site stop): cancel a reboot in progress."""
        if self._reboot_task is not None and not self._reboot_task.done():
            self._reboot_task.cancel()
            try:
                await self._reboot_task
            except asyncio.CancelledError:
                pass
        self._end_blackhole()
        await self.close()
        self.camera.status = "stopped"
