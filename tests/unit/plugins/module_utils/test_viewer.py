# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Profiles, camera-list rendering, credential handling, launchers and the archive check."""

from __future__ import annotations

import hashlib
import io
import json
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

def test_os_family_from_ansible_facts():
    assert viewer.FACT_FAMILIES == {'Debian': 'debian', 'RedHat': 'redhat'}


# --- checksums ------------------------------------------------------------------------------

def test_parse_checksum():
    digest = hashlib.sha256(b'x').hexdigest()
    assert viewer.parse_checksum('sha256:' + digest.upper()) == ('sha256', digest)
    for bad in ('md5:' + hashlib.md5(b'x').hexdigest(), 'sha256:abc', digest, None, 'sha256:' + 'z' * 64):
        with pytest.raises(viewer.ChecksumError, match='checksum must be sha256'):
            viewer.parse_checksum(bad)


def test_mismatch_names_both_checksums(tmp_path):
    path = tmp_path / 'vendor.deb'
    path.write_bytes(b'not what was promised')
    actual = viewer.file_digest(str(path), 'sha256')
    assert actual == hashlib.sha256(b'not what was promised').hexdigest()
    message = str(viewer.mismatch('vendor.deb', 'sha256', '0' * 64, actual))
    assert 'expected sha256:' + '0' * 64 in message and 'actual sha256:' + actual in message


def test_source_name():
    assert viewer.source_name('https://files.example.org/cctv/v_2.4.1_amd64.deb?x=1') == 'v_2.4.1_amd64.deb'
    assert viewer.source_name('/srv/cctv/portable.tar.gz') == 'portable.tar.gz'
    assert viewer.source_name('\\\\server\\share\\vlc.exe') == 'vlc.exe'


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


def test_check_tar_with_modes_and_inner_links(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', [('bin', 'dir', None), ('bin/viewer', 'file', b'#!/bin/sh\n'),
                                           ('lib/libv.so.1', 'file', b'ELF'), ('lib/libv.so', 'symlink', 'libv.so.1'),
                                           ('viewer', 'symlink', 'bin/viewer'), ('bin/copy', 'hardlink', 'bin/viewer')])
    assert viewer.check_archive(archive) == ['bin/viewer', 'lib/libv.so.1', 'lib/libv.so', 'viewer', 'bin/copy']


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
def test_check_refuses_unsafe_members(tmp_path, members, message):
    archive = _tar(tmp_path / 'bad.tar.gz', members)
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.check_archive(archive)


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
def test_a_bad_tar_member_after_good_ones_refuses_the_whole_archive(tmp_path, bad, message):
    """Case 19: the whole archive is checked before the first member is extracted."""
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.check_archive(_tar(tmp_path / 'bad.tar.gz', GOOD_FIRST + [bad]))


@pytest.mark.parametrize('bad, message', [
    (('a/../../evil', 'file', b'x'), 'leaving its prefix'),
    (('/tmp/evil', 'file', b'x'), 'absolute path'),
    (('lib/out', 'symlink', '../../outside'), 'leaves the prefix'),
    (('lib/libv.so/x', 'file', b'x'), 'lies under the link'),
    (('dev/null', 'chardev', None), 'device, FIFO'),
], ids=['traversal', 'absolute', 'symlink out', 'member under a link', 'character device'])
def test_a_bad_zip_member_after_good_ones_refuses_the_whole_archive(tmp_path, bad, message):
    """Case 19, zip: the same whole-archive check."""
    with pytest.raises(viewer.ArchiveError, match=message):
        viewer.check_archive(_zip(tmp_path / 'bad.zip', GOOD_FIRST + [bad]))


def test_setuid_members_are_refused(tmp_path):
    path = tmp_path / 'suid.tar.gz'
    with tarfile.open(str(path), 'w:gz') as tar:
        info = tarfile.TarInfo('bin/viewer')
        info.size, info.mode = 1, 0o4755
        tar.addfile(info, io.BytesIO(b'x'))
    with pytest.raises(viewer.ArchiveError, match='setuid, setgid or sticky'):
        viewer.check_archive(str(path))


def test_a_good_zip_with_directories_and_links(tmp_path):
    assert viewer.check_archive(_zip(tmp_path / 'good.zip', GOOD_FIRST)) == ['bin/viewer', 'lib/libv.so.1', 'lib/libv.so']


def test_an_existing_link_in_the_prefix_is_never_written_through(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', GOOD_FIRST + [('share/doc/readme', 'file', b'x')])
    with pytest.raises(viewer.ArchiveError, match="write through the existing link 'share'"):
        viewer.check_archive(archive, existing_links=['share'])
    with pytest.raises(viewer.ArchiveError, match="existing link 'share/doc'"):
        viewer.check_archive(archive, existing_links=['share/doc'])
    assert viewer.check_archive(archive, existing_links=['lib/libv.so', 'elsewhere'])[-1] == 'share/doc/readme'


def test_symlink_climbing_inside_the_prefix_is_allowed(tmp_path):
    archive = _tar(tmp_path / 'a.tar.gz', [('lib/app/app', 'file', b'x'), ('bin/app', 'symlink', '../lib/app/app')])
    assert viewer.check_archive(archive) == ['lib/app/app', 'bin/app']


def test_not_an_archive(tmp_path):
    path = tmp_path / 'x.tar.gz'
    path.write_bytes(b'plain text')
    with pytest.raises(viewer.ArchiveError, match='neither a zip nor a tar'):
        viewer.check_archive(str(path))


def test_marker_round_trip():
    text = viewer.marker_content('https://files.example.org/v.tar.gz', 'sha256:' + '1' * 64, ['bin/viewer'])
    assert viewer.read_marker(text) == {'generator': viewer.GENERATOR, 'source': 'v.tar.gz', 'checksum': 'sha256:' + '1' * 64,
                                        'files': ['bin/viewer']}
    assert viewer.read_marker('') is None and viewer.read_marker('not json') is None and viewer.read_marker('[1]') is None


# --- Windows --------------------------------------------------------------------------------

def test_windows_launcher_and_dirname():
    text = viewer.render_windows_launcher('C:\\Program Files\\VideoLAN\\VLC\\vlc.exe', 'C:\\Users\\Public\\cameras.m3u')
    assert text.startswith('@echo off\r\n') and text.endswith('"C:\\Users\\Public\\cameras.m3u"\r\n')
    assert viewer.windows_dirname('C:\\Users\\Public\\Documents\\dukcapil-cctv\\cameras.m3u') == 'C:\\Users\\Public\\Documents\\dukcapil-cctv'
    with pytest.raises(viewer.ProfileError, match='cannot quote'):
        viewer.render_windows_launcher('C:\\vlc.exe', 'C:\\a "b".m3u')
