"""Media service (trt, ver10): profiles, stream and snapshot URIs.

URIs always name the camera's *current* address and never carry credentials.
"""

from .registry import operation
from .soap import SoapFault
from .xmlutil import TRT, sub, text, tt, xbool


def media_service_capabilities(parent, camera):
    """Append ``trt:Capabilities`` (GetServices and GetServiceCapabilities share it)."""
    capabilities = sub(parent, TRT, "Capabilities",
                       attrib={"SnapshotUri": "true", "Rotation": "false", "OSD": "false"})
    sub(capabilities, TRT, "ProfileCapabilities", attrib={
        "MaximumNumberOfProfiles": str(camera.personality["capabilities"]["max_profiles"])})
    sub(capabilities, TRT, "StreamingCapabilities", attrib={
        "RTPMulticast": "false", "RTP_TCP": "true", "RTP_RTSP_TCP": "true",
        "NonAggregateControl": "false"})
    return capabilities


def _profile(parent, name, camera, profile):
    source = camera.personality["video_source"]
    element = sub(parent, TRT, name, attrib={"token": profile["token"],
                                             "fixed": xbool(profile.get("fixed"))})
    tt(element, "Name", profile["name"])
    source_config = tt(element, "VideoSourceConfiguration", attrib={"token": source["config_token"]})
    tt(source_config, "Name", source["config_name"])
    tt(source_config, "UseCount", len(camera.personality["profiles"]))
    tt(source_config, "SourceToken", source["token"])
    tt(source_config, "Bounds", attrib={"x": "0", "y": "0", "width": str(source["width"]),
                                        "height": str(source["height"])})
    encoder = tt(element, "VideoEncoderConfiguration", attrib={"token": profile["encoder_token"]})
    tt(encoder, "Name", profile["encoder_name"])
    tt(encoder, "UseCount", 1)
    tt(encoder, "Encoding", profile["encoding"])
    resolution = tt(encoder, "Resolution")
    tt(resolution, "Width", profile["width"])
    tt(resolution, "Height", profile["height"])
    tt(encoder, "Quality", profile["quality"])
    rate = tt(encoder, "RateControl")
    tt(rate, "FrameRateLimit", profile["fps"])
    tt(rate, "EncodingInterval", 1)
    tt(rate, "BitrateLimit", profile["bitrate"])
    if profile["encoding"] == "H264":
        h264 = tt(encoder, "H264")
        tt(h264, "GovLength", profile["gov"])
        tt(h264, "H264Profile", profile["h264_profile"])
    multicast = tt(encoder, "Multicast")
    address = tt(multicast, "Address")
    tt(address, "Type", "IPv4")
    tt(address, "IPv4Address", "0.0.0.0")
    tt(multicast, "Port", 0)
    tt(multicast, "TTL", 1)
    tt(multicast, "AutoStart", "false")
    tt(encoder, "SessionTimeout", profile.get("session_timeout", "PT60S"))
    return element


def _requested_profile(ctx, request):
    token = text(request, "ProfileToken", "")
    profile = ctx.camera.profile(token)
    if profile is None:
        raise SoapFault("InvalidArgVal", "NoProfile",
                        reason="The requested profile token ProfileToken does not exist")
    return profile


def _media_uri(response, uri, timeout):
    media_uri = sub(response, TRT, "MediaUri")
    tt(media_uri, "Uri", uri)
    tt(media_uri, "InvalidAfterConnect", "false")
    tt(media_uri, "InvalidAfterReboot", "false")
    tt(media_uri, "Timeout", timeout)


@operation(TRT, "GetServiceCapabilities")
def get_service_capabilities(ctx, request):
    media_service_capabilities(ctx.respond(), ctx.camera)


@operation(TRT, "GetProfiles")
def get_profiles(ctx, request):
    response = ctx.respond()
    for profile in ctx.camera.personality["profiles"]:
        _profile(response, "Profiles", ctx.camera, profile)


@operation(TRT, "GetProfile")
def get_profile(ctx, request):
    _profile(ctx.respond(), "Profile", ctx.camera, _requested_profile(ctx, request))


@operation(TRT, "GetVideoSources")
def get_video_sources(ctx, request):
    source = ctx.camera.personality["video_source"]
    element = sub(ctx.respond(), TRT, "VideoSources", attrib={"token": source["token"]})
    tt(element, "Framerate", max(p["fps"] for p in ctx.camera.personality["profiles"]))
    resolution = tt(element, "Resolution")
    tt(resolution, "Width", source["width"])
    tt(resolution, "Height", source["height"])


@operation(TRT, "GetStreamUri")
def get_stream_uri(ctx, request):
    profile = _requested_profile(ctx, request)
    timeout = ctx.camera.personality["capabilities"].get("stream_uri_timeout", "PT0S")
    _media_uri(ctx.respond(), ctx.camera.stream_uri(profile), timeout)


@operation(TRT, "GetSnapshotUri")
def get_snapshot_uri(ctx, request):
    profile = _requested_profile(ctx, request)
    _media_uri(ctx.respond(), ctx.camera.snapshot_uri(profile), "PT0S")
