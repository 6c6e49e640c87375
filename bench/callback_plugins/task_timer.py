# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: records each task's wall time (all hosts) into $TASK_TIMER_FILE as JSON."""

from __future__ import annotations

DOCUMENTATION = r'''
name: task_timer
type: aggregate
short_description: write each task's wall time to a JSON file (benchmarks only)
description:
  - Used by the scripts in bench/; not part of the collection.
requirements:
  - TASK_TIMER_FILE set in the environment
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._current = None
        self._times = []

    def _close(self):
        if self._current:
            name, start = self._current
            self._times.append({'task': name, 'seconds': time.monotonic() - start})
            self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self._current = (task.get_name(), time.monotonic())

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ['TASK_TIMER_FILE'], 'w') as f:
            json.dump(self._times, f, indent=1)
