# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_viewer_install for real on this machine, through ansible-playbook.

The action plugin drives Ansible's own modules on the workstation (localhost here): apt with a
.deb, stat and get_url for the checksum, fetch and unarchive for the archive, copy for the files.
The Windows path is tested at the plugin level (tests/unit/plugins/action/).

A tiny ``dukcapil-test-viewer`` .deb is built here with dpkg-deb, installed from a local file
and from an HTTP server on 127.0.0.1, and removed again with ``dpkg -r``. The portable archive
is the demo's (tools/make_demo_viewer.py) extracted under tmp_path. Nothing comes from the
network and no real viewer (VLC) is installed: the tests use the ``generic`` profile.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import http.server
import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
import threading

import pytest

import make_demo_viewer

pytestmark = pytest.mark.integration

PACKAGE = 'dukcapil-test-viewer'
SCRIPT = '/usr/local/bin/' + PACKAGE
NO_PROXY = {'no_proxy': '127.0.0.1,localhost', 'NO_PROXY': '127.0.0.1,localhost'}
CAMERAS = [
    {'name': 'cam-pintu', 'room': 'Ruang Server', 'position': 'Pintu', 'stream_uri': 'rtsp://127.0.0.1:8554/pintu',
     'username': 'viewer', 'password': 'Rahasia-123'},
    {'name': 'cam-rak', 'room': 'Ruang Server', 'position': 'Rak', 'stream_uri': 'rtsp://admin:Admin-456@127.0.0.1:8554/rak'},
    {'name': 'cam-lobi', 'room': 'Lobi', 'position': 'Pintu', 'stream_uri': 'rtsp://127.0.0.1:8554/lobi'},
]


def installed_version():
    proc = subprocess.run(['dpkg-query', '-W', '-f=${Status}\t${Version}', PACKAGE], capture_output=True, text=True, check=False)
    status, dummy, version = proc.stdout.partition('\t')
    return version if proc.returncode == 0 and status.endswith(' installed') else None


def remove_package():
    if installed_version() is not None:
        subprocess.run(['dpkg', '-r', PACKAGE], check=True, capture_output=True)


@pytest.fixture
def test_package():
    """Exclusive use of the test package (xdist workers share dpkg); removed at the end."""
    if os.geteuid() != 0 or not shutil.which('dpkg-deb') or not shutil.which('apt-get'):
        pytest.skip('needs root on a Debian-family machine')
    with open('/tmp/dukcapil-cctv-test-viewer.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        remove_package()
        try:
            yield
        finally:
            remove_package()


def build_deb(folder, version):
    """Build dukcapil-test-viewer_<version>_all.deb in ``folder``; return (path, sha256 checksum)."""
    root = folder / ('pkg-' + version)
    (root / 'DEBIAN').mkdir(parents=True)
    (root / 'usr' / 'local' / 'bin').mkdir(parents=True)
    (root / 'DEBIAN' / 'control').write_text(
        'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: dukcapil.cctv tests <root@localhost>\n'
        'Section: misc\nPriority: optional\nDescription: dukcapil.cctv integration test viewer\n'
        ' Prints its version; installed and removed by the integration tests.\n' % (PACKAGE, version))
    script = root / 'usr' / 'local' / 'bin' / PACKAGE
    script.write_text('#!/bin/sh\necho "%s %s"\n' % (PACKAGE, version))
    script.chmod(0o755)
    deb = folder / ('%s_%s_all.deb' % (PACKAGE, version))
    subprocess.run(['dpkg-deb', '--root-owner-group', '--build', str(root), str(deb)], check=True, capture_output=True)
    return deb, 'sha256:' + hashlib.sha256(deb.read_bytes()).hexdigest()


@pytest.fixture
def http_root(tmp_path):
    """An HTTP server on 127.0.0.1 (random port) serving a folder; yields (folder, base URL)."""
    folder = tmp_path / 'www'
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, 'http://127.0.0.1:%d' % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def viewer(run_playbook, tmp_path):
    """viewer(module_args, check=False, diff=False, fails=False) -> (module result, PlaybookResult)."""
    counter = [0]

    def _run(module_args, check=False, diff=False, fails=False):
        counter[0] += 1
        out = tmp_path / ('result-%d.json' % counter[0])
        task = {'name': 'Install the camera viewer', 'dukcapil.cctv.cctv_viewer_install': module_args, 'register': 'viewer_result'}
        if fails:
            task['ignore_errors'] = True
        plays = [{'name': 'SOP-PIAK-02 step 4', 'hosts': 'localhost', 'gather_facts': False,
                  'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                  'tasks': [task, {'name': 'Keep the result for the test', 'ansible.builtin.copy': {
                      'content': '{{ viewer_result | to_nice_json }}', 'dest': str(out), 'mode': '0600'},
                      'check_mode': False, 'changed_when': False}]}]
        proc = run_playbook(plays, check=check, diff=diff, env=NO_PROXY)
        assert proc.rc == 0, proc
        return json.loads(out.read_text()), proc

    return _run


def deb_args(tmp_path, source, src, checksum):
    return {'profile': 'generic', 'source': source, 'src': src, 'checksum': checksum, 'executable': SCRIPT,
            'operator': 'root', 'cameras': CAMERAS, 'rooms': ['Ruang Server'],
            'camera_list_path': str(tmp_path / 'operator' / 'cameras.json'),
            'profile_overrides': {'launcher': {'path': str(tmp_path / 'operator' / 'cctv.desktop')}}}


def test_deb_from_a_local_file(viewer, test_package, tmp_path):
    deb, checksum = build_deb(tmp_path, '1.0-1')
    params = deb_args(tmp_path, 'file', str(deb), checksum)

    result, proc = viewer(params, check=True)
    assert result['changed'] and result['changes'] == ['package', 'camera_list', 'launcher'], proc
    assert result['package'] == PACKAGE and result['version'] == '1.0-1'
    assert installed_version() is None and not (tmp_path / 'operator').exists()

    result, proc = viewer(params)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and proc.changed == 1, proc
    assert installed_version() == '1.0-1'
    assert subprocess.run([SCRIPT], capture_output=True, text=True, check=True).stdout.strip() == PACKAGE + ' 1.0-1'
    cam_list = tmp_path / 'operator' / 'cameras.json'
    doc = json.loads(cam_list.read_text(encoding='utf-8'))
    assert [c['title'] for c in doc['cameras']] == [u'Ruang Server \u2014 Pintu', u'Ruang Server \u2014 Rak']
    assert all('@' not in c['stream_uri'] for c in doc['cameras'])
    assert stat.S_IMODE(cam_list.stat().st_mode) == 0o600 and cam_list.stat().st_uid == 0
    desktop = (tmp_path / 'operator' / 'cctv.desktop').read_text(encoding='utf-8')
    assert 'Exec=%s %s\n' % (SCRIPT, cam_list) in desktop

    result, proc = viewer(params)
    assert not result['changed'] and proc.changed == 0, proc
    result, proc = viewer(params, check=True)
    assert not result['changed'] and proc.changed == 0, proc


def test_deb_from_an_http_url(viewer, test_package, tmp_path, http_root):
    folder, base = http_root
    old, old_sum = build_deb(tmp_path, '1.0-1')
    new, new_sum = build_deb(tmp_path, '1.1-1')
    shutil.copy(str(old), str(folder))
    shutil.copy(str(new), str(folder))

    result, proc = viewer(deb_args(tmp_path, 'url', '%s/%s' % (base, old.name), old_sum))
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and installed_version() == '1.0-1', proc
    params = deb_args(tmp_path, 'url', '%s/%s' % (base, new.name), new_sum)
    result, proc = viewer(params)
    assert result['changes'] == ['package'] and result['version'] == '1.1-1', proc
    assert installed_version() == '1.1-1'
    result, proc = viewer(params)
    assert not result['changed'] and proc.changed == 0, proc


def test_wrong_checksum_is_refused_and_nothing_installed(viewer, test_package, tmp_path, http_root):
    folder, base = http_root
    deb, checksum = build_deb(tmp_path, '1.0-1')
    shutil.copy(str(deb), str(folder))
    wrong = 'sha256:' + hashlib.sha256(b'something else').hexdigest()
    for source, src in (('file', str(deb)), ('url', '%s/%s' % (base, deb.name))):
        result, proc = viewer(deb_args(tmp_path, source, src, wrong), fails=True)
        assert result['failed'], proc
        assert 'checksum mismatch' in result['msg'] and 'expected ' + wrong in result['msg'] and 'actual ' + checksum in result['msg']
        assert installed_version() is None
        assert not (tmp_path / 'operator').exists()


def test_portable_archive_and_camera_list_updates(viewer, tmp_path):
    first = make_demo_viewer.build('1.0.0', str(tmp_path / 'dist-a'))
    again = make_demo_viewer.build('1.0.0', str(tmp_path / 'dist-b'))
    assert first[1] == again[1], 'the demo archive is not reproducible'
    src, digest = first
    prefix = tmp_path / 'workstations' / 'ws-server'
    params = {'profile': 'generic', 'source': 'archive', 'src': src, 'checksum': 'sha256:' + digest,
              'prefix': str(prefix), 'executable': 'bin/cctv-viewer', 'operator': 'root',
              'cameras': CAMERAS, 'rooms': ['Ruang Server']}

    result, proc = viewer(params, check=True)
    assert result['changes'] == ['package', 'camera_list', 'launcher'], proc
    assert not prefix.exists()

    result, proc = viewer(params, diff=True)
    assert result['changes'] == ['package', 'camera_list', 'launcher'] and result['version'] == '1.0.0', proc
    assert result['camera_count'] == 2
    assert 'Rahasia-123' not in proc.stdout and 'Admin-456' not in proc.stdout and '********' in proc.stdout
    assert os.access(str(prefix / 'bin' / 'cctv-viewer'), os.X_OK)
    assert (prefix / '.dukcapil-cctv-viewer.json').is_file()
    listing = subprocess.run([str(prefix / 'bin' / 'cctv-viewer'), str(prefix / 'cameras.json')],
                             capture_output=True, text=True, check=True).stdout
    assert u'Ruang Server \u2014 Pintu' in listing and u'Ruang Server \u2014 Rak' in listing and 'Lobi' not in listing
    assert 'Rahasia' not in listing and 'Admin-456' not in listing

    result, proc = viewer(params)
    assert not result['changed'] and proc.changed == 0, proc

    # The Rak camera is taken away: it disappears from the list on the next run, nothing else changes.
    params['cameras'] = [CAMERAS[0], CAMERAS[2]]
    result, proc = viewer(params, diff=True)
    assert result['changes'] == ['camera_list'] and result['camera_count'] == 1, proc
    doc = json.loads((prefix / 'cameras.json').read_text(encoding='utf-8'))
    assert [c['name'] for c in doc['cameras']] == ['cam-pintu']
    listing = subprocess.run([str(prefix / 'bin' / 'cctv-viewer'), str(prefix / 'cameras.json')],
                             capture_output=True, text=True, check=True).stdout
    assert u'Ruang Server \u2014 Rak' not in listing
    result, proc = viewer(params)
    assert not result['changed'], proc

    # A new archive version (another checksum) is extracted again.
    newer, newer_digest = make_demo_viewer.build('1.1.0', str(tmp_path / 'dist-c'))
    result, proc = viewer(dict(params, src=newer, checksum='sha256:' + newer_digest))
    assert result['changes'] == ['package'] and result['version'] == '1.1.0', proc


def test_portable_archive_from_an_http_url(viewer, tmp_path, http_root):
    """Downloaded with get_url into a scratch folder, brought to the controller, checked, extracted."""
    folder, base = http_root
    src, digest = make_demo_viewer.build('1.0.0', str(folder))
    prefix = tmp_path / 'workstations' / 'ws-url'
    params = {'profile': 'generic', 'source': 'archive', 'src': '%s/%s' % (base, os.path.basename(src)),
              'checksum': 'sha256:' + digest, 'prefix': str(prefix), 'executable': 'bin/cctv-viewer', 'operator': 'root',
              'cameras': CAMERAS, 'rooms': ['Lobi'], 'launcher': False}
    result, proc = viewer(params)
    assert result['changes'] == ['package', 'camera_list'] and result['version'] == '1.0.0', proc
    assert os.access(str(prefix / 'bin' / 'cctv-viewer'), os.X_OK) and result['launcher'] is None


def _tar_with_a_bad_member_last(path, bad_name):
    """A viewer archive whose good members come first and whose last member climbs out of the prefix."""
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, data in (('bin/cctv-viewer', b'#!/bin/sh\necho 6.6.6\n'), ('share/readme.txt', b'x'), (bad_name, b'evil')):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    return str(path), 'sha256:' + hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bad_archive_writes_nothing_and_keeps_the_installed_viewer(viewer, tmp_path):
    """Case 19: the whole archive is checked before anything is extracted."""
    src, digest = make_demo_viewer.build('1.0.0', str(tmp_path / 'dist'))
    prefix = tmp_path / 'workstations' / 'ws-server'
    params = {'profile': 'generic', 'source': 'archive', 'src': src, 'checksum': 'sha256:' + digest,
              'prefix': str(prefix), 'executable': 'bin/cctv-viewer', 'operator': 'root',
              'cameras': CAMERAS, 'rooms': ['Ruang Server']}
    result, proc = viewer(params)
    assert result['version'] == '1.0.0', proc
    before = dict((os.path.relpath(os.path.join(d, n), str(prefix)), open(os.path.join(d, n), 'rb').read())
                  for d, dummy, names in os.walk(str(prefix)) for n in names)
    bad, bad_digest = _tar_with_a_bad_member_last(tmp_path / 'bad.tar.gz', '../../escaped.txt')
    result, proc = viewer(dict(params, src=bad, checksum=bad_digest), fails=True)
    assert result['failed'] is True and "the archive holds a path leaving its prefix '../../escaped.txt'" in result['msg']
    after = dict((os.path.relpath(os.path.join(d, n), str(prefix)), open(os.path.join(d, n), 'rb').read())
                 for d, dummy, names in os.walk(str(prefix)) for n in names)
    assert after == before and not (tmp_path / 'escaped.txt').exists()
    assert 'share' not in os.listdir(str(prefix))


def test_viewer_role_on_linux(run_playbook, tmp_path):
    src, digest = make_demo_viewer.build('1.0.0', str(tmp_path / 'dist'))
    prefix = tmp_path / 'workstations' / 'ws-role'
    plays = [{'name': 'SOP-PIAK-02 step 4 through the role', 'hosts': 'localhost', 'gather_facts': False,
              'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
              'roles': [{'role': 'dukcapil.cctv.viewer', 'vars': {
                  'viewer_profile': 'generic', 'viewer_source': 'archive', 'viewer_src': src,
                  'viewer_checksum': 'sha256:' + digest, 'viewer_prefix': str(prefix),
                  'viewer_executable': 'bin/cctv-viewer', 'viewer_operator': 'root',
                  'viewer_cameras': CAMERAS, 'viewer_rooms': ['Lobi']}}]}]
    proc = run_playbook(plays, check=True, env=NO_PROXY)
    assert proc.rc == 0 and proc.changed == 1 and not prefix.exists(), proc
    proc = run_playbook(plays, env=NO_PROXY)
    assert proc.rc == 0 and proc.changed == 1, proc
    doc = json.loads((prefix / 'cameras.json').read_text(encoding='utf-8'))
    assert [c['title'] for c in doc['cameras']] == [u'Lobi \u2014 Pintu']
    proc = run_playbook(plays, env=NO_PROXY)
    assert proc.rc == 0 and proc.changed == 0, proc
    # the preflight stops a half-configured archive install before the module runs
    plays[0]['roles'][0]['vars']['viewer_checksum'] = ''
    proc = run_playbook(plays, env=NO_PROXY)
    assert proc.rc != 0 and 'viewer_checksum' in proc.stdout, proc
