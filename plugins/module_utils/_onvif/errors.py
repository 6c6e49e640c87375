# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ONVIF client's exceptions, and a SOAP fault reader that does not need zeep.

Every exception message names the device (host:port), the operation and the cause:
``ONVIF GetNetworkInterfaces on 127.0.1.64:8000 failed: SOAP fault ter:ActionNotSupported
(Optional Action Not Implemented)``. No message ever holds a password or a raw reply body.
"""

from __future__ import annotations

import re

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks

try:
    from lxml import etree
except ImportError:  # reported by check_onvif_libs()
    etree = None


class OnvifError(Exception):
    """Base of the client's errors. ``device`` is host:port, ``operation`` the ONVIF operation."""

    def __init__(self, cause, device=None, operation=None):
        super().__init__(cause)
        self.cause = cause
        self.device = device
        self.operation = operation

    def add_context(self, device=None, operation=None):
        """Fill in device and operation where the raiser did not know them; return self."""
        if self.device is None:
            self.device = device
        if self.operation is None:
            self.operation = operation
        return self

    @property
    def message(self):
        if self.operation and self.device:
            return 'ONVIF %s on %s failed: %s' % (self.operation, self.device, self.cause)
        if self.device:
            return 'ONVIF request to %s failed: %s' % (self.device, self.cause)
        return 'ONVIF request failed: %s' % self.cause

    def __str__(self):
        return self.message


class OnvifConnectionError(OnvifError):
    """The camera could not be reached: refused, unreachable, name not found, TLS failure."""


class OnvifAddressRefused(OnvifConnectionError):
    """The client refused to contact an address other than the configured host:port."""


class OnvifTimeoutError(OnvifError):
    """The camera accepted the connection but did not answer within the timeout."""


class OnvifResponseError(OnvifError):
    """The reply could not be understood: not XML, an HTML page, an unexpected shape."""

    def __init__(self, cause, device=None, operation=None, http_status=None):
        super().__init__(cause, device, operation)
        self.http_status = http_status


class OnvifFaultError(OnvifError):
    """The camera answered with a SOAP fault. ``fault`` is the dict from :func:`parse_fault`."""

    def __init__(self, fault, device=None, operation=None, http_status=None):
        super().__init__(format_fault(fault), device, operation)
        self.fault = fault
        self.http_status = http_status

    @property
    def code(self):
        return self.fault.get('code')

    @property
    def subcodes(self):
        return list(self.fault.get('subcodes') or [])

    @property
    def subcode(self):
        """The first subcode (as written, with prefix), or None."""
        return self.subcodes[0] if self.subcodes else None

    @property
    def reason(self):
        return self.fault.get('reason')

    @property
    def not_supported(self):
        """True when the fault says the device does not implement the operation."""
        return is_not_supported_fault(self.fault)


class OnvifAuthError(OnvifError):
    """The camera refused the credentials (ter:NotAuthorized fault or HTTP 401)."""

    def __init__(self, cause, device=None, operation=None, fault=None, http_status=None, detail=None, device_date=None):
        super().__init__(cause, device, operation)
        self.fault = fault
        self.http_status = http_status
        self.detail = detail or cause
        self.device_date = device_date  # the refusal's HTTP Date header (aware UTC datetime) or None


def from_http_error(exc, device=None, operation=None):
    """An HTTP layer error (``_http.HttpError``) -> the OnvifError of the same meaning, class for class.

    Refused address -> OnvifAddressRefused; no connection (refused, unreachable, DNS, TLS, no
    connection before the deadline) -> OnvifConnectionError; connected but the whole answer did
    not arrive in time -> OnvifTimeoutError; a malformed answer or an unanswerable challenge ->
    OnvifResponseError. The cause is kept as the HTTP layer wrote it (it never holds a secret).
    """
    from ansible_collections.dukcapil.cctv.plugins.module_utils import _http
    if isinstance(exc, _http.HttpTimeoutError) and exc.seconds is not None:
        if exc.started:
            cause = 'no complete answer within %g s (the camera started its reply but did not finish it)' % exc.seconds
        else:
            cause = 'no answer within %g s (the camera accepted the connection but did not reply)' % exc.seconds
        return OnvifTimeoutError(cause, device=device, operation=operation)
    for http_class, onvif_class in ((_http.HttpAddressRefused, OnvifAddressRefused),
                                    (_http.HttpConnectionError, OnvifConnectionError),
                                    (_http.HttpTimeoutError, OnvifTimeoutError)):
        if isinstance(exc, http_class):
            return onvif_class(exc.cause, device=device, operation=operation)
    return OnvifResponseError(exc.cause, device=device, operation=operation)


def local_name(qname):
    """'ter:NotAuthorized' or '{ns}NotAuthorized' -> 'NotAuthorized'."""
    if not qname:
        return ''
    qname = str(qname).strip()
    if qname.startswith('{'):
        qname = qname.split('}', 1)[-1]
    return qname.rsplit(':', 1)[-1]


def _text(element):
    return ' '.join(' '.join(element.itertext()).split()) if element is not None else ''


def _child(element, name):
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) == name:
            return child
    return None


def parse_xml(content):
    """Parse bytes into an lxml element safely (no entities, no network); None if not XML."""
    if etree is None or not content:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(content.strip() if isinstance(content, bytes) else content.strip().encode('utf-8'), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def find_fault(root):
    """The Fault element of a SOAP 1.1 or 1.2 envelope (any prefix), or None."""
    if root is None or local_name(root.tag) != 'Envelope':
        return None
    body = _child(root, 'Body')
    return _child(body, 'Fault') if body is not None else None


def parse_fault(content_or_element):
    """Read a SOAP fault from reply bytes (or a parsed envelope). Return None if there is none.

    Returns ``{'code': str, 'subcodes': [str, ...], 'reason': str, 'detail': str}`` with the
    codes exactly as written (prefixed, e.g. ``ter:NotAuthorized``, or a misspelled
    ``env:Reveiver``). Subcodes are listed outermost first. SOAP 1.1 faults fill ``code`` from
    faultcode and ``reason`` from faultstring.
    """
    root = content_or_element
    if root is None:
        return None
    if isinstance(root, (bytes, str)):
        root = parse_xml(root)
    fault = find_fault(root)
    if fault is None:
        return None
    code_el = _child(fault, 'Code')
    result = {'code': '', 'subcodes': [], 'reason': '', 'detail': ''}
    if code_el is not None:  # SOAP 1.2
        value = _child(code_el, 'Value')
        result['code'] = _text(value)
        sub = _child(code_el, 'Subcode')
        while sub is not None:
            value = _child(sub, 'Value')
            if value is not None and _text(value):
                result['subcodes'].append(_text(value))
            sub = _child(sub, 'Subcode')
        reason = _child(fault, 'Reason')
        if reason is not None:
            texts = [t for t in reason if isinstance(t.tag, str) and local_name(t.tag) == 'Text']
            english = [t for t in texts if (t.get('{http://www.w3.org/XML/1998/namespace}lang') or '').lower().startswith('en')]
            chosen = (english or texts or [None])[0]
            result['reason'] = _text(chosen)
        result['detail'] = _text(_child(fault, 'Detail'))
    else:  # SOAP 1.1
        result['code'] = _text(_child(fault, 'faultcode'))
        result['reason'] = _text(_child(fault, 'faultstring'))
        result['detail'] = _text(_child(fault, 'detail'))
    return result


def format_fault(fault):
    """'SOAP fault ter:ActionNotSupported/ter:InvalidOperation (Optional Action Not Implemented)'."""
    codes = '/'.join(fault.get('subcodes') or []) or fault.get('code') or 'without code'
    reason = fault.get('reason') or 'no reason given'
    text = 'SOAP fault %s (%s)' % (codes, reason)
    detail = (fault.get('detail') or '').strip()
    if detail and detail.upper() != 'NULL' and detail != reason:
        text += '; detail: %s' % detail[:200]
    return text


def _matches(patterns, text):
    return any(re.search(p, text or '', re.IGNORECASE) for p in patterns)


def is_auth_fault(fault, http_status=None):
    """True when a fault (dict from parse_fault) means the credentials were refused."""
    if http_status == 401:
        return True
    if not fault:
        return False
    names = set(local_name(c) for c in fault.get('subcodes') or [])
    if names & quirks.AUTH_FAULT_SUBCODES:
        return True
    if not fault.get('subcodes') and local_name(fault.get('code')) in quirks.AUTH_FAULT_SUBCODES:
        return True
    if not (names & quirks.NOT_SUPPORTED_FAULT_SUBCODES):
        return _matches(quirks.AUTH_FAULT_REASON_PATTERNS, fault.get('reason'))
    return False


def is_not_supported_fault(fault):
    """True when a fault says the device does not implement the operation or service."""
    if not fault:
        return False
    names = set(local_name(c) for c in fault.get('subcodes') or [])
    if names & quirks.NOT_SUPPORTED_FAULT_SUBCODES:
        return True
    return _matches(quirks.NOT_SUPPORTED_REASON_PATTERNS, fault.get('reason'))


def html_title(content):
    """The <title> (or first heading) of an HTML page, for error messages; '' if none."""
    if not content:
        return ''
    text = content.decode('utf-8', 'replace') if isinstance(content, bytes) else content
    match = re.search(r'<title[^>]*>(.*?)</title>', text, re.IGNORECASE | re.DOTALL) or \
        re.search(r'<h[1-3][^>]*>(.*?)</h[1-3]>', text, re.IGNORECASE | re.DOTALL)
    if not match:
        return ''
    return ' '.join(re.sub(r'<[^>]+>', ' ', match.group(1)).split())[:120]


def describe_body(content, content_type=None):
    """A short, secret-free description of a non-SOAP reply body, for error messages."""
    if not content or not content.strip():
        return 'an empty body'
    head = content[:512].lstrip().lower()
    if b'<html' in head or b'<!doctype html' in head or 'html' in (content_type or '').lower():
        title = html_title(content)
        return 'an HTML page%s instead of SOAP' % (" ('%s')" % title if title else '')
    if head.startswith(b'<'):
        return 'XML that is not a SOAP envelope'
    return 'a non-XML body (%d bytes%s)' % (len(content), ', %s' % content_type if content_type else '')
