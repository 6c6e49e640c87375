# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's ONVIF client: the one entry point every ONVIF module imports.

Import from here only (``from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif
import ...``); the submodules ``errors``, ``client`` and ``readers`` are its implementation.
Vendor quirks are data in ``_onvif_quirks``.

Typical module code::

    module = AnsibleModule(argument_spec=onvif_argument_spec(), supports_check_mode=True)
    check_onvif_libs(module)
    try:
        with OnvifClient.from_params(module.params) as client:
            identity = get_identity(client)
    except OnvifError as exc:
        module.fail_json(msg=str(exc))
    for warning in client.warnings:
        module.warn(warning)

Safety rule (absolute)
    The client only ever contacts the ``hostname``/``port`` the user gave. The service
    addresses written in the ONVIF WSDL files (private-range placeholders such as
    192.168.0.51) are never used. Service paths come from the camera's own GetServices (or,
    when refused, GetCapabilities) XAddrs; when an XAddr names another host, port or scheme
    (NAT, misconfiguration, a capture recorded elsewhere), the client keeps the path and uses
    the configured scheme (``use_tls``), host and port, and records a warning. The client and
    the HTTP layer under it (``module_utils/_http``) refuse (``OnvifAddressRefused``) any
    request to another host:port, redirects and auth retries included; no WSDL or XSD is read
    at run time (``soap.py`` explains the schema table that replaces them); proxy settings
    from the environment are ignored so the TCP peer is always the camera itself.

Other rules
    * ``timeout`` bounds each whole request -- connect, send, and the complete reply -- so a
      camera that answers a byte at a time fails at the deadline instead of hanging.
    * Replies are parsed strictly (never repaired): a truncated reply, or a Body holding
      anything but the operation's response element, is an ``OnvifResponseError``.
    * TLS certificates are verified unless ``validate_certs`` is false.
    * The camera clock is read without authentication (GetSystemDateAndTime) before the first
      authenticated call; WS-Security UsernameToken PasswordDigest is signed with the camera's
      time (controller time plus the measured offset), so a camera whose clock is hours off
      still accepts it. A camera that refuses even that read without credentials is asked
      signed, dated by the HTTP ``Date`` header of its refusal; when that fails too, the
      error names the camera clock as the likely cause. ``auth_mode=auto`` tries WS-Security, then once HTTP Digest on a
      NotAuthorized fault or HTTP 401, and keeps what worked (``client.auth_used``).
    * Errors are ``OnvifError`` subclasses whose message names the operation, the device and
      the cause: ``ONVIF GetNetworkInterfaces on 127.0.1.64:8000 failed: SOAP fault
      ter:ActionNotSupported (Optional Action Not Implemented)``. Messages never contain the
      password or a raw reply; URIs are returned with credentials stripped.

Exceptions
    ``OnvifError`` (attributes ``device``, ``operation``, ``cause``; ``str()`` is the message)
      * ``OnvifConnectionError`` refused, unreachable, DNS, TLS; ``OnvifAddressRefused`` (a
        subclass) when the client refused to contact another host:port
      * ``OnvifTimeoutError`` connected but no answer within ``timeout``
      * ``OnvifAuthError`` credentials refused (``fault``, ``http_status``)
      * ``OnvifFaultError`` any other SOAP fault (``fault`` dict, ``code``, ``subcodes``,
        ``subcode``, ``reason``, ``not_supported``, ``http_status``)
      * ``OnvifResponseError`` not SOAP (HTML page, empty, not XML) or an unexpected shape

Data shapes (plain dict/list/str/int/bool/None; keys always present)
    identity   ``{manufacturer, model, firmware_version, serial_number, hardware_id}`` (str)
    interface  ``{token, name, enabled, mac ('00:04:7d:0e:b8:5c' or None), mtu,
               ipv4: {enabled, dhcp, manual: [{address, prefix_length}], from_dhcp: {..}|None,
               link_local: {..}|None},
               ipv6: None | {enabled, dhcp ('Off'/'Auto'/'Stateful'/'Stateless'),
               accept_router_advert, manual: [..], link_local: [..], from_dhcp: [..], from_ra: [..]}}``
    network    ``{interfaces: [interface], dhcp (bool of the primary interface),
               addresses: ['a.b.c.d/len' in use: from DHCP when DHCP is on, else manual],
               gateway: {ipv4: [str], ipv6: [str]}, dns: {from_dhcp, servers, manual,
               from_dhcp_servers, search_domains}, ntp: {from_dhcp, servers, manual,
               from_dhcp_servers}, hostname: {name, from_dhcp},
               protocols: [{name, enabled, ports: [int]}]}``; gateway/dns/ntp/hostname/protocols
               are None (with a warning) when the camera does not implement them, answers empty or refuses. ``servers`` is
               the list in use (from DHCP when from_dhcp, else manual). Placeholders such as
               0.0.0.0 and '::' are dropped.
    clock      ``{utc_time ('2026-01-31T08:00:00Z'), local_time ('2026-01-31T15:00:00' or None),
               offset_seconds (int, camera minus controller), date_time_type ('Manual'/'NTP'),
               daylight_savings, timezone (TZ string as the camera gave it), utc_source
               ('UTCDateTime' or 'LocalDateTime')}``
    users      ``[{name, level}]`` (never a password)
    profiles   ``[{token, name, fixed, encoding ('H264'...), resolution: {width, height}|None,
               stream_uri (RTSP, RTP-Unicast), snapshot_uri}]`` (URIs without credentials;
               None when the camera refuses them)
    services   ``{namespace: path}``, e.g. ``{'http://www.onvif.org/ver10/media/wsdl':
               '/onvif/Media'}``
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (  # noqa: F401 pylint: disable=unused-import
    OnvifAddressRefused, OnvifAuthError, OnvifConnectionError, OnvifError, OnvifFaultError,
    OnvifResponseError, OnvifTimeoutError, format_fault, is_auth_fault, is_not_supported_fault,
    parse_fault,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.client import (  # noqa: F401 pylint: disable=unused-import
    HAS_ONVIF_LIBS, ONVIF_IMPORT_ERROR, NS_DEVICE, NS_MEDIA, NS_MEDIA2, SERVICES, OnvifClient, to_plain,
    find_wsdl_dir, parse_system_date_and_time, tz_std_offset_seconds,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import (  # noqa: F401 pylint: disable=unused-import
    INFO_SUBSETS, get_clock, get_default_gateway, get_dns, get_hostname, get_identity, get_info, get_network,
    get_network_interfaces, get_network_protocols, get_ntp, get_profiles, get_services,
    get_snapshot_uri, get_stream_uri, get_users, interface_addresses, normalise_interface,
    normalise_mac, parse_probe_matches, primary_interface, strip_uri_credentials,
)
import sys

# network (onvif_camera_ip), users (onvif_camera_user, vendor first boot), discovery
# (onvif_discovery) and locate (cctv_camera_locate) are loaded on first use (PEP 562
# ``__getattr__`` below), so the modules that need none of them do not pay their import
# (issue 11). The imports are plain ``import`` statements so that AnsiballZ, which packs the
# module_utils a module imports by name (it reads function bodies too), still ships them with
# every ONVIF module.
_LAZY = {
    'network': ('network', None), 'AddressTakenError': ('network', 'AddressTakenError'),
    'CameraIpJob': ('network', 'CameraIpJob'), 'CameraLostError': ('network', 'CameraLostError'),
    'NetworkChangeError': ('network', 'NetworkChangeError'), 'OtherDeviceError': ('network', 'OtherDeviceError'),
    'Plan': ('network', 'Plan'),
    'users': ('users', None), 'AccountError': ('users', 'AccountError'),
    'discovery': ('discovery', None), 'DiscoveryError': ('discovery', 'DiscoveryError'),
    'locate': ('locate', None), 'LocateError': ('locate', 'LocateError'),
}


def __getattr__(name):
    """The lazily loaded submodules and the names re-exported from them."""
    if name not in _LAZY:
        raise AttributeError('module %r has no attribute %r' % (__name__, name))
    submodule, attribute = _LAZY[name]
    if submodule == 'network':
        import ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.network  # noqa: F401 pylint: disable=unused-import
    elif submodule == 'users':
        import ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.users  # noqa: F401 pylint: disable=unused-import
    elif submodule == 'locate':
        import ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.locate  # noqa: F401 pylint: disable=unused-import
    else:
        import ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.discovery  # noqa: F401 pylint: disable=unused-import
    module = sys.modules[__name__ + '.' + submodule]
    return module if attribute is None else getattr(module, attribute)


def onvif_argument_spec():
    """The camera connection options, as a fresh dict (documented by the dukcapil.cctv.onvif fragment)."""
    return dict(
        hostname=dict(type='str', required=True),
        port=dict(type='int', default=80),
        username=dict(type='str', default='admin'),
        password=dict(type='str', required=True, no_log=True),
        use_tls=dict(type='bool', default=False),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='int', default=10),
        auth_mode=dict(type='str', default='auto', choices=['auto', 'wsse', 'digest']),
    )


def check_onvif_libs(module):
    """fail_json with missing_required_lib when lxml (the one library the ONVIF runtime imports) is missing."""
    if not HAS_ONVIF_LIBS:
        module.fail_json(msg=missing_required_lib('lxml'), exception=ONVIF_IMPORT_ERROR)
