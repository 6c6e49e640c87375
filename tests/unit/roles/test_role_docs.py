# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Roles reusable on their own: plain defaults, and a README that says what the role reads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, 'roles')) if os.path.isdir(os.path.join(ROOT, 'roles', d)))


def _load(role, *path):
    with open(os.path.join(ROOT, 'roles', role, *path)) as f:
        return yaml.safe_load(f)


def _templated(value):
    if isinstance(value, str):
        return '{{' in value or '{%' in value
    if isinstance(value, dict):
        return any(_templated(v) for v in value.values())
    if isinstance(value, list):
        return any(_templated(v) for v in value)
    return False


def _options(options, prefix=''):
    for name, spec in (options or {}).items():
        yield prefix + name, spec or {}
        yield from _options((spec or {}).get('options'), prefix + name + '.')


@pytest.mark.parametrize('role', ROLES)
def test_argument_spec_defaults_are_plain_values(role):
    options = _load(role, 'meta', 'argument_specs.yml')['argument_specs']['main'].get('options')
    templated = [name for name, spec in _options(options) if _templated(spec.get('default'))]
    assert not templated, 'roles/%s: argument spec defaults with Jinja (compute them in vars/ or the tasks): %s' % (role, templated)


@pytest.mark.parametrize('role', ROLES)
def test_role_defaults_are_plain_values(role):
    defaults = _load(role, 'defaults', 'main.yml') or {}
    templated = sorted(name for name, value in defaults.items() if _templated(value))
    assert not templated, 'roles/%s: defaults/main.yml with Jinja: %s' % (role, templated)


@pytest.mark.parametrize('role', ROLES)
def test_role_vars_are_private(role):
    path = os.path.join(ROOT, 'roles', role, 'vars', 'main.yml')
    if not os.path.exists(path):
        pytest.skip('no vars/main.yml')
    public = [name for name in _load(role, 'vars', 'main.yml') or {} if not name.startswith('__' + role + '_')]
    assert not public, 'roles/%s: vars/main.yml would override what callers set: %s' % (role, public)


@pytest.mark.parametrize('role', ROLES)
def test_role_readme_names_the_inventory_variables_it_reads(role):
    path = os.path.join(ROOT, 'roles', role, 'README.md')
    assert os.path.exists(path), 'roles/%s has no README.md (python tools/gen_role_readme.py writes a skeleton)' % role
    with open(path, encoding='utf-8') as f:
        text = f.read()
    assert '## Inventory variables it reads' in text


def test_role_readmes_are_in_step_with_the_argument_specs():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'gen_role_readme.py'), '--check'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
