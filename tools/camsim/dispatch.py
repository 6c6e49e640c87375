"""The SOAP request pipeline: parse → (delay) → authenticate → injected fault → operation.

Dispatch is on the first child element of the SOAP Body (namespace + local name), never on
SOAPAction or the Content-Type ``action`` parameter, and not on the URL path either: like
many cameras, every SOAP path of a camera accepts every implemented service.
"""

import asyncio
import logging

from lxml import etree

from . import device_ops, media_ops, network_ops, user_ops
from .auth import LEVELS, AuthError, verify_wsse
from .httpd import Response
from .registry import OpContext, lookup
from .soap import CONTENT_TYPE, SoapFault, new_envelope, render_fault
from .xmlutil import SOAP11_ENV, SOAP_ENV, child, first_element, local, namespace, parse, q, serialize

LOG = logging.getLogger("camsim.soap")

#: Importing these modules fills the operation table (registry.OPERATIONS).
OPERATION_MODULES = (device_ops, media_ops, network_ops, user_ops)


def fault_response(camera, fault):
    status, body = render_fault(camera.personality, fault)
    headers = []
    if status == 401:
        headers.append(("WWW-Authenticate", camera.digest.challenge()))
    return Response(status, body, CONTENT_TYPE, headers)


def authorize(camera, op, header, request):
    """Return the calling user, or raise the NotAuthorized fault the camera would send."""
    if not camera.activated:
        if op.name == "CreateUsers":
            return None  # ONVIF core: a device without users lets the first one be created
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
        raise SoapFault("NotAuthorized")
    if LEVELS[user["level"]] < LEVELS[op.level]:
        LOG.info("%s: %s refused: %s is only %s", camera.name, op.name, user["username"], user["level"])
        raise SoapFault("NotAuthorized")
    return user


def _request_element(request):
    """Return ``(header, operation_element)`` or raise a Sender fault."""
    try:
        envelope = parse(request.body)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("WellFormed", detail=str(exc)[:200]) from None
    if envelope.tag == q(SOAP11_ENV, "Envelope"):
        raise SoapFault("VersionMismatch", reason="Only SOAP 1.2 is supported")
    if envelope.tag != q(SOAP_ENV, "Envelope"):
        raise SoapFault("TagMismatch", reason="Not a SOAP 1.2 Envelope")
    operation = first_element(child(envelope, "Body")) if child(envelope, "Body") is not None else None
    if operation is None:
        raise SoapFault("InvalidArgs", reason="Empty or missing SOAP Body")
    return child(envelope, "Header"), operation


async def handle_soap(camera, request):
    """Answer one SOAP request for ``camera`` (an httpd handler body)."""
    personality = camera.personality
    try:
        header, element = _request_element(request)
    except SoapFault as fault:
        return fault_response(camera, fault)
    name = local(element)
    faults = camera.faults
    delay = faults.get("delay_all", 0.0) + faults.get("delay", {}).get(name, 0.0)
    if delay > 0:
        await asyncio.sleep(delay)
    op = lookup(namespace(element), name)
    try:
        user = None
        if op is not None and name not in personality["pre_auth"]:
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
        op.handler(ctx, element)
    except SoapFault as fault:
        LOG.debug("%s: %s -> fault %s", camera.name, name, fault)
        return fault_response(camera, fault)
    LOG.debug("%s: %s -> ok", camera.name, name)
    return Response(200, serialize(root), CONTENT_TYPE, after=ctx.after_response)
