# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The camera viewer of SOP-PIAK-02 step 4: profiles, the camera list, the launcher, the archive check.

The collection's own logic behind the ``dukcapil.cctv.cctv_viewer_install`` action plugin. Installing,
downloading, extracting and copying are Ansible's own modules, which the plugin runs on the
workstation; what stays here is what no Ansible module knows:

* a *profile* is data: which OS packages carry the viewer, where its camera list goes and in
  which format, whether that format can leave credentials out (the viewer asks for them), the
  launcher's Exec line and how to ask the viewer for its version. Adding a viewer means adding
  a dict to :data:`PROFILES` (or passing ``profile_overrides``), not code;
* the camera list of a workstation's rooms in each format, its credentials and its masking for
  diffs; the freedesktop launcher and the Windows ``.cmd`` launcher;
* the check of a portable archive before anything is extracted (:func:`check_archive`).

Pure functions over data, standard library only: the plugin runs them on the controller.
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import re
import stat
import tarfile
import zipfile
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

# --------------------------------------------------------------------------------------------
# Profiles (data)

#: Placeholders of path templates: {home} (the operator's home), {user}, {prefix} (archives),
#: {data_dir} (``{home}/.local/share/dukcapil-cctv``, or the prefix for archives) and
#: {apps_dir} (``{home}/.local/share/applications``, or the prefix for archives).
#: Exec templates know {executable}, {camera_list} and {prefix}; they are written in the
#: freedesktop Exec syntax and the substituted values are quoted for it.
PROFILES = {
    'vlc': {
        'description': 'VLC media player (VideoLAN): an M3U playlist of the room cameras.',
        # Debian/Ubuntu: main archive. RHEL/Fedora: RPM Fusion "free" (enable it first).
        'packages': {'debian': ['vlc'], 'redhat': ['vlc']},
        'executable': 'vlc',
        'camera_list': {'path': '{data_dir}/cameras.m3u', 'format': 'm3u', 'credentials': 'none'},
        'launcher': {
            'path': '{apps_dir}/dukcapil-cctv-viewer.desktop',
            'exec': '{executable} {camera_list}',
            'icon': 'vlc',
            'categories': 'AudioVideo;Video;Player;',
        },
        'version_command': ['{executable}', '--version'],
        'version_regex': r'(\d+\.\d+[0-9A-Za-z.~+-]*)',
    },
    'generic': {
        'description': 'Any viewer that reads a JSON camera list; its executable comes from the executable option.',
        'packages': {},
        'executable': None,
        'camera_list': {'path': '{data_dir}/cameras.json', 'format': 'json', 'credentials': 'fields'},
        'launcher': {
            'path': '{apps_dir}/dukcapil-cctv-viewer.desktop',
            'exec': '{executable} {camera_list}',
            'icon': 'camera-video',
            'categories': 'AudioVideo;Video;',
        },
        'version_command': ['{executable}', '--version'],
        'version_regex': r'(\d+\.\d+[0-9A-Za-z.~+-]*)',
    },
}

#: Camera list formats and how each may carry credentials: ``none`` (left out, the viewer
#: asks), ``uri`` (user:password@ inside the stream URI), ``fields`` (separate JSON fields).
FORMATS = {
    'm3u': ('none', 'uri'),
    'xspf': ('none', 'uri'),
    'json': ('none', 'uri', 'fields'),
}

FAMILIES = ('debian', 'redhat')
#: Ansible's ``ansible_facts['os_family']`` -> the profiles' OS family.
FACT_FAMILIES = {'Debian': 'debian', 'RedHat': 'redhat'}
TITLE_SEPARATOR = u' \u2014 '  # "Ruang Server — Pintu"
MASK = '********'
MARKER = '.dukcapil-cctv-viewer.json'
GENERATOR = 'dukcapil.cctv.cctv_viewer_install'
PASSWORD_KEYS = ('password', 'passwd', 'pwd', 'pass')


# --------------------------------------------------------------------------------------------
# Errors: raised here, caught once in the module's main()

class ViewerError(Exception):
    """Anything that stops the viewer installation; the message says what and why."""


class ProfileError(ViewerError):
    """A profile (or its overrides) is not usable."""


class UnsupportedSystemError(ViewerError):
    """Not a Linux workstation of a supported family."""


class ChecksumError(ViewerError):
    """The checksum option is malformed, or the file does not match it."""


class PackageError(ViewerError):
    """The package manager could not report on or install the viewer."""


class ArchiveError(ViewerError):
    """The portable archive is unreadable or would write outside its prefix."""


# --------------------------------------------------------------------------------------------
# Profiles

def _merge(base, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def resolve_profile(name, overrides=None):
    """Return the named profile with ``overrides`` merged into it (dicts deep, anything else replaced)."""
    if name not in PROFILES:
        raise ProfileError('unknown viewer profile %r; known: %s' % (name, ', '.join(sorted(PROFILES))))
    profile = _merge(copy.deepcopy(PROFILES[name]), overrides or {})
    profile['name'] = name
    cam = profile.get('camera_list')
    if not isinstance(cam, dict) or not cam.get('path') or cam.get('format') not in FORMATS:
        raise ProfileError('profile %s: camera_list needs a path and a format among %s' % (name, ', '.join(sorted(FORMATS))))
    if cam.get('credentials', 'none') not in FORMATS[cam['format']]:
        raise ProfileError('profile %s: the %s format can carry credentials only as %s, not %r'
                           % (name, cam['format'], ', '.join(FORMATS[cam['format']]), cam.get('credentials')))
    cam.setdefault('credentials', 'none')
    packages = profile.get('packages') or {}
    if not isinstance(packages, dict) or any(not isinstance(v, list) for v in packages.values()):
        raise ProfileError('profile %s: packages must map an OS family (%s) to a list of package names' % (name, ', '.join(FAMILIES)))
    profile['packages'] = packages
    launcher = profile.get('launcher') or {}
    if not isinstance(launcher, dict) or not launcher.get('path') or not launcher.get('exec'):
        raise ProfileError('profile %s: launcher needs a path and an exec template' % name)
    return profile


def expand(template, values, what):
    """Fill a ``{placeholder}`` template; an unknown placeholder is a profile error."""
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ProfileError('cannot expand %s template %r: unknown or malformed placeholder %s' % (what, template, exc))


# --------------------------------------------------------------------------------------------
# Vendor files: verified against their checksum before anything is installed

def parse_checksum(value):
    """``sha256:<hex>`` (sha384/sha512 too) -> (algorithm, lowercase hex)."""
    match = re.match(r'^\s*(sha256|sha384|sha512):([0-9a-fA-F]+)\s*$', value or '')
    if not match or len(match.group(2)) != hashlib.new(match.group(1)).digest_size * 2:
        raise ChecksumError('checksum must be sha256:<64 hex digits> (or sha384:/sha512:), got %r' % value)
    return match.group(1), match.group(2).lower()


def is_url(src):
    return urlsplit(src).scheme.lower() in ('http', 'https')


def source_name(src):
    """The file name of a path or URL (``vendor-viewer_2.4.1_amd64.deb``)."""
    return posixpath.basename(urlsplit(src).path if is_url(src) else src.replace('\\', '/')) or 'download'


def file_digest(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1024 * 1024), b''):
            digest.update(block)
    return digest.hexdigest()


def mismatch(src, algorithm, expected, actual):
    return ChecksumError('checksum mismatch for %s: expected %s:%s, actual %s:%s; nothing was installed'
                         % (src, algorithm, expected, algorithm, actual))


# --------------------------------------------------------------------------------------------
# Portable archives: every member checked before the first one is extracted

class _Archive:
    """A tar or zip file opened for reading: :meth:`members` lists every member."""

    def __init__(self, path):
        self.path = path
        self.zip = self.tar = None
        if zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            return
        try:
            self.tar = tarfile.open(path, 'r:*')
        except (tarfile.TarError, IOError, OSError) as exc:
            raise ArchiveError('%s is neither a zip nor a tar archive: %s' % (path, exc))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        (self.zip or self.tar).close()

    def members(self):
        """(name, kind, mode, link target) of every member, in archive order.

        kind is dir, file, symlink, hardlink or other (devices, FIFOs: refused later); mode keeps
        the setuid, setgid and sticky bits (refused later too).
        """
        found = []
        if self.zip is not None:
            for info in self.zip.infolist():
                unix = info.external_attr >> 16
                kind = stat.S_IFMT(unix)
                if info.filename.endswith('/') or kind == stat.S_IFDIR:
                    found.append((info.filename, 'dir', unix & 0o7777 or 0o755, None))
                elif kind == stat.S_IFLNK:
                    found.append((info.filename, 'symlink', 0o777, self.zip.read(info).decode('utf-8')))
                elif kind in (0, stat.S_IFREG):  # 0: written without Unix attributes
                    found.append((info.filename, 'file', (unix & 0o7777) or 0o644, None))
                else:
                    found.append((info.filename, 'other', 0, None))
            return found
        for m in self.tar.getmembers():
            if m.isdir():
                found.append((m.name, 'dir', m.mode & 0o7777, None))
            elif m.issym():
                found.append((m.name, 'symlink', 0o777, m.linkname))
            elif m.islnk():
                found.append((m.name, 'hardlink', m.mode & 0o7777, m.linkname))
            elif m.isfile():
                found.append((m.name, 'file', m.mode & 0o7777, None))
            else:
                found.append((m.name, 'other', 0, None))
        return found


def _clean_rel(name):
    """The member's path relative to the prefix; refuses absolute paths and '..'."""
    if name.startswith('/') or re.match(r'^[A-Za-z]:', name):
        raise ArchiveError('the archive holds an absolute path %r' % name)
    parts = [p for p in name.split('/') if p not in ('', '.')]
    if '..' in parts:
        raise ArchiveError('the archive holds a path leaving its prefix %r' % name)
    return '/'.join(parts)


def _after_leading_dotdots(parts):
    index = 0
    while index < len(parts) and parts[index] == '..':
        index += 1
    return parts[index:]


def _under(rel, links):
    """The first of ``links`` (relative paths) that is ``rel``'s parent folder or one of its ancestors."""
    parent = rel.rpartition('/')[0]
    for link in links:
        if parent == link or parent.startswith(link + '/'):
            return link
    return None


def plan_archive(members, existing_links=()):
    """Check every member before anything is written; return the relative paths of the files it holds.

    ``members`` as :meth:`_Archive.members` gives them; ``existing_links`` the links already in the
    prefix (paths relative to it). Refused (ArchiveError naming the member): absolute names, '..',
    devices/FIFOs, setuid/setgid/sticky bits, links whose target is absolute or leaves the prefix,
    members placed under a link of the same archive or under a link already in the prefix (the
    extraction would follow it), and hard links to members that are not earlier files.
    """
    links, files = [], []
    for name, kind, mode, target in members:
        rel = _clean_rel(name)
        if not rel:
            continue
        link = _under(rel, links)
        if link is not None:
            raise ArchiveError('the archive member %r lies under the link %r' % (name, link))
        link = _under(rel if kind != 'dir' else rel + '/x', existing_links)
        if link is not None:
            raise ArchiveError('extracting %r would write through the existing link %r in the prefix' % (name, link))
        if kind == 'other':
            raise ArchiveError('the archive member %r is a device, FIFO or other special file' % name)
        if mode & 0o7000:
            raise ArchiveError('the archive member %r is setuid, setgid or sticky (mode %04o)' % (name, mode))
        if kind == 'symlink':
            # '..' only at the start: the target then never climbs out of another link.
            rest = _after_leading_dotdots([p for p in target.split('/') if p not in ('', '.')])
            resolved = posixpath.normpath(posixpath.join('/prefix', posixpath.dirname(rel), target))
            if target.startswith('/') or '..' in rest or not (resolved == '/prefix' or resolved.startswith('/prefix/')):
                raise ArchiveError('the archive link %r -> %r leaves the prefix' % (name, target))
            links.append(rel)
        elif kind == 'hardlink':
            if _clean_rel(target) not in files:
                raise ArchiveError('the archive hard link %r -> %r does not name an earlier file' % (name, target))
        if kind != 'dir':
            files.append(rel)
    return files


def check_archive(path, existing_links=()):
    """:func:`plan_archive` over the archive file at ``path`` (a copy on the controller)."""
    with _Archive(path) as opened:
        return plan_archive(opened.members(), existing_links)


def marker_content(src, checksum, files):
    """The marker file's text: which archive (by checksum) put which files into the prefix."""
    return json.dumps({'generator': GENERATOR, 'source': source_name(src), 'checksum': checksum, 'files': files},
                      indent=2, sort_keys=True) + '\n'


def read_marker(text):
    """The marker's dict, or None when it is missing or not ours."""
    try:
        marker = json.loads(text) if text else None
    except ValueError:
        return None
    return marker if isinstance(marker, dict) else None


# --------------------------------------------------------------------------------------------
# The camera list

def select_cameras(cameras, rooms):
    """The cameras of the given rooms (all when ``rooms`` is None), in their given order."""
    if rooms is None:
        return list(cameras)
    wanted = set(r.strip().casefold() for r in rooms)
    return [c for c in cameras if (c.get('room') or '').strip().casefold() in wanted]


def entry_title(camera):
    """``<room> — <position>``, e.g. ``Ruang Server — Pintu`` (the name when there is no position)."""
    return _one_line(camera.get('room') or '') + TITLE_SEPARATOR + _one_line(camera.get('position') or camera.get('name') or '')


def _one_line(text):
    return ' '.join(str(text).split())


def split_credentials(uri):
    """Return (uri without user:password@ and password-like query parameters, username, password)."""
    parts = urlsplit(uri)
    userinfo, at, host = parts.netloc.rpartition('@')
    username = password = None
    if at:
        user, colon, pwd = userinfo.partition(':')
        username, password = unquote(user) or None, (unquote(pwd) if colon else None)
    kept = []
    for item in parts.query.split('&') if parts.query else []:
        key, dummy, value = item.partition('=')
        if unquote(key).lower() in PASSWORD_KEYS:
            password = password if password is not None else unquote(value)
        else:
            kept.append(item)
    clean = urlunsplit((parts.scheme, host, parts.path, '&'.join(kept), parts.fragment))
    return clean, username, password


def camera_entries(cameras, credentials):
    """One dict per camera: title, name, room, position, uri, and credentials as the mode allows."""
    entries = []
    for cam in cameras:
        clean, uri_user, uri_pass = split_credentials(cam['stream_uri'])
        username = cam.get('username') or uri_user
        password = cam.get('password') if cam.get('password') is not None else uri_pass
        entry = {'title': entry_title(cam), 'name': cam['name'], 'room': cam['room'],
                 'position': cam.get('position') or cam['name'], 'stream_uri': clean}
        entry['secret'] = False  # True when a password is written into the file
        if credentials == 'uri' and username:
            parts = urlsplit(clean)
            userinfo = quote(username, safe='') + (':' + quote(password, safe='') if password else '')
            entry['stream_uri'] = urlunsplit((parts.scheme, userinfo + '@' + parts.netloc, parts.path, parts.query, parts.fragment))
            entry['secret'] = bool(password)
        elif credentials == 'fields':
            if username:
                entry['username'] = username
            if password:
                entry['password'] = password
                entry['secret'] = True
        entries.append(entry)
    return entries


def list_title(entries, rooms):
    names = []
    for room in [e['room'] for e in entries] + list(rooms or []):
        if room.strip().casefold() not in [n.casefold() for n in names]:
            names.append(room.strip())
    return 'CCTV' + (TITLE_SEPARATOR + ', '.join(names) if names else '')


def render_camera_list(fmt, entries, title):
    """The camera list file's text in ``fmt`` (m3u, xspf or json)."""
    if fmt == 'm3u':
        lines = ['#EXTM3U', '#PLAYLIST:' + _one_line(title), '# Managed by %s: local changes are overwritten.' % GENERATOR]
        for e in entries:
            lines += ['#EXTINF:-1,' + _one_line(e['title']), e['stream_uri']]
        return '\n'.join(lines) + '\n'
    if fmt == 'xspf':
        tracks = ''.join('    <track>\n      <location>%s</location>\n      <title>%s</title>\n    </track>\n'
                         % (xml_escape(e['stream_uri']), xml_escape(e['title'])) for e in entries)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- Managed by %s: local changes are overwritten. -->\n'
                '<playlist xmlns="http://xspf.org/ns/0/" version="1">\n  <title>%s</title>\n  <trackList>\n%s  </trackList>\n</playlist>\n'
                % (GENERATOR, xml_escape(title), tracks))
    if fmt == 'json':
        keys = ('title', 'name', 'room', 'position', 'stream_uri', 'username', 'password')
        doc = {'generator': GENERATOR, 'title': title,
               'cameras': [dict((k, e[k]) for k in keys if k in e) for e in entries]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + '\n'
    raise ProfileError('unknown camera list format %r' % fmt)


_MASKS = (
    (re.compile(r'(://[^/@:\s"<]*:)[^/@\s"<]+@'), r'\1' + MASK + '@'),
    (re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"'), r'\1"' + MASK + '"'),
    (re.compile(r'([?&;](?:amp;)?(?:%s)=)[^&\s"<]*' % '|'.join(PASSWORD_KEYS), re.I), r'\1' + MASK),
)


def mask_credentials(text):
    """``text`` with every password in URIs, JSON fields and query parameters replaced by ********."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


# --------------------------------------------------------------------------------------------
# The launcher

_EXEC_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def exec_quote(arg):
    """Quote one argument for a desktop entry Exec key (before the string-level escaping)."""
    arg = arg.replace('%', '%%')
    if any(c in _EXEC_RESERVED for c in arg):
        arg = '"%s"' % re.sub(r'(["`$\\])', r'\\\1', arg)
    return arg


def desktop_string(value):
    """Escape a value for a desktop entry string key."""
    return value.replace('\\', '\\\\').replace('\n', '\\n').replace('\t', '\\t').replace('\r', '\\r')


def render_launcher(profile, title, values):
    """A freedesktop .desktop file opening the camera list with the viewer."""
    launcher = profile['launcher']
    quoted = dict((k, exec_quote(v)) for k, v in values.items() if v is not None)
    exec_line = expand(launcher['exec'], quoted, 'launcher exec')
    lines = ['[Desktop Entry]', 'Type=Application', 'Version=1.0',
             'Name=' + desktop_string(title),
             'Comment=' + desktop_string('Surveillance cameras (SOP-PIAK-02 step 4), managed by ' + GENERATOR),
             'Exec=' + desktop_string(exec_line), 'Terminal=false']
    if launcher.get('icon'):
        lines.append('Icon=' + desktop_string(launcher['icon']))
    if launcher.get('categories'):
        lines.append('Categories=' + desktop_string(launcher['categories']))
    return '\n'.join(lines) + '\n'


# --------------------------------------------------------------------------------------------
# Windows workstations (vlc profile only): an M3U playlist without credentials, a .cmd launcher

WINDOWS = {
    'camera_list': 'C:\\Users\\Public\\Documents\\dukcapil-cctv\\cameras.m3u',
    'launcher': 'C:\\Users\\Public\\Desktop\\CCTV.cmd',
    'executable': 'C:\\Program Files\\VideoLAN\\VLC\\vlc.exe',
    'product_id': 'VLC media player',
    'arguments': '/S',
}


def windows_dirname(path):
    """The folder of a Windows path (``C:\\a\\b.m3u`` -> ``C:\\a``)."""
    head, sep, dummy = path.replace('/', '\\').rpartition('\\')
    return head if sep else ''


def render_windows_launcher(executable, camera_list):
    """A .cmd file that starts the viewer on the playlist (CRLF line ends, for cmd.exe)."""
    for value in (executable, camera_list):
        if '"' in value or '%' in value or '\n' in value:
            raise ProfileError('a Windows launcher cannot quote %r (no ", %% or line breaks)' % value)
    lines = ['@echo off', 'rem Managed by %s (SOP-PIAK-02 step 4): local changes are overwritten.' % GENERATOR,
             'start "" "%s" "%s"' % (executable, camera_list)]
    return '\r\n'.join(lines) + '\r\n'
