# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Profiles, OS detection, camera-list rendering, credential handling and safe extraction."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
import zipfile

import pytest

from ansible_collections.dukcapil.cctv.plugins.module_utils import _viewer as viewer

CAMERAS = [
    {'name': 'cam-1', 'room': 'Ruang Server', 'position': 'Pintu', 'stream_uri': 'rtsp://admin:s3cret@192.0.2.21:554/Streaming/Channels/101'},
    {'name': 'cam-2', 'room': 'Ruang Server', 'position': 'Rak', 'stream_uri': 'rtsp://192.0.2.22/live?channel=1&password=hunter2&subtype=0'},
    {'name': 'cam-3', 'room': 'Lobi', 'position': None, 'stream_uri': 'rtsp://[2001:db8::3]:8554/main', 'username': 'viewer', 'password': 'pw3'},
]


class FakeModule:
    """The part of AnsibleModule that _viewer and _files use, without Ansible's file attribute code."""

    def __init__(self, tmpdir, check_mode=False):
        self.check_mode = check_mode
        self.tmpdir = str(tmpdir)
        self.commands = []

    def atomic_move(self, src, dest):
        os.replace(src, dest)

    def set_fs_attributes_if_different(self, args, changed):
        mode = args['mode']
        if mode is not None and stat.S_IMODE(os.lstat(args['path']).st_mode) != mode:
            if not self.check_mode:
                os.chmod(args['path'], mode)
            return True
        return changed

    def get_bin_path(self, name, required=False):
        return shutil.which(name)

    def run_command(self, argv, **kwargs):
        self.commands.append(list(argv))
        return 0, '', ''


# --- profiles -------------------------------------------------------------------------------

def test_builtin_profiles_resolve():
    vlc = viewer.resolve_profile('vlc')
    assert vlc['packages'] == {'debian': ['vlc'], 'redhat': ['vlc']}
    assert vlc['camera_list'] == {'path': '{data_dir}/cameras.m3u', 'format': 'm3u', 'credentials': 'none'}
    generic = viewer.resolve_profile('generic')
    assert generic['camera_list']['format'] == 'json' and generic['executable'] is None


def test_overrides_merge_deep_and_leave_the_builtin_alone():
    profile = viewer.resolve_profile('vlc', {'camera_list': {'format': 'xspf', 'path': '{home}/cctv.xspf'},
                                             'packages': {'debian': ['vlc', 'vlc-plugin-base']}})
    assert profile['camera_list'] == {'path': '{home}/cctv.xspf', 'format': 'xspf', 'credentials': 'none'}
    assert profile['packages']['redhat'] == ['vlc']
    assert profile['packages']['debian'] == ['vlc', 'vlc-plugin-base']
    assert viewer.PROFILES['vlc']['camera_list']['format'] == 'm3u'


@pytest.mark.parametrize('name, overrides, message', [
    ('mpv', None, 'unknown viewer profile'),
    ('vlc', {'camera_list': {'format': 'csv'}}, 'camera_list needs a path and a format'),
    ('vlc', {'camera_list': {'credentials': 'fields'}}, 'the m3u format can carry credentials only as none, uri'),
    ('vlc', {'packages': {'debian': 'vlc'}}, 'packages must map'),
    ('generic', {'launcher': {'exec': ''}}, 'launcher needs a path and an exec'),
])
def test_bad_profiles_are_refused(name, overrides, message):
    with pytest.raises(viewer.ProfileError, match=message):
        viewer.resolve_profile(name, overrides)


def test_unknown_placeholder_is_a_profile_error():
    with pytest.raises(viewer.ProfileError, match='unknown or malformed placeholder'):
        viewer.expand('{nowhere}/x.m3u', {'home': '/home/piak'}, 'camera_list path')


# --- the operating system -------------------------------------------------------------------

@pytest.mark.parametrize('text, family', [
    ('ID=debian\nVERSION_ID="12"\n', 'debian'),
    ('ID=ubuntu\nID_LIKE=debian\n', 'debian'),
    ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', 'debian'),
    ('ID=fedora\n', 'redhat'),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', 'redhat'),
    ('ID="almalinux"\n', 'redhat'),
    ('ID=arch\n', None),
    ('', None),
])
def test_os_family(tmp_path, text, family):
    path = tmp_path / 'os-release'
    path.write_text('# comment\n' + text)
    assert viewer.os_family(viewer.read_os_release(str(path))) == family


def test_missing_os_release_is_empty(tmp_path):
    assert viewer.read_os_release(str(tmp_path / 'none')) == {}


# --- checksums ------------------------------------------------------------------------------

def test_parse_checksum():
    digest = hashlib.sha256(b'x').hexdigest()
    assert viewer.parse_checksum('sha256:' + digest.upper()) == ('sha256', digest)
    for bad in ('md5:' + hashlib.md5(b'x').hexdigest(), 'sha256:abc', digest, None, 'sha256:' + 'z' * 64):
        with pytest.raises(viewer.ChecksumError, match='checksum must be sha256'):
            viewer.parse_checksum(bad)


def test_obtain_refuses_a_mismatch_naming_both(tmp_path):
    path = tmp_path / 'vendor.deb'
    path.write_bytes(b'not what was promised')
    expected = 'sha256:' + '0' * 64
    with pytest.raises(viewer.ChecksumError) as exc:
        viewer.obtain(FakeModule(tmp_path), str(path), expected, 10)
    assert expected in str(exc.value)
    assert 'sha256:' + hashlib.sha256(b'not what was promised').hexdigest() in str(exc.value)


# --- camera list ----------------------------------------------------------------------------

def test_select_cameras_by_room_case_insensitive():
    assert [c['name'] for c in viewer.select_cameras(CAMERAS, [' ruang server'])] == ['cam-1', 'cam-2']
    assert len(viewer.select_cameras(CAMERAS, None)) == 3
    assert viewer.select_cameras(CAMERAS, ['Gudang']) == []


def test_entry_title_is_room_and_position():
    assert viewer.entry_title(CAMERAS[0]) == u'Ruang Server \u2014 Pintu'
    assert viewer.entry_title(CAMERAS[2]) == u'Lobi \u2014 cam-3'  # no position: the name


@pytest.mark.parametrize('uri, clean, user, password', [
    ('rtsp://admin:s3cret@192.0.2.21:554/a', 'rtsp://192.0.2.21:554/a', 'admin', 's3cret'),
    ('rtsp://admin@192.0.2.21/a', 'rtsp://192.0.2.21/a', 'admin', None),
    ('rtsp://a%40b:p%3Aw@[2001:db8::1]:554/a', 'rtsp://[2001:db8::1]:554/a', 'a@b', 'p:w'),
    ('rtsp://192.0.2.22/live?channel=1&PWD=x&subtype=0', 'rtsp://192.0.2.22/live?channel=1&subtype=0', None, 'x'),
    ('rtsp://192.0.2.23/live', 'rtsp://192.0.2.23/live', None, None),
])
def test_split_credentials(uri, clean, user, password):
    assert viewer.split_credentials(uri) == (clean, user, password)


def test_m3u_for_vlc_has_titles_and_no_credentials():
    entries = viewer.camera_entries(CAMERAS, 'none')
    text = viewer.render_camera_list('m3u', entries, viewer.list_title(entries, None))
    lines = text.splitlines()
    assert lines[0] == '#EXTM3U'
    assert lines[1] == u'#PLAYLIST:CCTV \u2014 Ruang Server, Lobi'
    assert u'#EXTINF:-1,Ruang Server \u2014 Pintu' in lines
    assert lines[lines.index(u'#EXTINF:-1,Ruang Server \u2014 Pintu') + 1] == 'rtsp://192.0.2.21:554/Streaming/Channels/101'
    assert 'rtsp://192.0.2.22/live?channel=1&subtype=0' in lines
    for secret in ('s3cret', 'hunter2', 'pw3', 'admin', '@'):
        assert secret not in text
    assert not any(e['secret'] for e in entries)


def test_json_fields_keep_uris_clean_and_flag_the_secret():
    entries = viewer.camera_entries(CAMERAS, 'fields')
    doc = json.loads(viewer.render_camera_list('json', entries, 'CCTV'))
    first, second, third = doc['cameras']
    assert first == {'title': u'Ruang Server \u2014 Pintu', 'name': 'cam-1', 'room': 'Ruang Server', 'position': 'Pintu',
                     'stream_uri': 'rtsp://192.0.2.21:554/Streaming/Channels/101', 'username': 'admin', 'password': 's3cret'}
    assert second['password'] == 'hunter2' and 'username' not in second
    assert third['username'] == 'viewer' and third['password'] == 'pw3'
    assert all('@' not in c['stream_uri'] and 'password=' not in c['stream_uri'] for c in doc['cameras'])
    assert all(e['secret'] for e in entries)


def test_uri_credentials_are_quoted_into_the_userinfo():
    cams = [dict(CAMERAS[2], password='p@ss:w/rd')]
    entries = viewer.camera_entries(cams, 'uri')
    assert entries[0]['stream_uri'] == 'rtsp://viewer:p%40ss%3Aw%2Frd@[2001:db8::3]:8554/main'
    assert entries[0]['secret'] is True
    assert viewer.camera_entries([dict(CAMERAS[2], password=None)], 'uri')[0]['secret'] is False


def test_xspf_is_escaped_xml():
    cams = [{'name': 'c', 'room': 'R&D <1>', 'position': 'Pintu', 'stream_uri': 'rtsp://192.0.2.1/a?x=1&y=2'}]
    text = viewer.render_camera_list('xspf', viewer.camera_entries(cams, 'none'), 'CCTV')
    assert '<location>rtsp://192.0.2.1/a?x=1&amp;y=2</location>' in text
    assert u'<title>R&amp;D &lt;1&gt; \u2014 Pintu</title>' in text
    import xml.dom.minidom
    xml.dom.minidom.parseString(text.encode('utf-8'))


def test_mask_credentials_in_every_format():
    for fmt, mode in (('m3u', 'uri'), ('xspf', 'uri'), ('json', 'fields'), ('json', 'uri')):
        text = viewer.render_camera_list(fmt, viewer.camera_entries(CAMERAS, mode), 'CCTV')
        masked = viewer.mask_credentials(text)
        for secret in ('s3cret', 'hunter2', 'pw3'):
            assert secret not in masked, (fmt, mode, masked)
        assert viewer.MASK in masked
    raw = 'rtsp://u:p@h/x?channel=1&password=abc&subtype=0'
    assert viewer.mask_credentials(raw) == 'rtsp://u:********@h/x?channel=1&password=********&subtype=0'


def test_empty_list_renders():
    assert viewer.render_camera_list('m3u', [], 'CCTV').startswith('#EXTM3U\n#PLAYLIST:CCTV\n')
    assert json.loads(viewer.render_camera_list('json', [], 'CCTV'))['cameras'] == []


# --- launcher -------------------------------------------------------------------------------

def test_exec_quoting():
    assert viewer.exec_quote('/usr/bin/vlc') == '/usr/bin/vlc'
    assert viewer.exec_quote('/home/a b/list.m3u') == '"/home/a b/list.m3u"'
    assert viewer.exec_quote('/x/100%') == '/x/100%%'
    assert viewer.exec_quote('/x/$HOME"q') == '"/x/\\$HOME\\"q"'


def test_launcher_desktop_entry():
    profile = viewer.resolve_profile('vlc')
    text = viewer.render_launcher(profile, u'CCTV \u2014 Ruang Server',
                                  {'executable': 'vlc', 'camera_list': '/home/op x/cameras.m3u', 'prefix': None})
    lines = text.splitlines()
    assert lines[0] == '[Desktop Entry]'
    assert 'Type=Application' in lines and u'Name=CCTV \u2014 Ruang Server' in lines
    assert 'Exec=vlc "/home/op x/cameras.m3u"' in lines
    assert 'Icon=vlc' in lines
    # a backslash from the Exec quoting is escaped again at the string level
    text = viewer.render_launcher(profile, 'CCTV', {'executable': 'vlc', 'camera_list': '/a/$b.m3u'})
    assert 'Exec=vlc "/a/\\\\$b.m3u"' in text.splitlines()


# --- archives -------------------------------------------------------------------------------

def _tar(path, members):
    """members: (name, kind, payload) with kind file/dir/symlink/hardlink/fifo."""
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            info.mode = 0o755 if kind == 'dir' or name.startswith('bin/') else 0o644
            if kind == 'file':
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                continue
            info.type = {'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE, 'fifo': tarfile.FIFOTYPE,
                         'chardev': tarfile.CHRTYPE, 'blockdev': tarfile.BLKTYPE}[kind]
            info.linkname = payload or ''
            tar.addfile(info)
    return str(path)


def test_extract_tar_with_modes_and_inner_links(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', [('bin', 'dir', None), ('bin/viewer', 'file', b'#!/bin/sh\n'),
                                           ('lib/libv.so.1', 'file', b'ELF'), ('lib/libv.so', 'symlink', 'libv.so.1'),
                                           ('viewer', 'symlink', 'bin/viewer'), ('bin/copy', 'hardlink', 'bin/viewer')])
    prefix = tmp_path / 'prefix'
    files = viewer.extract_archive(FakeModule(tmp_path), archive, str(prefix))
    assert sorted(files) == ['bin/copy', 'bin/viewer', 'lib/libv.so', 'lib/libv.so.1', 'viewer']
    assert stat.S_IMODE(os.stat(str(prefix / 'bin/viewer')).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(str(prefix / 'lib/libv.so.1')).st_mode) == 0o644
    assert os.readlink(str(prefix / 'viewer')) == 'bin/viewer'
    assert (prefix / 'bin/copy').read_bytes() == b'#!/bin/sh\n'


def test_extract_in_check_mode_only_validates(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', [('bin/viewer', 'file', b'x')])
    assert viewer.extract_archive(FakeModule(tmp_path, check_mode=True), archive, str(tmp_path / 'p')) == ['bin/viewer']
    assert not (tmp_path / 'p').exists()


@pytest.mark.parametrize('members, message', [
    ([('/etc/evil', 'file', b'x')], 'absolute path'),
    ([('a/../../evil', 'file', b'x')], 'leaving its prefix'),
    ([('link', 'symlink', '/etc')], 'leaves the prefix'),
    ([('link', 'symlink', '../outside')], 'leaves the prefix'),
    ([('sub/link', 'symlink', '../../outside')], 'leaves the prefix'),
    ([('dot', 'symlink', '.'), ('esc', 'symlink', 'dot/..')], 'leaves the prefix'),
    ([('d', 'symlink', 'sub'), ('d/file', 'file', b'x')], 'lies under the link'),
    ([('pipe', 'fifo', None)], 'device, FIFO'),
    ([('hl', 'hardlink', '/etc/shadow')], 'absolute path'),
    ([('hl', 'hardlink', 'missing')], 'does not name an earlier file'),
])
def test_extract_refuses_unsafe_members(tmp_path, members, message):
    archive = _tar(tmp_path / 'bad.tar.gz', members)
    prefix = tmp_path / 'prefix'
    for check_mode in (True, False):
        with pytest.raises(viewer.ArchiveError, match=message):
            viewer.extract_archive(FakeModule(tmp_path, check_mode=check_mode), archive, str(prefix))
    assert not (tmp_path / 'outside').exists() and not (tmp_path / 'evil').exists()


GOOD_FIRST = [('bin', 'dir', None), ('bin/viewer', 'file', b'#!/bin/sh\n'), ('lib/libv.so.1', 'file', b'ELF'),
              ('lib/libv.so', 'symlink', 'libv.so.1')]


def _zip(path, members):
    """members: (name, kind, payload) with kind file/dir/symlink/chardev (the kind is in the Unix mode bits)."""
    kinds = {'file': stat.S_IFREG | 0o644, 'dir': stat.S_IFDIR | 0o755, 'symlink': stat.S_IFLNK | 0o777,
             'chardev': stat.S_IFCHR | 0o600}
    with zipfile.ZipFile(str(path), 'w') as zf:
        for name, kind, payload in members:
            info = zipfile.ZipInfo(name + ('/' if kind == 'dir' else ''))
            info.external_attr = kinds[kind] << 16
            zf.writestr(info, payload.encode() if isinstance(payload, str) else (payload or b''))
    return str(path)


def _tree(path):
    return sorted(os.path.relpath(os.path.join(d, n), str(path)) for d, dirs, names in os.walk(str(path))
                  for n in dirs + names) if path.exists() else None


BAD_LAST = [
    ('traversal', ('a/../../evil', 'file', b'x'), 'leaving its prefix'),
    ('absolute', ('/tmp/evil', 'file', b'x'), 'absolute path'),
    ('symlink out', ('lib/out', 'symlink', '../../outside'), 'leaves the prefix'),
    ('symlink absolute', ('lib/etc', 'symlink', '/etc'), 'leaves the prefix'),
    ('member under a link', ('lib/libv.so/x', 'file', b'x'), 'lies under the link'),
    ('hard link absolute', ('bin/shadow', 'hardlink', '/etc/shadow'), 'absolute path'),
    ('hard link unknown', ('bin/copy', 'hardlink', 'nothing/here'), 'does not name an earlier file'),
    ('character device', ('dev/null', 'chardev', None), 'device, FIFO'),
    ('block device', ('dev/sda', 'blockdev', None), 'device, FIFO'),
    ('fifo', ('pipe', 'fifo', None), 'device, FIFO'),
]


@pytest.mark.parametrize('bad, message', [(b, m) for dummy, b, m in BAD_LAST], ids=[i for i, dummy, dummy2 in BAD_LAST])
def test_a_bad_tar_member_after_good_ones_writes_nothing(tmp_path, bad, message):
    """Case 19: the whole archive is checked before the first member is written."""
    archive = _tar(tmp_path / 'bad.tar.gz', GOOD_FIRST + [bad])
    prefix = tmp_path / 'prefix'
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.extract_archive(FakeModule(tmp_path), archive, str(prefix))
    assert _tree(prefix) is None
    # an earlier install in the prefix is left exactly as it was
    (prefix / 'bin').mkdir(parents=True)
    (prefix / 'bin' / 'viewer').write_bytes(b'old')
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.extract_archive(FakeModule(tmp_path), archive, str(prefix))
    assert _tree(prefix) == ['bin', 'bin/viewer'] and (prefix / 'bin' / 'viewer').read_bytes() == b'old'
    assert not (tmp_path / 'evil').exists() and not (tmp_path / 'outside').exists()


@pytest.mark.parametrize('bad, message', [
    (('a/../../evil', 'file', b'x'), 'leaving its prefix'),
    (('/tmp/evil', 'file', b'x'), 'absolute path'),
    (('lib/out', 'symlink', '../../outside'), 'leaves the prefix'),
    (('lib/libv.so/x', 'file', b'x'), 'lies under the link'),
    (('dev/null', 'chardev', None), 'device, FIFO'),
], ids=['traversal', 'absolute', 'symlink out', 'member under a link', 'character device'])
def test_a_bad_zip_member_after_good_ones_writes_nothing(tmp_path, bad, message):
    """Case 19, zip: the same whole-archive check."""
    archive = _zip(tmp_path / 'bad.zip', GOOD_FIRST + [bad])
    prefix = tmp_path / 'prefix'
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.extract_archive(FakeModule(tmp_path), archive, str(prefix))
    assert _tree(prefix) is None and not (tmp_path / 'evil').exists()


def test_a_good_zip_with_directories_and_links(tmp_path):
    archive = _zip(tmp_path / 'good.zip', GOOD_FIRST)
    files = viewer.extract_archive(FakeModule(tmp_path), archive, str(tmp_path / 'p'))
    assert sorted(files) == ['bin/viewer', 'lib/libv.so', 'lib/libv.so.1']
    assert os.readlink(str(tmp_path / 'p/lib/libv.so')) == 'libv.so.1'


def test_an_existing_link_in_the_prefix_leading_out_is_refused_before_writing(tmp_path):
    prefix = tmp_path / 'prefix'
    (tmp_path / 'elsewhere').mkdir()
    prefix.mkdir()
    os.symlink(str(tmp_path / 'elsewhere'), str(prefix / 'share'))
    archive = _tar(tmp_path / 'a.tar.gz', GOOD_FIRST + [('share/doc', 'file', b'x')])
    with pytest.raises(viewer.ArchiveError, match='outside .* through an existing link'):
        viewer.extract_archive(FakeModule(tmp_path), archive, str(prefix))
    assert _tree(prefix) == ['share'] and os.listdir(str(tmp_path / 'elsewhere')) == []


def test_symlink_climbing_inside_the_prefix_is_allowed(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', [('lib/app/app', 'file', b'x'), ('bin/app', 'symlink', '../lib/app/app')])
    viewer.extract_archive(FakeModule(tmp_path), archive, str(tmp_path / 'p'))
    assert (tmp_path / 'p' / 'bin' / 'app').read_bytes() == b'x'


def test_zip_archives(tmp_path):
    good = tmp_path / 'good.zip'
    with zipfile.ZipFile(str(good), 'w') as zf:
        info = zipfile.ZipInfo('bin/viewer')
        info.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(info, b'#!/bin/sh\n')
        zf.writestr('README.txt', b'hello')
    viewer.extract_archive(FakeModule(tmp_path), str(good), str(tmp_path / 'p'))
    assert stat.S_IMODE(os.stat(str(tmp_path / 'p/bin/viewer')).st_mode) == 0o755
    assert (tmp_path / 'p/README.txt').read_bytes() == b'hello'
    bad = tmp_path / 'bad.zip'
    with zipfile.ZipFile(str(bad), 'w') as zf:
        zf.writestr('../evil', b'x')
    with pytest.raises(viewer.ArchiveError, match='leaving its prefix'):
        viewer.extract_archive(FakeModule(tmp_path), str(bad), str(tmp_path / 'p'))


def test_not_an_archive(tmp_path):
    path = tmp_path / 'x.tar.gz'
    path.write_bytes(b'plain text')
    with pytest.raises(viewer.ArchiveError, match='neither a zip nor a tar'):
        viewer.extract_archive(FakeModule(tmp_path), str(path), str(tmp_path / 'p'))


def test_install_archive_marker_idempotence_and_stale_files(tmp_path):
    one = _tar(tmp_path / 'v1.tar.gz', [('bin/viewer', 'file', b'v1'), ('old.txt', 'file', b'old')])
    two = _tar(tmp_path / 'v2.tar.gz', [('bin/viewer', 'file', b'v2')])
    sums = dict((p, 'sha256:' + hashlib.sha256(open(p, 'rb').read()).hexdigest()) for p in (one, two))
    prefix = str(tmp_path / 'p')
    module = FakeModule(tmp_path)
    assert viewer.install_archive(module, one, sums[one], prefix, 10).changed
    assert json.loads(open(os.path.join(prefix, viewer.MARKER)).read())['checksum'] == sums[one]
    assert not viewer.install_archive(module, one, sums[one], prefix, 10).changed
    # a deleted file is put back
    os.unlink(os.path.join(prefix, 'old.txt'))
    assert viewer.install_archive(module, one, sums[one], prefix, 10).changed
    # another archive: check mode predicts, the real run replaces and removes what v2 no longer has
    assert viewer.install_archive(FakeModule(tmp_path, check_mode=True), two, sums[two], prefix, 10).changed
    assert open(os.path.join(prefix, 'bin/viewer'), 'rb').read() == b'v1'
    assert viewer.install_archive(module, two, sums[two], prefix, 10).changed
    assert open(os.path.join(prefix, 'bin/viewer'), 'rb').read() == b'v2'
    assert not os.path.exists(os.path.join(prefix, 'old.txt'))
    # the wrong checksum is refused before extraction
    with pytest.raises(viewer.ChecksumError, match='checksum mismatch'):
        viewer.install_archive(module, one, 'sha256:' + '1' * 64, prefix, 10)
    assert open(os.path.join(prefix, 'bin/viewer'), 'rb').read() == b'v2'


def test_ensure_folder_hands_home_folders_to_the_operator(tmp_path, monkeypatch):
    chowned = []
    monkeypatch.setattr(viewer.os, 'chown', lambda path, uid, gid: chowned.append((path, uid, gid)))
    home = tmp_path / 'home'
    home.mkdir()
    target = home / '.local' / 'share' / 'applications'
    assert viewer.ensure_folder(FakeModule(tmp_path, check_mode=True), str(target), 1000, 1000, str(home))
    assert not target.exists() and chowned == []
    assert viewer.ensure_folder(FakeModule(tmp_path), str(target), 1000, 1000, str(home))
    assert target.is_dir()
    assert [c[0] for c in chowned] == [str(home / '.local'), str(home / '.local' / 'share'), str(target)]
    assert not viewer.ensure_folder(FakeModule(tmp_path), str(target), 1000, 1000, str(home))


def test_command_version(tmp_path):
    script = tmp_path / 'viewer'
    script.write_text('#!/bin/sh\necho "cctv-viewer 2.4.1-rc1"\n')
    script.chmod(0o755)

    class Runner(FakeModule):
        def run_command(self, argv, **kwargs):
            import subprocess
            proc = subprocess.run(argv, capture_output=True, text=True, check=False)
            return proc.returncode, proc.stdout, proc.stderr

    module = Runner(tmp_path)
    profile = viewer.resolve_profile('generic')
    assert viewer.command_version(module, profile['version_command'], profile['version_regex'], str(script)) == '2.4.1-rc1'
    assert viewer.command_version(module, profile['version_command'], profile['version_regex'], str(tmp_path / 'none')) is None
    assert viewer.command_version(module, None, None, str(script)) is None
