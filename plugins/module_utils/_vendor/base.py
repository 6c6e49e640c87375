# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every vendor API shares: the errors, the request helper on ``_http``, XML and password rules."""

from __future__ import annotations

import re
import time

from ansible_collections.dukcapil.cctv.plugins.module_utils._http import HttpClient, HttpError, format_target

try:
    from lxml import etree
    HAS_LXML = True
except ImportError:  # pragma: no cover - checked by the module with missing_required_lib
    etree = None
    HAS_LXML = False


class VendorError(Exception):
    """A first-boot step failed: names the vendor, the step, the device, the HTTP status and the device's status."""

    def __init__(self, cause, vendor=None, step=None, device=None, http_status=None, device_status=None):
        super().__init__(cause)
        self.cause, self.vendor, self.step, self.device = cause, vendor, step, device
        self.http_status, self.device_status = http_status, device_status

    def __str__(self):
        where = ' '.join(p for p in (self.vendor, self.step) if p)
        head = '%s on %s failed' % (where, self.device) if where and self.device else where or self.device or ''
        extra = []
        if self.http_status is not None:
            extra.append('HTTP %s' % self.http_status)
        if self.device_status:
            extra.append('device status: %s' % self.device_status)
        text = '%s: %s' % (head, self.cause) if head else self.cause
        return text + (' (%s)' % ', '.join(extra) if extra else '')


class VendorConnectionError(VendorError):
    """The device could not be reached or did not answer in time."""


class VendorRefused(VendorError):
    """The device is activated and refuses the office password: someone else activated it."""


class VendorStateError(VendorError):
    """The device is not in a state the step can work with (the message says which)."""


class VendorUnsupported(VendorError):
    """Firmware or a feature that this collection does not support (yet); the message says what."""


class OnvifStillRefused(VendorError):
    """The vendor steps were done and ONVIF still refuses the account."""


class PolicyError(VendorError):
    """An option's value breaks the vendor's rules; raised before any request."""


# The vendors' own password and account-name rules (INDEX.md H9, D6, A7, A3), checked before any
# request on top of the collection's policy (onvif_camera_user's check_password_policy).
PASSWORD_RULES = {
    'hikvision': {'min_length': 8, 'max_length': 16, 'min_classes': 2, 'charset': r'[\x21-\x7e]',
                  'not_name': True, 'source': 'Hikvision: 8-16 printable ASCII, 2 classes, not the user name (H9)'},
    'dahua': {'min_length': 8, 'max_length': 32, 'min_classes': 2, 'charset': r'[\x21-\x7e]', 'forbidden': '\'";:&',
              'source': 'Dahua: 8-32 characters, 2 classes, none of \' " ; : & (D6)'},
    'axis': {'min_length': 1, 'max_length': 64, 'min_classes': 1, 'charset': r'[\x20-\x7e]',
             'source': 'Axis: 1-64 printable ASCII (A7)'},
    'onvif': {'min_length': 1, 'max_length': None, 'min_classes': 1, 'charset': None, 'source': 'ONVIF'},
}
USERNAME_RULES = {
    'axis': (r'[A-Za-z0-9]{1,14}', 'Axis: 1-14 letters or digits (A3)'),
    'dahua': (r'[A-Za-z0-9_@.]{1,31}', 'Dahua: 1-31 of A-Z a-z 0-9 _ @ . (D6)'),
    'hikvision': (r'[^\s:\'"<>&]{1,32}', 'Hikvision: 1-32 characters, no blank or XML special'),
    'onvif': (r'[^\s:]{1,64}', 'ONVIF: no blank or colon'),
}
_CLASSES = (r'[a-z]', r'[A-Z]', r'[0-9]', r'[^A-Za-z0-9]')


def check_vendor_password(vendor, password, name, option):
    """Raise PolicyError when ``password`` breaks ``vendor``'s own rules; the message names the rule, never the value."""
    rules = PASSWORD_RULES[vendor]
    source = rules['source']
    if len(password) < rules['min_length']:
        raise PolicyError('%s: must have at least %d characters (%s)' % (option, rules['min_length'], source))
    if rules['max_length'] and len(password) > rules['max_length']:
        raise PolicyError('%s: must have at most %d characters (%s)' % (option, rules['max_length'], source))
    if rules['charset'] and not all(re.match(rules['charset'], c) for c in password):
        raise PolicyError('%s: may only use printable ASCII characters (%s)' % (option, source))
    bad = sorted(set(password) & set(rules.get('forbidden', '')))
    if bad:
        raise PolicyError('%s: must not contain %s (%s)' % (option, ' '.join(bad), source))
    if sum(1 for c in _CLASSES if re.search(c, password)) < rules['min_classes']:
        raise PolicyError('%s: must use at least %d character classes (%s)' % (option, rules['min_classes'], source))
    if rules.get('not_name') and name and password.lower() in (name.lower(), name.lower()[::-1]):
        raise PolicyError('%s: must not be the user name or the user name reversed (%s)' % (option, source))


def check_vendor_username(vendor, name, option):
    pattern, source = USERNAME_RULES[vendor]
    if not re.fullmatch(pattern, name or ''):
        raise PolicyError('%s: %r is not a valid user name (%s)' % (option, name, source))


def parse_xml(body):
    """A device's XML answer as an lxml element (no entities, no network), or None when it is not XML."""
    if not body:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True, huge_tree=False)
    try:
        return etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def local(tag):
    return tag.rsplit('}', 1)[-1] if isinstance(tag, str) else ''


def child(element, *names):
    """The first descendant path ``names`` (local names, any namespace), or None."""
    for name in names:
        if element is None:
            return None
        element = next((c for c in element if local(c.tag) == name), None)
    return element


def child_text(element, *names):
    found = child(element, *names)
    return (found.text or '').strip() if found is not None else None


class VendorApi:
    """Base of the per-vendor API objects: the connection, the request helper, the record of steps done."""

    VENDOR = None
    ADMIN_USERNAME = 'admin'
    EVIDENCE = {}

    def __init__(self, params, onvif, http_class=HttpClient, sleep=None, clock=None):
        self.params = params
        self.onvif = onvif
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.host = str(params['hostname']).strip().strip('[]')
        self.device = format_target(self.host, params['port'])
        self.admin_username = params.get('admin_username') or self.ADMIN_USERNAME
        common = dict(use_tls=params['use_tls'], validate_certs=params['validate_certs'], timeout=params['timeout'],
                      user_agent='dukcapil.cctv first boot')
        self.anon = http_class(self.host, params['port'], **common)
        self.admin = http_class(self.host, params['port'], username=self.admin_username,
                                password=params.get('admin_password') or params['password'], **common)
        self.done = []
        self.warnings = []

    def error(self, cls, step, cause, response=None, device_status=None):
        return cls(cause, vendor=self.VENDOR, step=step, device=self.device,
                   http_status=response.status if response is not None else None,
                   device_status=device_status if device_status is not None else self.device_status(response))

    def device_status(self, response):
        """The device's own status string in an answer (vendor-specific); None when there is none."""
        return None

    def request(self, step, method, path, body=b'', auth=False, content_type=None, operation=None):
        """One request on the anonymous or the administrator's client; HttpError becomes VendorConnectionError."""
        headers = {'Content-Type': content_type} if content_type else None
        if isinstance(body, str):
            body = body.encode('utf-8')
        client = self.admin if auth else self.anon
        try:
            return client.request(method, path, body, headers=headers, auth=auth,
                                  operation=operation or '%s %s' % (method, path.split('?', 1)[0]))
        except HttpError as exc:
            raise self.error(VendorConnectionError, step, str(exc)) from None

    def wait(self, step, seconds, probe):
        """Call ``probe()`` every 2 s until it returns a true value or ``seconds`` passed; its last value."""
        end = self.clock() + seconds
        while True:
            value = probe()
            if value or self.clock() >= end:
                return value
            self.sleep(2)
