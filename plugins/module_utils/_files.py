# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write files the way the collection promises: only when the content differs, and atomically.

Every module that writes a file calls :func:`write_file`; nothing in the collection writes a
file in place. The content goes to a temporary file in the same folder, which then replaces
the target through ``AnsibleModule.atomic_move`` (a rename), so a reader sees the old file or
the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile


def read_bytes(path):
    """Return the file's bytes, or None when it does not exist."""
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return None


def write_file(module, path, content, mode=None, owner=None, group=None):
    """Make ``path`` hold ``content`` (bytes or text). Return True when anything changed.

    In check mode nothing is written; the return value still says whether a write would
    happen. ``mode``/``owner``/``group`` are applied through Ansible's file attribute logic,
    so they are idempotent too.
    """
    if isinstance(content, str):
        content = content.encode('utf-8')
    path = os.path.abspath(path)
    changed = read_bytes(path) != content
    if changed and not module.check_mode:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=folder)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            if mode is not None:
                # atomic_move keeps the mode of an existing target; give the temp file the
                # wanted mode first so a new file never exists with a wider one.
                os.chmod(tmp, int(mode, 8) if isinstance(mode, str) else mode)
            module.atomic_move(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    file_args = {'path': path, 'mode': mode, 'owner': owner, 'group': group,
                 'secontext': [None, None, None], 'attributes': None}
    if os.path.exists(path):
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return changed
