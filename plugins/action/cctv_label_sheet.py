# -*- coding: utf-8 -*-
# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run dukcapil.cctv.cctv_label_sheet with the folder of the fonts the collection ships (see plugin_utils/_font_dir.py)."""

from __future__ import annotations

from ansible_collections.dukcapil.cctv.plugins.plugin_utils._font_dir import FontDirAction


class ActionModule(FontDirAction):
    MODULE = 'dukcapil.cctv.cctv_label_sheet'
