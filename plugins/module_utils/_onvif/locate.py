# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The identity gate of every device stage (cctv_camera_locate).

A camera's identity -- serial number AND MAC address -- is bound once, in step 2, from the
device at the camera's factory address, and kept in the run record. From then on a device is
this camera only when it shows that identity, wherever it answers. :func:`locate` asks every
address where the camera can be at once (:func:`discovery.discover` with ``direct``) and
:func:`choose` decides, from what answered, which device is the camera:

* an unknown device at the camera's planned address is refused, naming both identities (it is
  never taken for the camera, and the address counts as occupied);
* a camera with no identity bound yet is only the device at its factory address, and a device at
  its planned address then is refused too;
* a camera that answers nowhere is an error naming every address asked and what answered there.
"""

from __future__ import annotations

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import discovery
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.errors import OnvifError
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif.readers import normalise_mac


class LocateError(OnvifError):
    """The camera is not where it can be, or another device stands in its place (the message says which)."""

    @property
    def message(self):
        return self.cause


def bound_identity(record, name):
    """``(serial, mac)`` the run record binds to camera ``name``; empty strings when none is bound."""
    for camera in record.get('cameras') or []:
        if isinstance(camera, dict) and camera.get('name') == name:
            serial = camera.get('serial') or ''
            return serial, (normalise_mac(camera.get('mac')) or '') if serial and camera.get('mac') else ''
    return '', ''


def _identity(device):
    return ((device.get('identity') or {}).get('serial_number') or '', normalise_mac(device.get('mac')) or '')


def _shown(device):
    serial, mac = _identity(device)
    text = 'serial %s, MAC %s' % (serial or 'unknown', mac or 'unknown')
    if device.get('identity_error'):
        text += ' (identity not readable: %s)' % device['identity_error']
    return text


def choose(devices, name, serial, mac, addresses, planned, factory, shown=None):
    """The device that is camera ``name`` among ``devices`` (what answered); raise :class:`LocateError` otherwise.

    ``planned`` and ``factory`` are IPv4 addresses (the devices answer with theirs); ``shown`` maps
    them to the words of the messages when the user gave host names.
    """
    shown = shown or {}

    def is_camera(device):
        shown_serial, shown_mac = _identity(device)
        return shown_serial == serial and (not mac or shown_mac == mac)

    at_planned = [d for d in devices if planned and d['address'] == planned]
    if serial:
        strangers = [d for d in at_planned if not is_camera(d)]
        if strangers:
            raise LocateError(
                'an unknown device answers at the planned address %s of camera %s: %s. The camera is bound to serial %s, '
                'MAC %s (step 2), so that device is not taken for it, and the address is occupied: remove the device from '
                'the network or change the plan.' % (shown.get(planned, planned), name, '; '.join(_shown(d) for d in strangers), serial, mac))
        chosen = [d for d in devices if is_camera(d)]
    else:
        chosen = [d for d in devices if d['address'] == factory]
        if not chosen and at_planned:
            raise LocateError(
                'camera %s has no identity bound yet (step 2 binds it at its factory address %s, where nothing answers), '
                'and the device at its planned address %s (%s) is not taken for it: an unknown device at a planned '
                'address counts as occupied. Mount the new camera with its factory settings, or remove the other device.'
                % (name, shown.get(factory, factory), shown.get(planned, planned), '; '.join(_shown(d) for d in at_planned)))
    if not chosen:
        who = ('(serial %s, MAC %s)' % (serial, mac) if serial else
               '(no identity bound yet: looked for at its factory address %s)' % shown.get(factory, factory))
        found = ('; found instead: %s' % '; '.join('%s: %s' % (d['address'], _shown(d)) for d in devices)) if devices else ''
        raise LocateError('camera %s %s answers at none of %s%s (is it mounted and powered? a camera reset goes back to '
                          'its factory address).' % (name, who, ', '.join(addresses), found))
    device = chosen[0]
    if not serial and device.get('identity') is None:
        raise LocateError('camera %s answers at its factory address %s, but its identity cannot be read there: %s'
                          % (name, shown.get(factory, factory), device.get('identity_error') or 'no answer within the timeout'))
    return device


def locate(params, record):
    """Ask ``params['addresses']`` at once; return ``(device, devices, bound, warnings)`` for camera ``params['name']``."""
    serial, mac = bound_identity(record, params['name'])
    # The devices answer with their IPv4 addresses: a host name given for the factory or planned
    # address is compared as the address it names (and refused naming its own option).
    shown = {}
    resolved = {}
    for option in ('factory_address', 'planned_address'):
        given = (params[option] or '').strip()
        resolved[option] = discovery.resolve(option, given) if given else ''
        if given and given != resolved[option]:
            shown[resolved[option]] = '%s (%s)' % (given, resolved[option])
    # The factory and planned addresses are always asked too: a stranger at the planned address
    # is refused only when it is heard.
    extra = [params[option].strip() for option in ('factory_address', 'planned_address') if resolved[option]]
    addresses = list(dict.fromkeys(list(params['addresses']) + extra))
    if not addresses:
        raise LocateError('addresses: give at least one address where camera %s can be' % params['name'])
    found, dummy, warnings = discovery.discover({
        'addresses': addresses, 'factory_addresses': addresses, 'direct': True,
        'expected_serial': serial or None, 'expected_mac': mac or None, 'port': params['port'],
        'multicast_interface': None, 'timeout': params['timeout'], 'username': params['username'],
        'password': params['password'], 'auth_mode': params['auth_mode'], 'validate_certs': params['validate_certs']})
    device = choose(found, params['name'], serial, mac, addresses, resolved['planned_address'],
                    resolved['factory_address'], shown)
    return device, found, bool(serial), warnings
