# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A camera's network settings as desired state, and the safe address change (onvif_camera_ip).

The procedure (:class:`CameraIpJob`):

1. ``Plan(params)`` validates every option before the camera is contacted at all; a
   :class:`PlanError` names the field and the value.
2. Read the camera: clock first (WS-Security is signed with it), identity, network.
3. Compare: each option maps to fields of a flat *view* of the camera (``OPTION_FIELDS``), each
   field to the operation that writes it (``FIELD_OPERATIONS``). Only fields whose value
   differs become changes; check mode stops here (it made read calls only).
4. A new address must be free: anything answering there (``who_answers``) refuses the change
   before any write.
5. Apply in ``APPLY_ORDER``: NTP and the clock first (so signed requests keep working), then DNS,
   host name, gateway, and the IPv4 configuration last. When the camera answers RebootNeeded
   it is rebooted; the job then polls the target address (GetSystemDateAndTime, short
   timeouts) until ``reboot_timeout``, and accepts the camera there only when its serial number
   and MAC match and its interface shows the new configuration.
6. Read back (at the new address when it moved) and report.

Errors: :class:`PlanError` (bad input, nothing contacted), ``OnvifError`` (from the client),
:class:`NetworkChangeError` and subclasses (refused or unverified changes). ``job.applied``
lists what was already written when an error interrupts the job.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import time

from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif_quirks as quirks
from ansible_collections.dukcapil.cctv.plugins.module_utils._netplan import (
    CHECK_METHODS, PlanError, check_ipv4_plan, parse_ipv4, who_answers,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.clock import tz_std_offset_seconds
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import (
    OnvifAuthError, OnvifConnectionError, OnvifError, OnvifFaultError, OnvifTimeoutError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import (
    as_bool, connection_problem, get_clock, get_identity, get_network, interface_addresses, primary_interface,
)

DEFAULT_CHECK_PORTS = (80, 443, 554)  # plus the camera's ONVIF port, first
POLL_INTERVAL = 1.0                   # seconds between two looks at the target address
POLL_TIMEOUT = 3                      # connect/read timeout of one look
CHECK_TIMEOUT = 2.0                   # connect timeout of the address-occupancy check
STILL_WAITING_EVERY = 15.0            # seconds between two "still waiting" progress events

# Option -> the view fields it manages and their wanted values (see current_view() for the
# fields). Options left out (None) manage nothing. address implies a static configuration;
# NTP servers imply that the clock follows NTP.
OPTION_FIELDS = (
    ('address', lambda p: {'dhcp': False, 'address': '%s/%d' % (p.address, p.prefix_length)}),
    ('dhcp', lambda p: {'dhcp': p.dhcp}),
    ('gateway', lambda p: {'gateway': [p.gateway]}),
    ('dns_servers', lambda p: {'dns_from_dhcp': False, 'dns_servers': p.dns_servers}),
    ('ntp_servers', lambda p: dict({'ntp_from_dhcp': False, 'ntp_servers': p.ntp_servers},
                                   **({'date_time_type': 'NTP'} if p.ntp_servers else {}))),
    ('camera_hostname', lambda p: {'hostname': p.camera_hostname}),
    ('timezone', lambda p: {'timezone': p.timezone}),
)

# View field -> the ONVIF operation that writes it.
FIELD_OPERATIONS = {
    'ntp_from_dhcp': 'SetNTP', 'ntp_servers': 'SetNTP',
    'date_time_type': 'SetSystemDateAndTime', 'timezone': 'SetSystemDateAndTime',
    'clock_offset_seconds': 'SetSystemDateAndTime',
    'dns_from_dhcp': 'SetDNS', 'dns_servers': 'SetDNS',
    'hostname': 'SetHostname',
    'gateway': 'SetNetworkDefaultGateway',
    'dhcp': 'SetNetworkInterfaces', 'address': 'SetNetworkInterfaces',
}

# Time first: the clock must be right before anything else is signed, the address last.
APPLY_ORDER = ('SetNTP', 'SetSystemDateAndTime', 'SetDNS', 'SetHostname', 'SetNetworkDefaultGateway',
               'SetNetworkInterfaces')

# The network part of the view a read without the option would leave out (for the messages).
READ_NAMES = {'gateway': 'GetNetworkDefaultGateway', 'dns_from_dhcp': 'GetDNS', 'dns_servers': 'GetDNS',
              'ntp_from_dhcp': 'GetNTP', 'ntp_servers': 'GetNTP', 'hostname': 'GetHostname'}

HOSTNAME_PATTERN = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$')
_TZ_NAME = r'(?:<[A-Za-z0-9+-]{3,}>|[A-Za-z]{3,})'
_TZ_OFFSET = r'[+-]?\d{1,2}(?::\d{1,2}){0,2}'
_TZ_RULE = r'(?:M\d{1,2}\.\d\.\d|J?\d{1,3})(?:/[+-]?\d{1,3}(?::\d{1,2}){0,2})?'
POSIX_TZ_PATTERN = re.compile(r'^%s%s(?:%s(?:%s)?(?:,%s,%s)?)?$' % (_TZ_NAME, _TZ_OFFSET, _TZ_NAME, _TZ_OFFSET, _TZ_RULE, _TZ_RULE))


class NetworkChangeError(Exception):
    """A change that was refused before any write, or one that could not be verified."""


class AddressTakenError(NetworkChangeError):
    """Something already answers at the new address: the camera was not touched."""


class CameraLostError(NetworkChangeError):
    """The camera did not come back at its new address within reboot_timeout."""


class OtherDeviceError(NetworkChangeError):
    """A different device answers at the new address."""


class NotAppliedError(NetworkChangeError):
    """The camera accepted a change (often with an empty reply) but reading it back shows it did not take."""


# ---------------------------------------------------------------------------- the plan --
def _ip(value, field, versions=(4, 6)):
    try:
        parsed = ipaddress.ip_address(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.version not in versions:
        raise PlanError('%s: %r is not an %s address' % (field, value, 'IPv4' if versions == (4,) else 'IP'))
    return str(parsed)


def _host(value, field):
    """An NTP server: an IP address or a DNS name."""
    try:
        return _ip(value, field)
    except PlanError:
        if isinstance(value, str) and HOSTNAME_PATTERN.match(value.strip()) and not value.strip().replace('.', '').isdigit():
            return value.strip().lower()
        raise PlanError('%s: %r is neither an IP address nor a DNS name' % (field, value)) from None


class Plan:
    """The validated options. Raises PlanError naming the field and the value; contacts nothing."""

    def __init__(self, params):
        problem = connection_problem(params)
        if problem:
            raise PlanError(problem)
        self.hostname = params['hostname']
        self.port = params['port']
        self.timeout = params['timeout']
        self.dhcp = params.get('dhcp')
        self.address = self.prefix_length = self.interface = None
        self.gateway = None
        if params.get('address') is not None:
            self.interface = check_ipv4_plan(params['address'], params.get('prefix_length'), params.get('gateway'))
            self.address, self.prefix_length = str(self.interface.ip), self.interface.network.prefixlen
        if params.get('gateway') not in (None, ''):
            self.gateway = str(parse_ipv4(params['gateway'], 'gateway'))
        self.dhcp_expected_address = None
        if params.get('dhcp_expected_address') not in (None, ''):
            if self.dhcp is not True:
                raise PlanError('dhcp_expected_address: %r is only used with dhcp=true' % params['dhcp_expected_address'])
            self.dhcp_expected_address = str(parse_ipv4(params['dhcp_expected_address'], 'dhcp_expected_address'))
        self.dns_servers = self._list(params.get('dns_servers'), 'dns_servers', _ip)
        self.ntp_servers = self._list(params.get('ntp_servers'), 'ntp_servers', _host)
        self.camera_hostname = params.get('camera_hostname')
        if self.camera_hostname is not None and not HOSTNAME_PATTERN.match(self.camera_hostname):
            raise PlanError('camera_hostname: %r is not a valid host name (letters, digits and hyphens, dot-separated labels '
                            'of at most 63 characters)' % self.camera_hostname)
        self.timezone = params.get('timezone')
        if self.timezone is not None:
            self.timezone = self.timezone.strip()
            if not POSIX_TZ_PATTERN.match(self.timezone):
                raise PlanError("timezone: %r is not a POSIX TZ string (such as 'WIB-7' for UTC+7 or "
                                "'CST6CDT,M3.2.0,M11.1.0')" % params['timezone'])
        self.clock_max_offset = params.get('clock_max_offset', 60)
        if self.clock_max_offset < 1:
            raise PlanError('clock_max_offset: %r must be at least 1 (seconds)' % self.clock_max_offset)
        self.reboot_timeout = params.get('reboot_timeout', 180)
        if not 1 <= self.reboot_timeout <= 3600:
            raise PlanError('reboot_timeout: %r is out of range (1 to 3600 seconds)' % self.reboot_timeout)
        ports = params.get('conflict_check_ports')
        ports = [self.port] + list(DEFAULT_CHECK_PORTS) if ports is None else ports
        for index, port in enumerate(ports):
            if not 1 <= port <= 65535:
                raise PlanError('conflict_check_ports[%d]: %r is not a TCP port (1 to 65535)' % (index, port))
        self.check_ports = list(dict.fromkeys(ports))
        methods = params.get('conflict_check_methods')
        methods = list(CHECK_METHODS) if methods is None else methods
        for index, method in enumerate(methods):
            if method not in CHECK_METHODS:
                raise PlanError('conflict_check_methods[%d]: %r is not one of %s' % (index, method, ', '.join(CHECK_METHODS)))
        self.check_methods = list(dict.fromkeys(methods))

    @staticmethod
    def _list(values, field, check):
        if values is None:
            return None
        return [check(value, '%s[%d]' % (field, index)) for index, value in enumerate(values)]


# ------------------------------------------------------------------------- the view --
def current_view(network, clock, hostname):
    """The flat view of what the module manages, from get_network() and get_clock()."""
    primary = primary_interface(network['interfaces'], hostname)
    addresses = interface_addresses(primary) if primary else []
    dns, ntp, name = network['dns'], network['ntp'], network['hostname']
    gateway = network['gateway']
    return {
        'dhcp': primary['ipv4']['dhcp'] if primary else None,
        'address': addresses[0] if addresses else None,
        'gateway': list(gateway['ipv4']) if gateway is not None else None,
        'dns_from_dhcp': dns['from_dhcp'] if dns is not None else None,
        'dns_servers': list(dns['manual']) if dns is not None else None,
        'ntp_from_dhcp': ntp['from_dhcp'] if ntp is not None else None,
        'ntp_servers': list(ntp['manual']) if ntp is not None else None,
        'hostname': name['name'] if name is not None else None,
        'timezone': clock['timezone'],
        'date_time_type': clock['date_time_type'],
        'clock_offset_seconds': clock['offset_seconds'],
    }


def _norm_host(value):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return str(value).lower()


def same_timezone(one, other):
    """Equal TZ strings (case and spaces aside), or two zones without DST rules at the same offset.

    Some firmwares rewrite the name part ('WIB-7' comes back as 'CST-7:00:00'); both mean UTC+7
    all year, so asking again would change nothing.
    """
    if one is None or other is None:
        return one == other
    if ''.join(one.split()).upper() == ''.join(other.split()).upper():
        return True
    plain = re.compile(r'^%s%s$' % (_TZ_NAME, _TZ_OFFSET))
    if plain.match(one.strip()) and plain.match(other.strip()):
        offset = tz_std_offset_seconds(one)
        return offset is not None and offset == tz_std_offset_seconds(other)
    return False


def same_value(field, current, wanted):
    if field == 'address':
        try:
            return current is not None and ipaddress.ip_interface(current) == ipaddress.ip_interface(wanted)
        except ValueError:
            return False
    if field in ('gateway', 'dns_servers', 'ntp_servers'):
        return current is not None and [_norm_host(v) for v in current] == [_norm_host(v) for v in wanted]
    if field == 'hostname':
        return current is not None and current.lower() == wanted.lower()
    if field == 'timezone':
        return same_timezone(current, wanted)
    if field == 'clock_offset_seconds':
        return current is not None and abs(current) <= wanted
    return current == wanted


# ---------------------------------------------------------------------------- writers --
def _network_host(value):
    try:
        version = ipaddress.ip_address(value).version
    except ValueError:
        return {'Type': 'DNS', 'DNSname': value}
    return {'Type': 'IPv%d' % version, 'IPv%dAddress' % version: value}


def set_ntp(client, servers):
    client.call('device', 'SetNTP', FromDHCP=False, NTPManual=[_network_host(s) for s in servers])


def set_dns(client, servers, search_domains):
    client.call('device', 'SetDNS', FromDHCP=False, SearchDomain=list(search_domains or []),
                DNSManual=[_network_host(s) for s in servers])


def set_hostname(client, name):
    client.call('device', 'SetHostname', Name=name)


def set_default_gateway(client, ipv4, ipv6):
    client.call('device', 'SetNetworkDefaultGateway', IPv4Address=list(ipv4), IPv6Address=list(ipv6 or []))


def set_date_time(client, kind, timezone, daylight_savings):
    """SetSystemDateAndTime; with kind 'Manual' the clock is set to the controller's UTC time."""
    params = {'DateTimeType': kind, 'DaylightSavings': bool(daylight_savings)}
    if timezone:
        params['TimeZone'] = {'TZ': timezone}
    if kind == 'Manual':
        now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=500)  # rounded
        params['UTCDateTime'] = {'Date': {'Year': now.year, 'Month': now.month, 'Day': now.day},
                                 'Time': {'Hour': now.hour, 'Minute': now.minute, 'Second': now.second}}
    client.call('device', 'SetSystemDateAndTime', **params)


def set_ipv4(client, token, dhcp, address=None, prefix_length=None):
    """SetNetworkInterfaces for IPv4 only; return RebootNeeded (True/False), or None when the reply does not say.

    An empty reply is not a request to reboot: the job reads the interface back to decide.
    """
    ipv4 = {'Enabled': True, 'DHCP': bool(dhcp)}
    if not dhcp:
        ipv4['Manual'] = [{'Address': address, 'PrefixLength': prefix_length}]
    reply = client.call('device', 'SetNetworkInterfaces', InterfaceToken=token, NetworkInterface={'Enabled': True, 'IPv4': ipv4})
    if isinstance(reply, dict):
        reply = reply.get('RebootNeeded')
    return None if reply is None or reply == '' else bool(as_bool(reply))


def system_reboot(client):
    return client.call('device', 'SystemReboot')


# --------------------------------------------------------------------------------- job --
class CameraIpJob:
    """One run of onvif_camera_ip. ``connect(host, timeout=None)`` returns an OnvifClient for host.

    After run() (or an exception): ``applied`` lists the changes written, ``progress`` the
    timestamped events, ``warnings`` the client warnings.
    """

    def __init__(self, plan, connect, check_mode=False, log=None):
        self.plan = plan
        self._connect = connect
        self.check_mode = check_mode
        self._log = log
        self.progress = []
        self.changes = []
        self.applied = []
        self._clients = []
        self._started = time.monotonic()
        self.identity = None
        self.mac = None
        self.verified = None  # after the read-back: the changes the camera now shows

    @property
    def changed(self):
        """What the camera now holds: the changes read back when there was a read-back, else what was written."""
        return bool(self.verified) if self.verified is not None else bool(self.applied)

    # -- bookkeeping ------------------------------------------------------------------------
    def event(self, text):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.progress.append({'time': now.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z',
                              'elapsed': round(time.monotonic() - self._started, 2), 'event': text})
        if self._log is not None:
            self._log('onvif_camera_ip %s: %s' % (self.plan.hostname, text))

    def client(self, host, timeout=None, keep=True):
        client = self._connect(host, timeout=timeout)
        if keep:
            self._clients.append(client)
        return client

    @property
    def warnings(self):
        seen = []
        for client in self._clients:
            seen.extend(w for w in client.warnings if w not in seen)
        return seen

    def close(self):
        for client in self._clients:
            client.close()

    # -- reading and comparing ---------------------------------------------------------------
    def read(self, client, refresh_clock=False):
        """Clock first (signed calls use it), then identity and network."""
        if refresh_clock:
            client.refresh_clock()
        clock = get_clock(client)
        identity = get_identity(client)
        why = {}
        network = get_network(client, why)
        primary = primary_interface(network['interfaces'], client.hostname)
        return {'clock': clock, 'identity': identity, 'network': network, 'primary': primary, 'why': why,
                'mac': primary['mac'] if primary else None, 'view': current_view(network, clock, client.hostname)}

    def desired(self, state):
        """The wanted values of the managed view fields (refuses what cannot work on this camera)."""
        plan, view = self.plan, state['view']
        wanted = {}
        for option, fields in OPTION_FIELDS:
            if getattr(plan, option) is not None:
                wanted.update(fields(plan))
        offset = view['clock_offset_seconds']
        if offset is not None and abs(offset) > plan.clock_max_offset:
            wanted['clock_offset_seconds'] = plan.clock_max_offset
            wanted.setdefault('date_time_type', 'Manual')
        elif offset is None:
            self.event('the camera gave no usable clock: the clock offset is not checked')
        for field in wanted:
            if view.get(field) is None and field in READ_NAMES:
                operation = READ_NAMES[field]
                reason = state.get('why', {}).get(operation) or 'the camera does not implement %s' % operation
                raise NetworkChangeError('%s cannot be managed on %s: %s; nothing was changed' % (field, self.plan.hostname, reason))
        if 'dhcp' in wanted and state['primary'] is None:
            raise NetworkChangeError('%s reports no network interface: its IPv4 settings cannot be managed' % self.plan.hostname)
        if wanted.get('dhcp') is False and 'address' not in wanted and view['dhcp']:
            raise NetworkChangeError('dhcp=false: %s uses DHCP now; give address and prefix_length for its static address'
                                     % self.plan.hostname)
        if plan.gateway is not None and plan.address is None and view['address']:
            subnet = ipaddress.ip_interface(view['address']).network
            if ipaddress.ip_address(plan.gateway) not in subnet:
                raise PlanError('gateway: %s is outside the subnet %s of the camera address %s'
                                % (plan.gateway, subnet, view['address']))
        return wanted

    @staticmethod
    def compare(view, wanted):
        """[{field, before, after, operation}] for every wanted field that differs."""
        changes = []
        for field, value in wanted.items():
            if not same_value(field, view.get(field), value):
                after = 0 if field == 'clock_offset_seconds' else value
                changes.append({'field': field, 'before': view.get(field), 'after': after, 'operation': FIELD_OPERATIONS[field]})
        return changes

    def target(self, state, wanted):
        """Where the camera will answer after the IPv4 change (None: where it is now)."""
        if wanted.get('dhcp') is False:
            return self.plan.address
        if self.plan.dhcp_expected_address is None:
            raise NetworkChangeError(
                'dhcp=true: %s would take an address from DHCP that is not known in advance, and could not be found and '
                'verified afterwards. Give dhcp_expected_address (the address the DHCP server reserves for MAC %s); '
                'nothing was changed' % (self.plan.hostname, state['mac']))
        return self.plan.dhcp_expected_address

    def check_target_free(self, state, target):
        own = [a.split('/')[0] for a in interface_addresses(state['primary'])] + [self.plan.hostname]
        if target in own:
            self.event('the new address %s is the camera\'s own: no occupancy check' % target)
            return
        loopback = ipaddress.ip_address(target).is_loopback
        found = who_answers(target, self.plan.check_ports, timeout=min(CHECK_TIMEOUT, self.plan.timeout),
                            refused_means_taken=not loopback, methods=self.plan.check_methods)
        if found:
            raise AddressTakenError('the new address %s is taken: %s. The camera at %s was not changed; choose a free address '
                                    'or remove the other device first' % (target, found, self.plan.hostname))
        looked = ['TCP ports %s' % ', '.join(str(p) for p in self.plan.check_ports)] if 'tcp' in self.plan.check_methods else []
        if not loopback:
            looked += [{'icmp': 'ICMP echo', 'neighbour': 'the ARP table'}[m] for m in self.plan.check_methods if m != 'tcp']
        self.event('nothing answers at %s (%s): the address is free' % (target, ', '.join(looked) or 'not checked'))

    # -- the run -----------------------------------------------------------------------------
    def run(self):
        plan = self.plan
        client = self.client(plan.hostname)
        state = self.read(client)
        self.identity, self.mac = state['identity'], state['mac']
        self.event('read the camera at %s: serial %s, MAC %s, %s' % (
            client.device, self.identity['serial_number'] or '-', self.mac or '-', self._describe(state['view'])))
        wanted = self.desired(state)
        self.changes = self.compare(state['view'], wanted)
        moving = any(c['operation'] == 'SetNetworkInterfaces' for c in self.changes)
        target = self.target(state, wanted) if moving else None
        if moving:
            if not (self.identity['serial_number'] or self.mac):
                raise NetworkChangeError('%s reports neither a serial number nor a MAC address: it could not be recognised at its '
                                         'new address, so its IPv4 settings are not changed' % plan.hostname)
            self.check_target_free(state, target)
        before = dict((k, state['view'].get(k)) for k in self._diff_keys(wanted))
        if self.check_mode or not self.changes:
            after = dict(before)
            after.update((c['field'], c['after']) for c in self.changes)
            if moving and wanted.get('dhcp'):
                after['address'] = target
            self.event('%s change(s) %s' % (len(self.changes), 'predicted (check mode)' if self.changes else 'needed'))
            return self._result(state, plan.hostname, before, after)

        deferred = self.apply(client, state, moving)
        if moving:
            client, final = self.move(client, state, target, wanted)
            self.after_move(client, final, deferred)
            address = target
        else:
            address = plan.hostname
        final = self.read(client, refresh_clock=True)
        after = dict((k, final['view'].get(k)) for k in before)
        self.verify(client, final, wanted)
        self.event('done: %d change(s) applied and read back at %s' % (len(self.applied), client.device))
        return self._result(final, address, before, after)

    def verify(self, client, final, wanted):
        """Compare the read-back with what was sent: every change must show, else NotAppliedError.

        Sets ``verified`` (the changes the camera now shows), so that ``changed`` tells what the
        camera holds, also when this raises. A field the read-back cannot show (an empty or
        failed Get) is not verified: reporting it done would claim what nobody saw.
        """
        view = final['view']
        self.verified = [c for c in self.changes if same_value(c['field'], view.get(c['field']), wanted[c['field']])]
        missing = []
        for change in self.changes:
            if change in self.verified or change not in self.applied:
                continue
            field, now = change['field'], view.get(change['field'])
            if now is None and field in READ_NAMES:
                shown = 'an unknown value (%s)' % final['why'].get(READ_NAMES[field], 'no value')
            elif field == 'clock_offset_seconds':
                shown = 'a clock %s s off' % now
            else:
                shown = '%s=%r' % (field, now)
            missing.append('%s sent %s=%r, the camera now reports %s' % (change['operation'], field, change['after'], shown))
        if missing:
            took = ', '.join(c['field'] for c in self.verified) or 'nothing'
            raise NotAppliedError('%s accepted the change but reading it back shows it did not take: %s. Read back as '
                                  'changed: %s' % (client.device, '; '.join(missing), took))

    @staticmethod
    def _diff_keys(wanted):
        keys = list(wanted)
        if 'dhcp' in wanted and 'address' not in keys:
            keys.append('address')
        return keys

    @staticmethod
    def _describe(view):
        return '%s %s' % ('DHCP' if view['dhcp'] else 'static', view['address'] or 'without IPv4 address')

    def _result(self, state, address, before, after):
        return {'changed': bool(self.changes), 'old_address': self.plan.hostname, 'address': address,
                'network': state['network'], 'clock': state['clock'], 'changes': self.changes,
                'progress': self.progress, 'diff': {'before': before, 'after': after}}

    def _changes_for(self, *operations):
        return [c for c in self.changes if c['operation'] in operations]

    def _done(self, changes, text=None):
        self.applied.extend(changes)
        if text:
            self.event(text)

    def apply(self, client, state, moving):
        """Everything but the IPv4 change, clock first. Return the gateway change deferred until after the move."""
        plan, network = self.plan, state['network']
        ntp = self._changes_for('SetNTP')
        if ntp:
            set_ntp(client, plan.ntp_servers)
            self._done(ntp, 'SetNTP: NTP servers %s' % (', '.join(plan.ntp_servers) or 'none'))
        clock = self._changes_for('SetSystemDateAndTime')
        if clock:
            self.set_clock(client, state, [c['field'] for c in clock])
            self._done(clock)
        dns = self._changes_for('SetDNS')
        if dns:
            set_dns(client, plan.dns_servers, (network['dns'] or {}).get('search_domains'))
            self._done(dns, 'SetDNS: DNS servers %s' % (', '.join(plan.dns_servers) or 'none'))
        name = self._changes_for('SetHostname')
        if name:
            set_hostname(client, plan.camera_hostname)
            self._done(name, 'SetHostname: %s' % plan.camera_hostname)
        gateway = self._changes_for('SetNetworkDefaultGateway')
        if gateway:
            ipv6 = (network['gateway'] or {}).get('ipv6') or []
            try:
                set_default_gateway(client, [plan.gateway], ipv6)
            except OnvifFaultError as exc:
                if not moving:
                    raise
                self.event('SetNetworkDefaultGateway refused before the address change (%s): it is set again at the new '
                           'address' % exc.cause)
                return gateway, ipv6
            self._done(gateway, 'SetNetworkDefaultGateway: %s' % plan.gateway)
        return None

    def set_clock(self, client, state, fields):
        """Time first: Manual with the controller's UTC when far off, then NTP when wanted; then re-read the clock."""
        plan, view, clock = self.plan, state['view'], state['clock']
        current = view['date_time_type'] if view['date_time_type'] in ('Manual', 'NTP') else 'Manual'
        final = 'NTP' if plan.ntp_servers else ('Manual' if 'clock_offset_seconds' in fields else current)
        timezone = plan.timezone or clock['timezone']
        steps = []
        if 'clock_offset_seconds' in fields:
            steps.append('Manual')
        if final != (steps[-1] if steps else current) or not steps:
            steps.append(final)
        offset = None
        for kind in steps:  # each write moves the clock: re-read it before the next signed request
            set_date_time(client, kind, timezone, clock['daylight_savings'])
            offset = client.refresh_clock()['offset_seconds']
        if 'clock_offset_seconds' in fields and offset is not None and abs(offset) > plan.clock_max_offset:
            raise NotAppliedError('%s accepted SetSystemDateAndTime %s (the controller\'s UTC time) but its clock is still %s s '
                                  'off (more than clock_max_offset=%d): the clock step did not take; set the camera clock '
                                  'by hand or check its time source'
                                  % (client.device, ' then '.join(steps), offset, plan.clock_max_offset))
        self.event('SetSystemDateAndTime %s%s; the camera clock is now %s s off' % (
            ' then '.join(steps), ' (time zone %s)' % timezone if plan.timezone else '', offset))
        return offset

    # -- the address change --------------------------------------------------------------
    def move(self, client, state, target, wanted):
        """Send the IPv4 change, reboot when asked, wait for the same camera at target. Return (client, state)."""
        plan, primary = self.plan, state['primary']
        sent = 'SetNetworkInterfaces (%s)' % ('DHCP' if wanted['dhcp'] else 'static %s/%d' % (plan.address, plan.prefix_length))
        changes = self._changes_for('SetNetworkInterfaces')
        try:
            reboot_needed = set_ipv4(client, primary['token'], wanted['dhcp'], plan.address, plan.prefix_length)
        except (OnvifConnectionError, OnvifTimeoutError) as exc:  # some firmwares switch before they answer
            self._done(changes, '%s got no answer (%s): the camera may have switched already' % (sent, exc.cause))
            reboot_needed = False
        else:
            if reboot_needed is None:
                self._done(changes, '%s accepted with a reply that does not say whether a reboot is needed' % sent)
                reboot_needed = self.pending_after_empty_reply(client, target, wanted, sent)
            else:
                self._done(changes, '%s accepted, RebootNeeded=%s' % (sent, str(reboot_needed).lower()))
        if reboot_needed:
            try:
                system_reboot(client)
                self.event('SystemReboot sent to %s' % client.device)
            except (OnvifConnectionError, OnvifTimeoutError) as exc:
                self.event('SystemReboot got no answer (%s): assuming the camera is rebooting' % exc.cause)
            except OnvifError as exc:
                raise NetworkChangeError(
                    'the camera at %s accepted %s but refused SystemReboot (%s): it still runs at %s and '
                    'takes the new settings at its next reboot; reboot it yourself and then look for it at %s'
                    % (client.device, sent, exc.cause, plan.hostname, target)) from exc
            sent += ' and SystemReboot'
        return self.wait(target, sent, wanted)

    def pending_after_empty_reply(self, client, target, wanted, sent):
        """After a SetNetworkInterfaces reply without RebootNeeded: read the interface back. Return whether to reboot.

        Gone from the old address: it switched at once (no reboot). Still there and showing the new
        configuration: live when the address stays, else pending until a reboot. Still there with
        the old configuration: the change did not happen, and a reboot would not make it happen.
        """
        try:
            state = self.read(client)
        except (OnvifConnectionError, OnvifTimeoutError) as exc:
            self.event('%s no longer answers (%s): it switched without a reboot' % (client.device, exc.cause))
            return False
        if self._matches(state['view'], wanted):
            if target == self.plan.hostname:
                self.event('the interface shows the new configuration: no reboot needed')
                return False
            self.event('the interface shows the new configuration pending while the camera still answers at %s: rebooting'
                       % self.plan.hostname)
            return True
        self.applied[:] = [c for c in self.applied if c['operation'] != 'SetNetworkInterfaces']
        raise NotAppliedError('%s accepted %s with an empty reply, but its interface still reports %s: the change did not '
                              'take, and the camera was not rebooted' % (client.device, sent, self._describe(state['view'])))

    def _matches(self, view, wanted):
        if wanted['dhcp']:
            return view['dhcp'] is True
        return view['dhcp'] is False and same_value('address', view['address'], wanted['address'])

    def wait(self, target, sent, wanted):
        """Poll target until the same camera answers there with the new configuration, or fail after reboot_timeout."""
        plan = self.plan
        started = time.monotonic()
        deadline = started + plan.reboot_timeout
        self.event('waiting up to %d s for the camera at %s' % (plan.reboot_timeout, target))
        last, next_note = 'no answer yet', started + STILL_WAITING_EVERY
        while True:
            now = time.monotonic()
            timeout = max(1, int(min(POLL_TIMEOUT, plan.timeout, deadline - now)))
            probe = self.client(target, timeout=timeout, keep=False)
            try:
                probe.get_system_date_and_time()
            except OnvifError as exc:
                last = exc.cause
            else:
                found = self._identify(target, wanted)
                if found is not None:
                    self.event('the camera answers at %s after %.0f s: serial and MAC match' % (target, time.monotonic() - started))
                    return found
                last = 'the camera answers at %s but does not show the new configuration yet' % target
            finally:
                probe.close()
            now = time.monotonic()
            if now >= deadline:
                break
            if now >= next_note:
                self.event('still waiting for %s (%.0f of %d s; last: %s)' % (target, now - started, plan.reboot_timeout, last))
                next_note = now + STILL_WAITING_EVERY
            time.sleep(min(POLL_INTERVAL, max(0.0, deadline - now)))
        self.event('gave up waiting for %s after %d s' % (target, plan.reboot_timeout))
        raise CameraLostError(self._lost_message(target, sent, last))

    def _identify(self, target, wanted):
        """(client, state) when the camera at target is ours and configured; None to keep waiting."""
        client = self.client(target)
        try:
            state = self.read(client)
        except OnvifAuthError as exc:
            raise OtherDeviceError(
                'the device now answering at %s refuses the credentials (%s): it is not recognised as the camera (serial %s, '
                'MAC %s) and the address change is NOT confirmed. %s' % (target, exc.cause, self.identity['serial_number'] or '-',
                                                                         self.mac or '-', self._how_to_find())) from exc
        except OnvifError as exc:  # still booting: services not ready
            self.event('%s answers but is not ready (%s)' % (target, exc.cause))
            return None
        serial, mac = state['identity']['serial_number'], state['mac']
        if (self.identity['serial_number'] and serial != self.identity['serial_number']) or (self.mac and mac != self.mac):
            raise OtherDeviceError(
                'a different device answers at %s (serial %s, MAC %s; the camera is serial %s, MAC %s): the address change is '
                'NOT confirmed and the two devices may now conflict. %s' % (target, serial or '-', mac or '-',
                                                                            self.identity['serial_number'] or '-', self.mac or '-',
                                                                            self._how_to_find()))
        if not self._matches(state['view'], wanted):
            return None
        return client, state

    def _how_to_find(self):
        manufacturer = (self.identity or {}).get('manufacturer') or ''
        factory = [address for prefix, address in quirks.FACTORY_ADDRESSES if manufacturer.upper().startswith(prefix)]
        hints = ['probe the camera\'s network segment with dukcapil.cctv.onvif_discovery (WS-Discovery)',
                 'look for MAC %s in the DHCP server\'s leases or the switch\'s address table' % (self.mac or '(unknown)')]
        if factory:
            hints.append('or reset it to its factory address %s' % factory[0])
        return 'To find it: ' + '; '.join(hints) + '.'

    def _lost_message(self, target, sent, last):
        plan = self.plan
        old = self.client(plan.hostname, timeout=max(1, min(POLL_TIMEOUT, plan.timeout)), keep=False)
        try:
            old.get_system_date_and_time()
            where = 'It still answers at its old address %s: the new settings did not take effect (yet).' % plan.hostname
        except OnvifError:
            where = 'It does not answer at its old address %s either.' % plan.hostname
        finally:
            old.close()
        return ('the camera (serial %s, MAC %s) was sent %s at %s:%d and did not answer at %s:%d within '
                'reboot_timeout=%d s (last: %s). The change is NOT confirmed. %s %s' % (
                    self.identity['serial_number'] or '-', self.mac or '-', sent, plan.hostname, plan.port, target, plan.port,
                    plan.reboot_timeout, last, where, self._how_to_find()))

    def after_move(self, client, state, deferred):
        """At the new address: the deferred gateway, and the clock again if the reboot reset it."""
        if deferred is not None:
            changes, ipv6 = deferred
            set_default_gateway(client, [self.plan.gateway], ipv6)
            self._done(changes, 'SetNetworkDefaultGateway at the new address: %s' % self.plan.gateway)
        offset = state['view']['clock_offset_seconds']
        if offset is not None and abs(offset) > self.plan.clock_max_offset:
            self.event('the clock is %s s off after the reboot: setting it again' % offset)
            self.set_clock(client, state, ['clock_offset_seconds'])
