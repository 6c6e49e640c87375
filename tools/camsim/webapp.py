"""A camera's HTTP side: SOAP service paths and snapshot paths (HTTP Digest)."""

from urllib.parse import urlsplit

from . import dahua, isapi, snapshot, vapix
from .auth import LEVELS, AuthError
from .config import SLOW_DRIP_LIMIT
from .dispatch import handle_soap
from .httpd import Response

UNAUTHORIZED_PAGE = (b"<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>"
                     b"<body><h1>401 Unauthorized</h1></body></html>\n")


def soap_paths(camera):
    return frozenset(camera.personality["paths"].values())


def snapshot_paths(camera):
    p = camera.personality
    paths = {urlsplit(profile["snapshot_path"]).path for profile in p["profiles"]}
    return frozenset(paths | set(p.get("snapshot_aliases") or ()))


def digest_user(camera, request):
    """``(user, stale)`` for a request that should carry HTTP Digest credentials."""
    try:
        user = camera.digest.verify(request.header("authorization"), request.method,
                                    request.target, camera.find_user)
    except AuthError as exc:
        return None, "stale" in str(exc)
    if user is not None and LEVELS[user["level"]] < LEVELS["User"]:
        return None, False
    return user, False


def challenge_response(camera, stale=False, body=UNAUTHORIZED_PAGE, content_type="text/html"):
    return Response(401, body, content_type, [("WWW-Authenticate", camera.digest.challenge(stale))])


def snapshot_profile(camera, target):
    """The profile a snapshot URL names: path and query equal, else the first profile on
    that path (an alias such as Axis' VAPIX URL: the first profile)."""
    parts = urlsplit(target)
    profiles = camera.personality["profiles"]
    for profile in profiles:
        wanted = urlsplit(profile["snapshot_path"])
        if (wanted.path, wanted.query) == (parts.path, parts.query):
            return profile
    for profile in profiles:
        if urlsplit(profile["snapshot_path"]).path == parts.path:
            return profile
    return profiles[0]


async def handle_snapshot(camera, request):
    user, stale = digest_user(camera, request)
    if user is None:
        response = challenge_response(camera, stale)
    else:
        profile = snapshot_profile(camera, request.target)
        body = snapshot.frame(camera, int(profile["width"]), int(profile["height"]))
        response = Response(200, body if request.method == "GET" else b"", "image/jpeg")
    drip = (camera.quirks.get("slow_drip") or {}).get("Snapshot")
    if drip:
        response.drip = drip
        response.drip_limit = camera.quirks.get("slow_drip_limit") or SLOW_DRIP_LIMIT
    return response


def camera_handler(camera):
    """The httpd handler of one camera."""
    soap = soap_paths(camera)
    snapshots = snapshot_paths(camera)

    async def handler(request):
        response = await route(request)
        if response.date is None:
            response.date = camera.now()  # a device's Date header is its own clock
        return response

    async def route(request):
        path = request.path
        for vendor_api in (isapi, vapix, dahua):
            if vendor_api.handles(camera, path):
                return await vendor_api.handle(camera, request)
        if path in soap and not camera.onvif_enabled:
            # ONVIF switched off (Hikvision before Integrate): the service is not there
            return Response(int(camera.personality.get("onvif_off_status", 404)), b"Not Found\n")
        if path in soap:
            if request.method != "POST":
                return Response(405, b"Method Not Allowed\n", headers=[("Allow", "POST")])
            return await handle_soap(camera, request)
        if path in snapshots:
            if request.method not in ("GET", "HEAD"):
                return Response(405, b"Method Not Allowed\n", headers=[("Allow", "GET, HEAD")])
            return await handle_snapshot(camera, request)
        return Response(404, b"Not Found\n")

    return handler
