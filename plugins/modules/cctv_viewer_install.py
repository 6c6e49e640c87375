#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_viewer_install
short_description: Install the camera viewer on a Linux workstation, pre-loaded with the room's cameras
version_added: 0.1.0
description:
  - SOP-PIAK-02 step 4 (I(Instal aplikasi kamera pengawas)) for Linux workstations of the Debian/Ubuntu
    and RHEL/Fedora families. Runs on the workstation itself; fails clearly on any other system (Windows
    workstations are served by the C(dukcapil.cctv.viewer) role's Windows tasks).
  - Installs the viewer application from the OS package manager (O(source=package)), from a vendor
    C(.deb)/C(.rpm) file or URL verified against O(checksum) (O(source=file), O(source=url)), or from a
    portable C(.tar.gz)/C(.zip) archive extracted into O(prefix) (O(source=archive)).
  - Writes the camera list of the workstation's room(s) in the viewer's format, owned by O(operator), and a
    freedesktop launcher that opens it.
  - What a viewer needs is data, a I(profile) in C(plugins/module_utils/_viewer.py); O(profile_overrides)
    changes or extends one without code.
  - There is no O(ignore:state) option, on purpose. The module only ensures that the viewer is present and
    configured; remove a viewer with M(ansible.builtin.package) and M(ansible.builtin.file).
author:
  - dukcapil.cctv contributors (!UNKNOWN)
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  check_mode:
    support: full
    details:
      - Only reads. For O(source=url) the file is still downloaded into a temporary folder and verified, so
        that the package name and version inside it (and a checksum mismatch) are predicted exactly.
  diff_mode:
    support: full
    details:
      - Before and after of the camera list (and of the launcher when it changes), with every password masked.
  idempotent:
    support: full
    details:
      - O(source=url) downloads the file on every run to compare the package inside it with the installed one.
options:
  profile:
    description:
      - The viewer profile.
      - V(vlc) is the VLC media player from the OS packages (Debian/Ubuntu main archive; on RHEL/Fedora the
        C(vlc) package comes from RPM Fusion, whose C(free) repository must be enabled beforehand). Its camera
        list is an M3U playlist without credentials, VLC asks for them when a stream needs them.
      - V(generic) is any viewer reading a JSON camera list (title, name, room, position, stream_uri, and
        username/password as separate fields when given); its launcher runs O(executable). It has no OS
        package, so it comes with O(source=file), O(source=url) or O(source=archive).
    type: str
    choices: [vlc, generic]
    default: vlc
  profile_overrides:
    description:
      - Merged into the chosen profile (dictionaries key by key, other values replaced).
      - Keys are C(packages) (OS family C(debian)/C(redhat) to a list of package names), C(executable),
        C(camera_list) (C(path) template, C(format) one of C(m3u), C(xspf), C(json), C(credentials) one of
        C(none), C(uri), C(fields)), C(launcher) (C(path) template, C(exec) template in desktop-entry Exec
        syntax, C(icon), C(categories)), C(version_command) (a list) and C(version_regex).
      - Path templates know C({home}), C({user}), C({prefix}), C({data_dir}) and C({apps_dir}); Exec and
        version templates know C({executable}), C({camera_list}) and C({prefix}).
    type: dict
  source:
    description:
      - Where the viewer comes from.
      - V(package) installs the profile's packages with apt-get, dnf or yum unless they are installed already
        (the package cache must be usable; the module does not refresh it).
      - V(file) installs a vendor package file that is already on the workstation, V(url) downloads one over
        HTTP(S). The package's name and version inside the file are compared with the installed ones first.
        Debian family with C(apt-get install ./file.deb) (dependencies resolved); RHEL family with
        C(dnf install) for a first install and C(rpm -U --oldpackage) to replace another version.
      - V(archive) extracts a portable C(.tar.gz)/C(.zip) (local path or URL) into O(prefix). The whole archive is
        checked before anything is written; an absolute path, C(..), a link that leaves the prefix, a member under
        a link, a hard link to anything but an earlier file, or a device or FIFO refuses it, and O(prefix) stays
        as it was. A marker file C(.dukcapil-cctv-viewer.json) in the prefix
        records the checksum; another checksum re-extracts and removes the files of the previous archive.
      - The checksum of O(src) is verified before anything is installed; a mismatch fails naming both values.
    type: str
    choices: [package, file, url, archive]
    default: package
  src:
    description:
      - The vendor package file or archive. A path on the workstation for O(source=file), an C(http://) or
        C(https://) URL for O(source=url), either for O(source=archive).
      - Required unless O(source=package).
    type: str
  checksum:
    description:
      - Checksum of O(src) as C(sha256:<hex>) (C(sha384:) and C(sha512:) are accepted too).
      - Required unless O(source=package).
    type: str
  prefix:
    description:
      - Absolute folder the portable archive is extracted into; required for O(source=archive).
      - With O(source=archive) the camera list and the launcher go there too, and a relative O(executable)
        is relative to it. Extracted files belong to the account running the module.
    type: path
  operator:
    description:
      - The OS account that uses the viewer. The camera list and the launcher belong to it, and for package
        installs they go under its home (C(~/.local/share/dukcapil-cctv/) and C(~/.local/share/applications/)).
    type: str
    required: true
  cameras:
    description:
      - Every camera of the site; O(rooms) picks those this workstation shows. Removing a camera here removes
        it from the list on the next run.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The camera's name (its inventory host name, for instance).
        type: str
        required: true
      room:
        description: The room the camera watches, for example C(Ruang Server).
        type: str
        required: true
      position:
        description:
          - Where in the room, for example C(Pintu). Each entry is titled C(<room> — <position>).
          - Defaults to O(cameras[].name).
        type: str
      stream_uri:
        description:
          - The RTSP (or HTTP) stream URI. A C(user:password@) part or password query parameter is removed
            unless the profile writes credentials as C(uri).
        type: str
        required: true
      username:
        description: User name for the stream, written only when the profile's format carries credentials.
        type: str
      password:
        description:
          - Password for the stream, written only when the profile's format carries credentials; the camera
            list is then mode C(0600). Never shown in diffs.
        type: str
  rooms:
    description:
      - The rooms this workstation shows (case-insensitive). All cameras when omitted.
    type: list
    elements: str
  launcher:
    description:
      - Write the desktop launcher that opens the camera list. V(false) leaves an existing launcher alone.
    type: bool
    default: true
  camera_list_path:
    description:
      - Where to write the camera list instead of the profile's path.
    type: path
  executable:
    description:
      - The viewer's executable for the launcher and the version command; the profile's when omitted
        (C(vlc) for V(vlc), none for V(generic), which then needs it when O(launcher=true)).
    type: str
  timeout:
    description: Seconds to wait for the HTTP server when downloading O(src).
    type: int
    default: 30
  validate_certs:
    description: Verify the HTTPS server's certificate when downloading O(src).
    type: bool
    default: true
notes:
  - Runs on the workstation. Uses only the Python standard library, C(dpkg-query)/C(dpkg-deb)/C(apt-get)
    or C(rpm)/C(dnf)/C(yum).
  - For O(source=archive) the version comes from the profile's version command (C(<executable> --version));
    it is V(null) when that command does not answer, and in check mode when the archive would be (re)extracted.
seealso:
  - module: ansible.builtin.package
  - module: ansible.builtin.file
'''

EXAMPLES = r'''
- name: Install VLC with a playlist of the server room cameras for the operator
  dukcapil.cctv.cctv_viewer_install:
    profile: vlc
    operator: piak
    rooms:
      - Ruang Server
    cameras:
      - name: cam-server-pintu
        room: Ruang Server
        position: Pintu
        stream_uri: rtsp://192.0.2.21:554/Streaming/Channels/101
      - name: cam-server-rak
        room: Ruang Server
        position: Rak
        stream_uri: rtsp://admin:secret@192.0.2.22:554/Streaming/Channels/101

- name: Install the vendor viewer package from the office file server
  dukcapil.cctv.cctv_viewer_install:
    profile: generic
    source: url
    src: https://files.example.org/cctv/vendor-viewer_2.4.1_amd64.deb
    checksum: sha256:0f343b0931126a20f133d67c2b018a3b5e4e5d0a7b1d0f6b3e2d6f1a9c8b7e6d
    executable: /opt/vendor-viewer/bin/viewer
    operator: piak
    cameras: "{{ cctv_cameras }}"
    rooms: "{{ cctv_workstation_rooms }}"

- name: Unpack a portable viewer into /opt without touching the package manager
  dukcapil.cctv.cctv_viewer_install:
    profile: generic
    source: archive
    src: /srv/cctv/cctv-viewer-portable-1.0.0.tar.gz
    checksum: sha256:3b9c1e7d2f4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c
    prefix: /opt/cctv-viewer
    executable: bin/cctv-viewer
    operator: piak
    cameras: "{{ cctv_cameras }}"
  register: viewer_result

- name: Use VLC, but write credentials into an XSPF playlist in another folder
  dukcapil.cctv.cctv_viewer_install:
    profile: vlc
    profile_overrides:
      camera_list:
        path: '{home}/Videos/cctv.xspf'
        format: xspf
        credentials: uri
    operator: piak
    cameras:
      - name: cam-server-pintu
        room: Ruang Server
        position: Pintu
        stream_uri: rtsp://192.0.2.21:554/Streaming/Channels/101
        username: viewer
        password: "{{ vault_cctv_viewer_password }}"
'''

RETURN = r'''
version:
  description:
    - Version of the installed viewer (the first package of the profile, the package inside O(src), or the
      answer of the version command for archives).
    - V(null) in check mode when the viewer would first be installed from the OS packages or an archive.
  returned: always
  type: str
  sample: 3.0.21-0+deb12u1
package:
  description: Name of the OS package that carries the viewer; V(null) for archives.
  returned: always
  type: str
  sample: vlc
os_family:
  description: The workstation's OS family from C(/etc/os-release), V(null) when unknown (archives only).
  returned: always
  type: str
  sample: debian
camera_count:
  description: Number of cameras in the camera list (those of O(rooms)).
  returned: always
  type: int
  sample: 2
camera_list:
  description: Path of the camera list.
  returned: always
  type: str
  sample: /home/piak/.local/share/dukcapil-cctv/cameras.m3u
launcher:
  description: Path of the desktop launcher; V(null) when O(launcher=false).
  returned: always
  type: str
  sample: /home/piak/.local/share/applications/dukcapil-cctv-viewer.desktop
files:
  description: The files the module manages on the workstation (camera list, launcher, archive marker).
  returned: always
  type: list
  elements: str
  sample:
    - /home/piak/.local/share/dukcapil-cctv/cameras.m3u
    - /home/piak/.local/share/applications/dukcapil-cctv-viewer.desktop
changes:
  description: What changed (or would change in check mode), among V(package), V(camera_list) and V(launcher).
  returned: always
  type: list
  elements: str
  sample: [package, camera_list]
'''

import os
import platform

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible_collections.dukcapil.cctv.plugins.module_utils import _viewer as viewer
from ansible_collections.dukcapil.cctv.plugins.module_utils._files import read_bytes, write_file


def argument_spec():
    camera = dict(
        name=dict(type='str', required=True),
        room=dict(type='str', required=True),
        position=dict(type='str'),
        stream_uri=dict(type='str', required=True),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
    )
    return dict(
        profile=dict(type='str', choices=['vlc', 'generic'], default='vlc'),
        profile_overrides=dict(type='dict'),
        source=dict(type='str', choices=['package', 'file', 'url', 'archive'], default='package'),
        src=dict(type='str'),
        checksum=dict(type='str'),
        prefix=dict(type='path'),
        operator=dict(type='str', required=True),
        cameras=dict(type='list', elements='dict', options=camera, default=[]),
        rooms=dict(type='list', elements='str'),
        launcher=dict(type='bool', default=True),
        camera_list_path=dict(type='path'),
        executable=dict(type='str'),
        timeout=dict(type='int', default=30),
        validate_certs=dict(type='bool', default=True),
    )


def run(module):
    p = module.params
    if platform.system() != 'Linux':
        raise viewer.UnsupportedSystemError('cctv_viewer_install serves Linux workstations only, this host runs %s; '
                                            'use the dukcapil.cctv.viewer role (tasks/windows.yml) for Windows' % platform.system())
    profile = viewer.resolve_profile(p['profile'], p['profile_overrides'])
    account, group = viewer.operator_account(p['operator'])
    family = viewer.os_family(viewer.read_os_release())
    archive = p['source'] == 'archive'
    executable = p['executable'] or profile.get('executable')
    if p['launcher'] and not executable:
        raise viewer.ProfileError('the %s profile has no executable for its launcher: set executable (or launcher: false)' % profile['name'])
    if archive and executable and not os.path.isabs(executable):
        executable = os.path.join(p['prefix'], executable)

    # The application first: a checksum mismatch stops everything before any file is written.
    installed = viewer.install_viewer(module, profile, family)
    version = installed.version
    if archive and not (module.check_mode and installed.changed):
        version = viewer.command_version(module, profile.get('version_command'), profile.get('version_regex'), executable)

    home = account.pw_dir
    values = {'home': home, 'user': account.pw_name, 'prefix': p['prefix'] or '',
              'data_dir': p['prefix'] if archive else os.path.join(home, '.local', 'share', 'dukcapil-cctv'),
              'apps_dir': p['prefix'] if archive else os.path.join(home, '.local', 'share', 'applications')}
    changes = ['package'] if installed.changed else []
    diffs = []

    # The camera list: the room's cameras, credentials only where the format needs them.
    list_path = p['camera_list_path'] or viewer.expand(profile['camera_list']['path'], values, 'camera_list path')
    if not os.path.isabs(list_path):
        raise viewer.ProfileError('the camera list path %r is not absolute' % list_path)
    selected = viewer.select_cameras(p['cameras'], p['rooms'])
    if p['rooms'] and not selected:
        module.warn('no camera is in the room(s) %s: the camera list is empty' % ', '.join(p['rooms']))
    entries = viewer.camera_entries(selected, profile['camera_list']['credentials'])
    title = viewer.list_title(entries, p['rooms'])
    content = viewer.render_camera_list(profile['camera_list']['format'], entries, title)
    mode = 0o600 if any(e['secret'] for e in entries) else 0o644
    before = to_text(read_bytes(list_path) or b'', errors='surrogate_or_replace')
    viewer.ensure_folder(module, os.path.dirname(list_path), account.pw_uid, account.pw_gid, home)
    if write_file(module, list_path, content, mode=mode, owner=account.pw_name, group=group):
        changes.append('camera_list')
    diffs.append({'before_header': list_path, 'after_header': list_path,
                  'before': viewer.mask_credentials(before), 'after': viewer.mask_credentials(content)})

    # The launcher that opens it.
    launcher_path = None
    if p['launcher']:
        launcher_path = viewer.expand(profile['launcher']['path'], values, 'launcher path')
        if not os.path.isabs(launcher_path):
            raise viewer.ProfileError('the launcher path %r is not absolute' % launcher_path)
        desktop = viewer.render_launcher(profile, title, {'executable': executable, 'camera_list': list_path, 'prefix': p['prefix']})
        old = to_text(read_bytes(launcher_path) or b'', errors='surrogate_or_replace')
        viewer.ensure_folder(module, os.path.dirname(launcher_path), account.pw_uid, account.pw_gid, home)
        if write_file(module, launcher_path, desktop, mode=0o644, owner=account.pw_name, group=group):
            changes.append('launcher')
            diffs.append({'before_header': launcher_path, 'after_header': launcher_path, 'before': old, 'after': desktop})

    files = [list_path] + ([launcher_path] if launcher_path else []) + installed.files
    result = dict(changed=bool(changes), changes=changes, version=version, package=installed.package,
                  os_family=family, camera_count=len(entries), camera_list=list_path, launcher=launcher_path, files=files)
    if module._diff:
        result['diff'] = diffs
    return result


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_if=[
            ('source', 'file', ('src', 'checksum')),
            ('source', 'url', ('src', 'checksum')),
            ('source', 'archive', ('src', 'checksum', 'prefix')),
        ],
        supports_check_mode=True,
    )
    try:
        result = run(module)
    except viewer.ViewerError as exc:
        module.fail_json(msg=to_text(exc))
    except (IOError, OSError) as exc:
        module.fail_json(msg='installing the camera viewer failed: %s' % to_text(exc))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
