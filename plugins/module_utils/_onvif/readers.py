# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read helpers shared by the ONVIF modules, and the normalisers behind them.

Each ``get_*`` function takes an :class:`OnvifClient` and returns plain data (dict, list, str,
int, bool, None) with the keys documented in the package docstring. Optional parts that a
camera does not implement come back as None with a warning in ``client.warnings``; the core
reads (device information, interfaces, profiles, users) raise :class:`OnvifError`.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifFaultError, OnvifResponseError, local_name, parse_xml,
)

from urllib.parse import urlsplit, urlunsplit


# ------------------------------------------------------------------------------ normalisers --
def text(value):
    """A reply value as a stripped string ('' for missing)."""
    if value is None:
        return ''
    return str(value).strip()


def as_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    return str(value).strip().lower() in ('true', '1', 'on', 'yes')


def as_int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def normalise_mac(value):
    """'00047D0EB85C', '00-04-7D-0E-B8-5C', '0004.7d0e.b85c' -> '00:04:7d:0e:b8:5c'.

    A value that is not 12 hex digits is returned stripped and lower-cased (None if empty).
    """
    raw = text(value)
    if not raw:
        return None
    digits = re.sub(r'[^0-9A-Fa-f]', '', raw)
    if len(digits) == 12 and re.fullmatch(r'[0-9A-Fa-f]{12}|([0-9A-Fa-f]{1,2}[:\-. ]){5}[0-9A-Fa-f]{1,2}|'
                                          r'([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}', raw):
        digits = digits.lower()
        return ':'.join(digits[i:i + 2] for i in range(0, 12, 2))
    parts = re.split(r'[:\-]', raw)
    if len(parts) == 6 and all(re.fullmatch(r'[0-9A-Fa-f]{1,2}', p) for p in parts):
        return ':'.join(p.lower().zfill(2) for p in parts)
    return raw.lower()


def strip_uri_credentials(uri):
    """Remove credentials from a stream or snapshot URI; None stays None.

    Drops ``user:pass@`` from the authority, drops query parameters that carry credentials
    (user=, password=, pwd=, loginuse=, ...) and blanks credential values written into the path
    (``/user=admin_password=x_channel=1`` -> ``/user=_password=_channel=1``).
    """
    if uri is None:
        return None
    uri = str(uri).strip()
    if not uri:
        return uri
    try:
        parts = urlsplit(uri)
    except ValueError:
        return re.sub(quirks.PATH_CREDENTIAL_PATTERN, r'\1=', re.sub(r'//[^/@]*@', '//', uri))
    netloc = parts.netloc.rsplit('@', 1)[-1]
    query = '&'.join(p for p in parts.query.split('&')
                     if p and p.split('=', 1)[0].strip().lower() not in quirks.CREDENTIAL_QUERY_KEYS)
    path = re.sub(quirks.PATH_CREDENTIAL_PATTERN, r'\1=', parts.path)
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))


def _address(value):
    """An address value, or None when it is a 'not set' placeholder (0.0.0.0, ::, empty)."""
    value = text(value)
    return None if value in quirks.UNSET_ADDRESSES else value


def network_host(host):
    """tt:NetworkHost / tt:IPAddress dict -> the address or name it holds, or None.

    Uses whichever of IPv4Address, IPv6Address, DNSname is filled in (some firmwares say
    Type=IPv4 and fill DNSname, dvc-dcn-bm2220lpr GetNTP).
    """
    if not isinstance(host, dict):
        return _address(host)
    kind = text(host.get('Type'))
    preferred = {'IPv4': 'IPv4Address', 'IPv6': 'IPv6Address', 'DNS': 'DNSname'}.get(kind)
    for key in ([preferred] if preferred else []) + ['IPv4Address', 'IPv6Address', 'DNSname']:
        value = _address(host.get(key))
        if value:
            return value
    return None


def _hosts(values):
    result = []
    for host in as_list(values):
        value = network_host(host)
        if value and value not in result:
            result.append(value)
    return result


def _prefixed(entry):
    if not isinstance(entry, dict):
        return None
    address = _address(entry.get('Address'))
    if not address:
        return None
    return {'address': address, 'prefix_length': as_int(entry.get('PrefixLength'))}


def _prefixed_list(values):
    return [p for p in (_prefixed(v) for v in as_list(values)) if p]


def _cidr(entry):
    return '%s/%s' % (entry['address'], entry['prefix_length']) if entry['prefix_length'] is not None else entry['address']


def normalise_interface(raw):
    """tt:NetworkInterface dict -> interface dict (see the package docstring)."""
    info = raw.get('Info') or {}
    ipv4 = raw.get('IPv4') or {}
    ipv4_config = ipv4.get('Config') or {}
    result = {
        'token': text(raw.get('token')),
        'name': text(info.get('Name')) or text(raw.get('token')),
        'enabled': as_bool(raw.get('Enabled')),
        'mac': normalise_mac(info.get('HwAddress')),
        'mtu': as_int(info.get('MTU')),
        'ipv4': {
            'enabled': as_bool(ipv4.get('Enabled')) if ipv4 else False,
            'dhcp': bool(as_bool(ipv4_config.get('DHCP'))),
            'manual': _prefixed_list(ipv4_config.get('Manual')),
            'from_dhcp': _prefixed(ipv4_config.get('FromDHCP')),
            'link_local': _prefixed(ipv4_config.get('LinkLocal')),
        },
        'ipv6': None,
    }
    ipv6 = raw.get('IPv6')
    if ipv6:
        config = ipv6.get('Config') or {}
        result['ipv6'] = {
            'enabled': as_bool(ipv6.get('Enabled')),
            'dhcp': text(config.get('DHCP')) or None,
            'accept_router_advert': as_bool(config.get('AcceptRouterAdvert')),
            'manual': _prefixed_list(config.get('Manual')),
            'link_local': _prefixed_list(config.get('LinkLocal')),
            'from_dhcp': _prefixed_list(config.get('FromDHCP')),
            'from_ra': _prefixed_list(config.get('FromRA')),
        }
    return result


def interface_addresses(interface):
    """The IPv4 addresses an interface uses ('a.b.c.d/len'): from DHCP when DHCP is on, else manual."""
    if not interface.get('enabled') or not interface['ipv4']['enabled']:
        return []
    ipv4 = interface['ipv4']
    if ipv4['dhcp'] and ipv4['from_dhcp']:
        return [_cidr(ipv4['from_dhcp'])]
    return [_cidr(m) for m in ipv4['manual']]


def primary_interface(interfaces, hostname=None):
    """The interface the controller talks to: the one holding ``hostname``, else the first enabled."""
    for interface in interfaces:
        ipv4 = interface['ipv4']
        known = [m['address'] for m in ipv4['manual']]
        if ipv4['from_dhcp']:
            known.append(ipv4['from_dhcp']['address'])
        if hostname and hostname in known:
            return interface
    for interface in interfaces:
        if interface.get('enabled') and interface['ipv4']['enabled']:
            return interface
    return interfaces[0] if interfaces else None


# ---------------------------------------------------------------------------- read helpers --
HOST_PATTERN = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$')


def connection_problem(params):
    """The message for the first bad connection option (hostname, port, timeout), or None.

    Checked before anything is contacted, so that a typo is named as the option it is, not as
    a URL or another option the value ends up in.
    """
    hostname = params.get('hostname')
    if hostname is None or not str(hostname).strip():
        return "hostname: %r is empty; give the camera's IP address or host name" % (hostname if hostname is not None else '')
    value = str(hostname).strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if not HOST_PATTERN.match(value) or value.replace('.', '').isdigit():
            return ("hostname: %r is not a host name or IP address (give the address only, without scheme, port or path)"
                    % hostname)
    port = params.get('port')
    if port is not None and not 1 <= port <= 65535:
        return 'port: %r is not a TCP port (1 to 65535)' % port
    timeout = params.get('timeout')
    if timeout is not None and timeout < 1:
        return 'timeout: %r must be at least 1 (seconds)' % timeout
    return None


def unavailable_reason(exc, operation):
    """Why an optional read gave nothing: not implemented (ActionNotSupported and kin only), or failed."""
    if isinstance(exc, OnvifFaultError) and exc.not_supported:
        return 'the camera does not implement %s' % operation
    return '%s failed: %s' % (operation, exc.cause)


def _optional(client, what, func, operation=None, why=None):
    """Run an optional read; a fault, an odd reply or an empty one becomes None plus a warning.

    ``func`` returns None for an empty response element (unknown, never an empty setting).
    ``why`` (a dict) gets ``{operation: reason}`` for each part that could not be read.
    """
    try:
        value = func()
    except (OnvifFaultError, OnvifResponseError) as exc:
        reason = unavailable_reason(exc, operation) if operation else exc.cause
    else:
        if value is not None:
            return value
        reason = '%s answered an empty reply, so it is unknown' % operation
    client.warn('%s: %s not available (%s)' % (client.device, what, reason))
    if why is not None and operation:
        why[operation] = reason
    return None


def _empty(raw, required=None):
    """Whether a Get reply is an empty response element: nothing, no keys, or without its required field."""
    if raw is None or (isinstance(raw, (dict, list, tuple)) and not raw):
        return True
    return isinstance(raw, dict) and required is not None and raw.get(required) is None


def get_identity(client):
    """GetDeviceInformation -> {manufacturer, model, firmware_version, serial_number, hardware_id}."""
    info = client.call('device', 'GetDeviceInformation') or {}
    return {
        'manufacturer': text(info.get('Manufacturer')),
        'model': text(info.get('Model')),
        'firmware_version': text(info.get('FirmwareVersion')),
        'serial_number': text(info.get('SerialNumber')),
        'hardware_id': text(info.get('HardwareId')),
    }


def get_network_interfaces(client):
    """GetNetworkInterfaces -> [interface dict, ...]."""
    return [normalise_interface(i) for i in as_list(client.call('device', 'GetNetworkInterfaces')) if isinstance(i, dict)]


def get_default_gateway(client):
    """GetNetworkDefaultGateway -> {ipv4: [...], ipv6: [...]} (placeholders such as '::' dropped); None for an empty reply."""
    raw = client.call('device', 'GetNetworkDefaultGateway')
    if _empty(raw):
        return None
    return {
        'ipv4': [a for a in (_address(v) for v in as_list(raw.get('IPv4Address'))) if a],
        'ipv6': [a for a in (_address(v) for v in as_list(raw.get('IPv6Address'))) if a],
    }


def get_dns(client):
    """GetDNS -> {from_dhcp, servers (in use), manual, from_dhcp_servers, search_domains}; None for an empty reply."""
    raw = client.call('device', 'GetDNS')
    if _empty(raw, 'FromDHCP'):
        return None
    from_dhcp = bool(as_bool(raw.get('FromDHCP')))
    manual = _hosts(raw.get('DNSManual'))
    dhcp = _hosts(raw.get('DNSFromDHCP'))
    return {
        'from_dhcp': from_dhcp,
        'servers': dhcp if from_dhcp else manual,
        'manual': manual,
        'from_dhcp_servers': dhcp,
        'search_domains': [d for d in (text(v) for v in as_list(raw.get('SearchDomain'))) if d],
    }


def get_ntp(client):
    """GetNTP -> {from_dhcp, servers (in use), manual, from_dhcp_servers}; None for an empty reply."""
    raw = client.call('device', 'GetNTP')
    if _empty(raw, 'FromDHCP'):
        return None
    from_dhcp = bool(as_bool(raw.get('FromDHCP')))
    manual = _hosts(raw.get('NTPManual'))
    dhcp = _hosts(raw.get('NTPFromDHCP'))
    return {'from_dhcp': from_dhcp, 'servers': dhcp if from_dhcp else manual, 'manual': manual, 'from_dhcp_servers': dhcp}


def get_hostname(client):
    """GetHostname -> {name, from_dhcp} ('' when the camera has no name); None for an empty reply."""
    raw = client.call('device', 'GetHostname')
    if _empty(raw, 'FromDHCP'):
        return None
    return {'name': text(raw.get('Name')), 'from_dhcp': bool(as_bool(raw.get('FromDHCP')))}


def get_network_protocols(client):
    """GetNetworkProtocols -> [{name, enabled, ports: [int]}]; None for an empty reply."""
    result = []
    for proto in as_list(client.call('device', 'GetNetworkProtocols')):
        if isinstance(proto, dict):
            result.append({'name': text(proto.get('Name')), 'enabled': bool(as_bool(proto.get('Enabled'))),
                           'ports': [p for p in (as_int(v) for v in as_list(proto.get('Port'))) if p is not None]})
    return result or None


def get_network(client, why=None, interfaces_optional=False):
    """All network settings: {interfaces, dhcp, addresses, gateway, dns, ntp, hostname, protocols}.

    Every optional part the camera does not implement, refuses or answers empty is None with a
    warning; ``why`` (a dict) gets the reason per operation. The interfaces are a core read
    (its errors are raised) unless ``interfaces_optional``: then they are None like the others,
    and so are dhcp and addresses. Authentication and connection errors are always raised.
    """
    if interfaces_optional:
        interfaces = _optional(client, 'network interfaces', lambda: get_network_interfaces(client), 'GetNetworkInterfaces', why)
    else:
        interfaces = get_network_interfaces(client)
    primary = primary_interface(interfaces or [], client.hostname)
    addresses = None
    if interfaces is not None:
        addresses = []
        for interface in interfaces:
            addresses.extend(a for a in interface_addresses(interface) if a not in addresses)
    return {
        'interfaces': interfaces,
        'dhcp': primary['ipv4']['dhcp'] if primary else None,
        'addresses': addresses,
        'gateway': _optional(client, 'default gateway', lambda: get_default_gateway(client), 'GetNetworkDefaultGateway', why),
        'dns': _optional(client, 'DNS settings', lambda: get_dns(client), 'GetDNS', why),
        'ntp': _optional(client, 'NTP settings', lambda: get_ntp(client), 'GetNTP', why),
        'hostname': _optional(client, 'host name', lambda: get_hostname(client), 'GetHostname', why),
        'protocols': _optional(client, 'network protocols', lambda: get_network_protocols(client), 'GetNetworkProtocols', why),
    }


def get_clock(client):
    """The camera clock: {utc_time, local_time, offset_seconds, date_time_type, daylight_savings, timezone, utc_source}."""
    clock = client.get_system_date_and_time()
    return {
        'utc_time': clock['utc_time'].strftime('%Y-%m-%dT%H:%M:%SZ') if clock['utc_time'] else None,
        'local_time': clock['local_time'].strftime('%Y-%m-%dT%H:%M:%S') if clock['local_time'] else None,
        'offset_seconds': clock['offset_seconds'],
        'date_time_type': text(clock['date_time_type']) or None,
        'daylight_savings': clock['daylight_savings'],
        'timezone': clock['timezone'] or None,
        'utc_source': clock['utc_source'],
    }


def get_users(client):
    """GetUsers -> [{name, level}]. Passwords are never read into the result."""
    users = []
    for user in as_list(client.call('device', 'GetUsers')):
        if isinstance(user, dict):
            users.append({'name': text(user.get('Username')), 'level': text(user.get('UserLevel'))})
    return users


def get_services(client):
    """{namespace: path} of the camera's services, as the client uses them."""
    return client.discover()


def _video(profile):
    encoder = profile.get('VideoEncoderConfiguration') or {}
    resolution = encoder.get('Resolution') or {}
    width, height = as_int(resolution.get('Width')), as_int(resolution.get('Height'))
    return (text(encoder.get('Encoding')) or None,
            {'width': width, 'height': height} if width is not None and height is not None else None)


def _media2_uri(client, operation, token, protocol=None):
    params = ([('Protocol', protocol)] if protocol else []) + [('ProfileToken', token)]
    reply = client.call_raw('media2', operation, params)
    for element in reply.iter():
        if isinstance(element.tag, str) and local_name(element.tag) == 'Uri':
            return text(element.text)
    raise OnvifResponseError('the Media2 %s reply has no Uri' % operation, device=client.device, operation=operation)


def _uri(client, operation, token, media1_args, protocol=None):
    """A profile's URI from Media; from Media2 when the camera only has that, or Media refuses."""
    media2 = quirks.MEDIA2_URI_FALLBACK and client.has_service('media2')
    if client.has_service('media') or not media2:
        try:
            raw = client.call('media', operation, ProfileToken=token, **media1_args) or {}
            return strip_uri_credentials(text(raw.get('Uri')) or None)
        except OnvifFaultError:
            if not media2:
                raise
    return strip_uri_credentials(_media2_uri(client, operation, token, protocol) or None)


def get_stream_uri(client, token):
    """RTSP (RTP-Unicast) URI of a profile, credentials stripped; Media2 when Media1 refuses."""
    return _uri(client, 'GetStreamUri', token, {'StreamSetup': {'Stream': 'RTP-Unicast', 'Transport': {'Protocol': 'RTSP'}}},
                protocol='RTSP')


def get_snapshot_uri(client, token):
    """Snapshot (HTTP JPEG) URI of a profile, credentials stripped; Media2 when Media1 refuses."""
    return _uri(client, 'GetSnapshotUri', token, {})


def _media2_profiles(client):
    reply = client.call_raw('media2', 'GetProfiles', [('Type', 'All')])
    profiles = []
    for element in reply:
        if not isinstance(element.tag, str) or local_name(element.tag) != 'Profiles':
            continue
        names = [text(e.text) for e in element if isinstance(e.tag, str) and local_name(e.tag) == 'Name']
        encoder = [e for e in element.iter() if isinstance(e.tag, str) and local_name(e.tag) == 'VideoEncoder']
        width = height = encoding = None
        if encoder:
            values = dict((local_name(e.tag), text(e.text)) for e in encoder[0].iter() if isinstance(e.tag, str))
            encoding, width, height = values.get('Encoding') or None, as_int(values.get('Width')), as_int(values.get('Height'))
        profiles.append({'token': text(element.get('token')), 'name': names[0] if names else '',
                         'fixed': as_bool(element.get('fixed')), 'encoding': encoding,
                         'resolution': {'width': width, 'height': height} if width is not None and height is not None else None})
    return profiles


def get_profiles(client, uris=True):
    """Media profiles: [{token, name, fixed, encoding, resolution, stream_uri, snapshot_uri}].

    Media (ver10) GetProfiles; Media2 when the camera has no Media service. With ``uris``,
    each profile's RTSP and snapshot URIs are read (two calls per profile); a profile whose
    URI the camera refuses gets None and a warning.
    """
    if not client.has_service('media') and client.has_service('media2'):
        profiles = _media2_profiles(client)
    else:
        profiles = []
        for raw in as_list(client.call('media', 'GetProfiles')):
            if not isinstance(raw, dict):
                continue
            encoding, resolution = _video(raw)
            profiles.append({'token': text(raw.get('token')), 'name': text(raw.get('Name')),
                             'fixed': as_bool(raw.get('fixed')), 'encoding': encoding, 'resolution': resolution})
    for profile in profiles:
        profile['stream_uri'] = profile['snapshot_uri'] = None
        if not uris:
            continue
        profile['stream_uri'] = _optional(client, 'stream URI of profile %s' % profile['token'],
                                          lambda: get_stream_uri(client, profile['token']))
        profile['snapshot_uri'] = _optional(client, 'snapshot URI of profile %s' % profile['token'],
                                            lambda: get_snapshot_uri(client, profile['token']))
    return profiles


# ------------------------------------------------------------------------------ discovery --
def parse_probe_matches(content):
    """WS-Discovery ProbeMatches (bytes) -> [{endpoint, types, scopes, xaddrs, metadata_version}].

    For onvif_discovery: whitespace-separated lists are split (a trailing space is common),
    XAddrs are reported as the camera wrote them (never contacted here).
    """
    root = parse_xml(content)
    if root is None:
        raise OnvifResponseError('the WS-Discovery reply is not XML')
    matches = []
    for match in root.iter():
        if not isinstance(match.tag, str) or local_name(match.tag) != 'ProbeMatch':
            continue
        fields = {}
        for element in match.iter():
            if isinstance(element.tag, str):
                fields.setdefault(local_name(element.tag), text(element.text))
        matches.append({
            'endpoint': fields.get('Address', ''),
            'types': fields.get('Types', '').split(),
            'scopes': fields.get('Scopes', '').split(),
            'xaddrs': fields.get('XAddrs', '').split(),
            'metadata_version': as_int(fields.get('MetadataVersion')),
        })
    return matches


# --------------------------------------------------------------------------- all at once --
INFO_SUBSETS = ('identity', 'network', 'clock', 'users', 'profiles')


def get_info(client, subsets=INFO_SUBSETS):
    """What onvif_camera_info returns, for the given subsets (each costs calls).

    Always: ``services`` ({namespace: path}). identity: ``identity`` (1 call). network:
    ``network`` and ``mac`` of the primary interface (6 calls). clock: ``clock`` (the clock read
    that WS-Security needs anyway). users: ``users`` (1 call). profiles: ``profiles`` (1 + 2 per
    profile). The clock is read first so that every signed call uses the camera's time.

    A subset the camera refuses or does not implement is None with a warning; the others are
    still read. Only when no asked subset could be read at all is the first error raised.
    Connection and timeout errors are raised at once (the camera is gone), and so are refused
    credentials unless another signed read already proved them (an account that may not list
    the users).
    """
    subsets = [s for s in INFO_SUBSETS if s in subsets]
    why = {}
    readers = {
        'clock': lambda: get_clock(client),
        'identity': lambda: get_identity(client),
        'network': lambda: _network_or_none(client, why),
        'users': lambda: get_users(client),
        'profiles': lambda: get_profiles(client),
    }
    result, errors = {}, []
    for subset in sorted(subsets, key=lambda s: s != 'clock'):  # the clock first: signed calls use it
        if subset != 'clock' and 'services' not in result:
            result['services'] = get_services(client)
        try:
            result[subset] = readers[subset]()
        except (OnvifFaultError, OnvifResponseError, OnvifAuthError) as exc:
            # A refusal is tolerated only once the credentials are proven by another signed read (then it
            # means an access level below Administrator); else it is a wrong password and fails the task.
            proven = any(result.get(s) is not None for s in ('identity', 'network', 'profiles'))
            if isinstance(exc, OnvifAuthError) and not proven:
                raise
            errors.append(exc)
            result[subset] = None
            client.warn('%s: %s not read (%s)' % (client.device, subset, unavailable_reason(exc, exc.operation or subset)))
    if 'services' not in result:
        result['services'] = get_services(client)
    if 'network' in subsets:
        primary = primary_interface((result['network'] or {}).get('interfaces') or [], client.hostname)
        result['mac'] = primary['mac'] if primary else None
    if subsets and errors and all(result[s] is None for s in subsets):
        raise errors[0]
    return result


def _network_or_none(client, why):
    """get_network(); an error when not one part of it could be read."""
    network = get_network(client, why, interfaces_optional=True)
    if all(network[k] is None for k in ('interfaces', 'gateway', 'dns', 'ntp', 'hostname', 'protocols')):
        raise OnvifResponseError('no network setting could be read (%s)' % '; '.join(why.values()),
                                 device=client.device, operation='GetNetworkInterfaces')
    return network
