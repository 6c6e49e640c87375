"""A site: N cameras and squatters served by one asyncio event loop.

The loop runs in the foreground (``serve_forever``, used by the CLI) or in a background
thread (``start``/``stop``, used by tests and benchmarks)::

    with Site.from_file("tools/camsim/sites/demo.yml") as site:
        cam = site.cameras["cam-a1"]
        print(cam.device_url)
"""

import asyncio
import concurrent.futures
import json
import logging
import os
import resource
import signal
import threading

from . import discovery, httpd, mcast, sadp
from .camera import Camera
from .config import SiteError, check_loopback, load_site_dict, load_site_file
from .control import control_handler
from .listeners import CameraListeners

LOG = logging.getLogger("camsim.site")
SAVE_DELAY = 0.2


def raise_open_file_limit(needed):
    """Cameras need ~3 descriptors each (+ connections): lift the soft limit if needed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = hard if hard == resource.RLIM_INFINITY else min(max(needed, soft), hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Site:
    """Simulated cameras and squatters; see the module docstring."""

    def __init__(self, config, persist=None, control_port=None):
        self.cameras = {entry["name"]: Camera(entry) for entry in config["cameras"]}
        self.squatters = config["squatters"]
        self.persist_path = persist
        self.control_port = config.get("control_port") if control_port is None else control_port
        self.control_url = None
        self._servers = []
        self._groups = []      # multicast listeners on lo (WS-Discovery, SADP)
        self._loop = None
        self._thread = None
        self._save_handle = None
        if persist and os.path.exists(persist):
            self._load_persisted(persist)
        for camera in self.cameras.values():
            camera.on_change = self._schedule_save
            camera.peers = self.cameras

    @classmethod
    def from_file(cls, path, **kwargs):
        return cls(load_site_file(path), **kwargs)

    @classmethod
    def from_dict(cls, data, **kwargs):
        return cls(load_site_dict(data), **kwargs)

    # -- persistence -----------------------------------------------------------------------
    def _load_persisted(self, path):
        with open(path, encoding="utf-8") as handle:
            saved = json.load(handle).get("cameras", {})
        for name, state in saved.items():
            if name in self.cameras:
                state["address"] = check_loopback(state.get("address"), "persisted %s.address" % name)
                self.cameras[name].apply_state(state)

    def _schedule_save(self, camera):
        if self.persist_path and self._loop is not None and self._save_handle is None:
            self._save_handle = self._loop.call_later(SAVE_DELAY, self.save)

    def save(self):
        """Write the cameras' persisted state (no-op without ``persist``)."""
        self._save_handle = None
        if not self.persist_path:
            return
        data = {"version": 1, "cameras": {n: c.to_state() for n, c in self.cameras.items()}}
        temporary = self.persist_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(temporary, self.persist_path)

    # -- lifecycle inside the loop -----------------------------------------------------------
    async def _open_camera(self, camera):
        try:
            await CameraListeners(camera).open()
        except OSError as exc:
            raise SiteError("camera %s cannot listen on %s (http %d, rtsp %d, udp 3702): %s"
                            % (camera.name, camera.address, camera.http_port, camera.rtsp_port,
                               exc.strerror or exc)) from None

    async def _open_squatter(self, squatter):
        body = squatter.get("body") or "<html><body><h1>Welcome to %s!</h1></body></html>\n" % squatter["banner"]
        try:
            server = await httpd.start_server(
                httpd.plain_server(body, squatter["banner"], int(squatter["status"])),
                squatter["address"], squatter["port"], squatter["banner"])
        except OSError as exc:
            raise SiteError("%s cannot listen: %s" % (squatter["name"], exc.strerror or exc)) from None
        self._servers.append(server)

    async def start_async(self):
        """Open every listener (in parallel); raise SiteError naming what failed."""
        self._loop = asyncio.get_running_loop()
        raise_open_file_limit(4 * len(self.cameras) + 2 * len(self.squatters) + 1024)
        jobs = [self._open_camera(c) for c in self.cameras.values()]
        jobs += [self._open_squatter(s) for s in self.squatters]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if not errors:
            await self._join_groups()
        if not errors and self.control_port is not None:
            try:
                server = await httpd.start_server(control_handler(self), "127.0.0.1",
                                                  self.control_port, "camsim-control")
            except OSError as exc:
                errors.append(SiteError("control endpoint: %s" % (exc.strerror or exc)))
            else:
                self._servers.append(server)
                port = server.sockets[0].getsockname()[1]
                self.control_url = "http://127.0.0.1:%d" % port
        if errors:
            await self.stop_async()
            raise SiteError("; ".join(str(e) for e in errors[:5])
                            + (" (and %d more)" % (len(errors) - 5) if len(errors) > 5 else ""))
        LOG.info("site up: %d cameras, %d squatters", len(self.cameras), len(self.squatters))

    async def _join_groups(self):
        """Answer multicast WS-Discovery Probes (and SADP inquiries when a camera speaks
        SADP) sent to 239.255.255.250 on lo (``camsim.mcast``)."""
        cameras = list(self.cameras.values())
        groups = [(discovery.PORT, discovery.answer_multicast, "WS-Discovery")]
        if any(c.personality.get("sadp") for c in cameras):
            groups.append((sadp.PORT, sadp.answer_multicast, "SADP"))
        for port, answer, what in groups:
            transport = await mcast.listen(port, lambda data, addr, answer=answer: answer(cameras, data, addr), what)
            if transport is not None:
                self._groups.append(transport)

    async def stop_async(self):
        groups, self._groups = self._groups, []
        for transport in groups:
            transport.close()
        await asyncio.gather(*(c.runtime.shutdown() for c in self.cameras.values()
                               if c.runtime is not None), return_exceptions=True)
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        for server in servers:
            await server.wait_closed()
        if self._save_handle is not None:
            self._save_handle.cancel()
        self.save()

    async def serve_forever(self, on_ready=None):
        """Foreground mode: run until SIGTERM/SIGINT; ``on_ready(site)`` once listening."""
        await self.start_async()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            if on_ready is not None:
                on_ready(self)
            await stop.wait()
        finally:
            LOG.info("stopping")
            await self.stop_async()

    # -- background thread mode ------------------------------------------------------------
    def start(self, timeout=60.0):
        """Run the site in a background thread; return once everything listens."""
        if self._thread is not None:
            raise RuntimeError("site already started")
        ready = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._thread_main, args=(ready,),
                                        name="camsim-site", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout)
        except BaseException:
            self._thread.join(timeout)
            self._thread = None
            raise
        return self

    def _thread_main(self, ready):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.start_async())
        except BaseException as exc:  # reported to start()
            ready.set_exception(exc)
        else:
            ready.set_result(None)
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    def call(self, function, *args, timeout=10.0):
        """Run ``function(*args)`` in the site's loop (thread mode); a coroutine function's
        result is awaited. Return its result."""
        async def runner():
            result = function(*args)
            return await result if asyncio.iscoroutine(result) else result

        return asyncio.run_coroutine_threadsafe(runner(), self._loop).result(timeout)

    def reboot(self, name):
        """Reboot a camera as SystemReboot would (thread mode)."""
        self.call(self.cameras[name].runtime.schedule_reboot)

    def stop(self, timeout=30.0):
        if self._thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.stop_async(), self._loop).result(timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- reporting ---------------------------------------------------------------------------
    def summary(self):
        return {
            "pid": os.getpid(),
            "control_url": self.control_url,
            "cameras": [c.summary() for c in self.cameras.values()],
            "squatters": [{"address": s["address"], "port": s["port"], "banner": s["banner"]}
                          for s in self.squatters],
        }
