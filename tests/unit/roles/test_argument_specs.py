# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role documents every variable of defaults/main.yml, with the same default."""

from __future__ import annotations

import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, 'roles')) if os.path.isdir(os.path.join(ROOT, 'roles', d)))


def _load(role, *path):
    full = os.path.join(ROOT, 'roles', role, *path)
    if not os.path.exists(full):
        return None
    with open(full) as f:
        return yaml.safe_load(f)


def test_there_are_roles():
    assert ROLES


@pytest.mark.parametrize('role', ROLES)
def test_defaults_equal_argument_specs(role):
    defaults = _load(role, 'defaults', 'main.yml') or {}
    specs = _load(role, 'meta', 'argument_specs.yml')
    assert specs, 'roles/%s has no meta/argument_specs.yml' % role
    options = specs['argument_specs']['main'].get('options') or {}
    assert sorted(defaults) == sorted(options), 'roles/%s: defaults and argument_specs list different variables' % role
    for name, value in defaults.items():
        spec = options[name]
        assert spec.get('description'), 'roles/%s: %s has no description' % (role, name)
        assert 'default' in spec and spec['default'] == value, \
            'roles/%s: %s defaults to %r, argument_specs says %r' % (role, name, value, spec.get('default'))


@pytest.mark.parametrize('role', ROLES)
def test_variables_are_prefixed_with_the_role_name(role):
    defaults = _load(role, 'defaults', 'main.yml') or {}
    bad = [name for name in defaults if not name.startswith(role + '_')]
    assert not bad, 'roles/%s: variables without the %s_ prefix: %s' % (role, role, bad)
