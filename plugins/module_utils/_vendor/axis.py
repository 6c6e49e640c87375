# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Axis VAPIX first boot: the first administrator (AXIS OS 10 and later have no default password).

The facts this relies on, with the confidence of the vendor captures' INDEX.md, are in
:data:`EVIDENCE`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from ansible_collections.dukcapil.cctv.plugins.module_utils._vendor.base import (
    VendorApi, VendorError, VendorRefused, VendorStateError,
)

EVIDENCE = {
    'POST /axis-cgi/systemready.cgi answers data.needsetup "yes" on a fresh device, without credentials':
        'seen in a real capture (A2, AXIS OS 10.12 and 11.11)',
    'systemready "no" right after boot: wait': 'seen in a real capture (A2, 11.11)',
    'GET /axis-cgi/pwdgrp.cgi?action=add&user=root&grp=root&sgrp=admin:operator:viewer:ptz without credentials '
    'answers "Created account root."': 'seen in a real capture (A3)',
    'anonymous pwdgrp add only while no administrator exists': 'documented (A3)',
    'account creation is asynchronous: poll RootPwdSetValue with Digest': 'third party (A3, Axis device-manager)',
    'VAPIX authenticates with HTTP Digest': 'seen in a real capture (A5, param dump)',
    'ONVIF accounts are made with ONVIF CreateUsers by an existing administrator': 'third party (A4)',
}

SYSTEMREADY = '/axis-cgi/systemready.cgi'
PWDGRP = '/axis-cgi/pwdgrp.cgi'
ROOT_PWD_SET = '/axis-cgi/param.cgi?action=list&group=root.Properties.API.Browser.RootPwdSetValue'
PARAM = '/axis-cgi/param.cgi'


class Axis(VendorApi):
    VENDOR = 'axis'
    ADMIN_USERNAME = 'root'
    EVIDENCE = EVIDENCE
    ONVIF_HINT = ('. Whether AXIS OS keeps ONVIF accounts apart from the VAPIX ones is not established; check the '
                  'ONVIF accounts in the web page')

    def device_status(self, response):
        if response is None or not response.body:
            return None
        try:
            error = json.loads(response.body.decode('utf-8')).get('error')
        except (ValueError, UnicodeError, AttributeError):
            text = response.body.decode('utf-8', 'replace').strip()
            return text[:120] if text and '<' not in text[:1] else None
        return 'error %s: %s' % (error.get('code'), error.get('message')) if isinstance(error, dict) else None

    def systemready(self):
        step = 'system ready (POST %s)' % SYSTEMREADY
        body = json.dumps({'apiVersion': '1', 'method': 'systemready', 'params': {'timeout': 10}})
        response = self.request(step, 'POST', SYSTEMREADY, body, content_type='application/json')
        try:
            data = json.loads(response.body.decode('utf-8'))['data']
            return data['systemready'] == 'yes', data.get('needsetup', 'no') == 'yes', response
        except (ValueError, UnicodeError, KeyError, TypeError):
            raise self.error(VendorStateError, step, 'no systemready answer: not an Axis device, or AXIS OS before 9.50',
                             response) from None

    def read(self):
        answers = []

        def probe():
            answers.append(self.systemready())
            return answers[-1][0]

        ready = self.wait('system ready', self.params['ready_timeout'], probe)
        dummy, needsetup, response = answers[-1]
        if not ready:
            raise self.error(VendorStateError, 'system ready', 'the device still says systemready "no" after %d s'
                             % self.params['ready_timeout'], response)
        state = {'activated': not needsetup, 'onvif_enabled': None, 'onvif_user': None, 'onvif_login': None}
        if needsetup:
            return state
        if not self.root_password_set():
            raise self.error(VendorRefused, 'administrator login (GET %s)' % PARAM,
                             'the device already has an administrator and refuses %r with admin_password: set up by '
                             'someone else (or with another password); it is not set up again' % self.admin_username,
                             self.last_login)
        state['onvif_enabled'] = True
        works = self.onvif.login_works(self.params['username'], self.params['password'], self.VENDOR)
        state['onvif_login'] = works
        state['onvif_user'] = {'name': self.params['username'], 'level': 'Administrator'} if works else None
        return state

    def root_password_set(self):
        step = 'administrator login (GET %s)' % PARAM
        response = self.request(step, 'GET', ROOT_PWD_SET, auth=True)
        self.last_login = response
        if response.status == 401:
            return False
        if response.status != 200:
            raise self.error(VendorError, step, 'the RootPwdSetValue read was refused', response)
        return b'RootPwdSetValue=yes' in response.body

    @staticmethod
    def plan(state):
        if not state['activated']:
            return ['create_admin', 'set_onvif_user']
        return [] if state['onvif_login'] else ['set_onvif_user']

    def check_supported(self, steps):
        return None

    def apply(self, steps):
        if 'create_admin' in steps:
            self.create_admin()
        if 'set_onvif_user' in steps:
            if (self.params['username'], self.params['password']) == (self.admin_username, self.params['admin_password']):
                return  # the VAPIX administrator is the ONVIF account: nothing more to create
            self.onvif.ensure_user(self.admin_username, self.params['admin_password'], self.params['username'],
                                   self.params['password'], self.VENDOR)
            self.done.append('set the ONVIF administrator %s' % self.params['username'])

    def create_admin(self):
        step = 'first administrator (GET %s?action=add)' % PWDGRP
        path = '%s?action=add&user=%s&pwd=%s&grp=root&sgrp=admin:operator:viewer:ptz' % (
            PWDGRP, quote(self.admin_username, safe=''), quote(self.params['admin_password'], safe=''))
        response = self.request(step, 'GET', path, operation='GET %s?action=add' % PWDGRP)
        if response.status != 200 or b'Created account' not in response.body:
            raise self.error(VendorError, step, 'the device did not create the administrator %r' % self.admin_username,
                             response)
        self.done.append('created the administrator %s' % self.admin_username)
        if not self.wait('administrator ready', self.params['ready_timeout'], self.root_password_set):
            raise self.error(VendorError, 'administrator ready (GET %s)' % PARAM,
                             'the new administrator %r does not log in after %d s'
                             % (self.admin_username, self.params['ready_timeout']),
                             self.last_login)
