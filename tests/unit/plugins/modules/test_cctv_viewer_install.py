# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_viewer_install with the package manager faked (run_command patched) and files in tmp_path."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pwd
import stat
import tarfile

import pytest

from ansible.module_utils import basic
from ansible_collections.dukcapil.cctv.plugins.module_utils import _viewer as viewer
from ansible_collections.dukcapil.cctv.plugins.modules import cctv_viewer_install

VLC_VERSION = '3.0.21-0+deb12u1'
CAMERAS = [
    {'name': 'cam-pintu', 'room': 'Ruang Server', 'position': 'Pintu', 'stream_uri': 'rtsp://admin:s3cret@192.0.2.21:554/ch1'},
    {'name': 'cam-rak', 'room': 'Ruang Server', 'position': 'Rak', 'stream_uri': 'rtsp://192.0.2.22:554/ch1',
     'username': 'viewer', 'password': 'pw-rak'},
    {'name': 'cam-lobi', 'room': 'Lobi', 'position': 'Pintu', 'stream_uri': 'rtsp://192.0.2.23:554/ch1'},
]


class FakeSystem:
    """dpkg/apt-get or rpm/dnf as seen through run_command; a fake package file is 'name version'."""

    def __init__(self):
        self.installed = {}
        self.calls = []

    @property
    def installs(self):
        return [c for c in self.calls if os.path.basename(c[0]) in ('apt-get', 'dnf', 'yum') or c[:2] == ['/usr/bin/rpm', '-U']]

    @staticmethod
    def identity(path):
        with open(path) as f:
            return f.read().split()

    def run(self, argv, **kwargs):
        self.calls.append(list(argv))
        tool = os.path.basename(argv[0])
        if tool == 'dpkg-query':
            name = argv[-1]
            if name in self.installed:
                return 0, 'install ok installed\t' + self.installed[name], ''
            return 1, '', 'dpkg-query: no packages found matching %s\n' % name
        if tool == 'rpm' and argv[1] == '-q':
            name = argv[-1]
            return (0, self.installed[name] + '\n', '') if name in self.installed else (1, 'package %s is not installed\n' % name, '')
        if tool == 'dpkg-deb':
            name, version = self.identity(argv[2])
            return 0, 'Package: %s\nVersion: %s\n' % (name, version), ''
        if tool == 'rpm' and argv[1] == '-qp':
            return 0, '\t'.join(self.identity(argv[-1])), ''
        if tool in ('apt-get', 'dnf', 'yum') or argv[1] == '-U':
            for arg in argv[argv.index('install') + 1 if 'install' in argv else 2:]:
                if os.path.isfile(arg):
                    name, version = self.identity(arg)
                    self.installed[name] = version
                elif not arg.startswith('-'):
                    self.installed[arg] = VLC_VERSION
            return 0, 'done', ''
        raise AssertionError('unexpected command %r' % argv)


@pytest.fixture
def system(monkeypatch, tmp_path):
    fake = FakeSystem()
    home = tmp_path / 'home' / 'piak'
    home.mkdir(parents=True)
    real_getpwnam = pwd.getpwnam

    def getpwnam(name):
        if name == 'piak':
            return pwd.struct_passwd(('piak', 'x', os.getuid(), os.getgid(), 'Operator', str(home), '/bin/sh'))
        return real_getpwnam(name)

    monkeypatch.setattr(pwd, 'getpwnam', getpwnam)
    monkeypatch.setattr(viewer, 'read_os_release', lambda path='/etc/os-release': {'ID': 'debian'})
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: fake.run(argv, **kw))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **kw: '/usr/bin/' + name)
    fake.home = home
    return fake


def args(**extra):
    base = {'operator': 'piak', 'cameras': CAMERAS, 'rooms': ['Ruang Server']}
    base.update(extra)
    return base


def vendor_file(tmp_path, name='vendor-viewer', version='2.4.1-1', ext='.deb'):
    path = tmp_path / ('%s_%s%s' % (name, version, ext))
    path.write_text('%s %s\n' % (name, version))
    return str(path), 'sha256:' + hashlib.sha256(path.read_bytes()).hexdigest()


def playlist(system):
    return system.home / '.local' / 'share' / 'dukcapil-cctv' / 'cameras.m3u'


# --- source: package (VLC) ------------------------------------------------------------------

def test_installs_vlc_and_writes_the_room_playlist(run_module, system):
    result, failed = run_module(cctv_viewer_install.main, args())
    assert not failed, result
    assert result['changed'] and result['changes'] == ['package', 'camera_list', 'launcher']
    assert result['version'] == VLC_VERSION and result['package'] == 'vlc' and result['os_family'] == 'debian'
    assert result['camera_count'] == 2
    apt = system.installs[0]
    assert apt[0] == '/usr/bin/apt-get' and apt[-2:] == ['install', 'vlc']
    text = playlist(system).read_text(encoding='utf-8')
    assert u'#EXTINF:-1,Ruang Server \u2014 Pintu\nrtsp://192.0.2.21:554/ch1\n' in text
    assert u'#EXTINF:-1,Ruang Server \u2014 Rak\nrtsp://192.0.2.22:554/ch1\n' in text
    assert 'Lobi' not in text and 's3cret' not in text and 'pw-rak' not in text and '@' not in text
    assert stat.S_IMODE(os.stat(str(playlist(system))).st_mode) == 0o644
    desktop = system.home / '.local' / 'share' / 'applications' / 'dukcapil-cctv-viewer.desktop'
    assert 'Exec=vlc %s\n' % playlist(system) in desktop.read_text(encoding='utf-8')
    assert result['files'] == [str(playlist(system)), str(desktop)]


def test_second_run_changes_nothing(run_module, system):
    run_module(cctv_viewer_install.main, args())
    calls = len(system.calls)
    result, failed = run_module(cctv_viewer_install.main, args())
    assert not failed and not result['changed'] and result['changes'] == []
    assert system.installs and len(system.installs) == 1  # only the first run installed
    assert all('dpkg-query' in c[0] for c in system.calls[calls:])


def test_installed_package_is_not_installed_again(run_module, system):
    system.installed['vlc'] = '3.0.20-1'
    result, failed = run_module(cctv_viewer_install.main, args())
    assert not failed and 'package' not in result['changes'] and result['version'] == '3.0.20-1'
    assert system.installs == []


def test_check_mode_predicts_and_runs_nothing(run_module, system):
    result, failed = run_module(cctv_viewer_install.main, args(), check_mode=True)
    assert not failed and result['changed'] and result['changes'] == ['package', 'camera_list', 'launcher']
    assert result['version'] is None
    assert system.installs == []
    assert not (system.home / '.local').exists()


def test_check_mode_idempotent(run_module, system):
    run_module(cctv_viewer_install.main, args())
    result, failed = run_module(cctv_viewer_install.main, args(), check_mode=True)
    assert not failed and not result['changed'] and result['version'] == VLC_VERSION


def test_removed_camera_disappears_and_diff_shows_it(run_module, system):
    run_module(cctv_viewer_install.main, args())
    result, failed = run_module(cctv_viewer_install.main, args(cameras=CAMERAS[:1]), diff=True)
    assert not failed and result['changes'] == ['camera_list']
    assert result['camera_count'] == 1
    assert 'Rak' not in playlist(system).read_text(encoding='utf-8')
    list_diff = result['diff'][0]
    assert u'Ruang Server \u2014 Rak' in list_diff['before'] and u'Ruang Server \u2014 Rak' not in list_diff['after']


def test_redhat_family_uses_rpm_and_dnf(run_module, system, monkeypatch):
    monkeypatch.setattr(viewer, 'read_os_release', lambda path='/etc/os-release': {'ID': 'rocky', 'ID_LIKE': 'rhel centos fedora'})
    result, failed = run_module(cctv_viewer_install.main, args())
    assert not failed and result['os_family'] == 'redhat' and result['version'] == VLC_VERSION
    assert system.installs == [['/usr/bin/dnf', '-y', 'install', 'vlc']]
    assert any(c[:2] == ['/usr/bin/rpm', '-q'] for c in system.calls)


def test_unknown_linux_family_fails_clearly(run_module, system, monkeypatch):
    monkeypatch.setattr(viewer, 'read_os_release', lambda path='/etc/os-release': {'ID': 'arch'})
    result, failed = run_module(cctv_viewer_install.main, args())
    assert failed and 'neither of the Debian nor of the RHEL/Fedora family' in result['msg']


def test_not_linux_fails_clearly(run_module, system, monkeypatch):
    monkeypatch.setattr(cctv_viewer_install.platform, 'system', lambda: 'Windows')
    result, failed = run_module(cctv_viewer_install.main, args())
    assert failed and 'Linux workstations only' in result['msg'] and 'windows.yml' in result['msg']


def test_unknown_operator_fails(run_module, system):
    result, failed = run_module(cctv_viewer_install.main, args(operator='nobody-here-xyz'))
    assert failed and "operator account 'nobody-here-xyz' does not exist" in result['msg']


def test_generic_has_no_os_package(run_module, system):
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', executable='/opt/v/bin/v'))
    assert failed and 'names no package for this OS family' in result['msg']


def test_generic_launcher_needs_an_executable(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path)
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='file', src=path, checksum=checksum))
    assert failed and 'set executable' in result['msg']
    assert system.calls == []  # refused before anything was looked at or installed


@pytest.mark.parametrize('missing', ['src', 'checksum'])
def test_file_source_requires_src_and_checksum(run_module, system, tmp_path, missing):
    path, checksum = vendor_file(tmp_path)
    params = args(source='file', src=path, checksum=checksum)
    del params[missing]
    result, failed = run_module(cctv_viewer_install.main, params)
    assert failed and missing in result['msg']


# --- source: file / url ---------------------------------------------------------------------

def test_vendor_file_checksum_mismatch_refused_before_install(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path)
    wrong = 'sha256:' + 'ab' * 32
    for check_mode in (False, True):
        result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='file', src=path, checksum=wrong,
                                                                   executable='/usr/bin/vendor-viewer'), check_mode=check_mode)
        assert failed
        assert 'expected ' + wrong in result['msg'] and 'actual ' + checksum in result['msg']
    assert system.calls == [] and system.installed == {}
    assert not (system.home / '.local').exists()


def test_vendor_file_install_then_idempotent_then_upgrade(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path)
    params = args(profile='generic', source='file', src=path, checksum=checksum, executable='/usr/bin/vendor-viewer')
    result, failed = run_module(cctv_viewer_install.main, params)
    assert not failed and result['changes'] == ['package', 'camera_list', 'launcher']
    assert result['package'] == 'vendor-viewer' and result['version'] == '2.4.1-1'
    assert system.installs[-1][-1] == path and '--allow-downgrades' in system.installs[-1]
    result, failed = run_module(cctv_viewer_install.main, params)
    assert not failed and not result['changed'] and len(system.installs) == 1
    newer, newer_sum = vendor_file(tmp_path, version='2.5.0-1')
    result, failed = run_module(cctv_viewer_install.main, dict(params, src=newer, checksum=newer_sum), check_mode=True)
    assert result['changes'] == ['package'] and result['version'] == '2.5.0-1' and len(system.installs) == 1
    result, failed = run_module(cctv_viewer_install.main, dict(params, src=newer, checksum=newer_sum))
    assert result['changes'] == ['package'] and system.installed['vendor-viewer'] == '2.5.0-1'


def test_rpm_on_debian_is_refused(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path, ext='.rpm')
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='file', src=path, checksum=checksum,
                                                               executable='/usr/bin/v'))
    assert failed and 'this workstation installs .deb packages' in result['msg']


def test_rpm_replacing_another_version_uses_rpm_U(run_module, system, tmp_path, monkeypatch):
    monkeypatch.setattr(viewer, 'read_os_release', lambda path='/etc/os-release': {'ID': 'fedora'})
    system.installed['vendor-viewer'] = '2.0.0-1'
    path, checksum = vendor_file(tmp_path, ext='.rpm')
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='file', src=path, checksum=checksum,
                                                               executable='/usr/bin/v'))
    assert not failed and result['version'] == '2.4.1-1'
    assert system.installs == [['/usr/bin/rpm', '-U', '--oldpackage', path]]


def test_url_source_downloads_then_verifies(run_module, system, tmp_path, monkeypatch):
    path, checksum = vendor_file(tmp_path)
    with open(path, 'rb') as f:
        payload = f.read()
    fetched = []

    def fake_fetch_url(module, url, **kwargs):
        fetched.append(url)
        return io.BytesIO(payload), {'status': 200, 'msg': 'OK'}

    monkeypatch.setattr(viewer, 'fetch_url', fake_fetch_url)
    params = args(profile='generic', source='url', src='http://127.0.0.1:8000/vendor-viewer_2.4.1.deb', checksum=checksum,
                  executable='/usr/bin/vendor-viewer')
    result, failed = run_module(cctv_viewer_install.main, params)
    assert not failed and result['version'] == '2.4.1-1' and fetched == [params['src']]
    assert system.installs[-1][-1].endswith('viewer-vendor-viewer_2.4.1.deb')
    result, failed = run_module(cctv_viewer_install.main, dict(params, checksum='sha256:' + '0' * 64))
    assert failed and 'checksum mismatch' in result['msg'] and len(system.installs) == 1


def test_url_source_http_error(run_module, system, monkeypatch):
    monkeypatch.setattr(viewer, 'fetch_url', lambda module, url, **kw: (None, {'status': 404, 'msg': 'Not Found'}))
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='url', src='http://127.0.0.1:1/x.deb',
                                                               checksum='sha256:' + '0' * 64, executable='/usr/bin/v'))
    assert failed and 'HTTP 404 Not Found' in result['msg']


def test_url_source_needs_a_url(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path)
    result, failed = run_module(cctv_viewer_install.main, args(source='url', src=path, checksum=checksum))
    assert failed and 'http:// or https://' in result['msg']


# --- credentials in the file ----------------------------------------------------------------

def test_credentials_file_is_0600_for_the_operator_and_masked_in_diff(run_module, system, tmp_path):
    path, checksum = vendor_file(tmp_path)
    params = args(profile='generic', source='file', src=path, checksum=checksum, executable='/usr/bin/vendor-viewer')
    result, failed = run_module(cctv_viewer_install.main, params, diff=True)
    assert not failed
    cam_list = system.home / '.local' / 'share' / 'dukcapil-cctv' / 'cameras.json'
    info = os.stat(str(cam_list))
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == os.getuid()
    doc = json.loads(cam_list.read_text(encoding='utf-8'))
    assert [c['password'] for c in doc['cameras']] == ['s3cret', 'pw-rak']
    assert all('@' not in c['stream_uri'] for c in doc['cameras'])
    dumped = json.dumps(result)
    assert 's3cret' not in dumped and 'pw-rak' not in dumped and viewer.MASK in result['diff'][0]['after']
    # without passwords the list is readable again
    result, failed = run_module(cctv_viewer_install.main, dict(params, cameras=[CAMERAS[2]], rooms=None))
    assert result['changes'] == ['camera_list', 'launcher']
    assert stat.S_IMODE(os.stat(str(cam_list)).st_mode) == 0o644


def test_profile_override_to_xspf_with_credentials_in_uri(run_module, system):
    overrides = {'camera_list': {'path': '{home}/Videos/cctv.xspf', 'format': 'xspf', 'credentials': 'uri'}}
    system.installed['vlc'] = VLC_VERSION
    result, failed = run_module(cctv_viewer_install.main, args(profile_overrides=overrides), diff=True)
    assert not failed
    path = system.home / 'Videos' / 'cctv.xspf'
    assert result['camera_list'] == str(path)
    text = path.read_text(encoding='utf-8')
    assert 'rtsp://admin:s3cret@192.0.2.21:554/ch1' in text and 'rtsp://viewer:pw-rak@192.0.2.22:554/ch1' in text
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert 's3cret' not in json.dumps(result)


def test_camera_list_path_option_and_no_launcher(run_module, system, tmp_path):
    system.installed['vlc'] = VLC_VERSION
    target = tmp_path / 'lists' / 'room.m3u'
    result, failed = run_module(cctv_viewer_install.main, args(camera_list_path=str(target), launcher=False))
    assert not failed and result['changes'] == ['camera_list'] and result['launcher'] is None
    assert result['files'] == [str(target)] and target.is_file()


def test_no_camera_in_the_room_warns(run_module, system, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, text: warnings.append(text))
    system.installed['vlc'] = VLC_VERSION
    result, failed = run_module(cctv_viewer_install.main, args(rooms=['Gudang']))
    assert not failed and result['camera_count'] == 0
    assert warnings == ['no camera is in the room(s) Gudang: the camera list is empty']


def test_bad_override_fails(run_module, system):
    result, failed = run_module(cctv_viewer_install.main, args(profile_overrides={'camera_list': {'format': 'pdf'}}))
    assert failed and 'camera_list needs a path and a format' in result['msg']


# --- source: archive ------------------------------------------------------------------------

def _archive(tmp_path, version):
    path = tmp_path / ('viewer-%s.tar.gz' % version)
    script = ('#!/bin/sh\necho "viewer %s"\n' % version).encode()
    with tarfile.open(str(path), 'w:gz') as tar:
        info = tarfile.TarInfo('bin/viewer')
        info.mode, info.size = 0o755, len(script)
        tar.addfile(info, io.BytesIO(script))
    return str(path), 'sha256:' + hashlib.sha256(path.read_bytes()).hexdigest()


def test_archive_into_prefix(run_module, system, tmp_path, monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: (0, 'viewer 1.2.0\n', ''))
    src, checksum = _archive(tmp_path, '1.2.0')
    prefix = tmp_path / 'opt' / 'viewer'
    params = args(profile='generic', source='archive', src=src, checksum=checksum, prefix=str(prefix), executable='bin/viewer')
    result, failed = run_module(cctv_viewer_install.main, params, check_mode=True)
    assert not failed and result['changes'] == ['package', 'camera_list', 'launcher'] and result['version'] is None
    assert not prefix.exists()
    result, failed = run_module(cctv_viewer_install.main, params)
    assert not failed and result['changes'] == ['package', 'camera_list', 'launcher'] and result['version'] == '1.2.0'
    assert result['package'] is None
    assert (prefix / 'bin' / 'viewer').is_file() and (prefix / 'cameras.json').is_file()
    desktop = (prefix / 'dukcapil-cctv-viewer.desktop').read_text(encoding='utf-8')
    assert 'Exec=%s/bin/viewer %s/cameras.json\n' % (prefix, prefix) in desktop
    assert result['files'] == [str(prefix / 'cameras.json'), str(prefix / 'dukcapil-cctv-viewer.desktop'), str(prefix / viewer.MARKER)]
    for check_mode in (True, False):
        result, failed = run_module(cctv_viewer_install.main, params, check_mode=check_mode)
        assert not failed and not result['changed'] and result['version'] == '1.2.0'


def test_archive_needs_an_absolute_prefix(run_module, system, tmp_path):
    src, checksum = _archive(tmp_path, '1.2.0')
    result, failed = run_module(cctv_viewer_install.main, args(profile='generic', source='archive', src=src, checksum=checksum,
                                                               prefix='relative/dir', executable='bin/viewer'))
    assert failed and 'prefix must be an absolute path' in result['msg']
