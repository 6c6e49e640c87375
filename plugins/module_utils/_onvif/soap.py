# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lean SOAP layer: requests built and replies read from a table derived from the ONVIF schema.

Why not zeep (issue 11): zeep parses the WSDLs and their XSDs in every module process (about
0.3 s, plus 0.16 s of imports) to learn facts that never change. Those facts -- for each
operation of the Device and Media services, the request and response elements; for each type
reachable from them, its child elements in schema order with their namespace and type, whether
they repeat, its attributes and the kind (boolean, integer, float, string) of each simple value --
are derived once from onvif-zeep's files by ``tools/gen_onvif_soap_table.py`` and kept in
``soap_table.py`` (JSON, loaded on first use). A unit test regenerates the table and compares,
and another validates every request the modules build against the XSDs, so onvif-zeep's files
stay the contract while nothing reads them at run time.

Requests
    :func:`request_body` builds the operation element from keyword parameters: top-level
    parameters in the service namespace, nested content in the namespace the schema declares
    (``tt`` for the common types), children in schema order, lists for repeated elements,
    booleans as ``true``/``false``. An unknown or missing required parameter is an error before
    anything is sent. :func:`envelope` wraps it in SOAP 1.2, with a WS-Security UsernameToken
    (PasswordDigest) when given one.
Replies
    :func:`parse_strict` parses without recovery, entity expansion, DTD loading or network
    access: a truncated reply is an error, never repaired. :func:`read_reply` demands that the
    Body holds exactly the operation's response element (anything else is an error naming the
    operation) and converts it to the plain data zeep's ``serialize_object`` gave, so the
    readers did not change: element local names and attributes as keys, every declared child
    present (None, or [] when it repeats), repeated elements as lists, booleans and integers
    typed as the schema says (a value that does not parse is kept as its text), text-with-
    attributes as ``_value_1``, and a response element with a single child unwrapped to that
    child's value (None for an empty response). Elements the schema does not declare (vendor
    extensions) are kept under their local names.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifError, OnvifResponseError, local_name,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.soap_table import TABLE as _TABLE_JSON

try:
    from lxml import etree
except ImportError:  # reported by check_onvif_libs()
    etree = None

SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope'
SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/'
WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'
WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd'
PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest'
BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary'
XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'

_TABLE = {}


def table():
    """The schema table (parsed once per process)."""
    if not _TABLE:
        _TABLE.update(json.loads(_TABLE_JSON))
    return _TABLE


def has_operation(service, operation):
    return operation in table()['ops'].get(service, {})


def _namespace(prefix):
    return table()['ns'][prefix]


# ------------------------------------------------------------------------------ requests --
def _format(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%SZ')
    return str(value)


def _fill(element, type_key, value, path):
    if type_key.startswith('~'):
        element.text = _format(value)
        return
    entry = table()['types'][type_key]
    if not isinstance(value, dict):
        if 't' in entry:
            element.text = _format(value)
            return
        raise OnvifError('could not build the request: %s needs a dict of its fields, not %r' % (path, type(value).__name__))
    attributes = entry.get('a', {})
    children = dict((c[0], c) for c in entry['c'])
    unknown = sorted(set(value) - set(children) - set(attributes) - {'_value_1'})
    if unknown:
        raise OnvifError('could not build the request: %s has no field %s (it has: %s)'
                         % (path, ', '.join(unknown), ', '.join([c[0] for c in entry['c']] + sorted(attributes)) or 'none'))
    for name in attributes:
        if value.get(name) is not None:
            element.set(name, _format(value[name]))
    if value.get('_value_1') is not None and 't' in entry:
        element.text = _format(value['_value_1'])
    for name, prefix, child_type, repeats, required in entry['c']:
        item = value.get(name)
        if item is None or (repeats and isinstance(item, (list, tuple)) and not item):
            if required and not repeats:
                raise OnvifError('could not build the request: %s.%s is required' % (path, name))
            continue
        items = list(item) if isinstance(item, (list, tuple)) else [item]
        if len(items) > 1 and not repeats:
            raise OnvifError('could not build the request: %s.%s takes one value, not a list' % (path, name))
        for one in items:
            _fill(etree.SubElement(element, '{%s}%s' % (_namespace(prefix), name)), child_type, one, '%s.%s' % (path, name))


def request_body(service, operation, params):
    """The request element of ``operation`` with ``params`` (a dict of its top-level parameters)."""
    ops = table()['ops'].get(service, {})
    if operation not in ops:
        raise OnvifError('operation %s is not in the %s service of the ONVIF schema; use call_raw()' % (operation, service),
                         operation=operation)
    request_type, dummy, prefix = ops[operation]
    element = etree.Element('{%s}%s' % (_namespace(prefix), operation), nsmap={'tt': _namespace('tt')})
    _fill(element, request_type, dict(params or {}), operation)
    return element


def raw_body(namespace, operation, params):
    """A request element built from (name, value) pairs in ``namespace`` (for call_raw)."""
    def build(parent, items):
        for name, value in items or []:
            child = etree.SubElement(parent, '{%s}%s' % (namespace, name))
            if isinstance(value, (list, tuple)):
                build(child, value)
            elif value is not None:
                child.text = _format(value)
    element = etree.Element('{%s}%s' % (namespace, operation))
    build(element, params)
    return element


def username_token(username, password, created, nonce=None):
    """A wsse:Security header holding a UsernameToken with PasswordDigest, Created = ``created`` (aware UTC)."""
    nonce = nonce if nonce is not None else os.urandom(16)
    stamp = created.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    digest = base64.b64encode(hashlib.sha1(nonce + stamp.encode('utf-8') + (password or '').encode('utf-8')).digest())
    security = etree.Element('{%s}Security' % WSSE, nsmap={'wsse': WSSE, 'wsu': WSU})
    token = etree.SubElement(security, '{%s}UsernameToken' % WSSE)
    etree.SubElement(token, '{%s}Username' % WSSE).text = username or ''
    password_el = etree.SubElement(token, '{%s}Password' % WSSE, Type=PASSWORD_DIGEST)
    password_el.text = digest.decode('ascii')
    nonce_el = etree.SubElement(token, '{%s}Nonce' % WSSE, EncodingType=BASE64_BINARY)
    nonce_el.text = base64.b64encode(nonce).decode('ascii')
    etree.SubElement(token, '{%s}Created' % WSU).text = stamp
    return security


def envelope(body, security=None):
    """A SOAP 1.2 envelope (bytes) around ``body``, with a WS-Security header when given."""
    env = etree.Element('{%s}Envelope' % SOAP12_ENV, nsmap={'s': SOAP12_ENV})
    header = etree.SubElement(env, '{%s}Header' % SOAP12_ENV)
    if security is not None:
        header.append(security)
    etree.SubElement(env, '{%s}Body' % SOAP12_ENV).append(body)
    return etree.tostring(env, xml_declaration=True, encoding='utf-8')


# -------------------------------------------------------------------------------- replies --
def parse_strict(content):
    """Bytes -> lxml root, or None when they are not well-formed XML (never repaired)."""
    if etree is None or not content or not content.strip():
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False,
                             remove_comments=True, huge_tree=False)
    try:
        return etree.fromstring(content.strip(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def body_children(root):
    """The element children of a SOAP envelope's Body ([] when there is no Body)."""
    for child in root:
        if isinstance(child.tag, str) and local_name(child.tag) == 'Body' and \
                etree.QName(child).namespace in (SOAP12_ENV, SOAP11_ENV):
            return [c for c in child if isinstance(c.tag, str)]
    return []


def _simple(text, kind):
    if text is None:
        return '' if kind == 's' else None
    if kind == 's':
        return text
    value = text.strip()
    try:
        if kind == 'b':
            if value in ('true', '1'):
                return True
            if value in ('false', '0'):
                return False
            return text
        if kind == 'i':
            return int(value)
        if kind == 'f':
            return float(value)
    except ValueError:
        return text
    return text


def _generic(element):
    """An element the schema does not declare: text, or a dict of its attributes and children."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children and not element.attrib:
        return element.text if element.text is not None else ''
    result = dict((local_name(k), v) for k, v in element.attrib.items())
    if not children:
        result['_value_1'] = element.text
        return result
    for child in children:
        name = local_name(child.tag)
        value = _generic(child)
        if name in result:
            result[name] = (result[name] if isinstance(result[name], list) else [result[name]]) + [value]
        else:
            result[name] = value
    return result


def convert(element, type_key):
    """An element of a schema type -> plain data (the shape described in the module docstring)."""
    if element.get(XSI_NIL) in ('true', '1'):
        return None
    if type_key.startswith('~'):
        return _simple(element.text, type_key[1:])
    entry = table()['types'].get(type_key)
    if entry is None:
        return _generic(element)
    result = {}
    for name, kind in entry.get('a', {}).items():
        value = element.get(name)
        result[name] = _simple(value, kind) if value is not None else None
    if 't' in entry:
        if not entry['c'] and not entry.get('a'):
            return _simple(element.text, entry['t'])
        result['_value_1'] = _simple(element.text, entry['t'])
    found = {}
    for child in element:
        if isinstance(child.tag, str):
            found.setdefault(local_name(child.tag), []).append(child)
    for name, dummy, child_type, repeats, dummy in entry['c']:
        children = found.pop(name, [])
        if repeats:
            result[name] = [convert(c, child_type) for c in children]
        else:
            result[name] = convert(children[0], child_type) if children else None
    for name, children in found.items():  # vendor additions the schema does not declare
        if name not in result:
            values = [_generic(c) for c in children]
            result[name] = values[0] if len(values) == 1 else values
    return result


def read_reply(service, operation, root):
    """The Body of a (non-fault) SOAP reply -> the operation's result as plain data.

    Raises OnvifResponseError unless the Body holds the operation's response element.
    """
    request_type, response_type, dummy = table()['ops'][service][operation]
    prefix, dummy, name = response_type.partition(':')
    expected = '{%s}%s' % (_namespace(prefix), name)
    children = body_children(root)
    if not children:
        raise OnvifResponseError('the reply has an empty SOAP Body instead of %s' % name, operation=operation)
    if children[0].tag != expected:
        got = etree.QName(children[0])
        raise OnvifResponseError('the reply holds %s%s instead of %s' % (
            got.localname, ' (namespace %s)' % got.namespace if got.localname == name else '', name), operation=operation)
    value = convert(children[0], response_type)
    declared = table()['types'][response_type]['c']
    if not declared:
        return None
    if len(declared) == 1 and not table()['types'][response_type].get('a'):
        return value[declared[0][0]]
    return value
