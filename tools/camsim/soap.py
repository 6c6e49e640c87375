"""SOAP 1.2 envelopes and faults, shaped by the camera's personality."""

from lxml import etree

from .xmlutil import BASE_NSMAP, SOAP11_ENV, SOAP_ENV, WSA5, XML_NS, q, serialize, sub

CONTENT_TYPE = "application/soap+xml; charset=utf-8"
CONTENT_TYPE_11 = "text/xml; charset=utf-8"   # SOAP 1.1 over HTTP

#: Fault kinds (first ONVIF subcode) that are the receiver's fault (SOAP 1.2: HTTP 500).
RECEIVER_KINDS = frozenset(("ActionNotSupported", "Action", "OutofMemory", "CriticalError"))

#: Reason texts of the ONVIF core specification, used when a personality has no template.
DEFAULT_REASONS = {
    "WellFormed": "XML Well-formed violation",
    "TagMismatch": "Tag Mismatch",
    "InvalidArgs": "Invalid Args",
    "InvalidArgVal": "Argument Value Invalid",
    "ActionNotSupported": "Optional Action Not Implemented",
    "NotAuthorized": "Sender not Authorized",
    "NotActivated": "Sender not Authorized",
    "Action": "Action Failed",
    "OperationProhibited": "Operation Prohibited",
    "VersionMismatch": "SOAP version mismatch",
}
DEFAULT_SUBCODES = {"NotActivated": ["NotAuthorized"], "VersionMismatch": []}
DEFAULT_DETAILS = {"NotActivated": "The device is not activated"}
NODE = "http://www.w3.org/2003/05/soap-envelope/node/ultimateReceiver"
ROLE = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"


class SoapFault(Exception):
    """A SOAP fault to send back. ``kind`` is the first ONVIF subcode (without ``ter:``),
    or a key of the personality's fault templates (e.g. ``NotActivated``)."""

    def __init__(self, kind, subcode=None, reason=None, detail=None, code=None,
                 http_status=None):
        super().__init__("%s%s: %s" % (kind, "/" + subcode if subcode else "", reason or ""))
        self.kind = kind
        self.subcode = subcode
        self.reason = reason
        self.detail = detail
        self.code = code
        self.http_status = http_status

    @classmethod
    def from_spec(cls, spec):
        """Build from a fault-injection value: ``"ter:InvalidArgVal"`` or a dict with
        ``subcode`` (or ``kind``), optional ``subcode2``, ``reason``, ``detail``, ``code``,
        ``http_status``."""
        if isinstance(spec, str):
            return cls(spec.split(":", 1)[-1])
        kind = str(spec.get("kind") or spec.get("subcode") or "ActionNotSupported")
        return cls(kind.split(":", 1)[-1], spec.get("subcode2"), spec.get("reason"),
                   spec.get("detail"), spec.get("code"), spec.get("http_status"))


def _nsmap(personality):
    nsmap = personality.get("_nsmap")
    if nsmap is None:
        envelope = personality["envelope"]
        nsmap = {envelope["prefix"]: SOAP_ENV}
        nsmap.update(BASE_NSMAP)
        nsmap.update(envelope.get("namespaces") or {})
        if envelope.get("reply_to_header"):
            nsmap["wsa5"] = WSA5
        personality["_nsmap"] = nsmap
    return nsmap


def new_envelope(personality, extra_nsmap=None):
    """Return ``(envelope, body)`` elements of a response envelope in the vendor's style."""
    nsmap = dict(_nsmap(personality))
    if extra_nsmap:
        nsmap.update(extra_nsmap)
    root = etree.Element(q(SOAP_ENV, "Envelope"), nsmap=nsmap)
    if personality["envelope"].get("reply_to_header"):
        header = sub(root, SOAP_ENV, "Header")
        reply_to = sub(header, WSA5, "ReplyTo", attrib={q(SOAP_ENV, "mustUnderstand"): "true"})
        sub(reply_to, WSA5, "Address", "http://www.w3.org/2005/08/addressing/anonymous")
    return root, sub(root, SOAP_ENV, "Body")


def fault_parts(personality, fault):
    """Resolve a SoapFault against the personality's templates into a plain dict."""
    template = (personality.get("faults") or {}).get(fault.kind) or {}
    code = fault.code or template.get("code")
    if not code:
        code = "Receiver" if fault.kind in RECEIVER_KINDS else "Sender"
    if fault.kind == "VersionMismatch":
        code = "VersionMismatch"
    subcodes = list(template.get("subcodes") or DEFAULT_SUBCODES.get(fault.kind, [fault.kind]))
    if fault.subcode:
        subcodes = subcodes[:1] + [fault.subcode]
    return {
        "code": code,
        "subcodes": subcodes,
        "reason": fault.reason or template.get("reason") or DEFAULT_REASONS.get(fault.kind, fault.kind),
        "detail": fault.detail or template.get("detail") or DEFAULT_DETAILS.get(fault.kind),
        "node_role": bool(template.get("node_role")),
    }


def fault_status(personality, fault, parts):
    """HTTP status of a fault: explicit, then personality, then the SOAP 1.2 HTTP binding."""
    if fault.http_status:
        return int(fault.http_status)
    if fault.kind in ("NotAuthorized", "NotActivated"):
        return int(personality.get("auth_fault_http_status") or 400)
    if personality.get("fault_http_status"):
        return int(personality["fault_http_status"])
    return 400 if parts["code"] in ("Sender", "VersionMismatch") else 500


def render_fault(personality, fault):
    """Return ``(http_status, body_bytes)`` for a SoapFault."""
    parts = fault_parts(personality, fault)
    prefix = personality["envelope"]["prefix"]
    root, body = new_envelope(personality)
    element = sub(body, SOAP_ENV, "Fault")
    code = sub(element, SOAP_ENV, "Code")
    sub(code, SOAP_ENV, "Value", "%s:%s" % (prefix, parts["code"]))
    parent = code
    for subcode in parts["subcodes"]:
        parent = sub(parent, SOAP_ENV, "Subcode")
        sub(parent, SOAP_ENV, "Value", "ter:%s" % subcode)
    reason = sub(element, SOAP_ENV, "Reason")
    sub(reason, SOAP_ENV, "Text", parts["reason"], {q(XML_NS, "lang"): "en"})
    if parts["node_role"]:
        sub(element, SOAP_ENV, "Node", NODE)
        sub(element, SOAP_ENV, "Role", ROLE)
    if parts["detail"]:
        sub(sub(element, SOAP_ENV, "Detail"), SOAP_ENV, "Text", parts["detail"])
    return fault_status(personality, fault, parts), serialize(root)


def render_soap11_fault(personality):
    """``(http_status, content_type, body)``: the answer to a SOAP 1.1 request.

    A SOAP 1.2 node answers a SOAP 1.1 message with a SOAP 1.1 VersionMismatch fault
    (SOAP 1.2 Part 1, Appendix A); ``soap11: upgrade`` adds the ``Upgrade`` header block of
    section 5.4.7 naming the SOAP 1.2 envelope it supports, ``soap11: fault11`` sends the
    fault alone. SOAP 1.1 over HTTP puts a fault on 500 (SOAP 1.1, section 6.2).
    """
    prefix = personality["envelope"]["prefix"]
    root = etree.Element(q(SOAP11_ENV, "Envelope"), nsmap={prefix: SOAP11_ENV})
    if personality.get("soap11", "upgrade") == "upgrade":
        header = sub(root, SOAP11_ENV, "Header")
        upgrade = etree.SubElement(header, q(SOAP_ENV, "Upgrade"), nsmap={"upg": SOAP_ENV})
        etree.SubElement(upgrade, q(SOAP_ENV, "SupportedEnvelope"), {"qname": "upg:Envelope"})
    fault = sub(sub(root, SOAP11_ENV, "Body"), SOAP11_ENV, "Fault")
    etree.SubElement(fault, "faultcode").text = "%s:VersionMismatch" % prefix
    etree.SubElement(fault, "faultstring").text = personality.get(
        "soap11_reason", "SOAP version mismatch: only SOAP 1.2 is supported")
    return 500, CONTENT_TYPE_11, serialize(root)
