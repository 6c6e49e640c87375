# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What real cameras do differently from the ONVIF specification, kept as data.

The ONVIF client in ``_onvif`` reads these tables; nothing vendor-specific lives in the
modules. Each entry names the captures in ``shared/onvif-captures`` that showed it, so a
reader can check why it is here (see that folder's INDEX.md).
"""

from __future__ import annotations

# Values that mean "not set" where an address is expected. Uniview-family firmware reports an
# NTP server 0.0.0.0 (sunba-performance-series, unknown-gx728mf-ir28 GetNTP); Hikvision reports
# an IPv6 gateway "::" when there is none (hikvision-ds-2cd2012-i GetNetworkDefaultGateway).
UNSET_ADDRESSES = frozenset(['', '0.0.0.0', '::', '0:0:0:0:0:0:0:0'])

# Operations a camera answers without checking credentials (ONVIF Core "PRE_AUTH" access
# class, which is what the simulator and most firmwares apply). A successful answer to one of
# them says nothing about the credentials, so auth_mode=auto does not remember a method from it.
PRE_AUTH_OPERATIONS = frozenset([
    'GetSystemDateAndTime', 'GetServices', 'GetCapabilities', 'GetServiceCapabilities', 'GetWsdlUrl',
    'GetEndpointReference',
])

# Fault subcodes (local names, prefix dropped) that mean "the credentials were refused".
# ter:NotAuthorized is the ONVIF one (trendnet-tv-ip320pi GetDeviceInformation,
# axis-q6045-e GetDot11Capabilities); the wsse: ones come from WS-Security stacks.
AUTH_FAULT_SUBCODES = frozenset([
    'NotAuthorized', 'FailedAuthentication', 'InvalidSecurity', 'InvalidSecurityToken',
    'FailedCheck', 'SecurityTokenUnavailable', 'MessageExpired',
])

# Faults without a usable subcode that still mean "credentials refused" (matched on the
# reason text, case-insensitive). gSOAP answers a refused GetSystemDateAndTime with Sender, no
# subcode and "HTTP Error: 401 Unauthorized" (dvc-dcn-bm2220lpr).
AUTH_FAULT_REASON_PATTERNS = (
    r'\bnot\s+authori[sz]ed\b',
    r'\bunauthori[sz]ed\b',
    r'\bauthentication\s+(?:failed|error|required)\b',
)

# Fault subcodes that mean "this device does not implement that operation or service".
NOT_SUPPORTED_FAULT_SUBCODES = frozenset(['ActionNotSupported', 'NoSuchService', 'ServiceNotSupported'])

# The same, said in the reason text only. gSOAP servers answer an unknown operation with Sender,
# no subcode and "Method 'tds:GetGeoLocation' not implemented" (pelco-d6230l,
# dvc-dcn-bm2220lpr UnknownAction, unknown-ipd-h4k8m05-bs GetStorageConfigurations).
NOT_SUPPORTED_REASON_PATTERNS = (
    r"method\s+'[^']*'\s+not\s+implemented",
    r'\bnot\s+implemented\b',
    r'\bnot\s+supported?\b',
    r'\bunsupported\b',
)

# Query parameters that carry credentials in stream and snapshot URIs (compared lower-case).
# A Sunba camera returned "...&user=admin&password=<secret>" in GetSnapshotUri (left out of the
# captures for that reason); Dahua/XM firmwares use loginuse/loginpas.
CREDENTIAL_QUERY_KEYS = frozenset([
    'user', 'username', 'usr', 'login', 'loginuse', 'account',
    'password', 'passwd', 'pass', 'pwd', 'psw', 'loginpas', 'pw',
])

# Credentials written into the URI path instead of the query. XiongMai firmware answers
# Media2 GetStreamUri with ".../user=admin_password=_channel=1_stream=0&protocol=..."
# (sunba-xm530-50x50-wg-8m Media2-GetStreamUri). The value runs to the next "_", "&", ";",
# "/", "?" or "#"; it is blanked, the key kept, so the URI keeps its shape.
PATH_CREDENTIAL_PATTERN = r'(?i)(?<![a-z0-9])(user|username|password|passwd|pwd)=([^_&;/?#]*)'

# Not data, handled in code (listed so the quirks are in one place):
# * Elements the schema requires are sometimes missing: Axis answers GetNTP with FromDHCP=true and
#   no NTPFromDHCP (axis-q6045-e), Pelco GetUsers with no User (pelco-d6230l), Bosch and Pelco
#   GetSystemDateAndTime without LocalDateTime. The SOAP layer does not enforce minOccurs; readers treat a
#   missing list as empty and a missing value as None/''.
# * GetServices refused on working devices: Axis Q6045-E (Receiver/ter:Action "Action failed"),
#   Hikvision 2014 firmware (ter:InvalidArgVal/ter:InvalidParameter). Any fault but an
#   authentication one makes the client fall back to GetCapabilities.
# * Services sharing one XAddr (Axis Events/Media/PTZ at /onvif/services, D-Link everything at
#   /onvif/device_service): each service is called at that same URL.
# * HwAddress without separators ("00047D0EB85C", pelco-d6230l): normalise_mac().
# * Unauthenticated GetSystemDateAndTime refused with HTTP 401 (dvc-dcn-bm2220lpr SOAP fault,
#   ezviz HTML page): the clock is read again with credentials.

# GetStreamUri on Media (ver10) is refused by some firmwares that answer it on Media2
# (sunba-performance-series: upstream notes Media1 GetStreamUri unsupported, Media2 works).
# When Media1 faults and the device lists a Media2 service, the client asks Media2.
MEDIA2_URI_FALLBACK = True

# Time zone strings seen in GetSystemDateAndTime that are not plain POSIX TZ. The client only
# needs the standard offset (to turn a LocalDateTime into UTC when UTCDateTime is missing).
# Examples: "CST-08:00" (UTC+8), "UTC5:0", "EST-1:00:00" (label EST but UTC+1),
# "CST7:00:00DST01:00:00,M3.2.0/02:00:00,..." (Hikvision), ":America/Edmonton" (Pelco Region).
POSIX_TZ_STD_PATTERN = r'^\s*(?:<[^>]*>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?'

# ------------------------------------------------------------------ accounts and discovery --
# Factory credentials by vendor, for onvif_camera_user (its ``vendor`` option, and ``auto``,
# which matches the manufacturer a camera reports in GetDeviceInformation against
# ``manufacturers``, case-insensitive regular expressions). Values as the vendors' installation
# guides give them for firmwares that ship with a password; newer firmwares of several of
# these vendors ship with no user at all and must be activated instead (the module detects a
# camera without users from its answers, see NOT_ACTIVATED_PATTERNS). The
# simulator's personalities use the same facts (axis root/pass, hikvision activation or
# admin/12345 on old firmware, generic admin/admin).
FACTORY_CREDENTIALS = {
    'axis': {'manufacturers': (r'^\s*axis\b',), 'username': 'root', 'password': 'pass'},
    'dahua': {'manufacturers': (r'\bdahua\b',), 'username': 'admin', 'password': 'admin'},
    'generic': {'manufacturers': (), 'username': 'admin', 'password': 'admin'},
    'hikvision': {'manufacturers': (r'\bhikvision\b',), 'username': 'admin', 'password': '12345'},
    'uniview': {'manufacturers': (r'\buniview\b', r'^\s*unv\b'), 'username': 'admin', 'password': '123456'},
}

# Passwords that cameras ship with, beyond FACTORY_CREDENTIALS (compared case-insensitively):
# onvif_camera_user refuses to write any of them (its password policy). Dahua's old 888888/666666
# accounts, Samsung/Hanwha's old 4321, Mobotix's meinsm, and the generic ones installers type.
KNOWN_FACTORY_PASSWORDS = frozenset(
    [entry['password'].lower() for entry in FACTORY_CREDENTIALS.values()]
    + ['888888', '666666', '4321', 'meinsm', '1234', '12345678', '123456789', 'password', 'admin123', 'admin1234',
       'root', 'service', 'user'])

# A vendor's own password rules, tighter than the collection's policy where they are (the
# policy takes the stricter of the two). Hikvision firmware refuses passwords outside 8-16
# characters and wants at least two character classes (the simulator's personality models it).
PASSWORD_LIMITS = {
    'hikvision': {'min_length': 8, 'max_length': 16, 'min_classes': 2},
}

# How a camera that was never activated says so when it refuses a request (matched on the
# fault's reason and detail, case-insensitive). The Hikvision family answers NotAuthorized
# with "The device is not activated" in the Detail (modelled by the simulator); a device that
# follows the ONVIF core rule instead answers GetUsers without credentials with an empty list.
NOT_ACTIVATED_PATTERNS = (
    r'\bnot\s+(?:yet\s+)?activated\b',
    r'\bactivat(?:e|ion)\s+(?:is\s+)?required\b',
    r'\binactive\s+device\b',
)

# WS-Discovery scopes (onvif://www.onvif.org/<key>/<value>) onvif_discovery reads. The ONVIF
# core defines name, hardware and location but no maker scope; some firmwares add one under
# these keys. Without one, most firmwares leave the maker's name in the ``name`` scope until
# someone renames the camera (name/DVC in dvc-dcn-bm2220lpr, name/TP-IPC in tplink-tapo-c200),
# so the maker falls back to it. The MAC scope appears on Hikvision-family firmware
# (hikvision-dfi6256te, ezviz-ds-2de2c400ig-w-w ProbeMatches).
MAKER_SCOPE_KEYS = ('mfr', 'manufacturer', 'brand', 'vendor')
MAC_SCOPE_KEYS = ('mac',)

# Factory IPv4 addresses by manufacturer prefix (GetDeviceInformation Manufacturer, compared
# upper-case), from the vendors' manuals. onvif_camera_ip names it in the message for a camera
# that did not come back after an address change: a reset puts the camera there.
FACTORY_ADDRESSES = (
    ('HIKVISION', '192.168.1.64'),
    ('AXIS', '192.168.0.90'),
    ('DAHUA', '192.168.1.108'),
    ('UNIVIEW', '192.168.1.13'),
)
