# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the shared ONVIF client, against a fake camera on 127.0.0.1 (no mocks inside the client)."""

from __future__ import annotations

import datetime
import os
import socket
import threading
import time

import pytest
import yaml

from ansible_collections.dukcapil.cctv.plugins.doc_fragments.onvif import ModuleDocFragment
from ansible_collections.dukcapil.cctv.plugins.module_utils import _http, _onvif
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import (
    OnvifAddressRefused, OnvifAuthError, OnvifClient, OnvifConnectionError, OnvifError, OnvifFaultError,
    OnvifResponseError, OnvifTimeoutError,
)
from ansible_collections.dukcapil.cctv.plugins.module_utils._onvif import client as client_mod

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load_fakecam():
    import importlib.util
    spec = importlib.util.spec_from_file_location('onvif_fakecam', os.path.join(_HERE, 'test_onvif_fakecam.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fakecam = _load_fakecam()
FakeCamera = fakecam.FakeCamera


def make_client(cam, **kwargs):
    args = dict(hostname='127.0.0.1', port=cam.port, username=cam.username, password=cam.password, timeout=5)
    args.update(kwargs)
    return OnvifClient(**args)


# ------------------------------------------------------------------------ argument spec --
def test_argument_spec_is_fresh_and_matches_doc_fragment():
    spec = _onvif.onvif_argument_spec()
    spec['port']['default'] = 1
    assert _onvif.onvif_argument_spec()['port']['default'] == 80
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(doc) == set(spec)
    for name, option in _onvif.onvif_argument_spec().items():
        assert doc[name]['type'] == option['type'], name
        assert doc[name].get('default') == option.get('default'), name
        assert bool(doc[name].get('required')) == bool(option.get('required')), name
        assert doc[name].get('choices') == option.get('choices'), name
    assert _onvif.onvif_argument_spec()['password']['no_log'] is True


def test_doc_fragment_states_the_safety_rule():
    text = ModuleDocFragment.DOCUMENTATION
    assert 'only ever contacts' in text and 'WSDL' in text


# ------------------------------------------------------------------------------- clock --
def test_clock_offset_and_wsse_created_use_camera_time():
    with FakeCamera(clock_offset=7200) as cam:  # the camera is two hours ahead
        with make_client(cam) as client:
            identity = _onvif.get_identity(client)
            clock = _onvif.get_clock(client)
    assert identity['model'] == 'FC-1'
    assert abs(clock['offset_seconds'] - 7200) <= 2
    assert abs(client.clock_offset - 7200) <= 2
    assert clock['timezone'] == 'WIB-7' and clock['date_time_type'] == 'Manual' and clock['utc_source'] == 'UTCDateTime'
    first, second = cam.requests[0], cam.requests[1]
    # the clock is read anonymously, before anything else
    assert first['op'] == 'GetSystemDateAndTime' and first['wsse'] is None and 'Authorization' not in first['headers']
    # the signed request carries the camera's time, not the controller's
    assert second['op'] == 'GetDeviceInformation'
    created = datetime.datetime.strptime(second['wsse']['created'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    assert abs((created - expected).total_seconds()) < 10
    assert second['wsse']['username'] == 'admin' and second['wsse']['digest'] != cam.password
    assert client.auth_used == 'wsse'


def test_clock_behind_by_hours_still_accepted():
    with FakeCamera(clock_offset=-3 * 3600 - 17) as cam:
        with make_client(cam, auth_mode='wsse') as client:
            assert _onvif.get_users(client) == [{'name': 'admin', 'level': 'Administrator'}, {'name': 'viewer', 'level': 'User'}]
    assert abs(client.clock_offset + 3 * 3600 + 17) <= 2


@pytest.mark.parametrize('sdt, expected_utc, source', [
    ({'UTCDateTime': {'Date': {'Year': 2018, 'Month': 2, 'Day': 7}, 'Time': {'Hour': 3, 'Minute': 4, 'Second': 5}}},
     '2018-02-07T03:04:05', 'UTCDateTime'),
    # no UTCDateTime: local time minus the POSIX offset (CST-08:00 is UTC+8)
    ({'TimeZone': {'TZ': 'CST-08:00'},
      'LocalDateTime': {'Date': {'Year': 2021, 'Month': 1, 'Day': 1}, 'Time': {'Hour': 7, 'Minute': 0, 'Second': 0}}},
     '2020-12-31T23:00:00', 'LocalDateTime'),
    # strings, a leap second
    ({'UTCDateTime': {'Date': {'Year': '2020', 'Month': '12', 'Day': '31'}, 'Time': {'Hour': '23', 'Minute': '59', 'Second': '60'}}},
     '2020-12-31T23:59:59', 'UTCDateTime'),
    # an impossible date is no date
    ({'UTCDateTime': {'Date': {'Year': 2020, 'Month': 0, 'Day': 0}, 'Time': {'Hour': 0, 'Minute': 0, 'Second': 0}}}, None, None),
    ({}, None, None),
])
def test_parse_system_date_and_time(sdt, expected_utc, source):
    clock = _onvif.parse_system_date_and_time(sdt)
    got = clock['utc_time'].strftime('%Y-%m-%dT%H:%M:%S') if clock['utc_time'] else None
    assert got == expected_utc and clock['utc_source'] == source


@pytest.mark.parametrize('tz, seconds', [
    ('CST-08:00', 8 * 3600), ('MST7MDT,M3.2.0,M11.1.0', -7 * 3600), ('UTC5:0', -5 * 3600), ('EST-1:00:00', 3600),
    ('BRT3', -3 * 3600), ('GMT0BST,M3.5.0/1,M10.5.0', 0), ('CST7:00:00DST01:00:00,M3.2.0/02:00:00,M11.1.0/02:00:00', -7 * 3600),
    ('WIB-7', 7 * 3600), ('<+0530>-5:30', 5 * 3600 + 1800), ('', None), ('nonsense', None),
])
def test_tz_std_offset(tz, seconds):
    assert _onvif.tz_std_offset_seconds(tz) == seconds


def test_tz_region_name_uses_zone_database():
    assert _onvif.tz_std_offset_seconds(':Asia/Jakarta') == 7 * 3600


def test_clock_refused_anonymously_is_read_with_credentials():
    calls = []

    def sdt(req):
        calls.append(req)
        if req['wsse'] is None:
            return 401, fakecam.fault('s:Sender', (), 'HTTP Error: 401 Unauthorized'), 'application/soap+xml'
        return 200, fakecam.ENVELOPE % cam.op_GetSystemDateAndTime(req), 'application/soap+xml'

    with FakeCamera(responses={'GetSystemDateAndTime': sdt}) as cam:
        with make_client(cam) as client:
            assert _onvif.get_identity(client)['serial_number'] == 'FC1-0001'
    assert [c['wsse'] is not None for c in calls] == [False, True]


# -------------------------------------------------------------------------------- auth --
def test_auto_mode_falls_back_to_digest_once_and_remembers():
    with FakeCamera(auth='digest', clock_offset=5000) as cam:
        with make_client(cam) as client:
            assert _onvif.get_identity(client)['manufacturer'] == 'FakeVendor'
            assert client.auth_used == 'digest'
            before = len(cam.requests)
            _onvif.get_hostname(client)
    # the second read goes straight to digest (requests reuses the challenge): no WS-Security try
    assert [r['op'] for r in cam.requests[before:]] == ['GetHostname']
    assert all(r['wsse'] is None for r in cam.requests[before:])
    assert cam.requests[-1]['headers']['Authorization'].startswith('Digest ')


def test_wsse_only_mode_does_not_try_digest():
    with FakeCamera(auth='digest') as cam:
        with make_client(cam, auth_mode='wsse') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_identity(client)
    assert 'HTTP Digest' not in str(exc.value) and 'WS-Security' in str(exc.value)
    assert all('Authorization' not in r['headers'] for r in cam.requests)


def test_digest_mode_sends_no_wsse_and_skips_clock():
    with FakeCamera(auth='digest') as cam:
        with make_client(cam, auth_mode='digest') as client:
            assert _onvif.get_identity(client)['hardware_id'] == '88'
    assert 'GetSystemDateAndTime' not in cam.ops()
    assert all(r['wsse'] is None for r in cam.requests)


@pytest.mark.parametrize('auth', ['wsse', 'digest', 'either'])
def test_wrong_password_is_a_clear_auth_error_without_the_password(auth):
    with FakeCamera(auth=auth) as cam:
        with make_client(cam, password='WrongPassw0rd!') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_identity(client)
    message = str(exc.value)
    assert message.startswith('ONVIF GetDeviceInformation on 127.0.0.1:%d failed: ' % cam.port)
    assert "refused the credentials of user 'admin'" in message
    assert 'WrongPassw0rd!' not in message and cam.password not in message
    assert 'WS-Security' in message and 'HTTP Digest' in message


def test_preauth_answers_do_not_count_as_accepted_credentials():
    with FakeCamera(auth='either', preauth=('GetSystemDateAndTime', 'GetServices')) as cam:
        with make_client(cam, password='Wrong-0ne') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_profiles(client)
    assert client.auth_used is None
    assert "refused the credentials of user 'admin' (tried WS-Security UsernameToken and HTTP Digest)" in str(exc.value)
    assert 'access level' not in str(exc.value)


def test_html_401_page_is_an_auth_error():
    page = b'<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head><body>401</body></html>'
    with FakeCamera(responses={'GetDeviceInformation': (401, page, 'text/html')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_identity(client)
    assert "HTML page ('Document Error: Unauthorized')" in str(exc.value)
    assert exc.value.http_status == 401


def test_user_lacking_level_is_told_so():
    with FakeCamera(responses={'GetUsers': (400, fakecam.NOT_AUTHORIZED, 'application/soap+xml')}) as cam:
        with make_client(cam) as client:
            _onvif.get_identity(client)
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_users(client)
    assert 'access level' in str(exc.value) and 'ter:NotAuthorized' in str(exc.value)


# ------------------------------------------------------------------------------ faults --
def test_fault_message_names_device_operation_and_subcode():
    with FakeCamera(responses={'GetNetworkInterfaces': (500, fakecam.fault(), 'application/soap+xml')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifFaultError) as exc:
                _onvif.get_network(client)
    assert str(exc.value) == ('ONVIF GetNetworkInterfaces on 127.0.0.1:%d failed: SOAP fault ter:ActionNotSupported '
                              '(Optional Action Not Implemented)' % cam.port)
    assert exc.value.subcode == 'ter:ActionNotSupported' and exc.value.not_supported
    assert exc.value.device == '127.0.0.1:%d' % cam.port and exc.value.operation == 'GetNetworkInterfaces'


def test_optional_parts_become_none_with_a_warning():
    with FakeCamera(responses={'GetNetworkProtocols': (500, fakecam.fault(), 'application/soap+xml')}) as cam:
        with make_client(cam) as client:
            network = _onvif.get_network(client)
    assert network['protocols'] is None and network['hostname'] == {'name': 'fakecam', 'from_dhcp': False}
    assert any('network protocols not available' in w for w in client.warnings)


def test_html_instead_of_soap_is_a_response_error():
    with FakeCamera(responses={'GetDeviceInformation': (200, b'<html><title>Login</title></html>', 'text/html')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifResponseError) as exc:
                _onvif.get_identity(client)
    assert "HTML page ('Login') instead of SOAP" in str(exc.value)


def test_http_error_without_soap_is_a_response_error():
    with FakeCamera(responses={'GetDeviceInformation': (404, b'', 'text/plain')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifResponseError) as exc:
                _onvif.get_identity(client)
    assert 'HTTP 404 with an empty body' in str(exc.value)


def test_soap11_fault_is_read():
    body = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault><faultcode>e:Client</faultcode>'
            b'<faultstring>Bad thing</faultstring><detail>more</detail></e:Fault></e:Body></e:Envelope>')
    assert _onvif.parse_fault(body) == {'code': 'e:Client', 'subcodes': [], 'reason': 'Bad thing', 'detail': 'more'}
    assert _onvif.parse_fault(b'not xml') is None and _onvif.parse_fault(b'<a/>') is None


# ----------------------------------------------------------------- connection trouble --
def _dripping_camera(byte_interval=0.1):
    """A 127.0.0.1 listener that answers every request with a reply one byte every ``byte_interval`` s."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(5)
    stop = threading.Event()
    reply = (fakecam.ENVELOPE % cam_sdt_body()).encode()
    head = b'HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: %d\r\n\r\n' % len(reply)

    def serve(conn):
        try:
            conn.recv(65536)
            for byte in head + reply:
                if stop.is_set():
                    return
                conn.sendall(bytes([byte]))
                time.sleep(byte_interval)
        except OSError:
            pass
        finally:
            conn.close()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                threading.Thread(target=serve, args=(listener.accept()[0],), daemon=True).start()
            except OSError:
                pass

    threading.Thread(target=accept, daemon=True).start()
    return listener, stop


def cam_sdt_body():
    return ('<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType>'
            '<tt:DaylightSavings>false</tt:DaylightSavings></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>')


def test_case15_timeout_bounds_a_reply_dripped_byte_by_byte():
    """Case 15: one byte every 0.1 s must not stretch a 2 s timeout (it took 111 s for timeout 3 before)."""
    listener, stop = _dripping_camera()
    try:
        client = OnvifClient('127.0.0.1', 'pw', port=listener.getsockname()[1], timeout=2)
        started = time.monotonic()
        with pytest.raises(OnvifTimeoutError) as exc:
            _onvif.get_identity(client)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert 1.9 < elapsed < 3.0
    assert 'no complete answer within 2 s' in str(exc.value) and 'GetSystemDateAndTime' in str(exc.value)


def test_case14_truncated_reply_is_an_error_naming_the_operation():
    whole = fakecam.ENVELOPE % (
        '<tds:GetDeviceInformationResponse><tds:Manufacturer>FakeVendor</tds:Manufacturer><tds:Model>FC-1</tds:Model>'
        '<tds:FirmwareVersion>1</tds:FirmwareVersion><tds:SerialNumber>S1</tds:SerialNumber><tds:HardwareId>1</tds:HardwareId>'
        '</tds:GetDeviceInformationResponse>')
    truncated = whole[:whole.index('<tds:Model>') + 5]
    with FakeCamera(responses={'GetDeviceInformation': (200, truncated, 'application/soap+xml')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifResponseError) as exc:
                _onvif.get_identity(client)
    assert str(exc.value).startswith('ONVIF GetDeviceInformation on 127.0.0.1:%d failed: ' % cam.port)
    assert 'not well-formed XML' in str(exc.value)


@pytest.mark.parametrize('body', [
    '<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP></tds:HostnameInformation>'
    '</tds:GetHostnameResponse>',
    '<trt:GetDeviceInformationResponse><trt:Manufacturer>X</trt:Manufacturer></trt:GetDeviceInformationResponse>',
    '',
], ids=['other-operation', 'wrong-namespace', 'empty-body'])
def test_case14_wrong_response_element_is_an_error_naming_the_operation(body):
    with FakeCamera(responses={'GetDeviceInformation': (200, fakecam.ENVELOPE % body, 'application/soap+xml')}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifResponseError) as exc:
                _onvif.get_identity(client)
    message = str(exc.value)
    assert message.startswith('ONVIF GetDeviceInformation on ') and 'GetDeviceInformationResponse' in message


def test_case10_clock_refused_anonymously_is_estimated_from_the_http_date():
    """Case 10: auth even for GetSystemDateAndTime, clock 2 h off: sign with the clock its 401's Date header shows."""
    with FakeCamera(auth='wsse', clock_offset=7200, preauth=()) as cam:
        with make_client(cam, auth_mode='wsse') as client:
            assert _onvif.get_identity(client)['serial_number'] == 'FC1-0001'
    assert abs(client.clock_offset - 7200) <= 2
    sdt = [r for r in cam.requests if r['op'] == 'GetSystemDateAndTime']
    assert [r['wsse'] is not None for r in sdt] == [False, True]


@pytest.mark.parametrize('http_date', [None, 'controller'])
def test_case10_clock_named_as_the_likely_cause_when_signing_still_fails(http_date):
    with FakeCamera(auth='wsse', clock_offset=7200, preauth=(), http_date=http_date) as cam:
        with make_client(cam, auth_mode='wsse') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_identity(client)
    message = str(exc.value)
    assert 'GetSystemDateAndTime' in message and 'clock' in message and 'likely cause' in message
    assert cam.password not in message


def test_case10_no_clock_hint_for_http_digest():
    with FakeCamera(auth='digest', clock_offset=7200, preauth=()) as cam:
        with make_client(cam, auth_mode='digest', password='Wrong-Passw0rd') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_clock(client)
    assert 'clock' not in str(exc.value).split('failed:')[1]


def test_case10_clock_hours_off_by_http_date_is_named_when_refused():
    with FakeCamera(auth='wsse', clock_offset=7200, preauth=()) as cam:
        with make_client(cam, auth_mode='wsse', password='Wrong-Passw0rd') as client:
            with pytest.raises(OnvifAuthError) as exc:
                _onvif.get_identity(client)
    message = str(exc.value)
    assert "refused the credentials of user 'admin'" in message
    assert 'HTTP Date header says it is 2 h ahead of the controller' in message and 'Wrong-Passw0rd' not in message


def test_timeout_when_the_camera_never_answers():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        client = OnvifClient('127.0.0.1', 'pw', port=listener.getsockname()[1], timeout=1)
        started = time.monotonic()
        with pytest.raises(OnvifTimeoutError) as exc:
            _onvif.get_identity(client)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
    assert elapsed < 3.5
    assert 'no answer within 1 s' in str(exc.value) and 'GetSystemDateAndTime' in str(exc.value)


def test_connection_refused():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    client = OnvifClient('127.0.0.1', 'pw', port=port, timeout=2)
    started = time.monotonic()
    with pytest.raises(OnvifConnectionError) as exc:
        _onvif.get_identity(client)
    assert time.monotonic() - started < 2
    assert 'connection refused' in str(exc.value) and '127.0.0.1:%d' % port in str(exc.value)


def test_environment_proxy_is_ignored(monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.9:9')
    monkeypatch.setenv('http_proxy', 'http://127.0.0.9:9')
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    with FakeCamera() as cam:
        with make_client(cam) as client:
            assert _onvif.get_identity(client)['model'] == 'FC-1'


# ------------------------------------------------------------------------ safety rule --
def test_xaddrs_on_other_hosts_are_rewritten_to_the_given_host_port():
    with FakeCamera(advertise='127.0.1.99:8080') as cam:
        with make_client(cam) as client:
            profiles = _onvif.get_profiles(client)
            services = _onvif.get_services(client)
    assert services == {'http://www.onvif.org/ver10/device/wsdl': '/onvif/device_service',
                        'http://www.onvif.org/ver10/media/wsdl': '/onvif/Media'}
    assert profiles[0]['token'] == 'Profile_1'
    assert [r['path'] for r in cam.requests if r['op'] == 'GetProfiles'] == ['/onvif/Media']
    assert any('http://127.0.1.99:8080' in w and 'http://127.0.0.1:%d' % cam.port in w for w in client.warnings)
    assert client.service_details['http://www.onvif.org/ver10/media/wsdl']['xaddr'] == 'http://127.0.1.99:8080/onvif/Media'


def test_a_host_name_resolving_to_the_advertised_address_gives_no_warning():
    with FakeCamera() as cam:
        with make_client(cam, hostname='localhost') as client:
            assert _onvif.get_services(client)
    assert client.warnings == [] and client.device == 'localhost:%d' % cam.port


def test_address_guard_compares_host_and_port_only():
    guard = client_mod.AddressGuard('[FE80::1]', 8080)
    guard.check('http://[fe80::1]:8080/onvif/device_service')
    guard.check('https://[fe80::1]:8080/x')
    for url in ('http://[fe80::2]:8080/', 'http://[fe80::1]/', 'ftp://[fe80::1]:8080/', 'file:///etc/passwd'):
        with pytest.raises(OnvifAddressRefused):
            guard.check(url)
    assert guard.device == '[FE80::1]:8080'


def _tls_context(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    import ssl
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'fakecam')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / 'cert.pem').write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / 'key.pem').write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'))
    return context


def test_tls_is_verified_unless_validate_certs_is_false(tmp_path):
    with FakeCamera(tls=_tls_context(tmp_path)) as cam:
        with make_client(cam, use_tls=True) as client:
            with pytest.raises(OnvifConnectionError) as exc:
                _onvif.get_identity(client)
        assert 'TLS failed' in str(exc.value) and 'validate_certs' in str(exc.value)
        with make_client(cam, use_tls=True, validate_certs=False) as client:
            assert _onvif.get_identity(client)['model'] == 'FC-1'
            assert _onvif.get_services(client)['http://www.onvif.org/ver10/media/wsdl'] == '/onvif/Media'
    assert client.warnings == [] and client.base_url == 'https://127.0.0.1:%d' % cam.port


def test_same_host_xaddrs_give_no_warning():
    with FakeCamera() as cam:
        with make_client(cam) as client:
            _onvif.get_services(client)
    assert client.warnings == [] and client.discovery_source == 'GetServices'


def test_getservices_refused_falls_back_to_getcapabilities():
    with FakeCamera(services_fault=True) as cam:
        with make_client(cam) as client:
            services = _onvif.get_services(client)
    assert services['http://www.onvif.org/ver10/media/wsdl'] == '/onvif/Media'
    assert client.discovery_source == 'GetCapabilities'


def test_transport_refuses_other_hosts():
    with FakeCamera() as cam:
        client = make_client(cam)
        for url in ('http://127.0.0.2:%d/onvif/device_service' % cam.port, 'http://127.0.0.1:1/x',
                    'http://192.168.0.51:8888/onvif/device_service'):
            with pytest.raises(OnvifAddressRefused):
                client.guard.check(url)
            # the HTTP layer under the client refuses it too (it checks redirects the same way)
            with pytest.raises(_http.HttpAddressRefused):
                client.http.request('POST', url, b'<x/>')
    assert cam.requests == []


def test_redirect_to_another_host_is_refused():
    def redirect(req):
        req['extra_headers'] = {'Location': 'http://127.0.0.5:8000/onvif/device_service'}
        return 307, b'', 'text/plain'

    with FakeCamera(responses={'GetDeviceInformation': redirect}) as cam:
        with make_client(cam) as client:
            with pytest.raises(OnvifAddressRefused) as exc:
                _onvif.get_identity(client)
    assert '127.0.0.5:8000' in str(exc.value) and 'GetDeviceInformation' in str(exc.value)


def test_wsdl_placeholder_addresses_are_never_used():
    with FakeCamera() as cam:
        with make_client(cam) as client:
            _onvif.get_profiles(client)
            for key in ('device', 'media', 'ptz'):
                assert client.service_url(key).startswith('http://127.0.0.1:%d/' % cam.port)
    assert set(r['path'] for r in cam.requests) <= {'/onvif/device_service', '/onvif/Media'}


# ---------------------------------------------------------------------- normalisation --
def test_read_helpers_return_normalised_plain_data():
    with FakeCamera(stream_uri='rtsp://admin:s3cret-Pa55@127.0.0.1:554/live?channel=1&password=s3cret-Pa55') as cam:
        with make_client(cam) as client:
            info = _onvif.get_info(client)
    assert info['mac'] == 'ac:cc:8e:01:02:03'
    network = info['network']
    assert network['addresses'] == ['127.0.0.1/8'] and network['dhcp'] is False
    assert network['gateway'] == {'ipv4': ['127.0.0.254'], 'ipv6': []}
    assert network['dns'] == {'from_dhcp': False, 'servers': ['127.0.0.53'], 'manual': ['127.0.0.53'],
                              'from_dhcp_servers': [], 'search_domains': ['example.org']}
    assert network['ntp']['servers'] == ['ntp.example.org']
    assert network['protocols'][1] == {'name': 'RTSP', 'enabled': True, 'ports': [554]}
    assert info['users'][0] == {'name': 'admin', 'level': 'Administrator'}
    profile = info['profiles'][0]
    assert profile == {'token': 'Profile_1', 'name': 'mainStream', 'fixed': True, 'encoding': 'H264',
                       'resolution': {'width': 1920, 'height': 1080},
                       'stream_uri': 'rtsp://127.0.0.1:554/live?channel=1',
                       'snapshot_uri': 'http://127.0.0.1:%d/snap.jpg?ch=1' % cam.port}
    assert cam.password not in repr(info) and 'should-never-show' not in repr(info)


MEDIA2_SERVICES = fakecam.ENVELOPE % (
    '<tds:GetServicesResponse><tds:Service><tds:Namespace>http://www.onvif.org/ver10/device/wsdl</tds:Namespace>'
    '<tds:XAddr>http://127.0.0.1:1/onvif/device_service</tds:XAddr></tds:Service><tds:Service><tds:Namespace>'
    'http://www.onvif.org/ver20/media/wsdl</tds:Namespace><tds:XAddr>http://127.0.0.1:1/onvif/Media2</tds:XAddr>'
    '</tds:Service></tds:GetServicesResponse>')
MEDIA2_PROFILES = (
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl" '
    'xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body><tr2:GetProfilesResponse><tr2:Profiles token="P0" fixed="true">'
    '<tr2:Name>Main</tr2:Name><tr2:Configurations><tr2:VideoEncoder token="V0"><tt:Name>V0</tt:Name><tt:UseCount>1</tt:UseCount>'
    '<tt:Encoding>H265</tt:Encoding><tt:Resolution><tt:Width>2560</tt:Width><tt:Height>1440</tt:Height></tt:Resolution>'
    '</tr2:VideoEncoder></tr2:Configurations></tr2:Profiles><tr2:Profiles token="P1"><tr2:Name>Audio only</tr2:Name>'
    '</tr2:Profiles></tr2:GetProfilesResponse></s:Body></s:Envelope>')


def _media2_uri(req):
    body = req['body'].decode()
    assert 'http://www.onvif.org/ver20/media/wsdl' in body and 'ProfileToken>P0</' in body, body
    assert req['wsse'] is not None  # raw requests are signed too
    uri = 'rtsp://127.0.0.1:554/live/P0' if req['op'] == 'GetStreamUri' else 'http://127.0.0.1/snap?user=admin&amp;pwd=x'
    return 200, ('<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                 'xmlns:tr2="http://www.onvif.org/ver20/media/wsdl"><s:Body><tr2:%sResponse><tr2:Uri>%s</tr2:Uri>'
                 '</tr2:%sResponse></s:Body></s:Envelope>' % (req['op'], uri, req['op'])), 'application/soap+xml'


def test_media2_only_camera():
    def profiles(req):
        if b'ver20/media' not in req['body']:
            return 500, fakecam.fault(), 'application/soap+xml'
        return 200, MEDIA2_PROFILES, 'application/soap+xml'

    responses = {'GetServices': (200, MEDIA2_SERVICES, 'application/soap+xml'), 'GetProfiles': profiles,
                 'GetStreamUri': lambda req: _media2_uri(req) if b'ProfileToken>P0' in req['body'] else
                 (500, fakecam.fault(), 'application/soap+xml'),
                 'GetSnapshotUri': lambda req: _media2_uri(req) if b'ProfileToken>P0' in req['body'] else
                 (500, fakecam.fault(), 'application/soap+xml')}
    with FakeCamera(responses=responses) as cam:
        with make_client(cam) as client:
            profiles = _onvif.get_profiles(client)
    assert profiles[0] == {'token': 'P0', 'name': 'Main', 'fixed': True, 'encoding': 'H265',
                           'resolution': {'width': 2560, 'height': 1440}, 'stream_uri': 'rtsp://127.0.0.1:554/live/P0',
                           'snapshot_uri': 'http://127.0.0.1/snap'}
    assert profiles[1]['encoding'] is None and profiles[1]['resolution'] is None and profiles[1]['stream_uri'] is None
    assert any('stream URI of profile P1 not available' in w for w in client.warnings)
    assert [r['path'] for r in cam.requests if r['op'] == 'GetProfiles'] == ['/onvif/Media2']
    assert all(b'ver10/media' not in r['body'] for r in cam.requests)  # Media1 is never tried


@pytest.mark.parametrize('raw, expected', [
    ('00047D0EB85C', '00:04:7d:0e:b8:5c'), ('00-04-7D-0E-B8-5C', '00:04:7d:0e:b8:5c'), ('0004.7d0e.b85c', '00:04:7d:0e:b8:5c'),
    ('0:4:7d:e:b8:5c', '00:04:7d:0e:b8:5c'), (' 00:40:8C:FA:B7:54 ', '00:40:8c:fa:b7:54'), ('', None), (None, None),
    ('REDACTED', 'redacted'),
])
def test_normalise_mac(raw, expected):
    assert _onvif.normalise_mac(raw) == expected


@pytest.mark.parametrize('uri, expected', [
    ('rtsp://admin:pw@10.0.0.1:554/a', 'rtsp://10.0.0.1:554/a'),
    ('http://h/snap.cgi?user=admin&pwd=x&chn=1', 'http://h/snap.cgi?chn=1'),
    ('http://h/snap.cgi?loginuse=a&loginpas=b', 'http://h/snap.cgi'),
    ('rtsp://h:554/user=admin_password=abc_channel=1_stream=0&protocol=unicast.sdp?real_stream',
     'rtsp://h:554/user=_password=_channel=1_stream=0&protocol=unicast.sdp?real_stream'),
    ('http://h/cgi?resolution=1280x720 ', 'http://h/cgi?resolution=1280x720'),
    ('rtsp://h/cam/realmonitor?channel=1&subtype=1&unicast=true', 'rtsp://h/cam/realmonitor?channel=1&subtype=1&unicast=true'),
    (None, None),
])
def test_strip_uri_credentials(uri, expected):
    assert _onvif.strip_uri_credentials(uri) == expected


def test_is_auth_and_not_supported_classification():
    assert _onvif.is_auth_fault({'code': 'SOAP-ENV:Sender', 'subcodes': [], 'reason': 'HTTP Error: 401 Unauthorized'})
    assert _onvif.is_auth_fault(None, 401)
    assert not _onvif.is_auth_fault({'code': 'env:Receiver', 'subcodes': ['ter:ActionNotSupported'], 'reason': 'x'})
    assert _onvif.is_not_supported_fault({'code': 'SOAP-ENV:Sender', 'subcodes': [],
                                          'reason': "Method 'tds:GetGeoLocation' not implemented: method name or namespace not recognized"})
    assert not _onvif.is_not_supported_fault({'code': 'SOAP-ENV:Sender', 'subcodes': [], 'reason': ''})


# ----------------------------------------------------------------------- libraries --
def test_missing_library_fails_with_missing_required_lib(monkeypatch):
    class Module:
        def fail_json(self, **kwargs):
            raise RuntimeError(kwargs)

    monkeypatch.setattr(_onvif, 'HAS_ONVIF_LIBS', False)
    monkeypatch.setattr(_onvif, 'ONVIF_IMPORT_ERROR', 'Traceback: No module named lxml')
    with pytest.raises(RuntimeError) as exc:
        _onvif.check_onvif_libs(Module())
    assert '(lxml)' in exc.value.args[0]['msg'] and exc.value.args[0]['exception'].startswith('Traceback')
    monkeypatch.setattr(client_mod, 'HAS_ONVIF_LIBS', False)
    with pytest.raises(OnvifError):
        OnvifClient('127.0.0.1', 'pw')


def test_the_runtime_needs_no_wsdl_files(monkeypatch):
    """onvif-zeep is the schema source at development time only: a module runs without it."""
    class Module:
        def fail_json(self, **kwargs):
            raise RuntimeError(kwargs)

    monkeypatch.setattr(_onvif, 'find_wsdl_dir', lambda: None)
    monkeypatch.setattr(client_mod, 'find_wsdl_dir', lambda: None)
    _onvif.check_onvif_libs(Module())
    with FakeCamera() as cam:
        with make_client(cam) as client:
            assert _onvif.get_identity(client)['model'] == 'FC-1'


def test_wsdl_dir_found_without_importing_onvif():
    import subprocess
    import sys
    folder = _onvif.find_wsdl_dir()
    assert folder and os.path.isfile(os.path.join(folder, 'media.wsdl'))
    # in a fresh interpreter (other tests may import onvif): using the client never imports it
    base = _onvif.__file__
    for dummy in range(7):  # .../ansible_collections/dukcapil/cctv/plugins/module_utils/_onvif/__init__.py
        base = os.path.dirname(base)
    code = ('import sys; sys.path.insert(0, %r); from ansible_collections.dukcapil.cctv.plugins.module_utils import _onvif; '
            'print(bool(_onvif.find_wsdl_dir()), "onvif" in sys.modules)' % base)
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ['True', 'False']


def test_probe_matches_parser():
    body = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
            b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Body><d:ProbeMatches><d:ProbeMatch>'
            b'<a:EndpointReference><a:Address>urn:uuid:1</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>'
            b'<d:Scopes>onvif://www.onvif.org/name/x </d:Scopes><d:XAddrs>http://127.0.0.1/onvif/device_service </d:XAddrs>'
            b'<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>')
    assert _onvif.parse_probe_matches(body) == [{'endpoint': 'urn:uuid:1', 'types': ['dn:NetworkVideoTransmitter'],
                                                 'scopes': ['onvif://www.onvif.org/name/x'],
                                                 'xaddrs': ['http://127.0.0.1/onvif/device_service'], 'metadata_version': 1}]
