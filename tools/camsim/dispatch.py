"""The SOAP request pipeline: parse → (delay) → authenticate → injected fault → operation,
with the camera's quirks (README "Fault injection") shaping the answer.

Dispatch is on the first child element of the SOAP Body (namespace + local name), never on
SOAPAction or the Content-Type ``action`` parameter, and not on the URL path either: like
many cameras, every SOAP path of a camera accepts every implemented service.
"""

import asyncio
import logging

from lxml import etree

from . import device_ops, media_ops, network_ops, user_ops
from .auth import LEVELS, AuthError, verify_wsse
from .config import SLOW_DRIP_LIMIT
from .httpd import Response
from .registry import OpContext, lookup
from .soap import CONTENT_TYPE, SoapFault, new_envelope, render_fault, render_soap11_fault
from .xmlutil import (SOAP11_ENV, SOAP_ENV, TDS, TRT, child, first_element, local, namespace, parse,
                      q, serialize, sub)

LOG = logging.getLogger("camsim.soap")

#: Importing these modules fills the operation table (registry.OPERATIONS).
OPERATION_MODULES = (device_ops, media_ops, network_ops, user_ops)


#: Header naming the quirk that made a reply deliberately invalid (tests skip schema checks).
QUIRK_HEADER = "X-Camsim-Quirk"


def fault_response(camera, fault):
    status, body = render_fault(camera.personality, fault)
    headers = []
    if status == 401:
        headers.append(("WWW-Authenticate", camera.digest.challenge()))
    return Response(status, body, CONTENT_TYPE, headers)


def has_credentials(request, header):
    """True when the request carries an Authorization header or a UsernameToken."""
    return bool(request.header("authorization")) or child(child(header, "Security"), "UsernameToken") is not None


def _answer(ctx, op, element, quirks):
    """Fill the response Body: the operation, or what a quirk makes of it. Return the name
    of a quirk that made the reply schema-invalid on purpose (or None)."""
    name = op.name
    if name in quirks.get("set_ignored", ()):
        ctx.respond()                        # "OK" - and nothing changed
        return None
    if name in quirks.get("empty_get", ()):
        ctx.respond()                        # <tds:GetDNSResponse/>: no settings at all
        return "empty_get"
    wrong = (quirks.get("wrong_response") or {}).get(name)
    if wrong:
        other = lookup(op.namespace, wrong) or lookup(TDS, wrong) or lookup(TRT, wrong)
        if other is None:
            ctx.respond(wrong + "Response")
        else:
            ctx.op = other
            other.handler(ctx, etree.Element(q(other.namespace, other.name)))
        return "wrong_response"
    op.handler(ctx, element)
    if name == "SetNetworkInterfaces" and quirks.get("network_interfaces_reply", "reboot_needed") != "reboot_needed":
        return "network_interfaces_reply"    # no RebootNeeded element
    return None


def authorize(camera, op, header, request):
    """Return the calling user, or raise the NotAuthorized fault the camera would send."""
    if not camera.activated:
        if camera.first_boot != "profile_q":
            raise SoapFault("NotAuthorized", http_status=401)  # nobody can log in yet
        if op.name == "CreateUsers":
            return None  # ONVIF Profile Q: a device without users lets the first one be created
        raise SoapFault("NotActivated")
    reasons = []
    user = None
    for check in (lambda: camera.digest.verify(request.header("authorization"), request.method,
                                               request.target, camera.find_user),
                  lambda: verify_wsse(camera, header)):
        try:
            user = check()
        except AuthError as exc:
            reasons.append(str(exc))
        if user is not None:
            break
    if user is None:
        LOG.info("%s: %s refused: %s", camera.name, op.name, "; ".join(reasons) or "no credentials")
        if not reasons and camera.personality.get("http_digest", True):
            # no credentials at all: a server that does HTTP Digest challenges (RFC 7616)
            raise SoapFault("NotAuthorized", http_status=401)
        raise SoapFault("NotAuthorized")
    if LEVELS[user["level"]] < LEVELS[op.level]:
        LOG.info("%s: %s refused: %s is only %s", camera.name, op.name, user["username"], user["level"])
        raise SoapFault("NotAuthorized")
    return user


class Soap11Request(Exception):
    """The request is a SOAP 1.1 envelope (answered by ``render_soap11_fault``)."""


def _request_element(request):
    """Return ``(header, operation_element)`` or raise a Sender fault."""
    try:
        envelope = parse(request.body)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("WellFormed", detail=str(exc)[:200]) from None
    if envelope.tag == q(SOAP11_ENV, "Envelope"):
        raise Soap11Request()
    if envelope.tag != q(SOAP_ENV, "Envelope"):
        raise SoapFault("TagMismatch", reason="Not a SOAP 1.2 Envelope")
    operation = first_element(child(envelope, "Body")) if child(envelope, "Body") is not None else None
    if operation is None:
        raise SoapFault("InvalidArgs", reason="Empty or missing SOAP Body")
    return child(envelope, "Header"), operation


async def handle_soap(camera, request):
    """Answer one SOAP request for ``camera`` (an httpd handler body); a ``slow_drip``
    quirk for the operation slows whatever the answer is (fault or not)."""
    name, response = await _respond(camera, request)
    drip = (camera.quirks.get("slow_drip") or {}).get(name)
    if drip:
        response.drip = drip
        response.drip_limit = camera.quirks.get("slow_drip_limit") or SLOW_DRIP_LIMIT
    return response


async def _respond(camera, request):
    """``(operation name or None, Response)``."""
    personality = camera.personality
    try:
        header, element = _request_element(request)
    except SoapFault as fault:
        return None, fault_response(camera, fault)
    except Soap11Request:
        status, content_type, body = render_soap11_fault(personality)
        return None, Response(status, body, content_type)
    name = local(element)
    faults = camera.faults
    delay = faults.get("delay_all", 0.0) + faults.get("delay", {}).get(name, 0.0)
    if delay > 0:
        await asyncio.sleep(delay)
    op = lookup(namespace(element), name)
    quirks = camera.quirks
    pre_auth = () if quirks.get("no_pre_auth") else personality["pre_auth"]
    try:
        user = None
        if (op is not None and name == "GetUsers" and quirks.get("anonymous_get_users_empty")
                and camera.activated and not has_credentials(request, header)):
            root, body = new_envelope(personality)
            sub(body, TDS, "GetUsersResponse")   # "no users", although there are
            return name, Response(200, serialize(root), CONTENT_TYPE)
        if op is not None and name not in pre_auth:
            user = authorize(camera, op, header, request)
        injected = faults.get("operations", {}).get(name)
        if injected:
            raise SoapFault.from_spec(injected)
        if op is None:
            raise SoapFault("ActionNotSupported")
        if name in personality["unsupported"]:
            raise SoapFault(personality["unsupported"][name])
        root, body = new_envelope(personality)
        ctx = OpContext(camera, user, request, body, op)
        marks = [_answer(ctx, op, element, quirks)]
    except SoapFault as fault:
        LOG.debug("%s: %s -> fault %s", camera.name, name, fault)
        return name, fault_response(camera, fault)
    LOG.debug("%s: %s -> ok", camera.name, name)
    payload = serialize(root)
    if name in quirks.get("truncated", ()):
        payload = payload[:len(payload) // 2]   # cut mid-document; Content-Length stays honest
        marks.append("truncated")
    marks = [m for m in marks if m]
    return name, Response(200, payload, CONTENT_TYPE, after=ctx.after_response,
                          headers=[(QUIRK_HEADER, ",".join(marks))] if marks else [])
