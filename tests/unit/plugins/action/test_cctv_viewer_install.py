# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cctv_viewer_install action plugin with the modules it drives mocked.

``Workstation`` stands for the workstation: it answers the plugin's module calls (setup, getent,
stat, get_url, apt, dnf, find, slurp, file, unarchive), its action calls (package, copy, fetch,
win_copy) and its read-only commands, and records them. The Linux path is also tested for real
in tests/integration/test_cctv_viewer_install.py; the Windows path only here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
from unittest.mock import MagicMock

import pytest

from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible_collections.dukcapil.cctv.plugins.action import cctv_viewer_install as plugin
from ansible_collections.dukcapil.cctv.plugins.module_utils import _viewer as viewer

VLC_VERSION = '3.0.21-0+deb12u1'
HOME = '/home/piak'
CAMERAS = [
    {'name': 'cam-pintu', 'room': 'Ruang Server', 'position': 'Pintu', 'stream_uri': 'rtsp://admin:s3cret@192.0.2.21:554/ch1'},
    {'name': 'cam-rak', 'room': 'Ruang Server', 'position': 'Rak', 'stream_uri': 'rtsp://192.0.2.22:554/ch1',
     'username': 'viewer', 'password': 'pw-rak'},
    {'name': 'cam-lobi', 'room': 'Lobi', 'position': 'Pintu', 'stream_uri': 'rtsp://192.0.2.23:554/ch1'},
]
SUM = 'a' * 64


class Workstation:
    """A scripted workstation: what its modules answer, and every call the plugin made."""

    def __init__(self, family='Debian', system='Linux', windows=False):
        self.facts = {'ansible_system': system, 'ansible_os_family': family}
        self.windows = windows
        self.installed = {}          # package -> version
        self.files = {}              # path -> content
        self.folders = {'/', '/home', HOME}
        self.links = []
        self.checksums = {}          # path on the workstation -> sha256
        self.package_files = {}      # path -> (name, version)
        self.archives = {}           # path on the workstation -> local archive file
        self.download = {}           # url -> (sha256, local archive or None)
        self.win_product = False
        self.calls = []
        self.check_mode = False

    def names(self):
        return [c[0] for c in self.calls]

    def module(self, name, args, what, really=False):
        self.calls.append((name, args, really))
        short = name.rsplit('.', 1)[-1]
        if short == 'tempfile':
            return {'path': '/tmp/dukcapil-cctv-viewer.x1'}
        if short == 'setup':
            return {'ansible_facts': dict(self.facts)}
        if short == 'getent':
            if args['key'] != 'piak':
                raise plugin.StepFailed(what, {'msg': 'One or more supplied key could not be found in the database.'})
            return {'ansible_facts': {'getent_passwd': {'piak': ['x', '1000', '1000', 'Operator', HOME, '/bin/sh']}}}
        if short == 'stat':
            path = args['path']
            return {'stat': {'exists': path in self.checksums, 'isreg': True, 'checksum': self.checksums.get(path)}}
        if short == 'get_url':
            digest, archive = self.download[args['url']]
            if args['checksum'] != 'sha256:' + digest:
                raise plugin.StepFailed(what, {'msg': 'The checksum for %s did not match %s; it was %s.'
                                                      % (args['dest'], args['checksum'].split(':')[1], digest)})
            self.checksums[args['dest']] = digest
            if archive:
                self.archives[args['dest']] = archive
            else:
                self.package_files[args['dest']] = self.package_files[args['url']]
            return {'changed': True, 'dest': args['dest']}
        if short in ('apt', 'dnf'):
            name, version = self.package_files[args.get('deb') or args.get('name')]
            if not self.check_mode:
                self.installed[name] = version
            return {'changed': True}
        if short == 'find':
            prefix = args['paths'][0].rstrip('/')
            found = [{'path': p, 'islnk': p in self.links, 'isdir': False} for p in self.files if p.startswith(prefix + '/')]
            return {'files': found}
        if short == 'slurp':
            return {'content': base64.b64encode(self.files[args['src']].encode()).decode()}
        if short == 'file':
            if args['state'] == 'absent' and args['path'] == '/tmp/dukcapil-cctv-viewer.x1':
                self.scratch_removed = True
            elif args['state'] == 'absent':
                self.files.pop(args['path'], None)
            elif not self.check_mode:
                path = args['path']
                while path not in self.folders:
                    self.folders.add(path)
                    path = path.rsplit('/', 1)[0] or '/'
            return {'changed': True}
        if short == 'unarchive':
            with tarfile.open(self.archives[args['src']]) as tar:
                for m in tar.getmembers():
                    if m.isfile():
                        self.files[args['dest'] + '/' + m.name] = tar.extractfile(m).read().decode()
            return {'changed': True}
        if short == 'win_package':
            changed = not self.win_product
            self.win_product = self.win_product or not self.check_mode
            return {'changed': changed}
        if short == 'win_file':
            return {'changed': False}
        raise AssertionError('unexpected module %s' % name)

    def action(self, name, args, what, really=False):
        self.calls.append((name, args, really))
        short = name.rsplit('.', 1)[-1]
        if short == 'package':
            missing = [n for n in args['name'] if n not in self.installed]
            if missing and not self.check_mode:
                self.installed.update((n, VLC_VERSION) for n in missing)
            return {'changed': bool(missing)}
        if short in ('copy', 'win_copy'):
            dest = args['dest']
            folder = dest.rsplit('/', 1)[0] if short == 'copy' else None
            if folder is not None and folder not in self.folders:
                raise plugin.StepFailed(what, {'msg': 'Destination directory %s does not exist' % folder})
            before = self.files.get(dest)
            changed = before != args['content']
            if changed and not self.check_mode:
                self.files[dest] = args['content']
            result = {'changed': changed}
            if changed:
                result['diff'] = [{'before': before or '', 'after': args['content']}]
            return result
        if short == 'fetch':
            shutil.copy(self.archives[args['src']], args['dest'])
            return {'changed': True}
        raise AssertionError('unexpected action %s' % name)

    def read(self, argv, what):
        self.calls.append(('command', argv, True))
        if argv[0] == 'dpkg-query':
            name = argv[-1]
            return (0, 'install ok installed\t' + self.installed[name]) if name in self.installed else (1, '')
        if argv[:2] == ['rpm', '-q']:
            name = argv[-1]
            return (0, self.installed[name] + '\n') if name in self.installed else (1, 'package %s is not installed' % name)
        if argv[0] == 'dpkg-deb':
            name, version = self.package_files[argv[2]]
            return 0, 'Package: %s\nVersion: %s\n' % (name, version)
        if argv[:2] == ['rpm', '-qp']:
            return 0, '%s\t%s' % self.package_files[argv[-1]]
        if argv[-1] == '--version':
            if argv[0] not in self.files:
                raise plugin.StepFailed(what, {'msg': '[Errno 2] No such file or directory'})
            return 0, 'cctv-viewer 1.0.0\n'
        raise AssertionError('unexpected command %r' % argv)


@pytest.fixture
def workstation():
    return Workstation()


@pytest.fixture
def run(workstation):
    """run(args, check=False, diff=False, facts=None) -> the plugin's result."""
    def _run(args, check=False, diff=False, facts=None):
        task = Task()
        task.args = dict(args)
        task.check_mode = check
        task.diff = diff
        connection = MagicMock()
        connection._shell.tmpdir = None
        connection._shell.SHELL_FAMILY = 'powershell' if workstation.windows else 'sh'
        action = plugin.ActionModule(task, connection, PlayContext(), MagicMock(), MagicMock(), MagicMock())
        workstation.check_mode = check
        action._module = workstation.module
        action._action = workstation.action
        action._read = workstation.read
        action._make_tmp_path = lambda *a, **kw: '/tmp/ansible-remote'
        action._remove_tmp_path = lambda *a, **kw: None
        return action.run(task_vars={'ansible_facts': facts} if facts else {})
    return _run


def args(**extra):
    base = {'operator': 'piak', 'cameras': CAMERAS, 'rooms': ['Ruang Server']}
    base.update(extra)
    return base


PLAYLIST = HOME + '/.local/share/dukcapil-cctv/cameras.m3u'
LAUNCHER = HOME + '/.local/share/applications/dukcapil-cctv-viewer.desktop'


# --- Linux: the profile's OS packages -------------------------------------------------------------

def test_installs_vlc_with_package_and_writes_the_room_playlist(run, workstation):
    result = run(args())
    assert not result.get('failed'), result
    assert result['changes'] == ['package', 'camera_list', 'launcher']
    assert (result['package'], result['version'], result['os_family']) == ('vlc', VLC_VERSION, 'debian')
    package = [c for c in workstation.calls if c[0] == 'ansible.legacy.package']
    assert package == [('ansible.legacy.package', {'name': ['vlc'], 'state': 'present'}, False)]
    text = workstation.files[PLAYLIST]
    assert text.splitlines()[:2] == ['#EXTM3U', u'#PLAYLIST:CCTV \u2014 Ruang Server']
    assert 'rtsp://192.0.2.21:554/ch1' in text and 's3cret' not in text and 'pw-rak' not in text and 'Lobi' not in text
    copy = [c[1] for c in workstation.calls if c[0] == 'ansible.legacy.copy' and c[1]['dest'] == PLAYLIST][-1]
    assert (copy['mode'], copy['owner'], copy['group']) == ('0644', 'piak', '1000')
    folder = [c[1] for c in workstation.calls if c[0] == 'ansible.legacy.file'][0]
    assert folder == {'path': HOME + '/.local/share/dukcapil-cctv', 'state': 'directory', 'owner': 'piak', 'group': '1000'}
    assert 'Exec=vlc %s\n' % PLAYLIST in workstation.files[LAUNCHER]
    assert result['files'] == [PLAYLIST, LAUNCHER] and result['camera_count'] == 2


def test_second_run_changes_nothing(run, workstation):
    run(args())
    result = run(args())
    assert result['changed'] is False and result['changes'] == [] and result['version'] == VLC_VERSION


def test_gathered_facts_spare_the_setup_call(run, workstation):
    run(args(), facts={'system': 'Linux', 'os_family': 'Debian'})
    assert 'ansible.legacy.setup' not in workstation.names()


def test_check_mode_predicts_and_changes_nothing(run, workstation):
    result = run(args(), check=True)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and result['version'] is None
    assert workstation.installed == {} and workstation.files == {}


def test_check_mode_idempotent(run, workstation):
    run(args())
    result = run(args(), check=True)
    assert result['changed'] is False


def test_diff_masks_every_password(run, workstation):
    workstation.installed['vlc'] = VLC_VERSION
    result = run(args(profile_overrides={'camera_list': {'credentials': 'uri'}}), diff=True)
    text = json.dumps(result['diff'])
    assert 's3cret' not in text and 'pw-rak' not in text and viewer.MASK in text
    copy = [c[1] for c in workstation.calls if c[0] == 'ansible.legacy.copy' and c[1]['dest'] == PLAYLIST][-1]
    assert copy['mode'] == '0600' and 's3cret' in copy['content']


def test_redhat_family_and_unknown_family(run, workstation):
    workstation.facts['ansible_os_family'] = 'RedHat'
    result = run(args())
    assert result['os_family'] == 'redhat' and result['version'] == VLC_VERSION
    assert ['rpm', '-q', '--qf', '%{VERSION}-%{RELEASE}\\n', 'vlc'] in [c[1] for c in workstation.calls if c[0] == 'command']
    workstation.facts['ansible_os_family'] = 'Archlinux'
    result = run(args())
    assert result['failed'] and 'neither of the Debian nor of the RHEL/Fedora family' in result['msg']


def test_not_linux_and_unknown_operator(run, workstation):
    assert "the operator account 'nobody-here' does not exist" in run(args(operator='nobody-here'))['msg']
    workstation.facts['ansible_system'] = 'FreeBSD'
    assert 'this host runs FreeBSD' in run(args())['msg']


def test_option_errors_name_the_option_before_the_workstation_is_asked(run, workstation):
    assert 'src' in run(args(source='file'))['msg']
    assert 'set executable' in run(args(profile='generic', source='file', src='/x.deb', checksum='sha256:' + SUM))['msg']
    assert 'checksum must be sha256' in run(args(source='file', src='/x.deb', checksum='md5:abc'))['msg']
    assert 'needs an http' in run(args(source='url', src='/x.deb', checksum='sha256:' + SUM))['msg']
    assert 'operator is required' in run(args(operator=None))['msg']
    assert workstation.calls == []


def test_no_camera_in_the_room_warns(run, workstation):
    result = run(args(rooms=['Gudang']))
    assert result['camera_count'] == 0 and 'no camera is in the room(s) Gudang' in result['warnings'][0]


# --- Linux: a vendor package file or URL ----------------------------------------------------------

def test_vendor_file_checksum_mismatch_refused_before_install(run, workstation):
    workstation.checksums['/srv/v.deb'] = 'b' * 64
    result = run(args(profile='generic', executable='/opt/v/bin/viewer', source='file', src='/srv/v.deb', checksum='sha256:' + SUM))
    assert result['failed'] and 'checksum mismatch for /srv/v.deb: expected sha256:%s, actual sha256:%s' % (SUM, 'b' * 64) in result['msg']
    assert not {'ansible.legacy.apt', 'ansible.legacy.copy'} & set(workstation.names())


def test_vendor_file_installed_with_apt_then_idempotent(run, workstation):
    workstation.checksums['/srv/v.deb'] = SUM
    workstation.package_files['/srv/v.deb'] = ('vendor-viewer', '2.4.1-1')
    params = args(profile='generic', executable='/opt/v/bin/viewer', source='file', src='/srv/v.deb', checksum='sha256:' + SUM)
    result = run(params)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and result['package'] == 'vendor-viewer'
    assert ('ansible.legacy.apt', {'deb': '/srv/v.deb', 'allow_downgrade': True}, False) in workstation.calls
    assert run(params)['changed'] is False


def test_rpm_on_debian_refused_and_rpm_with_dnf(run, workstation):
    params = args(profile='generic', executable='/opt/v/bin/viewer', source='file', src='/srv/v.rpm', checksum='sha256:' + SUM)
    assert 'is a .rpm package; this workstation installs .deb packages' in run(params)['msg']
    workstation.facts['ansible_os_family'] = 'RedHat'
    workstation.checksums['/srv/v.rpm'] = SUM
    workstation.package_files['/srv/v.rpm'] = ('vendor-viewer', '2.4.1-1')
    result = run(params)
    assert result['version'] == '2.4.1-1'
    dnf = [c for c in workstation.calls if c[0] == 'ansible.legacy.dnf'][0]
    assert dnf[1]['name'] == '/srv/v.rpm' and dnf[1]['allow_downgrade'] is True


def test_url_is_downloaded_outside_check_mode_and_verified(run, workstation):
    url = 'http://127.0.0.1:8080/v.deb'
    workstation.package_files[url] = ('vendor-viewer', '2.4.1-1')
    workstation.download[url] = (SUM, None)
    result = run(args(profile='generic', executable='/opt/v/bin/viewer', source='url', src=url, checksum='sha256:' + SUM), check=True)
    get_url = [c for c in workstation.calls if c[0] == 'ansible.legacy.get_url'][0]
    assert get_url[2] is True and get_url[1]['checksum'] == 'sha256:' + SUM
    assert get_url[1]['dest'] == '/tmp/dukcapil-cctv-viewer.x1/v.deb' and workstation.scratch_removed
    assert result['changes'][0] == 'package' and result['version'] == '2.4.1-1' and workstation.installed == {}
    wrong = run(args(profile='generic', executable='/opt/v/bin/viewer', source='url', src=url, checksum='sha256:' + 'c' * 64))
    assert 'checksum mismatch for %s: expected sha256:%s, actual sha256:%s' % (url, 'c' * 64, SUM) in wrong['msg']


# --- Linux: a portable archive --------------------------------------------------------------------

def _archive(path, members):
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    return str(path), hashlib.sha256(path.read_bytes()).hexdigest()


def test_archive_checked_then_extracted_then_idempotent(run, workstation, tmp_path):
    local, digest = _archive(tmp_path / 'v.tgz', [('bin/cctv-viewer', b'#!/bin/sh\necho 1.0.0\n'), ('share/readme', b'x')])
    workstation.archives['/srv/v.tgz'] = local
    workstation.checksums['/srv/v.tgz'] = digest
    params = args(profile='generic', source='archive', src='/srv/v.tgz', checksum='sha256:' + digest, prefix='/opt/v',
                  executable='bin/cctv-viewer')
    predicted = run(params, check=True)
    assert predicted['changes'] == ['package', 'camera_list', 'launcher'] and predicted['version'] is None
    assert 'ansible.legacy.unarchive' not in workstation.names() and workstation.files == {}
    result = run(params)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and result['version'] == '1.0.0'
    assert result['os_family'] is None and 'ansible.legacy.setup' not in workstation.names()
    marker = json.loads(workstation.files['/opt/v/' + viewer.MARKER])
    assert marker['checksum'] == 'sha256:' + digest and marker['files'] == ['bin/cctv-viewer', 'share/readme']
    assert '/opt/v/cameras.json' in workstation.files
    assert 'Exec=/opt/v/bin/cctv-viewer /opt/v/cameras.json' in workstation.files['/opt/v/dukcapil-cctv-viewer.desktop']
    workstation.calls = []
    assert run(params)['changed'] is False
    assert 'ansible.legacy.fetch' not in workstation.names()


def test_a_bad_archive_is_refused_before_anything_is_written(run, workstation, tmp_path):
    local, digest = _archive(tmp_path / 'bad.tgz', [('bin/cctv-viewer', b'x'), ('../../escaped', b'evil')])
    workstation.archives['/srv/bad.tgz'] = local
    workstation.checksums['/srv/bad.tgz'] = digest
    result = run(args(profile='generic', source='archive', src='/srv/bad.tgz', checksum='sha256:' + digest, prefix='/opt/v',
                      executable='bin/cctv-viewer'))
    assert result['failed'] and "the archive holds a path leaving its prefix '../../escaped'" in result['msg']
    assert not {'ansible.legacy.unarchive', 'ansible.legacy.file', 'ansible.legacy.copy'} & set(workstation.names())


def test_a_new_archive_removes_the_files_of_the_old_one(run, workstation, tmp_path):
    old, old_digest = _archive(tmp_path / 'a.tgz', [('bin/cctv-viewer', b'1'), ('share/old', b'x')])
    new, new_digest = _archive(tmp_path / 'b.tgz', [('bin/cctv-viewer', b'2')])
    workstation.archives.update({'/srv/a.tgz': old, '/srv/b.tgz': new})
    workstation.checksums.update({'/srv/a.tgz': old_digest, '/srv/b.tgz': new_digest})
    params = args(profile='generic', source='archive', prefix='/opt/v', executable='bin/cctv-viewer')
    run(dict(params, src='/srv/a.tgz', checksum='sha256:' + old_digest))
    result = run(dict(params, src='/srv/b.tgz', checksum='sha256:' + new_digest))
    assert result['changes'] == ['package'] and '/opt/v/share/old' not in workstation.files


def test_an_existing_link_in_the_prefix_is_not_followed(run, workstation, tmp_path):
    local, digest = _archive(tmp_path / 'v.tgz', [('share/readme', b'x')])
    workstation.archives['/srv/v.tgz'] = local
    workstation.checksums['/srv/v.tgz'] = digest
    workstation.files['/opt/v/share'] = ''
    workstation.links.append('/opt/v/share')
    result = run(args(profile='generic', source='archive', src='/srv/v.tgz', checksum='sha256:' + digest, prefix='/opt/v',
                      executable='bin/cctv-viewer'))
    assert "would write through the existing link 'share'" in result['msg']


# --- Windows (ansible.windows mocked) -------------------------------------------------------------

WIN_ARGS = {'source': 'url', 'src': 'https://files.example.org/vlc-3.0.21-win64.exe', 'checksum': 'sha256:' + SUM,
            'cameras': CAMERAS, 'rooms': ['Ruang Server']}


@pytest.fixture
def windows(workstation):
    workstation.windows = True
    return workstation


def test_windows_installs_with_win_package_and_writes_with_win_copy(run, windows):
    result = run(WIN_ARGS, diff=True)
    assert not result.get('failed'), result
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and result['os_family'] == 'windows'
    package = [c[1] for c in windows.calls if c[0] == 'ansible.windows.win_package'][0]
    assert package == {'path': WIN_ARGS['src'], 'product_id': 'VLC media player', 'arguments': '/S', 'checksum': SUM,
                       'checksum_algorithm': 'sha256', 'validate_certs': True, 'state': 'present'}
    assert ('ansible.windows.win_file', {'path': 'C:\\Users\\Public\\Documents\\dukcapil-cctv', 'state': 'directory'}, False) in windows.calls
    playlist = windows.files[viewer.WINDOWS['camera_list']]
    assert playlist.splitlines()[:2] == ['#EXTM3U', u'#PLAYLIST:CCTV \u2014 Ruang Server']
    assert 's3cret' not in playlist and 'pw-rak' not in playlist and 'rtsp://192.0.2.21:554/ch1' in playlist
    launcher = windows.files[viewer.WINDOWS['launcher']]
    assert launcher.endswith('start "" "C:\\Program Files\\VideoLAN\\VLC\\vlc.exe" "%s"\r\n' % viewer.WINDOWS['camera_list'])
    assert not {'ansible.legacy.setup', 'ansible.legacy.getent', 'command'} & set(windows.names())
    assert run(WIN_ARGS)['changed'] is False


def test_windows_check_mode_and_own_paths(run, windows):
    params = dict(WIN_ARGS, product_id='{23170F69-40C1-2702-2201-000001000000}', installer_arguments='/quiet',
                  camera_list_path='D:\\cctv\\kamera.m3u', executable='D:\\vlc\\vlc.exe',
                  profile_overrides={'launcher': {'path': 'D:\\cctv\\CCTV.cmd'}})
    result = run(params, check=True)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and windows.files == {} and not windows.win_product
    package = [c[1] for c in windows.calls if c[0] == 'ansible.windows.win_package'][0]
    assert (package['product_id'], package['arguments']) == (params['product_id'], '/quiet')
    assert result['camera_list'] == 'D:\\cctv\\kamera.m3u' and result['launcher'] == 'D:\\cctv\\CCTV.cmd'


@pytest.mark.parametrize('extra, message', [
    ({'profile': 'generic'}, 'vlc profile only'),
    ({'source': 'package'}, 'source=file or source=url'),
    ({'source': 'archive', 'prefix': 'C:\\v'}, 'source=file or source=url'),
    ({'checksum': 'sha1:' + 'a' * 40}, 'checksum must be sha256'),
])
def test_windows_refusals(run, windows, extra, message):
    result = run(dict(WIN_ARGS, **extra))
    assert result['failed'] and message in result['msg']
    assert 'ansible.windows.win_package' not in windows.names()


def test_windows_win_package_failure_names_the_step(run, windows):
    def failing(name, args, what, really=False):
        raise plugin.StepFailed(what, {'msg': 'unexpected rc from install: 1603'})
    windows.module = failing
    result = run(WIN_ARGS)
    assert result['failed'] and 'installing %s (win_package) failed: unexpected rc from install: 1603' % WIN_ARGS['src'] in result['msg']


# --- How the plugin runs modules --------------------------------------------------------------------

def test_read_only_commands_run_outside_check_mode_and_check_mode_is_restored(workstation):
    task = Task()
    task.args = {}
    task.check_mode = True
    connection = MagicMock()
    connection._shell.tmpdir = None
    action = plugin.ActionModule(task, connection, PlayContext(), MagicMock(), MagicMock(), MagicMock())
    action._task_vars = {}
    seen = []
    action._execute_module = lambda module_name, module_args, task_vars: seen.append((module_name, task.check_mode)) or {'rc': 0, 'stdout': 'ok'}
    assert action._read(['dpkg-query', '-W', 'vlc'], 'asking') == (0, 'ok')
    action._module('ansible.legacy.stat', {'path': '/x'}, 'reading')
    assert seen == [('ansible.legacy.command', False), ('ansible.legacy.stat', True)] and task.check_mode is True
    action._execute_module = lambda module_name, module_args, task_vars: {'failed': True, 'msg': 'boom'}
    with pytest.raises(plugin.StepFailed, match='reading failed: boom'):
        action._module('ansible.legacy.stat', {'path': '/x'}, 'reading')
