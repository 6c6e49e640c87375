#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: cctv_viewer_install
short_description: Install the camera viewer on a workstation, pre-loaded with the room's cameras
version_added: 1.0.0
description:
  - SOP-PIAK-02 step 4 (I(Instal aplikasi kamera pengawas)) for Linux workstations of the Debian/Ubuntu
    and RHEL/Fedora families, and for Windows workstations (see below).
  - An action plugin. It runs on the controller and drives Ansible's own modules on the workstation, where the
    work happens - M(ansible.builtin.package), M(ansible.builtin.apt) or M(ansible.builtin.dnf) to install,
    M(ansible.builtin.get_url) and M(ansible.builtin.stat) to verify O(checksum), M(ansible.builtin.unarchive) to
    extract, M(ansible.builtin.copy) to write the files; M(ansible.builtin.command) only asks read-only questions
    (the installed version, the package inside a vendor file, the viewer's C(--version)).
  - Installs the viewer application from the OS package manager (O(source=package)), from a vendor
    C(.deb)/C(.rpm) file or URL verified against O(checksum) (O(source=file), O(source=url)), or from a
    portable C(.tar.gz)/C(.zip) archive extracted into O(prefix) (O(source=archive)).
  - Writes the camera list of the workstation's room(s) in the viewer's format, owned by O(operator), and a
    freedesktop launcher that opens it.
  - What a viewer needs is data, a I(profile) in C(plugins/module_utils/_viewer.py); O(profile_overrides)
    changes or extends one without code.
  - On a Windows workstation (a C(winrm)/C(psrp) connection or a PowerShell shell) the installer O(src) (C(.msi) or
    C(.exe), O(source=file) or O(source=url)) is installed with C(ansible.windows.win_package), verified against
    O(checksum) and known by O(product_id); the M3U playlist (never with credentials) and a C(.cmd) launcher are
    written with C(ansible.windows.win_copy). Only the V(vlc) profile. B(Not tested on a real Windows host in this
    project) (the plugin is tested with the Windows modules' results mocked). Needs the C(ansible.windows)
    collection on the controller.
  - There is no O(ignore:state) option, on purpose. The module only ensures that the viewer is present and
    configured; remove a viewer with M(ansible.builtin.package) and M(ansible.builtin.file).
author:
  - dukcapil.cctv contributors (!UNKNOWN)
extends_documentation_fragment:
  - dukcapil.cctv.attributes
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the work are done on the controller.
    support: full
    details:
      - Runs on the controller and drives Ansible's own modules on the workstation.
  check_mode:
    support: full
    details:
      - Only reads. For O(source=url) the file is still downloaded into a temporary folder and verified, so
        that the package name and version inside it (and a checksum mismatch) are predicted exactly; for
        O(source=archive) the archive is also brought to the controller and checked.
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
        Debian family with M(ansible.builtin.apt) O(ansible.builtin.apt#module:deb) (dependencies resolved);
        RHEL family with M(ansible.builtin.dnf); another version is replaced (downgrades allowed).
      - V(archive) extracts a portable C(.tar.gz)/C(.zip) (local path or URL) into O(prefix). The whole archive is
        brought to the controller and checked before anything is written; an absolute path, C(..), a link that leaves
        the prefix, a member under a link (of the archive, or already in O(prefix)), a hard link to anything but an
        earlier file, a setuid/setgid/sticky member, or a device or FIFO refuses it, and O(prefix) stays as it was.
        A marker file C(.dukcapil-cctv-viewer.json) in the prefix
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
      - Required on Linux; not used on Windows (the playlist and the launcher are for every user there).
    type: str
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
      - On Windows C(C:\Users\Public\Documents\dukcapil-cctv\cameras.m3u) when omitted; the launcher goes to
        C(profile_overrides.launcher.path), C(C:\Users\Public\Desktop\CCTV.cmd) when omitted.
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
  product_id:
    description:
      - Windows only. The product id C(ansible.windows.win_package) checks to know whether the viewer is installed
        (the MSI ProductCode, or the uninstall registry key name of an C(.exe) installer).
      - C(VLC media player) when omitted.
    type: str
  installer_arguments:
    description:
      - Windows only. Arguments for the installer; C(/S) (the silent switch of the VLC C(.exe) installer) when
        omitted. Leave MSI switches like C(/qn) out.
    type: str
notes:
  - The modules run on the workstation with its Python; the camera list and the archive check are computed on
    the controller. Debian-family workstations need C(python3-apt) for O(source=file) and O(source=url) (the
    M(ansible.builtin.apt) module installs it when missing).
  - For O(source=archive) the version comes from the profile's version command (C(<executable> --version));
    it is V(null) when that command does not answer, and in check mode when the archive would be (re)extracted.
seealso:
  - module: ansible.builtin.package
  - module: ansible.builtin.unarchive
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
    - V(null) in check mode when the viewer would first be installed from the OS packages or an archive, and on Windows.
  returned: always
  type: str
  sample: 3.0.21-0+deb12u1
package:
  description: Name of the OS package that carries the viewer (the product id on Windows); V(null) for archives.
  returned: always
  type: str
  sample: vlc
os_family:
  description:
    - The workstation's OS family, V(debian) or V(redhat) (from Ansible's C(os_family) fact), V(windows), or V(null)
      when unknown (archives only).
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
