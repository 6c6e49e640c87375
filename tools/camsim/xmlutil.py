"""Namespaces and small lxml helpers shared by the SOAP, ONVIF and discovery code.

The namespace URIs are the ones the ONVIF WSDL/XSD files (and the WS-* specifications
they import) declare; they are written out here so the simulator never parses a WSDL.
"""

import threading

from lxml import etree

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TT = "http://www.onvif.org/ver10/schema"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TRT = "http://www.onvif.org/ver10/media/wsdl"
TER = "http://www.onvif.org/ver10/error"
DN = "http://www.onvif.org/ver10/network/wsdl"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"  # the one WS-Discovery 2005/04 uses
WSA5 = "http://www.w3.org/2005/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: Prefixes declared on every SOAP envelope the simulator sends (QName-valued text such as
#: fault subcodes "ter:NotAuthorized" or discovery types "dn:NetworkVideoTransmitter"
#: relies on them being in scope).
BASE_NSMAP = {"tt": TT, "tds": TDS, "trt": TRT, "ter": TER, "dn": DN}

_local = threading.local()


def _parser():
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False)
        _local.parser = parser
    return parser


def parse(data):
    """Parse untrusted bytes (no entities, no DTD, no network); raise etree.XMLSyntaxError."""
    return etree.fromstring(data, _parser())


def q(ns, name):
    """Clark notation ``{ns}name``."""
    return "{%s}%s" % (ns, name)


def sub(parent, ns, name, text=None, attrib=None):
    """Append child ``{ns}name`` (with optional text and attributes) and return it."""
    element = etree.SubElement(parent, q(ns, name), attrib or {})
    if text is not None:
        element.text = text if isinstance(text, str) else str(text)
    return element


def tt(parent, name, text=None, attrib=None):
    """Append a child in the ONVIF schema namespace (tt:)."""
    return sub(parent, TT, name, text, attrib)


def local(element):
    """Local name of an element (no namespace)."""
    return etree.QName(element).localname


def namespace(element):
    return etree.QName(element).namespace


def children(element, name):
    """Element children with local name ``name``, whatever their namespace (lenient, like
    real cameras)."""
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and local(c) == name]


def child(element, name):
    found = children(element, name)
    return found[0] if found else None


def text(element, name, default=None):
    """Stripped text of the first child called ``name``, or ``default``."""
    found = child(element, name)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def first_element(element):
    for c in element:
        if isinstance(c.tag, str):
            return c
    return None


def xbool(value):
    return "true" if value else "false"


def parse_bool(value, default=None):
    """xs:boolean lexical forms; ``default`` when value is None; ValueError otherwise."""
    if value is None:
        return default
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValueError("not a boolean: %r" % value)


def serialize(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
