"""A small JSON control endpoint on 127.0.0.1 for cross-process tests.

    GET  /site                       the site summary (pid, cameras, squatters)
    GET  /cameras                    every camera's current state (address, status, ...)
    GET  /cameras/<name>             one camera
    POST /cameras/<name>/faults      merge a JSON object into the camera's faults
                                     (a key set to null is removed)
    DELETE /cameras/<name>/faults    clear the camera's faults
    POST /cameras/<name>/quirks      merge a JSON object into the camera's quirks
    DELETE /cameras/<name>/quirks    clear the camera's quirks
    POST /cameras/<name>/reboot      reboot the camera as SystemReboot would
    POST /cameras/<name>/disturb     {"kind": ..., ...}: disturb the camera (camsim.disturb)
"""

import json

from .config import SiteError
from .disturb import disturb
from .httpd import Response


def _json(status, data):
    return Response(status, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode(),
                    "application/json")


def control_handler(site):
    async def handler(request):
        parts = [p for p in request.path.split("/") if p]
        method = request.method
        if parts == ["site"] and method == "GET":
            return _json(200, site.summary())
        if parts == ["cameras"] and method == "GET":
            return _json(200, [c.summary() for c in site.cameras.values()])
        if not parts or parts[0] != "cameras" or len(parts) not in (2, 3):
            return _json(404, {"error": "no such resource"})
        camera = site.cameras.get(parts[1])
        if camera is None:
            return _json(404, {"error": "no camera %r" % parts[1]})
        if len(parts) == 2 and method == "GET":
            return _json(200, camera.summary())
        if parts[2:] in (["faults"], ["quirks"]) and method in ("POST", "DELETE"):
            current, merge = ((camera.faults, camera.set_faults) if parts[2] == "faults"
                              else (camera.quirks, camera.set_quirks))
            try:
                changes = json.loads(request.body or b"{}") if method == "POST" else None
                if method == "DELETE":
                    current.clear()
                    merge({})
                elif not isinstance(changes, dict):
                    raise SiteError("a JSON object is expected")
                else:
                    merge(changes)
            except (ValueError, SiteError) as exc:
                return _json(400, {"error": str(exc)})
            return _json(200, current)
        if parts[2:] == ["disturb"] and method == "POST":
            try:
                params = json.loads(request.body or b"{}")
                if not isinstance(params, dict) or not isinstance(params.get("kind"), str):
                    raise SiteError('a JSON object with "kind" is expected')
                return _json(200, disturb(camera, params.pop("kind"), **params))
            except (ValueError, TypeError, SiteError) as exc:
                return _json(400, {"error": str(exc)})
        if parts[2:] == ["reboot"] and method == "POST":
            if camera.status != "running":
                return _json(409, {"error": "camera is %s" % camera.status})
            camera.runtime.schedule_reboot()
            return _json(202, {"rebooting": camera.name})
        return _json(405, {"error": "method not allowed"})

    return handler
