# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""cctv_viewer_install is an action plugin: the module file is its documentation, kept equal to the plugin's options.

The behaviour is tested in tests/unit/plugins/action/test_cctv_viewer_install.py (modules mocked)
and tests/integration/test_cctv_viewer_install.py (for real on this machine).
"""

from __future__ import annotations

import ast
import os

import yaml

from ansible_collections.dukcapil.cctv.plugins.action import cctv_viewer_install as plugin

MODULE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules', 'cctv_viewer_install.py')


def _module_file():
    with open(MODULE) as f:
        return ast.parse(f.read())


def _docs():
    found = dict((node.targets[0].id, yaml.safe_load(node.value.value)) for node in _module_file().body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name))
    return found


def test_the_module_file_holds_only_documentation():
    names = []
    for node in _module_file().body:
        if isinstance(node, ast.Assign):
            names.append(node.targets[0].id)
        elif isinstance(node, ast.ImportFrom) and node.module == '__future__':
            continue
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        else:
            raise AssertionError('code in the doc-only module file: %s' % ast.dump(node)[:200])
    assert names == ['DOCUMENTATION', 'EXAMPLES', 'RETURN']


def _same(documented, spec, where):
    assert sorted(documented) == sorted(spec), where
    for name, doc in documented.items():
        arg = spec[name]
        kind = doc.get('type', 'str')
        assert {'path': 'str'}.get(kind, kind) == arg.get('type', 'str'), '%s%s type' % (where, name)
        for key in ('default', 'choices', 'elements'):
            assert doc.get(key) == arg.get(key), '%s%s %s: documented %r, plugin %r' % (where, name, key, doc.get(key), arg.get(key))
        assert bool(doc.get('required')) == bool(arg.get('required')), '%s%s required' % (where, name)
        assert doc.get('description'), '%s%s has no description' % (where, name)
        if doc.get('suboptions') or arg.get('options'):
            _same(doc['suboptions'], arg['options'], '%s%s.' % (where, name))


def test_documented_options_equal_the_plugins():
    _same(_docs()['DOCUMENTATION']['options'], plugin.ARGUMENT_SPEC, '')


def test_secrets_are_no_log_and_the_required_options_documented():
    assert plugin.ARGUMENT_SPEC['cameras']['options']['password']['no_log'] is True
    documentation = _docs()['DOCUMENTATION']
    for option, value, needed in plugin.REQUIRED_IF:
        assert value in documentation['options'][option]['choices']
        assert set(needed) <= set(documentation['options'])


def test_examples_use_the_fqcn_and_only_documented_options():
    documentation, examples = _docs()['DOCUMENTATION'], _docs()['EXAMPLES']
    assert examples
    for task in examples:
        args = task['dukcapil.cctv.cctv_viewer_install']
        assert set(args) <= set(documentation['options']), task['name']
