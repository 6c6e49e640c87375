# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the demo's portable camera viewer: build/demo/dist/cctv-viewer-portable-<ver>.tar.gz.

The viewer is a small POSIX shell script that lists the cameras of a camera list written by
``dukcapil.cctv.cctv_viewer_install`` (JSON of the ``generic`` profile, or an M3U playlist),
never printing a password. The demo installs it with ``source: archive`` into
``build/demo/workstations/<name>/`` (no system package is touched).

The archive is reproducible: fixed member order, mtimes, owners and modes, and a gzip header
without a name or a time, so its sha256 only changes when the viewer does.

Usage: python tools/make_demo_viewer.py [--version 1.0.0] [--output-dir DIR] [--json]
Prints the archive's path on the first line and ``sha256:<hex>`` on the second (or one JSON
object with ``path``, ``checksum`` and ``version`` with --json).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MTIME = 1659312000  # 2022-08-01, the day SOP-PIAK-02 took effect

VIEWER = r'''#!/bin/sh
# cctv-viewer (dukcapil.cctv demo) - lists the cameras of a camera list.
# Reads the JSON list of the "generic" profile or an M3U playlist; never prints passwords.
VERSION='@VERSION@'
case "${1:-}" in
  --version) echo "cctv-viewer $VERSION"; exit 0 ;;
  ''|-h|--help) echo "usage: cctv-viewer CAMERA_LIST   (or --version)"; exit 0 ;;
esac
list=$1
if [ ! -r "$list" ]; then
  echo "cctv-viewer: cannot read $list" >&2
  exit 2
fi
case "$list" in
  *.m3u|*.m3u8)
    awk '/^#PLAYLIST:/ { sub(/^#PLAYLIST:/, ""); print; next }
         /^#EXTINF/ { sub(/^#EXTINF:[^,]*,/, ""); title = $0; next }
         /^[^#]/ && NF { sub(/:\/\/[^\/@]*@/, "://"); printf "  %-40s %s\n", title, $0 }' "$list" ;;
  *)
    awk 'function value(line) { sub(/^[^:]*: *"/, "", line); sub(/",? *$/, "", line); return line }
         /^  "title":/ { print value($0); next }
         /^      "title":/ { title = value($0); next }
         /"stream_uri":/ { uri = value($0); sub(/:\/\/[^\/@]*@/, "://", uri); printf "  %-40s %s\n", title, uri }' "$list" ;;
esac
'''

README = '''cctv-viewer @VERSION@ (portable, demo)

A stand-in for a vendor's portable camera viewer, used by the dukcapil.cctv demo.
  bin/cctv-viewer CAMERA_LIST   lists the cameras (title and stream URI, without credentials)
  bin/cctv-viewer --version     prints the version
'''


def build(version, output_dir):
    """Write the archive; return (path, sha256 hex)."""
    members = [
        ('bin/', None, 0o755),
        ('bin/cctv-viewer', VIEWER.replace('@VERSION@', version), 0o755),
        ('README.txt', README.replace('@VERSION@', version), 0o644),
        ('VERSION', version + '\n', 0o644),
    ]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        for name, text, mode in members:
            info = tarfile.TarInfo(name.rstrip('/'))
            info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = MTIME, mode, 0, 0, 'root', 'root'
            if text is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                data = text.encode('utf-8')
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    os.makedirs(output_dir, exist_ok=True)
    path = os.path.join(output_dir, 'cctv-viewer-portable-%s.tar.gz' % version)
    with open(path, 'wb') as f:
        f.write(packed.getvalue())
    return path, hashlib.sha256(packed.getvalue()).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--version', default='1.0.0', help='viewer version (default: %(default)s)')
    parser.add_argument('--output-dir', default=os.path.join(ROOT, 'build', 'demo', 'dist'))
    parser.add_argument('--json', action='store_true', help='print one JSON object instead of two lines')
    args = parser.parse_args(argv)
    path, digest = build(args.version, args.output_dir)
    if args.json:
        sys.stdout.write(json.dumps({'path': path, 'checksum': 'sha256:' + digest, 'version': args.version}) + '\n')
    else:
        sys.stdout.write('%s\nsha256:%s\n' % (path, digest))
    return 0


if __name__ == '__main__':
    sys.exit(main())
