"""Validate simulator output against the ONVIF schemas installed with onvif-zeep.

One lxml XMLSchema is built, offline, from:
  * the ``tds`` and ``trt`` schemas embedded in devicemgmt.wsdl and media.wsdl (which import
    onvif.xsd and, through it, the WS-* schemas shipped beside it);
  * ws-discovery.xsd (its import of the 2004/08 addressing schema by URL is mapped to the
    local ``addressing`` file);
  * a SOAP 1.2 envelope schema kept next to this file (onvif-zeep has only SOAP 1.1's).
A custom resolver serves every import from disk and refuses any other URL, and the parser
has ``no_network=True``: building the schema never touches the network.
"""

import functools
import importlib.util
import os

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
HERE = os.path.dirname(os.path.abspath(__file__))


def wsdl_dir():
    """onvif-zeep's ``wsdl/`` folder: the sibling of the ``onvif`` package."""
    spec = importlib.util.find_spec("onvif")
    return os.path.join(os.path.dirname(list(spec.submodule_search_locations)[0]), "wsdl")


class _LocalResolver(etree.Resolver):
    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def resolve(self, url, public_id, context):
        if url.startswith("extract:"):
            wsdl = os.path.join(self.folder, url.split(":", 1)[1])
            schema = etree.parse(wsdl, _parser(self.folder)).find(".//{%s}schema" % XS)
            return self.resolve_string(etree.tostring(schema), context, base_url=wsdl)
        if url == "http://schemas.xmlsoap.org/ws/2004/08/addressing":
            return self.resolve_filename(os.path.join(self.folder, "addressing"), context)
        if os.path.basename(url) == "xml.xsd":
            return self.resolve_filename(os.path.join(self.folder, "xml.xsd"), context)
        if "://" in url and not url.startswith("file://"):
            raise ValueError("refusing to fetch %s while building the ONVIF schema" % url)
        return None


def _parser(folder):
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalResolver(folder))
    return parser


@functools.lru_cache(maxsize=1)
def schema():
    folder = wsdl_dir()
    imports = [
        (SOAP_ENV, "file://" + os.path.join(HERE, "schemas", "soap12-envelope.xsd")),
        ("http://www.onvif.org/ver10/device/wsdl", "extract:devicemgmt.wsdl"),
        ("http://www.onvif.org/ver10/media/wsdl", "extract:media.wsdl"),
        ("http://schemas.xmlsoap.org/ws/2005/04/discovery",
         "file://" + os.path.join(folder, "ws-discovery.xsd")),
    ]
    master = '<xs:schema xmlns:xs="%s" targetNamespace="urn:camsim:tests" elementFormDefault="qualified">%s</xs:schema>' % (
        XS, "".join('<xs:import namespace="%s" schemaLocation="%s"/>' % i for i in imports))
    document = etree.fromstring(master.encode(), _parser(folder), base_url=os.path.join(HERE, "master.xsd"))
    return etree.XMLSchema(etree.ElementTree(document))


SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


@functools.lru_cache(maxsize=1)
def soap11_schema():
    """SOAP 1.1 envelope (onvif-zeep's ``wsdl/envelope``) plus the SOAP 1.2 envelope schema
    (for the ``Upgrade`` header block of a VersionMismatch fault)."""
    folder = wsdl_dir()
    imports = [(SOAP11_ENV, "file://" + os.path.join(folder, "envelope")),
               (SOAP_ENV, "file://" + os.path.join(HERE, "schemas", "soap12-envelope.xsd"))]
    master = '<xs:schema xmlns:xs="%s" targetNamespace="urn:camsim:tests11">%s</xs:schema>' % (
        XS, "".join('<xs:import namespace="%s" schemaLocation="%s"/>' % i for i in imports))
    document = etree.fromstring(master.encode(), _parser(folder), base_url=os.path.join(HERE, "master11.xsd"))
    return etree.XMLSchema(etree.ElementTree(document))


def validate_soap11(content):
    """Validate a SOAP 1.1 message (the envelope, then each Header block and Body child
    that a loaded schema declares). Return the parsed envelope; raise AssertionError."""
    root = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    checker = soap11_schema()
    assert root.tag == "{%s}Envelope" % SOAP11_ENV, root.tag
    if not checker.validate(root):
        raise AssertionError("SOAP 1.1 envelope invalid: %s" % checker.error_log)
    for part in ("Header", "Body"):
        for element in root.findall("{%s}%s/*" % (SOAP11_ENV, part)):
            if not checker.validate(etree.ElementTree(element)):
                raise AssertionError("%s invalid: %s" % (element.tag, checker.error_log))
    return root


#: The simulator names in this header the quirk that made a reply invalid on purpose.
QUIRK_HEADER = "X-Camsim-Quirk"


def deliberately_invalid(headers):
    """True when a reply is marked as schema-invalid on purpose (a quirk such as an empty
    Get response or a truncated reply): schema tests skip it."""
    return bool(headers and headers.get(QUIRK_HEADER))


def validate(content, headers=None):
    """Validate a SOAP message (bytes). The envelope is validated (its Body and Header
    content laxly, as the SOAP schema says), then each Body child *strictly*: it must be a
    declared global element and valid. Return the parsed envelope (None for a reply marked
    deliberately invalid, see ``deliberately_invalid``); raise AssertionError."""
    if deliberately_invalid(headers):
        return None
    root = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    checker = schema()
    if not checker.validate(root):
        raise AssertionError("envelope invalid: %s" % checker.error_log)
    body = root.find("{%s}Body" % SOAP_ENV)
    assert body is not None and len(body), "empty SOAP Body"
    for element in body:
        if not checker.validate(etree.ElementTree(element)):
            raise AssertionError("%s invalid: %s" % (element.tag, checker.error_log))
    return root
