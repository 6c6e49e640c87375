# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The identity gate (cctv_camera_locate): which answering device is the camera, and every refusal's words."""

from __future__ import annotations

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import locate

SERIAL, MAC = 'DS-2CD2043G2-I20260101CCWR000000001', '44:19:b6:00:00:01'
PLANNED, FACTORY = '127.0.55.11', '127.0.54.64'


def device(address, serial=SERIAL, mac=MAC, error=None):
    identity = None if error else {'serial_number': serial, 'manufacturer': 'HIKVISION', 'model': 'DS-2CD2043G2-I'}
    return {'address': address, 'port': 80, 'identity': identity, 'mac': None if error else mac, 'identity_error': error}


def choose(devices, serial=SERIAL, mac=MAC):
    return locate.choose(devices, 'cam-01', serial, mac, [PLANNED, FACTORY], PLANNED, FACTORY)


def test_bound_identity_from_the_record():
    record = {'cameras': [{'name': 'cam-00'}, {'name': 'cam-01', 'serial': SERIAL, 'mac': '44-19-B6-00-00-01'}]}
    assert locate.bound_identity(record, 'cam-01') == (SERIAL, MAC)
    assert locate.bound_identity(record, 'cam-00') == ('', '')
    assert locate.bound_identity({}, 'cam-01') == ('', '')


def test_the_bound_camera_is_found_wherever_it_answers():
    assert choose([device(FACTORY, mac=MAC.upper())])['address'] == FACTORY
    assert choose([device(PLANNED)])['address'] == PLANNED


def test_a_stranger_at_the_planned_address_is_refused_naming_both_identities():
    stranger = device(PLANNED, serial='OTHER-666', mac='44:19:b6:66:66:66')
    with pytest.raises(locate.LocateError) as caught:
        choose([device(FACTORY), stranger])
    text = str(caught.value)
    for fact in (PLANNED, 'OTHER-666', '44:19:b6:66:66:66', SERIAL, MAC, 'occupied'):
        assert fact in text, (fact, text)


def test_a_record_without_a_mac_binds_the_serial_alone():
    assert choose([device(PLANNED)], mac='')['address'] == PLANNED


def test_same_serial_with_another_mac_is_not_the_camera():
    with pytest.raises(locate.LocateError, match='unknown device answers at the planned address'):
        choose([device(PLANNED, mac='44:19:b6:99:99:99')])


def test_a_new_camera_is_only_the_device_at_its_factory_address():
    assert choose([device(FACTORY, serial='NEW-1')], serial='', mac='')['identity']['serial_number'] == 'NEW-1'
    with pytest.raises(locate.LocateError) as caught:
        choose([device(PLANNED, serial='OTHER-666')], serial='', mac='')
    assert 'no identity bound yet' in str(caught.value) and 'OTHER-666' in str(caught.value)


def test_a_new_camera_whose_identity_cannot_be_read_is_an_error_naming_why():
    with pytest.raises(locate.LocateError, match='identity cannot be read there: refused'):
        choose([device(FACTORY, error='refused')], serial='', mac='')


def test_nowhere_names_the_addresses_and_what_answered():
    with pytest.raises(locate.LocateError) as caught:
        choose([device('127.0.54.99', serial='X-9', mac='44:19:b6:09:09:09')])
    text = str(caught.value)
    assert 'answers at none of %s, %s' % (PLANNED, FACTORY) in text and '127.0.54.99: serial X-9' in text
    assert str(caught.value).startswith('camera cam-01 (serial %s, MAC %s)' % (SERIAL, MAC))


def test_no_address_is_an_error_naming_the_option():
    with pytest.raises(locate.LocateError, match='^addresses: '):
        locate.locate(_params(addresses=[]), {})


def _params(**given):
    params = {'name': 'cam-01', 'addresses': ['127.0.0.1'], 'factory_address': None, 'planned_address': None,
              'port': 80, 'username': 'admin', 'password': 'x', 'timeout': 1, 'auth_mode': 'auto', 'validate_certs': True}
    params.update(given)
    return params


@pytest.mark.parametrize('option', ['factory_address', 'planned_address'])
def test_a_bad_address_is_refused_naming_its_own_option(option):
    with pytest.raises(locate.OnvifError) as caught:
        locate.locate(_params(**{option: '999.1.2.3'}), {})
    assert str(caught.value).startswith("%s: '999.1.2.3'" % option), str(caught.value)


def test_a_planned_address_given_by_name_still_catches_a_stranger(monkeypatch):
    """The devices answer with IPv4 addresses: a planned host name is compared as the address it names."""
    stranger = device('127.0.0.1', serial='OTHER-666', mac='44:19:b6:66:66:66')
    monkeypatch.setattr(locate.discovery, 'discover', lambda params: ([stranger], [], []))
    with pytest.raises(locate.LocateError, match='unknown device answers at the planned address localhost'):
        locate.locate(_params(planned_address='localhost'), {'cameras': [{'name': 'cam-01', 'serial': SERIAL, 'mac': MAC}]})


def test_the_planned_and_factory_addresses_are_always_asked(monkeypatch):
    asked = []
    monkeypatch.setattr(locate.discovery, 'discover', lambda params: asked.append(params['addresses']) or ([], [], []))
    with pytest.raises(locate.LocateError):
        locate.locate(_params(addresses=['127.0.0.1'], factory_address='127.0.0.2', planned_address='127.0.0.3'), {})
    assert asked == [['127.0.0.1', '127.0.0.2', '127.0.0.3']]
