# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make the collection importable as ansible_collections.dukcapil.cctv and the simulator as camsim.

pytest runs from the repository root; the collection's own imports need the
``ansible_collections/dukcapil/cctv`` layout, so a link tree under ``build/`` provides it.
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collection_path():
    # Already inside an ansible_collections tree (ansible-test, or a copy of the repository)?
    parts = ROOT.split(os.sep)
    if len(parts) > 3 and parts[-3] == 'ansible_collections':
        return os.sep.join(parts[:-3])
    base = os.path.join(ROOT, 'build', 'pytest-collections')
    link = os.path.join(base, 'ansible_collections', 'dukcapil', 'cctv')
    if not os.path.lexists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(ROOT, link)
        except FileExistsError:  # another xdist worker made it first
            pass
    return base


for _path in (_collection_path(), os.path.join(ROOT, 'tools')):
    if _path not in sys.path:
        sys.path.insert(0, _path)
