# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""dukcapil.cctv.cctv_viewer_install: the camera viewer on a workstation, on Ansible's own modules.

The documentation is in ``plugins/modules/cctv_viewer_install.py``. This plugin runs on the
controller and drives, on the workstation:

* Linux: ``setup`` (OS family) and ``getent`` (the operator), ``package`` for the profile's OS
  packages, ``stat`` or ``get_url`` (checksum) and ``apt``/``dnf`` for a vendor package file,
  ``get_url``/``fetch``/``unarchive`` for a portable archive, ``copy`` for the camera list, the
  launcher and the archive's marker; ``command`` only for read-only questions (the installed
  version, the name and version inside a package file, the viewer's ``--version``);
* Windows: ``ansible.windows.win_package`` (checksum), ``win_file`` and ``win_copy``.

What no Ansible module knows stays the collection's own (``module_utils/_viewer.py``): the
profiles, the camera list per format with its credentials and permissions, the launchers, and
the check of a portable archive before anything is extracted.
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
import shutil
import tempfile

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible_collections.dukcapil.cctv.plugins.module_utils import _viewer as viewer

_CAMERA = dict(
    name=dict(type='str', required=True),
    room=dict(type='str', required=True),
    position=dict(type='str'),
    stream_uri=dict(type='str', required=True),
    username=dict(type='str'),
    password=dict(type='str', no_log=True),
)

#: The options, as documented in plugins/modules/cctv_viewer_install.py. Paths are the
#: workstation's: they are not expanded on the controller.
ARGUMENT_SPEC = dict(
    profile=dict(type='str', choices=['vlc', 'generic'], default='vlc'),
    profile_overrides=dict(type='dict'),
    source=dict(type='str', choices=['package', 'file', 'url', 'archive'], default='package'),
    src=dict(type='str'),
    checksum=dict(type='str'),
    prefix=dict(type='str'),
    operator=dict(type='str'),
    cameras=dict(type='list', elements='dict', options=_CAMERA, default=[]),
    rooms=dict(type='list', elements='str'),
    launcher=dict(type='bool', default=True),
    camera_list_path=dict(type='str'),
    executable=dict(type='str'),
    timeout=dict(type='int', default=30),
    validate_certs=dict(type='bool', default=True),
    product_id=dict(type='str'),
    installer_arguments=dict(type='str'),
)

REQUIRED_IF = [
    ('source', 'file', ('src', 'checksum')),
    ('source', 'url', ('src', 'checksum')),
    ('source', 'archive', ('src', 'checksum', 'prefix')),
]

# get_url's own words for a checksum mismatch: "The checksum for <dest> did not match <expected>; it was <actual>."
_GET_URL_MISMATCH = re.compile(r'did not match .*?; it was ([0-9A-Fa-f]+)')


class StepFailed(viewer.ViewerError):
    """A module or action run on the workstation failed; the message names what was being done."""

    def __init__(self, what, result):
        detail = to_text(result.get('msg') or result.get('stderr') or result.get('module_stderr') or 'failed without a message').strip()
        super().__init__('%s failed: %s' % (what, detail[-2000:]))
        self.result = result


class ActionModule(ActionBase):

    TRANSFERS_FILES = True
    _supports_check_mode = True
    _supports_async = False

    # ----------------------------------------------------------------------------------------
    # Running Ansible's modules and actions on the workstation

    def _module(self, name, args, what, really=False):
        """Run module ``name``; ``really`` runs it outside check mode (read-only questions, scratch downloads)."""
        saved = self._task.check_mode
        if really:
            self._task.check_mode = False
        try:
            result = self._execute_module(module_name=name, module_args=args, task_vars=self._task_vars)
        finally:
            self._task.check_mode = saved
        if result.get('failed'):
            raise StepFailed(what, result)
        return result

    def _action(self, name, args, what, really=False):
        """Run the action plugin ``name`` (copy, fetch, package, win_copy) as a task of its own."""
        task = self._task.copy()
        task.args = args
        if really:
            task.check_mode = False
        action = self._shared_loader_obj.action_loader.get(
            name, task=task, connection=self._connection, play_context=self._play_context, loader=self._loader,
            templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        result = action.run(task_vars=self._task_vars)
        if result.get('failed'):
            raise StepFailed(what, result)
        return result

    def _read(self, argv, what):
        """A read-only command (never changes the workstation, so it runs in check mode too): (rc, stdout)."""
        saved = self._task.check_mode
        self._task.check_mode = False
        try:
            result = self._execute_module(module_name='ansible.legacy.command', module_args={'argv': argv},
                                          task_vars=self._task_vars)
        finally:
            self._task.check_mode = saved
        if result.get('rc') is None:
            raise StepFailed(what, result)
        return result['rc'], to_text(result.get('stdout', ''))

    def _is_windows(self):
        shell = self._connection._shell
        return getattr(shell, 'SHELL_FAMILY', '') == 'powershell' or getattr(shell, '_IS_WINDOWS', False) is True

    # ----------------------------------------------------------------------------------------

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        self._task_vars = task_vars or {}
        try:
            dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC, required_if=REQUIRED_IF)
        except AnsibleActionFail as exc:
            result.update(failed=True, msg=to_text(exc.message))
            return result
        self._local_tmp = self._scratch_dir = None
        self._warnings = []
        try:
            outcome = self._windows(args) if self._is_windows() else self._linux(args)
        except viewer.ViewerError as exc:
            result.update(failed=True, msg=to_text(exc))
            if self._warnings:
                result['warnings'] = self._warnings
            return result
        finally:
            if self._scratch_dir:
                try:
                    self._module('ansible.legacy.file', {'path': self._scratch_dir, 'state': 'absent'},
                                 'removing the scratch folder %s' % self._scratch_dir, really=True)
                except StepFailed as exc:
                    self._warnings.append(to_text(exc))
            self._remove_tmp_path(self._connection._shell.tmpdir)
            if self._local_tmp:
                shutil.rmtree(self._local_tmp, ignore_errors=True)
        diffs = outcome.pop('diff')
        result.update(outcome)
        if self._warnings:
            result['warnings'] = self._warnings
        if self._task.diff:
            result['diff'] = diffs
        return result

    # ----------------------------------------------------------------------------------------
    # Linux workstations

    def _facts(self):
        facts = dict(self._task_vars.get('ansible_facts') or {})
        if not facts.get('system') or 'os_family' not in facts:
            gathered = self._module('ansible.legacy.setup', {'gather_subset': ['!all', '!min', 'platform', 'distribution']},
                                    'reading the workstation\'s system (setup)')
            facts.update((k[len('ansible_'):] if k.startswith('ansible_') else k, v)
                         for k, v in gathered.get('ansible_facts', {}).items())
        return facts

    def _account(self, operator):
        try:
            found = self._module('ansible.legacy.getent', {'database': 'passwd', 'key': operator},
                                 'looking up the operator account %r (getent)' % operator)
        except StepFailed:
            raise viewer.ViewerError('the operator account %r does not exist on this workstation' % operator)
        entry = found['ansible_facts']['getent_passwd'][operator]
        return {'user': operator, 'uid': entry[1], 'gid': entry[2], 'home': entry[4]}

    def _linux(self, p):
        if not p['operator']:
            raise viewer.ViewerError('operator is required on a Linux workstation (the account that uses the viewer)')
        profile = viewer.resolve_profile(p['profile'], p['profile_overrides'])
        archive = p['source'] == 'archive'
        executable = p['executable'] or profile.get('executable')
        if p['launcher'] and not executable:
            raise viewer.ProfileError('the %s profile has no executable for its launcher: set executable (or launcher: false)' % profile['name'])
        if archive and not posixpath.isabs(p['prefix']):
            raise viewer.ViewerError('prefix must be an absolute path, got %r' % p['prefix'])
        if p['source'] == 'url' and not viewer.is_url(p['src']):
            raise viewer.ViewerError('source=url needs an http:// or https:// src, got %r' % p['src'])
        if p['source'] == 'file' and viewer.is_url(p['src']):
            raise viewer.ViewerError('source=file needs a path on the workstation; use source=url for %s' % p['src'])
        if p['source'] != 'package':
            viewer.parse_checksum(p['checksum'])
        if archive and executable and not posixpath.isabs(executable):
            executable = posixpath.join(p['prefix'], executable)

        # A portable archive needs no package manager: the system is not even asked.
        facts = dict(self._task_vars.get('ansible_facts') or {}) if archive else self._facts()
        if facts.get('system', 'Linux') != 'Linux':
            raise viewer.UnsupportedSystemError(
                'cctv_viewer_install serves Linux and Windows workstations, this host runs %s' % facts.get('system'))
        family = viewer.FACT_FAMILIES.get(facts.get('os_family'))
        account = self._account(p['operator'])

        # The application first: a checksum mismatch stops everything before any file is written.
        if archive:
            installed = self._install_archive(p)
        elif p['source'] == 'package':
            installed = self._install_packages(profile, family)
        else:
            installed = self._install_package_file(p, family)
        version = installed['version']
        if archive and not (self._task.check_mode and installed['changed']):
            version = self._command_version(profile, executable)

        home = account['home']
        values = {'home': home, 'user': account['user'], 'prefix': p['prefix'] or '',
                  'data_dir': p['prefix'] if archive else posixpath.join(home, '.local', 'share', 'dukcapil-cctv'),
                  'apps_dir': p['prefix'] if archive else posixpath.join(home, '.local', 'share', 'applications')}
        changes = ['package'] if installed['changed'] else []
        diffs = []

        # The camera list: the room's cameras, credentials only where the format needs them.
        list_path = p['camera_list_path'] or viewer.expand(profile['camera_list']['path'], values, 'camera_list path')
        if not posixpath.isabs(list_path):
            raise viewer.ProfileError('the camera list path %r is not absolute' % list_path)
        selected = viewer.select_cameras(p['cameras'], p['rooms'])
        if p['rooms'] and not selected:
            self._warn('no camera is in the room(s) %s: the camera list is empty' % ', '.join(p['rooms']))
        entries = viewer.camera_entries(selected, profile['camera_list']['credentials'])
        title = viewer.list_title(entries, p['rooms'])
        content = viewer.render_camera_list(profile['camera_list']['format'], entries, title)
        mode = '0600' if any(e['secret'] for e in entries) else '0644'
        if self._write(list_path, content, mode, account, diffs, 'writing the camera list'):
            changes.append('camera_list')

        # The launcher that opens it.
        launcher_path = None
        if p['launcher']:
            launcher_path = viewer.expand(profile['launcher']['path'], values, 'launcher path')
            if not posixpath.isabs(launcher_path):
                raise viewer.ProfileError('the launcher path %r is not absolute' % launcher_path)
            desktop = viewer.render_launcher(profile, title, {'executable': executable, 'camera_list': list_path, 'prefix': p['prefix']})
            if self._write(launcher_path, desktop, '0644', account, diffs, 'writing the launcher'):
                changes.append('launcher')

        files = [list_path] + ([launcher_path] if launcher_path else []) + installed['files']
        return dict(changed=bool(changes), changes=changes, version=version, package=installed['package'],
                    os_family=family, camera_count=len(entries), camera_list=list_path, launcher=launcher_path,
                    files=files, diff=diffs)

    def _folder(self, folder, account):
        """Create ``folder`` and its missing parents (only predicted in check mode).

        Folders under the operator's home are created for the operator (a root-owned ~/.local would break
        the desktop session); elsewhere they belong to the account running the task.
        """
        args = {'path': folder, 'state': 'directory'}
        if account and _inside(account['home'], folder):
            args.update(owner=account['user'], group=str(account['gid']))
        self._module('ansible.legacy.file', args, 'creating the folder %s' % folder)

    def _write(self, path, content, mode, account, diffs, what):
        """copy the content to ``path`` for the operator; the diff keeps no password.

        The folder is created (:meth:`_folder`) only when copy finds it missing: one module call less
        on every run that changes nothing.
        """
        args = {'content': content, 'dest': path, 'mode': mode}
        if account:
            args.update(owner=account['user'], group=str(account['gid']))
        try:
            result = self._action('ansible.legacy.copy', args, '%s %s' % (what, path))
        except StepFailed as exc:
            if 'Destination directory' not in to_text(exc.result.get('msg')):
                raise
            self._folder(posixpath.dirname(path), account)
            if self._task.check_mode:
                result = {'changed': True}  # the folder would be created: so would the file
            else:
                result = self._action('ansible.legacy.copy', args, '%s %s' % (what, path))
        changed, before = bool(result.get('changed')), ''
        found = result.get('diff') or []
        for diff in [found] if isinstance(found, dict) else found:
            before = diff.get('before') if isinstance(diff.get('before'), str) else before
        if changed:
            diffs.append({'before_header': path, 'after_header': path,
                          'before': viewer.mask_credentials(before), 'after': viewer.mask_credentials(content)})
        return changed

    def _warn(self, text):
        self._warnings.append(text)

    # The viewer itself ------------------------------------------------------------------------

    def _installed_version(self, family, name):
        if family == 'debian':
            rc, out = self._read(['dpkg-query', '-W', '-f=${Status}\t${Version}', name], 'asking dpkg-query for %s' % name)
            status, dummy, version = out.partition('\t')
            return version.strip() or None if rc == 0 and status.endswith(' installed') else None
        rc, out = self._read(['rpm', '-q', '--qf', '%{VERSION}-%{RELEASE}\\n', name], 'asking rpm for %s' % name)
        lines = out.strip().splitlines()
        return lines[0].strip() if rc == 0 and lines else None

    def _install_packages(self, profile, family):
        if family not in viewer.FAMILIES:
            raise viewer.UnsupportedSystemError(
                'this Linux is neither of the Debian nor of the RHEL/Fedora family; install the viewer with source=archive instead')
        names = profile['packages'].get(family, [])
        if not names:
            raise viewer.ProfileError('the profile names no package for this OS family; use source=file, url or archive, '
                                      'or give profile_overrides.packages')
        done = self._action('ansible.legacy.package', {'name': names, 'state': 'present'},
                            'installing %s with the package manager' % ', '.join(names))
        return {'changed': bool(done.get('changed')), 'version': self._installed_version(family, names[0]),
                'package': names[0], 'files': []}

    def _obtain(self, p, what):
        """The vendor file on the workstation, verified against the checksum: its path there."""
        algorithm, expected = viewer.parse_checksum(p['checksum'])
        src = p['src']
        if viewer.is_url(src):
            # Downloaded into a scratch folder even in check mode, to predict exactly.
            dest = posixpath.join(self._scratch(), viewer.source_name(src))
            try:
                self._module('ansible.legacy.get_url', {
                    'url': src, 'dest': dest, 'checksum': '%s:%s' % (algorithm, expected), 'timeout': p['timeout'],
                    'validate_certs': p['validate_certs'], 'force': True, 'mode': '0600'}, 'downloading %s' % src, really=True)
            except StepFailed as exc:
                found = _GET_URL_MISMATCH.search(to_text(exc))
                if found:
                    raise viewer.mismatch(src, algorithm, expected, found.group(1).lower())
                raise
            return dest
        found = self._module('ansible.legacy.stat', {'path': src, 'get_checksum': True, 'checksum_algorithm': algorithm},
                             'reading %s' % src)['stat']
        if not found.get('exists') or not found.get('isreg', True):
            raise viewer.ViewerError('%s does not exist on this workstation (copy the %s there first, or give a URL)' % (src, what))
        if found.get('checksum') != expected:
            raise viewer.mismatch(src, algorithm, expected, found.get('checksum'))
        return src

    def _scratch(self):
        """A private folder on the workstation for downloads, removed at the end of the task.

        Not the connection's temporary folder: the copy and fetch actions remove that one when they end.
        """
        if not self._scratch_dir:
            made = self._module('ansible.legacy.tempfile', {'state': 'directory', 'prefix': 'dukcapil-cctv-viewer.'},
                                'creating a scratch folder', really=True)
            self._scratch_dir = made['path']
        return self._scratch_dir

    def _install_package_file(self, p, family):
        if family not in viewer.FAMILIES:
            raise viewer.UnsupportedSystemError(
                'this Linux is neither of the Debian nor of the RHEL/Fedora family; install the viewer with source=archive instead')
        kind = 'deb' if family == 'debian' else 'rpm'
        ext = posixpath.splitext(viewer.source_name(p['src']))[1].lower()
        if ext in ('.deb', '.rpm') and ext[1:] != kind:
            raise viewer.PackageError('%s is a %s package; this workstation installs .%s packages' % (p['src'], ext, kind))
        path = self._obtain(p, 'vendor package')
        if kind == 'deb':
            rc, out = self._read(['dpkg-deb', '-f', path, 'Package', 'Version'], 'reading the package file %s' % p['src'])
            fields = dict((k.strip(), v.strip()) for k, s, v in (line.partition(':') for line in out.splitlines()) if s)
            name, version = fields.get('Package'), fields.get('Version')
        else:
            rc, out = self._read(['rpm', '-qp', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}', path], 'reading the package file %s' % p['src'])
            name, dummy, version = out.strip().partition('\t')
        if rc != 0 or not name or not version:
            raise viewer.PackageError('%s is not a %s package (no name and version inside)' % (p['src'], 'Debian' if kind == 'deb' else 'RPM'))
        if self._installed_version(family, name) == version:
            return {'changed': False, 'version': version, 'package': name, 'files': []}
        if kind == 'deb':
            self._module('ansible.legacy.apt', {'deb': path, 'allow_downgrade': True}, 'installing %s with apt' % p['src'])
        else:
            self._module('ansible.legacy.dnf', {'name': path, 'state': 'present', 'allow_downgrade': True, 'disable_gpg_check': False},
                         'installing %s with dnf' % p['src'])
        if not self._task.check_mode:
            now = self._installed_version(family, name)
            if now != version:
                raise viewer.PackageError('after installing %s, %s is at version %s, not %s' % (p['src'], name, now, version))
        return {'changed': True, 'version': version, 'package': name, 'files': []}

    def _install_archive(self, p):
        """Extract a portable viewer into the prefix unless its marker records this checksum."""
        algorithm, expected = viewer.parse_checksum(p['checksum'])
        wanted = '%s:%s' % (algorithm, expected)
        prefix = p['prefix'].rstrip('/') or '/'
        marker_path = posixpath.join(prefix, viewer.MARKER)
        present = self._module('ansible.legacy.find', {'paths': [prefix], 'recurse': True, 'hidden': True,
                                                       'file_type': 'any', 'follow': False}, 'listing %s' % prefix)
        existing = dict((posixpath.relpath(f['path'], prefix), f) for f in present.get('files', []))
        marker = None
        if viewer.MARKER in existing:
            raw = self._module('ansible.legacy.slurp', {'src': marker_path}, 'reading %s' % marker_path)
            marker = viewer.read_marker(_b64(raw.get('content', '')))
        if marker and marker.get('checksum') == wanted and all(rel in existing for rel in marker.get('files', [])):
            return {'changed': False, 'version': None, 'package': None, 'files': [marker_path]}

        remote = self._obtain(p, 'archive')
        # The whole archive is checked on the controller before the first member is extracted.
        self._local_tmp = tempfile.mkdtemp(dir=C.DEFAULT_LOCAL_TMP)
        local = os.path.join(self._local_tmp, viewer.source_name(p['src']))
        self._action('ansible.legacy.fetch', {'src': remote, 'dest': local, 'flat': True, 'fail_on_missing': True},
                     'bringing %s to the controller to check it' % p['src'], really=True)
        links = [rel for rel, f in existing.items() if f.get('islnk')]
        files = viewer.check_archive(local, links)
        if not self._task.check_mode:
            self._module('ansible.legacy.file', {'path': prefix, 'state': 'directory'}, 'creating %s' % prefix)
            self._module('ansible.legacy.unarchive', {'src': remote, 'dest': prefix, 'remote_src': True},
                         'extracting %s into %s' % (p['src'], prefix))
            for rel in (marker or {}).get('files', []):
                if rel not in files and rel in existing and not existing[rel].get('isdir'):
                    self._module('ansible.legacy.file', {'path': posixpath.join(prefix, rel), 'state': 'absent'},
                                 'removing %s, left over from the previous archive' % rel)
            self._write(marker_path, viewer.marker_content(p['src'], wanted, files), '0644', None, [], 'writing the marker')
        return {'changed': True, 'version': None, 'package': None, 'files': [marker_path]}

    def _command_version(self, profile, executable):
        """The profile's version command; None when it is missing or says nothing useful."""
        command = profile.get('version_command')
        if not command or not executable:
            return None
        argv = [viewer.expand(arg, {'executable': executable}, 'version_command') for arg in command]
        try:
            rc, out = self._read(argv, 'asking %s for its version' % argv[0])
        except StepFailed:
            return None  # not installed (yet): no version to tell
        match = re.search(profile.get('version_regex') or r'(\d+(?:\.\d+)+)', out)
        return match.group(1) if rc == 0 and match else None

    # ----------------------------------------------------------------------------------------
    # Windows workstations (ansible.windows; not tested on a real Windows host in this project)

    def _windows(self, p):
        if p['profile'] != 'vlc':
            raise viewer.ProfileError('Windows workstations support the vlc profile only, not %r' % p['profile'])
        if p['source'] not in ('file', 'url'):
            raise viewer.ViewerError('on Windows the viewer comes from its installer: source=file or source=url with src '
                                     'and checksum, not source=%s' % p['source'])
        algorithm, expected = viewer.parse_checksum(p['checksum'])
        product_id = p['product_id'] or viewer.WINDOWS['product_id']
        executable = p['executable'] or viewer.WINDOWS['executable']
        list_path = p['camera_list_path'] or viewer.WINDOWS['camera_list']
        launcher_path = ((p['profile_overrides'] or {}).get('launcher') or {}).get('path') or viewer.WINDOWS['launcher']
        changes, diffs = [], []

        installed = self._module('ansible.windows.win_package', {
            'path': p['src'], 'product_id': product_id, 'arguments': p['installer_arguments'] or viewer.WINDOWS['arguments'],
            'checksum': expected, 'checksum_algorithm': algorithm, 'validate_certs': p['validate_certs'], 'state': 'present'},
            'installing %s (win_package)' % p['src'])
        if installed.get('changed'):
            changes.append('package')

        # The playlist never holds credentials on Windows (every user can read it).
        selected = viewer.select_cameras(p['cameras'], p['rooms'])
        if p['rooms'] and not selected:
            self._warn('no camera is in the room(s) %s: the camera list is empty' % ', '.join(p['rooms']))
        entries = viewer.camera_entries(selected, 'none')
        title = viewer.list_title(entries, p['rooms'])
        content = viewer.render_camera_list('m3u', entries, title)
        folder = viewer.windows_dirname(list_path)
        if folder:
            self._module('ansible.windows.win_file', {'path': folder, 'state': 'directory'}, 'creating %s' % folder)
        if self._win_write(list_path, content, diffs, 'writing the camera list'):
            changes.append('camera_list')
        if p['launcher']:
            if self._win_write(launcher_path, viewer.render_windows_launcher(executable, list_path), diffs, 'writing the launcher'):
                changes.append('launcher')
        else:
            launcher_path = None
        files = [list_path] + ([launcher_path] if launcher_path else [])
        return dict(changed=bool(changes), changes=changes, version=None, package=product_id, os_family='windows',
                    camera_count=len(entries), camera_list=list_path, launcher=launcher_path, files=files, diff=diffs)

    def _win_write(self, path, content, diffs, what):
        result = self._action('ansible.windows.win_copy', {'content': content, 'dest': path}, '%s %s' % (what, path))
        if result.get('changed'):
            diffs.append({'before_header': path, 'after_header': path, 'before': '', 'after': viewer.mask_credentials(content)})
        return bool(result.get('changed'))


def _inside(base, path):
    base = posixpath.normpath(base)
    return posixpath.normpath(path) == base or posixpath.normpath(path).startswith(base.rstrip('/') + '/')


def _b64(text):
    return base64.b64decode(text).decode('utf-8', 'replace') if text else ''
