# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugins of the modules that write PDFs: the module, with the shipped fonts' folder.

AnsiballZ sends a module only the Python files of module_utils, so a module cannot reach the
Liberation Sans files in plugins/module_utils/fonts/ by itself. An action plugin runs on the
controller, beside the installed collection, and gives the module that folder as ``font_dir``
(unless the task gives one). The modules run on the controller (``delegate_to: localhost``),
where the folder is.
"""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase

FONT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'module_utils', 'fonts')


class FontDirAction(ActionBase):
    """Run ``MODULE`` with ``font_dir`` filled."""

    MODULE = None
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        if not args.get('font_dir'):
            args['font_dir'] = FONT_DIR
        result.update(self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars))
        return result
