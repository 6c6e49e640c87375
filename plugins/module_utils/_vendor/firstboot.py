# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_camera_activation's logic: choose the vendor, read, plan, apply unless check mode, read back, prove.

:func:`run` returns the module result. The password rules are checked before any request (the
vendor's own when ``vendor`` is given; with ``auto``, the collection's before the anonymous
reads that choose the vendor, and the vendor's before any change). Evidence for ``auto``, in
order: the discovery entry the user passed (a SADP answer, WS-Discovery scopes), the anonymous
vendor status URLs (Hikvision /SDK/activateStatus, Axis systemready, Dahua DevInit.getStatus),
the HTTP ``Server`` header; a device that answers none of them is taken as plain ONVIF.
"""

from __future__ import annotations

import json
import re

from ansible_collections.dukcapil.cctv.plugins.module_utils._http import HttpClient, HttpError, format_target
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import AccountError, users as onvif_users
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor import axis, dahua, hikvision
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    OnvifStillRefused, PolicyError, check_vendor_password, check_vendor_username, local, parse_xml,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.onvif import OnvifAccounts, OnvifProfileQ

VENDORS = {'hikvision': hikvision.Hikvision, 'axis': axis.Axis, 'dahua': dahua.Dahua, 'onvif': OnvifProfileQ}

# Evidence tables for vendor=auto (data, not code). Scopes and makers: onvif_discovery entries;
# Server headers: inferred (no licensed capture of a Hikvision HTTP Server header; INDEX.md H4
# has the RTSP one), Dahua sends none (D2).
SCOPE_PATTERNS = (
    ('hikvision', r'hikvision|hiwatch|/hardware/DS-\d'),
    ('axis', r'\baxis\b'),
    ('dahua', r'dahua|/hardware/(?:IPC|DH)-[A-Z]{2,4}\d'),  # Dahua series (IPC-HDW5831R), not any IPC- model
)
SERVER_PATTERNS = (
    ('hikvision', r'^(?:App-webs|Hikvision-Webs|DNVRS-Webs|DVRDVS-Webs)'),
)


def validate(params, vendor):
    """The option checks that need no device: the collection's password policy, then the vendor's rules."""
    for option, name in (('password', params['username']), ('admin_password', params['admin_username'] or 'admin')):
        value = params.get(option)
        if value is None:
            continue
        try:
            onvif_users.check_password_policy(value, name, option=option)
        except AccountError as exc:
            raise PolicyError(exc.cause) from None
        if vendor != 'auto':
            check_vendor_password(vendor, value, name, option)
    if vendor != 'auto':
        check_vendor_username('onvif' if vendor == 'hikvision' else vendor, params['username'], 'username')
        if params['admin_username'] and vendor != 'onvif':
            check_vendor_username(vendor, params['admin_username'], 'admin_username')


def _from_discovery(entry):
    if not isinstance(entry, dict) or not entry:
        return None, None
    if entry.get('vendor') in VENDORS and entry.get('protocol') == 'sadp':
        return entry['vendor'], 'SADP answer (discovery.vendor=%s)' % entry['vendor']
    texts = [str(s) for s in entry.get('scopes') or []] + [str(entry.get('maker') or '')]
    for vendor, pattern in SCOPE_PATTERNS:
        hit = next((t for t in texts if t and re.search(pattern, t, re.I)), None)
        if hit:
            return vendor, 'WS-Discovery scope or maker %r' % hit
    return None, None


def detect(params, http_class=None):
    """(vendor, [evidence]) for vendor=auto, from anonymous reads only."""
    evidence = []
    vendor, why = _from_discovery(params.get('discovery'))
    if vendor:
        return vendor, [why]
    client = (http_class or HttpClient)(params['hostname'], params['port'], use_tls=params['use_tls'],
                                        validate_certs=params['validate_certs'], timeout=params['timeout'],
                                        user_agent='dukcapil.cctv first boot')
    servers = []
    probes = (
        ('hikvision', 'GET', hikvision.ACTIVATE_STATUS, b'', None,
         lambda r: local(getattr(parse_xml(r.body), 'tag', '')) == 'ActivateStatus',
         'GET /SDK/activateStatus answered <ActivateStatus>'),
        ('axis', 'POST', axis.SYSTEMREADY, json.dumps({'apiVersion': '1', 'method': 'systemready'}).encode(),
         'application/json', lambda r: _json(r).get('method') == 'systemready',
         'POST /axis-cgi/systemready.cgi answered a systemready result'),
        ('dahua', 'POST', dahua.OUTSIDE, json.dumps({'method': 'DevInit.getStatus', 'params': None, 'id': 1}).encode(),
         'application/json', lambda r: isinstance((_json(r).get('params') or {}).get('Init'), int),
         'POST /OutsideCmd DevInit.getStatus answered params.Init'),
    )
    for vendor, method, path, body, ctype, test, why in probes:
        try:
            response = client.request(method, path, body, headers={'Content-Type': ctype} if ctype else None,
                                      auth=False)
        except HttpError as exc:
            evidence.append('%s %s: %s' % (method, path, exc.cause))
            continue
        server = response.headers.get('Server') or ''
        if server:
            servers.append(server)
        if response.status == 200 and test(response):
            return vendor, evidence + [why]
        evidence.append('%s %s: HTTP %s, not %s' % (method, path, response.status, vendor))
    for vendor, pattern in SERVER_PATTERNS:
        hit = next((s for s in servers if re.search(pattern, s)), None)
        if hit:
            return vendor, evidence + ['HTTP Server header %r' % hit]
    return 'onvif', evidence + ['no vendor API answered on %s: plain ONVIF' % format_target(params['hostname'], params['port'])]


def _json(response):
    try:
        value = json.loads(response.body.decode('utf-8'))
    except (ValueError, UnicodeError):
        return {}
    return value if isinstance(value, dict) else {}


def predict(api, state, steps):
    """The state a real run would reach."""
    if not steps:
        return dict(state)
    level = 'administrator' if api.VENDOR == 'hikvision' else 'Administrator'
    return {'activated': True, 'onvif_enabled': True, 'onvif_user': {'name': api.params['username'], 'level': level},
            'onvif_login': True}


def run(params, check_mode, onvif=None, http_class=None, sleep=None, clock=None, holder=None):
    """The module's work; returns the result dict (raises VendorError). ``holder`` (a list) receives the API object."""
    params = dict(params)
    params['admin_password'] = params.get('admin_password') or params['password']
    validate(params, params['vendor'])
    onvif = onvif or OnvifAccounts(params)
    vendor, evidence = params['vendor'], ['the vendor option']
    if vendor == 'auto':
        vendor, evidence = detect(params, http_class)
        validate(params, vendor)
    if vendor != 'onvif':
        params['admin_username'] = params['admin_username'] or VENDORS[vendor].ADMIN_USERNAME
    api = VENDORS[vendor](params, onvif, http_class=http_class or HttpClient, sleep=sleep, clock=clock)
    if holder is not None:
        holder.append(api)
    before = api.read()
    steps = api.plan(before)
    api.check_supported(steps)
    if steps and not check_mode:
        api.apply(steps)
        after = api.read()
        left = api.plan(after)
        if left or not after['onvif_login']:
            raise OnvifStillRefused(
                'ONVIF still refuses %r after the vendor steps %s (the read-back still asks for: %s)%s'
                % (params['username'], ', '.join(steps), ', '.join(left) or 'nothing', getattr(api, 'ONVIF_HINT', '')),
                vendor=vendor, step='ONVIF login after first boot', device=api.device)
    else:
        after = predict(api, before, steps)
    return {
        'changed': bool(steps),
        'vendor': vendor,
        'vendor_evidence': evidence,
        'steps': steps,
        'done': list(api.done),
        'activated_before': before['activated'],
        'activated': after['activated'],
        'onvif_enabled': after['onvif_enabled'],
        'onvif_user': after['onvif_user'],
        'onvif_login': bool(after['onvif_login']),
        'diff': {'before': before, 'after': after},
        'warnings': list(api.warnings),
    }
