# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The camera viewer on a Linux workstation (SOP-PIAK-02 step 4): profiles, install decision, camera list.

A *profile* is data: which OS packages carry the viewer, where its camera list goes and in
which format, whether that format can leave credentials out (the viewer asks for them), the
launcher's Exec line and how to ask the viewer for its version. Adding a viewer means adding
a dict to :data:`PROFILES` (or passing ``profile_overrides``), not code.

Everything here runs on the workstation: standard library and ``ansible.module_utils`` only.
Commands go through ``module.run_command`` and files through ``_files.write_file``.
"""

from __future__ import annotations

import copy
import grp
import hashlib
import json
import os
import pwd
import re
import shlex
import stat
import tarfile
import zipfile
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

from ansible.module_utils.urls import fetch_url
from ansible_collections.dukcapil.cctv.plugins.module_utils._files import read_bytes, write_file

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
DEBIAN_IDS = ('debian', 'ubuntu', 'linuxmint', 'raspbian', 'pop', 'elementary', 'kali', 'zorin', 'devuan')
REDHAT_IDS = ('rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol', 'amzn', 'scientific')
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


class DownloadError(ViewerError):
    """The vendor file could not be fetched or read."""


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
# The operating system

def read_os_release(path='/etc/os-release'):
    """Parse os-release into a dict (empty when the file is missing)."""
    data = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except (IOError, OSError):
        return data
    for line in lines:
        key, sep, value = line.partition('=')
        if sep and key.strip() and not key.startswith('#'):
            try:
                words = shlex.split(value)
            except ValueError:
                words = [value]
            data[key.strip()] = words[0] if words else ''
    return data


def os_family(release):
    """``debian``, ``redhat`` or None, from ID then ID_LIKE."""
    ids = [release.get('ID', '')] + release.get('ID_LIKE', '').split()
    for ident in (i.strip().lower() for i in ids):
        if ident in DEBIAN_IDS:
            return 'debian'
        if ident in REDHAT_IDS:
            return 'redhat'
    return None


class _Backend:
    """One OS family's package manager, driven through module.run_command."""

    kind = None

    def __init__(self, module):
        self.module = module

    def _bin(self, *names):
        for name in names:
            path = self.module.get_bin_path(name)
            if path:
                return path
        raise PackageError('none of %s is installed on this workstation' % ', '.join(names))

    def _run(self, cmd, what, env=None):
        rc, out, err = self.module.run_command(cmd, environ_update=env or {})
        if rc != 0:
            detail = (err or out or '').strip()[-2000:]
            raise PackageError('%s failed (%s exited %d): %s' % (what, os.path.basename(cmd[0]), rc, detail))
        return out


class DebianBackend(_Backend):
    kind = 'deb'
    _apt_options = ['-y', '-q', '-o', 'DPkg::Lock::Timeout=120',
                    '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']

    def installed_version(self, name):
        rc, out, dummy = self.module.run_command([self._bin('dpkg-query'), '-W', '-f=${Status}\t${Version}', name])
        status, dummy, version = out.partition('\t')
        if rc != 0 or not status.endswith(' installed'):
            return None
        return version.strip() or None

    def file_identity(self, path):
        out = self._run([self._bin('dpkg-deb'), '-f', path, 'Package', 'Version'], 'reading the package file %s' % path)
        fields = dict((k.strip(), v.strip()) for k, s, v in (line.partition(':') for line in out.splitlines()) if s)
        if not fields.get('Package') or not fields.get('Version'):
            raise PackageError('%s is not a Debian package (no Package/Version in its control file)' % path)
        return fields['Package'], fields['Version']

    def install_packages(self, names):
        self._run([self._bin('apt-get')] + self._apt_options + ['install'] + list(names),
                  'installing %s with apt-get' % ', '.join(names), {'DEBIAN_FRONTEND': 'noninteractive'})

    def install_file(self, path, installed):
        # apt-get resolves the vendor package's dependencies (dpkg -i would not).
        self._run([self._bin('apt-get')] + self._apt_options + ['--allow-downgrades', 'install', os.path.abspath(path)],
                  'installing %s with apt-get' % path, {'DEBIAN_FRONTEND': 'noninteractive'})


class RedHatBackend(_Backend):
    kind = 'rpm'

    def installed_version(self, name):
        rc, out, dummy = self.module.run_command([self._bin('rpm'), '-q', '--qf', '%{VERSION}-%{RELEASE}\\n', name])
        lines = out.strip().splitlines()
        return lines[0].strip() if rc == 0 and lines else None

    def file_identity(self, path):
        out = self._run([self._bin('rpm'), '-qp', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}', path], 'reading the package file %s' % path)
        name, dummy, version = out.strip().partition('\t')
        if not name or not version:
            raise PackageError('%s is not an RPM package' % path)
        return name, version

    def install_packages(self, names):
        self._run([self._bin('dnf', 'yum'), '-y', 'install'] + list(names), 'installing %s' % ', '.join(names))

    def install_file(self, path, installed):
        if installed is None:  # dnf/yum resolve the dependencies of a first install
            self._run([self._bin('dnf', 'yum'), '-y', 'install', os.path.abspath(path)], 'installing %s' % path)
        else:  # another version of the same package: upgrade or downgrade in place
            self._run([self._bin('rpm'), '-U', '--oldpackage', os.path.abspath(path)], 'replacing %s %s with %s' % (installed, path, path))


def backend_for(module, family):
    if family == 'debian':
        return DebianBackend(module)
    if family == 'redhat':
        return RedHatBackend(module)
    raise UnsupportedSystemError('this Linux is neither of the Debian nor of the RHEL/Fedora family (see /etc/os-release); '
                                 'install the viewer with source=archive instead')


# --------------------------------------------------------------------------------------------
# Vendor files: fetch and verify before anything is installed

def parse_checksum(value):
    """``sha256:<hex>`` (sha384/sha512 too) -> (algorithm, lowercase hex)."""
    match = re.match(r'^\s*(sha256|sha384|sha512):([0-9a-fA-F]+)\s*$', value or '')
    if not match or len(match.group(2)) != hashlib.new(match.group(1)).digest_size * 2:
        raise ChecksumError('checksum must be sha256:<64 hex digits> (or sha384:/sha512:), got %r' % value)
    return match.group(1), match.group(2).lower()


def is_url(src):
    return urlsplit(src).scheme.lower() in ('http', 'https')


def file_digest(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1024 * 1024), b''):
            digest.update(block)
    return digest.hexdigest()


def _download(module, url, timeout):
    name = os.path.basename(urlsplit(url).path) or 'download'
    dest = os.path.join(module.tmpdir, 'viewer-' + name)
    response, info = fetch_url(module, url, timeout=timeout)
    if response is None or info.get('status') != 200:
        raise DownloadError('downloading %s failed: HTTP %s %s' % (url, info.get('status'), info.get('msg', '')))
    try:
        with open(dest, 'wb') as f:
            for block in iter(lambda: response.read(1024 * 1024), b''):
                f.write(block)
    except (IOError, OSError) as exc:
        raise DownloadError('downloading %s failed: %s' % (url, exc))
    return dest


def obtain(module, src, checksum, timeout):
    """Return a local path to ``src`` (downloaded into the module's temp dir for a URL), verified."""
    algorithm, expected = parse_checksum(checksum)
    if is_url(src):
        path = _download(module, src, timeout)
    else:
        path = src
        if not os.path.isfile(path):
            raise DownloadError('%s does not exist on this workstation (copy the vendor file there first, or give a URL)' % src)
    actual = file_digest(path, algorithm)
    if actual != expected:
        raise ChecksumError('checksum mismatch for %s: expected %s:%s, actual %s:%s; nothing was installed'
                            % (src, algorithm, expected, algorithm, actual))
    return path


class InstallResult:
    def __init__(self, changed, version=None, package=None, files=None):
        self.changed = changed
        self.version = version
        self.package = package
        self.files = files or []


def install_packages(module, backend, names):
    """Install the profile's OS packages unless all are there. Version = the first package's."""
    if not names:
        raise ProfileError('the profile names no package for this OS family; use source=file, url or archive, '
                           'or give profile_overrides.packages')
    missing = [n for n in names if backend.installed_version(n) is None]
    if missing and not module.check_mode:
        backend.install_packages(missing)
        still = [n for n in missing if backend.installed_version(n) is None]
        if still:
            raise PackageError('the package manager reported success but %s is still not installed' % ', '.join(still))
    return InstallResult(bool(missing), backend.installed_version(names[0]), names[0])


def install_package_file(module, backend, src, checksum, timeout):
    """Install a vendor .deb/.rpm unless the same name and version is installed already."""
    ext = os.path.splitext(urlsplit(src).path if is_url(src) else src)[1].lower()
    if ext in ('.deb', '.rpm') and ext[1:] != backend.kind:
        raise PackageError('%s is a %s package; this workstation installs .%s packages' % (src, ext, backend.kind))
    path = obtain(module, src, checksum, timeout)
    name, version = backend.file_identity(path)
    installed = backend.installed_version(name)
    if installed == version:
        return InstallResult(False, version, name)
    if not module.check_mode:
        backend.install_file(path, installed)
        now = backend.installed_version(name)
        if now != version:
            raise PackageError('after installing %s, %s is at version %s, not %s' % (src, name, now, version))
    return InstallResult(True, version, name)


# --------------------------------------------------------------------------------------------
# Portable archives: safe extraction into a prefix, remembered by a marker file

class _Archive:
    """A tar or zip file opened for reading: :meth:`members` lists, :meth:`read` reads one file member."""

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
        """(name, kind, mode, link target, key for :meth:`read`) of every member, in archive order.

        kind is dir, file, symlink, hardlink or other (devices, FIFOs: refused later).
        """
        found = []
        if self.zip is not None:
            for info in self.zip.infolist():
                unix = info.external_attr >> 16
                kind = stat.S_IFMT(unix)
                if info.filename.endswith('/') or kind == stat.S_IFDIR:
                    found.append((info.filename, 'dir', 0o755, None, None))
                elif kind == stat.S_IFLNK:
                    found.append((info.filename, 'symlink', 0o777, self.zip.read(info).decode('utf-8'), None))
                elif kind in (0, stat.S_IFREG):  # 0: written without Unix attributes
                    found.append((info.filename, 'file', (unix & 0o777) or 0o644, None, info))
                else:
                    found.append((info.filename, 'other', 0, None, None))
            return found
        for m in self.tar.getmembers():
            if m.isdir():
                found.append((m.name, 'dir', 0o755, None, None))
            elif m.issym():
                found.append((m.name, 'symlink', 0o777, m.linkname, None))
            elif m.islnk():
                found.append((m.name, 'hardlink', m.mode & 0o777, m.linkname, None))
            elif m.isfile():
                found.append((m.name, 'file', m.mode & 0o777, None, m))
            else:
                found.append((m.name, 'other', 0, None, None))
        return found

    def read(self, key):
        return self.zip.read(key) if self.zip is not None else self.tar.extractfile(key).read()


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


def _inside(base, path):
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def plan_archive(members, prefix):
    """Check every member before anything is written: the list of ``(rel, kind, mode, target, key)`` to write.

    Refused (ArchiveError naming the member): absolute names, '..', devices/FIFOs, links whose
    target is absolute or leaves the prefix, members placed under a link of the same archive,
    hard links to members that are not earlier files, and members that an existing link in
    the prefix would send outside it.
    """
    links, files, plan = {}, {}, []
    real_prefix = os.path.realpath(prefix)
    for name, kind, mode, target, key in members:
        rel = _clean_rel(name)
        if not rel:
            continue
        parent = rel.rpartition('/')[0]
        if any(parent == link or parent.startswith(link + '/') for link in links):
            raise ArchiveError('the archive member %r lies under the link %r' % (name, parent))
        if kind == 'other':
            raise ArchiveError('the archive member %r is a device, FIFO or other special file' % name)
        dest = os.path.join(prefix, rel)
        if not _inside(real_prefix, os.path.realpath(dest if kind == 'dir' else os.path.dirname(dest))):
            raise ArchiveError('extracting %r would write outside %s through an existing link' % (name, prefix))
        if kind == 'symlink':
            # '..' only at the start: the target then never climbs out of another link.
            rest = _after_leading_dotdots([p for p in target.split('/') if p not in ('', '.')])
            if target.startswith('/') or '..' in rest or not _inside(prefix, os.path.normpath(os.path.join(os.path.dirname(dest), target))):
                raise ArchiveError('the archive link %r -> %r leaves the prefix' % (name, target))
            links[rel] = target
        elif kind == 'hardlink':
            source = _clean_rel(target)
            if source not in files:
                raise ArchiveError('the archive hard link %r -> %r does not name an earlier file' % (name, target))
            kind, key = 'file', files[source]
        elif kind == 'file':
            files[rel] = key
        plan.append((rel, kind, mode, target, key))
    return plan


def extract_archive(module, archive, prefix):
    """Extract ``archive`` into ``prefix`` (only validating in check mode); return the files written.

    The whole archive is checked (:func:`plan_archive`) before the first member is written, so a
    bad member leaves the prefix as it was. Files keep their permission bits without
    setuid/setgid/sticky; a hard link becomes a copy of its file.
    """
    with _Archive(archive) as opened:
        plan = plan_archive(opened.members(), prefix)
        files = [rel for rel, kind, dummy, dummy2, dummy3 in plan if kind != 'dir']
        if module.check_mode:
            return files
        for rel, kind, mode, target, key in plan:
            dest = os.path.join(prefix, rel)
            os.makedirs(dest if kind == 'dir' else os.path.dirname(dest), exist_ok=True)
            if kind == 'symlink':
                if not (os.path.islink(dest) and os.readlink(dest) == target):
                    if os.path.lexists(dest):
                        os.unlink(dest)
                    os.symlink(target, dest)
            elif kind == 'file':
                if os.path.islink(dest):
                    os.unlink(dest)
                write_file(module, dest, opened.read(key), mode=mode)  # one file's bytes held at a time
    return files


def read_marker(prefix):
    raw = read_bytes(os.path.join(prefix, MARKER))
    try:
        marker = json.loads(raw.decode('utf-8')) if raw else None
    except ValueError:
        return None
    return marker if isinstance(marker, dict) else None


def install_archive(module, src, checksum, prefix, timeout):
    """Extract a portable viewer into ``prefix`` unless the marker there records this checksum."""
    algorithm, expected = parse_checksum(checksum)
    wanted = '%s:%s' % (algorithm, expected)
    marker_path = os.path.join(prefix, MARKER)
    marker = read_marker(prefix)
    if marker and marker.get('checksum') == wanted and all(
            os.path.lexists(os.path.join(prefix, rel)) for rel in marker.get('files', [])):
        return InstallResult(False, files=[marker_path])
    path = obtain(module, src, checksum, timeout)
    files = extract_archive(module, path, prefix)
    if not module.check_mode:
        for rel in (marker or {}).get('files', []):
            old = os.path.join(prefix, _clean_rel(rel))
            if rel not in files and (os.path.isfile(old) or os.path.islink(old)):
                os.unlink(old)  # left over from the previous archive
        content = json.dumps({'generator': GENERATOR, 'source': os.path.basename(urlsplit(src).path if is_url(src) else src),
                              'checksum': wanted, 'files': files}, indent=2, sort_keys=True) + '\n'
        write_file(module, marker_path, content, mode=0o644)
    return InstallResult(True, files=[marker_path])


def command_version(module, command, regex, executable):
    """Run the profile's version command; None when it is missing or says nothing useful."""
    if not command or not executable:
        return None
    argv = [expand(arg, {'executable': executable}, 'version_command') for arg in command]
    if not (os.path.isfile(argv[0]) or module.get_bin_path(argv[0])):
        return None
    rc, out, err = module.run_command(argv)
    match = re.search(regex or r'(\d+(?:\.\d+)+)', (out or '') + '\n' + (err or ''))
    return match.group(1) if rc == 0 and match else None


def operator_account(name):
    """The operator's passwd entry and primary group name."""
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        raise ViewerError('the operator account %r does not exist on this workstation' % name)
    try:
        group = grp.getgrgid(account.pw_gid).gr_name
    except KeyError:
        group = str(account.pw_gid)
    return account, group


def install_viewer(module, profile, family):
    """Install the viewer as the module's source/src/checksum/prefix options say; return an InstallResult."""
    p = module.params
    if p['source'] == 'archive':
        if not os.path.isabs(p['prefix']):
            raise ViewerError('prefix must be an absolute path, got %r' % p['prefix'])
        return install_archive(module, p['src'], p['checksum'], p['prefix'], p['timeout'])
    if p['source'] == 'url' and not is_url(p['src']):
        raise ViewerError('source=url needs an http:// or https:// src, got %r' % p['src'])
    if p['source'] == 'file' and is_url(p['src']):
        raise ViewerError('source=file needs a path on the workstation; use source=url for %s' % p['src'])
    backend = backend_for(module, family)
    if p['source'] == 'package':
        return install_packages(module, backend, profile['packages'].get(family, []))
    return install_package_file(module, backend, p['src'], p['checksum'], p['timeout'])


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


def ensure_folder(module, folder, uid, gid, home):
    """Create ``folder`` and its missing parents; those inside ``home`` get the operator as owner.

    A root-owned ~/.local or ~/.local/share would break the operator's desktop session, so
    folders are created here (not by write_file) and handed over. Returns True when any is missing.
    """
    missing = []
    current = os.path.abspath(folder)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    if module.check_mode:
        return bool(missing)
    for path in reversed(missing):
        os.mkdir(path, 0o755)
        if home and _inside(os.path.abspath(home), path):
            os.chown(path, uid, gid)
    return bool(missing)
