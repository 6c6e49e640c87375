# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let the unit tests run on the floor ansible-core too (tests/requirements-floor.txt).

The tests set module arguments with ``ansible.module_utils.testing.patch_module_args``, which
ansible-core 2.19 added (and requires: its modules refuse the older way). On an older core that
module does not exist; this stand-in gives it the same name and behaviour through the way those
cores read arguments (``basic._ANSIBLE_ARGS``), so the same tests run at the floor unchanged.
"""

from __future__ import annotations

import contextlib
import json
import sys
import types

try:
    import ansible.module_utils.testing  # noqa: F401  pylint: disable=unused-import
except ImportError:
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Before 2.19: AnsibleModule reads its arguments from basic._ANSIBLE_ARGS."""
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

    _shim = types.ModuleType('ansible.module_utils.testing')
    _shim.patch_module_args = patch_module_args
    sys.modules['ansible.module_utils.testing'] = _shim
    import ansible.module_utils as _module_utils
    _module_utils.testing = _shim
