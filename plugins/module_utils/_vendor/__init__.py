# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Vendor-native first boot: one file per vendor API, all on the one HTTP layer (``_http``).

Layout
    ``base``       errors, :class:`base.VendorApi` (requests through ``_http.HttpClient``: one
                   Digest, one address guard, one deadline per request), the password policies.
    ``crypto``     RSA PKCS#1 v1.5 and AES in pure Python (why: see its docstring).
    ``hikvision``  ISAPI: /SDK/activateStatus, challenge/activate, Integrate, ONVIF users.
    ``axis``       VAPIX: systemready, the first administrator with pwdgrp.cgi.
    ``dahua``      DevInit over /OutsideCmd (initialisation), RPC2 login.
    ``onvif``      The ONVIF side every vendor ends with (the ``_onvif`` client): Profile Q
                   activation, the ONVIF account, and the proof login.
    ``firstboot``  Choosing the vendor (``auto``: from evidence) and running read -> plan ->
                   apply unless check mode -> read back -> prove.
    ``sadp``       Hikvision SADP inquiry (UDP 37020) for cctv_sadp_info.

Every vendor API object has the same four methods: ``read()`` (anonymous state, then the
administrator's view when the device is activated) -> state dict; ``plan(state)`` -> list of
step names; ``apply(steps)``; and the facts in class attributes (``VENDOR``, ``ADMIN_USERNAME``,
``EVIDENCE``: what each behaviour rests on, "seen in a real capture", "documented", "third
party" or "inferred", from the captures' INDEX.md).

Safety: every request goes to the ``hostname``:``port`` the user gave (the HTTP layer refuses
anything else); secrets never reach a message, a result or a diff.
"""
